//! The real binary's command line, against a loopback server.

// Helpers of tests (and the test support module) fail by panicking: the panic is the failure
// message. clippy's allow-*-in-tests covers only #[test] functions, not their helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use support::scratch::{Scratch, run_with_stdin};
use support::{LoopbackServer, Reply};

const TOKEN: &str = "ws_test_cli.0123456789abcdef";

/// The base URL a `sandbox` command prints on its first line, and the rest of its output.
fn announced_base_url(
    sandbox: &mut std::process::Child,
) -> (String, std::io::BufReader<std::process::ChildStdout>) {
    use std::io::BufRead as _;
    let mut stdout = std::io::BufReader::new(sandbox.stdout.take().unwrap());
    let mut first_line = String::new();
    stdout.read_line(&mut first_line).unwrap();
    let base_url = first_line
        .trim()
        .strip_prefix("Flameup sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first_line}"))
        .to_owned();
    (base_url, stdout)
}

fn explorer() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flameup-explorer"));
    command.env("FLAMEUP_API_TOKEN", TOKEN);
    // `send` records in the history: a scratch one, never the real home's.
    command.env(
        "XDG_DATA_HOME",
        concat!(env!("CARGO_TARGET_TMPDIR"), "/cli-data"),
    );
    command
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn send_keeps_every_field_of_the_file_and_prints_json() {
    let server = LoopbackServer::start(Reply::json(201, r#"{"id":"p1","external_id":"u1"}"#));
    let dir = Scratch::new("send");
    let file = json!({
        "anonymousId": "anon",
        "userId": "u1",
        "email": "",
        "traits": {"plan": "pro", "seats": 3, "first_name": "Ada", "tags": ["a", {"b": null}]},
        "custom": {"nested": true}
    });
    let path = dir.file("body.json", file.to_string());
    let output = explorer()
        .args([
            "send",
            "--output",
            "json",
            "--base-url",
            &server.base_url(),
            "--body",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let printed = stdout_json(&output);
    assert_eq!(printed["status"], 201);
    assert!(printed["elapsed_ms"].is_u64());
    assert_eq!(printed["headers"]["content-type"], "application/json");
    assert_eq!(printed["body"], json!({"id": "p1", "external_id": "u1"}));
    assert_eq!(printed["problem"], Value::Null);

    let arrived = server.requests().pop().unwrap();
    let sent: Value = serde_json::from_slice(arrived.body()).unwrap();
    assert_eq!(sent, file, "the body sent is JSON-equal to the file");
    assert!(
        arrived
            .text()
            .starts_with("POST /api/v1/people HTTP/1.1\r\n")
    );
    assert!(
        arrived
            .header_lines()
            .contains(&format!("authorization: Bearer {TOKEN}"))
    );
}

#[test]
fn send_reads_the_body_from_stdin_and_uses_the_workspace_path() {
    let server = LoopbackServer::start(Reply::json(200, "{}"));
    let output = run_with_stdin(
        explorer().args([
            "send",
            "--body",
            "-",
            "--workspace",
            "ws_abc123",
            "--base-url",
            &server.base_url(),
        ]),
        br#"{"userId": "from-stdin"}"#,
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let arrived = server.requests().pop().unwrap();
    assert!(
        arrived
            .text()
            .starts_with("POST /api/v1/workspaces/ws_abc123/people HTTP/1.1\r\n")
    );
    assert_eq!(
        serde_json::from_slice::<Value>(arrived.body()).unwrap(),
        json!({"userId": "from-stdin"})
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("200 OK · "), "{stdout}");
}

#[test]
fn an_error_status_exits_1_with_the_body_as_a_string_when_not_json() {
    let server = LoopbackServer::start(Reply::Respond {
        status: 502,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: b"<html><title>Bad Gateway</title></html>".to_vec(),
    });
    let dir = Scratch::new("502");
    let path = dir.file("body.json", r#"{"userId": "u"}"#);
    let output = explorer()
        .args([
            "send",
            "--output",
            "json",
            "--base-url",
            &server.base_url(),
            "--body",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let printed = stdout_json(&output);
    assert_eq!(printed["status"], 502);
    assert_eq!(printed["body"], "<html><title>Bad Gateway</title></html>");
    assert_eq!(printed["problem"]["title"], "Bad Gateway");
    assert_eq!(
        printed["problem"]["message"],
        "The server answered 502 with an HTML page titled 'Bad Gateway'."
    );
}

/// Runs a command that must fail with exit code 2 and one line on stderr; returns that line.
fn fails_with_2(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(!stderr.contains(TOKEN));
    stderr
}

#[test]
fn usage_file_and_transport_errors_exit_2_with_one_line() {
    let dir = Scratch::new("errors");
    let good = dir.file("body.json", r#"{"userId": "u"}"#);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = format!("http://127.0.0.1:{port}/api/v1");

    let line = fails_with_2(
        explorer()
            .args(["send", "--base-url", &refused, "--body"])
            .arg(&good),
    );
    assert!(line.contains("refused the connection"), "{line}");

    let line = fails_with_2(explorer().args(["send", "--body", "/no/such/file.json"]));
    assert!(line.contains("/no/such/file.json does not exist"), "{line}");

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"userId\": ").unwrap();
    let line = fails_with_2(explorer().args(["send", "--body"]).arg(&broken));
    assert!(line.contains("is not valid JSON"), "{line}");

    let array = dir.path().join("array.json");
    std::fs::write(&array, "[1, 2]").unwrap();
    let line = fails_with_2(explorer().args(["preview", "--body"]).arg(&array));
    assert!(line.contains("must hold a JSON object"), "{line}");

    let line = fails_with_2(
        explorer()
            .args(["send", "--base-url", "localhost:1", "--body"])
            .arg(&good),
    );
    assert!(line.contains("needs a scheme"), "{line}");

    let line = fails_with_2(
        explorer()
            .env_remove("FLAMEUP_API_TOKEN")
            .args(["send", "--body"])
            .arg(&good),
    );
    assert!(line.contains("FLAMEUP_API_TOKEN is not set"), "{line}");

    let line = fails_with_2(
        explorer()
            .args(["send", "--timeout", "0", "--body"])
            .arg(&good),
    );
    assert!(line.contains("--timeout"), "{line}");

    let line = fails_with_2(
        explorer()
            .args(["send", "--token", "x", "--body"])
            .arg(&good),
    );
    assert!(
        line.contains("unexpected argument '--token'"),
        "there is no token flag: {line}"
    );
    let line = fails_with_2(explorer().args(["send"]));
    assert_eq!(
        line.trim_end(),
        "flameup-explorer: createPerson needs a body: give --body FILE or --preset NAME"
    );
}

#[test]
fn an_endless_body_stops_at_the_limit_with_a_message() {
    let line = fails_with_2(explorer().args(["preview", "--body", "/dev/zero"]));
    assert_eq!(
        line.trim_end(),
        "flameup-explorer: /dev/zero is larger than 32.0 MB, the most a body file may hold"
    );
}

#[test]
fn an_oversized_body_file_is_refused() {
    let dir = Scratch::new("oversized");
    let path = dir.path().join("huge.json");
    // A sparse file: 33 MB long without writing 33 MB.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(33_000_000).unwrap();
    let line = fails_with_2(explorer().args(["preview", "--body"]).arg(&path));
    assert!(
        line.contains("is larger than 32.0 MB, the most a body file may hold"),
        "{line}"
    );
}

#[test]
fn body_file_messages_say_what_is_wrong_and_where() {
    let dir = Scratch::new("body-messages");
    let not_utf8 = dir.path().join("latin1.json");
    std::fs::write(&not_utf8, b"{\"userId\": \"Jos\xe9\"}").unwrap();
    let line = fails_with_2(explorer().args(["preview", "--body"]).arg(&not_utf8));
    assert!(line.contains("is not UTF-8 text"), "{line}");

    let malformed = dir.path().join("malformed.json");
    std::fs::write(&malformed, "{\n  \"userId\": \"u\",\n}").unwrap();
    let line = fails_with_2(explorer().args(["preview", "--body"]).arg(&malformed));
    assert!(
        line.contains("is not valid JSON at line 3, column 1"),
        "{line}"
    );

    let deep = dir.path().join("deep.json");
    let nested = format!("{{\"traits\": {}{}}}", "[".repeat(300), "]".repeat(300));
    std::fs::write(&deep, nested).unwrap();
    let line = fails_with_2(explorer().args(["preview", "--body"]).arg(&deep));
    assert!(line.contains("at most 128 levels are allowed"), "{line}");
}

/// Runs `command` with its standard output a pipe whose reader has already gone, as with
/// `| head -1` once head has its line: every write fails with a broken pipe.
fn into_a_closed_pipe(command: &mut Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    command.stdout(writer).stderr(Stdio::piped());
    command.output().unwrap()
}

#[test]
fn output_into_a_closed_pipe_stops_quietly_with_the_deserved_code() {
    let dir = Scratch::new("pipe");
    let good = dir.file("body.json", r#"{"userId": "u"}"#);
    let preview = into_a_closed_pipe(explorer().args(["preview", "--body"]).arg(&good));
    assert_eq!(preview.status.code(), Some(0), "{preview:?}");
    assert!(preview.stderr.is_empty(), "{preview:?}");

    let server = LoopbackServer::start(Reply::json(404, r#"{"error":"Not Found"}"#));
    let send = into_a_closed_pipe(
        explorer()
            .args(["send", "--base-url", &server.base_url(), "--body"])
            .arg(&good),
    );
    assert_eq!(send.status.code(), Some(1), "a 404 answer: {send:?}");
    assert!(send.stderr.is_empty(), "{send:?}");

    let listed = into_a_closed_pipe(explorer().args(["--help"]));
    assert_eq!(listed.status.code(), Some(0), "{listed:?}");
}

#[test]
fn a_sandbox_on_every_interface_warns_and_prints_a_usable_url() {
    let mut sandbox = explorer()
        .args(["sandbox", "--port", "0", "--bind", "0.0.0.0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (base_url, _stdout) = announced_base_url(&mut sandbox);
    let interrupted = Command::new("kill")
        .args(["-INT", &sandbox.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let output = sandbox.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let address = base_url
        .strip_prefix("http://")
        .and_then(|rest| rest.strip_suffix("/api/v1"))
        .unwrap_or_else(|| panic!("{base_url}"));
    let address: std::net::SocketAddr = address.parse().unwrap();
    assert!(
        address.ip().is_loopback(),
        "a URL this machine can use: {base_url}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning") && stderr.contains("reachable from other machines"),
        "{stderr}"
    );
}

#[test]
fn a_base_url_without_a_host_or_with_port_0_is_refused() {
    let dir = Scratch::new("base-url");
    let good = dir.file("body.json", r#"{"userId": "u"}"#);
    let line = fails_with_2(
        explorer()
            .args(["preview", "--base-url", "http:///api", "--body"])
            .arg(&good),
    );
    assert!(line.contains("has no host"), "{line}");
    let line = fails_with_2(
        explorer()
            .args([
                "preview",
                "--base-url",
                "http://127.0.0.1:0/api/v1",
                "--body",
            ])
            .arg(&good),
    );
    assert!(line.contains("port 0"), "{line}");
}

#[test]
fn timeout_and_token_messages_say_what_is_allowed() {
    let dir = Scratch::new("messages");
    let good = dir.file("body.json", r#"{"userId": "u"}"#);
    for timeout in ["1e20", "0", "-1", "NaN"] {
        let line = fails_with_2(
            explorer()
                .args(["send", &format!("--timeout={timeout}"), "--body"])
                .arg(&good),
        );
        assert!(
            line.contains("--timeout must be more than 0 and at most 86400 seconds"),
            "{timeout}: {line}"
        );
    }
    let line = fails_with_2(
        explorer()
            .args(["send", "--timeout=1e-300", "--body"])
            .arg(&good),
    );
    assert!(
        line.trim_end().ends_with("not 1e-300"),
        "short, not 300 digits: {line}"
    );
    let line = fails_with_2(
        explorer()
            .env("FLAMEUP_API_TOKEN", "  ")
            .args(["send", "--body"])
            .arg(&good),
    );
    assert!(
        line.contains("FLAMEUP_API_TOKEN is set but blank"),
        "{line}"
    );
}

#[test]
fn send_ends_at_the_timeout_when_the_server_never_answers() {
    let server = LoopbackServer::start(Reply::Never);
    let dir = Scratch::new("never");
    let path = dir.file("body.json", r#"{"userId": "u"}"#);
    let line = fails_with_2(
        explorer()
            .args([
                "send",
                "--timeout",
                "0.5",
                "--base-url",
                &server.base_url(),
                "--body",
            ])
            .arg(&path),
    );
    assert!(
        line.contains("No answer came back before the deadline"),
        "{line}"
    );
}

#[test]
fn preview_prints_each_target_with_the_token_as_a_reference() {
    let dir = Scratch::new("preview");
    let path = dir.file("body.json", r#"{"userId": "it's $me"}"#);
    let output = explorer()
        .args(["preview", "--body"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let curl = String::from_utf8(output.stdout).unwrap();
    assert!(
        curl.starts_with("curl -X POST \"https://api.flameup.ai/api/v1/people\""),
        "{curl}"
    );
    assert!(curl.contains(r#""userId": "it'\''s $me""#), "{curl}");
    assert!(!curl.contains(TOKEN));

    let output = explorer()
        .args([
            "preview",
            "--target",
            "http",
            "--base-url",
            "http://127.0.0.1:8080/api/v1",
            "--body",
        ])
        .arg(&path)
        .output()
        .unwrap();
    let http = String::from_utf8(output.stdout).unwrap();
    assert!(
        http.starts_with("POST /api/v1/people HTTP/1.1\r\ncontent-length: "),
        "{http}"
    );
    assert!(http.contains("authorization: Bearer $FLAMEUP_API_TOKEN\r\n"));
    assert!(!http.contains(TOKEN));
}

#[test]
fn the_standalone_sandbox_serves_send_and_stops_on_ctrl_c() {
    let mut sandbox = explorer()
        .args([
            "sandbox",
            "--port",
            "0",
            "--on-duplicate",
            "conflict",
            "--errors",
            "validation422",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (base_url, mut stdout) = announced_base_url(&mut sandbox);
    assert!(
        base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/api/v1"),
        "{base_url}"
    );

    let dir = Scratch::new("standalone");
    let path = dir.file(
        "body.json",
        r#"{"userId": "cli-user", "traits": {"plan": "pro"}}"#,
    );
    let send = |path: &std::path::Path| {
        explorer()
            .args([
                "send",
                "--output",
                "json",
                "--base-url",
                &base_url,
                "--body",
            ])
            .arg(path)
            .output()
            .unwrap()
    };
    let created = send(&path);
    assert_eq!(
        created.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let printed = stdout_json(&created);
    assert_eq!(printed["status"], 201);
    assert_eq!(printed["body"]["attributes"], json!({"plan": "pro"}));
    assert_eq!(printed["headers"]["x-ratelimit-limit"], "120");
    let again = send(&path);
    assert_eq!(again.status.code(), Some(1));
    let printed = stdout_json(&again);
    assert_eq!(printed["status"], 409);
    let request_id = printed["headers"]["x-request-id"].as_str().unwrap();
    assert!(request_id.starts_with("req_"));
    // In this dialect only a validation error carries details: a conflict takes the errors
    // page's coded shape, which names no field.
    assert_eq!(
        printed["problem"],
        json!({"title": "Conflict", "message": "A person with this userId already exists",
               "code": "conflict", "request_id": request_id, "fields": {}})
    );

    let interrupted = Command::new("kill")
        .args(["-INT", &sandbox.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let status = sandbox.wait().unwrap();
    assert_eq!(status.code(), Some(0), "Ctrl+C stops it cleanly");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert!(rest.contains("Sandbox stopped."), "{rest}");
}

#[test]
fn the_standalone_sandbox_rejects_bad_flags() {
    let line = fails_with_2(explorer().args(["sandbox", "--rate-limit", "fast"]));
    assert!(line.contains("or `off`"), "{line}");
    let line = fails_with_2(explorer().args(["sandbox", "--fail-rate", "2"]));
    assert!(line.contains("from 0 to 1"), "{line}");
    let line = fails_with_2(
        explorer()
            .env_remove("FLAMEUP_API_TOKEN")
            .args(["sandbox", "--require-token"]),
    );
    assert!(line.contains("--require-token needs the token"), "{line}");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let line = fails_with_2(explorer().args(["sandbox", "--port", &port]));
    assert!(line.contains("cannot listen on 127.0.0.1:"), "{line}");
}

#[test]
fn a_transport_failure_prints_a_json_error_with_output_json() {
    let dir = Scratch::new("json-refused");
    let path = dir.file("body.json", r#"{"userId": "u"}"#);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = explorer()
        .args([
            "send",
            "--output",
            "json",
            "--base-url",
            &format!("http://127.0.0.1:{port}/api/v1"),
            "--body",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let printed = stdout_json(&output);
    assert_eq!(printed["error"]["kind"], "refused");
    assert!(
        printed["error"]["message"]
            .as_str()
            .unwrap()
            .contains("refused the connection")
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1);
}

#[test]
fn a_workspace_of_dot_segments_is_refused_not_normalised_away() {
    let dir = Scratch::new("dot-segments");
    let path = dir.file("body.json", r#"{"userId": "u"}"#);
    for dots in ["..", "."] {
        let line = fails_with_2(
            explorer()
                .args([
                    "preview",
                    "--target",
                    "http",
                    "--base-url",
                    "http://127.0.0.1:8080/api/v1",
                    "--workspace",
                    dots,
                    "--body",
                ])
                .arg(&path),
        );
        assert!(
            line.contains(&format!("workspaceId cannot be \"{dots}\"")),
            "{line}"
        );
    }
    let output = explorer()
        .args([
            "preview",
            "--target",
            "http",
            "--base-url",
            "http://127.0.0.1:8080/api/v1",
            "--workspace",
            "...",
            "--body",
        ])
        .arg(&path)
        .output()
        .unwrap();
    let http = String::from_utf8(output.stdout).unwrap();
    assert!(
        http.starts_with("POST /api/v1/workspaces/.../people HTTP/1.1\r\n"),
        "{http}"
    );
}

/// `send` of `words` to `server` with the JSON output; the answer's exit code must be 0.
fn send_to(server: &LoopbackServer, words: &[&str]) -> Value {
    let output = explorer()
        .args(["send", "--output", "json", "--base-url", &server.base_url()])
        .args(words)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout_json(&output)
}

/// The request line and headers of the one request `server` received, and its body.
fn the_request(server: &LoopbackServer) -> (String, Vec<String>, Vec<u8>) {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request");
    let request = &requests[0];
    let text = request.text();
    let request_line = text.split("\r\n").next().unwrap().to_owned();
    (
        request_line,
        request.header_lines(),
        request.body().to_vec(),
    )
}

#[test]
fn operations_lists_every_operation_of_the_contract() {
    let contract = flameup_explorer::contract::embedded().unwrap();
    let output = explorer()
        .args(["operations", "--output", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let listed = stdout_json(&output);
    let expected: Vec<Value> = contract
        .operations()
        .iter()
        .map(|operation| {
            json!({"operationId": operation.id, "method": operation.method.as_str(),
                   "path": operation.path, "summary": operation.summary})
        })
        .collect();
    assert_eq!(listed, Value::Array(expected));
    assert_eq!(listed.as_array().unwrap().len(), 22);
    assert!(
        listed
            .as_array()
            .unwrap()
            .contains(&json!({"operationId": "getPerson",
            "method": "GET", "path": "/people/{id}", "summary": "Get person"})),
        "{listed}"
    );

    let output = explorer().arg("operations").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let pretty = String::from_utf8(output.stdout).unwrap();
    for group in ["People", "Events", "Devices", "Messaging", "Campaigns"] {
        assert!(
            pretty.lines().any(|line| line == group),
            "{group}: {pretty}"
        );
    }
    for operation in contract.operations() {
        let line = pretty
            .lines()
            .find(|line| line.split_whitespace().next() == Some(operation.id.as_str()))
            .unwrap_or_else(|| panic!("{} listed: {pretty}", operation.id));
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[1..3], [operation.method.as_str(), &operation.path]);
    }
}

#[test]
fn send_get_person_puts_the_id_in_the_path_as_one_segment() {
    let server = LoopbackServer::start(Reply::json(200, r#"{"id":"p1"}"#));
    let printed = send_to(&server, &["getPerson", "--path", "id=a/b?c#d e%é@x"]);
    assert_eq!(printed["body"], json!({"id": "p1"}));
    let (request_line, headers, body) = the_request(&server);
    assert_eq!(
        request_line,
        "GET /api/v1/people/a%2Fb%3Fc%23d%20e%25%C3%A9@x HTTP/1.1"
    );
    assert!(body.is_empty(), "a GET carries no body");
    assert!(
        !headers
            .iter()
            .any(|line| line.to_lowercase().starts_with("content-type:")),
        "{headers:?}"
    );
    assert!(headers.contains(&format!("authorization: Bearer {TOKEN}")));
}

#[test]
fn any_path_value_arrives_as_the_one_segment_it_was() {
    for value in support::hostile_strings() {
        let server = LoopbackServer::start(Reply::json(200, "{}"));
        send_to(&server, &["getPerson", "--path", &format!("id={value}")]);
        let (request_line, _, _) = the_request(&server);
        let target = request_line
            .strip_prefix("GET /api/v1/people/")
            .and_then(|rest| rest.strip_suffix(" HTTP/1.1"))
            .unwrap_or_else(|| panic!("{request_line}"));
        assert!(
            !target.contains(['/', '?', '#', ' ']),
            "one segment: {target}"
        );
        let decoded = percent_encoding::percent_decode_str(target)
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, value, "byte for byte");
    }
}

#[test]
fn list_people_sends_the_query_in_the_contracts_order() {
    let server = LoopbackServer::start(Reply::json(200, r#"{"people":[]}"#));
    send_to(
        &server,
        &[
            "listPeople",
            "--query",
            "search=a b",
            "--query",
            "status=active",
            "--query",
            "limit=5",
            "--query",
            "offset=",
        ],
    );
    let (request_line, headers, body) = the_request(&server);
    assert_eq!(
        request_line, "GET /api/v1/people?limit=5&status=active&search=a%20b HTTP/1.1",
        "as the contract lists them (neither as typed nor alphabetical); an empty value is left out"
    );
    assert!(body.is_empty());
    assert!(
        !headers
            .iter()
            .any(|line| line.to_lowercase().starts_with("content-type:"))
    );
}

#[test]
fn delete_person_sends_no_body_and_no_content_type() {
    let server = LoopbackServer::start(Reply::Respond {
        status: 204,
        headers: Vec::new(),
        body: Vec::new(),
    });
    send_to(&server, &["deletePerson", "--path", "id=u1"]);
    let (request_line, headers, body) = the_request(&server);
    assert_eq!(request_line, "DELETE /api/v1/people/u1 HTTP/1.1");
    assert!(body.is_empty());
    assert!(
        !headers
            .iter()
            .any(|line| line.to_lowercase().starts_with("content-type:")),
        "{headers:?}"
    );
}

#[test]
fn batch_people_sends_each_person_of_the_file_as_an_item() {
    let server = LoopbackServer::start(Reply::json(200, r#"{"created":3}"#));
    let dir = Scratch::new("batch");
    let people = json!({"people": [
        {"userId": "a", "email": "a@example.com"},
        {"userId": "b", "traits": {"plan": "pro", "seats": 3}},
        {"userId": "c", "phone": "+1", "custom": [1, {"x": null}]}
    ]});
    let path = dir.file("body.json", people.to_string());
    send_to(&server, &["batchPeople", "--body", path.to_str().unwrap()]);
    let (request_line, headers, body) = the_request(&server);
    assert_eq!(request_line, "POST /api/v1/people/batch HTTP/1.1");
    assert!(headers.contains(&"content-type: application/json".to_owned()));
    let sent: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(sent["people"].as_array().unwrap().len(), 3);
    assert_eq!(sent, people, "JSON-equal to the file");
}

#[test]
fn the_workspace_fills_workspace_id_of_any_operation_that_has_it() {
    let server = LoopbackServer::start(Reply::json(200, r#"{"people":[]}"#));
    send_to(
        &server,
        &[
            "listWorkspacePeople",
            "--workspace",
            "ws_1",
            "--query",
            "limit=2",
        ],
    );
    let (request_line, _, _) = the_request(&server);
    assert_eq!(
        request_line,
        "GET /api/v1/workspaces/ws_1/people?limit=2 HTTP/1.1"
    );

    let output = explorer()
        .args([
            "preview",
            "getWorkspacePerson",
            "--target",
            "http",
            "--base-url",
            "http://127.0.0.1:8080/api/v1",
            "--workspace",
            "ws 2",
            "--path",
            "personId=6f1c2b9e-0000-4000-8000-000000000000",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let http = String::from_utf8(output.stdout).unwrap();
    assert!(
        http.starts_with(
            "GET /api/v1/workspaces/ws%202/people/6f1c2b9e-0000-4000-8000-000000000000 HTTP/1.1\r\n"
        ),
        "{http}"
    );
}

#[test]
fn every_usage_error_names_what_is_wrong_and_what_is_accepted_and_sends_nothing() {
    let server = LoopbackServer::start(Reply::json(200, "{}"));
    let dir = Scratch::new("usage");
    let good = dir.file("body.json", r#"{"userId": "u"}"#);
    let good = good.to_str().unwrap();
    let cases: [(&[&str], &str); 16] = [
        (
            &["getperson"],
            "there is no operation \"getperson\": did you mean getPerson? (see `flameup-explorer operations`)",
        ),
        (
            &["getPerson"],
            "getPerson needs a value for id (its path is /people/{id}): give --path id=VALUE",
        ),
        (
            &["getPerson", "--path", "id="],
            "getPerson needs a value for id (its path is /people/{id}): give --path id=VALUE",
        ),
        (
            &["getWorkspacePerson"],
            "getWorkspacePerson needs values for workspaceId and personId (its path is /workspaces/{workspaceId}/people/{personId}): give --workspace ID --path personId=VALUE",
        ),
        (
            &["getPerson", "--path", "ID=x"],
            "getPerson has no path parameter \"ID\": its path /people/{id} takes id",
        ),
        (
            &["listPeople", "--query", "limt=5"],
            "listPeople has no query parameter \"limt\": it takes limit, offset, status or search",
        ),
        (
            &["getPerson", "--path", "id=u", "--query", "limit=5"],
            "getPerson takes no query parameters: leave out --query",
        ),
        (
            &["getPerson", "--path", "idx"],
            "invalid value 'idx' for '--path <NAME=VALUE>': expected NAME=VALUE",
        ),
        (
            &["getPerson", "--path", "id=a", "--path", "id=b"],
            "--path id=… is given twice: give each path value once",
        ),
        (
            &["deletePerson", "--path", "id=u", "--body", good],
            "deletePerson takes no body (DELETE /people/{id}): leave out --body",
        ),
        (
            &["updatePerson", "--path", "id=u"],
            "updatePerson needs a body: give --body FILE or --preset NAME",
        ),
        (
            &["getPerson", "--path", "id=u", "--workspace", "ws_1"],
            "getPerson takes no workspace (its path is /people/{id}): --workspace fills workspaceId, which only the operations under /workspaces/{workspaceId} have",
        ),
        (
            &[
                "listWorkspacePeople",
                "--workspace",
                "ws_1",
                "--path",
                "workspaceId=ws_2",
            ],
            "the workspace is given twice, by --workspace and by --path workspaceId=…: give it once",
        ),
        (
            &["--path", "id=u", "--body", good],
            "createPerson has no path parameters (its path is /people): leave out --path (no OPERATION_ID was given, so it is createPerson",
        ),
        (
            &["--workspace", ""],
            "createWorkspacePerson needs a value for workspaceId (its path is /workspaces/{workspaceId}/people): give --workspace ID",
        ),
        (&["getPerson", "extra"], "unexpected argument 'extra'"),
    ];
    for (words, expected) in cases {
        for command in ["send", "preview"] {
            let line = fails_with_2(
                explorer()
                    .args([command, "--base-url", &server.base_url()])
                    .args(words),
            );
            assert!(line.contains(expected), "{command} {words:?}: {line}");
        }
    }
    let line = fails_with_2(explorer().args([
        "preview",
        "getPerson",
        "--path",
        "id=u",
        "--target",
        "cobol",
    ]));
    assert!(
        line.contains(
            "invalid value 'cobol' for '--target <TARGET>' [possible values: curl, python,"
        ),
        "{line}"
    );
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[test]
fn the_standalone_sandbox_answers_get_and_list_sent_by_operation() {
    let mut sandbox = explorer()
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (base_url, _stdout) = announced_base_url(&mut sandbox);
    let dir = Scratch::new("sandbox-operations");
    let run = |words: &[&str]| {
        let output = explorer()
            .args(["send", "--output", "json", "--base-url", &base_url])
            .args(words)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{words:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout_json(&output)
    };
    for user in ["ada", "grace"] {
        let body = dir.file(
            "body.json",
            json!({"userId": user, "email": format!("{user}@example.com")}).to_string(),
        );
        run(&["createPerson", "--body", body.to_str().unwrap()]);
    }
    let found = run(&["getPerson", "--path", "id=grace@example.com"]);
    assert_eq!(found["status"], 200);
    assert_eq!(found["body"]["external_id"], "grace");
    let page = run(&["listPeople", "--query", "limit=1", "--query", "offset=1"]);
    assert_eq!(page["body"]["total"], 2);
    assert_eq!(page["body"]["limit"], 1);
    assert_eq!(page["body"]["people"].as_array().unwrap().len(), 1);

    let interrupted = Command::new("kill")
        .args(["-INT", &sandbox.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    assert_eq!(sandbox.wait().unwrap().code(), Some(0));
}

// The contract check and the diff of answers.

const PERSON_UUID: &str = "123e4567-e89b-12d3-a456-426614174000";

/// A Person as the reference pages answer it: every documented field.
fn documented_person() -> Value {
    json!({
        "id": PERSON_UUID, "workspace_id": "ws_sandbox", "external_id": "user_1",
        "email": "ada@example.com", "phone": null, "first_name": "Ada", "last_name": null,
        "avatar_url": null, "timezone": null, "locale": null, "status": "active",
        "attributes": {"plan": "pro"}, "created_at": "2024-05-01T09:30:00Z",
        "updated_at": "2024-05-01T09:30:00Z", "first_seen_at": null, "last_seen_at": null
    })
}

fn person_with(field: &str, value: Value) -> Value {
    let mut person = documented_person();
    person[field] = value;
    person
}

/// `send` of `words` with the JSON output, whatever its exit code: the code and the output.
fn send_json(server: &LoopbackServer, words: &[&str]) -> (Option<i32>, Value) {
    let output = explorer()
        .args(["send", "--output", "json", "--base-url", &server.base_url()])
        .args(words)
        .output()
        .unwrap();
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), stdout_json(&output))
}

/// The contract findings of a `--output json` result as (path, kind).
fn contract_findings(printed: &Value) -> Vec<(String, String)> {
    printed["contract"]["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no contract findings in {printed}"))
        .iter()
        .map(|finding| {
            (
                finding["path"].as_str().unwrap().to_owned(),
                finding["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// An answer drifted from the docs by hand, the command that gets it, and the one finding
/// (path, kind) it must give.
struct Drift<'a> {
    status: u16,
    body: Value,
    words: &'a [&'a str],
    found: (&'a str, &'a str),
}

#[test]
fn send_output_json_checks_the_answer_against_the_contract() {
    let server = LoopbackServer::start(Reply::json(200, &documented_person().to_string()));
    let get = ["getPerson", "--path", "id=user_1"];
    let (code, printed) = send_json(&server, &get);
    assert_eq!(code, Some(0));
    assert_eq!(
        printed["contract"],
        json!({"ok": true, "documented_as": "Person", "findings": []})
    );

    let dir = Scratch::new("drifts");
    let event = dir.file(
        "body.json",
        r#"{"external_id": "user_1", "event": "signed_up"}"#,
    );
    let track = ["trackEvent", "--body", event.to_str().unwrap()];
    let drifts = [
        Drift {
            status: 200,
            body: person_with("nickname", json!("Countess")),
            words: &get,
            found: ("/nickname", "undocumented_field"),
        },
        Drift {
            status: 200,
            body: json!({"success": true}),
            words: &track,
            found: ("/event_id", "missing_field"),
        },
        Drift {
            status: 200,
            body: person_with("external_id", json!(42)),
            words: &get,
            found: ("/external_id", "wrong_type"),
        },
        Drift {
            status: 200,
            body: person_with("status", json!("deleted")),
            words: &get,
            found: ("/status", "not_in_enum"),
        },
        Drift {
            status: 299,
            body: documented_person(),
            words: &get,
            found: ("", "undocumented_status"),
        },
    ];
    for drift in drifts {
        let (path, kind) = drift.found;
        server.set_reply(Reply::json(drift.status, &drift.body.to_string()));
        let (code, printed) = send_json(&server, drift.words);
        assert_eq!(code, Some(0), "a 2xx answer still exits 0 without --strict");
        assert_eq!(printed["contract"]["ok"], false, "{kind}");
        assert_eq!(
            contract_findings(&printed),
            [(path.to_owned(), kind.to_owned())],
            "{kind}"
        );
    }
    // What the docs say and what came back, short.
    server.set_reply(Reply::json(
        200,
        &person_with("status", json!("deleted")).to_string(),
    ));
    let (_, printed) = send_json(&server, &get);
    let finding = &printed["contract"]["findings"][0];
    assert_eq!(finding["expected"], "one of active, unsubscribed, bounced");
    assert_eq!(finding["actual"], "\"deleted\"");
}

#[test]
fn an_error_answer_in_a_documented_shape_says_which() {
    let server = LoopbackServer::start(Reply::json(
        404,
        r#"{"error": {"code": "not_found", "message": "No such person"}}"#,
    ));
    let (code, printed) = send_json(&server, &["getPerson", "--path", "id=nobody", "--strict"]);
    assert_eq!(
        code,
        Some(1),
        "an error status, documented: exit 1 even with --strict"
    );
    assert_eq!(
        printed["contract"],
        json!({"ok": true, "documented_as": "ErrorCoded", "findings": []})
    );
}

#[test]
fn strict_exits_3_when_the_answer_differs_from_the_docs() {
    let server = LoopbackServer::start(Reply::json(200, &documented_person().to_string()));
    let strict = ["getPerson", "--path", "id=user_1", "--strict"];
    assert_eq!(send_json(&server, &strict).0, Some(0));
    server.set_reply(Reply::json(
        200,
        &person_with("extra", json!(1)).to_string(),
    ));
    let (code, printed) = send_json(&server, &strict);
    assert_eq!(code, Some(3));
    assert_eq!(
        contract_findings(&printed),
        [("/extra".to_owned(), "undocumented_field".to_owned())]
    );
    // Without --strict, the same answer exits as its status says.
    assert_eq!(
        send_json(&server, &["getPerson", "--path", "id=user_1"]).0,
        Some(0)
    );
    // An error status in no documented shape: 3 wins over 1.
    server.set_reply(Reply::json(500, r#"{"oops": true}"#));
    assert_eq!(send_json(&server, &strict).0, Some(3));
}

#[test]
fn pretty_output_prints_the_verdict_and_each_finding_on_its_own_line() {
    let mut person = person_with("status", json!("deleted"));
    person["nickname"] = json!("Countess");
    let server = LoopbackServer::start(Reply::json(200, &person.to_string()));
    let output = explorer()
        .args(["send", "getPerson", "--path", "id=user_1", "--base-url"])
        .arg(server.base_url())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let after_body: Vec<&str> = stdout
        .lines()
        .skip_while(|line| !line.starts_with("Contract: "))
        .collect();
    assert_eq!(
        after_body[..3],
        [
            "Contract: 2 differences from the docs (closest: Person)",
            "  not_in_enum at /status: docs say one of active, unsubscribed, bounced; got \"deleted\"",
            "  undocumented_field at /nickname: docs say not documented; got \"Countess\"",
        ]
    );
    assert!(after_body[3].starts_with("  Docs note: Every reference page answers"));

    server.set_reply(Reply::json(200, &documented_person().to_string()));
    let output = explorer()
        .args(["send", "getPerson", "--path", "id=user_1", "--base-url"])
        .arg(server.base_url())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.ends_with("}\n\nContract: matches the docs (documented as Person)\n"),
        "{stdout}"
    );
}

#[test]
fn a_servers_field_names_do_not_reach_the_terminal_raw() {
    let server = LoopbackServer::start(Reply::json(
        200,
        &person_with("\u{1b}]0;OWNED\u{7}", json!(1)).to_string(),
    ));
    let output = explorer()
        .args(["send", "getPerson", "--path", "id=user_1", "--base-url"])
        .arg(server.base_url())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
    assert!(
        stdout.contains("  undocumented_field at /\\x1b]0;OWNED\\x07: "),
        "{stdout}"
    );
}

#[test]
fn baseline_from_a_previous_json_result_diffs_status_headers_and_body() {
    let headers = |remaining: &str, extra: &[(&str, &str)]| {
        let mut headers = pairs(&[
            ("Content-Type", "application/json"),
            ("X-RateLimit-Remaining", remaining),
        ]);
        headers.extend(pairs(extra));
        headers
    };
    let server = LoopbackServer::start(Reply::Respond {
        status: 200,
        headers: headers("119", &[]),
        body: documented_person().to_string().into_bytes(),
    });
    let get = ["getPerson", "--path", "id=user_1"];
    let output = explorer()
        .args(["send", "--output", "json", "--base-url", &server.base_url()])
        .args(get)
        .output()
        .unwrap();
    let dir = Scratch::new("baseline");
    let baseline = dir.path().join("first.json");
    std::fs::write(&baseline, &output.stdout).unwrap();
    let baseline = baseline.to_str().unwrap();

    // Another person's id and stamps, a changed email, a new header, one request fewer left.
    let mut second = documented_person();
    second["id"] = json!("9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f");
    second["updated_at"] = json!("2024-05-02T10:00:00Z");
    second["email"] = json!("grace@example.com");
    server.set_reply(Reply::Respond {
        status: 200,
        headers: headers("118", &[("X-Plan", "pro")]),
        body: second.to_string().into_bytes(),
    });
    let (_, printed) = send_json(&server, &[&get[..], &["--baseline", baseline]].concat());
    assert_eq!(
        printed["diff"],
        json!([
            {"path": "headers/x-plan", "op": "added", "before": null, "after": "pro"},
            {"path": "/email", "op": "changed", "before": "ada@example.com",
             "after": "grace@example.com"},
        ])
    );
    let (_, printed) = send_json(
        &server,
        &[&get[..], &["--baseline", baseline, "--include-volatile"]].concat(),
    );
    let paths: Vec<&str> = printed["diff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "headers/content-length",
            "headers/x-ratelimit-remaining",
            "headers/x-plan",
            "/id",
            "/email",
            "/updated_at"
        ]
    );

    // A different status is a difference too.
    server.set_reply(Reply::json(
        404,
        r#"{"error": "Not Found", "message": "No"}"#,
    ));
    let (code, printed) = send_json(&server, &[&get[..], &["--baseline", baseline]].concat());
    assert_eq!(code, Some(1));
    assert_eq!(
        printed["diff"][0],
        json!({"path": "status", "op": "changed", "before": 200, "after": 404})
    );
}

#[test]
fn baseline_as_a_plain_json_body_diffs_the_body_only() {
    let server = LoopbackServer::start(Reply::json(200, &documented_person().to_string()));
    let dir = Scratch::new("plain-baseline");
    let mut earlier = documented_person();
    earlier["attributes"] = json!({"plan": "free", "seats": 2});
    let baseline = dir.file("body.json", earlier.to_string());
    let output = explorer()
        .args(["send", "getPerson", "--path", "id=user_1", "--base-url"])
        .arg(server.base_url())
        .arg("--baseline")
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let diff: Vec<&str> = stdout
        .lines()
        .skip_while(|line| !line.starts_with("Diff: "))
        .collect();
    assert_eq!(
        diff,
        [
            "Diff: 2 differences from the baseline (ids, stamps, rate-limit and date headers left out: --include-volatile lists them)",
            "  changed /attributes/plan: \"free\" → \"pro\"",
            "  removed /attributes/seats: 2",
        ]
    );
}

#[test]
fn a_baseline_that_cannot_be_read_is_a_usage_error_and_nothing_is_sent() {
    let server = LoopbackServer::start(Reply::json(200, "{}"));
    let dir = Scratch::new("bad-baseline");
    let broken = dir.file("body.json", "{not json");
    let line = fails_with_2(
        explorer()
            .args(["send", "getPerson", "--path", "id=u", "--base-url"])
            .arg(server.base_url())
            .arg("--baseline")
            .arg(&broken),
    );
    assert!(line.contains("is not a JSON baseline"), "{line}");
    let missing = dir.path().join("missing.json");
    let line = fails_with_2(
        explorer()
            .args(["send", "getPerson", "--path", "id=u", "--base-url"])
            .arg(server.base_url())
            .arg("--baseline")
            .arg(&missing),
    );
    assert!(line.contains("does not exist"), "{line}");
    let line = fails_with_2(explorer().args([
        "send",
        "getPerson",
        "--path",
        "id=u",
        "--include-volatile",
    ]));
    assert!(line.contains("--baseline"), "{line}");
    assert!(server.requests().is_empty(), "nothing was sent");
}

/// `check` of a saved answer: its exit code and standard output.
fn check_offline(args: &[&str], body: &str) -> (Option<i32>, String) {
    let dir = Scratch::new("check");
    let path = dir.path().join("answer.txt");
    std::fs::write(&path, body).unwrap();
    let output = explorer()
        .arg("check")
        .args(args)
        .arg("--body")
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.stderr.is_empty(), "{output:?}");
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn check_a_saved_answer_offline() {
    let person = ["--operation", "getPerson", "--status", "200"];
    let (code, stdout) = check_offline(&person, &documented_person().to_string());
    assert_eq!(code, Some(0));
    assert_eq!(
        stdout,
        "Contract: matches the docs (documented as Person)\n"
    );

    let drifted = person_with("locale", json!(7)).to_string();
    let (code, stdout) = check_offline(&[&person[..], &["--output", "json"]].concat(), &drifted);
    assert_eq!(code, Some(3));
    let printed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed["operation"], "getPerson");
    assert_eq!(printed["status"], 200);
    assert_eq!(
        contract_findings(&printed),
        [("/locale".to_owned(), "wrong_type".to_owned())]
    );
    assert_eq!(
        printed["contract"]["findings"][0]["expected"],
        "text or null"
    );

    let (code, stdout) = check_offline(
        &[
            "--operation",
            "getPerson",
            "--status",
            "502",
            "--output",
            "json",
        ],
        "{}",
    );
    assert_eq!(code, Some(3));
    let printed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        contract_findings(&printed),
        [(String::new(), "undocumented_status".to_owned())]
    );

    let (code, stdout) = check_offline(
        &[&person[..], &["--content-type", "text/html"]].concat(),
        "<html>Bad gateway</html>",
    );
    assert_eq!(code, Some(3));
    assert_eq!(
        stdout,
        "Contract: 1 difference from the docs\n  wrong_type at the body: docs say JSON; got text/html: <html>Bad gateway</html>\n"
    );
}

#[test]
fn check_refuses_what_it_cannot_check_with_one_line() {
    let dir = Scratch::new("check-usage");
    let body = dir.file("body.json", "{}");
    let check = |args: &[&str]| {
        let mut command = explorer();
        command.arg("check").args(args).arg("--body").arg(&body);
        fails_with_2(&mut command)
    };
    let line = check(&["--operation", "getPersn", "--status", "200"]);
    assert!(line.contains("did you mean getPerson?"), "{line}");
    for status in ["2000", "99", "ok"] {
        let line = check(&["--operation", "getPerson", "--status", status]);
        assert!(line.contains("from 100 to 599"), "{line}");
    }
    let line = fails_with_2(explorer().args([
        "check",
        "--operation",
        "getPerson",
        "--status",
        "200",
        "--body",
        dir.path().join("missing.json").to_str().unwrap(),
    ]));
    assert!(line.contains("does not exist"), "{line}");
}
