//! The People operations: create (key- and workspace-scoped), list, get, update, delete, batch,
//! search and upsert.

use serde_json::{Value, json};

use super::call::Call;
use super::operations::{Answer, Outcome, offset, page_size};
use super::person::{NewPerson, Person};
use super::rejection::{FieldError, Rejection, RejectionKind};
use super::settings::OnDuplicate;
use super::store::World;
use crate::contract::{IdentifierKind, PathParam};
use crate::model::body::{TRAITS, USER_ID};

/// The body schema of the call's operation (checked already, so only read for what it lists).
fn body_schema(call: &Call) -> &Value {
    call.operation
        .body
        .as_ref()
        .map_or(&Value::Null, |body| &body.schema)
}

/// `createPerson` and `createWorkspacePerson`: 201 with the new person; an existing userId is
/// updated (200) or a conflict (409), as the sandbox is set.
pub fn create(call: &Call, world: &mut World) -> Outcome {
    let input = NewPerson::from_body(call.body(), body_schema(call));
    if let Some(person) = world
        .people
        .find_mut(IdentifierKind::ExternalId, &input.user_id)
    {
        return match call.on_duplicate {
            OnDuplicate::Update => {
                person.update(input, &call.now);
                Ok(Answer::json(200, person.to_json()))
            }
            OnDuplicate::Conflict => Err(Rejection::new(
                RejectionKind::Conflict,
                "A person with this userId already exists",
                vec![FieldError::new(USER_ID, "Already exists")],
            )),
        };
    }
    let person = Person::new(new_person_id(), input, &call.now);
    let answer = person.to_json();
    world.people.insert(person);
    Ok(Answer::json(201, answer))
}

/// `listPeople` and `listWorkspacePeople`: one page of the people matching `status` (every
/// sandbox person is active) and `search`, with the total over all pages.
pub fn list(call: &Call, world: &mut World) -> Outcome {
    let limit = page_size(call);
    let (skip, offset_echo) = offset(call);
    let search = call.query("search").map(str::to_lowercase);
    let matching: Vec<&Person> = world
        .people
        .iter()
        .filter(|_| call.query("status").is_none_or(|status| status == "active"))
        .filter(|person| {
            search
                .as_deref()
                .is_none_or(|needle| person.mentions(needle))
        })
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(skip)
        .take(limit)
        .map(|person| person.to_json())
        .collect();
    Ok(Answer::json(
        200,
        json!({"people": page, "total": matching.len(), "limit": limit, "offset": offset_echo}),
    ))
}

/// The path parameter naming the person, and how it names them (userId or email, or UUID).
fn person_param(call: &Call) -> Option<&PathParam> {
    call.operation.path_params.iter().find(|param| {
        !matches!(
            param.identifier,
            IdentifierKind::WorkspaceId | IdentifierKind::CampaignId
        )
    })
}

/// The person the call's path names, or the 404 that says none has that value.
fn named_person<'w>(call: &Call, world: &'w mut World) -> Result<&'w mut Person, Rejection> {
    let Some(param) = person_param(call) else {
        return Err(Rejection::new(
            RejectionKind::Internal,
            format!("{} names no person in its path", call.operation.id),
            Vec::new(),
        ));
    };
    world
        .people
        .find_mut(param.identifier, call.path(&param.name))
        .ok_or_else(|| call.path_not_found(&param.name, "person"))
}

/// `getPerson` (by userId or email) and `getWorkspacePerson` (by UUID).
pub fn get(call: &Call, world: &mut World) -> Outcome {
    let person = named_person(call, world)?;
    Ok(Answer::json(200, person.to_json()))
}

/// `updatePerson` and `updateWorkspacePerson`: the traits sent are merged with the existing ones.
pub fn update(call: &Call, world: &mut World) -> Outcome {
    let traits = call
        .body()
        .get(TRAITS)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let now = call.now.clone();
    let person = named_person(call, world)?;
    person.merge_traits(traits, &now);
    Ok(Answer::json(200, person.to_json()))
}

/// `deletePerson`: 204 and no body; the person's devices go with them, their events stay.
pub fn delete(call: &Call, world: &mut World) -> Outcome {
    let id = named_person(call, world)?.id.clone();
    world.people.remove(IdentifierKind::PersonUuid, &id);
    world.devices.retain(|device| device.person_id != id);
    Ok(Answer::empty(204))
}

/// `batchPeople` and `batchWorkspacePeople`: each item created or updated (whatever the
/// duplicate setting: a batch says "create or update"), with the counts.
pub fn batch(call: &Call, world: &mut World) -> Outcome {
    let item_schema = body_schema(call)
        .pointer("/properties/people/items")
        .unwrap_or(&Value::Null);
    let items = call
        .body()
        .get("people")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let (mut created, mut updated) = (0usize, 0usize);
    let mut answered = Vec::with_capacity(items.len());
    for item in items {
        let input = NewPerson::from_body(item, item_schema);
        let person = match world
            .people
            .find_mut(IdentifierKind::ExternalId, &input.user_id)
        {
            Some(person) => {
                person.update(input, &call.now);
                updated += 1;
                person.to_json()
            }
            None => {
                let person = Person::new(new_person_id(), input, &call.now);
                let json = person.to_json();
                world.people.insert(person);
                created += 1;
                json
            }
        };
        answered.push(person);
    }
    Ok(Answer::json(
        200,
        json!({"people": answered, "created_count": created, "updated_count": updated}),
    ))
}

/// `searchWorkspacePeople`: people matching every filter given — `q` anywhere in their ids,
/// email, phone or names (any case), `email` and `external_id` exactly — up to `limit`.
pub fn search(call: &Call, world: &mut World) -> Outcome {
    let needle = call.query("q").map(str::to_lowercase);
    let found: Vec<Value> = world
        .people
        .iter()
        .filter(|person| {
            needle
                .as_deref()
                .is_none_or(|needle| person.mentions(needle))
        })
        .filter(|person| {
            call.query("email")
                .is_none_or(|email| person.email.as_deref() == Some(email))
        })
        .filter(|person| {
            call.query("external_id")
                .is_none_or(|id| person.external_id == id)
        })
        .take(page_size(call))
        .map(Person::to_json)
        .collect();
    Ok(Answer::json(200, json!({ "people": found })))
}

/// `upsertWorkspacePerson`: the person with this userId, else the one with this email (who
/// takes the userId), is updated; else one is created. 200 with the person either way: the
/// page documents no other status.
pub fn upsert(call: &Call, world: &mut World) -> Outcome {
    let input = NewPerson::from_body(call.body(), body_schema(call));
    let known = world
        .people
        .find(IdentifierKind::ExternalId, &input.user_id)
        .is_some();
    if !known
        && let Some(email) = &input.email
        && let Some(holder) = world.people.external_id_by_email(email).map(str::to_owned)
    {
        world.people.rekey(&holder, &input.user_id);
    }
    let user_id = input.user_id.clone();
    let answer = match world.people.find_mut(IdentifierKind::ExternalId, &user_id) {
        Some(person) => {
            person.update(input, &call.now);
            person.to_json()
        }
        None => {
            let person = Person::new(new_person_id(), input, &call.now);
            let json = person.to_json();
            world.people.insert(person);
            json
        }
    };
    Ok(Answer::json(200, answer))
}

/// Flameup's id of a new person: a UUID.
fn new_person_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
