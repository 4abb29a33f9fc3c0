//! What the user typed into a body, shaped like the body's JSON Schema, and the two directions
//! between it and JSON: building the body to send, and reading a body (a preset, a file, a
//! history entry) back into inputs.
//!
//! Nothing here is written per operation: the schema says which input each part gets. Building
//! then reading gives back a JSON-equal body, whatever the JSON holds: a value the schema has no
//! typed input for (a number as `userId`, an empty `traits` object) becomes a free row of its
//! object that keeps its JSON type.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::draft::FieldRow;

/// The inputs for one part of a body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FormValue {
    /// One typed input (text, number, whole number, boolean or choice), as typed: the schema
    /// says how it is sent. Empty means left out.
    Input(String),
    /// An object: its schema's properties by name (absent means empty), and free rows for the
    /// keys the schema leaves open (custom traits, other fields), sent after the properties.
    Object {
        #[serde(default)]
        fields: BTreeMap<String, FormValue>,
        #[serde(default)]
        rows: Vec<FieldRow>,
    },
    /// An array edited as a list: a batch's people, a list of strings.
    List(Vec<FormValue>),
    /// Any JSON typed as JSON text: a part the form has no typed input for.
    Json(String),
}

impl Default for FormValue {
    fn default() -> Self {
        Self::empty_object()
    }
}

/// What input a schema gets: the form's reading of the JSON Schema subset the contract uses.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape<'a> {
    Text {
        format: Option<&'a str>,
    },
    Integer,
    Number,
    Boolean,
    /// One of these strings.
    Choice(Vec<&'a str>),
    /// An object with these properties (in the document's order) and, unless the schema closes
    /// it, free rows.
    Object {
        properties: Vec<(&'a str, &'a Value)>,
        open: bool,
    },
    /// An array of this item schema.
    List(&'a Value),
    Json,
}

impl<'a> Shape<'a> {
    pub fn of(schema: &'a Value) -> Self {
        if let Some(choices) = schema.get("enum").and_then(Value::as_array) {
            let choices: Option<Vec<&str>> = choices.iter().map(Value::as_str).collect();
            return choices.map_or(Self::Json, Self::Choice);
        }
        match main_type(schema) {
            Some("string") => Self::Text {
                format: schema.get("format").and_then(Value::as_str),
            },
            Some("integer") => Self::Integer,
            Some("number") => Self::Number,
            Some("boolean") => Self::Boolean,
            Some("object") => Self::object(schema),
            None if schema.get("properties").is_some() => Self::object(schema),
            Some("array") => match schema.get("items") {
                Some(items) if !matches!(Shape::of(items), Shape::List(_)) => Self::List(items),
                _ => Self::Json,
            },
            _ => Self::Json,
        }
    }

    fn object(schema: &'a Value) -> Self {
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|properties| properties.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default();
        Self::Object {
            properties,
            open: schema.get("additionalProperties") != Some(&Value::Bool(false)),
        }
    }

    /// Whether this is one single-line input.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Self::Text { .. } | Self::Integer | Self::Number | Self::Boolean | Self::Choice(_)
        )
    }
}

/// The type a value of this schema has when it has one: `["string", "null"]` is a string that
/// may be null (the null is sent with a free row).
fn main_type(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(name) => Some(name),
        Value::Array(names) => names
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ => None,
    }
}

