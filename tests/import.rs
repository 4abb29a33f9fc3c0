//! Bulk import, end to end over real loopback HTTP: a small server answers like the contract's
//! `batchPeople` (an upsert by userId answering `BatchResult`, the `X-RateLimit-*` headers of a
//! fixed window, 429s, refusals naming `people[i].field`), and the import runs through the
//! library or the real binary.
//!
//! The same server also relays to the real `sandbox` binary (with a short `--rate-window`): the
//! sandbox stores and answers, the relay only sees each request and can hold an answer back, so
//! a kill lands at a known moment with no sleeps. The 429 and pacing tests drive the real
//! sandbox in-process.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use flameup_explorer::import::{
    Destination, End, Event, Import, Outcome, Progress, ResultsFile, RowResult, SendSettings,
    Settings, Summary,
};
use flameup_explorer::sandbox::{Sandbox, SandboxSettings};
use serde_json::{Value, json};
use support::scratch::Scratch;

const TOKEN: &str = "test-token";

/// How long any wait in these tests may take before it is a failure rather than a hang.
const PATIENCE: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// The batch server.

/// An answer as written: status, headers, body.
type Reply = (u16, Vec<(String, String)>, String);

/// How the server answers.
#[derive(Clone, Default)]
struct Rules {
    /// At most this many requests in fixed windows of this many seconds (aligned to Unix time),
    /// with `X-RateLimit-*` headers on every answer.
    limit: Option<(u64, u64)>,
    /// Answers by request number (from 1), before any other rule and without storing anything.
    scripted: HashMap<usize, Reply>,
    /// Every request not scripted gets this status (and stores nothing).
    always: Option<u16>,
    /// This request is stored, then held unanswered until [`BatchServer::release`].
    hold: Option<usize>,
    /// These requests are read, then their connection is closed with no answer.
    dropped: Vec<usize>,
    /// Relay every request to this server (the sandbox) and pass its answer on, instead of
    /// answering: the rules above other than `hold` are then unused.
    upstream: Option<SocketAddr>,
}

#[derive(Clone, Debug)]
struct Stored {
    id: String,
    created_at: String,
    updated_at: String,
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
struct Logged {
    /// The request line's method and target, e.g. `POST /api/v1/people/batch`.
    target: String,
    user_ids: Vec<String>,
    status: u16,
}

#[derive(Default)]
struct State {
    rules: Rules,
    people: HashMap<String, Stored>,
    /// Times each userId was created (more than once would be a duplicate person).
    creations: HashMap<String, usize>,
    log: Vec<Logged>,
    received: usize,
    answered: usize,
    released: bool,
    closed: bool,
    /// The current window's number and how many requests it counted.
    window: (u64, u64),
    ticks: u64,
}

struct BatchServer {
    addr: SocketAddr,
    shared: Arc<(Mutex<State>, Condvar)>,
}

impl BatchServer {
    fn start(rules: Rules) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new((
            Mutex::new(State {
                rules,
                ..State::default()
            }),
            Condvar::new(),
        ));
        let serving = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let shared = serving.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        Self { addr, shared }
    }

    fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared.0.lock().unwrap()
    }

    /// Blocks until `done` holds (or fails the test after [`PATIENCE`]).
    fn wait_until(&self, what: &str, done: impl Fn(&State) -> bool) {
        let (state, changed) = &*self.shared;
        let guard = state.lock().unwrap();
        let (guard, _) = changed
            .wait_timeout_while(guard, PATIENCE, |state| !done(state))
            .unwrap();
        assert!(done(&guard), "the server never saw {what}");
    }

    fn release(&self) {
        self.state().released = true;
        self.shared.1.notify_all();
    }

    fn log(&self) -> Vec<Logged> {
        self.state().log.clone()
    }
}

impl Drop for BatchServer {
    fn drop(&mut self) {
        self.state().closed = true;
        self.shared.1.notify_all();
    }
}

