//! The person the sandbox builds: what a create-person body must look like (the documented rules,
//! with the same field names and limits as the window's lint) and the stored person's shape.

use serde_json::{Map, Value, json};

use super::rejection::{FieldError, Rejection, RejectionKind};
use crate::model::body::{EMAIL, PHONE, TRAITS, USER_ID};

/// The longest `userId`, `email` and `phone` the docs allow, in characters. A test holds them to
/// the contract's `maxLength`s, so the sandbox and the form's lint cannot disagree.
const MAX_USER_ID: usize = 255;
const MAX_EMAIL: usize = 254;
const MAX_PHONE: usize = 50;

/// The six traits the create-person page documents (the contract's `Traits` properties), which
/// the sandbox's person has as fields of its own.
const WELL_KNOWN_TRAITS: [&str; 6] = [
    "first_name",
    "last_name",
    "phone",
    "avatar_url",
    "timezone",
    "locale",
];

/// The SDK's anonymous id: accepted when it is a string, otherwise ignored by the sandbox.
const ANONYMOUS_ID: &str = "anonymousId";

/// A create-person body that passed the rules.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPerson {
    pub user_id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub traits: Map<String, Value>,
}

/// Checks a create-person body against the documented rules, naming every offending field.
pub fn validate_create(bytes: &[u8]) -> Result<NewPerson, Rejection> {
    let value: Value = serde_json::from_slice(bytes).map_err(|err| {
        Rejection::new(
            RejectionKind::MalformedBody,
            format!("The request body is not valid JSON: {err}"),
            vec![FieldError::new("body", format!("Not valid JSON: {err}"))],
        )
    })?;
    let Value::Object(body) = value else {
        return Err(Rejection::new(
            RejectionKind::MalformedBody,
            "The request body must be a JSON object",
            vec![FieldError::new("body", "Must be a JSON object")],
        ));
    };
    let mut errors = Vec::new();
    let user_id = match body.get(USER_ID) {
        None | Some(Value::Null) => {
            errors.push(FieldError::new(USER_ID, "Required field"));
            None
        }
        Some(value) => string_field(&mut errors, USER_ID, value, MAX_USER_ID),
    };
    if user_id.as_deref() == Some("") {
        errors.push(FieldError::new(USER_ID, "Must not be empty"));
    }
    let email = optional_string(&mut errors, &body, EMAIL, MAX_EMAIL);
    if let Some(email) = &email
        && !is_bare_address(email)
        && !errors.iter().any(|error| error.field == EMAIL)
    {
        errors.push(FieldError::new(EMAIL, "Invalid email format"));
    }
    let phone = optional_string(&mut errors, &body, PHONE, MAX_PHONE);
    optional_string(&mut errors, &body, ANONYMOUS_ID, usize::MAX);
    let traits = match body.get(TRAITS) {
        None => Map::new(),
        Some(Value::Object(traits)) => {
            // The well-known traits become the person's own fields, which the contract types as
            // text (or null); traits.phone becomes the top-level phone and keeps its limit.
            for key in WELL_KNOWN_TRAITS {
                let Some(value) = traits.get(key).filter(|value| !value.is_null()) else {
                    continue;
                };
                let limit = if key == PHONE { MAX_PHONE } else { usize::MAX };
                string_field(&mut errors, &format!("{TRAITS}.{key}"), value, limit);
            }
            traits.clone()
        }
        Some(_) => {
            errors.push(FieldError::new(TRAITS, "Must be an object"));
            Map::new()
        }
    };
    match (errors.is_empty(), user_id) {
        (true, Some(user_id)) => Ok(NewPerson {
            user_id,
            email,
            phone,
            traits,
        }),
        _ => Err(Rejection::new(
            RejectionKind::Validation,
            validation_message(&errors),
            errors,
        )),
    }
}

/// An address alone: `John Doe <john@example.com>` is valid RFC 5322 "display text" but not an
/// email address a person can have.
fn is_bare_address(email: &str) -> bool {
    let options = email_address::Options::default().without_display_text();
    email_address::EmailAddress::parse_with_options(email, options).is_ok()
}

fn validation_message(errors: &[FieldError]) -> String {
    let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
    format!("Validation failed: {}", fields.join(", "))
}

