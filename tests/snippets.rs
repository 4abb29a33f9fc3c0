//! Every preview target, run with its real interpreter or compiler against a loopback server,
//! sends what the request says: the same method and request target byte for byte, every header
//! but the transport-level ones ([`TRANSPORT_HEADERS`]) with the same values, and a JSON-equal
//! body, or no body and no `Content-Type` when the request has none. What the app's own transport
//! delivers is the reference (and equals the request's header list).
//!
//! The cases are every distinct request shape (each method; path values in every position; query
//! values; no body; an object body; an array body) with each hostile text, every operation of
//! the contract with its examples, numbers beyond 64 bits and headers beyond the usual ones.
//!
//! A missing interpreter skips its target with a message, except under `CI=true`, where it fails:
//! `.ci/run` installs them all. Each target runs all its cases in one go, in order: Go and Rust
//! compile every case into one program (one build each, cases picked by arguments; the Rust
//! project is kept under cargo's target directory, so its dependencies compile once); Python,
//! Node, Ruby and PHP run each snippet file unchanged from a small driver in one process; bash
//! runs one script of all the cURL snippets; and bash parses one script of all the HTTPie
//! snippets into command lines that HTTPie's own `main` then sends, in one Python. A snippet
//! alone through the real executables is proven by `an_inlined_token_runs_too`.

// Test code throughout, helpers and `mod support` included: a panic is the failure message.
// clippy.toml allows that in `#[test]` functions only, which leaves out the helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod drafts;
mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use flameup_explorer::model::{
    Credential, Draft, Environment, FieldRow, HttpRequest, build_request,
};
use flameup_explorer::snippet::{
    TRANSPORT_HEADERS, Target, is_transport_header, render, shell_quote,
};
use flameup_explorer::transport::InFlight;
use proptest::prelude::*;
use serde_json::{Value, json};
use support::tools;
use support::{LoopbackServer, Recorded, Reply};

const TOKEN: &str = "ws_test_snip_7f3a.0123456789abcdef";

/// Headers some tools add on their own that neither the app nor the request has: `connection`
/// (Python, Node, HTTPie, Ruby) and Node's fetch metadata. They are left out of the comparison
/// unless the request itself carries them.
const TOOL_HEADERS: [&str; 3] = ["connection", "accept-language", "sec-fetch-mode"];

/// What a request looked like on arrival, in the terms the snippets must match.
#[derive(Debug)]
struct Arrival {
    request_line: String,
    /// Every header but the [`TRANSPORT_HEADERS`]: names in lower case, sorted by name (the
    /// values of a repeated name keep their order), values trimmed as HTTP reads them.
    headers: Vec<(String, String)>,
    /// `None` when no body arrived.
    body: Option<Value>,
}

impl PartialEq for Arrival {
    fn eq(&self, other: &Self) -> bool {
        self.request_line == other.request_line
            && self.headers == other.headers
            && match (&self.body, &other.body) {
                (Some(mine), Some(theirs)) => json_equal(mine, theirs),
                (mine, theirs) => mine.is_none() && theirs.is_none(),
            }
    }
}

/// Equality of JSON values as JSON defines them. JSON has one number type (RFC 8259, section 6):
/// `1.0` and `1` are the same number, and JavaScript cannot tell them apart, so comparing the
/// numbers' text would be the wrong test (Python writes `1.5e-07` for `1.5e-7`). Two floats
/// compare as the doubles they denote; an integer and a float are equal only when the float is
/// exactly that integer; two integers compare exactly, however large.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (
            x.as_f64().filter(|_| x.is_f64()),
            y.as_f64().filter(|_| y.is_f64()),
        ) {
            (Some(x), Some(y)) => x == y,
            (Some(float), None) => float_is_integer(float, y),
            (None, Some(float)) => float_is_integer(float, x),
            (None, None) => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, value)| y.get(key).is_some_and(|other| json_equal(value, other)))
        }
        _ => a == b,
    }
}

fn float_is_integer(float: f64, integer: &serde_json::Number) -> bool {
    let integer = integer
        .as_i64()
        .map(i128::from)
        .or_else(|| integer.as_u64().map(i128::from));
    float.fract() == 0.0 && float.abs() < 1e38 && integer == Some(float as i128)
}

