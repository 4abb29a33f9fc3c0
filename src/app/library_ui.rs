//! The library beside the form: presets (save, search, load, rename, duplicate, delete with undo,
//! import and export) and the history of sends (search, restore, clear).

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::action::Action;
use super::library::{Library, LibraryTab};
use super::shortcuts::SAVE_PRESET;
use super::{curl_ui, flow_ui, navigator_ui};
use crate::store::history::HistoryEntry;
use crate::store::presets::{Listed, Preset};

/// The side panel: the API navigator, the presets and the history, one tab each.
/// `operation` is the operation the form shows.
pub fn library_ui(ui: &mut Ui, library: &mut Library, operation: &str, actions: &mut Vec<Action>) {
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.selectable_value(&mut library.tab, LibraryTab::Operations, "API");
        ui.selectable_value(&mut library.tab, LibraryTab::Presets, "Presets");
        ui.selectable_value(&mut library.tab, LibraryTab::History, "History");
    });
    ui.separator();
    if let Some((message, failed)) = &library.status {
        let color = if *failed {
            ui.visuals().error_fg_color
        } else {
            ui.visuals().weak_text_color()
        };
        ui.label(RichText::new(message).color(color));
    }
    match library.tab {
        LibraryTab::Operations => match crate::contract::embedded() {
            Ok(contract) => {
                curl_ui::import_button_ui(ui, actions);
                navigator_ui::navigator_ui(
                    ui,
                    contract,
                    operation,
                    &mut library.operation_filter,
                    actions,
                );
            }
            Err(err) => {
                ui.label(RichText::new(err.to_string()).color(ui.visuals().error_fg_color));
            }
        },
        LibraryTab::Presets => presets_ui(ui, library, actions),
        LibraryTab::History => history_ui(ui, library, actions),
    }
}

