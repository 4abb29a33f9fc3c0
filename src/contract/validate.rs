//! Lint from the contract: a body checked against its operation's JSON Schema (draft 2020-12,
//! formats asserted), path and query values against their parameters' rules, and identifiers of
//! the wrong kind wherever the contract marks one (`x-flameup-identifier`).
//!
//! Pure and independent of the form: the window maps findings to its inputs by instance path,
//! and the sandbox can reject with the very same rules. A finding never blocks a send.

use std::collections::HashMap;
use std::fmt::{self, Display, Write as _};
use std::sync::{Arc, LazyLock, Mutex, OnceLock, PoisonError};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, EmailOptions, JsonType, ValidationError, ValidationOptions, Validator};
use serde_json::Value;

use super::parse::IDENTIFIER;
use super::{IdentifierKind, Operation, ParamKind, PathParam, QueryParam, RequestBody};

/// One way a body breaks its operation's contract, placed where the window can show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaFinding {
    /// Where, as a JSON Pointer into the body (RFC 6901: `~` and `/` in a key are written `~0`
    /// and `~1`); `""` is the whole body. A missing required property is pointed at itself
    /// (`/userId`, `/people/2/userId`), not at the object that lacks it, so the finding lands on
    /// the input the user has to fill.
    pub instance_path: String,
    /// Short and user-facing: "Required", "At most 255 characters (this has 300)".
    pub message: String,
    pub kind: FindingKind,
}

/// Which rule a [`SchemaFinding`] is about, so a caller can treat some apart (a form may place
/// a `Required` on an input it has not drawn yet) without reading messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FindingKind {
    /// A required property is missing (`required`).
    Required,
    /// Longer than `maxLength`, counted in characters (Unicode scalar values).
    TooLong,
    /// Shorter than `minLength`.
    TooShort,
    /// Not the `format` (email, uuid, date-time, uri, …).
    Format,
    /// Not one of the values the schema lists (`enum`, or `const`).
    Enum,
    /// Not the JSON type the schema wants (`type`).
    Type,
    /// A number outside `minimum`/`maximum` (or their exclusive forms).
    Range,
    /// More items than `maxItems`.
    TooManyItems,
    /// Fewer items than `minItems`.
    TooFewItems,
    /// An identifier of the wrong kind: a UUID where your own id is expected, or the reverse.
    Identifier,
    /// Anything else the validator reports, in its own words.
    Other,
}

/// The message for an empty value the API needs.
const REQUIRED: &str = "Required";

impl Operation {
    /// Every way `body` breaks this operation's body schema, in the validator's order, then
    /// every identifier of the wrong kind (see [`IdentifierKind::check`]). Empty when the
    /// operation takes no body. The schema is compiled on the first check and kept.
    pub fn check_body(&self, body: &Value) -> Vec<SchemaFinding> {
        self.body
            .as_ref()
            .map_or_else(Vec::new, |request_body| request_body.check(body))
    }

    /// Compiles the body schema now instead of at the first check (off the UI thread, or to
    /// measure it), and says whether it compiles; an operation without a body has nothing to
    /// compile. The error is the validator's reason, for a contract it cannot read.
    pub fn prepare_body_check(&self) -> Result<(), &str> {
        match &self.body {
            Some(request_body) => request_body.compiled().map(|_| ()),
            None => Ok(()),
        }
    }
}

impl RequestBody {
    fn check(&self, body: &Value) -> Vec<SchemaFinding> {
        match self.compiled() {
            Ok(compiled) => compiled.findings(body),
            Err(problem) => vec![SchemaFinding {
                instance_path: String::new(),
                message: format!(
                    "The contract's schema for this body cannot be checked: {problem}"
                ),
                kind: FindingKind::Other,
            }],
        }
    }

    fn compiled(&self) -> Result<&BodyCheck, &str> {
        let compiled: &Result<BodyCheck, String> = self
            .compiled
            .0
            .get_or_init(|| Arc::new(BodyCheck::compile(&self.schema)));
        compiled.as_ref().map_err(String::as_str)
    }
}

/// A body schema compiled once, on first use; a clone of the operation made after that shares
/// it (a clone made before compiles its own).
#[derive(Clone, Default)]
pub(super) struct CompiledBody(OnceLock<Arc<Result<BodyCheck, String>>>);

