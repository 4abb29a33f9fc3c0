//! Links between answers and requests: the identifiers an answer holds (Flameup's UUID of a
//! person, your own id of them), and the operations that can take one next, with the input each
//! goes into. The kinds come from the contract (`x-flameup-identifier` on the answer's schema and
//! on each operation's parameters and body fields): nothing here is written per operation.

use serde_json::Value;

use super::form::{Shape, pointer_child};
use crate::contract::{Contract, IdentifierKind, Operation};

/// Marks an identifier field that names what the request creates (`x-flameup-defines`): a
/// create's `userId` is the new person's id, not a reference to an existing person.
const DEFINES: &str = "x-flameup-defines";

/// An identifier found in an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub kind: IdentifierKind,
    pub value: String,
    /// Where in the answer, as a JSON Pointer.
    pub at: String,
}

/// The identifiers in `answer`, by the kinds its documented schema marks, at any depth.
pub fn identifiers_in(schema: &Value, answer: &Value) -> Vec<Found> {
    let mut found = Vec::new();
    walk(schema, answer, "", &mut found);
    found
}

fn walk(schema: &Value, answer: &Value, at: &str, found: &mut Vec<Found>) {
    if let (Some(kind), Value::String(value)) = (identifier_kind(schema), answer)
        && !value.is_empty()
    {
        found.push(Found {
            kind,
            value: value.clone(),
            at: at.to_owned(),
        });
        return;
    }
    match (Shape::of(schema), answer) {
        (Shape::Object { properties, .. }, Value::Object(object)) => {
            for (name, property) in properties {
                if let Some(value) = object.get(name) {
                    walk(property, value, &pointer_child(at, name), found);
                }
            }
        }
        (Shape::List(items), Value::Array(values)) => {
            for (index, value) in values.iter().enumerate() {
                walk(items, value, &pointer_child(at, &index.to_string()), found);
            }
        }
        _ => {}
    }
}

fn identifier_kind(schema: &Value) -> Option<IdentifierKind> {
    IdentifierKind::from_name(schema.get("x-flameup-identifier")?.as_str()?)
}

/// Whether a value of kind `value` can go where `wanted` is asked for.
pub fn fits(wanted: IdentifierKind, value: IdentifierKind) -> bool {
    use IdentifierKind::{
        CampaignId, ExternalId, ExternalIdOrEmail, ExternalIdOrPersonUuid, PersonUuid, WorkspaceId,
    };
    match wanted {
        PersonUuid => value == PersonUuid,
        ExternalId | ExternalIdOrEmail => value == ExternalId,
        ExternalIdOrPersonUuid => matches!(value, ExternalId | PersonUuid),
        WorkspaceId => value == WorkspaceId,
        CampaignId => value == CampaignId,
    }
}

/// Where a value goes in an operation's form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// A path value, by the parameter's name.
    Path(String),
    /// A query value, by the parameter's name.
    Query(String),
    /// A body input, by its JSON Pointer.
    Body(String),
}

impl Slot {
    /// As the form names the input: `personId`, `limit`, `traits.first_name`.
    pub fn label(&self) -> String {
        match self {
            Self::Path(name) | Self::Query(name) => name.clone(),
            Self::Body(pointer) => super::form::pointer_steps(pointer)
                .collect::<Vec<_>>()
                .join("."),
        }
    }
}

/// Every input of `operation` a single value can go into: its path and query parameters, and
/// its body's typed inputs outside lists (`userId`, `traits.first_name`), in form order.
pub fn inputs_of(operation: &Operation) -> Vec<Slot> {
    let mut slots: Vec<Slot> = operation
        .path_params
        .iter()
        .map(|param| Slot::Path(param.name.clone()))
        .chain(
            operation
                .query_params
                .iter()
                .map(|param| Slot::Query(param.name.clone())),
        )
        .collect();
    if let Some(body) = &operation.body {
        body_inputs(&body.schema, "", &mut slots);
    }
    slots
}

fn body_inputs(schema: &Value, pointer: &str, slots: &mut Vec<Slot>) {
    match Shape::of(schema) {
        Shape::Object { properties, .. } => {
            for (name, property) in properties {
                body_inputs(property, &pointer_child(pointer, name), slots);
            }
        }
        shape if shape.is_input() && !pointer.is_empty() => {
            slots.push(Slot::Body(pointer.to_owned()));
        }
        _ => {}
    }
}

/// A value for one input of the next operation, and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fill {
    pub slot: Slot,
    pub value: String,
    /// The answer's place it was taken from (a JSON Pointer).
    pub from: String,
}

/// An operation that can take an identifier of the answer next, with its inputs filled in.
#[derive(Clone, Debug)]
pub struct Link {
    pub operation: &'static Operation,
    pub fills: Vec<Fill>,
}

/// The inputs of `operation` that take an identifier: its path parameters (but the workspace,
/// which the form carries from one operation to the next) and its top-level body fields marked
/// with a kind.
pub fn identifier_slots(operation: &Operation) -> Vec<(Slot, IdentifierKind)> {
    let path = operation
        .path_params
        .iter()
        .filter(|param| param.identifier != IdentifierKind::WorkspaceId)
        .map(|param| (Slot::Path(param.name.clone()), param.identifier));
    let body = operation
        .body
        .iter()
        .flat_map(|body| match Shape::of(&body.schema) {
            Shape::Object { properties, .. } => properties
                .into_iter()
                // An id that names a new person (a create's userId) takes no existing one.
                .filter(|(_, property)| property.get(DEFINES) != Some(&Value::Bool(true)))
                .filter_map(|(name, property)| {
                    Some((
                        Slot::Body(pointer_child("", name)),
                        identifier_kind(property)?,
                    ))
                })
                .collect(),
            _ => Vec::new(),
        });
    path.chain(body).collect()
}

