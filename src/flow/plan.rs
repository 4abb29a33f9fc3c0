//! A flow laid out for the programs: each step's request as the one request builder makes it,
//! with the places where variables go marked in its URL and body.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Flow, FlowError, Input, Variable, step_error};
use crate::contract::Operation;
use crate::model::{Credential, HttpRequest, build_request};

/// The flow, ready to write in any language.
pub struct Plan {
    /// The flow's base URL: the default of each program's base URL variable.
    pub base_url: String,
    pub steps: Vec<StepPlan>,
    pub variables: Vec<Variable>,
    /// What the reader should know, for the program's first comment: the flow's notes, and the
    /// steps recorded against another address, which the program sends to its one base URL.
    pub notes: Vec<String>,
}

/// One step of the plan.
pub struct StepPlan {
    /// From 1, as the programs' comments count.
    pub number: usize,
    pub name: String,
    pub operation: &'static Operation,
    /// The request with the recorded values and the token as a reference to
    /// `FLAMEUP_API_TOKEN`: its method and headers are what the program sends.
    pub request: HttpRequest,
    /// The URL: the base URL variable (unless the step has its own), literal text, and values
    /// of variables, each percent-encoded as one segment or query value.
    pub url: Vec<UrlPart>,
    /// The body as sent, and the variables that replace some of its values, by JSON Pointer.
    pub body: Option<(Value, BTreeMap<String, String>)>,
    /// Which input each variable goes into, for the step's comment.
    pub bound: Vec<(Input, String)>,
    /// The variables read from this step's answer, and where.
    pub exports: Vec<Variable>,
}

/// A piece of a step's URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlPart {
    /// The base URL variable of the program.
    Base,
    /// Text to write as it is (already encoded).
    Text(String),
    /// A variable's value, percent-encoded as one path segment or query value.
    Encoded(String),
}

impl StepPlan {
    /// Whether the body has any variable in it.
    pub fn body_has_holes(&self) -> bool {
        self.body
            .as_ref()
            .is_some_and(|(_, holes)| !holes.is_empty())
    }
}

impl Plan {
    pub fn of(flow: &Flow) -> Result<Self, FlowError> {
        let variables = flow.variables();
        let variable_of = |from: &str, at: &str| {
            let index = flow.step_index(from)?;
            variables
                .iter()
                .find(|variable| variable.step == index && variable.at == at)
                .map(|variable| variable.name.clone())
        };
        let mut steps = Vec::new();
        for (index, step) in flow.steps.iter().enumerate() {
            let operation = step
                .operation_in_contract()
                .map_err(|why| step_error(index, why))?;
            let bound: Vec<(Input, String)> = step
                .bindings
                .iter()
                .filter_map(|binding| {
                    Some((
                        binding.input.clone(),
                        variable_of(&binding.from, &binding.at)?,
                    ))
                })
                .collect();
            // Every step goes to the program's one base URL (finding: two sandboxes differ by
            // port, and a step left at its recorded address would go, with the token, elsewhere).
            let base = flow.base_of(step, Some(&flow.base_url));
            let request = build_request(&step.draft(base), None, &Credential::EnvVar)
                .map_err(|err| step_error(index, err.to_string()))?;
            let url = url_parts(step, base, &bound).map_err(|why| step_error(index, why))?;
            let body = (!request.body.is_empty())
                .then(|| serde_json::from_slice::<Value>(&request.body).ok())
                .flatten()
                .map(|value| {
                    let holes = bound
                        .iter()
                        .filter_map(|(input, variable)| match input {
                            Input::Body(pointer) => Some((pointer.clone(), variable.clone())),
                            _ => None,
                        })
                        .collect();
                    (value, holes)
                });
            steps.push(StepPlan {
                number: index + 1,
                name: step.name.clone(),
                operation,
                request,
                url,
                body,
                bound,
                exports: variables
                    .iter()
                    .filter(|variable| variable.step == index)
                    .cloned()
                    .collect(),
            });
        }
        let mut notes = flow.notes.clone();
        notes.extend(flow.elsewhere_notes());
        Ok(Self {
            base_url: flow.base_url.clone(),
            steps,
            variables,
            notes,
        })
    }

    /// Whether any step puts a variable in its URL.
    pub fn encodes_values(&self) -> bool {
        self.steps.iter().any(|step| {
            step.url
                .iter()
                .any(|part| matches!(part, UrlPart::Encoded(_)))
        })
    }

    /// Whether any step puts a variable in its body.
    pub fn has_body_holes(&self) -> bool {
        self.steps.iter().any(StepPlan::body_has_holes)
    }

    /// Whether any step reads a value from its answer.
    pub fn reads_answers(&self) -> bool {
        !self.variables.is_empty()
    }

    /// Whether any step has a body.
    pub fn has_bodies(&self) -> bool {
        self.steps.iter().any(|step| step.body.is_some())
    }
}

