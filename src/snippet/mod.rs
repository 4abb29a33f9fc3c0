//! Snippets: a request rendered as code a developer can paste. Pure text, no I/O.

mod curl;
mod http;

use serde::{Deserialize, Serialize};

use crate::model::HttpRequest;

/// A language or format the request preview can be shown in.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum,
)]
pub enum Target {
    /// cURL for bash and zsh.
    #[default]
    Curl,
    /// The raw HTTP/1.1 request, byte for byte as the app sends it.
    Http,
}

impl Target {
    pub const ALL: [Self; 2] = [Self::Curl, Self::Http];

    /// The tab title.
    pub fn label(self) -> &'static str {
        match self {
            Self::Curl => "cURL",
            Self::Http => "HTTP",
        }
    }
}

/// Renders `request` as a `target` snippet.
pub fn render(target: Target, request: &HttpRequest) -> String {
    match target {
        Target::Curl => curl::render(request),
        Target::Http => http::render(request),
    }
}

pub use curl::shell_quote;
