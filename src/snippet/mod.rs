//! Snippets: a request rendered as code a developer can paste. Pure text, no I/O.
//!
//! Every snippet, run as it is with `FLAMEUP_API_TOKEN` set, sends what the app sends: the same
//! method and path, every header of the request but the [`TRANSPORT_HEADERS`], and a JSON-equal
//! body (or none, when the request has none). `tests/snippets.rs` proves it by running each one.
//!
//! No target writes a header by hand: each renders [`snippet_headers`] through one header function
//! of its language, so a header added to the request appears in every preview.

pub(crate) mod curl;
pub(crate) mod go;
mod http;
pub(crate) mod httpie;
pub(crate) mod javascript;
pub(crate) mod literal;
pub(crate) mod php;
pub(crate) mod python;
pub(crate) mod ruby;
pub(crate) mod rust;

use serde::{Deserialize, Serialize};

use crate::model::{Credential, HttpRequest};

pub use curl::shell_quote;
pub use rust::CARGO_ADD;

/// A language or format the request preview can be shown in.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum,
)]
pub enum Target {
    /// cURL for bash and zsh.
    #[default]
    Curl,
    /// Python with requests.
    Python,
    /// JavaScript fetch (Node 18+ as an ES module, or a browser console).
    #[value(name = "javascript")]
    JavaScript,
    /// Go with net/http.
    Go,
    /// Ruby with net/http.
    Ruby,
    /// HTTPie 3.2+.
    Httpie,
    /// PHP with the curl extension.
    Php,
    /// Rust with ureq 3 and serde_json.
    Rust,
    /// The raw HTTP/1.1 request, byte for byte as the app sends it.
    Http,
}

impl Target {
    /// The docs' five first, in the docs' order.
    pub const ALL: [Self; 9] = [
        Self::Curl,
        Self::Python,
        Self::JavaScript,
        Self::Go,
        Self::Ruby,
        Self::Httpie,
        Self::Php,
        Self::Rust,
        Self::Http,
    ];

    /// The tab title.
    pub fn label(self) -> &'static str {
        match self {
            Self::Curl => "cURL",
            Self::Python => "Python",
            Self::JavaScript => "JavaScript",
            Self::Go => "Go",
            Self::Ruby => "Ruby",
            Self::Httpie => "HTTPie",
            Self::Php => "PHP",
            Self::Rust => "Rust",
            Self::Http => "HTTP",
        }
    }

    /// The file name a snippet is saved under to run it.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Curl => "snippet.sh",
            Self::Python => "snippet.py",
            Self::JavaScript => "snippet.mjs",
            Self::Go => "snippet.go",
            Self::Ruby => "snippet.rb",
            Self::Httpie => "snippet-httpie.sh",
            Self::Php => "snippet.php",
            Self::Rust => "main.rs",
            Self::Http => "request.http",
        }
    }
}

/// Renders `request` as a `target` snippet.
pub fn render(target: Target, request: &HttpRequest) -> String {
    match target {
        Target::Curl => curl::render(request),
        Target::Python => python::render(request),
        Target::JavaScript => javascript::render(request),
        Target::Go => go::render(request),
        Target::Ruby => ruby::render(request),
        Target::Httpie => httpie::render(request),
        Target::Php => php::render(request),
        Target::Rust => rust::render(request),
        Target::Http => http::render(request),
    }
}

/// Headers the HTTP client of every target adds by itself (`host`, `content-length`) or sets to its
/// own liking (`accept-encoding`, `user-agent`): snippets leave them to the client. The raw HTTP
/// target is the exception: it shows the wire, all of it.
pub const TRANSPORT_HEADERS: [&str; 4] =
    ["host", "content-length", "accept-encoding", "user-agent"];

/// Whether the HTTP client adds `name` by itself (see [`TRANSPORT_HEADERS`]).
pub fn is_transport_header(name: &str) -> bool {
    TRANSPORT_HEADERS
        .iter()
        .any(|transport| transport.eq_ignore_ascii_case(name))
}

