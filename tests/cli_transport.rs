//! The real binary's `send` against loopback servers: the answer size limit, redirects shown (and
//! followed only when asked, never carrying the token elsewhere), and bodies printed as they are.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::process::{Command, Output};

use serde_json::Value;
use support::{LoopbackServer, Reply};

const TOKEN: &str = "ws_test_cli_transport.0123456789abcdef";

/// `send` of a small body (on standard input) to `base_url`, with `extra` flags.
fn send(base_url: &str, extra: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flameup-explorer"))
        .env("FLAMEUP_API_TOKEN", TOKEN)
        // `send` records in the history: a scratch one, never the real home's.
        .env(
            "XDG_DATA_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/cli-data"),
        )
        .args(["send", "--body", "-", "--base-url", base_url])
        .args(extra)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(br#"{"userId": "u1"}"#).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn redirecting_to(status: u16, location: &str) -> LoopbackServer {
    LoopbackServer::start(Reply::Respond {
        status,
        headers: vec![("Location".into(), location.to_owned())],
        body: Vec::new(),
    })
}

fn authorization(server: &LoopbackServer) -> Option<String> {
    let request = server.requests().pop().unwrap();
    request
        .header_lines()
        .into_iter()
        .find(|line| line.to_lowercase().starts_with("authorization:"))
}

#[test]
fn an_answer_past_max_response_size_fails_as_too_large() {
    let server = LoopbackServer::start(Reply::json(200, &format!("\"{}\"", "x".repeat(5000))));
    let output = send(
        &server.base_url(),
        &["--max-response-size", "1KB", "--output", "json"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let error = &stdout_json(&output)["error"];
    assert_eq!(error["kind"], "too_large");
    assert!(error["message"].as_str().unwrap().contains("size limit"));
    let stderr = stderr(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("1.0 KB"), "{stderr}");

    let within = send(&server.base_url(), &["--max-response-size", "10KB"]);
    assert_eq!(within.status.code(), Some(0), "{}", self::stderr(&within));
}

#[test]
fn a_bad_max_response_size_is_a_usage_error() {
    let output = send(
        "http://127.0.0.1:9/api/v1",
        &["--max-response-size", "lots"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("KiB"), "{}", stderr(&output));
}

#[test]
fn a_redirect_to_another_host_exits_1_with_its_location_and_is_not_followed() {
    let elsewhere = LoopbackServer::start(Reply::json(201, r#"{"id":"p1"}"#));
    let location = format!("{}/people", elsewhere.base_url());
    let server = redirecting_to(302, &location);
    let output = send(&server.base_url(), &["--output", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let answer = stdout_json(&output);
    assert_eq!(answer["status"], 302);
    assert_eq!(answer["headers"]["location"], location.as_str());
    let stderr = stderr(&output);
    assert!(stderr.contains(&location), "{stderr}");
    assert!(stderr.contains("--follow"), "{stderr}");
    assert!(elsewhere.requests().is_empty(), "nothing was followed");
}

#[test]
fn a_307_is_shown_as_the_answer_not_as_a_failure() {
    let server = redirecting_to(307, "/api/v2/people");
    let output = send(&server.base_url(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("307 Temporary Redirect"), "{stdout}");
    assert!(stdout.contains("location: /api/v2/people"), "{stdout}");
}

#[test]
fn follow_keeps_method_and_body_for_307_and_withholds_the_token_from_another_port() {
    let elsewhere = LoopbackServer::start(Reply::json(201, r#"{"id":"p1"}"#));
    let server = redirecting_to(307, &format!("{}/people", elsewhere.base_url()));
    let output = send(&server.base_url(), &["--follow", "--output", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout_json(&output)["status"], 201);
    assert!(
        authorization(&server).unwrap().contains(TOKEN),
        "the user's own server gets the token"
    );
    let arrived = elsewhere.requests().pop().unwrap();
    assert!(arrived.text().starts_with("POST /api/v1/people "));
    let created = server.requests().pop().unwrap();
    assert_eq!(arrived.body(), created.body(), "the same body, again");
    assert_eq!(
        authorization(&elsewhere),
        None,
        "no token for another origin"
    );
    assert!(!arrived.text().contains(TOKEN));
    let stderr = stderr(&output);
    assert!(stderr.contains("without the token"), "{stderr}");
}

#[test]
fn follow_turns_a_303_into_a_get_without_body() {
    let elsewhere = LoopbackServer::start(Reply::json(200, r#"{"id":"p1"}"#));
    let server = redirecting_to(303, &format!("{}/people/p1", elsewhere.base_url()));
    let output = send(&server.base_url(), &["--follow"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let arrived = elsewhere.requests().pop().unwrap();
    assert!(arrived.text().starts_with("GET /api/v1/people/p1 "));
    assert!(arrived.body().is_empty());
}

#[test]
fn follow_stops_after_its_bound_and_the_last_redirect_is_the_answer() {
    let server = redirecting_to(302, "/again");
    let output = send(&server.base_url(), &["--follow"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        flameup_explorer::transport::redirect::MAX_FOLLOWED + 1
    );
    assert!(
        requests
            .iter()
            .all(|request| request.text().contains(TOKEN)),
        "the same origin keeps the token"
    );
    assert!(stderr(&output).contains("redirects were followed already"));
}

#[test]
fn a_json_answer_is_printed_as_serde_json_would_in_both_outputs() {
    let body = r#"{"id":"p1","n":[1.50,-0,1E5],"s":"\u00e9\/\n","empty":{},"none":[]}"#;
    let server = LoopbackServer::start(Reply::json(200, body));
    let value: Value = serde_json::from_str(body).unwrap();

    let pretty = send(&server.base_url(), &[]);
    let stdout = String::from_utf8(pretty.stdout).unwrap();
    // Status and headers, a blank line, the body, a blank line, the contract check.
    let (printed_body, verdict) = stdout
        .split_once("\n\n")
        .unwrap()
        .1
        .split_once("\n\nContract: ")
        .unwrap();
    assert_eq!(printed_body, serde_json::to_string_pretty(&value).unwrap());
    assert!(
        verdict.contains("undocumented_field at /n"),
        "the check names the field the docs do not list: {verdict}"
    );

    let json = send(&server.base_url(), &["--output", "json"]);
    let text = String::from_utf8(json.stdout.clone()).unwrap();
    assert!(text.contains(&format!(
        "\"body\":{},",
        serde_json::to_string(&value).unwrap()
    )));
    let answer = stdout_json(&json);
    assert_eq!(answer["body"], value);
    assert_eq!(answer["problem"], Value::Null);
    assert_eq!(
        answer.as_object().unwrap().keys().collect::<Vec<_>>(),
        [
            "status",
            "elapsed_ms",
            "headers",
            "body",
            "problem",
            "contract"
        ]
    );
}
