//! The answer at a glance: status, timing, size, the rate limit, what went wrong and where, a
//! person card for a successful create, and the body as Pretty, Tree or Raw, drawing only the
//! lines on screen so a 50 MB body does not freeze the window.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use poll_promise::Promise;

use egui::{Color32, RichText, Ui};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Exchange;
use super::action::Action;
use super::background;
use super::highlight::{highlight_json, plain};
use super::json_tree::{JsonTree, json_tree_ui};
use super::review::Review;
use super::review_ui::{self, ReviewState};
use crate::clock::unix_now;
use crate::model::RateLimit;
use crate::model::problem::Problem;
use crate::model::response::human_size;
use crate::model::{HttpResponse, Lines, PersonCard, StatusClass};
use crate::transport::TransportError;

/// Lines longer than this are cut on screen (Copy body still copies everything).
const MAX_LINE_CHARS: usize = 2_000;
/// Lines longer than this are drawn without colours.
const MAX_HIGHLIGHT_CHARS: usize = 500;

/// Which view of the answer is shown. Remembered between runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum BodyTab {
    Tree,
    /// The answer against the docs.
    Contract,
    /// The answer against the previous (or pinned) one.
    Diff,
    Raw,
    Headers,
    /// Also what an unknown saved name reads as.
    #[default]
    #[serde(other)]
    Pretty,
}

/// View state for the current answer; a new answer starts afresh.
#[derive(Default)]
pub struct ResponseView {
    pub tree: JsonTree,
    /// A large body parsed again for the tree, on a background thread, when the tree is opened.
    parsed: Option<Promise<Option<Arc<Value>>>>,
}

impl ResponseView {
    pub fn new() -> Self {
        Self {
            tree: JsonTree::new(),
            parsed: None,
        }
    }

    /// The parsed body for the tree: kept with the answer when small, else parsed once on demand
    /// (`None` until then; the view asks for it with [`Action::BuildTree`]).
    fn parsed(&self, response: &HttpResponse) -> Option<Arc<Value>> {
        if let Some(json) = &response.view.json {
            return Some(json.clone());
        }
        self.parsed.as_ref()?.ready().cloned().flatten()
    }

    /// Starts parsing the current answer's body for the tree, on a background thread.
    pub fn build_tree(&mut self, exchange: &Exchange, ctx: &egui::Context) {
        let Exchange::Done(outcome) = exchange else {
            return;
        };
        let (Ok(response), None) = (outcome.as_ref(), &self.parsed) else {
            return;
        };
        let text = response.view.raw.text().to_owned();
        self.parsed = Some(background::spawn("parse for the tree", ctx, move || {
            serde_json::from_str::<Value>(&text).ok().map(Arc::new)
        }));
    }
}

pub fn response_ui(
    ui: &mut Ui,
    exchange: &Exchange,
    tab: &mut BodyTab,
    view: &mut ResponseView,
    review: &mut ReviewState<'_>,
    actions: &mut Vec<Action>,
) {
    ui.add_space(6.0);
    let answer = match exchange {
        Exchange::Done(outcome) => outcome.as_ref().as_ref().ok(),
        _ => None,
    };
    // The answer's status shares the title's line: a row less above the body. Copy body is
    // placed first, at the right, so a narrow panel cuts the status text, never the button.
    ui.horizontal(|ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(response) = answer
                && ui.button("Copy body").clicked()
            {
                actions.push(Action::Copy(response.view.text().to_owned()));
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.label(RichText::new("Response").strong().size(15.0));
                if let Some(response) = answer {
                    ui.add_space(8.0);
                    status_line_ui(ui, response);
                }
            });
        });
    });
    ui.separator();
    match exchange {
        Exchange::Idle => {
            ui.label(RichText::new("Response will appear here after sending the request.").weak());
            ui.label(RichText::new("Press Send or Ctrl+Enter.").weak());
        }
        Exchange::Running(in_flight) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "Sending… {:.1} s",
                    in_flight.elapsed().as_secs_f32()
                ));
                if ui
                    .button("Cancel")
                    .on_hover_text("Stop waiting (Esc)")
                    .clicked()
                {
                    actions.push(Action::Cancel);
                }
            });
        }
        Exchange::Cancelled => {
            ui.label("Request cancelled. Any answer that still arrives is ignored.");
        }
        Exchange::Done(outcome) => match outcome.as_ref() {
            Ok(response) => answer_ui(ui, response, tab, view, review, actions),
            Err(error) => failure_ui(ui, error),
        },
    }
}

