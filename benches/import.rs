//! Bulk import figures, printed, never asserted:
//! - reading and checking rows against the contract (rows/s) for 100,000 people as CSV, JSON
//!   Lines and a JSON array, read from memory;
//! - peak resident memory while 1,000,000 CSV rows stream through the reader and the check (the
//!   rows are generated as they are read, so the input itself takes no memory);
//! - building one batch request of 100 people with the app's draft → request function;
//! - the whole import end to end (check pass, then batches of 100, 4 at a time) of 100,000 CSV
//!   rows against a minimal loopback batch server with no rate limit, then against the real
//!   sandbox in-process (rate limit off), which checks every person against the contract too.
//!
//! Run: `cargo bench --bench import`. The same import as separate processes (the `import` CLI
//! against the `sandbox` binary), its peak memory for a million rows and its pacing against a
//! limit of 10 requests per 2 s window: `scripts/import-figures.sh`.

// A benchmark's setup: a failure is a broken benchmark, not a user error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use flameup_explorer::import::person::PersonCheck;
use flameup_explorer::import::{Destination, End, Import, SendSettings, Settings, Source};
use flameup_explorer::model::{Credential, Draft, Environment, build_request};
use flameup_explorer::sandbox::{Sandbox, SandboxSettings};
use serde_json::{Value, json};

const ROWS: usize = 100_000;
const STREAMED_ROWS: usize = 1_000_000;
const ROUNDS: usize = 3;

fn main() {
    let check = PersonCheck::new(false).unwrap();
    // First, while nothing else has raised the peak.
    streamed_memory(&check);
    for (name, text) in [
        ("CSV", csv(ROWS)),
        ("JSON Lines", json_lines(ROWS)),
        ("JSON array", json_array(ROWS)),
    ] {
        read_and_check(name, &text, &check);
    }
    build_batches(&check);
    end_to_end("a minimal loopback server", &minimal_server());
    let sandbox = Sandbox::start(
        "127.0.0.1:0".parse().unwrap(),
        SandboxSettings {
            rate_limit: None,
            ..SandboxSettings::default()
        },
    )
    .unwrap();
    end_to_end("the sandbox in-process", &sandbox.base_url());
}

fn row_values(index: usize) -> (String, String, String, usize) {
    (
        format!("user-{index:07}"),
        format!("user{index}@example.com"),
        format!("First{index}"),
        index % 90,
    )
}

fn csv_header() -> &'static str {
    "userId,email,phone,traits.first_name,traits.last_name,traits.age:number,traits.vip:boolean\n"
}

fn csv_row(index: usize) -> String {
    let (user_id, email, first, age) = row_values(index);
    format!(
        "{user_id},{email},+1-555-0123,{first},Lovelace,{age},{}\n",
        index.is_multiple_of(2)
    )
}

fn csv(rows: usize) -> Vec<u8> {
    let mut text = String::from(csv_header());
    for index in 0..rows {
        text.push_str(&csv_row(index));
    }
    text.into_bytes()
}

fn person(index: usize) -> Value {
    let (user_id, email, first, age) = row_values(index);
    json!({"userId": user_id, "email": email, "phone": "+1-555-0123",
           "traits": {"first_name": first, "last_name": "Lovelace", "age": age, "vip": index.is_multiple_of(2)}})
}

fn json_lines(rows: usize) -> Vec<u8> {
    let mut text = String::new();
    for index in 0..rows {
        text.push_str(&person(index).to_string());
        text.push('\n');
    }
    text.into_bytes()
}

fn json_array(rows: usize) -> Vec<u8> {
    let mut text = String::from("[\n");
    for index in 0..rows {
        if index > 0 {
            text.push_str(",\n");
        }
        text.push_str(&serde_json::to_string_pretty(&person(index)).unwrap());
    }
    text.push_str("\n]\n");
    text.into_bytes()
}

/// Reads and checks every row; how many were valid.
fn check_all(source: &mut Source, check: &PersonCheck) -> usize {
    let mut valid = 0;
    while let Some(row) = source.next_checked(check).unwrap() {
        valid += usize::from(row.person.is_ok());
        black_box(&row);
    }
    valid
}

fn read_and_check(name: &str, text: &[u8], check: &PersonCheck) {
    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let mut source =
            Source::from_reader(std::io::Cursor::new(text.to_vec()), None, check).unwrap();
        let valid = check_all(&mut source, check);
        times.push(started.elapsed());
        assert_eq!(valid, ROWS, "every generated row is valid");
    }
    times.sort();
    let best = times[0];
    println!(
        "read + check, {ROWS} {name} rows ({:.1} MB): best {:.3} s = {:.0} rows/s, median {:.3} s",
        text.len() as f64 / 1e6,
        best.as_secs_f64(),
        ROWS as f64 / best.as_secs_f64(),
        times[ROUNDS / 2].as_secs_f64()
    );
}