/// The step's URL in parts. The request builder makes it with a marker in place of each bound
/// path or query value (plain letters and digits, which every encoding leaves as they are), and
/// the URL is split at the markers: the text around them is exactly what the builder makes.
fn url_parts(
    step: &super::Step,
    base: &str,
    bound: &[(Input, String)],
) -> Result<Vec<UrlPart>, String> {
    let in_url: Vec<&(Input, String)> = bound
        .iter()
        .filter(|(input, _)| !matches!(input, Input::Body(_)))
        .collect();
    let recorded = build_request(&step.draft(base), None, &Credential::EnvVar)
        .map_err(|err| err.to_string())?
        .url
        .to_string();
    let marker = marker_absent_from(&recorded);
    let values: BTreeMap<&Input, String> = in_url
        .iter()
        .enumerate()
        .map(|(index, (input, _))| (input, format!("{marker}{index}{marker}")))
        .collect();
    let marked = build_request(&step.draft_with(base, &values), None, &Credential::EnvVar)
        .map_err(|err| err.to_string())?
        .url
        .to_string();
    let base_text = crate::model::request::parse_base_url(base)
        .map_err(|err| err.to_string())?
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    let mut parts = Vec::new();
    let rest = match marked.strip_prefix(&base_text) {
        Some(rest) => {
            parts.push(UrlPart::Base);
            rest
        }
        None => marked.as_str(),
    };
    // Between two markers is either text or an index: the split alternates, text first.
    for (position, piece) in rest.split(marker.as_str()).enumerate() {
        if position % 2 == 0 {
            if !piece.is_empty() {
                parts.push(UrlPart::Text(piece.to_owned()));
            }
        } else {
            let variable = piece
                .parse::<usize>()
                .ok()
                .and_then(|index| in_url.get(index))
                .map(|(_, variable)| variable.clone())
                .ok_or("a bound value did not stay one piece of the URL")?;
            parts.push(UrlPart::Encoded(variable));
        }
    }
    Ok(parts)
}

/// Letters that do not occur in `text`, to mark places in it.
fn marker_absent_from(text: &str) -> String {
    let mut marker = "zzflowvar".to_owned();
    while text.contains(&marker) {
        marker.push('z');
    }
    marker
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{Binding, Step};

    fn flow_of(steps: Vec<Step>) -> Flow {
        Flow {
            version: 1,
            base_url: "http://127.0.0.1:9/api/v1".into(),
            steps,
            notes: Vec::new(),
        }
    }

    fn step(name: &str, operation: &str) -> Step {
        Step {
            name: name.into(),
            operation: operation.into(),
            base_url: None,
            path: BTreeMap::new(),
            query: BTreeMap::new(),
            body: None,
            bindings: Vec::new(),
        }
    }

    #[test]
    fn a_bound_path_value_is_a_variable_between_the_builders_own_text() {
        let mut create = step("create_person", "createPerson");
        create.body = Some(serde_json::json!({"userId": "ada"}));
        let mut device = step("register_device", "registerDevice");
        device
            .path
            .insert("person_id".into(), "zzflowvar 9/..".into());
        device.body = Some(serde_json::json!({"token": "t", "platform": "ios"}));
        device.bindings.push(Binding {
            input: Input::Path("person_id".into()),
            from: "create_person".into(),
            at: "/id".into(),
        });
        let plan = Plan::of(&flow_of(vec![create, device])).unwrap();
        assert_eq!(
            plan.steps[1].url,
            [
                UrlPart::Base,
                UrlPart::Text("/people/".into()),
                UrlPart::Encoded("create_person_id".into()),
                UrlPart::Text("/devices".into())
            ]
        );
        assert_eq!(plan.steps[0].exports.len(), 1);
        assert_eq!(
            plan.steps[0].url,
            [UrlPart::Base, UrlPart::Text("/people".into())]
        );
    }

    #[test]
    fn a_bound_query_value_is_a_variable_in_the_contracts_order() {
        let mut create = step("create_person", "createPerson");
        create.body = Some(serde_json::json!({"userId": "ada"}));
        let mut list = step("list_people", "listPeople");
        list.query.insert("search".into(), "ada".into());
        list.query.insert("limit".into(), "5".into());
        list.bindings.push(Binding {
            input: Input::Query("search".into()),
            from: "create_person".into(),
            at: "/external_id".into(),
        });
        let plan = Plan::of(&flow_of(vec![create, list])).unwrap();
        let recorded = plan.steps[1].request.url.as_str().to_owned();
        let search_at = recorded.find("search=").unwrap();
        let (before, after) = recorded.split_at(search_at + "search=".len());
        let mut expected = vec![
            UrlPart::Base,
            UrlPart::Text(before.trim_start_matches(&plan.base_url).to_owned()),
            UrlPart::Encoded("create_person_external_id".into()),
        ];
        let rest = after.trim_start_matches("ada");
        if !rest.is_empty() {
            expected.push(UrlPart::Text(rest.to_owned()));
        }
        assert_eq!(plan.steps[1].url, expected, "{recorded}");
    }

    #[test]
    fn a_step_recorded_elsewhere_goes_to_the_one_base_url_and_the_program_says_so() {
        let mut list = step("list_people", "listPeople");
        list.base_url = Some("http://127.0.0.1:18080/api/v1".into());
        list.query.insert("limit".into(), "5".into());
        let plan = Plan::of(&flow_of(vec![step("get_people", "listPeople"), list])).unwrap();
        assert_eq!(
            plan.steps[1].url,
            [UrlPart::Base, UrlPart::Text("/people?limit=5".into())]
        );
        assert_eq!(
            plan.notes,
            [
                "Step 2 (list_people) was recorded against http://127.0.0.1:18080/api/v1, not http://127.0.0.1:9/api/v1: like every step, it is sent to the one base URL."
            ]
        );
    }
}
