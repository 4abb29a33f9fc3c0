//! Rust: a complete `main.rs` using ureq 3 and serde_json.

use super::literal::{self, quoted};
use crate::model::{Credential, HttpRequest, TOKEN_ENV_VAR};

/// The first line of the snippet: what to add to a new project to build it.
pub const CARGO_ADD: &str = "// cargo add ureq@3 serde_json";

pub fn render(request: &HttpRequest) -> String {
    let token_line = match &request.credential {
        Credential::EnvVar => format!(
            "    let authorization = format!(\"Bearer {{}}\", std::env::var({})?);\n",
            quoted(TOKEN_ENV_VAR)
        ),
        other => format!(
            "    let authorization = {}.to_owned();\n",
            quoted(&other.header_value())
        ),
    };
    format!(
        "{CARGO_ADD}\n\n\
         fn main() -> Result<(), Box<dyn std::error::Error>> {{\n\
         {token_line}\
         \x20   let body: serde_json::Value = serde_json::from_str({body})?;\n\
         \x20   let response = ureq::post({url})\n\
         \x20       .header(\"Content-Type\", \"application/json\")\n\
         \x20       .header(\"Authorization\", &authorization)\n\
         \x20       .config()\n\
         \x20       .http_status_as_error(false)\n\
         \x20       .build()\n\
         \x20       .send(serde_json::to_string(&body)?)?;\n\
         \x20   println!(\"{{}}\", response.status());\n\
         \x20   println!(\"{{}}\", response.into_body().read_to_string()?);\n\
         \x20   Ok(())\n\
         }}\n",
        body = raw_string(&literal::body_text(&request.body)),
        url = quoted(request.url.as_str()),
    )
}

/// A raw string literal with enough `#` that nothing inside can end it.
fn raw_string(text: &str) -> String {
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

    #[test]
    fn raw_strings_outlast_their_content() {
        assert_eq!(raw_string("plain"), "r#\"plain\"#");
        assert_eq!(raw_string(r##"a "# b"##), r###"r##"a "# b"##"###);
    }
}
