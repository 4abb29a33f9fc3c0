//! The one-time cost of the contract: parsing the embedded OpenAPI document into the model
//! (JSON parse, `$ref` resolution, parameters, notes), which the app pays once at start; the
//! one-time cost of compiling every body schema for lint; and the cost of linting a body, which
//! is paid on every keystroke. Criterion prints the figures; nothing here asserts about speed.
//! Run: `cargo bench --bench contract -- --warm-up-time 1 --measurement-time 3`.

// A benchmark's setup: a contract that does not parse is a broken benchmark, not a user error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use flameup_explorer::contract::{Contract, DOCUMENT, Operation};
use serde_json::{Value, json};

fn parse_contract(criterion: &mut Criterion) {
    criterion.bench_function("contract/parse_embedded", |bench| {
        bench.iter(|| {
            let contract =
                Contract::parse(black_box(DOCUMENT)).expect("the embedded contract parses");
            black_box(contract.operations().len())
        });
    });
    criterion.bench_function("contract/json_only", |bench| {
        bench.iter(|| {
            let value: serde_json::Value =
                serde_json::from_str(black_box(DOCUMENT)).expect("the embedded contract is JSON");
            black_box(value)
        });
    });
}

/// Compiling every operation's body schema, cold: each round starts from a freshly parsed
/// contract, whose validators are not built yet (parsing is outside the measurement).
fn compile_body_checks(criterion: &mut Criterion) {
    criterion.bench_function("contract/compile_every_body_check_cold", |bench| {
        bench.iter_batched(
            || Contract::parse(DOCUMENT).expect("the embedded contract parses"),
            |contract| {
                for operation in contract.operations() {
                    operation
                        .prepare_body_check()
                        .expect("every body schema compiles");
                }
                // Returned, so dropping the validators is not measured either.
                contract
            },
            BatchSize::SmallInput,
        );
    });
}

/// Linting a body with the validator already built: what a keystroke costs.
fn check_bodies(criterion: &mut Criterion) {
    let contract = Contract::parse(DOCUMENT).expect("the embedded contract parses");
    let create = operation(&contract, "createPerson");
    let example = create
        .body
        .as_ref()
        .and_then(|body| body.example.clone())
        .expect("createPerson has a docs example");
    create
        .prepare_body_check()
        .expect("createPerson's schema compiles");
    criterion.bench_function("contract/check_body/docs_example", |bench| {
        bench.iter(|| black_box(create.check_body(black_box(&example))));
    });

    let batch = operation(&contract, "batchPeople");
    batch
        .prepare_body_check()
        .expect("batchPeople's schema compiles");
    let people = json!({ "people": (0..100).map(person).collect::<Vec<Value>>() });
    assert_eq!(batch.check_body(&people), [], "the batch is clean");
    criterion.bench_function("contract/check_body/batch_100_people", |bench| {
        bench.iter(|| black_box(batch.check_body(black_box(&people))));
    });
}

fn operation<'contract>(contract: &'contract Contract, id: &str) -> &'contract Operation {
    contract
        .operation(id)
        .unwrap_or_else(|| panic!("the contract has {id}"))
}

/// A person as full as the docs example: every field the create takes, and the six traits.
fn person(index: usize) -> Value {
    json!({
        "userId": format!("user_{index}"),
        "email": format!("user{index}@example.com"),
        "phone": "+1-555-0123",
        "traits": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "phone": "+1-555-0123",
            "avatar_url": "https://example.com/ada.png",
            "timezone": "Europe/London",
            "locale": "en-GB",
            "plan": "pro"
        }
    })
}

criterion_group!(benches, parse_contract, compile_body_checks, check_bodies);
criterion_main!(benches);