fn presets_ui(ui: &mut Ui, library: &mut Library, actions: &mut Vec<Action>) {
    if library.presets.is_none() {
        ui.label("Presets need a home directory, and none was found.");
        return;
    }
    ui.horizontal(|ui| {
        let save = ui
            .button("Save")
            .on_hover_text(SAVE_PRESET.hint_for("Save the current request under this name"));
        let name = ui
            .add(
                egui::TextEdit::singleline(&mut library.save_name)
                    .hint_text("Preset name")
                    .desired_width(f32::INFINITY),
            )
            .accessible_name("Preset name");
        if std::mem::take(&mut library.focus_save_name) {
            name.request_focus();
        }
        if save.clicked() || submitted(ui, &name) {
            actions.push(Action::SavePreset);
        }
    });
    if let Some(name) = &library.confirm_replace {
        confirm_replace_ui(ui, name, actions);
    }
    let search = ui
        .add(
            egui::TextEdit::singleline(&mut library.search)
                .hint_text("Search presets (Ctrl+K)")
                .desired_width(f32::INFINITY),
        )
        .accessible_name("Search presets")
        .on_hover_text("Enter loads the preset when only one matches");
    if std::mem::take(&mut library.focus_search) {
        search.request_focus();
    }
    let query = fold(&library.search);
    let matching: Vec<&Preset> = library
        .listed
        .iter()
        .filter_map(|item| match item {
            Listed::Preset { preset, .. } if fold(&preset.name).contains(&query) => Some(preset),
            _ => None,
        })
        .collect();
    if submitted(ui, &search)
        && let [only] = matching.as_slice()
    {
        actions.push(Action::LoadPreset(only.name.clone()));
    }
    import_row_ui(ui, &mut library.import_path, actions);
    if let Some(preset) = library.deleted.last()
        && ui
            .button(format!("Undo delete of \"{}\"", preset.name))
            .clicked()
    {
        actions.push(Action::UndoDeletePreset);
    }
    if let Some((name, path)) = &mut library.export_to {
        export_row_ui(ui, name, path, actions);
    }
    ui.separator();
    let focus_rename = std::mem::take(&mut library.focus_rename);
    egui::ScrollArea::vertical()
        .id_salt("presets")
        .auto_shrink(false)
        .show(ui, |ui| {
            for item in &library.listed {
                match item {
                    Listed::Preset { preset, .. } if fold(&preset.name).contains(&query) => {
                        preset_row_ui(ui, preset, &mut library.renaming, focus_rename, actions);
                    }
                    Listed::Preset { .. } => {}
                    Listed::Broken { file, reason } => {
                        let name = file
                            .file_name()
                            .map(|name| name.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        ui.label(
                            RichText::new(format!("Broken: {name}"))
                                .color(ui.visuals().error_fg_color),
                        )
                        .on_hover_text(format!(
                            "{}\n{reason}\nLeft as it is; fix or remove the file.",
                            file.display()
                        ));
                    }
                }
            }
            ui.add_space(8.0);
            ui.label(RichText::new("Drop a preset .json on the window to import it.").weak());
        });
}

fn preset_row_ui(
    ui: &mut Ui,
    preset: &Preset,
    renaming: &mut Option<(String, String)>,
    focus_rename: bool,
    actions: &mut Vec<Action>,
) {
    if let Some((old, new)) = renaming.as_mut().filter(|(old, _)| *old == preset.name) {
        let mut done = None;
        ui.horizontal(|ui| {
            // Never wider than the panel: a long name scrolls inside its box.
            let width = (ui.available_width() - 90.0).max(60.0);
            let edit = ui
                .add(egui::TextEdit::singleline(new).desired_width(width))
                .accessible_name(format!("New name for {old}"));
            if focus_rename {
                edit.request_focus();
            }
            if ui.button("OK").clicked() || submitted(ui, &edit) {
                done = Some(true);
            }
            if ui.button("Cancel").clicked() {
                done = Some(false);
            }
        });
        match done {
            Some(true) => {
                actions.push(Action::RenamePreset(old.clone(), new.clone()));
                *renaming = None;
            }
            Some(false) => *renaming = None,
            None => {}
        }
        return;
    }
    ui.horizontal(|ui| {
        let menu = ui.menu_button("…", |ui| {
            if ui.button("Rename").clicked() {
                actions.push(Action::StartRename(preset.name.clone()));
                ui.close();
            }
            if ui.button("Duplicate").clicked() {
                actions.push(Action::DuplicatePreset(preset.name.clone()));
                ui.close();
            }
            if ui.button("Export…").clicked() {
                actions.push(Action::ExportPreset(preset.name.clone()));
                ui.close();
            }
            if ui.button("Delete").clicked() {
                actions.push(Action::DeletePreset(preset.name.clone()));
                ui.close();
            }
        });
        menu.response
            .accessible_name(format!("Actions for {}", preset.name));
        let environment = preset.request.environment.label();
        if ui
            .add(egui::Button::selectable(false, &preset.name).truncate())
            .on_hover_text(format!(
                "Load into the form · {environment} · saved {}",
                preset.saved_at
            ))
            .clicked()
        {
            actions.push(Action::LoadPreset(preset.name.clone()));
        }
    });
}

fn history_ui(ui: &mut Ui, library: &mut Library, actions: &mut Vec<Action>) {
    let Some(history) = &library.history else {
        ui.label("The history needs a home directory, and none was found.");
        return;
    };
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                !history.entries().is_empty(),
                egui::Button::new("Clear all"),
            )
            .clicked()
        {
            actions.push(Action::ClearHistory);
        }
        ui.add(
            egui::TextEdit::singleline(&mut library.history_search)
                .hint_text("Search history")
                .desired_width(f32::INFINITY),
        )
        .accessible_name("Search history");
    });
    if !library.cleared_history.is_empty()
        && ui
            .button(match library.cleared_history.len() {
                1 => "Undo clear (1 entry)".to_owned(),
                count => format!("Undo clear ({count} entries)"),
            })
            .clicked()
    {
        actions.push(Action::UndoClearHistory);
    }
    flow_ui::selection_bar_ui(ui, &mut library.selection, history.entries(), actions);
    ui.separator();
    if history.entries().is_empty() {
        ui.label(RichText::new("Every send is recorded here, without the token.").weak());
    }
    let query = library.history_search.clone();
    egui::ScrollArea::vertical()
        .id_salt("history")
        .auto_shrink(false)
        .show(ui, |ui| {
            for (index, entry) in history
                .entries()
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, entry)| entry.matches(&query))
            {
                history_row_ui(ui, index, entry, &mut library.selection, actions);
            }
        });
}

