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
#[serde(from = "SavedRecord")]
pub struct SavedRequest {
    pub environment: Environment,
    /// The base URL, for the custom environment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub base_url: String,
    /// The operationId. Always there once read: files from before the whole API, which have
    /// none, read as the create-person operation they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Path values by parameter name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub path: BTreeMap<String, String>,
    /// Query values by parameter name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    /// The body as sent; absent for an operation without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// A saved request as any version wrote it: today's fields and those of the files from before
/// the whole API. Read into today's form at once, so whatever writes a request again (a rename,
/// an export, the history's compaction) writes what it means, never a half-old file.
#[derive(Deserialize)]
struct SavedRecord {
    environment: Environment,
    #[serde(default)]
    base_url: String,
    #[serde(default)]
    operation: Option<String>,
    #[serde(default)]
    path: BTreeMap<String, String>,
    #[serde(default)]
    query: BTreeMap<String, String>,
    /// Before the whole API: `WorkspaceScoped` meant the workspace-scoped create.
    #[serde(default)]
    path_style: Option<String>,
    /// Before the whole API: the workspace of the workspace-scoped create.
    #[serde(default)]
    workspace_id: String,
    #[serde(default)]
    body: Option<Value>,
}

impl From<SavedRecord> for SavedRequest {
    fn from(record: SavedRecord) -> Self {
        let mut path = record.path;
        // An old key-scoped file may still hold a workspace typed before its path style was
        // switched back: it is dropped, as only the workspace-scoped create has a use for it.
        let operation = match (record.operation, record.path_style.as_deref()) {
            (Some(operation), _) => operation,
            (None, Some("WorkspaceScoped")) => {
                if !record.workspace_id.is_empty() {
                    path.insert("workspaceId".to_owned(), record.workspace_id);
                }
                OLD_WORKSPACE_OPERATION.to_owned()
            }
            (None, _) => DEFAULT_OPERATION.to_owned(),
        };
        Self {
            environment: record.environment,
            base_url: record.base_url,
            operation: Some(operation),
            path,
            query: record.query,
            body: record.body,
        }
    }
}

impl SavedRequest {
    pub fn from_draft(draft: &Draft) -> Self {
        Self {
            environment: draft.environment,
            base_url: draft.custom_base_url.clone(),
            operation: Some(draft.operation.clone()),
            path: non_empty(&draft.values.path),
            query: non_empty(&draft.values.query),
            body: draft.body_json(),
        }
    }

    /// The operation this request calls.
    pub fn operation_id(&self) -> &str {
        self.operation.as_deref().unwrap_or(DEFAULT_OPERATION)
    }

    /// The draft that sends this request again.
    pub fn to_draft(&self) -> Draft {
        let mut draft = Draft {
            environment: self.environment,
            custom_base_url: self.base_url.clone(),
            operation: self.operation_id().to_owned(),
            values: OperationValues {
                path: self.path.clone(),
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
        assert_eq!(
            serde_json::to_value(&old).unwrap(),
            json!({"environment": "Custom", "base_url": "http://h",
                   "operation": "createWorkspacePerson", "path": {"workspaceId": "ws_1"},
                   "body": {"userId": "u", "phone": "+1"}}),
            "written again, it says what it meant"
        );
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
        let switched_back: SavedRequest = serde_json::from_value(json!({
            "environment": "Sandbox", "path_style": "KeyScoped", "workspace_id": "ws_old",
            "body": {"userId": "u"}
        }))
        .unwrap();
        let draft = switched_back.to_draft();
        assert_eq!(draft.operation, "createPerson");
        assert!(draft.values.path.is_empty(), "{:?}", draft.values.path);
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
