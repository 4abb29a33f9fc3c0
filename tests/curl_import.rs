//! cURL import: real-world commands (the docs' own, browsers' "Copy as cURL" for bash and for
//! Windows cmd, hand-written ones in every quoting style) become the operation and the request they
//! send; bad ones are refused with the message that names what cannot be honoured; every cURL
//! snippet the app renders imports back to the same request (property test), and so does any body
//! written the way Chrome and Firefox escape it. Pure: nothing is sent.

// Test code throughout, helpers and `mod support` included: a panic is the failure message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod drafts;
mod support;

use drafts::arbitrary::{self, BASE_URLS, Destination};
use flameup_explorer::model::curl_import::{
    CurlImport, FILES_NOT_READ, Shell, import_curl, import_curl_reading,
};
use flameup_explorer::model::{Credential, Draft, Environment, HttpRequest, build_request};
use flameup_explorer::snippet::{Target, render};
use proptest::prelude::*;
use serde_json::{Value, json};
use support::contract;

const SANDBOX: &str = "http://127.0.0.1:8080/api/v1";
const BROWSER_TOKEN: &str = "ws_test_abc12345_abc123.0123456789abcdef";

/// What a command must import as.
struct Expected {
    operation: &'static str,
    /// `None`: the production API.
    base_url: Option<&'static str>,
    path: &'static [(&'static str, &'static str)],
    query: &'static [(&'static str, &'static str)],
    body: Option<Value>,
    token: Option<&'static str>,
    ignored: &'static [&'static str],
    notes: &'static [&'static str],
    shell: Shell,
}

impl Expected {
    fn draft(&self) -> Draft {
        let mut draft = drafts::operation_draft(
            self.base_url.unwrap_or("http://unused"),
            self.operation,
            self.path,
            self.query,
        );
        if self.base_url.is_none() {
            draft.environment = Environment::Production;
            draft.custom_base_url.clear();
        }
        match &self.body {
            Some(body) => drafts::with_body(draft, body),
            None => draft,
        }
    }
}

/// A command of the table: where it comes from, its text, and what it must import as.
struct Case {
    name: &'static str,
    command: &'static str,
    expected: Expected,
}

/// The same method, URL, headers and credential, and a JSON-equal body.
fn assert_same_request(imported: &HttpRequest, expected: &HttpRequest, name: &str) {
    assert_eq!(imported.method, expected.method, "{name}");
    assert_eq!(imported.url, expected.url, "{name}");
    assert_eq!(imported.headers, expected.headers, "{name}");
    assert_eq!(imported.credential, expected.credential, "{name}");
    let json = |body: &[u8]| -> Option<Value> {
        (!body.is_empty()).then(|| serde_json::from_slice(body).unwrap())
    };
    assert_eq!(json(&imported.body), json(&expected.body), "{name}");
}

fn check(case: &Case) {
    let import =
        import_curl(case.command, contract()).unwrap_or_else(|err| panic!("{}: {err}", case.name));
    let expected = &case.expected;
    assert_eq!(import.draft.operation, expected.operation, "{}", case.name);
    assert_eq!(
        import.base_url,
        expected.base_url.unwrap_or(contract().server_url()),
        "{}",
        case.name
    );
    assert_eq!(import.token.as_deref(), expected.token, "{}", case.name);
    assert_eq!(import.ignored_flags, expected.ignored, "{}", case.name);
    assert_eq!(import.notes, expected.notes, "{}", case.name);
    assert_eq!(import.shell, expected.shell, "{}", case.name);
    assert_eq!(
        import.draft.values.path.len(),
        expected.path.len(),
        "{}",
        case.name
    );
    let build = |draft: &Draft| build_request(draft, None, &Credential::EnvVar).unwrap();
    assert_same_request(&build(&import.draft), &build(&expected.draft()), case.name);
}

const PLACEHOLDER_NOTE: &str =
    "The command holds the docs' placeholder YOUR_API_TOKEN instead of a token.";
const ENV_TOKEN_NOTE: &str = "The command reads the token from $FLAMEUP_API_TOKEN when it runs, so it holds no token to import.";

