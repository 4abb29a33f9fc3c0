//! Reading the document into the model: JSON first, then each path's operations, with every
//! `$ref` resolved in place so nothing downstream walks the raw document again.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::{
    Contract, ContractError, DocsNote, IdentifierKind, Method, NoteAt, Operation, ParamKind,
    PathParam, QueryParam, RequestBody,
};

/// The docs note extension: what each page says, and which the contract follows.
pub(super) const NOTE: &str = "x-flameup-docs";
/// Marks a part no page shows.
const INFERRED: &str = "x-flameup-inferred";
/// Which identifier a value takes: a path parameter, or a body property (see validate.rs).
pub(super) const IDENTIFIER: &str = "x-flameup-identifier";
/// Where a schema resolved from `#/components/schemas/NAME` keeps NAME, since resolving `$ref`s
/// in place would otherwise lose it: the check of an answer says which of the documented error
/// shapes it matched by this name (see check.rs).
pub(super) const SCHEMA_NAME: &str = "x-flameup-schema";
/// The prefix of a `$ref` to a named schema.
const SCHEMAS_PREFIX: &str = "#/components/schemas/";
/// The only media type the API speaks.
pub(super) const JSON_MEDIA: &str = "application/json";
/// `$ref`s followed within `$ref`s before giving up: far more than the document needs, and the
/// end of a cycle.
const MAX_REF_DEPTH: usize = 32;

/// The methods an OpenAPI path item may hold that the contract uses, by their key.
const METHODS: [(&str, Method); 5] = [
    ("get", Method::Get),
    ("post", Method::Post),
    ("put", Method::Put),
    ("patch", Method::Patch),
    ("delete", Method::Delete),
];

/// Parses the document text into the contract (see [`Contract::parse`]).
pub(super) fn contract(text: &str) -> Result<Contract, ContractError> {
    let document: Value =
        serde_json::from_str(text).map_err(|err| error("", format!("not JSON: {err}")))?;
    let reader = Reader {
        document: &document,
        shared_answers: RefCell::default(),
    };
    let server_url = document
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .ok_or_else(|| error("/servers", "no server URL"))?
        .to_owned();
    let paths = document
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| error("/paths", "no paths object"))?;
    let mut operations: Vec<Operation> = Vec::new();
    for (path, item) in paths {
        let at = child("/paths", path);
        for operation in reader.path_item(path, item, &at)? {
            if operations.iter().any(|earlier| earlier.id == operation.id) {
                return Err(error(
                    &at,
                    format!("operationId {} is used twice", operation.id),
                ));
            }
            operations.push(operation);
        }
    }
    Ok(Contract {
        server_url,
        operations,
    })
}

/// The whole document, for resolving `$ref`s.
struct Reader<'doc> {
    document: &'doc Value,
    /// Answers defined once (`#/components/responses/…`) and used by many operations: resolved
    /// once and shared, which keeps parsing several times cheaper than a copy per operation.
    shared_answers: RefCell<HashMap<String, Answer>>,
}

/// One documented answer, resolved, with the notes found in it.
#[derive(Clone)]
struct Answer {
    response: Arc<Value>,
    notes: Arc<[FoundNote]>,
}

/// A note found in a value, at a JSON Pointer relative to that value.
struct FoundNote {
    pointer: String,
    text: String,
    inferred: bool,
}

