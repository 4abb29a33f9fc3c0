//! A request made into a call of one operation: path values decoded, the query read, the body
//! parsed — each judged by the contract's own rules, the very code the form's lint runs
//! (`PathParam::check`, `QueryParam::check`, `Operation::check_body`), so the sandbox, the form
//! and the docs cannot disagree. Findings are written as the error dialects write fields:
//! `traits.locale`, `people[2].email`, a parameter by its name.

use std::collections::HashMap;

use axum::body::Bytes;
use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::DEFAULT_WORKSPACE;
use super::rejection::{FieldError, Rejection, RejectionKind};
use super::settings::OnDuplicate;
use crate::contract::{
    FindingKind, IdentifierKind, Operation, ParamPlace, RequestBody, SchemaFinding,
};
use crate::model::form::{pointer_steps, schema_at};

/// What the docs' own error examples call a missing field and a bad email; other findings keep
/// the lint's words.
const REQUIRED_FIELD: &str = "Required field";
const INVALID_EMAIL: &str = "Invalid email format";

/// One request to one operation, with every value checked.
#[derive(Debug)]
pub struct Call {
    pub operation: &'static Operation,
    /// Path values, decoded, by parameter name.
    path: Vec<(String, String)>,
    /// Query values, decoded; of a repeated name the last.
    query: HashMap<String, String>,
    /// The body, when the operation takes one and it was sent.
    body: Option<Value>,
    /// When the call is handled, RFC 3339 in whole seconds: every stamp it writes.
    pub now: String,
    pub on_duplicate: OnDuplicate,
}

/// What arrived, before any of it is judged.
pub struct Sent<'a> {
    /// Path values as sent (percent-encoded), by parameter name.
    pub path: Vec<(String, String)>,
    pub query: Option<&'a str>,
    pub content_type: Option<&'a str>,
    /// The body as read: a rejection when it was too large or could not be read.
    pub body: Result<Bytes, Rejection>,
}

impl Call {
    /// Checks everything `sent` holds against `operation`, in the order a client fixes things:
    /// the path (400 for a value no resource can have, 404 for another workspace), the body's
    /// media type and size (415, 413), its JSON (400), the query (400), then the body's fields
    /// (400, or 422 in that dialect).
    pub fn prepare(
        operation: &'static Operation,
        sent: Sent<'_>,
        now: String,
        on_duplicate: OnDuplicate,
    ) -> Result<Self, Rejection> {
        let path = decode_path(operation, sent.path)?;
        check_workspace(operation, &path)?;
        let body = match &operation.body {
            Some(request_body) => read_json(request_body, sent.content_type, sent.body)?,
            None => None,
        };
        let query = read_query(operation, sent.query)?;
        check_query(operation, &query)?;
        if let (Some(request_body), Some(body)) = (&operation.body, &body) {
            check_body(operation, request_body, body)?;
        }
        Ok(Self {
            operation,
            path,
            query,
            body,
            now,
            on_duplicate,
        })
    }

