//! The whole API in the real App: the navigator and the Ctrl+P palette, forms generated from the
//! contract (path values, query values, the list editor), each operation keeping its values, and
//! sends of other operations than create person against a loopback server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use flameup_explorer::app::{App, Exchange};
use flameup_explorer::model::{Draft, Environment};
use serde_json::{Value, json};
use support::app::{
    MemoryStorage, Scratch, first_launch, harness_of, state_sending_to, step_until, type_into,
    typed_token,
};
use support::{LoopbackServer, Reply};

const TOKEN: &str = "ws_test_operations.secret";

fn app_for(base_url: &str) -> App {
    App::with_state(
        state_sending_to(base_url, Draft::docs_example()),
        typed_token(TOKEN),
    )
}

fn harness(app: App) -> Harness<'static, App> {
    let mut harness = harness_of(app, egui::vec2(1280.0, 900.0));
    harness.run();
    harness
}

fn is_done(app: &App) -> bool {
    matches!(app.exchange, Exchange::Done(_))
}

fn send_and_wait(harness: &mut Harness<'_, App>) {
    harness.get_by_label("Send").click();
    step_until(harness, "the answer", is_done);
    harness.run();
}

/// The request line of what arrived.
fn request_line(server: &LoopbackServer) -> String {
    let text = server.requests().last().unwrap().text();
    text.lines().next().unwrap().to_owned()
}

#[test]
fn get_person_by_email_from_the_navigator() {
    let server = LoopbackServer::start(Reply::json(
        200,
        r#"{"id":"0b7f3c9e-1f0a-4c4e-9a57-1f1d2a3b4c5d","external_id":"ada","email":"ada+1@example.com"}"#,
    ));
    let mut harness = harness(app_for(&server.base_url()));
    harness.get_by_label("Get person").click();
    harness.run();
    assert_eq!(harness.state().state.draft.operation, "getPerson");
    type_into(&mut harness, "id", "ada+1@example.com");
    send_and_wait(&mut harness);

    assert_eq!(
        request_line(&server),
        "GET /api/v1/people/ada+1@example.com HTTP/1.1"
    );
    let arrived = server.requests().last().unwrap().clone();
    assert!(arrived.body().is_empty(), "a GET sends no body");
    assert!(
        !arrived
            .header_lines()
            .iter()
            .any(|line| line.to_lowercase().starts_with("content-type")),
        "and no content-type"
    );
    harness.get_by_label("200 OK");
    harness.get_by_label("  \"email\": \"ada+1@example.com\"");
    harness.check_accessibility();
}

/// The same, against the built-in sandbox a fresh app opens on: the example person is created
/// first, then looked up by the email the example gave it.
#[test]
fn get_person_by_email_from_the_built_in_sandbox() {
    let scratch = Scratch::new("operations-sandbox-get");
    let mut harness = first_launch(&scratch);
    assert_eq!(
        harness.state().state.draft.environment,
        Environment::Sandbox
    );
    send_and_wait(&mut harness);
    harness.get_by_label("201 Created");

    harness.get_by_label("Get person").click();
    harness.run();
    // The answer on screen has an "id" too: the form's is the text input.
    harness.get_by_role_and_label(Role::TextInput, "id").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.key_press(Key::Backspace);
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "id")
        .type_text("user@example.com");
    harness.run();
    send_and_wait(&mut harness);

    harness.get_by_label("200 OK");
    harness.get_by_label("  \"email\": \"user@example.com\",");
    harness.get_by_label("  \"external_id\": \"example_string\",");
    harness.get_by_label("Matches the docs (documented as Person)");
}

#[test]
fn ctrl_p_goes_to_an_operation_by_name() {
    let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::P);
    harness.run();
    assert!(harness.get_by_label("Go to operation").is_focused());
    harness
        .get_by_label("Go to operation")
        .type_text("list workspace");
    harness.run();
    // The first match is highlighted; the arrow moves to the next.
    harness.key_press(Key::ArrowDown);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(harness.state().state.draft.operation, "listWorkspaceEvents");
    assert!(
        harness.query_by_label("Go to operation").is_none(),
        "the palette closes"
    );

    harness.key_press_modifiers(Modifiers::COMMAND, Key::P);
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Go to operation").is_none());
    assert_eq!(harness.state().state.draft.operation, "listWorkspaceEvents");
}

#[test]
fn the_navigator_filter_narrows_the_list() {
    let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
    type_into(&mut harness, "Filter operations", "devices");
    harness.get_by_label("Register device");
    harness.get_by_label("List devices");
    assert!(harness.query_by_label("Get person").is_none());
    type_into(&mut harness, "Filter operations", "zzz");
    harness.get_by_label("No operation matches.");
}

