//! HTTPie (3.2+), for bash and zsh.

use super::curl::shell_quote;
use super::literal;
use super::{HeaderValue, SnippetHeader, snippet_headers};
use crate::model::{HttpRequest, TOKEN_ENV_VAR};

pub fn render(request: &HttpRequest) -> String {
    // --ignore-stdin: otherwise HTTPie refuses --raw whenever stdin is not a terminal (a script,
    // a pipe, an editor's run button), and waits for a body on stdin when there is no --raw.
    let mut first = "http --ignore-stdin".to_owned();
    if !request.body.is_empty() {
        first.push_str(" --raw ");
        first.push_str(&shell_quote(&literal::body_text(&request.body)));
    }
    let mut lines = vec![
        first,
        format!("{} {}", request.method, shell_quote(request.url.as_str())),
    ];
    lines.extend(snippet_headers(request).iter().map(header_item));
    lines.join(" \\\n  ")
}

/// One header as an HTTPie request item (`Name:value`), quoted as one shell word.
pub(crate) fn header_item(header: &SnippetHeader<'_>) -> String {
    match header.value {
        // Double quotes, so the shell expands the variable and the token never sits in the text.
        HeaderValue::BearerFromEnv => format!("\"{}:Bearer ${TOKEN_ENV_VAR}\"", header.name),
        // `Name:` alone would make HTTPie drop the header; `Name;` sends it empty.
        HeaderValue::Text("") => shell_quote(&format!("{};", header.name)),
        HeaderValue::Text(value) => shell_quote(&format!("{}:{value}", header.name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Credential, Draft, build_request};

    #[test]
    fn one_item_per_line() {
        let request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        let snippet = render(&request);
        assert!(
            snippet.ends_with(
                " \\\n  POST \"https://api.flameup.ai/api/v1/people\" \\\n  \
                 \"Content-Type:application/json\" \\\n  \
                 \"Authorization:Bearer $FLAMEUP_API_TOKEN\" \\\n  \
                 \"Accept:application/json\""
            ),
            "{snippet}"
        );
    }
}
