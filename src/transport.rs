//! The only place that talks HTTP as a client. Requests run on a background thread (ehttp); a
//! deadline ends them from the caller's side even when the server never answers, because ehttp
//! sets no timeout at all on POST requests.

use std::fmt;
use std::time::{Duration, Instant};

use poll_promise::Promise;

use crate::model::problem::Problem;
use crate::model::response::{BodyView, HttpResponse};
use crate::model::{Credential, HttpRequest};

/// The deadline a send gets unless the user chooses another.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

/// The kind of failure when no HTTP answer came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    Refused,
    Dns,
    Tls,
    Timeout,
    Reset,
    InvalidResponse,
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
    fn new(kind: FailureKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }

    /// Sorts the HTTP client's error text into a kind. ehttp reports errors as strings, so this
    /// reads ureq's and the operating system's wording.
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
            FailureKind::Other => "See the details below.",
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message(), self.detail)
    }
}

/// What a send ends with.
pub type Outcome = Result<HttpResponse, TransportError>;

/// A request on its way. Dropping it abandons the request: a late answer goes nowhere.
pub struct InFlight {
    /// `None` once the outcome has been handed out.
    promise: Option<Promise<Outcome>>,
    started: Instant,
    deadline: Duration,
}

impl InFlight {
    /// Sends `request` on a background thread; `wake` is called once the answer is ready (the
    /// window passes `request_repaint`). The request must carry the real token.
    pub fn start(
        request: &HttpRequest,
        deadline: Duration,
        wake: impl FnOnce() + Send + 'static,
    ) -> Self {
        let (sender, promise) = Promise::new();
        let started = Instant::now();
        match to_ehttp(request) {
            Ok(ehttp_request) => ehttp::fetch(ehttp_request, move |result| {
                let outcome = result
                    .map(|response| from_ehttp(response, started.elapsed()))
                    .map_err(|detail| TransportError::classify(&detail));
                sender.send(outcome);
                wake();
            }),
            Err(error) => sender.send(Err(error)),
        }
        Self {
            promise: Some(promise),
            started,
            deadline,
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
        Err(TransportError::new(
            FailureKind::Timeout,
            format!(
                "no answer within the {} s deadline",
                self.deadline.as_secs_f32()
            ),
        ))
    }

    /// Blocks until the outcome (for the command line).
    pub fn start_and_wait(request: &HttpRequest, deadline: Duration) -> Outcome {
        let waiter = std::thread::current();
        let mut in_flight = Self::start(request, deadline, move || waiter.unpark());
        loop {
            if let Some(outcome) = in_flight.poll() {
                return outcome;
            }
            // Woken by the answer, or at the deadline; a spurious wake-up just loops.
            std::thread::park_timeout(in_flight.remaining());
        }
    }
}

fn to_ehttp(request: &HttpRequest) -> Result<ehttp::Request, TransportError> {
    if !matches!(request.credential, Credential::Token(_)) {
        return Err(TransportError::new(
            FailureKind::Other,
            "the request holds a stand-in for the token, not the token",
        ));
    }
    // Built field by field: `Request::post` would add a second, text/plain Content-Type.
    let mut ehttp_request = ehttp::Request::new(
        ehttp::Method::POST,
        request.url.as_str(),
        ehttp::Headers::default(),
    );
    ehttp_request.headers = ehttp::Headers {
        headers: request.headers.clone(),
    };
    ehttp_request.body = request.body.clone();
    ehttp_request.timeout = None;
    Ok(ehttp_request)
}

fn from_ehttp(response: ehttp::Response, elapsed: Duration) -> HttpResponse {
    let reason = match response.status_text.as_str() {
        // ehttp's word for a status without a standard reason phrase.
        "ERROR" => "Unknown status".to_owned(),
        text => text.to_owned(),
    };
    // The heavy part (parsing, pretty-printing) happens here, on the request's own thread.
    let view = BodyView::from_bytes(&response.bytes);
    let problem = Problem::from_answer(response.status, &response.headers.headers, &response.bytes);
    HttpResponse {
        status: response.status,
        reason,
        headers: response.headers.headers,
        body: response.bytes,
        elapsed,
        view,
        problem,
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
}
