//! What a hostile tester found in the window, each proven fixed on the real App: a pasted cURL
//! command naming a foreign host does not get the user's own token without asking; after a send
//! the answer's body is on screen, not pushed out by its summary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use flameup_explorer::app::{App, Exchange, Startup};
use support::app::{MemoryStorage, Scratch, started, step_until};
use support::{LoopbackServer, Reply};

/// A token no other test uses, as if exported in FLAMEUP_API_TOKEN.
const ENV_TOKEN: &str = "ws_live_environment.hostile-0123456789";

/// A fresh app started with `ENV_TOKEN` in the environment.
fn with_env_token(scratch: &Scratch) -> Harness<'static, App> {
    let startup = Startup {
        token: Some(ENV_TOKEN.to_owned()),
        ..scratch.startup()
    };
    let mut harness = started(startup, None);
    harness.run();
    harness
}

/// Pastes `text` onto the window, as Ctrl+V does with nothing focused.
fn paste(harness: &mut Harness<'_, App>, text: &str) {
    harness.event(egui::Event::Paste(text.to_owned()));
    harness.run();
}

#[test]
fn the_environment_token_does_not_go_to_a_pasted_foreign_host_without_asking() {
    let scratch = Scratch::new("hostile-foreign-host");
    let mut harness = with_env_token(&scratch);
    paste(
        &mut harness,
        "curl http://192.0.2.2:18201/api/v1/people/abc",
    );
    harness.get_by_label_contains(
        "The command names 192.0.2.2, which is neither the Flameup API nor this machine: Send asks before your FLAMEUP_API_TOKEN goes there.",
    );

    harness.get_by_label("Send").click();
    harness.run();
    assert!(
        matches!(harness.state().exchange, Exchange::Idle),
        "nothing is sent before the user says so"
    );
    harness.get_by_label("Send your FLAMEUP_API_TOKEN to 192.0.2.2?");
    harness.get_by_label("Send to 192.0.2.2");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.query_by_label("Send to 192.0.2.2").is_none());
    assert!(matches!(harness.state().exchange, Exchange::Idle));

    // Asked again on the next Send, and Esc says no too.
    harness.get_by_label("Send").click();
    harness.run();
    harness.get_by_label("Send your FLAMEUP_API_TOKEN to 192.0.2.2?");
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Send to 192.0.2.2").is_none());
    assert!(matches!(harness.state().exchange, Exchange::Idle));
}

#[test]
fn a_pasted_command_for_this_machine_sends_the_environment_token_without_asking() {
    let scratch = Scratch::new("hostile-loopback-host");
    let server = LoopbackServer::start(Reply::json(200, r#"{"id":"abc"}"#));
    let mut harness = with_env_token(&scratch);
    paste(
        &mut harness,
        &format!("curl {}/people/abc", server.base_url()),
    );
    assert!(
        harness
            .query_by_label_contains("neither the Flameup API")
            .is_none()
    );
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the answer", |app| {
        matches!(app.exchange, Exchange::Done(_))
    });
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].text().contains(ENV_TOKEN));
}

/// A fresh app, as on a first launch (the sandbox, no token), in a window of `size`.
fn fresh_of_size(scratch: &Scratch, size: egui::Vec2) -> Harness<'static, App> {
    let startup = scratch.startup();
    let mut harness = Harness::builder()
        .with_size(size)
        .with_max_steps(12)
        .build_eframe(move |cc| {
            let memory = MemoryStorage(None);
            App::start(&cc.egui_ctx, Some(&memory), startup)
        });
    harness.run();
    harness
}

#[test]
fn after_a_send_the_body_is_on_screen_at_the_default_and_a_small_size() {
    for (name, size) in [
        ("1280x800", egui::vec2(1280.0, 800.0)),
        ("1024x640", egui::vec2(1024.0, 640.0)),
    ] {
        let scratch = Scratch::new(&format!("hostile-body-room-{name}"));
        let mut harness = fresh_of_size(&scratch, size);
        harness.get_by_label("Send").click();
        step_until(&mut harness, "the answer", |app| {
            matches!(app.exchange, Exchange::Done(_))
        });
        harness.run();
        harness.get_by_label("201 Created");
        let line = harness.get_by_label("  \"workspace_id\": \"ws_sandbox\",");
        let rect = line.rect();
        assert!(
            rect.bottom() <= size.y && rect.height() > 0.0,
            "at {name} the body's second line is at {rect:?}, off the window"
        );
    }
}
