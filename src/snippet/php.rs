//! PHP with the curl extension.

use super::literal;
use crate::model::{Credential, HttpRequest, TOKEN_ENV_VAR};

pub fn render(request: &HttpRequest) -> String {
    let authorization = match &request.credential {
        Credential::EnvVar => format!("'Authorization: Bearer ' . getenv('{TOKEN_ENV_VAR}')"),
        other => single_quoted(&format!("Authorization: {}", other.header_value())),
    };
    // A nowdoc takes the body as it is: no escapes, no interpolation. Its closing `JSON` cannot
    // occur inside: every line of pretty-printed JSON starts with a bracket, a quote or a value.
    format!(
        "<?php\n\n\
         $body = <<<'JSON'\n{body}\nJSON;\n\n\
         $ch = curl_init({url});\n\
         curl_setopt_array($ch, [\n    \
             CURLOPT_POST => true,\n    \
             CURLOPT_POSTFIELDS => $body,\n    \
             CURLOPT_RETURNTRANSFER => true,\n    \
             CURLOPT_HTTPHEADER => [\n        \
                 'Content-Type: application/json',\n        \
                 {authorization},\n        \
                 'Expect:',\n    \
             ],\n\
         ]);\n\
         $response = curl_exec($ch);\n\
         if ($response === false) {{\n    \
             fwrite(STDERR, curl_error($ch) . PHP_EOL);\n    \
             exit(1);\n\
         }}\n\
         echo curl_getinfo($ch, CURLINFO_RESPONSE_CODE), PHP_EOL, $response, PHP_EOL;\n",
        body = literal::body_text(&request.body),
        url = single_quoted(request.url.as_str()),
    )
}

/// A single-quoted PHP string: only `\\` and `\'` are escapes.
fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', r"\\").replace('\'', r"\'"))
}