fn serve(mut stream: TcpStream, shared: &(Mutex<State>, Condvar)) {
    let Some(request) = read_request(&mut stream) else {
        return;
    };
    let (state, changed) = shared;
    // Relayed first, outside the lock: once counted as received, the upstream has stored it.
    let upstream = state.lock().unwrap().rules.upstream;
    let relayed = upstream.map(|upstream| relay(upstream, &request));
    let mut guard = state.lock().unwrap();
    guard.received += 1;
    let number = guard.received;
    let people: Vec<Value> = serde_json::from_slice::<Value>(&request.body)
        .ok()
        .and_then(|body| body.get("people").cloned())
        .and_then(|people| people.as_array().cloned())
        .unwrap_or_default();
    let user_ids: Vec<String> = people
        .iter()
        .map(|person| person["userId"].as_str().unwrap_or_default().to_owned())
        .collect();
    if guard.rules.dropped.contains(&number) {
        guard.log.push(Logged {
            target: request.target,
            user_ids,
            status: 0,
        });
        changed.notify_all();
        return;
    }
    let (status, headers, reply) = match relayed {
        Some(reply) => reply,
        None => answer(&mut guard, number, &user_ids),
    };
    guard.log.push(Logged {
        target: request.target,
        user_ids,
        status,
    });
    changed.notify_all();
    if guard.rules.hold == Some(number) {
        guard = changed
            .wait_while(guard, |state| !state.released && !state.closed)
            .unwrap();
    }
    drop(guard);
    let mut head = format!(
        "HTTP/1.1 {status} Status\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(reply.as_bytes());
    let _ = stream.flush();
    state.lock().unwrap().answered += 1;
    changed.notify_all();
}

/// The answer to request `number` with these people: status, headers, body.
fn answer(state: &mut State, number: usize, user_ids: &[String]) -> Reply {
    if let Some(scripted) = state.rules.scripted.get(&number) {
        return scripted.clone();
    }
    let mut headers = Vec::new();
    if let Some((limit, window_secs)) = state.rules.limit {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let window = now / window_secs;
        if state.window.0 != window {
            state.window = (window, 0);
        }
        let exceeded = state.window.1 >= limit;
        if !exceeded {
            state.window.1 += 1;
        }
        headers = vec![
            ("X-RateLimit-Limit".to_owned(), limit.to_string()),
            (
                "X-RateLimit-Remaining".to_owned(),
                (limit - state.window.1).to_string(),
            ),
            (
                "X-RateLimit-Reset".to_owned(),
                ((window + 1) * window_secs).to_string(),
            ),
        ];
        if exceeded {
            let body = json!({"error": "Rate limit exceeded", "message": "Too many requests. Please try again later."});
            return (429, headers, body.to_string());
        }
    }
    if let Some(status) = state.rules.always {
        let body = json!({"error": "Server Error", "message": "Something broke"});
        return (status, headers, body.to_string());
    }
    let refused: BTreeMap<String, String> = user_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| id.starts_with("reject"))
        .map(|(index, _)| {
            (
                format!("people[{index}].email"),
                "Refused by the test server".to_owned(),
            )
        })
        .collect();
    if !refused.is_empty() {
        let body = json!({"error": {"code": "validation_error", "message": "Validation failed", "details": {"fields": refused}}});
        return (422, headers, body.to_string());
    }
    state.ticks += 1;
    let tick = format!("t{}", state.ticks);
    let (mut created, mut updated) = (0, 0);
    let mut answered = Vec::new();
    for user_id in user_ids {
        let next_id = format!("id-{}", state.people.len() + 1);
        let person = state
            .people
            .entry(user_id.clone())
            .and_modify(|person| {
                person.updated_at = tick.clone();
                updated += 1;
            })
            .or_insert_with(|| {
                created += 1;
                Stored {
                    id: next_id,
                    created_at: tick.clone(),
                    updated_at: tick.clone(),
                }
            })
            .clone();
        if person.created_at == tick && person.updated_at == tick {
            *state.creations.entry(user_id.clone()).or_default() += 1;
        }
        answered.push(json!({
            "id": person.id, "external_id": user_id,
            "created_at": person.created_at, "updated_at": person.updated_at,
        }));
    }
    let body = json!({"people": answered, "created_count": created, "updated_count": updated});
    (200, headers, body.to_string())
}

/// One request as read from a client.
struct Received {
    /// The method and target, e.g. `POST /api/v1/people/batch`.
    target: String,
    /// The request line and headers, without the blank line.
    head: String,
    body: Vec<u8>,
}

/// Reads one request: its method and target, its head and its body.
fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        if let Some(end) = raw.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).into_owned();
            let length = head
                .to_lowercase()
                .lines()
                .find_map(|line| line.strip_prefix("content-length:").map(str::to_owned))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if raw.len() >= end + 4 + length {
                let target = head
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .rsplit_once(' ')
                    .map_or(String::new(), |(target, _)| target.to_owned());
                return Some(Received {
                    target,
                    body: raw[end + 4..end + 4 + length].to_vec(),
                    head,
                });
            }
        }
        let read = stream.read(&mut buf).ok()?;
        if read == 0 {
            return None;
        }
        raw.extend_from_slice(&buf[..read]);
    }
}

