//! Go with net/http: a complete `package main`, like the docs' example.

use super::literal::{self, quoted};
use crate::model::{Credential, HttpRequest, TOKEN_ENV_VAR};

pub fn render(request: &HttpRequest) -> String {
    let authorization = match &request.credential {
        Credential::EnvVar => format!("\"Bearer \"+os.Getenv(\"{TOKEN_ENV_VAR}\")"),
        other => quoted(&other.header_value()),
    };
    let os_import = if request.credential == Credential::EnvVar {
        "\t\"os\"\n"
    } else {
        ""
    };
    format!(
        "package main\n\n\
         import (\n\t\"bytes\"\n\t\"fmt\"\n\t\"io\"\n\t\"net/http\"\n{os_import})\n\n\
         func main() {{\n\
         \tdata := []byte({body})\n\
         \treq, err := http.NewRequest(\"POST\", {url}, bytes.NewBuffer(data))\n\
         \tif err != nil {{\n\t\tpanic(err)\n\t}}\n\
         \treq.Header.Set(\"Content-Type\", \"application/json\")\n\
         \treq.Header.Set(\"Authorization\", {authorization})\n\
         \tclient := &http.Client{{}}\n\
         \tresp, err := client.Do(req)\n\
         \tif err != nil {{\n\t\tpanic(err)\n\t}}\n\
         \tdefer resp.Body.Close()\n\
         \tbody, _ := io.ReadAll(resp.Body)\n\
         \tfmt.Println(\"Response Status:\", resp.Status)\n\
         \tfmt.Println(string(body))\n\
         }}\n",
        body = raw_string(&literal::body_text(&request.body)),
        url = quoted(request.url.as_str()),
    )
}

/// A Go raw string (backquotes), as the docs write the body. A raw string cannot hold a backquote,
/// so each one is spliced in as an interpreted string. (Raw strings also drop carriage returns,
/// but JSON text has none outside escapes.)
fn raw_string(text: &str) -> String {
    let parts: Vec<String> = text.split('`').map(|part| format!("`{part}`")).collect();
    parts.join(" + \"`\" + ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backquotes_are_spliced() {
        assert_eq!(raw_string("a`b"), "`a` + \"`\" + `b`");
        assert_eq!(raw_string("plain"), "`plain`");
    }
}