fn status_color(ui: &Ui, class: StatusClass) -> Color32 {
    let dark = ui.visuals().dark_mode;
    match (class, dark) {
        (StatusClass::Success, true) => Color32::from_rgb(0x5c, 0xd6, 0x7a),
        (StatusClass::Success, false) => Color32::from_rgb(0x1a, 0x7f, 0x37),
        (StatusClass::Redirect | StatusClass::Informational, true) => {
            Color32::from_rgb(0x6c, 0xb6, 0xff)
        }
        (StatusClass::Redirect | StatusClass::Informational, false) => {
            Color32::from_rgb(0x09, 0x69, 0xda)
        }
        (StatusClass::ClientError, true) => Color32::from_rgb(0xf0, 0xa0, 0x40),
        (StatusClass::ClientError, false) => Color32::from_rgb(0xb3, 0x5c, 0x00),
        (StatusClass::ServerError, true) => Color32::from_rgb(0xff, 0x6b, 0x6b),
        (StatusClass::ServerError, false) => Color32::from_rgb(0xcf, 0x22, 0x2e),
    }
}

fn answer_ui(
    ui: &mut Ui,
    response: &HttpResponse,
    tab: &mut BodyTab,
    view: &mut ResponseView,
    review: &mut ReviewState<'_>,
    actions: &mut Vec<Action>,
) {
    // The summary scrolls within at most 40% of the panel: the body always keeps the rest.
    let summary_height = (ui.available_height() * SUMMARY_SHARE).max(48.0);
    egui::ScrollArea::vertical()
        .id_salt("answer_summary")
        .max_height(summary_height)
        .auto_shrink([false, true])
        .show(ui, |ui| summary_ui(ui, response, tab, review, actions));
    body_ui(ui, response, tab, view, review, actions);
}

/// "201 Created  4 ms - 467 B", on the title's line; the size gives way when the panel is narrow.
fn status_line_ui(ui: &mut Ui, response: &HttpResponse) {
    let color = status_color(ui, response.status_class());
    ui.label(
        RichText::new(format!("{} {}", response.status, response.reason))
            .strong()
            .size(16.0)
            .color(color),
    );
    ui.add(
        egui::Label::new(
            RichText::new(format!(
                "{} ms · {}",
                response.elapsed.as_millis(),
                human_size(response.body.len())
            ))
            .weak(),
        )
        .truncate(),
    );
}

/// The most of the Response panel the summary under the status line takes.
const SUMMARY_SHARE: f32 = 0.4;

/// What the answer says at a glance: the verdict, the rate limit, a redirect, where to go next,
/// and the problem or the person (last: the body below says the same at length).
fn summary_ui(
    ui: &mut Ui,
    response: &HttpResponse,
    tab: &mut BodyTab,
    review: &mut ReviewState<'_>,
    actions: &mut Vec<Action>,
) {
    review_ui::verdict_ui(ui, review, tab, response.pending);
    rate_limit_ui(ui, response);
    if let Some(location) = response.redirect_location() {
        ui.label(
            RichText::new(format!("Redirects to {location} — not followed."))
                .strong()
                .color(status_color(ui, StatusClass::Redirect)),
        )
        .on_hover_text(
            "The explorer shows the redirect itself. Following it could turn the request into a \
             GET or send the token elsewhere; send to that URL yourself if you mean to.",
        );
    }
    if response.status == 429 {
        rate_limited_ui(ui, response);
    }
    review_ui::links_ui(ui, review, actions);
    if let Some(problem) = &response.problem {
        problem_ui(ui, problem, status_color(ui, response.status_class()));
    } else if let Some(card) = response.person() {
        person_card_ui(ui, &card);
    }
}

