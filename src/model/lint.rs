//! The documented rules, checked as the user types. Lint never blocks a send: an explorer must be
//! able to send a bad request on purpose.

use std::collections::HashMap;

use super::body::{EMAIL, PHONE, USER_ID};
use super::draft::{Draft, FieldRow, WELL_KNOWN_TRAITS};
use super::field_notes::{FieldNote, FieldRef};

/// The longest `userId`, `email` and `phone` the docs allow, in characters.
pub const MAX_USER_ID: usize = 255;
pub const MAX_EMAIL: usize = 254;
pub const MAX_PHONE: usize = 50;

/// Warnings from the documented rules, for the draft as it stands.
pub fn lint(draft: &Draft) -> Vec<FieldNote> {
    let mut notes = Vec::new();
    let overrides = |key: &str| {
        draft
            .other_fields
            .iter()
            .any(|row| row.key == key && row.is_sent())
    };
    if draft.user_id.is_empty() && !overrides(USER_ID) {
        notes.push(FieldNote::new(
            FieldRef::UserId,
            "Required: the API rejects a person without a userId",
        ));
    }
    too_long(&mut notes, FieldRef::UserId, &draft.user_id, MAX_USER_ID);
    if !draft.email.is_empty() && !email_address::EmailAddress::is_valid(&draft.email) {
        notes.push(FieldNote::new(FieldRef::Email, "Not a valid email address"));
    }
    too_long(&mut notes, FieldRef::Email, &draft.email, MAX_EMAIL);
    too_long(&mut notes, FieldRef::Phone, &draft.phone, MAX_PHONE);

    let filled_traits = WELL_KNOWN_TRAITS
        .iter()
        .zip(&draft.traits)
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, _)| *key);
    lint_rows(
        &mut notes,
        &draft.custom_traits,
        FieldRef::CustomTrait,
        "custom trait",
        filled_traits,
    );
    let form_fields = [
        (USER_ID, &draft.user_id),
        (EMAIL, &draft.email),
        (PHONE, &draft.phone),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .map(|(key, _)| key);
    lint_rows(
        &mut notes,
        &draft.other_fields,
        FieldRef::OtherField,
        "field",
        form_fields,
    );
    notes
}

fn too_long(notes: &mut Vec<FieldNote>, field: FieldRef, text: &str, max: usize) {
    let length = text.chars().count();
    if length > max {
        notes.push(FieldNote::new(
            field,
            format!("At most {max} characters (this has {length})"),
        ));
    }
}

/// Empty and repeated keys, keys that replace a form field, and values that are not their type,
/// among the rows that are sent: a row left out replaces nothing.
fn lint_rows<'a>(
    notes: &mut Vec<FieldNote>,
    rows: &[FieldRow],
    field: fn(usize) -> FieldRef,
    noun: &str,
    form_keys: impl Iterator<Item = &'a str>,
) {
    let form_keys: Vec<&str> = form_keys.collect();
    let mut first_row: HashMap<&str, usize> = HashMap::new();
    for (index, row) in rows.iter().enumerate().filter(|(_, row)| row.is_sent()) {
        if row.key.is_empty() {
            notes.push(FieldNote::new(field(index), "The key is empty"));
        } else if let Some(first) = first_row.get(row.key.as_str()) {
            notes.push(FieldNote::new(
                field(index),
                format!("Same key as {noun} {}: this later one is sent", first + 1),
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

    fn messages(draft: &Draft, field: FieldRef) -> Vec<String> {
        lint(draft)
            .into_iter()
            .filter(|note| note.field == field)
            .map(|note| note.message)
            .collect()
    }

    #[test]
    fn the_docs_example_is_clean() {
        assert_eq!(lint(&Draft::docs_example()), []);
    }

    #[test]
    fn documented_rules() {
        let draft = Draft {
            email: "not-an-email".into(),
            phone: "1".repeat(51),
            ..Draft::default()
        };
        assert_eq!(
            messages(&draft, FieldRef::UserId),
            ["Required: the API rejects a person without a userId"]
        );
        assert_eq!(
            messages(&draft, FieldRef::Email),
            ["Not a valid email address"]
        );
        assert_eq!(
            messages(&draft, FieldRef::Phone),
            ["At most 50 characters (this has 51)"]
        );
        let long = Draft {
            user_id: "é".repeat(256),
            ..Draft::default()
        };
        assert_eq!(
            messages(&long, FieldRef::UserId),
            ["At most 255 characters (this has 256)"]
        );
    }

    #[test]
    fn rows() {
        let draft = Draft {
            user_id: "u".into(),
            traits: [
                "Ada".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
            ],
            custom_traits: vec![
                FieldRow::new("plan", ValueKind::String, "pro"),
                FieldRow::new("plan", ValueKind::String, "free"),
                FieldRow::new("", ValueKind::String, "orphan"),
                FieldRow::new("first_name", ValueKind::String, "Bea"),
                FieldRow::new("seats", ValueKind::Number, "many"),
                FieldRow::default(),
            ],
            other_fields: vec![FieldRow::new("userId", ValueKind::Number, "7")],
            ..Draft::default()
        };
        assert_eq!(
            messages(&draft, FieldRef::CustomTrait(0)),
            Vec::<String>::new()
        );
        assert_eq!(
            messages(&draft, FieldRef::CustomTrait(1)),
            ["Same key as custom trait 1: this later one is sent"]
        );
        assert_eq!(
            messages(&draft, FieldRef::CustomTrait(2)),
            ["The key is empty"]
        );
        assert_eq!(
            messages(&draft, FieldRef::CustomTrait(3)),
            ["Replaces the first_name input above"]
        );
        assert_eq!(
            messages(&draft, FieldRef::CustomTrait(4)),
            ["not a number: sent as a string"]
        );
        assert_eq!(
            messages(&draft, FieldRef::CustomTrait(5)),
            Vec::<String>::new()
        );
        assert_eq!(
            messages(&draft, FieldRef::OtherField(0)),
            ["Replaces the userId input above"]
        );
    }

    #[test]
    fn rows_left_out_for_an_empty_value_are_not_linted_as_sent() {
        let draft = Draft {
            custom_traits: vec![
                FieldRow::new("plan", ValueKind::String, "pro"),
                FieldRow::new("plan", ValueKind::String, ""),
                FieldRow::new("seats", ValueKind::Number, ""),
            ],
            other_fields: vec![FieldRow::new("userId", ValueKind::String, "")],
            ..Draft::default()
        };
        assert_eq!(
            messages(&draft, FieldRef::CustomTrait(1)),
            Vec::<String>::new()
        );
        assert_eq!(
            messages(&draft, FieldRef::CustomTrait(2)),
            Vec::<String>::new(),
            "an empty number is not sent as a string"
        );
        assert_eq!(
            messages(&draft, FieldRef::UserId),
            ["Required: the API rejects a person without a userId"],
            "an empty userId row does not stand in for the input"
        );
    }
}