impl fmt::Debug for CompiledBody {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The compiled validator is large and says nothing the schema beside it does not.
        formatter
            .debug_struct("CompiledBody")
            .field("compiled", &self.0.get().is_some())
            .finish()
    }
}

/// What checking a body needs: the validator, and where the schema marks identifiers.
struct BodyCheck {
    validator: Validator,
    identifiers: Vec<IdentifierSite>,
}

impl BodyCheck {
    fn compile(schema: &Value) -> Result<Self, String> {
        let validator = options().build(schema).map_err(|error| error.to_string())?;
        let mut identifiers = Vec::new();
        find_identifier_sites(schema, &mut Vec::new(), &mut identifiers);
        Ok(Self {
            validator,
            identifiers,
        })
    }

    fn findings(&self, body: &Value) -> Vec<SchemaFinding> {
        let identifiers = self.identifier_findings(body);
        // An identifier finding says what a failed `format: uuid` at the same place says, and
        // says which id was meant: keep that one.
        let explained = |finding: &SchemaFinding| {
            finding.kind == FindingKind::Format
                && identifiers
                    .iter()
                    .any(|identifier| identifier.instance_path == finding.instance_path)
        };
        let mut findings: Vec<SchemaFinding> = self
            .validator
            .iter_errors(body)
            .map(|error| finding(&error))
            .filter(|finding| !explained(finding))
            .collect();
        findings.extend(identifiers);
        findings
    }

    fn identifier_findings(&self, body: &Value) -> Vec<SchemaFinding> {
        let mut findings = Vec::new();
        for site in &self.identifiers {
            visit(
                body,
                &site.steps,
                &mut String::new(),
                &mut |pointer, value| {
                    if let Some(message) = value.as_str().and_then(|text| site.kind.check(text)) {
                        findings.push(SchemaFinding {
                            instance_path: pointer.to_owned(),
                            message: message.to_owned(),
                            kind: FindingKind::Identifier,
                        });
                    }
                },
            );
        }
        findings
    }
}

/// The one configuration every check uses: draft 2020-12 (the document's dialect), formats
/// asserted rather than only annotated, an email address alone (no `Ada <ada@example.com>`, as
/// the sandbox refuses it), and nothing fetched: the schemas are self-contained.
pub(super) fn options() -> ValidationOptions<'static> {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .with_email_options(EmailOptions::default().without_display_text())
        .offline()
}

/// A place in the body the schema marks as an identifier of some kind.
struct IdentifierSite {
    steps: Vec<Step>,
    kind: IdentifierKind,
}

/// One step from a schema to a subschema that a body follows the same way.
#[derive(Clone)]
enum Step {
    Property(String),
    /// Every item of an array.
    AnyItem,
}

/// Collects the properties marked `x-flameup-identifier`, through `properties` and `items`
/// (the request bodies use no combinators around an identifier).
fn find_identifier_sites(schema: &Value, steps: &mut Vec<Step>, sites: &mut Vec<IdentifierSite>) {
    let kind = schema
        .get(IDENTIFIER)
        .and_then(Value::as_str)
        .and_then(IdentifierKind::from_name);
    if let Some(kind) = kind {
        sites.push(IdentifierSite {
            steps: steps.clone(),
            kind,
        });
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            steps.push(Step::Property(name.clone()));
            find_identifier_sites(property, steps, sites);
            steps.pop();
        }
    }
    if let Some(items) = schema.get("items") {
        steps.push(Step::AnyItem);
        find_identifier_sites(items, steps, sites);
        steps.pop();
    }
}

/// Calls `found` with the pointer and value of every place in `value` that `steps` reach.
fn visit(value: &Value, steps: &[Step], pointer: &mut String, found: &mut dyn FnMut(&str, &Value)) {
    let Some((step, rest)) = steps.split_first() else {
        found(pointer, value);
        return;
    };
    let parent = pointer.len();
    match (step, value) {
        (Step::Property(name), Value::Object(map)) => {
            if let Some(child) = map.get(name) {
                pointer.push('/');
                push_escaped(pointer, name);
                visit(child, rest, pointer, found);
            }
        }
        (Step::AnyItem, Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                let _ = write!(pointer, "/{index}");
                visit(item, rest, pointer, found);
                pointer.truncate(parent);
            }
        }
        _ => {}
    }
    pointer.truncate(parent);
}

