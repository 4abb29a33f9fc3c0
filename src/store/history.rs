//! Every send, recorded as one JSON line: when, where, the request (never the token), the outcome
//! and the response body up to a cap. The file is kept under a size cap, oldest dropped first.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::atomic::{make_private, write_atomic_private};
use super::guarded::{Guarded, read_kept_file};
use super::saved::SavedRequest;
use serde_json::Value;

use crate::contract::Operation;
use crate::model::redact::Secret;
use crate::model::{Credential, Draft, HttpRequest, HttpResponse};
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
    /// An entry for a finished send. `request` is used for its method and URL, and for the token it
    /// carried: its headers are never recorded, and wherever the answer (or anything else kept)
    /// holds that token, it is replaced by the reference previews show (see [`Secret`]).
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
        let mut entry = Self {
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
        };
        if let Credential::Token(token) = &request.credential
            && let Some(secret) = Secret::new(token)
        {
            entry.hide(&secret);
        }
        entry
    }

    /// Replaces the token wherever this entry holds it: a server may echo it in its body or its
    /// headers, and a user may have typed it into a field. A cut body that ends in the first part
    /// of the token loses that part too.
    fn hide(&mut self, secret: &Secret) {
        secret.hide_in(&mut self.url);
        secret.hide_in(&mut self.outcome);
        secret.hide_in(&mut self.response_body);
        if self.response_truncated {
            secret.cut_partial_tail(&mut self.response_body);
        }
        for (name, value) in &mut self.response_headers {
            secret.hide_in(name);
            secret.hide_in(value);
        }
        for found in &mut self.response_identifiers {
            secret.hide_in(&mut found.value);
        }
        let request = &mut self.request;
        secret.hide_in(&mut request.base_url);
        for value in request.path.values_mut().chain(request.query.values_mut()) {
            secret.hide_in(value);
        }
        if let Some(body) = &mut request.body {
            secret.hide_in_value(body);
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
///
/// Several processes write one history (the window and any number of `send` commands): every
/// change to the file is made under a lock, an entry is appended whole, and a rewrite (dropping
/// the oldest entries, moving unreadable lines aside, an undone clear) starts from what the file
/// holds at that moment, never from what this process read earlier.
pub struct History {
    file: PathBuf,
    entries: Vec<HistoryEntry>,
    limits: Limits,
}

/// When the file grows past `max_file` bytes, the oldest entries are dropped until it holds at
/// most `keep`.
#[derive(Clone, Copy, Debug)]
struct Limits {
    max_file: u64,
    keep: usize,
}

/// The largest history file that is read: a few times what the app writes (it compacts at
/// [`MAX_FILE`]); a larger one was not written by the app and is set aside unread.
const MAX_READ: u64 = 4 * MAX_FILE;

/// How long a change waits for another process to finish its own before giving up: far longer
/// than any append or compaction takes, short enough that a stuck process cannot hang a send.
const LOCK_PATIENCE: Duration = Duration::from_secs(10);

impl History {
    /// Reads the history. Lines that do not parse (a newer version's entry, an old crash) are
    /// not dropped silently: they are moved to a file beside it, and the second value says so,
    /// once, in a sentence. A last line without its line break is an entry still being written
    /// (or cut by a crash): it is neither read nor moved.
    pub fn open(file: PathBuf) -> (Self, Option<String>) {
        Self::open_with(
            file,
            Limits {
                max_file: MAX_FILE,
                keep: KEEP,
            },
        )
    }

    fn open_with(file: PathBuf, limits: Limits) -> (Self, Option<String>) {
        let mut history = Self {
            file,
            entries: Vec::new(),
            limits,
        };
        let contents = match history.read_now() {
            Ok(contents) => contents,
            Err(notice) => return (history, Some(notice)),
        };
        if contents.unreadable.is_empty() {
            history.entries = contents.entries;
            return (history, None);
        }
        let notice = history.set_unreadable_aside();
        (history, notice)
    }

    pub fn entries(&self) -> &[HistoryEntry] {
        &self.entries
    }

    /// Appends an entry (one write, under the lock, so lines of concurrent sends never mix),
    /// then drops the oldest entries if the file is over its cap.
    pub fn record(&mut self, entry: HistoryEntry) -> io::Result<()> {
        let line = serde_json::to_string(&entry).map_err(io::Error::other)? + "\n";
        let _lock = self.lock()?;
        let size = append_line(&self.file, &line)?;
        self.entries.push(entry);
        if size > self.limits.max_file {
            self.rewrite(Vec::new(), self.limits.keep)?;
        }
        Ok(())
    }

    /// Where lines that could not be read are kept.
    pub fn unreadable_file(&self) -> PathBuf {
        unreadable_path(&self.file)
    }

    /// Removes every entry, and hands them back so the clear can be undone.
    pub fn clear(&mut self) -> io::Result<Vec<HistoryEntry>> {
        let _lock = self.lock()?;
        match std::fs::remove_file(&self.file) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(std::mem::take(&mut self.entries)),
        }
    }

    /// Puts cleared entries back, before any recorded since (by this process or another).
    pub fn restore(&mut self, entries: Vec<HistoryEntry>) -> io::Result<()> {
        let _lock = self.lock()?;
        self.rewrite(entries, usize::MAX).map(|_| ())
    }

    /// Moves the lines that could not be read to a file beside the history, and says so. They
    /// are read again under the lock: another process may have moved them already (then this
    /// one says nothing), or appended entries since, which are kept.
    fn set_unreadable_aside(&mut self) -> Option<String> {
        let moved = self
            .lock()
            .and_then(|_lock| self.rewrite(Vec::new(), usize::MAX));
        match moved {
            Ok(0) => None,
            Ok(count) => {
                let entries = if count == 1 { "entry" } else { "entries" };
                Some(format!(
                    "{count} history {entries} could not be read; kept in {}.",
                    self.unreadable_file().display()
                ))
            }
            Err(err) => Some(format!(
                "Some history entries could not be read, nor kept aside ({err})."
            )),
        }
    }

    /// Rewrites the file from what it holds now (the caller holds the lock): `earlier` entries
    /// first, then the file's, of which only the newest that fit in `keep` bytes stay; lines
    /// that do not parse are appended to the unreadable file, and a torn last line, left by a
    /// crash (no one else is writing), is dropped. Returns how many lines were moved aside.
    fn rewrite(&mut self, earlier: Vec<HistoryEntry>, keep: usize) -> io::Result<usize> {
        let now = self.read_now().map_err(io::Error::other)?;
        let mut entries = earlier;
        entries.extend(now.entries);
        // Written again in today's form, so an older version's fields do not linger.
        let lines = entries
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<Vec<_>, _>>()
            .map_err(io::Error::other)?;
        let mut size = 0;
        let kept = lines
            .iter()
            .rev()
            .take_while(|line| {
                size += line.len() + 1;
                size <= keep
            })
            .count();
        let dropped = lines.len() - kept;
        let moved = now.unreadable.lines().count();
        if moved > 0 {
            append_private(&self.unreadable_file(), &now.unreadable)?;
        }
        let text: String = lines[dropped..]
            .iter()
            .map(|line| format!("{line}\n"))
            .collect();
        write_atomic_private(&self.file, text.as_bytes())?;
        entries.drain(..dropped);
        self.entries = entries;
        Ok(moved)
    }

    /// What the file holds now; a sentence when it could not be used (it is then set aside).
    fn read_now(&self) -> Result<Contents, String> {
        match read_kept_file(&self.file, MAX_READ, "history") {
            Guarded::Missing => Ok(Contents::default()),
            Guarded::Read(text) => Ok(Contents::of(&text)),
            Guarded::SetAside(notice) => Err(notice),
        }
    }

    /// Waits for any other process changing the history to finish, then holds the lock until
    /// the returned file is dropped. The lock is a file of its own beside the history: the
    /// history itself is replaced by every rewrite, and a process that waited on the old one
    /// would append to a file no longer there.
    fn lock(&self) -> io::Result<File> {
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let path = self.file.with_extension("lock");
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        let started = Instant::now();
        loop {
            match lock.try_lock() {
                Ok(()) => return Ok(lock),
                Err(TryLockError::WouldBlock) if started.elapsed() < LOCK_PATIENCE => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(io::Error::new(
                        io::ErrorKind::WouldBlock,
                        format!(
                            "another Flameup Explorer has been changing the history for over {} seconds (its lock is {})",
                            LOCK_PATIENCE.as_secs(),
                            path.display()
                        ),
                    ));
                }
                // A file system without locks: write as before, unguarded, rather than not at all.
                Err(TryLockError::Error(err)) if err.kind() == io::ErrorKind::Unsupported => {
                    return Ok(lock);
                }
                Err(TryLockError::Error(err)) => return Err(err),
            }
        }
    }
}

