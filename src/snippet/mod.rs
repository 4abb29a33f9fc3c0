//! Snippets: a request rendered as code a developer can paste. Pure text, no I/O.
//!
//! Every snippet, run as it is with `FLAMEUP_API_TOKEN` set, sends what the app sends: the same
//! method and path, one `Content-Type: application/json`, the same `Authorization`, and a
//! JSON-equal body. `tests/snippets.rs` proves it by running each one.

mod curl;
mod go;
mod http;
mod httpie;
mod javascript;
mod literal;
mod php;
mod python;
mod ruby;
mod rust;

use serde::{Deserialize, Serialize};

use crate::model::HttpRequest;

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