#[test]
fn json_equality_is_by_value_for_numbers_only() {
    assert!(json_equal(
        &json!({"n": 1.0, "a": [2]}),
        &json!({"a": [2], "n": 1})
    ));
    let text = |number: &str| serde_json::from_str::<Value>(number).unwrap();
    assert!(json_equal(&text("1.5e-07"), &text("1.5e-7")));
    assert!(!json_equal(&text("1.5e-07"), &text("1.5e-6")));
    assert!(!json_equal(&json!(1.5), &json!(1)));
    assert!(!json_equal(
        &json!(9007199254740992.0),
        &json!(9007199254740993_u64)
    ));
    assert!(!json_equal(&json!("1"), &json!(1)));
    assert!(!json_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
}

#[test]
fn arrivals_differ_in_any_header_or_in_having_a_body() {
    let arrival = |headers: &[(&str, &str)], body: Option<Value>| Arrival {
        request_line: "GET / HTTP/1.1".into(),
        headers: headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect(),
        body,
    };
    let reference = arrival(&[("accept", "a"), ("x-trace", "1")], None);
    assert_eq!(
        reference,
        arrival(&[("accept", "a"), ("x-trace", "1")], None)
    );
    assert_ne!(reference, arrival(&[("accept", "a")], None));
    assert_ne!(
        reference,
        arrival(&[("accept", "a"), ("x-trace", "2")], None)
    );
    assert_ne!(
        reference,
        arrival(&[("accept", "a"), ("x-trace", "1")], Some(json!({})))
    );
}

/// Sorts headers by name only, so repeated names keep the order they were sent in.
fn sorted_by_name(mut headers: Vec<(String, String)>) -> Vec<(String, String)> {
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    headers
}

impl Arrival {
    fn of(recorded: &Recorded) -> Self {
        let text = recorded.text();
        let headers = recorded
            .header_lines()
            .iter()
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
            .filter(|(name, _)| !is_transport_header(name))
            .collect();
        let body = recorded.body();
        Self {
            request_line: text.lines().next().unwrap_or_default().to_owned(),
            headers: sorted_by_name(headers),
            body: (!body.is_empty()).then(|| {
                serde_json::from_slice(body).unwrap_or_else(|err| {
                    panic!(
                        "the body is not JSON ({err}): {}",
                        String::from_utf8_lossy(body)
                    )
                })
            }),
        }
    }

    /// What the server must see when `request` (showing the token as `$FLAMEUP_API_TOKEN`) is
    /// sent with the token: its method and target, its headers but the transport-level ones,
    /// its body.
    fn expected_for(request: &HttpRequest) -> Self {
        let headers = request
            .headers
            .iter()
            .filter(|(name, _)| !is_transport_header(name))
            .map(|(name, value)| {
                let value = value.replace("$FLAMEUP_API_TOKEN", TOKEN);
                (name.to_lowercase(), value.trim().to_owned())
            })
            .collect();
        Self {
            request_line: format!("{} {} HTTP/1.1", request.method, request.target()),
            headers: sorted_by_name(headers),
            body: (!request.body.is_empty())
                .then(|| serde_json::from_slice(&request.body).expect("a JSON body")),
        }
    }

    /// This arrival without the [`TOOL_HEADERS`] that `expected` does not carry.
    fn without_tool_headers(mut self, expected: &Self) -> Self {
        let expected_names: Vec<&str> = expected
            .headers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        self.headers.retain(|(name, _)| {
            !TOOL_HEADERS.contains(&name.as_str()) || expected_names.contains(&name.as_str())
        });
        self
    }
}

#[test]
fn the_transport_list_is_what_every_http_client_adds_itself() {
    assert_eq!(
        TRANSPORT_HEADERS,
        ["host", "content-length", "accept-encoding", "user-agent"]
    );
}

/// Why a target cannot run here, if it cannot.
fn missing_tools(target: Target) -> Vec<&'static str> {
    let (programs, library): (&[&str], _) = match target {
        Target::Curl => (&["bash", "curl"], None),
        Target::Httpie => (&["bash", "http"], None),
        Target::Python => (&["python3"], Some(tools::PYTHON_REQUESTS)),
        Target::JavaScript => (&["node"], None),
        Target::Go => (&["go"], None),
        Target::Ruby => (&["ruby"], None),
        Target::Php => (&["php"], Some(tools::PHP_CURL)),
        Target::Rust | Target::Http => (&[], None),
    };
    tools::missing(programs, library)
}

