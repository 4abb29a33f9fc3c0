//! The Campaigns operations: create, and trigger (a webhook campaign).

use serde_json::{Map, Value, json};

use super::DEFAULT_WORKSPACE;
use super::call::Call;
use super::operations::{Answer, Outcome, new_id};
use super::rejection::{FieldError, Rejection, RejectionKind};
use super::store::World;

/// The trigger type this call fires: the guide says a webhook-type campaign is fired by it.
const WEBHOOK: &str = "webhook";

/// A campaign, as created.
#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    pub id: String,
    /// The campaign object as answered (every field but the id and workspace comes from the
    /// create body, with the documented defaults).
    object: Value,
}

impl Campaign {
    fn trigger_type(&self) -> &str {
        self.object["trigger_type"].as_str().unwrap_or_default()
    }
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

/// `triggerWorkspaceCampaign`: fires a webhook campaign now, with the optional body as its
/// data: `{success, campaign_id, triggered_at}`. Another type of campaign is not fired by this
/// call: 400, naming the campaign.
pub fn trigger(call: &Call, world: &mut World) -> Outcome {
    let param = "campaignId";
    let Some(campaign) = world
        .campaigns
        .iter()
        .find(|campaign| campaign.id == call.path(param))
    else {
        return Err(call.path_not_found(param, "campaign"));
    };
    if campaign.trigger_type() != WEBHOOK {
        let kind = campaign.trigger_type();
        return Err(Rejection::new(
            RejectionKind::InvalidParameters,
            format!(
                "The campaign is triggered by {kind}, not by this call: only a webhook campaign is fired here"
            ),
            vec![FieldError::new(
                param,
                format!("Is a {kind} campaign, not a webhook one"),
            )],
        ));
    }
    let mut answer = Map::new();
    answer.insert("success".into(), json!(true));
    answer.insert("campaign_id".into(), json!(campaign.id));
    answer.insert("triggered_at".into(), json!(call.now));
    Ok(Answer::json(200, Value::Object(answer)))
}
