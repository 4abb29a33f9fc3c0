//! The one contract, `assets/flameup-openapi.json`: valid OpenAPI 3.1 by a real validator, the
//! operations and parameter names the issue fixes, the documented limits and enums, a written note
//! for every choice between the docs, and `flameup-explorer contract` printing it byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use flameup_explorer::contract::{
    self, Contract, IdentifierKind, Method, NoteAt, Operation, ParamKind,
};
use serde_json::{Value, json};
use support::{contract, operation};

const DOCUMENT_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/flameup-openapi.json");

/// The operations the issue lists, in its order: (operationId, method, path, path parameters).
/// Users and scripts type these ids and `--path NAME=VALUE` takes these names.
const ISSUE_OPERATIONS: [(&str, Method, &str, &[&str]); 22] = [
    ("createPerson", Method::Post, "/people", &[]),
    ("listPeople", Method::Get, "/people", &[]),
    ("getPerson", Method::Get, "/people/{id}", &["id"]),
    ("updatePerson", Method::Put, "/people/{id}", &["id"]),
    ("deletePerson", Method::Delete, "/people/{id}", &["id"]),
    ("batchPeople", Method::Post, "/people/batch", &[]),
    ("trackEvent", Method::Post, "/track", &[]),
    (
        "registerDevice",
        Method::Post,
        "/people/{person_id}/devices",
        &["person_id"],
    ),
    ("sendPush", Method::Post, "/push/send", &[]),
    (
        "createWorkspacePerson",
        Method::Post,
        "/workspaces/{workspaceId}/people",
        &["workspaceId"],
    ),
    (
        "listWorkspacePeople",
        Method::Get,
        "/workspaces/{workspaceId}/people",
        &["workspaceId"],
    ),
    (
        "getWorkspacePerson",
        Method::Get,
        "/workspaces/{workspaceId}/people/{personId}",
        &["workspaceId", "personId"],
    ),
    (
        "updateWorkspacePerson",
        Method::Put,
        "/workspaces/{workspaceId}/people/{personId}",
        &["workspaceId", "personId"],
    ),
    (
        "searchWorkspacePeople",
        Method::Get,
        "/workspaces/{workspaceId}/people/search",
        &["workspaceId"],
    ),
    (
        "upsertWorkspacePerson",
        Method::Post,
        "/workspaces/{workspaceId}/people/upsert",
        &["workspaceId"],
    ),
    (
        "batchWorkspacePeople",
        Method::Post,
        "/workspaces/{workspaceId}/people/batch",
        &["workspaceId"],
    ),
    (
        "createWorkspaceEvent",
        Method::Post,
        "/workspaces/{workspaceId}/events",
        &["workspaceId"],
    ),
    (
        "listWorkspaceEvents",
        Method::Get,
        "/workspaces/{workspaceId}/events",
        &["workspaceId"],
    ),
    (
        "listWorkspaceDevices",
        Method::Get,
        "/workspaces/{workspaceId}/devices",
        &["workspaceId"],
    ),
    (
        "sendWorkspaceTransactional",
        Method::Post,
        "/workspaces/{workspaceId}/transactional/send",
        &["workspaceId"],
    ),
    (
        "createWorkspaceCampaign",
        Method::Post,
        "/workspaces/{workspaceId}/campaigns",
        &["workspaceId"],
    ),
    (
        "triggerWorkspaceCampaign",
        Method::Post,
        "/workspaces/{workspaceId}/campaigns/{campaignId}/trigger",
        &["workspaceId", "campaignId"],
    ),
];

/// The six error bodies flameup-api.md lists, by their schema names in the contract.
const ERROR_SHAPES: [&str; 6] = [
    "ErrorDocsExample",
    "ErrorDocsSchema",
    "ErrorStandard",
    "ErrorSimplified",
    "ErrorCoded",
    "ErrorValidation",
];

fn raw_document() -> Value {
    serde_json::from_str(contract::DOCUMENT).unwrap()
}

/// The schema at `pointer` in an operation's (resolved) body schema.
fn body_schema<'a>(operation: &'a Operation, pointer: &str) -> &'a Value {
    let body = operation
        .body
        .as_ref()
        .unwrap_or_else(|| panic!("{} has no body", operation.id));
    body.schema
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{}: nothing at {pointer} in {}", operation.id, body.schema))
}