/// What each target lacks here, found once per run: the checks start interpreters, which would
/// cost more than the random drafts' own runs.
fn missing_tools_of(target: Target) -> &'static [&'static str] {
    static MISSING: OnceLock<Vec<(Target, Vec<&'static str>)>> = OnceLock::new();
    MISSING
        .get_or_init(|| {
            Target::ALL
                .into_iter()
                .map(|target| (target, missing_tools(target)))
                .collect()
        })
        .iter()
        .find(|(known, _)| *known == target)
        .map_or(&[], |(_, missing)| missing.as_slice())
}

/// Whether `target` can run; says why not, and fails under CI.
fn can_run(target: Target) -> bool {
    tools::can_run(target, missing_tools_of(target))
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An empty directory for this run's generated sources.
fn fresh_dir(dir: &Path) -> PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    dir.to_owned()
}

/// A cargo project kept between runs, for the Rust snippets: its `src` holds one module per
/// snippet and a `main.rs` that runs the ones named by its arguments. It builds without debug
/// info, which no test reads and which doubled the build (linking ureq's and rustls' debug info).
fn rust_project() -> PathBuf {
    let dir = scratch_dir("snippet-rust");
    let manifest = "[package]\nname = \"snippet\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
                    [dependencies]\nureq = \"3\"\nserde_json = \"1\"\n\n\
                    [profile.dev]\ndebug = false\n\n[workspace]\n";
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        // The app's own lock file pins the same ureq and serde_json, so this builds offline.
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"),
            &lock,
        )
        .unwrap();
    }
    dir
}

/// `text` with its one `old` replaced by `new`: how a snippet's `main` becomes one entry of the
/// shared program. Everything else of the snippet runs as it is.
fn replace_once(text: &str, old: &str, new: &str) -> String {
    assert_eq!(text.matches(old).count(), 1, "one `{old}` in:\n{text}");
    text.replacen(old, new, 1)
}

fn run_build(mut command: Command, what: &str) {
    let output = command.output().expect("the compiler runs");
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
}

/// Compiles every Go snippet into one program: each `func main` becomes `snippetN`, in a file of
/// its own (Go imports are per file), and a dispatcher calls the ones named by the arguments, in
/// order.
fn build_go(snippets: &[String], dir: &Path) -> PathBuf {
    let dir = fresh_dir(&dir.join("go"));
    let mut files = Vec::new();
    let mut cases = String::new();
    for (index, snippet) in snippets.iter().enumerate() {
        let source = replace_once(
            snippet,
            "func main() {",
            &format!("func snippet{index}() {{"),
        );
        let file = dir.join(format!("snippet{index}.go"));
        std::fs::write(&file, source).unwrap();
        files.push(file);
        cases.push_str(&format!("\t\tcase \"{index}\":\n\t\t\tsnippet{index}()\n"));
    }
    let dispatcher = format!(
        "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() {{\n\t\
         for _, index := range os.Args[1:] {{\n\t\t\
         fmt.Fprintln(os.Stderr, \"{RUNNING}\"+index)\n\t\t\
         switch index {{\n{cases}\t\tdefault:\n\t\t\tpanic(\"no such snippet\")\n\t\t}}\n\t}}\n}}\n"
    );
    let main = dir.join("main.go");
    std::fs::write(&main, dispatcher).unwrap();
    let program = dir.join("snippets");
    let mut command = Command::new("go");
    command
        .arg("build")
        .arg("-o")
        .arg(&program)
        .arg(&main)
        .args(&files);
    run_build(command, "go build");
    program
}

/// Compiles every Rust snippet into one program: each becomes a module whose `main` is public,
/// and `main.rs` runs the ones named by the arguments, in order.
fn build_rust(snippets: &[String]) -> PathBuf {
    let project = rust_project();
    let src = fresh_dir(&project.join("src"));
    let mut modules = String::new();
    let mut arms = String::new();
    for (index, snippet) in snippets.iter().enumerate() {
        let source = replace_once(snippet, "fn main()", "pub fn main()");
        std::fs::write(src.join(format!("snippet{index}.rs")), source).unwrap();
        modules.push_str(&format!("mod snippet{index};\n"));
        arms.push_str(&format!(
            "            \"{index}\" => snippet{index}::main()?,\n"
        ));
    }
    let dispatcher = format!(
        "{modules}\nfn main() -> Result<(), Box<dyn std::error::Error>> {{\n    \
         for index in std::env::args().skip(1) {{\n        \
         eprintln!(\"{RUNNING}{{index}}\");\n        \
         match index.as_str() {{\n{arms}            \
         _ => return Err(\"no such snippet\".into()),\n        }}\n    }}\n    Ok(())\n}}\n"
    );
    std::fs::write(src.join("main.rs"), dispatcher).unwrap();
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(["build", "--offline", "--quiet", "--manifest-path"])
        .arg(project.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", project.join("target"));
    run_build(command, "cargo build of the Rust snippets");
    project.join("target").join("debug").join("snippet")
}

/// What every runner prints to stderr before it starts a snippet, followed by its index, so a
/// failure names the snippet that failed.
const RUNNING: &str = "running snippet ";

#[test]
fn every_runner_announces_each_snippet_it_starts() {
    let drivers = [
        Target::Python,
        Target::JavaScript,
        Target::Ruby,
        Target::Php,
    ]
    .map(|target| interpreter_driver(target).1);
    for driver in drivers.into_iter().chain([HTTPIE_DRIVER]) {
        assert!(driver.contains(RUNNING), "{driver}");
    }
    let two = ["echo 0".to_owned(), "echo 1".to_owned()];
    for script in [curl_script(&two), httpie_script(&two)] {
        assert!(script.contains(&format!("'{RUNNING}1'")), "{script}");
    }
    assert_eq!(
        failed_snippet("running snippet 3\nrunning snippet 12\nboom"),
        Some(12)
    );
}

/// The file extension of a target's snippets.
fn extension(target: Target) -> &'static str {
    let name = target.file_name();
    name.rsplit_once('.')
        .map_or(name, |(_, extension)| extension)
}

