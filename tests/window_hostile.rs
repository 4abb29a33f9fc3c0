//! What a hostile tester found in the window, each proven fixed on the real App: a pasted cURL
//! command naming a foreign host does not get the user's own token without asking; after a send
//! the answer's body is on screen, not pushed out by its summary; the Import view sends nothing
//! under an old or failed check, and refuses what is not a regular file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use flameup_explorer::app::{App, AppState, Exchange, Startup, TokenInput, TokenOrigin};
use flameup_explorer::model::Environment;
use support::app::{MemoryStorage, Scratch, harness_of, started, step_until, type_into};
use support::{LoopbackServer, Reply};

/// A token no other test uses, as if exported in FLAMEUP_API_TOKEN.
const ENV_TOKEN: &str = "ws_live_environment.hostile-0123456789";

/// A fresh app started with `ENV_TOKEN` in the environment.
fn with_env_token(scratch: &Scratch) -> Harness<'static, App> {
    let startup = Startup {
        token: Some(ENV_TOKEN.to_owned()),
        ..scratch.startup()
    };
    let mut harness = started(startup, None);
    harness.run();
    harness
}

/// Pastes `text` onto the window, as Ctrl+V does with nothing focused.
fn paste(harness: &mut Harness<'_, App>, text: &str) {
    harness.event(egui::Event::Paste(text.to_owned()));
    harness.run();
}

#[test]
fn the_environment_token_does_not_go_to_a_pasted_foreign_host_without_asking() {
    let scratch = Scratch::new("hostile-foreign-host");
    let mut harness = with_env_token(&scratch);
    paste(
        &mut harness,
        "curl http://192.0.2.2:18201/api/v1/people/abc",
    );
    harness.get_by_label_contains(
        "The command names 192.0.2.2, which is neither the Flameup API nor this machine: Send asks before your FLAMEUP_API_TOKEN goes there.",
    );

    harness.get_by_label("Send").click();
    harness.run();
    assert!(
        matches!(harness.state().exchange, Exchange::Idle),
        "nothing is sent before the user says so"
    );
    harness.get_by_label("Send your FLAMEUP_API_TOKEN to 192.0.2.2?");
    harness.get_by_label("Send to 192.0.2.2");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.query_by_label("Send to 192.0.2.2").is_none());
    assert!(matches!(harness.state().exchange, Exchange::Idle));

    // Asked again on the next Send, and Esc says no too.
    harness.get_by_label("Send").click();
    harness.run();
    harness.get_by_label("Send your FLAMEUP_API_TOKEN to 192.0.2.2?");
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Send to 192.0.2.2").is_none());
    assert!(matches!(harness.state().exchange, Exchange::Idle));
}

#[test]
fn a_pasted_command_for_this_machine_sends_the_environment_token_without_asking() {
    let scratch = Scratch::new("hostile-loopback-host");
    let server = LoopbackServer::start(Reply::json(200, r#"{"id":"abc"}"#));
    let mut harness = with_env_token(&scratch);
    paste(
        &mut harness,
        &format!("curl {}/people/abc", server.base_url()),
    );
    assert!(
        harness
            .query_by_label_contains("neither the Flameup API")
            .is_none()
    );
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the answer", |app| {
        matches!(app.exchange, Exchange::Done(_))
    });
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].text().contains(ENV_TOKEN));
}

/// A fresh app, as on a first launch (the sandbox, no token), in a window of `size`.
fn fresh_of_size(scratch: &Scratch, size: egui::Vec2) -> Harness<'static, App> {
    let startup = scratch.startup();
    let mut harness = Harness::builder()
        .with_size(size)
        .with_max_steps(12)
        .build_eframe(move |cc| {
            let memory = MemoryStorage(None);
            App::start(&cc.egui_ctx, Some(&memory), startup)
        });
    harness.run();
    harness
}

