//! The one-time cost of the contract: parsing the embedded OpenAPI document into the model
//! (JSON parse, `$ref` resolution, parameters, notes), which the app pays once at start.
//! Criterion prints the figures; nothing here asserts about speed.
//! Run: `cargo bench --bench contract -- --warm-up-time 1 --measurement-time 3`.

// A benchmark's setup: a contract that does not parse is a broken benchmark, not a user error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use flameup_explorer::contract::{Contract, DOCUMENT};

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

criterion_group!(benches, parse_contract);
criterion_main!(benches);
