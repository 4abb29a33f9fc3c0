//! The cost of rebuilding all nine snippets (what the preview does when the draft changes), for a
//! typical draft and for one with 200 custom traits, and of each target alone on the large one.
//! Criterion prints the figures; nothing here asserts about speed.
//! Run: `cargo bench --bench snippets`.

// A benchmark's setup: a draft that cannot be built is a broken benchmark, not a user error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use flameup_explorer::model::{Credential, Draft, FieldRow, HttpRequest, ValueKind, build_request};
use flameup_explorer::snippet::{Target, render};

fn request_for(draft: &Draft) -> HttpRequest {
    build_request(draft, None, &Credential::EnvVar).expect("a valid draft")
}

/// What the preview does on an edit: build the request, then render every target.
fn rebuild_all(draft: &Draft) -> usize {
    let request = request_for(draft);
    Target::ALL
        .into_iter()
        .map(|target| render(target, &request).len())
        .sum()
}

fn typical_draft() -> Draft {
    Draft {
        custom_traits: vec![
            FieldRow::new("plan", ValueKind::String, "pro"),
            FieldRow::new("seats", ValueKind::Number, "12"),
            FieldRow::new("beta", ValueKind::Boolean, "true"),
        ],
        ..Draft::docs_example()
    }
}

fn large_draft() -> Draft {
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
    large
}

fn all_nine(c: &mut Criterion) {
    let mut group = c.benchmark_group("all nine snippets");
    for (name, draft) in [
        ("typical draft", typical_draft()),
        ("200 custom traits", large_draft()),
    ] {
        group.bench_with_input(BenchmarkId::from_parameter(name), &draft, |b, draft| {
            b.iter(|| rebuild_all(black_box(draft)));
        });
    }
    group.finish();
}

fn each_target(c: &mut Criterion) {
    let request = request_for(&large_draft());
    let mut group = c.benchmark_group("one snippet, 200 custom traits");
    for target in Target::ALL {
        group.bench_with_input(
            BenchmarkId::from_parameter(target.label()),
            &request,
            |b, request| b.iter(|| render(target, black_box(request))),
        );
    }
    group.finish();
}

criterion_group!(benches, all_nine, each_target);
criterion_main!(benches);
