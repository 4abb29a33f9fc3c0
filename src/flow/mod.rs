//! Flows: several sends in a row, where identifiers an earlier answer gave flow into later
//! requests (the UUID a create returned goes into the devices path). A flow is made from history
//! entries, written as one program per target language or as JSON, and replayed.
//!
//! Pure, like `model` and `snippet`: no I/O. Which values flow where comes from the contract
//! (`x-flameup-identifier`, read by [`crate::model::links`]), never from code per operation.

mod names;
mod plan;
mod program;
mod replay;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::contract::{self, Operation, ParamPlace};
use crate::model::form::Shape;
use crate::model::links::{self, Found, Slot};
use crate::model::phrase::joined;
use crate::model::{Credential, Draft, Environment, build_request};
use crate::store::history::HistoryEntry;
use crate::store::saved::SavedRequest;

pub use replay::{ReplayError, replay};

/// The version of the JSON form written by this version ([`Flow::to_json`]).
pub const FORMAT_VERSION: u32 = 1;

/// A flow: steps sent in order, each with the inputs it takes from earlier answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    /// The version of the JSON form, so an older app can refuse a newer file in a sentence.
    pub version: u32,
    /// Where the steps were sent: every program starts from it unless told otherwise
    /// (`FLAMEUP_BASE_URL`, `flow run --base-url`).
    pub base_url: String,
    pub steps: Vec<Step>,
    /// What the reader should know about how the steps were bound (a value taken from a place in
    /// a list, an answer too big to take values from): each program says it in its comments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One request of a flow, with the values it was recorded with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Unique in the flow, and the start of the names of the variables its answer gives
    /// (`create_person` gives `create_person_id`).
    pub name: String,
    /// The operationId.
    pub operation: String,
    /// Where this step goes, when not to the flow's base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub path: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The inputs whose values come from earlier answers, replacing the recorded ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bindings: Vec<Binding>,
}

/// An input of a step that takes its value from an earlier step's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    pub input: Input,
    /// The earlier step, by name.
    pub from: String,
    /// Where in that step's answer, as a JSON Pointer (`/id`).
    pub at: String,
}

/// An input of an operation's request.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Input {
    /// A path value, by the parameter's name.
    Path(String),
    /// A query value, by the parameter's name.
    Query(String),
    /// A body value, by its JSON Pointer.
    Body(String),
}

impl Input {
    fn of(slot: Slot) -> Self {
        match slot {
            Slot::Path(name) => Self::Path(name),
            Slot::Query(name) => Self::Query(name),
            Slot::Body(pointer) => Self::Body(pointer),
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path(name) => write!(formatter, "the path value {name}"),
            Self::Query(name) => write!(formatter, "the query value {name}"),
            Self::Body(pointer) => write!(formatter, "the body's {pointer}"),
        }
    }
}

/// A value one step's answer gives to later steps: a variable of the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// In snake case (`create_person_id`); languages that prefer camel case convert it.
    pub name: String,
    /// The index of the step whose answer holds it.
    pub step: usize,
    /// Where in that answer, as a JSON Pointer.
    pub at: String,
}

/// What a flow can be written as.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum,
)]
pub enum Target {
    /// A bash script of cURL commands; reads answers with jq.
    #[default]
    Curl,
    /// Python with requests.
    Python,
    /// JavaScript for Node 18+, as an ES module.
    #[value(name = "javascript")]
    JavaScript,
    /// Go with net/http.
    Go,
    /// Ruby with net/http.
    Ruby,
    /// A bash script of HTTPie 3.2+ commands; reads answers with jq.
    Httpie,
    /// PHP with the curl extension.
    Php,
    /// Rust with ureq 3 and serde_json.
    Rust,
    /// The flow itself, for `flow run`: the requests and their bindings.
    Json,
}

impl Target {
    pub const ALL: [Self; 9] = [
        Self::Curl,
        Self::Python,
        Self::JavaScript,
        Self::Go,
        Self::Ruby,
        Self::Httpie,
        Self::Php,
        Self::Rust,
        Self::Json,
    ];

    /// The name shown in a list of targets.
    pub fn label(self) -> &'static str {
        match self {
            Self::Curl => "cURL (bash)",
            Self::Python => "Python",
            Self::JavaScript => "JavaScript",
            Self::Go => "Go",
            Self::Ruby => "Ruby",
            Self::Httpie => "HTTPie (bash)",
            Self::Php => "PHP",
            Self::Rust => "Rust",
            Self::Json => "JSON (flow run)",
        }
    }

    /// The file name the program is saved under to run it.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Curl => "flow.sh",
            Self::Python => "flow.py",
            Self::JavaScript => "flow.mjs",
            Self::Go => "flow.go",
            Self::Ruby => "flow.rb",
            Self::Httpie => "flow-httpie.sh",
            Self::Php => "flow.php",
            Self::Rust => "main.rs",
            Self::Json => "flow.json",
        }
    }
}

/// Why a flow cannot be made, read or written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowError {
    /// No steps: there is nothing to write or run.
    Empty,
    /// The JSON form could not be read.
    Unreadable(String),
    /// A flow written by a newer version.
    NewerVersion(u32),
    /// A step, by its number from 1, and what is wrong with it.
    Step { number: usize, problem: String },
}

