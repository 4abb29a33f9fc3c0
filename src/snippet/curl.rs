//! cURL for POSIX shells (bash, zsh, dash).

use crate::model::{Credential, HttpRequest, TOKEN_ENV_VAR};

/// Renders the request like the docs' cURL example: one option per line.
pub fn render(request: &HttpRequest) -> String {
    let authorization = match &request.credential {
        // Double quotes, so the shell expands the variable and the token never sits in the text.
        Credential::EnvVar => format!("\"Authorization: Bearer ${TOKEN_ENV_VAR}\""),
        other => shell_quote(&format!("Authorization: {}", other.header_value())),
    };
    let body = String::from_utf8_lossy(&request.body);
    [
        format!(
            "curl -X {} {}",
            request.method,
            shell_quote(request.url.as_str())
        ),
        format!("-H {}", shell_quote("Content-Type: application/json")),
        format!("-H {authorization}"),
        // The body is a JSON object, so it starts with `{` and curl never reads it as `@file`.
        format!("-d {}", shell_quote(&body)),
    ]
    .join(" \\\n  ")
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
    use crate::model::{Draft, build_request};

    #[test]
    fn looks_like_the_docs() {
        let request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        let snippet = render(&request);
        let expected_start = "curl -X POST \"https://api.flameup.ai/api/v1/people\" \\\n  \
                              -H \"Content-Type: application/json\" \\\n  \
                              -H \"Authorization: Bearer $FLAMEUP_API_TOKEN\" \\\n  \
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
}
