//! The window. Panels draw and emit [`Action`]s; [`App::apply`] carries them out after the UI pass
//! and starts background work. Nothing here builds a request by hand: it all comes from
//! [`crate::model::build_request`].

mod form_ui;
mod preview_ui;
mod response_ui;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::model::{Credential, Draft, TOKEN_ENV_VAR, build_request};
use crate::snippet::Target;
use crate::transport::{DEFAULT_DEADLINE, InFlight, Outcome};

pub use preview_ui::PreviewCache;

/// What the window remembers between runs (through eframe's storage). Never the token.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct AppState {
    pub draft: Draft,
    pub preview_target: Target,
    /// How long a send may take before it is ended, in seconds.
    pub deadline_secs: f64,
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            draft: Draft::docs_example(),
            preview_target: Target::default(),
            deadline_secs: DEFAULT_DEADLINE.as_secs_f64(),
        }
    }
}

impl AppState {
    fn deadline(&self) -> Duration {
        Duration::try_from_secs_f64(self.deadline_secs).unwrap_or(DEFAULT_DEADLINE)
    }
}

/// The API token as typed. Lives only in memory for the session.
#[derive(Default)]
pub struct TokenInput {
    pub text: String,
    pub revealed: bool,
    /// Whether it was filled in from the environment variable at start.
    pub from_env: bool,
}

impl TokenInput {
    fn from_env() -> Self {
        match std::env::var(TOKEN_ENV_VAR) {
            Ok(token) if !token.trim().is_empty() => Self {
                text: token.trim().to_owned(),
                revealed: false,
                from_env: true,
            },
            _ => Self::default(),
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
    Running(InFlight),
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
}

/// The running application.
pub struct App {
    pub state: AppState,
    pub token: TokenInput,
    /// Whether previews show the real token instead of a reference to the environment variable.
    pub inline_token_in_preview: bool,
    pub exchange: Exchange,
    preview: PreviewCache,
    actions: Vec<Action>,
}

impl App {
    /// Creates the app, restoring what eframe stored last time.
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        let state = cc
            .storage
            .and_then(|storage| eframe::get_value(storage, eframe::APP_KEY))
            .unwrap_or_default();
        Self::with_state(state, TokenInput::from_env())
    }

    /// Creates the app with the given state and token; the tests start here.
    pub fn with_state(state: AppState, token: TokenInput) -> Self {
        Self {
            state,
            token,
            inline_token_in_preview: false,
            exchange: Exchange::Idle,
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

    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let send = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
        if ctx.input_mut(|input| input.consume_shortcut(&send)) {
            self.actions.push(Action::Send);
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
            Some(outcome) => self.exchange = Exchange::Done(Box::new(outcome)),
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
            }
        }
    }

    /// Starts a send, replacing any that is running: only the newest answer is ever shown.
    fn send(&mut self, ctx: &egui::Context) {
        let request = match build_request(&self.state.draft, &self.token.credential()) {
            Ok(request) => request,
            // The preview panel already says what is wrong; there is nothing to send.
            Err(_) => return,
        };
        let repaint = ctx.clone();
        let in_flight = InFlight::start(&request, self.state.deadline(), move || {
            repaint.request_repaint()
        });
        self.exchange = Exchange::Running(in_flight);
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.handle_shortcuts(&ctx);
        self.poll_exchange(&ctx);
        self.preview
            .refresh(&self.state.draft, self.preview_credential());

        egui::Panel::top("request_bar").show(ui, |ui| {
            form_ui::request_bar_ui(ui, &mut self.state, &self.preview, &mut self.actions);
        });
        egui::Panel::left("form")
            .default_size(440.0)
            .min_size(320.0)
            .show(ui, |ui| {
                form_ui::form_ui(ui, &mut self.state, &mut self.token, &mut self.actions);
            });
        egui::Panel::top("preview")
            .resizable(true)
            .default_size(330.0)
            .min_size(120.0)
            .show(ui, |ui| {
                preview_ui::preview_ui(
                    ui,
                    &mut self.state.preview_target,
                    &mut self.inline_token_in_preview,
                    &self.preview,
                    &mut self.actions,
                );
            });
        egui::CentralPanel::default().show(ui, |ui| {
            response_ui::response_ui(ui, &self.exchange, &mut self.actions);
        });

        self.apply(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}

impl App {
    fn preview_credential(&self) -> Credential {
        if self.inline_token_in_preview {
            self.token.credential()
        } else {
            Credential::EnvVar
        }
    }
}

/// Opens the window and runs until it is closed.
pub fn run_native() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Flameup Explorer")
            .with_app_id("flameup-explorer")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([900.0, 560.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Flameup Explorer",
        options,
        Box::new(|cc| Ok(Box::new(App::new(cc)))),
    )
}
