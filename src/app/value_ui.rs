//! The one form renderer: any operation's parameters and body, drawn from the contract's schemas.
//! Nothing here is written per operation: a string gets a text input with its format, an enum a
//! drop-down, a boolean a checkbox, an object a section with free rows for the keys it leaves
//! open, an array a list editor.

use egui::{RichText, TextEdit, Ui};
use serde_json::Value;

use crate::contract::{DocsNote, IdentifierKind, NoteAt, Operation, ParamKind};
use crate::model::field_notes::{FieldRef, FormNotes};
use crate::model::form::{FormValue, Shape, pointer_child, required};
use crate::model::{FieldRow, OperationValues, ValueKind};

/// Width of the label column, so the inputs line up.
pub const LABEL_WIDTH: f32 = 96.0;

/// What every input needs besides its value: the messages under it, the docs' notes beside it,
/// and where a value put in for the user came from.
pub struct FormContext<'a> {
    pub notes: &'a FormNotes,
    pub operation: &'a Operation,
    pub origins: &'a Origins,
}

/// Where values put into the form for the user came from (an answer's field, by a link), said
/// under their input for as long as it holds that value.
#[derive(Default)]
pub struct Origins(Vec<Origin>);

struct Origin {
    operation: String,
    field: FieldRef,
    value: String,
    note: String,
}

impl Origins {
    pub fn note(&mut self, operation: &str, field: FieldRef, value: &str, note: String) {
        self.0
            .retain(|origin| origin.operation != operation || origin.field != field);
        self.0.push(Origin {
            operation: operation.to_owned(),
            field,
            value: value.to_owned(),
            note,
        });
    }

    fn for_field(&self, operation: &str, field: &FieldRef, current: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|origin| {
                origin.operation == operation && origin.field == *field && origin.value == current
            })
            .map(|origin| origin.note.as_str())
    }
}

/// "From the answer of createPerson (/id)" under an input that still holds that value.
fn origin_ui(ui: &mut Ui, context: &FormContext<'_>, field: &FieldRef, current: &str) {
    if let Some(note) = context
        .origins
        .for_field(&context.operation.id, field, current)
    {
        ui.horizontal(|ui| {
            ui.add_space(LABEL_WIDTH + ui.spacing().item_spacing.x);
            ui.label(RichText::new(note).weak().small());
        });
    }
}

impl FormContext<'_> {
    fn docs_notes(&self, at: &NoteAt) -> impl Iterator<Item = &DocsNote> {
        self.operation
            .notes
            .iter()
            .filter(move |note| note.at == *at)
    }
}

/// The path and query parameters, then the body.
pub fn operation_form_ui(ui: &mut Ui, context: &FormContext<'_>, values: &mut OperationValues) {
    let operation = context.operation;
    if !operation.path_params.is_empty() {
        section_heading(ui, "Path");
        for param in &operation.path_params {
            let value = values.path.entry(param.name.clone()).or_default();
            let label = format!("{} *", param.name);
            let hint = identifier_hint(param.identifier);
            let at = NoteAt::Parameter(param.name.clone());
            labelled_row_ui(
                ui,
                &param.name,
                &label,
                &param.description,
                context,
                &at,
                |ui| {
                    let field = ui
                        .add(
                            TextEdit::singleline(value)
                                .hint_text(hint)
                                .char_limit(MAX_FIELD_CHARS)
                                .desired_width(f32::INFINITY),
                        )
                        .accessible_name(&param.name);
                    cut_note_ui(ui, value);
                    field
                },
            );
            let field = FieldRef::Path(param.name.clone());
            notes_ui(ui, context.notes, &field);
            origin_ui(ui, context, &field, value);
        }
        ui.add_space(8.0);
    }
    if !operation.query_params.is_empty() {
        section_heading(ui, "Query");
        for param in &operation.query_params {
            let value = values.query.entry(param.name.clone()).or_default();
            let label = if param.required {
                format!("{} *", param.name)
            } else {
                param.name.clone()
            };
            let at = NoteAt::Parameter(param.name.clone());
            labelled_row_ui(
                ui,
                &param.name,
                &label,
                &param.description,
                context,
                &at,
                |ui| query_input_ui(ui, &param.name, &param.kind, value),
            );
            let field = FieldRef::Query(param.name.clone());
            notes_ui(ui, context.notes, &field);
            origin_ui(ui, context, &field, value);
        }
        ui.add_space(8.0);
    }
    if let Some(body) = &operation.body {
        section_heading(ui, "Body");
        ui.label(RichText::new("Empty fields are left out of the body.").weak());
        body_ui(ui, context, &body.schema, &mut values.body);
    } else if operation.path_params.is_empty() && operation.query_params.is_empty() {
        ui.label(RichText::new("This operation takes no values.").weak());
    }
}

