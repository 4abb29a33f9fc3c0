//! Every preview target, run with its real interpreter or compiler against a loopback server,
//! sends what the app's own transport sends for the same draft: the same method and path, exactly
//! one `Content-Type: application/json`, the same `Authorization`, a JSON-equal body.
//!
//! A missing interpreter skips its target with a message, except under `CI=true`, where it fails:
//! `.ci/run` installs them all. The Rust snippet builds in a scratch project kept under cargo's
//! target directory, so its dependencies compile once.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use flameup_explorer::model::{
    Credential, Draft, Environment, FieldRow, PathStyle, ValueKind, build_request,
};
use flameup_explorer::snippet::{Target, render};
use flameup_explorer::transport::InFlight;
use proptest::prelude::*;
use serde_json::{Value, json};
use support::{LoopbackServer, Recorded, Reply, hostile_strings};

const TOKEN: &str = "ws_test_snip_7f3a.0123456789abcdef";

/// What a request looked like on arrival, in the terms the snippets must match.
#[derive(Debug)]
struct Arrival {
    request_line: String,
    content_types: Vec<String>,
    authorizations: Vec<String>,
    body: Value,
}

impl PartialEq for Arrival {
    fn eq(&self, other: &Self) -> bool {
        self.request_line == other.request_line
            && self.content_types == other.content_types
            && self.authorizations == other.authorizations
            && json_equal(&self.body, &other.body)
    }
}

