//! Bash scripts: one of cURL commands, one of HTTPie commands. Both read answers with jq, the
//! usual tool for JSON in a shell (a shell alone cannot read JSON safely), and encode values
//! with it too.

use super::{Pieces, comments, intro, pointer_list, step_comment};
use crate::flow::plan::{Plan, StepPlan};
use crate::model::TOKEN_ENV_VAR;
use crate::snippet::{curl, httpie, shell_quote, snippet_headers};

/// What both scripts start with: the settings, the base URL, the answer file and the helpers.
fn preamble(plan: &Plan, needs: &str, extra_files: &str, check: &str) -> String {
    let mut text = "#!/usr/bin/env bash\n".to_owned();
    text.push_str(&comments("#", &intro(plan, needs)));
    text.push_str(&format!(
        "set -euo pipefail\n\
         : \"${{{TOKEN_ENV_VAR}:?export your Flameup API token first}}\"\n\n\
         base_url=\"${{{}:-{}}}\"\n\
         base_url=\"${{base_url%/}}\"\n\
         answer=\"$(mktemp)\"\n{extra_files}\n",
        super::BASE_URL_ENV_VAR,
        escape_in_double_quotes(&plan.base_url),
    ));
    text.push_str(check);
    text.push_str(NO_ANSWER);
    if plan.reads_answers() {
        text.push_str(FIELD);
    }
    if plan.encodes_values() {
        text.push_str(SEGMENT);
    }
    if plan.has_body_holes() {
        text.push_str(JSON_STRING);
    }
    text
}

