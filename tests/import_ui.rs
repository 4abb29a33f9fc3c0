//! The Import view on the real app: a file opened by its path shows its columns and types and
//! the dry run's bad rows; Start sends to the in-process sandbox (or a loopback server that holds
//! its answers, to control timing); Pause, Resume and Cancel act at once; the failed rows export
//! as a CSV the importer reads back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use flameup_explorer::app::{App, View};
use flameup_explorer::import::{End, Import, Outcome, Settings, Summary};
use flameup_explorer::model::{Draft, Environment};
use support::app::{
    Scratch, first_launch, harness_of, state_sending_to, step_until, type_into, typed_token,
};
use support::{LoopbackServer, Reply};

/// Six people: lines 3 (email), 4 (age) and 6 (no userId) are bad.
const PEOPLE_CSV: &str = "userId,email,traits.age:number\n\
u1,a@example.com,30\n\
u2,not-an-email,31\n\
u3,c@example.com,abc\n\
u4,d@example.com,40\n\
,e@example.com,41\n\
u6,f@example.com,\n";

/// Switches to the Import view and opens `path` by typing it, as a user would.
fn open_by_path(harness: &mut Harness<'_, App>, path: &Path) {
    harness.get_by_label("Import people").click();
    harness.run();
    type_into(harness, "File to import", &path.display().to_string());
    harness.get_by_label("Open").click();
    step_until(harness, "the dry run's end", checked);
    harness.run();
}

/// The open file is previewed and its dry run is over.
fn checked(app: &App) -> bool {
    app.import.file.as_ref().is_some_and(|file| {
        file.preview.ready().is_some()
            && file.check.as_ref().is_some_and(|check| check.is_finished())
    })
}

/// The finished import's summary.
fn run_summary(app: &App) -> &Summary {
    let run = app.import.file.as_ref().and_then(|file| file.run.as_ref());
    run.and_then(|run| run.summary.as_ref()).unwrap()
}

fn run_finished(app: &App) -> bool {
    app.import
        .file
        .as_ref()
        .and_then(|file| file.run.as_ref())
        .is_some_and(|run| run.is_finished())
}

fn indexed(app: &App, filter: Option<Outcome>) -> usize {
    app.import
        .file
        .as_ref()
        .and_then(|file| file.index.as_ref())
        .map_or(0, |index| index.lock().unwrap().len(filter))
}

/// An app sending to `server` with a typed token, one person a request, one request at a time,
/// settled.
fn sending_to(server: &LoopbackServer) -> Harness<'static, App> {
    let mut state = state_sending_to(&server.base_url(), Draft::default());
    state.import.batch_size = 1;
    state.import.concurrency = 1;
    let app = App::with_state(state, typed_token("ws_test_import"));
    let mut harness = harness_of(app, egui::vec2(1280.0, 800.0));
    harness.run();
    harness
}

/// Starts the import and waits for its end and for its `rows` results in the table.
fn import_all(harness: &mut Harness<'_, App>, rows: usize) {
    harness.get_by_label("Start import").click();
    step_until(harness, "the import's end", run_finished);
    step_until(harness, "every row in the results table", |app| {
        indexed(app, None) == rows
    });
    harness.run();
}

/// Clicks "Export failed rows" and waits until the export has said where it wrote.
fn export_failed_rows(harness: &mut Harness<'_, App>) {
    harness.get_by_label("Export failed rows").click();
    step_until(harness, "the export", |app| {
        app.import
            .file
            .as_ref()
            .is_some_and(|file| file.export.is_none())
            && app.import.message.is_some()
    });
    harness.run();
}

/// The engine's own dry run of `file`, to read an export back.
fn dry_run(file: PathBuf) -> Summary {
    let settings = Settings {
        file,
        workspace: None,
        send: None,
    };
    Import::start(settings, |_| {}).unwrap().wait()
}

