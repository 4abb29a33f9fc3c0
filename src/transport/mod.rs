//! The only place that talks HTTP as a client (ureq, on a background thread). Answers are read up
//! to a size limit, redirects are answers of their own (never followed here: see [`redirect`]),
//! and a deadline ends a request both from the caller's side and inside the client, so a server
//! that never answers does not keep a thread forever.

mod client;
pub mod redirect;

use std::fmt;
use std::time::{Duration, Instant};

use poll_promise::Promise;

use crate::model::HttpRequest;
use crate::model::response::HttpResponse;

/// The deadline a send gets unless the user chooses another.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

/// The largest answer body read unless the user chooses another, after decompression: well above
/// the 50 MB answers the viewer handles, well below what would exhaust memory.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 64_000_000;

/// The kind of failure when no HTTP answer came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    Refused,
    Dns,
    Tls,
    Timeout,
    Reset,
    InvalidResponse,
    /// The answer was longer than the size limit; reading (and inflating) stopped there.
    TooLarge,
    Other,
}

impl FailureKind {
    /// The name used in the command line's JSON output.
    pub fn code(self) -> &'static str {
        match self {
            Self::Refused => "refused",
            Self::Dns => "dns",
            Self::Tls => "tls",
            Self::Timeout => "timeout",
            Self::Reset => "reset",
            Self::InvalidResponse => "invalid_response",
            Self::TooLarge => "too_large",
            Self::Other => "other",
        }
    }
}

/// A request that got no HTTP answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportError {
    pub kind: FailureKind,
    /// The HTTP client's own words, for the curious; never shown as the headline.
    pub detail: String,
}

impl TransportError {
    pub(crate) fn new(kind: FailureKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }

    /// No complete answer within `deadline`.
    pub(crate) fn deadline_passed(deadline: Duration) -> Self {
        Self::new(
            FailureKind::Timeout,
            format!("no answer within the {} s deadline", seconds(deadline)),
        )
    }

    /// Sorts an error text into a kind, reading ureq's and the operating system's wording: for
    /// errors the client reports without a kind of their own, and for older history entries.
    pub fn classify(detail: &str) -> Self {
        let lower = detail.to_lowercase();
        let has = |needles: &[&str]| needles.iter().any(|needle| lower.contains(needle));
        let kind = if has(&["connection refused"]) {
            FailureKind::Refused
        } else if has(&[
            "host not found",
            "failed to lookup",
            "name or service not known",
            "dns",
        ]) {
            FailureKind::Dns
        } else if has(&["rustls", "tls", "certificate", "handshake"]) {
            FailureKind::Tls
        } else if has(&["timeout", "timed out"]) {
            FailureKind::Timeout
        } else if has(&[
            "reset",
            "broken pipe",
            "unexpected eof",
            "connection closed",
            "aborted",
        ]) {
            FailureKind::Reset
        } else if has(&[
            "protocol",
            "header",
            "decompression",
            "failed to read response body",
        ]) {
            FailureKind::InvalidResponse
        } else {
            FailureKind::Other
        };
        Self::new(kind, detail)
    }

    /// One plain sentence saying what happened.
    pub fn message(&self) -> &'static str {
        match self.kind {
            FailureKind::Refused => {
                "The server refused the connection: nothing is listening at that address and port."
            }
            FailureKind::Dns => "The server's name could not be found (DNS lookup failed).",
            FailureKind::Tls => "The secure connection (TLS) could not be set up.",
            FailureKind::Timeout => "No answer came back before the deadline.",
            FailureKind::Reset => "The connection was closed before a complete answer arrived.",
            FailureKind::InvalidResponse => {
                "The server answered with something that is not valid HTTP."
            }
            FailureKind::TooLarge => {
                "The answer is larger than the size limit, so it was not read to the end."
            }
            FailureKind::Other => "The request could not be sent.",
        }
    }

    /// What to try next.
    pub fn hint(&self) -> &'static str {
        match self.kind {
            FailureKind::Refused => {
                "Check the base URL and port, and that the server is running, or try the built-in sandbox."
            }
            FailureKind::Dns => "Check the host name in the base URL, and your network connection.",
            FailureKind::Tls => {
                "Check that the URL should be https, and that the server's certificate is valid."
            }
            FailureKind::Timeout => {
                "The server may be slow or stuck: raise the deadline, or check the server."
            }
            FailureKind::Reset => {
                "The server or a proxy dropped the connection: check the server's logs."
            }
            FailureKind::InvalidResponse => {
                "Check that the base URL points at an HTTP API, not another kind of service."
            }
            FailureKind::TooLarge => {
                "Ask the server for less, or raise the limit (on the command line: --max-response-size)."
            }
            FailureKind::Other => "See the details below.",
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message(), self.detail)
    }
}

/// A deadline in seconds as people write it: `3`, `0.25`, never `2.9999936` (a deadline is
/// given in milliseconds at most; what a timer left of it is not worth printing).
fn seconds(deadline: Duration) -> String {
    let millis = (deadline.as_secs_f64() * 1000.0).round() / 1000.0;
    millis.to_string()
}

