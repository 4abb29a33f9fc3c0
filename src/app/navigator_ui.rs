//! The API navigator: every operation of the contract, grouped like the docs, with a coloured
//! method badge and a filter; and the "go to operation" palette (Ctrl+P) over the same list.

use egui::{Color32, RichText, TextEdit, Ui};

use super::action::Action;
use super::shortcuts::GO_TO_OPERATION;
use crate::contract::{Contract, Method, Operation};

/// The docs' groups, in the docs' order; a group the contract adds later comes after them.
const GROUP_ORDER: [&str; 5] = ["People", "Events", "Devices", "Messaging", "Campaigns"];

/// The operations whose id, summary, path or method contain every word of `filter`
/// (case-insensitive), grouped like the docs, in the contract's order within a group.
pub fn matching<'a>(contract: &'a Contract, filter: &str) -> Vec<(&'a str, Vec<&'a Operation>)> {
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    let matches = |operation: &Operation| {
        let haystack = format!(
            "{} {} {} {}",
            operation.id, operation.summary, operation.path, operation.method
        )
        .to_lowercase();
        words.iter().all(|word| haystack.contains(word.as_str()))
    };
    let mut groups: Vec<(&str, Vec<&Operation>)> = Vec::new();
    for operation in contract.operations().iter().filter(|op| matches(op)) {
        match groups
            .iter_mut()
            .find(|(group, _)| *group == operation.group)
        {
            Some((_, operations)) => operations.push(operation),
            None => groups.push((&operation.group, vec![operation])),
        }
    }
    let rank = |group: &str| {
        GROUP_ORDER
            .iter()
            .position(|known| *known == group)
            .unwrap_or(GROUP_ORDER.len())
    };
    groups.sort_by_key(|(group, _)| rank(group));
    groups
}

/// The navigator: a filter box, then each group with its operations.
pub fn navigator_ui(
    ui: &mut Ui,
    contract: &Contract,
    current: &str,
    filter: &mut String,
    actions: &mut Vec<Action>,
) {
    ui.add(
        TextEdit::singleline(filter)
            .hint_text("Filter operations")
            .desired_width(f32::INFINITY),
    )
    .accessible_name("Filter operations")
    .on_hover_text(GO_TO_OPERATION.hint_for("Or go to an operation by name"));
    ui.add_space(4.0);
    let groups = matching(contract, filter);
    // The operation shown last frame: when another is chosen (Ctrl+P, a link), its row is
    // scrolled into view.
    let shown_id = egui::Id::unique("navigator_shown_operation");
    let changed = ui.data(|data| data.get_temp::<String>(shown_id)).as_deref() != Some(current);
    egui::ScrollArea::vertical()
        .id_salt("navigator")
        .auto_shrink(false)
        .show(ui, |ui| {
            if groups.is_empty() {
                ui.label(RichText::new("No operation matches.").weak());
            }
            for (group, operations) in groups {
                ui.add_space(6.0);
                ui.label(RichText::new(group).strong());
                for operation in operations {
                    let selected = operation.id == current;
                    let row = operation_row_ui(ui, operation, selected);
                    if selected && changed && !ui.clip_rect().contains_rect(row.rect) {
                        row.scroll_to_me(Some(egui::Align::Center));
                    }
                    if row.clicked() {
                        actions.push(Action::SelectOperation(operation.id.clone()));
                    }
                }
            }
        });
    ui.data_mut(|data| data.insert_temp(shown_id, current.to_owned()));
}

/// One operation: its method badge and summary, selectable, the id and path on hover.
fn operation_row_ui(ui: &mut Ui, operation: &Operation, selected: bool) -> egui::Response {
    ui.horizontal(|ui| {
        method_badge_ui(ui, operation.method);
        // Cut with "…" at the panel's edge rather than drawn under it; the hover has it whole.
        ui.add(egui::Button::selectable(selected, &operation.summary).truncate())
            .on_hover_text(format!(
                "{}\n{}\n{} {}",
                operation.summary, operation.id, operation.method, operation.path
            ))
    })
    .inner
}

/// The method as a small coloured badge of a fixed width, so the summaries line up.
pub fn method_badge_ui(ui: &mut Ui, method: Method) {
    let color = method_color(method);
    let text = RichText::new(method.as_str())
        .monospace()
        .small()
        .strong()
        .color(Color32::WHITE);
    let badge = egui::Button::new(text)
        .fill(color)
        .sense(egui::Sense::hover())
        .min_size(egui::vec2(52.0, 0.0));
    ui.add(badge);
}