/// A header as a snippet writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnippetHeader<'a> {
    /// The name as the docs write it (`Content-Type`); HTTP header names ignore case.
    pub name: String,
    pub value: HeaderValue<'a>,
}

/// A header's value: text to write as it is, or the bearer token read from the environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderValue<'a> {
    Text(&'a str),
    /// `Bearer ` followed by the value of [`crate::model::TOKEN_ENV_VAR`], which each language
    /// reads in its own way, so the token never sits in the snippet.
    BearerFromEnv,
}

/// The headers a snippet must write: the request's own, in order, minus the
/// [`TRANSPORT_HEADERS`].
pub fn snippet_headers(request: &HttpRequest) -> Vec<SnippetHeader<'_>> {
    request
        .headers
        .iter()
        .filter(|(name, _)| !is_transport_header(name))
        .map(|(name, value)| SnippetHeader {
            name: display_name(name),
            value: header_value(request, name, value),
        })
        .collect()
}

/// Whether some header reads the token from the environment, so the snippet must import what
/// reads it.
pub(crate) fn reads_token_from_env(headers: &[SnippetHeader<'_>]) -> bool {
    headers
        .iter()
        .any(|header| header.value == HeaderValue::BearerFromEnv)
}

fn header_value<'a>(request: &HttpRequest, name: &str, value: &'a str) -> HeaderValue<'a> {
    if name.eq_ignore_ascii_case("authorization") && request.credential == Credential::EnvVar {
        HeaderValue::BearerFromEnv
    } else {
        HeaderValue::Text(value)
    }
}

/// `content-type` as `Content-Type`: each dash-separated word capitalised, as the docs write them.
fn display_name(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Draft, build_request};

    #[test]
    fn names_are_written_like_the_docs() {
        assert_eq!(display_name("content-type"), "Content-Type");
        assert_eq!(display_name("x-flameup-trace"), "X-Flameup-Trace");
        assert_eq!(display_name("ACCEPT"), "Accept");
    }

    #[test]
    fn snippets_write_every_header_but_the_transport_ones() {
        let mut request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        request.headers.push(("x-trace".into(), "7".into()));
        let headers = snippet_headers(&request);
        let names: Vec<&str> = headers.iter().map(|header| header.name.as_str()).collect();
        assert_eq!(
            names,
            ["Content-Type", "Authorization", "Accept", "X-Trace"]
        );
        assert_eq!(headers[1].value, HeaderValue::BearerFromEnv);
        assert_eq!(headers[3].value, HeaderValue::Text("7"));
    }

    #[test]
    fn a_header_added_to_the_request_reaches_every_target() {
        let mut request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        request
            .headers
            .push(("x-flameup-trace".into(), "trace-value-42".into()));
        for target in Target::ALL {
            let snippet = render(target, &request);
            assert!(snippet.contains("trace-value-42"), "{target:?}:\n{snippet}");
            assert!(
                snippet.to_lowercase().contains("x-flameup-trace"),
                "{target:?}:\n{snippet}"
            );
        }
    }

    #[test]
    fn a_request_without_body_has_no_body_and_no_content_type() {
        let mut request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        request.method = "GET";
        request.body.clear();
        request.headers.retain(|(name, _)| name != "content-type");
        for target in Target::ALL {
            let snippet = render(target, &request);
            assert!(
                !snippet.to_lowercase().contains("content-type"),
                "{target:?}:\n{snippet}"
            );
            assert!(!snippet.contains("userId"), "{target:?}:\n{snippet}");
            assert!(!snippet.contains("POST"), "{target:?}:\n{snippet}");
            let says_get = ["GET", ".get(", "::get(", "::Get"]
                .iter()
                .any(|word| snippet.contains(word));
            assert!(says_get, "{target:?}:\n{snippet}");
        }
    }
}
