//! The check of a body as it arrived, without parsing it whole. A 50 MB list of people parsed
//! into a `Value` costs many times its size; here the body is only scanned for the places of its
//! parts (`RawValue`s borrow the bytes), the parts of big objects and arrays are walked one by
//! one, and each part smaller than [`WHOLE_BELOW`] is parsed and walked as a whole, then dropped.
//! The findings are exactly those of the walk of the parsed body (a property test holds them
//! equal): the same order, the same pointers, the same values shown.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::io::Write as _;

use jsonschema::JsonType;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::{
    AnswerCheck, AnswerFindingKind, Bounded, CompiledAnswer, Extra, Node, SHOWN_CHARACTERS, Step,
    Walk, cut,
};

/// A part of a body shorter than this many bytes is parsed and walked whole: small enough to
/// cost nothing, large enough that a list of people is walked person by person.
pub(super) const WHOLE_BELOW: usize = 64 * 1024;

/// How deeply objects and arrays may nest: serde_json refuses to parse a `Value` at the 128th
/// level, so a deeper body is refused here as it would be parsed whole, and the walk's recursion
/// stays bounded.
const DEEPEST: usize = 127;

/// The body is not JSON (or nests deeper than JSON is parsed here).
#[derive(Debug)]
pub(super) struct NotJson;

impl From<serde_json::Error> for NotJson {
    fn from(_: serde_json::Error) -> Self {
        Self
    }
}

impl CompiledAnswer {
    /// [`CompiledAnswer::check`] for the body's bytes, parsing only parts shorter than
    /// `whole_below` whole.
    pub(super) fn check_bytes(
        &self,
        content_type: Option<&str>,
        body: &[u8],
        whole_below: usize,
    ) -> Result<AnswerCheck, NotJson> {
        if self.json.is_none() {
            return Ok(AnswerCheck::default());
        }
        let raw: &RawValue = serde_json::from_slice(body)?;
        if !nests_within(raw.get(), DEEPEST) {
            return Err(NotJson);
        }
        self.check_with(content_type, |walk, schema, note| {
            walk.check_raw(schema, raw, note, whole_below)
        })
    }
}

impl<'a> Walk<'a> {
    /// [`Walk::check`] for a part of the body as it arrived.
    fn check_raw(
        &mut self,
        node: &'a Node,
        raw: &'a RawValue,
        inherited: Option<&'a str>,
        whole_below: usize,
    ) -> Result<Option<usize>, NotJson> {
        let text = raw.get();
        let container = matches!(text.as_bytes().first(), Some(b'{' | b'['));
        // Several shapes or a list of values compare the whole part: it is parsed.
        if text.len() < whole_below
            || !container
            || !node.choices.is_empty()
            || node.allowed.is_some()
        {
            return self.check_whole(node, text, inherited);
        }
        let note = node.note.as_deref().or(inherited);
        let object = text.starts_with('{');
        let kind = if object {
            JsonType::Object
        } else {
            JsonType::Array
        };
        if let Some(types) = node.types
            && !types.has(kind)
        {
            let actual = shown_raw(raw, whole_below);
            self.push(AnswerFindingKind::WrongType, types.phrase(), actual, note);
            return Ok(None);
        }
        if object {
            self.object_raw(node, raw, note, whole_below)?;
        } else if let Some(item) = &node.items {
            let items: Vec<&'a RawValue> = serde_json::from_str(text)?;
            for (index, value) in items.into_iter().enumerate() {
                self.steps.push(Step::Index(index));
                self.check_raw(item, value, note, whole_below)?;
                self.steps.pop();
            }
        }
        Ok(None)
    }

    /// Parses a part and walks it whole, where the walk stands.
    fn check_whole(
        &mut self,
        node: &'a Node,
        text: &str,
        inherited: Option<&'a str>,
    ) -> Result<Option<usize>, NotJson> {
        let value: Value = serde_json::from_str(text)?;
        let mut part = Walk {
            steps: self.steps.clone(),
            ..Walk::default()
        };
        let chosen = part.check(node, &value, inherited);
        self.merge(part);
        Ok(chosen)
    }