fn optional_string(
    errors: &mut Vec<FieldError>,
    body: &Map<String, Value>,
    field: &str,
    max: usize,
) -> Option<String> {
    match body.get(field) {
        None | Some(Value::Null) => None,
        Some(value) => string_field(errors, field, value, max),
    }
}

fn string_field(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &Value,
    max: usize,
) -> Option<String> {
    let Value::String(text) = value else {
        errors.push(FieldError::new(field, "Must be a string"));
        return None;
    };
    if text.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("Must be at most {max} characters"),
        ));
        return None;
    }
    Some(text.clone())
}

/// A stored person, in the sandbox's memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    pub id: String,
    pub workspace_id: String,
    pub external_id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub traits: Map<String, Value>,
    pub created_at: String,
    pub updated_at: String,
}

impl Person {
    pub fn new(id: String, workspace_id: &str, input: NewPerson, now: String) -> Self {
        Self {
            id,
            workspace_id: workspace_id.to_owned(),
            external_id: input.user_id,
            email: input.email,
            phone: input.phone,
            traits: input.traits,
            created_at: now.clone(),
            updated_at: now,
        }
    }

    /// Applies a repeated create: given fields replace, traits merge (like `PUT /people/{id}`).
    pub fn update(&mut self, input: NewPerson, now: String) {
        if input.email.is_some() {
            self.email = input.email;
        }
        if input.phone.is_some() {
            self.phone = input.phone;
        }
        self.traits.extend(input.traits);
        self.updated_at = now;
    }

