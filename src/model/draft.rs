//! The draft: everything the user has filled in, and the single value every request, preview and
//! saved copy is derived from. Pure data: no I/O, no egui.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::form::FormValue;
use super::legacy;
use crate::contract::{self, Operation};

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

/// The operation a draft names when it names none: the create-person page the app began with,
/// and what every file from before the whole API was explorable holds.
pub const DEFAULT_OPERATION: &str = "createPerson";

/// What the user filled in for one operation: its path values, query values and body. Each
/// operation keeps its own, so moving between operations loses nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OperationValues {
    /// Path values by parameter name, as typed (encoded when the request is built).
    pub path: BTreeMap<String, String>,
    /// Query values by parameter name; an empty one is left out.
    pub query: BTreeMap<String, String>,
    /// The body's inputs, for an operation that has a body.
    pub body: FormValue,
}

impl OperationValues {
    /// The values a first look at `operation` shows: the contract's examples, so a first Send
    /// works against the sandbox (the docs' own person for create person).
    pub fn example(operation: &Operation) -> Self {
        let path = operation
            .path_params
            .iter()
            .filter_map(|param| Some((param.name.clone(), param.example.clone()?)))
            .collect();
        let query = operation
            .query_params
            .iter()
            .filter_map(|param| Some((param.name.clone(), param.example.clone()?)))
            .collect();
        let body = operation
            .body
            .as_ref()
            .map_or_else(FormValue::default, |body| {
                body.example.as_ref().map_or_else(
                    || FormValue::empty(&body.schema),
                    |example| FormValue::from_body(&body.schema, example),
                )
            });
        Self { path, query, body }
    }

    /// The body as sent, for an operation that has one.
    pub fn body_json(&self, operation: &Operation) -> Option<Value> {
        let schema = &operation.body.as_ref()?.schema;
        Some(self.body.body_json(schema))
    }
}

/// Everything the user has filled in. The token is deliberately not part of it: a draft can be
/// persisted, previewed and shared; the token never is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, from = "legacy::DraftRecord")]
pub struct Draft {
    pub environment: Environment,
    /// The base URL used when `environment` is `Custom`.
    pub custom_base_url: String,
    /// The operationId of the operation this draft calls.
    pub operation: String,
    pub values: OperationValues,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            environment: Environment::default(),
            custom_base_url: String::new(),
            operation: DEFAULT_OPERATION.to_owned(),
            values: OperationValues::default(),
        }
    }
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

    /// A draft of `operation` with its example values.
    pub fn for_operation(operation: &Operation) -> Self {
        Self {
            operation: operation.id.clone(),
            values: OperationValues::example(operation),
            ..Self::default()
        }
    }

    /// The documentation's own example person: what a first-time user sees.
    pub fn docs_example() -> Self {
        contract::embedded()
            .ok()
            .and_then(|contract| contract.operation(DEFAULT_OPERATION))
            .map_or_else(Self::default, Self::for_operation)
    }

    /// The operation this draft names, in the embedded contract.
    pub fn operation(&self) -> Option<&'static Operation> {
        contract::embedded().ok()?.operation(&self.operation)
    }

    /// The body this draft sends, if its operation has one.
    pub fn body_json(&self) -> Option<Value> {
        self.values.body_json(self.operation()?)
    }

    /// The text of the body input at `pointer` (`/userId`, `/traits/first_name`,
    /// `/people/0/email`), if the operation's body has an input there.
    pub fn input_mut(&mut self, pointer: &str) -> Option<&mut String> {
        let schema = &self.operation()?.body.as_ref()?.schema;
        self.values.body.input_at_mut(schema, pointer)
    }

    /// Replaces the body inputs with those that send `body`, keeping everything else.
    pub fn load_body(&mut self, body: &Value) {
        if let Some(request_body) = self.operation().and_then(|op| op.body.as_ref()) {
            self.values.body = FormValue::from_body(&request_body.schema, body);
        }
    }
}
