//! Every send, recorded as one JSON line: when, where, the request (never the token), the outcome
//! and the response body up to a cap. The file is kept under a size cap, oldest dropped first.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::write_atomic;
use super::guarded::{Guarded, read_kept_file};
use super::saved::SavedRequest;
use serde_json::Value;

use crate::contract::Operation;
use crate::model::{Draft, HttpRequest, HttpResponse};
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
    /// The answer's headers, so a restored entry shows its answer as it came.
    #[serde(default)]
    pub response_headers: Vec<(String, String)>,
    /// When the body was cut ([`Self::response_truncated`]): the identifiers its answer held, by
    /// the contract, found when it was recorded, so a flow can still take them from it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_identifiers: Vec<AnsweredIdentifier>,
}

/// An identifier an answer held, and where (older history files have none: they read as empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnsweredIdentifier {
    /// Where in the answer, as a JSON Pointer.
    pub at: String,
    pub value: String,
}

/// The largest answer whose identifiers are found when its body is too large to keep: parsing
/// a larger one (a list of many thousands) would cost more than its identifiers are worth.
pub const MAX_SEARCHED_BODY: usize = 4 * 1024 * 1024;
/// The most identifiers kept of one cut answer.
pub const MAX_ANSWERED_IDENTIFIERS: usize = 1_000;

impl HistoryEntry {
    /// An entry for a finished send. `request` is only used for its method and URL: its headers,
    /// and so the token, are never recorded.
    pub fn new(draft: &Draft, request: &HttpRequest, outcome: &Outcome, elapsed_ms: u64) -> Self {
        let headers = match outcome {
            Ok(response) => response.headers.clone(),
            Err(_) => Vec::new(),
        };
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
        let response_identifiers = match outcome {
            Ok(response) if truncated => identifiers_of(draft, response),
            _ => Vec::new(),
        };
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
            response_headers: headers,
            response_identifiers,
        }
    }

    /// The documented schema of this entry's answer, for its status, if it has one.
    pub fn answer_schema(&self, operation: &'static Operation) -> Option<&'static Value> {
        answer_schema(operation, self.status?)
    }

    /// The recorded answer, as the response panel shows it (the body as far as it was kept).
    pub fn answer(&self) -> Option<crate::model::HttpResponse> {
        let status = self.status?;
        let reason = self
            .outcome
            .strip_prefix(&format!("{status} "))
            .unwrap_or(&self.outcome)
            .to_owned();
        Some(crate::model::HttpResponse::from_parts(
            status,
            reason,
            self.response_headers.clone(),
            self.response_body.clone().into_bytes(),
            std::time::Duration::from_millis(self.elapsed_ms),
        ))
    }

    /// The host the request went to (with its port), for telling sends to different servers apart.
    pub fn host(&self) -> String {
        url::Url::parse(&self.url)
            .ok()
            .and_then(|url| {
                let host = url.host_str()?.to_owned();
                Some(match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                })
            })
            .unwrap_or_default()
    }

    /// The userId the request carried, if it had one as text.
    pub fn user_id(&self) -> Option<&str> {
        self.request
            .body
            .as_ref()?
            .get(crate::model::body::USER_ID)
            .and_then(serde_json::Value::as_str)
    }

    /// Whether this entry mentions `query` (case-insensitive) in its URL, outcome or body.
    pub fn matches(&self, query: &str) -> bool {
        let query = query.to_lowercase();
        query.is_empty()
            || self.url.to_lowercase().contains(&query)
            || self.outcome.to_lowercase().contains(&query)
            || self
                .request
                .body
                .as_ref()
                .is_some_and(|body| body.to_string().to_lowercase().contains(&query))
    }
}