/// The operations an answer to `answered` can lead to: every other operation whose identifier
/// inputs can all be filled with the answer's top-level identifiers (a person's UUID, their
/// own id), in the contract's order.
pub fn links(contract: &'static Contract, answered: &str, found: &[Found]) -> Vec<Link> {
    let top_level: Vec<&Found> = found
        .iter()
        .filter(|found| found.at.matches('/').count() == 1)
        .collect();
    contract
        .operations()
        .iter()
        .filter(|operation| operation.id != answered)
        .filter_map(|operation| {
            let slots = identifier_slots(operation);
            if slots.is_empty() {
                return None;
            }
            let fills = slots
                .into_iter()
                .map(|(slot, wanted)| {
                    let found = top_level.iter().find(|found| fits(wanted, found.kind))?;
                    Some(Fill {
                        slot,
                        value: found.value.clone(),
                        from: found.at.clone(),
                    })
                })
                .collect::<Option<Vec<Fill>>>()?;
            Some(Link { operation, fills })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn person_answer_schema(contract: &Contract) -> Value {
        let create = contract.operation("createPerson").unwrap();
        create.responses["201"]["content"]["application/json"]["schema"].clone()
    }

    #[test]
    fn a_created_person_leads_to_the_operations_that_take_them() {
        let contract = crate::contract::embedded().unwrap();
        let answer = json!({
            "id": "123e4567-e89b-12d3-a456-426614174000",
            "external_id": "ada",
            "email": "ada@example.com"
        });
        let found = identifiers_in(&person_answer_schema(contract), &answer);
        assert_eq!(
            found
                .iter()
                .map(|f| (f.kind, f.at.as_str()))
                .collect::<Vec<_>>(),
            [
                (IdentifierKind::PersonUuid, "/id"),
                (IdentifierKind::ExternalId, "/external_id")
            ]
        );
        let links = links(contract, "createPerson", &found);
        let by_id = |id: &str| links.iter().find(|link| link.operation.id == id);
        let fill = |id: &str| by_id(id).unwrap().fills[0].clone();
        assert_eq!(fill("getPerson").slot, Slot::Path("id".into()));
        assert_eq!(
            fill("getPerson").value,
            "ada",
            "key-scoped paths take your own id"
        );
        assert_eq!(
            fill("getWorkspacePerson").value,
            answer["id"],
            "workspace paths the UUID"
        );
        assert_eq!(fill("registerDevice").slot, Slot::Path("person_id".into()));
        assert_eq!(fill("sendPush").slot, Slot::Body("/person_id".into()));
        assert_eq!(fill("trackEvent").value, "ada");
        let device_inputs: Vec<String> = inputs_of(contract.operation("registerDevice").unwrap())
            .iter()
            .map(Slot::label)
            .collect();
        assert_eq!(
            device_inputs,
            [
                "person_id",
                "token",
                "platform",
                "device_name",
                "device_model",
                "os_version",
                "app_version"
            ]
        );
        for id in ["updatePerson", "deletePerson", "sendWorkspaceTransactional"] {
            assert!(by_id(id).is_some(), "{id}");
        }
        for id in [
            "createPerson",
            "listPeople",
            "batchPeople",
            "createWorkspacePerson",
        ] {
            assert!(
                by_id(id).is_none(),
                "{id} takes no identifier of an existing person"
            );
        }
    }

    fn answer_schema(contract: &Contract, operation: &str, status: &str) -> Value {
        contract.operation(operation).unwrap().responses[status]["content"]["application/json"]
            ["schema"]
            .clone()
    }

    fn linked(contract: &'static Contract, operation: &str, answer: &Value) -> Vec<Link> {
        let found = identifiers_in(&answer_schema(contract, operation, "201"), answer);
        links(contract, operation, &found)
    }

    #[test]
    fn a_registered_device_leads_to_its_person_by_uuid_only() {
        let contract = crate::contract::embedded().unwrap();
        let uuid = "123e4567-e89b-12d3-a456-426614174000";
        let answer =
            json!({"id": "dev_1", "person_id": uuid, "device_token": "t", "platform": "ios"});
        let links = linked(contract, "registerDevice", &answer);
        let ids: Vec<&str> = links
            .iter()
            .map(|link| link.operation.id.as_str())
            .collect();
        for id in ["getWorkspacePerson", "updateWorkspacePerson", "sendPush"] {
            assert!(ids.contains(&id), "{id} in {ids:?}");
        }
        assert!(
            links.iter().all(|link| link
                .fills
                .iter()
                .all(|fill| fill.value == uuid && fill.from == "/person_id")),
            "every fill is the device's person"
        );
        for id in ["getPerson", "trackEvent", "deletePerson"] {
            assert!(
                !ids.contains(&id),
                "{id} takes an external id, which a device does not carry"
            );
        }
    }

    #[test]
    fn a_created_campaign_leads_to_its_trigger() {
        let contract = crate::contract::embedded().unwrap();
        let answer = json!({"id": "cmp_42", "name": "Welcome"});
        let links = linked(contract, "createWorkspaceCampaign", &answer);
        let trigger = links
            .iter()
            .find(|link| link.operation.id == "triggerWorkspaceCampaign")
            .unwrap();
        assert_eq!(trigger.fills[0].slot, Slot::Path("campaignId".into()));
        assert_eq!(trigger.fills[0].value, "cmp_42");
    }
}