/// A `batchPeople` answer for a batch of one new person (its counts settle the row, whatever
/// its userId).
fn created_one() -> Reply {
    Reply::json(200, r#"{"created_count":1,"updated_count":0}"#)
}

/// Three valid people in `three.csv`, imported to a server that holds its answers until told,
/// up to the moment its first request arrived (and waits): where a test pauses or cancels.
fn first_request_held(scratch: &Scratch) -> (LoopbackServer, Harness<'static, App>) {
    let file = scratch.file(
        "three.csv",
        "userId,email\nu1,a@example.com\nu2,b@example.com\nu3,c@example.com\n",
    );
    let server = LoopbackServer::start(Reply::Held(Box::new(created_one())));
    let mut harness = sending_to(&server);
    open_by_path(&mut harness, &file);
    harness.get_by_label("Start import").click();
    while server.requests().is_empty() {
        harness.step();
        std::thread::yield_now();
    }
    (server, harness)
}

#[test]
fn an_opened_csv_shows_its_columns_and_types_and_the_bad_rows_with_their_lines() {
    let scratch = Scratch::new("import-ui-preview");
    let file = scratch.file("people.csv", PEOPLE_CSV);
    let mut harness = first_launch(&scratch);
    open_by_path(&mut harness, &file);

    // The preview: the header's columns, each with the type its cells are sent as.
    harness.get_by_label("traits.age:number");
    harness.get_by_label("number");
    assert_eq!(
        harness.query_all_by_label("text").count(),
        2,
        "userId and email are text"
    );
    harness.get_by_label_contains(": 3 columns. The first 6 rows:");
    // The dry run: its counts and each bad row by its line in the file.
    harness.get_by_label("Checked 6 rows: 3 valid, 3 invalid. Nothing was sent.");
    for line in [3, 4, 6] {
        harness.get_by_label(&format!("line {line}"));
    }
    assert!(
        harness.query_by_label("line 2").is_none(),
        "a valid row is not listed"
    );
    harness.get_by_label_contains("Not a valid email address");

    // Clicking a bad row shows the row itself beside its reason.
    harness.get_by_label("line 4").click();
    step_until(&mut harness, "the row's text", |app| {
        app.import
            .file
            .as_ref()
            .and_then(|file| file.bad_row_text.as_ref())
            .is_some_and(|lookup| lookup.text.ready().is_some())
    });
    harness.run();
    harness.get_by_label("Row at line 4");
    harness.get_by_label_contains("traits.age:number: abc");
    harness.get_by_label_contains("userId: u3");

    // Idle once checked: nothing asks for another frame.
    assert!(
        harness.try_run().is_ok(),
        "the Import view keeps repainting while idle"
    );
}

#[test]
fn a_broken_file_shows_the_engines_message_naming_the_line() {
    let scratch = Scratch::new("import-ui-broken");
    let file = scratch.file("bad.csv", "userId,nickname\nu1,x\n");
    let mut harness = first_launch(&scratch);
    open_by_path(&mut harness, &file);
    harness.get_by_label_contains("This file cannot be imported: line 1: the column \"nickname\"");
    assert_eq!(harness.state().state.view, View::Import);
}

#[test]
fn an_import_into_the_sandbox_lists_its_results_by_outcome() {
    let scratch = Scratch::new("import-ui-sandbox");
    let file = scratch.file("people.csv", PEOPLE_CSV);
    let mut harness = first_launch(&scratch);
    assert_eq!(
        harness.state().state.draft.environment,
        Environment::Sandbox
    );
    open_by_path(&mut harness, &file);

    import_all(&mut harness, 6);
    let summary = run_summary(harness.state());
    assert_eq!(summary.end, End::Complete);
    assert_eq!((summary.counts.created, summary.counts.invalid), (3, 3));
    harness.get_by_label("Done: created 3, updated 0, rejected 0, failed 0, invalid 3.");
    let results = scratch.path().join("people.csv.results.jsonl");
    assert_eq!(
        std::fs::read_to_string(&results).unwrap().lines().count(),
        6
    );

    // Filtered by outcome: the counts on the filters, and only that outcome's rows.
    harness.get_by_label("All (6)");
    harness.get_by_label("invalid (3)").click();
    harness.run();
    assert_eq!(
        harness.query_all_by_label("line 3").count(),
        2,
        "in the dry run and the results"
    );
    assert!(harness.query_by_label("line 2").is_none());
    harness.get_by_label("created (3)").click();
    harness.run();
    for line in [2, 5, 7] {
        harness.get_by_label(&format!("line {line}"));
    }
    assert_eq!(
        harness.query_all_by_label("line 3").count(),
        1,
        "only the dry run lists it"
    );
    assert_eq!(indexed(harness.state(), Some(Outcome::Created)), 3);
}

#[test]
fn pause_stops_sending_until_resume_and_resume_finishes() {
    let scratch = Scratch::new("import-ui-pause");
    let (server, mut harness) = first_request_held(&scratch);
    harness.get_by_label("Pause").click();
    harness.step();
    // The batch in flight is answered and recorded; no other is sent while paused.
    server.release();
    server.wait_for_replies(1);
    step_until(&mut harness, "the paused import with one row done", |app| {
        let run = app.import.file.as_ref().and_then(|file| file.run.as_ref());
        run.and_then(|run| run.latest.as_ref())
            .is_some_and(|progress| progress.paused && progress.done == 1)
            && indexed(app, None) == 1
    });
    harness.get_by_label("Paused: nothing is sent until you resume.");
    assert_eq!(
        server.requests().len(),
        1,
        "a request was sent while paused"
    );

    harness.get_by_label("Resume").click();
    step_until(&mut harness, "the import's end", run_finished);
    assert_eq!(server.requests().len(), 3);
    assert_eq!(run_summary(harness.state()).counts.created, 3);
}

#[test]
fn cancel_stops_at_once_and_leaves_the_row_in_flight_for_a_resume() {
    let scratch = Scratch::new("import-ui-cancel");
    let (server, mut harness) = first_request_held(&scratch);
    harness.get_by_label("Cancel").click();
    step_until(&mut harness, "the cancelled import's end", run_finished);
    harness.get_by_label_contains("Cancelled: 3 valid rows not sent yet.");
    server.release();
    assert_eq!(server.requests().len(), 1);
    let results = scratch.path().join("three.csv.results.jsonl");
    assert_eq!(std::fs::read_to_string(results).unwrap_or_default(), "");
    // The next Start resumes that import.
    assert!(harness.state().import.file.as_ref().unwrap().resume);
}

#[test]
fn exported_failed_rows_read_back_as_the_same_rows() {
    let scratch = Scratch::new("import-ui-export");
    // JSON Lines: the export gets columns the importer understands.
    let file = scratch.file(
        "people.jsonl",
        concat!(
            "{\"userId\":\"u1\",\"email\":\"a@example.com\"}\n",
            "{\"userId\":\"u2\",\"email\":\"nope\",\"traits\":{\"age\":31,\"vip\":true}}\n",
            "{\"userId\":\"u3\",\"email\":\"c@example.com\",\"traits\":{\"age\":\"old\"}}\n",
            "{\"email\":\"d@example.com\",\"traits\":{\"tags\":[\"a\",\"b\"]}}\n",
        ),
    );
    let mut harness = first_launch(&scratch);
    open_by_path(&mut harness, &file);
    let invalid = {
        let check = harness
            .state()
            .import
            .file
            .as_ref()
            .unwrap()
            .check
            .as_ref()
            .unwrap();
        check.summary.as_ref().unwrap().counts.invalid
    };
    assert!(invalid >= 2, "the file has bad rows: {invalid}");

    export_failed_rows(&mut harness);
    let message = harness.state().import.message.clone().unwrap().unwrap();
    let export = scratch.path().join("people.jsonl.failed.csv");
    assert!(message.contains(&export.display().to_string()), "{message}");
    harness.get_by_label_contains(&format!("Exported {invalid} rows"));

    // The engine's own dry run reads the export back: the same rows, still invalid.
    let summary = dry_run(export.clone());
    assert_eq!(summary.end, End::Complete);
    assert_eq!(
        (summary.counts.rows, summary.counts.invalid),
        (invalid, invalid)
    );
    let text = std::fs::read_to_string(&export).unwrap();
    assert_eq!(
        text,
        "userId,email,traits.age:number,traits.vip:boolean,traits.tags:json\n\
         u2,nope,31,true,\n\
         ,d@example.com,,,\"[\"\"a\"\",\"\"b\"\"]\"\n"
    );
    let reasons =
        std::fs::read_to_string(scratch.path().join("people.jsonl.failed.reasons.csv")).unwrap();
    assert!(reasons.contains("2,2,invalid,email,"), "{reasons}");
}

#[test]
fn rows_the_server_refused_export_from_the_results_file_with_their_reasons() {
    let scratch = Scratch::new("import-ui-refused");
    let file = scratch.file(
        "people.csv",
        "userId,email\nu1,a@example.com\n\"u,2\",\"b@example.com\"\nbad,bad-email\n",
    );
    // Every batch of one is refused, naming its only person's email.
    let refusal = r#"{"error":"Bad Request","message":"Invalid","details":[{"field":"people[0].email","message":"Email already taken"}]}"#;
    let server = LoopbackServer::start(Reply::json(400, refusal));
    let mut harness = sending_to(&server);
    open_by_path(&mut harness, &file);
    import_all(&mut harness, 3);
    harness.get_by_label("rejected (2)");
    harness.get_by_label("invalid (1)");

    export_failed_rows(&mut harness);
    harness.get_by_label_contains("Exported 3 rows (1 invalid, 2 rejected, 0 failed)");
    // A CSV keeps its header and its cells (a quoted comma stays quoted).
    let export = scratch.path().join("people.csv.failed.csv");
    assert_eq!(
        std::fs::read_to_string(&export).unwrap(),
        "userId,email\nu1,a@example.com\n\"u,2\",b@example.com\nbad,bad-email\n"
    );
    let reasons =
        std::fs::read_to_string(scratch.path().join("people.csv.failed.reasons.csv")).unwrap();
    assert!(
        reasons.contains("2,2,rejected,email,Email already taken\n"),
        "{reasons}"
    );
    assert!(reasons.contains("4,4,invalid,email,"), "{reasons}");
    let summary = dry_run(export);
    assert_eq!(
        (
            summary.counts.rows,
            summary.counts.valid,
            summary.counts.invalid
        ),
        (3, 2, 1)
    );
}

/// A file dropped on the window, as the windowing integration hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|err| err.to_string())
    }
}

