//! Drafts saved before the whole API was explorable: a create-person form with its own fields
//! (`user_id`, `traits`, `path_style`, …). They read as the create-person operation they were,
//! with every input and row kept, so an update loses nothing a user had typed.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::draft::{Draft, Environment, FieldRow, OperationValues};
use super::form::FormValue;
use crate::contract;

/// The two create-person paths of the old form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
enum PathStyle {
    WorkspaceScoped,
    #[default]
    #[serde(other)]
    KeyScoped,
}

/// The six traits the old form had inputs for, in its order.
const OLD_TRAITS: [&str; 6] = [
    "first_name",
    "last_name",
    "phone",
    "avatar_url",
    "timezone",
    "locale",
];

/// A draft as any version saved it: today's fields, and the old form's.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct DraftRecord {
    environment: Environment,
    custom_base_url: String,
    /// Empty in drafts from before the whole API (a string, not an `Option`: RON writes a
    /// draft's operation as a plain string).
    operation: String,
    values: OperationValues,
    path_style: PathStyle,
    workspace_id: String,
    user_id: String,
    email: String,
    phone: String,
    traits: [String; 6],
    custom_traits: Vec<FieldRow>,
    other_fields: Vec<FieldRow>,
}

impl From<DraftRecord> for Draft {
    fn from(record: DraftRecord) -> Self {
        let (operation, values) = if record.operation.is_empty() {
            record.old_create_person()
        } else {
            (record.operation, record.values)
        };
        Self {
            environment: record.environment,
            custom_base_url: record.custom_base_url,
            operation,
            values,
        }
    }
}

impl DraftRecord {
    /// The old form as the create-person operation of its path style.
    fn old_create_person(&self) -> (String, OperationValues) {
        let (id, path) = match self.path_style {
            PathStyle::KeyScoped => ("createPerson", Default::default()),
            PathStyle::WorkspaceScoped => (
                "createWorkspacePerson",
                [("workspaceId".to_owned(), self.workspace_id.clone())].into(),
            ),
        };
        let schema = contract::embedded()
            .ok()
            .and_then(|contract| contract.operation(id))
            .and_then(|operation| operation.body.as_ref())
            .map_or(Value::Null, |body| body.schema.clone());
        let mut body = FormValue::from_body(&schema, &Value::Object(self.typed_inputs()));
        if !self.custom_traits.is_empty() {
            let traits_schema = schema.pointer("/properties/traits").unwrap_or(&Value::Null);
            if let Some(rows) = body
                .field_mut("traits", traits_schema)
                .and_then(FormValue::rows_mut)
            {
                rows.extend(self.custom_traits.iter().cloned());
            }
        }
        if let Some(rows) = body.rows_mut() {
            rows.extend(self.other_fields.iter().cloned());
        }
        let values = OperationValues {
            path,
            query: Default::default(),
            body,
        };
        (id.to_owned(), values)
    }

    /// The old form's filled-in inputs as the JSON they sent.
    fn typed_inputs(&self) -> Map<String, Value> {
        let text = |text: &String| (!text.is_empty()).then(|| Value::String(text.clone()));
        let mut body = Map::new();
        for (key, value) in [
            ("userId", &self.user_id),
            ("email", &self.email),
            ("phone", &self.phone),
        ] {
            if let Some(value) = text(value) {
                body.insert(key.to_owned(), value);
            }
        }
        let traits: Map<String, Value> = OLD_TRAITS
            .iter()
            .zip(&self.traits)
            .filter_map(|(key, value)| Some(((*key).to_owned(), text(value)?)))
            .collect();
        if !traits.is_empty() {
            body.insert("traits".to_owned(), Value::Object(traits));
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ValueKind;
    use serde_json::json;

    #[test]
    fn an_old_workspace_draft_reads_as_its_operation_with_every_row() {
        let old = r#"(environment: Custom, custom_base_url: "http://h", path_style: WorkspaceScoped,
            workspace_id: "ws_1", user_id: "u", phone: "+1", traits: ("Ada", "", "", "", "", ""),
            custom_traits: [(key: "plan", kind: String, value: "")],
            other_fields: [(key: "anonymousId", kind: String, value: "a")])"#;
        let draft: Draft = ron::from_str(old).unwrap();
        assert_eq!(draft.operation, "createWorkspacePerson");
        assert_eq!(draft.values.path["workspaceId"], "ws_1");
        assert_eq!(draft.custom_base_url, "http://h");
        assert_eq!(
            draft.body_json().unwrap(),
            json!({"userId": "u", "traits": {"first_name": "Ada"}, "phone": "+1", "anonymousId": "a"}),
            "the workspace path has no phone input: it is kept as a row"
        );
        let traits_rows = draft.values.body.rows_at("/traits").unwrap();
        assert_eq!(
            traits_rows,
            [FieldRow::new("plan", ValueKind::String, "")],
            "a row still being filled in is kept"
        );
    }

    #[test]
    fn an_old_key_scoped_draft_is_create_person() {
        let draft: Draft = ron::from_str(r#"(user_id: "kept", path_style: Tenant)"#).unwrap();
        assert_eq!(draft.operation, "createPerson");
        assert_eq!(draft.body_json().unwrap(), json!({"userId": "kept"}));
    }

    #[test]
    fn a_new_draft_round_trips() {
        let draft = Draft::docs_example();
        let text = ron::to_string(&draft).unwrap();
        assert_eq!(ron::from_str::<Draft>(&text).unwrap(), draft);
        let text = serde_json::to_string(&draft).unwrap();
        assert_eq!(serde_json::from_str::<Draft>(&text).unwrap(), draft);
    }
}
