//! Free rows: a key with a typed value, for the keys a body's schema leaves open (custom traits,
//! other top-level fields, a push's custom data), and for values no typed input can hold.

use serde_json::Value;

use super::draft::{FieldRow, ValueKind};

/// Body keys the sandbox and the create-person answer speak of by name.
pub const USER_ID: &str = "userId";
pub const EMAIL: &str = "email";
pub const PHONE: &str = "phone";
pub const TRAITS: &str = "traits";

/// What a JSON row nested deeper than JSON parsers read (serde_json's limit, the server's too)
/// is told. Such a row is not turned into a string: Send is refused until it is fixed.
pub const NESTED_TOO_DEEP: &str =
    "JSON nested deeper than 128 levels: the API cannot read it, so Send is refused";

/// A row's value as it will be sent, and why it differs from what was asked for, if it does.
#[derive(Clone, Debug, PartialEq)]
pub struct RowValue {
    pub value: Value,
    /// Set when the text did not parse as the chosen type and is sent as a string instead, so an
    /// explorer can still send what they typed; the form shows this next to the row.
    pub fallback_note: Option<String>,
}

impl FieldRow {
    /// Whether this row goes into the body. A row whose value is empty is left out, as the form
    /// says of every empty input, so a row still being filled in never sends `""` nor replaces
    /// an earlier value. A null row has no value to fill: it is sent once it has a key. To send an
    /// empty string on purpose, type `""` in a JSON row (which is how a loaded `""` is shown).
    pub fn is_sent(&self) -> bool {
        match self.kind {
            ValueKind::Null => !self.key.is_empty(),
            ValueKind::String => !self.value.is_empty(),
            ValueKind::Number | ValueKind::Boolean | ValueKind::Json => {
                !self.value.trim().is_empty()
            }
        }
    }

    /// The JSON value this row sends.
    pub fn json_value(&self) -> RowValue {
        let text = self.value.as_str();
        let parsed = match self.kind {
            ValueKind::String => return exact(Value::String(text.to_owned())),
            ValueKind::Null => return exact(Value::Null),
            ValueKind::Number => serde_json::from_str::<serde_json::Number>(text.trim())
                .map(Value::Number)
                .map_err(|_| "not a number"),
            ValueKind::Boolean => match text.trim() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err("not true or false"),
            },
            ValueKind::Json => serde_json::from_str::<Value>(text).map_err(|err| {
                if err.to_string().starts_with("recursion limit exceeded") {
                    NESTED_TOO_DEEP
                } else {
                    "not valid JSON"
                }
            }),
        };
        parsed.map(exact).unwrap_or_else(|reason| RowValue {
            value: Value::String(text.to_owned()),
            fallback_note: Some(if reason == NESTED_TOO_DEEP {
                reason.to_owned()
            } else {
                format!("{reason}: sent as a string")
            }),
        })
    }

    /// The row that sends `value` unchanged under `key` (one that [`FieldRow::is_sent`]).
    pub fn from_value(key: &str, value: &Value) -> Self {
        let (kind, text) = match value {
            // An empty string row would be left out: as JSON text, `""` is sent as it is.
            Value::String(s) if s.is_empty() => (ValueKind::Json, "\"\"".to_owned()),
            Value::String(s) => (ValueKind::String, s.clone()),
            // Likewise a null row without a key.
            Value::Null if key.is_empty() => (ValueKind::Json, "null".to_owned()),
            Value::Number(n) => (ValueKind::Number, n.to_string()),
            Value::Bool(b) => (ValueKind::Boolean, b.to_string()),
            Value::Null => (ValueKind::Null, String::new()),
            Value::Array(_) | Value::Object(_) => (ValueKind::Json, value.to_string()),
        };
        Self::new(key, kind, text)
    }
}

