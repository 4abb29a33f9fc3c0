//! Writing JSON values as literals in other languages.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::form::pointer_child;

/// A language's words for the JSON literals, and its indent.
pub struct Syntax {
    pub null: &'static str,
    pub true_: &'static str,
    pub false_: &'static str,
    pub indent: &'static str,
}

pub const PYTHON: Syntax = Syntax {
    null: "None",
    true_: "True",
    false_: "False",
    indent: "    ",
};

pub const JAVASCRIPT: Syntax = Syntax {
    null: "null",
    true_: "true",
    false_: "false",
    indent: "  ",
};

/// A string as a double-quoted literal with JSON's escapes, which Python, JavaScript (ES2019+) and
/// Go read the same way: `\"`, `\\`, `\n`, `\t`, `\uXXXX` for other control characters, and every
/// other character as itself.
pub fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// `value` as a nested literal (dicts / objects, lists / arrays), indented from `level`.
pub fn native(value: &Value, syntax: &Syntax, level: usize) -> String {
    native_parts(value, syntax, level, &BTreeMap::new())
        .into_iter()
        .map(|part| match part {
            Part::Text(text) | Part::Hole(text) => text,
        })
        .collect()
}

/// A piece of a literal with holes in it: text to write as it is, or where a variable's value
/// goes, by the variable's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Hole(String),
}

/// `value` as a nested literal like [`native`], except that the value at each JSON Pointer of
/// `holes` is a [`Part::Hole`] named by the map: how a flow puts an earlier answer's identifier
/// into a body. With `syntax` [`JSON`], the text parts are JSON text.
pub fn native_parts(
    value: &Value,
    syntax: &Syntax,
    level: usize,
    holes: &BTreeMap<String, String>,
) -> Vec<Part> {
    let mut writer = Writer {
        parts: Vec::new(),
        syntax,
        holes,
    };
    writer.value(value, "", level);
    writer.parts
}

/// JSON itself, indented like `serde_json`'s pretty printer.
pub const JSON: Syntax = JAVASCRIPT;

/// Writes a literal into parts, text and holes.
struct Writer<'a> {
    parts: Vec<Part>,
    syntax: &'a Syntax,
    holes: &'a BTreeMap<String, String>,
}

impl Writer<'_> {
    fn text(&mut self, text: &str) {
        match self.parts.last_mut() {
            Some(Part::Text(last)) => last.push_str(text),
            _ => self.parts.push(Part::Text(text.to_owned())),
        }
    }

    fn value(&mut self, value: &Value, pointer: &str, level: usize) {
        if let Some(name) = self.holes.get(pointer) {
            self.parts.push(Part::Hole(name.clone()));
            return;
        }
        let syntax = self.syntax;
        let pad = |level: usize| syntax.indent.repeat(level);
        match value {
            Value::Null => self.text(syntax.null),
            Value::Bool(true) => self.text(syntax.true_),
            Value::Bool(false) => self.text(syntax.false_),
            Value::Number(number) => self.text(&number.to_string()),
            Value::String(text) => self.text(&quoted(text)),
            Value::Array(items) if items.is_empty() => self.text("[]"),
            Value::Object(map) if map.is_empty() => self.text("{}"),
            Value::Array(items) => {
                self.text("[\n");
                for (index, item) in items.iter().enumerate() {
                    self.text(&pad(level + 1));
                    self.value(item, &pointer_child(pointer, &index.to_string()), level + 1);
                    self.text(if index + 1 < items.len() { ",\n" } else { "\n" });
                }
                self.text(&pad(level));
                self.text("]");
            }
            Value::Object(map) => {
                self.text("{\n");
                for (index, (key, item)) in map.iter().enumerate() {
                    self.text(&pad(level + 1));
                    self.text(&quoted(key));
                    self.text(": ");
                    self.value(item, &pointer_child(pointer, key), level + 1);
                    self.text(if index + 1 < map.len() { ",\n" } else { "\n" });
                }
                self.text(&pad(level));
                self.text("}");
            }
        }
    }
}

/// The request body as a JSON value, for targets that write it as a native literal.
pub fn body_value(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// Whether every number in `value` passes unchanged through a language whose JSON holds numbers
/// as 64-bit floats and integers: integers within `i64`/`u64` (when `integers_too`), and other
/// numbers whose float is finite. `1e400` never does: it becomes infinity, which JSON cannot write
/// (Python sends `Infinity`, JavaScript `null`), so such bodies are sent as their text.
pub fn numbers_fit_64_bits(value: &Value, integers_too: bool) -> bool {
    match value {
        Value::Number(number) => {
            let fits_integer = number.as_i64().is_some() || number.as_u64().is_some();
            let text = number.to_string();
            let is_integer = !text.contains(['.', 'e', 'E']);
            if is_integer && integers_too {
                fits_integer
            } else {
                is_integer || text.parse::<f64>().is_ok_and(f64::is_finite)
            }
        }
        Value::Array(items) => items
            .iter()
            .all(|item| numbers_fit_64_bits(item, integers_too)),
        Value::Object(map) => map
            .values()
            .all(|item| numbers_fit_64_bits(item, integers_too)),
        _ => true,
    }
}

/// The request body as text.
pub fn body_text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_that_do_not_fit_64_bits() {
        let fits = |text: &str, integers_too: bool| {
            numbers_fit_64_bits(&serde_json::from_str(text).unwrap(), integers_too)
        };
        assert!(fits(
            r#"{"a": [1, -2, 1.5, 1e300, 0.1000000000000000055511151231257827]}"#,
            true
        ));
        assert!(!fits(r#"{"a": [1e400]}"#, false));
        assert!(!fits(r#"[-1e999]"#, true));
        assert!(
            fits("12345678901234567890123", false),
            "Python's integers are exact"
        );
        assert!(!fits("12345678901234567890123", true));
        assert!(fits("18446744073709551615", true));
    }

    #[test]
    fn holes_take_the_place_of_the_values_at_their_pointers() {
        let value = json!({"person_id": "uuid", "tags": ["a", "uuid"], "a/b": {"c": 1}});
        let holes: BTreeMap<String, String> = [
            ("/person_id".to_owned(), "who".to_owned()),
            ("/tags/1".to_owned(), "tag".to_owned()),
            ("/a~1b".to_owned(), "nested".to_owned()),
        ]
        .into();
        let parts = native_parts(&value, &JSON, 0, &holes);
        let text = |text: &str| Part::Text(text.to_owned());
        let hole = |name: &str| Part::Hole(name.to_owned());
        assert_eq!(
            parts,
            [
                text("{\n  \"person_id\": "),
                hole("who"),
                text(",\n  \"tags\": [\n    \"a\",\n    "),
                hole("tag"),
                text("\n  ],\n  \"a/b\": "),
                hole("nested"),
                text("\n}"),
            ]
        );
        let no_holes = native_parts(&value, &JSON, 0, &BTreeMap::new());
        assert_eq!(
            no_holes,
            [text(&serde_json::to_string_pretty(&value).unwrap())],
            "without holes, JSON syntax is serde_json's pretty text"
        );
    }

    #[test]
    fn python_literals() {
        let value = json!({"a": [true, false, null, 1.5, "x\"y\n\u{2028}"], "b": {}, "c": []});
        assert_eq!(
            native(&value, &PYTHON, 0),
            "{\n    \"a\": [\n        True,\n        False,\n        None,\n        1.5,\n        \"x\\\"y\\n\u{2028}\"\n    ],\n    \"b\": {},\n    \"c\": []\n}"
        );
    }
}