    /// [`Walk::object`] for an object as it arrived.
    fn object_raw(
        &mut self,
        node: &'a Node,
        raw: &'a RawValue,
        note: Option<&'a str>,
        whole_below: usize,
    ) -> Result<(), NotJson> {
        let Entries(entries) = serde_json::from_str(raw.get())?;
        for (key, value) in &entries {
            self.steps.push(Step::Key(Cow::Owned(key.clone())));
            match node.properties.get(key) {
                Some(property) => {
                    self.check_raw(property, value, note, whole_below)?;
                }
                None => match &node.extra {
                    Extra::Free => {}
                    Extra::Undocumented => {
                        let actual = shown_raw(value, whole_below);
                        let expected = "not documented".to_owned();
                        self.push(AnswerFindingKind::UndocumentedField, expected, actual, note);
                    }
                    Extra::Checked(extra) => {
                        self.check_raw(extra, value, note, whole_below)?;
                    }
                },
            }
            self.steps.pop();
        }
        let present = |name: &str| entries.iter().any(|(key, _)| key == name);
        self.missing_fields(node, present, note);
        Ok(())
    }
}

/// Whether the objects and arrays of valid JSON `text` nest at most `deepest` levels.
fn nests_within(text: &str, deepest: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for byte in text.bytes() {
        match (in_string, byte) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') | (false, b'"') => in_string = !in_string,
            (false, b'{' | b'[') => {
                depth += 1;
                if depth > deepest {
                    return false;
                }
            }
            (false, b'}' | b']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// An object's members as a parsed `Map` holds them: in the order of their first appearance,
/// a repeated key keeping its last value.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EntriesVisitor)
    }
}

struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Entries<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries: Vec<(String, &'de RawValue)> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value: &'de RawValue = map.next_value()?;
            match at.get(&key) {
                Some(&index) => entries[index].1 = value,
                None => {
                    at.insert(key.clone(), entries.len());
                    entries.push((key, value));
                }
            }
        }
        Ok(Entries(entries))
    }
}

/// [`super::shown_json`] of a part as it arrived: the same compact JSON, cut at the same place,
/// written part by part so that a big part is never parsed whole.
fn shown_raw(raw: &RawValue, whole_below: usize) -> String {
    let mut out = Bounded {
        bytes: Vec::new(),
        limit: SHOWN_CHARACTERS * 4 + 4,
    };
    // Stopping early is the point: the error only says the bound was reached.
    let _ = write_compact(&mut out, raw, whole_below);
    cut(&String::from_utf8_lossy(&out.bytes))
}

/// Writes `raw` as `serde_json::to_writer` writes its parsed value; stops with an error once
/// `out` is full.
fn write_compact(out: &mut Bounded, raw: &RawValue, whole_below: usize) -> Result<(), NotJson> {
    let text = raw.get();
    if text.len() < whole_below || !matches!(text.as_bytes().first(), Some(b'{' | b'[')) {
        let value: Value = serde_json::from_str(text)?;
        return serde_json::to_writer(out, &value).map_err(full);
    }
    if text.starts_with('{') {
        let Entries(entries) = serde_json::from_str(text)?;
        out.write_all(b"{").map_err(full)?;
        for (index, (key, value)) in entries.iter().enumerate() {
            if index > 0 {
                out.write_all(b",").map_err(full)?;
            }
            serde_json::to_writer(&mut *out, key).map_err(full)?;
            out.write_all(b":").map_err(full)?;
            write_compact(out, value, whole_below)?;
        }
        out.write_all(b"}").map_err(full)
    } else {
        let items: Vec<&RawValue> = serde_json::from_str(text)?;
        out.write_all(b"[").map_err(full)?;
        for (index, value) in items.into_iter().enumerate() {
            if index > 0 {
                out.write_all(b",").map_err(full)?;
            }
            write_compact(out, value, whole_below)?;
        }
        out.write_all(b"]").map_err(full)
    }
}

