//! The sandbox's contract over real HTTP on loopback: every rule of the create-person contract,
//! both error dialects, duplicates, the rate limit, the read endpoints, faults, concurrency and
//! garbage on the socket.

// Helpers of tests (and the test support module) fail by panicking: the panic is the failure
// message. clippy's allow-*-in-tests covers only #[test] functions, not their helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use flameup_explorer::sandbox::{ErrorDialect, OnDuplicate, Sandbox, SandboxSettings};
use serde_json::{Value, json};

fn start(settings: SandboxSettings) -> Sandbox {
    Sandbox::start("127.0.0.1:0".parse().unwrap(), settings).expect("the sandbox starts")
}

fn default_sandbox() -> Sandbox {
    start(SandboxSettings::default())
}

#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!("not JSON ({err}): {}", String::from_utf8_lossy(&self.body))
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Sends raw bytes and reads the answer until the server closes the connection.
fn exchange(addr: SocketAddr, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse_answer(&raw)
}

fn parse_answer(raw: &[u8]) -> Answer {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut text = format!(
        "{method} {path} HTTP/1.1\r\nhost: sandbox\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

const AUTH: (&str, &str) = ("authorization", "Bearer ws_test_contract.abc");
const JSON: (&str, &str) = ("content-type", "application/json");

fn create(sandbox: &Sandbox, body: &str) -> Answer {
    exchange(
        sandbox.addr(),
        &request("POST", "/api/v1/people", &[AUTH, JSON], body.as_bytes()),
    )
}

fn get(sandbox: &Sandbox, path: &str) -> Answer {
    exchange(sandbox.addr(), &request("GET", path, &[AUTH], b""))
}

/// The field names a docs-dialect rejection lists.
fn detail_fields(answer: &Answer) -> Vec<String> {
    answer.json()["details"]
        .as_array()
        .unwrap_or_else(|| panic!("no details: {}", answer.json()))
        .iter()
        .map(|detail| detail["field"].as_str().unwrap().to_owned())
        .collect()
}

fn is_rfc3339(text: &str) -> bool {
    humantime::parse_rfc3339(text).is_ok()
}

#[test]
fn a_create_answers_201_with_a_person_in_the_reference_shape() {
    let sandbox = default_sandbox();
    let answer = create(
        &sandbox,
        r#"{"userId": "ada", "email": "ada@example.com", "phone": "+1-555-0123",
            "traits": {"first_name": "Ada", "last_name": "Lovelace", "locale": "en-GB", "plan": "pro",
                       "seats": 3, "beta": true, "tags": ["a", {"b": null}]}}"#,
    );
    assert_eq!(
        answer.status,
        201,
        "{:?}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let person = answer.json();
    assert!(uuid::Uuid::parse_str(person["id"].as_str().unwrap()).is_ok());
    assert_eq!(person["workspace_id"], "ws_sandbox");
    assert_eq!(person["external_id"], "ada");
    assert_eq!(person["email"], "ada@example.com");
    assert_eq!(person["phone"], "+1-555-0123");
    assert_eq!(person["first_name"], "Ada");
    assert_eq!(person["last_name"], "Lovelace");
    assert_eq!(person["locale"], "en-GB");
    assert_eq!(person["timezone"], Value::Null);
    assert_eq!(person["status"], "active");
    assert_eq!(
        person["attributes"],
        json!({"plan": "pro", "seats": 3, "beta": true, "tags": ["a", {"b": null}]})
    );
    for stamp in ["created_at", "updated_at", "first_seen_at", "last_seen_at"] {
        assert!(
            is_rfc3339(person[stamp].as_str().unwrap()),
            "{stamp}: {}",
            person[stamp]
        );
    }
}

#[test]
fn the_workspace_scoped_path_creates_in_the_sandboxs_workspace_and_only_there() {
    let sandbox = default_sandbox();
    let answer = exchange(
        sandbox.addr(),
        &request(
            "POST",
            "/api/v1/workspaces/ws_sandbox/people",
            &[AUTH, JSON],
            br#"{"userId": "u"}"#,
        ),
    );
    assert_eq!(answer.status, 201);
    assert_eq!(answer.json()["workspace_id"], "ws_sandbox");
    let elsewhere = exchange(
        sandbox.addr(),
        &request(
            "POST",
            "/api/v1/workspaces/ws_abc123/people",
            &[AUTH, JSON],
            br#"{"userId": "v"}"#,
        ),
    );
    assert_eq!(elsewhere.status, 404);
    assert_eq!(detail_fields(&elsewhere), ["workspaceId"]);
    assert_eq!(sandbox.people_count(), 1);
}

#[test]
fn authentication() {
    let sandbox = default_sandbox();
    let body = br#"{"userId": "u"}"#;
    for auth in [
        None,
        Some("Basic dXNlcjpwdw=="),
        Some("Bearer "),
        Some("Bearer"),
        Some("ws_test_abc"),
    ] {
        let mut headers = vec![JSON];
        if let Some(auth) = auth {
            headers.push(("authorization", auth));
        }
        let answer = exchange(
            sandbox.addr(),
            &request("POST", "/api/v1/people", &headers, body),
        );
        assert_eq!(answer.status, 401, "{auth:?}");
        assert_eq!(answer.json()["error"], "Unauthorized");
        assert_eq!(detail_fields(&answer), ["Authorization"]);
    }
    let answer = exchange(
        sandbox.addr(),
        &request(
            "POST",
            "/api/v1/people",
            &[JSON, ("authorization", "bearer any-token")],
            body,
        ),
    );
    assert_eq!(answer.status, 201, "any non-empty bearer token is accepted");

    let strict = start(SandboxSettings {
        required_token: Some("ws_test_right".into()),
        ..SandboxSettings::default()
    });
    let wrong = exchange(
        strict.addr(),
        &request("POST", "/api/v1/people", &[JSON, AUTH], body),
    );
    assert_eq!(wrong.status, 401);
    let right = exchange(
        strict.addr(),
        &request(
            "POST",
            "/api/v1/people",
            &[JSON, ("authorization", "Bearer ws_test_right")],
            body,
        ),
    );
    assert_eq!(right.status, 201);
}

#[test]
fn body_rules_name_the_offending_fields() {
    let sandbox = default_sandbox();
    let cases: Vec<(String, u16, Vec<&str>)> = vec![
        ("{".into(), 400, vec!["body"]),
        ("[1, 2]".into(), 400, vec!["body"]),
        ("{}".into(), 400, vec!["userId"]),
        (r#"{"userId": 42}"#.into(), 400, vec!["userId"]),
        (
            format!(r#"{{"userId": "{}"}}"#, "u".repeat(256)),
            400,
            vec!["userId"],
        ),
        (
            r#"{"userId": "u", "email": "not-an-email"}"#.into(),
            400,
            vec!["email"],
        ),
        (r#"{"userId": "u", "email": 5}"#.into(), 400, vec!["email"]),
        (
            format!(r#"{{"userId": "u", "phone": "{}"}}"#, "1".repeat(51)),
            400,
            vec!["phone"],
        ),
        (
            r#"{"userId": "u", "traits": "plan=pro"}"#.into(),
            400,
            vec!["traits"],
        ),
        (
            r#"{"email": "x", "traits": []}"#.into(),
            400,
            vec!["userId", "email", "traits"],
        ),
    ];
    for (body, status, fields) in cases {
        let answer = create(&sandbox, &body);
        assert_eq!(answer.status, status, "{body}");
        assert_eq!(detail_fields(&answer), fields, "{body}");
        assert_eq!(answer.json()["code"], status);
    }
    let at_the_limits = format!(
        r#"{{"userId": "{}", "email": "user@example.com", "phone": "+1-555-0123", "traits": {{"n": 1.5, "o": {{"deep": [null]}}}}}}"#,
        "é".repeat(255)
    );
    assert_eq!(create(&sandbox, &at_the_limits).status, 201);
}

#[test]
fn content_type_and_size() {
    let sandbox = default_sandbox();
    let body = br#"{"userId": "u"}"#;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut headers = vec![AUTH];
        if let Some(content_type) = content_type {
            headers.push(("content-type", content_type));
        }
        let answer = exchange(
            sandbox.addr(),
            &request("POST", "/api/v1/people", &headers, body),
        );
        assert_eq!(answer.status, 415, "{content_type:?}");
        assert_eq!(detail_fields(&answer), ["Content-Type"]);
    }
    let with_charset = exchange(
        sandbox.addr(),
        &request(
            "POST",
            "/api/v1/people",
            &[AUTH, ("content-type", "application/json; charset=utf-8")],
            body,
        ),
    );
    assert_eq!(with_charset.status, 201);

    let huge = format!(
        r#"{{"userId": "u", "traits": {{"blob": "{}"}}}}"#,
        "x".repeat(1024 * 1024)
    );
    let answer = create(&sandbox, &huge);
    assert_eq!(answer.status, 413);
    assert_eq!(detail_fields(&answer), ["body"]);
}

#[test]
fn the_standard_dialect() {
    let sandbox = start(SandboxSettings {
        errors: ErrorDialect::Standard,
        ..SandboxSettings::default()
    });
    let answer = create(&sandbox, r#"{"userId": "u", "email": "nope"}"#);
    assert_eq!(answer.status, 400);
    let body = answer.json();
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["type"], "VALIDATION_ERROR");
    assert_eq!(
        body["error"]["details"],
        json!({"email": "Invalid email format"})
    );
    let request_id = body["request_id"].as_str().unwrap();
    assert!(request_id.starts_with("req_"));
    assert_eq!(answer.header("x-request-id"), Some(request_id));
    assert_eq!(
        check_findings("createPerson", &answer),
        [],
        "the standard shape with its field details is documented"
    );
}

#[test]
fn the_validation422_dialect() {
    let sandbox = start(SandboxSettings {
        errors: ErrorDialect::Validation422,
        ..SandboxSettings::default()
    });
    let answer = create(&sandbox, r#"{"email": "nope"}"#);
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.json(),
        json!({"error": {"code": "validation_error", "message": "Validation failed: userId, email",
               "details": {"fields": {"userId": "Required field", "email": "Invalid email format"}}}})
    );
    assert_eq!(check_findings("createPerson", &answer), []);
    let malformed = create(&sandbox, "{");
    assert_eq!(malformed.status, 400, "a malformed body stays a 400");
    let unauthorized = exchange(
        sandbox.addr(),
        &request("POST", "/api/v1/people", &[JSON], b"{}"),
    );
    assert_eq!(unauthorized.json()["error"]["code"], "unauthorized");
    // Its other errors are the errors page's coded shape, which has no details.
    for answer in [&malformed, &unauthorized] {
        assert_eq!(
            check_findings("createPerson", answer),
            [],
            "{}",
            answer.status
        );
    }
}

#[test]
fn a_repeated_user_id_updates_by_default() {
    let sandbox = default_sandbox();
    let first = create(
        &sandbox,
        r#"{"userId": "u", "email": "a@example.com", "traits": {"plan": "free", "seats": 1}}"#,
    );
    assert_eq!(first.status, 201);
    let second = create(
        &sandbox,
        r#"{"userId": "u", "traits": {"plan": "pro", "first_name": "Ada"}}"#,
    );
    assert_eq!(second.status, 200);
    let (first, second) = (first.json(), second.json());
    assert_eq!(second["id"], first["id"]);
    assert_eq!(second["created_at"], first["created_at"]);
    assert_eq!(second["email"], "a@example.com", "fields not sent are kept");
    assert_eq!(second["first_name"], "Ada");
    assert_eq!(
        second["attributes"],
        json!({"plan": "pro", "seats": 1}),
        "traits merge"
    );
    assert_eq!(sandbox.people_count(), 1);
}

#[test]
fn a_repeated_user_id_conflicts_when_asked() {
    let sandbox = start(SandboxSettings {
        on_duplicate: OnDuplicate::Conflict,
        ..SandboxSettings::default()
    });
    assert_eq!(create(&sandbox, r#"{"userId": "u"}"#).status, 201);
    let again = create(&sandbox, r#"{"userId": "u"}"#);
    assert_eq!(again.status, 409);
    assert_eq!(detail_fields(&again), ["userId"]);
    assert_eq!(sandbox.people_count(), 1);
}

#[test]
fn the_rate_limit_counts_per_key_and_answers_429() {
    let sandbox = start(SandboxSettings {
        rate_limit: Some(3),
        ..SandboxSettings::default()
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for remaining in ["2", "1", "0"] {
        let answer = get(&sandbox, "/api/v1/people");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("x-ratelimit-limit"), Some("3"));
        assert_eq!(answer.header("x-ratelimit-remaining"), Some(remaining));
        let reset: u64 = answer.header("x-ratelimit-reset").unwrap().parse().unwrap();
        assert!(
            reset > now && reset <= now + 61,
            "reset {reset} is the end of this minute"
        );
    }
    let limited = get(&sandbox, "/api/v1/people");
    // The limit can only lift if the minute just turned; then this request counts again.
    if limited.status != 200 {
        assert_eq!(limited.status, 429);
        assert_eq!(
            limited.json(),
            json!({"error": "Rate limit exceeded", "message": "Too many requests. Please try again later."})
        );
        assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    }
    let other_key = exchange(
        sandbox.addr(),
        &request(
            "GET",
            "/api/v1/people",
            &[("authorization", "Bearer another-key")],
            b"",
        ),
    );
    assert_eq!(other_key.status, 200, "each key has its own pool");
    let unauthenticated = exchange(
        sandbox.addr(),
        &request("POST", "/api/v1/people", &[JSON], b"{}"),
    );
    assert_eq!(unauthenticated.status, 401);
    assert_eq!(
        unauthenticated.header("x-ratelimit-limit"),
        Some("2"),
        "75/120 of the key limit per IP"
    );

    let unlimited = start(SandboxSettings {
        rate_limit: None,
        ..SandboxSettings::default()
    });
    for _ in 0..130 {
        assert_eq!(get(&unlimited, "/api/v1/people").status, 200);
    }
}

#[test]
fn people_can_be_read_back() {
    let sandbox = default_sandbox();
    for index in 0..5 {
        let body = format!(r#"{{"userId": "u{index}", "email": "u{index}@example.com"}}"#);
        assert_eq!(create(&sandbox, &body).status, 201);
    }
    assert_eq!(
        get(&sandbox, "/api/v1/people/u3").json()["external_id"],
        "u3"
    );
    assert_eq!(
        get(&sandbox, "/api/v1/people/u4@example.com").json()["external_id"],
        "u4"
    );
    let missing = get(&sandbox, "/api/v1/people/nobody");
    assert_eq!(missing.status, 404);
    assert_eq!(detail_fields(&missing), ["id"]);

    let page = get(&sandbox, "/api/v1/people?limit=2&offset=1").json();
    assert_eq!(page["total"], 5);
    assert_eq!(page["limit"], 2);
    assert_eq!(page["offset"], 1);
    let ids: Vec<&str> = page["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["external_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["u1", "u2"]);
    // The contract sets no maximum offset: one past anything held is an empty page.
    let far = get(
        &sandbox,
        "/api/v1/people?offset=223192246638566960019787470168045649920",
    );
    assert_eq!(far.status, 200);
    assert_eq!(far.json()["people"], serde_json::json!([]));
    assert_eq!(
        far.json()["offset"].to_string(),
        "223192246638566960019787470168045649920"
    );
    let bad = get(&sandbox, "/api/v1/people?limit=101&offset=-1");
    assert_eq!(bad.status, 400);
    assert_eq!(detail_fields(&bad), ["limit", "offset"]);
    let unknown = get(&sandbox, "/api/v1/teams");
    assert_eq!(unknown.status, 404);
    assert_eq!(detail_fields(&unknown), ["path"]);
}

#[test]
fn faults_latency_failures_and_never_answering() {
    let slow = start(SandboxSettings {
        latency_ms: 300,
        ..SandboxSettings::default()
    });
    let answer = create(&slow, r#"{"userId": "u"}"#);
    assert_eq!(answer.status, 201);
    assert_eq!(answer.header("x-sandbox-latency-ms"), Some("300"));
    let quick = create(&start(SandboxSettings::default()), r#"{"userId": "u"}"#);
    assert_eq!(quick.header("x-sandbox-latency-ms"), None);

    let failing = start(SandboxSettings {
        fail_rate: 1.0,
        ..SandboxSettings::default()
    });
    let answer = create(&failing, r#"{"userId": "u"}"#);
    assert_eq!(answer.status, 500);
    assert_eq!(answer.json()["error"], "Internal Server Error");
    assert_eq!(failing.people_count(), 0);

    let silent = start(SandboxSettings {
        hang: true,
        ..SandboxSettings::default()
    });
    let mut stream = TcpStream::connect(silent.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    stream
        .write_all(&request(
            "POST",
            "/api/v1/people",
            &[AUTH, JSON],
            br#"{"userId": "u"}"#,
        ))
        .unwrap();
    let mut buf = [0u8; 64];
    let read = stream.read(&mut buf);
    assert!(
        matches!(&read, Err(err) if matches!(err.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "no answer: {read:?}"
    );
    // Settings change live: the next request is answered.
    silent.set_settings(SandboxSettings::default());
    assert_eq!(create(&silent, r#"{"userId": "u"}"#).status, 201);
    let addr = silent.addr();
    drop(silent);
    assert!(
        TcpStream::connect(addr).is_err(),
        "a stopped sandbox no longer listens"
    );
}

#[test]
fn two_hundred_concurrent_creates() {
    // One key would meet the documented 120 a minute: this test is about concurrency.
    let sandbox = start(SandboxSettings {
        rate_limit: None,
        ..SandboxSettings::default()
    });
    let addr = sandbox.addr();
    let workers: Vec<_> = (0..200)
        .map(|index| {
            std::thread::spawn(move || {
                let body = format!(r#"{{"userId": "user-{index}", "traits": {{"n": {index}}}}}"#);
                exchange(
                    addr,
                    &request("POST", "/api/v1/people", &[AUTH, JSON], body.as_bytes()),
                )
                .status
            })
        })
        .collect();
    let statuses: Vec<u16> = workers
        .into_iter()
        .map(|worker| worker.join().unwrap())
        .collect();
    assert!(statuses.iter().all(|status| *status == 201), "{statuses:?}");
    assert_eq!(sandbox.people_count(), 200);
    assert_eq!(get(&sandbox, "/api/v1/people?limit=1").json()["total"], 200);
}

#[test]
fn garbage_on_the_socket_then_a_normal_request() {
    let sandbox = default_sandbox();
    let garbage: [&[u8]; 4] = [
        b"\x00\xff\xfe garbage \r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"POST /api/v1/people HTTP/1.1\r\ncontent-length: nope\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
    ];
    for bytes in garbage {
        let mut stream = TcpStream::connect(sandbox.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let _ = stream.write_all(bytes);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut sink = Vec::new();
        let _ = stream.read_to_end(&mut sink);
    }
    // Half a request, then the client goes away.
    drop(
        TcpStream::connect(sandbox.addr())
            .unwrap()
            .write_all(b"POST /api/v1/people HTTP/1.1\r\ncontent-length: 100\r\n\r\n{"),
    );
    assert_eq!(
        create(&sandbox, r#"{"userId": "after-garbage"}"#).status,
        201
    );
}

/// Connects, sends `bytes` and waits (up to 10 s) for the server to close the connection;
/// returns what was read. A connection the server never closes fails the test.
fn closed_by_the_server_after(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(bytes).unwrap();
    let mut raw = Vec::new();
    match stream.read_to_end(&mut raw) {
        Ok(_) => raw,
        Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => raw,
        Err(err) => panic!("the server kept the connection open ({err}); read {raw:?}"),
    }
}

#[test]
fn connections_that_send_nothing_are_closed_after_the_idle_timeout() {
    let sandbox = start(SandboxSettings {
        idle_timeout: Duration::from_millis(200),
        ..SandboxSettings::default()
    });
    let addr = sandbox.addr();
    // Stalled mid-headers.
    closed_by_the_server_after(addr, b"POST /api/v1/people HTTP/1.1\r\nhost: sandbox\r\n");
    // Stalled mid-body: 10 of the 100 bytes announced.
    closed_by_the_server_after(
        addr,
        b"POST /api/v1/people HTTP/1.1\r\nhost: sandbox\r\ncontent-length: 100\r\n\r\n{\"userId\":",
    );
    // Idle keep-alive after a complete exchange: the answer arrives, then the close.
    let mut keep_alive = request(
        "POST",
        "/api/v1/people",
        &[AUTH, JSON],
        br#"{"userId": "u"}"#,
    );
    let close = b"connection: close\r\n";
    let at = keep_alive
        .windows(close.len())
        .position(|window| window == close)
        .unwrap();
    keep_alive.drain(at..at + close.len());
    let raw = closed_by_the_server_after(addr, &keep_alive);
    assert_eq!(parse_answer(&raw).status, 201);
    // A connection that never sent a byte.
    closed_by_the_server_after(addr, b"");
}

#[test]
fn a_body_of_many_megabytes_gets_its_413() {
    let sandbox = default_sandbox();
    let body = vec![b' '; 16 * 1024 * 1024];
    let bytes = request("POST", "/api/v1/people", &[AUTH, JSON], &body);
    // As most clients do: write the whole request, then read the answer. A server that closes
    // while the client is still writing makes the write fail and loses the 413.
    let mut stream = TcpStream::connect(sandbox.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let written = stream.write_all(&bytes);
    assert!(written.is_ok(), "the sandbox closed mid-body: {written:?}");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let answer = parse_answer(&raw);
    assert_eq!(answer.status, 413);
    assert_eq!(detail_fields(&answer), ["body"]);
}

#[test]
fn the_sandboxs_own_latency_is_not_the_clients_idleness() {
    let slow = start(SandboxSettings {
        idle_timeout: Duration::from_millis(100),
        latency_ms: 500,
        ..SandboxSettings::default()
    });
    assert_eq!(create(&slow, r#"{"userId": "u"}"#).status, 201);
}

#[test]
fn a_wrong_method_is_answered_in_the_dialect() {
    for (dialect, message) in [
        (ErrorDialect::Docs, "/message"),
        (ErrorDialect::Standard, "/error/message"),
        (ErrorDialect::Validation422, "/error/message"),
    ] {
        let sandbox = start(SandboxSettings {
            errors: dialect,
            ..SandboxSettings::default()
        });
        let answer = exchange(
            sandbox.addr(),
            &request("DELETE", "/api/v1/workspaces/w1/people", &[AUTH], b""),
        );
        assert_eq!(answer.status, 405, "{dialect:?}");
        // The contract's methods on that path, in its order.
        assert_eq!(answer.header("allow"), Some("POST, GET"));
        let text = answer.json().pointer(message).cloned();
        assert!(
            text.is_some_and(|text| text.as_str().is_some_and(|text| text.contains("DELETE"))),
            "{dialect:?}: {}",
            answer.json()
        );
    }
}

#[test]
fn a_workspace_id_that_is_not_utf8_or_empty_is_refused_in_the_dialect() {
    let sandbox = default_sandbox();
    let body = br#"{"userId": "u"}"#;
    for path in [
        "/api/v1/workspaces/%FF/people",
        "/api/v1/workspaces//people",
        "/api/v1/workspaces/../people",
        "/api/v1/workspaces/%2e%2E/people",
        "/api/v1/workspaces/./people",
    ] {
        let answer = exchange(sandbox.addr(), &request("POST", path, &[AUTH, JSON], body));
        assert_eq!(answer.status, 400, "{path}");
        // The contract's name of the parameter, so the form can place the message on it.
        assert_eq!(detail_fields(&answer), ["workspaceId"], "{path}");
        assert_eq!(answer.json()["code"], 400);
    }
    assert_eq!(sandbox.people_count(), 0);
}

#[test]
fn a_long_traits_phone_and_a_display_name_email_are_refused() {
    let sandbox = default_sandbox();
    let phone = "1".repeat(51);
    let answer = create(
        &sandbox,
        &format!(r#"{{"userId": "u", "traits": {{"phone": "{phone}"}}}}"#),
    );
    assert_eq!(answer.status, 400);
    assert_eq!(detail_fields(&answer), ["traits.phone"]);
    let fifty = "1".repeat(50);
    let answer = create(
        &sandbox,
        &format!(r#"{{"userId": "u", "traits": {{"phone": "{fifty}"}}}}"#),
    );
    assert_eq!(answer.status, 201);

    let answer = create(
        &sandbox,
        r#"{"userId": "v", "email": "John Doe <john@example.com>"}"#,
    );
    assert_eq!(answer.status, 400);
    assert_eq!(detail_fields(&answer), ["email"]);
    assert_eq!(sandbox.people_count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Every operation of the contract, answered as documented.

use flameup_explorer::contract::{self, Operation};
use flameup_explorer::sandbox::drift::EXTRA_FIELD;
use flameup_explorer::sandbox::{Drift, DriftKind};
use support::operation;

/// One call: `path` under the base path, a JSON body if given, the token always.
fn call(sandbox: &Sandbox, method: &str, path: &str, body: Option<&Value>) -> Answer {
    let bytes = body
        .map(|body| body.to_string().into_bytes())
        .unwrap_or_default();
    let mut headers = vec![AUTH];
    if body.is_some() {
        headers.push(JSON);
    }
    exchange(
        sandbox.addr(),
        &request(method, &format!("/api/v1{path}"), &headers, &bytes),
    )
}

/// The JSON schema `operation` documents for `status`, if that answer has a body.
fn documented_schema(operation: &Operation, status: u16) -> Option<&Value> {
    operation
        .responses
        .get(&status.to_string())?
        .pointer("/content/application~1json/schema")
}

/// What the contract's schema finds wrong with `body`: (instance path, message).
fn schema_errors(schema: &Value, body: &Value) -> Vec<(String, String)> {
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .unwrap();
    validator
        .iter_errors(body)
        .map(|error| (error.instance_path().as_str().to_owned(), error.to_string()))
        .collect()
}

/// The answer's status is one `id` documents, and its body matches that status's schema (or is
/// empty where the status documents no body).
fn assert_documented(id: &str, answer: &Answer) {
    let operation = operation(id);
    assert!(
        operation.responses.contains_key(&answer.status.to_string()),
        "{id} answered {}, which it does not document: {}",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
    match documented_schema(operation, answer.status) {
        Some(schema) => {
            let errors = schema_errors(schema, &answer.json());
            assert!(
                errors.is_empty(),
                "{id} {}: {errors:?}\n{}",
                answer.status,
                answer.json()
            );
        }
        None => assert!(
            answer.body.is_empty(),
            "{id}: a body where none is documented"
        ),
    }
}

/// Calls `method path` and holds the answer to what `id` documents.
fn checked(sandbox: &Sandbox, id: &str, method: &str, path: &str, body: Option<Value>) -> Answer {
    let answer = call(sandbox, method, path, body.as_ref());
    assert_documented(id, &answer);
    answer
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not text: {value}"))
        .to_owned()
}

#[test]
fn the_whole_life_of_a_person() {
    let sandbox = default_sandbox();
    let ws = "/workspaces/ws_sandbox";

    let created = checked(
        &sandbox,
        "createPerson",
        "POST",
        "/people",
        Some(json!({"userId": "ada", "email": "ada@example.com",
                    "traits": {"first_name": "Ada", "plan": "free", "seats": 1}})),
    );
    assert_eq!(created.status, 201);
    let uuid = text(&created.json()["id"]);

    let by_email = checked(
        &sandbox,
        "getPerson",
        "GET",
        "/people/ada@example.com",
        None,
    );
    assert_eq!(
        (by_email.status, text(&by_email.json()["id"])),
        (200, uuid.clone())
    );

    let updated = checked(
        &sandbox,
        "updatePerson",
        "PUT",
        "/people/ada",
        Some(json!({"traits": {"plan": "pro", "last_name": "Lovelace"}})),
    );
    assert_eq!(updated.status, 200);
    let person = updated.json();
    assert_eq!(
        person["attributes"],
        json!({"plan": "pro", "seats": 1}),
        "merged"
    );
    assert_eq!(
        (&person["first_name"], &person["last_name"]),
        (&json!("Ada"), &json!("Lovelace"))
    );
    let by_uuid = checked(
        &sandbox,
        "getWorkspacePerson",
        "GET",
        &format!("{ws}/people/{uuid}"),
        None,
    );
    assert_eq!(by_uuid.json(), person);

    let total = |sandbox: &Sandbox| {
        checked(sandbox, "listPeople", "GET", "/people?limit=1", None).json()["total"].clone()
    };
    assert_eq!(total(&sandbox), 1);
    checked(
        &sandbox,
        "createWorkspacePerson",
        "POST",
        &format!("{ws}/people"),
        Some(
            json!({"userId": "grace", "email": "grace@example.com", "traits": {"last_name": "Hopper"}}),
        ),
    );
    assert_eq!(total(&sandbox), 2, "the total grows");

    let found = |query: &str| {
        let answer = checked(
            &sandbox,
            "searchWorkspacePeople",
            "GET",
            &format!("{ws}/people/search?{query}"),
            None,
        );
        answer.json()["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|person| text(&person["external_id"]))
            .collect::<Vec<_>>()
    };
    assert_eq!(found("q=LOVELACE"), ["ada"]);
    assert_eq!(found("email=grace%40example.com"), ["grace"]);
    assert_eq!(found("external_id=ada&q=hopper"), Vec::<String>::new());
    assert_eq!(found("q=example.com&limit=1"), ["ada"]);
    let listed = checked(
        &sandbox,
        "listWorkspacePeople",
        "GET",
        &format!("{ws}/people?search=hopper"),
        None,
    );
    assert_eq!(listed.json()["total"], 1);

    let tracked = checked(
        &sandbox,
        "trackEvent",
        "POST",
        "/track",
        Some(json!({"external_id": "ada", "event": "signed_up", "parameters": {"plan": "pro"}})),
    );
    assert_eq!(tracked.json()["success"], true);
    assert!(text(&tracked.json()["event_id"]).starts_with("evt_"));
    checked(
        &sandbox,
        "createWorkspaceEvent",
        "POST",
        &format!("{ws}/events"),
        Some(
            json!({"userId": "ada", "event": "upgraded", "timestamp": "2024-05-01T09:30:00+02:00"}),
        ),
    );
    let events = |query: &str| {
        let answer = checked(
            &sandbox,
            "listWorkspaceEvents",
            "GET",
            &format!("{ws}/events?{query}"),
            None,
        );
        let list = answer.json();
        let names: Vec<String> = list["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|event| text(&event["event"]))
            .collect();
        assert_eq!(list["total"], names.len());
        names
    };
    assert_eq!(
        events("user_id=ada"),
        ["signed_up", "upgraded"],
        "by external id"
    );
    assert_eq!(
        events(&format!("user_id={uuid}")),
        ["signed_up", "upgraded"],
        "by UUID"
    );
    assert_eq!(events("user_id=grace"), Vec::<String>::new());
    assert_eq!(events("event=upgraded"), ["upgraded"]);
    // 09:30+02:00 is 07:30Z: inside this window, whatever offset either is written with.
    assert_eq!(
        events("since=2024-05-01T07:30:00Z&until=2024-05-01T08:00:00%2B00:30"),
        ["upgraded"]
    );
    let unknown = checked(
        &sandbox,
        "trackEvent",
        "POST",
        "/track",
        Some(json!({"external_id": "nobody", "event": "x"})),
    );
    assert_eq!(
        (unknown.status, detail_fields(&unknown)),
        (404, vec!["external_id".to_owned()])
    );

    let push = json!({"person_id": uuid, "title": "Hello", "body": "Welcome"});
    let no_device = checked(
        &sandbox,
        "sendPush",
        "POST",
        "/push/send",
        Some(push.clone()),
    );
    assert_eq!(
        no_device.status, 404,
        "the documented error for a person with no device"
    );
    assert_eq!(detail_fields(&no_device), ["person_id"]);
    assert!(text(&no_device.json()["message"]).contains("no registered device"));

    let devices = format!("/people/{uuid}/devices");
    let first = checked(
        &sandbox,
        "registerDevice",
        "POST",
        &devices,
        Some(json!({"token": "tok-1", "platform": "ios", "device_name": "iPhone"})),
    );
    assert_eq!(first.status, 201);
    let again = checked(
        &sandbox,
        "registerDevice",
        "POST",
        &devices,
        Some(json!({"token": "tok-1", "platform": "ios", "app_version": "2.0"})),
    );
    assert_eq!(again.status, 201, "registering a known token succeeds");
    let (first, again) = (first.json(), again.json());
    assert_eq!(again["id"], first["id"], "the same device, refreshed");
    assert_eq!(
        (&again["device_name"], &again["app_version"]),
        (&json!("iPhone"), &json!("2.0"))
    );
    let listed = checked(
        &sandbox,
        "listWorkspaceDevices",
        "GET",
        &format!("{ws}/devices?person_id={uuid}&is_active=true"),
        None,
    );
    assert_eq!(listed.json()["devices"].as_array().unwrap().len(), 1);

    let sent = checked(
        &sandbox,
        "sendPush",
        "POST",
        "/push/send",
        Some(push.clone()),
    );
    assert_eq!(sent.status, 200);
    assert_eq!(
        (&sent.json()["delivered_to"], &sent.json()["devices_count"]),
        (&json!(["ios"]), &json!(1))
    );
    let mut android = push;
    android["platform"] = json!("android");
    let none_there = checked(&sandbox, "sendPush", "POST", "/push/send", Some(android));
    assert_eq!(none_there.status, 404, "no device on that platform");
    let transactional = checked(
        &sandbox,
        "sendWorkspaceTransactional",
        "POST",
        &format!("{ws}/transactional/send"),
        Some(json!({"user_id": "ada", "template": {"title": "Hi", "body": "There"}})),
    );
    assert_eq!(
        (transactional.status, &transactional.json()["success"]),
        (200, &json!(true))
    );
    let grace = checked(
        &sandbox,
        "sendWorkspaceTransactional",
        "POST",
        &format!("{ws}/transactional/send"),
        Some(json!({"user_id": "grace", "template_id": "welcome"})),
    );
    assert_eq!(
        (grace.status, detail_fields(&grace)),
        (404, vec!["user_id".to_owned()])
    );

    let campaign = checked(
        &sandbox,
        "createWorkspaceCampaign",
        "POST",
        &format!("{ws}/campaigns"),
        Some(json!({"name": "Hook", "trigger_type": "webhook"})),
    );
    assert_eq!(campaign.status, 201);
    let campaign_id = text(&campaign.json()["id"]);
    assert!(campaign_id.starts_with("camp_"));
    let triggered = checked(
        &sandbox,
        "triggerWorkspaceCampaign",
        "POST",
        &format!("{ws}/campaigns/{campaign_id}/trigger"),
        Some(json!({"order": 7})),
    );
    assert_eq!(
        (triggered.status, text(&triggered.json()["campaign_id"])),
        (200, campaign_id)
    );
    let on_event = checked(
        &sandbox,
        "createWorkspaceCampaign",
        "POST",
        &format!("{ws}/campaigns"),
        Some(
            json!({"name": "Welcome", "trigger_type": "event", "trigger_config": {"event_name": "signed_up"}}),
        ),
    );
    let fired = checked(
        &sandbox,
        "triggerWorkspaceCampaign",
        "POST",
        &format!("{ws}/campaigns/{}/trigger", text(&on_event.json()["id"])),
        None,
    );
    assert_eq!(fired.status, 200, "no page says another type is refused");
    let unknown = checked(
        &sandbox,
        "triggerWorkspaceCampaign",
        "POST",
        &format!("{ws}/campaigns/camp_nope/trigger"),
        None,
    );
    assert_eq!(
        (unknown.status, detail_fields(&unknown)),
        (404, vec!["campaignId".to_owned()])
    );

    let mut people: Vec<Value> = (0..98)
        .map(|n| json!({"userId": format!("batch-{n}")}))
        .collect();
    people.push(json!({"userId": "ada", "traits": {"seats": 2}}));
    people.push(json!({"userId": "grace"}));
    let batch = checked(
        &sandbox,
        "batchPeople",
        "POST",
        "/people/batch",
        Some(json!({ "people": people })),
    );
    let result = batch.json();
    assert_eq!(
        (
            batch.status,
            &result["created_count"],
            &result["updated_count"]
        ),
        (200, &json!(98), &json!(2))
    );
    assert_eq!(result["people"].as_array().unwrap().len(), 100);
    assert_eq!(total(&sandbox), 100);
    people.push(json!({"userId": "one-too-many"}));
    let too_many = checked(
        &sandbox,
        "batchPeople",
        "POST",
        "/people/batch",
        Some(json!({ "people": people })),
    );
    assert_eq!(
        (too_many.status, detail_fields(&too_many)),
        (400, vec!["people".to_owned()])
    );
    assert_eq!(
        too_many.json()["details"][0]["message"],
        "At most 100 items (this has 101)"
    );
    assert_eq!(total(&sandbox), 100, "nothing of a refused batch is kept");

    let upserted = checked(
        &sandbox,
        "upsertWorkspacePerson",
        "POST",
        &format!("{ws}/people/upsert"),
        Some(json!({"userId": "grace-h", "email": "grace@example.com"})),
    );
    assert_eq!(
        upserted.json()["external_id"],
        "grace-h",
        "found by email, given the userId"
    );
    assert_eq!(total(&sandbox), 100);

    let deleted = checked(&sandbox, "deletePerson", "DELETE", "/people/ada", None);
    assert_eq!(deleted.status, 204);
    let gone = checked(&sandbox, "getPerson", "GET", "/people/ada", None);
    assert_eq!(
        (gone.status, detail_fields(&gone)),
        (404, vec!["id".to_owned()])
    );
    assert_eq!(total(&sandbox), 99);
    assert_eq!(
        events(&format!("user_id={uuid}")).len(),
        2,
        "a deleted person's events stay"
    );
    let listed = checked(
        &sandbox,
        "listWorkspaceDevices",
        "GET",
        &format!("{ws}/devices"),
        None,
    );
    assert_eq!(
        listed.json()["devices"],
        json!([]),
        "their devices go with them"
    );
}

/// Calls every operation of the contract once, each so that it succeeds: what each needs is
/// prepared first without drift, then `drift` is turned on for the calls themselves.
fn every_operation_once(sandbox: &Sandbox, drift: Drift) -> Vec<(&'static str, Answer)> {
    let ws = "/workspaces/ws_sandbox";
    let created = call(
        sandbox,
        "POST",
        "/people",
        Some(&json!({"userId": "ada", "email": "ada@example.com"})),
    );
    let uuid = text(&created.json()["id"]);
    call(
        sandbox,
        "POST",
        &format!("/people/{uuid}/devices"),
        Some(&json!({"token": "t", "platform": "android"})),
    );
    let campaign = call(
        sandbox,
        "POST",
        &format!("{ws}/campaigns"),
        Some(&json!({"name": "Hook", "trigger_type": "webhook"})),
    );
    let campaign_id = text(&campaign.json()["id"]);
    call(
        sandbox,
        "POST",
        "/people",
        Some(&json!({"userId": "leaving"})),
    );
    sandbox.set_settings(SandboxSettings {
        drift,
        ..SandboxSettings::default()
    });
    let calls: Vec<(&str, &str, String, Option<Value>)> = vec![
        (
            "createPerson",
            "POST",
            "/people".into(),
            Some(json!({"userId": "new-1", "traits": {"plan": "pro"}})),
        ),
        ("listPeople", "GET", "/people?limit=5".into(), None),
        ("getPerson", "GET", "/people/ada".into(), None),
        (
            "updatePerson",
            "PUT",
            "/people/ada".into(),
            Some(json!({"traits": {"plan": "pro"}})),
        ),
        ("deletePerson", "DELETE", "/people/leaving".into(), None),
        (
            "batchPeople",
            "POST",
            "/people/batch".into(),
            Some(json!({"people": [{"userId": "b1"}]})),
        ),
        (
            "trackEvent",
            "POST",
            "/track".into(),
            Some(json!({"external_id": "ada", "event": "e"})),
        ),
        (
            "registerDevice",
            "POST",
            format!("/people/{uuid}/devices"),
            Some(json!({"token": "t2", "platform": "ios"})),
        ),
        (
            "sendPush",
            "POST",
            "/push/send".into(),
            Some(json!({"person_id": uuid, "title": "t", "body": "b"})),
        ),
        (
            "createWorkspacePerson",
            "POST",
            format!("{ws}/people"),
            Some(json!({"userId": "new-2"})),
        ),
        ("listWorkspacePeople", "GET", format!("{ws}/people"), None),
        (
            "getWorkspacePerson",
            "GET",
            format!("{ws}/people/{uuid}"),
            None,
        ),
        (
            "updateWorkspacePerson",
            "PUT",
            format!("{ws}/people/{uuid}"),
            Some(json!({"traits": {"seats": 3}})),
        ),
        (
            "searchWorkspacePeople",
            "GET",
            format!("{ws}/people/search?q=ada"),
            None,
        ),
        (
            "upsertWorkspacePerson",
            "POST",
            format!("{ws}/people/upsert"),
            Some(json!({"userId": "ada"})),
        ),
        (
            "batchWorkspacePeople",
            "POST",
            format!("{ws}/people/batch"),
            Some(json!({"people": [{"userId": "b2"}]})),
        ),
        (
            "createWorkspaceEvent",
            "POST",
            format!("{ws}/events"),
            Some(json!({"userId": "ada", "event": "e"})),
        ),
        (
            "listWorkspaceEvents",
            "GET",
            format!("{ws}/events?user_id=ada"),
            None,
        ),
        ("listWorkspaceDevices", "GET", format!("{ws}/devices"), None),
        (
            "sendWorkspaceTransactional",
            "POST",
            format!("{ws}/transactional/send"),
            Some(json!({"user_id": "ada"})),
        ),
        (
            "createWorkspaceCampaign",
            "POST",
            format!("{ws}/campaigns"),
            Some(json!({"name": "n", "trigger_type": "event"})),
        ),
        (
            "triggerWorkspaceCampaign",
            "POST",
            format!("{ws}/campaigns/{campaign_id}/trigger"),
            None,
        ),
    ];
    let mut ids: Vec<&str> = calls.iter().map(|(id, ..)| *id).collect();
    let mut every: Vec<&str> = contract::embedded()
        .unwrap()
        .operations()
        .iter()
        .map(|operation| operation.id.as_str())
        .collect();
    ids.sort_unstable();
    every.sort_unstable();
    assert_eq!(ids, every, "every operation of the contract, once");
    calls
        .into_iter()
        .map(|(id, method, path, body)| {
            let answer = call(sandbox, method, &path, body.as_ref());
            assert!(
                (200..300).contains(&answer.status),
                "{id}: {} {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            );
            (operation(id).id.as_str(), answer)
        })
        .collect()
}

/// The properties `schema` lists, in its order.
fn properties(schema: &Value) -> Vec<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn every_operation_answers_as_documented_with_every_documented_field() {
    let sandbox = default_sandbox();
    for (id, answer) in every_operation_once(&sandbox, Drift::default()) {
        assert_documented(id, &answer);
        if let Some(schema) = documented_schema(operation(id), answer.status) {
            let body = answer.json();
            for property in properties(schema) {
                assert!(body.get(&property).is_some(), "{id} leaves out {property}");
            }
            assert!(body.get(EXTRA_FIELD).is_none(), "{id}");
        }
    }
}

/// `snake_case` → `camelCase`, a name without `_` capitalised: the README's renaming.
fn renamed(name: &str) -> String {
    let capital = |word: &str| {
        let mut characters = word.chars();
        characters
            .next()
            .map(|first| first.to_uppercase().chain(characters).collect::<String>())
            .unwrap_or_default()
    };
    match name.split_once('_') {
        Some((first, rest)) => first.to_owned() + &rest.split('_').map(capital).collect::<String>(),
        None => capital(name),
    }
}

#[test]
fn each_drift_kind_changes_exactly_what_the_readme_says() {
    for kind in Drift::KINDS {
        let sandbox = default_sandbox();
        for (id, answer) in every_operation_once(&sandbox, Drift::of(&[kind])) {
            let operation = operation(id);
            let at = format!("{kind:?} {id}");
            if kind == DriftKind::UndocumentedStatus {
                assert_eq!(answer.status, 202, "{at}");
                assert!(!operation.responses.contains_key("202"), "{at}");
                continue;
            }
            assert!(
                operation.responses.contains_key(&answer.status.to_string()),
                "{at}"
            );
            let Some(schema) = documented_schema(operation, answer.status) else {
                assert!(answer.body.is_empty(), "{at}: no body to drift");
                continue;
            };
            let body = answer.json();
            let listed = properties(schema);
            let required: Vec<String> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|names| names.iter().map(text).collect())
                .unwrap_or_default();
            let errors = schema_errors(schema, &body);
            // The one property the kind touches: the first required, or the first listed.
            let target = match kind {
                DriftKind::MissingField => required.first(),
                DriftKind::WrongType | DriftKind::RenamedField => listed.first(),
                _ => None,
            };
            for property in listed.iter().filter(|property| Some(*property) != target) {
                assert!(body.get(property).is_some(), "{at}: {property} untouched");
            }
            assert_eq!(
                body.get(EXTRA_FIELD).is_some(),
                kind == DriftKind::ExtraField,
                "{at}"
            );
            let Some(target) = target else {
                assert_eq!(errors, [], "{at}: nothing documented to drift");
                continue;
            };
            let pointer = format!("/{target}");
            match kind {
                DriftKind::MissingField => {
                    assert!(body.get(target).is_none(), "{at}");
                    assert_eq!(errors.len(), 1, "{at}: {errors:?}");
                    assert!(errors[0].1.contains(target.as_str()), "{at}: {errors:?}");
                }
                DriftKind::WrongType => {
                    let takes_boolean = schema["properties"][target]["type"] == "boolean";
                    let wrong = if takes_boolean {
                        json!("drifted")
                    } else {
                        json!(true)
                    };
                    assert_eq!(body[target], wrong, "{at}");
                    assert_eq!(errors.len(), 1, "{at}: {errors:?}");
                    assert_eq!(errors[0].0, pointer, "{at}");
                }
                DriftKind::RenamedField => {
                    assert!(body.get(target).is_none(), "{at}");
                    assert!(
                        body.get(renamed(target)).is_some(),
                        "{at}: {}",
                        renamed(target)
                    );
                }
                _ => {}
            }
        }
    }
}

#[test]
fn drift_leaves_error_answers_as_documented() {
    let sandbox = start(SandboxSettings {
        drift: Drift::of(&Drift::KINDS),
        ..SandboxSettings::default()
    });
    let missing = checked(&sandbox, "getPerson", "GET", "/people/nobody", None);
    assert_eq!(missing.status, 404);
    let invalid = checked(&sandbox, "createPerson", "POST", "/people", Some(json!({})));
    assert_eq!(detail_fields(&invalid), ["userId"]);
}

#[test]
fn the_contract_is_served_with_the_sandbox_as_its_server_to_anyone() {
    let sandbox = start(SandboxSettings {
        required_token: Some("ws_test_only.this".into()),
        rate_limit: Some(1),
        ..SandboxSettings::default()
    });
    let mut expected: Value = serde_json::from_str(contract::DOCUMENT).unwrap();
    expected["servers"] = json!([{ "url": sandbox.base_url() }]);
    // No token, and more reads than the rate limit allows: the document is not an API call.
    for _ in 0..3 {
        let answer = exchange(
            sandbox.addr(),
            &request("GET", "/api/v1/openapi.json", &[], b""),
        );
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(answer.json(), expected);
    }
    assert_eq!(
        get(&sandbox, "/api/v1/people").status,
        401,
        "the API itself still needs the token"
    );
}

#[test]
fn head_answers_like_get_without_a_body() {
    let sandbox = default_sandbox();
    let answer = exchange(
        sandbox.addr(),
        &request("HEAD", "/api/v1/people", &[AUTH], b""),
    );
    assert_eq!(answer.status, 200);
    assert!(answer.body.is_empty());
}

/// The app's own answer check (the one the window and `send --output json` run) on a sandbox
/// answer: each finding's path and kind.
fn check_findings(id: &str, answer: &Answer) -> Vec<(String, &'static str)> {
    operation(id)
        .check_answer(answer.status, Some("application/json"), &answer.body)
        .findings
        .into_iter()
        .map(|finding| (finding.path, finding.kind.as_str()))
        .collect()
}

#[test]
fn the_answer_check_passes_every_answer_and_names_exactly_each_drift() {
    let sandbox = default_sandbox();
    for (id, answer) in every_operation_once(&sandbox, Drift::default()) {
        assert_eq!(check_findings(id, &answer), [], "{id} matches the docs");
    }
    for kind in Drift::KINDS {
        let sandbox = default_sandbox();
        for (id, answer) in every_operation_once(&sandbox, Drift::of(&[kind])) {
            let at = format!("{kind:?} {id}");
            let found = check_findings(id, &answer);
            if kind == DriftKind::UndocumentedStatus {
                assert_eq!(found, [(String::new(), "undocumented_status")], "{at}");
                continue;
            }
            let Some(schema) = documented_schema(operation(id), answer.status) else {
                assert_eq!(found, [], "{at}: no body to drift");
                continue;
            };
            let listed = properties(schema);
            let required: Vec<String> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|names| names.iter().map(text).collect())
                .unwrap_or_default();
            let expected: Vec<(String, &str)> = match kind {
                // A schema that lists its fields is closed: an extra one is undocumented.
                DriftKind::ExtraField if !listed.is_empty() => {
                    vec![(format!("/{EXTRA_FIELD}"), "undocumented_field")]
                }
                DriftKind::MissingField => required
                    .first()
                    .map(|name| vec![(format!("/{name}"), "missing_field")])
                    .unwrap_or_default(),
                DriftKind::WrongType => listed
                    .first()
                    .map(|name| vec![(format!("/{name}"), "wrong_type")])
                    .unwrap_or_default(),
                DriftKind::RenamedField => listed
                    .first()
                    .map(|name| {
                        let mut expected =
                            vec![(format!("/{}", renamed(name)), "undocumented_field")];
                        if required.contains(name) {
                            expected.push((format!("/{name}"), "missing_field"));
                        }
                        expected
                    })
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            let mut found = found;
            let mut expected: Vec<(String, &str)> = expected;
            found.sort();
            expected.sort();
            assert_eq!(found, expected, "{at}");
        }
    }
}

/// The document refuses other methods like any path of the API: a 405 in the dialect, with
/// `Allow: GET` and a request id, not an empty answer.
#[test]
fn a_wrong_method_on_the_document_is_answered_in_the_dialect() {
    for (dialect, message) in [
        (ErrorDialect::Docs, "/message"),
        (ErrorDialect::Standard, "/error/message"),
    ] {
        let sandbox = start(SandboxSettings {
            errors: dialect,
            ..SandboxSettings::default()
        });
        for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
            let answer = exchange(
                sandbox.addr(),
                &request(method, "/api/v1/openapi.json", &[], b""),
            );
            assert_eq!(answer.status, 405, "{dialect:?} {method}");
            assert_eq!(answer.header("allow"), Some("GET"));
            assert!(
                answer
                    .header("x-request-id")
                    .is_some_and(|id| id.starts_with("req_")),
                "{method}"
            );
            let text = answer.json().pointer(message).cloned();
            assert!(
                text.is_some_and(|text| text.as_str().is_some_and(|text| text.contains(method))),
                "{dialect:?}: {}",
                answer.json()
            );
        }
    }
}
