//! How the sandbox behaves: the error dialect, what a repeated userId does, the rate limit, the
//! faults and the drifts from the contract. The window persists these, so unknown variant names
//! fall back instead of failing.

use std::ops::RangeInclusive;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::drift::Drift;

/// The documented limit: 120 requests a minute per API key.
pub const DOCUMENTED_RATE_LIMIT: u32 = 120;

/// The documented window the limit counts requests in: a minute.
pub const DEFAULT_RATE_WINDOW_SECS: u64 = 60;

/// The windows the sandbox can count in, in seconds: from one second (to try pacing in seconds)
/// to an hour.
pub const RATE_WINDOW_SECS: RangeInclusive<u64> = 1..=3600;

/// How long a connection may send nothing before the sandbox closes it: a stalled or idle client
/// must not hold a connection (and its memory) forever.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Which of the documented error body shapes rejections use.
///
/// The default variant is last so it can carry `#[serde(other)]`: a name this version does not
/// know (from an older or newer saved state) falls back to it instead of losing the whole state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum ErrorDialect {
    /// The errors page's standard shape: `{success: false, error: {type, message, details}, request_id}`.
    Standard,
    /// The errors page's 422 shape: `{error: {code, message, details: {fields: {field: message}}}}`,
    /// and 422 instead of 400 for field errors.
    Validation422,
    /// The create-person page's example: `{error, message, code, details: [{field, message}]}`, 400.
    #[default]
    #[serde(other)]
    Docs,
}

impl ErrorDialect {
    /// Every dialect, in the order the window offers them.
    pub const ALL: [Self; 3] = [Self::Docs, Self::Standard, Self::Validation422];

    pub fn label(self) -> &'static str {
        match self {
            Self::Docs => "docs page (400, details list)",
            Self::Standard => "errors page, standard",
            Self::Validation422 => "errors page, 422 validation",
        }
    }
}

/// What creating an existing `userId` does. The default is last, for `#[serde(other)]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum OnDuplicate {
    /// Answer 409 Conflict, as the errors page lists for "resource already exists".
    Conflict,
    /// Update the person (merging traits) and answer 200, as the SDK's `identifyUser` suggests.
    #[default]
    #[serde(other)]
    Update,
}

impl OnDuplicate {
    /// Both behaviours, in the order the window offers them.
    pub const ALL: [Self; 2] = [Self::Update, Self::Conflict];

    pub fn label(self) -> &'static str {
        match self {
            Self::Update => "update it (200)",
            Self::Conflict => "reject it (409)",
        }
    }
}

/// How the sandbox behaves. Changes apply to the next request (the idle timeout to the next
/// connection).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SandboxSettings {
    pub errors: ErrorDialect,
    pub on_duplicate: OnDuplicate,
    /// Requests per key in each window of [`Self::rate_window_secs`]; `None` turns the limit off.
    pub rate_limit: Option<u32>,
    /// The length of the rate limit's windows, in seconds (documented: 60). Shorter windows let
    /// pacing be tried in seconds. Read it through [`Self::rate_window`], which keeps it in
    /// [`RATE_WINDOW_SECS`] whatever a saved state says.
    pub rate_window_secs: u64,
    /// Added before every answer.
    pub latency_ms: u64,
    /// The share of requests (0 to 1) that get a simulated 500.
    pub fail_rate: f64,
    /// Accept connections and never answer.
    pub hang: bool,
    /// Deviations from the contract on purpose, in every success answer.
    pub drift: Drift,
    /// When set, only this exact bearer token is accepted. Never persisted.
    #[serde(skip)]
    pub required_token: Option<String>,
    /// A connection that sends nothing for this long is closed. Not persisted: it is a guard,
    /// not a preference (tests shorten it).
    #[serde(skip)]
    pub idle_timeout: Duration,
}

impl Default for SandboxSettings {
    fn default() -> Self {
        Self {
            errors: ErrorDialect::default(),
            on_duplicate: OnDuplicate::default(),
            rate_limit: Some(DOCUMENTED_RATE_LIMIT),
            rate_window_secs: DEFAULT_RATE_WINDOW_SECS,
            latency_ms: 0,
            fail_rate: 0.0,
            hang: false,
            drift: Drift::default(),
            required_token: None,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
        }
    }
}

impl SandboxSettings {
    /// The rate limit's window in seconds, within [`RATE_WINDOW_SECS`].
    pub fn rate_window(&self) -> u64 {
        self.rate_window_secs
            .clamp(*RATE_WINDOW_SECS.start(), *RATE_WINDOW_SECS.end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_dialect_name_falls_back_to_docs() {
        let dialect: ErrorDialect = serde_json::from_str(r#""Validation400""#).unwrap();
        assert_eq!(dialect, ErrorDialect::Docs);
        let known: ErrorDialect = serde_json::from_str(r#""Standard""#).unwrap();
        assert_eq!(known, ErrorDialect::Standard);
    }

    #[test]
    fn an_unknown_on_duplicate_name_falls_back_to_update() {
        let behaviour: OnDuplicate = serde_json::from_str(r#""Ignore""#).unwrap();
        assert_eq!(behaviour, OnDuplicate::Update);
        let known: OnDuplicate = serde_json::from_str(r#""Conflict""#).unwrap();
        assert_eq!(known, OnDuplicate::Conflict);
    }

    #[test]
    fn saved_settings_with_a_renamed_variant_still_load() {
        let saved = r#"{"errors": "Rfc7807", "on_duplicate": "Conflict", "latency_ms": 5}"#;
        let settings: SandboxSettings = serde_json::from_str(saved).unwrap();
        assert_eq!(settings.errors, ErrorDialect::Docs);
        assert_eq!(settings.on_duplicate, OnDuplicate::Conflict);
        assert_eq!(settings.latency_ms, 5);
        assert_eq!(settings.idle_timeout, DEFAULT_IDLE_TIMEOUT);
        assert!(
            settings.drift.is_off(),
            "saved before drifts existed: none on"
        );
        assert_eq!(
            settings.rate_window(),
            DEFAULT_RATE_WINDOW_SECS,
            "saved before the window could be set: the documented minute"
        );
    }

    #[test]
    fn the_rate_window_is_saved_and_kept_in_range() {
        let settings = SandboxSettings {
            rate_limit: Some(10),
            rate_window_secs: 2,
            ..SandboxSettings::default()
        };
        let saved = serde_json::to_string(&settings).unwrap();
        let loaded: SandboxSettings = serde_json::from_str(&saved).unwrap();
        assert_eq!((loaded.rate_limit, loaded.rate_window()), (Some(10), 2));
        for (saved, used) in [(0, 1), (1, 1), (3600, 3600), (u64::MAX, 3600)] {
            let settings = SandboxSettings {
                rate_window_secs: saved,
                ..SandboxSettings::default()
            };
            assert_eq!(settings.rate_window(), used, "{saved}");
        }
    }
}
