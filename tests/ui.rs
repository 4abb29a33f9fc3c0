//! The real App driven through egui_kittest: labelled inputs, the live preview, and sends against
//! a loopback server (answer, cancel, deadline, stale answers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use flameup_explorer::app::{App, Exchange};
use flameup_explorer::model::{Draft, Environment, FieldRow, ValueKind};
use support::app::{copied, harness_of, state_sending_to, step_until, typed_token};
use support::{LoopbackServer, Reply};

const TOKEN: &str = "ws_test_ui_tok.feedfacecafe";

fn app_for(base_url: &str) -> App {
    App::with_state(
        state_sending_to(base_url, Draft::default()),
        typed_token(TOKEN),
    )
}

fn harness(app: App) -> Harness<'static, App> {
    harness_of(app, egui::vec2(1280.0, 800.0))
}

fn is_done(app: &App) -> bool {
    matches!(app.exchange, Exchange::Done(_))
}

/// Whether a label with exactly this text is on screen (the body views draw one label a line).
fn shows_line(harness: &Harness<'_, App>, line: &str) -> bool {
    harness.query_all_by_label(line).next().is_some()
}

fn preview_text(harness: &Harness<'_, App>, target: &str) -> String {
    harness
        .get_by_label(&format!("{target} preview"))
        .value()
        .unwrap_or_default()
}

#[test]
fn typing_into_labelled_fields_updates_the_preview() {
    let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
    harness.run();
    harness.get_by_label("userId").click();
    harness.run();
    harness.get_by_label("userId").type_text("ada-1815");
    harness.run();
    harness.get_by_label("email").click();
    harness.run();
    harness.get_by_label("email").type_text("ada@example.com");
    harness.run();
    harness.get_by_label("traits.first_name").click();
    harness.run();
    harness
        .get_by_label("traits.first_name")
        .type_text("Ada 'Countess' $Lovelace");
    harness.run();

    let curl = preview_text(&harness, "cURL");
    assert!(
        curl.starts_with("curl -X POST \"http://127.0.0.1:9/api/v1/people\""),
        "{curl}"
    );
    assert!(
        curl.contains("\"userId\": \"ada-1815\",\n  \"email\": \"ada@example.com\""),
        "{curl}"
    );
    assert!(
        curl.contains(r#""first_name": "Ada '\''Countess'\'' $Lovelace""#),
        "{curl}"
    );
    assert!(
        curl.contains("\"Authorization: Bearer $FLAMEUP_API_TOKEN\""),
        "{curl}"
    );
    assert!(
        !curl.contains(TOKEN),
        "the token is never inlined by default"
    );

    harness.get_by_label("HTTP").click();
    harness.run();
    let http = preview_text(&harness, "HTTP");
    assert!(
        http.starts_with("POST /api/v1/people HTTP/1.1\ncontent-length: "),
        "{http}"
    );
    assert!(
        http.contains("\nhost: 127.0.0.1:9\ncontent-type: application/json\n"),
        "{http}"
    );
}

#[test]
fn the_preview_is_rebuilt_only_when_the_draft_changes() {
    let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
    harness.run();
    let before = harness.state().preview_rebuilds();
    harness.run_steps(20);
    assert_eq!(harness.state().preview_rebuilds(), before);
    harness
        .state_mut()
        .state
        .draft
        .input_mut("/userId")
        .unwrap()
        .push('x');
    harness.run_steps(5);
    assert_eq!(harness.state().preview_rebuilds(), before + 1);
}

#[test]
fn the_token_shows_in_the_preview_only_when_asked() {
    let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
    harness.run();
    assert!(!preview_text(&harness, "cURL").contains(TOKEN));
    let choose = |harness: &mut Harness<'_, App>, option: &str| {
        harness.get_by_label("Token as").click();
        harness.run();
        harness.get_by_label(option).click();
        harness.run();
    };
    choose(&mut harness, "YOUR_API_TOKEN");
    assert!(preview_text(&harness, "cURL").contains("\"Authorization: Bearer YOUR_API_TOKEN\""));
    harness.get_by_label_contains("Replace YOUR_API_TOKEN");

    choose(&mut harness, "the real token");
    assert!(preview_text(&harness, "cURL").contains(&format!("Bearer {TOKEN}")));
    harness.get_by_label_contains("contain your real token");

    choose(&mut harness, "$FLAMEUP_API_TOKEN");
    assert!(!preview_text(&harness, "cURL").contains(TOKEN));
}

