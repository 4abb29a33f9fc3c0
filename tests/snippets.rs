//! Every preview target, run with its real interpreter or compiler against a loopback server,
//! sends what the request says: the same method and path, every header but the transport-level
//! ones ([`TRANSPORT_HEADERS`]) with the same values, and a JSON-equal body, or no body and no
//! `Content-Type` when the request has none. For drafts, what the app's own transport delivers is
//! the reference (and equals the request's header list); requests with other methods and extra
//! headers are built by hand, since the app only sends the create-person POST.
//!
//! A missing interpreter skips its target with a message, except under `CI=true`, where it fails:
//! `.ci/run` installs them all. Go and Rust compile every case of a run into one program (one
//! build each, cases picked by an argument); the Rust project is kept under cargo's target
//! directory, so its dependencies compile once.

// Test code throughout, helpers and `mod support` included: a panic is the failure message.
// clippy.toml allows that in `#[test]` functions only, which leaves out the helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use flameup_explorer::model::{
    Credential, Draft, Environment, FieldRow, HttpRequest, PathStyle, ValueKind, build_request,
};
use flameup_explorer::snippet::{TRANSPORT_HEADERS, Target, is_transport_header, render};
use flameup_explorer::transport::InFlight;
use proptest::prelude::*;
use serde_json::{Value, json};
use support::{LoopbackServer, Recorded, Reply, hostile_strings};

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
    let tools: &[&str] = match target {
        Target::Curl => &["bash", "curl"],
        Target::Httpie => &["bash", "http"],
        Target::Python => &["python3"],
        Target::JavaScript => &["node"],
        Target::Go => &["go"],
        Target::Ruby => &["ruby"],
        Target::Php => &["php"],
        Target::Rust | Target::Http => &[],
    };
    let mut missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| !on_path(tool))
        .collect();
    let module_check = match target {
        Target::Python => Some(("python3", ["-c", "import requests"])),
        Target::Php => Some(("php", ["-r", "exit(function_exists('curl_init') ? 0 : 1);"])),
        _ => None,
    };
    if missing.is_empty()
        && let Some((program, args)) = module_check
        && !Command::new(program)
            .args(args)
            .output()
            .is_ok_and(|out| out.status.success())
    {
        missing.push(if target == Target::Python {
            "python3-requests"
        } else {
            "php-curl"
        });
    }
    missing
}

