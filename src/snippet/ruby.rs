//! Ruby with net/http, like the docs' example.

use super::literal;
use crate::model::{Credential, HttpRequest, TOKEN_ENV_VAR};

pub fn render(request: &HttpRequest) -> String {
    let authorization = match &request.credential {
        Credential::EnvVar => format!("\"Bearer #{{ENV.fetch('{TOKEN_ENV_VAR}')}}\""),
        other => single_quoted(&other.header_value()),
    };
    format!(
        "require 'net/http'\n\
         require 'json'\n\n\
         uri = URI({url})\n\
         http = Net::HTTP.new(uri.host, uri.port)\n\
         http.use_ssl = uri.scheme == 'https'\n\
         request = Net::HTTP::Post.new(uri)\n\
         request['Content-Type'] = 'application/json'\n\
         request['Authorization'] = {authorization}\n\
         request.body = {body}\n\
         response = http.request(request)\n\
         puts response.code, response.body\n",
        url = single_quoted(request.url.as_str()),
        body = single_quoted(&literal::body_text(&request.body)),
    )
}

/// A single-quoted Ruby string: only `\\` and `\'` are escapes, and `#{}` is not interpolated.
fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', r"\\").replace('\'', r"\'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(single_quoted(r#"it's \n #{x}"#), r#"'it\'s \\n #{x}'"#);
    }
}
