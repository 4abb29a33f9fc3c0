//! Flow export in the real window: a create and a get sent to the built-in sandbox, picked in the
//! History tab, export as one bash program in which the get reads the identifier the create's
//! answer gave; Copy puts exactly that program on the clipboard, Save writes it, and the JSON
//! target is the flow `flow run` replays. Sends that cannot chain still export, with their values.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use flameup_explorer::app::{App, Exchange};
use flameup_explorer::flow::{self, Flow, Target};
use flameup_explorer::store::history::HistoryEntry;
use support::app::{Scratch, copied, started, step_until, type_into};

fn fresh(scratch: &Scratch) -> Harness<'static, App> {
    let mut harness = started(scratch.startup(), None);
    harness.set_size(egui::vec2(1280.0, 1000.0));
    harness.run();
    harness
}

fn sandbox_url(harness: &Harness<'_, App>) -> String {
    match &harness.state().sandbox {
        Some(Ok(sandbox)) => sandbox.base_url(),
        _ => panic!("the sandbox is not running"),
    }
}

/// Clicks Send and waits for the answer.
fn send(harness: &mut Harness<'_, App>) {
    harness.get_by_label("Send").click();
    harness.step();
    step_until(harness, "the answer", |app| {
        matches!(app.exchange, Exchange::Done(_))
    });
    harness.run();
}

/// Puts `command` in the form, as a paste onto the window does.
fn paste(harness: &mut Harness<'_, App>, command: &str) {
    harness.event(egui::Event::Paste(command.to_owned()));
    harness.run();
}

fn entries(harness: &Harness<'_, App>) -> Vec<HistoryEntry> {
    harness
        .state()
        .library
        .history
        .as_ref()
        .unwrap()
        .entries()
        .to_vec()
}

fn copy_program(harness: &mut Harness<'_, App>) -> String {
    harness.get_by_label("Copy the flow").click();
    harness.step();
    let texts = copied(harness);
    assert_eq!(texts.len(), 1, "one copy");
    harness.run();
    texts[0].clone()
}

#[test]
fn a_create_and_a_get_picked_in_the_history_export_as_one_bash_program() {
    let scratch = Scratch::new("flow-ui-export");
    let mut harness = fresh(&scratch);
    let sandbox = sandbox_url(&harness);
    send(&mut harness);
    harness.get_by_label("201 Created");
    paste(
        &mut harness,
        &format!("curl {sandbox}/people/example_string"),
    );
    assert_eq!(harness.state().state.draft.operation, "getPerson");
    send(&mut harness);
    harness.get_by_label("200 OK");

    harness.get_by_label("History").click();
    harness.run();
    harness.get_by_label("Tick sends to export them as a flow.");
    assert!(
        harness
            .get_by_label("Export flow...")
            .accesskit_node()
            .is_disabled()
    );
    harness
        .get_by_label_contains("Pick example_string at")
        .click();
    harness.run();
    harness.get_by_label_contains("Pick getPerson at").click();
    harness.run();
    harness.get_by_label("2 sends picked.");
    harness.get_by_label("Export flow...").click();
    harness.run();

    let flow = Flow::from_history(&entries(&harness)).unwrap();
    let expected = flow::render(&flow, Target::Curl).unwrap();
    let variable = &flow.variables()[0].name;
    assert_eq!(
        flow.steps[1].bindings.len(),
        1,
        "the get reads the create's answer"
    );
    assert!(expected.contains("create_person"));
    assert!(expected.contains(&sandbox), "{expected}");
    assert!(expected.contains(variable.as_str()));
    harness.get_by_label_contains("2 steps, sent in this order");
    harness.get_by_label_contains(&format!(
        "get_person: the path value id is {variable}, read from create_person's answer at /"
    ));
    harness.check_accessibility();

    assert_eq!(copy_program(&mut harness), expected);

    let path = scratch.path().join("flow.sh");
    type_into(
        &mut harness,
        "Path to save the flow to",
        &path.display().to_string(),
    );
    harness.get_by_label("Save the flow").click();
    harness.run();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    harness.get_by_label(&format!("Saved to {}.", path.display()));

    harness.get_by_label("JSON (flow run)").click();
    harness.run();
    let json = copy_program(&mut harness);
    assert_eq!(Flow::from_json(&json).unwrap(), flow);

    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Copy the flow").is_none());
}

#[test]
fn sends_that_cannot_chain_still_export_with_their_values() {
    let scratch = Scratch::new("flow-ui-literal");
    let mut harness = fresh(&scratch);
    let sandbox = sandbox_url(&harness);
    paste(&mut harness, &format!("curl {sandbox}/people/nobody"));
    send(&mut harness);
    harness.get_by_label("404 Not Found");
    paste(
        &mut harness,
        &format!(
            "curl {sandbox}/people -H 'Content-Type: application/json' -d '{{\"userId\":\"someone\"}}'"
        ),
    );
    send(&mut harness);
    harness.get_by_label("201 Created");

    harness.get_by_label("History").click();
    harness.run();
    harness.get_by_label("Select last").click();
    harness.run();
    harness.get_by_label("2 sends picked.");
    harness.get_by_label("Export flow...").click();
    harness.run();
    harness.get_by_label_contains("No identifier passes between these steps");
    let program = copy_program(&mut harness);
    assert!(program.contains("/people/nobody"), "{program}");
    assert!(program.contains("someone"), "{program}");
}
