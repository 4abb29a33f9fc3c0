//! A local double of the Flameup People API: the create-person contract, the documented error
//! shapes and rate limit, and fault injection. It runs in-process for the window (on a free
//! loopback port) and standalone (`flameup-explorer sandbox`). People live in memory only.

mod connection;
pub mod person;
pub mod rate_limit;
pub mod rejection;
mod server;
pub mod settings;
mod store;

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

pub use server::Sandbox;
pub use settings::{
    DEFAULT_IDLE_TIMEOUT, DOCUMENTED_RATE_LIMIT, ErrorDialect, OnDuplicate, SandboxSettings,
};

/// The workspace a key-scoped create lands in: the sandbox has no real keys to derive one from.
pub const DEFAULT_WORKSPACE: &str = "ws_sandbox";

/// The token the window fills in when it opens on the sandbox with no token configured. Not a
/// secret: the sandbox accepts any non-empty bearer token unless told otherwise.
pub const SANDBOX_TOKEN: &str = "ws_test_sandbox.local";

/// Settings shared between the server and whoever changes them.
pub type SharedSettings = Arc<RwLock<SandboxSettings>>;

/// The base URL clients use for a sandbox listening on `addr`.
pub fn base_url(addr: SocketAddr) -> String {
    format!("http://{addr}/api/v1")
}