impl fmt::Display for FlowError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(formatter, "the flow has no steps"),
            Self::Unreadable(why) => write!(formatter, "the flow cannot be read: {why}"),
            Self::NewerVersion(version) => write!(
                formatter,
                "the flow is in version {version} of the format, newer than this app's {FORMAT_VERSION}: update Flameup Explorer"
            ),
            Self::Step { number, problem } => write!(formatter, "step {number}: {problem}"),
        }
    }
}

impl std::error::Error for FlowError {}

fn step_error(index: usize, problem: impl Into<String>) -> FlowError {
    FlowError::Step {
        number: index + 1,
        problem: problem.into(),
    }
}

impl Flow {
    /// The flow of `entries`, in the order given (the order they were sent). Each identifier
    /// input of a step (by the contract: path values and body fields marked
    /// `x-flameup-identifier`) whose recorded value equals an identifier found in an earlier
    /// step's recorded answer, of a kind that fits, is bound to that answer's field; the most
    /// recent earlier step wins.
    pub fn from_history(entries: &[HistoryEntry]) -> Result<Self, FlowError> {
        let contract = contract::embedded()
            .map_err(|err| FlowError::Unreadable(format!("the built-in contract: {err}")))?;
        let mut steps: Vec<Step> = Vec::new();
        let mut answers: Vec<Vec<Given>> = Vec::new();
        let mut notes = Vec::new();
        let mut taken = BTreeSet::new();
        for (index, entry) in entries.iter().enumerate() {
            let id = entry.request.operation_id();
            let operation = contract
                .operation(id)
                .ok_or_else(|| step_error(index, format!("the API has no operation {id}")))?;
            let step = Step {
                name: names::unique(names::snake(id), &mut taken),
                operation: id.to_owned(),
                base_url: Some(
                    base_url_of(entry, operation).map_err(|why| step_error(index, why))?,
                ),
                path: sent_values(&entry.request.path, operation, ParamPlace::Path),
                query: sent_values(&entry.request.query, operation, ParamPlace::Query),
                body: entry
                    .request
                    .body
                    .clone()
                    .filter(|_| operation.body.is_some()),
                bindings: Vec::new(),
            };
            let bindings = bindings_of(&step, operation, &steps, &answers);
            for binding in &bindings {
                if binding.in_list {
                    notes.push(list_position_note(index, &step.name, &binding.binding));
                }
            }
            let bindings = bindings.into_iter().map(|bound| bound.binding).collect();
            let (given, unkept) = identifiers_answered(entry, operation);
            if unkept {
                notes.push(format!(
                    "Step {} ({}): its answer was larger than the {} KB the history keeps and its identifiers were not recorded, so no later step takes a value from it.",
                    index + 1,
                    step.name,
                    crate::store::history::MAX_BODY / 1024
                ));
            }
            answers.push(given);
            steps.push(Step { bindings, ..step });
        }
        let base_url = steps
            .first()
            .and_then(|step| step.base_url.clone())
            .ok_or(FlowError::Empty)?;
        for step in &mut steps {
            if step.base_url.as_deref() == Some(base_url.as_str()) {
                step.base_url = None;
            }
        }
        let flow = Self {
            version: FORMAT_VERSION,
            base_url,
            steps,
            notes,
        };
        flow.check()?;
        Ok(flow)
    }

    /// Reads the JSON form ([`Target::Json`]), and checks it.
    pub fn from_json(text: &str) -> Result<Self, FlowError> {
        let value: Value =
            serde_json::from_str(text).map_err(|err| FlowError::Unreadable(err.to_string()))?;
        // A key named twice (a body's userId, a step's path value) would keep the last value.
        if let Some((key, line, column)) = crate::store::body_file::duplicate_key(text) {
            return Err(FlowError::Unreadable(format!(
                "it names {key} twice in one object (line {line}, column {column}): remove one"
            )));
        }
        // The version first: a newer file may have fields this version cannot read.
        match value.get("version").and_then(Value::as_u64) {
            Some(version) if version > u64::from(FORMAT_VERSION) => {
                return Err(FlowError::NewerVersion(
                    u32::try_from(version).unwrap_or(u32::MAX),
                ));
            }
            _ => {}
        }
        let flow: Self =
            serde_json::from_value(value).map_err(|err| FlowError::Unreadable(err.to_string()))?;
        flow.check()?;
        Ok(flow)
    }

    /// The JSON form, pretty-printed, with a final line break.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Every variable the flow's bindings read, once each, in step order: the values each
    /// program keeps from one answer for later requests.
    pub fn variables(&self) -> Vec<Variable> {
        let mut wanted: BTreeSet<(usize, &str)> = BTreeSet::new();
        for step in &self.steps {
            for binding in &step.bindings {
                if let Some(from) = self.step_index(&binding.from) {
                    wanted.insert((from, &binding.at));
                }
            }
        }
        let mut taken = BTreeSet::new();
        wanted
            .into_iter()
            .map(|(step, at)| Variable {
                name: names::unique(names::variable(&self.steps[step].name, at), &mut taken),
                step,
                at: at.to_owned(),
            })
            .collect()
    }

    fn step_index(&self, name: &str) -> Option<usize> {
        self.steps.iter().position(|step| step.name == name)
    }

