//! The window. Panels draw and emit [`Action`]s; [`App::apply`] carries them out after the UI pass
//! and starts background work. Nothing here builds a request by hand: it all comes from
//! [`crate::model::build_request`].

mod form_ui;
mod highlight;
mod json_tree;
mod library_ui;
mod preview_ui;
mod response_ui;
mod sandbox_ui;
mod widgets;

use std::time::Duration;

use egui::RichText;
use serde::{Deserialize, Serialize};

use library_ui::{Library, LibraryTab, import_file};
use poll_promise::Promise;

use crate::model::lint::{FieldNote, input_text, locate};
use crate::model::{Credential, Draft, Environment, TOKEN_ENV_VAR, build_request};
use crate::sandbox::{SANDBOX_TOKEN, Sandbox, SandboxSettings};
use crate::snippet::Target;
use crate::store::{self, history::History, history::HistoryEntry, presets::Preset};
use crate::transport::{DEFAULT_DEADLINE, InFlight, Outcome};

pub use form_ui::{FormNotes, KeyringNote};
pub use library_ui::Library as PresetLibrary;
pub use preview_ui::{PreviewCache, TokenDisplay};
pub use response_ui::{BodyTab, ResponseView};

/// What the window remembers between runs (through eframe's storage). Never the token.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct AppState {
    pub draft: Draft,
    pub preview_target: Target,
    /// How long a send may take before it is ended, in seconds.
    pub deadline_secs: f64,
    /// How the built-in sandbox behaves.
    pub sandbox: SandboxSettings,
    /// The view of the answer's body.
    pub body_tab: BodyTab,
    pub theme: Theme,
}

/// The colour scheme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    #[default]
    FollowSystem,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Self; 3] = [Self::FollowSystem, Self::Light, Self::Dark];

    pub fn label(self) -> &'static str {
        match self {
            Self::FollowSystem => "System",
            Self::Light => "Light",
            Self::Dark => "Dark",
        }
    }

    fn preference(self) -> egui::ThemePreference {
        match self {
            Self::FollowSystem => egui::ThemePreference::System,
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
        }
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            draft: Draft::docs_example(),
            preview_target: Target::default(),
            deadline_secs: DEFAULT_DEADLINE.as_secs_f64(),
            sandbox: SandboxSettings::default(),
            body_tab: BodyTab::default(),
            theme: Theme::default(),
        }
    }
}

impl AppState {
    /// The state of a first launch: the docs' example person, sent to the built-in sandbox unless
    /// a token is configured, so that the first Send works with no key and no network.
    pub fn first_launch(has_token: bool) -> Self {
        let mut state = Self::default();
        if !has_token {
            state.draft.environment = Environment::Sandbox;
        }
        state
    }

    fn deadline(&self) -> Duration {
        Duration::try_from_secs_f64(self.deadline_secs).unwrap_or(DEFAULT_DEADLINE)
    }
}

/// Where the token in the field came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenOrigin {
    #[default]
    Typed,
    /// Read from [`TOKEN_ENV_VAR`] at start.
    Environment,
    /// Filled in for the sandbox, which takes any non-empty token.
    Sandbox,
    /// Read from the system keyring at start.
    Keyring,
}

/// The API token as typed. Lives only in memory for the session.
#[derive(Default)]
pub struct TokenInput {
    pub text: String,
    pub revealed: bool,
    pub origin: TokenOrigin,
}

impl TokenInput {
    fn from_env() -> Self {
        match std::env::var(TOKEN_ENV_VAR) {
            Ok(token) if !token.trim().is_empty() => Self {
                text: token.trim().to_owned(),
                revealed: false,
                origin: TokenOrigin::Environment,
            },
            _ => Self::default(),
        }
    }

    fn sandbox() -> Self {
        Self {
            text: SANDBOX_TOKEN.to_owned(),
            revealed: true,
            origin: TokenOrigin::Sandbox,
        }
    }

