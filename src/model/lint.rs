//! The documented rules, checked as the user types: the contract's (JSON Schema for the body, the
//! parameters' types, identifiers of the wrong kind; see `contract::validate`), each placed on its
//! input by instance path, and the free rows' own. Lint never blocks a send: an explorer must be
//! able to send a bad request on purpose.

use std::collections::HashMap;

use serde_json::Value;

use super::draft::{Draft, FieldRow};
use super::field_notes::{FieldNote, FieldRef, locate_in_body};
use super::form::{FormValue, Shape, pointer_child, required, to_json};

/// Warnings for the draft as it stands.
pub fn lint(draft: &Draft) -> Vec<FieldNote> {
    let mut notes = Vec::new();
    let Some(operation) = draft.operation() else {
        return notes;
    };
    for param in &operation.path_params {
        let value = draft
            .values
            .path
            .get(&param.name)
            .map_or("", String::as_str);
        for message in param.check(value) {
            notes.push(FieldNote::new(FieldRef::Path(param.name.clone()), message));
        }
    }
    for param in &operation.query_params {
        let value = draft
            .values
            .query
            .get(&param.name)
            .map_or("", String::as_str);
        for message in param.check(value) {
            notes.push(FieldNote::new(FieldRef::Query(param.name.clone()), message));
        }
    }
    if let Some(body) = &operation.body {
        let json = draft.values.body.body_json(&body.schema);
        for finding in operation.check_body(&json) {
            let field = locate_in_body(&body.schema, &draft.values.body, &finding.instance_path)
                .unwrap_or(FieldRef::Body(finding.instance_path));
            notes.push(FieldNote::new(field, finding.message));
        }
        lint_rows_within(&body.schema, &draft.values.body, "", &mut notes);
    }
    notes
}

/// The rows of every object in the body, at any depth.
fn lint_rows_within(schema: &Value, value: &FormValue, pointer: &str, notes: &mut Vec<FieldNote>) {
    match (Shape::of(schema), value) {
        (Shape::Object { properties, .. }, FormValue::Object { fields, rows }) => {
            let required = required(schema);
            let filled: Vec<&str> = properties
                .iter()
                .filter(|(name, property)| {
                    fields.get(*name).is_some_and(|value| {
                        to_json(property, value, required.contains(name)).is_some()
                    })
                })
                .map(|(name, _)| *name)
                .collect();
            lint_rows(notes, rows, pointer, &filled);
            for (name, property) in properties {
                if let Some(value) = fields.get(name) {
                    lint_rows_within(property, value, &pointer_child(pointer, name), notes);
                }
            }
        }
        (Shape::List(items), FormValue::List(values)) => {
            for (index, value) in values.iter().enumerate() {
                lint_rows_within(
                    items,
                    value,
                    &pointer_child(pointer, &index.to_string()),
                    notes,
                );
            }
        }
        _ => {}
    }
}