/// The schema of an operation's JSON answer for `status`.
fn answer_schema<'a>(operation: &'a Operation, status: &str) -> &'a Value {
    operation.responses[status]
        .pointer("/content/application~1json/schema")
        .unwrap_or_else(|| panic!("{}: no JSON answer for {status}", operation.id))
}

fn query_kind<'a>(operation: &'a Operation, name: &str) -> &'a ParamKind {
    &operation
        .query_params
        .iter()
        .find(|param| param.name == name)
        .unwrap_or_else(|| panic!("{} has no query parameter {name}", operation.id))
        .kind
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

#[test]
fn the_embedded_document_is_the_asset_and_parses() {
    assert_eq!(
        contract::DOCUMENT.as_bytes(),
        std::fs::read(DOCUMENT_PATH).unwrap()
    );
    let parsed = Contract::parse(contract::DOCUMENT).unwrap();
    assert_eq!(parsed.operations().len(), ISSUE_OPERATIONS.len());
    assert_eq!(contract().operations().len(), ISSUE_OPERATIONS.len());
}

#[test]
fn the_embedded_contract_is_parsed_once_and_shared() {
    assert!(std::ptr::eq(contract(), contract()));
    let first = std::thread::spawn(|| std::ptr::from_ref(contract()) as usize)
        .join()
        .unwrap();
    assert_eq!(first, std::ptr::from_ref(contract()) as usize);
}

/// Runs the real validator, `openapi-spec-validator` from PyPI, on `file` as OpenAPI 3.1.
fn validate_openapi_3_1(file: &Path) -> Output {
    Command::new("python3")
        .args(["-m", "openapi_spec_validator", "--schema", "3.1"])
        .arg(file)
        .output()
        .unwrap()
}

/// Whether the validator can run here. Missing is a skip, except on CI where it is a failure.
fn validator_installed() -> bool {
    let probe = Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let installed = probe.is_ok_and(|status| status.success());
    if !installed {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "openapi-spec-validator is missing on CI: python3 -m pip install openapi-spec-validator"
        );
        eprintln!(
            "skipped: openapi-spec-validator is not installed (python3 -m pip install openapi-spec-validator)"
        );
    }
    installed
}

#[test]
fn the_document_is_valid_openapi_3_1_by_a_real_validator() {
    if !validator_installed() {
        return;
    }
    assert_eq!(raw_document()["openapi"], "3.1.0");
    let valid = validate_openapi_3_1(Path::new(DOCUMENT_PATH));
    assert!(
        valid.status.success(),
        "{}{}",
        String::from_utf8_lossy(&valid.stdout),
        String::from_utf8_lossy(&valid.stderr)
    );
    // The same validator refuses the document with getPerson's {id} left undeclared, so a pass
    // above means something.
    let mut broken = raw_document();
    broken["paths"]["/people/{id}"]["get"]["parameters"] = json!([]);
    let broken_file = std::env::temp_dir().join(format!(
        "flameup-contract-broken-{}.json",
        std::process::id()
    ));
    std::fs::write(&broken_file, broken.to_string()).unwrap();
    let refused = validate_openapi_3_1(&broken_file);
    let _ = std::fs::remove_file(&broken_file);
    assert!(!refused.status.success(), "a broken document passed");
}

#[test]
fn every_operation_the_issue_lists_is_there_exactly_in_its_order() {
    let listed: Vec<(&str, Method, &str, Vec<&str>)> = contract()
        .operations()
        .iter()
        .map(|operation| {
            let names = operation
                .path_params
                .iter()
                .map(|param| param.name.as_str())
                .collect();
            (
                operation.id.as_str(),
                operation.method,
                operation.path.as_str(),
                names,
            )
        })
        .collect();
    let expected: Vec<(&str, Method, &str, Vec<&str>)> = ISSUE_OPERATIONS
        .iter()
        .map(|(id, method, path, names)| (*id, *method, *path, names.to_vec()))
        .collect();
    assert_eq!(listed, expected);
    for (id, ..) in ISSUE_OPERATIONS {
        assert_eq!(contract().operation(id).unwrap().id, id);
    }
    assert!(contract().operation("createperson").is_none());
}

#[test]
fn every_operation_is_in_one_of_the_docs_groups() {
    let groups = ["People", "Events", "Devices", "Messaging", "Campaigns"];
    for operation in contract().operations() {
        assert!(
            groups.contains(&operation.group.as_str()),
            "{}: {}",
            operation.id,
            operation.group
        );
    }
    assert_eq!(operation("trackEvent").group, "Events");
    assert_eq!(operation("registerDevice").group, "Devices");
    assert_eq!(operation("sendPush").group, "Messaging");
    assert_eq!(operation("triggerWorkspaceCampaign").group, "Campaigns");
}

