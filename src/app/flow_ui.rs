//! Flow export in the window: sends picked in the History tab (or "the last N") become one program
//! per target, as `flow export` prints them. The engine is [`crate::flow`]; this file picks the
//! entries, shows the program, says which identifiers pass between steps, and copies or saves it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use egui::{RichText, Ui};
use poll_promise::Promise;

use super::App;
use super::action::Action;
use super::background::{self, DialogAnswer};
use crate::flow::{self, Flow};
use crate::store::history::HistoryEntry;

/// The targets a flow is written for. The one place this file names the engine's type, so that
/// the flow and snippet targets can become one without touching the rest.
type FlowTarget = crate::flow::Target;

/// Which history entries are picked for a flow. Entries are picked by position, oldest first, as
/// the history holds them; when the entries move (cleared, put back, the oldest dropped) the
/// picks are dropped rather than pointing at other sends.
pub struct HistorySelection {
    picked: BTreeSet<usize>,
    /// The last entry clicked without Shift: Shift-click picks everything between.
    anchor: Option<usize>,
    /// How many of the most recent sends "Select last" picks.
    pub last: usize,
    /// The history as last seen: its length and its oldest entry.
    seen: Option<(usize, Option<(String, String)>)>,
}

impl Default for HistorySelection {
    fn default() -> Self {
        Self {
            picked: BTreeSet::new(),
            anchor: None,
            last: 2,
            seen: None,
        }
    }
}

impl HistorySelection {
    /// The picked positions, in the order the sends were made.
    pub fn picked(&self) -> impl Iterator<Item = usize> + '_ {
        self.picked.iter().copied()
    }

    pub fn len(&self) -> usize {
        self.picked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.picked.is_empty()
    }

    pub fn is_picked(&self, index: usize) -> bool {
        self.picked.contains(&index)
    }

    /// Picks the `count` most recent of `total` entries, and nothing else.
    pub fn pick_last(&mut self, count: usize, total: usize) {
        self.picked = (total.saturating_sub(count)..total).collect();
        self.anchor = None;
    }

    /// A click on an entry's box: toggles it, or with `extend` (Shift) picks every entry between
    /// the last one clicked and this one.
    pub fn click(&mut self, index: usize, extend: bool) {
        match self.anchor.filter(|_| extend) {
            Some(anchor) => {
                let (from, to) = (anchor.min(index), anchor.max(index));
                self.picked.extend(from..=to);
            }
            None => {
                if !self.picked.remove(&index) {
                    self.picked.insert(index);
                }
                self.anchor = Some(index);
            }
        }
    }

    pub fn clear(&mut self) {
        self.picked.clear();
        self.anchor = None;
    }

    /// Drops the picks when `entries` are no longer the ones they were made in: fewer of them,
    /// or another oldest one. New sends at the end leave them as they are.
    pub fn follow(&mut self, entries: &[HistoryEntry]) {
        let oldest = entries
            .first()
            .map(|entry| (entry.time.clone(), entry.url.clone()));
        if let Some((len, seen_oldest)) = &self.seen
            && (entries.len() < *len || *seen_oldest != oldest)
        {
            self.clear();
        }
        self.picked.retain(|index| *index < entries.len());
        self.seen = Some((entries.len(), oldest));
    }
}

/// The most "Select last" offers; a history holds far fewer sends than that in a flow.
const MAX_LAST: usize = 999;

