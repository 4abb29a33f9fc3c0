//! Operation drafts for the tests that run requests: every distinct request shape (each method,
//! path values, query values, no body, an object body, an array body) filled with hostile texts,
//! and every operation of the contract with its examples. The snippet, cURL and wire tests all
//! send these, so they prove the same shapes.

#![allow(dead_code)] // Each test binary uses a different part of this module.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

pub mod arbitrary;

use flameup_explorer::contract::{self, IdentifierKind, ParamPlace};
use flameup_explorer::model::form::schema_at;
use flameup_explorer::model::{Draft, Environment, FieldRow, ValueKind};
use serde_json::{Value, json};

use crate::support::hostile_strings;
pub use crate::support::operation;

/// An empty draft of `operation_id` sent to `base_url`, with these path and query values. Each
/// name is checked against the contract, so a misspelt one fails here instead of testing nothing.
pub fn operation_draft(
    base_url: &str,
    operation_id: &str,
    path: &[(&str, &str)],
    query: &[(&str, &str)],
) -> Draft {
    let operation = operation(operation_id);
    let mut draft = Draft {
        environment: Environment::Custom,
        custom_base_url: base_url.to_owned(),
        operation: operation_id.to_owned(),
        ..Draft::default()
    };
    for (name, value) in path {
        assert!(
            operation.takes_param(ParamPlace::Path, name),
            "{operation_id} has no path parameter {name}"
        );
        draft
            .values
            .path
            .insert((*name).to_owned(), (*value).to_owned());
    }
    for (name, value) in query {
        assert!(
            operation.takes_param(ParamPlace::Query, name),
            "{operation_id} has no query parameter {name}"
        );
        draft
            .values
            .query
            .insert((*name).to_owned(), (*value).to_owned());
    }
    draft
}

/// `draft` with its body inputs read from `body`.
pub fn with_body(mut draft: Draft, body: &Value) -> Draft {
    assert!(
        draft.operation().unwrap().body.is_some(),
        "{} has no body",
        draft.operation
    );
    draft.load_body(body);
    draft
}

/// The free rows of the body's object at `pointer` (`/traits`, or `""` for the body itself),
/// created empty if the body has no object there yet.
pub fn rows_at<'a>(draft: &'a mut Draft, pointer: &str) -> &'a mut Vec<FieldRow> {
    let schema = &draft.operation().unwrap().body.as_ref().unwrap().schema;
    let mut value = &mut draft.values.body;
    let mut at = String::new();
    for step in pointer.split('/').skip(1) {
        at.push('/');
        at.push_str(step);
        let step_schema = schema_at(schema, &at).unwrap_or(&Value::Null);
        value = value.field_mut(step, step_schema).unwrap();
    }
    value.rows_mut().unwrap()
}

