//! Python with `requests`, shaped like the docs' example.

use super::literal::{self, PYTHON, quoted};
use crate::model::{Credential, HttpRequest, TOKEN_ENV_VAR};

pub fn render(request: &HttpRequest) -> String {
    let authorization = match &request.credential {
        Credential::EnvVar => format!("f\"Bearer {{os.environ['{TOKEN_ENV_VAR}']}}\""),
        other => quoted(&other.header_value()),
    };
    let data = literal::native(&literal::body_value(&request.body), &PYTHON, 0);
    let import_os = if request.credential == Credential::EnvVar {
        "import os\n"
    } else {
        ""
    };
    format!(
        "{import_os}import requests\n\n\
         url = {url}\n\
         headers = {{\n    \"Content-Type\": \"application/json\",\n    \"Authorization\": {authorization},\n}}\n\
         data = {data}\n\n\
         response = requests.post(url, headers=headers, json=data)\n\
         print(response.status_code, response.text)\n",
        url = quoted(request.url.as_str()),
    )
}
