//! HTTPie (3.2+), for bash and zsh.

use super::curl::shell_quote;
use super::literal;
use crate::model::{Credential, HttpRequest, TOKEN_ENV_VAR};

pub fn render(request: &HttpRequest) -> String {
    let authorization = match &request.credential {
        Credential::EnvVar => format!("\"Authorization:Bearer ${TOKEN_ENV_VAR}\""),
        other => shell_quote(&format!("Authorization:{}", other.header_value())),
    };
    [
        // --ignore-stdin: otherwise HTTPie refuses --raw whenever stdin is not a terminal (a script,
        // a pipe, an editor's run button).
        format!(
            "http --ignore-stdin --raw {} \\",
            shell_quote(&literal::body_text(&request.body))
        ),
        format!("  POST {} \\", shell_quote(request.url.as_str())),
        "  Content-Type:application/json \\".to_owned(),
        format!("  {authorization}"),
    ]
    .join("\n")
}
