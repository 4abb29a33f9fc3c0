//! Values keep their exact text on every path: a number is sent, previewed, saved and shown
//! exactly as it was written (huge, tiny, `-0`, beyond any float), never rounded through `f64`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::path::PathBuf;
use std::process::Command;

use flameup_explorer::model::{BodyView, Credential, Draft, FieldRow, ValueKind, build_request};
use flameup_explorer::store::presets::{Preset, PresetStore};
use support::scratch::Scratch;
use support::{LoopbackServer, Reply};

/// Numbers an `f64` would change (too many digits, below or beyond its range, a negative zero),
/// each with the text it goes out as. serde_json (with `arbitrary_precision`) keeps every digit
/// and sign; the one thing it rewrites is the exponent marker, always as `e+` or `e-`: the same
/// number, and the only difference these tests allow.
const EXACT_NUMBERS: [(&str, &str); 8] = [
    ("12345678901234567890123", "12345678901234567890123"),
    (
        "0.1000000000000000055511151231257827",
        "0.1000000000000000055511151231257827",
    ),
    ("1e-400", "1e-400"),
    ("-0", "-0"),
    ("1e400", "1e+400"),
    ("-0.0", "-0.0"),
    ("1.50E+3", "1.50e+3"),
    ("-18446744073709551616", "-18446744073709551616"),
];

/// A body whose traits are the numbers above, one per key (`n0`, `n1`, …), as file text.
fn body_text() -> String {
    let traits: Vec<String> = EXACT_NUMBERS
        .iter()
        .enumerate()
        .map(|(index, (number, _))| format!("\"n{index}\": {number}"))
        .collect();
    format!(
        "{{\"userId\": \"u\", \"traits\": {{{}}}}}",
        traits.join(", ")
    )
}

/// Asserts that `text` holds each number as the value of its key, written exactly.
fn assert_exact(text: &str, context: &str) {
    for (index, (given, number)) in EXACT_NUMBERS.iter().enumerate() {
        assert!(
            text.contains(&format!("\"n{index}\": {number}\n"))
                || text.contains(&format!("\"n{index}\": {number},")),
            "{context}: {given} not kept exactly in\n{text}"
        );
    }
}

impl Scratch {
    /// The body of these tests, written to a file for `--body`.
    fn body_file(&self) -> PathBuf {
        self.file("body.json", body_text())
    }

    /// The command line with its files in here, and a token.
    fn cli(&self) -> Command {
        let mut command = self.command();
        command.env("FLAMEUP_API_TOKEN", "ws_test_values.0123456789abcdef");
        command
    }
}

fn stdout_of(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn numbers_in_a_body_file_are_previewed_and_sent_exactly() {
    let scratch = Scratch::new("cli");
    let body = scratch.body_file();
    let preview = stdout_of(
        scratch
            .cli()
            .args(["preview", "--target", "http", "--body"])
            .arg(&body),
    );
    assert_exact(&preview, "preview --target http");

    let server = LoopbackServer::start(Reply::json(201, "{}"));
    stdout_of(
        scratch
            .cli()
            .args(["send", "--base-url", &server.base_url(), "--body"])
            .arg(&body),
    );
    let arrived = server.requests().pop().unwrap();
    assert_exact(
        std::str::from_utf8(arrived.body()).unwrap(),
        "the bytes the server received",
    );
}

/// The body bytes `draft` sends, as the one request builder makes them.
fn body_bytes(draft: &Draft) -> String {
    String::from_utf8(
        build_request(draft, None, &Credential::EnvVar)
            .unwrap()
            .body,
    )
    .unwrap()
}

#[test]
fn a_number_typed_in_the_form_keeps_its_text() {
    let mut draft = Draft::default();
    draft.load_body(&serde_json::json!({"userId": "u"}));
    let traits = support::traits_rows(&mut draft);
    traits.extend(
        EXACT_NUMBERS
            .iter()
            .enumerate()
            .map(|(index, (number, _))| {
                FieldRow::new(format!("n{index}"), ValueKind::Number, *number)
            }),
    );
    for row in draft.values.body.rows_at("/traits").unwrap() {
        assert_eq!(
            row.json_value().fallback_note,
            None,
            "{} is a number",
            row.value
        );
    }
    assert_exact(&body_bytes(&draft), "the body");
}

#[test]
fn a_preset_keeps_each_number_exactly() {
    let scratch = Scratch::new("preset");
    let body = scratch.body_file();
    stdout_of(
        scratch
            .cli()
            .args(["presets", "save", "Exact", "--body"])
            .arg(&body),
    );
    let shown = stdout_of(scratch.cli().args(["presets", "show", "Exact"]));
    assert_exact(&shown, "presets show");
    let preview = stdout_of(
        scratch
            .cli()
            .args(["preview", "--target", "http", "--preset", "Exact"]),
    );
    assert_exact(&preview, "preview --preset");

    // The store itself, without the command line: save, find, build again.
    let mut draft = Draft::default();
    let body: serde_json::Value = serde_json::from_str(&body_text()).unwrap();
    draft.load_body(&body);
    let store = PresetStore::at(scratch.join("store"));
    store.save_new(&Preset::new("Direct", &draft)).unwrap();
    let (_, loaded) = store.find("Direct").unwrap();
    assert_exact(
        &body_bytes(&loaded.request.to_draft()),
        "a loaded preset's body",
    );
}

#[test]
fn the_response_view_shows_each_number_exactly() {
    let view = BodyView::from_bytes(body_text().as_bytes());
    assert_exact(view.text(), "the pretty view");
}
