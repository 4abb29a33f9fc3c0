//! Go with net/http: a complete `package main`, like the docs' example.

use super::literal::{self, quoted};
use super::{HeaderValue, SnippetHeader, reads_token_from_env, snippet_headers};
use crate::model::{HttpRequest, TOKEN_ENV_VAR};

pub fn render(request: &HttpRequest) -> String {
    let headers = snippet_headers(request);
    let has_body = !request.body.is_empty();
    let (data, body_reader) = if has_body {
        let text = literal::body_text(&request.body);
        (
            format!("\tdata := []byte({})\n", raw_string(&text)),
            "bytes.NewBuffer(data)",
        )
    } else {
        (String::new(), "nil")
    };
    let header_lines: String = headers.iter().map(header_line).collect();
    format!(
        "package main\n\n\
         import (\n{imports})\n\n\
         func main() {{\n\
         {data}\
         \treq, err := http.NewRequest({method}, {url}, {body_reader})\n\
         \tif err != nil {{\n\t\tpanic(err)\n\t}}\n\
         {header_lines}\
         \tclient := &http.Client{{}}\n\
         \tresp, err := client.Do(req)\n\
         \tif err != nil {{\n\t\tpanic(err)\n\t}}\n\
         \tdefer resp.Body.Close()\n\
         \tbody, _ := io.ReadAll(resp.Body)\n\
         \tfmt.Println(\"Response Status:\", resp.Status)\n\
         \tfmt.Println(string(body))\n\
         }}\n",
        imports = imports(has_body, reads_token_from_env(&headers)),
        method = quoted(request.method),
        url = quoted(request.url.as_str()),
    )
}

/// The import block's lines, in gofmt's order: Go refuses an import the program does not use.
fn imports(has_body: bool, reads_env: bool) -> String {
    [
        ("bytes", has_body),
        ("fmt", true),
        ("io", true),
        ("net/http", true),
        ("os", reads_env),
    ]
    .into_iter()
    .filter(|(_, used)| *used)
    .map(|(package, _)| format!("\t\"{package}\"\n"))
    .collect()
}

/// One `req.Header.Set` line.
pub(crate) fn header_line(header: &SnippetHeader<'_>) -> String {
    let value = match header.value {
        HeaderValue::BearerFromEnv => format!("\"Bearer \"+os.Getenv(\"{TOKEN_ENV_VAR}\")"),
        HeaderValue::Text(text) => quoted(text),
    };
    format!("\treq.Header.Set({}, {value})\n", quoted(&header.name))
}

/// A Go raw string (backquotes), as the docs write the body. A raw string cannot hold a
/// backquote, and Go refuses a byte order mark anywhere in a source file but its start, so each
/// of those is spliced in as an interpreted string. (Raw strings also drop carriage returns, but
/// JSON text has none outside escapes.)
pub(crate) fn raw_string(text: &str) -> String {
    let mut out = String::from("`");
    for c in text.chars() {
        match c {
            '`' => out.push_str("` + \"`\" + `"),
            '\u{feff}' => out.push_str("` + \"\\uFEFF\" + `"),
            c => out.push(c),
        }
    }
    out.push('`');
    // A splice at either end leaves an empty raw string behind: drop it.
    let out = out.strip_prefix("`` + ").unwrap_or(&out);
    out.strip_suffix(" + ``").unwrap_or(out).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Credential, Draft, build_request};

    #[test]
    fn backquotes_are_spliced() {
        assert_eq!(raw_string("a`b"), "`a` + \"`\" + `b`");
        assert_eq!(raw_string("plain"), "`plain`");
        assert_eq!(raw_string("`a"), "\"`\" + `a`");
        assert_eq!(raw_string(""), "``");
    }

    #[test]
    fn a_byte_order_mark_is_spliced_as_an_escape() {
        assert_eq!(
            raw_string("{\"a\":\"x\u{feff}y\"}"),
            "`{\"a\":\"x` + \"\\uFEFF\" + `y\"}`"
        );
    }

    #[test]
    fn looks_like_the_docs() {
        let request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        let snippet = render(&request);
        assert!(
            snippet.contains(
                "\treq, err := http.NewRequest(\"POST\", \"https://api.flameup.ai/api/v1/people\", \
                 bytes.NewBuffer(data))\n"
            ),
            "{snippet}"
        );
        assert!(
            snippet.contains(
                "\treq.Header.Set(\"Content-Type\", \"application/json\")\n\
                 \treq.Header.Set(\"Authorization\", \"Bearer \"+os.Getenv(\"FLAMEUP_API_TOKEN\"))\n"
            ),
            "{snippet}"
        );
    }

    #[test]
    fn unused_packages_are_not_imported() {
        assert_eq!(
            imports(false, false),
            "\t\"fmt\"\n\t\"io\"\n\t\"net/http\"\n"
        );
    }
}
