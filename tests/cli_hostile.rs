//! The command line against hostile answers and files: deep nesting, bodies cut short, bytes that
//! are not UTF-8, escape sequences and bidirectional controls, empty redirects, https to a plain
//! http port. Each test runs the real binary against a server on 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};

use serde_json::Value;
use support::{LoopbackServer, Reply};

const TOKEN: &str = "ws_test_hostile.0123456789abcdef";

fn explorer() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flameup-explorer"));
    command.env("FLAMEUP_API_TOKEN", TOKEN);
    // Scratch history and settings, never the real home's.
    command.env(
        "XDG_DATA_HOME",
        concat!(env!("CARGO_TARGET_TMPDIR"), "/cli-hostile-data"),
    );
    command.env(
        "XDG_CONFIG_HOME",
        concat!(env!("CARGO_TARGET_TMPDIR"), "/cli-hostile-config"),
    );
    command
}

/// `send listPeople` to `base_url`, with `extra` arguments.
fn send_list(base_url: &str, extra: &[&str]) -> Output {
    explorer()
        .args(["send", "listPeople", "--no-history", "--base-url", base_url])
        .args(extra)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A server for one connection that reads the request's head and writes `answer` byte for byte,
/// then closes: for answers the loopback server cannot give (cut short, raw header bytes).
fn raw_answer(answer: Vec<u8>) -> String {
    raw_server(answer, true)
}

/// Like [`raw_answer`]; without `whole_head`, the answer goes after the first read, whatever
/// it held (a TLS greeting holds no blank line).
fn raw_server(answer: Vec<u8>, whole_head: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|window| window == b"\r\n\r\n") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(read) => head.extend_from_slice(&buf[..read]),
            }
            if !whole_head {
                break;
            }
        }
        let _ = stream.write_all(&answer);
    });
    format!("http://{addr}/api/v1")
}

/// Characters that would drive a terminal or reorder a line, had they been printed raw.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            (c.is_control() && !matches!(c, '\n' | '\t'))
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

#[test]
fn a_deeply_nested_answer_is_printed_compact_not_indented_quadratically() {
    let body = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let server = LoopbackServer::start(Reply::json(200, &body));
    let output = send_list(&server.base_url(), &[]);
    let printed = stdout(&output);
    // Indented, these 20 KB were 200 MB; compact, the body is printed as it came.
    assert!(printed.len() < 4 * body.len(), "{} bytes", printed.len());
    assert!(printed.contains(&body));
    let said = stderr(&output);
    assert!(
        said.contains("printed compact") && said.contains("nested 10000 levels deep"),
        "{said}"
    );
}