/// What a path value of this kind looks like, as the input's hint.
fn identifier_hint(kind: IdentifierKind) -> &'static str {
    match kind {
        IdentifierKind::ExternalId => "your userId",
        IdentifierKind::ExternalIdOrEmail => "your userId, or the email",
        IdentifierKind::PersonUuid => "Flameup's UUID of the person",
        IdentifierKind::ExternalIdOrPersonUuid => "your userId, or Flameup's UUID",
        IdentifierKind::WorkspaceId => "ws_abc123",
        IdentifierKind::CampaignId => "camp_…",
    }
}

fn query_input_ui(ui: &mut Ui, name: &str, kind: &ParamKind, value: &mut String) -> egui::Response {
    match kind {
        ParamKind::Enum(choices) => {
            let choices: Vec<&str> = choices.iter().map(String::as_str).collect();
            choice_input_ui(ui, name, &choices, value)
        }
        ParamKind::Boolean => boolean_input_ui(ui, name, value),
        ParamKind::Integer { minimum, maximum } => {
            text_input_ui(ui, name, value, &integer_hint(*minimum, *maximum))
        }
        ParamKind::Number => text_input_ui(ui, name, value, "a number"),
        ParamKind::String { format } => match format.as_deref() {
            Some("date-time") => date_time_input_ui(ui, name, value),
            Some(format) => text_input_ui(ui, name, value, format),
            None => text_input_ui(ui, name, value, ""),
        },
    }
}

fn integer_hint(minimum: Option<i64>, maximum: Option<i64>) -> String {
    match (minimum, maximum) {
        (Some(low), Some(high)) => format!("whole number, {low}–{high}"),
        (Some(low), None) => format!("whole number, at least {low}"),
        (None, Some(high)) => format!("whole number, at most {high}"),
        (None, None) => "whole number".to_owned(),
    }
}

/// The body (or a part of it) by its schema. `pointer` is where it is in the body.
fn body_ui(ui: &mut Ui, context: &FormContext<'_>, schema: &Value, value: &mut FormValue) {
    value_ui(ui, context, schema, "", "", value);
}

/// One part of the body: an object's properties and rows, a list's items, or one input.
fn value_ui(
    ui: &mut Ui,
    context: &FormContext<'_>,
    schema: &Value,
    pointer: &str,
    schema_pointer: &str,
    value: &mut FormValue,
) {
    match Shape::of(schema) {
        Shape::Object { properties, open } => {
            if !matches!(value, FormValue::Object { .. }) {
                *value = FormValue::empty_object();
            }
            let required = required(schema);
            for (name, property) in properties {
                let child = pointer_child(pointer, name);
                let child_schema =
                    pointer_child(&pointer_child(schema_pointer, "properties"), name);
                let Some(field) = value.field_mut(name, property) else {
                    continue;
                };
                property_ui(
                    ui,
                    context,
                    (name, required.contains(&name)),
                    property,
                    (&child, &child_schema),
                    field,
                );
            }
            if open && let Some(rows) = value.rows_mut() {
                object_rows_ui(ui, context.notes, pointer, rows);
            }
        }
        Shape::List(items) => {
            let items_pointer = pointer_child(schema_pointer, "items");
            list_ui(ui, context, items, pointer, &items_pointer, value);
        }
        shape => {
            let name = display_path(pointer);
            text_input_of(ui, value, |ui, text| input_ui(ui, &name, &shape, text));
        }
    }
}

