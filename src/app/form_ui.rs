//! The request bar (where the request goes, and Send) and the form (what it carries).

use egui::{Color32, RichText, TextEdit, Ui};

use super::action::Action;
use super::shortcuts::{EDIT_BASE_URL, SEND, SHOW_SHORTCUTS};
use super::token::{KeyringNote, TokenInput};
use super::widgets::choice_ui;
use super::{AppState, Theme};
use crate::model::field_notes::{FieldRef, FormNotes};
use crate::model::{BuildError, Environment, FieldRow, PathStyle, ValueKind, WELL_KNOWN_TRAITS};

/// What the request bar needs to know besides the state it edits.
pub struct SendState<'a> {
    /// Why the request cannot be sent, if it cannot: shown beside Send, which is then disabled.
    pub blocker: Option<&'a BuildError>,
    pub notes: &'a FormNotes,
    pub sandbox_base_url: Option<&'a str>,
}

/// Something to say once, above everything, until dismissed.
pub fn notice_ui(ui: &mut Ui, notice: &str, actions: &mut Vec<Action>) {
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(notice).color(ui.visuals().warn_fg_color));
        if ui.small_button("Dismiss").clicked() {
            actions.push(Action::DismissNotice);
        }
    });
}

/// The title row, where the request goes (environment, base URL, path style, workspace id), and
/// the send row. Rows wrap rather than overflow, so the bar fits any width from 800 px up.
pub fn request_bar_ui(
    ui: &mut Ui,
    state: &mut AppState,
    send: &SendState<'_>,
    focus_base_url: bool,
    actions: &mut Vec<Action>,
) {
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.heading("Flameup Explorer");
        ui.label(RichText::new("Create person").weak());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("Shortcuts")
                .on_hover_text(SHOW_SHORTCUTS.hint_for("Keyboard shortcuts"))
                .clicked()
            {
                actions.push(Action::ToggleShortcuts);
            }
            choice_ui(ui, "Theme", &mut state.theme, &Theme::ALL, Theme::label);
        });
    });
    ui.add_space(2.0);
    ui.horizontal_wrapped(|ui| {
        destination_ui(ui, &mut state.draft, send.sandbox_base_url, focus_base_url);
    });
    ui.horizontal(|ui| {
        // Always drawn, even empty, so nothing below moves when a message appears.
        status_line_ui(ui, send);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            send_buttons_ui(ui, state, send.blocker, actions);
        });
    });
    ui.add_space(4.0);
}

fn destination_ui(
    ui: &mut Ui,
    draft: &mut crate::model::Draft,
    sandbox_base_url: Option<&str>,
    focus_base_url: bool,
) {
    choice_ui(
        ui,
        "Environment",
        &mut draft.environment,
        &Environment::ALL,
        Environment::label,
    );
    let url_width = ui.available_width().clamp(160.0, 300.0);
    ui.horizontal(|ui| {
        let label = ui.label("Base URL");
        match draft.environment {
            Environment::Production | Environment::Sandbox => {
                // Fixed for these two: shown read-only so it can still be selected and copied.
                let mut fixed = draft
                    .base_url(sandbox_base_url)
                    .unwrap_or("(starting the sandbox…)");
                ui.add(TextEdit::singleline(&mut fixed).desired_width(url_width))
                    .labelled_by(label.id)
                    .on_hover_text(
                        "Fixed for this environment. Choose \"Custom base URL\" to send elsewhere.",
                    );
            }
            Environment::Custom => {
                let field = ui
                    .add(
                        TextEdit::singleline(&mut draft.custom_base_url)
                            .hint_text("http://127.0.0.1:8080/api/v1")
                            .desired_width(url_width),
                    )
                    .labelled_by(label.id)
                    .on_hover_text(EDIT_BASE_URL.hint_for("The base URL requests go to"));
                if focus_base_url {
                    field.request_focus();
                }
            }
        }
    });
    choice_ui(
        ui,
        "Path",
        &mut draft.path_style,
        &PathStyle::ALL,
        PathStyle::label,
    );
    if draft.path_style == PathStyle::WorkspaceScoped {
        ui.horizontal(|ui| {
            let label = ui.label("Workspace id");
            ui.add(
                TextEdit::singleline(&mut draft.workspace_id)
                    .hint_text("ws_abc123")
                    .desired_width(110.0),
            )
            .labelled_by(label.id);
        });
    }
}

