//! The whole life of a person through the command line against the sandbox: every step a real
//! `flameup-explorer send` of an operation, each answer checked against the docs (`--strict`
//! exits 3 on any difference), the identifiers of one answer typed into the next.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use flameup_explorer::sandbox::{Sandbox, SandboxSettings};
use serde_json::{Value, json};
use support::scratch::Scratch;

/// Writes `body` to `{name}.json` in `scratch`, for `--body`.
fn body_file(scratch: &Scratch, name: &str, body: &Value) -> PathBuf {
    scratch.file(&format!("{name}.json"), body.to_string())
}

/// One `send`: the exit code and the `--output json` result.
fn send(scratch: &Scratch, base_url: &str, words: &[&str]) -> (i32, Value) {
    // The command line's own files (its history) stay in the scratch folder.
    let output = scratch
        .command()
        .arg("send")
        .args(words)
        .args(["--base-url", base_url, "--output", "json", "--strict"])
        .env("FLAMEUP_API_TOKEN", "ws_test_lifecycle.token")
        .output()
        .unwrap();
    let result: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "{words:?}: not JSON ({err}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), result)
}

/// A send that must succeed and match the docs: its body.
fn ok(scratch: &Scratch, base_url: &str, words: &[&str]) -> Value {
    let (code, result) = send(scratch, base_url, words);
    assert_eq!(code, 0, "{words:?}: {result}");
    assert_eq!(result["contract"]["ok"], true, "{words:?}: {result}");
    result["body"].clone()
}

fn file(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn the_whole_life_of_a_person_through_the_command_line() {
    let sandbox = Sandbox::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SandboxSettings::default(),
    )
    .unwrap();
    let base = sandbox.base_url();
    let scratch = Scratch::new("lifecycle");

    let create = body_file(
        &scratch,
        "create",
        &json!({"userId": "ada", "email": "ada@example.com", "traits": {"first_name": "Ada", "plan": "free"}}),
    );
    let person = ok(&scratch, &base, &["createPerson", "--body", file(&create)]);
    let uuid = person["id"].as_str().unwrap().to_owned();

    let found = ok(
        &scratch,
        &base,
        &["getPerson", "--path", "id=ada@example.com"],
    );
    assert_eq!(found["id"], uuid, "get by email");

    let update = body_file(
        &scratch,
        "update",
        &json!({"traits": {"plan": "pro", "seats": 3}}),
    );
    let updated = ok(
        &scratch,
        &base,
        &["updatePerson", "--path", "id=ada", "--body", file(&update)],
    );
    assert_eq!(updated["first_name"], "Ada", "traits merged, not replaced");
    assert_eq!(updated["attributes"]["plan"], "pro");

    let listed = ok(&scratch, &base, &["listPeople", "--query", "limit=10"]);
    let total = listed["total"].as_u64().unwrap();
    let second = body_file(&scratch, "second", &json!({"userId": "grace"}));
    ok(&scratch, &base, &["createPerson", "--body", file(&second)]);
    let listed = ok(&scratch, &base, &["listPeople", "--query", "limit=10"]);
    assert_eq!(
        listed["total"].as_u64().unwrap(),
        total + 1,
        "the total grows"
    );

    let search = ok(
        &scratch,
        &base,
        &[
            "searchWorkspacePeople",
            "--workspace",
            "ws_sandbox",
            "--query",
            "q=ada",
        ],
    );
    assert!(
        search.to_string().contains(&uuid),
        "search finds her: {search}"
    );

    let event = body_file(
        &scratch,
        "event",
        &json!({"external_id": "ada", "event": "signed_up"}),
    );
    ok(&scratch, &base, &["trackEvent", "--body", file(&event)]);
    let events = ok(
        &scratch,
        &base,
        &[
            "listWorkspaceEvents",
            "--workspace",
            "ws_sandbox",
            "--query",
            "user_id=ada",
        ],
    );
    assert!(events.to_string().contains("signed_up"), "{events}");

    let device = body_file(
        &scratch,
        "device",
        &json!({"token": "push-token-1", "platform": "ios"}),
    );
    let person_path = format!("person_id={uuid}");
    ok(
        &scratch,
        &base,
        &[
            "registerDevice",
            "--path",
            &person_path,
            "--body",
            file(&device),
        ],
    );
    let push = body_file(
        &scratch,
        "push",
        &json!({"person_id": uuid, "title": "Hello", "body": "Welcome aboard"}),
    );
    ok(&scratch, &base, &["sendPush", "--body", file(&push)]);

    let hundred: Vec<Value> = (0..100)
        .map(|index| json!({"userId": format!("batch-{index}")}))
        .collect();
    let batch = body_file(&scratch, "batch", &json!({"people": hundred}));
    let counted = ok(&scratch, &base, &["batchPeople", "--body", file(&batch)]);
    assert_eq!(counted["created_count"], 100, "{counted}");
    let mut too_many = hundred.clone();
    too_many.push(json!({"userId": "one-too-many"}));
    let batch = body_file(&scratch, "too-many", &json!({"people": too_many}));
    let (code, refused) = send(&scratch, &base, &["batchPeople", "--body", file(&batch)]);
    assert_eq!(code, 1, "a 4xx: {refused}");
    assert_eq!(refused["status"], 400);
    assert!(
        refused["body"].to_string().contains("100"),
        "the answer names the limit: {refused}"
    );
    assert_eq!(
        refused["contract"]["ok"], true,
        "a documented error: {refused}"
    );

    ok(&scratch, &base, &["deletePerson", "--path", "id=ada"]);
    let (code, gone) = send(&scratch, &base, &["getPerson", "--path", "id=ada"]);
    assert_eq!((code, gone["status"].clone()), (1, json!(404)), "{gone}");
}
