//! What the window remembers between runs, through eframe's storage. Never the token.
//!
//! Every persisted struct is `#[serde(default)]` and every persisted enum has a `#[serde(other)]`
//! fallback, so a file written by an older or newer version still loads; what cannot be read at
//! all is kept aside by [`crate::store::saved_state`] and the window says so once.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::response_ui::BodyTab;
use crate::model::{Draft, Environment, OperationValues};
use crate::sandbox::SandboxSettings;
use crate::snippet::Target;
use crate::transport::DEFAULT_DEADLINE;

/// What the window remembers between runs.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct AppState {
    /// The operation in the form, with its values.
    pub draft: Draft,
    /// The values of the other operations, as they were last shown, by operationId.
    pub parked: BTreeMap<String, OperationValues>,
    pub preview_target: Target,
    /// How long a send may take before it is ended, in seconds.
    pub deadline_secs: f64,
    /// How the built-in sandbox behaves.
    pub sandbox: SandboxSettings,
    /// The view of the answer's body.
    pub body_tab: BodyTab,
    /// The Diff view also lists volatile values (ids, `*_at` stamps, rate-limit headers).
    pub diff_include_volatile: bool,
    pub theme: Theme,
    /// Exploring requests, or importing people.
    pub view: View,
    /// The Import view's choices.
    pub import: ImportSettings,
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            draft: Draft::docs_example(),
            parked: BTreeMap::new(),
            preview_target: Target::default(),
            deadline_secs: DEFAULT_DEADLINE.as_secs_f64(),
            sandbox: SandboxSettings::default(),
            body_tab: BodyTab::default(),
            diff_include_volatile: false,
            theme: Theme::default(),
            view: View::default(),
            import: ImportSettings::default(),
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

    /// The state as it is written to disk: a `user:password@` in the custom base URL is left out
    /// (Send refuses it anyway; a password has no place in a plain-text file), and so is any
    /// value longer than [`MAX_SAVED_VALUE`] (a huge paste would slow every later launch).
    pub fn for_saving(&self) -> Self {
        let mut saved = self.clone();
        saved.draft.custom_base_url = without_credentials(&saved.draft.custom_base_url);
        drop_huge_values(&mut saved.draft.values);
        for values in saved.parked.values_mut() {
            drop_huge_values(values);
        }
        saved
    }

    /// The deadline of a send; a saved value that is not a duration falls back to the default.
    pub fn deadline(&self) -> Duration {
        Duration::try_from_secs_f64(self.deadline_secs)
            .ok()
            .filter(|deadline| !deadline.is_zero())
            .unwrap_or(DEFAULT_DEADLINE)
    }
}

/// The longest value the saved state keeps, in bytes; a longer one is saved empty.
pub const MAX_SAVED_VALUE: usize = 64 * 1024;

/// `url` without the `user:password@` part of its authority, as typed otherwise.
fn without_credentials(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &url[..scheme_end], &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// Empties every path, query and body value longer than [`MAX_SAVED_VALUE`].
fn drop_huge_values(values: &mut OperationValues) {
    for value in values.path.values_mut().chain(values.query.values_mut()) {
        if value.len() > MAX_SAVED_VALUE {
            value.clear();
        }
    }
    drop_huge_body_values(&mut values.body);
}

fn drop_huge_body_values(value: &mut crate::model::FormValue) {
    use crate::model::FormValue;
    match value {
        FormValue::Input(text) | FormValue::Json(text) => {
            if text.len() > MAX_SAVED_VALUE {
                text.clear();
            }
        }
        FormValue::Object { fields, rows } => {
            fields.values_mut().for_each(drop_huge_body_values);
            for row in rows {
                if row.value.len() > MAX_SAVED_VALUE {
                    row.value.clear();
                }
            }
        }
        FormValue::List(items) => items.iter_mut().for_each(drop_huge_body_values),
    }
}

/// The colour scheme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    Light,
    Dark,
    /// Also what an unknown saved name reads as.
    #[default]
    #[serde(other)]
    FollowSystem,
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

    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::FollowSystem => egui::ThemePreference::System,
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// What the window shows below its top bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum View {
    /// Bulk import of people from a file.
    Import,
    /// The request form, its preview and the answer. Also what an unknown saved name reads as.
    #[default]
    #[serde(other)]
    Requests,
}

/// How the Import view imports, remembered between runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportSettings {
    /// The path in the file box.
    pub file: String,
    /// People go to this workspace (batchWorkspacePeople) when set.
    pub workspace: String,
    /// People per request, 1 to 100.
    pub batch_size: usize,
    /// Requests in flight at once, at most.
    pub concurrency: usize,
}

impl Default for ImportSettings {
    fn default() -> Self {
        Self {
            file: String::new(),
            workspace: String::new(),
            batch_size: crate::import::MAX_BATCH_SIZE,
            concurrency: crate::import::SendSettings::DEFAULT_CONCURRENCY,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_the_base_url_are_never_saved() {
        for (typed, saved) in [
            (
                "http://admin:SECRETPW@127.0.0.1:18201/api/v1/",
                "http://127.0.0.1:18201/api/v1/",
            ),
            ("https://user@host.example/a@b", "https://host.example/a@b"),
            (
                "http://127.0.0.1:8080/api/v1",
                "http://127.0.0.1:8080/api/v1",
            ),
            ("not a url", "not a url"),
        ] {
            assert_eq!(without_credentials(typed), saved);
        }
        let mut state = AppState::default();
        state.draft.custom_base_url = "http://admin:SECRETPW@127.0.0.1:1/api/v1".to_owned();
        let text = ron::to_string(&state.for_saving()).unwrap();
        assert!(!text.contains("SECRETPW"), "{text}");
        assert!(text.contains("http://127.0.0.1:1/api/v1"));
    }

    #[test]
    fn a_huge_value_is_saved_empty_and_the_rest_as_is() {
        let mut state = AppState::default();
        let huge = "x".repeat(MAX_SAVED_VALUE + 1);
        state.draft.values.path.insert("id".into(), huge.clone());
        state.draft.values.query.insert("q".into(), "kept".into());
        let object = serde_json::json!({"type": "object"});
        *state
            .draft
            .values
            .body
            .field_mut("userId", &object)
            .unwrap() = crate::model::FormValue::Input(huge.clone());
        state
            .parked
            .insert("other".into(), state.draft.values.clone());
        let saved = state.for_saving();
        for values in [&saved.draft.values, &saved.parked["other"]] {
            assert_eq!(values.path["id"], "");
            assert_eq!(values.query["q"], "kept");
            assert!(ron::to_string(&values.body).unwrap().len() < 4096);
        }
        assert_eq!(state.draft.values.path["id"], huge, "the window keeps it");
    }

    #[test]
    fn unknown_names_fall_back_instead_of_losing_the_state() {
        let saved = r#"(
            draft: (environment: Staging, path_style: Tenant, user_id: "kept",
                    custom_traits: [(key: "k", kind: Decimal, value: "1")]),
            theme: Solarized,
            deadline_secs: 12.0,
        )"#;
        let state: AppState = ron::from_str(saved).unwrap();
        assert_eq!(state.draft.environment, Environment::Sandbox);
        assert_eq!(state.draft.operation, "createPerson");
        assert_eq!(
            state.draft.body_json().unwrap(),
            serde_json::json!({"userId": "kept", "traits": {"k": "1"}}),
            "an unknown row type reads as a string"
        );
        assert_eq!(state.theme, Theme::FollowSystem);
        assert_eq!(state.deadline(), Duration::from_secs(12));
    }
}