/// Why Send is disabled, or else the summary of the notes on the form.
fn status_line_ui(ui: &mut Ui, send: &SendState<'_>) {
    let height = ui.text_style_height(&egui::TextStyle::Body);
    ui.allocate_ui(egui::vec2(0.0, height), |_| {});
    if let Some(blocker) = send.blocker {
        ui.label(RichText::new(blocker.to_string()).color(ui.visuals().error_fg_color));
    } else {
        notes_summary_ui(ui, send.notes);
    }
}

fn send_buttons_ui(
    ui: &mut Ui,
    state: &mut AppState,
    blocker: Option<&BuildError>,
    actions: &mut Vec<Action>,
) {
    let send = egui::Button::new(RichText::new("Send").strong().color(Color32::WHITE))
        .fill(Color32::from_rgb(0xd9, 0x4f, 0x1e))
        .min_size(egui::vec2(72.0, 0.0));
    let response = ui.add_enabled(blocker.is_none(), send);
    let response = match blocker {
        Some(error) => response.on_disabled_hover_text(error.to_string()),
        None => response.on_hover_text(SEND.hint()),
    };
    if response.clicked() {
        actions.push(Action::Send);
    }
    ui.add(
        egui::DragValue::new(&mut state.deadline_secs)
            .range(1.0..=600.0)
            .speed(1.0)
            .max_decimals(1)
            .suffix(" s"),
    )
    .accessible_name("Deadline in seconds")
    .on_hover_text("How long to wait for an answer before giving up");
    ui.label("Deadline");
}

/// The token and the body fields.
pub fn form_ui(
    ui: &mut Ui,
    state: &mut AppState,
    token: &mut TokenInput,
    keyring: &KeyringNote,
    notes: &FormNotes,
    can_undo_reset: bool,
    actions: &mut Vec<Action>,
) {
    egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
        ui.add_space(6.0);
        section_heading(ui, "Authentication");
        token_ui(ui, token, keyring, actions);
        ui.add_space(10.0);

        ui.horizontal(|ui| {
            section_heading(ui, "Body");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("Reset to example")
                    .on_hover_text("Fill the body with the documentation's example person")
                    .clicked()
                {
                    actions.push(Action::LoadExample);
                }
                if can_undo_reset
                    && ui
                        .small_button("Undo reset")
                        .on_hover_text("Put back the body the reset replaced")
                        .clicked()
                {
                    actions.push(Action::UndoReset);
                }
            });
        });
        let draft = &mut state.draft;
        text_row_ui(ui, "userId *", &mut draft.user_id, "your own id for this person");
        notes_ui(ui, notes, FieldRef::UserId);
        text_row_ui(ui, "email", &mut draft.email, "user@example.com");
        notes_ui(ui, notes, FieldRef::Email);
        text_row_ui(ui, "phone", &mut draft.phone, "+1-555-0123");
        notes_ui(ui, notes, FieldRef::Phone);
        ui.add_space(10.0);

        section_heading(ui, "Traits");
        for (index, (key, value)) in WELL_KNOWN_TRAITS.iter().zip(draft.traits.iter_mut()).enumerate() {
            // Named by its path in the body: "phone" alone would also name the top-level phone.
            text_row_ui(ui, key, value, "").accessible_name(format!("traits.{key}"));
            notes_ui(ui, notes, FieldRef::Trait(index));
        }
        ui.add_space(6.0);
        rows_ui(ui, "custom_traits", "Custom trait", &mut draft.custom_traits, notes, FieldRef::CustomTrait);
        ui.add_space(10.0);

        egui::CollapsingHeader::new("Other top-level fields")
            .default_open(!draft.other_fields.is_empty())
            .show(ui, |ui| {
                ui.label(
                    RichText::new("Sent beside userId and traits, e.g. anonymousId. A field named like one above replaces it.")
                        .weak()

                );
                rows_ui(ui, "other_fields", "Field", &mut draft.other_fields, notes, FieldRef::OtherField);
            });
        ui.add_space(8.0);
        ui.label(RichText::new("Empty fields are left out of the body.").weak());
    });
}

