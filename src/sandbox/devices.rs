//! The Devices operations: register (a person's push token) and list.

use serde_json::{Value, json};

use super::DEFAULT_WORKSPACE;
use super::call::Call;
use super::operations::{Answer, Outcome, new_id};
use super::store::World;
use crate::contract::IdentifierKind;

/// The optional descriptions a registration may carry, in the device object's order.
const DESCRIPTIONS: [&str; 4] = ["device_name", "device_model", "os_version", "app_version"];

/// A registered device.
#[derive(Clone, Debug, PartialEq)]
pub struct Device {
    pub id: String,
    /// Flameup's id of the person it belongs to.
    pub person_id: String,
    pub token: String,
    pub platform: String,
    /// `device_name`, `device_model`, `os_version`, `app_version`, each if given.
    descriptions: [Option<String>; 4],
    pub is_active: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl Device {
    /// The device list page's device object.
    pub fn to_json(&self) -> Value {
        let mut device = json!({
            "id": self.id,
            "workspace_id": DEFAULT_WORKSPACE,
            "person_id": self.person_id,
            "device_token": self.token,
            "platform": self.platform,
        });
        for (key, value) in DESCRIPTIONS.iter().zip(&self.descriptions) {
            device[*key] = json!(value);
        }
        device["is_active"] = json!(self.is_active);
        device["is_valid"] = json!(true);
        device["last_used_at"] = json!(self.updated_at);
        device["created_at"] = json!(self.created_at);
        device["updated_at"] = json!(self.updated_at);
        device
    }
}

/// `registerDevice`: the person by UUID (404 when no one has it). A token already registered
/// is refreshed — moved to this person, its platform and the descriptions sent replaced, made
/// active — and keeps its id; 201 either way, the one documented answer.
pub fn register(call: &Call, world: &mut World) -> Outcome {
    let param = "person_id";
    let Some(person) = world
        .people
        .find(IdentifierKind::PersonUuid, call.path(param))
    else {
        return Err(call.path_not_found(param, "person"));
    };
    let person_id = person.id.clone();
    let token = call.text("token").unwrap_or_default().to_owned();
    let platform = call.text("platform").unwrap_or_default().to_owned();
    let sent: [Option<String>; 4] = DESCRIPTIONS.map(|key| call.text(key).map(str::to_owned));
    let device = match world
        .devices
        .iter_mut()
        .find(|device| device.token == token)
    {
        Some(device) => {
            device.person_id = person_id;
            device.platform = platform;
            for (kept, sent) in device.descriptions.iter_mut().zip(sent) {
                if sent.is_some() {
                    *kept = sent;
                }
            }
            device.is_active = true;
            call.now.clone_into(&mut device.updated_at);
            device.to_json()
        }
        None => {
            let device = Device {
                id: new_id("dev_"),
                person_id,
                token,
                platform,
                descriptions: sent,
                is_active: true,
                created_at: call.now.clone(),
                updated_at: call.now.clone(),
            };
            let json = device.to_json();
            world.devices.push(device);
            json
        }
    };
    Ok(Answer::json(201, device))
}

/// `listWorkspaceDevices`: the devices matching every filter given — `person_id`, `platform`,
/// `is_active` — in the order they were registered.
pub fn list(call: &Call, world: &mut World) -> Outcome {
    let active = call.query("is_active").map(|text| text == "true");
    let devices: Vec<Value> = world
        .devices
        .iter()
        .filter(|device| {
            call.query("person_id")
                .is_none_or(|person| device.person_id.eq_ignore_ascii_case(person))
        })
        .filter(|device| {
            call.query("platform")
                .is_none_or(|platform| device.platform == platform)
        })
        .filter(|device| active.is_none_or(|active| device.is_active == active))
        .map(Device::to_json)
        .collect();
    Ok(Answer::json(200, json!({ "devices": devices })))
}