/// A property of an object: a labelled input, or a titled section for an object or a list.
fn property_ui(
    ui: &mut Ui,
    context: &FormContext<'_>,
    (name, is_required): (&str, bool),
    schema: &Value,
    (pointer, schema_pointer): (&str, &str),
    value: &mut FormValue,
) {
    let shape = Shape::of(schema);
    let label = if is_required {
        format!("{name} *")
    } else {
        name.to_owned()
    };
    let description = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let at = NoteAt::Body(schema_pointer.to_owned());
    if shape.is_input() || shape == Shape::Json {
        let path = display_path(pointer);
        labelled_row_ui(ui, &path, &label, description, context, &at, |ui| {
            text_input_of(ui, value, |ui, text| {
                if shape == Shape::Json {
                    json_input_ui(ui, &path, text)
                } else {
                    input_ui(ui, &path, &shape, text)
                }
            })
        });
        let field = FieldRef::Body(pointer.to_owned());
        notes_ui(ui, context.notes, &field);
        origin_ui(ui, context, &field, value.text());
        return;
    }
    ui.add_space(4.0);
    egui::CollapsingHeader::new(RichText::new(&label).strong())
        .id_salt(("section", pointer))
        .default_open(true)
        .show(ui, |ui| {
            if !description.is_empty() {
                ui.label(RichText::new(description).weak());
            }
            docs_notes_ui(ui, context, &at);
            value_ui(ui, context, schema, pointer, schema_pointer, value);
        });
    notes_ui(ui, context.notes, &FieldRef::Body(pointer.to_owned()));
}

/// The list editor: each item with move up, move down, duplicate and remove, and an add button.
fn list_ui(
    ui: &mut Ui,
    context: &FormContext<'_>,
    items: &Value,
    pointer: &str,
    items_pointer: &str,
    value: &mut FormValue,
) {
    if !matches!(value, FormValue::List(_)) {
        *value = FormValue::List(Vec::new());
    }
    let FormValue::List(list) = value else {
        return;
    };
    let name = display_path(pointer);
    let mut edit = None;
    let count = list.len();
    let scalar_items = Shape::of(items).is_input();
    for (index, item) in list.iter_mut().enumerate() {
        let item_pointer = pointer_child(pointer, &index.to_string());
        let item_name = format!("{name}[{index}]");
        let buttons = |ui: &mut Ui| {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                list_item_buttons_ui(ui, &item_name, index, count)
            })
            .inner
        };
        if scalar_items {
            // One line: the value, then its buttons at the right.
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("[{index}]")).monospace());
                let item_edit = buttons(ui);
                edit = item_edit.or(edit);
                value_ui(ui, context, items, &item_pointer, items_pointer, item);
            });
            continue;
        }
        let id = ui.make_persistent_id(("list item", pointer, index));
        let state =
            egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), id, true);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            state
                .show_header(ui, |ui| {
                    ui.label(RichText::new(&item_name).strong());
                    ui.label(RichText::new(item_summary(items, item)).weak());
                    edit = buttons(ui).or(edit);
                })
                .body(|ui| value_ui(ui, context, items, &item_pointer, items_pointer, item));
        });
    }
    if let Some(edit) = edit {
        edit.apply(list);
    }
    let noun = if scalar_items { "value" } else { "item" };
    let add = ui
        .button(format!("+ Add {noun}"))
        .on_hover_text(format!("Add one to {name} ({count} now)"));
    if add.clicked() {
        list.push(FormValue::empty(items));
    }
}

/// What tells an item of a list apart when it is folded: its first filled-in input, in the
/// schema's order (a person's userId).
fn item_summary(schema: &Value, item: &FormValue) -> String {
    let Shape::Object { properties, .. } = Shape::of(schema) else {
        return String::new();
    };
    properties
        .iter()
        .filter(|(_, property)| Shape::of(property).is_input())
        .find_map(|(name, _)| {
            let text = item.at(&pointer_child("", name))?.text();
            (!text.is_empty()).then(|| format!("{name}: {text}"))
        })
        .unwrap_or_default()
}