/// Equality of JSON values as JSON defines them. JSON has one number type (RFC 8259, section 6):
/// `1.0` and `1` are the same number, and JavaScript cannot tell them apart, so `serde_json`'s
/// stricter integer-versus-float equality would be the wrong test. An integer and a float are
/// equal only when the float is exactly that integer; two integers or two floats compare exactly.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (
            x.as_f64().filter(|_| x.is_f64()),
            y.as_f64().filter(|_| y.is_f64()),
        ) {
            (Some(float), None) => float_is_integer(float, y),
            (None, Some(float)) => float_is_integer(float, x),
            _ => x == y,
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
    assert!(!json_equal(&json!(1.5), &json!(1)));
    assert!(!json_equal(
        &json!(9007199254740992.0),
        &json!(9007199254740993_u64)
    ));
    assert!(!json_equal(&json!("1"), &json!(1)));
    assert!(!json_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
}

impl Arrival {
    fn of(recorded: &Recorded) -> Self {
        let text = recorded.text();
        let lines = recorded.header_lines();
        let values = |name: &str| -> Vec<String> {
            lines
                .iter()
                .filter_map(|line| line.split_once(':'))
                .filter(|(key, _)| key.trim().eq_ignore_ascii_case(name))
                .map(|(_, value)| value.trim().to_owned())
                .collect()
        };
        Self {
            request_line: text.lines().next().unwrap_or_default().to_owned(),
            content_types: values("content-type"),
            authorizations: values("authorization"),
            body: serde_json::from_slice(recorded.body()).unwrap_or_else(|err| {
                panic!(
                    "the body is not JSON ({err}): {}",
                    String::from_utf8_lossy(recorded.body())
                )
            }),
        }
    }
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

/// Whether `target` can run; says why not, and fails under CI.
fn can_run(target: Target) -> bool {
    let missing = missing_tools(target);
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

/// A cargo project kept between runs, for the Rust snippet.
fn rust_project() -> PathBuf {
    let dir = scratch_dir("snippet-rust");
    std::fs::create_dir_all(dir.join("src")).unwrap();
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

/// Writes the snippet where its tool expects it and returns the command that runs it.
fn command_for(target: Target, snippet: &str, dir: &Path) -> Command {
    let file = if target == Target::Rust {
        rust_project().join("src").join("main.rs")
    } else {
        dir.join(target.file_name())
    };
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
        Target::Python => {
            let mut command = Command::new("python3");
            command.arg(&file);
            command
        }
        Target::JavaScript => {
            let mut command = Command::new("node");
            command.arg(&file);
            command
        }
        Target::Go => {
            let mut command = Command::new("go");
            command.arg("run").arg(&file);
            command
        }
        Target::Ruby => {
            let mut command = Command::new("ruby");
            command.arg(&file);
            command
        }
        Target::Php => {
            let mut command = Command::new("php");
            command.arg(&file);
            command
        }
        Target::Rust => {
            let project = rust_project();
            let mut command =
                Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            command
                .args(["run", "--offline", "--quiet", "--manifest-path"])
                .arg(project.join("Cargo.toml"))
                .env("CARGO_TARGET_DIR", project.join("target"));
            command
        }
        Target::Http => unreachable!("raw HTTP is written to a socket, not run"),
    };
    command.env("FLAMEUP_API_TOKEN", TOKEN).current_dir(dir);
    command
}

/// Runs the `target` snippet for `draft` and returns what reached `server`.
fn run_snippet(target: Target, draft: &Draft, server: &LoopbackServer, dir: &Path) -> Arrival {
    let request = build_request(draft, None, &Credential::EnvVar).unwrap();
    let snippet = render(target, &request);
    assert!(
        !snippet.contains(TOKEN),
        "{target:?} never inlines the token by default"
    );
    let before = server.requests().len();
    if target == Target::Http {
        send_raw(server, &snippet.replace("$FLAMEUP_API_TOKEN", TOKEN));
    } else {
        let output = command_for(target, &snippet, dir)
            .output()
            .expect("the tool runs");
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

fn send_raw(server: &LoopbackServer, text: &str) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(server.addr).unwrap();
    stream.write_all(text.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 201"));
}

/// What the app's own transport delivers for `draft`.
fn app_arrival(draft: &Draft, server: &LoopbackServer) -> Arrival {
    let request = build_request(draft, None, &Credential::Token(TOKEN.into())).unwrap();
    InFlight::start_and_wait(&request, Duration::from_secs(10)).expect("the app's send");
    Arrival::of(&server.requests().pop().unwrap())
}

fn assert_same_as_app(target: Target, draft: &Draft, server: &LoopbackServer, dir: &Path) {
    let expected = app_arrival(draft, server);
    assert_eq!(expected.content_types, ["application/json"]);
    assert_eq!(expected.authorizations, [format!("Bearer {TOKEN}")]);
    let actual = run_snippet(target, draft, server, dir);
    assert_eq!(actual, expected, "{target:?}");
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
                ..Draft::default()
            }
        })
        .collect()
}

fn hostile_drafts_reach_the_server_intact(target: Target) {
    if !can_run(target) {
        return;
    }
    let server = LoopbackServer::start(Reply::json(201, "{}"));
    let dir = scratch_dir(&format!("snippet-{target:?}").to_lowercase());
    for draft in hostile_drafts(&server) {
        assert_same_as_app(target, &draft, &server, &dir);
    }
    // The plain docs example too, with every token style but the default rendered as well.
    let mut example = Draft::docs_example();
    example.environment = Environment::Custom;
    example.custom_base_url = server.base_url();
    assert_same_as_app(target, &example, &server, &dir);
}

#[test]
fn curl_sends_what_the_app_sends() {
    hostile_drafts_reach_the_server_intact(Target::Curl);
}

#[test]
fn python_sends_what_the_app_sends() {
    hostile_drafts_reach_the_server_intact(Target::Python);
}

#[test]
fn javascript_sends_what_the_app_sends() {
    hostile_drafts_reach_the_server_intact(Target::JavaScript);
}

#[test]
fn go_sends_what_the_app_sends() {
    hostile_drafts_reach_the_server_intact(Target::Go);
}

#[test]
fn ruby_sends_what_the_app_sends() {
    hostile_drafts_reach_the_server_intact(Target::Ruby);
}

#[test]
fn httpie_sends_what_the_app_sends() {
    hostile_drafts_reach_the_server_intact(Target::Httpie);
}

#[test]
fn php_sends_what_the_app_sends() {
    hostile_drafts_reach_the_server_intact(Target::Php);
}

#[test]
fn rust_sends_what_the_app_sends() {
    hostile_drafts_reach_the_server_intact(Target::Rust);
}

#[test]
fn raw_http_sends_what_the_app_sends() {
    hostile_drafts_reach_the_server_intact(Target::Http);
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
        assert_eq!(
            arrival.authorizations,
            [format!("Bearer {TOKEN}")],
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
        for target in [Target::Curl, Target::Python, Target::JavaScript] {
            if can_run(target) {
                assert_same_as_app(target, &draft, &server, &dir);
            }
        }
    }
}
