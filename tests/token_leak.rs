//! A whole session with a recognisable token — save a preset, send, record history, export,
//! save the window's state, and the command line — then every file written is scanned for the
//! token: it must appear nowhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use flameup_explorer::app::{App, AppState, Exchange, PresetLibrary, TokenInput, TokenOrigin};
use flameup_explorer::model::{Draft, Environment};
use support::{LoopbackServer, Reply};

const CANARY: &str =
    "ws_live_LEAKCANARY7f3a_9b2c.5e1d0c9b8a7f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4";

/// eframe's storage, written to a file as eframe would write app.ron.
struct FileStorage {
    path: PathBuf,
    values: BTreeMap<String, String>,
}

impl eframe::Storage for FileStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.values.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.values.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.values.remove(key);
    }

    fn flush(&mut self) {
        let text: String = self
            .values
            .iter()
            .map(|(key, value)| format!("{key}: {value}\n"))
            .collect();
        std::fs::write(&self.path, text).unwrap();
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_token_is_in_no_file_the_app_writes() {
    let scratch = std::env::temp_dir().join(format!("flameup-leak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let server = LoopbackServer::start(Reply::json(201, r#"{"id":"p1","external_id":"leak"}"#));

    let library = PresetLibrary::open(
        Some(scratch.join("config/flameup-explorer/presets")),
        Some(scratch.join("data/flameup-explorer/history.jsonl")),
    );
    let state = AppState {
        draft: Draft {
            environment: Environment::Custom,
            custom_base_url: server.base_url(),
            ..Draft::docs_example()
        },
        ..AppState::default()
    };
    let token = TokenInput {
        text: CANARY.to_owned(),
        revealed: true,
        origin: TokenOrigin::Typed,
    };
    let app = App::with_library(state, token, library);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| app);
    harness.run();

    // Save a preset, send, and show the token in the preview (on screen only).
    harness.state_mut().library.save_name = "Leak check".into();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    harness.get_by_label("Saved \"Leak check\".");
    harness.get_by_label("Send").click();
    support::app::step_until(&mut harness, "the answer", |app| {
        matches!(app.exchange, Exchange::Done(_))
    });
    harness.run();
    assert!(
        server.requests()[0].text().contains(CANARY),
        "the token was really sent"
    );
    harness.get_by_label("Token as").click();
    harness.run();
    harness.get_by_label("the real token").click();
    harness.run();

    // Export, and save the window's state and egui's memory as eframe does on exit.
    let (_, preset) = harness
        .state()
        .library
        .presets
        .clone()
        .unwrap()
        .find("Leak check")
        .unwrap();
    harness
        .state_mut()
        .export_preset(&preset, &scratch.join("exported.json"));
    let mut storage = FileStorage {
        path: scratch.join("data/app.ron"),
        values: BTreeMap::new(),
    };
    eframe::App::save(harness.state_mut(), &mut storage);
    let memory = harness.ctx.memory(|memory| ron::to_string(memory).unwrap());
    eframe::Storage::set_string(&mut storage, "egui", memory);
    eframe::Storage::flush(&mut storage);

    // The command line, with the token in the environment, writing its output to a file.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_flameup-explorer"))
        .args([
            "send",
            "--preset",
            "Leak check",
            "--output",
            "json",
            "--base-url",
            &server.base_url(),
        ])
        .env("FLAMEUP_API_TOKEN", CANARY)
        .env("XDG_CONFIG_HOME", scratch.join("config"))
        .env("XDG_DATA_HOME", scratch.join("data"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(scratch.join("cli-stdout.json"), &output.stdout).unwrap();
    std::fs::write(scratch.join("cli-stderr.txt"), &output.stderr).unwrap();

    let files = files_under(&scratch);
    let names: Vec<String> = files
        .iter()
        .map(|file| file.display().to_string())
        .collect();
    for expected in [
        "leak-check.json",
        "history.jsonl",
        "exported.json",
        "app.ron",
        "cli-stdout.json",
    ] {
        assert!(
            names.iter().any(|name| name.ends_with(expected)),
            "{expected} was written: {names:?}"
        );
    }
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let found = bytes
            .windows(CANARY.len())
            .any(|window| window == CANARY.as_bytes());
        assert!(!found, "the token leaked into {}", file.display());
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
