//! The window. [`App`] holds the persisted [`AppState`] and the runtime around it; panels draw and
//! push [`Action`]s, applied after the UI pass (see `action.rs`); background work lives in
//! `background.rs`; everything derived from the draft — including the one request Send sends — in
//! `derived.rs`.

mod action;
mod background;
mod curl_ui;
mod derived;
mod exchange;
mod flow_ui;
mod foreign_host;
mod form_ui;
mod highlight;
mod import_export;
mod import_ui;
mod import_view;
mod json_tree;
mod library;
mod library_ui;
mod navigator_ui;
mod panels;
mod preview_ui;
mod response_ui;
mod review;
mod review_ui;
mod sandbox_ui;
mod shortcuts;
mod state;
mod token;
mod value_ui;
mod widgets;

use std::path::PathBuf;

pub use action::Action;
use background::Dialog;
use derived::Derived;
pub use exchange::Exchange;
use exchange::Sent;
pub use import_view::ImportAction;
pub use library::Library as PresetLibrary;
pub use panels::run_native;
pub use response_ui::{BodyTab, ResponseView};
pub use state::{AppState, ImportSettings, Theme, View};
pub use token::{Keyring, KeyringNote, TokenDisplay, TokenInput, TokenOrigin};

use crate::model::{Draft, Environment};
use crate::sandbox::Sandbox;
use crate::store;
use crate::store::token::TokenStore;

/// What a file dialog that gave no file means: cancelled, or no desktop portal to show one. The
/// path box beside Browse… works either way.
const NO_FILE_CHOSEN: &str = "No file was chosen. If no dialog appeared (no desktop portal answers here), type the path above.";

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
    /// Something found before the window opened that the user should hear about once.
    pub notice: Option<String>,
}

impl Startup {
    pub fn from_environment() -> Self {
        Self {
            token: std::env::var(crate::model::TOKEN_ENV_VAR).ok(),
            keyring: (!store::token::switched_off()).then(TokenStore::default),
            presets_dir: store::presets_dir(),
            history_file: store::history_file(),
            data_dir: store::data_dir(),
            notice: None,
        }
    }
}

/// A copy to the clipboard, confirmed on screen for [`Copied::SHOWN_FOR`].
pub struct Copied {
    what: String,
    at: std::time::Instant,
}

impl Copied {
    const SHOWN_FOR: std::time::Duration = std::time::Duration::from_millis(1500);

    fn new(text: &str) -> Self {
        let size = crate::model::response::human_size(text.len());
        Self {
            what: format!("Copied {size} to the clipboard"),
            at: std::time::Instant::now(),
        }
    }

    /// The confirmation and how much longer it shows, while it is shown.
    pub fn message(&self) -> Option<(&str, std::time::Duration)> {
        let left = Self::SHOWN_FOR.checked_sub(self.at.elapsed())?;
        Some((self.what.as_str(), left))
    }
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
    /// The draft "Reset to example" replaced, for undo.
    undo_reset: Option<Draft>,
    /// The layout of a large answer, made after its first screen (see `PREPARE_LATER`).
    preparing: Option<exchange::PreparedLater>,
    /// The answers kept to compare new ones with, and the review of the answer on screen.
    reviews: review::Reviews,
    review: Option<review::Review>,
    /// Where values a link put into the form came from.
    origins: value_ui::Origins,
    /// The "go to operation" palette, while it is open (Ctrl+P).
    palette: Option<navigator_ui::Palette>,
    /// The last copy to the clipboard, confirmed for a moment.
    copied: Option<Copied>,
    /// Something the user should know once (a saved state or history that could not be read).
    pub notice: Option<String>,
    /// The cURL import: its dialog, and what the last import did.
    pub curl: curl_ui::CurlState,
    /// The flow export dialog.
    flow: flow_ui::FlowState,
    /// The Import view's file, its check and its import.
    pub import: import_view::ImportView,
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
        let (state, decode_notice) = match saved {
            Some(Ok(state)) => (state, None),
            Some(Err(notice)) => (AppState::first_launch(!token.text.is_empty()), Some(notice)),
            None => (AppState::first_launch(!token.text.is_empty()), None),
        };
        let library = PresetLibrary::open(startup.presets_dir, startup.history_file);
        let from_env = token.origin == TokenOrigin::Environment;
        let mut app = Self::with_library(state, token, library);
        app.notice = startup.notice.or(decode_notice);
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
            copied: None,
            undo_reset: None,
            palette: None,
            preparing: None,
            reviews: review::Reviews::default(),
            review: None,
            origins: value_ui::Origins::default(),
            curl: curl_ui::CurlState::default(),
            flow: flow_ui::FlowState::default(),
            import: import_view::ImportView::default(),
        }
    }

    /// How many times the request and its previews were rebuilt: it should change only when the
    /// draft, the token, the token display or the theme does.
    pub fn preview_rebuilds(&self) -> u64 {
        self.derived.rebuilds
    }

    /// Why the request cannot be sent right now, if it cannot.
    pub fn send_blocker(&self) -> Option<String> {
        self.derived.send_blocker().map(str::to_owned)
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
        self.poll_preparing();
        self.poll_import(ctx);
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
            Some(Dialog::Import(promise)) => promise.block_and_take().map(|path| match path {
                Some(path) => self.actions.push(Action::ImportPreset(path)),
                None => self.library.report(Err(NO_FILE_CHOSEN.to_owned())),
            }),
            Some(Dialog::Export(preset, promise)) => {
                promise.block_and_take().map(|path| match path {
                    Some(path) => {
                        self.export_preset(&preset, &path);
                        self.library.export_to = None;
                    }
                    None => self.library.report(Err(NO_FILE_CHOSEN.to_owned())),
                })
            }
            None => Ok(()),
        };
        if let Err(reason) = answer {
            self.library.report(Err(format!(
                "The file dialog could not open: {reason}. Drop the file on the window instead."
            )));
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
}
