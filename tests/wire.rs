//! The real transport against a loopback server: what arrives equals the raw HTTP preview, byte
//! for byte and header for header, for drafts full of hostile strings.

// Test code throughout, helpers and `mod support` included: a panic is the failure message.
// clippy.toml allows that in `#[test]` functions only, which leaves out the helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod drafts;
mod support;

use std::time::Duration;

use flameup_explorer::model::{Credential, Draft, Environment, build_request};
use flameup_explorer::snippet::{Target, render};
use flameup_explorer::transport::{FailureKind, InFlight};
use support::{LoopbackServer, Reply};

const TOKEN: &str = "ws_test_abc_123.0123456789abcdef";

fn hostile_draft(server: &LoopbackServer, text: &str) -> Draft {
    drafts::create_person(&server.base_url(), text, None)
}

/// Sends `draft` with the app's transport and checks that what arrives is byte for byte its raw
/// HTTP preview, with one `content-type` and a body JSON-equal to the draft's, or neither when
/// the operation has no body.
fn arrives_as_previewed(server: &LoopbackServer, name: &str, draft: &Draft) {
    let request = build_request(draft, None, &Credential::Token(TOKEN.into())).unwrap();
    let preview = render(Target::Http, &request);
    let response = InFlight::start_and_wait(&request, Duration::from_secs(10)).unwrap();
    assert_eq!(response.status, 201, "{name}");

    let arrived = server.requests().pop().unwrap();
    assert_eq!(arrived.text(), preview, "{name}");
    assert_eq!(arrived.raw, preview.as_bytes(), "{name}");
    let content_types = arrived
        .header_lines()
        .iter()
        .filter(|line| line.to_lowercase().starts_with("content-type:"))
        .count();
    match draft.body_json() {
        Some(body) => {
            assert_eq!(content_types, 1, "{name}");
            let sent: serde_json::Value = serde_json::from_slice(arrived.body()).unwrap();
            assert_eq!(sent, body, "{name}");
        }
        None => {
            assert_eq!(content_types, 0, "{name}");
            assert!(arrived.body().is_empty(), "{name}");
        }
    }
}

#[test]
fn what_arrives_is_byte_for_byte_the_raw_http_preview() {
    let server = LoopbackServer::start(Reply::json(201, r#"{"id": "x"}"#));
    for (name, draft) in drafts::hostile_shapes(&server.base_url()) {
        arrives_as_previewed(&server, &name, &draft);
    }
}

#[test]
fn every_operation_arrives_as_previewed() {
    let server = LoopbackServer::start(Reply::json(201, "{}"));
    for (name, draft) in drafts::every_operation(&server.base_url()) {
        arrives_as_previewed(&server, &name, &draft);
    }
}

#[test]
fn the_preview_names_the_variable_where_the_wire_has_the_token() {
    let server = LoopbackServer::start(Reply::json(200, "{}"));
    let draft = hostile_draft(&server, "plain");
    let preview = render(
        Target::Http,
        &build_request(&draft, None, &Credential::EnvVar).unwrap(),
    );
    let request = build_request(&draft, None, &Credential::Token(TOKEN.into())).unwrap();
    InFlight::start_and_wait(&request, Duration::from_secs(10)).unwrap();
    let arrived = server.requests().pop().unwrap().text();
    assert!(preview.contains("authorization: Bearer $FLAMEUP_API_TOKEN\r\n"));
    assert!(!preview.contains(TOKEN));
    assert_eq!(arrived, preview.replace("$FLAMEUP_API_TOKEN", TOKEN));
}

#[test]
fn a_server_that_never_answers_ends_at_the_deadline() {
    let server = LoopbackServer::start(Reply::Never);
    let request = build_request(
        &hostile_draft(&server, "x"),
        None,
        &Credential::Token(TOKEN.into()),
    )
    .unwrap();
    let error = InFlight::start_and_wait(&request, Duration::from_millis(300)).unwrap_err();
    assert_eq!(error.kind, FailureKind::Timeout, "{error}");
    // The server read the whole request, so the deadline, not a failed send, ended the wait.
    let arrived = server.requests();
    assert_eq!(arrived.len(), 1, "the request did reach the server");
    assert_eq!(arrived[0].body(), request.body.as_slice());
}

#[test]
fn a_refused_connection_is_reported_as_refused() {
    // Bind, note the port, and close it again: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let draft = Draft {
        environment: Environment::Custom,
        custom_base_url: format!("http://127.0.0.1:{port}/api/v1"),
        ..Draft::docs_example()
    };
    let request = build_request(&draft, None, &Credential::Token(TOKEN.into())).unwrap();
    let error = InFlight::start_and_wait(&request, Duration::from_secs(10)).unwrap_err();
    assert_eq!(error.kind, FailureKind::Refused, "{error}");
}

#[test]
fn an_unknown_host_is_reported_as_dns() {
    let draft = Draft {
        environment: Environment::Custom,
        custom_base_url: "http://no-such-host.invalid/api/v1".into(),
        ..Draft::docs_example()
    };
    let request = build_request(&draft, None, &Credential::Token(TOKEN.into())).unwrap();
    let error = InFlight::start_and_wait(&request, Duration::from_secs(10)).unwrap_err();
    assert_eq!(error.kind, FailureKind::Dns, "{error}");
}

#[test]
fn a_server_that_is_not_http_is_an_invalid_response() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\r\ngarbage garbage\r\n\r\n");
        }
    });
    let draft = Draft {
        environment: Environment::Custom,
        custom_base_url: format!("http://{addr}/api/v1"),
        ..Draft::docs_example()
    };
    let request = build_request(&draft, None, &Credential::Token(TOKEN.into())).unwrap();
    let error = InFlight::start_and_wait(&request, Duration::from_secs(10)).unwrap_err();
    assert_eq!(error.kind, FailureKind::InvalidResponse, "{error}");
}
