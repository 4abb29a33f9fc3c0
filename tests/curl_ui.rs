//! cURL import in the real window: the docs' create-person command pasted onto the window becomes
//! the form, on the right environment, its values marked as pasted; a token in the command goes
//! into the token field for this session only (not in the saved state, never offered to the
//! keyring); a command that cannot be imported says why and changes nothing; the "Import cURL"
//! dialog reads a command live and imports it on Enter; a paste into a text field stays a paste.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use flameup_explorer::app::{App, Exchange, TokenOrigin, View};
use flameup_explorer::model::{Draft, Environment};
use flameup_explorer::store::token::TokenStore;
use serde_json::json;
use support::app::{MemoryStorage, Scratch, first_launch, started, step_until, type_into};
use support::keyring::run_inside_private_keyring;
use support::{DOCS_CREATE_PERSON_CURL, LoopbackServer, Reply};

/// A token no other test uses, to look for in what the app keeps.
const PASTED_TOKEN: &str = "ws_live_pasted.curl-0123456789abcdef";

const FROM_CURL: &str = "From the pasted cURL";
const TOKEN_NOTE: &str = "From the pasted cURL: kept for this session only, never saved.";

/// Pastes `text` onto the window, as Ctrl+V does with nothing focused.
fn paste(harness: &mut Harness<'_, App>, text: &str) {
    harness.event(egui::Event::Paste(text.to_owned()));
    harness.run();
}

fn sandbox_url(harness: &Harness<'_, App>) -> String {
    match &harness.state().sandbox {
        Some(Ok(sandbox)) => sandbox.base_url(),
        other => panic!(
            "the sandbox is not running: {:?}",
            other.as_ref().map(|_| ())
        ),
    }
}

/// The window's state as eframe stores it on exit.
fn saved_state(harness: &mut Harness<'_, App>) -> String {
    let mut storage = MemoryStorage(None);
    eframe::App::save(harness.state_mut(), &mut storage);
    storage.0.expect("the app saved its state")
}

#[test]
fn the_docs_create_person_curl_pasted_onto_the_window_becomes_the_form() {
    let scratch = Scratch::new("curl-docs-paste");
    let mut harness = first_launch(&scratch);
    // Something else in the form first, so that the import has something to replace.
    harness.state_mut().state.draft.values.path.clear();
    let before = harness.state().state.draft.clone();

    paste(&mut harness, DOCS_CREATE_PERSON_CURL);
    let draft = harness.state().state.draft.clone();
    assert_eq!(draft.operation, "createPerson");
    assert_eq!(draft.environment, Environment::Production);
    assert_eq!(
        draft.body_json().unwrap(),
        json!({
            "userId": "example_string",
            "email": "user@example.com",
            "phone": "+1-555-0123",
            "traits": {
                "first_name": "John Doe",
                "last_name": "John Doe",
                "phone": "+1-555-0123",
                "avatar_url": "example_string",
                "timezone": "example_string",
                "locale": "example_string"
            }
        })
    );
    harness.get_by_label(
        "Imported createPerson from the pasted cURL, on Production (https://api.flameup.ai/api/v1).",
    );
    // Every one of its nine values says where it came from.
    assert_eq!(harness.query_all_by_label(FROM_CURL).count(), 9);
    // The docs' placeholder is no token: the field is left as the environment has it.
    harness.get_by_label_contains("the docs' placeholder YOUR_API_TOKEN instead of a token");
    assert_ne!(harness.state().token.origin, TokenOrigin::PastedCurl);

    // The same command with a real token: the token goes into the field, for this session only.
    let with_token = DOCS_CREATE_PERSON_CURL.replace("YOUR_API_TOKEN", PASTED_TOKEN);
    paste(&mut harness, &with_token);
    assert_eq!(harness.state().token.text, PASTED_TOKEN);
    assert_eq!(harness.state().token.origin, TokenOrigin::PastedCurl);
    harness.get_by_label(TOKEN_NOTE);
    let saved = saved_state(&mut harness);
    assert!(saved.contains("example_string"), "the draft is saved");
    assert!(!saved.contains(PASTED_TOKEN), "the token is not: {saved}");
    assert!(!saved.contains("pasted.curl"), "not even in part");

    // Undo puts back the request and the token the last import replaced.
    harness.get_by_label("Undo import").click();
    harness.run();
    assert_eq!(harness.state().state.draft, draft);
    assert!(harness.state().token.text.is_empty());
    assert!(harness.query_by_label(TOKEN_NOTE).is_none());
    assert_ne!(harness.state().state.draft, before);
}

