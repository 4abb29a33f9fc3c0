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

    /// The deadline of a send; a saved value that is not a duration falls back to the default.
    pub fn deadline(&self) -> Duration {
        Duration::try_from_secs_f64(self.deadline_secs)
            .ok()
            .filter(|deadline| !deadline.is_zero())
            .unwrap_or(DEFAULT_DEADLINE)
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