/// An edit of a list, applied after the list is drawn.
#[derive(Clone, Copy)]
enum ListEdit {
    Up(usize),
    Down(usize),
    Duplicate(usize),
    Remove(usize),
}

impl ListEdit {
    fn apply(self, list: &mut Vec<FormValue>) {
        match self {
            Self::Up(index) if index > 0 => list.swap(index, index - 1),
            Self::Down(index) if index + 1 < list.len() => list.swap(index, index + 1),
            Self::Duplicate(index) => {
                if let Some(item) = list.get(index).cloned() {
                    list.insert(index + 1, item);
                }
            }
            Self::Remove(index) if index < list.len() => {
                list.remove(index);
            }
            _ => {}
        }
    }
}

fn list_item_buttons_ui(ui: &mut Ui, name: &str, index: usize, count: usize) -> Option<ListEdit> {
    let mut edit = None;
    let mut button = |ui: &mut Ui, text: &str, what: &str, enabled: bool, action: ListEdit| {
        let response = ui
            .add_enabled(enabled, egui::Button::new(text).small())
            .on_hover_text(format!("{what} {name}"))
            .accessible_name(format!("{what} {name}"));
        if response.clicked() {
            edit = Some(action);
        }
    };
    button(ui, "×", "Remove", true, ListEdit::Remove(index));
    button(
        ui,
        "Duplicate",
        "Duplicate",
        true,
        ListEdit::Duplicate(index),
    );
    button(
        ui,
        "Down",
        "Move down",
        index + 1 < count,
        ListEdit::Down(index),
    );
    button(ui, "Up", "Move up", index > 0, ListEdit::Up(index));
    edit
}

/// A label column (with the description on hover and the docs' notes beside it) and an input,
/// named `name` for assistive technology (a parameter's name, a body input's path).
fn labelled_row_ui(
    ui: &mut Ui,
    name: &str,
    label: &str,
    description: &str,
    context: &FormContext<'_>,
    at: &NoteAt,
    input: impl FnOnce(&mut Ui) -> egui::Response,
) {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        let label = if description.is_empty() {
            label
        } else {
            label.on_hover_text(description)
        };
        let mut used = label.rect.width();
        for note in context.docs_notes(at) {
            used += docs_note_icon_ui(ui, note).rect.width() + ui.spacing().item_spacing.x;
        }
        ui.add_space((LABEL_WIDTH - used).max(0.0));
        // Related to its label, which then is not announced (or found) on its own; the input
        // keeps the name it was given: its path in the body.
        input(ui).labelled_by(label.id).accessible_name(name);
    });
}

/// The docs' notes on a section, in full, under its title.
fn docs_notes_ui(ui: &mut Ui, context: &FormContext<'_>, at: &NoteAt) {
    for note in context.docs_notes(at) {
        ui.horizontal_wrapped(|ui| {
            docs_note_icon_ui(ui, note);
            ui.label(RichText::new(&note.text).weak().small());
        });
    }
}

/// A small marker beside a field whose docs contradict themselves (or that no page shows): the
/// note on hover.
fn docs_note_icon_ui(ui: &mut Ui, note: &DocsNote) -> egui::Response {
    let (mark, title) = if note.inferred {
        ("inferred", "Inferred: no docs page shows this")
    } else {
        ("docs", "The docs disagree here")
    };
    ui.label(
        RichText::new(mark)
            .small()
            .color(ui.visuals().warn_fg_color),
    )
    .on_hover_text(format!("{title}.\n\n{}", note.text))
}

/// An input for `value`'s text. A value saved in another shape (the contract changed since) is
/// emptied into an input, which shows from the next frame.
fn text_input_of(
    ui: &mut Ui,
    value: &mut FormValue,
    input: impl FnOnce(&mut Ui, &mut String) -> egui::Response,
) -> egui::Response {
    match value {
        FormValue::Input(text) | FormValue::Json(text) => input(ui, text),
        FormValue::Object { .. } | FormValue::List(_) => {
            *value = FormValue::Input(String::new());
            ui.label("")
        }
    }
}