/// Custom-trait rows of every JSON type, with numbers no 64-bit float or integer holds exactly
/// and a key a JavaScript object literal would take for its prototype.
pub fn typed_rows() -> Vec<FieldRow> {
    vec![
        FieldRow::new("count", ValueKind::Number, "-42"),
        FieldRow::new("ratio", ValueKind::Number, "1.5e-7"),
        FieldRow::new("exponent", ValueKind::Number, "-12.5e3"),
        FieldRow::new("huge", ValueKind::Number, "18446744073709551615"),
        FieldRow::new("big_negative", ValueKind::Number, "-9007199254740993"),
        FieldRow::new("on", ValueKind::Boolean, "true"),
        FieldRow::new("gone", ValueKind::Null, ""),
        FieldRow::new(
            "nested",
            ValueKind::Json,
            r#"{"list": [1, "two", null, {"deep": [true, false, "'\"`$x"]}], "empty": {}, "none": []}"#,
        ),
        FieldRow::new("__proto__", ValueKind::Json, r#"{"polluted": true}"#),
    ]
}

/// A person with `text` in every documented field and trait.
pub fn person_json(text: &str) -> Value {
    json!({
        "userId": text,
        "email": text,
        "phone": text,
        "traits": {
            "first_name": text,
            "last_name": text,
            "phone": text,
            "avatar_url": text,
            "timezone": text,
            "locale": text,
        },
    })
}

/// A create-person draft (workspace-scoped, under `workspace`, when given) with `text` in every
/// field, the [`typed_rows`] and `text` as a custom trait's key and value, and `text` as another
/// top-level field.
pub fn create_person(base_url: &str, text: &str, workspace: Option<&str>) -> Draft {
    let draft = match workspace {
        Some(workspace) => operation_draft(
            base_url,
            "createWorkspacePerson",
            &[("workspaceId", workspace)],
            &[],
        ),
        None => operation_draft(base_url, "createPerson", &[], &[]),
    };
    let mut draft = with_body(draft, &person_json(text));
    let traits = rows_at(&mut draft, "/traits");
    traits.extend(typed_rows());
    traits.push(FieldRow::new(text, ValueKind::String, text));
    rows_at(&mut draft, "").push(FieldRow::new("anonymousId", ValueKind::String, text));
    draft
}

/// The hostile strings the tests share, and every printable ASCII character in one string:
/// the characters a URL or a shell gives a meaning to (`+ = & ; : , ! * ' ( ) [ ] ^ ~ %`) are
/// there too.
pub fn hostile_texts() -> Vec<String> {
    let mut texts = hostile_strings();
    texts.push((' '..='~').collect());
    texts
}

/// Every distinct request shape, once per hostile text ([`hostile_texts`]): the text at `index`
/// fills the first place of each shape, the next ones the second, third and fourth places, so
/// over all texts every text reaches every place (each path parameter, each query parameter, body
/// values and keys). Named `"<shape>, hostile string <index>"`.
pub fn hostile_shapes(base_url: &str) -> Vec<(String, Draft)> {
    let strings = hostile_texts();
    (0..strings.len())
        .flat_map(|index| {
            let pick = |place: usize| strings[(index + place) % strings.len()].as_str();
            shapes(base_url, index, [pick(0), pick(1), pick(2), pick(3)])
                .into_iter()
                .map(move |(shape, draft)| (format!("{shape}, hostile string {index}"), draft))
        })
        .collect()
}

/// The shapes for one set of texts, `[first, second, third, fourth]` by place.
fn shapes(base_url: &str, index: usize, texts: [&str; 4]) -> Vec<(&'static str, Draft)> {
    let [first, second, third, fourth] = texts;
    let draft = |id: &str, path: &[(&str, &str)], query: &[(&str, &str)]| {
        operation_draft(base_url, id, path, query)
    };
    let create = if index.is_multiple_of(2) {
        ("POST, object body", create_person(base_url, first, None))
    } else {
        (
            "POST, path value and object body",
            create_person(base_url, first, Some(second)),
        )
    };
    vec![
        create,
        (
            "GET, one path value",
            draft("getPerson", &[("id", first)], &[]),
        ),
        (
            "GET, two path values",
            draft(
                "getWorkspacePerson",
                &[("workspaceId", first), ("personId", second)],
                &[],
            ),
        ),
        (
            "PUT, path value and object body",
            with_body(
                draft("updatePerson", &[("id", second)], &[]),
                &json!({"traits": {"first_name": first, "plan": third, first: second}}),
            ),
        ),
        (
            "DELETE, path value",
            draft("deletePerson", &[("id", first)], &[]),
        ),
        (
            "POST, two path values and a free-form body",
            with_body(
                draft(
                    "triggerWorkspaceCampaign",
                    &[("workspaceId", second), ("campaignId", first)],
                    &[],
                ),
                &json!({"data": {"text": first, "list": [third, 1, null]}, first: second}),
            ),
        ),
        (
            "GET, query values",
            draft(
                "listPeople",
                &[],
                &[
                    ("limit", first),
                    ("offset", second),
                    ("status", third),
                    ("search", fourth),
                ],
            ),
        ),
        (
            "GET, path value and date query values",
            draft(
                "listWorkspaceEvents",
                &[("workspaceId", third)],
                &[
                    ("since", first),
                    ("until", second),
                    ("user_id", fourth),
                    ("event", third),
                ],
            ),
        ),
        (
            "GET, search query values",
            draft(
                "searchWorkspacePeople",
                &[("workspaceId", second)],
                &[("q", first), ("email", second), ("external_id", third)],
            ),
        ),
        (
            "POST, array body",
            with_body(draft("batchPeople", &[], &[]), &batch_json(texts)),
        ),
    ]
}

/// A batch of four people: two full ones (the first with nested and typed traits), one with an
/// empty traits object, one empty.
fn batch_json([first, second, third, _]: [&str; 4]) -> Value {
    let mut nested = person_json(first);
    let typed: Value = serde_json::from_str(
        r#"{"count": -42, "ratio": 1.5e-7, "huge": 18446744073709551615, "on": true, "gone": null}"#,
    )
    .unwrap();
    let traits = nested["traits"].as_object_mut().unwrap();
    traits.extend(typed.as_object().unwrap().clone());
    traits.insert(
        first.to_owned(),
        json!({"deep": [first, {"deeper": [second, true, null]}], "empty": {}}),
    );
    json!({"people": [nested, person_json(second), {"userId": third, "traits": {}}, {}]})
}

/// Every operation of the contract with its example values, plus a plausible identifier for each
/// path value the contract gives no example for. Named by operationId.
pub fn every_operation(base_url: &str) -> Vec<(String, Draft)> {
    contract::embedded()
        .unwrap()
        .operations()
        .iter()
        .map(|operation| {
            let mut draft = Draft {
                environment: Environment::Custom,
                custom_base_url: base_url.to_owned(),
                ..Draft::for_operation(operation)
            };
            for param in &operation.path_params {
                draft
                    .values
                    .path
                    .entry(param.name.clone())
                    .or_insert_with(|| sample_identifier(param.identifier).to_owned());
            }
            (operation.id.clone(), draft)
        })
        .collect()
}

/// An identifier of the kind a path parameter takes.
fn sample_identifier(kind: IdentifierKind) -> &'static str {
    match kind {
        IdentifierKind::WorkspaceId => "ws_abc123",
        IdentifierKind::CampaignId => "camp_welcome",
        IdentifierKind::PersonUuid => "123e4567-e89b-12d3-a456-426614174000",
        IdentifierKind::ExternalId
        | IdentifierKind::ExternalIdOrEmail
        | IdentifierKind::ExternalIdOrPersonUuid => "user_123",
    }
}