impl Reader<'_> {
    /// The operations of one path, in the order the path item lists its methods.
    fn path_item(
        &self,
        path: &str,
        item: &Value,
        at: &str,
    ) -> Result<Vec<Operation>, ContractError> {
        // Only the item itself and its shared parameters are resolved here: each operation
        // resolves its own parts, so a shared answer is met as the `$ref` it is.
        let item = match item.get("$ref") {
            Some(reference) => self.target(reference, at)?,
            None => item,
        };
        let shared = match item.get("parameters") {
            Some(parameters) => self.resolve(parameters, at)?,
            None => Value::Array(Vec::new()),
        };
        let shared = shared.as_array().map_or(&[][..], Vec::as_slice);
        let Some(item) = item.as_object() else {
            return Err(error(at, "a path item must be an object"));
        };
        item.iter()
            .filter_map(|(key, raw)| {
                let (_, method) = METHODS.iter().find(|(name, _)| name == key)?;
                Some(self.operation(path, *method, shared, raw, &child(at, key)))
            })
            .collect()
    }

    fn operation(
        &self,
        path: &str,
        method: Method,
        shared: &[Value],
        raw: &Value,
        at: &str,
    ) -> Result<Operation, ContractError> {
        let answers = self.answers(raw, at)?;
        let raw = self.resolve(&without_responses(raw), at)?;
        let id = required_text(&raw, "operationId", at)?;
        let summary = required_text(&raw, "summary", at)?;
        let group = raw
            .pointer("/tags/0")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                error(
                    at,
                    "no tag: every operation belongs to one of the docs' groups",
                )
            })?;
        let parameters = merged_parameters(shared, &raw);
        let (path_params, query_params) = split_parameters(&parameters, at)?;
        check_template(path, &path_params, at)?;
        let body = raw
            .get("requestBody")
            .map(|body| request_body(body, &child(at, "requestBody")))
            .transpose()?;
        let notes = operation_notes(&raw, &parameters, body.as_ref(), &answers, at)?;
        let responses = answers
            .into_iter()
            .map(|(status, answer)| (status, answer.response))
            .collect();
        Ok(Operation {
            id,
            method,
            path: path.to_owned(),
            summary,
            description: optional_text(&raw, "description"),
            group: group.to_owned(),
            path_params,
            query_params,
            body,
            responses,
            notes,
            inferred: is_inferred(&raw),
            answer_checks: Default::default(),
        })
    }

    /// The operation's answers by status, each resolved (a shared one only the first time).
    fn answers(
        &self,
        operation: &Value,
        at: &str,
    ) -> Result<BTreeMap<String, Answer>, ContractError> {
        let at = child(at, "responses");
        operation
            .get("responses")
            .and_then(Value::as_object)
            .ok_or_else(|| error(&at, "no responses"))?
            .iter()
            .map(|(status, response)| Ok((status.clone(), self.answer(response, &at)?)))
            .collect()
    }

    fn answer(&self, response: &Value, at: &str) -> Result<Answer, ContractError> {
        let shared = response
            .as_object()
            .filter(|response| response.len() == 1)
            .and_then(|response| response.get("$ref"))
            .and_then(Value::as_str);
        if let Some(known) = shared.and_then(|name| self.shared_answers.borrow().get(name).cloned())
        {
            return Ok(known);
        }
        let resolved = self.resolve(response, at)?;
        let mut notes = Vec::new();
        find_notes(&resolved, &mut Vec::new(), &mut notes, at)?;
        let answer = Answer {
            response: Arc::new(resolved),
            notes: notes.into(),
        };
        if let Some(name) = shared {
            self.shared_answers
                .borrow_mut()
                .insert(name.to_owned(), answer.clone());
        }
        Ok(answer)
    }

    /// A copy of `value` with every `$ref` replaced by what it points to (its sibling keywords
    /// kept on top, as OpenAPI 3.1 allows).
    fn resolve(&self, value: &Value, at: &str) -> Result<Value, ContractError> {
        self.resolve_within(value, at, 0)
    }

    fn resolve_within(
        &self,
        value: &Value,
        at: &str,
        depth: usize,
    ) -> Result<Value, ContractError> {
        match value {
            Value::Object(map) => self.resolve_object(map, at, depth),
            Value::Array(items) => items
                .iter()
                .map(|item| self.resolve_within(item, at, depth))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    fn resolve_object(
        &self,
        map: &Map<String, Value>,
        at: &str,
        depth: usize,
    ) -> Result<Value, ContractError> {
        let mut resolved = match map.get("$ref") {
            None => Map::new(),
            Some(reference) => match self.follow(reference, at, depth)? {
                Value::Object(mut target) => {
                    if let Some(name) = reference.as_str().and_then(schema_name) {
                        target.insert(SCHEMA_NAME.to_owned(), Value::String(name.to_owned()));
                    }
                    target
                }
                other if map.len() == 1 => return Ok(other),
                _ => return Err(error(at, "a $ref with siblings must point to an object")),
            },
        };
        for (key, value) in map.iter().filter(|(key, _)| *key != "$ref") {
            resolved.insert(key.clone(), self.resolve_within(value, at, depth)?);
        }
        Ok(Value::Object(resolved))
    }

    /// What a `$ref` points to, itself resolved.
    fn follow(&self, reference: &Value, at: &str, depth: usize) -> Result<Value, ContractError> {
        if depth >= MAX_REF_DEPTH {
            return Err(error(at, "$refs nest too deep (a cycle?)"));
        }
        self.resolve_within(self.target(reference, at)?, at, depth + 1)
    }

    /// What a `$ref` points to in the document, as it stands there.
    fn target(&self, reference: &Value, at: &str) -> Result<&Value, ContractError> {
        let reference = reference
            .as_str()
            .ok_or_else(|| error(at, "a $ref must be a string"))?;
        reference
            .strip_prefix('#')
            .and_then(|pointer| self.document.pointer(pointer))
            .ok_or_else(|| error(at, format!("{reference} points nowhere in this document")))
    }
}

/// The component name a `$ref` to `#/components/schemas/NAME` names.
fn schema_name(reference: &str) -> Option<&str> {
    reference
        .strip_prefix(SCHEMAS_PREFIX)
        .filter(|name| !name.is_empty() && !name.contains('/'))
}

/// The path item's parameters with the operation's own on top (same name and place: the
/// operation's wins, as OpenAPI says).
fn merged_parameters(shared: &[Value], operation: &Value) -> Vec<Value> {
    let own = operation
        .get("parameters")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let key = |parameter: &Value| (parameter.get("name").cloned(), parameter.get("in").cloned());
    shared
        .iter()
        .filter(|outer| own.iter().all(|inner| key(inner) != key(outer)))
        .chain(own)
        .cloned()
        .collect()
}

fn split_parameters(
    parameters: &[Value],
    at: &str,
) -> Result<(Vec<PathParam>, Vec<QueryParam>), ContractError> {
    let mut path_params = Vec::new();
    let mut query_params = Vec::new();
    for parameter in parameters {
        let name = required_text(parameter, "name", at)?;
        let at = child(&child(at, "parameters"), &name);
        let description = optional_text(parameter, "description");
        let example = parameter_example(parameter);
        match parameter.get("in").and_then(Value::as_str) {
            Some("path") => path_params.push(PathParam {
                identifier: identifier(parameter, &at)?,
                name,
                description,
                example,
            }),
            Some("query") => query_params.push(QueryParam {
                required: parameter.get("required") == Some(&Value::Bool(true)),
                kind: param_kind(parameter.get("schema").unwrap_or(&Value::Null), &at)?,
                name,
                description,
                example,
            }),
            other => {
                return Err(error(
                    &at,
                    format!("parameters in {other:?} are not supported (path or query only)"),
                ));
            }
        }
    }
    Ok((path_params, query_params))
}

/// A parameter's example value as text (its own `example`, else its schema's), if it has one.
fn parameter_example(parameter: &Value) -> Option<String> {
    let example = parameter
        .get("example")
        .or_else(|| parameter.pointer("/schema/example"))?;
    Some(match example {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    })
}

/// Every `{name}` in the path template is a declared path parameter and the reverse, so a
/// request built from the operation never keeps a brace or drops a value.
fn check_template(path: &str, params: &[PathParam], at: &str) -> Result<(), ContractError> {
    let in_template: Vec<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    let declared: Vec<&str> = params.iter().map(|param| param.name.as_str()).collect();
    let mut sorted_template = in_template.clone();
    let mut sorted_declared = declared.clone();
    sorted_template.sort_unstable();
    sorted_declared.sort_unstable();
    if sorted_template == sorted_declared {
        Ok(())
    } else {
        Err(error(
            at,
            format!("the path names {in_template:?} but the parameters are {declared:?}"),
        ))
    }
}

/// A path parameter's identifier kind: every path parameter must say which one it takes.
fn identifier(parameter: &Value, at: &str) -> Result<IdentifierKind, ContractError> {
    let name = parameter
        .get(IDENTIFIER)
        .and_then(Value::as_str)
        .ok_or_else(|| error(at, format!("a path parameter needs {IDENTIFIER}")))?;
    IdentifierKind::from_name(name)
        .ok_or_else(|| error(at, format!("{IDENTIFIER} {name:?} is not a known kind")))
}

fn param_kind(schema: &Value, at: &str) -> Result<ParamKind, ContractError> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .map(|value| value.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(ParamKind::Enum)
            .ok_or_else(|| error(at, "a parameter's enum must list strings"));
    }
    let bound = |name: &str| schema.get(name).and_then(Value::as_i64);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => Ok(ParamKind::String {
            format: schema
                .get("format")
                .and_then(Value::as_str)
                .map(str::to_owned),
        }),
        Some("integer") => Ok(ParamKind::Integer {
            minimum: bound("minimum"),
            maximum: bound("maximum"),
        }),
        Some("number") => Ok(ParamKind::Number),
        Some("boolean") => Ok(ParamKind::Boolean),
        other => Err(error(
            at,
            format!("a parameter's type must be string, integer, number or boolean, not {other:?}"),
        )),
    }
}

