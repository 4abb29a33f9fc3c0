//! The one-time cost of the contract: parsing the embedded OpenAPI document into the model
//! (JSON parse, `$ref` resolution, parameters, notes), which the app pays once at start; the
//! one-time cost of compiling every body schema for lint; and the cost of linting a body, which
//! is paid on every keystroke. Then the check of an answer against the documented answers, paid
//! once per answer on the request's thread: compiling every operation's answer schemas (once),
//! and checking a Person and a 100-person batch answer from their bytes (parse included).
//! Criterion prints the figures; nothing here asserts about speed.
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

/// Compiling every operation's answer schemas, cold, as [`compile_body_checks`] does for bodies.
fn compile_answer_checks(criterion: &mut Criterion) {
    criterion.bench_function("contract/compile_every_answer_check_cold", |bench| {
        bench.iter_batched(
            || Contract::parse(DOCUMENT).expect("the embedded contract parses"),
            |contract| {
                for operation in contract.operations() {
                    operation.prepare_answer_check();
                }
                contract
            },
            BatchSize::SmallInput,
        );
    });
}

/// Checking an answer as it arrived (bytes), with the answer schemas already compiled.
fn check_answers(criterion: &mut Criterion) {
    let contract = Contract::parse(DOCUMENT).expect("the embedded contract parses");
    let get = operation(&contract, "getPerson");
    get.prepare_answer_check();
    let person = answered_person(0).to_string().into_bytes();
    assert!(
        get.check_answer(200, Some("application/json"), &person)
            .is_ok(),
        "the person matches the docs"
    );
    criterion.bench_function("contract/check_answer/person", |bench| {
        bench.iter(|| {
            black_box(get.check_answer(200, Some("application/json"), black_box(&person)))
        });
    });

    let batch = operation(&contract, "batchPeople");
    batch.prepare_answer_check();
    let answer = json!({
        "people": (0..100).map(answered_person).collect::<Vec<Value>>(),
        "created_count": 100,
        "updated_count": 0
    })
    .to_string()
    .into_bytes();
    assert!(
        batch
            .check_answer(200, Some("application/json"), &answer)
            .is_ok(),
        "the batch matches the docs"
    );
    criterion.bench_function("contract/check_answer/batch_100_people", |bench| {
        bench.iter(|| {
            black_box(batch.check_answer(200, Some("application/json"), black_box(&answer)))
        });
    });
    // The same answer already parsed, to tell the walk from the JSON parse.
    let parsed: Value = serde_json::from_slice(&answer).expect("the batch is JSON");
    criterion.bench_function("contract/check_json_answer/batch_100_people", |bench| {
        bench.iter(|| {
            black_box(batch.check_json_answer(200, Some("application/json"), black_box(&parsed)))
        });
    });
}

/// A person as the API answers one: every documented field filled.
fn answered_person(index: usize) -> Value {
    json!({
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "workspace_id": "ws_sandbox",
        "external_id": format!("user_{index}"),
        "email": format!("user{index}@example.com"),
        "phone": "+1-555-0123",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "avatar_url": "https://example.com/ada.png",
        "timezone": "Europe/London",
        "locale": "en-GB",
        "status": "active",
        "attributes": {"plan": "pro", "seats": 3},
        "created_at": "2024-05-01T09:30:00Z",
        "updated_at": "2024-05-01T09:30:00Z",
        "first_seen_at": "2024-05-01T09:30:00Z",
        "last_seen_at": null
    })
}

criterion_group!(
    benches,
    parse_contract,
    compile_body_checks,
    check_bodies,
    compile_answer_checks,
    check_answers
);
criterion_main!(benches);
