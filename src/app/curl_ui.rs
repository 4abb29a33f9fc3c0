//! cURL import in the window: a curl command pasted onto the window (while no text field has the
//! focus) becomes the form at once; "Import cURL…" (Ctrl+I) opens a dialog that reads the command
//! live — the operation, the environment, what it carries, what it leaves out — before anything
//! changes. The engine is [`crate::model::curl_import`]; this file only shows and applies it.
//!
//! A token found in the command goes into the token field for this session only
//! ([`TokenOrigin::PastedCurl`]): it is never offered to the keyring, and the token is no part
//! of the saved state, the history or a preset.

use egui::{Key, RichText, Ui};

use super::action::Action;
use super::foreign_host::{self, ForeignHost};
use super::shortcuts::IMPORT_CURL;
use super::{App, TokenInput, TokenOrigin};
use crate::model::curl_import::{CurlImport, import_curl};
use crate::model::field_notes::FieldRef;
use crate::model::form::{FormValue, pointer_child};
use crate::model::{Draft, Environment, OperationValues};

/// Said under every input an import filled, for as long as it holds the imported value.
pub const FROM_PASTED_CURL: &str = "From the pasted cURL";

/// The title of the import dialog.
const DIALOG_TITLE: &str = "Import a cURL command";

/// The window's cURL import: the dialog while it is open, and what the last import did.
#[derive(Default)]
pub struct CurlState {
    dialog: Option<CurlDialog>,
    /// What the last import did, said in the request bar until dismissed or undone.
    banner: Option<Banner>,
    /// What the last import replaced, so that its undo also puts the token back.
    replaced: Option<Replaced>,
    /// The host the last import named, when the user's own token is not meant for it.
    pub(super) foreign: Option<ForeignHost>,
}

impl CurlState {
    /// Whether the import dialog is open.
    pub fn dialog_open(&self) -> bool {
        self.dialog.is_some()
    }
}

/// The draft and token an import replaced.
struct Replaced {
    draft: Draft,
    /// `None` when the command held no token, so the field was left as it was.
    token: Option<TokenInput>,
}

/// "Imported createPerson from the pasted cURL", with the import's notes.
struct Banner {
    summary: String,
    notes: Vec<String>,
}

/// The dialog: the command as pasted so far, and its reading.
struct CurlDialog {
    text: String,
    /// The reading of `read_text`, made again only when the text changes.
    reading: Result<CurlImport, String>,
    read_text: String,
    /// The box takes the keyboard on the next frame (when the dialog opens).
    focus: bool,
}

impl CurlDialog {
    fn with(text: String) -> Self {
        Self {
            reading: read(&text),
            read_text: text.clone(),
            text,
            focus: true,
        }
    }

    fn reading(&mut self) -> &Result<CurlImport, String> {
        if self.read_text != self.text {
            self.reading = read(&self.text);
            self.read_text.clone_from(&self.text);
        }
        &self.reading
    }
}

/// `text` imported against the built-in contract; the error is one sentence.
fn read(text: &str) -> Result<CurlImport, String> {
    if text.trim().is_empty() {
        return Err("Paste a curl command above.".to_owned());
    }
    let contract = crate::contract::embedded()
        .map_err(|err| format!("The built-in contract cannot be read: {err}"))?;
    import_curl(text, contract).map_err(|err| format!("Cannot import this command: {err}."))
}

/// The curl command pasted onto the window this frame, if any: a paste while no text field has
/// the focus (a paste into a field stays that field's), whose text starts with `curl`.
pub fn pasted_command(ctx: &egui::Context) -> Option<String> {
    if ctx.text_edit_focused() {
        return None;
    }
    ctx.input(|input| {
        input.events.iter().find_map(|event| match event {
            egui::Event::Paste(text) if is_curl_command(text) => Some(text.clone()),
            _ => None,
        })
    })
}

/// Whether `text` is meant as a curl command: its first word is `curl` (or Windows' `curl.exe`).
fn is_curl_command(text: &str) -> bool {
    text.split_whitespace().next().is_some_and(|word| {
        word.eq_ignore_ascii_case("curl") || word.eq_ignore_ascii_case("curl.exe")
    })
}

