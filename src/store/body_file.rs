//! Reading a request body from a JSON file: shared by the command line's `--body` and the window's
//! import, so both refuse the same files with the same messages.
//!
//! The read is bounded: a file (or `/dev/zero`, or a pipe) larger than the limit is refused after
//! `limit` bytes instead of being read until memory runs out.

use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};

use crate::model::response::human_size;

/// The largest body file read by default: far above anything the API accepts (1 MiB), small
/// enough to hold in memory.
pub const DEFAULT_BODY_LIMIT: u64 = 32_000_000;

/// How deeply a body may nest arrays and objects: serde_json's own recursion limit.
pub const MAX_NESTING: usize = 128;

/// Reads the JSON object in the file at `path`, reading at most `limit` bytes.
pub fn read_json_object(path: &Path, limit: u64) -> Result<Map<String, Value>, String> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|err| open_error(&name, &err))?;
    if file.metadata().is_ok_and(|metadata| metadata.is_dir()) {
        return Err(format!("{name} is a folder, not a JSON file"));
    }
    read_json_object_from(file, &name, limit)
}

/// Reads the JSON object from `reader` (e.g. standard input), reading at most `limit` bytes;
/// `name` says where it came from in messages.
pub fn read_json_object_from(
    reader: impl Read,
    name: &str,
    limit: u64,
) -> Result<Map<String, Value>, String> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|err| format!("cannot read {name}: {err}"))?;
    if bytes.len() as u64 > limit {
        let limit = human_size(usize::try_from(limit).unwrap_or(usize::MAX));
        return Err(format!(
            "{name} is larger than {limit}, the most a body file may hold"
        ));
    }
    let text = String::from_utf8(bytes).map_err(|err| {
        let at = err.utf8_error().valid_up_to();
        format!("{name} is not UTF-8 text (the byte at offset {at} is not valid UTF-8)")
    })?;
    // A byte order mark is skipped, as the import of people files skips it: editors on Windows
    // write one, and it says nothing about the JSON.
    parse_object(text.strip_prefix('\u{feff}').unwrap_or(&text), name)
}

/// The message for a file that cannot be opened, in words rather than an OS error code.
fn open_error(name: &str, err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => format!("{name} does not exist"),
        std::io::ErrorKind::PermissionDenied => format!("{name} cannot be read: permission denied"),
        _ => format!("cannot read {name}: {err}"),
    }
}

/// A key some object of the JSON `text` names twice: the key (quoted, control characters
/// escaped), and the line and column where it is named again. `None` when every object's keys
/// are distinct, or when `text` is not JSON (its parse reports that).
pub fn duplicate_key(text: &str) -> Option<(String, usize, usize)> {
    let err = serde_json::from_str::<UniqueKeys>(text).err()?;
    let (line, column) = (err.line(), err.column());
    let full = err.to_string();
    let key = full
        .strip_suffix(&format!(" at line {line} column {column}"))?
        .strip_prefix(DUPLICATE)?;
    Some((key.to_owned(), line, column))
}

fn parse_object(text: &str, name: &str) -> Result<Map<String, Value>, String> {
    // A JSON object that names a key twice would silently keep only the last value.
    if let Some((key, line, column)) = duplicate_key(text) {
        return Err(format!(
            "{name} names {key} twice in one object (line {line}, column {column}): only one value could be sent; remove the other"
        ));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(body)) => Ok(body),
        Ok(other) => Err(format!(
            "{name} must hold a JSON object ({{\"userId\": …}}), not {}",
            kind_of(&other)
        )),
        Err(err) => Err(json_error(&err, name, text)),
    }
}

/// A JSON error with its line and column, and the nesting limit said in words.
fn json_error(err: &serde_json::Error, name: &str, text: &str) -> String {
    let (line, column) = (err.line(), err.column());
    let full = err.to_string();
    let reason = full
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&full);
    if reason.contains("recursion limit exceeded") {
        return format!(
            "{name} nests arrays and objects too deeply at line {line}, column {column}: at most {MAX_NESTING} levels are allowed"
        );
    }
    let reason = match reason {
        // serde_json's words for a \uD800-\uDFFF escape without its partner.
        "unexpected end of hex escape" | "lone leading surrogate in hex escape" => {
            "a \\uD800-\\uDFFF escape stands alone (a lone UTF-16 surrogate is half of a pair, not a character; a pair is a \\uD800-\\uDBFF escape followed by a \\uDC00-\\uDFFF one)".to_owned()
        }
        "trailing characters" if char_at(text, line, column) == Some('\0') => {
            "a NUL byte (\\0) follows the JSON value: the file holds more than one JSON text (is it padded with zero bytes?)".to_owned()
        }
        "trailing characters" => {
            "more follows the JSON value: the file must hold one JSON object and nothing else".to_owned()
        }
        other => other.to_owned(),
    };
    format!("{name} is not valid JSON at line {line}, column {column}: {reason}")
}

