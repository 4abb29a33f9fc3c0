//! Replaying a flow with the app's own request builder: each step built from its recorded values
//! and the values earlier answers gave, sent, and stopped at the first answer that is not 2xx.
//! The sending is handed in, so this stays pure: the command line passes the transport.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use super::{Flow, Input};
use crate::model::{BuildError, Credential, HttpRequest, HttpResponse, build_request};
use crate::transport::{Outcome, TransportError};

/// Why a replay stopped before its end.
#[derive(Debug)]
pub enum ReplayError {
    /// A step's answer was not 2xx.
    Status {
        step: String,
        /// Boxed: an answer is large beside the other reasons.
        response: Box<HttpResponse>,
    },
    /// A step's answer lacks a value a later step needs.
    MissingValue { step: String, at: String },
    /// A step could not be made into a request (a value from an answer that cannot be a path
    /// segment, a token that cannot be a header).
    Build { step: String, error: BuildError },
    /// No answer came.
    Transport { step: String, error: TransportError },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status { step, response } => write!(
                formatter,
                "{step} answered {} {}: the flow stops here",
                response.status, response.reason
            ),
            Self::MissingValue { step, at } => write!(
                formatter,
                "{step}'s answer has no text at {at}, which a later step needs: the flow stops here"
            ),
            Self::Build { step, error } => write!(formatter, "{step}: {error}"),
            Self::Transport { step, error } => write!(formatter, "{step}: {error}"),
        }
    }
}

impl std::error::Error for ReplayError {}

/// Sends every step of `flow` in order with `send`, to `base_url` in place of where each was
/// recorded (without it, each step goes where it was recorded), each bound input taking the value
/// its earlier answer gave. `each` sees every answer as it comes; the replay stops at the first that
/// is not 2xx.
pub fn replay(
    flow: &Flow,
    base_url: Option<&str>,
    credential: &Credential,
    mut send: impl FnMut(&HttpRequest) -> Outcome,
    mut each: impl FnMut(&str, &HttpResponse),
) -> Result<(), ReplayError> {
    let variables = flow.variables();
    // The values read so far, by (step index, pointer).
    let mut values: BTreeMap<(usize, &str), String> = BTreeMap::new();
    for (index, step) in flow.steps.iter().enumerate() {
        let inputs: BTreeMap<&Input, String> = step
            .bindings
            .iter()
            .filter_map(|binding| {
                let from = flow.step_index(&binding.from)?;
                let value = values.get(&(from, binding.at.as_str()))?;
                Some((&binding.input, value.clone()))
            })
            .collect();
        let draft = step.draft_with(flow.base_of(step, base_url), &inputs);
        let request =
            build_request(&draft, None, credential).map_err(|error| ReplayError::Build {
                step: step.name.clone(),
                error,
            })?;
        let response = send(&request).map_err(|error| ReplayError::Transport {
            step: step.name.clone(),
            error,
        })?;
        each(&step.name, &response);
        if !response.is_success() {
            return Err(ReplayError::Status {
                step: step.name.clone(),
                response: Box::new(response),
            });
        }
        let wanted: Vec<&str> = variables
            .iter()
            .filter(|variable| variable.step == index)
            .map(|variable| variable.at.as_str())
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let answer = serde_json::from_slice::<Value>(&response.body).unwrap_or(Value::Null);
        for at in wanted {
            let text = answer.pointer(at).and_then(Value::as_str).ok_or_else(|| {
                ReplayError::MissingValue {
                    step: step.name.clone(),
                    at: at.to_owned(),
                }
            })?;
            values.insert((index, at), text.to_owned());
        }
    }
    Ok(())
}
