//! Random drafts for the property tests: any operation of the contract, any path and query
//! values, any body. The request builder's test and the cURL round trip draw from the same
//! strategies, so both are proven on the same inputs.

use flameup_explorer::contract;
use flameup_explorer::model::{Draft, Environment};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Where a random draft is sent.
#[derive(Clone, Copy, Debug)]
pub enum Destination {
    Production,
    Custom(&'static str),
}

/// Base URLs with and without a path, a port, an IPv6 host, an escape and a trailing slash.
pub const BASE_URLS: [&str; 4] = [
    "http://127.0.0.1:8080/api/v1",
    "https://api.example.com",
    "http://[::1]:9/a%20b/v1/",
    "https://host.example/x",
];

/// Text any input may hold: anything at all, and runs of the characters URLs and shells give a
/// meaning to.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[./%?#&=+;:@!$'()*,\\[\\]~^|`{}<>\"\\\\ \t\n\r\u{0}\u{7f}a-zA-Z0-9é🔥\u{E000}-]{0,12}",
        "%[0-9a-fA-F]{0,2}[.]{0,3}",
    ]
}

/// Text a path value may hold: anything but empty, `.` and `..`, which the builder refuses.
pub fn path_value() -> impl Strategy<Value = String> {
    text().prop_filter("a path value is one segment", |text| {
        !matches!(text.as_str(), "" | "." | "..")
    })
}

/// Keys the contract's bodies name, so typed inputs, nested objects and lists are exercised
/// besides free rows.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "userId",
            "email",
            "phone",
            "traits",
            "first_name",
            "people",
            "event",
            "properties",
            "parameters",
            "template",
            "title",
            "body",
            "segments",
            "trigger_config",
            "delay_minutes",
            "platform",
            "priority",
            "token",
            "name",
        ])
        .prop_map(str::to_owned),
        text(),
    ]
}

/// Any JSON value, numbers beyond `i64` included.
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no infinity or NaN", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A body: mostly an object with the contract's keys, sometimes any JSON at all.
pub fn body() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::collection::btree_map(key(), json_value(), 0..6)
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        1 => json_value(),
    ]
}

/// The most path and query parameters any operation has, so one draw fills any operation.
const MOST_PARAMETERS: usize = 8;

/// A random draft of a random operation sent to one of `destinations`: its path values, query
/// values (some empty) and body, with the body it was given when the operation takes one.
pub fn draft(
    destinations: &'static [Destination],
) -> impl Strategy<Value = (Draft, Option<Value>)> {
    let operations = contract::embedded().unwrap().operations();
    (
        0..operations.len(),
        prop::sample::select(destinations),
        prop::collection::vec(path_value(), MOST_PARAMETERS),
        prop::collection::vec(prop_oneof![Just(String::new()), text()], MOST_PARAMETERS),
        body(),
    )
        .prop_map(move |(index, destination, path, query, body)| {
            let operation = &operations[index];
            assert!(operation.path_params.len() <= MOST_PARAMETERS);
            assert!(operation.query_params.len() <= MOST_PARAMETERS);
            let path: Vec<(&str, &str)> = operation
                .path_params
                .iter()
                .zip(&path)
                .map(|(param, value)| (param.name.as_str(), value.as_str()))
                .collect();
            let query: Vec<(&str, &str)> = operation
                .query_params
                .iter()
                .zip(&query)
                .map(|(param, value)| (param.name.as_str(), value.as_str()))
                .collect();
            let base_url = match destination {
                Destination::Production => "http://unused",
                Destination::Custom(base_url) => base_url,
            };
            let mut draft = super::operation_draft(base_url, &operation.id, &path, &query);
            if let Destination::Production = destination {
                draft.environment = Environment::Production;
            }
            match operation.body {
                Some(_) => (super::with_body(draft, &body), Some(body)),
                None => (draft, None),
            }
        })
}