/// A driver that runs the snippet files `snippet<index>.<ext>` named by its arguments, in order,
/// each unchanged, in one interpreter: what keeps ninety cases from costing ninety start-ups.
fn interpreter_driver(target: Target) -> (&'static str, &'static str) {
    match target {
        Target::Python => (
            "python3",
            r#"import runpy
import sys

for index in sys.argv[1:]:
    print("running snippet " + index, file=sys.stderr, flush=True)
    runpy.run_path(f"snippet{index}.py", run_name="__main__")
"#,
        ),
        Target::JavaScript => (
            "node",
            r#"for (const index of process.argv.slice(2)) {
  console.error("running snippet " + index);
  await import(`./snippet${index}.mjs`);
}
"#,
        ),
        Target::Ruby => (
            "ruby",
            r#"ARGV.dup.each do |index|
  warn "running snippet #{index}"
  load File.join(__dir__, "snippet#{index}.rb")
end
"#,
        ),
        Target::Php => (
            "php",
            r#"<?php

foreach (array_slice($argv, 1) as $snippet_index) {
    fwrite(STDERR, "running snippet $snippet_index\n");
    include __DIR__ . "/snippet$snippet_index.php";
}
"#,
        ),
        _ => unreachable!("{target:?} is not run by an interpreter"),
    }
}

/// A cURL script of every snippet in order, stopping at the first that fails. Each is told to
/// keep quiet but still fail loudly; the snippet's own options are kept.
fn curl_script(snippets: &[String]) -> String {
    let mut script = "set -e\n".to_owned();
    for (index, snippet) in snippets.iter().enumerate() {
        script.push_str(&format!(
            "echo '{RUNNING}{index}' >&2\n{snippet} --silent --show-error --output /dev/null\n"
        ));
    }
    script
}

/// Runs HTTPie's own `main` (what the `http` executable calls) once per recorded command line,
/// in one Python: HTTPie takes a third of a second to start, ninety times over otherwise.
const HTTPIE_DRIVER: &str = r#"import sys

from httpie.context import Environment
from httpie.core import main
from httpie.status import ExitStatus

for index in sys.argv[1:]:
    print("running snippet " + index, file=sys.stderr, flush=True)
    with open(f"http-args-{index}", "rb") as file:
        args = file.read().split(b"\0")[:-1]
    status = main(["http", *args], env=Environment())
    if status != ExitStatus.SUCCESS:
        sys.exit(f"http ended with {status}")
"#;

/// A script that runs every HTTPie snippet through bash, as is. When `http` is a Python script,
/// `http` is a shell function in it that records the command line bash hands it (NUL-separated,
/// byte for byte), and HTTPie's Python then sends each recorded command line through
/// [`HTTPIE_DRIVER`]; otherwise (a standalone `http` binary) each snippet runs `http` itself.
fn httpie_script(snippets: &[String]) -> String {
    let python = httpie_python();
    let mut script = "set -e\n".to_owned();
    if python.is_some() {
        script.push_str(
            "calls=0\n\
             http() { printf '%s\\0' \"$@\" > \"http-args-$calls\"; calls=$((calls + 1)); }\n",
        );
    }
    for (index, snippet) in snippets.iter().enumerate() {
        script.push_str(&format!("echo '{RUNNING}{index}' >&2\n{snippet}\n"));
    }
    if let Some(python) = python {
        let indexes: Vec<String> = (0..snippets.len()).map(|index| index.to_string()).collect();
        let python: Vec<String> = python.iter().map(|word| shell_quote(word)).collect();
        script.push_str(&format!(
            "test \"$calls\" = {count} || \
             {{ echo \"$calls calls of http for {count} snippets\" >&2; exit 1; }}\n\
             exec {python} run_all.py {indexes}\n",
            count = snippets.len(),
            python = python.join(" "),
            indexes = indexes.join(" "),
        ));
    }
    script
}