/// The names of the properties an object schema requires.
pub fn required(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

impl FormValue {
    pub fn empty_object() -> Self {
        Self::Object {
            fields: BTreeMap::new(),
            rows: Vec::new(),
        }
    }

    /// The empty inputs for `schema`.
    pub fn empty(schema: &Value) -> Self {
        match Shape::of(schema) {
            Shape::Object { .. } => Self::empty_object(),
            Shape::List(_) => Self::List(Vec::new()),
            Shape::Json => Self::Json(String::new()),
            _ => Self::Input(String::new()),
        }
    }

    /// The body to send for a whole request body: always an object (or whatever the JSON text
    /// says), even when every input is empty, as the API expects a body where there is one.
    pub fn body_json(&self, schema: &Value) -> Value {
        to_json(schema, self, true).unwrap_or_else(|| Value::Object(Map::new()))
    }

    /// The inputs that send `body` again, for a whole request body.
    pub fn from_body(schema: &Value, body: &Value) -> Self {
        from_json(schema, body, true).unwrap_or_else(|| Self::Json(body.to_string()))
    }

    /// The input at `pointer` (a JSON Pointer in the body: `/traits/first_name`,
    /// `/people/2/email`), if the form has one there.
    pub fn at(&self, pointer: &str) -> Option<&FormValue> {
        let mut value = self;
        for step in pointer_steps(pointer) {
            value = match value {
                Self::Object { fields, .. } => fields.get(&step)?,
                Self::List(items) => items.get(step.parse::<usize>().ok()?)?,
                Self::Input(_) | Self::Json(_) => return None,
            };
        }
        Some(value)
    }

    /// The rows of the object at `pointer`, if there is an object there.
    pub fn rows_at(&self, pointer: &str) -> Option<&[FieldRow]> {
        match self.at(pointer)? {
            Self::Object { rows, .. } => Some(rows),
            _ => None,
        }
    }

    /// The free rows of this object, created if it is empty; `None` when this is no object.
    pub fn rows_mut(&mut self) -> Option<&mut Vec<FieldRow>> {
        match self {
            Self::Object { rows, .. } => Some(rows),
            _ => None,
        }
    }

    /// The field `name` of this object, created empty for `schema` if absent.
    pub fn field_mut(&mut self, name: &str, schema: &Value) -> Option<&mut FormValue> {
        match self {
            Self::Object { fields, .. } => Some(
                fields
                    .entry(name.to_owned())
                    .or_insert_with(|| Self::empty(schema)),
            ),
            _ => None,
        }
    }

    /// The text of the input at `pointer` (see [`FormValue::at`]), creating the empty objects and
    /// inputs on the way as `schema` describes them; `None` where the schema has no input.
    pub fn input_at_mut(&mut self, schema: &Value, pointer: &str) -> Option<&mut String> {
        let mut value = self;
        let mut schema = schema;
        for step in pointer_steps(pointer) {
            let child_schema = schema_at(schema, &pointer_child("", &step))?;
            value = match value {
                Self::Object { .. } => value.field_mut(&step, child_schema)?,
                Self::List(items) => items.get_mut(step.parse::<usize>().ok()?)?,
                Self::Input(_) | Self::Json(_) => return None,
            };
            schema = child_schema;
        }
        match value {
            Self::Input(text) | Self::Json(text) => Some(text),
            Self::Object { .. } | Self::List(_) => None,
        }
    }

    /// The text of an input (empty for anything else).
    pub fn text(&self) -> &str {
        match self {
            Self::Input(text) | Self::Json(text) => text,
            Self::Object { .. } | Self::List(_) => "",
        }
    }
}

/// The schema of the part of a body at `pointer` (object properties by name, list items by
/// index), if the schema describes one there.
pub fn schema_at<'a>(schema: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut schema = schema;
    for step in pointer_steps(pointer) {
        schema = match Shape::of(schema) {
            Shape::Object { properties, .. } => {
                properties.into_iter().find(|(name, _)| *name == step)?.1
            }
            Shape::List(items) if step.parse::<usize>().is_ok() => items,
            _ => return None,
        };
    }
    Some(schema)
}

/// The steps of a JSON Pointer, unescaped (`~1` is `/`, `~0` is `~`).
pub fn pointer_steps(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .map(|step| step.replace("~1", "/").replace("~0", "~"))
}

/// `pointer` with one more step, escaped.
pub fn pointer_child(pointer: &str, step: &str) -> String {
    format!("{pointer}/{}", step.replace('~', "~0").replace('/', "~1"))
}

/// The JSON `value` sends, or `None` when it is left out. Empty inputs are left out; an object
/// or list with nothing in it too, unless `keep_empty` (the body itself, a required property, an
/// item of a list, where leaving it out would change what the rest means).
pub fn to_json(schema: &Value, value: &FormValue, keep_empty: bool) -> Option<Value> {
    match (Shape::of(schema), value) {
        (Shape::Object { properties, .. }, FormValue::Object { fields, rows }) => {
            let required = required(schema);
            let mut object = Map::new();
            for (name, property) in properties {
                let keep = required.contains(&name);
                if let Some(json) = fields.get(name).and_then(|v| to_json(property, v, keep)) {
                    object.insert(name.to_owned(), json);
                }
            }
            insert_rows(&mut object, rows);
            (keep_empty || !object.is_empty()).then_some(Value::Object(object))
        }
        (Shape::List(items), FormValue::List(values)) => {
            let list: Vec<Value> = values
                .iter()
                .filter_map(|value| to_json(items, value, true))
                .collect();
            (keep_empty || !list.is_empty()).then_some(Value::Array(list))
        }
        (shape, FormValue::Input(text)) => input_json(&shape, text),
        (_, FormValue::Json(text)) => json_text(text),
        // Inputs saved for another shape (the contract changed since): sent as the JSON they
        // would make with no schema, rather than dropped.
        (_, FormValue::Object { .. } | FormValue::List(_)) => to_json(&Value::Null, value, false),
    }
}

