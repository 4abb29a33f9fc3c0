//! Reading the document into the model: JSON first, then each path's operations, with every
//! `$ref` resolved in place so nothing downstream walks the raw document again.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{
    Contract, ContractError, DocsNote, IdentifierKind, Method, NoteAt, Operation, ParamKind,
    PathParam, QueryParam, RequestBody,
};

/// The docs note extension: what each page says, and which the contract follows.
const NOTE: &str = "x-flameup-docs";
/// Marks a part no page shows.
const INFERRED: &str = "x-flameup-inferred";
/// Which identifier a path parameter takes.
const IDENTIFIER: &str = "x-flameup-identifier";
/// The only media type the API speaks.
const JSON_MEDIA: &str = "application/json";
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

pub(super) fn contract(text: &str) -> Result<Contract, ContractError> {
    let document: Value =
        serde_json::from_str(text).map_err(|err| error("", format!("not JSON: {err}")))?;
    let reader = Reader {
        document: &document,
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
}

impl Reader<'_> {
    /// The operations of one path, in the order the path item lists its methods.
    fn path_item(
        &self,
        path: &str,
        item: &Value,
        at: &str,
    ) -> Result<Vec<Operation>, ContractError> {
        let item = self.resolve(item, at)?;
        let shared = item
            .get("parameters")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
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
        let raw = self.resolve(raw, at)?;
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
        let body = raw
            .get("requestBody")
            .map(|body| request_body(body, &child(at, "requestBody")))
            .transpose()?;
        let responses: BTreeMap<String, Value> = raw
            .get("responses")
            .and_then(Value::as_object)
            .ok_or_else(|| error(at, "no responses"))?
            .iter()
            .map(|(status, response)| (status.clone(), response.clone()))
            .collect();
        let notes = operation_notes(&raw, &parameters, body.as_ref(), &responses, at)?;
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
        })
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
                Value::Object(target) => target,
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
        let reference = reference
            .as_str()
            .ok_or_else(|| error(at, "a $ref must be a string"))?;
        let target = reference
            .strip_prefix('#')
            .and_then(|pointer| self.document.pointer(pointer))
            .ok_or_else(|| error(at, format!("{reference} points nowhere in this document")))?;
        self.resolve_within(target, at, depth + 1)
    }
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
        match parameter.get("in").and_then(Value::as_str) {
            Some("path") => path_params.push(PathParam {
                identifier: identifier(parameter, &at)?,
                name,
                description,
            }),
            Some("query") => query_params.push(QueryParam {
                required: parameter.get("required") == Some(&Value::Bool(true)),
                kind: param_kind(parameter.get("schema").unwrap_or(&Value::Null), &at)?,
                name,
                description,
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
    })
}

/// The operation's notes: its own, then its parameters', its body's and its answers'; a note
/// reached twice (a shared schema) is kept once, where it was first met.
fn operation_notes(
    operation: &Value,
    parameters: &[Value],
    body: Option<&RequestBody>,
    responses: &BTreeMap<String, Value>,
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
    for parameter in parameters {
        let name = optional_text(parameter, "name");
        let mut place = |_| NoteAt::Parameter(name.clone());
        collect_notes(parameter, String::new(), &mut place, &mut notes, at)?;
    }
    if let Some(body) = body {
        collect_notes(
            &body.schema,
            String::new(),
            &mut NoteAt::Body,
            &mut notes,
            at,
        )?;
    }
    for (status, response) in responses {
        let mut place = |pointer| NoteAt::Response {
            status: status.clone(),
            pointer,
        };
        collect_notes(response, String::new(), &mut place, &mut notes, at)?;
    }
    let mut seen = std::collections::HashSet::new();
    notes.retain(|note| seen.insert(note.text.clone()));
    Ok(notes)
}

/// Every note within `value` (at any depth), placed by `place` from its JSON Pointer in `value`.
fn collect_notes(
    value: &Value,
    pointer: String,
    place: &mut dyn FnMut(String) -> NoteAt,
    notes: &mut Vec<DocsNote>,
    at: &str,
) -> Result<(), ContractError> {
    match value {
        Value::Object(map) => {
            if let Some(note) = map.get(NOTE) {
                notes.push(DocsNote {
                    at: place(pointer.clone()),
                    text: note_text(note, at)?.to_owned(),
                    inferred: is_inferred(value),
                });
            }
            for (key, inner) in map.iter().filter(|(key, _)| *key != NOTE) {
                collect_notes(inner, child(&pointer, key), place, notes, at)?;
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_notes(item, child(&pointer, &index.to_string()), place, notes, at)?;
            }
        }
        _ => {}
    }
    Ok(())
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
    fn an_operation_id_used_twice_is_refused() {
        let mut document = minimal(serde_json::json!({
            "operationId": "getThing", "summary": "Get", "tags": ["Things"],
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
