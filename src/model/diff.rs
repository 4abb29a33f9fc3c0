//! What changed between two answers: their statuses, headers and bodies, path by path.
//!
//! Pure: no I/O, no egui. The window compares an answer with the previous one of the same
//! operation (or a pinned one); the command line with `--baseline`.
//!
//! Values that differ on every call by nature are *volatile* and left out unless
//! [`DiffOptions::include_volatile`] is set, so a second send shows only what really changed:
//!
//! - in a body, a field named `request_id` or `timestamp`, or ending in `_at` (`created_at`,
//!   `last_seen_at`), whatever it holds;
//! - in a body, a field named `id` or ending in `_id` while it holds a generated-looking value on
//!   each side where it is present: a UUID, or a short word and `_` followed by at least 16
//!   hexadecimal digits (`evt_3f2a…`, `req_…`, `camp_…`). Ids a person chose (`external_id:
//!   "user_1"`, `workspace_id: "ws_sandbox"`) are compared like any value, and a generated id
//!   replaced by a chosen one is a change;
//! - among headers, `date`, `retry-after`, `x-request-id`, every `x-ratelimit-*` and
//!   `ratelimit*`, and `content-length` (it follows the body, whose own changes are listed).
//!
//! A volatile field is left out whether it changed, appeared or disappeared. Arrays are compared
//! index by index: an item inserted at the front shows as every later item changed.

use serde_json::Value;

/// How to compare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DiffOptions {
    /// Also list volatile values (ids, `*_at` stamps, `request_id`, rate-limit and date headers).
    pub include_volatile: bool,
}

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffEntry {
    /// Where. In a body: a JSON Pointer (`/people/0/email`; `""` is the whole body). A header:
    /// `headers/` and its name in lower case (`headers/x-plan`). The status: `status`.
    pub path: String,
    pub op: DiffOp,
    /// The value before: `None` for an added path.
    pub before: Option<Value>,
    /// The value after: `None` for a removed path.
    pub after: Option<Value>,
}

/// Which way a path differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiffOp {
    Added,
    Removed,
    Changed,
}

impl DiffOp {
    /// `added`, `removed` or `changed`, as scripts read it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Changed => "changed",
        }
    }
}

/// An answer's parts to compare; a part one side does not know is not compared.
#[derive(Clone, Copy, Debug)]
pub struct AnswerParts<'a> {
    pub status: Option<u16>,
    /// Headers as received (names in any case; a repeated header is joined with ", ").
    pub headers: Option<&'a [(String, String)]>,
    pub body: &'a Value,
}

/// The differences between two answers: the status first (path `status`), then the headers,
/// then the body.
pub fn diff_answers(
    before: &AnswerParts<'_>,
    after: &AnswerParts<'_>,
    options: &DiffOptions,
) -> Vec<DiffEntry> {
    let mut entries = Vec::new();
    if let (Some(old), Some(new)) = (before.status, after.status)
        && old != new
    {
        entries.push(DiffEntry {
            path: "status".to_owned(),
            op: DiffOp::Changed,
            before: Some(Value::from(old)),
            after: Some(Value::from(new)),
        });
    }
    if let (Some(old), Some(new)) = (before.headers, after.headers) {
        entries.extend(diff_headers(old, new, options));
    }
    entries.extend(diff(before.body, after.body, options));
    entries
}

/// The differences between two JSON values, in the order the paths appear (before's keys
/// first, then the keys only `after` has). See the module's documentation for what is volatile.
pub fn diff(before: &Value, after: &Value, options: &DiffOptions) -> Vec<DiffEntry> {
    let mut walk = Walk {
        options,
        path: String::new(),
        entries: Vec::new(),
    };
    walk.values(before, after);
    walk.entries
}

/// The differences between two header lists, by lower-case name (a repeated header joined with
/// ", ", as HTTP allows), each at `headers/NAME`.
pub fn diff_headers(
    before: &[(String, String)],
    after: &[(String, String)],
    options: &DiffOptions,
) -> Vec<DiffEntry> {
    let before = joined(before);
    let after = joined(after);
    let kept = |name: &str| options.include_volatile || !is_volatile_header(name);
    let mut entries = Vec::new();
    for (name, old) in before.iter().filter(|(name, _)| kept(name)) {
        let new = after.iter().find(|(other, _)| other == name);
        let (op, new) = match new {
            None => (DiffOp::Removed, None),
            Some((_, new)) if new == old => continue,
            Some((_, new)) => (DiffOp::Changed, Some(Value::String(new.clone()))),
        };
        entries.push(DiffEntry {
            path: format!("headers/{name}"),
            op,
            before: Some(Value::String(old.clone())),
            after: new,
        });
    }
    for (name, new) in after.iter().filter(|(name, _)| kept(name)) {
        if !before.iter().any(|(other, _)| other == name) {
            entries.push(DiffEntry {
                path: format!("headers/{name}"),
                op: DiffOp::Added,
                before: None,
                after: Some(Value::String(new.clone())),
            });
        }
    }
    entries
}