/// Appends a key as one JSON Pointer segment.
pub(super) fn push_escaped(pointer: &mut String, key: &str) {
    for character in key.chars() {
        match character {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            other => pointer.push(other),
        }
    }
}

/// The validator's error in the app's words, at the place the user has to change.
fn finding(error: &ValidationError<'_>) -> SchemaFinding {
    let at = error.instance_path().as_str();
    if let ValidationErrorKind::Required { property } = error.kind() {
        let mut instance_path = format!("{at}/");
        push_escaped(&mut instance_path, &shown(property));
        return SchemaFinding {
            instance_path,
            message: REQUIRED.to_owned(),
            kind: FindingKind::Required,
        };
    }
    let (kind, message) = describe(error);
    SchemaFinding {
        instance_path: at.to_owned(),
        message,
        kind,
    }
}

fn describe(error: &ValidationError<'_>) -> (FindingKind, String) {
    let instance: &Value = error.instance();
    let characters = || instance.as_str().map(|text| text.chars().count());
    let items = || instance.as_array().map(Vec::len);
    match error.kind() {
        ValidationErrorKind::MaxLength { limit } => (
            FindingKind::TooLong,
            counted("At most", *limit, "character", characters()),
        ),
        ValidationErrorKind::MinLength { limit } => (
            FindingKind::TooShort,
            counted("At least", *limit, "character", characters()),
        ),
        ValidationErrorKind::MaxItems { limit } => (
            FindingKind::TooManyItems,
            counted("At most", *limit, "item", items()),
        ),
        ValidationErrorKind::MinItems { limit } => (
            FindingKind::TooFewItems,
            counted("At least", *limit, "item", items()),
        ),
        ValidationErrorKind::Format { format } => (FindingKind::Format, format_message(format)),
        ValidationErrorKind::Enum { options } => {
            let options = options.as_array().map_or(&[][..], Vec::as_slice);
            (FindingKind::Enum, one_of(options.iter().map(shown)))
        }
        ValidationErrorKind::Constant { expected_value } => (
            FindingKind::Enum,
            format!("Must be {}", shown(expected_value)),
        ),
        ValidationErrorKind::Type { kind } => (FindingKind::Type, type_message(kind)),
        ValidationErrorKind::Minimum { limit } => (FindingKind::Range, at_least(limit)),
        ValidationErrorKind::Maximum { limit } => (FindingKind::Range, at_most(limit)),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            (FindingKind::Range, format!("More than {limit}"))
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            (FindingKind::Range, format!("Less than {limit}"))
        }
        _ => (FindingKind::Other, sentence(&error.to_string())),
    }
}

/// "At most 255 characters (this has 300)": the limit, and how far the value is from it.
fn counted(bound: &str, limit: u64, noun: &str, has: Option<usize>) -> String {
    let plural = |count: u64| if count == 1 { "" } else { "s" };
    let mut message = format!("{bound} {limit} {noun}{}", plural(limit));
    if let Some(has) = has {
        let _ = write!(message, " (this has {has})");
    }
    message
}

fn at_least(limit: impl Display) -> String {
    format!("At least {limit}")
}

fn at_most(limit: impl Display) -> String {
    format!("At most {limit}")
}

/// "One of: ios, android".
fn one_of(options: impl Iterator<Item = impl Display>) -> String {
    let options: Vec<String> = options.map(|option| option.to_string()).collect();
    format!("One of: {}", options.join(", "))
}

/// A value as a user would type it: a string without its quotes, anything else as JSON.
pub(super) fn shown(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// What a value that fails `format` should have been.
fn format_message(format: &str) -> String {
    match format {
        "email" => "Not a valid email address".to_owned(),
        "uuid" => "Not a UUID".to_owned(),
        "date-time" => "Not a date and time such as 2024-05-01T09:30:00Z (RFC 3339)".to_owned(),
        "date" => "Not a date such as 2024-05-01".to_owned(),
        "uri" => "Not an absolute address such as https://example.com/a.png".to_owned(),
        other => format!("Not a valid {other}"),
    }
}

/// "Must be a whole number", "Must be text or null": what the schema's types accept, in words.
fn type_message(kind: &TypeKind) -> String {
    let mut types: Vec<JsonType> = match kind {
        TypeKind::Single(single) => vec![*single],
        TypeKind::Multiple(set) => set.iter().collect(),
    };
    // Null reads best last ("text or null"), and a number already covers whole numbers.
    types.sort_by_key(|kind| *kind == JsonType::Null);
    if types.contains(&JsonType::Number) {
        types.retain(|kind| *kind != JsonType::Integer);
    }
    let phrases: Vec<&str> = types.iter().copied().map(type_phrase).collect();
    format!("Must be {}", phrases.join(" or "))
}

pub(super) fn type_phrase(kind: JsonType) -> &'static str {
    match kind {
        JsonType::String => "text",
        JsonType::Integer => "a whole number",
        JsonType::Number => "a number",
        JsonType::Boolean => "true or false",
        JsonType::Object => "an object",
        JsonType::Array => "a list",
        JsonType::Null => "null",
    }
}