/// One input for a scalar shape, named by its path in the body.
fn input_ui(ui: &mut Ui, name: &str, shape: &Shape<'_>, text: &mut String) -> egui::Response {
    match shape {
        Shape::Choice(choices) => choice_input_ui(ui, name, choices, text),
        Shape::Boolean => boolean_input_ui(ui, name, text),
        Shape::Integer => text_input_ui(ui, name, text, "whole number"),
        Shape::Number => text_input_ui(ui, name, text, "a number"),
        Shape::Text {
            format: Some("date-time"),
        } => date_time_input_ui(ui, name, text),
        Shape::Text { format } => text_input_ui(ui, name, text, format.unwrap_or_default()),
        _ => json_input_ui(ui, name, text),
    }
}

/// The most characters a one-line input takes: a huge paste is cut here, so laying the field
/// out each frame stays quick and the saved state stays small.
pub const MAX_FIELD_CHARS: usize = 64 * 1024;

/// What a one-line input says once a paste was cut at [`MAX_FIELD_CHARS`].
pub const CUT_NOTE: &str = "Pasted text cut at 64 KiB: use a JSON row or a body file for more.";

/// Says so under a one-line input whose text reached [`MAX_FIELD_CHARS`].
fn cut_note_ui(ui: &mut Ui, text: &str) {
    // Counting characters only when the bytes could be that many.
    if text.len() >= MAX_FIELD_CHARS && text.chars().count() >= MAX_FIELD_CHARS {
        ui.label(
            RichText::new(CUT_NOTE)
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }
}

fn text_input_ui(ui: &mut Ui, name: &str, text: &mut String, hint: &str) -> egui::Response {
    let field = ui
        .add(
            TextEdit::singleline(text)
                .hint_text(hint)
                .char_limit(MAX_FIELD_CHARS)
                .desired_width(f32::INFINITY),
        )
        .accessible_name(name);
    cut_note_ui(ui, text);
    field
}

fn json_input_ui(ui: &mut Ui, name: &str, text: &mut String) -> egui::Response {
    ui.add(
        TextEdit::multiline(text)
            .code_editor()
            .desired_rows(1)
            .hint_text(r#"any JSON, e.g. {"a": [1]}"#)
            .desired_width(f32::INFINITY),
    )
    .accessible_name(name)
}

/// A date-time as typed, and "now" to fill in the current time (RFC 3339, UTC).
fn date_time_input_ui(ui: &mut Ui, name: &str, text: &mut String) -> egui::Response {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if ui
            .small_button("now")
            .on_hover_text("The current time, in UTC")
            .accessible_name(format!("{name}: now"))
            .clicked()
        {
            *text = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
        }
        text_input_ui(ui, name, text, "2026-01-31T12:00:00Z")
    })
    .inner
}

/// What an empty choice or boolean shows: it is left out of the request.
const LEFT_OUT: &str = "(left out)";

fn choice_input_ui(ui: &mut Ui, name: &str, choices: &[&str], text: &mut String) -> egui::Response {
    let selected = if text.is_empty() {
        LEFT_OUT
    } else {
        text.as_str()
    };
    egui::ComboBox::from_id_salt(("choice", name))
        .selected_text(selected.to_owned())
        .show_ui(ui, |ui| {
            ui.selectable_value(text, String::new(), LEFT_OUT);
            for choice in choices {
                ui.selectable_value(text, (*choice).to_owned(), *choice);
            }
        })
        .response
        .accessible_name(name)
}

/// A checkbox for `true`/`false`, with a way to leave the value out again.
fn boolean_input_ui(ui: &mut Ui, name: &str, text: &mut String) -> egui::Response {
    ui.horizontal(|ui| {
        let mut checked = text.trim() == "true";
        let caption = match text.trim() {
            "" => LEFT_OUT,
            "true" => "true",
            "false" => "false",
            _ => "not true or false",
        };
        let response = ui.checkbox(&mut checked, caption).accessible_name(name);
        if response.changed() {
            *text = checked.to_string();
        }
        if !text.is_empty()
            && ui
                .small_button("×")
                .on_hover_text("Leave it out of the request")
                .accessible_name(format!("Leave {name} out"))
                .clicked()
        {
            text.clear();
        }
        response
    })
    .inner
}

