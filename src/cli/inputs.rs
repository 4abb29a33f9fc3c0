//! From what was typed to the draft: the operation (named, the preset's, or the default create),
//! its path and query values, its body, and where it goes. `send`, `preview` and `presets save`
//! all take their request through here, so the three accept the same inputs by the same rules,
//! and every refusal names what is wrong and what is accepted, in one line.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use super::args::{NameValue, RequestArgs};
use crate::contract::{Contract, Operation, ParamPlace, UnknownParam};
use crate::model::curl_import::import_curl_reading;
use crate::model::phrase::joined;
use crate::model::response::human_size;
use crate::model::{DEFAULT_OPERATION, Draft, Environment};
use crate::store::body_file::DEFAULT_BODY_LIMIT;
use crate::store::presets::printable;

/// The create-person operation on the workspace-scoped path: what `--workspace` makes of the
/// default create, so the command lines from before the whole API keep working.
const WORKSPACE_CREATE: &str = "createWorkspacePerson";

/// The path value `--workspace` fills.
const WORKSPACE_PARAM: &str = "workspaceId";

/// How many close operationIds an unknown one is answered with, at most.
const MAX_SUGGESTIONS: usize = 3;

/// A preset named by `--preset`, already read: its name (for messages) and its request.
pub(super) struct FromPreset<'a> {
    pub name: &'a str,
    pub draft: Draft,
}

/// The draft `args` describe, on top of `preset` when `--preset` names one. `read_body` reads the
/// `--body` file; it is called last, once every other input is known to be right, so a mistake
/// in the command line is reported before standard input is read.
pub(super) fn draft(
    args: &RequestArgs,
    preset: Option<FromPreset<'_>>,
    read_body: impl FnOnce(&Path) -> Result<Value, String>,
) -> Result<Draft, String> {
    let contract = crate::contract::embedded()
        .map_err(|err| format!("the built-in contract cannot be read: {err}"))?;
    let operation = choose_operation(contract, args, preset.as_ref())?;
    let hint = default_hint(args, preset.as_ref(), operation);
    let from_preset = preset.is_some();
    let mut draft = match preset {
        Some(preset) => {
            if preset.draft.operation == operation.id {
                check_preset_params(&preset, operation)?;
            }
            moved_to(preset.draft, operation)
        }
        None => Draft {
            operation: operation.id.clone(),
            ..Draft::default()
        },
    };
    if let Some(base_url) = &args.base_url {
        draft.environment = Environment::Custom;
        draft.custom_base_url = base_url.clone();
    }
    fill_path(&mut draft, operation, args, &hint)?;
    fill_query(&mut draft, operation, &args.query, &hint)?;
    check_path_values(&draft, operation)?;
    check_body_flag(operation, args.body.is_some(), from_preset, &hint)?;
    if let Some(file) = &args.body {
        draft.load_body(&read_body(file)?);
    }
    if draft.environment == Environment::Sandbox {
        return Err("this preset sends to the window's built-in sandbox: start one with `flameup-explorer sandbox` and pass its --base-url".to_owned());
    }
    Ok(draft)
}

/// The operation to call: the one named, else the preset's, else the default create (on the
/// workspace path with `--workspace`). A preset of the default create with `--workspace` moves
/// to the workspace path too, as it did before every operation could be named.
fn choose_operation<'c>(
    contract: &'c Contract,
    args: &RequestArgs,
    preset: Option<&FromPreset<'_>>,
) -> Result<&'c Operation, String> {
    let named = args
        .operation
        .as_deref()
        .map(|id| find_operation(contract, id))
        .transpose()?;
    let to_workspace = |id: &'c str| match args.workspace {
        Some(_) if id == DEFAULT_OPERATION => WORKSPACE_CREATE,
        _ => id,
    };
    match (named, preset) {
        (Some(operation), Some(preset)) if operation.id != preset.draft.operation => Err(format!(
            "the preset \"{}\" calls {}, not {}: leave out the operation, or name another preset",
            preset.name,
            printable(&preset.draft.operation),
            operation.id
        )),
        (Some(operation), _) => Ok(operation),
        (None, Some(preset)) => {
            let id = match preset.draft.operation.as_str() {
                DEFAULT_OPERATION => to_workspace(DEFAULT_OPERATION),
                other => other,
            };
            contract.operation(id).ok_or_else(|| {
                format!(
                    "the preset \"{}\" calls {}, an operation this version does not know (see `flameup-explorer operations`)",
                    preset.name,
                    printable(id)
                )
            })
        }
        (None, None) => find_operation(contract, to_workspace(DEFAULT_OPERATION)),
    }
}

