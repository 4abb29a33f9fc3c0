//! The check of a body as it arrived, without parsing it whole. A 50 MB list of people parsed
//! into a `Value` costs many times its size; here the body is only scanned for the places of its
//! parts (`RawValue`s borrow the bytes), the parts of big objects and arrays are walked one by
//! one, and each part smaller than [`WHOLE_BELOW`] is parsed and walked as a whole, then dropped.
//! The findings are exactly those of the walk of the parsed body (a property test holds them
//! equal): the same order, the same pointers, the same values shown.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::io::Write as _;

use jsonschema::JsonType;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::{
    AnswerCheck, AnswerFindingKind, Bounded, CompiledAnswer, Extra, Node, Received,
    SHOWN_CHARACTERS, Step, Walk, cut, not_json, push_escaped,
};

/// A part of a body shorter than this many bytes is parsed and walked whole: small enough to
/// cost nothing, large enough that a list of people is walked person by person.
pub(super) const WHOLE_BELOW: usize = 64 * 1024;

/// How deeply objects and arrays may nest in a part parsed whole: serde_json refuses to parse a
/// `Value` at the 128th level. A deeper part is walked as it arrived (a `RawValue` is only
/// scanned, at any depth), or skipped where its schema is free-form, so the walk's recursion is
/// bounded by the schema's depth, not the body's.
pub(super) const DEEPEST: usize = 127;

/// A part of the body could not be read (the body was scanned as JSON first, so only a part
/// nested deeper than JSON is parsed here could be).
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
        received: &Received<'_>,
        body: &[u8],
        whole_below: usize,
    ) -> AnswerCheck {
        let note = self.note.as_deref();
        let Some(schema) = &self.json else {
            let mut walk = self.check_headers(received, false);
            if self.bodiless && !body.is_empty() {
                let actual = format!("a body of {} bytes", body.len());
                walk.push(
                    AnswerFindingKind::UndocumentedField,
                    "no body".to_owned(),
                    actual,
                    note,
                );
            }
            return walk.finish(None, None);
        };
        let Ok(raw) = serde_json::from_slice::<&RawValue>(body) else {
            // The finding names the media type and the encoding itself.
            let mut walk = self.check_headers(received, false);
            let finding = not_json(received, body);
            walk.push_at(
                finding.path,
                finding.kind,
                finding.expected,
                finding.actual,
                None,
            );
            return walk.finish(None, None);
        };
        let mut walk = self.check_headers(received, true);
        for (path, count) in repeated_keys(raw.get()) {
            let actual = format!("the key appears {count} times");
            walk.push_at(
                path,
                AnswerFindingKind::WrongType,
                "one value".to_owned(),
                actual,
                note,
            );
        }
        match walk.check_raw(schema, raw, note, whole_below) {
            Ok(chosen) => walk.finish(Some(schema), chosen),
            Err(NotJson) => {
                let finding = not_json(received, body);
                walk.push_at(
                    finding.path,
                    finding.kind,
                    finding.expected,
                    finding.actual,
                    None,
                );
                walk.finish(None, None)
            }
        }
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
        if node.checks_nothing() {
            return Ok(None);
        }
        let text = raw.get();
        let container = matches!(text.as_bytes().first(), Some(b'{' | b'['));
        if !container {
            return self.check_whole(node, text, inherited);
        }
        // Several shapes or a list of values compare the whole part: it is parsed, if it can be.
        let needs_whole = !node.choices.is_empty() || node.allowed.is_some();
        if text.len() < whole_below || needs_whole {
            if nests_within(text, DEEPEST) {
                return self.check_whole(node, text, inherited);
            }
            if needs_whole {
                let note = node.note.as_deref().or(inherited);
                self.push(
                    AnswerFindingKind::WrongType,
                    format!("JSON nested at most {DEEPEST} levels deep, to be checked"),
                    format!("JSON nested deeper than {DEEPEST} levels, not checked from here"),
                    note,
                );
                return Ok(None);
            }
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

/// The keys that an object of the body repeats, each as a JSON Pointer with how many times it
/// appears, in the order of their first appearance. A parsed `Value` keeps only one value of a
/// repeated key, so this scan of the text is where repetitions are seen. Past serde_json's depth
/// the scan stops, keeping what it found until then.
pub(super) fn repeated_keys(text: &str) -> Vec<(String, usize)> {
    let found = RefCell::new(Vec::new());
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let scan = Scan {
        at: &Place::Root,
        found: &found,
    };
    // An error is the depth limit: what was found before it stands.
    let _ = scan.deserialize(&mut deserializer);
    found.into_inner()
}

/// Where the scan for repeated keys is, as a chain of steps kept on the stack: written out as
/// a pointer only for a repeated key.
enum Place<'p> {
    Root,
    Key(&'p Place<'p>, &'p str),
    Index(&'p Place<'p>, usize),
}

impl Place<'_> {
    fn pointer(&self) -> String {
        let mut pointer = String::new();
        self.write(&mut pointer);
        pointer
    }

    fn write(&self, pointer: &mut String) {
        match self {
            Self::Root => {}
            Self::Key(parent, key) => {
                parent.write(pointer);
                pointer.push('/');
                push_escaped(pointer, key);
            }
            Self::Index(parent, index) => {
                parent.write(pointer);
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
        }
    }
}

/// One value of the scan for repeated keys.
struct Scan<'p> {
    at: &'p Place<'p>,
    found: &'p RefCell<Vec<(String, usize)>>,
}

impl<'de> DeserializeSeed<'de> for Scan<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            let place = Place::Index(self.at, index);
            let item = Scan {
                at: &place,
                found: self.found,
            };
            if items.next_element_seed(item)?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut counts = KeyCounts::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let place = Place::Key(self.at, &key);
            map.next_value_seed(Scan {
                at: &place,
                found: self.found,
            })?;
            counts.count(key);
        }
        let mut found = self.found.borrow_mut();
        for (key, count) in counts.repeated() {
            found.push((Place::Key(self.at, key).pointer(), count));
        }
        Ok(())
    }
}