/// The text with its first letter in capitals.
fn sentence(text: &str) -> String {
    let mut characters = text.chars();
    characters.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(characters).collect()
    })
}

/// Whether `value` has the `format`, by the same validator that checks bodies, so a parameter
/// and a body field agree on what an email or a UUID is. A format the validator does not know
/// is not checked. One small validator per format, built once.
fn has_format(format: &str, value: &str) -> bool {
    static CHECKS: LazyLock<Mutex<HashMap<String, Option<Arc<Validator>>>>> =
        LazyLock::new(Mutex::default);
    let validator = {
        let mut checks = CHECKS.lock().unwrap_or_else(PoisonError::into_inner);
        match checks.get(format) {
            Some(known) => known.clone(),
            None => {
                let schema = serde_json::json!({ "type": "string", "format": format });
                let built = options().build(&schema).ok().map(Arc::new);
                checks.insert(format.to_owned(), built.clone());
                built
            }
        }
    };
    validator.is_none_or(|validator| validator.is_valid(&Value::String(value.to_owned())))
}

fn is_uuid(value: &str) -> bool {
    has_format("uuid", value)
}

impl IdentifierKind {
    /// Why `value` looks like the wrong kind of identifier, if it does: Flameup's person UUID
    /// and your own id (userId) are easy to swap, and the API answers a swapped one with a bare
    /// 404. An empty value is not judged here (a path needs one, a body's schema says).
    /// Workspace and campaign ids are only required: the docs show examples (`ws_abc123`,
    /// `camp_…`) but no rule, so anything else would over-warn.
    pub fn check(&self, value: &str) -> Option<&'static str> {
        if value.is_empty() {
            return None;
        }
        match self {
            Self::PersonUuid => (!is_uuid(value)).then_some(
                "Flameup's id of the person is a UUID; this looks like your own id (userId) \
                 — use the UUID the create answered as `id`",
            ),
            Self::ExternalId => is_uuid(value)
                .then_some("This looks like Flameup's UUID; your own id (userId) goes here"),
            Self::ExternalIdOrEmail => is_uuid(value).then_some(
                "This looks like Flameup's UUID; your own id (userId) or the email goes here",
            ),
            Self::ExternalIdOrPersonUuid | Self::WorkspaceId | Self::CampaignId => None,
        }
    }
}

impl PathParam {
    /// What is wrong with this value for the path: empty ("Required": a path cannot leave it
    /// out), or an identifier of the wrong kind.
    pub fn check(&self, value: &str) -> Vec<String> {
        if value.is_empty() {
            return vec![REQUIRED.to_owned()];
        }
        self.identifier
            .check(value)
            .map(str::to_owned)
            .into_iter()
            .collect()
    }
}

impl QueryParam {
    /// What is wrong with this value as typed for the query string. An empty optional value is
    /// left out of the URL, so it is fine; an empty required one is "Required".
    pub fn check(&self, value: &str) -> Vec<String> {
        if value.is_empty() {
            return if self.required {
                vec![REQUIRED.to_owned()]
            } else {
                Vec::new()
            };
        }
        self.kind.check(value)
    }

    /// What is wrong with a value a query string holds, even an empty one: a server judges
    /// what was sent (`email=` is an empty email address), where the form leaves it out.
    pub fn check_sent(&self, value: &str) -> Vec<String> {
        self.kind.check(value)
    }
}