/// A body pointer as users write field paths: `traits.first_name`, `people.2.email`.
fn display_path(pointer: &str) -> String {
    crate::model::form::pointer_steps(pointer)
        .collect::<Vec<_>>()
        .join(".")
}

/// The free rows of an object: key, type, value, each removable, and an add button.
fn object_rows_ui(ui: &mut Ui, notes: &FormNotes, pointer: &str, rows: &mut Vec<FieldRow>) {
    let noun = if pointer.is_empty() {
        "Field".to_owned()
    } else {
        format!("{} field", display_path(pointer))
    };
    let lower_noun = noun.to_lowercase();
    let mut remove = None;
    // A row just added takes the keyboard, so its key can be typed at once.
    let focus_id = ui.make_persistent_id(("focus new row", pointer));
    let focus_row = ui.data_mut(|data| data.remove_temp::<usize>(focus_id));
    for (index, row) in rows.iter_mut().enumerate() {
        let number = index + 1;
        ui.horizontal(|ui| {
            let key = ui
                .add(
                    TextEdit::singleline(&mut row.key)
                        .hint_text("key")
                        .desired_width(LABEL_WIDTH + 14.0),
                )
                .accessible_name(format!("{noun} {number} key"));
            if focus_row == Some(index) {
                key.request_focus();
            }
            egui::ComboBox::from_id_salt(("kind", pointer, index))
                .width(76.0)
                .selected_text(row.kind.label())
                .show_ui(ui, |ui| {
                    for kind in ValueKind::ALL {
                        ui.selectable_value(&mut row.kind, kind, kind.label());
                    }
                })
                .response
                .accessible_name(format!("{noun} {number} type"));
            // The remove button goes at the far right; the value takes what is left between.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("×")
                    .on_hover_text(format!("Remove {lower_noun} {number}"))
                    .accessible_name(format!("Remove {lower_noun} {number}"))
                    .clicked()
                {
                    remove = Some(index);
                }
                ui.add_enabled(
                    row.kind != ValueKind::Null,
                    TextEdit::singleline(&mut row.value)
                        .hint_text(value_hint(row.kind))
                        .desired_width(f32::INFINITY),
                )
                .accessible_name(format!("{noun} {number} value"));
            });
        });
        notes_ui(
            ui,
            notes,
            &FieldRef::Row {
                object: pointer.to_owned(),
                index,
            },
        );
    }
    if let Some(index) = remove {
        rows.remove(index);
    }
    let add = if pointer.is_empty() {
        "+ Add other field".to_owned()
    } else {
        format!("+ Add field to {}", display_path(pointer))
    };
    if ui
        .button(add)
        .on_hover_text(
            "A key of your own, with a typed value. A key named like an input above replaces it.",
        )
        .clicked()
    {
        rows.push(FieldRow::default());
        let new_row = rows.len() - 1;
        ui.data_mut(|data| data.insert_temp(focus_id, new_row));
    }
}

fn value_hint(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::String => "text",
        ValueKind::Number => "42",
        ValueKind::Boolean => "true or false",
        ValueKind::Null => "null",
        ValueKind::Json => r#"{"any": ["JSON"]}"#,
    }
}

pub fn section_heading(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(text).strong().size(15.0));
}

/// The messages for one input, errors first, each on its own line under it.
pub fn notes_ui(ui: &mut Ui, notes: &FormNotes, field: &FieldRef) {
    let error = ui.visuals().error_fg_color;
    let warn = ui.visuals().warn_fg_color;
    for (is_error, message) in notes.for_field(field) {
        let color = if is_error { error } else { warn };
        ui.horizontal(|ui| {
            ui.add_space(LABEL_WIDTH + ui.spacing().item_spacing.x);
            ui.label(RichText::new(message).color(color));
        });
    }
}
