//! A request as it is saved in presets and history: where it goes, the operation with its path
//! and query values, and its JSON body as sent, so the files are readable and usable outside the
//! app.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{DEFAULT_OPERATION, Draft, Environment, FormValue, OperationValues};

/// The create-person operation on the workspace-scoped path, which files from before the whole
/// API name with `"path_style": "WorkspaceScoped"`.
const OLD_WORKSPACE_OPERATION: &str = "createWorkspacePerson";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedRequest {
    pub environment: Environment,
    /// The base URL, for the custom environment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub base_url: String,
    /// The operationId. Files from before the whole API have none: they are create person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Path values by parameter name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub path: BTreeMap<String, String>,
    /// Query values by parameter name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    /// Read from files before the whole API: `WorkspaceScoped` meant the workspace-scoped create.
    #[serde(default, skip_serializing)]
    path_style: Option<String>,
    /// Read from files before the whole API: the workspace of the workspace-scoped create.
    #[serde(default, skip_serializing)]
    workspace_id: String,
    /// The body as sent; absent for an operation without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

impl SavedRequest {
    pub fn from_draft(draft: &Draft) -> Self {
        Self {
            environment: draft.environment,
            base_url: draft.custom_base_url.clone(),
            operation: Some(draft.operation.clone()),
            path: non_empty(&draft.values.path),
            query: non_empty(&draft.values.query),
            path_style: None,
            workspace_id: String::new(),
            body: draft.body_json(),
        }
    }

    /// The operation this request calls, reading files from before the whole API as the
    /// create-person operation they were.
    pub fn operation_id(&self) -> &str {
        match (&self.operation, self.path_style.as_deref()) {
            (Some(operation), _) => operation,
            (None, Some("WorkspaceScoped")) => OLD_WORKSPACE_OPERATION,
            (None, _) => DEFAULT_OPERATION,
        }
    }

    /// The draft that sends this request again.
    pub fn to_draft(&self) -> Draft {
        let mut path = self.path.clone();
        if self.operation.is_none() && !self.workspace_id.is_empty() {
            path.insert("workspaceId".to_owned(), self.workspace_id.clone());
        }
        let mut draft = Draft {
            environment: self.environment,
            custom_base_url: self.base_url.clone(),
            operation: self.operation_id().to_owned(),
            values: OperationValues {
                path,
                query: self.query.clone(),
                body: FormValue::default(),
            },
        };
        match (&self.body, draft.operation().is_some()) {
            (Some(body), true) => draft.load_body(body),
            // An operation this version does not know: its body is kept as it was.
            (Some(body), false) => draft.values.body = FormValue::Json(body.to_string()),
            (None, _) => {}
        }
        draft
    }
}

/// The values that were filled in: an empty one is sent as nothing, so it is saved as nothing.
fn non_empty(values: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    values
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_file_from_before_the_whole_api_is_the_create_it_was() {
        let old: SavedRequest = serde_json::from_value(json!({
            "environment": "Custom", "base_url": "http://h", "path_style": "WorkspaceScoped",
            "workspace_id": "ws_1", "body": {"userId": "u", "phone": "+1"}
        }))
        .unwrap();
        let draft = old.to_draft();
        assert_eq!(draft.operation, "createWorkspacePerson");
        assert_eq!(draft.values.path["workspaceId"], "ws_1");
        assert_eq!(
            draft.body_json().unwrap(),
            json!({"userId": "u", "phone": "+1"})
        );
        let key_scoped: SavedRequest =
            serde_json::from_value(json!({"environment": "Sandbox", "body": {"userId": "u"}}))
                .unwrap();
        assert_eq!(key_scoped.to_draft().operation, "createPerson");
    }

    #[test]
    fn any_operation_saves_and_reads_back() {
        let mut draft = Draft::docs_example();
        draft.operation = "listPeople".into();
        draft.values.query.insert("limit".into(), "5".into());
        draft.values.query.insert("search".into(), String::new());
        let saved = SavedRequest::from_draft(&draft);
        let text = serde_json::to_value(&saved).unwrap();
        assert_eq!(text["operation"], "listPeople");
        assert_eq!(text["query"], json!({"limit": "5"}));
        assert!(text.get("body").is_none(), "a GET has no body");
        let back = serde_json::from_value::<SavedRequest>(text)
            .unwrap()
            .to_draft();
        assert_eq!(back.operation, "listPeople");
        assert_eq!(back.values.query["limit"], "5");
    }
}