/// How often each key of one object appears, in the order of first appearance: a short list
/// searched in turn (most objects are small; a number arrives as a one-key object under
/// `arbitrary_precision`), indexed by a map once it is long.
#[derive(Default)]
struct KeyCounts<'de> {
    counts: Vec<(Cow<'de, str>, usize)>,
    index: HashMap<Cow<'de, str>, usize>,
}

impl<'de> KeyCounts<'de> {
    /// How long the list grows before it is indexed.
    const SEARCHED: usize = 16;

    fn count(&mut self, key: Cow<'de, str>) {
        let at = if self.counts.len() <= Self::SEARCHED {
            self.counts.iter().position(|(known, _)| *known == key)
        } else {
            self.index.get(&key).copied()
        };
        match at {
            Some(at) => self.counts[at].1 += 1,
            None => {
                if self.counts.len() == Self::SEARCHED {
                    self.index = self
                        .counts
                        .iter()
                        .enumerate()
                        .map(|(at, (known, _))| (known.clone(), at))
                        .collect();
                }
                if self.counts.len() >= Self::SEARCHED {
                    self.index.insert(key.clone(), self.counts.len());
                }
                self.counts.push((key, 1));
            }
        }
    }

    /// The keys that appear more than once, with how often.
    fn repeated(&self) -> impl Iterator<Item = (&str, usize)> {
        self.counts
            .iter()
            .filter(|(_, count)| *count > 1)
            .map(|(key, count)| (key.as_ref(), *count))
    }
}

