//! cURL for POSIX shells (bash, zsh, dash).

use super::{HeaderValue, SnippetHeader, snippet_headers};
use crate::model::{HttpRequest, TOKEN_ENV_VAR};

/// Renders the request like the docs' cURL example: one option per line.
pub fn render(request: &HttpRequest) -> String {
    let mut lines = vec![format!(
        "curl -X {} {}",
        request.method,
        shell_quote(request.url.as_str())
    )];
    lines.extend(
        snippet_headers(request)
            .iter()
            .map(|header| format!("-H {}", header_arg(header))),
    );
    if !request.body.is_empty() {
        lines.push(body_arg(&String::from_utf8_lossy(&request.body)));
    }
    lines.join(" \\\n  ")
}

/// One header as the shell word after `-H`.
pub(crate) fn header_arg(header: &SnippetHeader<'_>) -> String {
    match header.value {
        // Double quotes, so the shell expands the variable and the token never sits in the text.
        HeaderValue::BearerFromEnv => format!("\"{}: Bearer ${TOKEN_ENV_VAR}\"", header.name),
        // `Name:` alone would make curl drop the header; `Name;` sends it empty.
        HeaderValue::Text("") => shell_quote(&format!("{};", header.name)),
        HeaderValue::Text(value) => shell_quote(&format!("{}: {value}", header.name)),
    }
}

/// `-d`, as in the docs, unless the body starts with `@`, which `-d` would read as a file name.
fn body_arg(body: &str) -> String {
    let option = if body.starts_with('@') {
        "--data-raw"
    } else {
        "-d"
    };
    format!("{option} {}", shell_quote(body))
}

/// Quotes `text` as one word for a POSIX shell. Plain text goes in double quotes, as in the docs;
/// anything else in single quotes, inside which only `'` itself needs care (`'\''`). The JSON body,
/// URLs and header values the app builds never hold a NUL byte, the one thing no shell word can.
pub fn shell_quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || " _-.,:/+=@%~;".contains(c);
    if text.chars().all(plain) {
        format!("\"{text}\"")
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Credential, Draft, build_request};

    #[test]
    fn looks_like_the_docs() {
        let request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        let snippet = render(&request);
        let expected_start = "curl -X POST \"https://api.flameup.ai/api/v1/people\" \\\n  \
                              -H \"Content-Type: application/json\" \\\n  \
                              -H \"Authorization: Bearer $FLAMEUP_API_TOKEN\" \\\n  \
                              -H \"Accept: application/json\" \\\n  \
                              -d '{\n  \"userId\": \"example_string\",";
        assert!(snippet.starts_with(expected_start), "{snippet}");
        assert!(snippet.ends_with("\n}'"), "{snippet}");
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("a b"), "\"a b\"");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$HOME `x` \"q\""), "'$HOME `x` \"q\"'");
        assert_eq!(shell_quote(""), "\"\"");
    }

    #[test]
    fn an_inlined_token_is_quoted_like_any_other_word() {
        let request = build_request(
            &Draft::docs_example(),
            None,
            &Credential::Token("a$b'c".into()),
        )
        .unwrap();
        assert!(render(&request).contains(r"-H 'Authorization: Bearer a$b'\''c'"));
    }

    #[test]
    fn a_bodyless_delete_has_no_data_and_empty_headers_stay() {
        let mut request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        request.method = "DELETE";
        request.body.clear();
        request.headers.retain(|(name, _)| name != "content-type");
        request.headers.push(("x-empty".into(), String::new()));
        let snippet = render(&request);
        assert!(snippet.starts_with("curl -X DELETE "), "{snippet}");
        assert!(snippet.ends_with("-H \"X-Empty;\""), "{snippet}");
        assert!(!snippet.contains("-d "), "{snippet}");
    }

    #[test]
    fn a_body_starting_with_at_is_never_a_file_name() {
        assert_eq!(body_arg("@/etc/passwd"), "--data-raw \"@/etc/passwd\"");
        assert_eq!(body_arg("{}"), "-d '{}'");
    }
}