/// The tabs and the body (or headers, contract, diff) in the chosen one.
fn body_ui(
    ui: &mut Ui,
    response: &HttpResponse,
    tab: &mut BodyTab,
    view: &mut ResponseView,
    review: &mut ReviewState<'_>,
    actions: &mut Vec<Action>,
) {
    // Wrapped: at the smallest window the last tabs go to a second row instead of off the edge.
    ui.horizontal_wrapped(|ui| {
        for (candidate, label) in [
            (BodyTab::Pretty, "Pretty".to_owned()),
            (BodyTab::Tree, "Tree".to_owned()),
            (BodyTab::Raw, "Raw".to_owned()),
            (
                BodyTab::Headers,
                format!("Headers ({})", response.headers.len()),
            ),
            (BodyTab::Contract, contract_tab_label(review.review)),
            (BodyTab::Diff, diff_tab_label(review)),
        ] {
            ui.selectable_value(tab, candidate, label);
        }
    });
    ui.separator();
    let dark = ui.visuals().dark_mode;
    match (*tab, &response.view.pretty, response.view.json.as_deref()) {
        (BodyTab::Headers, _, _) => headers_ui(ui, &response.headers),
        (BodyTab::Contract, _, _) => review_ui::contract_view_ui(ui, review.review),
        (BodyTab::Diff, _, _) => review_ui::diff_view_ui(ui, review, actions),
        _ if response.body.is_empty() => {
            ui.label(RichText::new("The body is empty.").weak());
        }
        (BodyTab::Pretty | BodyTab::Tree, _, _) if response.pending => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "Laying out {}; here it is as it came meanwhile.",
                    human_size(response.body.len())
                ));
            });
            lines_ui(ui, "raw_body", &response.view.raw, |line| plain(line, dark));
        }
        (BodyTab::Pretty, Some(pretty), _) => {
            lines_ui(ui, "pretty_body", pretty, |line| highlight_json(line, dark))
        }
        (BodyTab::Tree, _, Some(json)) => json_tree_ui(ui, &mut view.tree, json, actions),
        (BodyTab::Tree, Some(_), None) => match view.parsed(response) {
            Some(json) => json_tree_ui(ui, &mut view.tree, &json, actions),
            None => {
                if view.parsed.is_none() {
                    actions.push(Action::BuildTree);
                }
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Building the tree of a large body…");
                });
            }
        },
        (BodyTab::Pretty | BodyTab::Tree, _, _) => {
            let why = if response.view.nested_too_deep {
                "JSON nested deeper than 128 levels: shown as text."
            } else {
                "The body is not JSON; here it is as text."
            };
            ui.label(RichText::new(why).weak());
            lines_ui(ui, "raw_body", &response.view.raw, |line| plain(line, dark));
        }
        (BodyTab::Raw, _, _) => {
            lines_ui(ui, "raw_body", &response.view.raw, |line| plain(line, dark))
        }
    }
}

/// "Contract", with how many differences there are when there are some.
fn contract_tab_label(review: Option<&Review>) -> String {
    match review.map(|review| review.check.count()) {
        Some(count) if count > 0 => format!("Contract ({count})"),
        _ => "Contract".to_owned(),
    }
}

/// "Diff", with how many changes there are when there are some.
fn diff_tab_label(state: &ReviewState<'_>) -> String {
    let count = state
        .review
        .and_then(|review| review.diff.as_ref().ok())
        .map_or(0, |compared| {
            compared.entries(*state.include_volatile).len()
        });
    if count > 0 {
        format!("Diff ({count})")
    } else {
        "Diff".to_owned()
    }
}

/// Draws only the lines in view.
fn lines_ui(ui: &mut Ui, id: &str, lines: &Lines, layout: impl Fn(&str) -> egui::text::LayoutJob) {
    let row_height = ui.text_style_height(&egui::TextStyle::Monospace);
    let dark = ui.visuals().dark_mode;
    egui::ScrollArea::both()
        .id_salt(id)
        .auto_shrink(false)
        .show_rows(ui, row_height, lines.len(), |ui, range| {
            ui.spacing_mut().item_spacing.y = 0.0;
            for index in range {
                let line = lines.line(index);
                let job = match line.char_indices().nth(MAX_LINE_CHARS) {
                    Some((cut, _)) => plain(
                        // Bytes, not characters: counting the characters of a 50 MB line would
                        // cost a full scan every frame.
                        &format!(
                            "{}… ({} more bytes: Copy body has them all)",
                            &line[..cut],
                            line.len() - cut
                        ),
                        dark,
                    ),
                    None if line.len() > MAX_HIGHLIGHT_CHARS => plain(line, dark),
                    None => layout(line),
                };
                ui.add(egui::Label::new(job).extend());
            }
        });
}

