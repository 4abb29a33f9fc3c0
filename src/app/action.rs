//! What a panel or a shortcut asks for. Drawing code only pushes an [`Action`]; [`App::apply`]
//! carries it out after the UI pass, in one exhaustive match: a new action cannot compile until it
//! is handled here.

use std::path::PathBuf;

use super::App;
use super::background::{self, Dialog};
use super::library::LibraryTab;
use crate::contract::IdentifierKind;
use crate::model::field_notes::FieldRef;
use crate::model::links::Slot;
use crate::model::{Draft, Environment, OperationValues};
use crate::store::{
    self,
    presets::{self, Preset},
};

/// Something a panel asks for; applied after the UI pass.
#[must_use]
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Send,
    /// Cancels a running send; with none running, closes the shortcuts window.
    Cancel,
    Copy(String),
    /// Copy the preview in the chosen target.
    CopySnippet,
    /// Fill the form with the operation's example values.
    LoadExample,
    /// Show this operation in the form; the current one keeps its values for later.
    SelectOperation(String),
    /// Open the "go to operation" palette.
    GoToOperation,
    /// Open the operation of the answer's link with that number, its identifiers filled in.
    FollowLink(usize),
    /// Open an operation with a value of the answer (at a JSON Pointer) in one of its inputs.
    UseValue {
        operation: String,
        slot: Slot,
        value: String,
        from: String,
    },
    /// Compare later answers of the answer's operation with this one, not with the previous.
    PinAnswer,
    UnpinAnswer,
    /// Hand the edited sandbox settings to the running sandbox.
    ApplySandboxSettings,
    SavePreset,
    /// Save over the preset of the same name, after the user said so.
    ReplacePreset,
    CancelReplace,
    LoadPreset(String),
    StartRename(String),
    RenamePreset(String, String),
    DuplicatePreset(String),
    DeletePreset(String),
    UndoDeletePreset,
    ImportDialog,
    ImportPreset(PathBuf),
    /// Open the export row for a preset.
    ExportPreset(String),
    ExportDialog(String),
    ExportPresetTo(String, PathBuf),
    CloseExport,
    ForgetToken,
    RestoreHistory(usize),
    ClearHistory,
    UndoClearHistory,
    /// Put back the draft "Reset to example" replaced.
    UndoReset,
    SearchPresets,
    EditBaseUrl,
    ToggleShortcuts,
    /// Parse a large answer's body again for the tree view, off the UI thread.
    BuildTree,
    DismissNotice,
    /// Import a cURL command (pasted onto the window, or from the dialog) into the form.
    ImportCurl(String),
    /// Open the "Import cURL" dialog.
    OpenCurlImport,
    /// Open the flow export dialog with the history entries picked.
    ExportFlow,
    /// Show the desktop's save dialog for the flow program.
    SaveFlowDialog,
    /// Write the flow program to this file.
    SaveFlowTo(PathBuf),
    /// Something the Import view asks for.
    Import(super::ImportAction),
    /// Send the user's own token to the foreign host a pasted command named, as they confirmed.
    SendToForeignHost,
    /// Do not send the user's token to that host (Send asks again next time).
    KeepTokenHome,
}