/// Headers by lower-case name, in first-seen order, repeated ones joined with ", ".
fn joined(headers: &[(String, String)]) -> Vec<(String, String)> {
    let mut joined: Vec<(String, String)> = Vec::new();
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        match joined.iter_mut().find(|(known, _)| *known == name) {
            Some((_, earlier)) => {
                earlier.push_str(", ");
                earlier.push_str(value);
            }
            None => joined.push((name, value.clone())),
        }
    }
    joined
}

/// A header that differs between any two calls (see the module's documentation). `name` is in
/// lower case.
fn is_volatile_header(name: &str) -> bool {
    matches!(
        name,
        "date" | "retry-after" | "x-request-id" | "content-length"
    ) || name.starts_with("x-ratelimit-")
        || name.starts_with("ratelimit")
}

struct Walk<'o> {
    options: &'o DiffOptions,
    path: String,
    entries: Vec<DiffEntry>,
}

impl Walk<'_> {
    fn values(&mut self, before: &Value, after: &Value) {
        match (before, after) {
            (Value::Object(old), Value::Object(new)) => {
                for (key, old_value) in old {
                    let new_value = new.get(key);
                    if !self.options.include_volatile
                        && is_volatile_field(key, Some(old_value), new_value)
                    {
                        continue;
                    }
                    let at = self.enter(key);
                    match new_value {
                        Some(new_value) => self.values(old_value, new_value),
                        None => self.push(DiffOp::Removed, Some(old_value), None),
                    }
                    self.path.truncate(at);
                }
                for (key, new_value) in new.iter().filter(|(key, _)| !old.contains_key(*key)) {
                    if !self.options.include_volatile
                        && is_volatile_field(key, None, Some(new_value))
                    {
                        continue;
                    }
                    let at = self.enter(key);
                    self.push(DiffOp::Added, None, Some(new_value));
                    self.path.truncate(at);
                }
            }
            (Value::Array(old), Value::Array(new)) => {
                for index in 0..old.len().max(new.len()) {
                    let at = self.path.len();
                    self.path.push('/');
                    self.path.push_str(&index.to_string());
                    match (old.get(index), new.get(index)) {
                        (Some(old_item), Some(new_item)) => self.values(old_item, new_item),
                        (Some(old_item), None) => self.push(DiffOp::Removed, Some(old_item), None),
                        (None, new_item) => self.push(DiffOp::Added, None, new_item),
                    }
                    self.path.truncate(at);
                }
            }
            (Value::Number(old), Value::Number(new)) if same_number(old, new) => {}
            _ if before == after => {}
            _ => self.push(DiffOp::Changed, Some(before), Some(after)),
        }
    }

    /// Appends `key` to the path as one JSON Pointer segment; returns the length to go back to.
    fn enter(&mut self, key: &str) -> usize {
        let at = self.path.len();
        self.path.push('/');
        for character in key.chars() {
            match character {
                '~' => self.path.push_str("~0"),
                '/' => self.path.push_str("~1"),
                other => self.path.push(other),
            }
        }
        at
    }

    fn push(&mut self, op: DiffOp, before: Option<&Value>, after: Option<&Value>) {
        self.entries.push(DiffEntry {
            path: self.path.clone(),
            op,
            before: before.cloned(),
            after: after.cloned(),
        });
    }
}

/// A body field whose value differs between calls by nature (see the module's documentation),
/// given its value on each side where it is present.
fn is_volatile_field(key: &str, before: Option<&Value>, after: Option<&Value>) -> bool {
    if key == "request_id" || key == "timestamp" || key.ends_with("_at") {
        return true;
    }
    (key == "id" || key.ends_with("_id"))
        && [before, after]
            .into_iter()
            .flatten()
            .all(|value| value.as_str().is_some_and(looks_generated))
}

