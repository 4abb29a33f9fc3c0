//! A fresh app, with no token and empty config directories, opens on the built-in sandbox; the
//! first click on Send creates the example person. Its settings are reachable from the window.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use flameup_explorer::app::{App, Exchange};
use flameup_explorer::model::Environment;
use support::app::{Scratch, started, step_until};

/// An app started as on a fresh machine: no token, no saved state, empty folders.
fn fresh_app(scratch: &Scratch) -> Harness<'static, App> {
    started(scratch.startup(), None)
}

fn step_until_done(harness: &mut Harness<'_, App>) {
    step_until(harness, "the answer", |app| {
        matches!(app.exchange, Exchange::Done(_))
    });
}

#[test]
fn the_first_send_of_a_fresh_app_creates_the_example_person_in_the_sandbox() {
    let scratch = Scratch::new("fresh-first-send");
    let mut harness = fresh_app(&scratch);
    harness.run();
    assert_eq!(
        harness.state().state.draft.environment,
        Environment::Sandbox
    );
    harness.get_by_label_contains("Local sandbox");
    harness.get_by_label_contains("0 people in memory; they are lost when the app closes");

    harness.get_by_label("Send").click();
    step_until_done(&mut harness);
    harness.get_by_label("201 Created");
    let Exchange::Done(outcome) = &harness.state().exchange else {
        unreachable!()
    };
    let person = outcome
        .as_ref()
        .as_ref()
        .unwrap()
        .view
        .json
        .clone()
        .unwrap();
    assert_eq!(person["external_id"], "example_string");
    assert_eq!(person["email"], "user@example.com");
    assert_eq!(person["first_name"], "John Doe");
    // What the window shows: the person card and the pretty body.
    harness.get_by_label("Person");
    harness.get_by_label("John Doe John Doe");
    assert!(
        harness
            .query_all_by_label("  \"external_id\": \"example_string\",")
            .next()
            .is_some()
    );
    harness.run();
    harness.get_by_label_contains("1 person in memory");
}

#[test]
fn sandbox_settings_apply_to_the_next_send() {
    let scratch = Scratch::new("fresh-settings");
    let mut harness = fresh_app(&scratch);
    harness.run();
    harness.get_by_label("Sandbox settings").click();
    harness.run();
    harness.check_accessibility();
    harness.get_by_label("Never answer").click();
    harness.run();
    assert!(harness.state().state.sandbox.hang);
    harness.state_mut().state.deadline_secs = 1.0;

    harness.get_by_label("Send").click();
    step_until_done(&mut harness);
    harness.get_by_label("No answer came back before the deadline.");
}

#[test]
fn leaving_the_sandbox_takes_its_stand_in_token_away_and_an_edited_token_is_typed() {
    let scratch = Scratch::new("fresh-token");
    let mut harness = fresh_app(&scratch);
    harness.run();
    assert_eq!(
        harness.state().token.text,
        flameup_explorer::sandbox::SANDBOX_TOKEN
    );
    harness.get_by_label_contains("A stand-in token for the local sandbox");

    harness.get_by_label("Environment").click();
    harness.run();
    harness.get_by_label("Custom base URL").click();
    harness.run();
    assert_eq!(harness.state().token.text, "", "the stand-in stays behind");
    assert!(
        harness
            .query_by_label_contains("A stand-in token for the local sandbox")
            .is_none()
    );

    support::app::type_into(&mut harness, "API token", "ws_live_typed.token");
    assert_eq!(harness.state().token.text, "ws_live_typed.token");
    assert_eq!(
        harness.state().token.origin,
        flameup_explorer::app::TokenOrigin::Typed
    );
    harness.get_by_label("Kept for this session only.");
}

#[test]
fn a_saved_state_that_cannot_be_read_is_kept_aside_and_said_once() {
    let scratch = Scratch::new("fresh-broken-state");
    let broken = "(draft: (user_id: 42, environment: Custom), theme: Dark";
    let mut harness = started(scratch.startup(), Some(broken.to_owned()));
    harness.run();
    harness.get_by_label_contains("The last session's state could not be read");
    let copies: Vec<_> = std::fs::read_dir(scratch.path().join("data"))
        .unwrap()
        .flatten()
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("unreadable-state-")
        })
        .collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(std::fs::read_to_string(copies[0].path()).unwrap(), broken);

    harness.get_by_label("Dismiss").click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("could not be read")
            .is_none()
    );
}

#[test]
fn register_a_device_from_a_created_person_fills_in_their_uuid() {
    let scratch = Scratch::new("link-register-device");
    let mut harness = fresh_app(&scratch);
    harness.run();
    harness.get_by_label("Send").click();
    step_until_done(&mut harness);
    harness.run();
    let Exchange::Done(outcome) = &harness.state().exchange else {
        unreachable!()
    };
    let person = outcome
        .as_ref()
        .as_ref()
        .unwrap()
        .view
        .json
        .clone()
        .unwrap();
    let uuid = person["id"].as_str().unwrap().to_owned();

    harness.get_by_label("Next: Register device").click();
    harness.run();
    let draft = &harness.state().state.draft;
    assert_eq!(draft.operation, "registerDevice");
    assert_eq!(
        draft.values.path["person_id"], uuid,
        "the UUID, for a devices path"
    );
    harness.get_by_label("From the answer of createPerson (/id)");
    let preview = harness
        .get_by_label("cURL preview")
        .value()
        .unwrap_or_default();
    assert!(
        preview.contains(&format!("/people/{uuid}/devices")),
        "{preview}"
    );
}