/// The documented schema of `operation`'s answer with `status`.
fn answer_schema(operation: &'static Operation, status: u16) -> Option<&'static Value> {
    operation
        .responses
        .get(&status.to_string())?
        .pointer("/content/application~1json/schema")
}

/// The identifiers of an answer too large to keep, found by its documented schema; none when it
/// is larger than [`MAX_SEARCHED_BODY`] or not JSON.
fn identifiers_of(draft: &Draft, response: &HttpResponse) -> Vec<AnsweredIdentifier> {
    let schema = draft
        .operation()
        .and_then(|operation| answer_schema(operation, response.status));
    let Some(schema) = schema else {
        return Vec::new();
    };
    if response.body.len() > MAX_SEARCHED_BODY {
        return Vec::new();
    }
    let Ok(answer) = serde_json::from_slice::<Value>(&response.body) else {
        return Vec::new();
    };
    crate::model::links::identifiers_in(schema, &answer)
        .into_iter()
        .take(MAX_ANSWERED_IDENTIFIERS)
        .map(|found| AnsweredIdentifier {
            at: found.at,
            value: found.value,
        })
        .collect()
}

/// The history file and its entries, oldest first.
pub struct History {
    file: PathBuf,
    entries: Vec<HistoryEntry>,
}

impl History {
    /// Reads the history. Lines that do not parse (a crash mid-append, a newer version's entry)
    /// are not dropped silently: they are appended to a file beside it, and the second value
    /// says so, once, in a sentence.
    pub fn open(file: PathBuf) -> (Self, Option<String>) {
        // Never more than a few times what the app writes (it compacts at MAX_FILE).
        let text = match read_kept_file(&file, 4 * MAX_FILE, "history") {
            Guarded::Missing => String::new(),
            Guarded::Read(text) => text,
            Guarded::SetAside(notice) => return (Self::empty(file), Some(notice)),
        };
        let mut entries = Vec::new();
        let mut readable = String::new();
        let mut unreadable = String::new();
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            let kept = match serde_json::from_str(line) {
                Ok(entry) => {
                    entries.push(entry);
                    &mut readable
                }
                Err(_) => &mut unreadable,
            };
            kept.push_str(line);
            kept.push('\n');
        }
        let notice = (!unreadable.is_empty()).then(|| move_aside(&file, &readable, &unreadable));
        (Self { file, entries }, notice)
    }

    fn empty(file: PathBuf) -> Self {
        Self {
            file,
            entries: Vec::new(),
        }
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

    /// Where lines that could not be read are kept.
    pub fn unreadable_file(&self) -> PathBuf {
        unreadable_path(&self.file)
    }

    /// Removes every entry, and hands them back so the clear can be undone.
    pub fn clear(&mut self) -> io::Result<Vec<HistoryEntry>> {
        match std::fs::remove_file(&self.file) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(std::mem::take(&mut self.entries)),
        }
    }

    /// Puts cleared entries back, before any recorded since.
    pub fn restore(&mut self, mut entries: Vec<HistoryEntry>) -> io::Result<()> {
        entries.append(&mut self.entries);
        let mut text = String::new();
        for entry in &entries {
            text.push_str(&serde_json::to_string(entry).map_err(io::Error::other)?);
            text.push('\n');
        }
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        write_atomic(&self.file, text.as_bytes())?;
        self.entries = entries;
        Ok(())
    }
}

fn unreadable_path(file: &Path) -> PathBuf {
    file.with_extension("unreadable.jsonl")
}