#[test]
fn a_curl_pasted_in_the_import_view_opens_the_request_it_became() {
    let scratch = Scratch::new("curl-import-view");
    let mut harness = first_launch(&scratch);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num2);
    harness.run();
    assert_eq!(harness.state().state.view, View::Import);
    // The path box takes the keyboard on arrival; with it focused a paste is its text.
    harness.key_press(egui::Key::Escape);
    harness.run();
    paste(&mut harness, DOCS_CREATE_PERSON_CURL);
    assert_eq!(harness.state().state.view, View::Requests);
    assert_eq!(harness.state().state.draft.operation, "createPerson");
}

#[test]
fn query_values_from_a_pasted_curl_say_where_they_came_from() {
    let scratch = Scratch::new("curl-query-origin");
    let mut harness = first_launch(&scratch);
    paste(
        &mut harness,
        "curl 'https://api.flameup.ai/api/v1/people?limit=5&status=active'",
    );
    let draft = &harness.state().state.draft;
    assert_eq!(draft.operation, "listPeople");
    assert_eq!(draft.values.query["limit"], "5");
    assert_eq!(harness.query_all_by_label(FROM_CURL).count(), 2);
}

#[test]
fn a_curl_that_cannot_be_imported_says_why_and_changes_nothing() {
    let scratch = Scratch::new("curl-broken");
    let mut harness = first_launch(&scratch);
    let before: Draft = harness.state().state.draft.clone();
    let token_before = harness.state().token.text.clone();

    paste(
        &mut harness,
        "curl -u ada:secret https://api.flameup.ai/api/v1/people/ada",
    );
    harness.get_by_label_contains(
        "Cannot import this command: the command's -u sends a user name and password",
    );
    assert_eq!(harness.state().state.draft, before);
    assert_eq!(harness.state().token.text, token_before);
    assert!(
        harness.state().curl.dialog_open(),
        "the command waits in the dialog"
    );
    assert!(
        harness
            .get_by_label("Import")
            .accesskit_node()
            .is_disabled(),
        "nothing can be half-imported"
    );

    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().curl.dialog_open());
    assert_eq!(harness.state().state.draft, before);

    // A paste that is no curl command is not taken for one.
    paste(&mut harness, "ada@example.com");
    assert!(!harness.state().curl.dialog_open());
    assert_eq!(harness.state().state.draft, before);
}

#[test]
fn the_import_dialog_reads_a_sandbox_curl_and_imports_it_on_enter() {
    let scratch = Scratch::new("curl-dialog");
    let mut harness = first_launch(&scratch);
    let sandbox = sandbox_url(&harness);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    harness.run();
    assert!(harness.state().curl.dialog_open());
    harness.get_by_label("Import a cURL command");
    let command = format!(
        "curl -sS -X PUT {sandbox}/people/ada -H 'Content-Type: application/json' -d '{{\"email\":\"ada@example.com\"}}'"
    );
    harness.get_by_label("cURL command").type_text(&command);
    harness.run();
    // The live reading, before anything changes.
    harness.get_by_label("updatePerson (PUT /people/{id})");
    harness.get_by_label("Sandbox (the running local sandbox)");
    harness.get_by_label("id = ada");
    harness.get_by_label("-s -S");
    assert_eq!(harness.state().state.draft.operation, "createPerson");
    harness.check_accessibility();
    // The window's shortcuts wait behind the dialog: Ctrl+Enter sends nothing.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    assert!(matches!(harness.state().exchange, Exchange::Idle));
    assert!(harness.state().curl.dialog_open());

    harness.key_press(Key::Enter);
    harness.run();
    assert!(!harness.state().curl.dialog_open());
    let draft = &harness.state().state.draft;
    assert_eq!(draft.operation, "updatePerson");
    assert_eq!(draft.environment, Environment::Sandbox);
    assert_eq!(draft.values.path["id"], "ada");
    assert_eq!(
        draft.body_json().unwrap(),
        json!({"email": "ada@example.com"})
    );
    // The sandbox's stand-in token stays: the command held none.
    assert_eq!(harness.state().token.origin, TokenOrigin::Sandbox);

    // After a later reset, the form's undo is the reset's: the banner no longer offers its own.
    harness.get_by_label("Undo import");
    harness.get_by_label("Reset to example").click();
    harness.run();
    assert!(harness.query_by_label("Undo import").is_none());
}