    /// Where `step` is sent: `base_override` (`flow run --base-url`), which stands in for every
    /// step's address, since two recordings against sandboxes differ at least by port; else the
    /// step's own base URL, else the flow's.
    fn base_of<'a>(&'a self, step: &'a Step, base_override: Option<&'a str>) -> &'a str {
        base_override.unwrap_or_else(|| step.base_url.as_deref().unwrap_or(&self.base_url))
    }

    /// The sentences that say which steps were recorded against another address than the
    /// flow's: a program sends every step to its one base URL, and says so.
    fn elsewhere_notes(&self) -> Vec<String> {
        self.steps
            .iter()
            .enumerate()
            .filter_map(|(index, step)| {
                let recorded = step.base_url.as_deref()?;
                Some(format!(
                    "Step {} ({}) was recorded against {recorded}, not {}: like every step, it is sent to the one base URL.",
                    index + 1,
                    step.name,
                    self.base_url
                ))
            })
            .collect()
    }

    /// Checks what a hand-edited file may get wrong: names, operations, bindings to earlier
    /// steps and existing inputs, and that each step makes a request.
    fn check(&self) -> Result<(), FlowError> {
        if self.version > FORMAT_VERSION {
            return Err(FlowError::NewerVersion(self.version));
        }
        if self.steps.is_empty() {
            return Err(FlowError::Empty);
        }
        let mut names = BTreeSet::new();
        for (index, step) in self.steps.iter().enumerate() {
            if !names::is_name(&step.name) {
                return Err(step_error(
                    index,
                    format!(
                        "the name \"{}\" must be lower-case letters, digits and _, starting with a letter",
                        step.name.escape_debug()
                    ),
                ));
            }
            if !names.insert(step.name.as_str()) {
                return Err(step_error(
                    index,
                    format!("another step is called {} already", step.name),
                ));
            }
            let operation = step
                .operation_in_contract()
                .map_err(|why| step_error(index, why))?;
            step.check_inputs(operation)
                .map_err(|why| step_error(index, why))?;
            for binding in &step.bindings {
                self.check_binding(index, step, operation, binding)?;
            }
            build_request(
                &step.draft(self.base_of(step, None)),
                None,
                &Credential::EnvVar,
            )
            .map_err(|err| step_error(index, err.to_string()))?;
        }
        Ok(())
    }

    fn check_binding(
        &self,
        index: usize,
        step: &Step,
        operation: &Operation,
        binding: &Binding,
    ) -> Result<(), FlowError> {
        match self.step_index(&binding.from) {
            Some(from) if from < index => {}
            _ => {
                return Err(step_error(
                    index,
                    format!(
                        "{} is taken from \"{}\", which is not an earlier step",
                        binding.input,
                        binding.from.escape_debug()
                    ),
                ));
            }
        }
        if !binding.at.is_empty() && !binding.at.starts_with('/') {
            return Err(step_error(
                index,
                format!(
                    "\"{}\" is not a JSON Pointer into {}'s answer (it starts with /)",
                    binding.at.escape_debug(),
                    binding.from
                ),
            ));
        }
        let exists = match &binding.input {
            Input::Path(name) => operation.takes_param(ParamPlace::Path, name),
            Input::Query(name) => operation.takes_param(ParamPlace::Query, name),
            Input::Body(pointer) => step
                .body
                .as_ref()
                .is_some_and(|body| !pointer.is_empty() && body.pointer(pointer).is_some()),
        };
        if exists {
            Ok(())
        } else {
            Err(step_error(
                index,
                format!(
                    "{} is bound, but {} has no such input",
                    binding.input, operation.id
                ),
            ))
        }
    }
}

impl Step {
    /// Refuses what the request builder would leave out without a word, as `send` refuses it:
    /// a path or query value the operation does not take, a body for one that takes none.
    fn check_inputs(&self, operation: &Operation) -> Result<(), String> {
        operation
            .check_param_names(ParamPlace::Path, self.path.keys().map(String::as_str))
            .map_err(|unknown| {
                format!(
                    "{} has no path parameter \"{}\": its path {} takes {}",
                    operation.id,
                    unknown.name.escape_debug(),
                    operation.path,
                    listed(&unknown.accepted, "and", "nothing")
                )
            })?;
        operation
            .check_param_names(ParamPlace::Query, self.query.keys().map(String::as_str))
            .map_err(|unknown| {
                format!(
                    "{} has no query parameter \"{}\": it takes {}",
                    operation.id,
                    unknown.name.escape_debug(),
                    listed(&unknown.accepted, "or", "none")
                )
            })?;
        if self.body.is_some() && operation.body.is_none() {
            return Err(format!(
                "{} takes no body ({} {}): leave out the step's \"body\"",
                operation.id, operation.method, operation.path
            ));
        }
        Ok(())
    }

    fn operation_in_contract(&self) -> Result<&'static Operation, String> {
        contract::embedded()
            .ok()
            .and_then(|contract| contract.operation(&self.operation))
            .ok_or_else(|| {
                format!(
                    "the API has no operation \"{}\" (see `flameup-explorer operations`)",
                    self.operation.escape_debug()
                )
            })
    }

    /// The draft that sends this step with its recorded values, to `base_url`.
    pub fn draft(&self, base_url: &str) -> Draft {
        self.draft_with(base_url, &BTreeMap::new())
    }

    /// The draft that sends this step to `base_url`, with `values` (by input) in place of the
    /// recorded ones: the one way a step becomes a request, for programs and replays alike.
    fn draft_with(&self, base_url: &str, values: &BTreeMap<&Input, String>) -> Draft {
        let mut saved = SavedRequest {
            environment: Environment::Custom,
            base_url: base_url.to_owned(),
            operation: Some(self.operation.clone()),
            path: self.path.clone(),
            query: self.query.clone(),
            body: self.body.clone(),
        };
        for (input, value) in values {
            match input {
                Input::Path(name) => {
                    saved.path.insert(name.clone(), value.clone());
                }
                Input::Query(name) => {
                    saved.query.insert(name.clone(), value.clone());
                }
                Input::Body(pointer) => {
                    if let Some(slot) = saved
                        .body
                        .as_mut()
                        .and_then(|body| body.pointer_mut(pointer))
                    {
                        *slot = Value::String(value.clone());
                    }
                }
            }
        }
        saved.to_draft()
    }
}

