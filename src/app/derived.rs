//! Everything derived from the draft: the request Send sends (or why it cannot be sent), the
//! snippets the preview shows, and the lint. Rebuilt when the draft, the sandbox's address, the
//! token, the token display or the theme changes — never on a frame where none of them did. This
//! is the only place in the window that builds a request.

use egui::text::LayoutJob;

use super::highlight::highlight;
use super::token::{TokenDisplay, TokenInput};
use crate::model::body::NESTED_TOO_DEEP;
use crate::model::field_notes::FieldNote;
use crate::model::lint::lint;
use crate::model::{BuildError, Credential, Draft, HttpRequest, build_request};
use crate::snippet::{self, Target};

/// One rendered snippet.
pub struct Snippet {
    pub target: Target,
    /// What the Copy button puts on the clipboard: exact (CRLF line ends for raw HTTP).
    pub copy: String,
    /// What is drawn: line ends as the screen shows them.
    pub display: String,
    /// `display`, coloured.
    pub highlighted: LayoutJob,
}

/// What a build depends on: when none of it changes, nothing is rebuilt.
struct Inputs {
    draft: Draft,
    sandbox_base_url: Option<String>,
    token: String,
    token_display: TokenDisplay,
    dark_mode: bool,
}

/// The request, the snippets and the lint for the draft they were last built from.
pub struct Derived {
    built_from: Option<Inputs>,
    /// What Send sends, with the real token; or why it cannot be sent, shown beside Send.
    pub request: Result<HttpRequest, BuildError>,
    /// The same request as each target shows it (the token as chosen by the token display).
    pub snippets: Result<Vec<Snippet>, BuildError>,
    pub lint: Vec<FieldNote>,
    /// Why Send is disabled, said beside it: the request's build error, or a value the form
    /// refuses to send (a JSON row nested too deep).
    blocker: Option<String>,
    /// How many times it was rebuilt: it should change only when an input does.
    pub rebuilds: u64,
}

impl Default for Derived {
    fn default() -> Self {
        Self {
            built_from: None,
            request: Err(BuildError::SandboxNotRunning),
            snippets: Err(BuildError::SandboxNotRunning),
            lint: Vec::new(),
            blocker: Some(BuildError::SandboxNotRunning.to_string()),
            rebuilds: 0,
        }
    }
}

impl Derived {
    /// Rebuilds if anything it depends on differs from the last build.
    pub fn refresh(
        &mut self,
        draft: &Draft,
        sandbox_base_url: Option<&str>,
        token: &TokenInput,
        token_display: TokenDisplay,
        dark_mode: bool,
    ) {
        // Compared in place: nothing is cloned on a frame where nothing changed.
        let unchanged = self.built_from.as_ref().is_some_and(|built| {
            built.draft == *draft
                && built.sandbox_base_url.as_deref() == sandbox_base_url
                && built.token == token.trimmed()
                && built.token_display == token_display
                && built.dark_mode == dark_mode
        });
        if unchanged {
            return;
        }
        let inputs = Inputs {
            draft: draft.clone(),
            sandbox_base_url: sandbox_base_url.map(str::to_owned),
            token: token.trimmed().to_owned(),
            token_display,
            dark_mode,
        };
        // Built once, with the token as a reference; the request to send and each preview then
        // differ only in the credential.
        let built = build_request(draft, sandbox_base_url, &Credential::EnvVar);
        let credential = token.credential();
        self.request = built
            .clone()
            .and_then(|request| request.with_credential(&credential));
        let shown = match token_display {
            TokenDisplay::Environment => Credential::EnvVar,
            TokenDisplay::Placeholder => Credential::Placeholder,
            TokenDisplay::Inline => credential,
        };
        self.snippets = built
            .and_then(|request| request.with_credential(&shown))
            .map(|request| render_all(&request, dark_mode));
        self.lint = lint(draft);
        self.blocker = match &self.request {
            Err(error) => Some(error.to_string()),
            Ok(_) => self
                .lint
                .iter()
                .any(|note| note.message == NESTED_TOO_DEEP)
                .then(|| "A JSON row is nested deeper than 128 levels, which the API cannot read: make it shallower to send.".to_owned()),
        };
        self.built_from = Some(inputs);
        self.rebuilds += 1;
    }

    /// Why the request cannot be sent, if it cannot.
    pub fn send_blocker(&self) -> Option<&str> {
        self.blocker.as_deref()
    }

    pub fn snippet(&self, target: Target) -> Option<&Snippet> {
        let snippets = self.snippets.as_ref().ok()?;
        snippets.iter().find(|snippet| snippet.target == target)
    }
}

fn render_all(request: &HttpRequest, dark_mode: bool) -> Vec<Snippet> {
    Target::ALL
        .into_iter()
        .map(|target| {
            let copy = snippet::render(target, request);
            let display = copy.replace("\r\n", "\n");
            let highlighted = highlight(&display, target, dark_mode);
            Snippet {
                target,
                copy,
                display,
                highlighted,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FieldRow, ValueKind};

    #[test]
    fn a_json_row_nested_too_deep_disables_send_with_the_reason() {
        let mut draft = Draft::docs_example();
        draft.environment = crate::model::Environment::Custom;
        draft.custom_base_url = "http://127.0.0.1:9/api/v1".to_owned();
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let object = serde_json::json!({"type": "object"});
        let traits = draft.values.body.field_mut("traits", &object).unwrap();
        traits
            .rows_mut()
            .unwrap()
            .push(FieldRow::new("deep", ValueKind::Json, deep));
        let token = TokenInput {
            text: "ws_test_x".to_owned(),
            ..TokenInput::default()
        };
        let mut derived = Derived::default();
        derived.refresh(&draft, None, &token, TokenDisplay::default(), true);
        assert_eq!(
            derived.send_blocker(),
            Some(
                "A JSON row is nested deeper than 128 levels, which the API cannot read: make it shallower to send."
            )
        );
    }
}