#[test]
fn a_paste_into_a_text_field_stays_a_paste() {
    let scratch = Scratch::new("curl-field-paste");
    let mut harness = first_launch(&scratch);
    let before = harness.state().state.draft.clone();
    harness.get_by_label("Filter operations").click();
    harness.run();
    paste(
        &mut harness,
        "curl https://api.flameup.ai/api/v1/people/ada",
    );
    assert_eq!(
        harness.state().library.operation_filter,
        "curl https://api.flameup.ai/api/v1/people/ada"
    );
    assert_eq!(harness.state().state.draft, before);
    assert!(!harness.state().curl.dialog_open());
}

/// A service name of this test's own, beside the app's real one and the keyring test's.
const SERVICE: &str = "flameup-explorer-test-curl";

#[test]
fn a_pasted_token_is_sent_but_never_offered_to_the_keyring() {
    run_inside_private_keyring("pasted_token_inside_a_private_session");
}

#[test]
#[ignore = "run inside a private D-Bus session by the test above"]
fn pasted_token_inside_a_private_session() {
    let scratch = Scratch::new("curl-keyring-app");
    let server = LoopbackServer::start(Reply::json(201, r#"{"id":"p1"}"#));
    let mut startup = scratch.startup();
    let store = TokenStore::named(SERVICE);
    store.forget().unwrap();
    startup.keyring = Some(store.clone());
    let mut harness = started(startup, None);
    step_until(&mut harness, "the keyring's first answer", |app| {
        !app.keyring_busy()
    });

    let command = DOCS_CREATE_PERSON_CURL
        .replace("https://api.flameup.ai/api/v1", &server.base_url())
        .replace("YOUR_API_TOKEN", PASTED_TOKEN);
    paste(&mut harness, &command);
    assert_eq!(harness.state().state.draft.environment, Environment::Custom);
    assert_eq!(harness.state().token.origin, TokenOrigin::PastedCurl);
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the answer", |app| {
        matches!(app.exchange, Exchange::Done(_))
    });
    let sent = server.requests();
    let authorization = format!("authorization: Bearer {PASTED_TOKEN}");
    assert!(
        sent[0]
            .header_lines()
            .iter()
            .any(|line| line.eq_ignore_ascii_case(&authorization)),
        "the pasted token is sent"
    );
    assert!(
        !harness.state().keyring_busy(),
        "no keyring call was started"
    );
    assert_eq!(harness.state().keyring_note().note, TOKEN_NOTE);
    assert_eq!(store.load().unwrap(), None, "the keyring holds no token");
    let history = std::fs::read_to_string(scratch.path().join("data/history.jsonl")).unwrap();
    assert!(!history.contains(PASTED_TOKEN));
    assert!(!saved_state(&mut harness).contains(PASTED_TOKEN));

    // The same keyring takes a token typed by hand: it was there to be offered one.
    type_into(&mut harness, "API token", "ws_live_typed.by-hand");
    harness.get_by_label("Send").click();
    harness.step();
    assert!(harness.state().keyring_busy(), "a typed token is offered");
    step_until(&mut harness, "the typed token in the keyring", |app| {
        !app.keyring_busy() && matches!(app.exchange, Exchange::Done(_))
    });
    assert_eq!(
        store.load().unwrap().as_deref(),
        Some("ws_live_typed.by-hand")
    );
    store.forget().unwrap();
}
