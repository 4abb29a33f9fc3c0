//! A pasted cURL command may name any server. When it names one that is neither the Flameup API
//! nor this machine, and the token Send would send is the user's own (from the environment, the
//! keyring or typed) rather than the command's, the import's banner says so and Send asks once
//! before the token goes there. The rule of which hosts are meant for the token is the command
//! line's too: [`crate::model::hosts::is_meant_for_the_token`].

use egui::RichText;

use super::action::Action;
use super::{App, TokenInput, TokenOrigin};
use crate::model::hosts::is_meant_for_the_token;
use crate::model::{HttpRequest, TOKEN_ENV_VAR};

/// The host the last import named, which the user's own token is not meant for, until the user
/// says to send there.
pub struct ForeignHost {
    host: String,
    /// Send was pressed: the question is on screen.
    asking: bool,
}

impl ForeignHost {
    /// The foreign host `base_url` names, if it names one.
    pub fn of(base_url: &str) -> Option<Self> {
        let url = url::Url::parse(base_url).ok()?;
        if is_meant_for_the_token(&url) {
            return None;
        }
        Some(Self {
            host: url.host_str()?.to_owned(),
            asking: false,
        })
    }

    /// The line the import's banner shows, when `token` (the one Send would send) is the user's.
    pub fn warning(&self, token: &TokenInput) -> Option<String> {
        let whose = whose_token(token)?;
        Some(format!(
            "The command names {}, which is neither the Flameup API nor this machine: Send asks before {whose} goes there.",
            self.host
        ))
    }
}

/// "your FLAMEUP_API_TOKEN" when `token` is the user's own; `None` for the command's own token,
/// the sandbox's stand-in or an empty field.
fn whose_token(token: &TokenInput) -> Option<String> {
    if token.trimmed().is_empty() {
        return None;
    }
    match token.origin {
        TokenOrigin::Environment => Some(format!("your {TOKEN_ENV_VAR}")),
        TokenOrigin::Keyring => Some("the token saved in your keyring".to_owned()),
        TokenOrigin::Typed => Some("your token".to_owned()),
        TokenOrigin::PastedCurl | TokenOrigin::Sandbox => None,
    }
}

impl App {
    /// Whether Send must ask first: `request` goes to the host the import named, with the user's
    /// own token. Asking puts the question on screen.
    pub(super) fn ask_before_sending(&mut self, request: &HttpRequest) -> bool {
        let Some(foreign) = self.curl.foreign.as_mut() else {
            return false;
        };
        let ask = whose_token(&self.token).is_some()
            && request.url.host_str() == Some(foreign.host.as_str())
            && !is_meant_for_the_token(&request.url);
        foreign.asking |= ask;
        ask
    }

    /// The user said to send their token to the host: Send no longer asks, and sends.
    pub(super) fn send_to_foreign_host(&mut self, ctx: &egui::Context) {
        self.curl.foreign = None;
        self.send(ctx);
    }

    /// Takes the question off the screen; the next Send asks again.
    pub(super) fn dismiss_foreign_host(&mut self) {
        if let Some(foreign) = self.curl.foreign.as_mut() {
            foreign.asking = false;
        }
    }

    /// Whether the question is on screen.
    pub(super) fn asking_about_foreign_host(&self) -> bool {
        self.curl
            .foreign
            .as_ref()
            .is_some_and(|foreign| foreign.asking)
    }

    /// "Send your FLAMEUP_API_TOKEN to 192.0.2.2?", while Send asks it.
    pub(super) fn foreign_host_ui(&mut self, ctx: &egui::Context) {
        let Some(foreign) = self.curl.foreign.as_ref().filter(|foreign| foreign.asking) else {
            return;
        };
        let whose = whose_token(&self.token).unwrap_or_else(|| "your token".to_owned());
        let host = foreign.host.clone();
        let mut answer = None;
        let modal = egui::Modal::new(egui::Id::unique("foreign_host")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading(format!("Send {whose} to {host}?"));
            ui.add_space(4.0);
            ui.label(format!(
                "The pasted command names {host}, which is neither the Flameup API nor this machine. Whoever runs it will see the token."
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(format!("Send to {host}")).clicked() {
                    answer = Some(Action::SendToForeignHost);
                }
                if ui.button("Cancel").on_hover_text("Send nothing (Esc)").clicked() {
                    answer = Some(Action::KeepTokenHome);
                }
            });
        });
        let answer = answer.or(modal.should_close().then_some(Action::KeepTokenHome));
        self.actions.extend(answer);
    }
}

/// Shown in the banner in the colour of a warning.
pub fn warning_ui(ui: &mut egui::Ui, warning: &str) {
    ui.label(RichText::new(warning).color(ui.visuals().warn_fg_color));
}
