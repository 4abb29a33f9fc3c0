//! The Campaigns operations: create, and trigger.

use serde_json::{Value, json};

use super::DEFAULT_WORKSPACE;
use super::call::Call;
use super::operations::{Answer, Outcome, new_id};
use super::store::World;

/// A campaign, as created.
#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    pub id: String,
    /// The campaign object as answered (every field but the id and workspace comes from the
    /// create body, with the documented defaults).
    pub object: Value,
}

/// `createWorkspaceCampaign`: 201 with the campaign object; what the body leaves out is empty
/// (`{}`, `[]`) or null, and the status is `active`.
pub fn create(call: &Call, world: &mut World) -> Outcome {
    let body = call.body();
    let sent = |key: &str, empty: Value| body.get(key).cloned().unwrap_or(empty);
    let id = new_id("camp_");
    let object = json!({
        "id": id,
        "workspace_id": DEFAULT_WORKSPACE,
        "name": sent("name", json!("")),
        "status": "active",
        "trigger_type": sent("trigger_type", json!("")),
        "trigger_config": sent("trigger_config", json!({})),
        "segments": sent("segments", json!([])),
        "filters": sent("filters", json!({})),
        "template_id": sent("template_id", Value::Null),
        "subject": sent("subject", Value::Null),
        "variables": sent("variables", json!({})),
        "created_at": call.now,
        "updated_at": call.now,
    });
    world.campaigns.push(Campaign {
        id,
        object: object.clone(),
    });
    Ok(Answer::json(201, object))
}

/// `triggerWorkspaceCampaign`: fires the campaign now, with the optional body as its data:
/// `{success, campaign_id, triggered_at}`. The guide calls this the webhook trigger, but no page
/// says another type of campaign is refused, so any campaign the sandbox has is fired.
pub fn trigger(call: &Call, world: &mut World) -> Outcome {
    let param = "campaignId";
    let Some(campaign) = world
        .campaigns
        .iter()
        .find(|campaign| campaign.id == call.path(param))
    else {
        return Err(call.path_not_found(param, "campaign"));
    };
    Ok(Answer::json(
        200,
        json!({"success": true, "campaign_id": campaign.id, "triggered_at": call.now}),
    ))
}