    /// The path value of parameter `name` (empty if the operation has none of that name).
    pub fn path(&self, name: &str) -> &str {
        self.path
            .iter()
            .find(|(param, _)| param == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// The query value of parameter `name`, if one was given and is not empty (an empty value
    /// is a value left out, as the form sends it).
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    /// The body, or null when none was sent.
    pub fn body(&self) -> &Value {
        self.body.as_ref().unwrap_or(&Value::Null)
    }

    /// The text at `key` of the body, if it is text.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.body().get(key).and_then(Value::as_str)
    }

    /// A 404 for the path value `name`: nothing has it. When the value is the wrong kind of
    /// identifier (a userId where the UUID goes), the parameter's own hint says so.
    pub fn path_not_found(&self, name: &str, what: &str) -> Rejection {
        let value = self.path(name);
        let hint = self
            .operation
            .path_params
            .iter()
            .find(|param| param.name == name)
            .and_then(|param| param.check(value).into_iter().next());
        let why = hint.unwrap_or_else(|| "Not found".to_owned());
        Rejection::not_found(format!("No {what} has that {name}"), name, why)
    }
}

/// Each path value percent-decoded; refused when it is not UTF-8 once decoded, a dot segment
/// (which every client on the way folds into another path), or empty.
fn decode_path(
    operation: &Operation,
    sent: Vec<(String, String)>,
) -> Result<Vec<(String, String)>, Rejection> {
    let mut decoded = Vec::with_capacity(sent.len());
    for (name, raw) in sent {
        if has_stray_percent(&raw) {
            return Err(invalid_path_value(
                &name,
                "Must not hold a % that is not followed by two hex digits",
            ));
        }
        let value = match percent_decode_str(&raw).decode_utf8() {
            Ok(value) => value.into_owned(),
            Err(_) => return Err(invalid_path_value(&name, "Must be UTF-8 text once decoded")),
        };
        if value == "." || value == ".." {
            return Err(invalid_path_value(&name, "Must not be a dot segment"));
        }
        let param = operation
            .path_params
            .iter()
            .find(|param| param.name == name);
        if value.is_empty()
            && let Some(why) = param.and_then(|param| param.check("").into_iter().next())
        {
            return Err(invalid_path_value(&name, &why));
        }
        decoded.push((name, value));
    }
    Ok(decoded)
}

/// Whether `raw` has a `%` that starts no escape (`%zz`, a `%` at the end): decoders pass it
/// on as it is, so the value would name something other than what was meant.
fn has_stray_percent(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes.iter().enumerate().any(|(at, &byte)| {
        byte == b'%'
            && !(bytes.get(at + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(at + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

fn invalid_path_value(name: &str, why: &str) -> Rejection {
    Rejection::new(
        RejectionKind::InvalidParameters,
        format!("The path value {name} is invalid: {}", why.to_lowercase()),
        vec![FieldError::new(name, why)],
    )
}

/// The sandbox has one workspace: a workspace id in the path that is not its own names nothing.
fn check_workspace(operation: &Operation, path: &[(String, String)]) -> Result<(), Rejection> {
    for param in &operation.path_params {
        if param.identifier != IdentifierKind::WorkspaceId {
            continue;
        }
        let value = path
            .iter()
            .find(|(name, _)| *name == param.name)
            .map_or("", |(_, value)| value.as_str());
        if value != DEFAULT_WORKSPACE {
            return Err(Rejection::not_found(
                format!(
                    "No workspace has the id {value}: the sandbox's only workspace is {DEFAULT_WORKSPACE}"
                ),
                &param.name,
                format!("Not found: use {DEFAULT_WORKSPACE}"),
            ));
        }
    }
    Ok(())
}

/// The body as JSON: 415 unless it is sent as JSON, 413 when too large, 400 when not JSON. An
/// optional body may be left out entirely.
fn read_json(
    request_body: &RequestBody,
    content_type: Option<&str>,
    bytes: Result<Bytes, Rejection>,
) -> Result<Option<Value>, Rejection> {
    let sent_nothing = bytes.as_ref().is_ok_and(Bytes::is_empty);
    if !request_body.required && sent_nothing {
        return Ok(None);
    }
    if !content_type.is_some_and(is_json) {
        return Err(Rejection::new(
            RejectionKind::UnsupportedMediaType,
            "Content-Type must be application/json",
            vec![FieldError::new("Content-Type", "Must be application/json")],
        ));
    }
    let bytes = bytes?;
    serde_json::from_slice(&bytes).map(Some).map_err(|err| {
        Rejection::new(
            RejectionKind::MalformedBody,
            format!("The request body is not valid JSON: {err}"),
            vec![FieldError::new("body", format!("Not valid JSON: {err}"))],
        )
    })
}

fn is_json(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// The query's values, decoded as a form (`+` is a space). A parameter of the contract given
/// twice is refused, as the command line refuses it: which of the two a server takes is
/// anyone's guess. A repeated name the contract does not have is ignored with the rest.
fn read_query(
    operation: &Operation,
    query: Option<&str>,
) -> Result<HashMap<String, String>, Rejection> {
    let mut values = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let known = operation.takes_param(ParamPlace::Query, &name);
        if values
            .insert(name.to_string(), value.into_owned())
            .is_some()
            && known
        {
            return Err(Rejection::new(
                RejectionKind::InvalidParameters,
                format!("Invalid request parameters: {name} is given more than once"),
                vec![FieldError::new(&name, "Given more than once: send it once")],
            ));
        }
    }
    Ok(values)
}

/// Every query parameter of the contract, in its order, by its own check: a value sent is
/// judged as sent, even empty (`limit=` is no number); one left out only if it is required.
/// Names the contract does not have are ignored, as most APIs do.
fn check_query(operation: &Operation, query: &HashMap<String, String>) -> Result<(), Rejection> {
    let errors: Vec<FieldError> = operation
        .query_params
        .iter()
        .flat_map(|param| {
            let findings = match query.get(&param.name) {
                Some(value) => param.check_sent(value),
                None => param.check(""),
            };
            findings
                .into_iter()
                .map(|why| FieldError::new(&param.name, why))
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(Rejection::new(
        RejectionKind::InvalidParameters,
        format!("Invalid request parameters: {}", field_list(&errors)),
        errors,
    ))
}

/// The body by the operation's schema. A body of the wrong JSON type altogether (an array, a
/// string) is malformed, as before any field can be named; otherwise every finding is a field
/// error. An identifier of the wrong kind is refused only where the schema asserts a format
/// (a UUID): elsewhere, as in the form, it is a hint, not a rule.
fn check_body(
    operation: &Operation,
    request_body: &RequestBody,
    body: &Value,
) -> Result<(), Rejection> {
    let schema = &request_body.schema;
    let findings: Vec<SchemaFinding> = operation
        .check_body(body)
        .into_iter()
        .filter(|finding| {
            finding.kind != FindingKind::Identifier || asserts_format(schema, finding)
        })
        .collect();
    if let Some(whole) = findings
        .iter()
        .find(|finding| finding.instance_path.is_empty() && finding.kind == FindingKind::Type)
    {
        return Err(Rejection::new(
            RejectionKind::MalformedBody,
            format!("The request body {}", lowercase_first(&whole.message)),
            vec![FieldError::new("body", whole.message.clone())],
        ));
    }
    if findings.is_empty() {
        return Ok(());
    }
    let errors: Vec<FieldError> = findings
        .iter()
        .map(|finding| {
            FieldError::new(
                &dialect_path(body, &finding.instance_path),
                field_message(schema, finding),
            )
        })
        .collect();
    Err(Rejection::new(
        RejectionKind::Validation,
        format!("Validation failed: {}", field_list(&errors)),
        errors,
    ))
}

fn asserts_format(schema: &Value, finding: &SchemaFinding) -> bool {
    schema_at(schema, &finding.instance_path).is_some_and(|at| at.get("format").is_some())
}

/// The message for a field: the docs' words where their examples show the rule, else the lint's.
fn field_message(schema: &Value, finding: &SchemaFinding) -> String {
    let is_email = || {
        schema_at(schema, &finding.instance_path)
            .and_then(|at| at.get("format"))
            .and_then(Value::as_str)
            == Some("email")
    };
    match finding.kind {
        FindingKind::Required => REQUIRED_FIELD.to_owned(),
        FindingKind::Format if is_email() => INVALID_EMAIL.to_owned(),
        _ => finding.message.clone(),
    }
}

/// A JSON Pointer into `body` as the dialects write a field: keys joined by dots, array items
/// by index in brackets (`/people/2/email` is `people[2].email`); the whole body is `body`.
pub fn dialect_path(body: &Value, pointer: &str) -> String {
    let mut path = String::new();
    let mut at = Some(body);
    for step in pointer_steps(pointer) {
        let index = step.parse::<usize>().ok();
        match (at, index) {
            (Some(Value::Array(items)), Some(index)) => {
                path.push_str(&format!("[{index}]"));
                at = items.get(index);
            }
            _ => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&step);
                at = at.and_then(|value| value.get(step.as_str()));
            }
        }
    }
    if path.is_empty() {
        "body".to_owned()
    } else {
        path
    }
}

/// The fields named, once each, in order: `userId, email`.
fn field_list(errors: &[FieldError]) -> String {
    let mut fields: Vec<&str> = Vec::new();
    for error in errors {
        if !fields.contains(&error.field.as_str()) {
            fields.push(&error.field);
        }
    }
    fields.join(", ")
}

fn lowercase_first(text: &str) -> String {
    let mut characters = text.chars();
    characters.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(characters).collect()
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use serde_json::json;

    use super::*;

    fn operation(id: &str) -> &'static Operation {
        crate::contract::embedded().unwrap().operation(id).unwrap()
    }

    fn sent<'a>(path: &[(&str, &str)], query: Option<&'a str>, body: &str) -> Sent<'a> {
        Sent {
            path: path
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            query,
            content_type: Some("application/json"),
            body: Ok(Bytes::from(body.to_owned())),
        }
    }

    fn prepare(id: &str, sent: Sent<'_>) -> Result<Call, Rejection> {
        Call::prepare(operation(id), sent, String::new(), OnDuplicate::Update)
    }

    fn fields(rejection: &Rejection) -> Vec<(&str, &str)> {
        rejection
            .fields
            .iter()
            .map(|error| (error.field.as_str(), error.message.as_str()))
            .collect()
    }

    #[test]
    fn dialect_paths_use_dots_and_brackets() {
        let body = json!({"people": [{}, {}, {"email": 1}], "traits": {"a.b": 1}});
        assert_eq!(dialect_path(&body, "/people/2/email"), "people[2].email");
        assert_eq!(dialect_path(&body, "/traits/locale"), "traits.locale");
        assert_eq!(dialect_path(&body, "/people/1/userId"), "people[1].userId");
        assert_eq!(dialect_path(&body, "/traits/a~1b"), "traits.a/b");
        assert_eq!(dialect_path(&body, ""), "body");
        // A key that looks like a number, in an object, is a key.
        assert_eq!(dialect_path(&json!({"7": {}}), "/7/x"), "7.x");
    }

    #[test]
    fn every_offending_field_is_named_in_the_docs_words_or_the_lints() {
        let long = "x".repeat(256);
        let rejection = prepare(
            "createPerson",
            sent(
                &[],
                None,
                &format!(
                    r#"{{"userId": "{long}", "email": "not-an-email", "phone": 5, "traits": [], "anonymousId": 1}}"#
                ),
            ),
        )
        .unwrap_err();
        assert_eq!(rejection.kind, RejectionKind::Validation);
        assert_eq!(
            fields(&rejection),
            [
                ("userId", "At most 255 characters (this has 256)"),
                ("email", INVALID_EMAIL),
                ("phone", "Must be text"),
                ("traits", "Must be an object"),
                ("anonymousId", "Must be text"),
            ]
        );
        assert_eq!(
            rejection.message,
            "Validation failed: userId, email, phone, traits, anonymousId"
        );
        let missing = prepare("createPerson", sent(&[], None, "{}")).unwrap_err();
        assert_eq!(fields(&missing), [("userId", REQUIRED_FIELD)]);
    }

    #[test]
    fn limits_come_from_the_contract_and_count_characters() {
        let name = "é".repeat(255);
        assert!(
            prepare(
                "createPerson",
                sent(&[], None, &format!(r#"{{"userId": "{name}"}}"#))
            )
            .is_ok()
        );
        let phone = "1".repeat(51);
        let rejection = prepare(
            "createPerson",
            sent(
                &[],
                None,
                &format!(r#"{{"userId": "u", "traits": {{"phone": "{phone}"}}}}"#),
            ),
        )
        .unwrap_err();
        assert_eq!(
            fields(&rejection),
            [("traits.phone", "At most 50 characters (this has 51)")]
        );
    }

    #[test]
    fn batch_items_are_named_by_index_and_the_limit_is_named() {
        let rejection = prepare(
            "batchPeople",
            sent(
                &[],
                None,
                r#"{"people": [{"userId": "a"}, {"userId": "b"}, {"userId": "c", "email": "c-at-example"}]}"#,
            ),
        )
        .unwrap_err();
        assert_eq!(fields(&rejection), [("people[2].email", INVALID_EMAIL)]);
        let people: Vec<Value> = (0..101).map(|n| json!({"userId": n.to_string()})).collect();
        let rejection = prepare(
            "batchPeople",
            sent(&[], None, &json!({ "people": people }).to_string()),
        )
        .unwrap_err();
        assert_eq!(
            fields(&rejection),
            [("people", "At most 100 items (this has 101)")]
        );
    }

    #[test]
    fn a_uuid_where_a_uuid_is_asserted_is_refused_but_a_uuid_looking_user_id_is_not() {
        let rejection = prepare(
            "sendPush",
            sent(
                &[],
                None,
                r#"{"person_id": "user_1", "title": "t", "body": "b"}"#,
            ),
        )
        .unwrap_err();
        assert_eq!(rejection.fields[0].field, "person_id");
        assert!(rejection.fields[0].message.contains("is a UUID"));
        let uuid_user = r#"{"userId": "123e4567-e89b-12d3-a456-426614174000"}"#;
        assert!(prepare("createPerson", sent(&[], None, uuid_user)).is_ok());
    }

    #[test]
    fn malformed_bodies_are_400_in_every_dialect() {
        for body in ["{", "[1]", "\"text\"", ""] {
            let rejection = prepare("createPerson", sent(&[], None, body)).unwrap_err();
            assert_eq!(rejection.kind, RejectionKind::MalformedBody, "{body}");
            for dialect in super::super::ErrorDialect::ALL {
                assert_eq!(rejection.status(dialect), 400);
            }
        }
    }

    #[test]
    fn an_optional_body_may_be_left_out_but_not_sent_as_text() {
        let path = [("workspaceId", DEFAULT_WORKSPACE), ("campaignId", "c")];
        assert!(prepare("triggerWorkspaceCampaign", sent(&path, None, "")).is_ok());
        let mut as_text = sent(&path, None, "{}");
        as_text.content_type = Some("text/plain");
        assert_eq!(
            prepare("triggerWorkspaceCampaign", as_text)
                .unwrap_err()
                .kind,
            RejectionKind::UnsupportedMediaType
        );
        let mut required = sent(&[], None, "");
        required.content_type = None;
        assert_eq!(
            prepare("createPerson", required).unwrap_err().kind,
            RejectionKind::UnsupportedMediaType
        );
    }

    #[test]
    fn a_parameter_given_twice_is_refused_and_an_unknown_one_ignored() {
        let rejection = prepare("listPeople", sent(&[], Some("limit=5&limit=6"), "")).unwrap_err();
        assert_eq!(rejection.kind, RejectionKind::InvalidParameters);
        assert_eq!(
            fields(&rejection),
            [("limit", "Given more than once: send it once")]
        );
        let call = prepare("listPeople", sent(&[], Some("x=1&x=2&limit=5"), "")).unwrap();
        assert_eq!(call.query("limit"), Some("5"));
    }

    #[test]
    fn a_percent_that_starts_no_escape_is_refused_in_a_path_value() {
        for raw in ["%zz", "a%", "a%4", "%%41"] {
            let rejection = prepare("getPerson", sent(&[("id", raw)], None, "")).unwrap_err();
            assert_eq!(
                fields(&rejection),
                [(
                    "id",
                    "Must not hold a % that is not followed by two hex digits"
                )],
                "{raw}"
            );
        }
        let call = prepare("getPerson", sent(&[("id", "a%25b%2F")], None, "")).unwrap();
        assert_eq!(call.path("id"), "a%b/");
    }

    #[test]
    fn query_values_are_checked_in_contract_order_and_always_400() {
        let rejection =
            prepare("listPeople", sent(&[], Some("offset=-1&limit=101&x=y"), "")).unwrap_err();
        assert_eq!(rejection.kind, RejectionKind::InvalidParameters);
        assert_eq!(
            fields(&rejection),
            [("limit", "At most 100"), ("offset", "At least 0")]
        );
        for dialect in super::super::ErrorDialect::ALL {
            assert_eq!(rejection.status(dialect), 400);
        }
        let call = prepare(
            "listPeople",
            sent(&[], Some("search=a+b%20c&status=active"), ""),
        )
        .unwrap();
        assert_eq!(call.query("search"), Some("a b c"));
        assert_eq!(call.query("limit"), None);
        // A value sent empty is judged as sent: no number, not in the enum; empty text is text.
        let rejection =
            prepare("listPeople", sent(&[], Some("limit=&status=&search="), "")).unwrap_err();
        assert_eq!(
            fields(&rejection),
            [
                ("limit", "Must be a whole number"),
                ("status", "One of: active, unsubscribed, bounced")
            ]
        );
        let search = prepare(
            "searchWorkspacePeople",
            sent(&[("workspaceId", DEFAULT_WORKSPACE)], Some("email="), ""),
        )
        .unwrap_err();
        assert_eq!(fields(&search), [("email", "Not a valid email address")]);
    }

    #[test]
    fn path_values_are_decoded_and_refused_when_no_resource_can_have_them() {
        let call = prepare("getPerson", sent(&[("id", "ada%40example.com")], None, "")).unwrap();
        assert_eq!(call.path("id"), "ada@example.com");
        for (value, why) in [
            ("%FF", "Must be UTF-8 text once decoded"),
            ("..", "Must not be a dot segment"),
            ("%2e%2E", "Must not be a dot segment"),
            ("", "Required"),
        ] {
            let rejection = prepare("getPerson", sent(&[("id", value)], None, "")).unwrap_err();
            assert_eq!(rejection.kind, RejectionKind::InvalidParameters, "{value}");
            assert_eq!(fields(&rejection), [("id", why)], "{value}");
        }
    }

    #[test]
    fn another_workspace_is_not_found() {
        let rejection = prepare(
            "listWorkspacePeople",
            sent(&[("workspaceId", "ws_abc123")], None, ""),
        )
        .unwrap_err();
        assert_eq!(rejection.kind, RejectionKind::NotFound);
        assert_eq!(rejection.fields[0].field, "workspaceId");
        assert!(
            prepare(
                "listWorkspacePeople",
                sent(&[("workspaceId", DEFAULT_WORKSPACE)], None, "")
            )
            .is_ok()
        );
    }

    #[test]
    fn a_wrong_kind_of_path_identifier_is_explained_in_the_404() {
        let call = prepare(
            "getWorkspacePerson",
            sent(
                &[("workspaceId", DEFAULT_WORKSPACE), ("personId", "user_1")],
                None,
                "",
            ),
        )
        .unwrap();
        let rejection = call.path_not_found("personId", "person");
        assert_eq!(rejection.kind, RejectionKind::NotFound);
        assert!(rejection.fields[0].message.contains("is a UUID"));
    }
}
