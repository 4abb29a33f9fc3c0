//! Flows as code, proven like the snippets: the person lifecycle (create → get by email → update
//! traits → register a device with the create's UUID in its path → send a push with the UUID in
//! its body → track an event by external id → delete) is sent with the real command line
//! (`send`) into a history of its own, exported with `flow export` for every target, and each
//! program runs with its real tool against a fresh sandbox, where every step must succeed. A
//! fresh sandbox has never seen the recorded UUID, so the device and push steps succeed only
//! with the value read from the new create's answer; the external id holds `/`, `?`, `#`, `%`,
//! quotes and `$(…)`, so the update and delete steps succeed only when the program encodes it as
//! one path segment, and the track step only when it writes it as a JSON string. Each program
//! also stops at the first answer that is not 2xx, naming the step, with nothing sent after it.
//!
//! A missing tool skips its target with a message, except under `CI=true`, where it fails
//! (`.ci/run` installs them all). The work is shared: the lifecycle is recorded once, Go builds
//! once, and the Rust program builds in cargo's target directory beside the snippet tests' own,
//! sharing its compiled dependencies.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use flameup_explorer::flow::Target;
use flameup_explorer::sandbox::{Sandbox, SandboxSettings};
use serde_json::{Value, json};
use support::tools;
use support::{LoopbackServer, Reply};

const TOKEN: &str = "ws_test_flow_1b2c.0123456789abcdef";

/// Your own id of the person: every character that must be encoded in a path or escaped in a
/// JSON string or a shell word.
const EXTERNAL_ID: &str = "ada/lovelace 1?x=y&z+é#%2F~'\"$(x)`\\";

const EMAIL: &str = "ada@example.com";

/// The status line each step of the lifecycle prints, in order.
const EXPECTED_STEPS: [(&str, u16); 7] = [
    ("create_person", 201),
    ("get_person", 200),
    ("update_person", 200),
    ("register_device", 201),
    ("send_push", 200),
    ("track_event", 200),
    ("delete_person", 204),
];

fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The app's binary, with the token and a home of its own for the history: never the real one.
fn explorer(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flameup-explorer"));
    command
        .env("FLAMEUP_API_TOKEN", TOKEN)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"));
    command
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What the lifecycle left: the history's home, the UUID the recording's create returned, and
/// every target's program as `flow export` printed it.
struct Recording {
    home: PathBuf,
    recorded_uuid: String,
    programs: HashMap<Target, String>,
}

/// The lifecycle, sent once with `send` to a sandbox and exported for every target.
fn recording() -> &'static Recording {
    static RECORDING: OnceLock<Recording> = OnceLock::new();
    RECORDING.get_or_init(record_lifecycle)
}

