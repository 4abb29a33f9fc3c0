//! The draft: everything the user has filled in, and the single value every request, preview and
//! saved copy is derived from. Pure data: no I/O, no egui.

use serde::{Deserialize, Serialize};

/// Where the request goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Environment {
    /// The hosted Flameup API.
    #[default]
    Production,
    /// Any base URL the user types (a staging host, a local server, a proxy).
    Custom,
    /// The app's own local double of the API, started on a free loopback port on first use.
    /// Also what a saved name this version does not know reads as: nothing leaves the machine.
    #[serde(other)]
    Sandbox,
}

impl Environment {
    pub const ALL: [Self; 3] = [Self::Sandbox, Self::Production, Self::Custom];

    /// The name shown in the environment picker.
    pub fn label(self) -> &'static str {
        match self {
            Self::Production => "Production",
            Self::Custom => "Custom base URL",
            Self::Sandbox => "Sandbox (built-in)",
        }
    }
}

/// The base URL of the hosted API, as documented.
pub const PRODUCTION_BASE_URL: &str = "https://api.flameup.ai/api/v1";

/// Which of the two documented create-person paths to call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PathStyle {
    /// `POST /workspaces/{workspace_id}/people`.
    WorkspaceScoped,
    /// `POST /people`: the workspace comes from the API key (the create-person page's example).
    /// Also what an unknown saved name reads as.
    #[default]
    #[serde(other)]
    KeyScoped,
}

impl PathStyle {
    pub const ALL: [Self; 2] = [Self::KeyScoped, Self::WorkspaceScoped];

    /// The path pattern, as the docs write it.
    pub fn label(self) -> &'static str {
        match self {
            Self::KeyScoped => "POST /people",
            Self::WorkspaceScoped => "POST /workspaces/{workspace_id}/people",
        }
    }
}

/// The JSON type a free-form row sends its value as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueKind {
    Number,
    Boolean,
    Null,
    /// Any JSON value typed as JSON text: arrays, objects, nested values.
    Json,
    /// Also what an unknown saved name reads as: the value is kept as text.
    #[default]
    #[serde(other)]
    String,
}

impl ValueKind {
    pub const ALL: [Self; 5] = [
        Self::String,
        Self::Number,
        Self::Boolean,
        Self::Null,
        Self::Json,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Null => "null",
            Self::Json => "JSON",
        }
    }
}

/// A free-form key with a typed value: a custom trait, or another top-level body field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldRow {
    pub key: String,
    pub kind: ValueKind,
    /// The value as the user typed it; interpreted according to `kind`.
    pub value: String,
}

impl FieldRow {
    pub fn new(key: impl Into<String>, kind: ValueKind, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            kind,
            value: value.into(),
        }
    }
}

/// The six traits the create-person page documents, in the page's order.
pub const WELL_KNOWN_TRAITS: [&str; 6] = [
    "first_name",
    "last_name",
    "phone",
    "avatar_url",
    "timezone",
    "locale",
];

/// Everything the user has filled in. The token is deliberately not part of it: a draft can be
/// persisted, previewed and shared; the token never is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub environment: Environment,
    /// The base URL used when `environment` is `Custom`.
    pub custom_base_url: String,
    pub path_style: PathStyle,
    /// Used when `path_style` is `WorkspaceScoped`.
    pub workspace_id: String,
    pub user_id: String,
    pub email: String,
    pub phone: String,
    /// Values of the well-known traits, indexed like [`WELL_KNOWN_TRAITS`]; empty ones are left out.
    pub traits: [String; 6],
    /// Further traits, each with its own JSON type, sent after the well-known ones.
    pub custom_traits: Vec<FieldRow>,
    /// Other top-level body fields (for example `anonymousId`, or fields a loaded file had that the
    /// form has no input for). A row whose key matches a field the form builds replaces it.
    pub other_fields: Vec<FieldRow>,
}

impl Draft {
    /// The base URL requests go to, before any path is added. The sandbox's address is not part
    /// of the draft (its port differs each run): `None` when the sandbox is chosen but not running.
    pub fn base_url<'a>(&'a self, sandbox_base_url: Option<&'a str>) -> Option<&'a str> {
        match self.environment {
            Environment::Production => Some(PRODUCTION_BASE_URL),
            Environment::Custom => Some(self.custom_base_url.trim()),
            Environment::Sandbox => sandbox_base_url,
        }
    }

    /// The documentation's own example person: what a first-time user sees.
    pub fn docs_example() -> Self {
        Self {
            user_id: "example_string".to_owned(),
            email: "user@example.com".to_owned(),
            phone: "+1-555-0123".to_owned(),
            traits: [
                "John Doe",
                "John Doe",
                "+1-555-0123",
                "example_string",
                "example_string",
                "example_string",
            ]
            .map(str::to_owned),
            ..Self::default()
        }
    }
}
