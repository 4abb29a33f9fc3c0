//! The check of answers against the contract: the docs' own example answers pass, each of the
//! six error shapes is recognised by its name, and each kind of difference is found at exactly
//! its path on a hand-made body.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use flameup_explorer::contract::{AnswerCheck, AnswerFinding, AnswerFindingKind, LISTED_FINDINGS};
use serde_json::{Value, json};
use support::{contract, operation};

const UUID: &str = "123e4567-e89b-12d3-a456-426614174000";

fn check(id: &str, status: u16, body: &Value) -> AnswerCheck {
    operation(id).check_answer(
        status,
        Some("application/json"),
        body.to_string().as_bytes(),
    )
}

/// The findings as (path, kind), for whole-list comparisons.
fn found(check: &AnswerCheck) -> Vec<(&str, AnswerFindingKind)> {
    check
        .findings
        .iter()
        .map(|finding| (finding.path.as_str(), finding.kind))
        .collect()
}

/// A Person as the reference pages answer it: every documented field, filled.
fn person() -> Value {
    json!({
        "id": UUID,
        "workspace_id": "ws_sandbox",
        "external_id": "user_1",
        "email": "ada@example.com",
        "phone": null,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "avatar_url": null,
        "timezone": "Europe/London",
        "locale": "en-GB",
        "status": "active",
        "attributes": {"plan": "pro", "seats": 3, "nested": {"any": ["thing"]}},
        "created_at": "2024-05-01T09:30:00Z",
        "updated_at": "2024-05-01T09:30:00Z",
        "first_seen_at": null,
        "last_seen_at": null
    })
}

/// The JSON schema of an operation's documented answer for `status`.
fn answer_schema(id: &str, status: &str) -> &'static Value {
    operation(id).responses[status]
        .pointer("/content/application~1json/schema")
        .unwrap_or_else(|| panic!("{id} {status} has no JSON schema"))
}

#[test]
fn every_documented_example_answer_passes() {
    let mut checked = 0;
    for operation in contract().operations() {
        for (status, response) in &operation.responses {
            let code: u16 = status.parse().unwrap();
            let Some(media) = response.pointer("/content/application~1json") else {
                continue;
            };
            let mut examples: Vec<(String, Value, Option<&str>)> = Vec::new();
            if let Some(example) = media.get("example") {
                examples.push(("the answer's example".into(), example.clone(), None));
            }
            let schema = media.get("schema").unwrap_or(&Value::Null);
            if let Some(example) = schema.get("example") {
                examples.push(("the schema's example".into(), example.clone(), None));
            }
            // Each documented shape's own example is recognised as that shape.
            for shape in schema
                .get("anyOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(example) = shape.get("example") {
                    let name = shape["x-flameup-schema"].as_str();
                    examples.push((format!("{name:?}'s example"), example.clone(), name));
                }
            }
            for (what, example, shape) in examples {
                let result = operation.check_answer(
                    code,
                    Some("application/json"),
                    example.to_string().as_bytes(),
                );
                assert_eq!(result.findings, [], "{} {status}: {what}", operation.id);
                if let Some(shape) = shape {
                    assert_eq!(result.documented_as.as_deref(), Some(shape));
                }
                checked += 1;
            }
        }
    }
    // Person's example on every person answer, the error shapes' on every error status, …
    assert!(checked >= 200, "only {checked} examples were checked");
}

#[test]
fn each_error_shape_is_recognised_with_its_name() {
    let shapes = [
        (
            json!({"error": "Bad Request", "message": "Invalid email", "code": 400,
                   "details": [{"field": "email", "message": "Invalid email format"}]}),
            "ErrorDocsExample",
        ),
        (
            json!({"success": false, "error": {"code": "bad_request", "message": "No",
                   "details": {"email": "Invalid"}}}),
            "ErrorDocsSchema",
        ),
        (
            json!({"success": false, "error": {"type": "NOT_FOUND", "message": "No"},
                   "request_id": "req_1"}),
            "ErrorStandard",
        ),
        (
            json!({"error": "Rate limit exceeded", "message": "Too many requests."}),
            "ErrorSimplified",
        ),
        (
            json!({"error": {"code": "not_found", "message": "Person not found"}}),
            "ErrorCoded",
        ),
        (
            json!({"error": {"code": "validation_error", "message": "Validation failed",
                   "details": {"fields": {"email": "Invalid email format"}}}}),
            "ErrorValidation",
        ),
    ];
    for status in [400, 401, 404, 422, 429, 500] {
        for (body, name) in &shapes {
            let result = check("trackEvent", status, body);
            assert_eq!(result.findings, [], "{name} at {status}");
            assert_eq!(result.documented_as.as_deref(), Some(*name), "{status}");
        }
    }
}

