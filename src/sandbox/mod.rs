//! A local double of the Flameup API, from the same contract as everything else: every
//! operation of `assets/flameup-openapi.json` routed by its method and path, its values checked
//! by the contract's own rules, its answers in the documented shapes; the documented error
//! dialects and rate limit, fault injection, and drifts from the contract on purpose. It runs
//! in-process for the window (on a free loopback port) and standalone (`flameup-explorer
//! sandbox`). Everything lives in memory only.

mod call;
mod campaigns;
mod connection;
mod devices;
mod document;
pub mod drift;
mod events;
mod instant;
mod messaging;
mod operations;
mod people;
pub mod person;
pub mod rate_limit;
pub mod rejection;
mod routing;
mod server;
pub mod settings;
mod store;

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, RwLock};

pub use drift::{Drift, DriftKind};
pub use server::Sandbox;
pub use settings::{
    DEFAULT_IDLE_TIMEOUT, DEFAULT_RATE_WINDOW_SECS, DOCUMENTED_RATE_LIMIT, ErrorDialect,
    OnDuplicate, RATE_WINDOW_SECS, SandboxSettings,
};

/// The sandbox's one workspace: key-scoped calls land in it (the sandbox has no real keys to
/// derive one from), and a workspace-scoped path naming another answers 404.
pub const DEFAULT_WORKSPACE: &str = "ws_sandbox";

/// The token the window fills in when it opens on the sandbox with no token configured. Not a
/// secret: the sandbox accepts any non-empty bearer token unless told otherwise.
pub const SANDBOX_TOKEN: &str = "ws_test_sandbox.local";

/// Settings shared between the server and whoever changes them.
pub type SharedSettings = Arc<RwLock<SandboxSettings>>;

/// The base URL clients use for a sandbox listening on `addr`.
pub fn base_url(addr: SocketAddr) -> String {
    format!("http://{addr}{}", base_path())
}

/// The path every operation is served under: the path of the contract's server URL (`/api/v1`),
/// so the sandbox's URLs differ from production's by scheme, host and port only.
pub fn base_path() -> &'static str {
    static BASE_PATH: LazyLock<String> = LazyLock::new(|| {
        crate::contract::embedded()
            .ok()
            .and_then(|contract| url::Url::parse(contract.server_url()).ok())
            .map(|url| url.path().trim_end_matches('/').to_owned())
            .unwrap_or_default()
    });
    &BASE_PATH
}
