//! How a 50 MB JSON answer is handled, against a 1 KB one: preparing the body on the request's
//! thread, and the time of a frame in each view. Prints figures; asserts nothing about speed.
//! Frames run the real App through egui_kittest (layout and widgets; no GPU).
//! Run: `cargo bench --bench response_view`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

use egui_kittest::Harness;
use flameup_explorer::app::{App, AppState, BodyTab, Exchange, TokenInput};
use flameup_explorer::model::problem::Problem;
use flameup_explorer::model::{BodyView, Draft, Environment, HttpResponse};

fn body_of_size(bytes: usize) -> Vec<u8> {
    let mut body = String::from("[");
    let mut index = 0;
    while body.len() < bytes {
        if index > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"id":"{index:08}","external_id":"user-{index}","email":"user{index}@example.com","traits":{{"plan":"pro","seats":{index},"tags":["a","b"]}}}}"#
        ));
        index += 1;
    }
    body.push(']');
    body.into_bytes()
}

/// What the request's thread does with an answer before handing it to the window.
fn prepare(body: Vec<u8>) -> HttpResponse {
    let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    let view = BodyView::from_bytes(&body);
    let problem = Problem::from_answer(200, &headers, &body);
    HttpResponse {
        status: 200,
        reason: "OK".to_owned(),
        headers,
        body,
        elapsed: Duration::from_millis(1),
        view,
        problem,
        pending: false,
    }
}

fn harness() -> Harness<'static, App> {
    let state = AppState {
        draft: Draft {
            environment: Environment::Custom,
            custom_base_url: "http://127.0.0.1:9/api/v1".into(),
            ..Draft::docs_example()
        },
        ..AppState::default()
    };
    let app = App::with_state(state, TokenInput::default());
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| app);
    harness.run();
    harness
}

/// Preparing the answer on the request's thread: parse, pretty-print, split into lines.
fn prepare_answer(c: &mut Criterion) {
    let mut group = c.benchmark_group("prepare");
    group.sample_size(10);
    for (name, bytes) in SIZES {
        let body = body_of_size(bytes);
        group.bench_function(name, |b| b.iter(|| prepare(body.clone())));
        // What a body over PREPARE_LATER waits for before its first screen: its raw lines.
        group.bench_function(format!("{name}_first_screen_lines"), |b| {
            b.iter(|| BodyView::raw_only(&body))
        });
    }
    group.finish();
}

/// The first frame after the answer arrives, then a frame in each view.
fn frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    group.sample_size(20);
    for (name, bytes) in SIZES {
        let mut harness = harness();
        harness.state_mut().exchange = Exchange::Done(Box::new(Ok(prepare(body_of_size(bytes)))));
        harness.step();
        for tab in [
            BodyTab::Pretty,
            BodyTab::Tree,
            BodyTab::Raw,
            BodyTab::Headers,
        ] {
            harness.state_mut().state.body_tab = tab;
            harness.step();
            group.bench_function(BenchmarkId::new(format!("{tab:?}"), name), |b| {
                b.iter(|| harness.step());
            });
        }
    }
    group.finish();
}

/// A 1 KB answer against a 50 MB one.
const SIZES: [(&str, usize); 2] = [("1 KB", 1_000), ("50 MB", 50_000_000)];

criterion_group!(benches, prepare_answer, frames);
criterion_main!(benches);