/// The operation called `id` (exactly: scripts type them), or why there is none, with the
/// closest operationIds or, when none is close, all of them.
pub(super) fn find_operation<'c>(
    contract: &'c Contract,
    id: &str,
) -> Result<&'c Operation, String> {
    if let Some(operation) = contract.operation(id) {
        return Ok(operation);
    }
    let close = closest_ids(contract, id);
    let accepted = if close.is_empty() {
        let all: Vec<&str> = contract
            .operations()
            .iter()
            .map(|op| op.id.as_str())
            .collect();
        format!("; the operations are {}", either(&all))
    } else {
        format!(
            ": did you mean {}? (see `flameup-explorer operations`)",
            either(&close)
        )
    };
    Err(format!(
        "there is no operation \"{}\"{accepted}",
        printable(id)
    ))
}

/// The operationIds closest to `typed`, closest first: those a few typos away (case aside), and
/// those that contain it (`person`).
fn closest_ids<'c>(contract: &'c Contract, typed: &str) -> Vec<&'c str> {
    let typed = typed.to_lowercase();
    let allowed = (typed.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, &str)> = contract
        .operations()
        .iter()
        .filter_map(|operation| {
            let id = operation.id.to_lowercase();
            let distance = edit_distance(&typed, &id);
            let contains = typed.chars().count() >= 4 && id.contains(&typed);
            (distance <= allowed || contains).then_some((distance, operation.id.as_str()))
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, id)| id)
        .collect()
}

/// The Levenshtein distance between `a` and `b`, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, b_char) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            let deletion = previous[j + 1] + 1;
            let insertion = current[j] + 1;
            current.push(substitution.min(deletion).min(insertion));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Words to add when the operation was not named but chosen by default, so a `--path` meant for
/// another operation is not a riddle.
fn default_hint(args: &RequestArgs, preset: Option<&FromPreset<'_>>, chosen: &Operation) -> String {
    match (&args.operation, preset) {
        (None, None) => format!(
            " (no OPERATION_ID was given, so it is {}: name one first, see `flameup-explorer operations`)",
            chosen.id
        ),
        (None, Some(preset)) => format!(" (the operation of the preset \"{}\")", preset.name),
        (Some(_), _) => String::new(),
    }
}

/// The preset's draft, moved to `operation` when `--workspace` moved the default create to the
/// workspace path: its body carried over as JSON, so every field is kept.
fn moved_to(mut draft: Draft, operation: &Operation) -> Draft {
    if draft.operation != operation.id {
        let body = draft.body_json();
        draft.operation = operation.id.clone();
        draft.values.body = Default::default();
        if let Some(body) = body {
            draft.load_body(&body);
        }
    }
    draft
}

