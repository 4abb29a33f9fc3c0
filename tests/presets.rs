//! Presets on disk: round trips, broken and foreign files, newer schemas, concurrent saves from
//! separate processes, atomic writes under a killed process, and the command line.

// Helpers of tests (and the test support module) fail by panicking: the panic is the failure
// message. clippy's allow-*-in-tests covers only #[test] functions, not their helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use flameup_explorer::model::{Credential, Draft, Environment, FieldRow, ValueKind, build_request};
use flameup_explorer::store::presets::{Listed, Preset, PresetStore};
use serde_json::{Value, json};
use support::scratch::Scratch;

impl Scratch {
    /// The store of the presets the command line run by [`Scratch::command`] keeps.
    fn store(&self) -> PresetStore {
        PresetStore::at(self.cli_presets())
    }

    /// The standard output of the command line run with `args`, which must succeed.
    fn run_ok(&self, args: &[&str]) -> String {
        stdout_of(&self.command().args(args).output().unwrap())
    }
}

/// A draft of `operation` with its example values, sent to a local base URL.
fn draft_of(operation: &str) -> Draft {
    let contract = flameup_explorer::contract::embedded().unwrap();
    Draft {
        environment: Environment::Custom,
        custom_base_url: "http://127.0.0.1:8080/api/v1".into(),
        ..Draft::for_operation(contract.operation(operation).unwrap())
    }
}

/// A workspace-scoped create with every kind of input: typed inputs, nested traits, and free rows
/// of every value type (one of them still empty, which is not sent) in traits and at the top.
fn every_field_type() -> Draft {
    let mut draft = draft_of("createWorkspacePerson");
    draft
        .values
        .path
        .insert("workspaceId".into(), "ws_abc123".into());
    draft.load_body(&json!({
        "userId": "ada 'quoted' $x",
        "email": "ada@example.com",
        "traits": {"first_name": "Ada", "last_name": "Lovelace", "timezone": "Europe/London",
                   "locale": "en-GB", "phone": "+44 20"},
    }));
    let traits = support::traits_rows(&mut draft);
    traits.extend([
        FieldRow::new("plan", ValueKind::String, "pro"),
        FieldRow::new("seats", ValueKind::Number, "12"),
        FieldRow::new("ratio", ValueKind::Number, "0.25"),
        FieldRow::new("beta", ValueKind::Boolean, "false"),
        FieldRow::new("gone", ValueKind::Null, ""),
        FieldRow::new("tags", ValueKind::Json, r#"["a",{"b":[1,null]}]"#),
        FieldRow::new("empty", ValueKind::String, ""),
    ]);
    let top = draft.values.body.rows_mut().unwrap();
    top.push(FieldRow::new("anonymousId", ValueKind::String, "anon-1"));
    draft
}

/// The request body bytes `draft` sends.
fn body_bytes(draft: &Draft) -> Vec<u8> {
    build_request(draft, None, &Credential::EnvVar)
        .unwrap()
        .body
}

/// Asserts that `restored` sends the same request as `draft`: operation, where, values, body.
fn assert_same_request(restored: &Draft, draft: &Draft) {
    assert_eq!(restored.operation, draft.operation);
    assert_eq!(restored.environment, draft.environment);
    assert_eq!(restored.custom_base_url, draft.custom_base_url);
    assert_eq!(restored.values.path, draft.values.path);
    assert_eq!(restored.values.query, draft.values.query);
    assert_eq!(restored.body_json(), draft.body_json());
    let [restored, original] =
        [restored, draft].map(|draft| build_request(draft, None, &Credential::EnvVar).unwrap());
    assert_eq!(restored.method, original.method);
    assert_eq!(restored.url, original.url);
    assert_eq!(
        restored.body, original.body,
        "the same bytes go on the wire"
    );
}

#[test]
fn a_preset_round_trips_every_field_type() {
    let scratch = Scratch::new("roundtrip");
    let store = scratch.store();
    let draft = every_field_type();
    assert_eq!(
        draft.body_json().unwrap()["traits"]["tags"],
        json!(["a", {"b": [1, null]}]),
        "the rows are in the body"
    );
    let file = store.save(&Preset::new("Every type", &draft)).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("\"kind\": \"flameup-explorer-preset\""),
        "human-readable JSON:\n{text}"
    );
    assert!(text.contains("\"schema\": 2"), "{text}");
    assert!(
        text.contains("\"operation\": \"createWorkspacePerson\""),
        "{text}"
    );

    let (_, loaded) = store.find("every TYPE").unwrap();
    assert_same_request(&loaded.request.to_draft(), &draft);
    assert_eq!(body_bytes(&loaded.request.to_draft()), body_bytes(&draft));
}