/// Points HTTPie at a configuration of its own that turns off its update check: otherwise each
/// run starts a daemon that asks the internet for a newer release, and holds the run's output
/// open (seconds per run) until it gives up. The file is written once per run of the suite, as
/// tests run HTTPie at the same time.
fn without_update_check(command: &mut Command) -> &mut Command {
    static CONFIG_DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = CONFIG_DIR.get_or_init(|| {
        let dir = fresh_dir(&scratch_dir("httpie-config"));
        let config = r#"{"disable_update_warnings": true}"#;
        std::fs::write(dir.join("config.json"), config).unwrap();
        dir
    });
    command.env("HTTPIE_CONFIG_DIR", dir)
}

/// The command that runs HTTPie's Python, from the `#!` line of the `http` executable, if `http`
/// is a Python script.
fn httpie_python() -> Option<Vec<String>> {
    let output = Command::new("sh")
        .args(["-c", "command -v http"])
        .output()
        .ok()?;
    let executable = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let text = std::fs::read(&executable).ok()?;
    let first_line = text.split(|byte| *byte == b'\n').next()?;
    let shebang = std::str::from_utf8(first_line.strip_prefix(b"#!")?).ok()?;
    let words: Vec<String> = shebang.split_whitespace().map(str::to_owned).collect();
    words
        .iter()
        .any(|word| word.contains("python"))
        .then_some(words)
}

/// The one command that runs every snippet of `target` in order (`None` for raw HTTP, which
/// goes to the socket). Writes what it needs into `dir`.
fn batch_command(target: Target, snippets: &[String], dir: &Path) -> Option<Command> {
    let indexes = (0..snippets.len()).map(|index| index.to_string());
    let command = match target {
        Target::Http => return None,
        Target::Go | Target::Rust => {
            let program = if target == Target::Go {
                build_go(snippets, dir)
            } else {
                build_rust(snippets)
            };
            let mut command = Command::new(program);
            command.args(indexes);
            command
        }
        Target::Curl | Target::Httpie => {
            let script = dir.join(target.file_name());
            let text = if target == Target::Curl {
                curl_script(snippets)
            } else {
                std::fs::write(dir.join("run_all.py"), HTTPIE_DRIVER).unwrap();
                httpie_script(snippets)
            };
            std::fs::write(&script, text).unwrap();
            let mut command = Command::new("bash");
            command.arg(script);
            if target == Target::Httpie {
                without_update_check(&mut command);
            }
            command
        }
        Target::Python | Target::JavaScript | Target::Ruby | Target::Php => {
            for (index, snippet) in snippets.iter().enumerate() {
                let file = dir.join(format!("snippet{index}.{}", extension(target)));
                std::fs::write(file, snippet).unwrap();
            }
            let (interpreter, driver) = interpreter_driver(target);
            let driver_file = dir.join(format!("run_all.{}", extension(target)));
            std::fs::write(&driver_file, driver).unwrap();
            let mut command = Command::new(interpreter);
            command.arg(driver_file).args(indexes);
            command
        }
    };
    Some(command)
}

/// Runs the snippets of `cases` (`snippets[i]` renders `cases[i]`) for `target`, in order, and
/// returns what reached `server` for each. The token is in the environment when `token_in_env`.
fn run_snippets(
    target: Target,
    cases: &[Case],
    snippets: &[String],
    server: &LoopbackServer,
    token_in_env: bool,
) -> Vec<Arrival> {
    let dir = run_dir(target);
    let before = server.requests().len();
    match batch_command(target, snippets, &dir) {
        None => {
            for snippet in snippets {
                send_raw(server, &snippet.replace("$FLAMEUP_API_TOKEN", TOKEN));
            }
        }
        Some(mut command) => {
            if token_in_env {
                command.env("FLAMEUP_API_TOKEN", TOKEN);
            } else {
                command.env_remove("FLAMEUP_API_TOKEN");
            }
            let output = command.current_dir(&dir).output().expect("the tool runs");
            if !output.status.success() {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let failed = failed_snippet(&stderr);
                panic!(
                    "{target:?} failed at {}: {stderr}\n{}\n--- snippet ---\n{}",
                    failed.map_or("?", |index| cases[index].name.as_str()),
                    String::from_utf8_lossy(&output.stdout),
                    failed.map_or("?", |index| snippets[index].as_str()),
                );
            }
        }
    }
    let requests = server.requests();
    assert_eq!(
        requests.len() - before,
        snippets.len(),
        "{target:?} sent exactly one request per snippet"
    );
    requests[before..].iter().map(Arrival::of).collect()
}