/// The History tab's selection bar: pick the last N, clear, and export what is picked.
pub fn selection_bar_ui(
    ui: &mut Ui,
    selection: &mut HistorySelection,
    entries: &[HistoryEntry],
    actions: &mut Vec<Action>,
) {
    selection.follow(entries);
    ui.horizontal_wrapped(|ui| {
        let total = entries.len();
        if ui
            .add_enabled(total > 0, egui::Button::new("Select last"))
            .on_hover_text("Pick the most recent sends, in the order they were sent")
            .clicked()
        {
            selection.pick_last(selection.last, total);
        }
        ui.add(egui::DragValue::new(&mut selection.last).range(1..=MAX_LAST))
            .accessible_name("How many of the last sends");
        if !selection.is_empty() && ui.small_button("None").clicked() {
            selection.clear();
        }
    });
    let count = selection.len();
    let export = ui
        .add_enabled(
            count > 0,
            egui::Button::new("Export flow...").min_size(egui::vec2(ui.available_width(), 0.0)),
        )
        .on_hover_text(
            "Write the picked sends as one program, passing the identifiers an answer gives on to later requests",
        )
        .on_disabled_hover_text(
            "Tick sends below (Shift-click for a range), or Select last, to export them as one program",
        );
    if export.clicked() {
        actions.push(Action::ExportFlow);
    }
    let said = match count {
        0 => "Tick sends to export them as a flow.".to_owned(),
        1 => "1 send picked.".to_owned(),
        n => format!("{n} sends picked."),
    };
    ui.label(RichText::new(said).weak());
}

/// The box beside a history entry that picks it for a flow.
pub fn pick_box_ui(ui: &mut Ui, selection: &mut HistorySelection, index: usize, name: &str) {
    let mut picked = selection.is_picked(index);
    let response = ui
        .add(egui::Checkbox::without_text(&mut picked))
        .accessible_name(format!("Pick {name}"))
        .on_hover_text("Pick for a flow (Shift-click picks a range)");
    if response.clicked() {
        let extend = ui.input(|input| input.modifiers.shift);
        selection.click(index, extend);
    }
}

/// The flow export: the dialog while it is open, and the target chosen last.
#[derive(Default)]
pub struct FlowState {
    export: Option<FlowExport>,
    target: FlowTarget,
}

impl FlowState {
    /// Whether the export dialog is open.
    pub fn is_open(&self) -> bool {
        self.export.is_some()
    }
}

/// An open export dialog.
struct FlowExport {
    /// The flow of the picked sends, or why it cannot be made.
    flow: Result<Flow, String>,
    /// The program for `written_for`, or why it cannot be written.
    program: Result<String, String>,
    written_for: FlowTarget,
    save_path: String,
    /// The desktop's save dialog, while it is open.
    choosing: Option<Promise<DialogAnswer>>,
    /// The outcome of the last save, and whether it failed.
    status: Option<(String, bool)>,
}

impl FlowExport {
    fn new(flow: Result<Flow, String>, target: FlowTarget) -> Self {
        let mut export = Self {
            flow,
            program: Err(String::new()),
            written_for: target,
            save_path: default_save_path(target),
            choosing: None,
            status: None,
        };
        export.write(target);
        export
    }

    /// Writes the program for `target`; a save path that is still the suggested one follows.
    fn write(&mut self, target: FlowTarget) {
        if self.save_path == default_save_path(self.written_for) {
            self.save_path = default_save_path(target);
        }
        self.written_for = target;
        self.program = match &self.flow {
            Ok(flow) => flow::render(flow, target).map_err(|err| err.to_string()),
            Err(why) => Err(why.clone()),
        };
    }
}

/// Where a program is suggested to be saved: the documents folder, under the target's file name.
fn default_save_path(target: FlowTarget) -> String {
    crate::store::export_path_for("flow")
        .with_file_name(target.file_name())
        .display()
        .to_string()
}

impl App {
    /// Opens the export dialog with the picked history entries, in the order they were sent.
    pub(super) fn open_flow_export(&mut self) {
        let entries: Vec<HistoryEntry> = match &self.library.history {
            Some(history) => self
                .library
                .selection
                .picked()
                .filter_map(|index| history.entries().get(index).cloned())
                .collect(),
            None => Vec::new(),
        };
        let flow =
            Flow::from_history(&entries).map_err(|err| format!("Cannot make a flow: {err}."));
        self.flow.export = Some(FlowExport::new(flow, self.flow.target));
    }