#[test]
fn ctrl_2_switches_to_import_where_a_dropped_file_opens_with_its_detected_columns() {
    let scratch = Scratch::new("import-ui-drop");
    let file = scratch.file(
        "people.jsonl",
        "{\"userId\":\"u1\",\"email\":\"a@example.com\",\"traits\":{\"age\":30,\"vip\":true}}\n",
    );
    let mut harness = first_launch(&scratch);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num2);
    harness.run();
    assert_eq!(harness.state().state.view, View::Import);
    harness.get_by_label("Import a user base");
    let presets_before = harness
        .state()
        .library
        .presets
        .as_ref()
        .unwrap()
        .list()
        .len();

    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(file.clone())));
    step_until(&mut harness, "the dropped file's dry run", checked);
    harness.run();
    assert_eq!(harness.state().import.file.as_ref().unwrap().path, file);
    harness.get_by_label_contains("JSON Lines, ");
    // Columns detected from the rows, typed by their values.
    for (column, kind) in [("traits.age", "number"), ("traits.vip", "boolean")] {
        harness.get_by_label(column);
        harness.get_by_label(kind);
    }
    harness.get_by_label("Checked 1 row: 1 valid, 0 invalid. Nothing was sent.");
    // No preset was made of it.
    assert_eq!(
        harness
            .state()
            .library
            .presets
            .as_ref()
            .unwrap()
            .list()
            .len(),
        presets_before
    );

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num1);
    harness.run();
    assert_eq!(harness.state().state.view, View::Requests);
    harness.get_by_label("Send");
}