/// One send: when, how it ended, who it was about and where it went.
fn history_row_ui(
    ui: &mut Ui,
    index: usize,
    entry: &HistoryEntry,
    selection: &mut flow_ui::HistorySelection,
    actions: &mut Vec<Action>,
) {
    let time = entry.time.get(11..19).unwrap_or(&entry.time);
    let path = url::Url::parse(&entry.url)
        .map(|url| url.path().to_owned())
        .unwrap_or_else(|_| entry.url.clone());
    // Who it was about when the body says (a userId), else what it did.
    let who = entry
        .user_id()
        .unwrap_or_else(|| entry.request.operation_id());
    let text = format!(
        "{time}  {}  {who}\n{} {}{path}",
        entry.outcome,
        entry.method,
        entry.host()
    );
    let response = ui
        .horizontal(|ui| {
            flow_ui::pick_box_ui(ui, selection, index, &format!("{who} at {time}"));
            ui.add(egui::Button::selectable(false, text).truncate())
                .on_hover_text(format!(
                    "{} {}\n{} · {} ms\nClick to restore this request and its answer.",
                    entry.method, entry.url, entry.time, entry.elapsed_ms
                ))
        })
        .inner;
    if response.clicked() {
        actions.push(Action::RestoreHistory(index));
    }
}

/// Whether `field` was just left with Enter.
fn submitted(ui: &Ui, field: &egui::Response) -> bool {
    field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter))
}

/// How names are compared when searching: the store's one folding rule.
fn fold(text: &str) -> String {
    crate::store::presets::fold_name(text)
}

/// "A preset of that name exists": replace it, or keep both as they are.
fn confirm_replace_ui(ui: &mut Ui, name: &str, actions: &mut Vec<Action>) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(
            RichText::new(format!("\"{name}\" already exists.")).color(ui.visuals().warn_fg_color),
        );
        ui.horizontal(|ui| {
            if ui.button("Replace it").clicked() {
                actions.push(Action::ReplacePreset);
            }
            if ui.button("Cancel").clicked() {
                actions.push(Action::CancelReplace);
            }
        });
    });
}

/// Import by path, with the desktop's dialog one click away: where no dialog can be shown, the
/// path still works.
fn import_row_ui(ui: &mut Ui, path: &mut Option<String>, actions: &mut Vec<Action>) {
    let Some(text) = path else {
        if ui
            .button("Import…")
            .on_hover_text("Import a preset file (or drop one on the window)")
            .clicked()
        {
            *path = Some(String::new());
        }
        return;
    };
    ui.label("Import the file at:");
    let field = ui
        .add(
            egui::TextEdit::singleline(text)
                .hint_text("/path/to/preset.json")
                .desired_width(f32::INFINITY),
        )
        .accessible_name("Path to import");
    let typed = !text.trim().is_empty();
    let chosen = PathBuf::from(text.trim());
    let mut close = false;
    ui.horizontal_wrapped(|ui| {
        if ui.add_enabled(typed, egui::Button::new("Import")).clicked()
            || (submitted(ui, &field) && typed)
        {
            actions.push(Action::ImportPreset(chosen));
        }
        if ui
            .button("Browse…")
            .on_hover_text("Choose the file in the desktop's file dialog")
            .clicked()
        {
            actions.push(Action::ImportDialog);
        }
        close = ui.button("Close").clicked();
    });
    if close {
        *path = None;
    }
}

/// Export by path, with the desktop's dialog one click away.
fn export_row_ui(ui: &mut Ui, name: &str, path: &mut String, actions: &mut Vec<Action>) {
    ui.label(format!("Export \"{name}\" to:"));
    let field = ui
        .add(egui::TextEdit::singleline(path).desired_width(f32::INFINITY))
        .accessible_name("Path to export to");
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(!path.trim().is_empty(), egui::Button::new("Export"))
            .clicked()
            || (submitted(ui, &field) && !path.trim().is_empty())
        {
            actions.push(Action::ExportPresetTo(
                name.to_owned(),
                PathBuf::from(path.trim()),
            ));
        }
        if ui.button("Browse…").clicked() {
            actions.push(Action::ExportDialog(name.to_owned()));
        }
        if ui.button("Close").clicked() {
            actions.push(Action::CloseExport);
        }
    });
}
