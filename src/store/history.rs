//! Every send, recorded as one JSON line: when, where, the request (never the token), the outcome
//! and the response body up to a cap. The file is kept under a size cap, oldest dropped first.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::atomic::write_atomic;
use super::saved::SavedRequest;
use crate::model::{Draft, HttpRequest};
use crate::transport::Outcome;

/// The most of a response body that is kept.
pub const MAX_BODY: usize = 64 * 1024;
/// When the file grows past this, the oldest entries are dropped ...
pub const MAX_FILE: u64 = 4 * 1024 * 1024;
/// ... until it is under this.
const KEEP: usize = 3 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// RFC 3339, UTC.
    pub time: String,
    pub method: String,
    pub url: String,
    pub request: SavedRequest,
    /// The status, when an answer came.
    pub status: Option<u16>,
    /// "201 Created", or what went wrong when no answer came.
    pub outcome: String,
    pub elapsed_ms: u64,
    pub response_body: String,
    #[serde(default)]
    pub response_truncated: bool,
}

impl HistoryEntry {
    /// An entry for a finished send. `request` is only used for its method and URL: its headers,
    /// and so the token, are never recorded.
    pub fn new(draft: &Draft, request: &HttpRequest, outcome: &Outcome, elapsed_ms: u64) -> Self {
        let (status, summary, body) = match outcome {
            // Only the first part is kept: a 50 MB answer is not copied whole (plus a few bytes, so
            // that a cut character still shows as cut rather than making the body look complete).
            Ok(response) => (
                Some(response.status),
                format!("{} {}", response.status, response.reason),
                String::from_utf8_lossy(&response.body[..response.body.len().min(MAX_BODY + 4)])
                    .into_owned(),
            ),
            Err(error) => (None, error.message().to_owned(), String::new()),
        };
        let truncated = body.len() > MAX_BODY;
        let body = if truncated {
            let mut cut = MAX_BODY;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body[..cut].to_owned()
        } else {
            body
        };
        Self {
            time: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            method: request.method.to_owned(),
            url: request.url.to_string(),
            request: SavedRequest::from_draft(draft),
            status,
            outcome: summary,
            elapsed_ms,
            response_body: body,
            response_truncated: truncated,
        }
    }

    /// Whether this entry mentions `query` (case-insensitive) in its URL, outcome or body.
    pub fn matches(&self, query: &str) -> bool {
        let query = query.to_lowercase();
        query.is_empty()
            || self.url.to_lowercase().contains(&query)
            || self.outcome.to_lowercase().contains(&query)
            || serde_json::Value::Object(self.request.body.clone())
                .to_string()
                .to_lowercase()
                .contains(&query)
    }
}

/// The history file and its entries, oldest first.
pub struct History {
    file: PathBuf,
    entries: Vec<HistoryEntry>,
}

impl History {
    /// Reads the history; lines that do not parse (a crash mid-append) are skipped.
    pub fn open(file: PathBuf) -> Self {
        let entries = std::fs::read_to_string(&file)
            .map(|text| {
                text.lines()
                    .filter_map(|line| serde_json::from_str(line).ok())
                    .collect()
            })
            .unwrap_or_default();
        Self { file, entries }
    }

    pub fn entries(&self) -> &[HistoryEntry] {
        &self.entries
    }

    /// Appends an entry, then drops the oldest ones if the file is over its cap.
    pub fn record(&mut self, entry: HistoryEntry) -> io::Result<()> {
        let line = serde_json::to_string(&entry).map_err(io::Error::other)? + "\n";
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.file)?;
        file.write_all(line.as_bytes())?;
        let size = file.metadata()?.len();
        self.entries.push(entry);
        if size > MAX_FILE {
            self.compact()?;
        }
        Ok(())
    }

    fn compact(&mut self) -> io::Result<()> {
        let lines: Vec<String> = self
            .entries
            .iter()
            .filter_map(|entry| serde_json::to_string(entry).ok())
            .collect();
        let mut kept = 0;
        let mut size = 0;
        for line in lines.iter().rev() {
            if size + line.len() + 1 > KEEP {
                break;
            }
            size += line.len() + 1;
            kept += 1;
        }
        let start = lines.len() - kept;
        let text: String = lines[start..]
            .iter()
            .map(|line| format!("{line}\n"))
            .collect();
        write_atomic(&self.file, text.as_bytes())?;
        self.entries.drain(..start);
        Ok(())
    }

    pub fn clear(&mut self) -> io::Result<()> {
        self.entries.clear();
        match std::fs::remove_file(&self.file) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }
}