/// Empty and repeated keys, keys that replace a typed input, and values that are not their type,
/// among the rows that are sent: a row left out replaces nothing.
fn lint_rows(notes: &mut Vec<FieldNote>, rows: &[FieldRow], object: &str, form_keys: &[&str]) {
    let field = |index| FieldRef::Row {
        object: object.to_owned(),
        index,
    };
    let mut first_row: HashMap<&str, usize> = HashMap::new();
    for (index, row) in rows.iter().enumerate().filter(|(_, row)| row.is_sent()) {
        if row.key.is_empty() {
            notes.push(FieldNote::new(field(index), "The key is empty"));
        } else if let Some(first) = first_row.get(row.key.as_str()) {
            notes.push(FieldNote::new(
                field(index),
                format!("Same key as row {}: this later one is sent", first + 1),
            ));
        } else if form_keys.contains(&row.key.as_str()) {
            notes.push(FieldNote::new(
                field(index),
                format!("Replaces the {} input above", row.key),
            ));
        }
        first_row.entry(row.key.as_str()).or_insert(index);
        if let Some(note) = row.json_value().fallback_note {
            notes.push(FieldNote::new(field(index), note));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ValueKind;
    use serde_json::json;

    fn messages(draft: &Draft, field: FieldRef) -> Vec<String> {
        lint(draft)
            .into_iter()
            .filter(|note| note.field == field)
            .map(|note| note.message)
            .collect()
    }

    fn traits_row(index: usize) -> FieldRef {
        FieldRef::Row {
            object: "/traits".into(),
            index,
        }
    }

    fn with_rows(body: Value, traits: Vec<FieldRow>, other: Vec<FieldRow>) -> Draft {
        let mut draft = Draft::docs_example();
        draft.load_body(&body);
        let object = json!({"type": "object"});
        let traits_value = draft.values.body.field_mut("traits", &object).unwrap();
        traits_value.rows_mut().unwrap().extend(traits);
        draft.values.body.rows_mut().unwrap().extend(other);
        draft
    }

    #[test]
    fn the_docs_example_is_clean() {
        assert_eq!(lint(&Draft::docs_example()), []);
    }

    #[test]
    fn path_and_query_values_follow_their_parameters() {
        let mut draft = Draft::docs_example();
        draft.operation = "getPerson".into();
        draft.values.path.insert("id".into(), String::new());
        assert_eq!(messages(&draft, FieldRef::Path("id".into())), ["Required"]);
        draft.operation = "listPeople".into();
        draft.values.query.insert("limit".into(), "101".into());
        assert_eq!(
            messages(&draft, FieldRef::Query("limit".into())),
            ["At most 100"]
        );
    }

    #[test]
    fn body_findings_land_on_their_input_or_on_the_row_that_sent_the_value() {
        let draft = with_rows(
            json!({"email": "not-an-email", "phone": "1".repeat(51)}),
            vec![],
            vec![],
        );
        assert_eq!(
            messages(&draft, FieldRef::Body("/userId".into())),
            ["Required"]
        );
        assert_eq!(
            messages(&draft, FieldRef::Body("/email".into())),
            ["Not a valid email address"]
        );
        assert_eq!(
            messages(&draft, FieldRef::Body("/phone".into())),
            ["At most 50 characters (this has 51)"]
        );
        let replaced = with_rows(
            json!({"userId": "u"}),
            vec![],
            vec![FieldRow::new("userId", ValueKind::Number, "7")],
        );
        let row = FieldRef::Row {
            object: String::new(),
            index: 0,
        };
        assert_eq!(
            messages(&replaced, row).len(),
            2,
            "replaces the input, and is not a string"
        );
    }

    #[test]
    fn rows() {
        let draft = with_rows(
            json!({"userId": "u", "traits": {"first_name": "Ada"}}),
            vec![
                FieldRow::new("plan", ValueKind::String, "pro"),
                FieldRow::new("plan", ValueKind::String, "free"),
                FieldRow::new("", ValueKind::String, "orphan"),
                FieldRow::new("first_name", ValueKind::String, "Bea"),
                FieldRow::new("seats", ValueKind::Number, "many"),
                FieldRow::default(),
            ],
            vec![FieldRow::new("userId", ValueKind::Number, "7")],
        );
        assert_eq!(messages(&draft, traits_row(0)), Vec::<String>::new());
        assert_eq!(
            messages(&draft, traits_row(1)),
            ["Same key as row 1: this later one is sent"]
        );
        assert_eq!(messages(&draft, traits_row(2)), ["The key is empty"]);
        assert_eq!(
            messages(&draft, traits_row(3)),
            ["Replaces the first_name input above"]
        );
        assert_eq!(
            messages(&draft, traits_row(4)),
            ["not a number: sent as a string"]
        );
        assert_eq!(messages(&draft, traits_row(5)), Vec::<String>::new());
        assert_eq!(
            messages(
                &draft,
                FieldRef::Row {
                    object: String::new(),
                    index: 0
                }
            ),
            ["Must be text", "Replaces the userId input above"],
            "the contract's finding lands on the row that sent the value"
        );
    }

    #[test]
    fn rows_left_out_for_an_empty_value_are_not_linted_as_sent() {
        let draft = with_rows(
            json!({"userId": "u"}),
            vec![
                FieldRow::new("plan", ValueKind::String, "pro"),
                FieldRow::new("plan", ValueKind::String, ""),
                FieldRow::new("seats", ValueKind::Number, ""),
            ],
            vec![FieldRow::new("userId", ValueKind::String, "")],
        );
        assert_eq!(messages(&draft, traits_row(1)), Vec::<String>::new());
        assert_eq!(
            messages(&draft, traits_row(2)),
            Vec::<String>::new(),
            "an empty number is not sent as a string"
        );
        assert_eq!(
            messages(
                &draft,
                FieldRef::Row {
                    object: String::new(),
                    index: 0
                }
            ),
            Vec::<String>::new()
        );
    }
}
