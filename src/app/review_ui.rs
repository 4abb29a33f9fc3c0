//! The answer against the docs and against the last time: the verdict line under the status, the
//! Contract view (each difference from the docs) and the Diff view (what changed since the
//! previous or pinned answer of the same operation).

use egui::{Color32, RichText, Ui};
use serde_json::Value;

use super::action::Action;
use super::response_ui::BodyTab;
use super::review::{Baseline, NoDiff, Review};
use crate::model::diff::{DiffEntry, DiffOp};

/// Green for "as documented".
const MATCHES: Color32 = Color32::from_rgb(0x3c, 0xa0, 0x5a);

/// What the review says, when there is one: the answer under the status line.
pub struct ReviewState<'a> {
    pub review: Option<&'a Review>,
    /// Later answers of this operation are compared with a pinned one.
    pub pinned: bool,
    pub include_volatile: &'a mut bool,
}

/// One line: matches the docs, or how many differences; a click shows them.
pub fn verdict_ui(ui: &mut Ui, state: &ReviewState<'_>, tab: &mut BodyTab, pending: bool) {
    let Some(review) = state.review else {
        if pending {
            ui.label(RichText::new("Checking against the docs…").weak());
        }
        return;
    };
    let check = &review.check;
    let shape = check
        .shape()
        .map(|shape| format!(" ({shape})"))
        .unwrap_or_default();
    let (text, color) = if check.is_ok() {
        (format!("{}{shape}", sentence(&check.verdict())), MATCHES)
    } else {
        (
            format!("{}{shape}", sentence(&check.verdict())),
            ui.visuals().warn_fg_color,
        )
    };
    let response = ui
        .add(egui::Button::new(RichText::new(text).color(color)).frame(false))
        .on_hover_text("Checked against the contract's documented answers. Click for details.");
    if response.clicked() {
        *tab = BodyTab::Contract;
    }
}

/// The operations the answer's identifiers lead to, one button each.
pub fn links_ui(ui: &mut Ui, state: &ReviewState<'_>, actions: &mut Vec<Action>) {
    let Some(review) = state.review.filter(|review| !review.links.is_empty()) else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Next:").weak());
        for (index, link) in review.links.iter().enumerate() {
            let filled: Vec<String> = link
                .fills
                .iter()
                .map(|fill| {
                    format!(
                        "{} = {} (the answer's {})",
                        fill.slot.label(),
                        fill.value,
                        fill.from
                    )
                })
                .collect();
            let button = ui
                .small_button(&link.operation.summary)
                .on_hover_text(format!(
                    "{} {} — opens {} with\n{}",
                    link.operation.method,
                    link.operation.path,
                    link.operation.id,
                    filled.join("\n")
                ));
            // Named apart from the navigator's entry of the same operation.
            let button = button.accessible_name(format!("Next: {}", link.operation.summary));
            if button.clicked() {
                actions.push(Action::FollowLink(index));
            }
        }
    });
}

/// Each difference from the docs: where, what the docs say, what came back, and the docs' note.
pub fn contract_view_ui(ui: &mut Ui, review: Option<&Review>) {
    let Some(review) = review else {
        ui.label(RichText::new("This answer has not been checked.").weak());
        return;
    };
    let check = &review.check;
    let heading = match check.shape() {
        Some(shape) => format!("{} — {shape}", check.verdict()),
        None => check.verdict(),
    };
    ui.label(RichText::new(heading).strong());
    ui.label(
        RichText::new(format!(
            "Checked against what the contract documents for {}.",
            review.operation
        ))
        .weak(),
    );
    egui::ScrollArea::vertical()
        .id_salt("contract_view")
        .auto_shrink(false)
        .show(ui, |ui| {
            let mut previous_note = None;
            for finding in &check.findings {
                ui.add_space(4.0);
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(finding.kind.as_str())
                            .monospace()
                            .color(ui.visuals().warn_fg_color),
                    );
                    ui.label(
                        RichText::new(shown_path(&finding.path))
                            .monospace()
                            .strong(),
                    );
                });
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new("docs:").weak());
                    ui.label(&finding.expected);
                    ui.label(RichText::new("· came back:").weak());
                    ui.label(RichText::new(&finding.actual).monospace());
                });
                // A list drifted in every item would repeat the same note under each finding.
                if let Some(note) = &finding.note
                    && previous_note != Some(note)
                {
                    ui.label(RichText::new(format!("Docs note: {note}")).weak().small());
                }
                previous_note = finding.note.as_ref();
            }
            if check.unlisted > 0 {
                ui.add_space(6.0);
                ui.label(
                    RichText::new(format!(
                        "... and {} more differences, not listed: only the first {} are.",
                        check.unlisted,
                        crate::contract::LISTED_FINDINGS
                    ))
                    .weak(),
                );
            }
        });
}