#[test]
fn after_a_send_the_body_is_on_screen_at_the_default_and_a_small_size() {
    for (name, size) in [
        ("1280x800", egui::vec2(1280.0, 800.0)),
        ("1024x640", egui::vec2(1024.0, 640.0)),
        ("800x600", egui::vec2(800.0, 600.0)),
    ] {
        let scratch = Scratch::new(&format!("hostile-body-room-{name}"));
        let mut harness = fresh_of_size(&scratch, size);
        harness.get_by_label("Send").click();
        step_until(&mut harness, "the answer", |app| {
            matches!(app.exchange, Exchange::Done(_))
        });
        harness.run();
        harness.get_by_label("201 Created");
        let line = harness.get_by_label("  \"workspace_id\": \"ws_sandbox\",");
        let rect = line.rect();
        assert!(
            rect.bottom() <= size.y && rect.height() > 0.0,
            "at {name} the body's second line is at {rect:?}, off the window"
        );
        // Every view of the answer and Copy body stay within the window, however narrow.
        for label in ["Diff", "Contract", "Copy body", "201 Created"] {
            let rect = harness.get_by_label(label).rect();
            assert!(
                rect.right() <= size.x && rect.bottom() <= size.y,
                "at {name} {label} is at {rect:?}, cut off by the window's edge"
            );
        }
    }
}

/// An app whose imports go to `server` with a typed token, in a window tall enough for the whole
/// Import view.
fn import_app_for(server: &LoopbackServer) -> Harness<'static, App> {
    let mut state = AppState::default();
    state.draft.environment = Environment::Custom;
    state.draft.custom_base_url = server.base_url();
    state.import.batch_size = 1;
    state.import.concurrency = 1;
    let token = TokenInput {
        text: "ws_test_import".to_owned(),
        revealed: false,
        origin: TokenOrigin::Typed,
    };
    let mut harness = harness_of(App::with_state(state, token), egui::vec2(1280.0, 1400.0));
    harness.run();
    harness.get_by_label("Import people").click();
    harness.run();
    harness
}

/// Types `path` into the Import view and opens it.
fn type_path_and_open(harness: &mut Harness<'_, App>, path: &Path) {
    type_into(harness, "File to import", &path.display().to_string());
    harness.get_by_label("Open").click();
    harness.run();
}

fn check_finished(app: &App) -> bool {
    app.import.file.as_ref().is_some_and(|file| {
        file.preview.ready().is_some()
            && file.check.as_ref().is_some_and(|check| check.is_finished())
    })
}

