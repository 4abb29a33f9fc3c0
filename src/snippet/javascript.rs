//! JavaScript `fetch`: runs as an ES module in Node 18+ (`node snippet.mjs`) and in a browser console.

use serde_json::Value;

use super::literal::{self, JAVASCRIPT, quoted};
use super::{HeaderValue, SnippetHeader, snippet_headers};
use crate::model::{HttpRequest, TOKEN_ENV_VAR};

/// The largest integer JavaScript numbers hold exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

pub fn render(request: &HttpRequest) -> String {
    let header_lines: String = snippet_headers(request).iter().map(header_entry).collect();
    let body = if request.body.is_empty() {
        String::new()
    } else {
        format!("  body: {},\n", body_expression(&request.body))
    };
    format!(
        "const response = await fetch({url}, {{\n  \
           method: {method},\n  \
           headers: {{\n{header_lines}  }},\n\
         {body}\
         }});\n\
         const data = await response.text();\n\
         console.log(response.status, data);\n",
        url = quoted(request.url.as_str()),
        method = quoted(request.method),
    )
}

/// One entry of the `headers` object, on a line of its own.
pub(crate) fn header_entry(header: &SnippetHeader<'_>) -> String {
    let value = match header.value {
        // Node reads the environment; a browser console has none, so it asks.
        HeaderValue::BearerFromEnv => format!(
            "`Bearer ${{globalThis.process?.env.{TOKEN_ENV_VAR} ?? prompt(\"Flameup API token\")}}`"
        ),
        HeaderValue::Text(text) => quoted(text),
    };
    format!("    {}: {value},\n", quoted(&header.name))
}

/// `JSON.stringify` of an object literal, as in the docs, when that gives the same JSON back.
fn body_expression(body: &[u8]) -> String {
    let value = literal::body_value(body);
    if survives_javascript(&value) && literal::numbers_fit_64_bits(&value, true) {
        format!(
            "JSON.stringify({})",
            literal::native(&value, &JAVASCRIPT, 1)
        )
    } else {
        // Sent as text: it holds what a JavaScript object cannot (huge integers, `__proto__`,
        // numbers beyond a double's range).
        quoted(&literal::body_text(body))
    }
}

/// Whether a JavaScript object literal of `value` serialises back to an equal JSON value.
pub(crate) fn survives_javascript(value: &Value) -> bool {
    match value {
        Value::Number(number) => {
            number.as_u64().is_none_or(|n| n <= MAX_SAFE_INTEGER)
                && number
                    .as_i64()
                    .is_none_or(|n| n.unsigned_abs() <= MAX_SAFE_INTEGER)
        }
        Value::Array(items) => items.iter().all(survives_javascript),
        // `"__proto__": …` in a literal sets the prototype instead of adding a key.
        Value::Object(map) => map
            .iter()
            .all(|(key, item)| key != "__proto__" && survives_javascript(item)),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn what_survives_a_javascript_literal() {
        assert!(survives_javascript(
            &json!({"a": [1, 2.5, -9007199254740991_i64, "x"]})
        ));
        assert!(!survives_javascript(&json!({"a": 9007199254740992_u64})));
        assert!(!survives_javascript(&json!({"a": -9007199254740992_i64})));
        assert!(!survives_javascript(&json!({"x": {"__proto__": 1}})));
    }
}
