//! Rust with ureq 3 and serde_json: a complete `main.rs`, each step a builder chain as the Rust
//! snippet writes it, then its check.

use super::{Pieces, comments, intro, step_comment};
use crate::contract::Method;
use crate::flow::plan::{Plan, StepPlan};
use crate::snippet::literal::quoted;
use crate::snippet::{CARGO_ADD, rust, snippet_headers};

const HELPERS: &str = r#"/// What ends the flow early, said in a sentence.
type Failure = Box<dyn std::error::Error>;

/// Prints a step's status, and stops the flow unless it is 2xx; the answer's body otherwise.
fn check(step: &str, response: ureq::http::Response<ureq::Body>) -> Result<String, Failure> {
    let status = response.status();
    let answer = response.into_body().read_to_string()?;
    println!("{step} {}", status.as_u16());
    if !status.is_success() {
        return Err(format!("{step} failed with status {status}: {answer}").into());
    }
    Ok(answer)
}

/// Says which step got no answer.
fn no_answer(step: &str, error: ureq::Error) -> Failure {
    format!("{step}: no answer: {error}").into()
}

"#;

const FIELD: &str = r#"/// The text at `pointer` in a step's answer; the flow stops when there is none.
fn field(step: &str, answer: &str, pointer: &str) -> Result<String, Failure> {
    let answer: serde_json::Value = serde_json::from_str(answer).unwrap_or_default();
    match answer.pointer(pointer).and_then(serde_json::Value::as_str) {
        Some(text) => Ok(text.to_owned()),
        None => Err(format!("{step}: the answer has no text at {pointer}").into()),
    }
}

"#;

const SEGMENT: &str = r#"/// `text` as one path segment or query value: every byte but A-Z a-z 0-9 - . _ ~ percent-encoded.
fn segment(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

"#;

pub fn render(plan: &Plan) -> String {
    let mut text = format!("{CARGO_ADD}\n//\n");
    text.push_str(&comments(
        "//",
        &intro(
            plan,
            "Needs a cargo project with ureq 3 and serde_json: cargo run",
        ),
    ));
    text.push('\n');
    text.push_str(HELPERS);
    if plan.reads_answers() {
        text.push_str(FIELD);
    }
    if plan.encodes_values() {
        text.push_str(SEGMENT);
    }
    text.push_str(&format!(
        "fn main() {{\n    \
             if let Err(failure) = run() {{\n        \
                 eprintln!(\"{{failure}}\");\n        \
                 std::process::exit(1);\n    \
             }}\n\
         }}\n\n\
         fn run() -> Result<(), Failure> {{\n    \
             let base_url = std::env::var({})\n        \
                 .ok()\n        \
                 .filter(|url| !url.is_empty())\n        \
                 .unwrap_or_else(|| {}.to_owned());\n    \
             let base_url = base_url.trim_end_matches('/');\n\n",
        quoted(super::BASE_URL_ENV_VAR),
        quoted(&plan.base_url)
    ));
    for step in &plan.steps {
        text.push_str(&step_text(step));
    }
    text.push_str("    Ok(())\n}\n");
    text
}

fn step_text(step: &StepPlan) -> String {
    let mut text = super::indented(&comments("//", &step_comment(step, str::to_owned)), "    ");
    let to_json = |variable: &str| format!("serde_json::to_string(&{variable})?.as_str()");
    if let Some(body) = (Pieces {
        text: &rust::raw_string,
        variable: &to_json,
        join: ", ",
    })
    .body(step)
    {
        if step.body_has_holes() {
            text.push_str(&format!("    let body = [{body}].concat();\n"));
        } else {
            text.push_str(&format!("    let body = {body};\n"));
        }
    }
    let encoded = |variable: &str| format!("segment(&{variable}).as_str()");
    let url = Pieces {
        text: &quoted,
        variable: &encoded,
        join: ", ",
    }
    .url(step, "base_url");
    let header_lines: String = snippet_headers(&step.request)
        .iter()
        .map(rust::header_line)
        .collect();
    let takes_body = matches!(
        step.operation.method,
        Method::Post | Method::Put | Method::Patch
    );
    let name = quoted(&step.name);
    text.push_str(&format!(
        "    let response = ureq::{function}([{url}].concat())\n\
         {header_lines}\
         \x20       .config()\n\
         \x20       .http_status_as_error(false)\n\
         \x20       .build()\n\
         \x20       {send}\n\
         \x20       .map_err(|error| no_answer({name}, error))?;\n",
        function = step.request.method.to_ascii_lowercase(),
        send = rust::send_call(takes_body, step.body.is_some(), "body"),
    ));
    if step.exports.is_empty() {
        text.push_str(&format!("    check({name}, response)?;\n"));
    } else {
        text.push_str(&format!("    let answer = check({name}, response)?;\n"));
    }
    for variable in &step.exports {
        text.push_str(&format!(
            "    let {} = field({name}, &answer, {})?;\n",
            variable.name,
            quoted(&variable.at)
        ));
    }
    text.push('\n');
    text
}
