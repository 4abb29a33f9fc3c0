//! The one function that turns a draft into the exact HTTP request: method, URL, headers and body
//! bytes. The previews, the transport and the command line all use it, so they cannot disagree.

use std::fmt;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::draft::{Draft, PathStyle};

/// The environment variable the token is read from, and that previews refer to by default.
pub const TOKEN_ENV_VAR: &str = "FLAMEUP_API_TOKEN";

/// The `user-agent` the app sends, so server logs can tell explorer traffic apart.
pub const USER_AGENT: &str = concat!("flameup-explorer/", env!("CARGO_PKG_VERSION"));

/// The docs' stand-in for a token, shown when the user asks previews to look like the docs.
pub const TOKEN_PLACEHOLDER: &str = "YOUR_API_TOKEN";

/// How the bearer token appears in a request.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// A reference to [`TOKEN_ENV_VAR`]: what previews show unless asked otherwise. Each snippet
    /// reads the variable in its language's own way.
    EnvVar,
    /// The docs' [`TOKEN_PLACEHOLDER`], to be replaced by hand.
    Placeholder,
    /// The token itself: what is sent, and what a preview shows only on request.
    Token(String),
}

impl fmt::Debug for Credential {
    // The token must never reach a log line or a panic message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EnvVar => write!(f, "EnvVar"),
            Self::Placeholder => write!(f, "Placeholder"),
            Self::Token(_) => write!(f, "Token(<redacted>)"),
        }
    }
}

impl Credential {
    /// The `authorization` header value, with the variable written shell-style for `EnvVar`.
    pub fn header_value(&self) -> String {
        match self {
            Self::EnvVar => format!("Bearer ${TOKEN_ENV_VAR}"),
            Self::Placeholder => format!("Bearer {TOKEN_PLACEHOLDER}"),
            Self::Token(token) => format!("Bearer {token}"),
        }
    }
}

/// A request ready to send or to render as a snippet.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    /// The full URL, normalised (default ports dropped, unsafe characters percent-encoded).
    pub url: url::Url,
    /// The headers the app sets, in the order they are sent, names in lower case as on the wire.
    /// `host` and `content-length` are added by the HTTP client: see [`HttpRequest::wire_headers`].
    pub headers: Vec<(String, String)>,
    /// How the `authorization` header was filled in, so snippets can refer to the variable.
    pub credential: Credential,
    pub body: Vec<u8>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("credential", &self.credential)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Why a draft cannot be turned into a request. Only the route can stop a request: body problems
/// are linted, never blocking, so a bad request can be sent on purpose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    BaseUrl(String),
    SandboxNotRunning,
    MissingWorkspaceId,
    /// A path value that would not stay one segment: `.` or `..` are read as "this folder" and
    /// "the parent folder" (even percent-encoded), so the request would go to another endpoint.
    DotSegment {
        /// What the value is, as the form names it ("workspace id").
        name: &'static str,
        value: String,
    },
    Token(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BaseUrl(reason) => write!(f, "The base URL {reason}."),
            Self::SandboxNotRunning => write!(f, "The built-in sandbox is not running."),
            Self::MissingWorkspaceId => write!(
                f,
                "Enter a workspace id, or switch the path style to POST /people."
            ),
            Self::DotSegment { name, value } => write!(
                f,
                "The {name} cannot be \"{value}\": a path value is one segment, and \"{value}\" would change the path to another endpoint."
            ),
            Self::Token(reason) => write!(f, "The API token {reason}."),
        }
    }
}

impl std::error::Error for BuildError {}