/// The character at `line` and `column` (both from 1, the column counted in bytes, as serde_json
/// counts them) of `text`.
fn char_at(text: &str, line: usize, column: usize) -> Option<char> {
    let line = text.split('\n').nth(line.checked_sub(1)?)?;
    line.get(column.checked_sub(1)?..)?.chars().next()
}

/// The start of the error [`UniqueKeys`] raises, so it can be told from a syntax error.
const DUPLICATE: &str = "duplicate key ";

/// Any JSON value, read only to find an object that names a key twice.
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                // Debug form: quoted, with any control character escaped for the terminal.
                return Err(serde::de::Error::custom(format!("{DUPLICATE}{key:?}")));
            }
            map.next_value::<UniqueKeys>()?;
        }
        Ok(UniqueKeys)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], limit: u64) -> Result<Map<String, Value>, String> {
        read_json_object_from(bytes, "body.json", limit)
    }

    #[test]
    fn a_key_named_twice_in_one_object_is_refused_where_it_is() {
        let error = read(b"{\"userId\": \"a\",\n \"userId\": \"b\"}", 100).unwrap_err();
        assert!(
            error.starts_with("body.json names \"userId\" twice in one object (line 2, column"),
            "{error}"
        );
        let error = read(br#"{"traits": {"plan": 1, "plan": 2}}"#, 100).unwrap_err();
        assert!(error.contains("\"plan\" twice"), "{error}");
        let error = read(br#"{"rows": [{"k": 1}, {"k": 2, "k": 3}]}"#, 100).unwrap_err();
        assert!(error.contains("\"k\" twice"), "{error}");
        assert!(
            read(
                br#"{"a": {"k": 1}, "b": {"k": 2}, "c": [1e400, -0, null]}"#,
                100
            )
            .is_ok()
        );
        // Syntax errors keep their own message.
        assert!(
            read(br#"{"a": }"#, 100)
                .unwrap_err()
                .contains("not valid JSON")
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped_as_the_import_skips_it() {
        let body = read(b"\xef\xbb\xbf{\"userId\": \"bom\"}", 100).unwrap();
        assert_eq!(body["userId"], "bom");
    }

    #[test]
    fn a_lone_surrogate_and_a_trailing_nul_are_named() {
        for lone in [
            br#"{"userId":"a","email":"\ud800"}"#.as_slice(),
            br#"{"email":"\ud800x"}"#,
            br#"{"email":"\udc00"}"#,
        ] {
            let error = read(lone, 100).unwrap_err();
            assert!(error.contains("a lone UTF-16 surrogate"), "{error}");
        }
        let error = read(b"{\"userId\":\"x\"}\0", 100).unwrap_err();
        assert_eq!(
            error,
            "body.json is not valid JSON at line 1, column 15: a NUL byte (\\0) follows the JSON value: the file holds more than one JSON text (is it padded with zero bytes?)"
        );
        let error = read(b"{\"userId\":\"x\"}\n{}", 100).unwrap_err();
        assert!(error.contains("more follows the JSON value"), "{error}");
    }

    #[test]
    fn an_object_is_read_whole() {
        let body = read(br#"{"userId": "u1", "n": 1.50}"#, 100).unwrap();
        assert_eq!(body["userId"], "u1");
        assert_eq!(body["n"].to_string(), "1.50");
    }

    #[test]
    fn more_than_the_limit_is_refused_naming_the_limit() {
        let error = read(&[b' '; 2001], 2000).unwrap_err();
        assert_eq!(
            error,
            "body.json is larger than 2.0 KB, the most a body file may hold"
        );
        assert!(read(br#"{"userId": "u"}   "#, 18).is_ok());
    }

    #[test]
    fn an_endless_reader_stops_at_the_limit() {
        let error = read_json_object_from(std::io::repeat(0), "standard input", 1000).unwrap_err();
        assert!(error.contains("larger than 1.0 KB"), "{error}");
    }

    #[test]
    fn non_utf8_malformed_non_object_and_deep_bodies_are_explained() {
        let error = read(b"{\"a\": \"\xff\"}", 100).unwrap_err();
        assert_eq!(
            error,
            "body.json is not UTF-8 text (the byte at offset 7 is not valid UTF-8)"
        );
        let error = read(b"{\n  \"a\": 1,\n}", 100).unwrap_err();
        assert_eq!(
            error,
            "body.json is not valid JSON at line 3, column 1: trailing comma"
        );
        let error = read(b"[1]", 100).unwrap_err();
        assert!(error.ends_with("not an array"), "{error}");
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(200), "]".repeat(200));
        let error = read(deep.as_bytes(), 1000).unwrap_err();
        assert!(error.contains("at most 128 levels are allowed"), "{error}");
    }

    #[test]
    fn a_missing_file_and_a_folder_are_named() {
        let missing = std::env::temp_dir().join("flameup-no-such-body.json");
        assert_eq!(
            read_json_object(&missing, 100).unwrap_err(),
            format!("{} does not exist", missing.display())
        );
        let folder = std::env::temp_dir();
        assert!(
            read_json_object(&folder, 100)
                .unwrap_err()
                .ends_with("is a folder, not a JSON file")
        );
    }
}