fn docs_cases() -> Vec<Case> {
    vec![
        Case {
            name: "the docs' create person",
            command: support::DOCS_CREATE_PERSON_CURL,
            expected: Expected {
                operation: "createPerson",
                base_url: None,
                path: &[],
                query: &[],
                body: Draft::docs_example().body_json(),
                token: None,
                ignored: &[],
                notes: &[PLACEHOLDER_NOTE],
                shell: Shell::Posix,
            },
        },
        Case {
            // The docs' GET pages send Content-Type with no body, and a sample query.
            name: "list people in the docs' style",
            command: r#"curl -X GET "https://api.flameup.ai/api/v1/people?limit=10&offset=0&status=active&search=example_string" \
-H "Content-Type: application/json" \
-H "Authorization: Bearer YOUR_API_TOKEN""#,
            expected: Expected {
                operation: "listPeople",
                base_url: None,
                path: &[],
                query: &[
                    ("limit", "10"),
                    ("offset", "0"),
                    ("status", "active"),
                    ("search", "example_string"),
                ],
                body: None,
                token: None,
                ignored: &[],
                notes: &[PLACEHOLDER_NOTE],
                shell: Shell::Posix,
            },
        },
        Case {
            // The search page's sample passes `limit`, which the contract takes (inferred).
            name: "workspace search in the docs' style",
            command: r#"curl -X GET "https://api.flameup.ai/api/v1/workspaces/ws_abc123/people/search?q=example_string&limit=10" \
-H "Content-Type: application/json" \
-H "Authorization: Bearer YOUR_API_TOKEN""#,
            expected: Expected {
                operation: "searchWorkspacePeople",
                base_url: None,
                path: &[("workspaceId", "ws_abc123")],
                query: &[("q", "example_string"), ("limit", "10")],
                body: None,
                token: None,
                ignored: &[],
                notes: &[PLACEHOLDER_NOTE],
                shell: Shell::Posix,
            },
        },
    ]
}

fn browser_cases() -> Vec<Case> {
    vec![
        Case {
            name: "Chrome, Copy as cURL (bash), a create with $'…' for ' and !",
            command: r#"curl 'http://127.0.0.1:8080/api/v1/people' \
  -H 'Accept: application/json' \
  -H 'Accept-Language: en-GB,en-US;q=0.9,en;q=0.8' \
  -H 'Authorization: Bearer ws_test_abc12345_abc123.0123456789abcdef' \
  -H 'Connection: keep-alive' \
  -H 'Content-Type: application/json' \
  -H 'Origin: http://localhost:5173' \
  -H 'Referer: http://localhost:5173/' \
  -H 'Sec-Fetch-Mode: cors' \
  -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' \
  -H 'sec-ch-ua: "Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"' \
  -H 'sec-ch-ua-platform: "Linux"' \
  --data-raw $'{"userId":"u_42","email":"sean@example.com","traits":{"last_name":"O\'Brien","greeting":"hi\u0021"}}'"#,
            expected: Expected {
                operation: "createPerson",
                base_url: Some(SANDBOX),
                path: &[],
                query: &[],
                body: Some(json!({
                    "userId": "u_42",
                    "email": "sean@example.com",
                    "traits": {"last_name": "O'Brien", "greeting": "hi!"}
                })),
                token: Some(BROWSER_TOKEN),
                ignored: &[],
                notes: &[
                    "Left out headers the app does not send: accept-language, origin, referer, sec-fetch-mode, user-agent, sec-ch-ua, sec-ch-ua-platform.",
                ],
                shell: Shell::Posix,
            },
        },
        Case {
            name: "Chrome, Copy as cURL (bash), a GET with a query, --compressed",
            command: r#"curl 'http://127.0.0.1:8080/api/v1/workspaces/ws_abc123/people?limit=5&status=active&search=ada%40example.com' \
  -H 'accept: */*' \
  -H 'authorization: Bearer ws_test_abc12345_abc123.0123456789abcdef' \
  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' \
  --compressed"#,
            expected: Expected {
                operation: "listWorkspacePeople",
                base_url: Some(SANDBOX),
                path: &[("workspaceId", "ws_abc123")],
                query: &[
                    ("limit", "5"),
                    ("status", "active"),
                    ("search", "ada@example.com"),
                ],
                body: None,
                token: Some(BROWSER_TOKEN),
                ignored: &["--compressed"],
                notes: &["Left out headers the app does not send: user-agent."],
                shell: Shell::Posix,
            },
        },
        Case {
            // Chrome escapes [ ] { } in every URL for curl's globbing, the IPv6 host's too.
            name: "Chrome, Copy as cURL (bash), an IPv6 host and brackets in the query",
            command: r#"curl 'http://\[::1\]:8080/api/v1/people?search=%5Bvip%5D\{x\}' -H 'accept: */*'"#,
            expected: Expected {
                operation: "listPeople",
                base_url: Some("http://[::1]:8080/api/v1"),
                path: &[],
                query: &[("search", "[vip]{x}")],
                body: None,
                token: None,
                ignored: &[],
                notes: &[],
                shell: Shell::Posix,
            },
        },
        Case {
            name: "Chrome, Copy as cURL (cmd), a create with ^ escapes",
            command: r#"curl ^"http://127.0.0.1:8080/api/v1/people^" ^
  -H ^"accept: application/json^" ^
  -H ^"authorization: Bearer ws_test_abc12345_abc123.0123456789abcdef^" ^
  -H ^"content-type: application/json^" ^
  -H ^"user-agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36^" ^
  --data-raw ^"^{^\^"userId^\^":^\^"u_42^\^",^\^"traits^\^":^{^\^"plan^\^":^\^"pro ^& more^\^",^\^"discount^\^":^\^"50^%^\^",^\^"quote^\^":^\^"say ^\^\^\^"hi^\^\^\^"^\^"^}^}^""#,
            expected: Expected {
                operation: "createPerson",
                base_url: Some(SANDBOX),
                path: &[],
                query: &[],
                body: Some(json!({
                    "userId": "u_42",
                    "traits": {"plan": "pro & more", "discount": "50%", "quote": "say \"hi\""}
                })),
                token: Some(BROWSER_TOKEN),
                ignored: &[],
                notes: &["Left out headers the app does not send: user-agent."],
                shell: Shell::WindowsCmd,
            },
        },
        Case {
            name: "Chrome, Copy as cURL (cmd), a GET with a query and %^ before a digit",
            command: r#"curl ^"http://127.0.0.1:8080/api/v1/people?limit=5^&search=ada^%^40example.com^" ^
  -H ^"accept: */*^" ^
  -H ^"authorization: Bearer ws_test_abc12345_abc123.0123456789abcdef^""#,
            expected: Expected {
                operation: "listPeople",
                base_url: Some(SANDBOX),
                path: &[],
                query: &[("limit", "5"), ("search", "ada@example.com")],
                body: None,
                token: Some(BROWSER_TOKEN),
                ignored: &[],
                notes: &[],
                shell: Shell::WindowsCmd,
            },
        },
        Case {
            // Firefox writes é as \xe9 (a Latin-1 byte) and ! as \041.
            name: "Firefox, Copy as cURL (POSIX), a tracked event",
            command: r#"curl 'http://127.0.0.1:8080/api/v1/track' \
  -X POST \
  -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' \
  -H 'Accept: application/json' \
  -H 'Accept-Language: en-US,en;q=0.5' \
  -H 'Accept-Encoding: gzip, deflate, br, zstd' \
  -H 'Content-Type: application/json' \
  -H 'Authorization: Bearer ws_test_abc12345_abc123.0123456789abcdef' \
  -H 'Origin: http://localhost:5173' \
  -H 'Connection: keep-alive' \
  -H 'Priority: u=0' \
  --data-raw $'{"external_id":"u_42","event":"viewed_caf\xe9","parameters":{"note":"great\041"}}'"#,
            expected: Expected {
                operation: "trackEvent",
                base_url: Some(SANDBOX),
                path: &[],
                query: &[],
                body: Some(json!({
                    "external_id": "u_42",
                    "event": "viewed_café",
                    "parameters": {"note": "great!"}
                })),
                token: Some(BROWSER_TOKEN),
                ignored: &[],
                notes: &[
                    "A $'…' string holds bytes that are not UTF-8 (such as \\xe9): they are read as the Latin-1 characters they stand for (é).",
                    "Left out headers the app does not send: user-agent, accept-language, origin, priority.",
                ],
                shell: Shell::Posix,
            },
        },
        Case {
            name: "Firefox, Copy as cURL (Windows), an update with curl.exe",
            command: r#"curl.exe ^"http://127.0.0.1:8080/api/v1/people/ada^%^40example.com^" ^
  -X PUT ^
  -H ^"Content-Type: application/json^" ^
  -H ^"Authorization: Bearer ws_test_abc12345_abc123.0123456789abcdef^" ^
  --data-raw ^"^{^\^"traits^\^":^{^\^"plan^\^":^\^"pro^\^"^}^}^""#,
            expected: Expected {
                operation: "updatePerson",
                base_url: Some(SANDBOX),
                path: &[("id", "ada@example.com")],
                query: &[],
                body: Some(json!({"traits": {"plan": "pro"}})),
                token: Some(BROWSER_TOKEN),
                ignored: &[],
                notes: &[],
                shell: Shell::WindowsCmd,
            },
        },
    ]
}