/// CSV rows made as they are read: a file of any size without its bytes in memory.
struct GeneratedCsv {
    next: usize,
    rows: usize,
    pending: Vec<u8>,
    at: usize,
}

impl Read for GeneratedCsv {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.pending.len() {
            if self.next > self.rows {
                return Ok(0);
            }
            self.pending = if self.next == 0 {
                csv_header().as_bytes().to_vec()
            } else {
                csv_row(self.next - 1).into_bytes()
            };
            self.next += 1;
            self.at = 0;
        }
        let count = buf.len().min(self.pending.len() - self.at);
        buf[..count].copy_from_slice(&self.pending[self.at..self.at + count]);
        self.at += count;
        Ok(count)
    }
}

/// The process's peak resident memory so far, in MB (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn streamed_memory(check: &PersonCheck) {
    let before = peak_rss_mb();
    let started = Instant::now();
    let generated = GeneratedCsv {
        next: 0,
        rows: STREAMED_ROWS,
        pending: Vec::new(),
        at: 0,
    };
    let mut source = Source::from_reader(generated, None, check).unwrap();
    let valid = check_all(&mut source, check);
    assert_eq!(valid, STREAMED_ROWS);
    let elapsed = started.elapsed();
    println!(
        "streamed read + check, {STREAMED_ROWS} CSV rows: {:.2} s ({:.0} rows/s); peak RSS {} MB before, {} MB after",
        elapsed.as_secs_f64(),
        STREAMED_ROWS as f64 / elapsed.as_secs_f64(),
        shown(before),
        shown(peak_rss_mb())
    );
}

fn shown(mb: Option<f64>) -> String {
    mb.map_or_else(|| "?".to_owned(), |mb| format!("{mb:.1}"))
}

/// One batch request of 100 people, built as the import builds it: a draft of batchPeople with
/// the people loaded as its body, through `build_request`.
fn build_batches(check: &PersonCheck) {
    let template = Draft {
        environment: Environment::Custom,
        custom_base_url: "http://127.0.0.1:8080/api/v1".to_owned(),
        operation: check.operation().id.clone(),
        ..Draft::default()
    };
    let people: Vec<Value> = (0..100).map(person).collect();
    let body = json!({"people": people});
    let credential = Credential::Token("bench-token".to_owned());
    let rounds = 2000;
    let started = Instant::now();
    let mut bytes = 0;
    for _ in 0..rounds {
        let mut draft = template.clone();
        draft.load_body(&body);
        let request = build_request(&draft, None, &credential).unwrap();
        bytes += black_box(request.body.len());
    }
    let each = started.elapsed() / rounds;
    println!(
        "build one batch request of 100 people: {:.0} µs ({} bytes of body) = {:.0} people/s on one core",
        each.as_secs_f64() * 1e6,
        bytes / rounds as usize,
        100.0 / each.as_secs_f64()
    );
}

/// A batch server that answers every batch as created, as cheaply as it can: no rate limit.
fn minimal_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream));
        }
    });
    format!("http://{addr}/api/v1")
}

fn answer(mut stream: TcpStream) {
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let body = loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            if raw.len() >= end + 4 + length {
                break raw[end + 4..].to_vec();
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(read) => raw.extend_from_slice(&buf[..read]),
        }
    };
    let people = body.windows(8).filter(|w| w == b"\"userId\"").count();
    let reply = format!(r#"{{"people":[],"created_count":{people},"updated_count":0}}"#);
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
}

/// The whole import of [`ROWS`] CSV rows into the batch server at `base_url`, named `against`.
fn end_to_end(against: &str, base_url: &str) {
    let dir = std::env::temp_dir().join(format!("flameup-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("people.csv");
    std::fs::write(&file, csv(ROWS)).unwrap();
    let send = SendSettings::new(Destination {
        base_url: base_url.to_owned(),
        token: "bench-token".to_owned(),
    });
    let (sending_in, sending) = std::sync::mpsc::channel();
    let started = Instant::now();
    let import = Import::start(
        Settings {
            file: file.clone(),
            workspace: None,
            send: Some(send),
        },
        move |event| {
            if let flameup_explorer::import::Event::Progress(progress) = event {
                let _ = sending_in.send(progress.sending_for);
            }
        },
    )
    .unwrap();
    let summary = import.wait();
    let total = started.elapsed();
    let sending_for = sending.try_iter().max().unwrap_or(Duration::ZERO);
    assert_eq!(summary.end, End::Complete);
    assert_eq!(summary.counts.created, ROWS as u64);
    println!(
        "end to end, {ROWS} CSV rows against {against} (no limit, batches of 100, 4 at a time): {:.2} s = {:.0} people/s; sending alone {:.2} s = {:.0} people/s ({} requests)",
        total.as_secs_f64(),
        ROWS as f64 / total.as_secs_f64(),
        sending_for.as_secs_f64(),
        ROWS as f64 / sending_for.as_secs_f64(),
        summary.counts.requests
    );
    let _ = std::fs::remove_dir_all(&dir);
}
