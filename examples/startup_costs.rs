//! What the app does on the UI thread before its window first shows, piece by piece, each timed
//! cold (once, in a fresh process, as at launch): parsing the contract, the first lint (which
//! compiles the body's JSON Schema), the request and its nine snippets, starting the sandbox,
//! and the whole first frame of the real App against a bare window's (egui_kittest, no GPU).
//! Prints figures; asserts nothing. Run a few times:
//! `for i in 1 2 3 4 5; do cargo run --release --quiet --example startup_costs; done`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // A measuring tool: a panic is the message.

use std::time::{Duration, Instant};

use flameup_explorer::app::{App, AppState, TokenInput};
use flameup_explorer::model::lint::lint;
use flameup_explorer::model::{Credential, Draft, build_request};
use flameup_explorer::sandbox::{Sandbox, SandboxSettings};
use flameup_explorer::snippet::{self, Target};

fn timed<T>(what: &str, work: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = work();
    let spent = started.elapsed();
    println!("{what:<44} {:>8.2} ms", spent.as_secs_f64() * 1000.0);
    (value, spent)
}

fn main() {
    timed("bare window: first frame (kittest)", || {
        let mut harness = egui_kittest::Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .build_ui(|ui| {
                ui.label("A bare eframe window.");
            });
        harness.step();
    });
    timed("contract: parse the embedded document", || {
        flameup_explorer::contract::embedded().unwrap()
    });
    let draft = Draft::docs_example();
    timed("lint: the docs example (compiles its schema)", || {
        lint(&draft)
    });
    timed("lint: again (compiled)", || lint(&draft));
    let (request, _) = timed("request: build", || {
        build_request(
            &draft,
            Some("http://127.0.0.1:9/api/v1"),
            &Credential::EnvVar,
        )
        .unwrap()
    });
    timed("snippets: render all nine", || {
        Target::ALL.map(|target| snippet::render(target, &request))
    });
    timed("sandbox: start (runtime waits for a call)", || {
        Sandbox::start("127.0.0.1:0".parse().unwrap(), SandboxSettings::default()).unwrap()
    });
    let state = AppState {
        draft: Draft {
            environment: flameup_explorer::model::Environment::Custom,
            custom_base_url: "http://127.0.0.1:9/api/v1".into(),
            ..Draft::docs_example()
        },
        ..AppState::default()
    };
    let app = App::with_state(state, TokenInput::default());
    timed("app: first frame (kittest, all above warm)", || {
        let mut harness = egui_kittest::Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .build_eframe(move |_cc| app);
        harness.step();
    });
}
