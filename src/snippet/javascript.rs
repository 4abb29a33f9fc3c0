//! JavaScript `fetch`: runs as an ES module in Node 18+ (`node snippet.mjs`) and in a browser console.

use serde_json::Value;

use super::literal::{self, JAVASCRIPT, quoted};
use crate::model::{Credential, HttpRequest, TOKEN_ENV_VAR};

/// The largest integer JavaScript numbers hold exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

pub fn render(request: &HttpRequest) -> String {
    let authorization = match &request.credential {
        // Node reads the environment; a browser console has none, so it asks.
        Credential::EnvVar => format!(
            "`Bearer ${{globalThis.process?.env.{TOKEN_ENV_VAR} ?? prompt(\"Flameup API token\")}}`"
        ),
        other => quoted(&other.header_value()),
    };
    let value = literal::body_value(&request.body);
    let body = if survives_javascript(&value) {
        format!(
            "JSON.stringify({})",
            literal::native(&value, &JAVASCRIPT, 1)
        )
    } else {
        // Sent as text: it holds what a JavaScript object cannot (huge integers, `__proto__`).
        quoted(&literal::body_text(&request.body))
    };
    format!(
        "const response = await fetch({url}, {{\n  \
           method: \"POST\",\n  \
           headers: {{\n    \
             \"Content-Type\": \"application/json\",\n    \
             \"Authorization\": {authorization},\n  \
           }},\n  \
           body: {body},\n\
         }});\n\
         const data = await response.text();\n\
         console.log(response.status, data);\n",
        url = quoted(request.url.as_str()),
    )
}

/// Whether a JavaScript object literal of `value` serialises back to an equal JSON value.
fn survives_javascript(value: &Value) -> bool {
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
