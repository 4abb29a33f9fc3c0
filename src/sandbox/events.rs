//! The Events operations: track (key-scoped), create (workspace-scoped) and list.

use serde_json::{Map, Value, json};

use super::DEFAULT_WORKSPACE;
use super::call::Call;
use super::instant::{self, Instant};
use super::operations::{Answer, Outcome, new_id, offset, page_size};
use super::rejection::Rejection;
use super::store::World;
use crate::contract::IdentifierKind;

/// An event the sandbox recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: String,
    /// Flameup's id of the person.
    pub person_id: String,
    /// The person's userId when the event was recorded, so it can be listed by either.
    pub external_id: String,
    pub event: String,
    pub properties: Map<String, Value>,
    /// As sent (or the time it was recorded), and as an instant for `since` and `until`.
    pub timestamp: String,
    at: Instant,
    pub created_at: String,
}

impl Event {
    /// The list page's event object.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "workspace_id": DEFAULT_WORKSPACE,
            "person_id": self.person_id,
            "event": self.event,
            "properties": self.properties,
            "timestamp": self.timestamp,
            "created_at": self.created_at,
        })
    }
}

/// `trackEvent`: the person by `external_id` (their userId or email); the payload in
/// `parameters`, or its alias `properties` (where both are sent, `parameters` wins key by key).
pub fn track(call: &Call, world: &mut World) -> Outcome {
    let mut properties = object(call, "properties");
    properties.extend(object(call, "parameters"));
    record(
        call,
        world,
        "external_id",
        IdentifierKind::ExternalIdOrEmail,
        properties,
    )
}

/// `createWorkspaceEvent`: the person by `userId`; the payload in `properties`.
pub fn create(call: &Call, world: &mut World) -> Outcome {
    let properties = object(call, "properties");
    record(
        call,
        world,
        "userId",
        IdentifierKind::ExternalId,
        properties,
    )
}

fn object(call: &Call, key: &str) -> Map<String, Value> {
    call.body()
        .get(key)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Records the event of the person the body's `person_field` names; 404 when no one has it.
fn record(
    call: &Call,
    world: &mut World,
    person_field: &str,
    kind: IdentifierKind,
    properties: Map<String, Value>,
) -> Outcome {
    let key = call.text(person_field).unwrap_or_default();
    let Some(person) = world.people.find(kind, key) else {
        let what = match kind {
            IdentifierKind::ExternalIdOrEmail => "No person has this userId or email",
            _ => "No person has this userId",
        };
        return Err(Rejection::not_found(
            format!("{what}: create the person first"),
            person_field,
            "Not found",
        ));
    };
    let timestamp = call
        .text("timestamp")
        .map_or_else(|| call.now.clone(), str::to_owned);
    let at = instant::parse(&timestamp)
        .or_else(|| instant::parse(&call.now))
        .unwrap_or_default();
    let event = Event {
        id: new_id("evt_"),
        person_id: person.id.clone(),
        external_id: person.external_id.clone(),
        event: call.text("event").unwrap_or_default().to_owned(),
        properties,
        timestamp,
        at,
        created_at: call.now.clone(),
    };
    let answer = json!({"success": true, "event_id": event.id});
    world.events.push(event);
    Ok(Answer::json(200, answer))
}

/// `listWorkspaceEvents`: the events matching every filter given — `user_id` (the person's
/// userId, or Flameup's UUID), `event` (its name), `since` and `until` (inclusive, any offset) —
/// in the order they were recorded, one page of them, with the total.
pub fn list(call: &Call, world: &mut World) -> Outcome {
    let since = call.query("since").and_then(instant::parse);
    let until = call.query("until").and_then(instant::parse);
    let matching: Vec<&Event> = world
        .events
        .iter()
        .filter(|event| {
            call.query("user_id").is_none_or(|user| {
                event.external_id == user || event.person_id.eq_ignore_ascii_case(user)
            })
        })
        .filter(|event| call.query("event").is_none_or(|name| event.event == name))
        .filter(|event| since.is_none_or(|since| event.at >= since))
        .filter(|event| until.is_none_or(|until| event.at <= until))
        .collect();
    let (skip, _) = offset(call);
    let page: Vec<Value> = matching
        .iter()
        .skip(skip)
        .take(page_size(call))
        .map(|event| event.to_json())
        .collect();
    Ok(Answer::json(
        200,
        json!({"events": page, "total": matching.len()}),
    ))
}