fn on_path(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|out| out.status.success())
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
    let missing = missing_tools_of(target);
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{target:?}: missing {missing:?}; .ci/run must install them"
    );
    eprintln!("skipped {target:?}: {missing:?} not installed");
    false
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
/// snippet and a `main.rs` that runs the one named by its argument.
fn rust_project() -> PathBuf {
    let dir = scratch_dir("snippet-rust");
    let manifest = "[package]\nname = \"snippet\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
                    [dependencies]\nureq = \"3\"\nserde_json = \"1\"\n\n[workspace]\n";
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
/// its own (Go imports are per file), and a dispatcher calls the one named by the argument.
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
        cases.push_str(&format!("\tcase \"{index}\":\n\t\tsnippet{index}()\n"));
    }
    let dispatcher = format!(
        "package main\n\nimport \"os\"\n\nfunc main() {{\n\tswitch os.Args[1] {{\n{cases}\t\
         default:\n\t\tpanic(\"no such snippet\")\n\t}}\n}}\n"
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
/// and `main.rs` runs the one named by the argument.
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
            "        Some(\"{index}\") => snippet{index}::main(),\n"
        ));
    }
    let dispatcher = format!(
        "{modules}\nfn main() -> Result<(), Box<dyn std::error::Error>> {{\n    \
         match std::env::args().nth(1).as_deref() {{\n{arms}        \
         _ => Err(\"no such snippet\".into()),\n    }}\n}}\n"
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

/// Writes an interpreted snippet where its tool expects it and returns the command that runs it.
fn command_for(target: Target, snippet: &str, dir: &Path) -> Command {
    let file = dir.join(target.file_name());
    std::fs::write(&file, snippet).unwrap();
    let mut command = match target {
        Target::Curl => {
            let mut command = Command::new("bash");
            // Quiet, but still failing loudly: the snippet's own flags are kept.
            command.arg("-c").arg(format!(
                "{snippet} --silent --show-error --output /dev/null"
            ));
            command
        }
        Target::Httpie => {
            let mut command = Command::new("bash");
            command.arg(&file);
            command
        }
        Target::Python => Command::new("python3"),
        Target::JavaScript => Command::new("node"),
        Target::Ruby => Command::new("ruby"),
        Target::Php => Command::new("php"),
        Target::Go | Target::Rust | Target::Http => {
            unreachable!("compiled snippets run from one program; raw HTTP goes to a socket")
        }
    };
    if matches!(
        target,
        Target::Python | Target::JavaScript | Target::Ruby | Target::Php
    ) {
        command.arg(&file);
    }
    command.env("FLAMEUP_API_TOKEN", TOKEN).current_dir(dir);
    command
}

/// How the snippets of one target run: one by one through their interpreter, from one program
/// built for all of them, or as raw text written to the server's socket.
enum Runner {
    Interpreted,
    Program(PathBuf),
    Socket,
}

impl Runner {
    fn prepare(target: Target, snippets: &[String], dir: &Path) -> Self {
        match target {
            Target::Go => Self::Program(build_go(snippets, dir)),
            Target::Rust => Self::Program(build_rust(snippets)),
            Target::Http => Self::Socket,
            _ => Self::Interpreted,
        }
    }

    /// Runs snippet `index` and returns what reached `server`.
    fn run(
        &self,
        target: Target,
        index: usize,
        snippet: &str,
        server: &LoopbackServer,
        dir: &Path,
    ) -> Arrival {
        let before = server.requests().len();
        let mut command = match self {
            Self::Socket => {
                send_raw(server, &snippet.replace("$FLAMEUP_API_TOKEN", TOKEN));
                None
            }
            Self::Program(program) => {
                let mut command = Command::new(program);
                command
                    .arg(index.to_string())
                    .env("FLAMEUP_API_TOKEN", TOKEN)
                    .current_dir(dir);
                Some(command)
            }
            Self::Interpreted => Some(command_for(target, snippet, dir)),
        };
        if let Some(command) = command.as_mut() {
            let output = command.output().expect("the tool runs");
            assert!(
                output.status.success(),
                "{target:?} failed: {}\n{}\n--- snippet ---\n{snippet}",
                String::from_utf8_lossy(&output.stderr),
                String::from_utf8_lossy(&output.stdout)
            );
        }
        let requests = server.requests();
        assert_eq!(
            requests.len(),
            before + 1,
            "{target:?} sent exactly one request"
        );
        Arrival::of(&requests[before])
    }
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

/// Requests the app does not build yet, made by hand from the create-person request: other
/// methods, no body, and headers beyond the usual ones.
fn hand_built_cases(server: &LoopbackServer) -> Vec<Case> {
    let mut draft = Draft::docs_example();
    draft.environment = Environment::Custom;
    draft.custom_base_url = server.base_url();
    let create = build_request(&draft, None, &Credential::EnvVar).unwrap();
    let person_url = url::Url::parse(&format!(
        "{}/people/person_1?fields=email",
        server.base_url()
    ))
    .unwrap();
    let without_body = |method: &'static str| HttpRequest {
        method,
        url: person_url.clone(),
        headers: create
            .headers
            .iter()
            .filter(|(name, _)| name != "content-type")
            .cloned()
            .collect(),
        body: Vec::new(),
        ..create.clone()
    };
    let update = HttpRequest {
        method: "PUT",
        url: person_url.clone(),
        body: br#"{"email": "new@example.com", "traits": {"plan": "pro", "seats": 3}}"#.to_vec(),
        ..create.clone()
    };
    let mut traced = create.clone();
    traced
        .headers
        .push(("x-flameup-trace".into(), r#"a'b"c$d"#.into()));
    traced.headers.push((
        "x-flameup-note".into(),
        r"back\slash `tick` #{ruby} %s".into(),
    ));
    // Numbers a 64-bit float or integer cannot hold: infinity is not JSON, and rounding a huge
    // integer changes it.
    let beyond_64_bits = HttpRequest {
        body: br#"{"userId": "u", "far": 1e400, "tiny": -1e-400, "huge": 12345678901234567890123}"#
            .to_vec(),
        ..create.clone()
    };
    [
        ("POST with numbers beyond 64 bits", beyond_64_bits),
        ("GET without a body", without_body("GET")),
        ("DELETE without a body", without_body("DELETE")),
        ("PUT with a body", update),
        ("POST with extra headers", traced),
    ]
    .into_iter()
    .map(|(name, request)| Case {
        name: name.to_owned(),
        expected: Arrival::expected_for(&request),
        request,
    })
    .collect()
}

/// Drafts with every kind of hostile text and every JSON type, for every target.
fn hostile_drafts(server: &LoopbackServer) -> Vec<Draft> {
    let typed = vec![
        FieldRow::new("count", ValueKind::Number, "-42"),
        FieldRow::new("ratio", ValueKind::Number, "1.5e-7"),
        FieldRow::new("huge", ValueKind::Number, "18446744073709551615"),
        FieldRow::new("big_negative", ValueKind::Number, "-9007199254740993"),
        FieldRow::new("on", ValueKind::Boolean, "true"),
        FieldRow::new("gone", ValueKind::Null, ""),
        FieldRow::new(
            "nested",
            ValueKind::Json,
            r#"{"list": [1, "two", null, {"deep": [true, false, "'\"`$x"]}], "empty": {}, "none": []}"#,
        ),
        FieldRow::new("__proto__", ValueKind::Json, r#"{"polluted": true}"#),
    ];
    hostile_strings()
        .into_iter()
        .enumerate()
        .map(|(index, text)| {
            let mut custom = typed.clone();
            custom.push(FieldRow::new(text.clone(), ValueKind::String, text.clone()));
            Draft {
                environment: Environment::Custom,
                custom_base_url: server.base_url(),
                path_style: if index % 2 == 0 {
                    PathStyle::KeyScoped
                } else {
                    PathStyle::WorkspaceScoped
                },
                workspace_id: format!("ws_{}", text.chars().take(30).collect::<String>()),
                user_id: text.clone(),
                email: text.clone(),
                phone: text.clone(),
                traits: std::array::from_fn(|_| text.clone()),
                custom_traits: custom,
                other_fields: vec![FieldRow::new("anonymousId", ValueKind::String, text)],
            }
        })
        .collect()
}

/// Every case, for one target: the hostile drafts, the docs example, the hand-built requests.
fn every_case_arrives_intact(target: Target) {
    if !can_run(target) {
        return;
    }
    let server = LoopbackServer::start(Reply::json(201, "{}"));
    let dir = scratch_dir(&format!("snippet-{target:?}").to_lowercase());
    let mut example = Draft::docs_example();
    example.environment = Environment::Custom;
    example.custom_base_url = server.base_url();
    let mut cases: Vec<Case> = hostile_drafts(&server)
        .iter()
        .enumerate()
        .map(|(index, draft)| draft_case(format!("hostile draft {index}"), draft, &server))
        .collect();
    cases.push(draft_case("docs example".into(), &example, &server));
    cases.extend(hand_built_cases(&server));

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
    let runner = Runner::prepare(target, &snippets, &dir);
    for (index, (case, snippet)) in cases.iter().zip(&snippets).enumerate() {
        let arrived = runner
            .run(target, index, snippet, &server, &dir)
            .without_tool_headers(&case.expected);
        assert_eq!(arrived, case.expected, "{target:?}: {}", case.name);
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

#[test]
fn an_inlined_token_runs_too() {
    let server = LoopbackServer::start(Reply::json(201, "{}"));
    let dir = scratch_dir("snippet-inline");
    let mut draft = Draft::docs_example();
    draft.environment = Environment::Custom;
    draft.custom_base_url = server.base_url();
    let request = build_request(&draft, None, &Credential::Token(TOKEN.into())).unwrap();
    for target in [Target::Curl, Target::Python, Target::JavaScript] {
        if !can_run(target) {
            continue;
        }
        let snippet = render(target, &request);
        let output = command_for(target, &snippet, &dir)
            .env_remove("FLAMEUP_API_TOKEN")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{target:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let arrival = Arrival::of(&server.requests().pop().unwrap());
        let authorizations: Vec<_> = arrival
            .headers
            .iter()
            .filter(|(name, _)| name == "authorization")
            .collect();
        assert_eq!(
            authorizations,
            [&("authorization".to_owned(), format!("Bearer {TOKEN}"))],
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

fn arb_draft() -> impl Strategy<Value = (String, String, String, [String; 2], Vec<(String, Value)>)>
{
    (
        arb_text(),
        arb_text(),
        arb_text(),
        [arb_text(), arb_text()],
        prop::collection::vec((arb_text(), arb_json()), 0..4),
    )
}

fn random_draft(
    server: &LoopbackServer,
    parts: (String, String, String, [String; 2], Vec<(String, Value)>),
) -> Draft {
    let (user_id, email, phone, [first_name, locale], custom) = parts;
    let mut traits: [String; 6] = Default::default();
    traits[0] = first_name;
    traits[5] = locale;
    Draft {
        environment: Environment::Custom,
        custom_base_url: server.base_url(),
        user_id,
        email,
        phone,
        traits,
        custom_traits: custom
            .iter()
            .map(|(key, value)| FieldRow::from_value(key, value))
            .collect(),
        ..Draft::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_drafts_survive_curl_python_and_javascript(parts in arb_draft()) {
        let server = LoopbackServer::start(Reply::json(201, "{}"));
        let draft = random_draft(&server, parts);
        let dir = scratch_dir("snippet-random");
        let case = draft_case("random draft".into(), &draft, &server);
        for target in [Target::Curl, Target::Python, Target::JavaScript] {
            if can_run(target) {
                let snippet = render(target, &case.request);
                let arrived = Runner::Interpreted
                    .run(target, 0, &snippet, &server, &dir)
                    .without_tool_headers(&case.expected);
                prop_assert_eq!(&arrived, &case.expected, "{:?}", target);
            }
        }
    }
}
