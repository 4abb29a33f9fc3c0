//! The request bar (where the request goes, and Send) and the form (what it carries).

use egui::{Color32, RichText, TextEdit, Ui};

use super::action::Action;
use super::navigator_ui::method_badge_ui;
use super::shortcuts::{EDIT_BASE_URL, SEND, SHOW_SHORTCUTS};
use super::token::{KeyringNote, TokenInput};
use super::value_ui::{FormContext, LABEL_WIDTH, Origins, operation_form_ui, section_heading};
use super::widgets::choice_ui;
use super::{AppState, Theme};
use crate::contract::{NoteAt, Operation};
use crate::model::Environment;
use crate::model::field_notes::FormNotes;

/// What the request bar needs to know besides the state it edits.
pub struct SendState<'a> {
    /// Why the request cannot be sent, if it cannot: shown beside Send, which is then disabled.
    pub blocker: Option<&'a str>,
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

/// The title row, where the request goes (environment, base URL), and the send row. Rows wrap rather than overflow, so the bar fits any width from 800 px up.
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
        if let Some(operation) = state.draft.operation() {
            method_badge_ui(ui, operation.method);
            ui.label(RichText::new(&operation.summary).weak());
        }
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

pub(super) fn destination_ui(
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
}

/// Why Send is disabled, or else the summary of the notes on the form.
fn status_line_ui(ui: &mut Ui, send: &SendState<'_>) {
    let height = ui.text_style_height(&egui::TextStyle::Body);
    ui.allocate_ui(egui::vec2(0.0, height), |_| {});
    if let Some(blocker) = send.blocker {
        ui.label(RichText::new(blocker).color(ui.visuals().error_fg_color));
    } else {
        notes_summary_ui(ui, send.notes);
    }
}

fn send_buttons_ui(
    ui: &mut Ui,
    state: &mut AppState,
    blocker: Option<&str>,
    actions: &mut Vec<Action>,
) {
    let send = egui::Button::new(RichText::new("Send").strong().color(Color32::WHITE))
        .fill(Color32::from_rgb(0xd9, 0x4f, 0x1e))
        .min_size(egui::vec2(72.0, 0.0));
    let response = ui.add_enabled(blocker.is_none(), send);
    let response = match blocker {
        Some(error) => response.on_disabled_hover_text(error),
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

/// The token, the operation's summary and docs notes, and its generated form.
pub fn form_ui(
    ui: &mut Ui,
    state: &mut AppState,
    token: &mut TokenInput,
    keyring: &KeyringNote,
    (notes, origins): (&FormNotes, &Origins),
    can_undo_reset: bool,
    actions: &mut Vec<Action>,
) {
    egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
        ui.add_space(6.0);
        section_heading(ui, "Authentication");
        token_ui(ui, token, keyring, actions);
        ui.add_space(10.0);
        let Some(operation) = state.draft.operation() else {
            ui.label(
                RichText::new(format!(
                    "This request names the operation {}, which this version does not know. Choose one in the list.",
                    state.draft.operation
                ))
                .color(ui.visuals().error_fg_color),
            );
            return;
        };
        operation_header_ui(ui, operation, can_undo_reset, actions);
        let context = FormContext {
            notes,
            operation,
            origins,
        };
        operation_form_ui(ui, &context, &mut state.draft.values);
    });
}

/// The operation's method and path, summary, description and docs notes, and the reset buttons.
fn operation_header_ui(
    ui: &mut Ui,
    operation: &Operation,
    can_undo_reset: bool,
    actions: &mut Vec<Action>,
) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(&operation.summary).strong().size(16.0));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("Reset to example")
                .on_hover_text("Fill the form with the documentation's example values")
                .clicked()
            {
                actions.push(Action::LoadExample);
            }
            if can_undo_reset
                && ui
                    .small_button("Undo reset")
                    .on_hover_text("Put back the values the reset replaced")
                    .clicked()
            {
                actions.push(Action::UndoReset);
            }
        });
    });
    ui.horizontal_wrapped(|ui| {
        method_badge_ui(ui, operation.method);
        ui.label(RichText::new(&operation.path).monospace());
        ui.label(RichText::new(&operation.id).weak().small());
        if operation.inferred {
            ui.label(
                RichText::new("inferred")
                    .small()
                    .color(ui.visuals().warn_fg_color),
            )
            .on_hover_text("No docs page shows this operation as such: the contract infers it.");
        }
    });
    if !operation.description.is_empty() {
        ui.label(RichText::new(&operation.description).weak());
    }
    for note in operation
        .notes
        .iter()
        .filter(|note| note.at == NoteAt::Operation)
    {
        ui.label(
            RichText::new(format!("Docs note: {}", note.text))
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }
    ui.add_space(8.0);
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