/// What a send ends with.
pub type Outcome = Result<HttpResponse, TransportError>;

/// How a request is sent: its deadline, the largest answer it reads, and whether the answer is
/// prepared for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendOptions {
    pub deadline: Duration,
    /// The largest body kept, in bytes after decompression; a longer one is [`FailureKind::TooLarge`].
    pub max_response_size: usize,
    /// Whether [`HttpResponse::view`] is filled in (pretty text, lines, parsed value). The window
    /// needs it; the command line prints from the bytes and would only pay for copies.
    pub prepare_view: bool,
}

impl SendOptions {
    /// The window's options: `deadline`, the default size limit, and a view prepared off the UI
    /// thread.
    pub fn new(deadline: Duration) -> Self {
        Self {
            deadline,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            prepare_view: true,
        }
    }
}

/// A request on its way. Dropping it abandons the request: a late answer goes nowhere.
pub struct InFlight {
    /// `None` once the outcome has been handed out.
    promise: Option<Promise<Outcome>>,
    started: Instant,
    deadline: Duration,
}

impl InFlight {
    /// Sends `request` on a background thread with [`SendOptions::new`]; `wake` is called once the
    /// answer is ready (the window passes `request_repaint`). The request must carry the real token.
    pub fn start(
        request: &HttpRequest,
        deadline: Duration,
        wake: impl FnOnce() + Send + 'static,
    ) -> Self {
        Self::start_with(request, SendOptions::new(deadline), wake)
    }

    /// Sends `request` on a background thread as `options` say; `wake` is called once the answer
    /// is ready.
    pub fn start_with(
        request: &HttpRequest,
        options: SendOptions,
        wake: impl FnOnce() + Send + 'static,
    ) -> Self {
        let (sender, promise) = Promise::new();
        let started = Instant::now();
        let request = request.clone();
        let spawned = std::thread::Builder::new()
            .name("http-send".to_owned())
            .spawn(move || {
                sender.send(client::send(&request, &options, started));
                wake();
            });
        let promise = match spawned {
            Ok(_) => promise,
            Err(err) => Promise::from_ready(Err(TransportError::new(
                FailureKind::Other,
                format!("cannot start a thread for the request: {err}"),
            ))),
        };
        Self {
            promise: Some(promise),
            started,
            deadline: options.deadline,
        }
    }

    /// Time since the request was started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Time left before the deadline ends the request.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_sub(self.elapsed())
    }

    /// The outcome once there is one: an answer, a failure, or the deadline. Returns it once;
    /// after that the request is spent and this returns `None`.
    pub fn poll(&mut self) -> Option<Outcome> {
        let promise = self.promise.take()?;
        match promise.try_take() {
            Ok(outcome) => Some(outcome),
            Err(_) if self.remaining().is_zero() => Some(self.deadline_passed()),
            Err(promise) => {
                self.promise = Some(promise);
                None
            }
        }
    }

    fn deadline_passed(&self) -> Outcome {
        Err(TransportError::deadline_passed(self.deadline))
    }

    /// Blocks until the outcome, with [`SendOptions::new`].
    pub fn start_and_wait(request: &HttpRequest, deadline: Duration) -> Outcome {
        Self::send_and_wait(request, SendOptions::new(deadline))
    }

    /// Blocks until the outcome (for the command line).
    pub fn send_and_wait(request: &HttpRequest, options: SendOptions) -> Outcome {
        let waiter = std::thread::current();
        let mut in_flight = Self::start_with(request, options, move || waiter.unpark());
        loop {
            if let Some(outcome) = in_flight.poll() {
                return outcome;
            }
            // Woken by the answer, or at the deadline; a spurious wake-up just loops.
            std::thread::park_timeout(in_flight.remaining());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_ureq_and_os_wording() {
        let cases = [
            (
                "io: Connection refused (os error 111)",
                FailureKind::Refused,
            ),
            ("host not found", FailureKind::Dns),
            (
                "io: failed to lookup address information: Name or service not known",
                FailureKind::Dns,
            ),
            (
                "rustls: invalid peer certificate: UnknownIssuer",
                FailureKind::Tls,
            ),
            ("timeout: global", FailureKind::Timeout),
            (
                "io: Connection reset by peer (os error 104)",
                FailureKind::Reset,
            ),
            (
                "protocol: failed to parse response",
                FailureKind::InvalidResponse,
            ),
            ("something new", FailureKind::Other),
        ];
        for (detail, kind) in cases {
            assert_eq!(TransportError::classify(detail).kind, kind, "{detail}");
        }
    }

    #[test]
    fn a_deadline_is_printed_as_people_write_it() {
        for (deadline, shown) in [
            (Duration::from_secs(3), "no answer within the 3 s deadline"),
            (
                Duration::from_nanos(2_999_993_600),
                "no answer within the 3 s deadline",
            ),
            (
                Duration::from_millis(250),
                "no answer within the 0.25 s deadline",
            ),
        ] {
            assert_eq!(TransportError::deadline_passed(deadline).detail, shown);
        }
    }
}
