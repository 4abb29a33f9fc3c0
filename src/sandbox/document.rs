//! The contract as the sandbox serves it at `GET {base}/openapi.json`: the embedded document with
//! its servers replaced by the sandbox's own base URL, so a tool pointed at it (Schemathesis,
//! Swagger UI, a client generator) calls the sandbox.

use std::net::SocketAddr;
use std::sync::LazyLock;

use serde_json::{Value, json};

use super::base_path;

/// The embedded document, parsed once.
static DOCUMENT: LazyLock<Option<Value>> =
    LazyLock::new(|| serde_json::from_str(crate::contract::DOCUMENT).ok());

/// The document with `servers: [{"url": base_url}]`, pretty-printed; `None` only for a broken
/// build (a test proves the embedded document parses).
pub fn served(base_url: &str) -> Option<String> {
    let mut document = DOCUMENT.clone()?;
    document
        .as_object_mut()?
        .insert("servers".to_owned(), json!([{ "url": base_url }]));
    serde_json::to_string_pretty(&document).ok()
}

/// The sandbox's base URL as the client reached it: the address it listens on, or, when it
/// listens on every interface (which is no address to call), the `Host` the client used.
pub fn own_base_url(local: SocketAddr, host: Option<&str>) -> String {
    let authority = match host {
        Some(host) if local.ip().is_unspecified() && is_authority(host) => host.to_owned(),
        _ => local.to_string(),
    };
    format!("http://{authority}{}", base_path())
}

/// A host and optional port, with nothing that would change the URL around it.
fn is_authority(host: &str) -> bool {
    !host.is_empty()
        && host
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b".-_:[]".contains(&byte))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use super::*;

    #[test]
    fn the_served_document_is_the_contract_with_the_sandbox_as_its_server() {
        let served: Value =
            serde_json::from_str(&served("http://127.0.0.1:1/api/v1").unwrap()).unwrap();
        assert_eq!(
            served["servers"],
            json!([{"url": "http://127.0.0.1:1/api/v1"}])
        );
        let mut original: Value = serde_json::from_str(crate::contract::DOCUMENT).unwrap();
        original["servers"] = served["servers"].clone();
        assert_eq!(served, original);
    }

    #[test]
    fn the_base_url_is_the_listening_address_unless_that_is_every_interface() {
        let local: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert_eq!(
            own_base_url(local, Some("evil.example/x?")),
            "http://127.0.0.1:8080/api/v1"
        );
        let everywhere: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(
            own_base_url(everywhere, Some("192.168.1.20:8080")),
            "http://192.168.1.20:8080/api/v1"
        );
        assert_eq!(
            own_base_url(everywhere, Some("a/b")),
            "http://0.0.0.0:8080/api/v1"
        );
    }
}
