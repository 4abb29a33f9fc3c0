//! The live request preview in every target, rebuilt only when the draft, the token display or the
//! theme changes, never on a frame where nothing changed.

use egui::{RichText, TextEdit, Ui};

use super::action::Action;
use super::derived::Derived;
use super::shortcuts::COPY_SNIPPET;
use super::token::TokenDisplay;
use super::widgets::choice_ui;
use crate::model::{TOKEN_ENV_VAR, TOKEN_PLACEHOLDER};
use crate::snippet::{CARGO_ADD, Target};

pub fn preview_ui(
    ui: &mut Ui,
    target: &mut Target,
    token_display: &mut TokenDisplay,
    derived: &Derived,
    actions: &mut Vec<Action>,
) {
    // Keep the panel's height when the content is short (an error line): a resizable panel
    // otherwise shrinks to its content and stays small once the snippet is back.
    ui.set_min_height(ui.max_rect().height());
    ui.add_space(6.0);
    let snippet = derived.snippet(*target);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Request Preview").strong().size(15.0));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .add_enabled(snippet.is_some(), egui::Button::new("Copy"))
                .on_hover_text(
                    COPY_SNIPPET.hint_for(&format!("Copy the {} snippet", target.label())),
                )
                .clicked()
                && let Some(snippet) = snippet
            {
                actions.push(Action::Copy(snippet.copy.clone()));
            }
        });
    });
    ui.horizontal_wrapped(|ui| {
        for candidate in Target::ALL {
            ui.selectable_value(target, candidate, candidate.label());
        }
    });
    // A row of its own: beside the heading or the tabs it would overlap them in a narrow column.
    ui.horizontal(|ui| {
        choice_ui(
            ui,
            "Token as",
            token_display,
            &TokenDisplay::ALL,
            TokenDisplay::label,
        );
    });
    if let Some(note) = token_note(*token_display) {
        ui.label(RichText::new(note).color(ui.visuals().warn_fg_color));
    }
    if let Some(note) = target_note(*target) {
        ui.label(RichText::new(note).weak());
    }
    ui.separator();

    match (snippet, derived.snippets.as_ref().err()) {
        (Some(snippet), _) => {
            egui::ScrollArea::both()
                .id_salt("preview_scroll")
                .auto_shrink(false)
                .show(ui, |ui| {
                    let mut layouter = |ui: &Ui, _text: &dyn egui::TextBuffer, _wrap: f32| {
                        ui.fonts_mut(|fonts| fonts.layout_job(snippet.highlighted.clone()))
                    };
                    ui.add(
                        TextEdit::multiline(&mut snippet.display.as_str())
                            .code_editor()
                            .desired_width(f32::INFINITY)
                            .layouter(&mut layouter),
                    )
                    .accessible_name(format!("{} preview", target.label()));
                });
        }
        (None, Some(error)) => {
            ui.colored_label(ui.visuals().warn_fg_color, error.to_string());
        }
        (None, None) => {}
    }
}

fn token_note(display: TokenDisplay) -> Option<String> {
    match display {
        TokenDisplay::Environment => None,
        TokenDisplay::Placeholder => Some(format!(
            "Replace {TOKEN_PLACEHOLDER} with your API key before running, or choose ${TOKEN_ENV_VAR}."
        )),
        TokenDisplay::Inline => Some(
            "The snippets contain your real token: do not paste them anywhere public.".to_owned(),
        ),
    }
}

fn target_note(target: Target) -> Option<String> {
    match target {
        Target::Http => Some("Exactly what is sent; each header line ends in CRLF.".to_owned()),
        Target::JavaScript => {
            Some("Runs as an ES module (node snippet.mjs) or in a browser console.".to_owned())
        }
        Target::Rust => Some(format!(
            "A whole main.rs; set up the project with: {}",
            CARGO_ADD.trim_start_matches("// ")
        )),
        Target::Httpie => Some("Needs HTTPie 3.2 or newer (for --raw).".to_owned()),
        _ => None,
    }
}
