//! The answer check and the diff on the command line, against what a hostile tester sent: bodies
//! nested too deep, not UTF-8 or still compressed, a 204 with a body, no Content-Type, values
//! out of bounds, repeated keys, and numbers written two ways.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};
use support::{LoopbackServer, Reply};

/// The exit code of an answer that differs from the docs (`check`, and `send --strict`).
const DIFFERS: i32 = 3;

/// A scratch directory for one test, holding its data, its configuration and its files.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("check-hostile-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn explorer(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_flameup-explorer"));
        command
            .env("FLAMEUP_API_TOKEN", "ws_test_check.0123456789abcdef")
            .env("XDG_DATA_HOME", self.0.join("data"))
            .env("XDG_CONFIG_HOME", self.0.join("config"));
        command
    }

    /// `check` of a saved body, offline.
    fn check(&self, operation: &str, status: u16, body: &[u8]) -> Output {
        let path = self.file("answer.bin", body);
        self.explorer()
            .args(["check", "--operation", operation, "--status"])
            .arg(status.to_string())
            .arg("--body")
            .arg(path)
            .output()
            .unwrap()
    }

    /// `send getPerson --strict` to a server answering `reply`.
    fn send_strict(&self, reply: Reply) -> Output {
        let server = LoopbackServer::start(reply);
        self.explorer()
            .args(["send", "getPerson", "--path", "id=user_1", "--strict"])
            .arg("--base-url")
            .arg(server.base_url())
            .output()
            .unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The lines from the contract verdict on.
fn contract_lines(output: &Output) -> Vec<String> {
    stdout(output)
        .lines()
        .skip_while(|line| !line.starts_with("Contract: "))
        .map(str::to_owned)
        .collect()
}

fn person() -> Value {
    json!({
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "workspace_id": "ws_1",
        "external_id": "user_1",
        "email": "ada@example.com",
        "attributes": {"plan": "pro"},
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z"
    })
}

fn answer(headers: &[(&str, &str)], body: &[u8]) -> Reply {
    Reply::Respond {
        status: 200,
        headers: headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect(),
        body: body.to_vec(),
    }
}

#[test]
fn a_person_whose_attributes_nest_200_deep_is_checked_not_called_not_json() {
    let scratch = Scratch::new("deep");
    let deep = format!("{}1{}", "{\"a\":".repeat(200), "}".repeat(200));
    let body = person().to_string().replace("{\"plan\":\"pro\"}", &deep);
    assert!(body.contains(&deep));
    let output = scratch.check("getPerson", 200, body.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        contract_lines(&output),
        ["Contract: matches the docs (documented as Person)"]
    );
}

#[test]
fn a_body_not_utf8_or_compressed_says_why_it_is_not_json() {
    let scratch = Scratch::new("bytes");
    let mut bytes = person().to_string().into_bytes();
    bytes.insert(7, 0xff);
    let output = scratch.check("getPerson", 200, &bytes);
    assert_eq!(output.status.code(), Some(DIFFERS));
    assert_eq!(
        contract_lines(&output)[1],
        "  wrong_type at the body: docs say JSON; got a body that is not UTF-8 at byte 7"
    );

    let output = scratch.send_strict(answer(
        &[
            ("Content-Type", "application/json"),
            ("Content-Encoding", "br"),
        ],
        b"\x8b\x05\x80{\"id\":1}\x03",
    ));
    assert_eq!(output.status.code(), Some(DIFFERS));
    assert_eq!(
        contract_lines(&output)[1],
        "  wrong_type at the body: docs say JSON; got a body encoded with br, which is not decoded"
    );
}

#[test]
fn a_204_with_a_body_differs_from_the_docs() {
    let scratch = Scratch::new("204");
    let output = scratch.check("deletePerson", 204, b"garbage\xff");
    assert_eq!(output.status.code(), Some(DIFFERS));
    assert_eq!(
        contract_lines(&output)[..2],
        [
            "Contract: 1 difference from the docs",
            "  undocumented_field at the body: docs say no body; got a body of 8 bytes",
        ]
    );
    assert_eq!(
        scratch.check("deletePerson", 204, b"").status.code(),
        Some(0)
    );
}

#[test]
fn a_json_answer_without_content_type_is_flagged_as_text_plain_is() {
    let scratch = Scratch::new("media");
    let body = person().to_string();
    let without = scratch.send_strict(answer(&[], body.as_bytes()));
    assert_eq!(without.status.code(), Some(DIFFERS), "{}", stdout(&without));
    assert_eq!(
        contract_lines(&without)[1],
        "  wrong_type at the body: docs say Content-Type application/json; got no Content-Type"
    );
    let plain = scratch.send_strict(answer(&[("Content-Type", "text/plain")], body.as_bytes()));
    assert_eq!(plain.status.code(), Some(DIFFERS));
    assert_eq!(
        contract_lines(&plain)[1],
        "  wrong_type at the body: docs say Content-Type application/json; got Content-Type text/plain"
    );
    let json = scratch.send_strict(Reply::json(200, &body));
    assert_eq!(json.status.code(), Some(0), "{}", stdout(&json));
}

#[test]
fn bounds_formats_and_rate_limit_headers_are_checked() {
    let scratch = Scratch::new("rules");
    let output = scratch.check("listPeople", 200, br#"{"people": [], "total": -1}"#);
    assert_eq!(output.status.code(), Some(DIFFERS));
    assert_eq!(
        contract_lines(&output)[1],
        "  wrong_type at /total: docs say at least 0; got -1"
    );

    let mut stamped = person();
    stamped["created_at"] = json!("x");
    let output = scratch.check("getPerson", 200, stamped.to_string().as_bytes());
    assert_eq!(output.status.code(), Some(DIFFERS));
    assert_eq!(
        contract_lines(&output)[..2],
        [
            "Contract: 1 difference from the docs (closest: Person)",
            "  wrong_type at /created_at: docs say a date and time (RFC 3339), such as 2024-05-01T09:30:00Z; got \"x\"",
        ]
    );

    for (value, expected) in [
        ("abc", "a whole number, in digits; got \"abc\""),
        ("-5", "at least 0; got -5"),
        ("1.5e9", "a whole number, in digits; got \"1.5e9\""),
    ] {
        let output = scratch.send_strict(answer(
            &[
                ("Content-Type", "application/json"),
                ("X-RateLimit-Limit", value),
            ],
            person().to_string().as_bytes(),
        ));
        assert_eq!(output.status.code(), Some(DIFFERS), "{value}");
        assert_eq!(
            contract_lines(&output)[1],
            format!("  wrong_type at headers/x-ratelimit-limit: docs say {expected}")
        );
    }
}

#[test]
fn a_repeated_key_is_a_difference() {
    let scratch = Scratch::new("repeated");
    let body =
        person()
            .to_string()
            .replacen('{', "{\"id\":\"123e4567-e89b-12d3-a456-426614174999\",", 1);
    let output = scratch.send_strict(Reply::json(200, &body));
    assert_eq!(output.status.code(), Some(DIFFERS), "{}", stdout(&output));
    assert_eq!(
        contract_lines(&output)[1],
        "  wrong_type at /id: docs say one value; got the key appears 2 times"
    );
}

#[test]
fn the_guide_shape_is_reported_and_the_note_beneath_says_so() {
    let scratch = Scratch::new("guide");
    let guide = json!({
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "workspace_id": "ws_1",
        "userId": "user_1",
        "email": "ada@example.com",
        "traits": {"plan": "pro"},
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z"
    });
    let output = scratch.check("createPerson", 201, guide.to_string().as_bytes());
    assert_eq!(output.status.code(), Some(DIFFERS));
    let lines = contract_lines(&output);
    assert_eq!(
        lines[0],
        "Contract: 2 differences from the docs (closest: Person)"
    );
    let note = &lines[3];
    assert!(note.starts_with("  Docs note: "), "{note}");
    assert!(!note.contains("still accepted"), "{note}");
    assert!(
        note.contains("reports its userId and traits as undocumented fields"),
        "{note}"
    );
}

#[test]
fn a_baseline_compares_numbers_by_value() {
    let scratch = Scratch::new("numbers");
    let mut before = person();
    before["attributes"] = json!({"f": 1, "g": 100, "big": 12345678901234567890_u64});
    let baseline = scratch.file("baseline.json", before.to_string().as_bytes());
    let after = person().to_string().replace(
        "{\"plan\":\"pro\"}",
        "{\"f\":1.0,\"g\":1e2,\"big\":12345678901234567891}",
    );
    let server = LoopbackServer::start(Reply::json(200, &after));
    let output = scratch
        .explorer()
        .args(["send", "getPerson", "--path", "id=user_1", "--baseline"])
        .arg(baseline)
        .arg("--base-url")
        .arg(server.base_url())
        .output()
        .unwrap();
    let diff: Vec<String> = stdout(&output)
        .lines()
        .skip_while(|line| !line.starts_with("Diff: "))
        .map(str::to_owned)
        .collect();
    assert!(
        diff[0].starts_with("Diff: 1 difference from the baseline"),
        "{diff:?}"
    );
    assert_eq!(
        diff[1],
        "  changed /attributes/big: 12345678901234567890 → 12345678901234567891"
    );
}
