//! Bulk import of people: a file of people (CSV, JSON Lines or a JSON array) checked against the
//! contract, then sent in `batchPeople` batches at exactly the rate the server allows, each row's
//! final outcome written to a results file that a later run resumes from.
//!
//! The parts, each usable on its own:
//! - [`source`]: reads the file as a stream of rows with their line numbers (memory stays flat
//!   whatever the file's size), and turns a row into a person;
//! - [`person`]: checks one person with the same validator as the form's lint;
//! - [`pacing`]: when the next request may go, from the `X-RateLimit-*` headers and 429s;
//! - [`answer`]: what a batch's answer means for each of its rows;
//! - [`results`]: the results file, and what an earlier run already finished;
//! - [`runner`]: the import itself, on a thread of its own, driven by [`Import`] (pause, resume,
//!   cancel from any thread, at once) and reporting through a callback; its sending pass is
//!   `delivery`.
//!
//! The window and the command line drive the same [`Import`]; neither blocks on it.

pub mod answer;
mod csv_rows;
mod delivery;
mod json_rows;
pub mod pacing;
pub mod person;
pub mod results;
pub mod runner;
pub mod source;

use serde::{Deserialize, Serialize};

pub use runner::{
    Destination, End, Event, Import, Phase, Progress, ResultsFile, SendSettings, Settings, Summary,
    Wait, WaitReason,
};
pub use source::{Column, Format, Preview, RawText, Source, SourceError};

/// The most people one batch may hold: the contract's `maxItems` for a batch.
pub const MAX_BATCH_SIZE: usize = 100;

/// What finally happened to one row of the file. Every one is final: a resumed import sends
/// only rows that have none yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The server created the person.
    Created,
    /// The server updated a person with that userId (also what a batch resent after a crash
    /// answers: the batch is an upsert).
    Updated,
    /// The row breaks the contract or cannot be read: never sent.
    Invalid,
    /// The server refused the person, with its reasons.
    Rejected,
    /// No answer came after every retry (timeouts, dropped connections, 5xx).
    Failed,
}

impl Outcome {
    pub const ALL: [Self; 5] = [
        Self::Created,
        Self::Updated,
        Self::Invalid,
        Self::Rejected,
        Self::Failed,
    ];

    /// The name used in the results file and the JSON summary.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Invalid => "invalid",
            Self::Rejected => "rejected",
            Self::Failed => "failed",
        }
    }

    /// Whether the person is now on the server as the row says.
    pub fn is_stored(self) -> bool {
        matches!(self, Self::Created | Self::Updated)
    }
}

/// One thing wrong with a row: where (a CSV column as its header names it, or a field path such
/// as `traits.age`; `None` for the row as a whole) and why, in words for the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub column: Option<String>,
    pub reason: String,
}

impl RowError {
    pub fn new(column: Option<String>, reason: impl Into<String>) -> Self {
        Self {
            column,
            reason: reason.into(),
        }
    }

    /// A problem with the row as a whole rather than one of its columns.
    pub fn whole_row(reason: impl Into<String>) -> Self {
        Self::new(None, reason)
    }
}

/// A row's final result: one line of the results file, and what the window lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowResult {
    /// The row's line in the file: for CSV the header is line 1, so the first person is line 2;
    /// for JSON Lines the first line is 1; in a JSON array, the line where the person starts.
    pub line: u64,
    /// The row's userId as text, when it has one.
    #[serde(rename = "userId")]
    pub user_id: Option<String>,
    pub outcome: Outcome,
    /// Flameup's id of the person, when the answer gave it.
    pub id: Option<String>,
    pub errors: Vec<RowError>,
    /// The row's place among the file's rows, from 1: unlike `line`, never shared (every person
    /// of a one-line JSON array is on line 1), so a resume goes by it. 0 in files written before
    /// it existed.
    #[serde(default)]
    pub row: u64,
}

/// How many rows, requests and outcomes an import has seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// People in the file.
    pub rows: u64,
    pub valid: u64,
    pub invalid: u64,
    pub created: u64,
    pub updated: u64,
    pub rejected: u64,
    pub failed: u64,
    /// HTTP requests sent by this run, resends included.
    pub requests: u64,
    /// Answers that were 429 (each one waited out and its batch resent).
    pub rate_limited: u64,
}

impl Counts {
    /// Adds one sent row's outcome (an invalid row is counted by the check instead).
    pub fn add_outcome(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Rejected => self.rejected += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Invalid => {}
        }
    }

    /// Valid rows with a final outcome.
    pub fn sent_done(&self) -> u64 {
        self.created + self.updated + self.rejected + self.failed
    }

    /// Whether every valid row was created or updated.
    pub fn all_valid_stored(&self) -> bool {
        self.created + self.updated >= self.valid && self.rejected == 0 && self.failed == 0
    }
}