impl App {
    /// Carries out one action.
    pub(super) fn apply(&mut self, action: Action, ctx: &egui::Context) {
        match action {
            Action::Send => self.send(ctx),
            Action::Cancel => self.cancel(),
            Action::Copy(text) => {
                self.copied = Some(super::Copied::new(&text));
                ctx.copy_text(text);
            }
            Action::CopySnippet => {
                if let Some(snippet) = self.derived.snippet(self.state.preview_target) {
                    self.apply(Action::Copy(snippet.copy.clone()), ctx);
                }
            }
            Action::LoadExample => self.load_example(),
            Action::SelectOperation(id) => self.select_operation(&id),
            Action::GoToOperation => self.palette = Some(Default::default()),
            Action::PinAnswer => self.pin_answer(),
            Action::FollowLink(index) => self.follow_link(index),
            Action::UseValue {
                operation,
                slot,
                value,
                from,
            } => self.use_value(&operation, &slot, &value, &from),
            Action::UnpinAnswer => {
                if let Some(review) = &self.review {
                    self.reviews.unpin(&review.operation);
                }
            }
            Action::ApplySandboxSettings => {
                if let Some(Ok(sandbox)) = &self.sandbox {
                    sandbox.set_settings(self.state.sandbox.clone());
                }
            }
            Action::SavePreset => self.save_preset(false),
            Action::ReplacePreset => self.save_preset(true),
            Action::CancelReplace => self.library.confirm_replace = None,
            Action::LoadPreset(name) => self.load_preset(&name),
            Action::StartRename(name) => {
                self.library.renaming = Some((name.clone(), name));
                self.library.focus_rename = true;
            }
            Action::RenamePreset(from, to) => self.with_presets(|store| {
                store
                    .rename(&from, &to)
                    .map(|()| format!("Renamed to \"{}\".", to.trim()))
                    .map_err(|err| format!("Could not rename: {err}"))
            }),
            Action::DuplicatePreset(name) => self.duplicate_preset(&name),
            Action::DeletePreset(name) => self.delete_preset(&name),
            Action::UndoDeletePreset => self.undo_delete_preset(),
            Action::ImportDialog => {
                self.dialog = Some(Dialog::Import(background::pick_preset_file(ctx)));
            }
            Action::ImportPreset(path) => self.import_preset(&path),
            Action::ExportPreset(name) => {
                let path = store::export_path_for(&name);
                self.library.export_to = Some((name, path.display().to_string()));
            }
            Action::ExportDialog(name) => self.export_dialog(&name, ctx),
            Action::ExportPresetTo(name, path) => self.export_to(&name, &path),
            Action::CloseExport => self.library.export_to = None,
            Action::ForgetToken => self.forget_token(ctx),
            Action::RestoreHistory(index) => self.restore_history(index),
            Action::ClearHistory => self.clear_history(),
            Action::UndoClearHistory => self.undo_clear_history(),
            Action::UndoReset => {
                self.undo_curl_import();
                if let Some(draft) = self.undo_reset.take() {
                    self.state.draft = draft;
                }
            }
            Action::SearchPresets => {
                self.library.tab = LibraryTab::Presets;
                self.library.focus_search = true;
            }
            Action::EditBaseUrl => self.edit_base_url(),
            Action::ToggleShortcuts => self.show_shortcuts = !self.show_shortcuts,
            Action::BuildTree => self.response_view.build_tree(&self.exchange, ctx),
            Action::DismissNotice => self.notice = None,
            Action::ImportCurl(text) => self.import_curl_command(text),
            Action::OpenCurlImport => self.open_curl_dialog(),
            Action::ExportFlow => self.open_flow_export(),
            Action::SaveFlowDialog => self.save_flow_dialog(ctx),
            Action::SaveFlowTo(path) => self.save_flow_to(&path),
            Action::Import(action) => self.apply_import(action, ctx),
            Action::SendToForeignHost => self.send_to_foreign_host(ctx),
            Action::KeepTokenHome => self.dismiss_foreign_host(),
        }
    }

    fn cancel(&mut self) {
        if self.is_running() {
            // Dropping the request means its late answer, if any, goes nowhere.
            self.exchange = super::Exchange::Cancelled;
        } else {
            self.show_shortcuts = false;
        }
    }

    /// The operation's example values in place of the form's; path values the example has none
    /// for (a workspace id) are kept.
    fn load_example(&mut self) {
        let Some(operation) = self.state.draft.operation() else {
            return;
        };
        let mut values = OperationValues::example(operation);
        for (name, value) in &self.state.draft.values.path {
            values
                .path
                .entry(name.clone())
                .or_insert_with(|| value.clone());
        }
        let previous = self.state.draft.clone();
        self.state.draft.values = values;
        self.undo_reset = Some(previous);
    }

