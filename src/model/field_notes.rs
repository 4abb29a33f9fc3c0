//! Messages placed under the form's inputs: which input a server's field path names, and the
//! notes the form shows — the last answer's field errors (until their input is edited) and the
//! lint warnings for the draft as it stands. The one place that maps field errors to inputs.

use serde_json::Value;

use super::draft::{Draft, FieldRow};
use super::form::{FormValue, pointer_child, schema_at};
use super::problem::Problem;
use crate::contract::ParamPlace;

/// An input of the form, for any operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FieldRef {
    /// A path value, by the parameter's name.
    Path(String),
    /// A query value, by the parameter's name.
    Query(String),
    /// A typed body input (or a section, or a list), by its JSON Pointer in the body:
    /// `/userId`, `/traits/first_name`, `/people/2/email`.
    Body(String),
    /// A free row of the body object at `object` (a JSON Pointer), by position.
    Row { object: String, index: usize },
}

/// A message about one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldNote {
    pub field: FieldRef,
    pub message: String,
}

impl FieldNote {
    pub fn new(field: FieldRef, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A server's field path (`email`, `traits.locale`, `people[2].email`, `people.2.email`) as a
/// JSON Pointer into the body.
pub fn server_path_pointer(path: &str) -> String {
    path.replace('[', ".")
        .replace(']', "")
        .split('.')
        .filter(|step| !step.is_empty())
        .fold(String::new(), |pointer, step| pointer_child(&pointer, step))
}

/// The input a server's field path refers to: a parameter of that name, else the body's.
pub fn locate(draft: &Draft, path: &str) -> Option<FieldRef> {
    let operation = draft.operation()?;
    if operation.takes_param(ParamPlace::Path, path) {
        return Some(FieldRef::Path(path.to_owned()));
    }
    if operation.takes_param(ParamPlace::Query, path) {
        return Some(FieldRef::Query(path.to_owned()));
    }
    let schema = &operation.body.as_ref()?.schema;
    locate_in_body(schema, &draft.values.body, &server_path_pointer(path))
}

/// The body input at `pointer`: the row that sent the value if one did (a sent row replaces the
/// input of its key), else the typed input the schema has there, else a row of that key.
pub fn locate_in_body(schema: &Value, body: &FormValue, pointer: &str) -> Option<FieldRef> {
    let (object, key) = pointer.rsplit_once('/')?;
    let key = key.replace("~1", "/").replace("~0", "~");
    let rows = body.rows_at(object).unwrap_or_default();
    // Of rows with the same key the last one sent wins, and a row left out for an empty value
    // sent nothing the server could have judged.
    let row = |sent_only: bool| {
        rows.iter()
            .rposition(|row| row.key == key && (row.is_sent() || !sent_only))
            .map(|index| FieldRef::Row {
                object: object.to_owned(),
                index,
            })
    };
    row(true)
        .or_else(|| schema_at(schema, pointer).map(|_| FieldRef::Body(pointer.to_owned())))
        .or_else(|| row(false))
}

/// What an input holds (for a row: its key, type and value), to tell whether it changed since a send.
pub fn input_text(draft: &Draft, field: &FieldRef) -> String {
    let row_text = |row: Option<&FieldRow>| {
        row.map(|row| format!("{}\u{0}{:?}\u{0}{}", row.key, row.kind, row.value))
            .unwrap_or_default()
    };
    match field {
        FieldRef::Path(name) => draft.values.path.get(name).cloned().unwrap_or_default(),
        FieldRef::Query(name) => draft.values.query.get(name).cloned().unwrap_or_default(),
        FieldRef::Body(pointer) => draft
            .values
            .body
            .at(pointer)
            .map(|value| format!("{value:?}"))
            .unwrap_or_default(),
        FieldRef::Row { object, index } => row_text(
            draft
                .values
                .body
                .rows_at(object)
                .and_then(|rows| rows.get(*index)),
        ),
    }
}

/// What the form says under each input, and in the summary above Send.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormNotes {
    /// Field errors from the last answer whose input still holds what was sent.
    pub server: Vec<FieldNote>,
    pub lint: Vec<FieldNote>,
    /// Server field errors that name no input (e.g. `body`, `Authorization`): summary only.
    pub unplaced: Vec<(String, String)>,
}

impl FormNotes {
    /// The notes for `draft`: `lint` as it stands, plus the field errors of `problem`, the answer
    /// to `sent`. A server error is shown under its input until that input differs from what was
    /// sent: derived by comparison, so there is no bookkeeping to forget.
    pub fn new(draft: &Draft, lint: Vec<FieldNote>, answered: Option<(&Draft, &Problem)>) -> Self {
        let mut notes = Self {
            lint,
            ..Self::default()
        };
        let Some((sent, problem)) = answered else {
            return notes;
        };
        for (path, message) in &problem.fields {
            match locate(draft, path) {
                Some(field) if input_text(draft, &field) == input_text(sent, &field) => {
                    notes.server.push(FieldNote::new(field, message.clone()));
                }
                // Edited since it was sent: the server's verdict no longer applies.
                Some(_) => {}
                None => notes.unplaced.push((path.clone(), message.clone())),
            }
        }
        notes
    }

    pub fn is_empty(&self) -> bool {
        self.server.is_empty() && self.lint.is_empty() && self.unplaced.is_empty()
    }

    /// Whether any note is an error from the server (rather than a lint warning).
    pub fn has_errors(&self) -> bool {
        !self.server.is_empty() || !self.unplaced.is_empty()
    }

