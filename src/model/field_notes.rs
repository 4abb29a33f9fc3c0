//! Messages placed under the form's inputs: which input a server's field path names, and the
//! notes the form shows — the last answer's field errors (until their input is edited) and the
//! lint warnings for the draft as it stands. The one place that maps field errors to inputs.

use super::body::{EMAIL, PHONE, USER_ID};
use super::draft::{Draft, FieldRow, WELL_KNOWN_TRAITS};
use super::problem::Problem;

/// An input of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldRef {
    UserId,
    Email,
    Phone,
    /// A well-known trait, by its index in [`WELL_KNOWN_TRAITS`].
    Trait(usize),
    /// A custom trait row, by position.
    CustomTrait(usize),
    /// An other-field row, by position.
    OtherField(usize),
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

/// The input a server's field path (`email`, `traits.locale`, `anonymousId`) refers to.
pub fn locate(draft: &Draft, path: &str) -> Option<FieldRef> {
    // The row whose value went out: of rows with the same key the last one sent wins, and a row
    // left out for an empty value sent nothing the server could have judged.
    let row = |rows: &[FieldRow], key: &str| {
        rows.iter()
            .rposition(|row| row.key == key && row.is_sent())
            .or_else(|| rows.iter().position(|row| row.key == key))
    };
    if let Some(key) = path.strip_prefix("traits.") {
        return row(&draft.custom_traits, key)
            .map(FieldRef::CustomTrait)
            .or_else(|| {
                WELL_KNOWN_TRAITS
                    .iter()
                    .position(|known| *known == key)
                    .map(FieldRef::Trait)
            });
    }
    match path {
        USER_ID => Some(FieldRef::UserId),
        EMAIL => Some(FieldRef::Email),
        PHONE => Some(FieldRef::Phone),
        _ => row(&draft.other_fields, path).map(FieldRef::OtherField),
    }
}

/// What an input holds (for a row: its key, type and value), to tell whether it changed since a send.
pub fn input_text(draft: &Draft, field: FieldRef) -> String {
    let row_text = |row: Option<&FieldRow>| {
        row.map(|row| format!("{}\u{0}{:?}\u{0}{}", row.key, row.kind, row.value))
            .unwrap_or_default()
    };
    match field {
        FieldRef::UserId => draft.user_id.clone(),
        FieldRef::Email => draft.email.clone(),
        FieldRef::Phone => draft.phone.clone(),
        FieldRef::Trait(index) => draft.traits.get(index).cloned().unwrap_or_default(),
        FieldRef::CustomTrait(index) => row_text(draft.custom_traits.get(index)),
        FieldRef::OtherField(index) => row_text(draft.other_fields.get(index)),
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
                Some(field) if input_text(draft, field) == input_text(sent, field) => {
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
    pub fn for_field(&self, field: FieldRef) -> impl Iterator<Item = (bool, &str)> {
        let server = self.server.iter().map(|note| (true, note));
        let lint = self.lint.iter().map(|note| (false, note));
        server
            .chain(lint)
            .filter(move |(_, note)| note.field == field)
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

    #[test]
    fn server_paths_find_their_inputs() {
        let draft = Draft {
            custom_traits: vec![
                FieldRow::new("plan", ValueKind::String, "pro"),
                FieldRow::new("locale", ValueKind::Null, ""),
            ],
            other_fields: vec![FieldRow::new("anonymousId", ValueKind::String, "a")],
            ..Draft::default()
        };
        assert_eq!(locate(&draft, "userId"), Some(FieldRef::UserId));
        assert_eq!(
            locate(&draft, "traits.first_name"),
            Some(FieldRef::Trait(0))
        );
        assert_eq!(locate(&draft, "traits.phone"), Some(FieldRef::Trait(2)));
        assert_eq!(
            locate(&draft, "traits.plan"),
            Some(FieldRef::CustomTrait(0))
        );
        assert_eq!(
            locate(&draft, "traits.locale"),
            Some(FieldRef::CustomTrait(1)),
            "the row that sent it"
        );
        assert_eq!(locate(&draft, "anonymousId"), Some(FieldRef::OtherField(0)));
        assert_eq!(locate(&draft, "Authorization"), None);
        assert_eq!(locate(&draft, "traits.unknown"), None);

        // Of rows with one key, the error belongs to the one whose value went out.
        let repeated = Draft {
            custom_traits: vec![
                FieldRow::new("plan", ValueKind::String, "free"),
                FieldRow::new("plan", ValueKind::String, "pro"),
                FieldRow::new("plan", ValueKind::String, ""),
            ],
            ..Draft::default()
        };
        assert_eq!(
            locate(&repeated, "traits.plan"),
            Some(FieldRef::CustomTrait(1))
        );
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
            [FieldNote::new(FieldRef::Email, "Invalid email format")]
        );
        assert_eq!(
            notes.unplaced,
            [("Authorization".to_owned(), "Bad token".to_owned())]
        );
        let mut edited = sent.clone();
        edited.email.push('x');
        let notes = FormNotes::new(&edited, Vec::new(), Some((&sent, &problem)));
        assert!(notes.server.is_empty());
        assert_eq!(
            notes.unplaced.len(),
            1,
            "a note with no input stays in the summary"
        );
    }
}
