//! The transport against real loopback servers that answer badly on purpose: too much, endlessly,
//! compressed past reason, cut short, with redirects, or not at all.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use flameup_explorer::model::{Credential, Draft, Environment, HttpRequest, build_request};
use flameup_explorer::transport::{
    DEFAULT_MAX_RESPONSE_SIZE, FailureKind, InFlight, Outcome, SendOptions,
};
use support::{LoopbackServer, Reply};

const TOKEN: &str = "ws_test_transport.0123456789abcdef";

/// Long enough for any answer here; the tests never wait for it to pass.
const DEADLINE: Duration = Duration::from_secs(30);

fn request_to(base_url: &str) -> HttpRequest {
    let draft = Draft {
        environment: Environment::Custom,
        custom_base_url: base_url.to_owned(),
        ..Draft::docs_example()
    };
    build_request(&draft, None, &Credential::Token(TOKEN.into())).unwrap()
}

fn send(base_url: &str, max_response_size: usize) -> Outcome {
    let options = SendOptions {
        max_response_size,
        ..SendOptions::new(DEADLINE)
    };
    InFlight::send_and_wait(&request_to(base_url), options)
}

/// A server for one connection that reads the request and then does what `answer` says with
/// the socket; what `answer` returns is sent back to the test.
fn raw_server<T: Send + 'static>(
    answer: impl FnOnce(TcpStream) -> T + Send + 'static,
) -> (SocketAddr, mpsc::Receiver<T>) {
    one_connection(move |mut stream| {
        read_request(&mut stream);
        answer(stream)
    })
}

/// A server for one connection that hands the socket to `serve` as soon as it is accepted.
fn one_connection<T: Send + 'static>(
    serve: impl FnOnce(TcpStream) -> T + Send + 'static,
) -> (SocketAddr, mpsc::Receiver<T>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (told, told_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let _ = told.send(serve(stream));
    });
    (addr, told_rx)
}

/// Reads up to the end of the request's body (its Content-Length).
fn read_request(stream: &mut TcpStream) {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&raw).to_lowercase();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map_or(0, |value| value.trim().parse().unwrap());
            if raw.len() >= end + 4 + length {
                return;
            }
        }
        let read = stream.read(&mut buf).unwrap();
        assert!(
            read > 0,
            "the client closed before its request was complete"
        );
        raw.extend_from_slice(&buf[..read]);
    }
}

fn base_url(addr: SocketAddr) -> String {
    format!("http://{addr}/api/v1")
}

/// A gzip stream of `size` zeros: about a thousandth of that on the wire.
fn gzip_zeros(size: usize) -> Vec<u8> {
    let mut packer = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![0u8; 1 << 20];
    for _ in 0..size / block.len() {
        packer.write_all(&block).unwrap();
    }
    packer.finish().unwrap()
}

fn too_large(outcome: Outcome) -> String {
    let error = outcome.expect_err("the answer should have been refused");
    assert_eq!(error.kind, FailureKind::TooLarge, "{error}");
    assert_eq!(error.kind.code(), "too_large");
    error.detail
}

#[test]
fn a_gzip_bomb_stops_inflating_at_the_limit() {
    let bomb = gzip_zeros(64 << 20);
    assert!(bomb.len() < 100_000, "the bomb is small on the wire");
    let server = LoopbackServer::start(Reply::Respond {
        status: 200,
        headers: vec![("Content-Encoding".into(), "gzip".into())],
        body: bomb,
    });
    let detail = too_large(send(&server.base_url(), 1_000_000));
    assert!(detail.contains("1.0 MB"), "{detail}");
}

#[test]
fn a_gzip_answer_within_the_limit_arrives_inflated() {
    let server = LoopbackServer::start(Reply::Respond {
        status: 200,
        headers: vec![("Content-Encoding".into(), "gzip".into())],
        body: gzip_zeros(2 << 20),
    });
    let response = send(&server.base_url(), 2 << 20).unwrap();
    assert_eq!(response.body.len(), 2 << 20);
}

#[test]
fn an_endless_chunked_answer_stops_at_the_limit_and_hangs_up() {
    let (addr, server_done) = raw_server(|mut stream| {
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        stream.write_all(head.as_bytes()).unwrap();
        let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
        let mut sent = 0usize;
        // Until the client hangs up: then the write fails.
        while stream.write_all(chunk.as_bytes()).is_ok() {
            sent += 0x10000;
        }
        sent
    });
    too_large(send(&base_url(addr), 1_000_000));
    let sent = server_done
        .recv_timeout(Duration::from_secs(60))
        .expect("the client should close the connection once the limit is passed");
    assert!(sent < 100_000_000, "the server got {sent} bytes out");
}

#[test]
fn an_answer_announced_larger_than_the_limit_is_refused_before_reading() {
    let (addr, _server) = raw_server(|mut stream| {
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 5000000000\r\n\r\n";
        stream.write_all(head.as_bytes()).unwrap();
        // Keep the socket open: the client must not wait for a body it will not read.
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
    });
    let detail = too_large(send(&base_url(addr), DEFAULT_MAX_RESPONSE_SIZE));
    assert!(detail.contains("Content-Length"), "{detail}");
    assert!(detail.contains("5.0 GB"), "{detail}");
}