    /// The token as sent: surrounding spaces and a pasted line break are not part of it.
    fn credential(&self) -> Credential {
        Credential::Token(self.text.trim().to_owned())
    }
}

/// Where the current send stands.
pub enum Exchange {
    Idle,
    Running(Box<InFlight>),
    Done(Box<Outcome>),
    Cancelled,
}

/// Something a panel asks for; applied after the UI pass.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Send,
    Cancel,
    Copy(String),
    LoadExample,
    /// Hand the edited sandbox settings to the running sandbox.
    ApplySandboxSettings,
    SavePreset,
    LoadPreset(String),
    RenamePreset(String, String),
    DuplicatePreset(String),
    DeletePreset(String),
    UndoDeletePreset,
    ImportDialog,
    ImportPreset(std::path::PathBuf),
    ExportPreset(String),
    ForgetToken,
    RestoreHistory(usize),
    ClearHistory,
}

/// The system keyring, as far as the app knows it.
enum Keyring {
    /// Not consulted: the token comes from the environment, or this app is a test's.
    Unused,
    /// Asked on a background thread (D-Bus calls can block).
    Busy(Promise<Result<Option<String>, String>>),
    /// It answered: whether it holds the token now in the field.
    Ready {
        saved: Option<String>,
    },
    Unavailable(String),
}

/// A file dialog running on its own thread, so the window keeps drawing.
enum Dialog {
    Import(Promise<Option<std::path::PathBuf>>),
    Export(Box<Preset>, Promise<Option<std::path::PathBuf>>),
}

/// The running application.
pub struct App {
    pub state: AppState,
    pub token: TokenInput,
    /// How previews show the token. Not saved: a restart always starts from the safe default.
    pub token_display: TokenDisplay,
    pub exchange: Exchange,
    /// The built-in sandbox, once started (or why it could not start).
    pub sandbox: Option<Result<Sandbox, String>>,
    /// The draft as it was when the current answer's request was sent: a server field error is
    /// shown under its input until that input differs from what was sent.
    sent_draft: Option<Draft>,
    response_view: ResponseView,
    pub library: Library,
    dialog: Option<Dialog>,
    keyring: Keyring,
    /// The theme last handed to egui, so it is set only when it changes.
    applied_theme: Option<Theme>,
    /// Whether the keyboard shortcuts window is open.
    pub show_shortcuts: bool,
    /// Set by Ctrl+L: the base URL field takes the keyboard on the next frame.
    focus_base_url: bool,
    preview: PreviewCache,
    actions: Vec<Action>,
}

