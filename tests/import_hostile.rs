//! The import against what a hostile tester tried (issue 14, findings 1-10, 15, 18-23): files
//! whose rows share a line, results files that are not this import's, answers that do not list
//! what was sent, absurd rate-limit headers, standard input. Each test runs the import through
//! the library or the real binary against the in-process sandbox or a loopback server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use flameup_explorer::import::pacing::{
    MAX_RATE_LIMITED_IN_A_ROW, MAX_WAIT, Pacer, Permit, Quota, retry_after,
};
use flameup_explorer::import::results::{Extent, ResultsWriter};
use flameup_explorer::import::{
    Destination, End, Event, Import, Outcome, ResultsFile, RowResult, SendSettings, Settings,
    Summary,
};
use flameup_explorer::sandbox::{Sandbox, SandboxSettings};
use serde_json::{Value, json};
use support::scratch::{Scratch, run_with_stdin};
use support::{LoopbackServer, Reply};

const TOKEN: &str = "ws_test_hostile.token";

fn sandbox() -> Sandbox {
    let settings = SandboxSettings {
        rate_limit: None,
        ..SandboxSettings::default()
    };
    Sandbox::start(SocketAddr::from(([127, 0, 0, 1], 0)), settings).unwrap()
}

fn send_settings(base_url: String, results: Option<(&Path, bool)>) -> SendSettings {
    SendSettings {
        batch_size: 2,
        concurrency: 1,
        retries: 0,
        backoff: Duration::from_millis(1),
        results: results.map(|(path, resume)| ResultsFile {
            path: path.to_owned(),
            resume,
        }),
        ..SendSettings::new(Destination {
            base_url,
            token: TOKEN.to_owned(),
        })
    }
}

/// Runs an import through the library to its end; its summary and every event.
fn run(file: &Path, send: Option<SendSettings>) -> (Summary, Vec<Event>) {
    let (events_in, events) = mpsc::channel();
    let settings = Settings {
        file: file.to_owned(),
        workspace: None,
        send,
    };
    let import = Import::start(settings, move |event| {
        let _ = events_in.send(event);
    })
    .unwrap();
    let summary = import.wait();
    (summary, events.try_iter().collect())
}

/// Every line of a results file, in order.
fn result_lines(path: &Path) -> Vec<RowResult> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect()
}

/// Each row's latest outcome in a results file, by row ordinal.
fn latest(path: &Path) -> BTreeMap<u64, Outcome> {
    result_lines(path)
        .into_iter()
        .map(|row| (row.row, row.outcome))
        .collect()
}

fn binary(scratch: &Scratch) -> Command {
    let mut command = scratch.command();
    command
        .env("FLAMEUP_API_TOKEN", TOKEN)
        .env("FLAMEUP_EXPLORER_KEYRING", "off");
    command
}