/// An input's JSON: its schema's type when the text is one, else the text as a string (lint says
/// why), so what was typed is still sent.
fn input_json(shape: &Shape<'_>, text: &str) -> Option<Value> {
    let trimmed = text.trim();
    match shape {
        Shape::Integer | Shape::Number if !trimmed.is_empty() => Some(
            serde_json::from_str::<serde_json::Number>(trimmed)
                .map_or_else(|_| Value::String(text.to_owned()), Value::Number),
        ),
        Shape::Boolean if !trimmed.is_empty() => Some(match trimmed {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text.to_owned()),
        }),
        Shape::Integer | Shape::Number | Shape::Boolean => None,
        _ if text.is_empty() => None,
        _ => Some(Value::String(text.to_owned())),
    }
}

/// JSON text's value; text that is not JSON is sent as a string (lint says so).
fn json_text(text: &str) -> Option<Value> {
    if text.trim().is_empty() {
        return None;
    }
    Some(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())))
}

/// Adds free rows to `object`. A row replaces a value of the same key, except that two objects
/// merge, so a row `traits = {}` kept from a loaded file does not wipe traits typed into the form.
fn insert_rows(object: &mut Map<String, Value>, rows: &[FieldRow]) {
    for row in rows.iter().filter(|row| row.is_sent()) {
        let value = row.json_value().value;
        match (object.get_mut(&row.key), value) {
            (Some(Value::Object(existing)), Value::Object(extra)) => existing.extend(extra),
            (_, value) => {
                object.insert(row.key.clone(), value);
            }
        }
    }
}

