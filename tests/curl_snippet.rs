//! The cURL preview is correct shell: run by bash (and dash) against a loopback server, it sends the
//! same method, path, Content-Type, Authorization and a JSON-equal body as the app.

mod support;

use std::process::Command;

use flameup_explorer::model::{
    Credential, Draft, Environment, FieldRow, PathStyle, ValueKind, build_request,
};
use flameup_explorer::snippet::{Target, render};
use proptest::prelude::*;
use support::{LoopbackServer, Reply, hostile_strings};

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
    assert_eq!(request_line, format!("POST {} HTTP/1.1", request.target()));
    let headers: Vec<String> = arrived
        .header_lines()
        .iter()
        .map(|line| line.to_lowercase())
        .collect();
    let content_types: Vec<_> = headers
        .iter()
        .filter(|line| line.starts_with("content-type:"))
        .collect();
    assert_eq!(content_types, ["content-type: application/json"]);
    let authorizations: Vec<_> = arrived
        .header_lines()
        .into_iter()
        .filter(|line| line.to_lowercase().starts_with("authorization:"))
        .collect();
    assert_eq!(authorizations, [format!("Authorization: Bearer {TOKEN}")]);
    let sent: serde_json::Value = serde_json::from_slice(arrived.body()).expect("the body is JSON");
    let expected: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(sent, expected);
}

fn draft_for(server: &LoopbackServer, text: &str) -> Draft {
    Draft {
        environment: Environment::Custom,
        custom_base_url: server.base_url(),
        path_style: PathStyle::WorkspaceScoped,
        workspace_id: format!("ws_{}", text.chars().take(40).collect::<String>()),
        user_id: text.to_owned(),
        email: text.to_owned(),
        traits: std::array::from_fn(|_| text.to_owned()),
        custom_traits: vec![
            FieldRow::new(text, ValueKind::String, text),
            FieldRow::new(
                "deep",
                ValueKind::Json,
                r#"[{"a": {"b": [1.5, true, null, "'$`"]}}]"#,
            ),
        ],
        ..Draft::default()
    }
}

#[test]
fn hostile_drafts_survive_bash_and_dash() {
    let server = LoopbackServer::start(Reply::json(201, "{}"));
    for text in hostile_strings() {
        let draft = draft_for(&server, &text);
        let snippet = render(
            Target::Curl,
            &build_request(&draft, None, &Credential::EnvVar).unwrap(),
        );
        assert!(!snippet.contains(TOKEN));
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
        let draft = draft_for(&server, &text);
        let snippet = render(Target::Curl, &build_request(&draft, None, &Credential::EnvVar).unwrap());
        let arrived = run_snippet("bash", &snippet, &server);
        assert_same_request(&draft, &arrived);
    }
}
