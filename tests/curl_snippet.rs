//! The cURL preview is correct shell: run by bash (and dash) against a loopback server, it sends
//! the same method and request target, every header but the transport-level ones, and a
//! JSON-equal body (or none) as the app, for every request shape with every hostile text.

// Test code throughout, helpers and `mod support` included: a panic is the failure message.
// clippy.toml allows that in `#[test]` functions only, which leaves out the helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod drafts;
mod support;

use std::process::Command;

use flameup_explorer::model::{Credential, Draft, HttpRequest, build_request};
use flameup_explorer::snippet::{Target, is_transport_header, render};
use proptest::prelude::*;
use support::{LoopbackServer, Reply};

const TOKEN: &str = "ws_test_abc_123.0123456789abcdef";

/// Runs `snippet` with `shell` and returns the request that arrived.
fn run_snippet(shell: &str, snippet: &str, server: &LoopbackServer) -> support::Recorded {
    let before = server.requests().len();
    let output = Command::new(shell)
        .arg("-c")
        .arg(format!(
            "{snippet} --silent --show-error --output /dev/null"
        ))
        .env("FLAMEUP_API_TOKEN", TOKEN)
        .output()
        .expect("the shell runs");
    assert!(
        output.status.success(),
        "{shell} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let requests = server.requests();
    assert_eq!(requests.len(), before + 1, "exactly one request arrived");
    requests[before].clone()
}

fn assert_same_request(draft: &Draft, arrived: &support::Recorded) {
    let request = build_request(draft, None, &Credential::Token(TOKEN.into())).unwrap();
    let text = arrived.text();
    let request_line = text.lines().next().unwrap();
    assert_eq!(
        request_line,
        format!("{} {} HTTP/1.1", request.method, request.target())
    );
    assert_eq!(snippet_headers_of(arrived), request_headers_of(&request));
    if request.body.is_empty() {
        assert!(
            arrived.body().is_empty(),
            "no body when the request has none"
        );
    } else {
        let sent: serde_json::Value =
            serde_json::from_slice(arrived.body()).expect("the body is JSON");
        assert_eq!(sent, draft.body_json().unwrap());
    }
}

/// The headers that arrived, but the transport-level ones: lower-case names, sorted by name.
fn snippet_headers_of(arrived: &support::Recorded) -> Vec<(String, String)> {
    sorted_by_name(
        arrived
            .header_lines()
            .iter()
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
            .filter(|(name, _)| !is_transport_header(name))
            .collect(),
    )
}

/// The request's own headers, but the transport-level ones, sorted by name.
fn request_headers_of(request: &HttpRequest) -> Vec<(String, String)> {
    sorted_by_name(
        request
            .headers
            .iter()
            .filter(|(name, _)| !is_transport_header(name))
            .cloned()
            .collect(),
    )
}

/// Sorted by name only, so the values of a repeated name keep the order they were sent in.
fn sorted_by_name(mut headers: Vec<(String, String)>) -> Vec<(String, String)> {
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    headers
}

/// A workspace-scoped create-person draft with `text` in its path value and throughout its body.
fn draft_for(server: &LoopbackServer, text: &str) -> Draft {
    let workspace = format!("ws_{}", text.chars().take(40).collect::<String>());
    drafts::create_person(&server.base_url(), text, Some(&workspace))
}

/// A search with `text` in its path value and in every query value, and no body.
fn search_for(server: &LoopbackServer, text: &str) -> Draft {
    let workspace = format!("ws_{text}");
    drafts::operation_draft(
        &server.base_url(),
        "searchWorkspacePeople",
        &[("workspaceId", &workspace)],
        &[("q", text), ("email", text), ("external_id", text)],
    )
}

#[test]
fn hostile_drafts_survive_bash_and_dash() {
    let server = LoopbackServer::start(Reply::json(201, "{}"));
    let base_url = server.base_url();
    for (name, draft) in drafts::hostile_shapes(&base_url) {
        let snippet = render(
            Target::Curl,
            &build_request(&draft, None, &Credential::EnvVar).unwrap(),
        );
        assert!(!snippet.contains(TOKEN), "{name}");
        for shell in ["bash", "dash"] {
            let arrived = run_snippet(shell, &snippet, &server);
            assert_same_request(&draft, &arrived);
        }
    }
}

#[test]
fn an_inlined_token_with_shell_characters_still_arrives_intact() {
    let server = LoopbackServer::start(Reply::json(201, "{}"));
    let draft = draft_for(&server, "x");
    let token = r#"tok$HOME`id`'"!\"#;
    let snippet = render(
        Target::Curl,
        &build_request(&draft, None, &Credential::Token(token.into())).unwrap(),
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!("{snippet} --silent --output /dev/null"))
        .env_remove("FLAMEUP_API_TOKEN")
        .output()
        .unwrap();
    assert!(output.status.success());
    let arrived = server.requests().pop().unwrap();
    assert!(
        arrived
            .header_lines()
            .contains(&format!("Authorization: Bearer {token}"))
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_text_survives_bash(text in "\\PC{0,40}|[\\x01-\\x7f]{0,40}") {
        let server = LoopbackServer::start(Reply::json(201, "{}"));
        for draft in [draft_for(&server, &text), search_for(&server, &text)] {
            let request = build_request(&draft, None, &Credential::EnvVar).unwrap();
            let snippet = render(Target::Curl, &request);
            let arrived = run_snippet("bash", &snippet, &server);
            assert_same_request(&draft, &arrived);
        }
    }
}