#[test]
fn a_preset_of_any_operation_round_trips_its_values() {
    let scratch = Scratch::new("any-operation");
    let store = scratch.store();
    let mut listing = draft_of("listWorkspacePeople");
    listing
        .values
        .path
        .insert("workspaceId".into(), "ws a/b?".into());
    listing.values.query = [("limit", "5"), ("search", "a b&c=d"), ("status", "")]
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .into();
    let mut batch = draft_of("batchPeople");
    batch.load_body(&json!({"people": [{"userId": "a"}, {"userId": "b", "traits": {"n": -0}}]}));
    for (name, draft) in [
        ("Listing", listing),
        ("Batch", batch),
        ("Delete", draft_of("deletePerson")),
    ] {
        store.save(&Preset::new(name, &draft)).unwrap();
        let (file, loaded) = store.find(name).unwrap();
        let restored = loaded.request.to_draft();
        assert_eq!(restored.operation, draft.operation, "{name}");
        assert_eq!(restored.body_json(), draft.body_json(), "{name}");
        let [restored, original] = [&restored, &draft]
            .map(|draft| build_request(draft, None, &Credential::EnvVar).unwrap());
        assert_eq!(restored.url, original.url, "{name}");
        assert_eq!(restored.body, original.body, "{name}");
        let text = std::fs::read_to_string(file).unwrap();
        assert_eq!(
            text.contains("\"body\""),
            draft.operation().unwrap().body.is_some(),
            "a body only for an operation that has one: {text}"
        );
    }
    let (_, listing) = store.find("Listing").unwrap();
    assert_eq!(
        serde_json::to_value(&listing.request.query).unwrap(),
        json!({"limit": "5", "search": "a b&c=d"}),
        "an empty value is sent as nothing, so saved as nothing"
    );
}