#[test]
fn a_file_changed_after_its_check_is_checked_again_before_anything_is_sent() {
    let scratch = Scratch::new("hostile-import-swap");
    let server =
        LoopbackServer::start(Reply::json(200, r#"{"created_count":1,"updated_count":0}"#));
    let mut harness = import_app_for(&server);
    let path = scratch.path().join("swap.csv");
    std::fs::write(&path, "userId,email\nu1,a@example.com\nu2,b@example.com\n").unwrap();
    type_path_and_open(&mut harness, &path);
    step_until(&mut harness, "the first check", check_finished);
    harness.run();
    harness.get_by_label("Checked 2 rows: 2 valid, 0 invalid. Nothing was sent.");

    std::fs::write(
        &path,
        "userId,email\nSWAPPED1,not-an-email\nSWAPPED2,x@example.com\nSWAPPED3,y@example.com\n",
    )
    .unwrap();
    harness.get_by_label("Start import").click();
    harness.run();
    step_until(&mut harness, "the second check", check_finished);
    harness.run();
    harness.get_by_label_contains("The file changed since it was checked: nothing was sent.");
    harness.get_by_label("Checked 3 rows: 2 valid, 1 invalid. Nothing was sent.");
    assert!(
        harness.state().import.file.as_ref().unwrap().run.is_none(),
        "no import started"
    );
    assert!(server.requests().is_empty(), "nothing reached the server");
}

#[test]
fn start_is_disabled_while_the_check_has_failed_and_says_why() {
    let scratch = Scratch::new("hostile-import-badhdr");
    let server =
        LoopbackServer::start(Reply::json(200, r#"{"created_count":1,"updated_count":0}"#));
    let mut harness = import_app_for(&server);
    let path = scratch.path().join("badhdr.csv");
    std::fs::write(&path, "userId,first_name\na,b\n").unwrap();
    type_path_and_open(&mut harness, &path);
    step_until(&mut harness, "the check", check_finished);
    harness.run();
    let blocker = harness.state().import_blocker().unwrap_or_default();
    assert!(
        blocker.starts_with("The check stopped, so nothing can be sent: "),
        "Start is not blocked by the failed check: {blocker:?}"
    );
    harness.get_by_label(&blocker);
    assert!(
        harness
            .get_by_label("Start import")
            .accesskit_node()
            .is_disabled()
    );
    harness.get_by_label("Start import").click();
    harness.run();
    assert!(harness.state().import.file.as_ref().unwrap().run.is_none());
    assert!(harness.query_by_label("Starting...").is_none());
    assert!(
        !harness.state().import.file.as_ref().unwrap().resume,
        "no results file, so nothing to resume"
    );
    assert!(server.requests().is_empty());
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_folder_is_refused_with_a_message_not_read_forever() {
    let scratch = Scratch::new("hostile-import-fifo");
    let server = LoopbackServer::start(Reply::Never);
    let mut harness = import_app_for(&server);
    let fifo = scratch.path().join("fifo1");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    type_path_and_open(&mut harness, &fifo);
    harness.get_by_label(&format!(
        "{} is not a regular file (a pipe, a socket or a device): save the people to a file and open that.",
        fifo.display()
    ));
    assert!(harness.state().import.file.is_none());
    assert!(harness.query_by_label("Checking...").is_none());

    type_path_and_open(&mut harness, scratch.path());
    harness.get_by_label(&format!(
        "{} is a folder: choose a file of people (.csv or .jsonl) in it.",
        scratch.path().display()
    ));
    assert!(harness.state().import.file.is_none());
}

#[test]
fn a_huge_paste_into_a_one_line_field_is_cut_with_a_message() {
    let scratch = Scratch::new("hostile-huge-paste");
    let mut harness = fresh_of_size(&scratch, egui::vec2(1280.0, 800.0));
    harness.get_by_label("userId").click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.event(egui::Event::Paste("u".repeat(1024 * 1024)));
    harness.run();
    let user_id = harness.state().state.draft.body_json().unwrap()["userId"]
        .as_str()
        .unwrap()
        .len();
    assert_eq!(user_id, 64 * 1024);
    harness.get_by_label("Pasted text cut at 64 KiB: use a JSON row or a body file for more.");
}

#[test]
fn a_password_in_the_base_url_is_not_written_to_the_saved_state() {
    let scratch = Scratch::new("hostile-password-url");
    let mut harness = fresh_of_size(&scratch, egui::vec2(1280.0, 800.0));
    harness.state_mut().state.draft.environment = Environment::Custom;
    harness.state_mut().state.draft.custom_base_url =
        "http://admin:SECRETPW@127.0.0.1:18201/api/v1/".to_owned();
    harness.run();
    let mut storage = MemoryStorage(None);
    eframe::App::save(harness.state_mut(), &mut storage);
    let saved = storage.0.expect("the app saved its state");
    assert!(!saved.contains("SECRETPW"), "{saved}");
    assert!(saved.contains("http://127.0.0.1:18201/api/v1/"));
}

#[test]
fn ctrl_p_scrolls_the_navigator_to_the_chosen_operation() {
    let scratch = Scratch::new("hostile-ctrl-p-scroll");
    let mut harness = fresh_of_size(&scratch, egui::vec2(1280.0, 800.0));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::P);
    harness.run();
    harness
        .get_by_label("Go to operation")
        .type_text("triggerWorkspaceCampaign");
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(
        harness.state().state.draft.operation,
        "triggerWorkspaceCampaign"
    );
    let summary = harness
        .state()
        .state
        .draft
        .operation()
        .unwrap()
        .summary
        .clone();
    let visible = harness
        .query_all_by_label(&summary)
        .filter(|node| node.accesskit_node().role() == egui::accesskit::Role::Button)
        .any(|node| {
            let rect = node.rect();
            rect.top() >= 0.0 && rect.bottom() <= 800.0
        });
    assert!(visible, "the navigator's row of {summary:?} is off screen");
}

#[test]
fn after_a_curl_import_the_form_offers_no_second_undo() {
    let scratch = Scratch::new("hostile-curl-undo");
    let mut harness = fresh_of_size(&scratch, egui::vec2(1280.0, 800.0));
    paste(&mut harness, "curl http://127.0.0.1:9/api/v1/people/abc");
    harness.get_by_label("Undo import");
    assert!(harness.query_by_label("Undo reset").is_none());
}