/// `names` in a sentence (`a, b or c` with `last_word` "or"), or `none` when there are none.
fn listed(names: &[&str], last_word: &str, none: &str) -> String {
    if names.is_empty() {
        none.to_owned()
    } else {
        joined(names, last_word)
    }
}

/// The recorded `values` the request builder sent: those the operation takes in `place`.
fn sent_values(
    values: &BTreeMap<String, String>,
    operation: &Operation,
    place: ParamPlace,
) -> BTreeMap<String, String> {
    values
        .iter()
        .filter(|(name, _)| operation.takes_param(place, name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// The base URL `entry` was sent to: its URL without the operation's path and the query. Each
/// path value is one segment, so the path has as many segments as the operation's template.
fn base_url_of(entry: &HistoryEntry, operation: &Operation) -> Result<String, String> {
    let url = url::Url::parse(&entry.url)
        .map_err(|err| format!("the recorded URL cannot be read ({err})"))?;
    let template_segments = operation
        .path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .count();
    let segments: Vec<&str> = url
        .path_segments()
        .map(Iterator::collect)
        .unwrap_or_default();
    let kept = segments
        .len()
        .checked_sub(template_segments)
        .ok_or_else(|| {
            format!(
                "the recorded URL {} is not a {} path",
                entry.url, operation.id
            )
        })?;
    let mut base = url[..url::Position::BeforePath].to_owned();
    for segment in &segments[..kept] {
        base.push('/');
        base.push_str(segment);
    }
    Ok(base)
}

/// An identifier an earlier answer gave, and whether it is one item's among many (at a place in
/// a list), which a binding takes only when no answer gave it by itself.
struct Given {
    found: Found,
    in_list: bool,
}

/// The identifiers `entry`'s recorded answer holds, by its documented schema for its status; and
/// whether its answer was too big to keep and had no identifiers recorded with it (an older
/// history, or an answer too big to search), so nothing can be taken from it.
fn identifiers_answered(entry: &HistoryEntry, operation: &'static Operation) -> (Vec<Given>, bool) {
    let Some(schema) = entry.answer_schema(operation) else {
        return (Vec::new(), false);
    };
    let found = if entry.response_truncated {
        if entry.response_identifiers.is_empty() {
            return (
                Vec::new(),
                entry
                    .status
                    .is_some_and(|status| (200..300).contains(&status)),
            );
        }
        entry
            .response_identifiers
            .iter()
            .filter_map(|answered| {
                let (at_schema, _) = schema_at(schema, &answered.at)?;
                Some(Found {
                    kind: contract::IdentifierKind::from_name(
                        at_schema.get("x-flameup-identifier")?.as_str()?,
                    )?,
                    value: answered.value.clone(),
                    at: answered.at.clone(),
                })
            })
            .collect()
    } else {
        match serde_json::from_str::<Value>(&entry.response_body) {
            Ok(answer) => links::identifiers_in(schema, &answer),
            Err(_) => Vec::new(),
        }
    };
    let given = found
        .into_iter()
        .map(|found| Given {
            in_list: schema_at(schema, &found.at).is_none_or(|(_, in_list)| in_list),
            found,
        })
        .collect();
    (given, false)
}

/// The schema at `at` in an answer of `schema`, and whether the way there passes through a list.
fn schema_at<'a>(schema: &'a Value, at: &str) -> Option<(&'a Value, bool)> {
    let mut here = schema;
    let mut in_list = false;
    for step in crate::model::form::pointer_steps(at) {
        here = match Shape::of(here) {
            Shape::List(items) => {
                step.parse::<usize>().ok()?;
                in_list = true;
                items
            }
            Shape::Object { properties, .. } => properties
                .iter()
                .find(|(name, _)| *name == step)
                .map(|(_, property)| *property)?,
            _ => return None,
        };
    }
    Some((here, in_list))
}

/// A binding, and whether it takes its value from a place in a list.
struct Bound {
    binding: Binding,
    in_list: bool,
}

/// The bindings of `step`: each identifier input whose recorded value an earlier answer holds,
/// bound to the most recent answer that gave it by itself (a create's, a get's); only when none
/// did, to the most recent that listed it, since a list's order changes with what the server
/// holds (a replay against a server holding another person first would take theirs).
fn bindings_of(
    step: &Step,
    operation: &Operation,
    earlier: &[Step],
    answers: &[Vec<Given>],
) -> Vec<Bound> {
    links::identifier_slots(operation)
        .into_iter()
        .filter_map(|(slot, wanted)| {
            let input = Input::of(slot);
            let recorded = recorded_value(step, &input)?;
            let source = |in_list: bool| {
                earlier.iter().zip(answers).rev().find_map(|(from, given)| {
                    let given = given.iter().find(|given| {
                        given.in_list == in_list
                            && given.found.value == recorded
                            && links::fits(wanted, given.found.kind)
                    })?;
                    Some((from, given))
                })
            };
            let (from, given) = source(false).or_else(|| source(true))?;
            Some(Bound {
                binding: Binding {
                    input,
                    from: from.name.clone(),
                    at: given.found.at.clone(),
                },
                in_list: given.in_list,
            })
        })
        .collect()
}

/// The note for a binding to a place in a list, which a replay may find another item at.
fn list_position_note(index: usize, name: &str, binding: &Binding) -> String {
    format!(
        "Step {} ({name}): {} is taken from {}'s answer at {}, a place in a list, since no earlier answer gave it by itself: a replay takes whatever is at that place then.",
        index + 1,
        binding.input,
        binding.from,
        binding.at
    )
}

/// The value `step` was recorded with for `input`, when it is non-empty text.
fn recorded_value<'a>(step: &'a Step, input: &Input) -> Option<&'a str> {
    let value = match input {
        Input::Path(name) => step.path.get(name).map(String::as_str),
        Input::Query(name) => step.query.get(name).map(String::as_str),
        Input::Body(pointer) => step.body.as_ref()?.pointer(pointer)?.as_str(),
    }?;
    (!value.is_empty()).then_some(value)
}

