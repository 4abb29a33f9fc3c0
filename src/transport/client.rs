//! One request over ureq, on the calling thread: exactly the request's method, headers and body,
//! no redirect followed, a timeout at the deadline, and the body read up to the size limit.

use std::io::Read;
use std::time::{Duration, Instant};

use ureq::config::AutoHeaderValue;
use ureq::http;

use super::{FailureKind, Outcome, SendOptions, TransportError};
use crate::model::problem::Problem;
use crate::model::response::{BodyView, HttpResponse, PREPARE_LATER, Prepared, human_size};
use crate::model::{Credential, HttpRequest};

/// Sends `request` and reads its answer, blocking; `started` is when the caller started it.
pub(super) fn send(request: &HttpRequest, options: &SendOptions, started: Instant) -> Outcome {
    if !matches!(request.credential, Credential::Token(_)) {
        return Err(TransportError::new(
            FailureKind::Other,
            "the request holds a stand-in for the token, not the token",
        ));
    }
    let remaining = options.deadline.saturating_sub(started.elapsed());
    let agent = agent(remaining.max(Duration::from_millis(1)));
    let phase = Phase::Answer {
        https: request.url.scheme() == "https",
    };
    let answer = run(&agent, request).map_err(|error| classify(error, phase))?;
    let (parts, body) = answer.into_parts();
    let body = read_body(body, options.max_response_size)?;
    Ok(response(
        parts,
        body,
        started.elapsed(),
        options.prepare_view,
    ))
}

/// A client that sends only what the request holds (no headers of its own), treats every status
/// as an answer, follows no redirect, and gives up at `deadline` so its thread always ends.
fn agent(deadline: Duration) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(deadline))
        .user_agent(AutoHeaderValue::None)
        .accept(AutoHeaderValue::None)
        .accept_encoding(AutoHeaderValue::None)
        .build();
    ureq::Agent::new_with_config(config)
}

fn run(
    agent: &ureq::Agent,
    request: &HttpRequest,
) -> Result<http::Response<ureq::Body>, ureq::Error> {
    let mut builder = http::Request::builder()
        .method(request.method)
        .uri(request.url.as_str());
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if request.body.is_empty() {
        agent.run(builder.body(())?)
    } else {
        agent.run(builder.body(request.body.as_slice())?)
    }
}

/// Reads the body, decompressed, up to `limit` bytes: one byte more ends the read (and the
/// inflating) with [`FailureKind::TooLarge`]. A body announced as longer fails before any read.
fn read_body(body: ureq::Body, limit: usize) -> Result<Vec<u8>, TransportError> {
    let announced = body.content_length();
    if let Some(length) = announced.filter(|length| *length > limit as u64) {
        return Err(too_large(limit, Some(length)));
    }
    let capacity = announced.map_or(0, |length| length as usize);
    let mut bytes = Vec::with_capacity(capacity);
    let mut reader = body.into_with_config().limit(limit as u64).reader();
    match reader.read_to_end(&mut bytes) {
        Ok(_) => Ok(bytes),
        Err(err) => match ureq::Error::from(err) {
            ureq::Error::BodyExceedsLimit(_) => Err(too_large(limit, None)),
            ureq::Error::Io(io) if closed_early(&io) => Err(cut_short(bytes.len(), announced)),
            other => Err(classify(other, Phase::Body)),
        },
    }
}

/// Whether a read failed because the server closed (or dropped) the connection.
fn closed_early(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::UnexpectedEof | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
    )
}

/// A body cut short by the connection closing: the same failure as a connection closed during
/// the headers, with how much arrived of what was announced.
fn cut_short(received: usize, announced: Option<u64>) -> TransportError {
    let detail = match announced.filter(|length| (received as u64) < *length) {
        Some(length) => format!(
            "the connection was closed after {received} of the {length} bytes the answer announced (Content-Length)"
        ),
        None => {
            format!("the connection was closed after {received} bytes of the body, before its end")
        }
    };
    TransportError::new(FailureKind::Reset, detail)
}

fn too_large(limit: usize, announced: Option<u64>) -> TransportError {
    let detail = match announced {
        Some(length) => format!(
            "the server announced {} (Content-Length); the limit is {}",
            human_size(length as usize),
            human_size(limit)
        ),
        None => format!("the body went past the limit of {}", human_size(limit)),
    };
    TransportError::new(FailureKind::TooLarge, detail)
}

/// Where a request was when it failed: connecting and waiting for the headers, or reading the
/// body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Connecting, sending, or waiting for the status line and headers.
    Answer {
        /// rustls reports what it cannot read as invalid data inside an I/O error; before any
        /// answer on an https connection, that is the TLS setup failing (e.g. a plain-HTTP
        /// server's reply is not a TLS record).
        https: bool,
    },
    Body,
}

/// Sorts ureq's typed error into a kind; wording is read only where the type says too little.
fn classify(error: ureq::Error, phase: Phase) -> TransportError {
    use std::io::ErrorKind;
    let detail = error.to_string();
    let kind = match &error {
        ureq::Error::Timeout(_) => FailureKind::Timeout,
        ureq::Error::HostNotFound => FailureKind::Dns,
        ureq::Error::Tls(_) | ureq::Error::Pem(_) | ureq::Error::Rustls(_) => FailureKind::Tls,
        ureq::Error::Protocol(_) | ureq::Error::Decompress(..) => FailureKind::InvalidResponse,
        ureq::Error::BodyExceedsLimit(_) => FailureKind::TooLarge,
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => FailureKind::Refused,
            ErrorKind::TimedOut | ErrorKind::WouldBlock => FailureKind::Timeout,
            ErrorKind::InvalidData if phase == (Phase::Answer { https: true }) => FailureKind::Tls,
            ErrorKind::UnexpectedEof
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe => FailureKind::Reset,
            _ => TransportError::classify(&detail).kind,
        },
        _ => TransportError::classify(&detail).kind,
    };
    let not_tls = matches!(&error, ureq::Error::Io(io) if io.kind() == ErrorKind::InvalidData)
        && phase == (Phase::Answer { https: true });
    let detail = if not_tls {
        format!("{detail}; is the server speaking plain http? try http:// instead of https://")
    } else {
        detail
    };
    TransportError::new(kind, detail)
}

/// The answer as the app keeps it. The heavy part (parsing, pretty-printing) happens here, on
/// the request's own thread, and only when the caller will show it.
fn response(
    parts: http::response::Parts,
    body: Vec<u8>,
    elapsed: Duration,
    prepare_view: bool,
) -> HttpResponse {
    let status = parts.status.as_u16();
    let mut headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    // Sorted by name (a stable sort keeps repeated headers in their order): it reads nicer.
    headers.sort_by(|(a, _), (b, _)| a.cmp(b));
    // A large body is shown first as its lines, and laid out after (see `PREPARE_LATER`).
    let pending = prepare_view && body.len() > PREPARE_LATER;
    let Prepared { view, problem } = if pending {
        Prepared {
            view: BodyView::raw_only(&body),
            problem: None,
        }
    } else if prepare_view {
        Prepared::of(status, &headers, &body)
    } else {
        Prepared {
            view: BodyView::default(),
            problem: Problem::from_answer(status, &headers, &body),
        }
    };
    HttpResponse {
        status,
        reason: parts
            .status
            .canonical_reason()
            .unwrap_or("Unknown status")
            .to_owned(),
        headers,
        body,
        elapsed,
        view,
        problem,
        pending,
    }
}