#[test]
fn a_body_cut_short_says_the_connection_closed_and_how_much_arrived() {
    let mut answer =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            .to_vec();
    answer.extend_from_slice(&[b' '; 137]);
    let base_url = raw_answer(answer);
    let output = send_list(&base_url, &["--output", "json"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let error: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(error["error"]["kind"], "reset", "{error}");
    assert_eq!(
        error["error"]["message"],
        "The connection was closed before a complete answer arrived."
    );
    let detail = error["error"]["detail"].as_str().unwrap();
    assert!(
        detail.contains("closed after 137 of the 1000 bytes the answer announced"),
        "{detail}"
    );
}

#[test]
fn a_body_that_is_not_utf8_keeps_its_exact_bytes_in_json_and_says_so_in_pretty() {
    let bytes = b"caf\xe9 \xff\xfe end".to_vec();
    let reply = Reply::Respond {
        status: 200,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: bytes.clone(),
    };
    let server = LoopbackServer::start(reply);
    let output = send_list(&server.base_url(), &["--output", "json"]);
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["body"], "caf\u{fffd} \u{fffd}\u{fffd} end");
    // "caf\xe9 \xff\xfe end" in base64.
    assert_eq!(result["body_base64"], "Y2Fm6SD//iBlbmQ=");

    let output = send_list(&server.base_url(), &[]);
    let said = stderr(&output);
    assert!(
        said.contains("not UTF-8") && said.contains("its 11 bytes are shown with replacements"),
        "{said}"
    );
    let utf8 = LoopbackServer::start(Reply::json(200, r#"{"data":[]}"#));
    let result: Value =
        serde_json::from_slice(&send_list(&utf8.base_url(), &["--output", "json"]).stdout).unwrap();
    assert!(result.get("body_base64").is_none(), "{result}");
}

#[test]
fn c1_and_bidi_controls_in_headers_and_json_strings_are_escaped_everywhere() {
    let body = "{\"id\":\"\u{9b}31mRED\",\"workspace_id\":\"\u{202e}evil\",\"note\":\"caf\u{e9}\"}";
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-C1: a\u{9b}31mRED\r\nX-Rtl: \u{202e}evil\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body.as_bytes());

    let pretty = send_list(&raw_answer(answer.clone()), &[]);
    let printed = stdout(&pretty);
    assert_eq!(raw_controls(&printed), Vec::<char>::new(), "{printed}");
    assert!(printed.contains("x-c1: a\\x9b31mRED"), "{printed}");
    assert!(printed.contains("x-rtl: \\u{202e}evil"), "{printed}");
    assert!(printed.contains(r#""id": "\u009b31mRED""#), "{printed}");
    assert!(printed.contains(r#""note": "café""#), "{printed}");

    let json = send_list(&raw_answer(answer), &["--output", "json"]);
    let printed = stdout(&json);
    assert_eq!(raw_controls(&printed), Vec::<char>::new(), "{printed}");
    // Escaped as JSON, the values are the same.
    let result: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(result["headers"]["x-rtl"], "\u{202e}evil");
    assert_eq!(result["body"]["id"], "\u{9b}31mRED");
}

#[test]
fn check_keeps_each_finding_on_its_line_and_escapes_a_files_controls() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-hostile-check");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ctl.txt");
    std::fs::write(&file, b"\x1b[31mnot json\r\nX\xc2\x9b").unwrap();
    let output = explorer()
        .args([
            "check",
            "--operation",
            "getPerson",
            "--status",
            "200",
            "--body",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let printed = stdout(&output);
    assert_eq!(raw_controls(&printed), Vec::<char>::new(), "{printed}");
    let finding = printed
        .lines()
        .find(|line| line.contains("wrong_type at the body"))
        .unwrap_or_else(|| panic!("{printed}"));
    assert!(
        finding.ends_with("\\x1b[31mnot json\\x0d\\x0aX\\x9b"),
        "{finding}"
    );
}

#[test]
fn an_empty_location_is_not_followed_in_a_loop() {
    let server = LoopbackServer::start(Reply::Respond {
        status: 302,
        headers: vec![("Location".into(), String::new())],
        body: Vec::new(),
    });
    let output = send_list(&server.base_url(), &["--follow"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(server.requests().len(), 1, "sent once, not followed");
    let said = stderr(&output);
    assert_eq!(
        said.trim_end(),
        "flameup-explorer: warning: the server answered 302 Found and redirects to an empty Location; not followed: its Location is empty, which points nowhere"
    );
}

#[test]
fn https_to_a_plain_http_port_suggests_http() {
    // A plain HTTP server reads the TLS greeting as a bad request and says so, as HTTP.
    let base_url = raw_server(
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
        false,
    );
    let https = base_url.replacen("http://", "https://", 1);
    let output = send_list(&https, &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let said = stderr(&output);
    assert!(said.contains("(TLS) could not be set up"), "{said}");
    assert!(said.contains("try http:// instead of https://"), "{said}");
}

#[test]
fn a_timeout_prints_the_deadline_as_given() {
    let server = LoopbackServer::start(Reply::Never);
    let output = send_list(&server.base_url(), &["--timeout", "0.3"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let said = stderr(&output);
    assert!(
        said.contains("no answer within the 0.3 s deadline"),
        "{said}"
    );
}

#[test]
fn a_timeout_out_of_range_is_quoted_as_typed() {
    let output = send_list(
        "http://127.0.0.1:9/api/v1",
        &["--timeout", "99999999999999999999"],
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(
        stderr(&output).trim_end(),
        "flameup-explorer: --timeout must be more than 0 and at most 86400 seconds, not 99999999999999999999"
    );
}