/// An empty directory of its own for one run of `target`'s snippets: tests run at the same time,
/// and several of them run the same targets.
fn run_dir(target: Target) -> PathBuf {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let name = format!("snippet-{target:?}").to_lowercase();
    fresh_dir(&scratch_dir(&name).join(format!("run{run}")))
}

/// The index of the snippet a runner was running when it stopped, from its stderr.
fn failed_snippet(stderr: &str) -> Option<usize> {
    stderr
        .lines()
        .filter_map(|line| line.strip_prefix(RUNNING))
        .next_back()
        .and_then(|index| index.trim().parse().ok())
}

fn send_raw(server: &LoopbackServer, text: &str) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(server.addr).unwrap();
    stream.write_all(text.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 201"));
}

/// A request to render, and what must arrive when its snippet runs.
struct Case {
    name: String,
    /// Shows the token as `$FLAMEUP_API_TOKEN`, as previews do by default.
    request: HttpRequest,
    expected: Arrival,
}

/// The case for `draft`: what the app's own transport delivers is what the snippet must send,
/// and it is the request's own header list.
fn draft_case(name: String, draft: &Draft, server: &LoopbackServer) -> Case {
    let sent = build_request(draft, None, &Credential::Token(TOKEN.into())).unwrap();
    InFlight::start_and_wait(&sent, Duration::from_secs(10)).expect("the app's send");
    let delivered = Arrival::of(&server.requests().pop().unwrap());
    let request = build_request(draft, None, &Credential::EnvVar).unwrap();
    assert_eq!(
        delivered,
        Arrival::expected_for(&request),
        "the app delivers the request's headers ({name})"
    );
    Case {
        name,
        request,
        expected: delivered,
    }
}

/// A create-person draft whose body holds numbers a 64-bit float or integer cannot: infinity
/// is not JSON, and rounding a huge integer changes it.
fn beyond_64_bits_draft(server: &LoopbackServer) -> Draft {
    let body: Value = serde_json::from_str(
        r#"{"userId": "u", "far": 1e400, "tiny": -1e-400, "huge": 12345678901234567890123,
            "traits": {"also_far": -1e400}}"#,
    )
    .unwrap();
    drafts::with_body(
        drafts::operation_draft(&server.base_url(), "createPerson", &[], &[]),
        &body,
    )
}

