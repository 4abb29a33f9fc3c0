//! The cost of rebuilding all nine snippets (what the preview does when the draft changes), for a
//! typical draft, for one with 200 custom traits and for a 100-person batch, and of each target
//! alone on the large ones. Criterion prints the figures; nothing here asserts about speed.
//! Run: `cargo bench --bench snippets`.

// A benchmark's setup: a draft that cannot be built is a broken benchmark, not a user error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use flameup_explorer::model::form::schema_at;
use flameup_explorer::model::{Credential, Draft, FieldRow, HttpRequest, ValueKind, build_request};
use flameup_explorer::snippet::{Target, render};
use serde_json::{Value, json};

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

/// The docs' person with these custom traits.
fn person_with_traits(custom: Vec<FieldRow>) -> Draft {
    let mut draft = Draft::docs_example();
    let schema = &draft.operation().unwrap().body.as_ref().unwrap().schema;
    let traits_schema = schema_at(schema, "/traits").unwrap();
    let traits = draft
        .values
        .body
        .field_mut("traits", traits_schema)
        .unwrap();
    traits.rows_mut().unwrap().extend(custom);
    draft
}

fn typical_draft() -> Draft {
    person_with_traits(vec![
        FieldRow::new("plan", ValueKind::String, "pro"),
        FieldRow::new("seats", ValueKind::Number, "12"),
        FieldRow::new("beta", ValueKind::Boolean, "true"),
    ])
}

fn large_draft() -> Draft {
    person_with_traits(
        (0..200)
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
            .collect(),
    )
}

/// A batch of 100 people, each with the documented fields, well-known traits and custom ones of
/// every type: the largest body the API takes in one request.
fn batch_draft() -> Draft {
    let people: Vec<Value> = (0..100)
        .map(|index| {
            json!({
                "userId": format!("user_{index}"),
                "email": format!("user{index}@example.com"),
                "phone": "+1-555-0123",
                "traits": {
                    "first_name": format!("Ada {index}"),
                    "last_name": "O'Brien \"the $second\"",
                    "timezone": "Europe/Paris",
                    "plan": if index % 2 == 0 { "pro" } else { "free" },
                    "seats": index,
                    "beta": index % 3 == 0,
                    "tags": ["a", "b", index],
                    "address": {"city": "Paris", "zip": null},
                },
            })
        })
        .collect();
    let operation = flameup_explorer::contract::embedded()
        .unwrap()
        .operation("batchPeople")
        .unwrap();
    let mut draft = Draft::for_operation(operation);
    draft.load_body(&json!({ "people": people }));
    let sent = draft.body_json().unwrap();
    assert_eq!(sent["people"].as_array().map(Vec::len), Some(100));
    draft
}

fn all_nine(c: &mut Criterion) {
    let mut group = c.benchmark_group("all nine snippets");
    for (name, draft) in [
        ("typical draft", typical_draft()),
        ("200 custom traits", large_draft()),
        ("100-person batch", batch_draft()),
    ] {
        group.bench_with_input(BenchmarkId::from_parameter(name), &draft, |b, draft| {
            b.iter(|| rebuild_all(black_box(draft)));
        });
    }
    group.finish();
}

fn each_target(c: &mut Criterion) {
    for (name, draft) in [
        ("one snippet, 200 custom traits", large_draft()),
        ("one snippet, 100-person batch", batch_draft()),
    ] {
        let request = request_for(&draft);
        let mut group = c.benchmark_group(name);
        for target in Target::ALL {
            group.bench_with_input(
                BenchmarkId::from_parameter(target.label()),
                &request,
                |b, request| b.iter(|| render(target, black_box(request))),
            );
        }
        group.finish();
    }
}

criterion_group!(benches, all_nine, each_target);
criterion_main!(benches);
