//! The API token: what is in the field, where it came from, and what the system keyring holds.
//!
//! Any edit makes the token typed; a typed token is offered to the keyring when it is sent. The
//! sandbox's stand-in token belongs to the sandbox alone: leaving the sandbox takes it away, so it
//! is never sent to a real server.

use poll_promise::Promise;

use crate::model::{Credential, Environment, TOKEN_ENV_VAR};
use crate::sandbox::SANDBOX_TOKEN;

/// Where the token in the field came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenOrigin {
    /// Typed or pasted into the field (any edit makes a token typed).
    #[default]
    Typed,
    /// Read from [`TOKEN_ENV_VAR`] at start.
    Environment,
    /// Filled in for the sandbox, which takes any non-empty token.
    Sandbox,
    /// Read from the system keyring.
    Keyring,
    /// Found in a pasted cURL command: for this session only, never offered to the keyring.
    PastedCurl,
}

/// The API token as typed. Lives only in memory for the session.
#[derive(Clone, Default)]
pub struct TokenInput {
    pub text: String,
    pub revealed: bool,
    pub origin: TokenOrigin,
}

impl TokenInput {
    /// A token given at start (the environment variable's value): `None` when unset or blank.
    pub fn from_environment(value: Option<String>) -> Self {
        match value {
            Some(token) if !token.trim().is_empty() => Self {
                text: token.trim().to_owned(),
                revealed: false,
                origin: TokenOrigin::Environment,
            },
            _ => Self::default(),
        }
    }

    /// The sandbox's stand-in token, shown so the user sees what is sent.
    pub fn sandbox() -> Self {
        Self {
            text: SANDBOX_TOKEN.to_owned(),
            revealed: true,
            origin: TokenOrigin::Sandbox,
        }
    }

    /// A token the keyring gave back.
    pub fn from_keyring(text: String) -> Self {
        Self {
            text,
            revealed: false,
            origin: TokenOrigin::Keyring,
        }
    }

    /// The token a pasted cURL command sends: shown hidden, kept for this session only.
    pub fn from_pasted_curl(text: String) -> Self {
        Self {
            text,
            revealed: false,
            origin: TokenOrigin::PastedCurl,
        }
    }

    /// Called when the user edits the field: whatever it held, it is now theirs.
    pub fn edited(&mut self) {
        self.origin = TokenOrigin::Typed;
    }

    /// The token as sent: surrounding spaces and a pasted line break are not part of it.
    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }

    pub fn credential(&self) -> Credential {
        Credential::Token(self.trimmed().to_owned())
    }

    /// Keeps the token in step with the environment: the stand-in goes when the sandbox is left
    /// (the keyring's token, if it holds one, takes its place), and an empty field gets the
    /// stand-in when the sandbox runs.
    pub fn follow_environment(
        &mut self,
        environment: Environment,
        sandbox_running: bool,
        keyring: &Keyring,
    ) {
        match environment {
            Environment::Sandbox => {
                if sandbox_running && self.trimmed().is_empty() {
                    *self = Self::sandbox();
                }
            }
            Environment::Production | Environment::Custom => {
                if self.origin == TokenOrigin::Sandbox {
                    *self = match keyring.saved() {
                        Some(saved) => Self::from_keyring(saved.to_owned()),
                        None => Self::default(),
                    };
                }
            }
        }
    }
}

/// How the previews show the token. Not saved: every start shows the safe default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenDisplay {
    /// Each snippet reads `FLAMEUP_API_TOKEN` from the environment: runnable and safe to paste.
    #[default]
    Environment,
    /// The docs' `YOUR_API_TOKEN`.
    Placeholder,
    /// The real token, with a warning.
    Inline,
}

impl TokenDisplay {
    pub const ALL: [Self; 3] = [Self::Environment, Self::Placeholder, Self::Inline];

    pub fn label(self) -> &'static str {
        match self {
            Self::Environment => "$FLAMEUP_API_TOKEN",
            Self::Placeholder => "YOUR_API_TOKEN",
            Self::Inline => "the real token",
        }
    }
}

/// What a keyring call gives back: the token it now holds (if any), or why it could not answer.
pub type KeyringAnswer = Result<Option<String>, String>;

/// The system keyring, as far as the app knows it.
#[derive(Default)]
pub enum Keyring {
    /// Not consulted: the token comes from the environment, or the keyring is switched off.
    #[default]
    Unused,
    /// Asked on a background thread (D-Bus calls can block).
    Busy(Promise<KeyringAnswer>),
    /// It answered: the token it holds, if any.
    Ready {
        saved: Option<String>,
    },
    Unavailable(String),
}

impl Keyring {
    /// The token the keyring holds, as far as known.
    pub fn saved(&self) -> Option<&str> {
        match self {
            Self::Ready { saved } => saved.as_deref(),
            _ => None,
        }
    }