fn hand_written_cases() -> Vec<Case> {
    vec![
        Case {
            name: "double quotes with escapes, the token from the environment",
            command: r#"curl -X PUT "https://api.flameup.ai/api/v1/people/ada%40example.com" \
  -H "Authorization: Bearer $FLAMEUP_API_TOKEN" \
  -H "Content-Type: application/json" \
  -d "{\"traits\": {\"plan\": \"pro\", \"price\": \"\$5\"}}""#,
            expected: Expected {
                operation: "updatePerson",
                base_url: None,
                path: &[("id", "ada@example.com")],
                query: &[],
                body: Some(json!({"traits": {"plan": "pro", "price": "$5"}})),
                token: None,
                ignored: &[],
                notes: &[ENV_TOKEN_NOTE],
                shell: Shell::Posix,
            },
        },
        Case {
            name: "zsh's $'…' with line breaks, --json and -sSL",
            command: r#"curl -sSL --json $'{\n  "external_id": "u_1",\n  "event": "signed_up",\n  "parameters": {"plan": "it\'s pro"}\n}' \
  -H 'Authorization: Bearer ws_test_x' https://api.flameup.ai/api/v1/track"#,
            expected: Expected {
                operation: "trackEvent",
                base_url: None,
                path: &[],
                query: &[],
                body: Some(json!({
                    "external_id": "u_1",
                    "event": "signed_up",
                    "parameters": {"plan": "it's pro"}
                })),
                token: Some("ws_test_x"),
                ignored: &["-s", "-S", "-L"],
                notes: &[],
                shell: Shell::Posix,
            },
        },
        Case {
            name: "options glued to their values: -XDELETE and -H\"…\"",
            command: r#"curl -sXDELETE -H"Authorization: Bearer ws_test_x" https://api.flameup.ai/api/v1/people/u_1"#,
            expected: Expected {
                operation: "deletePerson",
                base_url: None,
                path: &[("id", "u_1")],
                query: &[],
                body: None,
                token: Some("ws_test_x"),
                ignored: &["-s"],
                notes: &[],
                shell: Shell::Posix,
            },
        },
        Case {
            name: "-G with --url, --data-urlencode and -d as the query",
            command: r#"curl -G --url 'https://api.flameup.ai/api/v1/workspaces/ws_abc123/events' \
  --data-urlencode 'since=2024-01-01T00:00:00+00:00' \
  --data-urlencode 'event=signed up' \
  -d limit=10 -H 'Authorization: Bearer ws_test_x'"#,
            expected: Expected {
                operation: "listWorkspaceEvents",
                base_url: None,
                path: &[("workspaceId", "ws_abc123")],
                query: &[
                    ("since", "2024-01-01T00:00:00+00:00"),
                    ("event", "signed up"),
                    ("limit", "10"),
                ],
                body: None,
                token: Some("ws_test_x"),
                ignored: &[],
                notes: &[],
                shell: Shell::Posix,
            },
        },
        Case {
            name: "cmd with plain quotes, \\\" inside them and ^ at the ends of lines",
            command: r#"curl -X POST "https://api.flameup.ai/api/v1/push/send" ^
  -H "Authorization: Bearer ws_test_x" ^
  -H "Content-Type: application/json" ^
  -d "{\"person_id\": \"123e4567-e89b-12d3-a456-426614174000\", \"title\": \"Hi\", \"body\": \"Hello\"}""#,
            expected: Expected {
                operation: "sendPush",
                base_url: None,
                path: &[],
                query: &[],
                body: Some(json!({
                    "person_id": "123e4567-e89b-12d3-a456-426614174000",
                    "title": "Hi",
                    "body": "Hello"
                })),
                token: Some("ws_test_x"),
                ignored: &[],
                notes: &[],
                shell: Shell::WindowsCmd,
            },
        },
        Case {
            name: "long options only, as API tools export them (--location, --request, --header, --data-raw)",
            command: r#"curl --location --request POST 'https://api.flameup.ai/api/v1/workspaces/ws_abc123/people/upsert' \
--header 'Content-Type: application/json' \
--header 'Authorization: Bearer ws_test_x' \
--data-raw '{
    "userId": "u_1",
    "email": "ada@example.com"
}'"#,
            expected: Expected {
                operation: "upsertWorkspacePerson",
                base_url: None,
                path: &[("workspaceId", "ws_abc123")],
                query: &[],
                body: Some(json!({"userId": "u_1", "email": "ada@example.com"})),
                token: Some("ws_test_x"),
                ignored: &["--location"],
                notes: &[],
                shell: Shell::Posix,
            },
        },
        Case {
            name: "a prompt before curl and a pipe after it",
            command: "$ curl -s https://api.flameup.ai/api/v1/people/u_1 -H 'Authorization: Bearer ws_test_x' | jq .",
            expected: Expected {
                operation: "getPerson",
                base_url: None,
                path: &[("id", "u_1")],
                query: &[],
                body: None,
                token: Some("ws_test_x"),
                ignored: &["-s"],
                notes: &["Left out | jq .: the shell ends the curl command at the unquoted |."],
                shell: Shell::Posix,
            },
        },
        Case {
            name: "a command pasted with CRLF line ends, a backslash-newline inside a word",
            command: "curl https://api.flameup.ai/api/v1/workspaces/ws_abc123/people/search\\\r\n?email=ada%2Bnews%40example.com \\\r\n  -H 'Authorization: Bearer ws_test_x'\r\n",
            expected: Expected {
                operation: "searchWorkspacePeople",
                base_url: None,
                path: &[("workspaceId", "ws_abc123")],
                query: &[("email", "ada+news@example.com")],
                body: None,
                token: Some("ws_test_x"),
                ignored: &[],
                notes: &[],
                shell: Shell::Posix,
            },
        },
    ]
}