#[test]
fn an_answer_of_exactly_the_limit_comes_through_and_one_more_byte_does_not() {
    let body = vec![b'x'; 1000];
    let server = LoopbackServer::start(Reply::Respond {
        status: 200,
        headers: vec![],
        body: body.clone(),
    });
    assert_eq!(send(&server.base_url(), 1000).unwrap().body, body);
    too_large(send(&server.base_url(), 999));
}

#[test]
fn a_50_mb_answer_comes_through_the_default_limit() {
    let body = format!("[{}]", "1,".repeat(25_000_000 - 1) + "1");
    assert!(body.len() > 50_000_000);
    let server = LoopbackServer::start(Reply::Respond {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.into_bytes(),
    });
    let options = SendOptions {
        prepare_view: false,
        ..SendOptions::new(DEADLINE)
    };
    let response = InFlight::send_and_wait(&request_to(&server.base_url()), options).unwrap();
    assert_eq!(response.body.len(), 50_000_001);
    assert!(response.view.raw.is_empty(), "no view was asked for");
}

#[test]
fn a_redirect_is_the_answer_and_is_not_followed() {
    let elsewhere = LoopbackServer::start(Reply::json(201, r#"{"id":"p1"}"#));
    for status in [301, 302, 303, 307, 308] {
        let location = format!("{}/people", elsewhere.base_url());
        let server = LoopbackServer::start(Reply::Respond {
            status,
            headers: vec![("Location".into(), location.clone())],
            body: Vec::new(),
        });
        let response = send(&server.base_url(), DEFAULT_MAX_RESPONSE_SIZE)
            .unwrap_or_else(|error| panic!("{status}: {error}"));
        assert_eq!(response.status, status);
        assert_eq!(response.header("location"), Some(location.as_str()));
    }
    assert!(elsewhere.requests().is_empty(), "nothing was followed");
}

#[test]
fn a_body_shorter_than_its_content_length_is_a_connection_closed_early() {
    let (addr, _server) = raw_server(|mut stream| {
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\":";
        stream.write_all(head.as_bytes()).unwrap();
    });
    let error = send(&base_url(addr), DEFAULT_MAX_RESPONSE_SIZE).unwrap_err();
    assert_eq!(error.kind, FailureKind::Reset, "{error}");
    assert!(
        error.detail.contains("closed after 6 of the 100 bytes"),
        "{error}"
    );
}

#[test]
fn a_connection_closed_before_any_answer_is_a_reset() {
    let (addr, _server) = raw_server(drop);
    let error = send(&base_url(addr), DEFAULT_MAX_RESPONSE_SIZE).unwrap_err();
    assert_eq!(error.kind, FailureKind::Reset, "{error}");
}

#[test]
fn https_to_a_plain_http_server_is_a_tls_failure() {
    // A plain HTTP server reads the TLS greeting as a bad request and says so, as HTTP.
    let (addr, _server) = one_connection(|mut stream| {
        let mut greeting = [0u8; 1024];
        let _ = stream.read(&mut greeting);
        let answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        let _ = stream.write_all(answer.as_bytes());
    });
    let url = format!("https://{addr}/api/v1");
    let error = send(&url, DEFAULT_MAX_RESPONSE_SIZE).unwrap_err();
    assert_eq!(error.kind, FailureKind::Tls, "{error}");
}

#[test]
fn the_client_hangs_up_at_the_deadline_when_the_server_never_answers() {
    let (addr, server_done) = raw_server(|mut stream| {
        // Never answer; wait for the client to close its side.
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).is_ok()
    });
    let options = SendOptions::new(Duration::from_millis(300));
    let error = InFlight::send_and_wait(&request_to(&base_url(addr)), options).unwrap_err();
    assert_eq!(error.kind, FailureKind::Timeout, "{error}");
    server_done
        .recv_timeout(Duration::from_secs(60))
        .expect("the client's thread should close the connection at the deadline");
}

#[test]
fn a_large_answer_is_handed_over_with_its_lines_and_laid_out_after() {
    use flameup_explorer::model::response::{PREPARE_LATER, Prepared};
    let small = r#"{"id":"p1","email":"ada@example.com"}"#;
    let large = format!(
        "[{}]",
        vec![small; PREPARE_LATER / small.len() + 1].join(",")
    );
    for (body, pending) in [(small.to_owned(), false), (large, true)] {
        let server = LoopbackServer::start(Reply::json(200, &body));
        let mut response = send(&server.base_url(), DEFAULT_MAX_RESPONSE_SIZE).unwrap();
        assert_eq!(response.pending, pending, "{} bytes", body.len());
        assert_eq!(
            response.view.raw.text(),
            body,
            "the lines are there at once"
        );
        assert_eq!(
            response.view.pretty.is_some(),
            !pending,
            "laid out on the request's thread only when small"
        );
        let prepared = Prepared::of(response.status, &response.headers, &response.body);
        response.complete(prepared);
        assert!(!response.pending);
        assert!(response.view.pretty.is_some());
    }
}