/// What changed since the baseline, with the switch for volatile values and Pin.
pub fn diff_view_ui(ui: &mut Ui, state: &mut ReviewState<'_>, actions: &mut Vec<Action>) {
    let Some(review) = state.review else {
        ui.label(RichText::new("This answer has not been compared.").weak());
        return;
    };
    ui.horizontal_wrapped(|ui| {
        if state.pinned {
            if ui
                .button("Unpin")
                .on_hover_text("Compare later answers with the previous one again")
                .clicked()
            {
                actions.push(Action::UnpinAnswer);
            }
        } else if ui
            .button("Pin this answer")
            .on_hover_text(format!(
                "Compare later answers of {} with this one",
                review.operation
            ))
            .clicked()
        {
            actions.push(Action::PinAnswer);
        }
        ui.checkbox(state.include_volatile, "Include volatile values")
            .on_hover_text(
                "Ids, *_at stamps, request_id, and rate-limit and date headers differ on every \
                 call; they are left out unless this is on.",
            );
    });
    let compared = match &review.diff {
        Ok(compared) => compared,
        Err(why) => {
            ui.label(RichText::new(no_diff_text(*why)).weak());
            return;
        }
    };
    let against = match compared.against {
        Baseline::Previous => "the previous answer",
        Baseline::Pinned => "the pinned answer",
    };
    let entries = compared.entries(*state.include_volatile);
    let summary = match entries.len() {
        0 => format!("Nothing changed since {against}."),
        1 => format!("1 change since {against}."),
        count => format!("{count} changes since {against}."),
    };
    ui.label(RichText::new(summary).strong());
    egui::ScrollArea::vertical()
        .id_salt("diff_view")
        .auto_shrink(false)
        .show(ui, |ui| {
            for entry in entries {
                diff_entry_ui(ui, entry);
            }
        });
}

fn no_diff_text(why: NoDiff) -> &'static str {
    match why {
        NoDiff::FirstAnswer => {
            "The first answer of this operation: the next one is compared with it."
        }
        NoDiff::TooLarge => "Answers over 1 MB are not kept, so this one is not compared.",
        NoDiff::Restored => "An answer put back from the history is not compared.",
    }
}

fn diff_entry_ui(ui: &mut Ui, entry: &DiffEntry) {
    let (mark, color) = match entry.op {
        DiffOp::Added => ("+", MATCHES),
        DiffOp::Removed => ("-", ui.visuals().error_fg_color),
        DiffOp::Changed => ("~", ui.visuals().warn_fg_color),
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(mark).monospace().strong().color(color));
        ui.label(RichText::new(shown_path(&entry.path)).monospace());
        match (&entry.before, &entry.after) {
            (Some(before), Some(after)) => {
                ui.label(RichText::new(shown(before)).monospace().weak());
                ui.label(RichText::new("->").monospace());
                ui.label(RichText::new(shown(after)).monospace());
            }
            (None, Some(value)) | (Some(value), None) => {
                ui.label(RichText::new(shown(value)).monospace());
            }
            (None, None) => {}
        }
    });
}

/// "Matches the docs" at the start of a line.
fn sentence(text: &str) -> String {
    let mut characters = text.chars();
    characters.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(characters).collect()
    })
}

/// A JSON Pointer as it reads best: `/` for the whole body.
fn shown_path(path: &str) -> &str {
    if path.is_empty() { "/" } else { path }
}

/// A value on one line, cut to a readable length.
fn shown(value: &Value) -> String {
    const MOST: usize = 80;
    let text = value.to_string();
    if text.chars().count() > MOST {
        let cut: String = text.chars().take(MOST).collect();
        format!("{cut}…")
    } else {
        text
    }
}