#[test]
fn the_docs_commands_import_as_their_operations() {
    docs_cases().iter().for_each(check);
}

#[test]
fn browsers_copies_for_bash_and_cmd_import_as_their_operations() {
    browser_cases().iter().for_each(check);
}

#[test]
fn hand_written_commands_in_every_quoting_style_import_as_their_operations() {
    hand_written_cases().iter().for_each(check);
}

#[test]
fn the_docs_create_person_is_the_docs_example_draft() {
    let import = import_curl(support::DOCS_CREATE_PERSON_CURL, contract()).unwrap();
    assert_eq!(import.draft, Draft::docs_example());
}

/// Commands that cannot be imported, and the message each one gets.
const REFUSED: &[(&str, &str)] = &[
    (
        "curl -u ada:secret https://api.flameup.ai/api/v1/people/ada",
        "the command's -u sends a user name and password; the API takes its key as a Bearer token: send -H \"Authorization: Bearer YOUR_API_TOKEN\" instead",
    ),
    (
        "curl -F 'file=@people.csv' https://api.flameup.ai/api/v1/people/batch",
        "the command's -F uploads a form (multipart/form-data); the API takes a JSON body: send it with -d or --json",
    ),
    (
        "curl --resolve api.flameup.ai:443:127.0.0.1 https://api.flameup.ai/api/v1/people",
        "the import does not know curl's option --resolve: it reads -X, -H, -d, --data-raw, --data-binary, --data-urlencode, --json, --url and -G, and skips options that change nothing in the request such as -s, -S, -k, -L, -v and --compressed",
    ),
    (
        "curl https://api.flameup.ai/api/v1/people/a https://api.flameup.ai/api/v1/people/b",
        "the command has a second URL, https://api.flameup.ai/api/v1/people/b: the import takes one request",
    ),
    (
        "curl -X POST https://api.flameup.ai/api/v1/people \\\n  -d '{\"userId\": \"u\"}",
        "the ' quote opened on line 2 is never closed: the command seems cut short",
    ),
    (
        "curl -X DELETE https://api.flameup.ai/api/v1/people",
        "the API has no DELETE /people: that path takes POST (createPerson) or GET (listPeople)",
    ),
    (
        "curl https://api.flameup.ai/api/v1/people/batch",
        "the API has no GET /people/batch: that path takes POST (batchPeople)",
    ),
    (
        "curl https://api.flameup.ai/api/v1/segments",
        "the API has no path /segments: its paths start with /people, /track, /push or /workspaces",
    ),
    (
        "curl http://localhost:8080/v2/segments",
        "the URL's path /v2/segments does not end with a path of the API: its paths start with /people, /track, /push or /workspaces",
    ),
    (
        "curl https://api.flameup.ai/api/v1/people/",
        "the URL's path /api/v1/people/ ends with /, which no path of the API does: leave out the last /",
    ),
    (
        "curl -X GET https://api.flameup.ai/api/v1/people/ada -d '{}'",
        "getPerson (GET /people/{id}) takes no body, but the command sends one with -d: leave it out, or add -G to send it as the query",
    ),
    (
        "curl 'https://api.flameup.ai/api/v1/people?page=2'",
        "listPeople has no query parameter page: it takes limit, offset, status or search",
    ),
    (
        "curl 'https://api.flameup.ai/api/v1/people/ada?fields=email'",
        "getPerson (GET /people/{id}) takes no query parameters, but the URL gives fields",
    ),
    (
        "curl 'https://api.flameup.ai/api/v1/people?limit=1&limit=2'",
        "the URL gives the query parameter limit twice: listPeople takes one value",
    ),
    (
        "curl https://api.flameup.ai/api/v1/people -d userId=ada",
        "the body of -d is not JSON (expected value at line 1 column 1): createPerson takes a JSON body",
    ),
    (
        "curl https://api.flameup.ai/api/v1/people -d ''",
        "the body of -d is empty: createPerson takes a JSON body",
    ),
    (
        "curl -H 'Authorization: Basic YWRhOnNlY3JldA==' https://api.flameup.ai/api/v1/people/ada",
        "the Authorization header uses the Basic scheme; the API takes its key as a Bearer token: Authorization: Bearer YOUR_API_TOKEN",
    ),
    (
        "curl -H 'Authorization: Bearer a' -H 'Authorization: Bearer b' https://api.flameup.ai/api/v1/people/ada",
        "the command gives the Authorization header twice: give one token",
    ),
    (
        "curl https://api.flameup.ai/api/v1/people/a; curl https://api.flameup.ai/api/v1/people/b",
        "the text holds more than one curl command: import one at a time",
    ),
    (
        "curl \"$(cat url.txt)\"",
        "the command runs another command ($(…) or `…`), whose output the import cannot know: write its value instead",
    ),
    (
        "curl 'https://api.flameup.ai/api/v1/people/{ada,bob}'",
        "the URL https://api.flameup.ai/api/v1/people/{ada,bob} holds {, and curl reads [ ] and { } in a URL as a pattern of several requests: write \\{ for the character itself, or add -g",
    ),
    (
        "curl.exe 'https://api.flameup.ai/api/v1/people/ada' `\n  -H 'Authorization: Bearer ws_test_x'",
        "the command is written for PowerShell (` at the end of a line), which the import does not read: copy it as cURL for bash or for cmd",
    ),
    (
        "curl -X POST \"$BASE_URL/people\"",
        "the URL uses $BASE_URL, whose value is not in the command: write the URL itself",
    ),
    (
        "http POST https://api.flameup.ai/api/v1/people",
        "the command runs http, not curl: paste a curl command",
    ),
    (
        "curl ftp://api.flameup.ai/api/v1/people",
        "the URL ftp://api.flameup.ai/api/v1/people is not http or https, which is all the API answers",
    ),
    (
        "curl -X POST https://api.flameup.ai/api/v1/people -d @person.json",
        "cannot read -d @person.json: files named in a pasted command are not read; put the body itself in the command",
    ),
    (
        "curl -s -X POST",
        "the command has no URL: curl needs one to send a request",
    ),
    ("   \n  ", "there is no command: paste a curl command"),
];

