//! Deviations from the contract on purpose (`--drift`), so the check of answers against the docs
//! can be seen to work. Applied to success answers only, the same way every time, so a test (or
//! a user) can name exactly what drifted:
//!
//! - `missing-field`: the first property the answer's schema requires is left out;
//! - `wrong-type`: the first documented property the answer has (schema order) becomes `true`,
//!   or the text `"drifted"` where the docs allow a boolean;
//! - `renamed-field`: the first documented property the answer has (schema order) is renamed:
//!   `snake_case` to `camelCase` (`workspace_id` → `workspaceId`), a name without `_` gets a
//!   capital (`id` → `Id`);
//! - `extra-field`: `sandbox_drift` is added;
//! - `undocumented-status`: the status becomes a 2xx the operation does not document (202).
//!
//! Kinds combine: each field kind takes the first property no earlier kind touched, in the
//! order above. An answer with no body, or whose schema documents no property, keeps what the
//! field kinds cannot change.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::operations::Answer;
use crate::contract::Operation;

/// The undocumented field `extra-field` adds.
pub const EXTRA_FIELD: &str = "sandbox_drift";

/// The statuses `undocumented-status` picks from: the first the operation does not document.
const UNDOCUMENTED_STATUSES: [u16; 3] = [202, 203, 299];

/// One way of deviating from the contract, as `--drift` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum DriftKind {
    /// An undocumented field added to every JSON object answer.
    ExtraField,
    /// The first field the answer's schema requires, left out.
    MissingField,
    /// The first documented field's value, of another JSON type.
    WrongType,
    /// The first documented field, renamed: snake_case to camelCase, or capitalised (id → Id).
    RenamedField,
    /// A 2xx status the operation does not document.
    UndocumentedStatus,
}

impl DriftKind {
    /// The name `--drift` takes, e.g. `missing-field`.
    pub fn name(self) -> &'static str {
        match self {
            Self::ExtraField => "extra-field",
            Self::MissingField => "missing-field",
            Self::WrongType => "wrong-type",
            Self::RenamedField => "renamed-field",
            Self::UndocumentedStatus => "undocumented-status",
        }
    }
}

/// Which drifts are on. Persisted as one switch per kind, so a saved state from a version with
/// other kinds still loads (unknown switches are ignored, missing ones are off).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Drift {
    pub extra_field: bool,
    pub missing_field: bool,
    pub wrong_type: bool,
    pub renamed_field: bool,
    pub undocumented_status: bool,
}

impl Drift {
    /// Every kind, in the order they are applied.
    pub const KINDS: [DriftKind; 5] = [
        DriftKind::MissingField,
        DriftKind::WrongType,
        DriftKind::RenamedField,
        DriftKind::ExtraField,
        DriftKind::UndocumentedStatus,
    ];

    /// The kinds given on, the others off.
    pub fn of(kinds: &[DriftKind]) -> Self {
        let mut drift = Self::default();
        for kind in kinds {
            *drift.switch(*kind) = true;
        }
        drift
    }

    /// The switch of `kind`, to read or flip.
    pub fn switch(&mut self, kind: DriftKind) -> &mut bool {
        match kind {
            DriftKind::ExtraField => &mut self.extra_field,
            DriftKind::MissingField => &mut self.missing_field,
            DriftKind::WrongType => &mut self.wrong_type,
            DriftKind::RenamedField => &mut self.renamed_field,
            DriftKind::UndocumentedStatus => &mut self.undocumented_status,
        }
    }

    pub fn has(mut self, kind: DriftKind) -> bool {
        *self.switch(kind)
    }

    pub fn is_off(self) -> bool {
        self == Self::default()
    }

    /// `answer` of `operation`, drifted. Error answers are left as they are.
    pub(crate) fn apply(self, operation: &Operation, mut answer: Answer) -> Answer {
        if self.is_off() || !(200..300).contains(&answer.status) {
            return answer;
        }
        let schema = answer_schema(operation, answer.status);
        if let (Some(Value::Object(body)), Some(schema)) = (answer.body.as_mut(), schema) {
            self.drift_fields(schema, body);
        }
        if self.undocumented_status
            && let Some(status) = UNDOCUMENTED_STATUSES
                .into_iter()
                .find(|status| !operation.responses.contains_key(&status.to_string()))
        {
            answer.status = status;
        }
        answer
    }

    fn drift_fields(self, schema: &Value, body: &mut Map<String, Value>) {
        let mut touched: Vec<String> = Vec::new();
        if self.missing_field
            && let Some(name) = first_required(schema, body)
        {
            body.remove(&name);
            touched.push(name);
        }
        if self.wrong_type
            && let Some((name, wrong)) = first_documented(schema, body, &touched).and_then(|name| {
                wrong_value(&schema["properties"][&name]).map(|wrong| (name, wrong))
            })
        {
            body.insert(name.clone(), wrong);
            touched.push(name);
        }
        if self.renamed_field
            && let Some(name) = first_documented(schema, body, &touched)
        {
            let renamed = renamed(&name);
            rename(body, &name, &renamed);
            touched.push(renamed);
        }
        if self.extra_field {
            body.insert(
                EXTRA_FIELD.to_owned(),
                Value::String("not in the docs (--drift extra-field)".to_owned()),
            );
        }
    }
}

/// The JSON schema of the answer `operation` documents for `status`.
pub fn answer_schema(operation: &Operation, status: u16) -> Option<&Value> {
    operation
        .responses
        .get(&status.to_string())?
        .pointer("/content/application~1json/schema")
}