/// `text` inside double quotes, where `$`, `` ` ``, `"` and `\` are special.
fn escape_in_double_quotes(text: &str) -> String {
    let mut escaped = String::new();
    for c in text.chars() {
        if matches!(c, '$' | '`' | '"' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Prints the status and stops unless it is 2xx; shared by both scripts after they have the
/// status.
const STOP_UNLESS_2XX: &str = "  echo \"$1 $status\"\n  \
       case \"$status\" in\n    \
         2??) ;;\n    \
         *)\n      \
           echo \"$1 failed with status $status:\" >&2\n      \
           cat \"$answer\" >&2\n      \
           echo >&2\n      \
           exit 1\n      \
           ;;\n  \
       esac\n}\n\n";

const NO_ANSWER: &str = "# Stops the flow: step $1 got no answer.\n\
     no_answer() {\n  \
       echo \"$1: no answer\" >&2\n  \
       exit 2\n}\n\n";

const FIELD: &str = "# The text at $2 (a list of keys) in the answer of step $1 ($3 as a JSON Pointer); stops the\n\
     # flow when there is none.\n\
     field() {\n  \
       jq -er --argjson path \"$2\" \\\n    \
         'reduce $path[] as $key (.; if type == \"array\" then .[$key | tonumber] elif type == \"object\" then .[$key] else null end) | strings' \\\n    \
         \"$answer\" || {\n    \
         echo \"$1: the answer has no text at $3\" >&2\n    \
         exit 1\n  \
       }\n}\n\n";

const SEGMENT: &str = "# $1 as one path segment or query value, percent-encoded.\n\
     segment() {\n  \
       jq -rn --arg value \"$1\" '$value | @uri'\n}\n\n";

const JSON_STRING: &str = "# $1 as a JSON string.\n\
     json_string() {\n  \
       jq -n --arg value \"$1\" '$value'\n}\n\n";

/// How a shell word is put together from quoted text and variables.
fn word_pieces<'a>(
    text: &'a dyn Fn(&str) -> String,
    variable: &'a dyn Fn(&str) -> String,
) -> Pieces<'a> {
    Pieces {
        text,
        variable,
        join: "",
    }
}

/// The step's URL as one double-quoted word, each variable percent-encoded inside it.
fn url_word(step: &StepPlan) -> String {
    let encoded = |variable: &str| format!("$(segment \"${variable}\")");
    let inside = word_pieces(&escape_in_double_quotes, &encoded).url(step, "${base_url}");
    format!("\"{inside}\"")
}

/// After a step: its status checked, and the values later steps need read from its answer.
fn after_step(step: &StepPlan, check: &str) -> String {
    let mut text = check.to_owned();
    for variable in &step.exports {
        text.push_str(&format!(
            "{name}=\"$(field {step} {path} {at})\"\n",
            name = variable.name,
            step = step.name,
            path = shell_quote(&pointer_list(&variable.at, crate::snippet::literal::quoted)),
            at = shell_quote(&variable.at),
        ));
    }
    text.push('\n');
    text
}

pub fn render_curl(plan: &Plan) -> String {
    let check = format!(
        "# Prints the status of step $1, and stops the flow unless it is 2xx.\n\
         check() {{\n  \
           local status=$2\n{STOP_UNLESS_2XX}"
    );
    let mut text = preamble(
        plan,
        "Needs bash, curl and jq.",
        "trap 'rm -f \"$answer\"' EXIT\n",
        &check,
    );
    let body_variable = |variable: &str| format!("\"$(json_string \"${variable}\")\"");
    for step in &plan.steps {
        text.push_str(&comments("#", &step_comment(step, str::to_owned)));
        let url = url_word(step);
        let mut lines = vec![format!(
            "status=\"$(curl -sS -o \"$answer\" -w '%{{http_code}}' -X {} {url}",
            step.request.method
        )];
        lines.extend(
            snippet_headers(&step.request)
                .iter()
                .map(|header| format!("-H {}", curl::header_arg(header))),
        );
        if let Some(body) = word_pieces(&shell_quote, &body_variable).body(step) {
            lines.push(format!("-d {body}"));
        }
        text.push_str(&lines.join(" \\\n  "));
        text.push_str(&format!(")\" || no_answer {}\n", step.name));
        text.push_str(&after_step(
            step,
            &format!("check {} \"$status\"\n", step.name),
        ));
    }
    text
}

pub fn render_httpie(plan: &Plan) -> String {
    let check = format!(
        "# Reads HTTPie's output for step $1 (the status line, headers, a blank line, the body):\n\
         # prints the status, keeps the body, and stops the flow unless the status is 2xx.\n\
         check() {{\n  \
           local status\n  \
           status=\"$(head -n 1 \"$printed\" | cut -d ' ' -f 2)\"\n  \
           awk 'body {{ print }} /^\\r?$/ {{ body = 1 }}' \"$printed\" > \"$answer\"\n\
         {STOP_UNLESS_2XX}"
    );
    let mut text = preamble(
        plan,
        "Needs bash, HTTPie 3.2+ and jq.",
        "printed=\"$(mktemp)\"\ntrap 'rm -f \"$answer\" \"$printed\"' EXIT\n",
        &check,
    );
    let body_variable = |variable: &str| format!("\"$(json_string \"${variable}\")\"");
    for step in &plan.steps {
        text.push_str(&comments("#", &step_comment(step, str::to_owned)));
        // --ignore-stdin: HTTPie otherwise reads a body from standard input when it is not a
        // terminal. --print=hb: the status line and headers, then the body, uncoloured.
        let mut first = "http --ignore-stdin --pretty=none --print=hb".to_owned();
        if let Some(body) = word_pieces(&shell_quote, &body_variable).body(step) {
            first.push_str(" --raw ");
            first.push_str(&body);
        }
        let url = url_word(step);
        let mut lines = vec![first, format!("{} {url}", step.request.method)];
        lines.extend(
            snippet_headers(&step.request)
                .iter()
                .map(httpie::header_item),
        );
        text.push_str(&lines.join(" \\\n  "));
        text.push_str(&format!(
            " \\\n  > \"$printed\" || no_answer {}\n",
            step.name
        ));
        text.push_str(&after_step(step, &format!("check {}\n", step.name)));
    }
    text
}