#[test]
fn what_cannot_be_honoured_is_refused_by_name() {
    for (command, message) in REFUSED {
        match import_curl(command, contract()) {
            Ok(import) => panic!("{command}: imported as {import:?}"),
            Err(err) => assert_eq!(err.to_string(), *message, "{command}"),
        }
    }
    assert!(
        REFUSED
            .iter()
            .any(|(_, message)| message.ends_with(FILES_NOT_READ))
    );
}

#[test]
fn a_body_file_is_read_through_the_reader() {
    let command = "curl https://api.flameup.ai/api/v1/people --json @person.json -d x";
    let mut reader = |_: &str| -> Result<Vec<u8>, String> { Ok(b"{}".to_vec()) };
    assert_eq!(
        import_curl_reading(command, contract(), &mut reader)
            .unwrap_err()
            .to_string(),
        "the command gives the body with both --json and -d: give it once"
    );
    let command = "curl https://api.flameup.ai/api/v1/people --data-binary @-";
    let import = import_curl_reading(command, contract(), &mut |path| {
        assert_eq!(path, "-");
        Ok("{\"userId\": \"from stdin\"}\n".as_bytes().to_vec())
    })
    .unwrap();
    assert_eq!(
        import.draft.body_json(),
        Some(json!({"userId": "from stdin"}))
    );
    let refused = import_curl_reading(
        "curl https://api.flameup.ai/api/v1/people -d @missing.json",
        contract(),
        &mut |_| Err("missing.json does not exist".to_owned()),
    )
    .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "cannot read -d @missing.json: missing.json does not exist"
    );
}