    /// Writes the program on screen to `path`.
    pub(super) fn save_flow_to(&mut self, path: &std::path::Path) {
        let Some(export) = self.flow.export.as_mut() else {
            return;
        };
        let Ok(program) = &export.program else {
            return;
        };
        export.status = Some(
            match crate::store::atomic::write_atomic(path, program.as_bytes()) {
                Ok(()) => (format!("Saved to {}.", path.display()), false),
                Err(err) => (format!("Could not save to {}: {err}", path.display()), true),
            },
        );
        export.save_path = path.display().to_string();
    }

    /// Shows the desktop's save dialog for the program, off the UI thread.
    pub(super) fn save_flow_dialog(&mut self, ctx: &egui::Context) {
        if let Some(export) = self.flow.export.as_mut() {
            let file_name = export.written_for.file_name().to_owned();
            export.choosing = Some(background::choose_export_file(ctx, file_name));
        }
    }

    /// The export dialog, while it is open.
    pub(super) fn flow_dialog_ui(&mut self, ctx: &egui::Context) {
        let Some(export) = self.flow.export.as_mut() else {
            return;
        };
        take_chosen_file(export, &mut self.actions);
        let screen = ctx.content_rect();
        let width = (screen.width() - 60.0).clamp(360.0, 960.0);
        let program_height = (screen.height() - 420.0).max(100.0);
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("flow_export")).show(ctx, |ui| {
            ui.set_width(width);
            close = export_ui(ui, export, program_height, &mut self.actions);
        });
        self.flow.target = export.written_for;
        if close || modal.should_close() {
            self.flow.export = None;
        }
    }
}

/// Takes in the file the save dialog gave, if it has answered.
fn take_chosen_file(export: &mut FlowExport, actions: &mut Vec<Action>) {
    let Some(promise) = export.choosing.take() else {
        return;
    };
    match promise.try_take() {
        Ok(Ok(Some(path))) => actions.push(Action::SaveFlowTo(path)),
        Ok(Ok(None)) => export.status = Some((super::NO_FILE_CHOSEN.to_owned(), true)),
        Ok(Err(reason)) => {
            export.status = Some((
                format!("The file dialog could not open: {reason}. Type the path above instead."),
                true,
            ));
        }
        Err(promise) => export.choosing = Some(promise),
    }
}

/// The dialog's contents; returns whether it should close.
fn export_ui(
    ui: &mut Ui,
    export: &mut FlowExport,
    program_height: f32,
    actions: &mut Vec<Action>,
) -> bool {
    ui.heading("Export a flow");
    if let Ok(flow) = &export.flow {
        steps_ui(ui, flow);
    }
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Write it as").strong());
        let mut target = export.written_for;
        for choice in FlowTarget::ALL {
            ui.selectable_value(&mut target, choice, choice.label());
        }
        if target != export.written_for {
            export.write(target);
        }
    });
    ui.add_space(4.0);
    let mut close = false;
    match export.program.clone() {
        Ok(program) => {
            // The buttons above the program, so that a long one never pushes them off screen.
            save_row_ui(ui, export, &program, actions);
            if let Some((message, failed)) = &export.status {
                let color = if *failed {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().weak_text_color()
                };
                ui.label(RichText::new(message).color(color));
            }
            ui.add_space(4.0);
            program_ui(ui, &program, program_height);
        }
        Err(why) => {
            ui.label(RichText::new(why).color(ui.visuals().error_fg_color));
        }
    }
    ui.add_space(4.0);
    // One row high: a right-to-left layout would take all the height the dialog offers.
    ui.allocate_ui_with_layout(
        egui::vec2(ui.available_width(), ui.spacing().interact_size.y),
        egui::Layout::right_to_left(egui::Align::Center),
        |ui| close = ui.button("Close").on_hover_text("Close (Esc)").clicked(),
    );
    close
}