#[test]
fn path_parameters_say_which_identifier_they_take() {
    let kind = |id: &str, name: &str| {
        operation(id)
            .path_params
            .iter()
            .find(|param| param.name == name)
            .unwrap()
            .identifier
    };
    for id in ["getPerson", "updatePerson", "deletePerson"] {
        assert_eq!(kind(id, "id"), IdentifierKind::ExternalIdOrEmail, "{id}");
    }
    for id in ["getWorkspacePerson", "updateWorkspacePerson"] {
        assert_eq!(kind(id, "personId"), IdentifierKind::PersonUuid, "{id}");
    }
    assert_eq!(
        kind("registerDevice", "person_id"),
        IdentifierKind::PersonUuid
    );
    assert_eq!(
        kind("triggerWorkspaceCampaign", "campaignId"),
        IdentifierKind::CampaignId
    );
    for operation in contract()
        .operations()
        .iter()
        .filter(|operation| operation.path.starts_with("/workspaces/"))
    {
        assert_eq!(
            kind(&operation.id, "workspaceId"),
            IdentifierKind::WorkspaceId
        );
    }
    // A UUID path parameter also says so in its schema, for validators.
    let document = raw_document();
    assert_eq!(
        document["components"]["parameters"]["PersonUuidPath"]["schema"]["format"],
        "uuid"
    );
}

#[test]
fn the_documented_field_limits_are_in_the_body_schemas() {
    for id in [
        "createPerson",
        "createWorkspacePerson",
        "upsertWorkspacePerson",
    ] {
        let create = operation(id);
        assert_eq!(body_schema(create, "/required"), &json!(["userId"]), "{id}");
        assert_eq!(
            body_schema(create, "/properties/userId/maxLength"),
            255,
            "{id}"
        );
        assert_eq!(
            body_schema(create, "/properties/email/maxLength"),
            254,
            "{id}"
        );
        assert_eq!(
            body_schema(create, "/properties/email/format"),
            "email",
            "{id}"
        );
    }
    assert_eq!(
        body_schema(operation("createPerson"), "/properties/phone/maxLength"),
        50
    );
    for id in ["batchPeople", "batchWorkspacePeople"] {
        let batch = operation(id);
        assert_eq!(
            body_schema(batch, "/properties/people/maxItems"),
            100,
            "{id}"
        );
        assert_eq!(
            body_schema(
                batch,
                "/properties/people/items/properties/userId/maxLength"
            ),
            255,
            "{id}"
        );
    }
    assert_eq!(
        body_schema(
            operation("batchPeople"),
            "/properties/people/items/properties/phone/maxLength"
        ),
        50
    );
    assert_eq!(
        body_schema(operation("sendPush"), "/properties/title/maxLength"),
        255
    );
}

#[test]
fn list_limits_are_whole_numbers_from_1_to_100() {
    let page_size = ParamKind::Integer {
        minimum: Some(1),
        maximum: Some(100),
    };
    for id in [
        "listPeople",
        "listWorkspacePeople",
        "searchWorkspacePeople",
        "listWorkspaceEvents",
    ] {
        assert_eq!(query_kind(operation(id), "limit"), &page_size, "{id}");
    }
    assert_eq!(
        query_kind(operation("listPeople"), "offset"),
        &ParamKind::Integer {
            minimum: Some(0),
            maximum: None
        }
    );
}

#[test]
fn the_documented_enums_are_in_the_schemas() {
    let status = ParamKind::Enum(strings(&["active", "unsubscribed", "bounced"]));
    assert_eq!(query_kind(operation("listPeople"), "status"), &status);
    assert_eq!(
        query_kind(operation("listWorkspacePeople"), "status"),
        &status
    );
    assert_eq!(
        answer_schema(operation("getPerson"), "200")["properties"]["status"]["enum"],
        json!(["active", "unsubscribed", "bounced"])
    );
    assert_eq!(
        body_schema(operation("registerDevice"), "/properties/platform/enum"),
        &json!(["ios", "android"])
    );
    assert_eq!(
        query_kind(operation("listWorkspaceDevices"), "platform"),
        &ParamKind::Enum(strings(&["ios", "android", "web"]))
    );
    assert_eq!(
        body_schema(operation("sendPush"), "/properties/platform/enum"),
        &json!(["ios", "android", "all"])
    );
    assert_eq!(
        body_schema(operation("sendPush"), "/properties/priority/enum"),
        &json!(["low", "normal", "high"])
    );
    assert_eq!(
        body_schema(
            operation("sendWorkspaceTransactional"),
            "/properties/platform/enum"
        ),
        &json!(["ios", "android", "web", "all"])
    );
}