/// Characters escaped in a path segment: everything that would end or reshape the segment.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Builds the create-person request for `draft`, with the token shown as `credential`.
/// `sandbox_base_url` is where the built-in sandbox listens in this run (`None` when it is not
/// running): the one part of an address that is not in the draft, because it changes every run.
pub fn build_request(
    draft: &Draft,
    sandbox_base_url: Option<&str>,
    credential: &Credential,
) -> Result<HttpRequest, BuildError> {
    let url = create_person_url(draft, sandbox_base_url)?;
    if let Credential::Token(token) = credential {
        check_token(token)?;
    }
    let headers = [
        ("content-type", "application/json".to_owned()),
        ("authorization", credential.header_value()),
        ("accept", "application/json".to_owned()),
        ("user-agent", USER_AGENT.to_owned()),
        // The HTTP client would add this itself; naming it here keeps the preview exact.
        ("accept-encoding", "gzip".to_owned()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    Ok(HttpRequest {
        method: "POST",
        url,
        headers,
        credential: credential.clone(),
        body: draft.body_bytes(),
    })
}

fn create_person_url(
    draft: &Draft,
    sandbox_base_url: Option<&str>,
) -> Result<url::Url, BuildError> {
    let base = draft
        .base_url(sandbox_base_url)
        .ok_or(BuildError::SandboxNotRunning)?;
    let base = parse_base_url(base)?;
    let base = base.as_str().trim_end_matches('/');
    let full = match draft.path_style {
        PathStyle::KeyScoped => format!("{base}/people"),
        PathStyle::WorkspaceScoped => {
            let workspace = draft.workspace_id.trim();
            if workspace.is_empty() {
                return Err(BuildError::MissingWorkspaceId);
            }
            let segment = path_segment("workspace id", workspace)?;
            format!("{base}/workspaces/{segment}/people")
        }
    };
    url::Url::parse(&full).map_err(|err| BuildError::BaseUrl(format!("is not valid ({err})")))
}

/// `value` as exactly one path segment, percent-encoded: the rule for every path value (the
/// workspace id now, the ids of the coming operations next). `.` and `..` are refused rather than
/// encoded, because URL parsers treat `%2E` and `%2e%2E` as dots too and would normalise them
/// away; `name` says which value it is in the message.
pub fn path_segment(name: &'static str, value: &str) -> Result<String, BuildError> {
    if matches!(value, "." | "..") {
        return Err(BuildError::DotSegment {
            name,
            value: value.to_owned(),
        });
    }
    Ok(utf8_percent_encode(value, PATH_SEGMENT).to_string())
}

/// Checks that `text` is a base URL requests can be sent to, and returns it normalised.
pub fn parse_base_url(text: &str) -> Result<url::Url, BuildError> {
    let fail = |reason: &str| Err(BuildError::BaseUrl(reason.to_owned()));
    if text.is_empty() {
        return fail("is empty: enter one such as http://127.0.0.1:8080/api/v1");
    }
    // "localhost:8080" parses as a URL with the scheme "localhost": catch the missing scheme first.
    if !text.contains("://") {
        return fail("needs a scheme: start it with http:// or https://");
    }
    let url = match url::Url::parse(text) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            return fail("needs a scheme: start it with http:// or https://");
        }
        Err(err) => return Err(BuildError::BaseUrl(format!("is not valid ({err})"))),
    };
    if !matches!(url.scheme(), "http" | "https") {
        return fail("must start with http:// or https://");
    }
    // "http:///api" parses with the host "api": an empty authority is no host.
    let authority_empty = text
        .split_once("://")
        .is_some_and(|(_, rest)| rest.starts_with(['/', '?', '#']) || rest.is_empty());
    if authority_empty || url.host_str().is_none_or(str::is_empty) {
        return fail("has no host");
    }
    if url.port() == Some(0) {
        return fail("has port 0, which no server can be reached on");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return fail("must not hold a user name or password: put the API key in the token field");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return fail("must not have a ?query or #fragment");
    }
    if has_stray_percent(text) {
        // Clients disagree on such a path: some send it as typed, some encode the `%`, some refuse.
        return fail("has a % that does not start a %XX escape: write %25 for a literal %");
    }
    Ok(url)
}

/// Whether `text` holds a `%` not followed by two hexadecimal digits.
fn has_stray_percent(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(at, byte)| {
        *byte == b'%'
            && !bytes
                .get(at + 1..at + 3)
                .is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit))
    })
}

