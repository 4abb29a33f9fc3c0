//! The window. [`App`] holds the persisted [`AppState`] and the runtime around it; panels draw and
//! push [`Action`]s, applied after the UI pass (see `action.rs`); background work lives in
//! `background.rs`; everything derived from the draft — including the one request Send sends — in
//! `derived.rs`.

mod action;
mod background;
mod derived;
mod form_ui;
mod highlight;
mod json_tree;
mod library_ui;
mod preview_ui;
mod response_ui;
mod sandbox_ui;
mod shortcuts;
mod state;
mod token;
mod widgets;

use std::path::PathBuf;
use std::time::Duration;

pub use action::Action;
use background::Dialog;
use derived::Derived;
pub use library_ui::Library as PresetLibrary;
pub use preview_ui::TokenDisplay;
pub use response_ui::{BodyTab, ResponseView};
pub use state::{AppState, Theme};
pub use token::{Keyring, KeyringNote, TokenInput, TokenOrigin};

use crate::model::field_notes::FormNotes;
use crate::model::{Credential, Draft, Environment, HttpRequest};
use crate::sandbox::Sandbox;
use crate::store::token::TokenStore;
use crate::store::{self, history::HistoryEntry};
use crate::transport::{InFlight, Outcome};

/// What the app starts from besides its saved state: where its files go and what the environment
/// says. [`Startup::from_environment`] reads the real one; tests pass their own.
#[derive(Clone, Debug, Default)]
pub struct Startup {
    /// The token given in the environment (`FLAMEUP_API_TOKEN`), if any.
    pub token: Option<String>,
    /// Where in the system keyring the token is kept; `None` keeps the keyring out of it.
    pub keyring: Option<TokenStore>,
    pub presets_dir: Option<PathBuf>,
    pub history_file: Option<PathBuf>,
    /// Where a copy of a saved state that could not be read is kept.
    pub data_dir: Option<PathBuf>,
}

impl Startup {
    pub fn from_environment() -> Self {
        Self {
            token: std::env::var(crate::model::TOKEN_ENV_VAR).ok(),
            keyring: (!store::token::switched_off()).then(TokenStore::default),
            presets_dir: store::presets_dir(),
            history_file: store::history_file(),
            data_dir: store::data_dir(),
        }
    }
}

/// Where the current send stands.
pub enum Exchange {
    Idle,
    Running(Box<InFlight>),
    Done(Box<Outcome>),
    Cancelled,
}

/// A request as it was sent, for the history and for the notes under the form.
struct Sent {
    /// The draft then: a server field error is shown under its input until that input differs
    /// from what was sent.
    draft: Draft,
    /// The request with the token as a reference: what the history keeps.
    request: HttpRequest,
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
    /// The current answer's request, as it was sent.
    sent: Option<Sent>,
    response_view: ResponseView,
    pub library: PresetLibrary,
    dialog: Option<Dialog>,
    keyring: Keyring,
    /// Where the keyring keeps the token; `None` when the keyring is not used.
    token_store: Option<TokenStore>,
    /// The theme last handed to egui, so it is set only when it changes.
    applied_theme: Option<Theme>,
    /// Whether the keyboard shortcuts window is open.
    pub show_shortcuts: bool,
    /// Set by Ctrl+L: the base URL field takes the keyboard on the next frame.
    focus_base_url: bool,
    derived: Derived,
    actions: Vec<Action>,
    /// Something the user should know once (a saved state or history that could not be read).
    pub notice: Option<String>,
}

