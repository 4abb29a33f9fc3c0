//! The presets and history panel of the real App: save, find with search, load, rename, delete,
//! undo, the shipped examples on first launch, and history restore.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::path::PathBuf;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use flameup_explorer::app::{App, AppState, Exchange, PresetLibrary, TokenInput};
use flameup_explorer::model::Draft;
use support::app::{Scratch, harness_of, state_sending_to, step_until, type_into, typed_token};
use support::{LoopbackServer, Reply};

fn app(name: &str, base_url: &str) -> (Scratch, Harness<'static, App>) {
    let scratch = Scratch::new(&format!("library-{name}"));
    let dir = scratch.path();
    let library = PresetLibrary::open(Some(dir.join("presets")), Some(dir.join("history.jsonl")));
    let state = state_sending_to(base_url, Draft::docs_example());
    let app = App::with_library(state, typed_token("ws_test_library.secret"), library);
    let mut harness = harness_of(app, egui::vec2(1400.0, 900.0));
    harness.run();
    // The side panel opens on the API navigator; these tests are about the presets tab.
    harness.get_by_label("Presets").click();
    harness.run();
    (scratch, harness)
}

fn body(harness: &Harness<'_, App>) -> serde_json::Value {
    harness.state().state.draft.body_json().unwrap()
}

fn set_input(harness: &mut Harness<'_, App>, pointer: &str, value: &str) {
    *harness.state_mut().state.draft.input_mut(pointer).unwrap() = value.to_owned();
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

    set_input(&mut harness, "/userId", "changed");
    harness.get_by_label("My preset").click();
    harness.run();
    assert_eq!(
        body(&harness)["userId"],
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
fn ctrl_s_with_no_name_puts_the_cursor_in_the_name_box_and_enter_saves() {
    let (_scratch, mut harness) = app("ctrl-s", "http://127.0.0.1:9/api/v1");
    harness.run();
    harness.get_by_label("userId").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    harness.get_by_label("Type a name for the preset first.");
    assert!(harness.get_by_label("Preset name").is_focused());
    // What is typed next is the name, not the userId.
    harness.get_by_label("Preset name").type_text("Quick");
    harness.run();
    assert_eq!(body(&harness)["userId"], "example_string");
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label("Saved \"Quick\".");
}

#[test]
fn saving_over_a_preset_asks_first() {
    let (_scratch, mut harness) = app("replace", "http://127.0.0.1:9/api/v1");
    harness.run();
    harness.get_by_label("Docs example person").click();
    harness.run();
    set_input(&mut harness, "/userId", "edited");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    harness.get_by_label("\"Docs example person\" already exists.");
    harness.get_by_label("Cancel").click();
    harness.run();
    let stored = |harness: &Harness<'_, App>| {
        let store = harness.state().library.presets.clone().unwrap();
        let (_, preset) = store.find("Docs example person").unwrap();
        preset.request.to_draft().body_json().unwrap()["userId"].clone()
    };
    assert_eq!(stored(&harness), "example_string", "cancel keeps it");

    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    harness.get_by_label("Replace it").click();
    harness.run();
    harness.get_by_label("Saved \"Docs example person\".");
    assert_eq!(stored(&harness), "edited");
}

#[test]
fn enter_in_the_search_loads_a_lone_match() {
    let (_scratch, mut harness) = app("search-enter", "http://127.0.0.1:9/api/v1");
    harness.run();
    set_input(&mut harness, "/userId", "changed");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
    harness.run();
    harness.get_by_label("Search presets").type_text("typed");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label("Loaded \"Typed custom traits\".");
    assert_ne!(body(&harness)["userId"], "changed");
}

#[test]
fn every_send_is_in_the_history_and_a_click_restores_it_with_its_answer() {
    let server = LoopbackServer::start(Reply::json(
        201,
        r#"{"id":"p1","external_id":"example_string"}"#,
    ));
    let (_scratch, mut harness) = app("history", &server.base_url());
    harness.run();
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the answer", is_done);
    harness.run();
    harness.get_by_label("History").click();
    harness.run();

    // Another answer on screen, and an edited form.
    server.set_reply(Reply::json(500, r#"{"error":"boom"}"#));
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the second answer", is_done);
    set_input(&mut harness, "/email", "changed@example.com");
    harness.run();

    let host = server.addr.to_string();
    let row = format!("201 Created  example_string\nPOST {host}/api/v1/people");
    harness.get_by_label_contains(&row).click();
    harness.run();
    assert_eq!(body(&harness)["email"], "user@example.com");
    harness.get_by_label("201 Created");
    assert!(
        harness
            .query_by_label("500 Internal Server Error")
            .is_none()
    );
    harness.get_by_label("Restored the request and its answer.");

    harness.get_by_label("Clear all").click();
    harness.run();
    harness.get_by_label("Every send is recorded here, without the token.");
    harness.get_by_label("Undo clear (2 entries)").click();
    harness.run();
    harness.get_by_label_contains(&row);
    assert_eq!(
        harness
            .state()
            .library
            .history
            .as_ref()
            .unwrap()
            .entries()
            .len(),
        2
    );
}

#[test]
fn import_by_path_where_no_file_dialog_answers() {
    let (scratch, mut harness) = app("import-path", "http://127.0.0.1:9/api/v1");
    let file = scratch.path().join("from path.json");
    std::fs::write(&file, r#"{"userId": "typed-path"}"#).unwrap();
    harness.run();
    harness.get_by_label("Import…").click();
    harness.run();
    type_into(&mut harness, "Path to import", &file.display().to_string());
    harness.get_by_label("Import").click();
    harness.run();
    harness.get_by_label("Imported \"from path\".");

    open_menu(&mut harness, "from path", "Export…");
    let target = scratch.path().join("exported.json");
    type_into(
        &mut harness,
        "Path to export to",
        &target.display().to_string(),
    );
    harness.get_by_label("Export").click();
    harness.run();
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.contains("typed-path"), "{written}");
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
        presets
            .find("plain body")
            .unwrap()
            .1
            .request
            .body
            .as_ref()
            .unwrap()["traits"]["plan"],
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

#[test]
fn a_presets_folder_that_is_a_file_is_explained() {
    let scratch = Scratch::new("library-folder-is-file");
    let presets = scratch.path().join("presets");
    std::fs::write(&presets, "not a folder").unwrap();
    let library = PresetLibrary::open(Some(presets.clone()), None);
    let app = App::with_library(AppState::default(), TokenInput::default(), library);
    let mut harness = harness_of(app, egui::vec2(1280.0, 800.0));
    harness.run();
    harness.get_by_label("Presets").click();
    harness.run();
    let expected = format!("{} is a file, not a folder", presets.display());
    harness.get_by_label_contains(&expected);
    type_into(&mut harness, "Preset name", "Mine");
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label_contains(&expected);
}