    /// The messages for one input, errors first, each with whether it is an error.
    pub fn for_field<'a>(&'a self, field: &'a FieldRef) -> impl Iterator<Item = (bool, &'a str)> {
        let server = self.server.iter().map(|note| (true, note));
        let lint = self.lint.iter().map(|note| (false, note));
        server
            .chain(lint)
            .filter(move |(_, note)| note.field == *field)
            .map(|(error, note)| (error, note.message.as_str()))
    }

    /// One line for the summary, and every message for its tooltip.
    pub fn summary(&self) -> Option<(String, String)> {
        if self.is_empty() {
            return None;
        }
        let errors = self.server.len() + self.unplaced.len();
        let warnings = self.lint.len();
        let mut parts = Vec::new();
        if errors > 0 {
            parts.push(plural(
                errors,
                "field error from the server",
                "field errors from the server",
            ));
        }
        if warnings > 0 {
            parts.push(plural(warnings, "warning", "warnings"));
        }
        let details: Vec<String> = self
            .unplaced
            .iter()
            .map(|(path, message)| format!("{path}: {message}"))
            .chain(
                self.server
                    .iter()
                    .chain(&self.lint)
                    .map(|note| note.message.clone()),
            )
            .collect();
        Some((parts.join(" · "), details.join("\n")))
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FieldRow, ValueKind};
    use serde_json::json;

    fn body(pointer: &str) -> Option<FieldRef> {
        Some(FieldRef::Body(pointer.to_owned()))
    }

    fn row(object: &str, index: usize) -> Option<FieldRef> {
        Some(FieldRef::Row {
            object: object.to_owned(),
            index,
        })
    }

    fn with_rows(traits: Vec<FieldRow>, other: Vec<FieldRow>) -> Draft {
        let mut draft = Draft::docs_example();
        draft.load_body(&json!({"userId": "u", "traits": {"first_name": "A"}}));
        let traits_schema = json!({"type": "object"});
        let traits_value = draft
            .values
            .body
            .field_mut("traits", &traits_schema)
            .unwrap();
        traits_value.rows_mut().unwrap().extend(traits);
        draft.values.body.rows_mut().unwrap().extend(other);
        draft
    }

    #[test]
    fn server_paths_find_their_inputs() {
        let draft = with_rows(
            vec![
                FieldRow::new("plan", ValueKind::String, "pro"),
                FieldRow::new("locale", ValueKind::Null, ""),
            ],
            vec![FieldRow::new("anonymousId", ValueKind::String, "a")],
        );
        assert_eq!(locate(&draft, "userId"), body("/userId"));
        assert_eq!(
            locate(&draft, "traits.first_name"),
            body("/traits/first_name")
        );
        assert_eq!(locate(&draft, "traits.phone"), body("/traits/phone"));
        assert_eq!(locate(&draft, "traits.plan"), row("/traits", 0));
        assert_eq!(
            locate(&draft, "traits.locale"),
            row("/traits", 1),
            "the row that sent it"
        );
        assert_eq!(
            locate(&draft, "anonymousId"),
            row("", 0),
            "a sent row replaces the input of its key"
        );
        assert_eq!(locate(&draft, "Authorization"), None);
        assert_eq!(locate(&draft, "traits.unknown"), None);

        // Of rows with one key, the error belongs to the one whose value went out.
        let repeated = with_rows(
            vec![
                FieldRow::new("plan", ValueKind::String, "free"),
                FieldRow::new("plan", ValueKind::String, "pro"),
                FieldRow::new("plan", ValueKind::String, ""),
            ],
            vec![],
        );
        assert_eq!(locate(&repeated, "traits.plan"), row("/traits", 1));
    }

    #[test]
    fn list_items_and_parameters_are_found_too() {
        let mut draft = Draft::docs_example();
        draft.operation = "batchPeople".into();
        draft.values = crate::model::OperationValues::example(draft.operation().unwrap());
        assert_eq!(locate(&draft, "people[0].email"), body("/people/0/email"));
        assert_eq!(locate(&draft, "people.0.userId"), body("/people/0/userId"));
        draft.operation = "listPeople".into();
        assert_eq!(
            locate(&draft, "limit"),
            Some(FieldRef::Query("limit".into()))
        );
        draft.operation = "getPerson".into();
        assert_eq!(locate(&draft, "id"), Some(FieldRef::Path("id".into())));
    }

    #[test]
    fn a_server_error_stays_under_its_input_until_the_input_is_edited() {
        let sent = Draft::docs_example();
        let problem = Problem {
            fields: [
                ("email".to_owned(), "Invalid email format".to_owned()),
                ("Authorization".to_owned(), "Bad token".to_owned()),
            ]
            .into(),
            ..Problem::default()
        };
        let notes = FormNotes::new(&sent, Vec::new(), Some((&sent, &problem)));
        assert_eq!(
            notes.server,
            [FieldNote::new(
                FieldRef::Body("/email".into()),
                "Invalid email format"
            )]
        );
        assert_eq!(
            notes.unplaced,
            [("Authorization".to_owned(), "Bad token".to_owned())]
        );
        let mut edited = sent.clone();
        edited.load_body(&json!({"email": "x@y.zz"}));
        let notes = FormNotes::new(&edited, Vec::new(), Some((&sent, &problem)));
        assert!(notes.server.is_empty());
        assert_eq!(
            notes.unplaced.len(),
            1,
            "a note with no input stays in the summary"
        );
    }
}
