//! Shared helpers for tests that drive the real `App`: a start in a scratch folder, a harness around it,
//! a wait for a condition, and typing into a labelled field.

use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use flameup_explorer::app::{App, AppState, Startup, TokenInput};
use flameup_explorer::model::{Draft, Environment};

pub use super::scratch::Scratch;

impl Scratch {
    /// A start with nothing configured: no token, no keyring, presets and history in here.
    pub fn startup(&self) -> Startup {
        Startup {
            token: None,
            keyring: None,
            presets_dir: Some(self.join("config/presets")),
            history_file: Some(self.join("data/history.jsonl")),
            data_dir: Some(self.join("data")),
            notice: None,
        }
    }
}

/// The app's saved state with `draft` sent to `base_url` as a custom environment: how the UI
/// tests point the app at their loopback server.
pub fn state_sending_to(base_url: &str, draft: Draft) -> AppState {
    AppState {
        draft: Draft {
            environment: Environment::Custom,
            custom_base_url: base_url.to_owned(),
            ..draft
        },
        ..AppState::default()
    }
}

/// `token` in the token field, as the user types it.
pub fn typed_token(token: &str) -> TokenInput {
    TokenInput {
        text: token.to_owned(),
        ..TokenInput::default()
    }
}

/// A harness around `app`, in a window of the given size.
pub fn harness_of(app: App, size: egui::Vec2) -> Harness<'static, App> {
    Harness::builder()
        .with_size(size)
        .with_max_steps(SETTLING_STEPS)
        .build_eframe(move |_cc| app)
}

/// How many passes `Harness::run` may take to settle. egui repaints once more for every widget it
/// has not seen before (its style needs the previous pass), so a panel that reveals nested parts
/// pass after pass (an answer, its review, a pinned diff's rows) settles in more than kittest's
/// default 4; an app that never settles still fails.
const SETTLING_STEPS: u64 = 12;

/// A harness around an app started as the real one is, from `startup` and eframe's `storage`.
pub fn started(startup: Startup, storage: Option<String>) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(SETTLING_STEPS)
        .build_eframe(move |cc| {
            let memory = MemoryStorage(storage);
            App::start(&cc.egui_ctx, Some(&memory), startup)
        })
}

/// The app on a first launch in `scratch` (the sandbox, no token, empty folders), settled.
pub fn first_launch(scratch: &Scratch) -> Harness<'static, App> {
    let mut harness = started(scratch.startup(), None);
    harness.run();
    harness
}

/// The texts the last frame put on the clipboard.
pub fn copied(harness: &Harness<'_, App>) -> Vec<String> {
    harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|command| match command {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// eframe's storage holding only the app's saved state.
pub struct MemoryStorage(pub Option<String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        (key == eframe::APP_KEY).then(|| self.0.clone()).flatten()
    }

    fn set_string(&mut self, key: &str, value: String) {
        if key == eframe::APP_KEY {
            self.0 = Some(value);
        }
    }

    fn remove_string(&mut self, key: &str) {
        if key == eframe::APP_KEY {
            self.0 = None;
        }
    }

    fn flush(&mut self) {}
}

/// Steps frames until `done` holds. Background work (a send, the keyring) finishes in real time,
/// and a running spinner keeps asking for repaints, so `run()` would never settle. Fails after a
/// minute rather than hanging.
pub fn step_until(harness: &mut Harness<'_, App>, what: &str, done: impl Fn(&App) -> bool) {
    let started = Instant::now();
    while !done(harness.state()) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never happened: {what}"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.step();
}

/// Replaces the text of the field labelled `label` with `text`, as a user would.
pub fn type_into(harness: &mut Harness<'_, App>, label: &str, text: &str) {
    harness.get_by_label(label).click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.key_press(Key::Backspace);
    harness.run();
    harness.get_by_label(label).type_text(text);
    harness.run();
}