/// Sends `request` to `upstream` on a connection of its own and returns its answer, without the
/// headers [`serve`] writes itself.
fn relay(upstream: SocketAddr, request: &Received) -> Reply {
    let mut head: String = request
        .head
        .split("\r\n")
        .filter(|line| !line.to_ascii_lowercase().starts_with("connection:"))
        .map(|line| format!("{line}\r\n"))
        .collect();
    head.push_str("Connection: close\r\n\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&request.body);
    exchange(upstream, &bytes)
}

/// Writes a whole HTTP/1.1 request (with `Connection: close`) and reads the answer to its end.
fn exchange(server: SocketAddr, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(server).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(request).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("an answer with a head");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|status| status.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .filter(|(name, _)| {
            ![
                "content-length",
                "content-type",
                "connection",
                "transfer-encoding",
            ]
            .contains(&name.to_ascii_lowercase().as_str())
        })
        .collect();
    assert!(
        !head.to_ascii_lowercase().contains("transfer-encoding"),
        "a whole body, not chunks: {head}"
    );
    let body = String::from_utf8(raw[end + 4..].to_vec()).unwrap();
    (status, headers, body)
}

// ---------------------------------------------------------------------------------------------
// The real sandbox.

/// `flameup-explorer sandbox` on a free port, stopped (killed) when dropped.
struct SandboxProcess {
    child: std::process::Child,
    addr: SocketAddr,
    /// Its XDG folders.
    _home: Scratch,
}

impl SandboxProcess {
    /// Starts the binary with these flags and waits for its first line, which names its address.
    fn start(flags: &[&str]) -> Self {
        let home = Scratch::new("sandbox-home");
        let mut child = home
            .command()
            .args(["sandbox", "--port", "0"])
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        let stdout = child.stdout.take().unwrap();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut first).unwrap();
        let url = first
            .trim()
            .strip_prefix("Flameup sandbox listening on http://")
            .unwrap_or_else(|| panic!("the sandbox's first line: {first:?}"));
        let addr = url.split('/').next().unwrap().parse().unwrap();
        Self {
            child,
            addr,
            _home: home,
        }
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every person the sandbox at `addr` holds, as (userId, email), listed page by page through the
/// API with a key of its own (its own rate-limit pool). Fails on a userId listed twice.
fn sandbox_people(addr: SocketAddr) -> BTreeMap<String, Option<String>> {
    let mut people = BTreeMap::new();
    loop {
        let request = format!(
            "GET /api/v1/people?limit=100&offset={} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer lister\r\nConnection: close\r\n\r\n",
            people.len()
        );
        let (status, _, body) = exchange(addr, request.as_bytes());
        assert_eq!(status, 200, "{body}");
        let page: Value = serde_json::from_str(&body).unwrap();
        let listed = page["people"].as_array().unwrap();
        for person in listed {
            let user_id = person["external_id"].as_str().unwrap().to_owned();
            let email = person["email"].as_str().map(str::to_owned);
            let twice = people.insert(user_id.clone(), email);
            assert!(twice.is_none(), "{user_id} is in the sandbox twice");
        }
        if listed.is_empty() || people.len() as u64 >= page["total"].as_u64().unwrap() {
            return people;
        }
    }
}

/// The userId and email of every valid row of [`people_csv`].
fn valid_people(count: usize, invalid: &BTreeSet<u64>) -> BTreeMap<String, Option<String>> {
    (0..count)
        .filter(|index| !invalid.contains(&(*index as u64 + 2)))
        .map(|index| {
            (
                format!("user{index}"),
                Some(format!("user{index}@example.com")),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Files and runs.

fn send_settings(server: &BatchServer, batch_size: usize) -> SendSettings {
    SendSettings {
        batch_size,
        backoff: Duration::from_millis(5),
        deadline: Duration::from_secs(20),
        ..SendSettings::new(Destination {
            base_url: server.base_url(),
            token: TOKEN.to_owned(),
        })
    }
}

/// Runs an import through the library to its end; its summary and every event.
fn run(settings: Settings) -> (Summary, Vec<Event>) {
    let (events_in, events) = mpsc::channel();
    let import = Import::start(settings, move |event| {
        let _ = events_in.send(event);
    })
    .unwrap();
    let summary = import.wait();
    (summary, events.try_iter().collect())
}

fn settings(file: &Path, send: Option<SendSettings>) -> Settings {
    Settings {
        file: file.to_owned(),
        workspace: None,
        send,
    }
}

/// The results file's rows by line; fails on a line that does not parse or a row twice.
fn results(path: &Path) -> BTreeMap<u64, RowResult> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        let row: RowResult =
            serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}"));
        let again = rows.insert(row.line, row);
        assert!(
            again.is_none(),
            "line {} has two results",
            again.unwrap().line
        );
    }
    rows
}

/// A CSV of `count` people, lines 2.., with an invalid row at every `invalid_every`th.
fn people_csv(count: usize, invalid_every: usize) -> (String, BTreeSet<u64>) {
    let mut text = String::from("userId,email,traits.age:number\n");
    let mut invalid = BTreeSet::new();
    for index in 0..count {
        let line = index as u64 + 2;
        if invalid_every > 0 && index % invalid_every == invalid_every - 1 {
            text.push_str(&format!("user{index},not-an-email,{index}\n"));
            invalid.insert(line);
        } else {
            text.push_str(&format!("user{index},user{index}@example.com,{index}\n"));
        }
    }
    (text, invalid)
}

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flameup-explorer"));
    command.env("FLAMEUP_API_TOKEN", TOKEN);
    command
}

/// The `--output json` summary of a dry run of `bytes`, and the exit code.
fn dry_run(name: &str, bytes: &[u8]) -> (Value, i32) {
    let scratch = Scratch::new("dry");
    let file = scratch.file(name, bytes);
    let output = binary()
        .args(["import", "--dry-run", "--output", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary: Value = serde_json::from_str(&stdout).unwrap_or_else(|err| {
        panic!(
            "{err}: {stdout} {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (summary, output.status.code().unwrap_or(-1))
}

/// Each invalid row's (line, column), and its reason, from a JSON summary.
fn invalid_rows(summary: &Value) -> Vec<(u64, Option<String>, String)> {
    summary["invalid_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["line"].as_u64().unwrap(),
                row["column"].as_str().map(str::to_owned),
                row["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Asserts the (line, column) pairs, and that each reason says its words.
fn assert_invalid(summary: &Value, expected: &[(u64, Option<&str>, &str)]) {
    let found = invalid_rows(summary);
    let places: Vec<(u64, Option<&str>)> = found
        .iter()
        .map(|(line, column, _)| (*line, column.as_deref()))
        .collect();
    let wanted: Vec<(u64, Option<&str>)> = expected
        .iter()
        .map(|(line, column, _)| (*line, *column))
        .collect();
    assert_eq!(places, wanted, "{found:#?}");
    for ((_, _, reason), (line, _, says)) in found.iter().zip(expected) {
        assert!(
            reason.contains(says),
            "line {line}: {reason:?} should say {says:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Dry runs: line numbers, columns and reasons.

#[test]
fn a_csv_dry_run_names_every_bad_row_by_line_and_column() {
    let mut csv =
        b"\xEF\xBB\xBFuserId,email,traits.age:number,traits.vip:boolean,traits.tags:json\r\n"
            .to_vec();
    csv.extend(b"ada,ada@example.com,36,true,[\"a\"]\r\n"); // 2: fine
    csv.extend(b"bob,bob@example.com,thirty,yes,[\r\n"); // 3: three bad typed cells
    csv.extend(b"\r\n"); // 4: blank, skipped but counted
    csv.extend(b",carol@example.com,,,\r\n"); // 5: no userId
    csv.extend(b"dan,caf\xE9@example.com,1,false,\r\n"); // 6: not UTF-8
    csv.extend(b"\"eve\nsmith\",eve-at-example.com,2,,\r\n"); // 7 (two lines): bad email
    csv.extend(b"fay,fay@example.com\r\n"); // 9: too few cells
    csv.extend(b"gus,gus@example.com,1e3,FALSE,{\"a\":1}"); // 10: fine, no final line break
    let (summary, code) = dry_run("people.csv", &csv);
    assert_invalid(
        &summary,
        &[
            (3, Some("traits.age:number"), "Not a number: \"thirty\""),
            (3, Some("traits.vip:boolean"), "Not true or false: \"yes\""),
            (3, Some("traits.tags:json"), "Not valid JSON"),
            (5, Some("userId"), "Required"),
            (
                6,
                Some("email"),
                "Not UTF-8 text: the byte 0xE9 after \"caf\"",
            ),
            (7, Some("email"), "Not a valid email address"),
            (9, None, "This row has 2 cells; the header has 5 columns"),
        ],
    );
    assert_eq!(
        (
            summary["rows"].as_u64(),
            summary["valid"].as_u64(),
            summary["invalid"].as_u64()
        ),
        (Some(7), Some(2), Some(5))
    );
    assert_eq!(summary["requests"], 0);
    assert_eq!(code, 1, "a dry run with bad rows exits 1");
}

#[test]
fn a_json_lines_dry_run_counts_the_first_line_as_one() {
    let text = b"{\"userId\":\"a\",\"email\":\"a@example.com\"}\n\
{\"userId\":\"b\",\"traits\":{\"first_name\":7}}\n\
\n\
[\"not\",\"a\",\"person\"]\n\
{\"userId\":\"c\",\"email\":\n\
{\"userId\":\"d\",\"phone\":\"x\xFFy\"}\n\
{\"userId\":\"e\",\"email\":\"e@example.com\",\"traits\":{\"plan\":\"pro\"}}\n";
    let (summary, code) = dry_run("people.jsonl", text);
    assert_invalid(
        &summary,
        &[
            (2, Some("traits.first_name"), "Must be text or null"),
            (4, None, "A person is a JSON object"),
            (5, None, "Not valid JSON"),
            (6, None, "Not UTF-8 text: the byte 0xFF"),
        ],
    );
    assert_eq!(summary["valid"], 2);
    assert_eq!(code, 1);
}

#[test]
fn a_json_array_dry_run_names_the_line_each_person_starts_on() {
    let text = b"\xEF\xBB\xBF[\n  {\"userId\": \"a\"},\n  {\n    \"userId\": \"\",\n    \"email\": \"b@example.com\"\n  },\n  {\"userId\": \"c\", \"traits\": {\"tags\": [\"x,]\", {\"y\": \"}\"}]}},\n  42,\n  {\"userId\": \"d\", \"email\": \"nope\"}\n]\n";
    let (summary, code) = dry_run("people.json", text);
    assert_invalid(
        &summary,
        &[
            (3, Some("userId"), "At least 1 character"),
            (8, None, "not a number"),
            (9, Some("email"), "Not a valid email address"),
        ],
    );
    assert_eq!(
        (summary["rows"].as_u64(), summary["valid"].as_u64()),
        (Some(5), Some(2))
    );
    assert_eq!(code, 1);
}

#[test]
fn an_all_valid_dry_run_exits_zero_and_a_broken_file_exits_two_naming_the_line() {
    let (summary, code) = dry_run("ok.csv", b"userId\na\nb\n");
    assert_eq!((summary["valid"].as_u64(), code), (Some(2), 0));

    for (name, bytes, says) in [
        (
            "broken.json",
            &b"[\n{\"userId\":\"a\"},\n{\"userId\":\"b\"}\n"[..],
            "line 4: the file ends before the list of people is closed",
        ),
        ("utf16.csv", b"\xFF\xFEu\0s\0", "line 1: the file is UTF-16"),
        (
            "header.csv",
            b"userId,name\na,b\n",
            "line 1: the column \"name\" is not a field",
        ),
    ] {
        let scratch = Scratch::new("broken");
        let file = scratch.file(name, bytes);
        let output = binary()
            .args(["import", "--dry-run"])
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(says), "{name}: {stderr}");
    }
}

// ---------------------------------------------------------------------------------------------
// Sending.

#[test]
fn every_valid_row_is_sent_in_batches_and_recorded_once() {
    let server = BatchServer::start(Rules::default());
    let scratch = Scratch::new("send");
    let (csv, invalid) = people_csv(250, 50);
    let file = scratch.file("people.csv", csv.as_bytes());
    let results_path = scratch.join("results.jsonl");
    let mut send = send_settings(&server, 40);
    send.results = Some(ResultsFile {
        path: results_path.clone(),
        resume: false,
    });
    let (summary, events) = run(settings(&file, Some(send)));
    assert_eq!(summary.end, End::Complete);
    let counts = summary.counts;
    assert_eq!((counts.rows, counts.valid, counts.invalid), (250, 245, 5));
    assert_eq!(
        (counts.created, counts.updated, counts.requests),
        (245, 0, 7)
    );
    let log = server.log();
    assert!(log.iter().all(|request| request.user_ids.len() <= 40));
    let rows = results(&results_path);
    assert_eq!(rows.len(), 250, "one line per source row");
    for (line, row) in &rows {
        let expected = if invalid.contains(line) {
            Outcome::Invalid
        } else {
            Outcome::Created
        };
        assert_eq!(row.outcome, expected, "line {line}");
        assert_eq!(
            row.user_id.as_deref(),
            Some(format!("user{}", line - 2).as_str())
        );
        if expected == Outcome::Created {
            let stored = &server.state().people[&format!("user{}", line - 2)];
            assert_eq!(
                row.id.as_deref(),
                Some(stored.id.as_str()),
                "the answer's id is kept"
            );
        }
    }
    let reported: usize = events
        .iter()
        .map(|event| match event {
            Event::Results(rows) => rows.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(reported, 250, "the caller hears of every outcome");
}

#[test]
fn a_workspace_import_goes_to_its_batch_path_and_is_checked_against_its_schema() {
    let server = BatchServer::start(Rules::default());
    let scratch = Scratch::new("workspace");
    let file = scratch.file(
        "people.jsonl",
        b"{\"userId\":\"a\",\"email\":\"a@example.com\"}\n{\"userId\":\"b\",\"traits\":{\"phone\":\"+1\"}}\n",
    );
    let mut workspace = settings(&file, Some(send_settings(&server, 100)));
    workspace.workspace = Some("ws sandbox/1".to_owned());
    let (summary, _) = run(workspace);
    assert_eq!((summary.end, summary.counts.created), (End::Complete, 2));
    assert_eq!(
        server.log()[0].target,
        "POST /api/v1/workspaces/ws%20sandbox%2F1/people/batch",
        "built by the app's own request builder: one encoded path segment"
    );

    // The workspace batch has no top-level phone: a CSV column for it is refused up front.
    let csv = scratch.file("people.csv", b"userId,phone\na,+1\n");
    let output = binary()
        .args(["import", "--dry-run", "--workspace", "ws_1"])
        .arg(&csv)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("line 1: the column \"phone\" is not a field of a person"),
        "{stderr}"
    );
    let output = binary()
        .args(["import", "--dry-run"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "the key's batch has a phone");
}

#[test]
fn a_429_mid_run_is_waited_out_and_the_same_batch_resent() {
    let mut rules = Rules::default();
    let limited =
        json!({"error": "Rate limit exceeded", "message": "Too many requests."}).to_string();
    rules.scripted.insert(
        2,
        (
            429,
            vec![("Retry-After".to_owned(), "1".to_owned())],
            limited,
        ),
    );
    let server = BatchServer::start(rules);
    let scratch = Scratch::new("429");
    let (csv, _) = people_csv(30, 0);
    let file = scratch.file("people.csv", csv.as_bytes());
    let output = binary()
        .args([
            "import",
            "--output",
            "json",
            "--batch-size",
            "10",
            "--concurrency",
            "1",
            "--base-url",
        ])
        .arg(server.base_url())
        .arg(&file)
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{summary}");
    assert_eq!(summary["rate_limited"], 1);
    assert_eq!(summary["created"], 30);
    assert_eq!(summary["requests"], 4);
    let log = server.log();
    assert_eq!(log[1].status, 429);
    assert_eq!(
        log[2].user_ids, log[1].user_ids,
        "the refused batch is the one resent"
    );
    assert_eq!(server.state().people.len(), 30);
}

#[test]
fn pacing_never_sends_while_none_remain() {
    // Three requests a one-second window, four allowed in flight: only the headers hold it back.
    let server = BatchServer::start(Rules {
        limit: Some((3, 1)),
        ..Rules::default()
    });
    let scratch = Scratch::new("pacing");
    let (csv, _) = people_csv(100, 0);
    let file = scratch.file("people.csv", csv.as_bytes());
    let mut send = send_settings(&server, 10);
    send.concurrency = 4;
    let (summary, events) = run(settings(&file, Some(send)));
    assert_eq!(summary.end, End::Complete);
    let log = server.log();
    assert!(
        log.iter().all(|request| request.status == 200),
        "a request went while none remained: {:?}",
        log.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(
        (summary.counts.rate_limited, summary.counts.created),
        (0, 100)
    );
    assert_eq!(log.len(), 10);
    let waited = events.iter().any(|event| {
        matches!(event, Event::Progress(Progress { waiting: Some(wait), .. }) if wait.reason == flameup_explorer::import::WaitReason::RateLimit)
    });
    assert!(
        waited,
        "the caller is told the import waits for the rate limit"
    );
}

#[test]
fn a_failing_server_is_retried_with_backoff_then_rows_are_marked_failed() {
    let mut rules = Rules::default();
    let broken = json!({"error": "Unavailable", "message": "Try later"}).to_string();
    rules.scripted.insert(1, (503, Vec::new(), broken.clone()));
    rules.scripted.insert(2, (500, Vec::new(), broken));
    let server = BatchServer::start(rules);
    let scratch = Scratch::new("retry");
    let (csv, _) = people_csv(5, 0);
    let file = scratch.file("people.csv", csv.as_bytes());
    let (summary, _) = run(settings(&file, Some(send_settings(&server, 100))));
    assert_eq!((summary.counts.created, summary.counts.requests), (5, 3));
    let log = server.log();
    assert!(
        log.iter()
            .all(|request| request.user_ids == log[0].user_ids)
    );

    let server = BatchServer::start(Rules {
        always: Some(500),
        ..Rules::default()
    });
    let results_path = scratch.join("failed.jsonl");
    let mut send = send_settings(&server, 100);
    send.retries = 2;
    send.results = Some(ResultsFile {
        path: results_path.clone(),
        resume: false,
    });
    let (summary, _) = run(settings(&file, Some(send)));
    assert_eq!(summary.end, End::Complete);
    assert_eq!((summary.counts.failed, summary.counts.requests), (5, 3));
    let rows = results(&results_path);
    assert!(rows.values().all(|row| row.outcome == Outcome::Failed
        && row.errors[0].reason.contains("No answer after 3 tries")
        && row.errors[0].reason.contains("500")));
}

#[test]
fn a_dropped_connection_and_a_timeout_are_retried_like_a_5xx() {
    let server = BatchServer::start(Rules {
        // The first connection closes with no answer; the second is stored, then never answered
        // before the deadline; the third is answered.
        dropped: vec![1],
        hold: Some(2),
        ..Rules::default()
    });
    let scratch = Scratch::new("transport-retry");
    let (csv, _) = people_csv(5, 0);
    let file = scratch.file("people.csv", csv.as_bytes());
    let mut send = send_settings(&server, 100);
    send.deadline = Duration::from_secs(2);
    let (summary, _) = run(settings(&file, Some(send)));
    assert_eq!(summary.end, End::Complete);
    let counts = &summary.counts;
    assert_eq!(
        (
            counts.requests,
            counts.failed,
            counts.created + counts.updated
        ),
        (3, 0, 5),
        "{counts:?}"
    );
    // The timed-out request had been stored: its resend finds the people there.
    assert_eq!(counts.updated, 5, "{counts:?}");
    let log = server.log();
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|request| request.user_ids == log[0].user_ids),
        "the same batch each time"
    );
}

#[test]
fn per_item_rejections_are_mapped_to_their_lines_and_the_rest_resent() {
    let server = BatchServer::start(Rules::default());
    let scratch = Scratch::new("reject");
    let file = scratch.file(
        "people.csv",
        b"userId,email\nann,ann@example.com\nreject-bo,bo@example.com\ncy,cy@example.com\nreject-di,di@example.com\n",
    );
    let results_path = scratch.join("results.jsonl");
    let mut send = send_settings(&server, 100);
    send.results = Some(ResultsFile {
        path: results_path.clone(),
        resume: false,
    });
    let (summary, _) = run(settings(&file, Some(send)));
    assert_eq!((summary.counts.created, summary.counts.rejected), (2, 2));
    let rows = results(&results_path);
    for (line, outcome) in [
        (2, Outcome::Created),
        (3, Outcome::Rejected),
        (4, Outcome::Created),
        (5, Outcome::Rejected),
    ] {
        assert_eq!(rows[&line].outcome, outcome, "line {line}");
    }
    assert_eq!(rows[&3].errors[0].column.as_deref(), Some("email"));
    assert_eq!(rows[&3].errors[0].reason, "Refused by the test server");
    let log = server.log();
    assert_eq!(log.len(), 2);
    assert_eq!(
        log[1].user_ids,
        ["ann", "cy"],
        "only the rows not at fault go again"
    );
}

#[test]
fn a_refused_token_stops_the_import_and_leaves_the_rows_to_resume() {
    let mut rules = Rules::default();
    let refused =
        json!({"error": {"code": "unauthorized", "message": "Invalid or missing API key"}})
            .to_string();
    rules.scripted.insert(1, (401, Vec::new(), refused));
    let server = BatchServer::start(rules);
    let scratch = Scratch::new("401");
    let (csv, _) = people_csv(5, 0);
    let file = scratch.file("people.csv", csv.as_bytes());
    let results_path = scratch.join("results.jsonl");
    let mut send = send_settings(&server, 100);
    send.results = Some(ResultsFile {
        path: results_path.clone(),
        resume: false,
    });
    let (summary, _) = run(settings(&file, Some(send.clone())));
    let End::Stopped(message) = &summary.end else {
        panic!("{:?}", summary.end);
    };
    assert!(message.contains("Invalid or missing API key"), "{message}");
    assert_eq!(summary.pending(), 5);
    assert!(results(&results_path).is_empty());

    send.results = Some(ResultsFile {
        path: results_path.clone(),
        resume: true,
    });
    let (summary, _) = run(settings(&file, Some(send)));
    assert_eq!((summary.end, summary.counts.created), (End::Complete, 5));
}

/// Runs an import through the library, calling `act` with the handle and the event stream.
fn with_import(settings: Settings, act: impl FnOnce(&Import, &mpsc::Receiver<Event>)) -> Summary {
    let (events_in, events) = mpsc::channel();
    let import = Import::start(settings, move |event| {
        let _ = events_in.send(event);
    })
    .unwrap();
    act(&import, &events);
    import.wait()
}

/// The next event that `wanted` picks, skipping the others.
fn next_event<T>(events: &mpsc::Receiver<Event>, wanted: impl Fn(Event) -> Option<T>) -> T {
    loop {
        let event = events.recv_timeout(PATIENCE).expect("an event in time");
        if let Some(found) = wanted(event) {
            return found;
        }
    }
}

#[test]
fn pause_sends_nothing_more_and_resume_goes_on() {
    let server = BatchServer::start(Rules {
        hold: Some(1),
        ..Rules::default()
    });
    let scratch = Scratch::new("pause");
    let (csv, _) = people_csv(30, 0);
    let file = scratch.file("people.csv", csv.as_bytes());
    let mut send = send_settings(&server, 10);
    send.concurrency = 1;
    let summary = with_import(settings(&file, Some(send)), |import, events| {
        server.wait_until("the first batch", |state| state.received == 1);
        import.pause();
        assert!(import.is_paused());
        server.release();
        next_event(events, |event| {
            matches!(event, Event::Results(_)).then_some(())
        });
        // The first report after the answer is made after the import decided what to send.
        let progress = next_event(events, |event| match event {
            Event::Progress(progress) => Some(progress),
            _ => None,
        });
        assert!(progress.paused);
        assert_eq!(progress.in_flight, 0, "nothing was sent while paused");
        assert_eq!(server.state().received, 1);
        import.resume();
    });
    assert_eq!((summary.end, summary.counts.created), (End::Complete, 30));
}

#[test]
fn cancel_is_immediate_and_a_resume_resends_the_batch_in_flight_as_updates() {
    let server = BatchServer::start(Rules {
        hold: Some(2),
        ..Rules::default()
    });
    let scratch = Scratch::new("cancel");
    let (csv, _) = people_csv(30, 0);
    let file = scratch.file("people.csv", csv.as_bytes());
    let results_path = scratch.join("results.jsonl");
    let mut send = send_settings(&server, 10);
    send.concurrency = 1;
    send.results = Some(ResultsFile {
        path: results_path.clone(),
        resume: false,
    });
    let summary = with_import(settings(&file, Some(send.clone())), |import, _| {
        // The second batch is stored by the server, and its answer held back.
        server.wait_until("the second batch", |state| state.received == 2);
        import.cancel();
    });
    assert_eq!(summary.end, End::Cancelled);
    assert_eq!((summary.counts.created, summary.pending()), (10, 20));
    assert_eq!(
        results(&results_path).len(),
        10,
        "the batch in flight is not recorded"
    );

    server.release();
    send.results = Some(ResultsFile {
        path: results_path.clone(),
        resume: true,
    });
    let (summary, _) = run(settings(&file, Some(send)));
    assert_eq!(summary.end, End::Complete);
    let rows = results(&results_path);
    assert_eq!(rows.len(), 30);
    let outcomes: Vec<Outcome> = rows.values().map(|row| row.outcome).collect();
    assert_eq!(&outcomes[..10], [Outcome::Created; 10]);
    assert_eq!(
        &outcomes[10..20],
        [Outcome::Updated; 10],
        "stored before the cancel: updated now"
    );
    assert_eq!(&outcomes[20..], [Outcome::Created; 10]);
    assert!(server.state().creations.values().all(|times| *times == 1));
}

// ---------------------------------------------------------------------------------------------
// Killed at any moment, then resumed.

/// Imports `file` through `server` with a results file, kills the CLI (SIGKILL) four times at
/// random moments, resuming each time, then resumes once more to the end; that run's exit code.
/// A moment is while request k of a run is held by the server (stored, unanswered), or just
/// after its answer went out (racing the results file's flush).
fn import_killed_and_resumed(
    server: &BatchServer,
    file: &Path,
    results_path: &Path,
    batches: usize,
    random: &mut fastrand::Rng,
) -> Option<i32> {
    let import = |resume: bool| {
        let mut command = binary();
        command
            .args([
                "import",
                "--batch-size",
                "20",
                "--concurrency",
                "2",
                "--results",
            ])
            .arg(results_path)
            .args(if resume { &["--resume"][..] } else { &[][..] })
            .arg("--base-url")
            .arg(server.base_url())
            .arg(file)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    };
    for round in 0..4 {
        // At most a sixth of the batches a round, so every round has its k-th request to come.
        let k = random.usize(1..=batches / 6);
        let held = random.bool();
        let (received, answered) = {
            let mut state = server.state();
            state.released = false;
            state.rules.hold = held.then_some(state.received + k);
            (state.received, state.answered)
        };
        let mut child = import(round > 0).spawn().unwrap();
        if held {
            server.wait_until("the held request", |state| state.received >= received + k);
        } else {
            server.wait_until("the answer", |state| state.answered >= answered + k);
        }
        child.kill().unwrap();
        child.wait().unwrap();
        server.release();
        println!(
            "round {round}: killed at request {k} ({})",
            if held { "held" } else { "answered" }
        );
    }
    server.state().rules.hold = None;
    import(true).status().unwrap().code()
}

/// One result per row of a [`people_csv`] file of `count` rows: invalid where `invalid` says,
/// created or updated everywhere else.
fn assert_every_row_once(
    rows: &BTreeMap<u64, RowResult>,
    count: usize,
    invalid: &BTreeSet<u64>,
    context: &str,
) {
    assert_eq!(rows.len(), count, "{context}: one line per source row");
    for (line, row) in rows {
        assert_eq!(
            row.user_id.as_deref(),
            Some(format!("user{}", line - 2).as_str())
        );
        if invalid.contains(line) {
            assert_eq!(row.outcome, Outcome::Invalid, "{context}, line {line}");
        } else {
            assert!(
                row.outcome.is_stored(),
                "{context}, line {line}: {:?}",
                row.outcome
            );
        }
    }
}

#[test]
fn killed_at_random_moments_then_resumed_every_row_has_exactly_one_outcome() {
    let seed = fastrand::u64(..);
    println!("seed {seed}");
    let mut random = fastrand::Rng::with_seed(seed);
    let scratch = Scratch::new("kill");
    let (csv, invalid) = people_csv(600, 37);
    let file = scratch.file("people.csv", csv.as_bytes());
    let results_path = scratch.join("results.jsonl");
    let server = BatchServer::start(Rules::default());
    let code = import_killed_and_resumed(&server, &file, &results_path, 600 / 20, &mut random);
    assert_eq!(code, Some(0), "seed {seed}");

    assert_every_row_once(
        &results(&results_path),
        600,
        &invalid,
        &format!("seed {seed}"),
    );
    let state = server.state();
    assert_eq!(state.people.len(), 600 - invalid.len(), "seed {seed}");
    assert!(
        state.creations.values().all(|times| *times == 1),
        "seed {seed}: a person was created twice"
    );
}

#[test]
fn killed_at_random_moments_then_resumed_against_the_sandbox_binary_every_person_is_there_once() {
    let seed = fastrand::u64(..);
    println!("seed {seed}");
    let mut random = fastrand::Rng::with_seed(seed);
    let scratch = Scratch::new("kill-sandbox");
    let (csv, invalid) = people_csv(600, 37);
    let file = scratch.file("people.csv", csv.as_bytes());
    let results_path = scratch.join("results.jsonl");
    // The real sandbox, paced by a short window: every run, and every resume, meets the limit.
    let sandbox = SandboxProcess::start(&["--rate-limit", "20", "--rate-window", "1"]);
    let relay = BatchServer::start(Rules {
        upstream: Some(sandbox.addr),
        ..Rules::default()
    });
    let code = import_killed_and_resumed(&relay, &file, &results_path, 600 / 20, &mut random);
    assert_eq!(code, Some(0), "seed {seed}");

    let rows = results(&results_path);
    assert_every_row_once(&rows, 600, &invalid, &format!("seed {seed}"));
    let stored = sandbox_people(sandbox.addr);
    assert_eq!(
        stored,
        valid_people(600, &invalid),
        "seed {seed}: every valid person, once, as the file says"
    );
    let ids: BTreeSet<&str> = rows.values().filter_map(|row| row.id.as_deref()).collect();
    assert_eq!(
        ids.len(),
        stored.len(),
        "seed {seed}: one sandbox id per person"
    );
}

// ---------------------------------------------------------------------------------------------
// Against the sandbox's own rate limit, in-process.

fn sandbox_with_limit(requests: u32, window_secs: u64) -> Sandbox {
    Sandbox::start(
        "127.0.0.1:0".parse().unwrap(),
        SandboxSettings {
            rate_limit: Some(requests),
            rate_window_secs: window_secs,
            ..SandboxSettings::default()
        },
    )
    .unwrap()
}

fn sandbox_send_settings(sandbox: &Sandbox, batch_size: usize) -> SendSettings {
    SendSettings {
        batch_size,
        deadline: Duration::from_secs(20),
        ..SendSettings::new(Destination {
            base_url: sandbox.base_url(),
            token: TOKEN.to_owned(),
        })
    }
}

/// Spends what remains of `token`'s window at the sandbox: requests until one is refused.
fn exhaust_window(sandbox: &Sandbox, token: &str) {
    let addr = sandbox.addr();
    for _ in 0..1000 {
        let request = format!(
            "GET /api/v1/people?limit=1 HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        );
        if exchange(addr, request.as_bytes()).0 == 429 {
            return;
        }
    }
    panic!("the sandbox never refused a request");
}

#[test]
fn against_the_sandbox_a_429_mid_run_is_waited_out_and_the_batch_resent() {
    // Four requests a one-second window. Between two batches the test spends the rest of the
    // window with the import's own key, as another client of that key would: the import's next
    // batch meets a 429, waits for the window's end and goes again. Spent again on each batch
    // until a 429 is seen (the window may turn over between spending it and the next batch).
    let sandbox = sandbox_with_limit(4, 1);
    let scratch = Scratch::new("429-sandbox");
    let (csv, invalid) = people_csv(200, 23);
    let file = scratch.file("people.csv", csv.as_bytes());
    let results_path = scratch.join("results.jsonl");
    let mut send = sandbox_send_settings(&sandbox, 10);
    send.concurrency = 1;
    send.results = Some(ResultsFile {
        path: results_path.clone(),
        resume: false,
    });
    let mut seen_429 = false;
    let summary = with_import(settings(&file, Some(send)), |import, events| {
        loop {
            match events.recv_timeout(PATIENCE).expect("an event in time") {
                Event::Progress(progress) => seen_429 |= progress.counts.rate_limited > 0,
                Event::Results(results) if !seen_429 && results[0].outcome.is_stored() => {
                    import.pause();
                    exhaust_window(&sandbox, TOKEN);
                    import.resume();
                }
                Event::Finished(_) => return,
                _ => {}
            }
        }
    });
    assert_eq!(summary.end, End::Complete);
    let valid = 200 - invalid.len();
    let batches = valid.div_ceil(10) as u64;
    assert!(summary.counts.rate_limited >= 1, "{summary:?}");
    assert_eq!(
        summary.counts.requests,
        batches + summary.counts.rate_limited,
        "each 429 cost exactly one resend"
    );
    let rows = results(&results_path);
    assert_every_row_once(&rows, 200, &invalid, "after the 429");
    assert!(
        rows.values()
            .all(|row| row.outcome == Outcome::Invalid || row.outcome == Outcome::Created),
        "the refused batch was stored only when resent, so nobody was updated"
    );
    assert_eq!(sandbox.people_count(), valid);
    assert_eq!(sandbox_people(sandbox.addr()), valid_people(200, &invalid));
}

#[test]
fn against_the_sandbox_pacing_by_its_window_meets_no_429() {
    // Three requests a one-second window and four allowed in flight: the sandbox's headers
    // alone hold the import back, across several windows.
    let sandbox = sandbox_with_limit(3, 1);
    let addr = sandbox.addr();
    let request = format!(
        "GET /api/v1/people HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer another-key\r\nConnection: close\r\n\r\n"
    );
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let (_, headers, _) = exchange(addr, request.as_bytes());
    let reset: u64 = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-ratelimit-reset"))
        .map(|(_, value)| value.parse().unwrap())
        .unwrap();
    assert!(
        (before + 1..=before + 2).contains(&reset),
        "the reset {reset} ends a one-second window (asked at {before})"
    );
    let scratch = Scratch::new("pacing-sandbox");
    let (csv, _) = people_csv(100, 0);
    let file = scratch.file("people.csv", csv.as_bytes());
    let mut send = sandbox_send_settings(&sandbox, 10);
    send.concurrency = 4;
    let (summary, events) = run(settings(&file, Some(send)));
    assert_eq!(summary.end, End::Complete);
    assert_eq!(
        (
            summary.counts.rate_limited,
            summary.counts.requests,
            summary.counts.created
        ),
        (0, 10, 100)
    );
    let limits: BTreeSet<Option<u64>> = events
        .iter()
        .filter_map(|event| match event {
            Event::Progress(progress) => progress.rate_limit.map(|rate| rate.limit),
            _ => None,
        })
        .collect();
    assert_eq!(
        limits,
        BTreeSet::from([Some(3)]),
        "the sandbox's limit was heard"
    );
    assert_eq!(sandbox.people_count(), 100);
}