    /// Shows operation `id`, with the values it had when last shown (else its example), and
    /// keeps the current operation's values for when it is shown again. A path value the new
    /// operation needs and has not got (the workspace id) comes from the current one.
    pub(super) fn select_operation(&mut self, id: &str) {
        let Some(operation) = crate::contract::embedded()
            .ok()
            .and_then(|contract| contract.operation(id))
        else {
            return;
        };
        if self.state.draft.operation == id {
            return;
        }
        let mut values = self
            .state
            .parked
            .remove(id)
            .unwrap_or_else(|| OperationValues::example(operation));
        let in_sandbox = self.state.draft.environment == Environment::Sandbox;
        for param in &operation.path_params {
            let shared = self.shared_path_value(&param.name).cloned();
            let value = values.path.entry(param.name.clone()).or_default();
            if !value.is_empty() {
                continue;
            }
            if let Some(shared) = shared {
                *value = shared;
            } else if in_sandbox && param.identifier == IdentifierKind::WorkspaceId {
                // The sandbox has one workspace: a first Send there works with no typing.
                crate::sandbox::DEFAULT_WORKSPACE.clone_into(value);
            }
        }
        let previous = std::mem::replace(&mut self.state.draft.values, values);
        let previous_id = std::mem::replace(&mut self.state.draft.operation, id.to_owned());
        self.state.parked.insert(previous_id, previous);
        self.undo_reset = None;
    }

    /// Opens a link's operation with the answer's identifiers in its inputs, and remembers where
    /// each came from, for the form to say.
    fn follow_link(&mut self, index: usize) {
        let Some(review) = &self.review else {
            return;
        };
        let Some(link) = review.links.get(index).cloned() else {
            return;
        };
        let source = review.operation.clone();
        self.select_operation(&link.operation.id);
        for fill in link.fills {
            self.put_value(&fill.slot, &fill.value, &source, &fill.from);
        }
    }

    /// Opens `operation` with a value of the answer on screen (at `from`) in one input.
    fn use_value(&mut self, operation: &str, slot: &Slot, value: &str, from: &str) {
        let Some(source) = self.review.as_ref().map(|review| review.operation.clone()) else {
            return;
        };
        self.select_operation(operation);
        if self.state.draft.operation == operation {
            self.put_value(slot, value, &source, from);
        }
    }

    /// Puts `value` into an input of the operation shown, and notes that it came from the
    /// answer of `source` at `from`.
    fn put_value(&mut self, slot: &Slot, value: &str, source: &str, from: &str) {
        let values = &mut self.state.draft.values;
        let field = match slot {
            Slot::Path(name) => {
                values.path.insert(name.clone(), value.to_owned());
                FieldRef::Path(name.clone())
            }
            Slot::Query(name) => {
                values.query.insert(name.clone(), value.to_owned());
                FieldRef::Query(name.clone())
            }
            Slot::Body(pointer) => {
                if let Some(input) = self.state.draft.input_mut(pointer) {
                    value.clone_into(input);
                }
                FieldRef::Body(pointer.clone())
            }
        };
        let operation = self.state.draft.operation.clone();
        self.origins.note(
            &operation,
            field,
            value,
            format!("From the answer of {source} ({from})"),
        );
    }

    /// Keeps the answer on screen as the one later answers of its operation are compared with.
    fn pin_answer(&mut self) {
        let (Some(review), super::Exchange::Done(outcome)) = (&self.review, &self.exchange) else {
            return;
        };
        let Ok(response) = outcome.as_ref() else {
            return;
        };
        if !self.reviews.pin(&review.operation, response) {
            self.library.report(Err(
                "This answer is too large to pin (over 1 MB).".to_owned()
            ));
        }
    }

    /// A value typed for the path parameter `name` in the operation shown, else in any other.
    fn shared_path_value(&self, name: &str) -> Option<&String> {
        std::iter::once(&self.state.draft.values)
            .chain(self.state.parked.values())
            .filter_map(|values| values.path.get(name))
            .find(|value| !value.is_empty())
    }