#[test]
fn broken_foreign_and_newer_files_are_listed_with_a_reason_and_never_overwritten() {
    let scratch = Scratch::new("broken");
    let store = scratch.store();
    store
        .save(&Preset::new("Good one", &Draft::docs_example()))
        .unwrap();
    let dir = scratch.cli_presets();
    let broken = [
        (
            "torn.json",
            "{\"kind\": \"flameup-explorer-preset\", \"sche",
        ),
        ("foreign.json", "{\"openapi\": \"3.1.0\"}"),
        (
            "newer.json",
            "{\"kind\": \"flameup-explorer-preset\", \"schema\": 3, \"name\": \"Newer\"}",
        ),
    ];
    for (name, text) in broken {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let listed = store.list();
    assert_eq!(listed.len(), 4);
    assert!(matches!(&listed[0], Listed::Preset { preset, .. } if preset.name == "Good one"));
    let reasons: Vec<(String, String)> = listed
        .iter()
        .filter_map(|item| match item {
            Listed::Broken { file, reason } => Some((
                file.file_name().unwrap().to_string_lossy().into_owned(),
                reason.clone(),
            )),
            Listed::Preset { .. } => None,
        })
        .collect();
    assert!(
        reasons
            .iter()
            .any(|(file, reason)| file == "torn.json" && reason.starts_with("not valid JSON"))
    );
    assert!(reasons.iter().any(|(file, reason)| file == "foreign.json"
        && reason.starts_with("not a Flameup Explorer preset")));
    assert!(reasons.iter().any(|(file, reason)| file == "newer.json"
        && reason.contains("newer version (schema 3; this one reads 2)")));

    // Presets whose names would map onto the broken files' names go elsewhere.
    for name in ["Torn", "Newer", "Foreign"] {
        let file = store
            .save(&Preset::new(name, &Draft::docs_example()))
            .unwrap();
        assert_ne!(
            file.file_name().unwrap().to_string_lossy(),
            format!("{}.json", name.to_lowercase())
        );
    }
    for (name, text) in broken {
        assert_eq!(
            std::fs::read_to_string(dir.join(name)).unwrap(),
            text,
            "{name} untouched"
        );
    }

    let output = scratch
        .command()
        .args(["presets", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout
            .lines()
            .filter(|line| line.starts_with("broken: "))
            .count(),
        3,
        "{stdout}"
    );
    for name in ["Good one", "Torn", "Newer", "Foreign"] {
        assert!(
            stdout
                .lines()
                .any(|line| line.starts_with(&format!("{name}\t"))),
            "{name} listed:\n{stdout}"
        );
    }
}

#[test]
fn rename_duplicate_and_delete() {
    let scratch = Scratch::new("rename");
    let store = scratch.store();
    store
        .save(&Preset::new("First", &Draft::docs_example()))
        .unwrap();
    store
        .save(&Preset::new("Second", &Draft::default()))
        .unwrap();
    assert!(
        store.rename("First", "second").is_err(),
        "a taken name is refused"
    );
    store.rename("First", "Renamed").unwrap();
    assert!(store.find("First").is_none());
    assert_eq!(
        store.find("Renamed").unwrap().1.request.body.unwrap()["userId"],
        "example_string"
    );
    assert_eq!(store.copy_name("Renamed"), "Renamed (copy)");
    let deleted = store.delete("Renamed").unwrap().unwrap();
    assert_eq!(deleted.name, "Renamed");
    assert_eq!(store.list().len(), 1);
    store.save(&deleted).unwrap();
    assert_eq!(store.list().len(), 2, "a deleted preset can be put back");
}

fn save_with_cli(scratch: &Scratch, name: &str, body: &Path) -> Command {
    let mut command = scratch.command();
    command
        .args([
            "presets",
            "save",
            name,
            "--base-url",
            "http://127.0.0.1:8080/api/v1",
            "--body",
        ])
        .arg(body);
    command
}

#[test]
fn separate_processes_saving_different_presets_lose_none() {
    let scratch = Scratch::new("concurrent");
    let body = scratch.join("body.json");
    std::fs::write(&body, r#"{"userId": "u"}"#).unwrap();
    let children: Vec<_> = (0..12)
        .map(|index| {
            save_with_cli(&scratch, &format!("Preset {index}"), &body)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        assert!(child.wait_with_output().unwrap().status.success());
    }
    let names: Vec<String> = scratch
        .store()
        .list()
        .into_iter()
        .filter_map(|item| match item {
            Listed::Preset { preset, .. } => Some(preset.name),
            Listed::Broken { .. } => None,
        })
        .collect();
    assert_eq!(names.len(), 12, "{names:?}");
}

#[test]
fn a_save_killed_midway_leaves_the_old_or_the_new_preset() {
    let scratch = Scratch::new("killed");
    let bodies: Vec<PathBuf> = ["A", "B"]
        .iter()
        .map(|which| {
            let path = scratch.join(format!("{which}.json"));
            let blob = which.repeat(400_000);
            std::fs::write(
                &path,
                json!({"userId": which, "traits": {"blob": blob}}).to_string(),
            )
            .unwrap();
            path
        })
        .collect();
    assert!(
        save_with_cli(&scratch, "Big", &bodies[0])
            .output()
            .unwrap()
            .status
            .success()
    );
    let store = scratch.store();
    for round in 0..30 {
        let mut child = save_with_cli(&scratch, "Big", &bodies[round % 2])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis((round as u64 * 7) % 40));
        let _ = child.kill();
        let _ = child.wait();
        let (_, preset) = store
            .find("Big")
            .expect("the preset is always there and whole");
        let body = preset.request.body.unwrap();
        let user = body["userId"].as_str().unwrap().to_owned();
        assert!(user == "A" || user == "B");
        assert_eq!(
            body["traits"]["blob"].as_str().unwrap().len(),
            400_000,
            "not torn"
        );
        assert_eq!(
            store.list().len(),
            1,
            "leftover temporary files are never listed"
        );
    }
}

fn stdout_of(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_command_line_saves_shows_previews_and_deletes() {
    let scratch = Scratch::new("cli");
    let body = scratch.join("body.json");
    std::fs::write(
        &body,
        r#"{"userId": "cli-user", "traits": {"plan": "pro"}}"#,
    )
    .unwrap();
    stdout_of(&save_with_cli(&scratch, "From CLI", &body).output().unwrap());

    let shown: Value =
        serde_json::from_str(&scratch.run_ok(&["presets", "show", "from cli"])).unwrap();
    assert_eq!(
        shown["request"]["body"],
        json!({"userId": "cli-user", "traits": {"plan": "pro"}})
    );
    assert_eq!(shown["request"]["base_url"], "http://127.0.0.1:8080/api/v1");

    let curl = scratch.run_ok(&["preview", "--preset", "From CLI"]);
    assert!(
        curl.starts_with("curl -X POST \"http://127.0.0.1:8080/api/v1/people\""),
        "{curl}"
    );
    assert!(curl.contains("\"plan\": \"pro\""));

    scratch.run_ok(&["presets", "delete", "From CLI"]);
    let missing = scratch
        .command()
        .args(["presets", "show", "From CLI"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no preset called \"From CLI\""));
}

/// Runs a command that must fail with exit code 2; returns its standard error.
fn fails_with_2(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_presets_path_that_is_a_file_is_explained() {
    let scratch = Scratch::new("file-not-folder");
    std::fs::create_dir_all(scratch.cli_presets().parent().unwrap()).unwrap();
    std::fs::write(scratch.cli_presets(), "not a folder").unwrap();
    let body = scratch.join("body.json");
    std::fs::write(&body, r#"{"userId": "u"}"#).unwrap();
    let error = fails_with_2(&mut save_with_cli(&scratch, "Any", &body));
    assert!(
        error.contains("is a file, not a folder"),
        "not a raw OS error: {error}"
    );
    let error = fails_with_2(scratch.command().args(["presets", "list"]));
    assert!(error.contains("is a file, not a folder"), "{error}");
}

#[test]
fn a_presets_folder_that_cannot_be_read_is_reported() {
    let scratch = Scratch::new("unreadable");
    std::fs::create_dir_all(scratch.cli_presets().parent().unwrap()).unwrap();
    // A link to itself: reading it fails for every user, root included (unlike chmod 000).
    std::os::unix::fs::symlink(scratch.cli_presets(), scratch.cli_presets()).unwrap();
    let error = fails_with_2(scratch.command().args(["presets", "list"]));
    assert!(error.contains("cannot read the presets folder"), "{error}");
}

#[test]
fn show_says_why_a_broken_or_newer_preset_is_refused() {
    let scratch = Scratch::new("refused");
    std::fs::create_dir_all(scratch.cli_presets()).unwrap();
    std::fs::write(
        scratch.cli_presets().join("future.json"),
        r#"{"kind": "flameup-explorer-preset", "schema": 99, "name": "Future", "request": {}}"#,
    )
    .unwrap();
    std::fs::write(scratch.cli_presets().join("broken.json"), "{\"name\": ").unwrap();
    let error = fails_with_2(scratch.command().args(["presets", "show", "future"]));
    assert!(
        error.contains("\"Future\"") && error.contains("made by a newer version"),
        "{error}"
    );
    let error = fails_with_2(scratch.command().args(["presets", "show", "Broken"]));
    assert!(
        error.contains("no preset called \"Broken\"") && error.contains("1 preset file is broken"),
        "{error}"
    );
}

#[test]
fn delete_names_the_preset_it_deleted() {
    let scratch = Scratch::new("delete-name");
    let body = scratch.join("body.json");
    std::fs::write(&body, r#"{"userId": "u"}"#).unwrap();
    stdout_of(&save_with_cli(&scratch, "twice", &body).output().unwrap());
    let deleted = scratch.run_ok(&["presets", "delete", "TWICE"]);
    assert_eq!(deleted.trim(), "Deleted \"twice\".");
}

#[test]
fn presets_alone_prints_its_usage() {
    let scratch = Scratch::new("usage");
    let error = fails_with_2(scratch.command().arg("presets"));
    assert!(
        error.contains("Usage: flameup-explorer presets <COMMAND>")
            && error.contains("list, show, save or delete"),
        "{error}"
    );
    assert_eq!(error.trim_end().lines().count(), 1, "{error}");
}

/// Names that differ (so each is its own preset) but map onto the same readable file name.
const LOOK_ALIKE_NAMES: [&str; 20] = [
    "Plan A", "plan/a", "plan-a", "plan_a", "plan.a", "plan:a", "plan+a", "plan=a", "plan~a",
    "plan,a", "plan;a", "plan!a", "plan?a", "plan*a", "plan#a", "plan@a", "plan$a", "plan%a",
    "plan&a", "plan'a",
];

#[test]
fn look_alike_names_saved_by_concurrent_processes_each_keep_their_own_file() {
    let scratch = Scratch::new("look-alike");
    let body = scratch.join("body.json");
    std::fs::write(&body, r#"{"userId": "u"}"#).unwrap();
    // Every process starts before any is waited for, so their saves overlap.
    let children: Vec<_> = LOOK_ALIKE_NAMES
        .iter()
        .map(|name| {
            save_with_cli(&scratch, name, &body)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut files: Vec<String> = children
        .into_iter()
        .map(|child| {
            let stdout = stdout_of(&child.wait_with_output().unwrap());
            stdout.trim_end().rsplit(" to ").next().unwrap().to_owned()
        })
        .collect();
    files.sort();
    files.dedup();
    assert_eq!(files.len(), 20, "each save reports its own file: {files:?}");
    let mut names: Vec<String> = scratch
        .store()
        .list()
        .into_iter()
        .filter_map(|item| match item {
            Listed::Preset { preset, .. } => Some(preset.name),
            Listed::Broken { .. } => None,
        })
        .collect();
    names.sort();
    let mut expected: Vec<String> = LOOK_ALIKE_NAMES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected, "no save lost another");
}

#[test]
fn save_new_refuses_a_taken_name_even_when_the_race_is_close() {
    let scratch = Scratch::new("save-new");
    let store = scratch.store();
    store
        .save_new(&Preset::new("Docs", &Draft::docs_example()))
        .unwrap();
    let refused = store
        .save_new(&Preset::new("DOCS", &Draft::default()))
        .unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::AlreadyExists);
    assert!(refused.to_string().contains("\"Docs\""), "{refused}");
    assert_eq!(store.find("docs").unwrap().1.name, "Docs", "not replaced");

    // Eight threads save the same new name at once: exactly one wins, none writes over it.
    let outcomes: Vec<bool> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|index| {
                let store = scratch.store();
                scope.spawn(move || {
                    let mut draft = Draft::default();
                    draft.load_body(&json!({"userId": format!("thread {index}")}));
                    store.save_new(&Preset::new("Race", &draft)).is_ok()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        outcomes.iter().filter(|won| **won).count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(scratch.store().list().len(), 2);

    let saved = store
        .save_replacing(&Preset::new("race", &Draft::default()))
        .unwrap();
    assert_eq!(saved.replaced.as_deref(), Some("Race"));
    assert_eq!(store.list().len(), 2, "replaced in place");
}

#[test]
fn the_command_line_says_which_preset_a_save_replaced() {
    let scratch = Scratch::new("cli-replace");
    let body = scratch.join("body.json");
    std::fs::write(&body, r#"{"userId": "u"}"#).unwrap();
    let first = stdout_of(&save_with_cli(&scratch, "Docs", &body).output().unwrap());
    assert!(!first.contains("replacing"), "{first}");
    let second = stdout_of(&save_with_cli(&scratch, "DOCS", &body).output().unwrap());
    assert!(
        second.trim_end().ends_with(", replacing \"Docs\""),
        "{second}"
    );
    assert_eq!(scratch.store().list().len(), 1);
}

#[test]
fn an_oversized_preset_file_is_listed_as_broken_without_being_read() {
    let scratch = Scratch::new("oversized");
    let store = scratch.store();
    store
        .save(&Preset::new("Small", &Draft::docs_example()))
        .unwrap();
    // A valid preset, padded past the cap: if it were read whole it would parse and be listed.
    let mut text = Preset::new("Huge", &Draft::docs_example()).to_json();
    text.push_str(&" ".repeat(2 * 1024 * 1024));
    std::fs::write(scratch.cli_presets().join("huge.json"), &text).unwrap();

    let listed = store.list();
    assert_eq!(listed.len(), 2);
    let reason = listed
        .iter()
        .find_map(|item| match item {
            Listed::Broken { reason, .. } => Some(reason.clone()),
            Listed::Preset { .. } => None,
        })
        .expect("the oversized file is listed as broken");
    assert!(
        reason.starts_with("too big to be a preset (2.0 MiB, more than 1.0 MiB)"),
        "{reason}"
    );
    assert!(store.find("Huge").is_none());

    let stdout = scratch.run_ok(&["presets", "list"]);
    assert!(
        stdout.contains("huge.json: too big to be a preset"),
        "{stdout}"
    );
    let error = fails_with_2(scratch.command().args(["presets", "show", "Huge"]));
    assert!(error.contains("1 preset file is broken"), "{error}");
}

#[test]
fn names_with_control_characters_are_refused_and_never_printed_raw() {
    let scratch = Scratch::new("control");
    let body = scratch.join("body.json");
    std::fs::write(&body, r#"{"userId": "u"}"#).unwrap();
    for name in ["\u{1b}[31mred", "tab\there", "two\nlines"] {
        let output = save_with_cli(&scratch, name, &body).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{name:?} refused");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("cannot hold control characters"),
            "{stderr}"
        );
        assert!(!stderr.contains('\u{1b}'), "no raw escape: {stderr:?}");
    }
    assert!(scratch.store().list().is_empty(), "nothing saved");

    // Files written by hand: a name with a tab, and a file name with an escape sequence.
    let dir = scratch.cli_presets();
    std::fs::create_dir_all(&dir).unwrap();
    let mut tabbed = Preset::new("placeholder", &Draft::docs_example());
    tabbed.name = "a\tb".into();
    std::fs::write(dir.join("tabbed.json"), tabbed.to_json()).unwrap();
    std::fs::write(dir.join("\u{1b}[2Jevil.json"), "{").unwrap();
    stdout_of(&save_with_cli(&scratch, "Fine", &body).output().unwrap());

    let stdout = scratch.run_ok(&["presets", "list"]);
    assert!(!stdout.contains('\u{1b}'), "no raw escape: {stdout:?}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "one line per file: {stdout:?}");
    assert!(lines[0].starts_with("Fine\t"), "{stdout:?}");
    for line in &lines[1..] {
        assert!(
            line.starts_with("broken: ") && !line.contains('\t'),
            "{line:?}"
        );
    }
    assert!(stdout.contains("\\u{1b}[2Jevil.json"), "{stdout:?}");
}

#[test]
fn names_are_one_name_under_one_unicode_folding_rule() {
    let scratch = Scratch::new("folding");
    let store = scratch.store();
    for (saved, typed) in [
        ("Docs", "DOCS"),
        ("İstanbul", "istanbul"),
        ("Straße", "STRASSE"),
    ] {
        store
            .save_new(&Preset::new(saved, &Draft::docs_example()))
            .unwrap();
        let refused = store
            .save_new(&Preset::new(typed, &Draft::docs_example()))
            .unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::AlreadyExists, "{typed}");
        assert_eq!(store.find(typed).unwrap().1.name, saved);
    }
    assert_eq!(store.list().len(), 3);
    assert!(store.rename("Docs", "STRASSE").is_err(), "a taken name");
    store.rename("istanbul", "ISTANBUL").unwrap();
    assert_eq!(store.find("İstanbul").unwrap().1.name, "ISTANBUL");
    assert_eq!(store.list().len(), 3);

    // The command line finds them by the same rule.
    let shown = scratch.run_ok(&["presets", "show", "strasse"]);
    assert!(shown.contains("\"name\": \"Straße\""), "{shown}");
}

/// A workspace-scoped preset exactly as the version before the whole API wrote it (schema 1:
/// always create person, its path given by `path_style` and `workspace_id`).
const SCHEMA_1_WORKSPACE: &str = r#"{
  "kind": "flameup-explorer-preset",
  "schema": 1,
  "name": "Old workspace create",
  "saved_at": "2026-11-27T12:00:00Z",
  "request": {
    "environment": "Custom",
    "base_url": "http://127.0.0.1:8080/api/v1",
    "path_style": "WorkspaceScoped",
    "workspace_id": "ws_abc123",
    "body": {
      "userId": "ada",
      "email": "ada@example.com",
      "traits": {
        "first_name": "Ada",
        "plan": "pro",
        "seats": 12
      },
      "anonymousId": "anon-1"
    }
  }
}
"#;

/// A key-scoped one, likewise: the workspace typed before switching back is still in the file.
const SCHEMA_1_KEY_SCOPED: &str = r#"{
  "kind": "flameup-explorer-preset",
  "schema": 1,
  "name": "Old create",
  "saved_at": "2026-11-27T12:00:00Z",
  "request": {
    "environment": "Custom",
    "base_url": "http://127.0.0.1:8080/api/v1",
    "path_style": "KeyScoped",
    "workspace_id": "ws_left_over",
    "body": {
      "userId": "grace",
      "phone": "+1-555-0123"
    }
  }
}
"#;

#[test]
fn a_schema_1_file_loads_as_the_create_person_it_was() {
    let scratch = Scratch::new("schema-1");
    let dir = scratch.cli_presets();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("old-workspace-create.json"), SCHEMA_1_WORKSPACE).unwrap();
    std::fs::write(dir.join("old-create.json"), SCHEMA_1_KEY_SCOPED).unwrap();
    let store = scratch.store();

    let (_, workspace) = store.find("Old workspace create").unwrap();
    let draft = workspace.request.to_draft();
    assert_eq!(draft.operation, "createWorkspacePerson");
    assert_eq!(draft.values.path["workspaceId"], "ws_abc123");
    let old_body: Value =
        serde_json::from_str::<Value>(SCHEMA_1_WORKSPACE).unwrap()["request"]["body"].clone();
    assert_eq!(draft.body_json(), Some(old_body), "every field is kept");
    let request = build_request(&draft, None, &Credential::EnvVar).unwrap();
    assert_eq!(
        request.url.as_str(),
        "http://127.0.0.1:8080/api/v1/workspaces/ws_abc123/people"
    );

    let (_, key_scoped) = store.find("Old create").unwrap();
    let draft = key_scoped.request.to_draft();
    assert_eq!(draft.operation, "createPerson");
    assert!(draft.values.path.is_empty(), "{:?}", draft.values.path);
    assert_eq!(
        draft.body_json(),
        Some(json!({"userId": "grace", "phone": "+1-555-0123"}))
    );

    // The command line lists, previews and sends them as those operations.
    let listed = scratch.run_ok(&["presets", "list"]);
    assert!(
        listed
            .lines()
            .any(|line| line.starts_with("Old workspace create\tcreateWorkspacePerson\t")),
        "{listed}"
    );
    assert!(
        listed
            .lines()
            .any(|line| line.starts_with("Old create\tcreatePerson\t")),
        "{listed}"
    );
    let http = scratch.run_ok(&[
        "preview",
        "--target",
        "http",
        "--preset",
        "old workspace create",
    ]);
    assert!(
        http.starts_with("POST /api/v1/workspaces/ws_abc123/people HTTP/1.1\r\n"),
        "{http}"
    );
    assert!(http.contains("\"anonymousId\": \"anon-1\""), "{http}");

    // Neither file was rewritten by being read, and `show` prints what it means today.
    assert_eq!(
        std::fs::read_to_string(dir.join("old-workspace-create.json")).unwrap(),
        SCHEMA_1_WORKSPACE
    );
    let shown: Value =
        serde_json::from_str(&scratch.run_ok(&["presets", "show", "Old workspace create"]))
            .unwrap();
    assert_eq!(shown["schema"], 2);
    assert_eq!(shown["request"]["operation"], "createWorkspacePerson");
    assert_eq!(
        shown["request"]["path"],
        json!({"workspaceId": "ws_abc123"})
    );
    // A rename writes the file again: it stays the workspace create it was.
    store
        .rename("Old workspace create", "Renamed workspace create")
        .unwrap();
    let (file, renamed) = store.find("Renamed workspace create").unwrap();
    assert_same_request(&renamed.request.to_draft(), &workspace.request.to_draft());
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("\"schema\": 2"), "{text}");
    // Saved again, it is a schema-2 file of the same operation.
    store
        .save_replacing(&Preset::new("Old create", &draft))
        .unwrap();
    let text = std::fs::read_to_string(dir.join("old-create.json")).unwrap();
    assert!(text.contains("\"schema\": 2"), "{text}");
    assert!(text.contains("\"operation\": \"createPerson\""), "{text}");
    assert!(!text.contains("path_style"), "{text}");
}

#[test]
fn the_command_line_saves_any_operation_and_its_flags_override_the_preset() {
    let scratch = Scratch::new("cli-operations");
    let base_url = "http://127.0.0.1:8080/api/v1";
    stdout_of(
        &scratch
            .command()
            .args(["presets", "save", "Find Ada", "getPerson", "--path"])
            .args(["id=ada@example.com", "--base-url", base_url])
            .output()
            .unwrap(),
    );
    stdout_of(
        &scratch
            .command()
            .args(["presets", "save", "First five", "listPeople"])
            .args(["--query", "limit=5", "--query", "search=a b"])
            .args(["--base-url", base_url])
            .output()
            .unwrap(),
    );
    let shown: Value =
        serde_json::from_str(&scratch.run_ok(&["presets", "show", "find ada"])).unwrap();
    assert_eq!(shown["schema"], 2);
    assert_eq!(
        shown["request"],
        json!({"environment": "Custom", "base_url": base_url, "operation": "getPerson",
               "path": {"id": "ada@example.com"}}),
        "no body for a GET"
    );

    let listed = scratch.run_ok(&["presets", "list"]);
    assert!(
        listed
            .lines()
            .any(|line| line.starts_with("Find Ada\tgetPerson\t")),
        "{listed}"
    );
    assert!(
        listed
            .lines()
            .any(|line| line.starts_with("First five\tlistPeople\t")),
        "{listed}"
    );

    let preview = |extra: &[&str]| {
        stdout_of(
            &scratch
                .command()
                .args(["preview", "--target", "http"])
                .args(extra)
                .output()
                .unwrap(),
        )
    };
    assert!(
        preview(&["--preset", "Find Ada"])
            .starts_with("GET /api/v1/people/ada@example.com HTTP/1.1\r\n"),
        "the preset's operation and path value"
    );
    assert!(
        preview(&["getPerson", "--preset", "Find Ada", "--path", "id=grace"])
            .starts_with("GET /api/v1/people/grace HTTP/1.1\r\n"),
        "--path overrides the preset's value; naming its own operation is fine"
    );
    assert!(
        preview(&["--preset", "First five"])
            .starts_with("GET /api/v1/people?limit=5&search=a%20b HTTP/1.1\r\n")
    );
    assert!(
        preview(&[
            "--preset",
            "First five",
            "--query",
            "limit=7",
            "--query",
            "search="
        ])
        .starts_with("GET /api/v1/people?limit=7 HTTP/1.1\r\n"),
        "--query overrides, and an empty value takes the preset's away"
    );

    let error =
        fails_with_2(
            scratch
                .command()
                .args(["preview", "deletePerson", "--preset", "Find Ada"]),
        );
    assert!(
        error.contains("the preset \"Find Ada\" calls getPerson, not deletePerson"),
        "{error}"
    );
    let error = fails_with_2(
        scratch
            .command()
            .args(["preview", "--preset", "Find Ada", "--query", "limit=5"]),
    );
    assert!(
        error.contains("getPerson takes no query parameters")
            && error.contains("the operation of the preset \"Find Ada\""),
        "{error}"
    );
}

#[test]
fn two_files_with_the_same_preset_name_are_named_not_guessed_between() {
    let scratch = Scratch::new("same-name");
    let body = scratch.join("body.json");
    std::fs::write(&body, r#"{"userId": "u"}"#).unwrap();
    stdout_of(&save_with_cli(&scratch, "lp", &body).output().unwrap());
    let saved = std::fs::read_dir(scratch.cli_presets())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|ext| ext == "json"))
        .unwrap();
    // A copy made by hand, in a file of another name.
    std::fs::copy(&saved, scratch.cli_presets().join("lp copy.json")).unwrap();
    for args in [
        &["presets", "show", "lp"][..],
        &["preview", "--preset", "lp", "--target", "curl"][..],
    ] {
        let error = fails_with_2(scratch.command().args(args));
        assert!(
            error.contains("2 preset files are called \"lp\"")
                && error.contains("lp copy.json")
                && error.contains("rename or remove all but one"),
            "{error}"
        );
    }
}
