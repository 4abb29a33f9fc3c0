//! Proof that the sandbox answers as its contract says, by a tool that is not ours: Schemathesis
//! (PyPI `schemathesis`) reads the sandbox's own `/openapi.json` and sends every operation
//! examples, boundary values, fuzzed and deliberately invalid requests, with all its checks
//! (status documented, body and headers matching their schemas, invalid data refused, valid data
//! accepted, a wrong method answered 405 with `Allow`, a missing token refused, …). Any failure
//! fails the test. It prints how many operations and test cases were tried, and how long it took.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use flameup_explorer::sandbox::{Drift, DriftKind, Sandbox, SandboxSettings};

/// The only token the sandbox accepts here, so Schemathesis's check that a wrong or missing
/// token is refused has something to find.
const TOKEN: &str = "ws_test_schemathesis.0123456789abcdef";

/// Test cases per operation and phase: enough to reach the boundaries, bounded for CI.
const MAX_EXAMPLES: &str = "20";
const SEED: &str = "20261127";

fn start(drift: Drift) -> Sandbox {
    let settings = SandboxSettings {
        required_token: Some(TOKEN.to_owned()),
        // On, so the documented X-RateLimit-* headers are checked on every answer, but high
        // enough that the run itself is never limited.
        rate_limit: Some(1_000_000),
        drift,
        ..SandboxSettings::default()
    };
    Sandbox::start("127.0.0.1:0".parse().unwrap(), settings).expect("the sandbox starts")
}

/// Schemathesis's command line, through the python3 it is installed for. Missing, it skips the
/// test with a message, except under `CI=true`, where `.ci/run` must have installed it.
fn schemathesis() -> Option<Command> {
    let probe = Command::new("python3")
        .args(["-m", "schemathesis.cli", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|status| status.success()) {
        let install = "python3 -m pip install schemathesis";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "Schemathesis is not installed: .ci/run must install it ({install})"
        );
        eprintln!("skipped: Schemathesis is not installed ({install})");
        return None;
    }
    let mut command = Command::new("python3");
    command.args(["-m", "schemathesis.cli"]);
    Some(command)
}

/// A directory of its own for each run: Schemathesis keeps caches (and replays earlier
/// failures) in its working directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "flameup-schemathesis-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `st run` against the sandbox's document with all checks, a fixed seed, one worker and no
/// example database, plus `extra` arguments.
fn run(sandbox: &Sandbox, name: &str, extra: &[&str]) -> Option<Output> {
    let mut command = schemathesis()?;
    let dir = scratch(name);
    let output = command
        .current_dir(&dir)
        .arg("run")
        .arg(format!("{}/openapi.json", sandbox.base_url()))
        .args([
            "--checks",
            "all",
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            SEED,
        ])
        .args(["--workers", "1", "--generation-database", "none"])
        .args(["--request-timeout", "10", "--no-color"])
        .args(["--header", &format!("Authorization: Bearer {TOKEN}")])
        .args(extra)
        .output()
        .expect("python3 runs");
    let _ = std::fs::remove_dir_all(&dir);
    Some(output)
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The summary line that starts with `label` (e.g. `Tested:`), trimmed.
fn summary_line<'a>(report: &'a str, label: &str) -> Option<&'a str> {
    report
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with(label))
}

#[test]
fn schemathesis_finds_nothing_wrong_with_any_operation() {
    let sandbox = start(Drift::default());
    let started = Instant::now();
    let Some(output) = run(&sandbox, "clean", &[]) else {
        return;
    };
    let elapsed = started.elapsed();
    let report = text(&output);
    assert!(
        output.status.success(),
        "Schemathesis found failures:\n{report}"
    );
    let operations = flameup_explorer::contract::embedded()
        .unwrap()
        .operations()
        .len();
    let tested = summary_line(&report, "Tested:").unwrap_or_else(|| panic!("{report}"));
    assert_eq!(tested, format!("Tested: {operations}"), "every operation");
    let cases = report
        .lines()
        .find(|line| line.contains(" generated, "))
        .unwrap_or_default()
        .trim();
    // Figures for the report, not assertions: they vary with the machine.
    println!(
        "Schemathesis: {operations} operations, test cases: {cases} (--max-examples {MAX_EXAMPLES} --seed {SEED}), in {:.1} s",
        elapsed.as_secs_f64()
    );
}

#[test]
fn schemathesis_notices_a_drifted_sandbox() {
    // The run above passing means something only if the same run fails on a sandbox that
    // breaks its contract: here the answer of one operation, a required field left out.
    let sandbox = start(Drift::of(&[DriftKind::MissingField]));
    let Some(output) = run(
        &sandbox,
        "drifted",
        &[
            "--include-operation-id",
            "listPeople",
            "--max-failures",
            "1",
        ],
    ) else {
        return;
    };
    let report = text(&output);
    assert!(
        !output.status.success(),
        "a drifted answer passed:\n{report}"
    );
    assert!(
        report.contains("Response violates schema"),
        "not the schema check:\n{report}"
    );
}
