//! How a 50 MB JSON answer is handled, against a 1 KB one: the work between its arrival and the
//! first frame that shows it (preparing the body on the request's thread, then that frame), and
//! the time of a frame afterwards in each view. Prints figures; asserts nothing about speed.
//! Frames run the real App through egui_kittest (layout and widgets; no GPU).
//! Run: `cargo bench --bench response_view`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

use std::time::{Duration, Instant};

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

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn measure(name: &str, bytes: usize, frames: usize) {
    let body = body_of_size(bytes);
    let size = body.len();
    let mut harness = harness();

    let arrived = Instant::now();
    let response = prepare(body);
    let prepared = arrived.elapsed();
    harness.state_mut().exchange = Exchange::Done(Box::new(Ok(response)));
    harness.step();
    let first_frame = arrived.elapsed();
    println!(
        "{name} ({size} bytes): prepared off the UI thread in {:.1} ms; first frame shown {:.1} ms after arrival",
        prepared.as_secs_f64() * 1e3,
        first_frame.as_secs_f64() * 1e3
    );

    for tab in [
        BodyTab::Pretty,
        BodyTab::Tree,
        BodyTab::Raw,
        BodyTab::Headers,
    ] {
        harness.state_mut().state.body_tab = tab;
        harness.step();
        let times: Vec<Duration> = (0..frames)
            .map(|_| {
                let started = Instant::now();
                harness.step();
                started.elapsed()
            })
            .collect();
        println!(
            "  {tab:?}: a frame takes {:.2} ms (median of {frames})",
            median(times).as_secs_f64() * 1e3
        );
    }
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let (large, frames) = if full { (50_000_000, 60) } else { (200_000, 3) };
    measure("1 KB body", 1_000, frames);
    measure("50 MB body", large, frames);
}
