//! Is this what the docs promised, and what changed since last time? Each answer is checked
//! against its operation's documented answers, and compared with the previous answer of the same
//! operation, or with one the user pinned. The window's memory of earlier answers lives here;
//! the check and the diff themselves are pure (`contract::check`, `model::diff`).

use std::collections::HashMap;

use serde_json::Value;

use crate::contract::{AnswerCheck, Operation};
use crate::model::diff::{AnswerParts, DiffEntry, DiffOptions, diff_answers};
use crate::model::links::{Link, identifiers_in, links};
use crate::model::response::{HttpResponse, PREPARE_LATER};

/// An answer as kept for comparing later ones with.
#[derive(Clone, Debug)]
pub struct Snapshot {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Snapshot {
    /// The answer's parts, when its body is small enough to keep (see [`PREPARE_LATER`]); a
    /// body that is not JSON is kept as its text.
    fn of(response: &HttpResponse) -> Option<Self> {
        if response.body.len() > PREPARE_LATER {
            return None;
        }
        let body = serde_json::from_slice(&response.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&response.body).into()));
        Some(Self {
            status: response.status,
            headers: response.headers.clone(),
            body,
        })
    }

    fn parts(&self) -> AnswerParts<'_> {
        AnswerParts {
            status: Some(self.status),
            headers: Some(&self.headers),
            body: &self.body,
        }
    }
}

/// What the answer was compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Baseline {
    /// The answer before it, of the same operation.
    Previous,
    /// The answer the user pinned for this operation.
    Pinned,
}

/// An answer compared with its baseline, both ways: with and without the volatile values.
#[derive(Clone, Debug)]
pub struct Compared {
    pub against: Baseline,
    pub stable: Vec<DiffEntry>,
    pub all: Vec<DiffEntry>,
}

impl Compared {
    pub fn entries(&self, include_volatile: bool) -> &[DiffEntry] {
        if include_volatile {
            &self.all
        } else {
            &self.stable
        }
    }
}

/// Why an answer has no comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoDiff {
    /// The first answer of its operation in this session.
    FirstAnswer,
    /// Too large to keep and compare.
    TooLarge,
    /// An answer put back from the history, not a new one.
    Restored,
}

/// The review of the answer on screen.
#[derive(Clone, Debug)]
pub struct Review {
    /// The operation it answers.
    pub operation: String,
    pub check: AnswerCheck,
    pub diff: Result<Compared, NoDiff>,
    /// The operations that can take the answer's identifiers next.
    pub links: Vec<Link>,
}

/// The answers kept to compare new ones with: the last one and the pinned one of each operation,
/// for this session.
#[derive(Default)]
pub struct Reviews {
    previous: HashMap<String, Snapshot>,
    pinned: HashMap<String, Snapshot>,
}

impl Reviews {
    /// Checks a new answer to `operation` and compares it with the pinned answer, else the
    /// previous one; it then becomes the previous one. A large body is checked by the caller off
    /// the UI thread and passes its `check` in.
    pub fn review(
        &mut self,
        operation: &Operation,
        response: &HttpResponse,
        check: Option<AnswerCheck>,
    ) -> Review {
        let check = check.unwrap_or_else(|| check_answer(operation, response));
        let diff = match Snapshot::of(response) {
            None => Err(NoDiff::TooLarge),
            Some(snapshot) => {
                let baseline = self
                    .pinned
                    .get(&operation.id)
                    .map(|pinned| (Baseline::Pinned, pinned))
                    .or_else(|| {
                        let previous = self.previous.get(&operation.id)?;
                        Some((Baseline::Previous, previous))
                    });
                let compared = baseline
                    .map(|(against, baseline)| compare(against, baseline, &snapshot))
                    .ok_or(NoDiff::FirstAnswer);
                self.previous.insert(operation.id.clone(), snapshot);
                compared
            }
        };
        Review {
            operation: operation.id.clone(),
            check,
            diff,
            links: next_operations(operation, response),
        }
    }

    /// Checks an answer put back from the history; it is not compared, nor kept as previous.
    pub fn review_restored(operation: &Operation, response: &HttpResponse) -> Review {
        Review {
            operation: operation.id.clone(),
            check: check_answer(operation, response),
            diff: Err(NoDiff::Restored),
            links: next_operations(operation, response),
        }
    }

    /// Pins `response` as what later answers to `operation` are compared with. `false` when it
    /// is too large to keep.
    pub fn pin(&mut self, operation: &str, response: &HttpResponse) -> bool {
        match Snapshot::of(response) {
            Some(snapshot) => {
                self.pinned.insert(operation.to_owned(), snapshot);
                true
            }
            None => false,
        }
    }

    pub fn unpin(&mut self, operation: &str) {
        self.pinned.remove(operation);
    }

    pub fn is_pinned(&self, operation: &str) -> bool {
        self.pinned.contains_key(operation)
    }
}

fn compare(against: Baseline, before: &Snapshot, after: &Snapshot) -> Compared {
    let diff = |include_volatile| {
        diff_answers(
            &before.parts(),
            &after.parts(),
            &DiffOptions { include_volatile },
        )
    };
    Compared {
        against,
        stable: diff(false),
        all: diff(true),
    }
}

/// The operations the answer's identifiers lead to, by its documented schema; none for a large
/// body (not parsed again here) or an answer without a documented JSON schema.
fn next_operations(operation: &Operation, response: &HttpResponse) -> Vec<Link> {
    let (Some(json), Ok(contract)) = (response.view.json.as_deref(), crate::contract::embedded())
    else {
        return Vec::new();
    };
    let Some(schema) = operation
        .documented_status(response.status)
        .and_then(|status| operation.responses.get(status))
        .and_then(|answer| answer.pointer("/content/application~1json/schema"))
    else {
        return Vec::new();
    };
    links(contract, &operation.id, &identifiers_in(schema, json))
}

/// The answer checked against the operation's documented answers.
pub fn check_answer(operation: &Operation, response: &HttpResponse) -> AnswerCheck {
    // The bytes, not the body parsed for the views: a key repeated in the body is seen only
    // there, and the headers say whether the body is the JSON the docs promise.
    operation.check_response(response.status, &response.headers, &response.body)
}
