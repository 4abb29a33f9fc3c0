//! PHP with the curl extension.

use super::literal;
use super::{HeaderValue, SnippetHeader, snippet_headers};
use crate::model::{HttpRequest, TOKEN_ENV_VAR};

pub fn render(request: &HttpRequest) -> String {
    let has_body = !request.body.is_empty();
    // A nowdoc takes the body as it is: no escapes, no interpolation. Its closing `JSON` cannot
    // occur inside: every line of pretty-printed JSON starts with a bracket, a quote or a value.
    let body = if has_body {
        format!(
            "$body = <<<'JSON'\n{}\nJSON;\n\n",
            literal::body_text(&request.body)
        )
    } else {
        String::new()
    };
    let mut options = method_options(request.method);
    if has_body {
        options.push("CURLOPT_POSTFIELDS => $body".to_owned());
    }
    options.push("CURLOPT_RETURNTRANSFER => true".to_owned());
    let mut header_items: Vec<String> = snippet_headers(request).iter().map(header_item).collect();
    if has_body {
        // Not a header: it stops libcurl from adding `Expect: 100-continue` to larger bodies and
        // waiting for an answer the server may never give.
        header_items.push("'Expect:'".to_owned());
    }
    let header_lines: String = header_items
        .iter()
        .map(|item| format!("        {item},\n"))
        .collect();
    let option_lines: String = options
        .iter()
        .map(|option| format!("    {option},\n"))
        .collect();
    format!(
        "<?php\n\n\
         {body}\
         $ch = curl_init({url});\n\
         curl_setopt_array($ch, [\n\
         {option_lines}    \
             CURLOPT_HTTPHEADER => [\n\
         {header_lines}    \
             ],\n\
         ]);\n\
         $response = curl_exec($ch);\n\
         if ($response === false) {{\n    \
             fwrite(STDERR, curl_error($ch) . PHP_EOL);\n    \
             exit(1);\n\
         }}\n\
         echo curl_getinfo($ch, CURLINFO_RESPONSE_CODE), PHP_EOL, $response, PHP_EOL;\n",
        url = single_quoted(request.url.as_str()),
    )
}

/// The option that sets the method: libcurl's own for GET and POST, `CURLOPT_CUSTOMREQUEST` for
/// the rest.
pub(crate) fn method_options(method: &str) -> Vec<String> {
    match method {
        "GET" => vec!["CURLOPT_HTTPGET => true".to_owned()],
        "POST" => vec!["CURLOPT_POST => true".to_owned()],
        other => vec![format!("CURLOPT_CUSTOMREQUEST => {}", single_quoted(other))],
    }
}

/// One entry of `CURLOPT_HTTPHEADER`: the whole `Name: value` line as one string.
pub(crate) fn header_item(header: &SnippetHeader<'_>) -> String {
    match header.value {
        HeaderValue::BearerFromEnv => {
            format!("'{}: Bearer ' . getenv('{TOKEN_ENV_VAR}')", header.name)
        }
        // `Name:` alone would make libcurl drop the header; `Name;` sends it empty.
        HeaderValue::Text("") => single_quoted(&format!("{};", header.name)),
        HeaderValue::Text(value) => single_quoted(&format!("{}: {value}", header.name)),
    }
}

/// A single-quoted PHP string: only `\\` and `\'` are escapes.
pub(crate) fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', r"\\").replace('\'', r"\'"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Credential, Draft, build_request};

    #[test]
    fn headers_and_method_come_from_the_request() {
        let request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        let snippet = render(&request);
        assert!(
            snippet.contains(
                "    CURLOPT_POST => true,\n    \
                 CURLOPT_POSTFIELDS => $body,\n    \
                 CURLOPT_RETURNTRANSFER => true,\n    \
                 CURLOPT_HTTPHEADER => [\n        \
                 'Content-Type: application/json',\n        \
                 'Authorization: Bearer ' . getenv('FLAMEUP_API_TOKEN'),\n        \
                 'Accept: application/json',\n        \
                 'Expect:',\n    ],\n"
            ),
            "{snippet}"
        );
        assert_eq!(method_options("PUT"), ["CURLOPT_CUSTOMREQUEST => 'PUT'"]);
    }
}
