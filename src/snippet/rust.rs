//! Rust: a complete `main.rs` using ureq 3 and serde_json.

use super::literal::{self, quoted};
use super::{HeaderValue, SnippetHeader, snippet_headers};
use crate::model::{HttpRequest, TOKEN_ENV_VAR};

/// The first line of the snippet: what to add to a new project to build it.
pub const CARGO_ADD: &str = "// cargo add ureq@3 serde_json";

/// The methods ureq has a function of the same name for, and whether that function's builder
/// takes a body (`send`) or not (`call`).
const METHODS: [(&str, bool); 9] = [
    ("GET", false),
    ("POST", true),
    ("PUT", true),
    ("PATCH", true),
    ("DELETE", false),
    ("HEAD", false),
    ("OPTIONS", false),
    ("TRACE", false),
    ("CONNECT", false),
];

pub fn render(request: &HttpRequest) -> String {
    let has_body = !request.body.is_empty();
    // serde_json (without its arbitrary-precision feature) would round an integer beyond 64 bits
    // and refuse a number beyond a float's range: such a body is sent as its text.
    let as_text =
        has_body && !literal::numbers_fit_64_bits(&literal::body_value(&request.body), true);
    let text = raw_string(&literal::body_text(&request.body));
    let parse_body = match (has_body, as_text) {
        (false, _) => String::new(),
        (true, false) => {
            format!("    let body: serde_json::Value = serde_json::from_str({text})?;\n")
        }
        (true, true) => format!("    let body: &str = {text};\n"),
    };
    let body_argument = if as_text {
        "body"
    } else {
        "serde_json::to_string(&body)?"
    };
    let header_lines: String = snippet_headers(request).iter().map(header_line).collect();
    match METHODS.iter().find(|(method, _)| *method == request.method) {
        Some(&(method, takes_body)) => format!(
            "{CARGO_ADD}\n\n\
             fn main() -> Result<(), Box<dyn std::error::Error>> {{\n\
             {parse_body}\
             \x20   let response = ureq::{function}({url})\n\
             {header_lines}\
             \x20       .config()\n\
             \x20       .http_status_as_error(false)\n\
             \x20       .build()\n\
             \x20       {send}?;\n\
             {print}\
             }}\n",
            function = method.to_ascii_lowercase(),
            url = quoted(request.url.as_str()),
            send = send_call(takes_body, has_body, body_argument),
            print = PRINT_RESPONSE,
        ),
        None => format!(
            "{CARGO_ADD}\n\n\
             fn main() -> Result<(), Box<dyn std::error::Error>> {{\n\
             {parse_body}\
             \x20   let request = ureq::http::Request::builder()\n\
             \x20       .method({method})\n\
             \x20       .uri({url})\n\
             {header_lines}\
             \x20       .body({body})?;\n\
             \x20   let agent: ureq::Agent = ureq::Agent::config_builder()\n\
             \x20       .http_status_as_error(false)\n\
             \x20       .build()\n\
             \x20       .into();\n\
             \x20   let response = agent.run(request)?;\n\
             {print}\
             }}\n",
            method = quoted(request.method),
            url = quoted(request.url.as_str()),
            body = if has_body { body_argument } else { "()" },
            print = PRINT_RESPONSE,
        ),
    }
}

/// The snippet's last lines: the status and the body, as every target prints them.
const PRINT_RESPONSE: &str = "    println!(\"{}\", response.status());\n    \
                              println!(\"{}\", response.into_body().read_to_string()?);\n    \
                              Ok(())\n";

/// The call that sends: with the body, or without one. A builder for a method that usually has
/// no body must be told to send one anyway.
pub(crate) fn send_call(takes_body: bool, has_body: bool, body: &str) -> String {
    match (takes_body, has_body) {
        (true, true) => format!(".send({body})"),
        (true, false) => ".send_empty()".to_owned(),
        (false, true) => format!(".force_send_body()\n        .send({body})"),
        (false, false) => ".call()".to_owned(),
    }
}

/// One `.header(name, value)` line of the builder chain.
pub(crate) fn header_line(header: &SnippetHeader<'_>) -> String {
    let value = match header.value {
        HeaderValue::BearerFromEnv => format!(
            "format!(\"Bearer {{}}\", std::env::var({})?)",
            quoted(TOKEN_ENV_VAR)
        ),
        HeaderValue::Text(text) => quoted(text),
    };
    format!("        .header({}, {value})\n", quoted(&header.name))
}

/// A raw string literal with enough `#` that nothing inside can end it.
pub(crate) fn raw_string(text: &str) -> String {
    let longest_run = text
        .split('"')
        .skip(1)
        .map(|after_quote| after_quote.chars().take_while(|c| *c == '#').count())
        .max()
        .unwrap_or(0);
    let hashes = "#".repeat(longest_run + 1);
    format!("r{hashes}\"{text}\"{hashes}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Credential, Draft, build_request};

    #[test]
    fn raw_strings_outlast_their_content() {
        assert_eq!(raw_string("plain"), "r#\"plain\"#");
        assert_eq!(raw_string(r##"a "# b"##), r###"r##"a "# b"##"###);
    }

    #[test]
    fn the_builder_chain_carries_every_header() {
        let request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        let snippet = render(&request);
        assert!(
            snippet.contains(
                "    let response = ureq::post(\"https://api.flameup.ai/api/v1/people\")\n        \
                 .header(\"Content-Type\", \"application/json\")\n        \
                 .header(\"Authorization\", format!(\"Bearer {}\", \
                 std::env::var(\"FLAMEUP_API_TOKEN\")?))\n        \
                 .header(\"Accept\", \"application/json\")\n"
            ),
            "{snippet}"
        );
        assert!(
            snippet.contains(".send(serde_json::to_string(&body)?)?;"),
            "{snippet}"
        );
    }
}
