//! A local double of the Flameup People API: the create-person contract, the documented error
//! shapes and rate limit, and fault injection. It runs in-process for the window (on a free
//! loopback port) and standalone (`flameup-explorer sandbox`). People live in memory only.

pub mod rules;
mod server;
mod store;

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};

pub use rules::{ErrorDialect, OnDuplicate};
pub use server::Sandbox;

/// The workspace a key-scoped create lands in: the sandbox has no real keys to derive one from.
pub const DEFAULT_WORKSPACE: &str = "ws_sandbox";

/// The token the window fills in when it opens on the sandbox with no token configured. Not a
/// secret: the sandbox accepts any non-empty bearer token unless told otherwise.
pub const SANDBOX_TOKEN: &str = "ws_test_sandbox.local";

/// The documented limit: 120 requests a minute per API key.
pub const DOCUMENTED_RATE_LIMIT: u32 = 120;

/// How the sandbox behaves. Changes apply to the next request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SandboxSettings {
    pub errors: ErrorDialect,
    pub on_duplicate: OnDuplicate,
    /// Requests a minute per key; `None` turns the limit off.
    pub rate_limit: Option<u32>,
    /// Added before every answer.
    pub latency_ms: u64,
    /// The share of requests (0 to 1) that get a simulated 500.
    pub fail_rate: f64,
    /// Accept connections and never answer.
    pub hang: bool,
    /// When set, only this exact bearer token is accepted. Never persisted.
    #[serde(skip)]
    pub required_token: Option<String>,
}

impl Default for SandboxSettings {
    fn default() -> Self {
        Self {
            errors: ErrorDialect::default(),
            on_duplicate: OnDuplicate::default(),
            rate_limit: Some(DOCUMENTED_RATE_LIMIT),
            latency_ms: 0,
            fail_rate: 0.0,
            hang: false,
            required_token: None,
        }
    }
}

/// Settings shared between the server and whoever changes them.
pub type SharedSettings = Arc<RwLock<SandboxSettings>>;

/// The base URL clients use for a sandbox listening on `addr`.
pub fn base_url(addr: SocketAddr) -> String {
    format!("http://{addr}/api/v1")
}