#[test]
fn answers_carry_their_documented_shapes() {
    let person_list = answer_schema(operation("listPeople"), "200");
    assert_eq!(
        person_list["properties"]["people"]["items"]["properties"]["external_id"]["type"],
        "string"
    );
    for field in ["total", "limit", "offset"] {
        assert_eq!(
            person_list["properties"][field]["type"], "integer",
            "{field}"
        );
    }
    let batch = answer_schema(operation("batchPeople"), "200");
    assert_eq!(
        batch["required"],
        json!(["people", "created_count", "updated_count"])
    );
    let event = answer_schema(operation("trackEvent"), "200");
    assert_eq!(event["required"], json!(["success", "event_id"]));
    assert_eq!(
        answer_schema(operation("createPerson"), "201"),
        answer_schema(operation("getPerson"), "200")
    );
}

#[test]
fn every_error_status_answers_any_of_the_six_documented_shapes() {
    let document = raw_document();
    let schemas = &document["components"]["schemas"];
    let any_of: Vec<&str> = schemas["Error"]["anyOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|shape| shape["$ref"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = ERROR_SHAPES
        .iter()
        .map(|name| format!("#/components/schemas/{name}"))
        .collect();
    assert_eq!(any_of, expected);
    let resolved_error = answer_schema(operation("getPerson"), "404");
    for operation in contract().operations() {
        for status in ["400", "401", "403", "429", "500", "503"] {
            assert_eq!(
                answer_schema(operation, status),
                resolved_error,
                "{} {status}",
                operation.id
            );
        }
        if operation.body.is_some() {
            assert!(operation.responses.contains_key("422"), "{}", operation.id);
        }
    }
    // Each shape's example (the docs' own body) has every field the shape requires.
    for name in ERROR_SHAPES {
        let shape = &schemas[name];
        let Some(example) = shape.get("example").and_then(Value::as_object) else {
            continue;
        };
        for required in shape["required"].as_array().unwrap() {
            let field = required.as_str().unwrap();
            assert!(example.contains_key(field), "{name}: {field}");
        }
    }
    assert_eq!(
        schemas["ErrorValidation"]["properties"]["error"]["properties"]["details"]["properties"]["fields"]
            ["type"],
        "object"
    );
    assert_eq!(
        schemas["ErrorDocsExample"]["properties"]["details"]["type"],
        "array"
    );
}

#[test]
fn an_answer_defined_once_is_one_shared_value() {
    let create = operation("createPerson");
    for other in contract().operations() {
        for status in ["401", "403", "429"] {
            assert!(
                std::sync::Arc::ptr_eq(&create.responses[status], &other.responses[status]),
                "{} {status} is a copy",
                other.id
            );
        }
    }
}

/// Every object in the document that holds `key`, with its JSON Pointer.
fn objects_with<'a>(value: &'a Value, key: &str, at: String, found: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            if map.contains_key(key) {
                found.push((at.clone(), value));
            }
            for (name, inner) in map {
                objects_with(inner, key, format!("{at}/{name}"), found);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                objects_with(item, key, format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn every_docs_note_is_written_and_every_inferred_part_explained() {
    let document = raw_document();
    let mut noted = Vec::new();
    objects_with(&document, "x-flameup-docs", String::new(), &mut noted);
    assert!(noted.len() >= 20, "only {} notes", noted.len());
    for (at, object) in &noted {
        let note = object["x-flameup-docs"].as_str().unwrap_or_default();
        assert!(note.trim().len() >= 20, "{at}: note {note:?}");
    }
    let mut inferred = Vec::new();
    objects_with(
        &document,
        "x-flameup-inferred",
        String::new(),
        &mut inferred,
    );
    assert!(!inferred.is_empty());
    for (at, object) in &inferred {
        assert_eq!(object["x-flameup-inferred"], true, "{at}");
        assert!(
            object.get("x-flameup-docs").is_some(),
            "{at}: inferred without a note"
        );
    }
    let delete = operation("deletePerson");
    assert!(delete.inferred);
    assert!(
        delete
            .notes
            .iter()
            .any(|note| note.at == NoteAt::Operation && note.inferred)
    );
}

#[test]
fn every_operation_has_a_summary_and_a_description() {
    for operation in contract().operations() {
        assert!(!operation.summary.trim().is_empty(), "{}", operation.id);
        assert!(!operation.description.trim().is_empty(), "{}", operation.id);
    }
}

#[test]
fn notes_are_placed_beside_what_they_concern() {
    let create = operation("createPerson");
    let places: Vec<&NoteAt> = create.notes.iter().map(|note| &note.at).collect();
    assert!(places.contains(&&NoteAt::Operation), "{places:?}");
    assert!(
        places.contains(&&NoteAt::Body("/properties/phone".into())),
        "{places:?}"
    );
    assert!(
        places.contains(&&NoteAt::Body("/properties/traits".into())),
        "{places:?}"
    );
    assert!(
        create
            .notes
            .iter()
            .any(|note| matches!(&note.at, NoteAt::Response { status, .. } if status == "422")),
        "{places:?}"
    );
    let search = operation("listWorkspacePeople");
    assert!(
        search
            .notes
            .iter()
            .any(|note| note.at == NoteAt::Parameter("search".into()))
    );
    assert!(
        operation("getWorkspacePerson")
            .notes
            .iter()
            .any(|note| note.at == NoteAt::Parameter("personId".into()))
    );
    // A note reached through several answers is listed once.
    for operation in contract().operations() {
        let mut texts: Vec<&str> = operation
            .notes
            .iter()
            .map(|note| note.text.as_str())
            .collect();
        let count = texts.len();
        texts.sort_unstable();
        texts.dedup();
        assert_eq!(texts.len(), count, "{}", operation.id);
    }
}

#[test]
fn the_server_is_production_and_every_call_uses_a_bearer_key() {
    assert_eq!(contract().server_url(), "https://api.flameup.ai/api/v1");
    let document = raw_document();
    assert_eq!(document["security"], json!([{"BearerAuth": []}]));
    let scheme = &document["components"]["securitySchemes"]["BearerAuth"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
}

fn explorer() -> Command {
    Command::new(env!("CARGO_BIN_EXE_flameup-explorer"))
}

#[test]
fn the_contract_command_prints_the_document_byte_for_byte() {
    let printed = explorer().arg("contract").output().unwrap();
    assert!(printed.status.success(), "{printed:?}");
    assert!(printed.stderr.is_empty(), "{printed:?}");
    assert_eq!(printed.stdout, std::fs::read(DOCUMENT_PATH).unwrap());
    let parsed: Value = serde_json::from_slice(&printed.stdout).unwrap();
    assert_eq!(parsed["openapi"], "3.1.0");
}

#[test]
fn the_contract_command_stops_quietly_on_a_closed_pipe() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let printed = explorer()
        .arg("contract")
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(printed.status.success(), "{printed:?}");
    assert_eq!(String::from_utf8_lossy(&printed.stderr), "");
}

#[test]
fn operations_lists_every_operation_for_people_and_for_scripts() {
    let binary = env!("CARGO_BIN_EXE_flameup-explorer");
    let json = std::process::Command::new(binary)
        .args(["operations", "--output", "json"])
        .output()
        .unwrap();
    assert!(json.status.success());
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    let contract = flameup_explorer::contract::embedded().unwrap();
    assert_eq!(listed.len(), contract.operations().len());
    for (item, operation) in listed.iter().zip(contract.operations()) {
        assert_eq!(item["operationId"], operation.id.as_str());
        assert_eq!(item["method"], operation.method.as_str());
        assert_eq!(item["path"], operation.path.as_str());
        assert_eq!(item["summary"], operation.summary.as_str());
        let keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["operationId", "method", "path", "summary"]);
    }

    let pretty = std::process::Command::new(binary)
        .arg("operations")
        .output()
        .unwrap();
    let text = String::from_utf8(pretty.stdout).unwrap();
    for group in ["People", "Events", "Devices", "Messaging", "Campaigns"] {
        assert_eq!(
            text.lines().filter(|line| *line == group).count(),
            1,
            "{group} heads its operations once"
        );
    }
    for operation in contract.operations() {
        assert!(
            text.lines()
                .any(|line| line.trim_start().starts_with(&format!("{} ", operation.id))),
            "{}",
            operation.id
        );
    }
}