/// The history file's lines, sorted.
#[derive(Default)]
struct Contents {
    /// The entries, oldest first.
    entries: Vec<HistoryEntry>,
    /// Complete lines that are not entries, each with its line break.
    unreadable: String,
}

impl Contents {
    /// Sorts `text`'s lines. A last line without its line break is still being written, or was
    /// cut by a crash: it is neither an entry nor unreadable.
    fn of(text: &str) -> Self {
        let complete = text.rfind('\n').map_or("", |end| &text[..=end]);
        let mut contents = Self::default();
        for line in complete.lines().filter(|line| !line.trim().is_empty()) {
            match serde_json::from_str(line) {
                Ok(entry) => contents.entries.push(entry),
                Err(_) => {
                    contents.unreadable.push_str(line);
                    contents.unreadable.push('\n');
                }
            }
        }
        contents
    }
}

/// Appends `line` to the history at `path` (the caller holds the lock) and returns the file's
/// size. A torn last line, left by a crash, is cut off first, so the new entry does not end up
/// glued to it.
fn append_line(path: &Path, line: &str) -> io::Result<u64> {
    let mut file = open_private_append(path)?;
    cut_torn_tail(&mut file)?;
    file.write_all(line.as_bytes())?;
    Ok(file.metadata()?.len())
}