// ---------------------------------------------------------------------------------------------
// Round trip: every cURL snippet the app renders imports back to the request it was made from.

/// Where the random drafts go: production, or a custom base URL of every shape.
const DESTINATIONS: [Destination; 5] = [
    Destination::Production,
    Destination::Custom(BASE_URLS[0]),
    Destination::Custom(BASE_URLS[1]),
    Destination::Custom(BASE_URLS[2]),
    Destination::Custom(BASE_URLS[3]),
];

/// Imports the cURL snippet of `draft` shown with `credential`, and checks that it builds the
/// same request, with the token back when the snippet inlines it.
fn round_trip(draft: &Draft, credential: &Credential, name: &str) -> CurlImport {
    let request = build_request(draft, None, credential).unwrap();
    let snippet = render(Target::Curl, &request);
    let import =
        import_curl(&snippet, contract()).unwrap_or_else(|err| panic!("{name}: {err}\n{snippet}"));
    let expected_environment = match draft.environment {
        Environment::Production => Environment::Production,
        _ => Environment::Custom,
    };
    assert_eq!(import.draft.environment, expected_environment, "{name}");
    assert!(import.ignored_flags.is_empty(), "{name}");
    let credential_back = match credential {
        Credential::Token(token) => {
            assert_eq!(import.token.as_deref(), Some(token.as_str()), "{name}");
            Credential::Token(import.token.clone().unwrap())
        }
        other => {
            assert_eq!(import.token, None, "{name}");
            other.clone()
        }
    };
    let rebuilt = build_request(&import.draft, None, &credential_back).unwrap();
    assert_same_request(&rebuilt, &request, name);
    import
}