/// The colours API docs use for methods, dark enough for white text in either theme.
fn method_color(method: Method) -> Color32 {
    match method {
        Method::Get => Color32::from_rgb(0x1f, 0x6f, 0xb2),
        Method::Post => Color32::from_rgb(0x2e, 0x7d, 0x32),
        Method::Put => Color32::from_rgb(0xa6, 0x61, 0x00),
        Method::Patch => Color32::from_rgb(0x6a, 0x3d, 0x9a),
        Method::Delete => Color32::from_rgb(0xc6, 0x28, 0x28),
    }
}

/// The palette's state while it is open.
#[derive(Clone, Debug, Default)]
pub struct Palette {
    pub query: String,
    /// The highlighted match, moved with the arrow keys.
    pub selected: usize,
}

/// The "go to operation" palette: type to filter, arrows to move, Enter to go, Esc to close.
/// Returns whether it stays open.
pub fn palette_ui(
    ctx: &egui::Context,
    contract: &Contract,
    palette: &mut Palette,
    actions: &mut Vec<Action>,
) -> bool {
    let mut open = true;
    let modal = egui::Modal::new(egui::Id::unique("go to operation")).show(ctx, |ui| {
        ui.set_width(560.0);
        let title = ui.label(RichText::new("Go to operation").strong());
        let field = ui
            .add(
                TextEdit::singleline(&mut palette.query)
                    .hint_text("createPerson, list events, DELETE …")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(title.id);
        field.request_focus();
        if field.changed() {
            palette.selected = 0;
        }
        let found: Vec<&Operation> = matching(contract, &palette.query)
            .into_iter()
            .flat_map(|(_, operations)| operations)
            .collect();
        let (down, up, enter) = ui.input(|input| {
            (
                input.key_pressed(egui::Key::ArrowDown),
                input.key_pressed(egui::Key::ArrowUp),
                input.key_pressed(egui::Key::Enter),
            )
        });
        if down {
            palette.selected = (palette.selected + 1).min(found.len().saturating_sub(1));
        }
        if up {
            palette.selected = palette.selected.saturating_sub(1);
        }
        ui.add_space(4.0);
        if found.is_empty() {
            ui.label(RichText::new("No operation matches.").weak());
        }
        egui::ScrollArea::vertical()
            .max_height(360.0)
            .show(ui, |ui| {
                for (index, operation) in found.iter().enumerate() {
                    let row = ui
                        .horizontal(|ui| {
                            let row = operation_row_ui(ui, operation, index == palette.selected);
                            // Two summaries can read alike; the id and path tell them apart.
                            ui.label(
                                RichText::new(format!("{} · {}", operation.id, operation.path))
                                    .weak()
                                    .small(),
                            );
                            row
                        })
                        .inner;
                    if index == palette.selected && (down || up) {
                        row.scroll_to_me(None);
                    }
                    if row.clicked() || (enter && index == palette.selected) {
                        actions.push(Action::SelectOperation(operation.id.clone()));
                        open = false;
                    }
                }
            });
    });
    if modal.should_close() {
        open = false;
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_follow_the_docs_and_every_operation_is_listed_once() {
        let contract = crate::contract::embedded().unwrap();
        let groups = matching(contract, "");
        let names: Vec<&str> = groups.iter().map(|(group, _)| *group).collect();
        assert_eq!(names, GROUP_ORDER);
        let listed: usize = groups.iter().map(|(_, operations)| operations.len()).sum();
        assert_eq!(listed, contract.operations().len());
    }

    #[test]
    fn the_filter_matches_every_word_anywhere() {
        let contract = crate::contract::embedded().unwrap();
        let ids = |filter: &str| -> Vec<String> {
            matching(contract, filter)
                .into_iter()
                .flat_map(|(_, operations)| operations)
                .map(|operation| operation.id.clone())
                .collect()
        };
        assert_eq!(ids("getperson"), ["getPerson"]);
        assert_eq!(ids("delete"), ["deletePerson"]);
        assert!(ids("workspace events").contains(&"listWorkspaceEvents".to_owned()));
        assert!(ids("no such thing").is_empty());
    }
}