fn request_body(body: &Value, at: &str) -> Result<RequestBody, ContractError> {
    let media = body
        .get("content")
        .and_then(|content| content.get(JSON_MEDIA))
        .ok_or_else(|| error(at, format!("a request body must be {JSON_MEDIA}")))?;
    let schema = media
        .get("schema")
        .ok_or_else(|| error(at, "a request body needs a schema"))?;
    Ok(RequestBody {
        required: body.get("required") == Some(&Value::Bool(true)),
        schema: schema.clone(),
        example: media.get("example").cloned(),
        compiled: Default::default(),
    })
}

/// The operation without its answers, which are resolved apart (see [`Reader::answers`]).
fn without_responses(operation: &Value) -> Value {
    match operation {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| *key != "responses")
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The operation's notes: its own, then its parameters', its body's and its answers'; a note
/// reached twice (a shared schema) is kept once, where it was first met.
fn operation_notes(
    operation: &Value,
    parameters: &[Value],
    body: Option<&RequestBody>,
    answers: &BTreeMap<String, Answer>,
    at: &str,
) -> Result<Vec<DocsNote>, ContractError> {
    let mut notes = Vec::new();
    if let Some(note) = operation.get(NOTE) {
        notes.push(DocsNote {
            at: NoteAt::Operation,
            text: note_text(note, at)?.to_owned(),
            inferred: is_inferred(operation),
        });
    }
    let mut found = Vec::new();
    for parameter in parameters {
        find_notes(parameter, &mut Vec::new(), &mut found, at)?;
        let name = optional_text(parameter, "name");
        notes.extend(found.drain(..).map(|note| DocsNote {
            at: NoteAt::Parameter(name.clone()),
            text: note.text,
            inferred: note.inferred,
        }));
    }
    if let Some(body) = body {
        find_notes(&body.schema, &mut Vec::new(), &mut found, at)?;
        notes.extend(found.drain(..).map(|note| DocsNote {
            at: NoteAt::Body(note.pointer),
            text: note.text,
            inferred: note.inferred,
        }));
    }
    for (status, answer) in answers {
        notes.extend(answer.notes.iter().map(|note| DocsNote {
            at: NoteAt::Response {
                status: status.clone(),
                pointer: note.pointer.clone(),
            },
            text: note.text.clone(),
            inferred: note.inferred,
        }));
    }
    let mut seen = HashSet::new();
    notes.retain(|note| seen.insert(note.text.clone()));
    Ok(notes)
}

/// One step down a JSON value: a key of an object or an index in an array.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Every note within `value` (at any depth), with its JSON Pointer in `value`. `path` is the
/// way down so far; it is turned into a pointer only where a note is found.
fn find_notes<'a>(
    value: &'a Value,
    path: &mut Vec<Step<'a>>,
    found: &mut Vec<FoundNote>,
    at: &str,
) -> Result<(), ContractError> {
    match value {
        Value::Object(map) => {
            if let Some(note) = map.get(NOTE) {
                found.push(FoundNote {
                    pointer: pointer(path),
                    text: note_text(note, at)?.to_owned(),
                    inferred: is_inferred(value),
                });
            }
            for (key, inner) in map.iter().filter(|(key, _)| *key != NOTE) {
                path.push(Step::Key(key));
                find_notes(inner, path, found, at)?;
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Step::Index(index));
                find_notes(item, path, found, at)?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

/// The JSON Pointer of a way down.
fn pointer(path: &[Step<'_>]) -> String {
    path.iter().fold(String::new(), |pointer, step| match step {
        Step::Key(key) => child(&pointer, key),
        Step::Index(index) => child(&pointer, &index.to_string()),
    })
}

fn note_text<'a>(note: &'a Value, at: &str) -> Result<&'a str, ContractError> {
    note.as_str()
        .ok_or_else(|| error(at, format!("{NOTE} must be a string")))
}

fn is_inferred(value: &Value) -> bool {
    value.get(INFERRED) == Some(&Value::Bool(true))
}

fn required_text(value: &Value, key: &str, at: &str) -> Result<String, ContractError> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| error(at, format!("no {key}")))
}