#[test]
fn an_error_in_no_documented_shape_is_measured_against_the_closest() {
    // The errors page's standard shape with a `hint` no page shows.
    let body = json!({"success": false, "error": {"type": "VALIDATION_ERROR", "message": "No",
                      "hint": "Try again"}, "request_id": "req_1"});
    let result = check("createPerson", 400, &body);
    assert_eq!(result.documented_as.as_deref(), Some("ErrorStandard"));
    assert_eq!(
        found(&result),
        [("/error/hint", AnswerFindingKind::UndocumentedField)]
    );
    let note = result.findings[0].note.as_deref().unwrap();
    assert!(note.contains("six error bodies"), "{note}");
}

#[test]
fn a_documented_person_matches_and_says_so() {
    let result = check("getPerson", 200, &person());
    assert_eq!(
        result,
        AnswerCheck {
            findings: vec![],
            unlisted: 0,
            documented_as: Some("Person".into()),
        }
    );
    assert!(result.is_ok());
    assert_eq!(result.verdict(), "matches the docs");
}

#[test]
fn an_extra_field_is_undocumented_with_the_persons_note() {
    let mut body = person();
    body["nickname"] = json!("Countess");
    let result = check("getPerson", 200, &body);
    assert_eq!(
        result.findings,
        [AnswerFinding {
            path: "/nickname".into(),
            kind: AnswerFindingKind::UndocumentedField,
            expected: "not documented".into(),
            actual: "\"Countess\"".into(),
            note: answer_schema("getPerson", "200")["x-flameup-docs"]
                .as_str()
                .map(str::to_owned),
        }]
    );
    assert_eq!(result.verdict(), "1 difference from the docs");
}

#[test]
fn free_form_objects_take_any_field() {
    let mut body = person();
    body["attributes"] = json!({"anything": {"at": ["all", 1, null]}});
    assert_eq!(check("getPerson", 200, &body).findings, []);
    // Upsert's answer is documented as any object.
    assert_eq!(
        check("upsertWorkspacePerson", 200, &json!({"whatever": 1})).findings,
        []
    );
}

#[test]
fn the_guides_older_person_shape_is_two_undocumented_fields() {
    let body = json!({"id": UUID, "workspace_id": "ws_1", "userId": "user_1",
                      "email": "ada@example.com", "traits": {"plan": "pro"},
                      "created_at": "2024-05-01T09:30:00Z", "updated_at": "2024-05-01T09:30:00Z"});
    let result = check("createPerson", 201, &body);
    assert_eq!(
        found(&result),
        [
            ("/userId", AnswerFindingKind::UndocumentedField),
            ("/traits", AnswerFindingKind::UndocumentedField),
        ]
    );
    assert_eq!(result.verdict(), "2 differences from the docs");
}

#[test]
fn a_missing_required_field_points_at_itself() {
    let result = check("trackEvent", 200, &json!({"success": true}));
    assert_eq!(
        result.findings,
        [AnswerFinding {
            path: "/event_id".into(),
            kind: AnswerFindingKind::MissingField,
            expected: "required: text".into(),
            actual: "absent".into(),
            note: None,
        }]
    );
    let result = check(
        "batchPeople",
        200,
        &json!({"people": [], "created_count": 0}),
    );
    assert_eq!(
        found(&result),
        [("/updated_count", AnswerFindingKind::MissingField)]
    );
    let note = result.findings[0].note.as_deref().unwrap();
    assert!(note.contains("created_count 10"), "{note}");
}

