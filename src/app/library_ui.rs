//! The library beside the form: presets (save, search, load, rename, duplicate, delete with undo,
//! import and export) and the history of sends (search, restore, clear).

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::action::Action;
use crate::store::history::History;
use crate::store::presets::{Listed, Preset, PresetStore};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LibraryTab {
    #[default]
    Presets,
    History,
}

/// Presets and history, and the panel's state.
#[derive(Default)]
pub struct Library {
    pub presets: Option<PresetStore>,
    pub history: Option<History>,
    listed: Vec<Listed>,
    pub tab: LibraryTab,
    pub search: String,
    pub history_search: String,
    /// The name the next save uses.
    pub save_name: String,
    /// A rename in progress: the old name and the edited one.
    pub renaming: Option<(String, String)>,
    /// Presets deleted this session, newest last, for undo.
    pub deleted: Vec<Preset>,
    /// The outcome of the last action, and whether it failed.
    pub status: Option<(String, bool)>,
    /// Set by Ctrl+K: the search box takes the keyboard on the next frame.
    pub focus_search: bool,
}

impl Library {
    /// Opens the presets folder (seeding the examples on first launch) and the history file.
    pub fn open(presets_dir: Option<PathBuf>, history_file: Option<PathBuf>) -> Self {
        let (history, notice) = match history_file.map(History::open) {
            Some((history, notice)) => (Some(history), notice),
            None => (None, None),
        };
        let mut library = Self {
            presets: presets_dir.map(PresetStore::open_seeded),
            history,
            // Said once: the lines are moved aside, so the next start finds none.
            status: notice.map(|notice| (notice, true)),
            ..Self::default()
        };
        library.refresh();
        library
    }

    /// Reads the presets folder again.
    pub fn refresh(&mut self) {
        self.listed = self
            .presets
            .as_ref()
            .map(PresetStore::list)
            .unwrap_or_default();
    }

    pub fn report(&mut self, result: Result<String, String>) {
        self.status = Some(match result {
            Ok(message) => (message, false),
            Err(message) => (message, true),
        });
        self.refresh();
    }
}

pub fn library_ui(ui: &mut Ui, library: &mut Library, actions: &mut Vec<Action>) {
    ui.add_space(6.0);
    ui.horizontal(|ui| {
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
            .on_hover_text("Save the current request under this name (Ctrl+S)");
        ui.add(
            egui::TextEdit::singleline(&mut library.save_name)
                .hint_text("Preset name")
                .desired_width(f32::INFINITY),
        )
        .accessible_name("Preset name");
        if save.clicked() {
            actions.push(Action::SavePreset);
        }
    });
    let search = ui
        .add(
            egui::TextEdit::singleline(&mut library.search)
                .hint_text("Search presets (Ctrl+K)")
                .desired_width(f32::INFINITY),
        )
        .accessible_name("Search presets");
    if std::mem::take(&mut library.focus_search) {
        search.request_focus();
    }
    if ui
        .button("Import…")
        .on_hover_text("Import a preset file (or drop one on the window)")
        .clicked()
    {
        actions.push(Action::ImportDialog);
    }
    if let Some(preset) = library.deleted.last()
        && ui
            .button(format!("Undo delete of \"{}\"", preset.name))
            .clicked()
    {
        actions.push(Action::UndoDeletePreset);
    }
    ui.separator();
    let query = library.search.to_lowercase();
    egui::ScrollArea::vertical()
        .id_salt("presets")
        .auto_shrink(false)
        .show(ui, |ui| {
            for item in &library.listed {
                match item {
                    Listed::Preset { preset, .. }
                        if preset.name.to_lowercase().contains(&query) =>
                    {
                        preset_row_ui(ui, preset, &mut library.renaming, actions);
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
    actions: &mut Vec<Action>,
) {
    if let Some((old, new)) = renaming.as_mut().filter(|(old, _)| *old == preset.name) {
        let mut done = None;
        ui.horizontal(|ui| {
            let edit = ui
                .add(egui::TextEdit::singleline(new).desired_width(ui.available_width() - 90.0))
                .accessible_name(format!("New name for {old}"));
            let submitted =
                edit.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
            if ui.button("OK").clicked() || submitted {
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
                *renaming = Some((preset.name.clone(), preset.name.clone()));
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
            .selectable_label(false, &preset.name)
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
                let time = entry.time.get(11..19).unwrap_or(&entry.time);
                let path = url::Url::parse(&entry.url)
                    .map(|url| url.path().to_owned())
                    .unwrap_or_else(|_| entry.url.clone());
                let text = format!("{time}  {}  {path}", entry.outcome);
                let response = ui.selectable_label(false, text).on_hover_text(format!(
                    "{} {}\n{} · {} ms\nClick to restore this request into the form.",
                    entry.method, entry.url, entry.time, entry.elapsed_ms
                ));
                if response.clicked() {
                    actions.push(Action::RestoreHistory(index));
                }
            }
        });
}