/// Puts `--workspace` and each `--path` into the draft's path values, over the preset's.
fn fill_path(
    draft: &mut Draft,
    operation: &Operation,
    args: &RequestArgs,
    hint: &str,
) -> Result<(), String> {
    let mut given: BTreeMap<&str, &str> = BTreeMap::new();
    if let Some(workspace) = &args.workspace {
        if !operation.takes_param(ParamPlace::Path, WORKSPACE_PARAM) {
            return Err(format!(
                "{} takes no workspace (its path is {}): --workspace fills {WORKSPACE_PARAM}, which only the operations under /workspaces/{{{WORKSPACE_PARAM}}} have{hint}",
                operation.id, operation.path
            ));
        }
        given.insert(WORKSPACE_PARAM, workspace);
    }
    for NameValue { name, value } in &args.path {
        operation
            .check_param_names(ParamPlace::Path, [name.as_str()])
            .map_err(|unknown| unknown_path(operation, &unknown) + hint)?;
        if given.insert(name, value).is_some() {
            return Err(if name == WORKSPACE_PARAM && args.workspace.is_some() {
                format!(
                    "the workspace is given twice, by --workspace and by --path {WORKSPACE_PARAM}=…: give it once"
                )
            } else {
                format!("--path {name}=… is given twice: give each path value once")
            });
        }
    }
    for (name, value) in given {
        draft.values.path.insert(name.to_owned(), value.to_owned());
    }
    Ok(())
}

/// Puts each `--query` into the draft's query values, over the preset's. An empty value stays
/// empty, and so is left out of the request: that is how a preset's value is taken away.
fn fill_query(
    draft: &mut Draft,
    operation: &Operation,
    query: &[NameValue],
    hint: &str,
) -> Result<(), String> {
    let mut given: BTreeMap<&str, &str> = BTreeMap::new();
    for NameValue { name, value } in query {
        operation
            .check_param_names(ParamPlace::Query, [name.as_str()])
            .map_err(|unknown| unknown_query(operation, &unknown) + hint)?;
        if given.insert(name, value).is_some() {
            return Err(format!(
                "--query {name}=… is given twice: give each query value once"
            ));
        }
    }
    for (name, value) in given {
        draft.values.query.insert(name.to_owned(), value.to_owned());
    }
    Ok(())
}

/// A preset of this operation holds only values it takes: a file edited by hand may hold one it
/// does not, which would silently not be sent. (A preset of another operation lends only its
/// body, so its values are not judged by this one.)
fn check_preset_params(preset: &FromPreset<'_>, operation: &Operation) -> Result<(), String> {
    let values = &preset.draft.values;
    for (place, names, what) in [
        (ParamPlace::Path, values.path.keys(), "path"),
        (ParamPlace::Query, values.query.keys(), "query"),
    ] {
        if let Err(unknown) = operation.check_param_names(place, names.map(String::as_str)) {
            let takes = if unknown.accepted.is_empty() {
                format!("it takes no {what} values")
            } else {
                format!("it takes {}", both(&unknown.accepted))
            };
            return Err(format!(
                "the preset \"{}\" holds the {what} value \"{}\", which {} does not take ({takes}): remove it from the preset",
                printable(preset.name),
                printable(&unknown.name),
                operation.id
            ));
        }
    }
    Ok(())
}

/// Why `--path` names a value the operation's path does not have, and what it has.
fn unknown_path(operation: &Operation, unknown: &UnknownParam<'_>) -> String {
    if unknown.accepted.is_empty() {
        format!(
            "{} has no path parameters (its path is {}): leave out --path",
            operation.id, operation.path
        )
    } else {
        format!(
            "{} has no path parameter \"{}\": its path {} takes {}",
            operation.id,
            printable(&unknown.name),
            operation.path,
            both(&unknown.accepted)
        )
    }
}

/// Why `--query` names a value the operation does not take, and what it takes.
fn unknown_query(operation: &Operation, unknown: &UnknownParam<'_>) -> String {
    if unknown.accepted.is_empty() {
        format!(
            "{} takes no query parameters: leave out --query",
            operation.id
        )
    } else {
        format!(
            "{} has no query parameter \"{}\": it takes {}",
            operation.id,
            printable(&unknown.name),
            either(&unknown.accepted)
        )
    }
}

