//! Hiding the token in what is kept: a server may echo it back (in a body that quotes the
//! request's headers, in an error message, in a header), and the history must not keep it.

use std::borrow::Cow;

use percent_encoding::utf8_percent_encode;
use serde_json::Value;

use super::request::{PATH_SEGMENT, QUERY_COMPONENT, TOKEN_ENV_VAR};

/// What a hidden token is replaced by: the reference the stored request already shows in its
/// `authorization` header (`$FLAMEUP_API_TOKEN`), so an echoed `Bearer …` reads the same as the
/// request that was sent.
pub fn token_marker() -> String {
    format!("${TOKEN_ENV_VAR}")
}

/// Tokens shorter than this are not hidden: replacing every `abc` in an answer would mangle it,
/// and no Flameup key is that short.
pub const SHORTEST_HIDDEN_TOKEN: usize = 8;

/// A token to hide, with the forms it takes when a server writes it inside JSON text or a URL.
pub struct Secret {
    forms: Vec<String>,
    marker: String,
}

impl Secret {
    /// The token's forms, or `None` when it is too short to hide without mangling ordinary text.
    pub fn new(token: &str) -> Option<Self> {
        if token.chars().count() < SHORTEST_HIDDEN_TOKEN {
            return None;
        }
        let json = serde_json::to_string(token).unwrap_or_default();
        let json = json
            .strip_prefix('"')
            .and_then(|json| json.strip_suffix('"'))
            .unwrap_or(token);
        let mut forms = vec![
            token.to_owned(),
            json.to_owned(),
            // Some servers escape the slash in JSON strings.
            json.replace('/', "\\/"),
            // As the request builder writes it into a URL's path or query.
            utf8_percent_encode(token, PATH_SEGMENT).to_string(),
            utf8_percent_encode(token, QUERY_COMPONENT).to_string(),
        ];
        // Longest first, so a form is never left half-replaced by a shorter one inside it.
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        forms.dedup();
        Some(Self {
            forms,
            marker: token_marker(),
        })
    }

    /// `text` with every form of the token replaced by [`token_marker`].
    pub fn hide<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut hidden = Cow::Borrowed(text);
        for form in &self.forms {
            if hidden.contains(form.as_str()) {
                hidden = Cow::Owned(hidden.replace(form.as_str(), &self.marker));
            }
        }
        hidden
    }

    /// Hides the token in a string in place.
    pub fn hide_in(&self, text: &mut String) {
        if let Cow::Owned(hidden) = self.hide(text) {
            *text = hidden;
        }
    }

    /// Cuts off the end of a text that was cut short, if it ends in the first part of the token:
    /// a cut through the token would otherwise keep most of it.
    pub fn cut_partial_tail(&self, text: &mut String) {
        let longest_start = self
            .forms
            .iter()
            .filter_map(|form| {
                (1..form.len())
                    .rev()
                    .filter(|&len| form.is_char_boundary(len))
                    .find(|&len| text.ends_with(&form[..len]))
            })
            .max();
        if let Some(len) = longest_start {
            text.truncate(text.len() - len);
        }
    }

    /// Hides the token in every string and key of a JSON value.
    pub fn hide_in_value(&self, value: &mut Value) {
        match value {
            Value::String(text) => self.hide_in(text),
            Value::Array(items) => items.iter_mut().for_each(|item| self.hide_in_value(item)),
            Value::Object(fields) => {
                let hidden_keys = fields
                    .keys()
                    .any(|key| matches!(self.hide(key), Cow::Owned(_)));
                if hidden_keys {
                    *fields = std::mem::take(fields)
                        .into_iter()
                        .map(|(key, value)| (self.hide(&key).into_owned(), value))
                        .collect();
                }
                fields
                    .values_mut()
                    .for_each(|item| self.hide_in_value(item));
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "ws_test_abc/def\"123";

    #[test]
    fn every_form_of_the_token_is_replaced_by_the_marker() {
        let secret = Secret::new(TOKEN).unwrap();
        let text = concat!(
            r#"{"headers":{"Authorization":"Bearer ws_test_abc/def\"123"},"#,
            r#""slashed":"ws_test_abc\/def\"123","url":"/ws_test_abc%2Fdef%22123?t=ws_test_abc%2Fdef%22123"} "#,
            "raw ws_test_abc/def\"123."
        );
        let hidden = secret.hide(text);
        assert!(!hidden.contains("ws_test"), "{hidden}");
        assert_eq!(hidden.matches("$FLAMEUP_API_TOKEN").count(), 5, "{hidden}");
        assert!(hidden.contains("\"Bearer $FLAMEUP_API_TOKEN\""), "{hidden}");
    }

    #[test]
    fn keys_and_nested_strings_of_json_are_hidden_and_the_rest_is_kept() {
        let secret = Secret::new("ws_test_0123456789").unwrap();
        let mut value = serde_json::json!({
            "ws_test_0123456789": [1, "a ws_test_0123456789 b", {"k": "ws_test_0123456789"}],
            "n": 1.50,
        });
        secret.hide_in_value(&mut value);
        assert_eq!(
            value,
            serde_json::json!({
                "$FLAMEUP_API_TOKEN": [1, "a $FLAMEUP_API_TOKEN b", {"k": "$FLAMEUP_API_TOKEN"}],
                "n": 1.50,
            })
        );
    }

    #[test]
    fn a_text_cut_through_the_token_loses_the_part_it_kept() {
        let secret = Secret::new("ws_test_0123456789").unwrap();
        let mut cut = "{\"token\":\"ws_test_01".to_owned();
        secret.cut_partial_tail(&mut cut);
        assert_eq!(cut, "{\"token\":\"");
        let mut whole = "ends well".to_owned();
        secret.cut_partial_tail(&mut whole);
        assert_eq!(whole, "ends well");
    }

    #[test]
    fn a_token_too_short_to_hide_safely_is_not_hidden() {
        assert!(Secret::new("abc1234").is_none());
        assert!(Secret::new("abc12345").is_some());
    }
}