#[test]
fn a_value_of_the_wrong_type() {
    let mut body = person();
    body["external_id"] = json!(42);
    body["email"] = json!(["ada@example.com"]);
    let result = check("getPerson", 200, &body);
    let shown: Vec<(&str, &str, &str)> = result
        .findings
        .iter()
        .map(|finding| {
            assert_eq!(finding.kind, AnswerFindingKind::WrongType);
            (
                finding.path.as_str(),
                finding.expected.as_str(),
                finding.actual.as_str(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("/external_id", "text", "42"),
            ("/email", "text or null", "[\"ada@example.com\"]"),
        ]
    );
    // A whole number is wanted: 3.0 is one, 2.5 is not.
    let counts = |created: &str| {
        let text = format!(r#"{{"people": [], "created_count": {created}, "updated_count": 0}}"#);
        operation("batchPeople").check_answer(200, None, text.as_bytes())
    };
    assert_eq!(counts("3.0").findings, []);
    assert_eq!(
        found(&counts("2.5")),
        [("/created_count", AnswerFindingKind::WrongType)]
    );
    assert_eq!(counts("2.5").findings[0].expected, "a whole number");
}

#[test]
fn a_value_outside_its_enum() {
    let mut body = person();
    body["status"] = json!("deleted");
    let result = check("getPerson", 200, &body);
    assert_eq!(found(&result), [("/status", AnswerFindingKind::NotInEnum)]);
    assert_eq!(
        result.findings[0].expected,
        "one of active, unsubscribed, bounced"
    );
    assert_eq!(result.findings[0].actual, "\"deleted\"");
}

#[test]
fn a_list_drifted_in_every_item_lists_the_first_findings_and_counts_the_rest() {
    let drifted = |index: usize| {
        let mut person = person();
        person["nickname"] = json!(format!("n{index}"));
        person
    };
    let count = LISTED_FINDINGS + 500;
    let people: Vec<Value> = (0..count).map(drifted).collect();
    let body = json!({"people": people, "total": count, "limit": 50, "offset": 0});
    let result = check("listPeople", 200, &body);
    assert_eq!(result.findings.len(), LISTED_FINDINGS);
    assert_eq!(result.unlisted, 500);
    assert_eq!(result.count(), count);
    assert!(!result.is_ok());
    assert_eq!(
        result.verdict(),
        format!("{count} differences from the docs")
    );
    let last = &result.findings[LISTED_FINDINGS - 1];
    assert_eq!(
        last.path,
        format!("/people/{}/nickname", LISTED_FINDINGS - 1)
    );
    // The parsed body is checked the same way.
    let parsed = operation("listPeople").check_json_answer(200, Some("application/json"), &body);
    assert_eq!(parsed, result);
}

#[test]
fn findings_deep_in_a_list_carry_their_index() {
    let mut second = person();
    second["status"] = json!("gone");
    second["extra"] = json!(true);
    let body = json!({"people": [person(), second], "total": 2, "limit": 50, "offset": 0});
    let result = check("listPeople", 200, &body);
    assert_eq!(result.documented_as.as_deref(), Some("PersonList"));
    assert_eq!(
        found(&result),
        [
            ("/people/1/status", AnswerFindingKind::NotInEnum),
            ("/people/1/extra", AnswerFindingKind::UndocumentedField),
        ]
    );
    let device = json!({"devices": [{
        "id": "123e4567-e89b-12d3-a456-426614174000", "device_token": "tok",
        "platform": "windows", "is_active": "yes"
    }]});
    assert_eq!(
        found(&check("listWorkspaceDevices", 200, &device)),
        [
            ("/devices/0/platform", AnswerFindingKind::NotInEnum),
            ("/devices/0/is_active", AnswerFindingKind::WrongType),
        ]
    );
}

#[test]
fn an_undocumented_status_lists_the_documented_ones() {
    let result = check("getPerson", 299, &person());
    assert_eq!(
        result.findings,
        [AnswerFinding {
            path: String::new(),
            kind: AnswerFindingKind::UndocumentedStatus,
            expected: "a documented status: 200, 400, 401, 403, 404, 429, 500, 503".into(),
            actual: "299".into(),
            note: None,
        }]
    );
    assert_eq!(result.documented_as, None);
    assert_eq!(operation("getPerson").documented_status(299), None);
    assert_eq!(operation("getPerson").documented_status(404), Some("404"));
    // A 201 is documented for a create, not for a get.
    assert!(check("createPerson", 201, &person()).is_ok());
    assert_eq!(
        found(&check("getPerson", 201, &person())),
        [("", AnswerFindingKind::UndocumentedStatus)]
    );
}

#[test]
fn a_body_that_is_not_json_is_one_finding() {
    let result = operation("getPerson").check_answer(
        200,
        Some("text/html"),
        b"<!DOCTYPE html><html><body>Bad gateway</body></html>",
    );
    assert_eq!(
        result.findings,
        [AnswerFinding {
            path: String::new(),
            kind: AnswerFindingKind::WrongType,
            expected: "JSON".into(),
            actual: "text/html: <!DOCTYPE html><html><body>Bad gateway</body></html>".into(),
            note: None,
        }]
    );
    let empty = operation("getPerson").check_answer(200, None, b"");
    assert_eq!(found(&empty), [("", AnswerFindingKind::WrongType)]);
    assert_eq!(empty.findings[0].actual, "an empty body");
}

#[test]
fn json_sent_as_another_media_type_is_said_once_then_checked() {
    let mut body = person();
    body["extra"] = json!(1);
    let result =
        operation("getPerson").check_answer(200, Some("text/plain"), body.to_string().as_bytes());
    assert_eq!(
        found(&result),
        [
            ("", AnswerFindingKind::WrongType),
            ("/extra", AnswerFindingKind::UndocumentedField),
        ]
    );
    assert_eq!(result.findings[0].expected, "Content-Type application/json");
    assert_eq!(result.findings[0].actual, "Content-Type text/plain");
    let charset = operation("getPerson").check_answer(
        200,
        Some("application/json; charset=utf-8"),
        person().to_string().as_bytes(),
    );
    assert!(charset.is_ok(), "{charset:?}");
}

#[test]
fn an_answer_documented_without_a_body_takes_any() {
    let delete = operation("deletePerson");
    assert!(delete.check_answer(204, None, b"").is_ok());
    assert!(
        delete
            .check_answer(200, Some("application/json"), br#"{"deleted": true}"#)
            .is_ok()
    );
}

#[test]
fn a_parsed_answer_is_checked_the_same() {
    let mut body = person();
    body["status"] = json!("gone");
    let bytes = body.to_string();
    for media in [Some("application/json"), Some("text/plain"), None] {
        for status in [200, 299] {
            assert_eq!(
                operation("getPerson").check_json_answer(status, media, &body),
                operation("getPerson").check_answer(status, media, bytes.as_bytes()),
                "{media:?} {status}"
            );
        }
    }
}

#[test]
fn a_hundred_person_batch_is_checked_item_by_item() {
    let mut people: Vec<Value> = (0..100).map(|_| person()).collect();
    people[57]["locale"] = json!(7);
    let body = json!({"people": people, "created_count": 100, "updated_count": 0});
    assert_eq!(
        found(&check("batchPeople", 200, &body)),
        [("/people/57/locale", AnswerFindingKind::WrongType)]
    );
}

/// The schema keywords the check reads, and those it deliberately leaves to request checks or
/// to readers (formats, bounds, annotations). A keyword outside both would be silently ignored:
/// teach check.rs about it first.
const KNOWN_KEYWORDS: [&str; 29] = [
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "anyOf",
    "oneOf",
    "format",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "pattern",
    "title",
    "description",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "nullable",
    "x-flameup-docs",
    "x-flameup-inferred",
    "x-flameup-identifier",
    "x-flameup-schema",
];

fn keywords_in(schema: &Value, at: &str, unknown: &mut Vec<String>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    for (keyword, value) in map {
        if !KNOWN_KEYWORDS.contains(&keyword.as_str()) {
            unknown.push(format!("{at}/{keyword}"));
        }
        match keyword.as_str() {
            "properties" => {
                for (name, property) in value.as_object().into_iter().flatten() {
                    keywords_in(property, &format!("{at}/properties/{name}"), unknown);
                }
            }
            "items" | "additionalProperties" => {
                keywords_in(value, &format!("{at}/{keyword}"), unknown);
            }
            "anyOf" | "oneOf" => {
                for (index, shape) in value.as_array().into_iter().flatten().enumerate() {
                    keywords_in(shape, &format!("{at}/{keyword}/{index}"), unknown);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_answer_schema_uses_only_keywords_the_check_knows() {
    let mut unknown = Vec::new();
    for operation in contract().operations() {
        for (status, response) in &operation.responses {
            if let Some(schema) = response.pointer("/content/application~1json/schema") {
                keywords_in(schema, &format!("{} {status}", operation.id), &mut unknown);
            }
        }
    }
    assert_eq!(unknown, Vec::<String>::new());
}