#[test]
fn send_shows_status_and_body() {
    let server =
        LoopbackServer::start(Reply::json(201, r#"{"id":"123e4567","external_id":"ada"}"#));
    let mut app = app_for(&server.base_url());
    *app.state.draft.input_mut("/userId").unwrap() = "ada".into();
    let mut harness = harness(app);
    harness.run();
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the answer", is_done);

    harness.get_by_label("201 Created");
    for line in [
        "{",
        "  \"id\": \"123e4567\",",
        "  \"external_id\": \"ada\"",
        "}",
    ] {
        assert!(shows_line(&harness, line), "the pretty body shows {line}");
    }
    // A successful create of a person also gets a card.
    harness.get_by_label("Person");
    harness.get_by_label("123e4567");
    let arrived = server.requests().pop().unwrap();
    assert!(
        arrived
            .header_lines()
            .contains(&format!("authorization: Bearer {TOKEN}"))
    );
}

#[test]
fn ctrl_enter_sends() {
    let server = LoopbackServer::start(Reply::json(400, r#"{"error":"Bad Request"}"#));
    let mut harness = harness(app_for(&server.base_url()));
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    step_until(&mut harness, "the answer", is_done);
    harness.get_by_label("400 Bad Request");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn cancel_ignores_the_answer_that_arrives_later() {
    let server = LoopbackServer::start(Reply::Held(Box::new(Reply::json(201, r#"{"late":true}"#))));
    let mut harness = harness(app_for(&server.base_url()));
    harness.run();
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the request to start", App::is_running);
    harness.get_by_label("Cancel").click();
    harness.step();
    assert!(matches!(harness.state().exchange, Exchange::Cancelled));

    // Let the server answer, then keep drawing: the late answer must not appear.
    server.release();
    server.wait_for_replies(1);
    harness.run_steps(5);
    assert!(matches!(harness.state().exchange, Exchange::Cancelled));
    harness.get_by_label_contains("Request cancelled");
    assert!(harness.query_by_label("201 Created").is_none());
}

#[test]
fn a_newer_send_wins_over_a_slower_older_one() {
    let server = LoopbackServer::start(Reply::Held(Box::new(Reply::json(
        201,
        r#"{"which":"old"}"#,
    ))));
    let mut harness = harness(app_for(&server.base_url()));
    harness.run();
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the first request to start", App::is_running);
    server.set_reply(Reply::json(200, r#"{"which":"new"}"#));
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the second answer", is_done);
    harness.get_by_label("200 OK");

    server.release();
    server.wait_for_replies(2);
    harness.run_steps(5);
    harness.get_by_label("200 OK");
    assert!(shows_line(&harness, "  \"which\": \"new\""));
    assert!(!shows_line(&harness, "  \"which\": \"old\""));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_server_that_never_answers_ends_at_the_deadline() {
    let server = LoopbackServer::start(Reply::Never);
    let mut app = app_for(&server.base_url());
    app.state.deadline_secs = 1.0;
    let mut harness = harness(app);
    harness.run();
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the deadline", is_done);
    harness.get_by_label("No answer came back before the deadline.");
    assert_eq!(
        server.requests().len(),
        1,
        "the request did reach the server"
    );
}

#[test]
fn a_refused_connection_reads_as_a_sentence() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut harness = harness(app_for(&format!("http://127.0.0.1:{port}/api/v1")));
    harness.run();
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the failure", is_done);
    harness.get_by_label_contains("refused the connection");
    harness.get_by_label_contains("Check the base URL");
}

#[test]
fn a_bad_base_url_disables_send_and_says_why() {
    let mut harness = harness(app_for("localhost:8080"));
    harness.run();
    assert_eq!(
        harness
            .query_all_by_label_contains("needs a scheme")
            .count(),
        2,
        "beside Send, and in the preview"
    );
    assert!(harness.get_by_label("Send").accesskit_node().is_disabled());
    harness.get_by_label("Send").click();
    harness.run();
    assert!(matches!(harness.state().exchange, Exchange::Idle));
}

#[test]
fn a_token_that_cannot_be_sent_disables_send_and_says_why() {
    let server = LoopbackServer::start(Reply::json(201, r#"{"id":"p1"}"#));
    for (token, reason) in [
        ("ws_live_has space", "contains a space or line break"),
        ("ws_live_naïve", "cannot be sent in a header"),
        ("", "is empty"),
    ] {
        let mut app = app_for(&server.base_url());
        app.token.text = token.to_owned();
        let mut harness = harness(app);
        harness.run();
        // The preview shows the token as $FLAMEUP_API_TOKEN, so only Send's line names it.
        harness.get_by_label_contains(reason);
        assert!(
            harness.get_by_label("Send").accesskit_node().is_disabled(),
            "{token:?}"
        );
        assert!(harness.state().send_blocker().is_some());
        harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
        harness.run();
        assert!(matches!(harness.state().exchange, Exchange::Idle));
    }
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn every_input_and_button_has_an_accessible_label() {
    let mut app = app_for("http://127.0.0.1:9/api/v1");
    app.state.draft.operation = "createWorkspacePerson".into();
    app.state
        .draft
        .values
        .path
        .insert("workspaceId".into(), "ws_1".into());
    let draft = &mut app.state.draft;
    draft.load_body(
        &serde_json::json!({"userId": "u", "traits": {"plan": "pro"}, "anonymousId": "a"}),
    );
    let object = serde_json::json!({"type": "object"});
    let traits = draft.values.body.field_mut("traits", &object).unwrap();
    traits
        .rows_mut()
        .unwrap()
        .push(FieldRow::new("seats", ValueKind::Number, "not a number"));
    let mut harness = harness(app);
    // `run` checks every visible input for an accessible name when the UI settles.
    harness.run();
    harness.check_accessibility();
    harness.get_by_label("traits field 2 value");
    harness.get_by_label("Remove field 1");
    harness.get_by_label("workspaceId");
    harness.get_by_label_contains("not a number: sent as a string");
}

/// The sizes of the resizable panels, as their resize handles report them to assistive technology.
fn panel_sizes(harness: &Harness<'_, App>) -> Vec<f64> {
    harness
        .query_all_by_label("Resize panel")
        .map(|node| node.accesskit_node().numeric_value().unwrap_or_default())
        .collect()
}

#[test]
fn panels_keep_their_size_across_frames_and_errors() {
    let mut app = app_for("http://127.0.0.1:9/api/v1");
    app.state.draft = Draft {
        custom_base_url: app.state.draft.custom_base_url.clone(),
        environment: Environment::Custom,
        ..Draft::docs_example()
    };
    let mut harness = harness(app);
    harness.run();
    let sizes = panel_sizes(&harness);
    assert_eq!(
        sizes.len(),
        3,
        "the library, the form and the preview panels"
    );
    for _ in 0..30 {
        harness.hover_at(egui::pos2(200.0, 300.0));
        harness.step();
        harness.hover_at(egui::pos2(900.0, 600.0));
        harness.step();
    }
    assert_eq!(
        panel_sizes(&harness),
        sizes,
        "no panel creeps while the pointer moves"
    );

    // A short error in the preview panel must not shrink it for good.
    harness.state_mut().state.draft.custom_base_url.clear();
    harness.run_steps(5);
    assert_eq!(harness.query_all_by_label_contains("is empty").count(), 2);
    harness.state_mut().state.draft.custom_base_url = "http://127.0.0.1:9/api/v1".into();
    harness.run_steps(5);
    assert_eq!(panel_sizes(&harness), sizes);
}

#[test]
fn copy_puts_the_exact_snippet_on_the_clipboard() {
    let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
    harness.run();
    harness.get_by_label("Copy").click();
    harness.step();
    let curl = copied(&harness);
    assert_eq!(curl.len(), 1);
    assert!(curl[0].starts_with("curl -X POST"));
    assert_eq!(curl[0], preview_text(&harness, "cURL"));

    harness.get_by_label("HTTP").click();
    harness.run();
    harness.get_by_label("Copy").click();
    harness.step();
    let http = copied(&harness);
    assert!(
        http[0].starts_with("POST /api/v1/people HTTP/1.1\r\n"),
        "the copy keeps CRLF line ends"
    );
}

#[test]
fn a_server_field_error_shows_under_its_input_until_edited() {
    let server = LoopbackServer::start(Reply::json(
        400,
        r#"{"error":"Bad Request","message":"The request contains invalid parameters or malformed data","code":400,"details":[{"field":"email","message":"Invalid email format"},{"field":"body","message":"Something else"}]}"#,
    ));
    let mut app = app_for(&server.base_url());
    app.state
        .draft
        .load_body(&serde_json::json!({"userId": "u1", "email": "nope"}));
    let mut harness = harness(app);
    harness.run();
    // Before sending, only the lint warning.
    harness.get_by_label("Not a valid email address");
    assert!(harness.query_by_label("Invalid email format").is_none());

    harness.get_by_label("Send").click();
    step_until(&mut harness, "the answer", is_done);
    harness.run();
    let email = harness.get_by_label("email").rect();
    let message = harness.get_by_label("Invalid email format").rect();
    assert!(
        message.top() >= email.bottom() && message.top() - email.bottom() < 30.0,
        "under the email input"
    );
    harness.get_by_label("2 field errors from the server · 1 warning");

    harness.get_by_label("email").click();
    harness.run();
    harness.get_by_label("email").type_text("x");
    harness.run();
    assert!(
        harness.query_by_label("Invalid email format").is_none(),
        "editing clears it"
    );
    harness.get_by_label("1 field error from the server · 1 warning");
}

#[test]
fn a_422_on_traits_locale_marks_the_locale_row() {
    let server = LoopbackServer::start(Reply::json(
        422,
        r#"{"error":{"code":"validation_error","message":"Validation failed","details":{"fields":{"traits.locale":"Unknown locale"}}}}"#,
    ));
    let mut app = app_for(&server.base_url());
    app.state.draft = Draft {
        environment: Environment::Custom,
        custom_base_url: server.base_url(),
        ..Draft::docs_example()
    };
    let mut harness = harness(app);
    harness.run();
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the answer", is_done);
    harness.run();
    let locale = harness.get_by_label("traits.locale").rect();
    let message = harness.get_by_label("Unknown locale").rect();
    assert!(
        message.top() >= locale.bottom() && message.top() - locale.bottom() < 30.0,
        "under the locale input"
    );
}

/// Done, and a large answer laid out too.
fn is_laid_out(app: &App) -> bool {
    matches!(&app.exchange, Exchange::Done(outcome)
        if outcome.as_ref().as_ref().is_ok_and(|response| !response.pending))
}

fn answered(reply: Reply) -> (LoopbackServer, Harness<'static, App>) {
    let server = LoopbackServer::start(reply);
    let mut harness = harness(app_for(&server.base_url()));
    harness.run();
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the answer, laid out", is_laid_out);
    harness.run();
    (server, harness)
}

#[test]
fn the_tree_view_opens_to_what_the_search_finds() {
    let (_server, mut harness) = answered(Reply::json(
        200,
        r#"{"person": {"traits": {"locale": "en-GB", "plan": "pro"}}, "other": [1, 2]}"#,
    ));
    harness.get_by_label("Tree").click();
    harness.run();
    assert!(shows_line(&harness, "(root): {2}"));
    assert!(shows_line(&harness, "person: {1}"));
    assert!(
        !shows_line(&harness, "locale: \"en-GB\""),
        "collapsed at first"
    );

    harness.get_by_label("Search the tree").click();
    harness.run();
    harness.get_by_label("Search the tree").type_text("EN-gb");
    harness.run();
    assert!(
        shows_line(&harness, "locale: \"en-GB\""),
        "the search opened its ancestors"
    );
    harness.get_by_label("1 match");

    harness.get_by_label("Raw").click();
    harness.run();
    assert!(shows_line(
        &harness,
        r#"{"person": {"traits": {"locale": "en-GB", "plan": "pro"}}, "other": [1, 2]}"#
    ));
    harness.get_by_label("Headers (3)").click();
    harness.run();
    harness.get_by_label("content-type");
}

#[test]
fn a_429_shows_a_countdown_and_the_meter() {
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 30;
    let (_server, harness) = answered(Reply::Respond {
        status: 429,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("X-RateLimit-Limit".into(), "120".into()),
            ("X-RateLimit-Remaining".into(), "0".into()),
            ("X-RateLimit-Reset".into(), reset.to_string()),
        ],
        body: br#"{"error":"Rate limit exceeded","message":"Too many requests. Please try again later."}"#.to_vec(),
    });
    harness.get_by_label("429 Too Many Requests");
    harness.get_by_label_contains("Rate limited: the limit resets in");
    harness.get_by_label_contains("0 of 120 requests left · resets");
    harness.get_by_label("Rate limit exceeded");
    harness.get_by_label("Too many requests. Please try again later.");
}

#[test]
fn an_html_error_page_reads_as_a_sentence() {
    let (_server, harness) = answered(Reply::Respond {
        status: 502,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: b"<html><head><title>Bad Gateway</title></head><body>nginx</body></html>".to_vec(),
    });
    harness.get_by_label("The server answered 502 with an HTML page titled 'Bad Gateway'.");
}

#[test]
fn a_large_body_draws_only_the_lines_on_screen() {
    let numbers: Vec<String> = (0..200_000).map(|n| n.to_string()).collect();
    let body = format!("[{}]", numbers.join(","));
    let (_server, harness) = answered(Reply::json(200, &body));
    assert!(shows_line(&harness, "  0,"));
    assert!(
        !shows_line(&harness, "  199999"),
        "the last line is not drawn"
    );
    let labels = harness
        .root()
        .children_recursive()
        .filter(|node| node.accesskit_node().role() == egui::accesskit::Role::Label)
        .count();
    assert!(labels < 400, "{labels} labels for 200,002 lines");
}

#[test]
fn shortcuts_help_theme_and_ctrl_l() {
    let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
    harness.state_mut().state.draft.environment = Environment::Production;
    harness.run();

    harness.key_press(Key::F1);
    harness.run();
    harness.get_by_label("Edit the base URL");
    harness.key_press(Key::F1);
    harness.run();
    assert!(harness.query_by_label("Edit the base URL").is_none());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run();
    assert_eq!(harness.state().state.draft.environment, Environment::Custom);
    assert!(harness.get_by_label("Base URL").is_focused());

    harness.get_by_label("Theme").click();
    harness.run();
    harness.get_by_label("Light").click();
    harness.run();
    assert!(!harness.ctx.global_style().visuals.dark_mode);
}

#[test]
fn esc_closes_the_shortcuts_window_and_new_rows_take_the_keyboard() {
    let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
    harness.run();
    harness.key_press(Key::F1);
    harness.run();
    harness.get_by_label("Copy the request preview");
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Copy the request preview").is_none());

    harness.get_by_label("+ Add field to traits").click();
    harness.run();
    assert!(harness.get_by_label("traits field 1 key").is_focused());
    harness.get_by_label("traits field 1 key").type_text("plan");
    harness.run();
    let draft = &harness.state().state.draft;
    assert_eq!(draft.values.body.rows_at("/traits").unwrap()[0].key, "plan");
}

#[test]
fn reset_to_example_can_be_undone() {
    let mut app = app_for("http://127.0.0.1:9/api/v1");
    let mine = serde_json::json!({"userId": "mine", "email": "me@example.com"});
    app.state.draft.load_body(&mine);
    let mut harness = harness(app);
    harness.run();
    harness.get_by_label("Reset to example").click();
    harness.run();
    let body = |harness: &Harness<'_, App>| harness.state().state.draft.body_json().unwrap();
    assert_eq!(body(&harness)["userId"], "example_string");
    harness.get_by_label("Undo reset").click();
    harness.run();
    assert_eq!(body(&harness), mine);
    assert!(harness.query_by_label("Undo reset").is_none());
}

#[test]
fn a_copy_says_it_was_copied() {
    let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
    harness.run();
    assert!(
        harness
            .query_by_label_contains("to the clipboard")
            .is_none()
    );
    harness.get_by_label("Copy").click();
    // A new area is measured on its first frame and drawn from the next.
    for _ in 0..3 {
        harness.step();
    }
    harness.get_by_label_contains("to the clipboard");
}

#[test]
fn a_splitter_dragged_far_leaves_room_for_every_pane() {
    let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
    harness.run();
    // The library's splitter is the left-most resize handle.
    let handle = harness
        .query_all_by_label("Resize panel")
        .map(|node| node.rect().center())
        .min_by(|a, b| a.x.total_cmp(&b.x))
        .unwrap();
    let press = |pos: egui::Pos2, pressed: bool| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    harness.event(egui::Event::PointerMoved(handle));
    harness.step();
    harness.event(press(handle, true));
    harness.step();
    for x in [400.0, 800.0, 1200.0, 1275.0] {
        harness.event(egui::Event::PointerMoved(egui::pos2(x, handle.y)));
        harness.step();
    }
    harness.event(press(egui::pos2(1275.0, handle.y), false));
    harness.run();
    let library_edge = harness
        .query_all_by_label("Resize panel")
        .map(|node| node.rect().center().x)
        .fold(f32::INFINITY, f32::min);
    assert!(
        library_edge <= 1280.0 * 0.35,
        "the library stops at a third of the window, not at {library_edge}"
    );
    let preview = harness.get_by_label("Request Preview").rect();
    assert!(
        preview.right() <= 1280.0,
        "the preview is still on screen: {preview:?}"
    );
    harness.get_by_label("Request Preview");
    harness.get_by_label("Response");
}

#[test]
fn a_redirect_is_shown_with_its_location_and_not_followed() {
    let server = LoopbackServer::start(Reply::Respond {
        status: 302,
        headers: vec![("Location".into(), "http://127.0.0.1:9/elsewhere".into())],
        body: Vec::new(),
    });
    let mut harness = harness(app_for(&server.base_url()));
    harness.run();
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the answer", is_done);
    harness.get_by_label("302 Found");
    harness.get_by_label("Redirects to http://127.0.0.1:9/elsewhere — not followed.");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_large_answer_shows_its_lines_at_once_and_its_layout_when_ready() {
    // Over PREPARE_LATER: laid out off the UI thread after the first screen.
    let people: Vec<String> = (0..40_000)
        .map(|index| format!(r#"{{"id":"p{index}","external_id":"user-{index}"}}"#))
        .collect();
    let body = format!("[{}]", people.join(","));
    assert!(body.len() > flameup_explorer::model::response::PREPARE_LATER);
    let server = LoopbackServer::start(Reply::json(200, &body));
    let mut harness = harness(app_for(&server.base_url()));
    harness.run();
    harness.get_by_label("Send").click();
    // That it arrives with its raw lines only is tests/transport.rs's to prove (here the
    // layout may already be done by the time a frame looks).
    step_until(&mut harness, "the layout", is_laid_out);
    harness.run();
    assert!(
        shows_line(&harness, "    \"external_id\": \"user-0\""),
        "the pretty view, once laid out"
    );
}