/// A bearer token is visible ASCII without spaces; anything else cannot be a valid header. An
/// empty one would send `Authorization: Bearer` with nothing after it.
fn check_token(token: &str) -> Result<(), BuildError> {
    if token.is_empty() {
        return Err(BuildError::Token(
            "is empty: paste your API key into the token field".into(),
        ));
    }
    match token.chars().find(|c| !c.is_ascii_graphic()) {
        None => Ok(()),
        Some(c) if c.is_whitespace() => {
            Err(BuildError::Token("contains a space or line break".into()))
        }
        Some(_) => Err(BuildError::Token(
            "contains a character that cannot be sent in a header (only visible ASCII can)".into(),
        )),
    }
}

impl HttpRequest {
    /// The same request with the token shown as `credential` (checked when it is the token
    /// itself): the request to send and every preview differ only in this header.
    pub fn with_credential(&self, credential: &Credential) -> Result<Self, BuildError> {
        if let Credential::Token(token) = credential {
            check_token(token)?;
        }
        let mut request = self.clone();
        for (name, value) in &mut request.headers {
            if name == "authorization" {
                *value = credential.header_value();
            }
        }
        request.credential = credential.clone();
        Ok(request)
    }

    /// The path and query as they appear on the request line.
    pub fn target(&self) -> &str {
        &self.url[url::Position::BeforePath..]
    }