/// The inputs that send `json` for `schema`, or `None` when no input of that shape sends it
/// exactly (the caller keeps it as a free row instead).
pub fn from_json(schema: &Value, json: &Value, keep_empty: bool) -> Option<FormValue> {
    match (Shape::of(schema), json) {
        (Shape::Object { properties, .. }, Value::Object(object))
            if keep_empty || !object.is_empty() =>
        {
            let required = required(schema);
            let mut fields = BTreeMap::new();
            let mut rows = Vec::new();
            for (key, value) in object {
                let property = properties.iter().find(|(name, _)| name == key);
                let input = property.and_then(|(name, property)| {
                    from_json(property, value, required.contains(name))
                });
                match input {
                    Some(input) => {
                        fields.insert(key.clone(), input);
                    }
                    None => rows.push(FieldRow::from_value(key, value)),
                }
            }
            Some(FormValue::Object { fields, rows })
        }
        (Shape::List(items), Value::Array(values)) if keep_empty || !values.is_empty() => values
            .iter()
            .map(|value| from_json(items, value, true))
            .collect::<Option<Vec<_>>>()
            .map(FormValue::List),
        (Shape::Text { .. } | Shape::Choice(_), Value::String(text)) if !text.is_empty() => {
            Some(FormValue::Input(text.clone()))
        }
        (Shape::Integer, Value::Number(number)) if number.is_i64() || number.is_u64() => {
            Some(FormValue::Input(number.to_string()))
        }
        (Shape::Number, Value::Number(number)) => Some(FormValue::Input(number.to_string())),
        (Shape::Boolean, Value::Bool(flag)) => Some(FormValue::Input(flag.to_string())),
        (Shape::Json, value) => Some(FormValue::Json(value.to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ValueKind;
    use proptest::prelude::*;
    use serde_json::json;

    fn person_schema() -> Value {
        json!({
            "type": "object",
            "required": ["userId"],
            "properties": {
                "userId": {"type": "string"},
                "email": {"type": "string", "format": "email"},
                "age": {"type": "integer"},
                "vip": {"type": "boolean"},
                "plan": {"type": "string", "enum": ["free", "pro"]},
                "traits": {
                    "type": "object",
                    "properties": {"first_name": {"type": ["string", "null"]}},
                    "additionalProperties": true
                },
                "tags": {"type": "array", "items": {"type": "string"}}
            }
        })
    }

    fn batch_schema() -> Value {
        json!({
            "type": "object",
            "required": ["people"],
            "properties": {"people": {"type": "array", "items": person_schema()}}
        })
    }

    #[test]
    fn keys_follow_the_schema_then_the_rows() {
        let schema = person_schema();
        let body =
            json!({"zeta": 1, "traits": {"first_name": "Ada"}, "email": "a@b.c", "userId": "u"});
        let form = FormValue::from_body(&schema, &body);
        let built = form.body_json(&schema);
        let keys: Vec<&str> = built
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["userId", "email", "traits", "zeta"]);
    }

    #[test]
    fn typed_inputs_send_their_schema_type_and_empty_ones_are_left_out() {
        let schema = person_schema();
        let mut form = FormValue::empty(&schema);
        for (name, text) in [
            ("userId", "u"),
            ("age", "42"),
            ("vip", "true"),
            ("email", ""),
        ] {
            *form.field_mut(name, &Value::Null).unwrap() = FormValue::Input(text.into());
        }
        assert_eq!(
            form.body_json(&schema),
            json!({"userId": "u", "age": 42, "vip": true})
        );
    }

    #[test]
    fn text_that_is_not_its_type_is_still_sent_as_typed() {
        let schema = person_schema();
        let mut form = FormValue::empty(&schema);
        *form.field_mut("age", &Value::Null).unwrap() = FormValue::Input("forty".into());
        assert_eq!(form.body_json(&schema), json!({"age": "forty"}));
    }

    #[test]
    fn values_without_a_typed_input_become_rows_of_their_object() {
        let schema = person_schema();
        let body = json!({"userId": 7, "email": "", "traits": {}, "age": 1.5, "tags": []});
        let form = FormValue::from_body(&schema, &body);
        let rows = form.rows_at("").unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0], FieldRow::new("userId", ValueKind::Number, "7"));
        assert_eq!(form.body_json(&schema), body);
    }

    #[test]
    fn a_list_of_people_keeps_every_item_even_an_empty_one() {
        let schema = batch_schema();
        let body =
            json!({"people": [{"userId": "a"}, {}, {"userId": "c", "traits": {"plan": "pro"}}]});
        let form = FormValue::from_body(&schema, &body);
        assert_eq!(
            form.at("/people/2/traits").unwrap().text(),
            "",
            "an object has no text"
        );
        assert_eq!(form.body_json(&schema), body);
        assert_eq!(
            form.rows_at("/people/2/traits").unwrap()[0].key,
            "plan",
            "a custom trait is a row of the traits object"
        );
    }

    #[test]
    fn a_body_that_is_no_object_is_kept_as_json_text() {
        let schema = person_schema();
        for body in [json!([1, 2]), json!("text"), json!(null)] {
            assert_eq!(
                FormValue::from_body(&schema, &body).body_json(&schema),
                body
            );
        }
    }

    #[test]
    fn pointers_escape_and_unescape_slashes_and_tildes() {
        let pointer = pointer_child("/traits", "a/b~c");
        assert_eq!(pointer, "/traits/a~1b~0c");
        assert_eq!(
            pointer_steps(&pointer).collect::<Vec<_>>(),
            ["traits", "a/b~c"]
        );
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            ".{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("userId".to_owned()),
                        Just("traits".to_owned()),
                        Just("people".to_owned()),
                        Just("first_name".to_owned()),
                        ".{0,6}"
                    ],
                    inner,
                    0..4
                )
                .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_body_read_into_the_form_is_sent_back_json_equal(
            body in prop::collection::btree_map(
                prop_oneof![Just("userId".to_owned()), Just("email".to_owned()),
                    Just("age".to_owned()), Just("vip".to_owned()), Just("plan".to_owned()),
                    Just("traits".to_owned()), Just("tags".to_owned()), Just("people".to_owned()),
                    ".{0,6}"],
                arb_json(),
                0..6,
            )
        ) {
            let body = Value::Object(body.into_iter().collect());
            for schema in [person_schema(), batch_schema()] {
                let form = FormValue::from_body(&schema, &body);
                prop_assert_eq!(form.body_json(&schema), body.clone());
            }
        }
    }
}