fn section_heading(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(text).strong().size(15.0));
}

/// Width of the label column, so the inputs line up.
const LABEL_WIDTH: f32 = 84.0;

/// A label and a text input filling the rest of the row, aligned on [`LABEL_WIDTH`]. Rows are laid
/// out one by one rather than in a `Grid`: a grid holding full-width inputs keeps remeasuring
/// itself and repainting.
fn text_row_ui(ui: &mut Ui, label: &str, text: &mut String, hint: &str) -> egui::Response {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        ui.add_space((LABEL_WIDTH - label.rect.width()).max(0.0));
        ui.add(
            TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id)
    })
    .inner
}

fn token_ui(ui: &mut Ui, token: &mut TokenInput, keyring: &KeyringNote, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let label = ui.label("API token");
        ui.add_space((LABEL_WIDTH - label.rect.width()).max(0.0));
        // Right to left: the reveal button takes its own width, the input all that is left.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let (toggle, hover) = if token.revealed {
                ("Hide", "Hide the token")
            } else {
                ("Show", "Show the token")
            };
            if ui.button(toggle).on_hover_text(hover).clicked() {
                token.revealed = !token.revealed;
            }
            let field = ui
                .add(
                    TextEdit::singleline(&mut token.text)
                        .password(!token.revealed)
                        .hint_text("ws_live_… or ws_test_…")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            if field.changed() {
                token.edited();
            }
        });
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(&keyring.note).weak());
        if keyring.can_forget
            && ui
                .small_button("Forget")
                .on_hover_text("Remove the token from the keyring")
                .clicked()
        {
            actions.push(Action::ForgetToken);
        }
    });
}

/// Editable key / type / value rows, with add and remove.
fn rows_ui(
    ui: &mut Ui,
    id: &str,
    noun: &str,
    rows: &mut Vec<FieldRow>,
    notes: &FormNotes,
    field: fn(usize) -> FieldRef,
) {
    let mut remove = None;
    // A row just added takes the keyboard, so its key can be typed at once.
    let focus_id = ui.make_persistent_id((id, "focus new row"));
    let focus_row = ui.data_mut(|data| data.remove_temp::<usize>(focus_id));
    for (index, row) in rows.iter_mut().enumerate() {
        let number = index + 1;
        let lower_noun = noun.to_lowercase();
        ui.horizontal(|ui| {
            let key = ui
                .add(
                    TextEdit::singleline(&mut row.key)
                        .hint_text("key")
                        .desired_width(LABEL_WIDTH + 26.0),
                )
                .accessible_name(format!("{noun} {number} key"));
            if focus_row == Some(index) {
                key.request_focus();
            }
            egui::ComboBox::from_id_salt((id, index, "kind"))
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
        notes_ui(ui, notes, field(index));
    }
    if let Some(index) = remove {
        rows.remove(index);
    }
    if ui
        .button(format!("+ Add {}", noun.to_lowercase()))
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

/// The messages for one input, errors first, each on its own line under it.
fn notes_ui(ui: &mut Ui, notes: &FormNotes, field: FieldRef) {
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

/// The summary of every message, beside the Send button.
fn notes_summary_ui(ui: &mut Ui, notes: &FormNotes) {
    if let Some((line, details)) = notes.summary() {
        let color = if notes.has_errors() {
            ui.visuals().error_fg_color
        } else {
            ui.visuals().warn_fg_color
        };
        ui.label(RichText::new(line).color(color))
            .on_hover_text(details);
    }
}