    /// The `host` header value the HTTP client derives from the URL.
    pub fn host_header(&self) -> String {
        let host = self.url.host_str().unwrap_or_default();
        match self.url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    /// Every header exactly as it goes on the wire, in order: the ones the HTTP client adds first
    /// (`content-length`, `host`, in ureq's order), then the app's own.
    pub fn wire_headers(&self) -> Vec<(String, String)> {
        let derived = [
            ("content-length".to_owned(), self.body.len().to_string()),
            ("host".to_owned(), self.host_header()),
        ];
        derived
            .into_iter()
            .chain(self.headers.iter().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Environment;

    fn draft_at(base: &str) -> Draft {
        Draft {
            environment: Environment::Custom,
            custom_base_url: base.into(),
            ..Draft::docs_example()
        }
    }

    #[test]
    fn key_scoped_production_request() {
        let request = build_request(&Draft::docs_example(), None, &Credential::EnvVar).unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(request.url.as_str(), "https://api.flameup.ai/api/v1/people");
        assert_eq!(request.target(), "/api/v1/people");
        assert_eq!(request.host_header(), "api.flameup.ai");
        let content_types: Vec<_> = request
            .headers
            .iter()
            .filter(|(name, _)| name == "content-type")
            .collect();
        assert_eq!(
            content_types,
            [&("content-type".to_owned(), "application/json".to_owned())]
        );
        assert!(
            request
                .headers
                .contains(&("authorization".into(), "Bearer $FLAMEUP_API_TOKEN".into()))
        );
    }

    #[test]
    fn workspace_scoped_path_escapes_the_id() {
        let mut draft = draft_at("http://127.0.0.1:8080/api/v1/");
        draft.path_style = PathStyle::WorkspaceScoped;
        draft.workspace_id = " ws_abc123 ".into();
        let request = build_request(&draft, None, &Credential::EnvVar).unwrap();
        assert_eq!(
            request.url.as_str(),
            "http://127.0.0.1:8080/api/v1/workspaces/ws_abc123/people"
        );
        assert_eq!(request.host_header(), "127.0.0.1:8080");

        draft.workspace_id = "a/b?c#d é%".into();
        let request = build_request(&draft, None, &Credential::EnvVar).unwrap();
        assert_eq!(
            request.target(),
            "/api/v1/workspaces/a%2Fb%3Fc%23d%20%C3%A9%25/people"
        );

        draft.workspace_id = "  ".into();
        assert_eq!(
            build_request(&draft, None, &Credential::EnvVar),
            Err(BuildError::MissingWorkspaceId)
        );
    }

    #[test]
    fn a_path_value_is_always_exactly_one_segment() {
        let mut draft = draft_at("http://127.0.0.1:8080/api/v1");
        draft.path_style = PathStyle::WorkspaceScoped;
        for dots in [".", "..", " .. "] {
            draft.workspace_id = dots.into();
            let err = build_request(&draft, None, &Credential::EnvVar).unwrap_err();
            assert_eq!(
                err,
                BuildError::DotSegment {
                    name: "workspace id",
                    value: dots.trim().into()
                }
            );
            assert!(err.to_string().starts_with("The workspace id cannot be"));
        }
        // Anything else stays one segment, however it looks once decoded.
        for (value, segment) in [
            ("...", "..."),
            (".a", ".a"),
            ("%2e%2E", "%252e%252E"),
            ("a/../b", "a%2F..%2Fb"),
            ("..\\", "..%5C"),
            ("?", "%3F"),
        ] {
            draft.workspace_id = value.into();
            let request = build_request(&draft, None, &Credential::EnvVar).unwrap();
            assert_eq!(
                request.target(),
                format!("/api/v1/workspaces/{segment}/people"),
                "{value}"
            );
            assert_eq!(path_segment("id", value).unwrap(), segment);
        }
    }

    #[test]
    fn bad_base_urls_are_explained() {
        for base in [
            "",
            "api.flameup.ai/api/v1",
            "localhost:8080",
            "ftp://x/api",
            "http://user:pw@host/api",
            "http://host/api?x=1",
            "http://[::1",
            "http://127.0.0.1:9/a%zzb/v1",
            "http://127.0.0.1:9/v1%",
        ] {
            let err = build_request(&draft_at(base), None, &Credential::EnvVar).unwrap_err();
            assert!(matches!(err, BuildError::BaseUrl(_)), "{base}: {err:?}");
            assert!(err.to_string().starts_with("The base URL"), "{err}");
        }
    }

    #[test]
    fn default_ports_are_dropped_and_ipv6_hosts_keep_brackets() {
        let request = build_request(
            &draft_at("HTTP://LocalHost:80/x"),
            None,
            &Credential::EnvVar,
        )
        .unwrap();
        assert_eq!(request.url.as_str(), "http://localhost/x/people");
        assert_eq!(request.host_header(), "localhost");
        let request =
            build_request(&draft_at("http://[::1]:9/v1"), None, &Credential::EnvVar).unwrap();
        assert_eq!(request.host_header(), "[::1]:9");
    }

    #[test]
    fn tokens_that_cannot_be_a_header_are_refused_and_never_printed() {
        let draft = Draft::docs_example();
        let empty = build_request(&draft, None, &Credential::Token(String::new()));
        assert!(matches!(empty, Err(BuildError::Token(_))), "{empty:?}");
        for token in ["has space", "line\nbreak", "naïve"] {
            let err = build_request(&draft, None, &Credential::Token(token.into())).unwrap_err();
            assert!(matches!(err, BuildError::Token(_)));
            assert!(!err.to_string().contains(token));
        }
        let request =
            build_request(&draft, None, &Credential::Token("ws_test_secret".into())).unwrap();
        assert!(!format!("{request:?}").contains("ws_test_secret"));
    }

    #[test]
    fn the_sent_request_and_its_previews_differ_only_in_the_credential() {
        let draft = Draft::docs_example();
        let sent =
            build_request(&draft, None, &Credential::Token("ws_test_secret".into())).unwrap();
        for credential in [Credential::EnvVar, Credential::Placeholder] {
            assert_eq!(
                sent.with_credential(&credential).unwrap(),
                build_request(&draft, None, &credential).unwrap()
            );
        }
        assert!(matches!(
            sent.with_credential(&Credential::Token("a b".into())),
            Err(BuildError::Token(_))
        ));
    }

    #[test]
    fn wire_headers_add_length_and_host_first() {
        let request = build_request(
            &draft_at("http://127.0.0.1:9/v1"),
            None,
            &Credential::EnvVar,
        )
        .unwrap();
        let wire = request.wire_headers();
        assert_eq!(
            wire[0],
            ("content-length".into(), request.body.len().to_string())
        );
        assert_eq!(wire[1], ("host".into(), "127.0.0.1:9".into()));
        assert_eq!(&wire[2..], request.headers.as_slice());
    }
}