impl ParamKind {
    /// What is wrong with a non-empty value of this kind, in the words a body finding uses.
    fn check(&self, value: &str) -> Vec<String> {
        match self {
            Self::String { format } => format
                .as_deref()
                .filter(|format| !has_format(format, value))
                .map(format_message)
                .into_iter()
                .collect(),
            Self::Integer { minimum, maximum } => integer_findings(value, *minimum, *maximum),
            Self::Number if !is_json_number(value) => {
                vec![type_message(&TypeKind::Single(JsonType::Number))]
            }
            Self::Boolean if value != "true" && value != "false" => {
                vec![type_message(&TypeKind::Single(JsonType::Boolean))]
            }
            Self::Enum(options) if !options.iter().any(|option| option == value) => {
                vec![one_of(options.iter())]
            }
            Self::Number | Self::Boolean | Self::Enum(_) => Vec::new(),
        }
    }
}

/// A whole number in a query is an optional minus and digits (a `+` would arrive as a space);
/// one too big for any integer type is past every bound on its side, not "not a number".
fn integer_findings(value: &str, minimum: Option<i64>, maximum: Option<i64>) -> Vec<String> {
    let negative = value.starts_with('-');
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return vec![type_message(&TypeKind::Single(JsonType::Integer))];
    }
    let saturated = if negative { i128::MIN } else { i128::MAX };
    let number = value.parse::<i128>().unwrap_or(saturated);
    let mut findings = Vec::new();
    if let Some(minimum) = minimum
        && number < i128::from(minimum)
    {
        findings.push(at_least(minimum));
    }
    if let Some(maximum) = maximum
        && number > i128::from(maximum)
    {
        findings.push(at_most(maximum));
    }
    findings
}