/// Any error of writing to a [`Bounded`]: it is full.
fn full<E>(_: E) -> NotJson {
    NotJson
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::contract::{self, Operation};

    /// The documented answers of the embedded contract, by operation and a status each covers.
    fn answers() -> Vec<(&'static Operation, u16)> {
        let statuses = [
            200, 201, 202, 204, 400, 401, 403, 404, 409, 413, 422, 429, 500, 503,
        ];
        contract::embedded()
            .unwrap()
            .operations()
            .iter()
            .flat_map(|operation| statuses.map(|status| (operation, status)))
            .filter(|(operation, status)| operation.compiled_answer(*status).is_ok())
            .collect()
    }

    /// The check of the parsed body, and the check as it arrived with every object and array
    /// walked part by part (`whole_below` 0) and with the default.
    fn assert_same_check(body: &[u8]) {
        for (operation, status) in answers() {
            let answer = operation.compiled_answer(status).unwrap();
            // As `Operation::check_answer` did it before: no JSON documented, nothing to parse.
            let parsed = match answer.json {
                None => Some(AnswerCheck::default()),
                Some(_) => serde_json::from_slice::<Value>(body)
                    .map(|value| answer.check(Some("application/json"), &value))
                    .ok(),
            };
            for whole_below in [0, 1, WHOLE_BELOW] {
                let streamed = answer
                    .check_bytes(Some("application/json"), body, whole_below)
                    .ok();
                assert_eq!(
                    streamed,
                    parsed,
                    "{} {status}, whole below {whole_below}: {}",
                    operation.id,
                    String::from_utf8_lossy(body)
                );
            }
        }
    }

    #[test]
    fn a_list_of_people_with_every_kind_of_difference_is_checked_as_if_parsed() {
        let mut people: Vec<Value> = (0..300)
            .map(|index| {
                json!({
                    "id": format!("0b7f3c9e-1f0a-4c4e-9a57-{index:012}"),
                    "external_id": format!("user-{index}"),
                    "email": "ada@example.com",
                    "attributes": {"plan": "pro"},
                    "created_at": "2026-01-01T00:00:00Z",
                    "updated_at": "2026-01-01T00:00:00Z"
                })
            })
            .collect();
        people[3]["surprise"] = json!({"deep": ["x".repeat(300)]});
        people[7]["email"] = json!(42);
        people[9].as_object_mut().unwrap().remove("id");
        people[11]["attributes"] = json!("not an object");
        let body = json!({"people": people, "total": 300, "total": "repeated"});
        assert_same_check(serde_json::to_string(&body).unwrap().as_bytes());
        // Escaped keys, repeated keys, and a wrong type too big to parse whole.
        assert_same_check(
            br#"{"peo\u0070le": [{"id": 1}], "people": {"a": [1, 2, {"b": "\u00e9\/"}]}, "x": 1, "x": 2}"#,
        );
        assert_same_check(br#"[{"error": "not_found", "message": "No person", "error": 3}]"#);
    }

    #[test]
    fn what_is_not_json_stays_not_json() {
        for body in [&b""[..], b"{", b"[1,]", b"{\"a\":1}x", b"\xff", b"nul"] {
            assert_same_check(body);
        }
        for depth in [DEEPEST - 1, DEEPEST, DEEPEST + 1, 200] {
            let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            assert_same_check(nested.as_bytes());
            let in_objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
            assert_same_check(in_objects.as_bytes());
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for (operation, status) in answers() {
            let answer = operation.compiled_answer(status).unwrap();
            if answer.json.is_some() {
                assert!(
                    answer.check_bytes(None, deep.as_bytes(), 0).is_err(),
                    "nesting deeper than JSON is parsed is refused"
                );
            }
        }
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "id",
                "external_id",
                "email",
                "phone",
                "people",
                "total",
                "status",
                "error",
                "message",
                "details",
                "code",
                "event",
                "events",
                "devices",
                "platform",
                "token",
                "created_count",
                "updated_count",
                "errors",
                "attributes",
                "traits",
                "created_at",
            ])
            .prop_map(str::to_owned),
            "[a-z\\\\\"/é]{0,4}",
        ]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(|f| json!(f)),
            prop::sample::select(vec!["active", "ios", "x", "", "\u{e9}\"\\"])
                .prop_map(|text| Value::String(text.to_owned())),
        ];
        leaf.prop_recursive(5, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..6)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn any_body_is_checked_as_if_parsed(body in json_value(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&body).unwrap()
            } else {
                serde_json::to_string(&body).unwrap()
            };
            assert_same_check(text.as_bytes());
        }
    }
}
