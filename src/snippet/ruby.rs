//! Ruby with net/http, like the docs' example.

use super::literal;
use super::{HeaderValue, SnippetHeader, snippet_headers};
use crate::model::{HttpRequest, TOKEN_ENV_VAR};

/// The methods net/http has a request class for (`Net::HTTP::Get` and so on).
const CLASS_METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
];

pub fn render(request: &HttpRequest) -> String {
    let header_lines: String = snippet_headers(request).iter().map(header_line).collect();
    let body = if request.body.is_empty() {
        String::new()
    } else {
        let text = literal::body_text(&request.body);
        format!("request.body = {}\n", single_quoted(&text))
    };
    format!(
        "require 'net/http'\n\
         require 'json'\n\n\
         uri = URI({url})\n\
         http = Net::HTTP.new(uri.host, uri.port)\n\
         http.use_ssl = uri.scheme == 'https'\n\
         request = {new_request}\n\
         {header_lines}\
         {body}\
         response = http.request(request)\n\
         puts response.code, response.body\n",
        url = single_quoted(request.url.as_str()),
        new_request = new_request(request.method, !request.body.is_empty()),
    )
}

/// `Net::HTTP::Post.new(uri)` for the methods with a class, a generic request otherwise.
pub(crate) fn new_request(method: &str, has_body: bool) -> String {
    if CLASS_METHODS.contains(&method) {
        let class = method[..1].to_owned() + &method[1..].to_ascii_lowercase();
        format!("Net::HTTP::{class}.new(uri)")
    } else {
        format!(
            "Net::HTTPGenericRequest.new({}, {has_body}, true, uri)",
            single_quoted(method)
        )
    }
}

/// One `request['Name'] = value` line.
pub(crate) fn header_line(header: &SnippetHeader<'_>) -> String {
    let value = match header.value {
        HeaderValue::BearerFromEnv => format!("\"Bearer #{{ENV.fetch('{TOKEN_ENV_VAR}')}}\""),
        HeaderValue::Text(text) => single_quoted(text),
    };
    format!("request[{}] = {value}\n", single_quoted(&header.name))
}

/// A single-quoted Ruby string: only `\\` and `\'` are escapes, and `#{}` is not interpolated.
pub(crate) fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', r"\\").replace('\'', r"\'"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Credential, Draft, build_request};

    #[test]
    fn quoting() {
        assert_eq!(single_quoted(r#"it's \n #{x}"#), r#"'it\'s \\n #{x}'"#);
    }

    #[test]
    fn looks_like_the_docs() {
        let request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        let snippet = render(&request);
        assert!(
            snippet.contains(
                "request = Net::HTTP::Post.new(uri)\n\
                 request['Content-Type'] = 'application/json'\n\
                 request['Authorization'] = \"Bearer #{ENV.fetch('FLAMEUP_API_TOKEN')}\"\n"
            ),
            "{snippet}"
        );
    }

    #[test]
    fn every_method_has_a_request() {
        assert_eq!(new_request("DELETE", false), "Net::HTTP::Delete.new(uri)");
        assert_eq!(
            new_request("PROPFIND", true),
            "Net::HTTPGenericRequest.new('PROPFIND', true, true, uri)"
        );
    }
}