    /// Takes in a finished call. Returns the token it loaded, when the call was a load that found
    /// one, so the caller can fill an empty field with it.
    pub fn poll(&mut self) -> Option<String> {
        let Self::Busy(promise) = self else {
            return None;
        };
        let answer = promise.ready()?.clone();
        *self = match answer {
            Ok(saved) => Self::Ready { saved },
            Err(reason) => Self::Unavailable(reason),
        };
        self.saved().map(str::to_owned)
    }

    /// Whether `token` should be offered to the keyring: it is typed, not empty, and not what the
    /// keyring already holds. Nothing is offered while a call is running or with no keyring.
    pub fn should_save(&self, token: &TokenInput) -> bool {
        let Self::Ready { saved } = self else {
            return false;
        };
        token.origin == TokenOrigin::Typed
            && !token.trimmed().is_empty()
            && saved.as_deref() != Some(token.trimmed())
    }
}

/// What the form says about where the token is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyringNote {
    pub note: String,
    /// Whether a saved token can be removed from the keyring.
    pub can_forget: bool,
}

impl KeyringNote {
    pub fn new(token: &TokenInput, keyring: &Keyring) -> Self {
        let saved_here = keyring.saved() == Some(token.trimmed()) && !token.trimmed().is_empty();
        let note = match (token.origin, keyring) {
            (TokenOrigin::Environment, _) => {
                format!("Read from ${TOKEN_ENV_VAR}; never written anywhere.")
            }
            (TokenOrigin::PastedCurl, _) => {
                "From the pasted cURL: kept for this session only, never saved.".to_owned()
            }
            (TokenOrigin::Sandbox, _) => {
                "A stand-in token for the local sandbox, which accepts any; never written anywhere."
                    .to_owned()
            }
            (_, Keyring::Unavailable(reason)) => format!("Kept for this session only: {reason}."),
            (_, Keyring::Unused) => "Kept for this session only.".to_owned(),
            (_, Keyring::Busy(_)) => "Asking the system keyring…".to_owned(),
            (_, Keyring::Ready { .. }) if saved_here => "Saved in the system keyring.".to_owned(),
            (_, Keyring::Ready { .. }) => "Saved in the system keyring when you send.".to_owned(),
        };
        let can_forget = keyring.saved().is_some();
        Self { note, can_forget }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> TokenInput {
        TokenInput {
            text: text.to_owned(),
            ..TokenInput::default()
        }
    }

    #[test]
    fn leaving_the_sandbox_takes_its_stand_in_token_away() {
        let mut token = TokenInput::sandbox();
        let none = Keyring::Ready { saved: None };
        token.follow_environment(Environment::Custom, true, &none);
        assert_eq!(token.text, "");
        assert_eq!(token.origin, TokenOrigin::Typed);

        let mut token = TokenInput::sandbox();
        let saved = Keyring::Ready {
            saved: Some("ws_live_saved".into()),
        };
        token.follow_environment(Environment::Production, true, &saved);
        assert_eq!(token.text, "ws_live_saved");
        assert_eq!(token.origin, TokenOrigin::Keyring);

        let mut token = typed("ws_live_mine");
        token.follow_environment(Environment::Production, true, &saved);
        assert_eq!(token.text, "ws_live_mine", "a typed token stays");
    }

    #[test]
    fn the_sandbox_fills_only_an_empty_field() {
        let mut token = typed("");
        token.follow_environment(Environment::Sandbox, false, &Keyring::Unused);
        assert_eq!(token.text, "", "not before it runs");
        token.follow_environment(Environment::Sandbox, true, &Keyring::Unused);
        assert_eq!(token.origin, TokenOrigin::Sandbox);
        let mut token = typed("ws_test_mine");
        token.follow_environment(Environment::Sandbox, true, &Keyring::Unused);
        assert_eq!(token.text, "ws_test_mine");
    }

    #[test]
    fn an_edited_token_is_typed_and_offered_to_the_keyring() {
        let mut token = TokenInput::sandbox();
        let keyring = Keyring::Ready { saved: None };
        assert!(!keyring.should_save(&token));
        token.text = "ws_live_real".into();
        token.edited();
        assert!(keyring.should_save(&token));
        assert_eq!(
            KeyringNote::new(&token, &keyring).note,
            "Saved in the system keyring when you send."
        );
        let keyring = Keyring::Ready {
            saved: Some("ws_live_real".into()),
        };
        assert!(!keyring.should_save(&token), "already there");
        assert_eq!(
            KeyringNote::new(&token, &keyring).note,
            "Saved in the system keyring."
        );
        let pasted = TokenInput::from_pasted_curl("ws_live_pasted".into());
        assert!(
            !Keyring::Ready { saved: None }.should_save(&pasted),
            "a token from a pasted cURL is for this session only"
        );
        let mut from_keyring = TokenInput::from_keyring("ws_live_real".into());
        from_keyring.text.push('x');
        from_keyring.edited();
        assert!(keyring.should_save(&from_keyring));
    }
}