/// An object's key, borrowed from the text unless it has escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
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
    let container = matches!(text.as_bytes().first(), Some(b'{' | b'['));
    // Each level writes a byte before the next is entered, so `out` filling up bounds the
    // recursion of a deep part.
    if !container || (text.len() < whole_below && nests_within(text, DEEPEST)) {
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
    use crate::contract::check::{AnswerFinding, single};
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

    /// The check of the parsed body (after the keys it repeats, which only the text shows), and
    /// the check as it arrived with every object and array walked part by part (`whole_below`
    /// 0) and with the default. A body that is not JSON is one finding where JSON is documented.
    fn assert_same_check(body: &[u8]) {
        let received = Received::offline(Some("application/json"));
        for (operation, status) in answers() {
            let answer = operation.compiled_answer(status).unwrap();
            let parsed = match serde_json::from_slice::<Value>(body) {
                Ok(value) if answer.json.is_some() => {
                    let mut check = answer.check(&received, &value);
                    let repeated = repeated_keys(std::str::from_utf8(body).unwrap());
                    let mut findings: Vec<AnswerFinding> = repeated
                        .into_iter()
                        .map(|(path, count)| AnswerFinding {
                            path,
                            kind: AnswerFindingKind::WrongType,
                            expected: "one value".to_owned(),
                            actual: format!("the key appears {count} times"),
                            note: answer.note.clone(),
                        })
                        .collect();
                    findings.append(&mut check.findings);
                    check.findings = findings;
                    check
                }
                Ok(_) | Err(_) if answer.json.is_none() => AnswerCheck {
                    findings: (answer.bodiless && !body.is_empty())
                        .then(|| AnswerFinding {
                            path: String::new(),
                            kind: AnswerFindingKind::UndocumentedField,
                            expected: "no body".to_owned(),
                            actual: format!("a body of {} bytes", body.len()),
                            note: answer.note.clone(),
                        })
                        .into_iter()
                        .collect(),
                    ..AnswerCheck::default()
                },
                _ => single(not_json(&received, body)),
            };
            let parsed = Some(parsed);
            for whole_below in [0, 1, WHOLE_BELOW] {
                let streamed = Some(answer.check_bytes(&received, body, whole_below));
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
        for depth in [DEEPEST - 1, DEEPEST] {
            let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            assert_same_check(nested.as_bytes());
            let in_objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
            assert_same_check(in_objects.as_bytes());
        }
    }

    #[test]
    fn a_body_nested_deeper_than_a_value_parses_is_still_checked_as_json() {
        for depth in [DEEPEST + 1, 200, 3000] {
            let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            for (operation, status) in answers() {
                let answer = operation.compiled_answer(status).unwrap();
                for whole_below in [0, WHOLE_BELOW] {
                    let check = answer.check_bytes(
                        &Received::offline(Some("application/json")),
                        deep.as_bytes(),
                        whole_below,
                    );
                    assert!(
                        check
                            .findings
                            .iter()
                            .all(|finding| finding.expected != "JSON"),
                        "{} {status}: {check:?}",
                        operation.id
                    );
                }
            }
        }
    }

    #[test]
    fn repeated_keys_are_found_at_any_place_with_their_count() {
        let body =
            r#"{"a": 1, "b": {"c": 1, "c": 2, "c": 3}, "l": [{"x/y": 1, "x\/y": 2}], "a": 2}"#;
        assert_eq!(
            repeated_keys(body),
            [
                ("/b/c".to_owned(), 3),
                ("/l/0/x~1y".to_owned(), 2),
                ("/a".to_owned(), 2)
            ]
        );
        let many: Vec<String> = (0..40).map(|key| format!("\"k{key}\": 1")).collect();
        let wide = format!("{{{}, \"k3\": 2, \"k39\": 3}}", many.join(","));
        assert_eq!(
            repeated_keys(&wide),
            [("/k3".to_owned(), 2), ("/k39".to_owned(), 2)]
        );
        assert_eq!(repeated_keys(r#"{"n": 1.0, "m": [1e400, -0]}"#), []);
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