fn import_cli(scratch: &Scratch, args: &[&str]) -> Output {
    binary(scratch).arg("import").args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Finding 1: rows that share a line.

#[test]
fn a_one_line_json_array_resumes_by_row_not_by_line() {
    let scratch = Scratch::new("array");
    let people: Vec<Value> = (0..6)
        .map(|i| json!({"userId": format!("arr{i}")}))
        .collect();
    let file = scratch.file("people.json", Value::Array(people).to_string().as_bytes());
    // A run killed after its first row: every person of the file is on line 1.
    let results = scratch.file(
        "results.jsonl",
        br#"{"line":1,"userId":"arr0","outcome":"created","id":null,"errors":[],"row":1}
"#,
    );
    let sandbox = sandbox();
    let (summary, _) = run(
        &file,
        Some(send_settings(sandbox.base_url(), Some((&results, true)))),
    );
    assert_eq!(summary.end, End::Complete);
    assert_eq!(summary.counts.created, 6, "{summary:?}");
    let lines = result_lines(&results);
    assert!(lines.iter().all(|row| row.line == 1));
    let rows: Vec<u64> = lines.iter().map(|row| row.row).collect();
    assert_eq!(
        rows,
        [1, 2, 3, 4, 5, 6],
        "each row once, the first not again"
    );
}

#[test]
fn a_cr_only_csv_counts_every_row_on_its_own_line() {
    let scratch = Scratch::new("cr");
    let file = scratch.file(
        "mac.csv",
        b"userId,email\ra1,a1@example.com\ra2,not-an-email\r\ra4,a4@example.com\r\na5,nope\n",
    );
    let (summary, events) = run(&file, None);
    let invalid: Vec<(u64, u64)> = events
        .into_iter()
        .filter_map(|event| match event {
            Event::Invalid(row) => Some((row.row, row.line)),
            _ => None,
        })
        .collect();
    assert_eq!(invalid, [(2, 3), (4, 6)], "(row, line) of each bad row");
    assert_eq!(summary.counts.rows, 4);
}

// ---------------------------------------------------------------------------------------------
// Findings 2, 3, 9: results files that are not this import's.

#[test]
fn a_results_file_that_is_not_one_is_refused_and_left_as_it_was() {
    let scratch = Scratch::new("unfit");
    let input = scratch.file("people.csv", b"userId\nu1\nu2\n");
    let link = scratch.join("same-people.csv");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let precious = scratch.file("precious.json", b"{\"keep\": \"me\"}\n[1, 2, 3]\n");
    let endless = scratch.file("endless.bin", vec![b'x'; 5 * 1024 * 1024]);
    let folder = scratch.join("folder");
    std::fs::create_dir(&folder).unwrap();
    let server = LoopbackServer::start(Reply::json(500, "{}"));
    let base = server.base_url();
    for (results, says) in [
        (&input, "is the file being imported"),
        (&link, "is the file being imported"),
        (&precious, "is not a results file"),
        (&endless, "is not a results file"),
        (&folder, "is a folder"),
        (&PathBuf::from("/dev/null"), "not a regular file"),
    ] {
        let before = std::fs::read(results).ok();
        let out = import_cli(
            &scratch,
            &[
                arg(&input),
                "--base-url",
                &base,
                "--results",
                arg(results),
                "--resume",
            ],
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{results:?}: {stderr}");
        assert!(stderr.contains(says), "{results:?}: {stderr}");
        assert_eq!(std::fs::read(results).ok(), before, "{results:?} unchanged");
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[test]
fn another_files_results_are_refused_instead_of_skipping_its_rows() {
    let scratch = Scratch::new("other");
    let first = scratch.file("a.csv", b"userId\nA1\nA2\nA3\n");
    let second = scratch.file("b.csv", b"userId\nB1\nB2\nB3\nB4\n");
    let results = scratch.join("results.jsonl");
    let sandbox = sandbox();
    let base = sandbox.base_url();
    let out = import_cli(
        &scratch,
        &[arg(&first), "--base-url", &base, "--results", arg(&results)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let before = std::fs::read(&results).unwrap();

    let out = import_cli(
        &scratch,
        &[
            arg(&second),
            "--base-url",
            &base,
            "--results",
            arg(&results),
            "--resume",
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("another file's import") && stderr.contains("\"B1\""),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&results).unwrap(), before);
}

#[test]
fn a_row_beyond_the_file_in_the_results_is_refused_without_a_huge_allocation() {
    let scratch = Scratch::new("huge-line");
    let input = scratch.file("people.csv", b"userId\nu1\nu2\n");
    let server = LoopbackServer::start(Reply::json(500, "{}"));
    for recorded in [
        r#"{"line":18446744073709551615,"userId":"u1","outcome":"created","id":null,"errors":[]}"#,
        r#"{"line":2,"userId":"u1","outcome":"created","id":null,"errors":[],"row":1000000000000}"#,
    ] {
        let results = scratch.file("results.jsonl", format!("{recorded}\n").as_bytes());
        let out = import_cli(
            &scratch,
            &[
                arg(&input),
                "--base-url",
                &server.base_url(),
                "--results",
                arg(&results),
                "--resume",
            ],
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("not this file's import"), "{stderr}");
    }
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Findings 5 and 22: outcomes only with evidence; failed rows go again.

#[test]
fn rows_the_answer_does_not_list_are_failed_then_resent_by_a_resume() {
    let scratch = Scratch::new("unlisted");
    let file = scratch.file("people.csv", b"userId\nu1\nu2\nu3\n");
    let results = scratch.join("results.jsonl");
    let empty = r#"{"people":[],"created_count":0,"updated_count":0}"#;
    let server = LoopbackServer::start(Reply::json(200, empty));
    let mut send = send_settings(server.base_url(), Some((&results, false)));
    send.batch_size = 3;
    let (summary, _) = run(&file, Some(send));
    assert_eq!(summary.end, End::Complete);
    assert_eq!(
        (summary.counts.created, summary.counts.failed),
        (0, 3),
        "nothing shows they were stored"
    );
    assert!(
        result_lines(&results)
            .iter()
            .all(|row| row.errors[0].reason.contains("did not list"))
    );

    // The server recovers: a resume sends the failed rows again; the latest outcome counts.
    let sandbox = sandbox();
    let (summary, _) = run(
        &file,
        Some(send_settings(sandbox.base_url(), Some((&results, true)))),
    );
    assert_eq!(summary.end, End::Complete);
    assert_eq!(
        (summary.counts.created, summary.counts.failed),
        (3, 0),
        "{summary:?}"
    );
    assert_eq!(
        latest(&results),
        BTreeMap::from([
            (1, Outcome::Created),
            (2, Outcome::Created),
            (3, Outcome::Created)
        ])
    );
}

#[test]
fn rows_failed_by_a_server_error_are_resent_by_a_resume_once_it_recovers() {
    let scratch = Scratch::new("failed");
    let file = scratch.file("people.csv", b"userId\nf1\nf2\nf3\n");
    let results = scratch.join("results.jsonl");
    let broken = LoopbackServer::start(Reply::json(503, r#"{"error":"Down"}"#));
    let (summary, _) = run(
        &file,
        Some(send_settings(broken.base_url(), Some((&results, false)))),
    );
    assert_eq!(summary.counts.failed, 3);

    let sandbox = sandbox();
    let (summary, _) = run(
        &file,
        Some(send_settings(sandbox.base_url(), Some((&results, true)))),
    );
    assert_eq!(
        (summary.counts.created, summary.counts.failed),
        (3, 0),
        "{summary:?}"
    );
    assert!(latest(&results).values().all(|o| *o == Outcome::Created));
}

#[test]
fn a_user_id_twice_in_one_batch_is_created_then_updated() {
    let scratch = Scratch::new("twice");
    let file = scratch.file(
        "people.csv",
        b"userId,email\nd1,a@example.com\nd1,b@example.com\n",
    );
    let results = scratch.join("results.jsonl");
    let sandbox = sandbox();
    let (summary, _) = run(
        &file,
        Some(send_settings(sandbox.base_url(), Some((&results, false)))),
    );
    assert_eq!(
        (summary.counts.created, summary.counts.updated),
        (1, 1),
        "{summary:?}"
    );
    assert_eq!(
        latest(&results),
        BTreeMap::from([(1, Outcome::Created), (2, Outcome::Updated)])
    );
}

// ---------------------------------------------------------------------------------------------
// Finding 6: one results file, one import.

#[test]
fn a_second_import_cannot_open_a_results_file_in_use() {
    let scratch = Scratch::new("locked");
    let path = scratch.join("results.jsonl");
    let input = Path::new("/nonexistent/people.csv");
    let extent = Extent {
        rows: 10,
        last_line: 11,
    };
    let (first, _) = ResultsWriter::open(&path, false, input, extent).unwrap();
    let error = ResultsWriter::open(&path, true, input, extent)
        .err()
        .expect("refused while the first holds it");
    assert!(error.contains("another import is using"), "{error}");
    drop(first);
    assert!(ResultsWriter::open(&path, true, input, extent).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Findings 7 and 8: absurd rate-limit headers.

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

#[test]
fn an_absurd_reset_on_a_success_does_not_stop_the_import() {
    let scratch = Scratch::new("okreset");
    let file = scratch.file("people.csv", b"userId\nok1\n");
    let body =
        r#"{"people":[{"id":"p1","external_id":"ok1"}],"created_count":1,"updated_count":0}"#;
    let server = LoopbackServer::start(Reply::Respond {
        status: 200,
        headers: headers(&[
            ("Content-Type", "application/json"),
            ("X-RateLimit-Limit", "10"),
            ("X-RateLimit-Remaining", "5"),
            ("X-RateLimit-Reset", "18446744073709551615"),
        ]),
        body: body.as_bytes().to_vec(),
    });
    let (summary, _) = run(&file, Some(send_settings(server.base_url(), None)));
    assert_eq!(summary.end, End::Complete, "{summary:?}");
    assert_eq!((summary.counts.rows, summary.counts.created), (1, 1));
}

#[test]
fn absurd_waits_are_capped_and_never_overflow() {
    let now = SystemTime::now();
    for value in ["18446744073709551615", "99999999999"] {
        let wait = retry_after(&headers(&[("Retry-After", value)]), now).unwrap();
        assert_eq!(wait, MAX_WAIT, "Retry-After: {value}");
        let quota = Quota::from_headers(
            &headers(&[("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", value)]),
            now,
        )
        .unwrap();
        let (_, until_reset) = quota.reset.unwrap();
        assert!(until_reset <= MAX_WAIT, "Reset: {value}");
        let start = Instant::now();
        let mut pacer = Pacer::default();
        pacer.rate_limited(Some(quota), Some(wait), start);
        assert!(matches!(pacer.permit(0, 1, start), Permit::Wait(at) if at <= start + MAX_WAIT));
    }
}

#[test]
fn repeated_429s_asking_for_no_wait_wait_longer_each_time_then_give_up() {
    let start = Instant::now();
    let mut pacer = Pacer::default();
    let mut now = start;
    let mut waits = Vec::new();
    for _ in 0..MAX_RATE_LIMITED_IN_A_ROW {
        pacer.rate_limited(None, Some(Duration::ZERO), now);
        let Permit::Wait(until) = pacer.permit(0, 1, now) else {
            // No wait at all: only the very first 429 may be resent at once.
            assert!(waits.is_empty(), "a 429 after {waits:?} was not waited out");
            waits.push(Duration::ZERO);
            continue;
        };
        waits.push(until - now);
        now = until;
    }
    assert!(
        waits.windows(2).all(|pair| pair[1] >= pair[0]) && waits[2] > waits[1],
        "{waits:?}"
    );
    assert!(waits[1] >= Duration::from_secs(1), "{waits:?}");
    assert_eq!(pacer.rate_limited_in_a_row(), MAX_RATE_LIMITED_IN_A_ROW);
    pacer.observe(None, now);
    assert_eq!(
        pacer.rate_limited_in_a_row(),
        0,
        "an answer ends the streak"
    );
}

// ---------------------------------------------------------------------------------------------
// Finding 10: input that can be read only once.

#[test]
fn standard_input_is_imported_with_a_dash() {
    let scratch = Scratch::new("stdin");
    let sandbox = sandbox();
    let results = scratch.join("results.jsonl");
    let out = run_with_stdin(
        binary(&scratch)
            .args(["import", "-", "--output", "json", "--base-url"])
            .arg(sandbox.base_url())
            .arg("--results")
            .arg(&results),
        b"{\"userId\":\"in1\"}\n{\"userId\":\"in2\"}\n{\"userId\":\"in3\",\"email\":\"x\"}\n",
    );
    let summary: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}", text(&out.stderr)));
    assert_eq!(
        out.status.code(),
        Some(0),
        "every valid row stored: {}",
        text(&out.stderr)
    );
    assert_eq!(
        (&summary["rows"], &summary["created"], &summary["invalid"]),
        (&json!(3), &json!(2), &json!(1)),
        "{summary}"
    );
    assert_eq!(result_lines(&results).len(), 3);
}

#[test]
fn a_folder_as_input_is_refused_without_a_line_number() {
    let scratch = Scratch::new("folder");
    let out = import_cli(&scratch, &["--dry-run", arg(scratch.path())]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is a folder") && !stderr.contains("line 1"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// Findings 4, 18-21: what the check lets through.

/// Each invalid row's (line, column, reason) in a dry run of `file`.
fn dry_run_invalid(file: &Path, workspace: Option<&str>) -> Vec<(u64, Option<String>, String)> {
    let (events_in, events) = mpsc::channel();
    let settings = Settings {
        file: file.to_owned(),
        workspace: workspace.map(str::to_owned),
        send: None,
    };
    let import = Import::start(settings, move |event| {
        let _ = events_in.send(event);
    })
    .unwrap();
    let summary = import.wait();
    assert_eq!(summary.end, End::Complete, "{summary:?}");
    events
        .try_iter()
        .filter_map(|event| match event {
            Event::Invalid(row) => Some(row),
            _ => None,
        })
        .flat_map(|row| {
            row.errors
                .into_iter()
                .map(move |error| (row.line, error.column, error.reason))
        })
        .collect()
}

#[test]
fn unknown_fields_of_json_rows_are_refused_like_unknown_csv_columns() {
    let scratch = Scratch::new("unknown");
    let file = scratch.file(
        "people.jsonl",
        b"{\"userId\":\"w1\",\"email\":\"w1@example.com\"}\n{\"userId\":\"w3\",\"Email\":\"x@example.com\",\"bogus\":1}\n",
    );
    let found = dry_run_invalid(&file, None);
    let places: Vec<(u64, Option<&str>)> = found
        .iter()
        .map(|(line, column, _)| (*line, column.as_deref()))
        .collect();
    assert_eq!(
        places,
        [(2, Some("Email")), (2, Some("bogus"))],
        "{found:?}"
    );
    assert!(found[0].2.contains("did you mean email?"), "{found:?}");
    assert!(found[1].2.contains("traits"), "{found:?}");

    let phone = scratch.file("ws.jsonl", b"{\"userId\":\"p1\",\"phone\":\"+15550100\"}\n");
    let found = dry_run_invalid(&phone, Some("ws_sandbox"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].1.as_deref(),
        Some("phone"),
        "a workspace person has no phone"
    );
}

#[test]
fn the_first_content_decides_the_format_however_far_down_and_lines_stay_true() {
    let scratch = Scratch::new("far");
    let mut bytes = vec![b'\n'; 70_000];
    bytes.extend_from_slice(b"{\"userId\":\"a\"}\n{\"userId\":\"b\",\"email\":\"nope\"}\n");
    let file = scratch.file("far.jsonl", &bytes);
    let found = dry_run_invalid(&file, None);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1.as_deref()), (70_002, Some("email")));
}

#[test]
fn a_nul_byte_anywhere_makes_its_row_invalid() {
    let scratch = Scratch::new("nul");
    let mut text = String::from("userId,email\n");
    for index in 0..5_000 {
        text.push_str(&format!("user{index},user{index}@example.com\n"));
    }
    text.push_str("bad\0id,z@example.com\n");
    let file = scratch.file("nul.csv", text.as_bytes());
    let found = dry_run_invalid(&file, None);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1.as_deref()), (5_002, Some("userId")));
    assert!(found[0].2.contains("NUL"), "{found:?}");
}

#[test]
fn pretty_printed_json_objects_are_named_with_the_fix() {
    let scratch = Scratch::new("pretty");
    let file = scratch.file(
        "pretty.json",
        b"{\n  \"userId\": \"a\"\n}\n{\n  \"userId\": \"b\"\n}\n",
    );
    let found = dry_run_invalid(&file, None);
    assert!(!found.is_empty());
    assert!(found[0].2.contains("jq -c"), "{found:?}");
}

/// A person whose traits nest lists `levels` deep in all.
fn nested(user_id: &str, levels: usize) -> String {
    // The person and its traits are two levels; the rest are lists.
    let lists = levels - 2;
    format!(
        "{{\"userId\":\"{user_id}\",\"traits\":{{\"deep\":{}1{}}}}}",
        "[".repeat(lists),
        "]".repeat(lists)
    )
}

#[test]
fn a_person_too_deep_for_a_batch_is_invalid_and_the_deepest_allowed_is_stored() {
    let scratch = Scratch::new("deep");
    let deepest = flameup_explorer::import::source::MAX_PERSON_DEPTH;
    let file = scratch.file(
        "deep.jsonl",
        format!(
            "{}\n{}\n",
            nested("fits", deepest),
            nested("too-deep", deepest + 1)
        )
        .as_bytes(),
    );
    let found = dry_run_invalid(&file, None);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 2);
    assert!(found[0].2.contains("nested"), "{found:?}");

    let sandbox = sandbox();
    let (summary, _) = run(&file, Some(send_settings(sandbox.base_url(), None)));
    assert_eq!(
        (
            summary.counts.created,
            summary.counts.invalid,
            summary.counts.rejected
        ),
        (1, 1, 0),
        "the deepest allowed person passes the server: {summary:?}"
    );
}

#[test]
fn control_characters_from_the_file_are_escaped_in_messages() {
    let scratch = Scratch::new("escape");
    let file = scratch.file("esc.csv", b"userId,traits.age:number\nu1,\x1b[2Jx\n");
    let out = import_cli(&scratch, &["--dry-run", arg(&file)]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.contains("\\x1b[2Jx"), "{stdout:?}");
    assert!(
        stdout.starts_with("line 2, column traits.age:number"),
        "{stdout:?}"
    );
    assert!(stdout.contains("1 row: 0 valid, 1 invalid"), "{stdout:?}");
}

// ---------------------------------------------------------------------------------------------
// Finding 15: a Reset given in seconds from now.

#[test]
fn a_falling_relative_reset_is_the_same_window_and_its_remaining_counts() {
    let now = SystemTime::now();
    let quota = |remaining: &str, reset: &str| {
        Quota::from_headers(
            &headers(&[
                ("X-RateLimit-Limit", "5"),
                ("X-RateLimit-Remaining", remaining),
                ("X-RateLimit-Reset", reset),
            ]),
            now,
        )
    };
    let start = Instant::now();
    let mut pacer = Pacer::default();
    pacer.observe(quota("4", "10"), start);
    // A second later the same window says 9 s and none left: nothing may go until it ends.
    let later = start + Duration::from_secs(1);
    pacer.observe(quota("0", "9"), later);
    assert!(
        matches!(pacer.permit(0, 1, later), Permit::Wait(_)),
        "none remain"
    );
    // Once it has ended, the next window starts full.
    let after = start + Duration::from_secs(11);
    assert_eq!(pacer.permit(0, 1, after), Permit::Go);
    pacer.observe(quota("3", "10"), after);
    assert_eq!(pacer.permit(0, 1, after), Permit::Go);
    assert_eq!(pacer.state(), Some((Some(5), 3)));
}

#[test]
fn the_json_summary_tells_bad_rows_of_one_line_apart_by_row() {
    let scratch = Scratch::new("json-rows");
    let file = scratch.file(
        "people.json",
        br#"[{"userId":"a","email":"x"},{"userId":"b"},{"userId":"c","email":"y"}]"#,
    );
    let out = import_cli(&scratch, &["--dry-run", "--output", "json", arg(&file)]);
    let summary: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}", text(&out.stderr)));
    let places: Vec<(u64, u64)> = summary["invalid_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["line"].as_u64().unwrap(), row["row"].as_u64().unwrap()))
        .collect();
    assert_eq!(places, [(1, 1), (1, 3)], "{summary}");
}

// ---------------------------------------------------------------------------------------------
// Finding 4: a refusal that names no row.

/// A server that refuses, naming no item, every batch holding a person whose userId starts with
/// "poison", and stores every other batch; the batches it saw, as their userIds.
fn picky_server() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Vec<String>>>>) {
    use std::io::Read as _;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/api/v1", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut raw = Vec::new();
            let mut buf = [0u8; 8192];
            let body = loop {
                let read = stream.read(&mut buf).unwrap_or(0);
                if read == 0 {
                    break None;
                }
                raw.extend_from_slice(&buf[..read]);
                let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
                    continue;
                };
                let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse().ok())
                    .unwrap_or(0);
                if raw.len() >= end + 4 + length {
                    break Some(raw[end + 4..end + 4 + length].to_vec());
                }
            };
            let Some(body) = body else { continue };
            let body: Value = serde_json::from_slice(&body).unwrap();
            let ids: Vec<String> = body["people"]
                .as_array()
                .unwrap()
                .iter()
                .map(|person| person["userId"].as_str().unwrap().to_owned())
                .collect();
            log.lock().unwrap().push(ids.clone());
            let (status, answer) = if ids.iter().any(|id| id.starts_with("poison")) {
                (
                    400,
                    json!({"error": "Bad Request", "message": "Recursion limit exceeded"}),
                )
            } else {
                let people: Vec<Value> = ids
                    .iter()
                    .map(|id| json!({"id": format!("id-{id}"), "external_id": id}))
                    .collect();
                let count = people.len();
                (
                    200,
                    json!({"people": people, "created_count": count, "updated_count": 0}),
                )
            };
            let answer = answer.to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (base, seen)
}

#[test]
fn a_refusal_naming_no_row_is_narrowed_down_to_its_row() {
    let scratch = Scratch::new("whole");
    let file = scratch.file("people.csv", b"userId\ng1\ng2\npoison3\ng4\ng5\ng6\n");
    let results = scratch.join("results.jsonl");
    let (base, seen) = picky_server();
    let mut send = send_settings(base, Some((&results, false)));
    send.batch_size = 6;
    let (summary, _) = run(&file, Some(send));
    assert_eq!(summary.end, End::Complete, "{summary:?}");
    assert_eq!(
        (summary.counts.created, summary.counts.rejected),
        (5, 1),
        "only the row at fault is rejected: {:?}",
        seen.lock().unwrap()
    );
    let outcomes = latest(&results);
    assert_eq!(outcomes[&3], Outcome::Rejected);
    let rejected = result_lines(&results)
        .into_iter()
        .find(|row| row.row == 3)
        .unwrap();
    assert!(
        rejected.errors[0].reason.contains("Recursion limit"),
        "{rejected:?}"
    );
}
