//! The request body: built from a draft, and read back into a draft from a JSON file.
//!
//! Reading a body into a draft and building it again gives a JSON-equal body, whatever the file
//! holds: values the form has no typed input for (an empty string, a number as `userId`, an empty
//! `traits` object) become free-form rows that keep their JSON type.

use serde_json::{Map, Value};

use super::draft::{Draft, FieldRow, ValueKind, WELL_KNOWN_TRAITS};

/// The body's top-level keys that have their own inputs, in the documented order.
pub const USER_ID: &str = "userId";
pub const EMAIL: &str = "email";
pub const PHONE: &str = "phone";
pub const TRAITS: &str = "traits";

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
            ValueKind::Json => serde_json::from_str::<Value>(text).map_err(|_| "not valid JSON"),
        };
        parsed.map(exact).unwrap_or_else(|reason| RowValue {
            value: Value::String(text.to_owned()),
            fallback_note: Some(format!("{reason}: sent as a string")),
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

impl Draft {
    /// The JSON body this draft sends, keys in the documented order; empty inputs and rows with
    /// an empty value are left out (see [`FieldRow::is_sent`]).
    pub fn body_json(&self) -> Map<String, Value> {
        let mut body = Map::new();
        for (key, text) in [
            (USER_ID, &self.user_id),
            (EMAIL, &self.email),
            (PHONE, &self.phone),
        ] {
            if !text.is_empty() {
                body.insert(key.to_owned(), Value::String(text.clone()));
            }
        }
        let traits = self.traits_json();
        if !traits.is_empty() {
            body.insert(TRAITS.to_owned(), Value::Object(traits));
        }
        insert_rows(&mut body, &self.other_fields);
        body
    }

    /// The body bytes exactly as sent: pretty-printed JSON, as the docs show it.
    pub fn body_bytes(&self) -> Vec<u8> {
        // Serialising a `Value` into a Vec cannot fail: every key is a string and there is no I/O.
        serde_json::to_vec_pretty(&Value::Object(self.body_json())).unwrap_or_default()
    }

    fn traits_json(&self) -> Map<String, Value> {
        let mut traits = Map::new();
        for (key, text) in WELL_KNOWN_TRAITS.iter().zip(&self.traits) {
            if !text.is_empty() {
                traits.insert((*key).to_owned(), Value::String(text.clone()));
            }
        }
        insert_rows(&mut traits, &self.custom_traits);
        traits
    }

    /// Replaces the body fields of this draft with those of `body`, keeping where it is sent.
    /// Building the body again gives a value JSON-equal to `body`.
    pub fn load_body(&mut self, body: &Map<String, Value>) {
        self.user_id.clear();
        self.email.clear();
        self.phone.clear();
        self.traits = Default::default();
        self.custom_traits.clear();
        self.other_fields.clear();
        for (key, value) in body {
            let slot = match key.as_str() {
                USER_ID => Some(&mut self.user_id),
                EMAIL => Some(&mut self.email),
                PHONE => Some(&mut self.phone),
                _ => None,
            };
            match (slot, value) {
                (Some(slot), Value::String(text)) if !text.is_empty() => *slot = text.clone(),
                (None, Value::Object(traits)) if key == TRAITS && !traits.is_empty() => {
                    self.load_traits(traits);
                }
                _ => self.other_fields.push(FieldRow::from_value(key, value)),
            }
        }
    }

    fn load_traits(&mut self, traits: &Map<String, Value>) {
        for (key, value) in traits {
            let slot = WELL_KNOWN_TRAITS.iter().position(|known| known == key);
            match (slot, value) {
                (Some(index), Value::String(text)) if !text.is_empty() => {
                    self.traits[index] = text.clone();
                }
                _ => self.custom_traits.push(FieldRow::from_value(key, value)),
            }
        }
    }
}

/// Adds free-form rows to `object`. A row replaces a value of the same key, except that two objects
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn keys(map: &Map<String, Value>) -> Vec<&str> {
        map.keys().map(String::as_str).collect()
    }

    #[test]
    fn docs_example_keeps_the_documented_key_order() {
        let body = Draft::docs_example().body_json();
        assert_eq!(keys(&body), ["userId", "email", "phone", "traits"]);
        let traits = body["traits"].as_object().unwrap();
        assert_eq!(keys(traits), WELL_KNOWN_TRAITS);
    }

    #[test]
    fn empty_inputs_are_left_out() {
        let draft = Draft {
            user_id: "u1".into(),
            traits: [
                "".into(),
                "Lovelace".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
            ],
            ..Draft::default()
        };
        assert_eq!(
            Value::Object(draft.body_json()),
            json!({"userId": "u1", "traits": {"last_name": "Lovelace"}})
        );
        assert_eq!(Value::Object(Draft::default().body_json()), json!({}));
    }

    #[test]
    fn custom_traits_keep_their_type() {
        let draft = Draft {
            user_id: "u1".into(),
            custom_traits: vec![
                FieldRow::new("plan", ValueKind::String, "42"),
                FieldRow::new("seats", ValueKind::Number, "42"),
                FieldRow::new("ratio", ValueKind::Number, "0.5"),
                FieldRow::new("beta", ValueKind::Boolean, "true"),
                FieldRow::new("deleted_at", ValueKind::Null, "ignored"),
                FieldRow::new("tags", ValueKind::Json, r#"["a", {"b": [1, null]}]"#),
                FieldRow::new("", ValueKind::String, ""),
            ],
            ..Draft::default()
        };
        let body = Value::Object(draft.body_json());
        assert_eq!(
            body["traits"],
            json!({"plan": "42", "seats": 42, "ratio": 0.5, "beta": true, "deleted_at": null,
                   "tags": ["a", {"b": [1, null]}]})
        );
        assert_eq!(
            keys(body["traits"].as_object().unwrap()),
            ["plan", "seats", "ratio", "beta", "deleted_at", "tags"]
        );
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
        let draft = Draft {
            user_id: "u1".into(),
            custom_traits: vec![
                FieldRow::new("plan", ValueKind::String, "pro"),
                FieldRow::new("plan", ValueKind::String, ""),
                FieldRow::new("seats", ValueKind::Number, " "),
                FieldRow::new("beta", ValueKind::Boolean, ""),
                FieldRow::new("tags", ValueKind::Json, ""),
                FieldRow::new("gone", ValueKind::Null, ""),
                FieldRow::new("", ValueKind::Null, ""),
                FieldRow::new("blank", ValueKind::Json, "\"\""),
            ],
            other_fields: vec![FieldRow::new("userId", ValueKind::String, "")],
            ..Draft::default()
        };
        assert_eq!(
            Value::Object(draft.body_json()),
            json!({"userId": "u1", "traits": {"plan": "pro", "gone": null, "blank": ""}})
        );
    }

    #[test]
    fn other_fields_follow_the_form_fields_and_replace_or_merge() {
        let draft = Draft {
            user_id: "from-form".into(),
            traits: [
                "Ada".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
            ],
            other_fields: vec![
                FieldRow::new("anonymousId", ValueKind::String, "anon-1"),
                FieldRow::new("userId", ValueKind::Number, "7"),
                FieldRow::new("traits", ValueKind::Json, r#"{"plan": "pro"}"#),
            ],
            ..Draft::default()
        };
        let body = draft.body_json();
        assert_eq!(keys(&body), ["userId", "traits", "anonymousId"]);
        assert_eq!(
            Value::Object(body),
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
            draft.load_body(case.as_object().unwrap());
            assert_eq!(Value::Object(draft.body_json()), case);
            let bytes = draft.body_bytes();
            assert_eq!(serde_json::from_slice::<Value>(&bytes).unwrap(), case);
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
            let body: Map<String, Value> = body.into_iter().collect();
            let mut draft = Draft::docs_example();
            draft.load_body(&body);
            prop_assert_eq!(Value::Object(draft.body_json()), Value::Object(body));
        }
    }

    #[test]
    fn loading_keeps_where_the_request_goes() {
        let mut draft = Draft {
            custom_base_url: "http://localhost:1".into(),
            workspace_id: "ws_1".into(),
            ..Draft::docs_example()
        };
        draft.load_body(json!({"userId": "new"}).as_object().unwrap());
        assert_eq!(draft.custom_base_url, "http://localhost:1");
        assert_eq!(draft.workspace_id, "ws_1");
        assert_eq!(draft.email, "");
    }
}