#[test]
fn every_operation_and_every_hostile_shape_round_trips() {
    let token = Credential::Token(r#"tok$HOME`id`'"!\%^&"#.to_owned());
    let mut drafts = drafts::every_operation(SANDBOX);
    drafts.extend(drafts::hostile_shapes("http://[::1]:9/a%20b/v1/"));
    let production: Vec<(String, Draft)> = drafts::every_operation("unused")
        .into_iter()
        .map(|(name, mut draft)| {
            draft.environment = Environment::Production;
            (format!("{name} on production"), draft)
        })
        .collect();
    drafts.extend(production);
    for (name, draft) in &drafts {
        for credential in [Credential::EnvVar, Credential::Placeholder, token.clone()] {
            round_trip(draft, &credential, name);
        }
    }
}

/// How a snippet shows the token: by reference, the docs' placeholder, or the token itself (any
/// visible ASCII, as a header can carry).
fn arb_credential() -> impl Strategy<Value = Credential> {
    prop_oneof![
        Just(Credential::EnvVar),
        Just(Credential::Placeholder),
        "[!-~]{1,40}".prop_map(Credential::Token),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn every_rendered_curl_snippet_imports_back_to_its_request(
        (draft, _) in arbitrary::draft(&DESTINATIONS),
        credential in arb_credential(),
    ) {
        round_trip(&draft, &credential, "a random draft");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    // Whatever is pasted, the import answers: a request or a message, never a panic.
    #[test]
    fn any_text_is_imported_or_refused(
        text in prop_oneof![
            any::<String>(),
            "curl [ -a-zA-Z'\"$\\\\\\^%&|;<>#@{}\\[\\]:/?=.\n\r\t]{0,60}",
            "curl (-X|-H|-d|--json|-G|-sSL|--url|\\\\\n|\\^\n|\\$'|\\^\"|'|\"| |https://api.flameup.ai/api/v1/people|/batch|\\?limit=1|@x|\\{\\}){0,14}",
        ],
    ) {
        let _ = import_curl(&text, contract());
    }
}

// ---------------------------------------------------------------------------------------------
// Browsers' escaping: any body Chrome or Firefox writes into "Copy as cURL" imports back. These
// follow their generators (Chrome DevTools' CurlCommand, Firefox DevTools' curl.js), bugs and
// all: the strategies leave out what a browser itself gets wrong.

/// Chrome's escapeStringPosix: single quotes, or `$'…'` for control characters, `!` and `'`.
fn chrome_bash(text: &str) -> String {
    let special = |c: char| c < ' ' || ('\u{7f}'..='\u{9f}').contains(&c) || c == '!';
    if !text.chars().any(|c| special(c) || c == '\'') {
        return format!("'{text}'");
    }
    let mut quoted = String::from("$'");
    for c in text.chars() {
        match c {
            '\\' => quoted.push_str("\\\\"),
            '\'' => quoted.push_str("\\'"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            c if special(c) => quoted.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('\'');
    quoted
}

/// Firefox's escapeStringPosix: `$'…'` for anything outside printable ASCII, `!` and `'`, with
/// `\xHH` below 256 and `\uHHHH` above.
fn firefox_bash(text: &str) -> String {
    let plain = |c: char| (' '..='~').contains(&c) && c != '!' && c != '\'';
    if text.chars().all(plain) {
        return format!("'{text}'");
    }
    let mut quoted = String::from("$'");
    for c in text.chars() {
        match c {
            '\\' => quoted.push_str("\\\\"),
            '\'' => quoted.push_str("\\'"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '!' => quoted.push_str("\\041"),
            c if !(' '..='~').contains(&c) && u32::from(c) < 256 => {
                quoted.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            c if !(' '..='~').contains(&c) => {
                quoted.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('\'');
    quoted
}

/// The characters Chrome and Firefox leave without a caret in cmd (JavaScript's `\s` is close to
/// Rust's whitespace).
fn cmd_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || c.is_whitespace() || "_-:=+~'/.,?;()*`".contains(c)
}

/// A caret before every character that is not [`cmd_safe`], then `%^` before a letter, digit or
/// `_` after a `%`, so cmd never reads `%NAME%` as a variable.
fn careted(text: &str) -> String {
    let mut escaped = String::new();
    for c in text.chars() {
        if !cmd_safe(c) {
            escaped.push('^');
        }
        escaped.push(c);
    }
    let chars: Vec<char> = escaped.chars().collect();
    let mut with_percent = String::new();
    for (at, c) in chars.iter().enumerate() {
        with_percent.push(*c);
        let next = chars.get(at + 1);
        if *c == '%' && next.is_some_and(|n| n.is_ascii_alphanumeric() || *n == '_') {
            with_percent.push('^');
        }
    }
    with_percent
}

/// Chrome's escapeStringWin: `\` doubled, `"` as `\"`, carets, and a line break as `^` and two.
fn chrome_cmd(text: &str) -> String {
    let escaped = careted(&text.replace('\\', "\\\\").replace('"', "\\\""));
    format!(
        "^\"{}^\"",
        escaped.replace("\r\n", "\n").replace('\n', "^\n\n")
    )
}

/// Firefox's escapeStringWin for text without line breaks: `"` as `\"`, and carets.
fn firefox_cmd(text: &str) -> String {
    format!("^\"{}^\"", careted(&text.replace('"', "\\\"")))
}

/// A browser's "Copy as cURL" of a create with `body` (compact JSON, as JavaScript sends it).
fn browser_command(escape: fn(&str) -> String, windows: bool, body: &str) -> String {
    let parts = [
        escape("http://127.0.0.1:8080/api/v1/people"),
        format!("-H {}", escape("content-type: application/json")),
        format!("--data-raw {}", escape(body)),
    ];
    let (program, joiner) = if windows {
        ("curl.exe", " ^\n  ")
    } else {
        ("curl", " \\\n  ")
    };
    format!("{program} {}", parts.join(joiner))
}

fn assert_browser_body_imports(command: &str, body: &Value) {
    let import = import_curl(command, contract()).unwrap_or_else(|err| panic!("{err}\n{command}"));
    assert_eq!(import.draft.operation, "createPerson");
    assert_eq!(import.draft.body_json().as_ref(), Some(body), "{command}");
}

/// A body the way JavaScript writes it, with `text` as a value and a key; pretty-printed (line
/// breaks and spaces in the body) or compact.
fn js_body(text: &str, pretty: bool) -> (Value, String) {
    let body = json!({"userId": text, "traits": {text: text, "plan": "pro"}});
    let written = if pretty {
        serde_json::to_string_pretty(&body).unwrap()
    } else {
        serde_json::to_string(&body).unwrap()
    };
    (body, written)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn chrome_bash_copies_import_back(text in any::<String>(), pretty in any::<bool>()) {
        let (body, written) = js_body(&text, pretty);
        assert_browser_body_imports(&browser_command(chrome_bash, false, &written), &body);
    }

    // Firefox writes a character below 256 as one byte (bytes that may make another UTF-8
    // character) and one above U+FFFF as two halves of a surrogate pair, which bash cannot write.
    #[test]
    fn firefox_bash_copies_import_back(
        text in "[\\x00-\\x7f\u{100}-\u{d7ff}\u{e000}-\u{fffd}]{0,24}|[\\x00-\\x7f\u{e9}\u{fc}\u{df}]{0,24}",
        pretty in any::<bool>(),
    ) {
        let (body, written) = js_body(&text, pretty);
        assert_browser_body_imports(&browser_command(firefox_bash, false, &written), &body);
    }

    // Chrome doubles every backslash for cmd, though the C runtime halves only those before a
    // quote: a JSON escape other than \" (such as \n or \\) does not survive. Characters above
    // U+FFFF are careted half by half.
    #[test]
    fn chrome_cmd_copies_import_back(
        text in "[^\\\\\\x00-\\x1f\u{10000}-\u{10ffff}]{0,24}",
        pretty in any::<bool>(),
    ) {
        let (body, written) = js_body(&text, pretty);
        assert_browser_body_imports(&browser_command(chrome_cmd, true, &written), &body);
    }

    // Firefox does not double backslashes for cmd, so one before a quote (JSON's \") is lost;
    // and its line breaks in cmd are left out here.
    #[test]
    fn firefox_cmd_copies_import_back(
        text in "[^\"\\\\\\x00-\\x1f\u{10000}-\u{10ffff}]{0,24}",
    ) {
        let (body, written) = js_body(&text, false);
        assert_browser_body_imports(&browser_command(firefox_cmd, true, &written), &body);
    }
}

// ---------------------------------------------------------------------------------------------
// Size: a pasted command is read in one pass, however long (finding 11: each quote used to count
// the line breaks from the start, and each line break copied the rest of the text).

/// A command of about 1 MB: `flags` headers of distinct names on lines of their own, each
/// quoted the way `quote` writes it, ended by `continuation` (`\` or `^`, or nothing).
fn huge_command(flags: usize, quote: fn(&str) -> String, continuation: &str) -> String {
    let mut command = format!(
        "curl {} {continuation}\n",
        quote("https://api.flameup.ai/api/v1/people/ada")
    );
    for index in 0..flags {
        let header = format!("X-Trace-{index:05}: {}", "v".repeat(26));
        command.push_str(&format!("  -H {} {continuation}\n", quote(&header)));
    }
    command.push_str("  -H 'Authorization: Bearer ws_test_x'\n");
    command
}

fn assert_huge_command_imports(command: &str, shell: Shell) {
    assert!(command.len() >= 1_000_000, "{} bytes", command.len());
    let import = import_curl(command, contract()).unwrap();
    assert_eq!(import.draft.operation, "getPerson");
    assert_eq!(import.shell, shell);
    assert_eq!(import.token.as_deref(), Some("ws_test_x"));
    let left_out = import
        .notes
        .iter()
        .find(|note| note.starts_with("Left out headers"))
        .unwrap();
    assert!(left_out.contains("x-trace-00000"), "{left_out}");
    assert!(left_out.len() < 2_000, "the note names a few: {left_out}");
}

#[test]
fn a_one_megabyte_bash_command_with_20000_headers_imports() {
    let single = |text: &str| format!("'{text}'");
    assert_huge_command_imports(&huge_command(20_000, single, "\\"), Shell::Posix);
    // Without continuations every line break ends a shell line: read as one command, with a note.
    let double = |text: &str| format!("\"{text}\"");
    let joined = huge_command(20_000, double, "");
    let import = import_curl(&joined, contract()).unwrap();
    assert!(
        import
            .notes
            .iter()
            .any(|note| note.starts_with("Line 1 does not end with"))
    );
}

#[test]
fn a_one_megabyte_cmd_command_with_20000_headers_imports() {
    let careted = |text: &str| format!("^\"{text}^\"");
    let command = huge_command(20_000, careted, "^").replace('\'', "\"");
    assert_huge_command_imports(&command, Shell::WindowsCmd);
}