/// `flow` written for `target`: a program that sends every step in order, passing identifiers
/// on as variables and stopping at the first answer that is not 2xx; or the JSON form.
pub fn render(flow: &Flow, target: Target) -> Result<String, FlowError> {
    if target == Target::Json {
        return Ok(flow.to_json());
    }
    let plan = plan::Plan::of(flow)?;
    Ok(program::render(&plan, target))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HttpRequest, HttpResponse};
    use serde_json::json;

    const UUID: &str = "123e4567-e89b-12d3-a456-426614174000";
    const BASE: &str = "http://127.0.0.1:8080/api/v1";

    /// A history entry of `operation` sent to `base` with these values, answered `status` with
    /// `answer`, made the way the app records one.
    fn entry_at(
        base: &str,
        operation: &str,
        path: &[(&str, &str)],
        body: Option<Value>,
        status: u16,
        answer: &Value,
    ) -> HistoryEntry {
        let saved = SavedRequest {
            environment: Environment::Custom,
            base_url: base.into(),
            operation: Some(operation.into()),
            path: path
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            query: BTreeMap::new(),
            body,
        };
        let draft = saved.to_draft();
        let request = build_request(&draft, None, &Credential::EnvVar).unwrap();
        let answered = HttpResponse::from_parts(
            status,
            "Reason".into(),
            Vec::new(),
            answer.to_string().into_bytes(),
            std::time::Duration::from_millis(1),
        );
        HistoryEntry::new(&draft, &request, &Ok(answered), 1)
    }

    fn entry(
        operation: &str,
        path: &[(&str, &str)],
        body: Option<Value>,
        status: u16,
        answer: &Value,
    ) -> HistoryEntry {
        entry_at(BASE, operation, path, body, status, answer)
    }

    fn person(uuid: &str, external_id: &str) -> Value {
        json!({"id": uuid, "external_id": external_id, "email": "ada@example.com"})
    }

    fn binding(input: Input, from: &str, at: &str) -> Binding {
        Binding {
            input,
            from: from.into(),
            at: at.into(),
        }
    }

    /// Create, get by email, register a device with the UUID, push to it, delete by your id.
    fn lifecycle() -> Vec<HistoryEntry> {
        let ada = person(UUID, "ada");
        vec![
            entry(
                "createPerson",
                &[],
                Some(json!({"userId": "ada", "email": "ada@example.com"})),
                201,
                &ada,
            ),
            entry("getPerson", &[("id", "ada@example.com")], None, 200, &ada),
            entry(
                "registerDevice",
                &[("person_id", UUID)],
                Some(json!({"token": "t", "platform": "ios"})),
                201,
                &json!({"id": "dev_1", "person_id": UUID}),
            ),
            entry(
                "sendPush",
                &[],
                Some(json!({"person_id": UUID, "title": "Hi", "body": "There"})),
                200,
                &json!({"success": true}),
            ),
            entry("deletePerson", &[("id", "ada")], None, 204, &json!(null)),
        ]
    }

    #[test]
    fn identifiers_flow_from_the_most_recent_answer_that_gave_them() {
        let flow = Flow::from_history(&lifecycle()).unwrap();
        let bindings: Vec<&[Binding]> = flow
            .steps
            .iter()
            .map(|step| step.bindings.as_slice())
            .collect();
        assert_eq!(bindings[0], []);
        assert_eq!(bindings[1], [], "an email no answer gave stays as typed");
        assert_eq!(
            bindings[2],
            [binding(
                Input::Path("person_id".into()),
                "get_person",
                "/id"
            )],
            "the get answered the same person after the create: the later answer wins"
        );
        assert_eq!(
            bindings[3],
            [binding(
                Input::Body("/person_id".into()),
                "register_device",
                "/person_id"
            )]
        );
        assert_eq!(
            bindings[4],
            [binding(
                Input::Path("id".into()),
                "get_person",
                "/external_id"
            )]
        );
        assert_eq!(flow.base_url, BASE);
        assert!(flow.steps.iter().all(|step| step.base_url.is_none()));
        let names: Vec<String> = flow
            .variables()
            .into_iter()
            .map(|variable| variable.name)
            .collect();
        assert_eq!(
            names,
            [
                "get_person_external_id",
                "get_person_id",
                "register_device_person_id"
            ],
            "by step, then by place in the answer"
        );
    }

    #[test]
    fn a_value_is_bound_only_where_its_kind_fits() {
        // The device path takes Flameup's UUID: your own id "ada", though equal, is not one.
        let entries = [
            entry(
                "createPerson",
                &[],
                Some(json!({"userId": "ada"})),
                201,
                &person(UUID, "ada"),
            ),
            entry(
                "registerDevice",
                &[("person_id", "ada")],
                Some(json!({"token": "t", "platform": "ios"})),
                404,
                &json!({"error": "Not Found"}),
            ),
            // An error's answer gives nothing, and a later step does not take from it.
            entry(
                "getPerson",
                &[("id", "ada")],
                None,
                200,
                &person(UUID, "ada"),
            ),
        ];
        let flow = Flow::from_history(&entries).unwrap();
        assert_eq!(flow.steps[1].bindings, []);
        assert_eq!(
            flow.steps[2].bindings,
            [binding(
                Input::Path("id".into()),
                "create_person",
                "/external_id"
            )]
        );
    }

    /// Create alice, create bob, list everyone, then alice's device and alice by your id: the
    /// hostile tester's flow (finding 12).
    fn two_creates_and_a_list() -> Vec<HistoryEntry> {
        const BOB: &str = "223e4567-e89b-12d3-a456-426614174000";
        vec![
            entry(
                "createPerson",
                &[],
                Some(json!({"userId": "alice"})),
                201,
                &person(UUID, "alice"),
            ),
            entry(
                "createPerson",
                &[],
                Some(json!({"userId": "bob"})),
                201,
                &person(BOB, "bob"),
            ),
            entry(
                "listPeople",
                &[],
                None,
                200,
                &json!({"people": [person(UUID, "alice"), person(BOB, "bob")]}),
            ),
            entry(
                "registerDevice",
                &[("person_id", UUID)],
                Some(json!({"token": "t", "platform": "ios"})),
                201,
                &json!({"id": "dev_1"}),
            ),
            entry(
                "getPerson",
                &[("id", "alice")],
                None,
                200,
                &person(UUID, "alice"),
            ),
        ]
    }

    #[test]
    fn an_identifier_an_answer_gave_by_itself_wins_over_a_place_in_a_later_list() {
        let flow = Flow::from_history(&two_creates_and_a_list()).unwrap();
        assert_eq!(
            flow.steps[3].bindings,
            [binding(
                Input::Path("person_id".into()),
                "create_person",
                "/id"
            )],
            "a replay against a server holding zed first must still register alice's device"
        );
        assert_eq!(
            flow.steps[4].bindings,
            [binding(
                Input::Path("id".into()),
                "create_person",
                "/external_id"
            )]
        );
        assert_eq!(flow.notes, Vec::<String>::new());
    }

    #[test]
    fn a_place_in_a_list_is_bound_only_when_nothing_else_gave_it_and_the_export_says_so() {
        let entries = &two_creates_and_a_list()[2..];
        let flow = Flow::from_history(entries).unwrap();
        assert_eq!(
            flow.steps[1].bindings,
            [binding(
                Input::Path("person_id".into()),
                "list_people",
                "/people/0/id"
            )]
        );
        assert_eq!(
            flow.notes[0],
            "Step 2 (register_device): the path value person_id is taken from list_people's answer at /people/0/id, a place in a list, since no earlier answer gave it by itself: a replay takes whatever is at that place then."
        );
        for target in Target::ALL {
            let program = render(&flow, target).unwrap();
            assert!(
                program.contains("a place in a list"),
                "{target:?}:\n{program}"
            );
        }
    }

    /// A create whose answer is larger than the history keeps, then a device registered with
    /// the UUID it gave (finding 14).
    fn a_big_create_then_its_device() -> Vec<HistoryEntry> {
        let mut big = person(UUID, "ada");
        big["traits"] = json!({"notes": "x".repeat(70 * 1024)});
        vec![
            entry(
                "createPerson",
                &[],
                Some(json!({"userId": "ada", "traits": {"notes": "x".repeat(70 * 1024)}})),
                201,
                &big,
            ),
            entry(
                "registerDevice",
                &[("person_id", UUID)],
                Some(json!({"token": "t", "platform": "ios"})),
                201,
                &json!({"id": "dev_1"}),
            ),
        ]
    }

    #[test]
    fn an_answer_too_big_to_keep_still_gives_its_identifiers() {
        let entries = a_big_create_then_its_device();
        assert!(entries[0].response_truncated);
        let flow = Flow::from_history(&entries).unwrap();
        assert_eq!(
            flow.steps[1].bindings,
            [binding(
                Input::Path("person_id".into()),
                "create_person",
                "/id"
            )]
        );
        assert_eq!(flow.notes, Vec::<String>::new());
    }

    #[test]
    fn an_older_entry_too_big_to_bind_is_named_in_the_export() {
        let mut entries = a_big_create_then_its_device();
        // As a history written before identifiers were recorded reads it.
        let line = serde_json::to_string(&entries[0]).unwrap();
        assert!(line.contains("response_identifiers"));
        let mut old: Value = serde_json::from_str(&line).unwrap();
        old.as_object_mut().unwrap().remove("response_identifiers");
        entries[0] = serde_json::from_value(old).unwrap();
        let flow = Flow::from_history(&entries).unwrap();
        assert_eq!(flow.steps[1].bindings, []);
        assert_eq!(
            flow.notes,
            [
                "Step 1 (create_person): its answer was larger than the 64 KB the history keeps and its identifiers were not recorded, so no later step takes a value from it."
            ]
        );
        assert!(
            render(&flow, Target::Python)
                .unwrap()
                .contains("larger than the 64 KB")
        );
    }

    #[test]
    fn a_replay_sends_every_step_to_the_base_url_it_is_given() {
        let other = "http://127.0.0.1:18080/api/v1";
        let entries = [
            entry(
                "getPerson",
                &[("id", "ada")],
                None,
                200,
                &person(UUID, "ada"),
            ),
            entry_at(
                other,
                "getPerson",
                &[("id", "ada")],
                None,
                200,
                &person(UUID, "ada"),
            ),
        ];
        let flow = Flow::from_history(&entries).unwrap();
        let answers = vec![(200, person(UUID, "ada")), (200, person(UUID, "ada"))];
        let mut sent = Vec::new();
        replay(
            &flow,
            Some("http://sandbox.test/v9"),
            &Credential::Token("t".into()),
            scripted(answers.clone(), &mut sent),
            |_, _| {},
        )
        .unwrap();
        let urls: Vec<&str> = sent.iter().map(|request| request.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://sandbox.test/v9/people/ada",
                "http://sandbox.test/v9/people/ada"
            ],
            "never the recorded port, with the token"
        );
        let mut sent = Vec::new();
        replay(
            &flow,
            None,
            &Credential::Token("t".into()),
            scripted(answers, &mut sent),
            |_, _| {},
        )
        .unwrap();
        assert_eq!(
            sent[1].url.as_str(),
            format!("{other}/people/ada"),
            "as recorded"
        );
        for target in Target::ALL
            .into_iter()
            .filter(|target| *target != Target::Json)
        {
            let program = render(&flow, target).unwrap();
            assert!(
                !program.contains("18080/api/v1/people"),
                "{target:?}:\n{program}"
            );
            assert!(
                program.contains(
                    "Step 2 (get_person_2) was recorded against http://127.0.0.1:18080/api/v1"
                ),
                "{target:?}:\n{program}"
            );
        }
    }

    #[test]
    fn a_step_from_history_keeps_only_what_was_sent() {
        let mut get = entry(
            "getPerson",
            &[("id", "ada")],
            None,
            200,
            &person(UUID, "ada"),
        );
        // Values the form kept from another operation, which the request builder left out.
        get.request.path.insert("person_id".into(), UUID.into());
        get.request.query.insert("limit".into(), "5".into());
        get.request.body = Some(json!({"userId": "ada"}));
        let flow = Flow::from_history(&[get]).unwrap();
        assert_eq!(flow.steps[0].path.keys().collect::<Vec<_>>(), ["id"]);
        assert!(flow.steps[0].query.is_empty());
        assert_eq!(flow.steps[0].body, None);
    }

    #[test]
    fn each_step_keeps_the_address_it_went_to_when_not_the_first_steps() {
        let staging = "https://staging.example.com/v2";
        let entries = [
            entry(
                "getPerson",
                &[("id", "a b/c")],
                None,
                200,
                &person(UUID, "a b/c"),
            ),
            entry_at(staging, "getPerson", &[("id", "x")], None, 200, &json!({})),
            entry("deletePerson", &[("id", "a b/c")], None, 204, &json!(null)),
        ];
        let flow = Flow::from_history(&entries).unwrap();
        assert_eq!(flow.base_url, BASE);
        let bases: Vec<Option<&str>> = flow
            .steps
            .iter()
            .map(|step| step.base_url.as_deref())
            .collect();
        assert_eq!(bases, [None, Some(staging), None]);
        assert_eq!(
            flow.steps[0].name, "get_person",
            "names are the operations', made unique"
        );
        assert_eq!(flow.steps[1].name, "get_person_2");
    }

    #[test]
    fn the_json_form_reads_back_and_refuses_what_it_cannot_run() {
        let flow = Flow::from_history(&lifecycle()).unwrap();
        assert_eq!(Flow::from_json(&flow.to_json()).unwrap(), flow);
        assert_eq!(
            Flow::from_json(&json!({"version": 2, "future": true}).to_string()),
            Err(FlowError::NewerVersion(2))
        );
        assert!(matches!(
            Flow::from_json("{"),
            Err(FlowError::Unreadable(_))
        ));
        // A body edited by hand to name userId twice would send only the last one.
        let doubled = flow
            .to_json()
            .replacen("\"userId\": ", "\"userId\": \"x\", \"userId\": ", 1);
        assert_ne!(doubled, flow.to_json());
        let error = Flow::from_json(&doubled).unwrap_err().to_string();
        assert!(
            error.contains("names \"userId\" twice in one object"),
            "{error}"
        );
        let refused = |edit: &dyn Fn(&mut Value)| {
            let mut value: Value = serde_json::from_str(&flow.to_json()).unwrap();
            edit(&mut value);
            Flow::from_json(&value.to_string()).unwrap_err().to_string()
        };
        assert_eq!(
            refused(&|v| v["steps"] = json!([])),
            "the flow has no steps"
        );
        assert_eq!(
            refused(&|v| v["steps"][1]["operation"] = json!("getPeople")),
            "step 2: the API has no operation \"getPeople\" (see `flameup-explorer operations`)"
        );
        assert_eq!(
            refused(&|v| v["steps"][1]["name"] = json!("Get person")),
            "step 2: the name \"Get person\" must be lower-case letters, digits and _, starting with a letter"
        );
        assert_eq!(
            refused(&|v| v["steps"][1]["name"] = json!("create_person")),
            "step 2: another step is called create_person already"
        );
        assert_eq!(
            refused(&|v| v["steps"][2]["bindings"][0]["from"] = json!("send_push")),
            "step 3: the path value person_id is taken from \"send_push\", which is not an earlier step"
        );
        assert_eq!(
            refused(&|v| v["steps"][2]["bindings"][0]["at"] = json!("id")),
            "step 3: \"id\" is not a JSON Pointer into get_person's answer (it starts with /)"
        );
        assert_eq!(
            refused(&|v| v["steps"][3]["bindings"][0]["input"] = json!({"body": "/user"})),
            "step 4: the body's /user is bound, but sendPush has no such input"
        );
        assert_eq!(
            refused(&|v| v["steps"][4]["bindings"][0]["input"] = json!({"path": "personId"})),
            "step 5: the path value personId is bound, but deletePerson has no such input"
        );
        assert_eq!(
            refused(&|v| v["steps"][4]["path"]["id"] = json!("..")),
            "step 5: id cannot be \"..\": a path value is one segment, and \"..\" would change the path to another endpoint."
        );
    }

    /// A send that answers from `answers` in order and keeps every request.
    fn scripted(
        answers: Vec<(u16, Value)>,
        sent: &mut Vec<HttpRequest>,
    ) -> impl FnMut(&HttpRequest) -> crate::transport::Outcome + '_ {
        let mut answers = answers.into_iter();
        move |request| {
            sent.push(request.clone());
            let (status, body) = answers.next().unwrap();
            Ok(HttpResponse::from_parts(
                status,
                "Reason".into(),
                Vec::new(),
                body.to_string().into_bytes(),
                std::time::Duration::ZERO,
            ))
        }
    }

    #[test]
    fn a_replay_passes_the_new_answers_values_on_and_stops_at_the_first_failure() {
        let flow = Flow::from_history(&lifecycle()).unwrap();
        let fresh = person("new uuid/1", "ada");
        let answers = vec![
            (201, fresh.clone()),
            (200, fresh.clone()),
            (201, json!({"person_id": "new uuid/1"})),
            (200, json!({})),
            (204, json!(null)),
        ];
        let mut sent = Vec::new();
        let mut seen = Vec::new();
        replay(
            &flow,
            Some("http://sandbox.test/api/v1"),
            &Credential::Token("t".into()),
            scripted(answers, &mut sent),
            |step, response| seen.push(format!("{step} {}", response.status)),
        )
        .unwrap();
        assert_eq!(
            sent[2].url.as_str(),
            "http://sandbox.test/api/v1/people/new%20uuid%2F1/devices",
            "the new answer's UUID, as one segment, at the replay's address"
        );
        let push: Value = serde_json::from_slice(&sent[3].body).unwrap();
        assert_eq!(push["person_id"], "new uuid/1");
        assert_eq!(push["title"], "Hi", "the other values as recorded");
        assert_eq!(seen.len(), 5);

        let mut sent = Vec::new();
        let stopped = replay(
            &flow,
            None,
            &Credential::Token("t".into()),
            scripted(vec![(201, fresh), (404, json!({}))], &mut sent),
            |_, _| {},
        );
        assert!(
            matches!(&stopped, Err(ReplayError::Status { step, response }) if step == "get_person" && response.status == 404),
            "{stopped:?}"
        );
        assert_eq!(sent.len(), 2, "nothing after the failure");
        assert_eq!(sent[0].url.as_str(), format!("{BASE}/people"));

        let mut sent = Vec::new();
        let missing = replay(
            &flow,
            None,
            &Credential::Token("t".into()),
            scripted(
                vec![(201, json!({})), (200, json!({"id": UUID}))],
                &mut sent,
            ),
            |_, _| {},
        );
        assert_eq!(
            missing.unwrap_err().to_string(),
            "get_person's answer has no text at /external_id, which a later step needs: the flow stops here"
        );
    }

    #[test]
    fn no_program_writes_a_bound_value_as_it_was_recorded() {
        let flow = Flow::from_history(&lifecycle()).unwrap();
        for target in Target::ALL {
            let program = render(&flow, target).unwrap();
            if target == Target::Json {
                assert!(program.contains(UUID), "the file keeps it, for the reader");
                continue;
            }
            assert!(!program.contains(UUID), "{target:?}:\n{program}");
            let camel_case = matches!(target, Target::JavaScript | Target::Go);
            let variable = if camel_case {
                "getPersonId"
            } else {
                "get_person_id"
            };
            assert!(program.contains(variable), "{target:?}:\n{program}");
            assert!(
                program.contains(crate::model::TOKEN_ENV_VAR),
                "{target:?}:\n{program}"
            );
        }
    }

    #[test]
    fn a_stray_path_value_names_every_value_the_path_takes() {
        let operation = contract::embedded()
            .unwrap()
            .operation("triggerWorkspaceCampaign")
            .unwrap();
        let step = Step {
            name: "trigger".into(),
            operation: operation.id.clone(),
            base_url: None,
            path: BTreeMap::from([("campaign".into(), "c".into())]),
            query: BTreeMap::new(),
            body: None,
            bindings: Vec::new(),
        };
        assert_eq!(
            step.check_inputs(operation).unwrap_err(),
            "triggerWorkspaceCampaign has no path parameter \"campaign\": its path /workspaces/{workspaceId}/campaigns/{campaignId}/trigger takes workspaceId and campaignId"
        );
    }
}