/// The environment an import goes to, and how the window says it: the running sandbox when the
/// command's base URL is the sandbox's address, else what the import read (production or a
/// custom base URL).
fn environment_of(import: &CurlImport, sandbox_base_url: Option<&str>) -> (Environment, String) {
    let base = import.base_url.trim_end_matches('/');
    if import.draft.environment == Environment::Custom
        && sandbox_base_url.is_some_and(|sandbox| sandbox.trim_end_matches('/') == base)
    {
        return (
            Environment::Sandbox,
            "Sandbox (the running local sandbox)".to_owned(),
        );
    }
    match import.draft.environment {
        Environment::Custom => (Environment::Custom, format!("Custom: {base}")),
        other => (other, format!("{} ({base})", other.label())),
    }
}

impl App {
    /// Imports a cURL command (pasted onto the window, or from the dialog). What imports fills
    /// the form; what cannot opens the dialog with the command and its message, and nothing
    /// changes.
    pub(super) fn import_curl_command(&mut self, text: String) {
        match read(&text) {
            Ok(import) => self.apply_curl_import(import),
            Err(_) => self.curl.dialog = Some(CurlDialog::with(text)),
        }
    }

    /// Whether a dialog of its own (cURL import, flow export) is open, in front of the panels.
    pub(super) fn dialog_open(&self) -> bool {
        self.curl.dialog_open() || self.flow.is_open() || self.asking_about_foreign_host()
    }

    pub(super) fn open_curl_dialog(&mut self) {
        if self.curl.dialog.is_none() {
            self.curl.dialog = Some(CurlDialog::with(String::new()));
        }
    }

    /// Puts an import in the form: the operation with its values on the matching environment,
    /// each value marked as pasted, and the token (if any) for this session only. The draft it
    /// replaced can be put back with the form's undo.
    fn apply_curl_import(&mut self, import: CurlImport) {
        // A command pasted in the Import view is a request: show it where it went.
        self.state.view = super::View::Requests;
        let sandbox = self.sandbox_base_url();
        let (environment, where_to) = environment_of(&import, sandbox.as_deref());
        let previous = self.state.draft.clone();
        self.curl.foreign = ForeignHost::of(&import.base_url);
        let mut draft = import.draft;
        if environment != Environment::Custom {
            // The user's own custom base URL is kept for when they go back to it.
            draft.custom_base_url.clone_from(&previous.custom_base_url);
        }
        draft.environment = environment;
        let operation = draft.operation.clone();
        let values = draft.values.clone();
        self.open_draft(draft);
        self.undo_reset = Some(previous.clone());
        self.note_pasted_values(&operation, &values);
        let token = import
            .token
            .map(|token| std::mem::replace(&mut self.token, TokenInput::from_pasted_curl(token)));
        let mut notes = Vec::new();
        if token.is_some() {
            notes.push(
                "Its token is in the token field for this session only: never saved.".to_owned(),
            );
        }
        if !import.ignored_flags.is_empty() {
            notes.push(format!(
                "Skipped options that change nothing in the request: {}.",
                import.ignored_flags.join(", ")
            ));
        }
        notes.extend(import.notes);
        self.curl.banner = Some(Banner {
            summary: format!("Imported {operation} from the pasted cURL, on {where_to}."),
            notes,
        });
        self.curl.replaced = Some(Replaced {
            draft: previous,
            token,
        });
        self.curl.dialog = None;
    }

    /// Marks every value an import put in the form as coming from the pasted command.
    fn note_pasted_values(&mut self, operation: &str, values: &OperationValues) {
        let mut fields: Vec<(FieldRef, String)> = Vec::new();
        for (name, value) in &values.path {
            fields.push((FieldRef::Path(name.clone()), value.clone()));
        }
        for (name, value) in &values.query {
            fields.push((FieldRef::Query(name.clone()), value.clone()));
        }
        body_inputs(&values.body, "", &mut fields);
        for (field, value) in fields.into_iter().filter(|(_, value)| !value.is_empty()) {
            self.origins
                .note(operation, field, &value, FROM_PASTED_CURL.to_owned());
        }
    }

    /// Called as the form's undo puts back the draft an import replaced: the token the import
    /// replaced comes back too, unless the token was edited since.
    pub(super) fn undo_curl_import(&mut self) {
        let Some(replaced) = self.curl.replaced.take() else {
            return;
        };
        if self.undo_reset.as_ref() != Some(&replaced.draft) {
            // The undo is of a later reset, not of the import.
            return;
        }
        if let Some(token) = replaced.token
            && self.token.origin == TokenOrigin::PastedCurl
        {
            self.token = token;
        }
        self.curl.banner = None;
        self.curl.foreign = None;
    }

