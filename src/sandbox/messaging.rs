//! The Messaging operations: a push (`sendPush`) and a transactional message
//! (`sendWorkspaceTransactional`), both delivered to the person's registered devices. A person
//! with no active device on the platform asked gets 404 `not_found`, naming the person's field
//! (the contract's note on each body says so).

use serde_json::json;

use super::call::Call;
use super::devices::Device;
use super::operations::{Answer, Outcome, new_id};
use super::rejection::Rejection;
use super::store::World;
use crate::contract::IdentifierKind;

/// The platform that means every platform, and the default when none is sent.
const ALL_PLATFORMS: &str = "all";

/// `sendPush`: to the person by UUID (`person_id`).
pub fn send_push(call: &Call, world: &mut World) -> Outcome {
    deliver(call, world, "person_id", IdentifierKind::PersonUuid)
}

/// `sendWorkspaceTransactional`: to the person by userId or UUID (`user_id`). No template store
/// exists in the sandbox: a `template_id` is taken as it is, like an inline `template`.
pub fn send_transactional(call: &Call, world: &mut World) -> Outcome {
    deliver(
        call,
        world,
        "user_id",
        IdentifierKind::ExternalIdOrPersonUuid,
    )
}

/// Delivers to the active devices of the person the body's `person_field` names, on the
/// platform asked (default all): `{success, message_id, delivered_to, devices_count}`.
fn deliver(call: &Call, world: &mut World, person_field: &str, kind: IdentifierKind) -> Outcome {
    let key = call.text(person_field).unwrap_or_default();
    let Some(person) = world.people.find(kind, key) else {
        return Err(Rejection::not_found(
            format!("No person has that {person_field}"),
            person_field,
            "Not found",
        ));
    };
    let platform = call.text("platform").unwrap_or(ALL_PLATFORMS);
    let devices: Vec<&Device> = world
        .devices
        .iter()
        .filter(|device| device.person_id == person.id && device.is_active)
        .filter(|device| platform == ALL_PLATFORMS || device.platform == platform)
        .collect();
    if devices.is_empty() {
        let on = if platform == ALL_PLATFORMS {
            String::new()
        } else {
            format!(" on {platform}")
        };
        return Err(Rejection::not_found(
            format!(
                "The person has no registered device{on}: register one with POST /people/{{person_id}}/devices"
            ),
            person_field,
            format!("Has no registered device{on}"),
        ));
    }
    let mut delivered_to: Vec<&str> = Vec::new();
    for device in &devices {
        if !delivered_to.contains(&device.platform.as_str()) {
            delivered_to.push(&device.platform);
        }
    }
    Ok(Answer::json(
        200,
        json!({
            "success": true,
            "message_id": new_id("msg_"),
            "delivered_to": delivered_to,
            "devices_count": devices.len(),
        }),
    ))
}