    /// Puts `draft` in the form (a preset, a history entry), keeping the values of the operation
    /// shown until now for when it is shown again.
    pub(super) fn open_draft(&mut self, draft: Draft) {
        if draft.operation != self.state.draft.operation {
            let previous = std::mem::replace(&mut self.state.draft, draft);
            self.state.parked.remove(&self.state.draft.operation);
            self.state
                .parked
                .insert(previous.operation, previous.values);
        } else {
            self.state.draft = draft;
        }
    }

    fn clear_history(&mut self) {
        let Some(history) = self.library.history.as_mut() else {
            return;
        };
        match history.clear() {
            Ok(entries) => self.library.cleared_history = entries,
            Err(err) => self
                .library
                .report(Err(format!("Could not clear the history: {err}"))),
        }
    }

    fn undo_clear_history(&mut self) {
        let entries = std::mem::take(&mut self.library.cleared_history);
        let result = match self.library.history.as_mut() {
            Some(history) => history
                .restore(entries)
                .map(|()| "The history is back.".to_owned())
                .map_err(|err| format!("Could not put the history back: {err}")),
            None => return,
        };
        self.library.report(result);
    }

    /// Switches to a custom base URL, starting from the one in use, and puts the cursor there.
    fn edit_base_url(&mut self) {
        let sandbox = self.sandbox_base_url();
        let draft = &mut self.state.draft;
        if draft.environment != Environment::Custom {
            if draft.custom_base_url.is_empty() {
                draft.custom_base_url = draft
                    .base_url(sandbox.as_deref())
                    .unwrap_or_default()
                    .to_owned();
            }
            draft.environment = Environment::Custom;
        }
        self.focus_base_url = true;
    }

    /// Puts a recorded send back: its request into the form, and its answer in the response
    /// panel (so no other request's answer is left on screen beside it).
    fn restore_history(&mut self, index: usize) {
        let Some(entry) = self
            .library
            .history
            .as_ref()
            .and_then(|history| history.entries().get(index))
            .cloned()
        else {
            return;
        };
        let draft = entry.request.to_draft();
        self.open_draft(draft.clone());
        self.response_view = super::ResponseView::new();
        self.preparing = None;
        self.review = None;
        let message = match entry.answer() {
            Some(answer) => {
                self.review = draft
                    .operation()
                    .map(|operation| super::review::Reviews::review_restored(operation, &answer));
                self.exchange = super::Exchange::Done(Box::new(Ok(answer)));
                let cut = if entry.response_truncated {
                    " (its body as far as the history keeps it)"
                } else {
                    ""
                };
                format!("Restored the request and its answer{cut}.")
            }
            None => {
                self.exchange = super::Exchange::Idle;
                format!(
                    "Restored the request; that send got no answer: {}",
                    entry.outcome
                )
            }
        };
        // Its field errors show under the inputs again; it is not recorded a second time.
        self.sent = Some(super::Sent {
            draft,
            request: None,
        });
        self.library.report(Ok(message));
    }

    /// Runs a preset-store operation and reports its outcome in the library panel.
    fn with_presets(
        &mut self,
        operation: impl FnOnce(&presets::PresetStore) -> Result<String, String>,
    ) {
        let result = match self.library.presets.clone() {
            Some(store) => store.check_folder().and_then(|()| operation(&store)),
            None => Err("Presets need a home directory, and none was found.".to_owned()),
        };
        self.library.report(result);
    }