    /// Whether the form's undo would put back what the last import replaced (not a later
    /// reset's): the banner's "Undo import" offers it, and the form then offers no "Undo reset".
    pub(super) fn can_undo_curl_import(&self) -> bool {
        self.curl
            .replaced
            .as_ref()
            .is_some_and(|replaced| self.undo_reset.as_ref() == Some(&replaced.draft))
    }

    /// The request bar's line about the last import, with its undo.
    pub(super) fn curl_banner_ui(&mut self, ui: &mut Ui) {
        let Some(banner) = &self.curl.banner else {
            return;
        };
        let can_undo = self.can_undo_curl_import();
        let mut dismissed = false;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(&banner.summary).strong());
            if can_undo
                && ui
                    .small_button("Undo import")
                    .on_hover_text("Put back the request (and token) the import replaced")
                    .clicked()
            {
                self.actions.push(Action::UndoReset);
            }
            dismissed = ui.small_button("Dismiss").clicked();
        });
        if let Some(warning) = self
            .curl
            .foreign
            .as_ref()
            .and_then(|foreign| foreign.warning(&self.token))
        {
            foreign_host::warning_ui(ui, &warning);
        }
        for note in &banner.notes {
            ui.label(RichText::new(note).weak());
        }
        if dismissed {
            self.curl.banner = None;
        }
    }

    /// The import dialog, while it is open.
    pub(super) fn curl_dialog_ui(&mut self, ctx: &egui::Context) {
        self.foreign_host_ui(ctx);
        let sandbox = self.sandbox_base_url();
        let Some(dialog) = self.curl.dialog.as_mut() else {
            return;
        };
        let width = (ctx.content_rect().width() - 80.0).clamp(320.0, 680.0);
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("curl_import")).show(ctx, |ui| {
            ui.set_width(width);
            close = dialog_ui(ui, dialog, sandbox.as_deref(), &mut self.actions);
        });
        if close || modal.should_close() {
            self.curl.dialog = None;
        }
    }
}

/// The inputs of a body (or part of it at `pointer`) that hold text, with their text.
fn body_inputs(value: &FormValue, pointer: &str, out: &mut Vec<(FieldRef, String)>) {
    match value {
        FormValue::Input(text) | FormValue::Json(text) if !pointer.is_empty() => {
            out.push((FieldRef::Body(pointer.to_owned()), text.clone()));
        }
        FormValue::Input(_) | FormValue::Json(_) => {}
        FormValue::Object { fields, .. } => {
            for (name, field) in fields {
                body_inputs(field, &pointer_child(pointer, name), out);
            }
        }
        FormValue::List(items) => {
            for (index, item) in items.iter().enumerate() {
                body_inputs(item, &pointer_child(pointer, &index.to_string()), out);
            }
        }
    }
}

/// The dialog's contents; returns whether it should close.
fn dialog_ui(
    ui: &mut Ui,
    dialog: &mut CurlDialog,
    sandbox_base_url: Option<&str>,
    actions: &mut Vec<Action>,
) -> bool {
    ui.heading(DIALOG_TITLE);
    ui.label(
        RichText::new(
            "Paste a curl command (bash, zsh or Windows cmd, as the docs or a browser's \"Copy as cURL\" write it). Nothing changes until you press Import.",
        )
        .weak(),
    );
    ui.add_space(4.0);
    let field = egui::ScrollArea::vertical()
        .id_salt("curl_text")
        .max_height(180.0)
        .show(ui, |ui| {
            ui.add(
                egui::TextEdit::multiline(&mut dialog.text)
                    .code_editor()
                    .desired_rows(6)
                    .desired_width(f32::INFINITY)
                    // Enter imports; Shift+Enter starts a new line.
                    .return_key(egui::KeyboardShortcut::new(
                        egui::Modifiers::SHIFT,
                        Key::Enter,
                    ))
                    .hint_text("curl -X POST \"https://api.flameup.ai/api/v1/people\" -H ..."),
            )
            .accessible_name("cURL command")
        })
        .inner;
    if std::mem::take(&mut dialog.focus) {
        field.request_focus();
    }
    ui.add_space(6.0);
    let text = dialog.text.clone();
    let importable = match dialog.reading() {
        Ok(import) => {
            reading_ui(ui, import, sandbox_base_url);
            true
        }
        Err(message) => {
            ui.label(RichText::new(message).color(if text.trim().is_empty() {
                ui.visuals().weak_text_color()
            } else {
                ui.visuals().error_fg_color
            }));
            false
        }
    };
    ui.add_space(8.0);
    let enter = ui.input(|input| input.key_pressed(Key::Enter) && input.modifiers.is_none());
    let mut close = false;
    ui.horizontal(|ui| {
        let import = ui
            .add_enabled(importable, egui::Button::new("Import"))
            .on_hover_text("Fill the form with this request (Enter)");
        if importable && (import.clicked() || enter) {
            actions.push(Action::ImportCurl(text));
        }
        close = ui.button("Cancel").on_hover_text("Close (Esc)").clicked();
    });
    close
}

