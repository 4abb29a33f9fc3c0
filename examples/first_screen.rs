//! How long a 50 MB JSON answer waits for its first screen once it has arrived: the raw lines the
//! window shows at once (`BodyView::raw_only`), against the whole layout and check that follow on
//! a background thread (`Prepared::of` and the contract check). Prints figures; asserts nothing.
//! Run: `cargo run --release --example first_screen`.

use std::time::Instant;

use flameup_explorer::model::response::{BodyView, Prepared};

/// A JSON array of people of about `bytes` bytes.
fn body_of_size(bytes: usize) -> Vec<u8> {
    let mut body = String::from("[");
    let mut index = 0;
    while body.len() < bytes {
        if index > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"id":"{index:08}","external_id":"user-{index}","email":"user{index}@example.com","traits":{{"plan":"pro","seats":{index}}}}}"#
        ));
        index += 1;
    }
    body.push(']');
    body.into_bytes()
}

fn main() {
    let body = body_of_size(50 * 1024 * 1024);
    let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    let operation = flameup_explorer::contract::embedded()
        .ok()
        .and_then(|contract| contract.operation("listPeople"));
    for run in 1..=3 {
        let started = Instant::now();
        let lines = BodyView::raw_only(&body);
        let first_screen = started.elapsed();
        let started = Instant::now();
        let prepared = Prepared::of(200, &headers, &body);
        let laid_out = started.elapsed();
        let started = Instant::now();
        let findings = operation.map_or(0, |operation| {
            operation
                .check_answer(200, Some("application/json"), &body)
                .findings
                .len()
        });
        let checked = started.elapsed();
        println!(
            "run {run}: {} MB, {} lines: first screen (raw lines) {:.0} ms; then laid out {:.0} ms, checked {:.0} ms ({findings} findings) off the UI thread",
            body.len() / (1024 * 1024),
            lines.raw.len(),
            first_screen.as_secs_f64() * 1000.0,
            laid_out.as_secs_f64() * 1000.0,
            checked.as_secs_f64() * 1000.0,
        );
        drop(prepared);
    }
}