fn record_lifecycle() -> Recording {
    let home = scratch_dir("flows-home");
    let sandbox = Sandbox::start("127.0.0.1:0".parse().unwrap(), SandboxSettings::default())
        .expect("the sandbox starts");
    let base_url = sandbox.base_url();
    let send = |words: &[&str], body: Option<Value>| -> Value {
        let mut command = explorer(&home);
        command
            .arg("send")
            .args(words)
            .args(["--base-url", &base_url, "--output", "json"]);
        if let Some(body) = body {
            let file = home.join(format!("body-{}.json", words[0]));
            std::fs::write(&file, body.to_string()).unwrap();
            command.arg("--body").arg(file);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "send {words:?}: {}\n{}",
            stderr(&output),
            stdout(&output)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let created = send(
        &["createPerson"],
        Some(json!({"userId": EXTERNAL_ID, "email": EMAIL, "traits": {"first_name": "Ada"}})),
    );
    let uuid = created["body"]["id"].as_str().unwrap().to_owned();
    send(&["getPerson", "--path", &format!("id={EMAIL}")], None);
    // Left out of the history: the flow below would not start with the create otherwise.
    send(&["listPeople", "--no-history"], None);
    send(
        &["updatePerson", "--path", &format!("id={EXTERNAL_ID}")],
        Some(json!({"traits": {"plan": "pro"}})),
    );
    send(
        &["registerDevice", "--path", &format!("person_id={uuid}")],
        Some(json!({"token": "fcm_token_1", "platform": "ios", "device_name": "Ada's phone"})),
    );
    send(
        &["sendPush"],
        Some(json!({"person_id": uuid, "title": "Hello", "body": "Welcome, \"Ada\""})),
    );
    send(
        &["trackEvent"],
        Some(
            json!({"external_id": EXTERNAL_ID, "event": "signed_up", "parameters": {"plan": "pro"}}),
        ),
    );
    send(
        &["deletePerson", "--path", &format!("id={EXTERNAL_ID}")],
        None,
    );

    let programs = Target::ALL
        .into_iter()
        .map(|target| {
            let output = explorer(&home)
                .args(["flow", "export", "--last", "7", "--target"])
                .arg(target_name(target))
                .output()
                .unwrap();
            assert!(output.status.success(), "{target:?}: {}", stderr(&output));
            (target, stdout(&output))
        })
        .collect();
    Recording {
        home,
        recorded_uuid: uuid,
        programs,
    }
}

fn target_name(target: Target) -> &'static str {
    match target {
        Target::Curl => "curl",
        Target::Python => "python",
        Target::JavaScript => "javascript",
        Target::Go => "go",
        Target::Ruby => "ruby",
        Target::Httpie => "httpie",
        Target::Php => "php",
        Target::Rust => "rust",
        Target::Json => "json",
    }
}

#[test]
fn cli_sends_are_recorded_in_the_windows_history_unless_no_history() {
    let recording = recording();
    let file = recording
        .home
        .join("data")
        .join("flameup-explorer")
        .join("history.jsonl");
    let text = std::fs::read_to_string(&file).unwrap();
    let operations: Vec<String> = text
        .lines()
        .map(|line| {
            let entry: Value = serde_json::from_str(line).unwrap();
            assert!(!line.contains(TOKEN), "the token is never recorded");
            entry["request"]["operation"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        operations,
        [
            "createPerson",
            "getPerson",
            "updatePerson",
            "registerDevice",
            "sendPush",
            "trackEvent",
            "deletePerson"
        ],
        "every send but the one with --no-history, in order"
    );
}

#[test]
fn the_exported_flow_binds_the_identifiers_the_contract_marks() {
    let recording = recording();
    let flow: Value = serde_json::from_str(&recording.programs[&Target::Json]).unwrap();
    let steps = flow["steps"].as_array().unwrap();
    let names: Vec<&str> = steps
        .iter()
        .map(|step| step["name"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = EXPECTED_STEPS.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, expected);
    let binding = |index: usize| -> Value { steps[index]["bindings"].clone() };
    assert_eq!(
        binding(1),
        Value::Null,
        "an email is not an identifier any answer gave: it stays as typed"
    );
    let bound = |index: usize| {
        let bindings = binding(index);
        let [only] = bindings.as_array().unwrap().as_slice() else {
            panic!("step {index}: {bindings}");
        };
        (
            only["input"].clone(),
            only["at"].as_str().unwrap().to_owned(),
        )
    };
    assert_eq!(bound(2), (json!({"path": "id"}), "/external_id".into()));
    assert_eq!(bound(3), (json!({"path": "person_id"}), "/id".into()));
    assert_eq!(
        bound(4),
        (json!({"body": "/person_id"}), "/person_id".into())
    );
    assert_eq!(
        bound(5),
        (json!({"body": "/external_id"}), "/external_id".into())
    );
    assert_eq!(bound(6), (json!({"path": "id"}), "/external_id".into()));
    assert_eq!(
        steps[3]["path"]["person_id"], recording.recorded_uuid,
        "the recorded value stays in the file, for the reader"
    );
}

/// Why `target` cannot run here, if it cannot.
fn missing_tools(target: Target) -> Vec<&'static str> {
    let (programs, library): (&[&str], _) = match target {
        Target::Curl => (&["bash", "curl", "jq"], None),
        Target::Httpie => (&["bash", "http", "jq"], None),
        Target::Python => (&["python3"], Some(tools::PYTHON_REQUESTS)),
        Target::JavaScript => (&["node"], None),
        Target::Go => (&["go"], None),
        Target::Ruby => (&["ruby"], None),
        Target::Php => (&["php"], Some(tools::PHP_CURL)),
        Target::Rust | Target::Json => (&[], None),
    };
    tools::missing(programs, library)
}

/// Whether `target` can run; says why not, and fails under CI.
fn can_run(target: Target) -> bool {
    tools::can_run(target, &missing_tools(target))
}

fn run_build(mut command: Command, what: &str) {
    let output = command.output().expect("the compiler runs");
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        stderr(&output),
        stdout(&output)
    );
}

/// The Rust program built as a cargo project of its own. Its target directory is the snippet
/// tests' (same dependencies, same profile), so ureq and rustls compile once for both.
fn build_rust(program: &str) -> PathBuf {
    let project = scratch_dir("flow-rust");
    let manifest = "[package]\nname = \"flow\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
                    [dependencies]\nureq = \"3\"\nserde_json = \"1\"\n\n\
                    [profile.dev]\ndebug = false\n\n[workspace]\n";
    std::fs::write(project.join("Cargo.toml"), manifest).unwrap();
    // The app's own lock file pins the same ureq and serde_json, so this builds offline.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"),
        project.join("Cargo.lock"),
    )
    .unwrap();
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(project.join("src").join("main.rs"), program).unwrap();
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("snippet-rust")
        .join("target");
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(["build", "--offline", "--quiet", "--manifest-path"])
        .arg(project.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir);
    run_build(command, "cargo build of the Rust flow");
    target_dir.join("debug").join("flow")
}

/// What runs `target`'s program (built first, once, for Go and Rust), from `dir`: a new command
/// for each run.
fn program_runner(target: Target, program: &str, dir: &Path) -> impl Fn() -> Command {
    let file = dir.join(target.file_name());
    std::fs::write(&file, program).unwrap();
    let (executable, args): (PathBuf, Vec<PathBuf>) = match target {
        Target::Curl | Target::Httpie => ("bash".into(), vec![file]),
        Target::Python => ("python3".into(), vec![file]),
        Target::JavaScript => ("node".into(), vec![file]),
        Target::Ruby => ("ruby".into(), vec![file]),
        Target::Php => ("php".into(), vec![file]),
        Target::Go => {
            let binary = dir.join("flow");
            let mut build = Command::new("go");
            build.arg("build").arg("-o").arg(&binary).arg(&file);
            run_build(build, "go build");
            (binary, Vec::new())
        }
        Target::Rust => (build_rust(program), Vec::new()),
        Target::Json => (
            env!("CARGO_BIN_EXE_flameup-explorer").into(),
            vec!["flow".into(), "run".into(), file],
        ),
    };
    // HTTPie gets a configuration of its own: no update check, which would start a daemon that
    // asks the internet for a newer release.
    let httpie_config = dir.join("httpie-config");
    std::fs::create_dir_all(&httpie_config).unwrap();
    std::fs::write(
        httpie_config.join("config.json"),
        r#"{"disable_update_warnings": true}"#,
    )
    .unwrap();
    let dir = dir.to_owned();
    move || {
        let mut command = Command::new(&executable);
        command
            .args(&args)
            .current_dir(&dir)
            .env("FLAMEUP_API_TOKEN", TOKEN)
            .env("HTTPIE_CONFIG_DIR", &httpie_config);
        command
    }
}

/// Runs `command` against `base_url`: the programs read it from FLAMEUP_BASE_URL, `flow run`
/// from --base-url.
fn run_against(target: Target, mut command: Command, base_url: &str) -> Output {
    if target == Target::Json {
        command.args(["--base-url", base_url]);
    } else {
        command.env("FLAMEUP_BASE_URL", base_url);
    }
    command.output().expect("the tool runs")
}

/// Runs `target`'s program of the lifecycle against a fresh sandbox, where every step must
/// succeed and the person is gone at the end; then against a server that answers 404 to
/// everything, where it must stop at the first step, naming it.
fn lifecycle_runs(target: Target) {
    if !can_run(target) {
        return;
    }
    let program = &recording().programs[&target];
    let dir = scratch_dir(&format!("flow-{}", target_name(target)));
    let runner = program_runner(target, program, &dir);

    let fresh = Sandbox::start("127.0.0.1:0".parse().unwrap(), SandboxSettings::default())
        .expect("the sandbox starts");
    let output = run_against(target, runner(), &fresh.base_url());
    assert!(
        output.status.success(),
        "{target:?} failed: {}\n{}\n--- program ---\n{program}",
        stderr(&output),
        stdout(&output)
    );
    let printed: Vec<(String, u16)> = stdout(&output)
        .lines()
        .map(|line| {
            let mut words = line.split(' ');
            let step = words.next().unwrap().to_owned();
            (step, words.next().unwrap().parse().unwrap())
        })
        .collect();
    let expected: Vec<(String, u16)> = EXPECTED_STEPS
        .iter()
        .map(|(step, status)| ((*step).to_owned(), *status))
        .collect();
    assert_eq!(printed, expected, "{target:?}: every step, in order");
    assert_eq!(
        fresh.people_count(),
        0,
        "{target:?}: the person was deleted"
    );

    let refusing = LoopbackServer::start(Reply::json(404, r#"{"error": "Not Found"}"#));
    let output = run_against(target, runner(), &refusing.base_url());
    assert_eq!(
        output.status.code(),
        Some(1),
        "{target:?}: {}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("create_person"),
        "{target:?} names the step that failed: {}",
        stderr(&output)
    );
    assert_eq!(
        refusing.requests().len(),
        1,
        "{target:?}: nothing is sent after a step that is not 2xx"
    );
}

#[test]
fn the_curl_flow_runs_in_bash() {
    lifecycle_runs(Target::Curl);
}

#[test]
fn the_httpie_flow_runs_in_bash() {
    lifecycle_runs(Target::Httpie);
}

#[test]
fn the_python_flow_runs() {
    lifecycle_runs(Target::Python);
}

#[test]
fn the_javascript_flow_runs_in_node() {
    lifecycle_runs(Target::JavaScript);
}

#[test]
fn the_go_flow_builds_and_runs() {
    lifecycle_runs(Target::Go);
}

#[test]
fn the_ruby_flow_runs() {
    lifecycle_runs(Target::Ruby);
}

#[test]
fn the_php_flow_runs() {
    lifecycle_runs(Target::Php);
}

#[test]
fn the_rust_flow_builds_and_runs() {
    lifecycle_runs(Target::Rust);
}

#[test]
fn flow_run_replays_the_json_flow() {
    lifecycle_runs(Target::Json);
}

#[test]
fn flow_commands_refuse_what_they_cannot_do_with_exit_2() {
    let home = scratch_dir("flows-empty-home");
    let output = explorer(&home)
        .args(["flow", "export", "--last", "3"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("the history has no sends yet"),
        "{}",
        stderr(&output)
    );
    let file = home.join("later.json");
    let flow = json!({"version": 1, "base_url": "http://127.0.0.1:9/api/v1", "steps": [
        {"name": "get_person", "operation": "getPerson", "path": {"id": "x"},
         "bindings": [{"input": {"path": "id"}, "from": "create_person", "at": "/id"}]},
        {"name": "create_person", "operation": "createPerson", "body": {"userId": "u"}}
    ]});
    std::fs::write(&file, flow.to_string()).unwrap();
    let output = explorer(&home)
        .args(["flow", "run"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "flameup-explorer: step 1: the path value id is taken from \"create_person\", which is not an earlier step\n"
    );
}

/// Finding 17: `flow run` refuses what `send` refuses, naming the step and the input, with exit
/// 2 and nothing sent, instead of leaving it out of the request without a word.
#[test]
fn flow_run_refuses_inputs_send_would_refuse_and_sends_nothing() {
    let home = scratch_dir("flows-stray-inputs");
    let server = LoopbackServer::start(Reply::json(200, "{}"));
    let cases = [
        (
            json!({"name": "get_person", "operation": "getPerson", "path": {"id": "x", "extra": "y"}}),
            "step 1: getPerson has no path parameter \"extra\": its path /people/{id} takes id",
        ),
        (
            json!({"name": "list_people", "operation": "listPeople", "query": {"bogus": "x"}}),
            "step 1: listPeople has no query parameter \"bogus\": it takes limit, offset, status or search",
        ),
        (
            json!({"name": "get_person", "operation": "getPerson", "path": {"id": "x"}, "body": {"a": 1}}),
            "step 1: getPerson takes no body (GET /people/{id}): leave out the step's \"body\"",
        ),
    ];
    for (step, message) in cases {
        let file = home.join("stray.json");
        let flow = json!({"version": 1, "base_url": server.base_url(), "steps": [step]});
        std::fs::write(&file, flow.to_string()).unwrap();
        let output = explorer(&home)
            .args(["flow", "run"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert_eq!(stderr(&output), format!("flameup-explorer: {message}\n"));
    }
    assert!(server.requests().is_empty(), "nothing is sent");
}

/// Findings 12 and 13, end to end: the hostile tester's flow recorded against two base URLs
/// (two sandbox sessions differ by port) — create alice, create bob, list everyone, register alice's
/// device by her UUID — then replayed with `--base-url` against a third sandbox. Every step goes to the third sandbox (none to the recorded ports, which would get
/// the token), and alice's device is bound to the create's answer, not to a place in the list.
#[test]
fn flow_run_sends_every_step_to_its_base_url_and_binds_the_create_not_the_list() {
    let home = scratch_dir("flows-two-sandboxes");
    let start =
        || Sandbox::start("127.0.0.1:0".parse().unwrap(), SandboxSettings::default()).unwrap();
    let (recorded, third) = (start(), start());
    let first = recorded.base_url();
    // The same sandbox by another name: a second base URL, as a second session's port would be.
    let second = first.replace("127.0.0.1", "localhost");
    assert_ne!(first, second);
    let send = |base_url: &str, words: &[&str], body: Option<Value>| -> Value {
        let mut command = explorer(&home);
        command
            .arg("send")
            .args(words)
            .args(["--base-url", base_url, "--output", "json"]);
        if let Some(body) = body {
            let file = home.join("body.json");
            std::fs::write(&file, body.to_string()).unwrap();
            command.arg("--body").arg(file);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "send {words:?}: {}",
            stderr(&output)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let alice = send(&first, &["createPerson"], Some(json!({"userId": "alice"})));
    let alice_uuid = alice["body"]["id"].as_str().unwrap().to_owned();
    send(&first, &["createPerson"], Some(json!({"userId": "bob"})));
    send(&second, &["listPeople"], None);
    let device = json!({"token": "fcm_1", "platform": "ios"});
    send(
        &second,
        &[
            "registerDevice",
            "--path",
            &format!("person_id={alice_uuid}"),
        ],
        Some(device),
    );
    let exported = explorer(&home)
        .args(["flow", "export", "--last", "4", "--target", "json"])
        .output()
        .unwrap();
    assert!(exported.status.success(), "{}", stderr(&exported));
    let flow: Value = serde_json::from_slice(&exported.stdout).unwrap();
    assert_eq!(
        flow["steps"][3]["bindings"][0],
        json!({"input": {"path": "person_id"}, "from": "create_person", "at": "/id"})
    );
    let file = home.join("flow.json");
    std::fs::write(&file, &exported.stdout).unwrap();
    // The recorded sandboxes stop: a step still sent to its recorded port would fail.
    drop(recorded);
    let output = explorer(&home)
        .args(["flow", "run", "--base-url", &third.base_url()])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "create_person 201 Created\ncreate_person_2 201 Created\nlist_people 200 OK\nregister_device 201 Created\n"
    );
}