/// Whether `--body` fits the operation: refused by one without a body, and needed by one whose
/// body the contract requires, unless a preset gives it. The operation's example is never sent
/// in place of a missing body: a command line sends what it says.
fn check_body_flag(
    operation: &Operation,
    body_given: bool,
    from_preset: bool,
    hint: &str,
) -> Result<(), String> {
    match (&operation.body, body_given) {
        (None, true) => Err(format!(
            "{} takes no body ({} {}): leave out --body{hint}",
            operation.id, operation.method, operation.path
        )),
        (Some(body), false) if body.required && !from_preset => Err(format!(
            "{} needs a body: give --body FILE or --preset NAME",
            operation.id
        )),
        _ => Ok(()),
    }
}

/// Every path value is there: an empty one would drop a segment and reach another endpoint.
fn check_path_values(draft: &Draft, operation: &Operation) -> Result<(), String> {
    let missing: Vec<&str> = operation
        .param_names(ParamPlace::Path)
        .into_iter()
        .filter(|name| draft.values.path.get(*name).is_none_or(String::is_empty))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let flags: Vec<String> = missing
        .iter()
        .map(|name| match *name {
            WORKSPACE_PARAM => "--workspace ID".to_owned(),
            other => format!("--path {other}=VALUE"),
        })
        .collect();
    let values = if missing.len() == 1 {
        "a value"
    } else {
        "values"
    };
    Err(format!(
        "{} needs {values} for {} (its path is {}): give {}",
        operation.id,
        both(&missing),
        operation.path,
        flags.join(" ")
    ))
}

/// `a`, `a and b`, `a, b and c`.
fn both(items: &[&str]) -> String {
    joined(items, "and")
}

/// `a`, `a or b`, `a, b or c`.
fn either(items: &[&str]) -> String {
    joined(items, "or")
}

/// A request taken from a cURL command (`--from-curl`): the draft, the token the command sends
/// (for this request only: never saved), and what the import has to say, a line each.
pub(super) struct FromCurl {
    pub draft: Draft,
    pub token: Option<String>,
    pub notes: Vec<String>,
}

/// The request of the cURL command in `file` (`-` for standard input). A file the command reads
/// (`-d @FILE`) is read from the current folder, as curl would read it; `@-` is standard input,
/// unless that holds the command.
pub(super) fn from_curl(args: &RequestArgs, file: &Path) -> Result<FromCurl, String> {
    let from_stdin = file == Path::new("-");
    let bytes = read_bounded(file)?;
    let command =
        String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", source_name(file)))?;
    imported(args, &command, &mut |path| {
        if from_stdin && path == "-" {
            return Err("standard input holds the cURL command already: put the body in the command or in a file".to_owned());
        }
        read_bounded(Path::new(path))
    })
}

/// `command` imported, checked against the OPERATION_ID given with it, and sent to --base-url
/// when one is given.
fn imported(
    args: &RequestArgs,
    command: &str,
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<FromCurl, String> {
    let contract = crate::contract::embedded()
        .map_err(|err| format!("the built-in contract cannot be read: {err}"))?;
    let named = args
        .operation
        .as_deref()
        .map(|id| find_operation(contract, id))
        .transpose()?;
    let import = import_curl_reading(command, contract, read_file)
        .map_err(|err| format!("cannot import the cURL command: {err}"))?;
    let mut draft = import.draft;
    if let Some(named) = named.filter(|named| named.id != draft.operation) {
        let calls = contract
            .operation(&draft.operation)
            .map_or_else(String::new, |op| format!(" ({} {})", op.method, op.path));
        return Err(format!(
            "the cURL command calls {}{calls}, not {}: leave out the operation, or import another command",
            draft.operation, named.id
        ));
    }
    if let Some(base_url) = &args.base_url {
        draft.environment = Environment::Custom;
        draft.custom_base_url = base_url.clone();
    }
    let skipped = (!import.ignored_flags.is_empty()).then(|| {
        format!(
            "Skipped options that change nothing in the request: {}.",
            import.ignored_flags.join(", ")
        )
    });
    Ok(FromCurl {
        draft,
        token: import.token,
        notes: skipped.into_iter().chain(import.notes).collect(),
    })
}

/// What a file given on the command line is called in messages.
fn source_name(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        printable(&path.display().to_string())
    }
}