fn optional_text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// `pointer` with one more segment, escaped as JSON Pointer requires (`~` → `~0`, `/` → `~1`).
fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

fn error(at: &str, problem: impl Into<String>) -> ContractError {
    ContractError {
        at: at.to_owned(),
        problem: problem.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(document: Value) -> Result<Contract, ContractError> {
        contract(&document.to_string())
    }

    fn minimal(operation: Value) -> Value {
        serde_json::json!({
            "openapi": "3.1.0",
            "servers": [{"url": "https://example.test/v1"}],
            "paths": {"/things/{id}": {"get": operation}},
            "components": {"parameters": {"Id": {
                "name": "id", "in": "path", "required": true, "schema": {"type": "string"},
                "x-flameup-identifier": "person_uuid"
            }}}
        })
    }

    #[test]
    fn refs_resolve_with_their_siblings_on_top() {
        let contract = parse(minimal(serde_json::json!({
            "operationId": "getThing", "summary": "Get", "tags": ["Things"],
            "parameters": [{"$ref": "#/components/parameters/Id", "description": "Which thing."}],
            "responses": {"200": {"description": "ok"}}
        })))
        .unwrap();
        let operation = contract.operation("getThing").unwrap();
        assert_eq!(operation.path_params[0].name, "id");
        assert_eq!(operation.path_params[0].description, "Which thing.");
        assert_eq!(
            operation.path_params[0].identifier,
            IdentifierKind::PersonUuid
        );
    }

    #[test]
    fn a_schema_ref_keeps_its_component_name() {
        let mut document = minimal(serde_json::json!({
            "operationId": "getThing", "summary": "Get", "tags": ["Things"],
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"anyOf": [{"$ref": "#/components/schemas/Thing"}, {"type": "null"}]}
            }}}}
        }));
        document["components"]["schemas"] =
            serde_json::json!({"Thing": {"type": "object", "title": "A thing"}});
        let contract = parse(document).unwrap();
        let answer = &contract.operation("getThing").unwrap().responses["200"];
        let choices = answer
            .pointer("/content/application~1json/schema/anyOf")
            .unwrap();
        assert_eq!(choices[0][SCHEMA_NAME], "Thing");
        assert_eq!(choices[0]["title"], "A thing");
        assert_eq!(choices[1].get(SCHEMA_NAME), None);
    }

    #[test]
    fn a_ref_cycle_is_an_error_not_a_hang() {
        let mut document = minimal(serde_json::json!({
            "operationId": "getThing", "summary": "Get", "tags": ["Things"],
            "parameters": [{"$ref": "#/components/parameters/Loop"}],
            "responses": {"200": {"description": "ok"}}
        }));
        document["components"]["parameters"]["Loop"] =
            serde_json::json!({"$ref": "#/components/parameters/Loop"});
        let error = parse(document).unwrap_err();
        assert!(error.problem.contains("too deep"), "{error}");
    }

    #[test]
    fn a_path_parameter_without_an_identifier_kind_is_refused() {
        let mut document = minimal(serde_json::json!({
            "operationId": "getThing", "summary": "Get", "tags": ["Things"],
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "responses": {"200": {"description": "ok"}}
        }));
        document["components"]["parameters"]["Id"]
            .as_object_mut()
            .unwrap()
            .remove(IDENTIFIER);
        let error = parse(document).unwrap_err();
        assert!(error.problem.contains(IDENTIFIER), "{error}");
        assert_eq!(error.at, "/paths/~1things~1{id}/get/parameters/id");
    }

    #[test]
    fn a_template_name_without_its_parameter_is_refused() {
        let error = parse(minimal(serde_json::json!({
            "operationId": "getThing", "summary": "Get", "tags": ["Things"],
            "responses": {"200": {"description": "ok"}}
        })))
        .unwrap_err();
        assert!(error.problem.contains("[\"id\"]"), "{error}");
    }

    #[test]
    fn an_operation_id_used_twice_is_refused() {
        let mut document = minimal(serde_json::json!({
            "operationId": "getThing", "summary": "Get", "tags": ["Things"],
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "responses": {"200": {"description": "ok"}}
        }));
        document["paths"]["/things"] = serde_json::json!({"get": {
            "operationId": "getThing", "summary": "List", "tags": ["Things"],
            "responses": {"200": {"description": "ok"}}
        }});
        let error = parse(document).unwrap_err();
        assert!(error.problem.contains("used twice"), "{error}");
    }
}
