//! The presets and history panel of the real App: save, find with search, load, rename, delete,
//! undo, the shipped examples on first launch, and history restore.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::path::PathBuf;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use flameup_explorer::app::{App, AppState, Exchange, PresetLibrary, TokenInput};
use flameup_explorer::model::{Draft, Environment};
use support::app::{Scratch, harness_of, step_until, type_into};
use support::{LoopbackServer, Reply};

fn app(name: &str, base_url: &str) -> (Scratch, Harness<'static, App>) {
    let scratch = Scratch::new(&format!("library-{name}"));
    let dir = scratch.path();
    let library = PresetLibrary::open(Some(dir.join("presets")), Some(dir.join("history.jsonl")));
    let state = AppState {
        draft: Draft {
            environment: Environment::Custom,
            custom_base_url: base_url.to_owned(),
            ..Draft::docs_example()
        },
        ..AppState::default()
    };
    let token = TokenInput {
        text: "ws_test_library.secret".into(),
        ..TokenInput::default()
    };
    let app = App::with_library(state, token, library);
    (scratch, harness_of(app, egui::vec2(1400.0, 900.0)))
}

fn is_done(app: &App) -> bool {
    matches!(app.exchange, Exchange::Done(_))
}

fn open_menu(harness: &mut Harness<'_, App>, preset: &str, item: &str) {
    harness
        .get_by_label(&format!("Actions for {preset}"))
        .click();
    harness.run();
    harness.get_by_label(item).click();
    harness.run();
}

#[test]
fn save_search_load_rename_delete_and_undo() {
    let (_scratch, mut harness) = app("presets", "http://127.0.0.1:9/api/v1");
    harness.run();
    for example in [
        "Docs example person",
        "Invalid email (see a 400)",
        "Unicode name",
        "Typed custom traits",
    ] {
        harness.get_by_label(example);
    }

    type_into(&mut harness, "Preset name", "My preset");
    harness.get_by_label("Save").click();
    harness.run();
    harness.get_by_label("Saved \"My preset\".");
    harness.get_by_label("My preset");

    type_into(&mut harness, "Search presets", "my p");
    assert!(
        harness.query_by_label("Docs example person").is_none(),
        "the search hides the others"
    );
    harness.get_by_label("My preset");

    harness.state_mut().state.draft.user_id = "changed".into();
    harness.get_by_label("My preset").click();
    harness.run();
    assert_eq!(
        harness.state().state.draft.user_id,
        "example_string",
        "loading restores the form"
    );

    open_menu(&mut harness, "My preset", "Rename");
    type_into(&mut harness, "New name for My preset", "Renamed");
    harness.get_by_label("OK").click();
    harness.run();
    type_into(&mut harness, "Search presets", "");
    harness.get_by_label("Renamed");
    assert!(harness.query_by_label("My preset").is_none());

    open_menu(&mut harness, "Renamed", "Delete");
    assert!(harness.query_by_label("Renamed").is_none());
    harness.get_by_label("Undo delete of \"Renamed\"").click();
    harness.run();
    harness.get_by_label("Renamed");
    harness.check_accessibility();
}

#[test]
fn ctrl_s_saves_under_the_name_in_the_box() {
    let (_scratch, mut harness) = app("ctrl-s", "http://127.0.0.1:9/api/v1");
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    harness.get_by_label("Type a name for the preset first.");
    harness.state_mut().library.save_name = "Quick".into();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    harness.get_by_label("Saved \"Quick\".");
}

#[test]
fn every_send_is_in_the_history_and_a_click_restores_it() {
    let server = LoopbackServer::start(Reply::json(201, r#"{"id":"p1"}"#));
    let (_scratch, mut harness) = app("history", &server.base_url());
    harness.run();
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the answer", is_done);
    harness.run();
    harness.get_by_label("History").click();
    harness.run();
    harness.state_mut().state.draft.email = "changed@example.com".into();
    harness
        .get_by_label_contains("201 Created  /api/v1/people")
        .click();
    harness.run();
    assert_eq!(harness.state().state.draft.email, "user@example.com");
    harness.get_by_label("Clear all").click();
    harness.run();
    harness.get_by_label("Every send is recorded here, without the token.");
}

#[test]
fn dropping_a_json_file_imports_it() {
    let (scratch, mut harness) = app("drop", "http://127.0.0.1:9/api/v1");
    harness.run();
    let preset_file = scratch.path().join("dropped.json");
    std::fs::write(
        &preset_file,
        r#"{"kind": "flameup-explorer-preset", "schema": 1, "name": "Dropped in", "saved_at": "2026-11-27T12:00:00Z",
            "request": {"environment": "Sandbox", "body": {"userId": "dropped"}}}"#,
    )
    .unwrap();
    let body_file = scratch.path().join("plain body.json");
    std::fs::write(
        &body_file,
        r#"{"userId": "plain", "traits": {"plan": "pro"}}"#,
    )
    .unwrap();
    let broken_file = scratch.path().join("broken.json");
    std::fs::write(&broken_file, "{nope").unwrap();
    for path in [&preset_file, &body_file, &broken_file] {
        harness
            .input_mut()
            .dropped_files
            .push(std::sync::Arc::new(Dropped(path.clone())));
        harness.run();
    }
    harness.get_by_label("Dropped in");
    harness.get_by_label("plain body");
    harness.get_by_label_contains("broken.json is not valid JSON");
    let presets = harness.state().library.presets.clone().unwrap();
    assert_eq!(
        presets.find("plain body").unwrap().1.request.body["traits"]["plan"],
        "pro"
    );
}

/// A file dropped on the window, as the windowing integration hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|err| err.to_string())
    }
}

#[test]
fn a_send_that_ends_while_the_window_is_hidden_is_recorded() {
    let server = LoopbackServer::start(Reply::Held(Box::new(Reply::json(201, r#"{"id":"p1"}"#))));
    let (_scratch, mut harness) = app("hidden", &server.base_url());
    harness.run();
    harness.get_by_label("Send").click();
    harness.step();
    assert!(harness.state().is_running());
    // From here on no frame is drawn: eframe only calls `logic` (our `tick`) while hidden.
    server.release();
    server.wait_for_replies(1);
    let ctx = harness.ctx.clone();
    let started = std::time::Instant::now();
    while !is_done(harness.state()) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "no answer"
        );
        harness.state_mut().tick(&ctx);
        std::thread::yield_now();
    }
    let history = harness.state().library.history.as_ref().unwrap();
    assert_eq!(history.entries().len(), 1, "recorded without a frame drawn");
}