/// JSON's number syntax (no `+`, `inf` or `NaN`), as the API reads a number.
fn is_json_number(value: &str) -> bool {
    value.trim() == value && value.parse::<serde_json::Number>().is_ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use serde_json::json;

    use super::*;
    use crate::contract::embedded;

    fn operation(id: &str) -> &'static Operation {
        embedded()
            .expect("the embedded contract parses")
            .operation(id)
            .unwrap_or_else(|| panic!("the contract has {id}"))
    }

    fn example(id: &str) -> Value {
        operation(id)
            .body
            .as_ref()
            .and_then(|body| body.example.clone())
            .unwrap_or_else(|| panic!("{id} has an example body"))
    }

    /// The findings as (path, kind, message), for whole-list comparisons.
    fn findings(id: &str, body: &Value) -> Vec<(String, FindingKind, String)> {
        operation(id)
            .check_body(body)
            .into_iter()
            .map(|finding| (finding.instance_path, finding.kind, finding.message))
            .collect()
    }

    fn one(path: &str, kind: FindingKind, message: &str) -> Vec<(String, FindingKind, String)> {
        vec![(path.to_owned(), kind, message.to_owned())]
    }

    fn path_param(operation_id: &str, name: &str) -> &'static PathParam {
        operation(operation_id)
            .path_params
            .iter()
            .find(|param| param.name == name)
            .unwrap_or_else(|| panic!("{operation_id} has path parameter {name}"))
    }

    fn query_param(operation_id: &str, name: &str) -> &'static QueryParam {
        operation(operation_id)
            .query_params
            .iter()
            .find(|param| param.name == name)
            .unwrap_or_else(|| panic!("{operation_id} has query parameter {name}"))
    }

    const UUID: &str = "123e4567-e89b-12d3-a456-426614174000";

    #[test]
    fn every_body_schema_compiles_and_every_docs_example_is_clean() {
        let contract = embedded().expect("the embedded contract parses");
        let mut examples = 0;
        for operation in contract.operations() {
            assert_eq!(operation.prepare_body_check(), Ok(()), "{}", operation.id);
            if let Some(example) = operation
                .body
                .as_ref()
                .and_then(|body| body.example.as_ref())
            {
                assert_eq!(operation.check_body(example), [], "{}", operation.id);
                examples += 1;
            }
        }
        assert!(examples >= 10, "only {examples} examples were checked");
    }

    #[test]
    fn the_compiled_schema_is_kept_for_the_next_check() {
        let contract = crate::contract::Contract::parse(crate::contract::DOCUMENT).unwrap();
        let create = contract.operation("createPerson").unwrap();
        let body = create.body.as_ref().unwrap();
        assert!(body.compiled.0.get().is_none(), "compiled before any check");
        create.check_body(&json!({}));
        let first = Arc::clone(body.compiled.0.get().expect("compiled by the check"));
        create.check_body(&json!({"userId": "u"}));
        let second = body.compiled.0.get().unwrap();
        assert!(Arc::ptr_eq(&first, second), "compiled again");
    }

    #[test]
    fn an_operation_without_a_body_has_nothing_to_find() {
        assert_eq!(findings("getPerson", &json!({"anything": 1})), []);
        assert_eq!(operation("getPerson").prepare_body_check(), Ok(()));
    }

    #[test]
    fn create_person_user_id_too_long_in_characters() {
        let mut body = example("createPerson");
        body["userId"] = json!("é".repeat(255));
        assert_eq!(findings("createPerson", &body), []);
        body["userId"] = json!("é".repeat(256));
        assert_eq!(
            findings("createPerson", &body),
            one(
                "/userId",
                FindingKind::TooLong,
                "At most 255 characters (this has 256)"
            )
        );
    }

    #[test]
    fn create_person_empty_user_id_is_too_short() {
        assert_eq!(
            findings("createPerson", &json!({"userId": ""})),
            one(
                "/userId",
                FindingKind::TooShort,
                "At least 1 character (this has 0)"
            )
        );
    }

    #[test]
    fn a_missing_required_property_points_at_itself() {
        let mut body = example("createPerson");
        body.as_object_mut().unwrap().remove("userId");
        assert_eq!(
            findings("createPerson", &body),
            one("/userId", FindingKind::Required, "Required")
        );
        let batch = json!({"people": [{"userId": "a"}, {"email": "b@example.com"}]});
        assert_eq!(
            findings("batchPeople", &batch),
            one("/people/1/userId", FindingKind::Required, "Required")
        );
    }

    #[test]
    fn create_person_bad_email() {
        let mut body = example("createPerson");
        body["email"] = json!("not-an-email");
        assert_eq!(
            findings("createPerson", &body),
            one("/email", FindingKind::Format, "Not a valid email address")
        );
        // Display text is valid RFC 5322 but not an address a person has; the sandbox agrees.
        body["email"] = json!("Ada <ada@example.com>");
        assert_eq!(
            findings("createPerson", &body),
            one("/email", FindingKind::Format, "Not a valid email address")
        );
    }

    #[test]
    fn batch_people_more_than_a_hundred() {
        let person = |index: usize| json!({"userId": format!("user_{index}")});
        let hundred: Vec<Value> = (0..100).map(person).collect();
        assert_eq!(findings("batchPeople", &json!({ "people": hundred })), []);
        let too_many: Vec<Value> = (0..101).map(person).collect();
        assert_eq!(
            findings("batchPeople", &json!({ "people": too_many })),
            one(
                "/people",
                FindingKind::TooManyItems,
                "At most 100 items (this has 101)"
            )
        );
    }

    #[test]
    fn batch_people_item_bad_email_points_into_the_item() {
        let body = json!({"people": [
            {"userId": "a", "email": "a@example.com"},
            {"userId": "b"},
            {"userId": "c", "email": "c-at-example"},
        ]});
        assert_eq!(
            findings("batchPeople", &body),
            one(
                "/people/2/email",
                FindingKind::Format,
                "Not a valid email address"
            )
        );
    }

    #[test]
    fn register_device_platform_outside_the_enum() {
        let mut body = example("registerDevice");
        body["platform"] = json!("windows");
        assert_eq!(
            findings("registerDevice", &body),
            one("/platform", FindingKind::Enum, "One of: ios, android")
        );
    }

    #[test]
    fn send_push_person_id_not_a_uuid_is_one_identifier_finding() {
        let mut body = example("sendPush");
        body["person_id"] = json!("user_1");
        let found = findings("sendPush", &body);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "/person_id");
        assert_eq!(found[0].1, FindingKind::Identifier);
        assert!(found[0].2.contains("is a UUID"), "{}", found[0].2);
        // Empty is not an identifier of the wrong kind, but it is still not a UUID.
        body["person_id"] = json!("");
        assert_eq!(
            findings("sendPush", &body),
            one("/person_id", FindingKind::Format, "Not a UUID")
        );
    }

    #[test]
    fn track_event_external_id_given_a_uuid_is_warned() {
        let mut body = example("trackEvent");
        body["external_id"] = json!(UUID);
        let found = findings("trackEvent", &body);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "/external_id");
        assert_eq!(found[0].1, FindingKind::Identifier);
        assert!(
            found[0].2.contains("looks like Flameup's UUID"),
            "{}",
            found[0].2
        );
    }

    #[test]
    fn identifiers_inside_arrays_are_checked_item_by_item() {
        let body = json!({"people": [{"userId": "mine"}, {"userId": UUID}]});
        let found = findings("batchPeople", &body);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "/people/1/userId");
        assert_eq!(found[0].1, FindingKind::Identifier);
    }

    #[test]
    fn transactional_user_id_takes_either_kind() {
        let mut body = example("sendWorkspaceTransactional");
        for user_id in ["user_1", UUID] {
            body["user_id"] = json!(user_id);
            assert_eq!(
                findings("sendWorkspaceTransactional", &body),
                [],
                "{user_id}"
            );
        }
    }

    #[test]
    fn a_well_known_trait_of_the_wrong_type() {
        let body = json!({"userId": "u", "traits": {"first_name": 7, "plan": 7}});
        assert_eq!(
            findings("createPerson", &body),
            one(
                "/traits/first_name",
                FindingKind::Type,
                "Must be text or null"
            )
        );
    }

    #[test]
    fn numbers_keep_their_text_through_the_bounds() {
        let mut body = example("sendPush");
        body["ttl"] = json!(-1);
        assert_eq!(
            findings("sendPush", &body),
            one("/ttl", FindingKind::Range, "At least 0")
        );
        body["ttl"] = json!(1.5);
        assert_eq!(
            findings("sendPush", &body),
            one("/ttl", FindingKind::Type, "Must be a whole number")
        );
        body["ttl"] = serde_json::from_str("123456789012345678901234567890").unwrap();
        assert_eq!(findings("sendPush", &body), []);
    }

    #[test]
    fn a_body_that_is_not_an_object() {
        assert_eq!(
            findings("createPerson", &json!([1])),
            one("", FindingKind::Type, "Must be an object")
        );
    }

    #[test]
    fn the_contracts_own_keywords_do_not_upset_the_validator() {
        // userId is `deprecated` on /track and every schema carries x-flameup-* notes.
        let body = json!({"external_id": "u", "userId": "u", "event": "signed_up"});
        assert_eq!(findings("trackEvent", &body), []);
        let mut late = body.clone();
        late["timestamp"] = json!("yesterday");
        assert_eq!(
            findings("trackEvent", &late),
            one(
                "/timestamp",
                FindingKind::Format,
                "Not a date and time such as 2024-05-01T09:30:00Z (RFC 3339)"
            )
        );
    }

    #[test]
    fn a_json_pointer_escapes_keys() {
        let mut pointer = String::new();
        push_escaped(&mut pointer, "a/b~c");
        assert_eq!(pointer, "a~1b~0c");
    }

    #[test]
    fn list_people_limit() {
        let limit = query_param("listPeople", "limit");
        assert_eq!(limit.check("5"), Vec::<String>::new());
        assert_eq!(limit.check("1"), Vec::<String>::new());
        assert_eq!(limit.check("100"), Vec::<String>::new());
        assert_eq!(limit.check("0"), ["At least 1"]);
        assert_eq!(limit.check("101"), ["At most 100"]);
        assert_eq!(limit.check("-3"), ["At least 1"]);
        assert_eq!(limit.check("abc"), ["Must be a whole number"]);
        assert_eq!(limit.check("5.0"), ["Must be a whole number"]);
        assert_eq!(limit.check(" 5"), ["Must be a whole number"]);
        assert_eq!(limit.check("-"), ["Must be a whole number"]);
        assert_eq!(
            limit.check("99999999999999999999999999999999999999999"),
            ["At most 100"]
        );
        // Optional and empty: left out of the URL.
        assert_eq!(limit.check(""), Vec::<String>::new());
    }

    #[test]
    fn list_people_offset_has_no_maximum() {
        let offset = query_param("listPeople", "offset");
        assert_eq!(
            offset.check("99999999999999999999999"),
            Vec::<String>::new()
        );
        assert_eq!(offset.check("-1"), ["At least 0"]);
    }

    #[test]
    fn list_people_status_enum() {
        let status = query_param("listPeople", "status");
        assert_eq!(status.check("active"), Vec::<String>::new());
        assert_eq!(
            status.check("gone"),
            ["One of: active, unsubscribed, bounced"]
        );
    }

    #[test]
    fn query_booleans_and_formats() {
        let is_active = query_param("listWorkspaceDevices", "is_active");
        assert_eq!(is_active.check("true"), Vec::<String>::new());
        assert_eq!(is_active.check("false"), Vec::<String>::new());
        assert_eq!(is_active.check("yes"), ["Must be true or false"]);
        let person_id = query_param("listWorkspaceDevices", "person_id");
        assert_eq!(person_id.check(UUID), Vec::<String>::new());
        assert_eq!(person_id.check("user_1"), ["Not a UUID"]);
        let email = query_param("searchWorkspacePeople", "email");
        assert_eq!(email.check("ada@example.com"), Vec::<String>::new());
        assert_eq!(email.check("ada"), ["Not a valid email address"]);
        let since = query_param("listWorkspaceEvents", "since");
        assert_eq!(since.check("2024-05-01T09:30:00Z"), Vec::<String>::new());
        assert_eq!(
            since.check("2024-05-01T09:30:00+02:00"),
            Vec::<String>::new()
        );
        assert_eq!(
            since.check("2024-05-01"),
            ["Not a date and time such as 2024-05-01T09:30:00Z (RFC 3339)"]
        );
    }

    #[test]
    fn query_numbers_and_required_values() {
        let number = QueryParam {
            name: "ratio".into(),
            description: String::new(),
            required: true,
            kind: ParamKind::Number,
            example: None,
        };
        assert_eq!(number.check(""), ["Required"]);
        assert_eq!(number.check("1.5e3"), Vec::<String>::new());
        assert_eq!(number.check("-0"), Vec::<String>::new());
        for bad in ["NaN", "inf", "+1", "1.", " 1", "one"] {
            assert_eq!(number.check(bad), ["Must be a number"], "{bad}");
        }
    }

    #[test]
    fn a_path_value_is_required() {
        assert_eq!(path_param("getPerson", "id").check(""), ["Required"]);
        assert_eq!(
            path_param("getWorkspacePerson", "workspaceId").check(""),
            ["Required"]
        );
    }

    #[test]
    fn get_person_id_given_a_uuid_is_warned() {
        let id = path_param("getPerson", "id");
        assert_eq!(id.check("user_1"), Vec::<String>::new());
        assert_eq!(id.check("ada@example.com"), Vec::<String>::new());
        assert_eq!(
            id.check(UUID),
            ["This looks like Flameup's UUID; your own id (userId) or the email goes here"]
        );
    }

    #[test]
    fn get_workspace_person_id_wants_a_uuid() {
        let person_id = path_param("getWorkspacePerson", "personId");
        assert_eq!(person_id.check(UUID), Vec::<String>::new());
        assert_eq!(
            person_id.check("user_1"),
            [
                "Flameup's id of the person is a UUID; this looks like your own id (userId) \
                 — use the UUID the create answered as `id`"
            ]
        );
    }

    #[test]
    fn workspace_and_campaign_ids_are_only_required() {
        for value in ["ws_abc123", "anything at all", UUID] {
            assert_eq!(
                path_param("getWorkspacePerson", "workspaceId").check(value),
                Vec::<String>::new()
            );
            assert_eq!(
                path_param("triggerWorkspaceCampaign", "campaignId").check(value),
                Vec::<String>::new()
            );
        }
    }

    #[test]
    fn identifier_kinds() {
        assert_eq!(IdentifierKind::ExternalIdOrPersonUuid.check(UUID), None);
        assert_eq!(IdentifierKind::ExternalIdOrPersonUuid.check("user_1"), None);
        assert!(IdentifierKind::ExternalId.check(UUID).is_some());
        assert_eq!(IdentifierKind::ExternalId.check("user_1"), None);
        assert!(IdentifierKind::PersonUuid.check("user_1").is_some());
        assert_eq!(IdentifierKind::PersonUuid.check(""), None);
    }

    #[test]
    fn type_messages_read_as_words() {
        let set = |types: &[&str]| {
            let schema = json!({ "type": types });
            let validator = options().build(&schema).unwrap();
            let empty_object = json!({});
            let error = validator.iter_errors(&empty_object).next().unwrap();
            describe(&error).1
        };
        assert_eq!(set(&["string", "null"]), "Must be text or null");
        assert_eq!(set(&["integer", "number"]), "Must be a number");
        assert_eq!(set(&["boolean"]), "Must be true or false");
        assert_eq!(set(&["array", "string"]), "Must be text or a list");
    }
}
