//! The token in a real Secret Service: gnome-keyring in a private D-Bus session (so the user's
//! own keyring is never touched). Typed into a fresh app that left the sandbox, sent, and after a
//! restart it is back in the field.
//!
//! The outer test runs the inner one inside that session (`support::keyring`); the inner test is
//! ignored when run on its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use egui_kittest::kittest::Queryable as _;
use flameup_explorer::app::{App, Exchange, TokenOrigin};
use flameup_explorer::model::Environment;
use flameup_explorer::store::token::TokenStore;
use support::app::{Scratch, started, step_until, type_into};
use support::keyring::run_inside_private_keyring;
use support::{LoopbackServer, Reply};

const TOKEN: &str = "ws_live_keyring.roundtrip";
/// A service name of the test's own, beside the app's real one.
const SERVICE: &str = "flameup-explorer-test";

#[test]
fn a_typed_token_is_saved_in_the_keyring_and_back_after_a_restart() {
    run_inside_private_keyring("keyring_inside_a_private_session");
}

#[test]
#[ignore = "run inside a private D-Bus session by the test above"]
fn keyring_inside_a_private_session() {
    let scratch = Scratch::new("keyring-app");
    let server = LoopbackServer::start(Reply::json(201, r#"{"id":"p1"}"#));
    let mut startup = scratch.startup();
    startup.keyring = Some(TokenStore::named(SERVICE));

    // First launch: the sandbox with its stand-in token; leave it and type a real token.
    let mut harness = started(startup.clone(), None);
    step_until(&mut harness, "the keyring's first answer", |app| {
        !app.keyring_busy()
    });
    assert_eq!(
        harness.state().state.draft.environment,
        Environment::Sandbox
    );
    harness.get_by_label("Environment").click();
    harness.run();
    harness.get_by_label("Custom base URL").click();
    harness.run();
    type_into(&mut harness, "Base URL", &server.base_url());
    type_into(&mut harness, "API token", TOKEN);
    harness.get_by_label("Saved in the system keyring when you send.");
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the answer and the keyring", |app: &App| {
        matches!(app.exchange, Exchange::Done(_)) && !app.keyring_busy()
    });
    harness.run();
    harness.get_by_label("Saved in the system keyring.");
    assert!(server.requests()[0].text().contains(TOKEN));
    let mut storage = support::app::MemoryStorage(None);
    eframe::App::save(harness.state_mut(), &mut storage);
    drop(harness);

    // Restart: the token is back from the keyring.
    let mut harness = started(startup, storage.0);
    step_until(&mut harness, "the keyring's answer", |app| {
        !app.keyring_busy()
    });
    harness.run();
    assert_eq!(harness.state().token.text, TOKEN);
    assert_eq!(harness.state().token.origin, TokenOrigin::Keyring);
    harness.get_by_label("Saved in the system keyring.");
    TokenStore::named(SERVICE).forget().unwrap();
}
