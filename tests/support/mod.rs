//! A loopback HTTP server for tests: records every request byte for byte and answers as told.
//! Real sockets on 127.0.0.1; nothing of the HTTP client is mocked.

#![allow(dead_code)] // Each test binary uses a different part of this module.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

pub mod app;
pub mod keyring;
pub mod scratch;
pub mod tools;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use flameup_explorer::contract::{Contract, Operation};
use flameup_explorer::model::{Draft, FieldRow, FormValue};

/// How the server answers.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Answer at once with this status, extra headers and body.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Wait, then answer like `Respond`.
    After(Duration, Box<Reply>),
    /// Read the request and never answer (the connection stays open until the server is dropped).
    Never,
    /// Wait until [`LoopbackServer::release`] is called, then answer like the inner reply.
    Held(Box<Reply>),
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Self::Respond {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

/// A request as it arrived.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// Everything read from the socket: request line, headers, blank line and body.
    pub raw: Vec<u8>,
}

impl Recorded {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    pub fn body(&self) -> &[u8] {
        let end = find(&self.raw, b"\r\n\r\n").map_or(self.raw.len(), |at| at + 4);
        &self.raw[end..]
    }

    pub fn header_lines(&self) -> Vec<String> {
        let end = find(&self.raw, b"\r\n\r\n").unwrap_or(self.raw.len());
        String::from_utf8_lossy(&self.raw[..end])
            .split("\r\n")
            .skip(1)
            .map(str::to_owned)
            .collect()
    }
}

pub struct LoopbackServer {
    pub addr: SocketAddr,
    pub recorded: Arc<Mutex<Vec<Recorded>>>,
    reply: Arc<Mutex<Reply>>,
    held: Arc<Mutex<Vec<TcpStream>>>,
    signals: Arc<Signals>,
}

/// What the test and the server tell each other: held replies may go, and replies went out.
#[derive(Default)]
struct Signals {
    released: Mutex<bool>,
    released_changed: Condvar,
    /// How many replies have been written completely.
    sent: Mutex<usize>,
    sent_changed: Condvar,
}

impl LoopbackServer {
    pub fn start(reply: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let reply = Arc::new(Mutex::new(reply));
        let held = Arc::new(Mutex::new(Vec::new()));
        let signals = Arc::new(Signals::default());
        let (recorded2, reply2, held2, signals2) = (
            recorded.clone(),
            reply.clone(),
            held.clone(),
            signals.clone(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (recorded, reply, held, signals) = (
                    recorded2.clone(),
                    reply2.clone(),
                    held2.clone(),
                    signals2.clone(),
                );
                std::thread::spawn(move || serve(stream, &recorded, &reply, &held, &signals));
            }
        });
        Self {
            addr,
            recorded,
            reply,
            held,
            signals,
        }
    }

    /// Lets every [`Reply::Held`] answer, now and from now on.
    pub fn release(&self) {
        *self.signals.released.lock().unwrap() = true;
        self.signals.released_changed.notify_all();
    }

    /// Blocks until `count` replies have been written completely (or a minute has passed, so a
    /// broken test fails instead of hanging).
    pub fn wait_for_replies(&self, count: usize) {
        let sent = self.signals.sent.lock().unwrap();
        let (sent, _) = self
            .signals
            .sent_changed
            .wait_timeout_while(sent, Duration::from_secs(60), |sent| *sent < count)
            .unwrap();
        assert!(*sent >= count, "only {} of {count} replies went out", *sent);
    }

    /// The base URL to put in the draft.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    pub fn set_reply(&self, reply: Reply) {
        *self.reply.lock().unwrap() = reply;
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        for stream in self.held.lock().unwrap().drain(..) {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }
}

fn serve(
    mut stream: TcpStream,
    recorded: &Mutex<Vec<Recorded>>,
    reply: &Mutex<Reply>,
    held: &Mutex<Vec<TcpStream>>,
    signals: &Signals,
) {
    let Some(raw) = read_request(&mut stream) else {
        return;
    };
    recorded.lock().unwrap().push(Recorded { raw });
    let mut reply = reply.lock().unwrap().clone();
    loop {
        match reply {
            Reply::After(delay, next) => {
                std::thread::sleep(delay);
                reply = *next;
            }
            Reply::Held(next) => {
                let released = signals.released.lock().unwrap();
                drop(
                    signals
                        .released_changed
                        .wait_while(released, |released| !*released)
                        .unwrap(),
                );
                reply = *next;
            }
            Reply::Never => {
                if let Ok(clone) = stream.try_clone() {
                    held.lock().unwrap().push(clone);
                }
                return;
            }
            Reply::Respond {
                status,
                headers,
                body,
            } => {
                let mut head = format!(
                    "HTTP/1.1 {status} Status\r\nContent-Length: {}\r\nConnection: close\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
                let _ = stream.flush();
                *signals.sent.lock().unwrap() += 1;
                signals.sent_changed.notify_all();
                return;
            }
        }
    }
}

/// Reads one request: headers up to the blank line, then `content-length` bytes of body.
fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = find(&raw, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if raw.len() >= end + 4 + length {
                return Some(raw);
            }
        }
        let read = stream.read(&mut buf).ok()?;
        if read == 0 {
            return (!raw.is_empty()).then_some(raw);
        }
        raw.extend_from_slice(&buf[..read]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The rows of the `traits` object in `draft`'s body form, where a test adds the values a user
/// would type. The draft's operation must have a body with `traits`.
pub fn traits_rows(draft: &mut Draft) -> &mut Vec<FieldRow> {
    let schema = draft
        .operation()
        .unwrap()
        .body
        .as_ref()
        .unwrap()
        .schema
        .clone();
    draft
        .values
        .body
        .field_mut("traits", &schema["properties"]["traits"])
        .and_then(FormValue::rows_mut)
        .unwrap()
}

/// The embedded contract (a test proves it parses).
pub fn contract() -> &'static Contract {
    flameup_explorer::contract::embedded().unwrap_or_else(|err| panic!("{err}"))
}

/// The operation with this operationId in the embedded contract.
pub fn operation(id: &str) -> &'static Operation {
    contract()
        .operation(id)
        .unwrap_or_else(|| panic!("the contract has no operation {id}"))
}

/// Drafts full of strings that break naive quoting and encoding.
pub fn hostile_strings() -> Vec<String> {
    vec![
        r#"O'Brien "quoted" `backtick` $(rm -rf /) ${HOME} $HOME \ \\ \n"#.to_owned(),
        "line one\nline two\r\nthird\tand tab".to_owned(),
        "emoji 🔥👩‍💻 and RTL: שלום مرحبا".to_owned(),
        "separators\u{2028}and\u{2029}here, NUL-ish \u{1} \u{7f}, a mark \u{feff} mid-text"
            .to_owned(),
        "%s %d #{ruby} {{mustache}} <script>alert(1)</script> & ; | > <".to_owned(),
        "x".repeat(5_000),
    ]
}

/// The create-person cURL command of the docs page, verbatim
/// (shared/reference/docs-create-person-page.txt): what a new user pastes first.
pub const DOCS_CREATE_PERSON_CURL: &str = r#"curl -X POST "https://api.flameup.ai/api/v1/people" \
-H "Content-Type: application/json" \
-H "Authorization: Bearer YOUR_API_TOKEN" \
-d '{
"userId": "example_string",
"email": "user@example.com",
"phone": "+1-555-0123",
"traits": {
"first_name": "John Doe",
"last_name": "John Doe",
"phone": "+1-555-0123",
"avatar_url": "example_string",
"timezone": "example_string",
"locale": "example_string"
}
}'"#;
