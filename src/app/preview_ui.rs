//! The live request preview: the request as cURL and as raw HTTP, rebuilt only when the draft or
//! the token display changes, never on a frame where nothing changed.

use egui::{RichText, TextEdit, Ui};

use super::Action;
use crate::model::{BuildError, Credential, Draft, build_request};
use crate::snippet::{self, Target};

/// One rendered snippet.
pub struct Snippet {
    pub target: Target,
    /// What the Copy button puts on the clipboard: exact (CRLF line ends for raw HTTP).
    pub copy: String,
    /// What is drawn: line ends as the screen shows them.
    pub display: String,
}

/// The snippets for the draft they were last built from.
#[derive(Default)]
pub struct PreviewCache {
    built_from: Option<(Draft, Credential)>,
    built: Option<Result<Built, BuildError>>,
    /// How many times the snippets were rebuilt; lets tests check that idle frames do no work.
    pub rebuilds: u64,
}

pub struct Built {
    pub method_and_url: String,
    pub snippets: Vec<Snippet>,
}

impl PreviewCache {
    /// Rebuilds the snippets if the draft or the credential differ from the last build.
    pub fn refresh(&mut self, draft: &Draft, credential: Credential) {
        if self
            .built_from
            .as_ref()
            .is_some_and(|(last_draft, last_credential)| {
                last_draft == draft && *last_credential == credential
            })
        {
            return;
        }
        self.built = Some(build_request(draft, &credential).map(|request| {
            Built {
                method_and_url: format!("{} {}", request.method, request.url),
                snippets: Target::ALL
                    .into_iter()
                    .map(|target| {
                        let copy = snippet::render(target, &request);
                        let display = copy.replace("\r\n", "\n");
                        Snippet {
                            target,
                            copy,
                            display,
                        }
                    })
                    .collect(),
            }
        }));
        self.built_from = Some((draft.clone(), credential));
        self.rebuilds += 1;
    }

    /// Why the draft cannot be sent, if it cannot.
    pub fn error(&self) -> Option<&BuildError> {
        self.built.as_ref().and_then(|built| built.as_ref().err())
    }

    pub fn built(&self) -> Option<&Built> {
        self.built.as_ref().and_then(|built| built.as_ref().ok())
    }
}

pub fn preview_ui(
    ui: &mut Ui,
    target: &mut Target,
    inline_token: &mut bool,
    cache: &PreviewCache,
    actions: &mut Vec<Action>,
) {
    // Keep the panel's height when the content is short (an error line): a resizable panel
    // otherwise shrinks to its content and stays small once the snippet is back.
    ui.set_min_height(ui.max_rect().height());
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Request Preview").strong().size(15.0));
        ui.add_space(8.0);
        for candidate in Target::ALL {
            ui.selectable_value(target, candidate, candidate.label());
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let snippet = cache.built().and_then(|built| {
                built
                    .snippets
                    .iter()
                    .find(|snippet| snippet.target == *target)
            });
            if ui
                .add_enabled(snippet.is_some(), egui::Button::new("Copy"))
                .on_hover_text(format!("Copy the {} snippet", target.label()))
                .clicked()
                && let Some(snippet) = snippet
            {
                actions.push(Action::Copy(snippet.copy.clone()));
            }
            ui.checkbox(inline_token, "Show token")
                .on_hover_text("Put the real token in the snippets instead of $FLAMEUP_API_TOKEN");
        });
    });
    if *inline_token {
        ui.label(
            RichText::new(
                "The snippets contain your real token: do not paste them anywhere public.",
            )
            .color(ui.visuals().warn_fg_color)
            .small(),
        );
    }
    ui.separator();

    match &cache.built {
        Some(Ok(built)) => {
            if let Some(snippet) = built
                .snippets
                .iter()
                .find(|snippet| snippet.target == *target)
            {
                if *target == Target::Http {
                    ui.label(
                        RichText::new("Exactly what is sent; each header line ends in CRLF.")
                            .weak()
                            .small(),
                    );
                }
                egui::ScrollArea::both()
                    .id_salt("preview_scroll")
                    .auto_shrink(false)
                    .show(ui, |ui| {
                        ui.add(
                            TextEdit::multiline(&mut snippet.display.as_str())
                                .code_editor()
                                .desired_width(f32::INFINITY),
                        )
                        .accessible_name(format!("{} preview", target.label()));
                    });
            }
        }
        Some(Err(error)) => {
            ui.colored_label(ui.visuals().warn_fg_color, error.to_string());
        }
        None => {}
    }
}
