//! A flow as one program per language. Every program has the same shape: a few helpers (print a
//! step's status and stop unless it is 2xx; read a text field of an answer; percent-encode a
//! value as one path segment), then one block per step, in order, built from the step's request
//! with the headers each snippet of that language writes (the same header function).

mod go;
mod javascript;
mod php;
mod python;
mod ruby;
mod rust;
mod shell;

use super::Target;
use super::plan::{Plan, StepPlan, UrlPart};
use crate::model::TOKEN_ENV_VAR;
use crate::model::form::pointer_steps;
use crate::snippet::literal::{self, Part};

/// The environment variable a program reads the base URL from.
pub const BASE_URL_ENV_VAR: &str = "FLAMEUP_BASE_URL";

/// `plan` as a `target` program. The JSON form is not a program: see [`super::render`].
pub fn render(plan: &Plan, target: Target) -> String {
    match target {
        Target::Curl => shell::render_curl(plan),
        Target::Httpie => shell::render_httpie(plan),
        Target::Python => python::render(plan),
        Target::JavaScript => javascript::render(plan),
        Target::Go => go::render(plan),
        Target::Ruby => ruby::render(plan),
        Target::Php => php::render(plan),
        Target::Rust => rust::render(plan),
        Target::Json => String::new(),
    }
}

/// The sentences at the top of every program, without comment marks; `needs` says what runs it.
fn intro(plan: &Plan, needs: &str) -> Vec<String> {
    let names: Vec<&str> = plan.steps.iter().map(|step| step.name.as_str()).collect();
    let steps = match plan.steps.len() {
        1 => "1 step".to_owned(),
        count => format!("{count} steps"),
    };
    vec![
        format!(
            "A Flameup flow of {steps}, exported by Flameup Explorer: {}.",
            names.join(" → ")
        ),
        "Each step prints its status and stops the flow unless the answer is 2xx; identifiers"
            .to_owned(),
        "an earlier answer gave go into later requests as variables.".to_owned(),
        format!("The token is read from {TOKEN_ENV_VAR}, the base URL from {BASE_URL_ENV_VAR}"),
        "(by default, where the first step was sent), for every step.".to_owned(),
        needs.to_owned(),
    ]
    .into_iter()
    .chain(
        plan.notes
            .iter()
            .flat_map(|note| ["".to_owned(), one_line(note)]),
    )
    .collect()
}

/// `text` with its control characters as blanks: a line break in a note (a hand-edited flow
/// file's) would end the comment and make the rest of it code.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The comment lines of a step, without comment marks: what it calls, and where its bound
/// inputs come from.
fn step_comment(step: &StepPlan, name_of: impl Fn(&str) -> String) -> Vec<String> {
    let mut lines = vec![format!(
        "{}. {}: {} {} ({})",
        step.number, step.name, step.request.method, step.operation.path, step.operation.id
    )];
    for (input, variable) in &step.bound {
        lines.push(format!("   {input} is {}", name_of(variable)));
    }
    lines
}

/// `lines` as comments starting with `mark` (`#`, `//`), each on its own line.
fn comments(mark: &str, lines: &[String]) -> String {
    lines
        .iter()
        .map(|line| {
            if line.is_empty() {
                format!("{mark}\n")
            } else {
                format!("{mark} {line}\n")
            }
        })
        .collect()
}

/// How a language writes the pieces of a URL or a body that is put together from text and
/// variables.
struct Pieces<'a> {
    /// A piece of text as a string literal.
    text: &'a dyn Fn(&str) -> String,
    /// A variable's value, as the piece means it (encoded, as a JSON string…).
    variable: &'a dyn Fn(&str) -> String,
    /// The operator between pieces (` + `, ` . `), or nothing for a shell word.
    join: &'a str,
}

impl Pieces<'_> {
    /// The URL of `step`: `base` for the base URL variable.
    fn url(&self, step: &StepPlan, base: &str) -> String {
        let pieces: Vec<String> = step
            .url
            .iter()
            .map(|part| match part {
                UrlPart::Base => base.to_owned(),
                UrlPart::Text(text) => (self.text)(text),
                UrlPart::Encoded(variable) => (self.variable)(variable),
            })
            .collect();
        pieces.join(self.join)
    }

    /// The body's JSON text with its variables (each a JSON string) spliced in.
    fn body(&self, step: &StepPlan) -> Option<String> {
        let (value, holes) = step.body.as_ref()?;
        Some(self.parts(&literal::native_parts(value, &literal::JSON, 0, holes)))
    }

    fn parts(&self, parts: &[Part]) -> String {
        let pieces: Vec<String> = parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => (self.text)(text),
                Part::Hole(variable) => (self.variable)(variable),
            })
            .collect();
        pieces.join(self.join)
    }
}

/// The steps of a JSON Pointer, as a list literal of strings in most languages (`["id"]`).
fn pointer_list(at: &str, quote: impl Fn(&str) -> String) -> String {
    let steps: Vec<String> = pointer_steps(at).map(|step| quote(&step)).collect();
    format!("[{}]", steps.join(", "))
}

/// `text` with `prefix` before each non-empty line: a block moved one level in.
fn indented(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                "\n".to_owned()
            } else {
                format!("{prefix}{line}\n")
            }
        })
        .collect()
}
