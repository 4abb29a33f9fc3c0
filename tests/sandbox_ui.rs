//! A fresh app, with no token and empty config directories, opens on the built-in sandbox; the
//! first click on Send creates the example person. Its settings are reachable from the window.
#![allow(unsafe_code)] // Until these tests take a config struct instead of the environment.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use flameup_explorer::app::{App, Exchange};
use flameup_explorer::model::Environment;

fn fresh_app() -> Harness<'static, App> {
    let scratch = std::env::temp_dir().join(format!("flameup-fresh-{}", std::process::id()));
    // SAFETY: every test in this binary sets the same values before starting its app, and none
    // reads the environment concurrently with a different expectation.
    unsafe {
        std::env::remove_var("FLAMEUP_API_TOKEN");
        std::env::set_var("XDG_CONFIG_HOME", scratch.join("config"));
        std::env::set_var("XDG_DATA_HOME", scratch.join("data"));
    }
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|cc| App::new(cc))
}

fn step_until_done(harness: &mut Harness<'_, App>) {
    let started = Instant::now();
    while !matches!(harness.state().exchange, Exchange::Done(_)) {
        assert!(started.elapsed() < Duration::from_secs(15), "no answer");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.step();
}

#[test]
fn the_first_send_of_a_fresh_app_creates_the_example_person_in_the_sandbox() {
    let mut harness = fresh_app();
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
    let mut harness = fresh_app();
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