fn headers_ui(ui: &mut Ui, headers: &[(String, String)]) {
    egui::ScrollArea::both()
        .id_salt("headers")
        .auto_shrink(false)
        .show(ui, |ui| {
            egui::Grid::new("response_header_grid")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    for (name, value) in headers {
                        ui.label(RichText::new(name).monospace().strong());
                        ui.label(RichText::new(value).monospace());
                        ui.end_row();
                    }
                });
        });
}

fn rate_limit_ui(ui: &mut Ui, response: &HttpResponse) {
    let Some(rate) = response.rate_limit() else {
        return;
    };
    ui.horizontal_wrapped(|ui| rate_meter_ui(ui, &rate));
}

fn rate_meter_ui(ui: &mut Ui, rate: &RateLimit) {
    ui.add(
        egui::ProgressBar::new(rate.fraction_left())
            .desired_width(60.0)
            .desired_height(8.0),
    );
    let reset = rate
        .reset
        .map(|reset| {
            let clock = humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(reset))
                .to_string();
            format!(" · resets {} UTC", clock.get(11..19).unwrap_or(&clock))
        })
        .unwrap_or_default();
    ui.label(
        RichText::new(format!(
            "{} of {} requests left{reset}",
            rate.remaining, rate.limit
        ))
        .weak(),
    )
    .on_hover_text("From the X-RateLimit-Limit, -Remaining and -Reset headers");
}

/// A live countdown to the end of a 429.
fn rate_limited_ui(ui: &mut Ui, response: &HttpResponse) {
    let left = response
        .rate_limit()
        .and_then(|rate| rate.seconds_to_reset(unix_now()));
    let text = match left {
        Some(0) => "The rate limit has reset: you can send again.".to_owned(),
        Some(left) => {
            // Once a second, only while the countdown shows.
            ui.ctx().request_repaint_after(Duration::from_secs(1));
            format!("Rate limited: the limit resets in {left} s.")
        }
        None => "Rate limited, and the answer does not say when the limit resets.".to_owned(),
    };
    ui.label(
        RichText::new(text)
            .strong()
            .color(ui.visuals().warn_fg_color),
    );
}

fn problem_ui(ui: &mut Ui, problem: &Problem, color: Color32) {
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.0, color))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(&problem.title).strong().color(color));
            ui.label(&problem.message);
            let mut facts = Vec::new();
            if let Some(code) = &problem.code {
                facts.push(format!("code {code}"));
            }
            if let Some(request_id) = &problem.request_id {
                facts.push(format!("request id {request_id}"));
            }
            if !facts.is_empty() {
                ui.label(RichText::new(facts.join(" · ")).monospace().weak());
            }
            for (path, message) in &problem.fields {
                ui.label(format!("{path}: {message}"));
            }
        });
}

fn person_card_ui(ui: &mut Ui, card: &PersonCard) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new("Person").strong());
        // Flowing pairs, so the card fits any panel width.
        ui.horizontal_wrapped(|ui| {
            for (key, value) in &card.cells {
                ui.label(RichText::new(*key).weak());
                ui.label(RichText::new(value).monospace());
                ui.add_space(10.0);
            }
        });
    });
}

fn failure_ui(ui: &mut Ui, error: &TransportError) {
    let color = status_color(ui, StatusClass::ServerError);
    ui.label(RichText::new(error.message()).strong().color(color));
    ui.label(error.hint());
    egui::CollapsingHeader::new("Details")
        .id_salt("failure_details")
        .show(ui, |ui| {
            ui.label(RichText::new(&error.detail).monospace());
        });
}