/// Whether two numbers are the same value however they are written (`1.0` and `1`, `1e2` and
/// `100`, `-0` and `0`). The text is kept as it arrived (serde_json's `arbitrary_precision`), so
/// the values are compared exactly, as normalised decimals, never rounded through `f64`: two
/// 30-digit ids that differ in their last digit stay different.
fn same_number(before: &serde_json::Number, after: &serde_json::Number) -> bool {
    let (before, after) = (before.to_string(), after.to_string());
    before == after
        || matches!(
            (Decimal::of(&before), Decimal::of(&after)),
            (Some(old), Some(new)) if old == new
        )
}

/// A JSON number as sign, significant digits and a power of ten: `-1.50e3` is `-`, `15`, `2`.
/// Zero is always positive with no digits, so each value has one form.
#[derive(PartialEq, Eq)]
struct Decimal<'a> {
    negative: bool,
    /// The digits without leading or trailing zeros, as separate runs: the integer part's,
    /// then the fraction's (the decimal point dropped, never copied).
    digits: DigitRuns<'a>,
    exponent: i128,
}

/// Significant digits kept as up to two borrowed runs, compared as one string of digits.
#[derive(Clone, Copy)]
struct DigitRuns<'a>(&'a str, &'a str);

impl PartialEq for DigitRuns<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() + self.1.len() == other.0.len() + other.1.len()
            && self
                .0
                .bytes()
                .chain(self.1.bytes())
                .eq(other.0.bytes().chain(other.1.bytes()))
    }
}

impl Eq for DigitRuns<'_> {}