/// The steps, and which identifiers pass from one answer into later requests, in words.
fn steps_ui(ui: &mut Ui, flow: &Flow) {
    let count = flow.steps.len();
    let names: Vec<String> = flow
        .steps
        .iter()
        .map(|step| format!("{} ({})", step.name, step.operation))
        .collect();
    ui.label(format!(
        "{count} step{}, sent in this order, each stopping the program unless its answer is 2xx: {}.",
        if count == 1 { "" } else { "s" },
        names.join(", ")
    ));
    let passed = bindings_in_words(flow);
    if passed.is_empty() {
        ui.label(
            RichText::new(
                "No identifier passes between these steps: each request is sent with the values it was recorded with.",
            )
            .weak(),
        );
        return;
    }
    ui.label(RichText::new("Passed on between steps:").strong());
    for line in passed {
        ui.label(format!("  {line}"));
    }
}

/// Each binding of `flow` as a sentence: which input of which step takes which variable, read
/// from where in which earlier answer.
fn bindings_in_words(flow: &Flow) -> Vec<String> {
    let variables = flow.variables();
    flow.steps
        .iter()
        .flat_map(|step| {
            step.bindings.iter().map(|binding| {
                let variable = variables
                    .iter()
                    .find(|variable| {
                        variable.at == binding.at
                            && flow.steps.get(variable.step).map(|from| &from.name)
                                == Some(&binding.from)
                    })
                    .map(|variable| variable.name.as_str())
                    .unwrap_or("a variable");
                format!(
                    "{}: {} is {variable}, read from {}'s answer at {}",
                    step.name, binding.input, binding.from, binding.at
                )
            })
        })
        .collect()
}

/// The program: monospace, scrollable, selectable, not editable.
fn program_ui(ui: &mut Ui, program: &str, height: f32) {
    let width = ui.available_width();
    egui::ScrollArea::vertical()
        .id_salt("flow_program")
        // Its full height at once: a dialog grows to what it was offered a frame before.
        .min_scrolled_height(height)
        .max_height(height)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            let mut text = program;
            ui.add(
                egui::TextEdit::multiline(&mut text)
                    .code_editor()
                    .desired_width(width),
            )
            .accessible_name("Flow program");
        });
}

/// Copy, and Save to a path (typed, or chosen in the desktop's dialog).
fn save_row_ui(ui: &mut Ui, export: &mut FlowExport, program: &str, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        if ui
            .button("Copy")
            .accessible_name("Copy the flow")
            .on_hover_text("Copy the whole program to the clipboard")
            .clicked()
        {
            actions.push(Action::Copy(program.to_owned()));
        }
        ui.label("Save as");
        let typed = !export.save_path.trim().is_empty();
        let browse = ui
            .add_enabled(export.choosing.is_none(), egui::Button::new("Browse..."))
            .on_hover_text("Choose the file in the desktop's file dialog");
        let save = ui
            .add_enabled(typed, egui::Button::new("Save"))
            .accessible_name("Save the flow");
        let field = ui
            .add(egui::TextEdit::singleline(&mut export.save_path).desired_width(f32::INFINITY))
            .accessible_name("Path to save the flow to");
        let entered = field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
        if typed && (save.clicked() || entered) {
            actions.push(Action::SaveFlowTo(PathBuf::from(export.save_path.trim())));
        }
        if browse.clicked() {
            actions.push(Action::SaveFlowDialog);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_click_picks_a_range_and_last_n_picks_the_newest() {
        let mut selection = HistorySelection::default();
        selection.click(1, false);
        selection.click(4, true);
        assert_eq!(selection.picked().collect::<Vec<_>>(), [1, 2, 3, 4]);
        selection.click(2, false);
        assert_eq!(selection.picked().collect::<Vec<_>>(), [1, 3, 4]);
        selection.pick_last(2, 6);
        assert_eq!(selection.picked().collect::<Vec<_>>(), [4, 5]);
        selection.pick_last(9, 3);
        assert_eq!(selection.picked().collect::<Vec<_>>(), [0, 1, 2]);
    }
}