impl App {
    /// Creates the app, restoring what eframe stored last time.
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        let token = TokenInput::from_env();
        let state = cc
            .storage
            .and_then(|storage| eframe::get_value(storage, eframe::APP_KEY))
            .unwrap_or_else(|| AppState::first_launch(!token.text.is_empty()));
        let library = Library::open(store::presets_dir(), store::history_file());
        let from_env = token.origin == TokenOrigin::Environment;
        let mut app = Self::with_library(state, token, library);
        if !from_env {
            let repaint = cc.egui_ctx.clone();
            app.keyring = Keyring::Busy(Promise::spawn_thread("keyring", move || {
                let loaded = store::token::load();
                repaint.request_repaint();
                loaded
            }));
        }
        app
    }

    /// Creates the app with presets and history kept in the given places; the tests start here.
    pub fn with_library(state: AppState, token: TokenInput, library: Library) -> Self {
        Self {
            library,
            ..Self::with_state(state, token)
        }
    }

    /// Creates the app with the given state and token; the tests start here.
    pub fn with_state(state: AppState, token: TokenInput) -> Self {
        Self {
            state,
            token,
            token_display: TokenDisplay::default(),
            exchange: Exchange::Idle,
            sandbox: None,
            sent_draft: None,
            response_view: ResponseView::new(),
            library: Library::default(),
            dialog: None,
            keyring: Keyring::Unused,
            applied_theme: None,
            show_shortcuts: false,
            focus_base_url: false,
            preview: PreviewCache::default(),
            actions: Vec::new(),
        }
    }

    /// How many times the preview was rebuilt: it should change only when the draft does.
    pub fn preview_rebuilds(&self) -> u64 {
        self.preview.rebuilds
    }

    pub fn is_running(&self) -> bool {
        matches!(self.exchange, Exchange::Running(_))
    }

    /// Starts the sandbox the first time it is the environment, and points the draft at it.
    fn ensure_sandbox(&mut self) {
        if self.state.draft.environment != Environment::Sandbox || self.sandbox.is_some() {
            return;
        }
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let started = Sandbox::start(loopback, self.state.sandbox.clone())
            .map_err(|err| format!("The local sandbox could not start: {err}"));
        if started.is_ok() {
            if self.token.text.trim().is_empty() {
                self.token = TokenInput::sandbox();
            }
        }
        self.sandbox = Some(started);
    }

    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let send = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
        if ctx.input_mut(|input| input.consume_shortcut(&send)) {
            self.actions.push(Action::Send);
        }
        let save = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
        if ctx.input_mut(|input| input.consume_shortcut(&save)) {
            self.actions.push(Action::SavePreset);
        }
        let location = KeyboardShortcut::new(Modifiers::COMMAND, Key::L);
        if ctx.input_mut(|input| input.consume_shortcut(&location)) {
            let draft = &mut self.state.draft;
            if draft.environment != Environment::Custom {
                if draft.custom_base_url.is_empty() {
                    let sandbox = sandbox_base_url(self.sandbox.as_ref());
                    draft.custom_base_url = draft
                        .base_url(sandbox.as_deref())
                        .unwrap_or_default()
                        .to_owned();
                }
                draft.environment = Environment::Custom;
            }
            self.focus_base_url = true;
        }
        let typing = ctx.memory(|memory| memory.focused().is_some());
        if ctx.input_mut(|input| input.consume_key(Modifiers::NONE, Key::F1))
            || (!typing
                && ctx.input(|input| {
                    input
                        .events
                        .iter()
                        .any(|event| matches!(event, egui::Event::Text(text) if text == "?"))
                }))
        {
            self.show_shortcuts = !self.show_shortcuts;
        }
        let search = KeyboardShortcut::new(Modifiers::COMMAND, Key::K);
        if ctx.input_mut(|input| input.consume_shortcut(&search)) {
            self.library.tab = LibraryTab::Presets;
            self.library.focus_search = true;
        }
        for file in ctx.input(|input| input.raw.dropped_files.clone()) {
            self.actions
                .push(Action::ImportPreset(file.path().to_path_buf()));
        }
        if self.is_running()
            && ctx.input_mut(|input| input.consume_key(Modifiers::NONE, Key::Escape))
        {
            self.actions.push(Action::Cancel);
        }
    }

    /// Takes in a finished answer, or ends the request at its deadline.
    fn poll_exchange(&mut self, ctx: &egui::Context) {
        let Exchange::Running(in_flight) = &mut self.exchange else {
            return;
        };
        match in_flight.poll() {
            Some(outcome) => {
                let elapsed = in_flight.elapsed();
                self.record_history(&outcome, elapsed);
                self.exchange = Exchange::Done(Box::new(outcome));
                self.response_view = ResponseView::new();
            }
            // Wake up at the deadline even if the server never answers.
            None => ctx.request_repaint_after(in_flight.remaining()),
        }
    }

    fn apply(&mut self, ctx: &egui::Context) {
        for action in std::mem::take(&mut self.actions) {
            match action {
                Action::Send => self.send(ctx),
                Action::Cancel => {
                    if self.is_running() {
                        // Dropping the request means its late answer, if any, goes nowhere.
                        self.exchange = Exchange::Cancelled;
                    }
                }
                Action::Copy(text) => ctx.copy_text(text),
                Action::LoadExample => {
                    let mut example = Draft::docs_example();
                    example.environment = self.state.draft.environment;
                    example.custom_base_url = self.state.draft.custom_base_url.clone();
                    self.state.draft = example;
                }
                Action::ApplySandboxSettings => {
                    if let Some(Ok(sandbox)) = &self.sandbox {
                        sandbox.set_settings(self.state.sandbox.clone());
                    }
                }
                Action::RestoreHistory(index) => {
                    let saved = self
                        .library
                        .history
                        .as_ref()
                        .and_then(|history| history.entries().get(index))
                        .map(|entry| entry.request.clone());
                    if let Some(saved) = saved {
                        self.load_draft(saved.to_draft());
                        self.library
                            .report(Ok("Restored the request into the form.".to_owned()));
                    }
                }
                Action::ClearHistory => {
                    let result = self.library.history.as_mut().map(History::clear);
                    if let Some(Err(err)) = result {
                        self.library
                            .report(Err(format!("Could not clear the history: {err}")));
                    }
                }
                Action::ForgetToken => {
                    self.keyring = Keyring::Busy(Promise::spawn_thread("keyring", || {
                        store::token::forget().map(|()| None)
                    }));
                    self.token = TokenInput::default();
                }
                preset_action => self.apply_preset_action(preset_action, ctx),
            }
        }
    }

    /// Puts a saved request into the form, keeping where this run's sandbox listens.
    fn load_draft(&mut self, draft: Draft) {
        self.state.draft = draft;
    }

    fn apply_preset_action(&mut self, action: Action, ctx: &egui::Context) {
        let Some(store) = self.library.presets.clone() else {
            return;
        };
        let result = match action {
            Action::SavePreset => {
                let name = self.library.save_name.trim().to_owned();
                if name.is_empty() {
                    Err("Type a name for the preset first.".to_owned())
                } else {
                    store
                        .save(&Preset::new(&name, &self.state.draft))
                        .map(|_| format!("Saved \"{name}\"."))
                        .map_err(|err| format!("Could not save \"{name}\": {err}"))
                }
            }
            Action::LoadPreset(name) => match store.find(&name) {
                Some((_, preset)) => {
                    self.load_draft(preset.request.to_draft());
                    self.library.save_name = preset.name.clone();
                    Ok(format!("Loaded \"{}\".", preset.name))
                }
                None => Err(format!("\"{name}\" is no longer there.")),
            },
            Action::RenamePreset(from, to) => store
                .rename(&from, &to)
                .map(|()| format!("Renamed to \"{}\".", to.trim()))
                .map_err(|err| format!("Could not rename: {err}")),
            Action::DuplicatePreset(name) => match store.find(&name) {
                Some((_, mut preset)) => {
                    preset.name = store.copy_name(&name);
                    store
                        .save(&preset)
                        .map(|_| format!("Saved a copy as \"{}\".", preset.name))
                        .map_err(|err| format!("Could not duplicate: {err}"))
                }
                None => Err(format!("\"{name}\" is no longer there.")),
            },
            Action::DeletePreset(name) => match store.delete(&name) {
                Ok(Some(preset)) => {
                    self.library.deleted.push(preset);
                    Ok(format!("Deleted \"{name}\"."))
                }
                Ok(None) => Err(format!("\"{name}\" is no longer there.")),
                Err(err) => Err(format!("Could not delete \"{name}\": {err}")),
            },
            Action::UndoDeletePreset => match self.library.deleted.pop() {
                Some(preset) => store
                    .save(&preset)
                    .map(|_| format!("Put \"{}\" back.", preset.name))
                    .map_err(|err| format!("Could not put it back: {err}")),
                None => return,
            },
            Action::ImportPreset(path) => import_file(&path).and_then(|mut preset| {
                if store.find(&preset.name).is_some() {
                    preset.name = store.copy_name(&preset.name);
                }
                store
                    .save(&preset)
                    .map(|_| format!("Imported \"{}\".", preset.name))
                    .map_err(|err| format!("Could not import: {err}"))
            }),
            Action::ImportDialog => {
                let repaint = ctx.clone();
                self.dialog = Some(Dialog::Import(Promise::spawn_thread(
                    "file dialog",
                    move || {
                        let path = file_dialog(
                            rfd::AsyncFileDialog::new()
                                .add_filter("Preset", &["json"])
                                .pick_file(),
                        );
                        repaint.request_repaint();
                        path
                    },
                )));
                return;
            }
            Action::ExportPreset(name) => match store.find(&name) {
                Some((_, preset)) => {
                    let repaint = ctx.clone();
                    let file_name = format!("{name}.json");
                    self.dialog = Some(Dialog::Export(
                        Box::new(preset),
                        Promise::spawn_thread("file dialog", move || {
                            let path = file_dialog(
                                rfd::AsyncFileDialog::new()
                                    .set_file_name(file_name)
                                    .save_file(),
                            );
                            repaint.request_repaint();
                            path
                        }),
                    ));
                    return;
                }
                None => Err(format!("\"{name}\" is no longer there.")),
            },
            _ => return,
        };
        self.library.report(result);
    }

    /// Takes in what the keyring said at start; a saved token fills an empty (or stand-in) field.
    fn poll_keyring(&mut self) {
        let Keyring::Busy(promise) = &self.keyring else {
            return;
        };
        let Some(loaded) = promise.ready() else {
            return;
        };
        self.keyring = match loaded.clone() {
            Ok(Some(saved)) => {
                if self.token.text.trim().is_empty() || self.token.origin == TokenOrigin::Sandbox {
                    self.token = TokenInput {
                        text: saved.clone(),
                        revealed: false,
                        origin: TokenOrigin::Keyring,
                    };
                }
                Keyring::Ready { saved: Some(saved) }
            }
            Ok(None) => Keyring::Ready { saved: None },
            Err(reason) => Keyring::Unavailable(reason),
        };
    }

    /// Keeps a typed token in the keyring once it has been used, on a background thread.
    fn remember_token(&mut self) {
        let Keyring::Ready { saved } = &self.keyring else {
            return;
        };
        let token = self.token.text.trim().to_owned();
        if self.token.origin != TokenOrigin::Typed
            || token.is_empty()
            || saved.as_deref() == Some(token.as_str())
        {
            return;
        }
        self.keyring = Keyring::Busy(Promise::spawn_thread("keyring", move || {
            store::token::save(&token).map(|()| Some(token))
        }));
    }

    fn keyring_note(&self) -> KeyringNote {
        let status = match &self.keyring {
            Keyring::Ready { saved } => Some(Ok(saved.as_deref() == Some(self.token.text.trim()))),
            Keyring::Unavailable(reason) => Some(Err(reason.clone())),
            Keyring::Unused | Keyring::Busy(_) => None,
        };
        KeyringNote::new(self.token.origin, status.as_ref())
    }

    /// Takes in the answer of a file dialog.
    fn poll_dialog(&mut self) {
        let ready = match &self.dialog {
            Some(Dialog::Import(promise) | Dialog::Export(_, promise)) => promise.ready().is_some(),
            None => false,
        };
        if !ready {
            return;
        }
        match self.dialog.take() {
            Some(Dialog::Import(promise)) => {
                if let Some(path) = promise.block_and_take() {
                    self.actions.push(Action::ImportPreset(path));
                }
            }
            Some(Dialog::Export(preset, promise)) => {
                if let Some(path) = promise.block_and_take() {
                    self.export_preset(&preset, &path);
                }
            }
            None => {}
        }
    }

    /// Writes a preset to a file of the user's choosing.
    pub fn export_preset(&mut self, preset: &Preset, path: &std::path::Path) {
        let result = crate::store::atomic::write_atomic(path, preset.to_json().as_bytes())
            .map(|()| format!("Exported to {}.", path.display()))
            .map_err(|err| format!("Could not export: {err}"));
        self.library.report(result);
    }

    /// Adds a finished send to the history: the request without the token, and the outcome.
    fn record_history(&mut self, outcome: &Outcome, elapsed: Duration) {
        let sandbox_url = self.sandbox_url();
        let (Some(history), Some(sent)) = (self.library.history.as_mut(), &self.sent_draft) else {
            return;
        };
        let Ok(request) = build_request(sent, sandbox_url.as_deref(), &Credential::EnvVar) else {
            return;
        };
        let elapsed_ms = match outcome {
            Ok(response) => response.elapsed.as_millis() as u64,
            Err(_) => elapsed.as_millis() as u64,
        };
        let entry = HistoryEntry::new(sent, &request, outcome, elapsed_ms);
        if let Err(err) = history.record(entry) {
            self.library.report(Err(format!(
                "Could not record the send in the history: {err}"
            )));
        }
    }

    /// Starts a send, replacing any that is running: only the newest answer is ever shown.
    fn send(&mut self, ctx: &egui::Context) {
        let request = match build_request(
            &self.state.draft,
            self.sandbox_url().as_deref(),
            &self.token.credential(),
        ) {
            Ok(request) => request,
            // The preview panel already says what is wrong; there is nothing to send.
            Err(_) => return,
        };
        let repaint = ctx.clone();
        let in_flight = InFlight::start(&request, self.state.deadline(), move || {
            repaint.request_repaint()
        });
        self.exchange = Exchange::Running(Box::new(in_flight));
        self.sent_draft = Some(self.state.draft.clone());
        self.remember_token();
    }

    /// The messages under the inputs: the last answer's field errors, and the lint warnings.
    fn form_notes(&self) -> FormNotes {
        let mut notes = FormNotes {
            lint: self.preview.lint.clone(),
            ..FormNotes::default()
        };
        let (Exchange::Done(outcome), Some(sent)) = (&self.exchange, &self.sent_draft) else {
            return notes;
        };
        let Some(problem) = outcome
            .as_ref()
            .as_ref()
            .ok()
            .and_then(|response| response.problem.as_ref())
        else {
            return notes;
        };
        let draft = &self.state.draft;
        for (path, message) in &problem.fields {
            match locate(draft, path) {
                Some(field) if input_text(draft, field) == input_text(sent, field) => {
                    notes.server.push(FieldNote {
                        field,
                        message: message.clone(),
                    });
                }
                // Edited since it was sent: the server's verdict no longer applies.
                Some(_) => {}
                None => notes.unplaced.push((path.clone(), message.clone())),
            }
        }
        notes
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if self.applied_theme != Some(self.state.theme) {
            ctx.set_theme(self.state.theme.preference());
            // A blinking text cursor repaints the window twice a second for as long as a field has
            // the focus: an idle window should cost nothing.
            ctx.all_styles_mut(|style| style.visuals.text_cursor.blink = false);
            self.applied_theme = Some(self.state.theme);
        }
        self.ensure_sandbox();
        self.poll_dialog();
        self.poll_keyring();
        self.handle_shortcuts(&ctx);
        self.poll_exchange(&ctx);
        let sandbox_url = self.sandbox_url();
        self.preview.refresh(
            &self.state.draft,
            sandbox_url.as_deref(),
            self.preview_credential(),
            ui.visuals().dark_mode,
        );

        let notes = self.form_notes();
        let keyring_note = self.keyring_note();
        egui::Panel::top("request_bar").show(ui, |ui| {
            form_ui::request_bar_ui(
                ui,
                &mut self.state,
                &self.preview,
                &notes,
                sandbox_url.as_deref(),
                std::mem::take(&mut self.focus_base_url),
                &mut self.show_shortcuts,
                &mut self.actions,
            );
            if self.state.draft.environment == Environment::Sandbox {
                sandbox_ui::sandbox_ui(
                    ui,
                    self.sandbox.as_ref(),
                    &mut self.state.sandbox,
                    &mut self.actions,
                );
                ui.add_space(4.0);
            }
        });
        egui::Panel::left("library")
            .default_size(230.0)
            .min_size(160.0)
            .show(ui, |ui| {
                library_ui::library_ui(ui, &mut self.library, &mut self.actions);
            });
        egui::Panel::left("form")
            .default_size(440.0)
            .min_size(320.0)
            .show(ui, |ui| {
                form_ui::form_ui(
                    ui,
                    &mut self.state,
                    &mut self.token,
                    &keyring_note,
                    &notes,
                    &mut self.actions,
                );
            });
        egui::Panel::top("preview")
            .resizable(true)
            .default_size(330.0)
            .min_size(120.0)
            .show(ui, |ui| {
                preview_ui::preview_ui(
                    ui,
                    &mut self.state.preview_target,
                    &mut self.token_display,
                    &self.preview,
                    &mut self.actions,
                );
            });
        egui::CentralPanel::default().show(ui, |ui| {
            response_ui::response_ui(
                ui,
                &self.exchange,
                &mut self.state.body_tab,
                &mut self.response_view,
                &mut self.actions,
            );
        });

        shortcuts_window(&ctx, &mut self.show_shortcuts);
        self.apply(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}

impl App {
    fn sandbox_url(&self) -> Option<String> {
        sandbox_base_url(self.sandbox.as_ref())
    }

    fn preview_credential(&self) -> Credential {
        match self.token_display {
            TokenDisplay::Environment => Credential::EnvVar,
            TokenDisplay::Placeholder => Credential::Placeholder,
            TokenDisplay::Inline => self.token.credential(),
        }
    }
}

/// Where the running sandbox listens, if it runs.
fn sandbox_base_url(sandbox: Option<&Result<Sandbox, String>>) -> Option<String> {
    match sandbox {
        Some(Ok(sandbox)) => Some(sandbox.base_url()),
        _ => None,
    }
}

/// Every keyboard shortcut, in a small window (F1 or ?).
fn shortcuts_window(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new("Keyboard shortcuts")
        .open(open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts")
                .num_columns(2)
                .spacing([16.0, 4.0])
                .show(ui, |ui| {
                    for (keys, what) in [
                        ("Ctrl+Enter", "Send the request"),
                        ("Esc", "Cancel a running send"),
                        ("Ctrl+S", "Save the request as a preset"),
                        ("Ctrl+K", "Search presets"),
                        ("Ctrl+L", "Edit the base URL"),
                        ("F1 or ?", "Show or hide this list"),
                    ] {
                        ui.label(RichText::new(keys).monospace().strong());
                        ui.label(what);
                        ui.end_row();
                    }
                });
        });
}

/// Runs a file dialog to its end on the calling thread. The XDG portal talks over D-Bus with
/// tokio, so the dialog gets a small runtime of its own. `None` when cancelled or unavailable.
fn file_dialog(
    dialog: impl std::future::Future<Output = Option<rfd::FileHandle>>,
) -> Option<std::path::PathBuf> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    runtime
        .block_on(dialog)
        .map(|handle| handle.path().to_path_buf())
}

/// Opens the window and runs until it is closed.
pub fn run_native() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Flameup Explorer")
            .with_app_id("flameup-explorer")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([900.0, 560.0])
            .with_icon(
                eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png"))
                    .unwrap_or_default(),
            ),
        ..Default::default()
    };
    eframe::run_native(
        "Flameup Explorer",
        options,
        Box::new(|cc| Ok(Box::new(App::new(cc)))),
    )
}