impl<'a> Decimal<'a> {
    /// Reads JSON number text; `None` for anything else (the caller then compares the text).
    fn of(text: &'a str) -> Option<Self> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
            Some((mantissa, exponent)) => (mantissa, exponent.parse::<i128>().ok()?),
            None => (unsigned, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if !(whole.bytes().chain(fraction.bytes())).all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        let exponent = exponent - i128::try_from(fraction.len()).ok()?;
        // Leading zeros: from the whole part, and from the fraction when the whole part is all
        // zeros. Trailing zeros: from the fraction, and from the whole part when the fraction
        // is all zeros; each one dropped raises the exponent.
        let whole = whole.trim_start_matches('0');
        let (whole, fraction) = if whole.is_empty() {
            ("", fraction.trim_start_matches('0'))
        } else {
            (whole, fraction)
        };
        let trimmed_fraction = fraction.trim_end_matches('0');
        let mut dropped = fraction.len() - trimmed_fraction.len();
        let whole = if trimmed_fraction.is_empty() {
            let trimmed_whole = whole.trim_end_matches('0');
            dropped += whole.len() - trimmed_whole.len();
            trimmed_whole
        } else {
            whole
        };
        let digits = DigitRuns(whole, trimmed_fraction);
        if whole.is_empty() && trimmed_fraction.is_empty() {
            return Some(Self {
                negative: false,
                digits,
                exponent: 0,
            });
        }
        Some(Self {
            negative,
            digits,
            exponent: exponent + i128::try_from(dropped).ok()?,
        })
    }
}

/// A UUID, or a short word, `_` and at least 16 hexadecimal digits (`evt_` and 32 of them).
fn looks_generated(value: &str) -> bool {
    if uuid::Uuid::try_parse(value).is_ok() {
        return true;
    }
    value.split_once('_').is_some_and(|(word, digits)| {
        !word.is_empty()
            && word.len() <= 16
            && word.bytes().all(|byte| byte.is_ascii_alphanumeric())
            && digits.len() >= 16
            && digits.bytes().all(|byte| byte.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    const UUID_A: &str = "123e4567-e89b-12d3-a456-426614174000";
    const UUID_B: &str = "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f";

    fn ignoring_volatile(before: &Value, after: &Value) -> Vec<(String, DiffOp)> {
        diff(before, after, &DiffOptions::default())
            .into_iter()
            .map(|entry| (entry.path, entry.op))
            .collect()
    }

    fn entry(path: &str, op: DiffOp, before: Option<Value>, after: Option<Value>) -> DiffEntry {
        DiffEntry {
            path: path.to_owned(),
            op,
            before,
            after,
        }
    }

    #[test]
    fn added_removed_and_changed_paths_with_their_values() {
        let before = json!({"email": "a@example.com", "plan": "free", "traits": {"seats": 1}});
        let after = json!({"email": "b@example.com", "traits": {"seats": 1, "tags": ["x"]}});
        assert_eq!(
            diff(&before, &after, &DiffOptions::default()),
            [
                entry(
                    "/email",
                    DiffOp::Changed,
                    Some(json!("a@example.com")),
                    Some(json!("b@example.com"))
                ),
                entry("/plan", DiffOp::Removed, Some(json!("free")), None),
                entry("/traits/tags", DiffOp::Added, None, Some(json!(["x"]))),
            ]
        );
    }

    #[test]
    fn arrays_are_compared_index_by_index() {
        let before = json!({"people": [{"email": "a"}, {"email": "b"}]});
        let after = json!({"people": [{"email": "a"}, {"email": "c"}, {"email": "d"}]});
        assert_eq!(
            ignoring_volatile(&before, &after),
            [
                ("/people/1/email".to_owned(), DiffOp::Changed),
                ("/people/2".to_owned(), DiffOp::Added),
            ]
        );
        assert_eq!(
            ignoring_volatile(&after, &before),
            [
                ("/people/1/email".to_owned(), DiffOp::Changed),
                ("/people/2".to_owned(), DiffOp::Removed),
            ]
        );
    }

    #[test]
    fn a_change_of_type_is_one_change_at_that_path() {
        assert_eq!(
            diff(
                &json!({"a": {"b": 1}}),
                &json!({"a": [1]}),
                &DiffOptions::default()
            ),
            [entry(
                "/a",
                DiffOp::Changed,
                Some(json!({"b": 1})),
                Some(json!([1]))
            )]
        );
        assert_eq!(
            ignoring_volatile(&json!([1]), &json!("text")),
            [(String::new(), DiffOp::Changed)]
        );
    }

    #[test]
    fn numbers_compare_by_value_exactly() {
        let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        let same = [
            ("1.0", "1"),
            ("1e2", "100"),
            ("100", "1E+2"),
            ("0.5", "5e-1"),
            ("-0", "0"),
            ("0.000", "0e10"),
            ("1200", "12.00e2"),
            ("0.0012", "1.2e-3"),
            (
                "123456789012345678901234567890",
                "1.2345678901234567890123456789e29",
            ),
        ];
        for (before, after) in same {
            let (before, after) = (parse(before), parse(after));
            assert_eq!(ignoring_volatile(&before, &after), [], "{before} {after}");
            let wrapped = (json!({"f": [before]}), json!({"f": [after]}));
            assert_eq!(ignoring_volatile(&wrapped.0, &wrapped.1), []);
        }
        let different = [
            ("1", "-1"),
            ("1.5", "15"),
            ("10", "1"),
            ("0.1", "0.01"),
            // Equal as f64, different as numbers.
            (
                "123456789012345678901234567890",
                "123456789012345678901234567891",
            ),
            ("9007199254740993", "9007199254740992"),
        ];
        for (before, after) in different {
            assert_eq!(
                ignoring_volatile(&parse(before), &parse(after)),
                [(String::new(), DiffOp::Changed)],
                "{before} {after}"
            );
        }
    }

    #[test]
    fn stamps_request_ids_and_generated_ids_are_volatile() {
        let before = json!({
            "id": UUID_A, "event_id": format!("evt_{}", "a".repeat(32)), "request_id": "req_1",
            "created_at": "2024-01-01T00:00:00Z", "timestamp": "x", "person": {"id": UUID_A},
            "email": "a@example.com"
        });
        let after = json!({
            "id": UUID_B, "event_id": format!("evt_{}", "b".repeat(32)), "request_id": "req_2",
            "created_at": "2024-01-02T00:00:00Z", "timestamp": "y", "person": {"id": UUID_B},
            "email": "b@example.com", "updated_at": "2024-01-02T00:00:00Z"
        });
        assert_eq!(
            ignoring_volatile(&before, &after),
            [("/email".to_owned(), DiffOp::Changed)]
        );
        let everything = diff(
            &before,
            &after,
            &DiffOptions {
                include_volatile: true,
            },
        );
        let paths: Vec<&str> = everything.iter().map(|entry| entry.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/id",
                "/event_id",
                "/request_id",
                "/created_at",
                "/timestamp",
                "/person/id",
                "/email",
                "/updated_at"
            ]
        );
    }

    #[test]
    fn ids_a_person_chose_are_compared() {
        let before = json!({"external_id": "user_1", "workspace_id": "ws_sandbox", "id": "p1"});
        let after = json!({"external_id": "user_2", "workspace_id": "ws_other", "id": "p2"});
        assert_eq!(
            ignoring_volatile(&before, &after),
            [
                ("/external_id".to_owned(), DiffOp::Changed),
                ("/workspace_id".to_owned(), DiffOp::Changed),
                ("/id".to_owned(), DiffOp::Changed),
            ]
        );
        // A generated id replaced by a chosen one is a real change of what is answered.
        assert_eq!(
            ignoring_volatile(
                &json!({"person_id": UUID_A}),
                &json!({"person_id": "user_1"})
            ),
            [("/person_id".to_owned(), DiffOp::Changed)]
        );
    }

    #[test]
    fn generated_values() {
        assert!(looks_generated(UUID_A));
        assert!(looks_generated(&format!(
            "camp_{}",
            "0123456789abcdef".repeat(2)
        )));
        assert!(looks_generated("req_0123456789abcdef"));
        for chosen in [
            "user_1",
            "ws_sandbox",
            "p1",
            "",
            "_0123456789abcdef",
            "req_0123456789abcde",
        ] {
            assert!(!looks_generated(chosen), "{chosen}");
        }
    }

    #[test]
    fn keys_are_escaped_in_pointers() {
        assert_eq!(
            ignoring_volatile(&json!({"a/b": 1, "c~d": 1}), &json!({"a/b": 2, "c~d": 2})),
            [
                ("/a~1b".to_owned(), DiffOp::Changed),
                ("/c~0d".to_owned(), DiffOp::Changed),
            ]
        );
    }

    #[test]
    fn headers_by_lower_case_name_without_volatile_ones() {
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect()
        };
        let before = pairs(&[
            ("Content-Type", "application/json"),
            ("Date", "Mon, 01 Jan 2024 00:00:00 GMT"),
            ("X-RateLimit-Remaining", "119"),
            ("Vary", "a"),
            ("Vary", "b"),
            ("X-Old", "1"),
        ]);
        let after = pairs(&[
            ("content-type", "text/plain"),
            ("date", "Tue, 02 Jan 2024 00:00:00 GMT"),
            ("x-ratelimit-remaining", "118"),
            ("Retry-After", "3"),
            ("vary", "a, b"),
            ("X-New", "2"),
        ]);
        assert_eq!(
            diff_headers(&before, &after, &DiffOptions::default()),
            [
                entry(
                    "headers/content-type",
                    DiffOp::Changed,
                    Some(json!("application/json")),
                    Some(json!("text/plain"))
                ),
                entry("headers/x-old", DiffOp::Removed, Some(json!("1")), None),
                entry("headers/x-new", DiffOp::Added, None, Some(json!("2"))),
            ]
        );
        let everything = diff_headers(
            &before,
            &after,
            &DiffOptions {
                include_volatile: true,
            },
        );
        let paths: Vec<&str> = everything.iter().map(|entry| entry.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "headers/content-type",
                "headers/date",
                "headers/x-ratelimit-remaining",
                "headers/x-old",
                "headers/retry-after",
                "headers/x-new"
            ]
        );
    }

    #[test]
    fn answers_compare_status_then_headers_then_body() {
        let headers_before = vec![("x-plan".to_owned(), "free".to_owned())];
        let headers_after = vec![("x-plan".to_owned(), "pro".to_owned())];
        let before = AnswerParts {
            status: Some(200),
            headers: Some(&headers_before),
            body: &json!({"a": 1}),
        };
        let after = AnswerParts {
            status: Some(404),
            headers: Some(&headers_after),
            body: &json!({"a": 2}),
        };
        let paths: Vec<(String, DiffOp)> = diff_answers(&before, &after, &DiffOptions::default())
            .into_iter()
            .map(|entry| (entry.path, entry.op))
            .collect();
        assert_eq!(
            paths,
            [
                ("status".to_owned(), DiffOp::Changed),
                ("headers/x-plan".to_owned(), DiffOp::Changed),
                ("/a".to_owned(), DiffOp::Changed),
            ]
        );
        // A part one side does not know is not compared.
        let body_only = AnswerParts {
            status: None,
            headers: None,
            body: &json!({"a": 1}),
        };
        assert_eq!(
            diff_answers(&body_only, &after, &DiffOptions::default()).len(),
            1
        );
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "[a-z_/~]{0,6}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map("[a-z_/~]{1,6}", inner, 0..4)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn a_value_has_no_differences_from_itself(value in json_value()) {
            let everything = DiffOptions { include_volatile: true };
            prop_assert_eq!(diff(&value, &value, &everything), []);
        }

        #[test]
        fn every_entry_points_at_its_values(before in json_value(), after in json_value()) {
            let everything = DiffOptions { include_volatile: true };
            let entries = diff(&before, &after, &everything);
            prop_assert_eq!(entries.is_empty(), before == after);
            for entry in entries {
                prop_assert_eq!(before.pointer(&entry.path), entry.before.as_ref());
                prop_assert_eq!(after.pointer(&entry.path), entry.after.as_ref());
            }
        }
    }
}