    /// The documented reference shape: the six well-known traits promoted to top-level fields, the
    /// others in `attributes`. The top-level `phone` wins over `traits.phone`.
    pub fn to_json(&self) -> Value {
        let mut person = Map::new();
        person.insert("id".into(), json!(self.id));
        person.insert("workspace_id".into(), json!(self.workspace_id));
        person.insert("external_id".into(), json!(self.external_id));
        person.insert("email".into(), json!(self.email));
        let phone = self
            .phone
            .clone()
            .map(Value::String)
            .or_else(|| self.traits.get(PHONE).cloned())
            .unwrap_or(Value::Null);
        person.insert(PHONE.into(), phone);
        for key in WELL_KNOWN_TRAITS.iter().filter(|key| **key != PHONE) {
            person.insert(
                (*key).to_owned(),
                self.traits.get(*key).cloned().unwrap_or(Value::Null),
            );
        }
        person.insert("status".into(), json!("active"));
        let attributes: Map<String, Value> = self
            .traits
            .iter()
            .filter(|(key, _)| !WELL_KNOWN_TRAITS.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        person.insert("attributes".into(), Value::Object(attributes));
        person.insert("created_at".into(), json!(self.created_at));
        person.insert("updated_at".into(), json!(self.updated_at));
        person.insert("first_seen_at".into(), json!(self.created_at));
        person.insert("last_seen_at".into(), json!(self.updated_at));
        Value::Object(person)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::settings::ErrorDialect;

    fn rejected(body: &str) -> Rejection {
        validate_create(body.as_bytes()).unwrap_err()
    }

    fn fields(rejection: &Rejection) -> Vec<&str> {
        rejection
            .fields
            .iter()
            .map(|error| error.field.as_str())
            .collect()
    }

    #[test]
    fn the_docs_example_passes() {
        let body = r#"{"userId": "example_string", "email": "user@example.com", "phone": "+1-555-0123",
                       "traits": {"first_name": "John Doe", "plan": 3}}"#;
        let person = validate_create(body.as_bytes()).unwrap();
        assert_eq!(person.user_id, "example_string");
        assert_eq!(person.traits["plan"], 3);
    }

    #[test]
    fn every_offending_field_is_named() {
        let long = "x".repeat(256);
        let rejection = rejected(&format!(
            r#"{{"userId": "{long}", "email": "not-an-email", "phone": 5, "traits": [], "anonymousId": 1}}"#
        ));
        assert_eq!(rejection.kind, RejectionKind::Validation);
        assert_eq!(
            fields(&rejection),
            ["userId", "email", "phone", "anonymousId", "traits"]
        );
        assert_eq!(fields(&rejected("{}")), ["userId"]);
        assert_eq!(
            fields(&rejected(r#"{"userId": "u", "traits": null}"#)),
            ["traits"]
        );
        // Well-known traits become the person's text fields: another type is refused.
        assert_eq!(
            fields(&rejected(
                r#"{"userId": "u", "traits": {"locale": {}, "first_name": 3, "last_name": null, "plan": {}}}"#
            )),
            ["traits.first_name", "traits.locale"]
        );
        assert_eq!(fields(&rejected(r#"{"userId": 7}"#)), ["userId"]);
        assert_eq!(fields(&rejected(r#"{"userId": ""}"#)), ["userId"]);
        assert_eq!(
            fields(&rejected(&format!(
                r#"{{"userId": "u", "phone": "{}"}}"#,
                "1".repeat(51)
            ))),
            ["phone"]
        );
    }

    #[test]
    fn the_limits_and_traits_are_the_contracts() {
        let contract = crate::contract::embedded().unwrap();
        let schema = &contract
            .operation("createPerson")
            .unwrap()
            .body
            .as_ref()
            .unwrap()
            .schema;
        for (property, limit) in [
            (USER_ID, MAX_USER_ID),
            (EMAIL, MAX_EMAIL),
            (PHONE, MAX_PHONE),
        ] {
            assert_eq!(
                schema["properties"][property]["maxLength"],
                json!(limit),
                "{property}"
            );
        }
        let traits: Vec<&str> = schema["properties"]["traits"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(traits, WELL_KNOWN_TRAITS);
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let name = "é".repeat(MAX_USER_ID);
        assert!(validate_create(format!(r#"{{"userId": "{name}"}}"#).as_bytes()).is_ok());
        let local = "a".repeat(64);
        let domain = format!("{}.com", "b".repeat(186));
        let email = format!("{local}@{domain}");
        assert_eq!(email.len(), 255);
        let rejection = rejected(&format!(r#"{{"userId": "u", "email": "{email}"}}"#));
        assert_eq!(
            rejection.fields,
            [FieldError::new("email", "Must be at most 254 characters")]
        );
    }

    #[test]
    fn malformed_bodies_are_400_in_every_dialect() {
        for body in ["{", "[1]", "\"text\"", ""] {
            let rejection = rejected(body);
            assert_eq!(rejection.kind, RejectionKind::MalformedBody, "{body}");
            for dialect in ErrorDialect::ALL {
                assert_eq!(rejection.status(dialect), 400);
            }
        }
    }

    #[test]
    fn each_dialect_has_its_documented_shape() {
        let rejection = rejected(r#"{"userId": "u", "email": "nope"}"#);
        assert_eq!(
            rejection.body(ErrorDialect::Docs, "req_1"),
            json!({"error": "Bad Request", "message": "Validation failed: email", "code": 400,
                   "details": [{"field": "email", "message": "Invalid email format"}]})
        );
        assert_eq!(
            rejection.body(ErrorDialect::Standard, "req_1"),
            json!({"success": false, "error": {"type": "VALIDATION_ERROR", "message": "Validation failed: email",
                   "details": {"email": "Invalid email format"}}, "request_id": "req_1"})
        );
        assert_eq!(rejection.status(ErrorDialect::Validation422), 422);
        assert_eq!(
            rejection.body(ErrorDialect::Validation422, "req_1"),
            json!({"error": {"code": "validation_error", "message": "Validation failed: email",
                   "details": {"fields": {"email": "Invalid email format"}}}})
        );
    }

    #[test]
    fn a_person_promotes_the_well_known_traits() {
        let input = validate_create(
            br#"{"userId": "u1", "traits": {"first_name": "Ada", "phone": "+44", "plan": "pro"}}"#,
        )
        .unwrap();
        let person = Person::new(
            "id-1".into(),
            "ws_sandbox",
            input,
            "2026-01-01T00:00:00Z".into(),
        );
        let json = person.to_json();
        assert_eq!(json["external_id"], "u1");
        assert_eq!(json["first_name"], "Ada");
        assert_eq!(json["phone"], "+44");
        assert_eq!(json["locale"], Value::Null);
        assert_eq!(json["attributes"], json!({"plan": "pro"}));
        assert_eq!(json["status"], "active");
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 16);
    }
}