/// What the command becomes: the operation, where it goes, what it carries, what is left out.
fn reading_ui(ui: &mut Ui, import: &CurlImport, sandbox_base_url: Option<&str>) {
    let operation = import.draft.operation();
    let (_, where_to) = environment_of(import, sandbox_base_url);
    let values = &import.draft.values;
    let mut rows: Vec<(&str, String)> = Vec::new();
    rows.push((
        "Operation",
        match operation {
            Some(operation) => {
                format!("{} ({} {})", operation.id, operation.method, operation.path)
            }
            None => import.draft.operation.clone(),
        },
    ));
    rows.push(("Environment", where_to));
    if !values.path.is_empty() {
        rows.push(("Path", pairs(&values.path)));
    }
    if values.query.values().any(|value| !value.is_empty()) {
        rows.push(("Query", pairs(&values.query)));
    }
    if let Some(body) = import.draft.body_json() {
        rows.push(("Body", body_summary(&body)));
    }
    rows.push((
        "Token",
        if import.token.is_some() {
            "found: it goes into the token field for this session only, never saved".to_owned()
        } else {
            "none in the command: the token field is left as it is".to_owned()
        },
    ));
    if !import.ignored_flags.is_empty() {
        rows.push(("Skipped", import.ignored_flags.join(" ")));
    }
    rows.push(("Written for", import.shell.label().to_owned()));
    egui::Grid::new("curl_reading")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for (name, value) in rows {
                ui.label(RichText::new(name).strong());
                ui.add(egui::Label::new(value).wrap());
                ui.end_row();
            }
        });
    for note in &import.notes {
        ui.label(
            RichText::new(format!("Note: {note}"))
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }
}

/// `name = value` pairs of the non-empty values, on one line.
fn pairs(values: &std::collections::BTreeMap<String, String>) -> String {
    values
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name} = {value}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A body in a line: the names of an object's fields, or its size.
fn body_summary(body: &serde_json::Value) -> String {
    match body {
        serde_json::Value::Object(fields) if fields.is_empty() => "an empty object".to_owned(),
        serde_json::Value::Object(fields) => format!(
            "{} field{}: {}",
            fields.len(),
            if fields.len() == 1 { "" } else { "s" },
            fields.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
        other => {
            let text = other.to_string();
            crate::model::response::human_size(text.len())
        }
    }
}

/// The button that opens the dialog, where the operations are listed.
pub fn import_button_ui(ui: &mut Ui, actions: &mut Vec<Action>) {
    if ui
        .add_sized(
            [ui.available_width(), 0.0],
            egui::Button::new("Import cURL..."),
        )
        .on_hover_text(
            IMPORT_CURL
                .hint_for("Turn a curl command into the form (or paste one onto the window)"),
        )
        .clicked()
    {
        actions.push(Action::OpenCurlImport);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_paste_that_starts_with_curl_is_a_command() {
        assert!(is_curl_command("curl https://api.flameup.ai/api/v1/people"));
        assert!(is_curl_command("\n  CURL.exe ^\"https://x^\""));
        assert!(!is_curl_command("curly braces"));
        assert!(!is_curl_command("ada@example.com"));
        assert!(!is_curl_command(""));
    }

    #[test]
    fn the_sandboxs_address_is_the_sandbox() {
        let sandbox = "http://127.0.0.1:4321/api/v1";
        let import = read(&format!("curl {sandbox}/people/ada")).unwrap();
        assert_eq!(
            environment_of(&import, Some(sandbox)).0,
            Environment::Sandbox
        );
        assert_eq!(environment_of(&import, None).0, Environment::Custom);
        let production = read("curl https://api.flameup.ai/api/v1/people/ada").unwrap();
        assert_eq!(
            environment_of(&production, Some(sandbox)).0,
            Environment::Production
        );
    }
}