    /// Saves the draft under the name in the box. A name that is taken (even by another window a
    /// moment ago: the store refuses it atomically) is only saved over once the user says so.
    fn save_preset(&mut self, replace: bool) {
        self.library.tab = LibraryTab::Presets;
        let name = match (replace, self.library.confirm_replace.take()) {
            (true, Some(name)) => name,
            _ => self.library.save_name.trim().to_owned(),
        };
        if name.is_empty() {
            self.library.focus_save_name = true;
            self.library
                .report(Err("Type a name for the preset first.".to_owned()));
            return;
        }
        let preset = Preset::new(&name, &self.state.draft);
        let mut taken = false;
        self.with_presets(|store| {
            let saved = if replace {
                store.save_replacing(&preset).map(|_| ())
            } else {
                store.save_new(&preset).map(|_| ())
            };
            match saved {
                Ok(()) => Ok(format!("Saved \"{name}\".")),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                    taken = true;
                    Err(format!("A preset is already called \"{name}\"."))
                }
                Err(err) => Err(format!("Could not save \"{name}\": {err}")),
            }
        });
        if taken {
            self.library.confirm_replace = Some(name);
        }
    }

    fn load_preset(&mut self, name: &str) {
        if let Some(preset) = self.find_preset(name) {
            self.open_draft(preset.request.to_draft());
            self.library
                .report(Ok(format!("Loaded \"{}\".", preset.name)));
            self.library.save_name = preset.name;
        }
    }

    fn duplicate_preset(&mut self, name: &str) {
        self.with_presets(|store| match store.find(name) {
            Some((_, mut preset)) => {
                preset.name = store.copy_name(name);
                store
                    .save(&preset)
                    .map(|_| format!("Saved a copy as \"{}\".", preset.name))
                    .map_err(|err| format!("Could not duplicate: {err}"))
            }
            None => Err(format!("\"{name}\" is no longer there.")),
        });
    }

    fn delete_preset(&mut self, name: &str) {
        let mut deleted = None;
        self.with_presets(|store| match store.delete(name) {
            Ok(Some(preset)) => {
                let message = format!("Deleted \"{}\".", preset.name);
                deleted = Some(preset);
                Ok(message)
            }
            Ok(None) => Err(format!("\"{name}\" is no longer there.")),
            Err(err) => Err(format!("Could not delete \"{name}\": {err}")),
        });
        self.library.deleted.extend(deleted);
    }

    fn undo_delete_preset(&mut self) {
        let Some(preset) = self.library.deleted.pop() else {
            return;
        };
        self.with_presets(|store| {
            store
                .save(&preset)
                .map(|_| format!("Put \"{}\" back.", preset.name))
                .map_err(|err| format!("Could not put it back: {err}"))
        });
    }

    fn import_preset(&mut self, path: &std::path::Path) {
        self.with_presets(|store| {
            let mut preset = presets::import_file(path)?;
            if store.find(&preset.name).is_some() {
                preset.name = store.copy_name(&preset.name);
            }
            store
                .save(&preset)
                .map(|_| format!("Imported \"{}\".", preset.name))
                .map_err(|err| format!("Could not import: {err}"))
        });
    }

    fn export_dialog(&mut self, name: &str, ctx: &egui::Context) {
        if let Some(preset) = self.find_preset(name) {
            let promise = background::choose_export_file(ctx, format!("{name}.json"));
            self.dialog = Some(Dialog::Export(Box::new(preset), promise));
        }
    }

    fn export_to(&mut self, name: &str, path: &std::path::Path) {
        if let Some(preset) = self.find_preset(name) {
            self.export_preset(&preset, path);
            self.library.export_to = None;
        }
    }

    /// The preset called `name`; when it has gone (deleted in another window), the panel says so.
    fn find_preset(&mut self, name: &str) -> Option<Preset> {
        let found = self
            .library
            .presets
            .as_ref()
            .and_then(|store| store.find(name))
            .map(|(_, preset)| preset);
        if found.is_none() {
            self.library
                .report(Err(format!("\"{name}\" is no longer there.")));
        }
        found
    }

    /// Writes a preset to a file of the user's choosing.
    pub fn export_preset(&mut self, preset: &Preset, path: &std::path::Path) {
        let result = presets::export(preset, path)
            .map(|()| format!("Exported to {}.", path.display()))
            .map_err(|err| format!("Could not export: {err}"));
        self.library.report(result);
    }
}