/// A request with headers no draft has yet (quotes, `$`, backslashes, backquotes, `#{}`, `%s` in
/// their values), made by hand from the create-person request.
fn extra_headers_case(server: &LoopbackServer) -> Case {
    let draft = drafts::create_person(&server.base_url(), "traced", None);
    let mut request = build_request(&draft, None, &Credential::EnvVar).unwrap();
    request
        .headers
        .push(("x-flameup-trace".into(), r#"a'b"c$d"#.into()));
    request.headers.push((
        "x-flameup-note".into(),
        r"back\slash `tick` #{ruby} %s".into(),
    ));
    Case {
        name: "POST with extra headers".to_owned(),
        expected: Arrival::expected_for(&request),
        request,
    }
}

/// Every case of the suite, pointed at `server`: each request shape with each hostile string,
/// the docs example, every operation, numbers beyond 64 bits, extra headers.
fn suite_cases(server: &LoopbackServer) -> Vec<Case> {
    let base_url = server.base_url();
    let mut example = Draft::docs_example();
    example.environment = Environment::Custom;
    example.custom_base_url = base_url.clone();
    let drafts = drafts::hostile_shapes(&base_url)
        .into_iter()
        .chain([("docs example".to_owned(), example)])
        .chain(
            drafts::every_operation(&base_url)
                .into_iter()
                .map(|(id, draft)| (format!("operation {id}"), draft)),
        )
        .chain([(
            "POST with numbers beyond 64 bits".to_owned(),
            beyond_64_bits_draft(server),
        )]);
    let mut cases: Vec<Case> = drafts
        .map(|(name, draft)| draft_case(name, &draft, server))
        .collect();
    cases.push(extra_headers_case(server));
    cases
}

/// Every case, for one target: each snippet runs as rendered and sends what its request says.
fn every_case_arrives_intact(target: Target) {
    if !can_run(target) {
        return;
    }
    let server = LoopbackServer::start(Reply::json(201, "{}"));
    let cases = suite_cases(&server);
    let snippets: Vec<String> = cases
        .iter()
        .map(|case| render(target, &case.request))
        .collect();
    for (case, snippet) in cases.iter().zip(&snippets) {
        assert!(
            !snippet.contains(TOKEN),
            "{target:?} never inlines the token by default ({})",
            case.name
        );
    }
    let arrivals = run_snippets(target, &cases, &snippets, &server, true);
    for (case, arrived) in cases.iter().zip(arrivals) {
        let arrived = arrived.without_tool_headers(&case.expected);
        assert_eq!(arrived, case.expected, "{target:?}: {}", case.name);
    }
}

/// The suite holds each method (GET and DELETE without a body, POST and PUT with one), a batch of
/// several people, a query of four values, every operation, and every shape for each hostile text.
#[test]
fn the_suite_covers_every_method_shape_and_operation() {
    let server = LoopbackServer::start(Reply::json(201, "{}"));
    let cases = suite_cases(&server);
    let methods: BTreeSet<(&str, bool)> = cases
        .iter()
        .map(|case| (case.request.method, !case.request.body.is_empty()))
        .collect();
    assert_eq!(
        methods,
        BTreeSet::from([
            ("DELETE", false),
            ("GET", false),
            ("POST", true),
            ("PUT", true)
        ])
    );
    let bodies: Vec<Value> = cases
        .iter()
        .filter_map(|case| serde_json::from_slice(&case.request.body).ok())
        .collect();
    assert!(bodies.iter().any(|body| {
        body["people"]
            .as_array()
            .is_some_and(|people| people.len() > 2)
    }));
    assert!(cases.iter().any(|case| {
        case.request
            .url
            .query()
            .is_some_and(|query| query.matches('&').count() >= 3)
    }));
    for operation in flameup_explorer::contract::embedded().unwrap().operations() {
        let name = format!("operation {}", operation.id);
        assert!(cases.iter().any(|case| case.name == name), "{name}");
    }
    for index in 0..drafts::hostile_texts().len() {
        let suffix = format!("hostile string {index}");
        let shapes = cases
            .iter()
            .filter(|case| case.name.ends_with(&suffix))
            .count();
        assert_eq!(shapes, 10, "{suffix}");
    }
}

#[test]
fn curl_sends_what_the_request_says() {
    every_case_arrives_intact(Target::Curl);
}

#[test]
fn python_sends_what_the_request_says() {
    every_case_arrives_intact(Target::Python);
}

#[test]
fn javascript_sends_what_the_request_says() {
    every_case_arrives_intact(Target::JavaScript);
}

#[test]
fn go_sends_what_the_request_says() {
    every_case_arrives_intact(Target::Go);
}

#[test]
fn ruby_sends_what_the_request_says() {
    every_case_arrives_intact(Target::Ruby);
}

#[test]
fn httpie_sends_what_the_request_says() {
    every_case_arrives_intact(Target::Httpie);
}

#[test]
fn php_sends_what_the_request_says() {
    every_case_arrives_intact(Target::Php);
}

#[test]
fn rust_sends_what_the_request_says() {
    every_case_arrives_intact(Target::Rust);
}

#[test]
fn raw_http_sends_what_the_request_says() {
    every_case_arrives_intact(Target::Http);
}

#[test]
fn every_target_can_show_the_docs_placeholder_or_the_real_token() {
    let request = build_request(&Draft::docs_example(), None, &Credential::Placeholder).unwrap();
    for target in Target::ALL {
        let snippet = render(target, &request);
        assert!(
            snippet.contains("Bearer YOUR_API_TOKEN"),
            "{target:?}:\n{snippet}"
        );
        assert!(
            !snippet.contains("FLAMEUP_API_TOKEN"),
            "{target:?}:\n{snippet}"
        );
    }
    let request = build_request(
        &Draft::docs_example(),
        None,
        &Credential::Token(TOKEN.into()),
    )
    .unwrap();
    for target in Target::ALL {
        assert!(render(target, &request).contains(TOKEN), "{target:?}");
    }
}

/// The command that runs one snippet exactly as a user would: its file through its tool, or,
/// for cURL and HTTPie, its text through bash.
fn command_as_is(target: Target, snippet: &str, dir: &Path) -> Command {
    let file = dir.join(target.file_name());
    std::fs::write(&file, snippet).unwrap();
    let tool = match target {
        Target::Curl | Target::Httpie => "bash",
        Target::Python => "python3",
        Target::JavaScript => "node",
        Target::Ruby => "ruby",
        Target::Php => "php",
        Target::Go | Target::Rust | Target::Http => {
            unreachable!("{target:?} snippets are compiled or written to a socket")
        }
    };
    let mut command = Command::new(tool);
    command.arg(file).current_dir(dir);
    if target == Target::Httpie {
        without_update_check(&mut command);
    }
    command
}

/// Also proves that the shells' and interpreters' own executables (the `http` program included)
/// run a snippet alone as the batched runs do.
#[test]
fn an_inlined_token_runs_too() {
    let server = LoopbackServer::start(Reply::json(201, "{}"));
    let mut draft = Draft::docs_example();
    draft.environment = Environment::Custom;
    draft.custom_base_url = server.base_url();
    let case = draft_case("inlined token".into(), &draft, &server);
    let request = build_request(&draft, None, &Credential::Token(TOKEN.into())).unwrap();
    for target in [
        Target::Curl,
        Target::Httpie,
        Target::Python,
        Target::JavaScript,
    ] {
        if !can_run(target) {
            continue;
        }
        let snippet = render(target, &request);
        let output = command_as_is(target, &snippet, &run_dir(target))
            .env_remove("FLAMEUP_API_TOKEN")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{target:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let arrived = Arrival::of(&server.requests().pop().unwrap());
        assert_eq!(
            arrived.without_tool_headers(&case.expected),
            case.expected,
            "{target:?}"
        );
    }
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,16}",
        "[\"'`$\\\\{}#%@!;|&<>()\\n\\t\\r\u{2028}\u{2029}\u{7f} a-z]{0,16}",
        "[\\x00-\\x1f]{1,4}",
        "[\u{5d0}-\u{5ea}\u{1f525}\u{1f469}\u{200d}\u{1f4bb}]{0,6}",
    ]
}

/// Text a path value can be: not empty, and not `.` or `..`, which are refused.
fn arb_path_text() -> impl Strategy<Value = String> {
    arb_text().prop_filter("a path value is one segment", |text| {
        !matches!(text.as_str(), "" | "." | "..")
    })
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e15f64..1e15).prop_map(|f| json!(f)),
        arb_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(arb_text(), inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// The parts of a random draft: which shape, texts for its values, and custom traits.
type DraftParts = (usize, [String; 4], [String; 2], Vec<(String, Value)>);

fn arb_draft() -> impl Strategy<Value = DraftParts> {
    (
        0..4usize,
        [arb_text(), arb_text(), arb_text(), arb_text()],
        [arb_path_text(), arb_path_text()],
        prop::collection::vec((arb_text(), arb_json()), 0..4),
    )
}

/// A random draft of one of four shapes: a create-person body, two path values, four query
/// values, or path values with a free-form body.
fn random_draft(server: &LoopbackServer, parts: DraftParts) -> Draft {
    let (shape, [user_id, email, phone, first_name], [workspace, id], custom) = parts;
    let base_url = server.base_url();
    let rows = custom
        .iter()
        .map(|(key, value)| FieldRow::from_value(key, value));
    match shape {
        0 => {
            let body = json!({"userId": user_id, "email": email, "phone": phone,
                "traits": {"first_name": first_name}});
            let mut draft = drafts::with_body(
                drafts::operation_draft(&base_url, "createPerson", &[], &[]),
                &body,
            );
            drafts::rows_at(&mut draft, "/traits").extend(rows);
            draft
        }
        1 => drafts::operation_draft(
            &base_url,
            "getWorkspacePerson",
            &[("workspaceId", &workspace), ("personId", &id)],
            &[],
        ),
        2 => drafts::operation_draft(
            &base_url,
            "listPeople",
            &[],
            &[
                ("limit", &user_id),
                ("offset", &email),
                ("status", &phone),
                ("search", &first_name),
            ],
        ),
        _ => {
            let mut draft = drafts::operation_draft(
                &base_url,
                "triggerWorkspaceCampaign",
                &[("workspaceId", &workspace), ("campaignId", &id)],
                &[],
            );
            drafts::rows_at(&mut draft, "").extend(rows);
            draft
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_drafts_survive_curl_python_and_javascript(parts in arb_draft()) {
        let server = LoopbackServer::start(Reply::json(201, "{}"));
        let draft = random_draft(&server, parts);
        let case = draft_case("random draft".into(), &draft, &server);
        for target in [Target::Curl, Target::Python, Target::JavaScript] {
            if can_run(target) {
                let snippet = render(target, &case.request);
                let cases = std::slice::from_ref(&case);
                let arrived = run_snippets(target, cases, &[snippet], &server, true)
                    .remove(0)
                    .without_tool_headers(&case.expected);
                prop_assert_eq!(&arrived, &case.expected, "{:?}", target);
            }
        }
    }
}