#[test]
fn query_values_are_encoded_once_and_empty_ones_left_out() {
    let server = LoopbackServer::start(Reply::json(200, r#"{"data":[],"total":0}"#));
    let mut harness = harness(app_for(&server.base_url()));
    harness.get_by_label("List people").click();
    harness.run();
    type_into(&mut harness, "limit", "5");
    type_into(&mut harness, "search", "ada lovelace&co");
    send_and_wait(&mut harness);
    assert_eq!(
        request_line(&server),
        "GET /api/v1/people?limit=5&search=ada%20lovelace%26co HTTP/1.1"
    );
}

#[test]
fn each_operation_keeps_its_values_and_a_workspace_id_carries_over() {
    let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
    type_into(&mut harness, "userId", "kept-user");
    harness.get_by_label("List people in a workspace").click();
    harness.run();
    type_into(&mut harness, "workspaceId", "ws_kept");
    type_into(&mut harness, "limit", "7");
    harness.get_by_label("Create person").click();
    harness.run();
    assert_eq!(
        harness.state().state.draft.body_json().unwrap()["userId"],
        "kept-user"
    );
    harness.get_by_label("Get person in a workspace").click();
    harness.run();
    assert_eq!(
        harness.state().state.draft.values.path["workspaceId"],
        "ws_kept",
        "the workspace id typed for another operation fills this one's"
    );
    harness.get_by_label("List people in a workspace").click();
    harness.run();
    assert_eq!(harness.state().state.draft.values.query["limit"], "7");
}

#[test]
fn operations_and_their_values_survive_a_restart() {
    let mut storage = MemoryStorage(None);
    {
        let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
        type_into(&mut harness, "userId", "before-restart");
        harness.get_by_label("Delete person").click();
        harness.run();
        type_into(&mut harness, "id", "gone@example.com");
        eframe::App::save(harness.state_mut(), &mut storage);
    }
    let ctx = egui::Context::default();
    let startup = flameup_explorer::app::Startup::default();
    let app = App::start(&ctx, Some(&storage), startup);
    assert_eq!(app.state.draft.operation, "deletePerson");
    assert_eq!(app.state.draft.values.path["id"], "gone@example.com");
    let parked = &app.state.parked["createPerson"];
    assert_eq!(parked.body.at("/userId").unwrap().text(), "before-restart");
}

#[test]
fn a_batch_of_three_edited_in_the_list_editor_arrives_as_three_items() {
    let server =
        LoopbackServer::start(Reply::json(200, r#"{"created_count":3,"updated_count":0}"#));
    // Tall enough for three open people, so every input is on screen to be clicked.
    let mut harness = harness_of(app_for(&server.base_url()), egui::vec2(1280.0, 2400.0));
    harness.run();
    harness
        .get_by_label("Create or update people in a batch")
        .click();
    harness.run();
    let people = |harness: &Harness<'_, App>| -> Vec<Value> {
        harness.state().state.draft.body_json().unwrap()["people"]
            .as_array()
            .unwrap()
            .clone()
    };
    let example = people(&harness).len();
    // Down to none, then three made in the editor.
    for index in (0..example).rev() {
        harness
            .get_by_label(&format!("Remove people[{index}]"))
            .click();
        harness.run();
    }
    assert!(people(&harness).is_empty());
    harness.get_by_label("+ Add item").click();
    harness.run();
    type_into(&mut harness, "people.0.userId", "first");
    harness.get_by_label("Duplicate people[0]").click();
    harness.run();
    type_into(&mut harness, "people.1.userId", "second");
    harness.get_by_label("+ Add item").click();
    harness.run();
    type_into(&mut harness, "people.2.userId", "third");
    harness.get_by_label("Move up people[2]").click();
    harness.run();
    send_and_wait(&mut harness);

    let arrived: Value = serde_json::from_slice(server.requests().last().unwrap().body()).unwrap();
    assert_eq!(
        arrived,
        json!({"people": [{"userId": "first"}, {"userId": "third"}, {"userId": "second"}]})
    );
}

#[test]
fn in_the_sandbox_a_workspace_operation_starts_on_the_sandboxs_workspace() {
    let mut app = app_for("http://127.0.0.1:9/api/v1");
    app.state.draft.environment = Environment::Sandbox;
    let mut harness = harness(app);
    harness.get_by_label("List devices").click();
    harness.run();
    assert_eq!(
        harness.state().state.draft.values.path["workspaceId"],
        flameup_explorer::sandbox::DEFAULT_WORKSPACE
    );
}

/// A right click at `at`, as the mouse sends it.
fn right_click(harness: &mut Harness<'_, App>, at: egui::Pos2) {
    harness
        .input_mut()
        .events
        .push(egui::Event::PointerMoved(at));
    harness.run();
    for pressed in [true, false] {
        harness.input_mut().events.push(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
        harness.run();
    }
}

/// The docs' example person, as the Person schema documents it.
fn documented_person(plan: &str) -> String {
    json!({
        "id": "123e4567-e89b-12d3-a456-426614174000", "workspace_id": "ws_sandbox",
        "external_id": "ada", "email": "ada@example.com", "phone": null,
        "first_name": "Ada", "last_name": null, "avatar_url": null, "timezone": null,
        "locale": null, "status": "active", "attributes": {"plan": plan},
        "created_at": "2024-12-25T10:00:00Z", "updated_at": "2024-12-25T10:00:00Z",
        "first_seen_at": null, "last_seen_at": null
    })
    .to_string()
}

#[test]
fn a_drifted_answer_says_how_it_differs_from_the_docs() {
    let mut drifted: Value = serde_json::from_str(&documented_person("pro")).unwrap();
    drifted["nickname"] = json!("Countess");
    drifted["status"] = json!("sleeping");
    let server = LoopbackServer::start(Reply::json(200, &drifted.to_string()));
    let mut harness = harness(app_for(&server.base_url()));
    harness.get_by_label("Get person").click();
    harness.run();
    send_and_wait(&mut harness);
    harness
        .get_by_label("2 differences from the docs (closest: Person)")
        .click();
    harness.run();
    harness.get_by_label("undocumented_field");
    harness.get_by_label("/nickname");
    harness.get_by_label("not_in_enum");
    harness.get_by_label("/status");

    server.set_reply(Reply::json(200, &documented_person("pro")));
    send_and_wait(&mut harness);
    harness.get_by_label("Matches the docs (documented as Person)");
}

#[test]
fn pin_then_a_second_send_shows_only_what_changed() {
    let server = LoopbackServer::start(Reply::json(200, &documented_person("free")));
    let mut harness = harness(app_for(&server.base_url()));
    harness.get_by_label("Get person").click();
    harness.run();
    send_and_wait(&mut harness);
    harness.get_by_label("Diff").click();
    harness.run();
    harness.get_by_label_contains("The first answer of this operation");
    harness.get_by_label("Pin this answer").click();
    harness.run();

    // A later answer with another plan and fresh stamps: only the plan is a change.
    let mut later: Value = serde_json::from_str(&documented_person("pro")).unwrap();
    later["updated_at"] = json!("2026-11-28T10:00:00Z");
    server.set_reply(Reply::json(200, &later.to_string()));
    send_and_wait(&mut harness);
    harness.get_by_label("1 change since the pinned answer.");
    harness.get_by_label("/attributes/plan");
    assert!(
        harness.query_by_label("/updated_at").is_none(),
        "a stamp is volatile"
    );
    harness.get_by_label("Include volatile values").click();
    harness.run();
    harness.get_by_label("/updated_at");
    harness.get_by_label("Unpin");
}

#[test]
fn a_value_of_the_tree_is_used_in_another_operation() {
    let server = LoopbackServer::start(Reply::json(200, &documented_person("pro")));
    // Tall enough for the tree's rows to be on screen, where a pointer can reach them.
    let mut harness = harness_of(app_for(&server.base_url()), egui::vec2(1280.0, 1600.0));
    harness.run();
    harness.get_by_label("Get person").click();
    harness.run();
    send_and_wait(&mut harness);
    harness.get_by_label("Tree").click();
    harness.run();
    let row = harness.get_by_label("external_id: \"ada\"").rect().center();
    right_click(&mut harness, row);
    harness.get_by_label("Use in…").click();
    harness.run();
    // The navigator lists the operation too: the menu's entry is the one drawn last, on top.
    harness
        .query_all_by_label("Track event")
        .last()
        .unwrap()
        .click();
    harness.run();
    harness
        .query_all_by_label("external_id")
        .last()
        .unwrap()
        .click();
    harness.run();
    let draft = &harness.state().state.draft;
    assert_eq!(draft.operation, "trackEvent");
    assert_eq!(draft.body_json().unwrap()["external_id"], "ada");
    harness.get_by_label("From the answer of getPerson (/external_id)");
}

/// Which labelled node has the keyboard.
fn focused_label(harness: &Harness<'_, App>) -> String {
    harness
        .query_all(egui_kittest::kittest::By::new().predicate(|node| node.is_focused()))
        .next()
        .and_then(|node| egui_kittest::kittest::NodeT::accesskit_node(&node).label())
        .unwrap_or_default()
}

/// Presses Tab `count` times from the field labelled `start`; the labels the keyboard visits.
fn tab_order(harness: &mut Harness<'_, App>, start: &str, count: usize) -> Vec<String> {
    harness.get_by_label(start).click();
    harness.run();
    let mut order = vec![focused_label(harness)];
    for _ in 0..count {
        harness.key_press(Key::Tab);
        harness.run();
        order.push(focused_label(harness));
    }
    order
}

/// Keyboard users walk a form the way it reads: path values, query values, then the body,
/// nested sections included.
#[test]
fn tab_walks_a_generated_form_in_reading_order() {
    let mut harness = harness(app_for("http://127.0.0.1:9/api/v1"));
    assert_eq!(
        tab_order(&mut harness, "userId", 10),
        [
            "userId",
            "email",
            "phone",
            "anonymousId",
            "traits",
            "traits.first_name",
            "traits.last_name",
            "traits.phone",
            "traits.avatar_url",
            "traits.timezone",
            "traits.locale"
        ]
    );

    harness.get_by_label("List people in a workspace").click();
    harness.run();
    // Path values first, then the query in the contract's order.
    assert_eq!(
        tab_order(&mut harness, "workspaceId", 4),
        ["workspaceId", "limit", "offset", "status", "search"]
    );
}
