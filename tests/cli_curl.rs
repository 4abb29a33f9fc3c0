//! `send --from-curl` and `preview --from-curl`: the real binary takes its request from a cURL
//! command in a file or on standard input, sends it to a loopback server with the token chosen as
//! documented (FLAMEUP_API_TOKEN first, else the command's, said on standard error), and refuses
//! what cannot be imported with one line on standard error, exit code 2 and nothing sent.

// Test code throughout, helpers and `mod support` included: a panic is the failure message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::process::{Command, Output};

use flameup_explorer::model::{Credential, Draft, build_request};
use flameup_explorer::snippet::{Target, render};
use serde_json::{Value, json};
use support::scratch::{Scratch, run_with_stdin};
use support::{LoopbackServer, Reply};

const ENV_TOKEN: &str = "ws_test_from_the_environment";
const CURL_TOKEN: &str = "ws_test_from_the_curl_command";

/// The binary, with FLAMEUP_API_TOKEN set to `token` or removed.
fn explorer(token: Option<&str>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flameup-explorer"));
    match token {
        Some(token) => command.env("FLAMEUP_API_TOKEN", token),
        None => command.env_remove("FLAMEUP_API_TOKEN"),
    };
    // `send` records in the history: a scratch one, never the real home's.
    command.env(
        "XDG_DATA_HOME",
        concat!(env!("CARGO_TARGET_TMPDIR"), "/cli-curl-data"),
    );
    command
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The value of the header `name` that arrived, by a name compared without case.
fn arrived_header(arrived: &support::Recorded, name: &str) -> Option<String> {
    arrived.header_lines().iter().find_map(|line| {
        let (line_name, value) = line.split_once(':')?;
        line_name
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

/// Exit code 2, exactly `message` as the one line on standard error, nothing on standard output.
fn assert_refused(output: &Output, message: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", stderr(output));
    assert_eq!(stderr(output), format!("flameup-explorer: {message}\n"));
    assert!(output.stdout.is_empty());
}

#[test]
fn preview_of_the_docs_command_is_the_docs_example() {
    let scratch = Scratch::new("preview");
    let file = scratch.file("create.sh", support::DOCS_CREATE_PERSON_CURL);
    let output = explorer(None)
        .args(["preview", "--from-curl"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = render(
        Target::Curl,
        &build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap(),
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected + "\n");
    assert_eq!(
        stderr(&output),
        "flameup-explorer: warning: The command holds the docs' placeholder YOUR_API_TOKEN instead of a token.\n"
    );
}

/// A Chrome-style GET of a person on `server`, with the command's token.
fn get_command(server: &LoopbackServer) -> String {
    format!(
        "curl '{}/people/ada%40example.com' \\\n  -H 'accept: */*' \\\n  -H 'authorization: Bearer {CURL_TOKEN}' \\\n  --compressed",
        server.base_url()
    )
}

#[test]
fn send_from_stdin_uses_the_commands_token_when_the_variable_is_unset() {
    let server = LoopbackServer::start(Reply::json(200, "{}"));
    let output = run_with_stdin(
        explorer(None).args(["send", "--from-curl", "-"]),
        get_command(&server),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let arrived = server.requests().pop().unwrap();
    assert!(
        arrived
            .text()
            .starts_with("GET /api/v1/people/ada@example.com HTTP/1.1\r\n"),
        "{}",
        arrived.text()
    );
    assert_eq!(
        arrived_header(&arrived, "authorization"),
        Some(format!("Bearer {CURL_TOKEN}"))
    );
    let told = stderr(&output);
    assert!(
        told.contains("Skipped options that change nothing in the request: --compressed."),
        "{told}"
    );
    assert!(
        told.contains(
            "warning: sending the cURL command's token, for this request only (FLAMEUP_API_TOKEN is not set)"
        ),
        "{told}"
    );
    assert!(
        !told.contains(CURL_TOKEN),
        "the token is never printed: {told}"
    );
}

#[test]
fn send_prefers_the_variables_token_and_says_so() {
    let server = LoopbackServer::start(Reply::json(200, "{}"));
    let scratch = Scratch::new("env-token");
    let file = scratch.file("get.sh", get_command(&server));
    let output = explorer(Some(ENV_TOKEN))
        .args(["send", "getPerson", "--from-curl"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let arrived = server.requests().pop().unwrap();
    assert_eq!(
        arrived_header(&arrived, "authorization"),
        Some(format!("Bearer {ENV_TOKEN}"))
    );
    assert!(
        stderr(&output).contains(
            "warning: the cURL command's token is not used: FLAMEUP_API_TOKEN is set, and comes first"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_body_file_the_command_names_is_read_from_the_current_folder() {
    let server = LoopbackServer::start(Reply::json(201, "{}"));
    let scratch = Scratch::new("body-file");
    scratch.file(
        "person.json",
        "{\"userId\": \"from-the-file\",\n \"traits\": {\"plan\": \"pro\"}}\n",
    );
    let command = format!(
        "curl -X POST '{}/workspaces/ws_abc123/people' -H 'Content-Type: application/json' -d @person.json",
        server.base_url()
    );
    let output = run_with_stdin(
        explorer(Some(ENV_TOKEN))
            .current_dir(scratch.path())
            .args(["send", "--from-curl", "-"]),
        &command,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let arrived = server.requests().pop().unwrap();
    assert!(
        arrived
            .text()
            .starts_with("POST /api/v1/workspaces/ws_abc123/people HTTP/1.1\r\n")
    );
    assert_eq!(
        serde_json::from_slice::<Value>(arrived.body()).unwrap(),
        json!({"userId": "from-the-file", "traits": {"plan": "pro"}})
    );
}

#[test]
fn base_url_sends_an_imported_production_command_elsewhere() {
    let server = LoopbackServer::start(Reply::json(200, "{}"));
    let output = run_with_stdin(
        explorer(Some(ENV_TOKEN)).args([
            "send",
            "--from-curl",
            "-",
            "--base-url",
            &server.base_url(),
        ]),
        "curl -G https://api.flameup.ai/api/v1/people -d limit=2 --data-urlencode 'search=a b'",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let arrived = server.requests().pop().unwrap();
    assert!(
        arrived
            .text()
            .starts_with("GET /api/v1/people?limit=2&search=a%20b HTTP/1.1\r\n"),
        "{}",
        arrived.text()
    );
}

#[test]
fn what_cannot_be_imported_is_one_line_exit_2_and_nothing_sent() {
    let server = LoopbackServer::start(Reply::json(200, "{}"));
    let base = server.base_url();
    let cases = [
        (
            format!("curl -u ada:secret {base}/people/ada"),
            vec!["send", "--from-curl", "-"],
            "cannot import the cURL command: the command's -u sends a user name and password; the API takes its key as a Bearer token: send -H \"Authorization: Bearer YOUR_API_TOKEN\" instead",
        ),
        (
            format!("curl -X PATCH {base}/people/ada -d '{{}}'"),
            vec!["send", "--from-curl", "-"],
            "cannot import the cURL command: the API has no PATCH /people/{id}: that path takes GET (getPerson), PUT (updatePerson) or DELETE (deletePerson)",
        ),
        (
            get_command(&server),
            vec!["send", "deletePerson", "--from-curl", "-"],
            "the cURL command calls getPerson (GET /people/{id}), not deletePerson: leave out the operation, or import another command",
        ),
        (
            format!("curl {base}/people -d @-"),
            vec!["send", "--from-curl", "-"],
            "cannot import the cURL command: cannot read -d @-: standard input holds the cURL command already: put the body in the command or in a file",
        ),
        (
            format!("curl {base}/people -d @missing.json"),
            vec!["preview", "--from-curl", "-"],
            "cannot import the cURL command: cannot read -d @missing.json: missing.json does not exist",
        ),
    ];
    for (command, words, message) in cases {
        let output = run_with_stdin(explorer(Some(ENV_TOKEN)).args(&words), &command);
        assert_refused(&output, message);
    }
    let output = explorer(Some(ENV_TOKEN))
        .args(["send", "--from-curl", "no-such-command.sh"])
        .output()
        .unwrap();
    assert_refused(&output, "no-such-command.sh does not exist");
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[test]
fn without_any_token_nothing_is_sent() {
    let server = LoopbackServer::start(Reply::json(200, "{}"));
    let command = format!("curl {}/people/ada", server.base_url());
    let output = run_with_stdin(explorer(None).args(["send", "--from-curl", "-"]), &command);
    assert_refused(
        &output,
        "FLAMEUP_API_TOKEN is not set: export it with your API key first",
    );
    assert!(server.requests().is_empty());
}

#[test]
fn the_request_comes_from_the_command_alone() {
    for other in [
        ["--body", "b.json"],
        ["--path", "id=a"],
        ["--query", "limit=1"],
        ["--preset", "p"],
        ["--workspace", "ws_1"],
    ] {
        let output = explorer(Some(ENV_TOKEN))
            .args(["preview", "--from-curl", "c.sh"])
            .args(other)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{other:?}");
        assert!(
            stderr(&output).contains("cannot be used with"),
            "{other:?}: {}",
            stderr(&output)
        );
    }
}

/// Finding 16: a pasted command may name any server. The token from the environment goes to it
/// only with a warning first, unless it is the Flameup API or this machine; --base-url, which
/// says where the request goes, needs none.
#[test]
fn the_variables_token_bound_for_another_host_is_told_before_sending() {
    let scratch = Scratch::new("foreign-host");
    // `.invalid` never resolves: nothing can arrive anywhere, and the send fails after the warning.
    let file = scratch.file(
        "elsewhere.sh",
        "curl 'http://api.example.invalid/api/v1/people/ada' -H 'accept: */*'",
    );
    let output = explorer(Some(ENV_TOKEN))
        .args(["send", "--timeout", "10", "--from-curl"])
        .arg(&file)
        .output()
        .unwrap();
    let told = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{told}");
    let warning = "flameup-explorer: warning: sending FLAMEUP_API_TOKEN to api.example.invalid, the host the cURL command names, which is neither the Flameup API nor this machine (--base-url sends the request elsewhere)\n";
    assert!(told.starts_with(warning), "{told}");
    assert!(
        !told.contains(ENV_TOKEN),
        "the token is never printed: {told}"
    );

    let server = LoopbackServer::start(Reply::json(200, "{}"));
    for extra in [&[][..], &["--base-url", &server.base_url()][..]] {
        let (command, base) = if extra.is_empty() {
            (get_command(&server), "loopback")
        } else {
            (
                "curl 'http://api.example.invalid/api/v1/people/ada'".to_owned(),
                "--base-url",
            )
        };
        let file = scratch.file("get.sh", &command);
        let output = explorer(Some(ENV_TOKEN))
            .args(["send", "--from-curl"])
            .arg(&file)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{base}: {}", stderr(&output));
        assert!(
            !stderr(&output).contains("neither"),
            "{base}: {}",
            stderr(&output)
        );
    }
}
