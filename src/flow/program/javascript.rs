//! JavaScript for Node 18+ as an ES module: each step a `fetch` as the JavaScript snippet writes
//! it, through a helper that checks its status.

use super::{Pieces, comments, intro, pointer_list, step_comment};
use crate::flow::names::camel;
use crate::flow::plan::{Plan, StepPlan};
use crate::snippet::literal::{self, JAVASCRIPT, quoted};
use crate::snippet::{javascript, snippet_headers};

const SEND: &str = r#"/** Sends one step, prints its status, and stops the flow unless it is 2xx; returns the answer. */
async function send(step, url, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    console.error(`${step}: no answer: ${error.cause ?? error}`);
    process.exit(2);
  }
  const text = await response.text();
  console.log(step, response.status);
  if (!response.ok) {
    console.error(`${step} failed with status ${response.status}: ${text}`);
    process.exit(1);
  }
  return text;
}

"#;

const FIELD: &str = r#"/** The text at `path` in a step's answer; stops the flow when there is none. */
function field(step, answer, path, pointer) {
  let value;
  try {
    value = JSON.parse(answer);
  } catch {
    value = undefined;
  }
  for (const key of path) {
    value = value !== null && typeof value === "object" && Object.hasOwn(value, key) ? value[key] : undefined;
  }
  if (typeof value !== "string") {
    console.error(`${step}: the answer has no text at ${pointer}`);
    process.exit(1);
  }
  return value;
}

"#;

pub fn render(plan: &Plan) -> String {
    let mut text = comments("//", &intro(plan, "Needs Node 18+: node flow.mjs"));
    text.push_str(&format!(
        "\nconst baseUrl = (process.env.{} || {}).replace(/\\/+$/, \"\");\n\n{SEND}",
        super::BASE_URL_ENV_VAR,
        quoted(&plan.base_url)
    ));
    if plan.reads_answers() {
        text.push_str(FIELD);
        text.push_str("let answer;\n\n");
    }
    for step in &plan.steps {
        text.push_str(&step_text(step));
    }
    text
}

/// The body as `fetch` takes it: `JSON.stringify` of an object literal when that gives the same
/// JSON back, else the JSON text.
fn body_expression(step: &StepPlan) -> Option<String> {
    let (value, holes) = step.body.as_ref()?;
    let holes = holes
        .iter()
        .map(|(pointer, variable)| (pointer.clone(), camel(variable)))
        .collect();
    if javascript::survives_javascript(value) && literal::numbers_fit_64_bits(value, true) {
        let object: String = literal::native_parts(value, &JAVASCRIPT, 1, &holes)
            .into_iter()
            .map(|part| match part {
                literal::Part::Text(text) | literal::Part::Hole(text) => text,
            })
            .collect();
        Some(format!("JSON.stringify({object})"))
    } else {
        let stringify = |variable: &str| format!("JSON.stringify({})", camel(variable));
        Pieces {
            text: &quoted,
            variable: &stringify,
            join: " + ",
        }
        .body(step)
    }
}

fn step_text(step: &StepPlan) -> String {
    let mut text = comments("//", &step_comment(step, camel));
    let encoded = |variable: &str| format!("encodeURIComponent({})", camel(variable));
    let url = Pieces {
        text: &quoted,
        variable: &encoded,
        join: " + ",
    }
    .url(step, "baseUrl");
    let header_lines: String = snippet_headers(&step.request)
        .iter()
        .map(javascript::header_entry)
        .collect();
    let body = body_expression(step)
        .map(|body| format!("  body: {body},\n"))
        .unwrap_or_default();
    let assign = if step.exports.is_empty() {
        ""
    } else {
        "answer = "
    };
    text.push_str(&format!(
        "{assign}await send({name}, {url}, {{\n  \
           method: {method},\n  \
           headers: {{\n{header_lines}  }},\n\
         {body}}});\n",
        name = quoted(&step.name),
        method = quoted(step.request.method),
    ));
    for variable in &step.exports {
        text.push_str(&format!(
            "const {} = field({}, answer, {}, {});\n",
            camel(&variable.name),
            quoted(&step.name),
            pointer_list(&variable.at, quoted),
            quoted(&variable.at)
        ));
    }
    text.push('\n');
    text
}
