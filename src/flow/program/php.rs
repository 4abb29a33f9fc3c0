//! PHP with the curl extension: each step's options as the PHP snippet writes them, sent
//! through a helper that checks its status.

use super::{Pieces, comments, intro, pointer_list, step_comment};
use crate::flow::plan::{Plan, StepPlan};
use crate::snippet::literal;
use crate::snippet::{php, snippet_headers};

const SEND: &str = r#"/** Sends one step, prints its status, and stops the flow unless it is 2xx; returns the answer. */
function send_step(string $step, string $url, array $options): string
{
    $ch = curl_init($url);
    curl_setopt_array($ch, $options + [CURLOPT_RETURNTRANSFER => true]);
    $answer = curl_exec($ch);
    if ($answer === false) {
        fwrite(STDERR, "$step: no answer: " . curl_error($ch) . PHP_EOL);
        exit(2);
    }
    $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    echo "$step $status", PHP_EOL;
    if ($status < 200 || $status > 299) {
        fwrite(STDERR, "$step failed with status $status: $answer" . PHP_EOL);
        exit(1);
    }
    return $answer;
}

"#;

const FIELD: &str = r#"/** The text at $path in a step's answer; stops the flow when there is none. */
function field(string $step, string $answer, array $path, string $pointer): string
{
    $value = json_decode($answer, true);
    foreach ($path as $key) {
        $value = is_array($value) && array_key_exists($key, $value) ? $value[$key] : null;
    }
    if (!is_string($value)) {
        fwrite(STDERR, "$step: the answer has no text at $pointer" . PHP_EOL);
        exit(1);
    }
    return $value;
}

"#;

pub fn render(plan: &Plan) -> String {
    let mut text = "<?php\n\n".to_owned();
    text.push_str(&comments(
        "//",
        &intro(plan, "Needs PHP 7.4+ with the curl extension: php flow.php"),
    ));
    text.push_str(&format!(
        "\n$base_url = rtrim(getenv('{}') ?: {}, '/');\n\n{SEND}",
        super::BASE_URL_ENV_VAR,
        php::single_quoted(&plan.base_url)
    ));
    if plan.reads_answers() {
        text.push_str(FIELD);
    }
    for step in &plan.steps {
        text.push_str(&step_text(step));
    }
    text
}

/// `$body = …;` for the step: a nowdoc as the snippet writes it, or with variables spliced in.
fn body_assignment(step: &StepPlan) -> Option<String> {
    if !step.body_has_holes() {
        let (value, _) = step.body.as_ref()?;
        // A nowdoc takes the body as it is; see the PHP snippet.
        return Some(format!(
            "$body = <<<'JSON'\n{}\nJSON;\n",
            literal::native(value, &literal::JSON, 0)
        ));
    }
    let encode = |variable: &str| format!("json_encode(${variable})");
    let body = Pieces {
        text: &php::single_quoted,
        variable: &encode,
        join: " . ",
    }
    .body(step)?;
    Some(format!("$body = {body};\n"))
}

fn step_text(step: &StepPlan) -> String {
    let mut text = comments("//", &step_comment(step, |variable| format!("${variable}")));
    let body = body_assignment(step);
    if let Some(body) = &body {
        text.push_str(body);
    }
    let encoded = |variable: &str| format!("rawurlencode(${variable})");
    let url = Pieces {
        text: &php::single_quoted,
        variable: &encoded,
        join: " . ",
    }
    .url(step, "$base_url");
    let mut options = php::method_options(step.request.method);
    let mut headers: Vec<String> = snippet_headers(&step.request)
        .iter()
        .map(php::header_item)
        .collect();
    if body.is_some() {
        options.push("CURLOPT_POSTFIELDS => $body".to_owned());
        // Not a header: it stops libcurl waiting for a `100 Continue`; see the PHP snippet.
        headers.push("'Expect:'".to_owned());
    }
    let option_lines: String = options
        .iter()
        .map(|option| format!("    {option},\n"))
        .collect();
    let header_lines: String = headers
        .iter()
        .map(|header| format!("        {header},\n"))
        .collect();
    let assign = if step.exports.is_empty() {
        ""
    } else {
        "$answer = "
    };
    text.push_str(&format!(
        "{assign}send_step({}, {url}, [\n\
         {option_lines}    CURLOPT_HTTPHEADER => [\n\
         {header_lines}    ],\n]);\n",
        php::single_quoted(&step.name)
    ));
    for variable in &step.exports {
        text.push_str(&format!(
            "${} = field({}, $answer, {}, {});\n",
            variable.name,
            php::single_quoted(&step.name),
            pointer_list(&variable.at, php::single_quoted),
            php::single_quoted(&variable.at)
        ));
    }
    text.push('\n');
    text
}