fn exact(value: Value) -> RowValue {
    RowValue {
        value,
        fallback_note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Draft;
    use crate::model::form::FormValue;
    use proptest::prelude::*;
    use serde_json::{Map, json};

    fn keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    /// A create-person draft with these typed inputs, custom trait rows and other rows.
    fn person(inputs: Value, custom_traits: Vec<FieldRow>, other_fields: Vec<FieldRow>) -> Draft {
        let mut draft = Draft::docs_example();
        draft.load_body(&inputs);
        if !custom_traits.is_empty() {
            let schema = &draft.operation().unwrap().body.as_ref().unwrap().schema;
            let traits = draft
                .values
                .body
                .field_mut(TRAITS, &schema["properties"]["traits"])
                .unwrap();
            traits.rows_mut().unwrap().extend(custom_traits);
        }
        draft.values.body.rows_mut().unwrap().extend(other_fields);
        draft
    }

    #[test]
    fn docs_example_keeps_the_documented_key_order() {
        let body = Draft::docs_example().body_json().unwrap();
        assert_eq!(keys(&body), ["userId", "email", "phone", "traits"]);
        assert_eq!(
            keys(&body["traits"]),
            [
                "first_name",
                "last_name",
                "phone",
                "avatar_url",
                "timezone",
                "locale"
            ]
        );
    }

    #[test]
    fn empty_inputs_are_left_out() {
        let mut draft = person(
            json!({"userId": "u1", "traits": {"last_name": "Lovelace"}}),
            vec![],
            vec![],
        );
        *draft.values.body.field_mut(EMAIL, &Value::Null).unwrap() =
            FormValue::Input(String::new());
        assert_eq!(
            draft.body_json().unwrap(),
            json!({"userId": "u1", "traits": {"last_name": "Lovelace"}})
        );
        let mut empty = Draft::docs_example();
        empty.values.body = FormValue::default();
        assert_eq!(empty.body_json().unwrap(), json!({}));
    }

    #[test]
    fn custom_traits_keep_their_type() {
        let draft = person(
            json!({"userId": "u1"}),
            vec![
                FieldRow::new("plan", ValueKind::String, "42"),
                FieldRow::new("seats", ValueKind::Number, "42"),
                FieldRow::new("ratio", ValueKind::Number, "0.5"),
                FieldRow::new("beta", ValueKind::Boolean, "true"),
                FieldRow::new("deleted_at", ValueKind::Null, "ignored"),
                FieldRow::new("tags", ValueKind::Json, r#"["a", {"b": [1, null]}]"#),
                FieldRow::new("", ValueKind::String, ""),
            ],
            vec![],
        );
        let body = draft.body_json().unwrap();
        assert_eq!(
            body["traits"],
            json!({"plan": "42", "seats": 42, "ratio": 0.5, "beta": true, "deleted_at": null,
                   "tags": ["a", {"b": [1, null]}]})
        );
        assert_eq!(
            keys(&body["traits"]),
            ["plan", "seats", "ratio", "beta", "deleted_at", "tags"]
        );
    }

    #[test]
    fn a_json_row_nested_deeper_than_128_levels_is_refused_not_turned_into_a_string() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let note = FieldRow::new("deep", ValueKind::Json, deep)
            .json_value()
            .fallback_note;
        assert_eq!(note.as_deref(), Some(NESTED_TOO_DEEP));
        let broken = FieldRow::new("broken", ValueKind::Json, "{broken".to_owned())
            .json_value()
            .fallback_note;
        assert_eq!(broken.as_deref(), Some("not valid JSON: sent as a string"));
    }

    #[test]
    fn a_value_that_does_not_parse_as_its_type_is_sent_as_a_string_with_a_note() {
        for (kind, text) in [
            (ValueKind::Number, "12abc"),
            (ValueKind::Boolean, "yes"),
            (ValueKind::Json, "{broken"),
            (ValueKind::Number, "NaN"),
        ] {
            let row = FieldRow::new("k", kind, text);
            let value = row.json_value();
            assert_eq!(value.value, json!(text), "{kind:?}");
            assert!(value.fallback_note.is_some(), "{kind:?}");
        }
        assert_eq!(
            FieldRow::new("k", ValueKind::Number, "1")
                .json_value()
                .fallback_note,
            None
        );
    }

    #[test]
    fn rows_with_an_empty_value_are_left_out_and_never_replace_a_value() {
        let draft = person(
            json!({"userId": "u1"}),
            vec![
                FieldRow::new("plan", ValueKind::String, "pro"),
                FieldRow::new("plan", ValueKind::String, ""),
                FieldRow::new("seats", ValueKind::Number, " "),
                FieldRow::new("beta", ValueKind::Boolean, ""),
                FieldRow::new("tags", ValueKind::Json, ""),
                FieldRow::new("gone", ValueKind::Null, ""),
                FieldRow::new("", ValueKind::Null, ""),
                FieldRow::new("blank", ValueKind::Json, "\"\""),
            ],
            vec![FieldRow::new("userId", ValueKind::String, "")],
        );
        assert_eq!(
            draft.body_json().unwrap(),
            json!({"userId": "u1", "traits": {"plan": "pro", "gone": null, "blank": ""}})
        );
    }

    #[test]
    fn other_fields_follow_the_form_fields_and_replace_or_merge() {
        let draft = person(
            json!({"userId": "from-form", "traits": {"first_name": "Ada"}}),
            vec![],
            vec![
                FieldRow::new("anonymousId", ValueKind::String, "anon-1"),
                FieldRow::new("userId", ValueKind::Number, "7"),
                FieldRow::new("traits", ValueKind::Json, r#"{"plan": "pro"}"#),
            ],
        );
        let body = draft.body_json().unwrap();
        assert_eq!(keys(&body), ["userId", "traits", "anonymousId"]);
        assert_eq!(
            body,
            json!({"userId": 7, "traits": {"first_name": "Ada", "plan": "pro"}, "anonymousId": "anon-1"})
        );
    }

    #[test]
    fn loading_a_body_and_building_it_again_is_json_equal() {
        let cases = [
            json!({}),
            json!({"userId": "u", "email": "a@b.c", "phone": "+1", "traits": {"first_name": "A", "plan": "pro"}}),
            json!({"userId": 42, "email": "", "phone": null, "traits": {}}),
            json!({"traits": "not an object", "anonymousId": "x", "extra": {"nested": [1, 2.5, true]}}),
            json!({"traits": {"locale": null, "first_name": "", "timezone": 3, "last_name": "B", "z": [{}]}}),
            json!({"email": "x@y.z", "userId": "late", "big": 18446744073709551615u64, "neg": -1e300}),
            json!({"": null, "anonymousId": "", "traits": {"": "", "plan": "", "x": null}}),
        ];
        for case in cases {
            let mut draft = Draft::docs_example();
            draft.load_body(&case);
            assert_eq!(draft.body_json().unwrap(), case);
        }
    }

    /// Any JSON value, biased towards what a body holds: the form's own keys, empty strings,
    /// numbers written in every way JSON allows, and nesting.
    fn any_json() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just(String::new()),
            prop::sample::select(vec![
                USER_ID,
                EMAIL,
                PHONE,
                TRAITS,
                "first_name",
                "locale",
                "plan",
            ])
            .prop_map(str::to_owned),
            "[a-zA-Z_ ]{0,6}",
        ];
        let number = "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?"
            .prop_map(|text| Value::Number(serde_json::from_str(&text).unwrap()));
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            number,
            "[a-z \"\\\\]{0,4}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..5)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn any_loaded_body_is_built_again_json_equal(body in prop::collection::vec(("[a-zA-Z]{0,3}|userId|email|phone|traits", any_json()), 0..6)) {
            let body = Value::Object(body.into_iter().collect::<Map<String, Value>>());
            let mut draft = Draft::docs_example();
            draft.load_body(&body);
            prop_assert_eq!(draft.body_json().unwrap(), body);
        }
    }

    #[test]
    fn loading_keeps_where_the_request_goes() {
        let mut draft = Draft {
            custom_base_url: "http://localhost:1".into(),
            operation: "createWorkspacePerson".into(),
            ..Draft::docs_example()
        };
        draft
            .values
            .path
            .insert("workspaceId".into(), "ws_1".into());
        draft.load_body(&json!({"userId": "new"}));
        assert_eq!(draft.custom_base_url, "http://localhost:1");
        assert_eq!(draft.values.path["workspaceId"], "ws_1");
        assert_eq!(draft.body_json().unwrap(), json!({"userId": "new"}));
    }
}
