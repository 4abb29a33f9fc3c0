//! A request as it is saved in presets and history: where it goes and its JSON body, in the
//! documented body format, so the files are readable and usable outside the app.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{Draft, Environment, PathStyle};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedRequest {
    pub environment: Environment,
    /// The base URL, for the custom environment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub base_url: String,
    #[serde(default)]
    pub path_style: PathStyle,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub workspace_id: String,
    /// The body as sent.
    pub body: Map<String, Value>,
}

impl SavedRequest {
    pub fn from_draft(draft: &Draft) -> Self {
        Self {
            environment: draft.environment,
            base_url: draft.custom_base_url.clone(),
            path_style: draft.path_style,
            workspace_id: draft.workspace_id.clone(),
            body: draft.body_json(),
        }
    }

    /// The draft that sends this request again.
    pub fn to_draft(&self) -> Draft {
        let mut draft = Draft {
            environment: self.environment,
            custom_base_url: self.base_url.clone(),
            path_style: self.path_style,
            workspace_id: self.workspace_id.clone(),
            ..Draft::default()
        };
        draft.load_body(&self.body);
        draft
    }
}