/// The bytes of `path` (standard input for `-`), read up to [`DEFAULT_BODY_LIMIT`]: a command
/// holds its body, so it may be as large as one.
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let name = source_name(path);
    let reader: Box<dyn Read> = if path == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(path).map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => format!("{name} does not exist"),
            _ => format!("{name} cannot be read: {err}"),
        })?)
    };
    let mut bytes = Vec::new();
    reader
        .take(DEFAULT_BODY_LIMIT.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|err| format!("cannot read {name}: {err}"))?;
    if bytes.len() as u64 > DEFAULT_BODY_LIMIT {
        let limit = human_size(usize::try_from(DEFAULT_BODY_LIMIT).unwrap_or(usize::MAX));
        return Err(format!("{name} is larger than {limit}, the most read"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser as _;

    fn contract() -> &'static Contract {
        crate::contract::embedded().unwrap()
    }

    /// The request arguments of `preview` followed by `words`.
    fn args(words: &[&str]) -> RequestArgs {
        let cli = Cli::try_parse_from(["flameup-explorer", "preview"].iter().chain(words)).unwrap();
        match cli.command {
            Some(Command::Preview { request, .. }) => request,
            other => panic!("{other:?}"),
        }
    }

    fn no_body(_: &Path) -> Result<Value, String> {
        panic!("no body file is read")
    }

    #[test]
    fn typos_and_parts_of_an_id_suggest_the_closest() {
        assert_eq!(closest_ids(contract(), "getperson"), ["getPerson"]);
        assert_eq!(closest_ids(contract(), "getPersn")[0], "getPerson");
        assert_eq!(closest_ids(contract(), "listPeple")[0], "listPeople");
        assert_eq!(closest_ids(contract(), "person").len(), MAX_SUGGESTIONS);
        assert!(closest_ids(contract(), "zzz").is_empty());
        let all = find_operation(contract(), "zzz").unwrap_err();
        assert!(all.contains("createPerson, listPeople, "), "{all}");
        assert!(all.ends_with(" or triggerWorkspaceCampaign"), "{all}");
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("é", "e"), 1, "characters, not bytes");
    }

    #[test]
    fn lists_read_as_sentences() {
        assert_eq!(both(&["id"]), "id");
        assert_eq!(both(&["a", "b"]), "a and b");
        assert_eq!(either(&["a", "b", "c"]), "a, b or c");
    }

    #[test]
    fn no_operation_is_the_create_and_the_workspace_moves_it() {
        let key_scoped = with_body(&["--body", "b.json"]);
        assert_eq!(key_scoped.operation, "createPerson");
        let workspace = with_body(&["--body", "b.json", "--workspace", "ws_1"]);
        assert_eq!(workspace.operation, "createWorkspacePerson");
        assert_eq!(workspace.values.path["workspaceId"], "ws_1");
        assert_eq!(
            workspace.body_json(),
            Some(serde_json::json!({"userId": "u"}))
        );
    }

    /// The draft of `preview` with `words`, its `--body` file holding `{"userId": "u"}`.
    fn with_body(words: &[&str]) -> Draft {
        draft(&args(words), None, |_| {
            Ok(serde_json::json!({"userId": "u"}))
        })
        .unwrap()
    }

    #[test]
    fn a_preset_of_the_create_moves_to_the_workspace_path_with_its_body() {
        let preset = FromPreset {
            name: "Docs",
            draft: Draft::docs_example(),
        };
        let expected = Draft::docs_example().body_json();
        let moved = draft(&args(&["--workspace", "ws_9"]), Some(preset), no_body).unwrap();
        assert_eq!(moved.operation, "createWorkspacePerson");
        assert_eq!(moved.values.path["workspaceId"], "ws_9");
        assert_eq!(moved.body_json(), expected, "every field is kept");
    }

    #[test]
    fn a_preset_value_its_operation_does_not_take_is_refused() {
        let mut draft = Draft {
            operation: "getPerson".into(),
            ..Draft::default()
        };
        draft.values.path.insert("id".into(), "ada".into());
        draft.values.query.insert("zz".into(), "1".into());
        let preset = FromPreset { name: "tq", draft };
        let error = super::draft(
            &args(&["--base-url", "http://127.0.0.1:9/api/v1"]),
            Some(preset),
            no_body,
        )
        .unwrap_err();
        assert_eq!(
            error,
            "the preset \"tq\" holds the query value \"zz\", which getPerson does not take (it takes no query values): remove it from the preset"
        );
    }

    #[test]
    fn a_body_file_replaces_the_presets_body() {
        let preset = FromPreset {
            name: "Docs",
            draft: Draft::docs_example(),
        };
        let replaced = draft(&args(&["--body", "b.json"]), Some(preset), |_| {
            Ok(serde_json::json!({"userId": "from the file"}))
        })
        .unwrap();
        assert_eq!(replaced.operation, "createPerson");
        assert_eq!(
            replaced.body_json(),
            Some(serde_json::json!({"userId": "from the file"}))
        );
    }

    #[test]
    fn an_optional_body_left_out_is_an_empty_object_not_the_example() {
        let words = [
            "triggerWorkspaceCampaign",
            "--workspace",
            "ws_1",
            "--path",
            "campaignId=camp_1",
        ];
        let trigger = draft(&args(&words), None, no_body).unwrap();
        assert_eq!(trigger.body_json(), Some(serde_json::json!({})));
    }

    #[test]
    fn a_missing_body_is_refused_before_any_file_is_read() {
        let words = ["getPerson", "--path", "id=u", "--body", "b.json"];
        let error = draft(&args(&words), None, no_body).unwrap_err();
        assert_eq!(
            error,
            "getPerson takes no body (GET /people/{id}): leave out --body"
        );
        let error = draft(&args(&["updatePerson", "--path", "id=u"]), None, no_body).unwrap_err();
        assert_eq!(
            error,
            "updatePerson needs a body: give --body FILE or --preset NAME"
        );
    }

    #[test]
    fn a_curl_command_gives_the_request_and_an_operation_given_too_must_match() {
        let command = "curl -sS https://api.flameup.ai/api/v1/people/ada -H 'Authorization: Bearer ws_test_x'";
        let mut no_files = |_: &str| -> Result<Vec<u8>, String> { panic!("no file is read") };
        let from = imported(&args(&[]), command, &mut no_files).unwrap();
        assert_eq!(from.draft.operation, "getPerson");
        assert_eq!(from.draft.values.path["id"], "ada");
        assert_eq!(from.token.as_deref(), Some("ws_test_x"));
        assert_eq!(
            from.notes,
            ["Skipped options that change nothing in the request: -s, -S."]
        );
        let moved = imported(
            &args(&["getPerson", "--base-url", "http://127.0.0.1:9/v1"]),
            command,
            &mut no_files,
        )
        .unwrap();
        assert_eq!(moved.draft.environment, Environment::Custom);
        assert_eq!(moved.draft.custom_base_url, "http://127.0.0.1:9/v1");
        let error = imported(&args(&["deletePerson"]), command, &mut no_files)
            .err()
            .unwrap();
        assert_eq!(
            error,
            "the cURL command calls getPerson (GET /people/{id}), not deletePerson: leave out the operation, or import another command"
        );
        let error = imported(&args(&["getPersn"]), command, &mut no_files)
            .err()
            .unwrap();
        assert!(
            error.starts_with("there is no operation \"getPersn\""),
            "{error}"
        );
        let error = imported(&args(&[]), "curl -u a:b x", &mut no_files)
            .err()
            .unwrap();
        assert!(error.starts_with("cannot import the cURL command: the command's -u "));
    }
}
