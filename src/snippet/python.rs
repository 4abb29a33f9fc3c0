//! Python with `requests`, shaped like the docs' example.

use super::literal::{self, PYTHON, quoted};
use super::{HeaderValue, SnippetHeader, reads_token_from_env, snippet_headers};
use crate::model::{HttpRequest, TOKEN_ENV_VAR};

/// The methods `requests` has a function of the same name for.
const SHORTHAND_METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

pub fn render(request: &HttpRequest) -> String {
    let headers = snippet_headers(request);
    let import_os = if reads_token_from_env(&headers) {
        "import os\n"
    } else {
        ""
    };
    let header_lines: String = headers.iter().map(header_entry).collect();
    let has_body = !request.body.is_empty();
    let value = literal::body_value(&request.body);
    // A number beyond a float's range would go out as `Infinity`: such a body is sent as its text.
    let as_text = has_body && !literal::numbers_fit_64_bits(&value, false);
    let data = match (has_body, as_text) {
        (false, _) => String::new(),
        (true, false) => format!("data = {}\n", literal::native(&value, &PYTHON, 0)),
        (true, true) => format!("data = {}\n", quoted(&literal::body_text(&request.body))),
    };
    let json_argument = match (has_body, as_text) {
        (false, _) => "",
        (true, false) => ", json=data",
        (true, true) => ", data=data.encode()",
    };
    format!(
        "{import_os}import requests\n\n\
         url = {url}\n\
         headers = {{\n{header_lines}}}\n\
         {data}\n\
         response = {call}headers=headers{json_argument})\n\
         print(response.status_code, response.text)\n",
        url = quoted(request.url.as_str()),
        call = call_start(request.method),
    )
}

/// `requests.post(url, ` for the methods with a shorthand, `requests.request("M", url, ` otherwise.
pub(crate) fn call_start(method: &str) -> String {
    if SHORTHAND_METHODS.contains(&method) {
        format!("requests.{}(url, ", method.to_ascii_lowercase())
    } else {
        format!("requests.request({}, url, ", quoted(method))
    }
}

/// One entry of the `headers` dict, on a line of its own.
pub(crate) fn header_entry(header: &SnippetHeader<'_>) -> String {
    let value = match header.value {
        HeaderValue::BearerFromEnv => format!("f\"Bearer {{os.environ['{TOKEN_ENV_VAR}']}}\""),
        HeaderValue::Text(text) => quoted(text),
    };
    format!("    {}: {value},\n", quoted(&header.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Credential, Draft, build_request};

    #[test]
    fn looks_like_the_docs() {
        let request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        let snippet = render(&request);
        assert!(
            snippet.contains(
                "headers = {\n    \"Content-Type\": \"application/json\",\n    \
                 \"Authorization\": f\"Bearer {os.environ['FLAMEUP_API_TOKEN']}\",\n    \
                 \"Accept\": \"application/json\",\n}\n"
            ),
            "{snippet}"
        );
        assert!(
            snippet.contains("requests.post(url, headers=headers, json=data)"),
            "{snippet}"
        );
    }

    #[test]
    fn methods_without_a_shorthand_use_request() {
        assert_eq!(call_start("GET"), "requests.get(url, ");
        assert_eq!(
            call_start("PROPFIND"),
            "requests.request(\"PROPFIND\", url, "
        );
    }
}
