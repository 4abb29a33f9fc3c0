//! One person checked against the contract before anything is sent: the batch operation's item
//! schema, by the very validator the form's lint uses (`Operation::check_body`). The person is
//! checked as the only item of a batch body, and each finding is placed back on the person.

use serde_json::{Map, Value};

use crate::contract::{self, FindingKind, Operation};

/// The batch operation of the key-scoped API.
pub const BATCH: &str = "batchPeople";

/// The batch operation of a workspace.
pub const WORKSPACE_BATCH: &str = "batchWorkspacePeople";

/// The body field that holds a batch's people.
pub const PEOPLE: &str = "people";

/// Where a batch body's single item sits, as a JSON Pointer.
const ONLY_ITEM: &str = "/people/0";

/// The field every person is identified by, and that the batch upserts on.
const ID_FIELD: &str = "userId";

/// One way a person breaks the contract: where in the person (a JSON Pointer; `""` is the
/// whole person) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub pointer: String,
    pub message: String,
}

/// Checks people for one batch operation. Cheap to share: the compiled schema lives in the
/// embedded contract.
#[derive(Clone, Copy, Debug)]
pub struct PersonCheck {
    operation: &'static Operation,
}

impl PersonCheck {
    /// The check for `batchWorkspacePeople` when `workspace`, else `batchPeople`; the schema is
    /// compiled here, once.
    pub fn new(workspace: bool) -> Result<Self, String> {
        let id = if workspace { WORKSPACE_BATCH } else { BATCH };
        let contract = contract::embedded()
            .map_err(|err| format!("the built-in contract cannot be read: {err}"))?;
        let operation = contract
            .operation(id)
            .ok_or_else(|| format!("the built-in contract has no {id} operation"))?;
        operation
            .prepare_body_check()
            .map_err(|why| format!("the contract's {id} body cannot be checked: {why}"))?;
        Ok(Self { operation })
    }

    /// The batch operation people are sent with.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The schema of one person in the batch.
    pub fn item_schema(&self) -> Option<&'static Value> {
        self.operation
            .body
            .as_ref()?
            .schema
            .pointer("/properties/people/items")
    }

    /// The top-level fields the item schema names, in its order (`userId`, `email`, …).
    pub fn top_level_fields(&self) -> impl Iterator<Item = &'static str> {
        self.item_schema()
            .and_then(|schema| schema.get("properties"))
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|properties| properties.keys().map(String::as_str))
    }

    /// The field that identifies a person.
    pub fn id_field(&self) -> &'static str {
        ID_FIELD
    }

    /// Every way `person` breaks the item schema, with the person handed back. A hint that a
    /// userId looks like Flameup's UUID is left out: the contract allows it, and plenty of
    /// systems use UUIDs as their own ids.
    pub fn findings(&self, person: Value) -> (Value, Vec<Finding>) {
        let mut body = Map::new();
        body.insert(PEOPLE.to_owned(), Value::Array(vec![person]));
        let body = Value::Object(body);
        let findings = self
            .operation
            .check_body(&body)
            .into_iter()
            .filter(|finding| finding.kind != FindingKind::Identifier)
            .filter_map(|finding| {
                let pointer = finding.instance_path.strip_prefix(ONLY_ITEM)?;
                Some(Finding {
                    pointer: pointer.to_owned(),
                    message: finding.message,
                })
            })
            .collect();
        (only_item(body), findings)
    }
}

/// The single person of a one-item batch body, taken back out without a copy.
fn only_item(body: Value) -> Value {
    match body {
        Value::Object(mut body) => match body.remove(PEOPLE) {
            Some(Value::Array(mut people)) => people.pop().unwrap_or(Value::Null),
            _ => Value::Null,
        },
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn findings(workspace: bool, person: Value) -> Vec<(String, String)> {
        let check = PersonCheck::new(workspace).unwrap();
        let (back, findings) = check.findings(person.clone());
        assert_eq!(back, person, "the person comes back as it went in");
        findings
            .into_iter()
            .map(|finding| (finding.pointer, finding.message))
            .collect()
    }

    #[test]
    fn a_person_is_checked_against_the_batch_item_schema() {
        assert_eq!(findings(false, json!({"userId": "ada"})), []);
        let mut found = findings(false, json!({"email": "nope", "traits": {"first_name": 3}}));
        found.sort();
        assert_eq!(
            found,
            [
                ("/email".to_owned(), "Not a valid email address".to_owned()),
                (
                    "/traits/first_name".to_owned(),
                    "Must be text or null".to_owned()
                ),
                ("/userId".to_owned(), "Required".to_owned()),
            ]
        );
        assert_eq!(
            findings(false, json!([1])),
            [(String::new(), "Must be an object".to_owned())]
        );
    }

    #[test]
    fn a_uuid_as_user_id_is_not_a_finding() {
        assert_eq!(
            findings(
                false,
                json!({"userId": "123e4567-e89b-12d3-a456-426614174000"})
            ),
            []
        );
    }

    #[test]
    fn the_fields_come_from_the_operation_schema() {
        let key: Vec<&str> = PersonCheck::new(false)
            .unwrap()
            .top_level_fields()
            .collect();
        assert!(key.contains(&"phone") && key.contains(&"traits"), "{key:?}");
        let workspace: Vec<&str> = PersonCheck::new(true).unwrap().top_level_fields().collect();
        assert!(!workspace.contains(&"phone"), "{workspace:?}");
    }
}
