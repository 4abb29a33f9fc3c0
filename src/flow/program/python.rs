//! Python with requests: each step as the Python snippet writes it, then its check.

use super::{Pieces, comments, intro, pointer_list, step_comment};
use crate::flow::plan::{Plan, StepPlan};
use crate::snippet::literal::{self, PYTHON, quoted};
use crate::snippet::{python, snippet_headers};

const CHECK: &str = r#"def check(step, response):
    """Prints the step's status, and stops the flow unless it is 2xx."""
    print(step, response.status_code)
    if not 200 <= response.status_code < 300:
        sys.exit(f"{step} failed with status {response.status_code}: {response.text}")


"#;

const FIELD: &str = r#"def field(step, response, path, pointer):
    """The text at `path` in the step's answer; stops the flow when there is none."""
    try:
        value = response.json()
    except ValueError:
        value = None
    for key in path:
        if isinstance(value, dict):
            value = value.get(key)
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            value = None
    if not isinstance(value, str):
        sys.exit(f"{step}: the answer has no text at {pointer}")
    return value


"#;

const SEGMENT: &str = r#"def segment(value):
    """`value` as one path segment or query value, percent-encoded."""
    return urllib.parse.quote(value, safe="")


"#;

pub fn render(plan: &Plan) -> String {
    let mut text = comments(
        "#",
        &intro(plan, "Needs Python 3 and requests (pip install requests)."),
    );
    let text_bodies = plan
        .steps
        .iter()
        .any(|step| step.body_has_holes() && !native(step));
    for (module, used) in [
        ("json", text_bodies),
        ("os", true),
        ("sys", true),
        ("urllib.parse", plan.encodes_values()),
    ] {
        if used {
            text.push_str(&format!("import {module}\n"));
        }
    }
    text.push_str(&format!(
        "\nimport requests\n\n\
         BASE_URL = (os.environ.get(\"{}\") or {}).rstrip(\"/\")\n\n\n{CHECK}",
        super::BASE_URL_ENV_VAR,
        quoted(&plan.base_url),
    ));
    if plan.reads_answers() {
        text.push_str(FIELD);
    }
    if plan.encodes_values() {
        text.push_str(SEGMENT);
    }
    for step in &plan.steps {
        text.push_str(&step_text(step));
    }
    text
}

/// Whether the body can be a dict: its numbers survive Python's JSON (else it goes as text).
fn native(step: &StepPlan) -> bool {
    step.body
        .as_ref()
        .is_some_and(|(value, _)| literal::numbers_fit_64_bits(value, false))
}

fn step_text(step: &StepPlan) -> String {
    let mut text = comments("#", &step_comment(step, str::to_owned));
    let encoded = |variable: &str| format!("segment({variable})");
    let url = Pieces {
        text: &quoted,
        variable: &encoded,
        join: " + ",
    }
    .url(step, "BASE_URL");
    let header_lines: String = snippet_headers(&step.request)
        .iter()
        .map(python::header_entry)
        .collect();
    text.push_str(&format!("url = {url}\nheaders = {{\n{header_lines}}}\n"));
    let argument = match &step.body {
        None => "",
        Some((value, holes)) if native(step) => {
            let parts = literal::native_parts(value, &PYTHON, 0, holes);
            let dict: String = parts
                .into_iter()
                .map(|part| match part {
                    literal::Part::Text(text) | literal::Part::Hole(text) => text,
                })
                .collect();
            text.push_str(&format!("data = {dict}\n"));
            ", json=data"
        }
        Some(_) => {
            let dumps = |variable: &str| format!("json.dumps({variable})");
            let body = Pieces {
                text: &quoted,
                variable: &dumps,
                join: " + ",
            }
            .body(step)
            .unwrap_or_default();
            text.push_str(&format!("data = {body}\n"));
            ", data=data.encode()"
        }
    };
    text.push_str(&format!(
        "response = {}headers=headers{argument})\ncheck({}, response)\n",
        python::call_start(step.request.method),
        quoted(&step.name)
    ));
    for variable in &step.exports {
        text.push_str(&format!(
            "{} = field({}, response, {}, {})\n",
            variable.name,
            quoted(&step.name),
            pointer_list(&variable.at, quoted),
            quoted(&variable.at)
        ));
    }
    text.push('\n');
    text
}
