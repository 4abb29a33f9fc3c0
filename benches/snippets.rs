//! The cost of rebuilding all nine snippets (what the preview does when the draft changes), for a
//! typical draft and for one with 200 custom traits. Prints figures; asserts nothing about speed.
//! Run: `cargo bench --bench snippets`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use flameup_explorer::model::{Credential, Draft, FieldRow, ValueKind, build_request};
use flameup_explorer::snippet::{Target, render};

fn rebuild_all(draft: &Draft) -> usize {
    let request = build_request(draft, None, &Credential::EnvVar).expect("a valid draft");
    Target::ALL
        .into_iter()
        .map(|target| render(target, &request).len())
        .sum()
}

/// The median time of one call of `work`, over `rounds` timed rounds.
fn median(rounds: usize, mut work: impl FnMut() -> usize) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            black_box(work());
            started.elapsed()
        })
        .collect();
    times.sort();
    times[rounds / 2]
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let rounds = if full { 2_000 } else { 20 };

    let typical = Draft {
        custom_traits: vec![
            FieldRow::new("plan", ValueKind::String, "pro"),
            FieldRow::new("seats", ValueKind::Number, "12"),
            FieldRow::new("beta", ValueKind::Boolean, "true"),
        ],
        ..Draft::docs_example()
    };
    let mut large = Draft::docs_example();
    large.custom_traits = (0..200)
        .map(|index| match index % 4 {
            0 => FieldRow::new(
                format!("text_{index}"),
                ValueKind::String,
                format!("value {index} with 'quotes' and $vars"),
            ),
            1 => FieldRow::new(
                format!("number_{index}"),
                ValueKind::Number,
                format!("{index}.5"),
            ),
            2 => FieldRow::new(format!("flag_{index}"), ValueKind::Boolean, "false"),
            _ => FieldRow::new(
                format!("json_{index}"),
                ValueKind::Json,
                r#"{"a": [1, 2, {"b": null}]}"#,
            ),
        })
        .collect();

    for (name, draft) in [("typical draft", &typical), ("200 custom traits", &large)] {
        let bytes = rebuild_all(draft);
        let time = median(rounds, || rebuild_all(draft));
        println!(
            "{name}: all nine snippets ({bytes} bytes of code) rebuilt in {:.1} µs (median of {rounds})",
            time.as_secs_f64() * 1e6
        );
    }
}
