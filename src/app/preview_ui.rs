//! The live request preview in every target, rebuilt only when the draft, the token display or the
//! theme changes, never on a frame where nothing changed.

use egui::text::LayoutJob;
use egui::{RichText, TextEdit, Ui};
use serde::{Deserialize, Serialize};

use super::Action;
use super::highlight::highlight;
use super::widgets::choice_ui;
use crate::model::lint::{FieldNote, lint};
use crate::model::{
    BuildError, Credential, Draft, TOKEN_ENV_VAR, TOKEN_PLACEHOLDER, build_request,
};
use crate::snippet::{self, CARGO_ADD, Target};

/// How the previews show the token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenDisplay {
    /// Each snippet reads `FLAMEUP_API_TOKEN` from the environment: runnable and safe to paste.
    #[default]
    Environment,
    /// The docs' `YOUR_API_TOKEN`.
    Placeholder,
    /// The real token, with a warning.
    Inline,
}

impl TokenDisplay {
    pub const ALL: [Self; 3] = [Self::Environment, Self::Placeholder, Self::Inline];

    pub fn label(self) -> &'static str {
        match self {
            Self::Environment => "$FLAMEUP_API_TOKEN",
            Self::Placeholder => "YOUR_API_TOKEN",
            Self::Inline => "the real token",
        }
    }
}

/// One rendered snippet.
pub struct Snippet {
    pub target: Target,
    /// What the Copy button puts on the clipboard: exact (CRLF line ends for raw HTTP).
    pub copy: String,
    /// What is drawn: line ends as the screen shows them.
    pub display: String,
    /// `display`, coloured.
    pub highlighted: LayoutJob,
}

/// What a build depends on: when none of it changes, nothing is rebuilt.
#[derive(PartialEq)]
struct BuildKey {
    draft: Draft,
    sandbox_base_url: Option<String>,
    credential: Credential,
    dark_mode: bool,
}

/// The snippets for the draft they were last built from.
#[derive(Default)]
pub struct PreviewCache {
    built_from: Option<BuildKey>,
    built: Option<Result<Vec<Snippet>, BuildError>>,
    /// The lint warnings for the same draft: derived from it, so rebuilt with the snippets.
    pub lint: Vec<FieldNote>,
    /// How many times the snippets were rebuilt; lets tests check that idle frames do no work.
    pub rebuilds: u64,
}

impl PreviewCache {
    /// Rebuilds the snippets if anything they depend on differs from the last build.
    pub fn refresh(
        &mut self,
        draft: &Draft,
        sandbox_base_url: Option<&str>,
        credential: Credential,
        dark_mode: bool,
    ) {
        let key = BuildKey {
            draft: draft.clone(),
            sandbox_base_url: sandbox_base_url.map(str::to_owned),
            credential,
            dark_mode,
        };
        if self.built_from.as_ref() == Some(&key) {
            return;
        }
        self.built = Some(
            build_request(draft, sandbox_base_url, &key.credential).map(|request| {
                Target::ALL
                    .into_iter()
                    .map(|target| {
                        let copy = snippet::render(target, &request);
                        let display = copy.replace("\r\n", "\n");
                        let highlighted = highlight(&display, target, dark_mode);
                        Snippet {
                            target,
                            copy,
                            display,
                            highlighted,
                        }
                    })
                    .collect()
            }),
        );
        self.lint = lint(draft);
        self.built_from = Some(key);
        self.rebuilds += 1;
    }

    /// Why the draft cannot be sent, if it cannot.
    pub fn error(&self) -> Option<&BuildError> {
        self.built.as_ref().and_then(|built| built.as_ref().err())
    }

    fn snippet(&self, target: Target) -> Option<&Snippet> {
        let snippets = self.built.as_ref()?.as_ref().ok()?;
        snippets.iter().find(|snippet| snippet.target == target)
    }
}

pub fn preview_ui(
    ui: &mut Ui,
    target: &mut Target,
    token_display: &mut TokenDisplay,
    cache: &PreviewCache,
    actions: &mut Vec<Action>,
) {
    // Keep the panel's height when the content is short (an error line): a resizable panel
    // otherwise shrinks to its content and stays small once the snippet is back.
    ui.set_min_height(ui.max_rect().height());
    ui.add_space(6.0);
    let snippet = cache.snippet(*target);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Request Preview").strong().size(15.0));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .add_enabled(snippet.is_some(), egui::Button::new("Copy"))
                .on_hover_text(format!("Copy the {} snippet", target.label()))
                .clicked()
                && let Some(snippet) = snippet
            {
                actions.push(Action::Copy(snippet.copy.clone()));
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.add_space(ui.available_width() - 240.0);
                choice_ui(
                    ui,
                    "Token as",
                    token_display,
                    &TokenDisplay::ALL,
                    TokenDisplay::label,
                );
            });
        });
    });
    ui.horizontal_wrapped(|ui| {
        for candidate in Target::ALL {
            ui.selectable_value(target, candidate, candidate.label());
        }
    });
    if let Some(note) = token_note(*token_display) {
        ui.label(RichText::new(note).color(ui.visuals().warn_fg_color));
    }
    if let Some(note) = target_note(*target) {
        ui.label(RichText::new(note).weak());
    }
    ui.separator();

    match (snippet, cache.error()) {
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