fn first_required(schema: &Value, body: &Map<String, Value>) -> Option<String> {
    schema
        .get("required")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .find(|name| body.contains_key(*name))
        .map(str::to_owned)
}

/// The first property of `schema` (in its order) the body has and no other drift touched.
fn first_documented(
    schema: &Value,
    body: &Map<String, Value>,
    touched: &[String],
) -> Option<String> {
    schema
        .get("properties")?
        .as_object()?
        .keys()
        .find(|name| body.contains_key(*name) && !touched.contains(name))
        .cloned()
}

/// A value of a JSON type `property` does not allow: `true`, else `"drifted"`. `None` when the
/// property allows any type.
fn wrong_value(property: &Value) -> Option<Value> {
    let types: Vec<&str> = match property.get("type")? {
        Value::String(single) => vec![single.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    if types.contains(&"boolean") {
        (!types.contains(&"string")).then(|| Value::String("drifted".to_owned()))
    } else {
        Some(Value::Bool(true))
    }
}

/// `snake_case` → `camelCase`; a name without `_` gets a capital first letter.
fn renamed(name: &str) -> String {
    if name.contains('_') {
        let mut parts = name.split('_');
        let first = parts.next().unwrap_or_default().to_owned();
        parts.fold(first, |camel, part| camel + &capitalised(part))
    } else {
        capitalised(name)
    }
}

fn capitalised(word: &str) -> String {
    let mut characters = word.chars();
    characters.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(characters).collect()
    })
}

/// Renames `from` to `to`, keeping its place among the fields.
fn rename(body: &mut Map<String, Value>, from: &str, to: &str) {
    let fields = std::mem::take(body);
    *body = fields
        .into_iter()
        .map(|(key, value)| {
            if key == from {
                (to.to_owned(), value)
            } else {
                (key, value)
            }
        })
        .collect();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use serde_json::json;

    use super::*;

    fn operation(id: &str) -> &'static Operation {
        crate::contract::embedded().unwrap().operation(id).unwrap()
    }

    fn person() -> Value {
        operation("getPerson").responses["200"]["content"]["application/json"]["schema"]["example"]
            .clone()
    }

    fn drifted(kinds: &[DriftKind], id: &str, status: u16, body: Value) -> Answer {
        Drift::of(kinds).apply(operation(id), Answer::json(status, body))
    }

    #[test]
    fn names_are_renamed_to_camel_case_or_capitalised() {
        assert_eq!(renamed("external_id"), "externalId");
        assert_eq!(renamed("created_at_utc"), "createdAtUtc");
        assert_eq!(renamed("id"), "Id");
        assert_eq!(renamed("people"), "People");
    }

    #[test]
    fn each_kind_changes_exactly_one_thing_of_a_person() {
        let original = person();
        let missing = drifted(
            &[DriftKind::MissingField],
            "getPerson",
            200,
            original.clone(),
        );
        assert_eq!(missing.status, 200);
        let mut expected = original.clone();
        expected.as_object_mut().unwrap().remove("id");
        assert_eq!(missing.body, Some(expected));

        let wrong = drifted(&[DriftKind::WrongType], "getPerson", 200, original.clone());
        assert_eq!(wrong.body.unwrap()["id"], true);

        let renamed = drifted(
            &[DriftKind::RenamedField],
            "getPerson",
            200,
            original.clone(),
        );
        let body = renamed.body.unwrap();
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys[0], "Id", "renamed in place");
        assert_eq!(body["Id"], original["id"]);

        let extra = drifted(&[DriftKind::ExtraField], "getPerson", 200, original.clone());
        assert!(extra.body.unwrap()[EXTRA_FIELD].is_string());

        let status = drifted(
            &[DriftKind::UndocumentedStatus],
            "getPerson",
            200,
            original.clone(),
        );
        assert_eq!((status.status, status.body), (202, Some(original)));
    }

    #[test]
    fn combined_kinds_touch_different_fields() {
        let answer = drifted(
            &[
                DriftKind::MissingField,
                DriftKind::WrongType,
                DriftKind::RenamedField,
            ],
            "getPerson",
            200,
            person(),
        )
        .body
        .unwrap();
        assert!(answer.get("id").is_none());
        assert_eq!(answer["workspace_id"], true);
        assert!(answer.get("externalId").is_some());
        assert!(answer.get("external_id").is_none());
    }

    #[test]
    fn errors_and_bodiless_answers_are_left_alone() {
        let every = Drift::KINDS;
        let error = json!({"error": "Not Found", "message": "m"});
        assert_eq!(
            drifted(&every, "getPerson", 404, error.clone()),
            Answer::json(404, error)
        );
        let deleted = Drift::of(&every).apply(operation("deletePerson"), Answer::empty(204));
        assert_eq!(deleted, Answer::empty(202));
    }

    #[test]
    fn a_boolean_field_becomes_text() {
        let answer = drifted(
            &[DriftKind::WrongType],
            "trackEvent",
            200,
            json!({"success": true, "event_id": "evt_1"}),
        );
        assert_eq!(answer.body.unwrap()["success"], "drifted");
    }

    #[test]
    fn names_are_the_command_lines() {
        use clap::ValueEnum as _;
        for kind in Drift::KINDS {
            let possible = kind.to_possible_value().unwrap();
            assert_eq!(possible.get_name(), kind.name());
        }
    }

    #[test]
    fn saved_switches_of_unknown_kinds_are_ignored() {
        let drift: Drift =
            serde_json::from_str(r#"{"wrong_type": true, "teleported_field": true}"#).unwrap();
        assert_eq!(drift, Drift::of(&[DriftKind::WrongType]));
    }
}