/// Moves the lines that could not be read to a file beside the history, and says so. Compacting
/// rewrites the history from what was read, so without this copy they would be gone for good;
/// moving (rather than copying) them says so once, not at every start.
fn move_aside(file: &Path, readable: &str, unreadable: &str) -> String {
    let copy = unreadable_path(file);
    let kept = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&copy)
        .and_then(|mut out| out.write_all(unreadable.as_bytes()))
        .and_then(|()| write_atomic(file, readable.as_bytes()));
    let lines = unreadable;
    let count = lines.lines().count();
    let entries = if count == 1 { "entry" } else { "entries" };
    match kept {
        Ok(()) => format!(
            "{count} history {entries} could not be read; kept in {}.",
            copy.display()
        ),
        Err(err) => format!("{count} history {entries} could not be read, nor kept aside ({err})."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two lines as the version before the whole API wrote them (its `SavedRequest` had
    /// `path_style`, `workspace_id` and an always-present `body`), the second from before
    /// answers' headers were kept.
    const OLD_LINES: &str = concat!(
        r#"{"time":"2026-11-27T12:00:00Z","method":"POST","url":"http://127.0.0.1:8080/api/v1/workspaces/ws_abc123/people","request":{"environment":"Custom","base_url":"http://127.0.0.1:8080/api/v1","path_style":"WorkspaceScoped","workspace_id":"ws_abc123","body":{"userId":"ada","traits":{"plan":"pro","seats":12}}},"status":201,"outcome":"201 Created","elapsed_ms":12,"response_body":"{\"id\":\"p1\"}","response_truncated":false,"response_headers":[["content-type","application/json"]]}"#,
        "\n",
        r#"{"time":"2026-11-27T12:01:00Z","method":"POST","url":"https://api.flameup.ai/api/v1/people","request":{"environment":"Production","path_style":"KeyScoped","body":{"userId":"grace"}},"status":null,"outcome":"No answer came back before the deadline","elapsed_ms":30000,"response_body":""}"#,
        "\n",
    );

    #[test]
    fn lines_written_before_the_whole_api_load_as_the_creates_they_were() {
        let dir = std::env::temp_dir().join(format!("flameup-old-history-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("history.jsonl");
        std::fs::write(&file, OLD_LINES).unwrap();

        let (history, notice) = History::open(file.clone());
        assert_eq!(notice, None, "every old line is read");
        let [workspace, key_scoped] = history.entries() else {
            panic!("{:?}", history.entries());
        };
        assert_eq!(workspace.user_id(), Some("ada"));
        assert_eq!(workspace.request.operation_id(), "createWorkspacePerson");
        for entry in [workspace, key_scoped] {
            let draft = entry.request.to_draft();
            let request =
                crate::model::build_request(&draft, None, &crate::model::Credential::EnvVar)
                    .unwrap();
            assert_eq!(request.url.as_str(), entry.url, "sent again where it went");
            assert_eq!(request.method, entry.method);
            let sent: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
            assert_eq!(
                Some(&sent),
                entry.request.body.as_ref(),
                "with the same body"
            );
        }
        assert_eq!(key_scoped.request.operation_id(), "createPerson");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            OLD_LINES,
            "the file is left as it was"
        );

        // Rewritten (as compaction and an undone clear do), they are still those creates.
        let (mut history, _) = History::open(file.clone());
        history.restore(Vec::new()).unwrap();
        let rewritten = std::fs::read_to_string(&file).unwrap();
        assert!(!rewritten.contains("path_style"), "{rewritten}");
        let (again, notice) = History::open(file);
        assert_eq!(notice, None);
        assert_eq!(again.entries(), history.entries());
        assert_eq!(
            again.entries()[0].request.to_draft().values.path["workspaceId"],
            "ws_abc123"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unreadable_lines_are_moved_aside_and_reported_once() {
        let dir = std::env::temp_dir().join(format!("flameup-history-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("history.jsonl");
        let (mut history, notice) = History::open(file.clone());
        assert_eq!(notice, None);
        let draft = Draft::docs_example();
        let request =
            crate::model::build_request(&draft, None, &crate::model::Credential::EnvVar).unwrap();
        let outcome: Outcome = Err(crate::transport::TransportError::classify(
            "Connection refused (os error 111)",
        ));
        history
            .record(HistoryEntry::new(&draft, &request, &outcome, 5))
            .unwrap();
        let good = std::fs::read_to_string(&file).unwrap();
        let torn = "{\"time\": \"2026-01-01T00:00:00Z\", \"requ";
        std::fs::write(&file, format!("{good}{torn}\n")).unwrap();

        let (history, notice) = History::open(file.clone());
        assert_eq!(history.entries().len(), 1);
        let notice = notice.expect("the lost line is reported");
        assert!(
            notice.starts_with("1 history entry could not be read"),
            "{notice}"
        );
        assert_eq!(
            std::fs::read_to_string(history.unreadable_file()).unwrap(),
            format!("{torn}\n")
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), good);
        let (_, again) = History::open(file);
        assert_eq!(again, None, "said once");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
