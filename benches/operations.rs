//! Moving between operations in the real App (egui_kittest: layout and widgets, no GPU): the
//! frame that follows a click in the navigator, which parks the old values, builds the new form
//! and rebuilds the request and its nine snippets; against an idle frame of the same operation.
//! Prints figures; asserts nothing about speed.
//! Run: `cargo bench --bench operations -- --warm-up-time 1 --measurement-time 3`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use flameup_explorer::app::{App, AppState, TokenInput};
use flameup_explorer::model::{Draft, Environment};

fn harness() -> Harness<'static, App> {
    let state = AppState {
        draft: Draft {
            environment: Environment::Custom,
            custom_base_url: "http://127.0.0.1:9/api/v1".into(),
            ..Draft::docs_example()
        },
        ..AppState::default()
    };
    let token = TokenInput {
        text: "ws_test_bench.token".into(),
        ..TokenInput::default()
    };
    let app = App::with_state(state, token);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| app);
    harness.run();
    harness
}

/// The two operations a switch alternates between.
const OPERATIONS: [&str; 2] = ["Create or update people in a batch", "Create person"];

/// Time spent in frame `timed` (0: the one that takes the click, 1: the one after it) over
/// `switches` switches, alternating between [`OPERATIONS`].
fn switch_frames(harness: &mut Harness<'static, App>, switches: u64, timed: usize) -> Duration {
    let mut spent = Duration::ZERO;
    for switch in 0..switches {
        harness
            .get_by_role_and_label(Role::Button, OPERATIONS[switch as usize % 2])
            .click();
        for frame in 0..2 {
            let started = Instant::now();
            harness.step();
            if frame == timed {
                spent += started.elapsed();
            }
        }
    }
    spent
}

fn switching(criterion: &mut Criterion) {
    let mut harness = harness();
    let mut group = criterion.benchmark_group("operations");
    group.bench_function("idle_frame", |bench| bench.iter(|| harness.step()));
    // One switch is two frames: the one that takes the click (the action parks the old values
    // and opens the new operation after the pass) and the one that draws the new form, rebuilding
    // the request and its nine snippets. Each is timed on its own.
    group.bench_function("switch_frame_taking_the_click", |bench| {
        bench.iter_custom(|switches| switch_frames(&mut harness, switches, 0));
    });
    group.bench_function("switch_frame_drawing_the_new_operation", |bench| {
        bench.iter_custom(|switches| switch_frames(&mut harness, switches, 1));
    });
    group.finish();
}

criterion_group!(benches, switching);
criterion_main!(benches);