/// Appends `text` to the file at `path`, which only its owner may read.
fn append_private(path: &Path, text: &str) -> io::Result<()> {
    open_private_append(path)?.write_all(text.as_bytes())
}

/// Opens `path` for appending (and reading), created if need be, for its owner only: the
/// history holds what servers answered.
fn open_private_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // A file written by an earlier version may be readable by others.
    make_private(&file)?;
    Ok(file)
}

/// Cuts the file back to just after its last line break, if it does not end in one.
fn cut_torn_tail(file: &mut File) -> io::Result<()> {
    const CHUNK: u64 = 64 * 1024;
    let size = file.metadata()?.len();
    let mut end = size;
    let mut chunk = Vec::new();
    while end > 0 {
        let start = end.saturating_sub(CHUNK);
        file.seek(SeekFrom::Start(start))?;
        chunk.clear();
        (&mut *file).take(end - start).read_to_end(&mut chunk)?;
        if let Some(at) = chunk.iter().rposition(|&byte| byte == b'\n') {
            end = start + at as u64 + 1;
            break;
        }
        end = start;
    }
    if end < size {
        file.set_len(end)?;
    }
    Ok(())
}

fn unreadable_path(file: &Path) -> PathBuf {
    file.with_extension("unreadable.jsonl")
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

#[cfg(test)]
mod concurrency_tests {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Barrier, Mutex};

    use super::*;

    /// Small limits, so a few dozen entries make the history compact many times.
    const SMALL: Limits = Limits {
        max_file: 24 * 1024,
        keep: 16 * 1024,
    };

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("flameup-history-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("history.jsonl")
    }

    /// An entry of a fixed size (about 1.3 kB) that says who wrote it: writer and number.
    fn entry(writer: usize, number: usize) -> HistoryEntry {
        let draft = Draft::docs_example();
        let request =
            crate::model::build_request(&draft, None, &crate::model::Credential::EnvVar).unwrap();
        let outcome: Outcome = Err(crate::transport::TransportError::classify(
            "Connection refused (os error 111)",
        ));
        let mut entry = HistoryEntry::new(&draft, &request, &outcome, 1);
        entry.outcome = format!("writer {writer:02} entry {number:04}");
        entry.response_body = "x".repeat(1000);
        entry
    }

    fn tag(entry: &HistoryEntry) -> (usize, usize) {
        let mut words = entry.outcome.split(' ');
        let writer = words.nth(1).unwrap().parse().unwrap();
        let number = words.nth(1).unwrap().parse().unwrap();
        (writer, number)
    }

    /// The file as another process would read it now: its entries, and whether it is whole.
    fn entries_on_disk(file: &Path) -> Vec<HistoryEntry> {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.ends_with('\n'), "no torn last line");
        text.lines()
            .map(|line| serde_json::from_str(line).expect("every line is an entry"))
            .collect()
    }

    /// The bug: each process compacted from the entries it had read itself, so the sends of
    /// every other process since were dropped. Writers take turns here (one global order, known
    /// to the test), each through its own `History`, opened before anyone wrote.
    #[test]
    fn a_compaction_keeps_what_other_writers_appended_and_drops_only_the_oldest() {
        let file = scratch("turns");
        let mut writers: Vec<History> = (0..4)
            .map(|_| History::open_with(file.clone(), SMALL).0)
            .collect();
        let mut order = Vec::new();
        for number in 0..60 {
            let writer = number % writers.len();
            writers[writer].record(entry(writer, number)).unwrap();
            order.push((writer, number));
        }
        let kept: Vec<(usize, usize)> = entries_on_disk(&file).iter().map(tag).collect();
        assert!(
            kept.len() * 1300 >= SMALL.keep - 1300,
            "only {} entries kept",
            kept.len()
        );
        assert_eq!(
            kept,
            order[order.len() - kept.len()..],
            "the newest entries, whoever wrote them, in the order they were sent"
        );
        assert!(!unreadable_path(&file).exists());
        let last = &writers[(59) % 4];
        assert_eq!(
            last.entries().last().map(tag),
            Some((3, 59)),
            "the writer's own list ends with its send"
        );
        let _ = std::fs::remove_dir_all(file.parent().unwrap());
    }

    /// Writers at the same time, each with its own `History` (as separate processes would
    /// be), compacting often: every line stays whole, nothing goes to the unreadable file, and
    /// of each writer's entries only its oldest may be missing.
    #[test]
    fn concurrent_writers_keep_every_line_whole_and_lose_only_the_oldest() {
        const WRITERS: usize = 8;
        const EACH: usize = 30;
        let file = scratch("concurrent");
        let start = Arc::new(Barrier::new(WRITERS));
        let failures = Arc::new(Mutex::new(Vec::new()));
        let threads: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (file, start, failures) = (file.clone(), start.clone(), failures.clone());
                std::thread::spawn(move || {
                    let (mut history, _) = History::open_with(file, SMALL);
                    start.wait();
                    for number in 0..EACH {
                        if let Err(err) = history.record(entry(writer, number)) {
                            failures.lock().unwrap().push(err.to_string());
                        }
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(*failures.lock().unwrap(), Vec::<String>::new());
        let kept = entries_on_disk(&file);
        let mut by_writer: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (writer, number) in kept.iter().map(tag) {
            by_writer.entry(writer).or_default().push(number);
        }
        for (writer, numbers) in &by_writer {
            let first = numbers[0];
            assert_eq!(
                *numbers,
                (first..EACH).collect::<Vec<_>>(),
                "writer {writer} lost a newer entry"
            );
        }
        assert!(
            kept.len() * 1300 >= SMALL.keep - 1300,
            "only {} kept",
            kept.len()
        );
        assert!(!unreadable_path(&file).exists(), "no line was torn");
        let _ = std::fs::remove_dir_all(file.parent().unwrap());
    }

    /// A last line without its line break is an entry being written (or cut by a crash): it is
    /// not moved aside as unreadable; the next send cuts it off rather than gluing onto it.
    #[test]
    fn a_torn_last_line_is_left_alone_then_cut_by_the_next_append() {
        let file = scratch("torn");
        let (mut history, _) = History::open_with(file.clone(), SMALL);
        history.record(entry(0, 0)).unwrap();
        let whole = std::fs::read_to_string(&file).unwrap();
        let torn = &serde_json::to_string(&entry(1, 1)).unwrap()[..200];
        std::fs::write(&file, format!("{whole}{torn}")).unwrap();

        let (mut history, notice) = History::open_with(file.clone(), SMALL);
        assert_eq!(notice, None, "nothing is reported");
        assert_eq!(history.entries().len(), 1);
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            format!("{whole}{torn}"),
            "left as it is"
        );
        assert!(!unreadable_path(&file).exists());

        history.record(entry(2, 2)).unwrap();
        let tags: Vec<_> = entries_on_disk(&file).iter().map(tag).collect();
        assert_eq!(tags, [(0, 0), (2, 2)]);
        assert!(!unreadable_path(&file).exists());
        let _ = std::fs::remove_dir_all(file.parent().unwrap());
    }

    /// Two processes that both found the same unreadable line move it aside once between them:
    /// the second, moving it after the first did, reads the file again and finds nothing to move.
    #[test]
    fn an_unreadable_line_found_by_two_readers_is_moved_aside_once() {
        let file = scratch("twice");
        let line = serde_json::to_string(&entry(0, 0)).unwrap();
        std::fs::write(&file, format!("{line}\nnot an entry\n")).unwrap();
        // The second reader read the file before the first moved anything.
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(Contents::of(&text).unreadable, "not an entry\n");
        let mut second = History {
            file: file.clone(),
            entries: Vec::new(),
            limits: SMALL,
        };
        let (_first, notice) = History::open_with(file.clone(), SMALL);
        assert!(notice.is_some());
        assert_eq!(second.set_unreadable_aside(), None, "said once");
        assert_eq!(
            std::fs::read_to_string(unreadable_path(&file)).unwrap(),
            "not an entry\n",
            "kept once"
        );
        assert_eq!(second.entries().len(), 1, "the entry is still read");
        let _ = std::fs::remove_dir_all(file.parent().unwrap());
    }

    /// An undone clear puts back the cleared entries before those another process recorded
    /// since.
    #[test]
    fn an_undone_clear_keeps_what_another_writer_recorded_since() {
        let file = scratch("restore");
        let (mut window, _) = History::open_with(file.clone(), SMALL);
        window.record(entry(0, 0)).unwrap();
        let cleared = window.clear().unwrap();
        let (mut command, _) = History::open_with(file.clone(), SMALL);
        command.record(entry(1, 1)).unwrap();
        window.restore(cleared).unwrap();
        let tags: Vec<_> = entries_on_disk(&file).iter().map(tag).collect();
        assert_eq!(tags, [(0, 0), (1, 1)]);
        assert_eq!(window.entries().iter().map(tag).collect::<Vec<_>>(), tags);
        let _ = std::fs::remove_dir_all(file.parent().unwrap());
    }

    /// The history and the file of its unreadable lines are its owner's alone, also after a
    /// compaction replaced the file, and a file an older version left readable is narrowed.
    #[cfg(unix)]
    #[test]
    fn the_history_and_its_unreadable_lines_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let file = scratch("mode");
        std::fs::write(&file, "not an entry\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (mut history, notice) = History::open_with(file.clone(), SMALL);
        assert!(notice.is_some());
        assert_eq!(mode(&unreadable_path(&file)), 0o600);
        assert_eq!(mode(&file), 0o600, "rewritten without the unreadable line");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        history.record(entry(0, 0)).unwrap();
        assert_eq!(mode(&file), 0o600, "narrowed when appended to");
        for number in 1..40 {
            history.record(entry(0, number)).unwrap();
        }
        assert!(history.entries().len() < 40, "compacted");
        assert_eq!(mode(&file), 0o600, "after a compaction");
        let _ = std::fs::remove_dir_all(file.parent().unwrap());
    }

    /// A server that echoes the token (in its body, in a header, cut off at the body's cap)
    /// does not get it into the history: it reads as the reference previews show.
    #[test]
    fn a_token_the_answer_echoes_is_hidden_in_the_entry() {
        const TOKEN: &str = "ws_test_echo.0123456789";
        let draft = Draft::docs_example();
        let request = crate::model::build_request(
            &draft,
            None,
            &crate::model::Credential::Token(TOKEN.to_owned()),
        )
        .unwrap();
        let echoed = format!(
            r#"{{"headers":{{"Authorization":"Bearer {TOKEN}"}},"message":"bad token {TOKEN}"}}"#
        );
        let answer = |body: Vec<u8>| -> Outcome {
            Ok(HttpResponse::from_parts(
                401,
                "Unauthorized".into(),
                vec![("x-seen-auth".into(), format!("Bearer {TOKEN}"))],
                body,
                Duration::from_millis(3),
            ))
        };
        let entry = HistoryEntry::new(&draft, &request, &answer(echoed.into_bytes()), 3);
        let stored = serde_json::to_string(&entry).unwrap();
        assert!(!stored.contains("ws_test_echo"), "{stored}");
        assert!(
            entry
                .response_body
                .contains(r#""Authorization":"Bearer $FLAMEUP_API_TOKEN""#),
            "{}",
            entry.response_body
        );
        assert_eq!(
            entry.response_headers,
            [(
                "x-seen-auth".to_owned(),
                "Bearer $FLAMEUP_API_TOKEN".to_owned()
            )]
        );

        // A body cut at its cap in the middle of the token.
        let mut long = "a".repeat(MAX_BODY - 10).into_bytes();
        long.extend_from_slice(format!("{TOKEN} and more").as_bytes());
        let entry = HistoryEntry::new(&draft, &request, &answer(long), 3);
        assert!(entry.response_truncated);
        assert!(
            !entry.response_body.contains("ws_test_e"),
            "the cut part is gone"
        );
        assert!(entry.response_body.ends_with('a'));
    }
}