impl App {
    /// Creates the app, restoring what eframe stored last time.
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        Self::start(&cc.egui_ctx, cc.storage, Startup::from_environment())
    }

    /// Creates the app from `startup`, restoring the state eframe stored in `storage` last time.
    pub fn start(
        ctx: &egui::Context,
        storage: Option<&dyn eframe::Storage>,
        startup: Startup,
    ) -> Self {
        let token = TokenInput::from_environment(startup.token.clone());
        let saved = storage
            .and_then(|storage| storage.get_string(eframe::APP_KEY))
            .map(|text| {
                store::window_state::decode::<AppState>(&text, startup.data_dir.as_deref())
            });
        let (state, notice) = match saved {
            Some(Ok(state)) => (state, None),
            Some(Err(notice)) => (AppState::first_launch(!token.text.is_empty()), Some(notice)),
            None => (AppState::first_launch(!token.text.is_empty()), None),
        };
        let library = PresetLibrary::open(startup.presets_dir, startup.history_file);
        let from_env = token.origin == TokenOrigin::Environment;
        let mut app = Self::with_library(state, token, library);
        app.notice = notice;
        if let Some(store) = startup.keyring {
            if !from_env {
                let loading = store.clone();
                app.keyring =
                    Keyring::Busy(background::spawn("keyring", ctx, move || loading.load()));
            }
            app.token_store = Some(store);
        }
        app
    }

    /// Creates the app with presets and history kept in the given places; the tests start here.
    pub fn with_library(state: AppState, token: TokenInput, library: PresetLibrary) -> Self {
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
            sent: None,
            response_view: ResponseView::new(),
            library: PresetLibrary::default(),
            dialog: None,
            keyring: Keyring::Unused,
            token_store: None,
            applied_theme: None,
            show_shortcuts: false,
            focus_base_url: false,
            derived: Derived::default(),
            actions: Vec::new(),
            notice: None,
        }
    }

    /// How many times the request and its previews were rebuilt: it should change only when the
    /// draft, the token, the token display or the theme does.
    pub fn preview_rebuilds(&self) -> u64 {
        self.derived.rebuilds
    }

    /// Why the request cannot be sent right now, if it cannot.
    pub fn send_blocker(&self) -> Option<String> {
        self.derived.send_blocker().map(ToString::to_string)
    }

    pub fn is_running(&self) -> bool {
        matches!(self.exchange, Exchange::Running(_))
    }

    /// What the keyring knows, as the form says it.
    pub fn keyring_note(&self) -> KeyringNote {
        KeyringNote::new(&self.token, &self.keyring)
    }

    /// Whether a keyring call is still running.
    pub fn keyring_busy(&self) -> bool {
        matches!(self.keyring, Keyring::Busy(_))
    }

    /// Where the running sandbox listens, if it runs.
    fn sandbox_base_url(&self) -> Option<String> {
        match &self.sandbox {
            Some(Ok(sandbox)) => Some(sandbox.base_url()),
            _ => None,
        }
    }

    /// Everything that is not drawing: called every frame before the UI, and also while the
    /// window is hidden (eframe calls `logic` then), so a send that ends unseen is still recorded.
    pub fn tick(&mut self, ctx: &egui::Context) {
        self.apply_theme(ctx);
        self.ensure_sandbox();
        self.poll_background();
        self.poll_exchange(ctx);
        self.token.follow_environment(
            self.state.draft.environment,
            self.sandbox_base_url().is_some(),
            &self.keyring,
        );
        self.refresh_derived(ctx);
        self.apply_pending(ctx);
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        if self.applied_theme != Some(self.state.theme) {
            ctx.set_theme(self.state.theme.preference());
            // A blinking text cursor repaints the window twice a second for as long as a field
            // has the focus: an idle window should cost nothing.
            ctx.all_styles_mut(|style| style.visuals.text_cursor.blink = false);
            self.applied_theme = Some(self.state.theme);
        }
    }

    /// Starts the sandbox the first time it is the environment.
    fn ensure_sandbox(&mut self) {
        if self.state.draft.environment != Environment::Sandbox || self.sandbox.is_some() {
            return;
        }
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let started = Sandbox::start(loopback, self.state.sandbox.clone())
            .map_err(|err| format!("The local sandbox could not start: {err}"));
        self.sandbox = Some(started);
    }

    /// Takes in what finished in the background: file dialogs and keyring calls.
    fn poll_background(&mut self) {
        if let Some(loaded) = self.keyring.poll() {
            let empty = self.token.trimmed().is_empty();
            if empty || self.token.origin == TokenOrigin::Sandbox && !self.in_sandbox() {
                self.token = TokenInput::from_keyring(loaded);
            }
        }
        if self.dialog.as_ref().is_some_and(Dialog::is_ready) {
            self.take_dialog();
        }
    }

    fn in_sandbox(&self) -> bool {
        self.state.draft.environment == Environment::Sandbox
    }

    fn take_dialog(&mut self) {
        let answer = match self.dialog.take() {
            Some(Dialog::Import(promise)) => promise.block_and_take().map(|path| {
                if let Some(path) = path {
                    self.actions.push(Action::ImportPreset(path));
                }
            }),
            Some(Dialog::Export(preset, promise)) => promise.block_and_take().map(|path| {
                if let Some(path) = path {
                    self.export_preset(&preset, &path);
                }
            }),
            None => Ok(()),
        };
        if let Err(reason) = answer {
            self.library.report(Err(format!(
                "The file dialog could not open: {reason}. Drop the file on the window instead."
            )));
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

    fn refresh_derived(&mut self, ctx: &egui::Context) {
        let sandbox = self.sandbox_base_url();
        self.derived.refresh(
            &self.state.draft,
            sandbox.as_deref(),
            &self.token,
            self.token_display,
            ctx.theme() == egui::Theme::Dark,
        );
    }

    fn apply_pending(&mut self, ctx: &egui::Context) {
        for action in std::mem::take(&mut self.actions) {
            self.apply(action, ctx);
        }
    }

    /// Starts a send of exactly the derived request, replacing any that is running: only the
    /// newest answer is ever shown. With a reason not to send, Send is disabled and says why.
    fn send(&mut self, ctx: &egui::Context) {
        // The draft may have been edited in this frame's UI pass.
        self.refresh_derived(ctx);
        let Ok(request) = &self.derived.request else {
            return;
        };
        let Ok(recorded) = request.with_credential(&Credential::EnvVar) else {
            return;
        };
        let repaint = ctx.clone();
        let in_flight = InFlight::start(request, self.state.deadline(), move || {
            repaint.request_repaint();
        });
        self.exchange = Exchange::Running(Box::new(in_flight));
        self.sent = Some(Sent {
            draft: self.state.draft.clone(),
            request: recorded,
        });
        self.remember_token(ctx);
    }

    /// Offers a typed token to the keyring once it has been used, on a background thread.
    fn remember_token(&mut self, ctx: &egui::Context) {
        let Some(store) = self.token_store.clone() else {
            return;
        };
        if !self.keyring.should_save(&self.token) {
            return;
        }
        let token = self.token.trimmed().to_owned();
        self.keyring = Keyring::Busy(background::spawn("keyring", ctx, move || {
            store.save(&token).map(|()| Some(token))
        }));
    }

    fn forget_token(&mut self, ctx: &egui::Context) {
        let Some(store) = self.token_store.clone() else {
            return;
        };
        self.keyring = Keyring::Busy(background::spawn("keyring", ctx, move || {
            store.forget().map(|()| None)
        }));
        if self.token.origin == TokenOrigin::Keyring {
            self.token = TokenInput::default();
        }
    }

    /// Adds a finished send to the history: the request without the token, and the outcome.
    fn record_history(&mut self, outcome: &Outcome, elapsed: Duration) {
        let (Some(history), Some(sent)) = (self.library.history.as_mut(), &self.sent) else {
            return;
        };
        let elapsed_ms = match outcome {
            Ok(response) => response.elapsed.as_millis() as u64,
            Err(_) => elapsed.as_millis() as u64,
        };
        let entry = HistoryEntry::new(&sent.draft, &sent.request, outcome, elapsed_ms);
        if let Err(err) = history.record(entry) {
            self.library.report(Err(format!(
                "Could not record the send in the history: {err}"
            )));
        }
    }

    /// The messages under the inputs: the last answer's field errors, and the lint warnings.
    fn form_notes(&self) -> FormNotes {
        let answered = match (&self.exchange, &self.sent) {
            (Exchange::Done(outcome), Some(sent)) => outcome
                .as_ref()
                .as_ref()
                .ok()
                .and_then(|response| response.problem.as_ref())
                .map(|problem| (&sent.draft, problem)),
            _ => None,
        };
        FormNotes::new(&self.state.draft, self.derived.lint.clone(), answered)
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.tick(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let window = shortcuts::KeyContext {
            running: self.is_running(),
            shortcuts_open: self.show_shortcuts,
        };
        self.actions.extend(shortcuts::pressed(&ctx, &window));
        for file in ctx.input(|input| input.raw.dropped_files.clone()) {
            self.actions
                .push(Action::ImportPreset(file.path().to_path_buf()));
        }
        self.panels_ui(ui);
        shortcuts::shortcuts_window_ui(&ctx, &mut self.show_shortcuts);
        self.apply_pending(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}

impl App {
    /// The four panels: the request bar on top, then the library, the form, and the preview
    /// above the response.
    fn panels_ui(&mut self, ui: &mut egui::Ui) {
        let notes = self.form_notes();
        let keyring_note = self.keyring_note();
        let sandbox_url = self.sandbox_base_url();
        egui::Panel::top("request_bar").show(ui, |ui| {
            if let Some(notice) = &self.notice {
                form_ui::notice_ui(ui, notice, &mut self.actions);
            }
            form_ui::request_bar_ui(
                ui,
                &mut self.state,
                &form_ui::SendState {
                    blocker: self.derived.send_blocker(),
                    notes: &notes,
                    sandbox_base_url: sandbox_url.as_deref(),
                },
                std::mem::take(&mut self.focus_base_url),
                &mut self.actions,
            );
            if self.in_sandbox() {
                sandbox_ui::sandbox_ui(
                    ui,
                    self.sandbox.as_ref(),
                    &mut self.state.sandbox,
                    &mut self.actions,
                );
                ui.add_space(4.0);
            }
        });
        let width = ui.available_width();
        egui::Panel::left("library")
            .resizable(true)
            .default_size((width * 0.18).clamp(170.0, 260.0))
            .size_range(150.0..=(width * 0.3).max(150.0))
            .show(ui, |ui| {
                library_ui::library_ui(ui, &mut self.library, &mut self.actions);
            });
        egui::Panel::left("form")
            .resizable(true)
            .default_size((width * 0.34).clamp(280.0, 460.0))
            .size_range(260.0..=(width * 0.5).max(260.0))
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
            .size_range(120.0..=(ui.available_height() - 120.0).max(120.0))
            .show(ui, |ui| {
                preview_ui::preview_ui(
                    ui,
                    &mut self.state.preview_target,
                    &mut self.token_display,
                    &self.derived,
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
    }
}

/// Opens the window and runs until it is closed.
pub fn run_native() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Flameup Explorer")
            .with_app_id("flameup-explorer")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 560.0])
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
