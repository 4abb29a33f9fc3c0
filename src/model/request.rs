//! The one function that turns a draft into the exact HTTP request for its operation: method,
//! URL, headers and body bytes. The previews, the transport and the command line all use it, so they cannot disagree.

use std::collections::BTreeMap;
use std::fmt;

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};

use super::draft::Draft;
use crate::contract::Operation;

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
    /// The draft names an operation the contract does not have.
    UnknownOperation(String),
    /// A path value is empty: the path would lose a segment and reach another endpoint.
    MissingPathValue(String),
    /// A path value that would not stay one segment: `.` or `..` are read as "this folder" and
    /// "the parent folder" (even percent-encoded), so the request would go to another endpoint.
    DotSegment {
        /// The path parameter's name.
        name: String,
        value: String,
    },
    Token(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BaseUrl(reason) => write!(f, "The base URL {reason}."),
            Self::SandboxNotRunning => write!(f, "The built-in sandbox is not running."),
            Self::UnknownOperation(id) => {
                write!(f, "The API has no operation {id}: choose one in the list.")
            }
            Self::MissingPathValue(name) => {
                write!(f, "Enter a value for {name}: the path needs it.")
            }
            Self::DotSegment { name, value } => write!(
                f,
                "{name} cannot be \"{value}\": a path value is one segment, and \"{value}\" would change the path to another endpoint."
            ),
            Self::Token(reason) => write!(f, "The API token {reason}."),
        }
    }
}

impl std::error::Error for BuildError {}

/// Characters escaped in a path segment: everything that would end or reshape the segment.
pub(super) const PATH_SEGMENT: &AsciiSet = &CONTROLS
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

/// Characters escaped in a query name or value: all but the unreserved ones (RFC 3986), so no
/// HTTP client finds anything left to encode or decode and every one sends the target as built.
/// A space is `%20`, never `+`.
pub(super) const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Builds the request `draft` names in the embedded contract, with the token shown as
/// `credential`. `sandbox_base_url` is where the built-in sandbox listens in this run (`None` when
/// it is not running): the one part of an address that is not in the draft, because it changes
/// every run.
pub fn build_request(
    draft: &Draft,
    sandbox_base_url: Option<&str>,
    credential: &Credential,
) -> Result<HttpRequest, BuildError> {
    let operation = draft
        .operation()
        .ok_or_else(|| BuildError::UnknownOperation(draft.operation.clone()))?;
    build_operation_request(operation, draft, sandbox_base_url, credential)
}

/// Builds the request for `operation` from `draft`'s values: method, URL (each path value one
/// percent-encoded segment, the query encoded once, in the contract's order, empty values left
/// out), headers, and a body only when the operation has one. GET and DELETE carry no body and
/// no `content-type`.
pub fn build_operation_request(
    operation: &Operation,
    draft: &Draft,
    sandbox_base_url: Option<&str>,
    credential: &Credential,
) -> Result<HttpRequest, BuildError> {
    let url = operation_url(operation, draft, sandbox_base_url)?;
    if let Credential::Token(token) = credential {
        check_token(token)?;
    }
    let body = draft.values.body_json(operation);
    let content_type = body
        .is_some()
        .then(|| ("content-type", "application/json".to_owned()));
    let headers = content_type
        .into_iter()
        .chain([
            ("authorization", credential.header_value()),
            ("accept", "application/json".to_owned()),
            ("user-agent", USER_AGENT.to_owned()),
            // The HTTP client would add this itself; naming it here keeps the preview exact.
            ("accept-encoding", "gzip".to_owned()),
        ])
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    Ok(HttpRequest {
        method: operation.method.as_str(),
        url,
        headers,
        credential: credential.clone(),
        // Serialising a `Value` cannot fail: every key is a string and there is no I/O.
        body: body
            .map(|body| serde_json::to_vec_pretty(&body).unwrap_or_default())
            .unwrap_or_default(),
    })
}

fn operation_url(
    operation: &Operation,
    draft: &Draft,
    sandbox_base_url: Option<&str>,
) -> Result<url::Url, BuildError> {
    let base = draft
        .base_url(sandbox_base_url)
        .ok_or(BuildError::SandboxNotRunning)?;
    let base = parse_base_url(base)?;
    let mut full = base.as_str().trim_end_matches('/').to_owned();
    full.push_str(&fill_path(operation, &draft.values.path)?);
    let query = query_string(operation, &draft.values.query);
    if !query.is_empty() {
        full.push('?');
        full.push_str(&query);
    }
    url::Url::parse(&full).map_err(|err| BuildError::BaseUrl(format!("is not valid ({err})")))
}

/// The operation's path template with each `{name}` replaced by its value as one segment.
fn fill_path(
    operation: &Operation,
    values: &BTreeMap<String, String>,
) -> Result<String, BuildError> {
    let mut path = operation.path.clone();
    for param in &operation.path_params {
        let value = values.get(&param.name).map_or("", String::as_str);
        if value.is_empty() {
            return Err(BuildError::MissingPathValue(param.name.clone()));
        }
        let segment = path_segment(&param.name, value)?;
        path = path.replace(&format!("{{{}}}", param.name), &segment);
    }
    Ok(path)
}

/// The query string of the operation's filled-in query values, in the contract's order.
pub fn query_string(operation: &Operation, values: &BTreeMap<String, String>) -> String {
    let encode = |text: &str| utf8_percent_encode(text, QUERY_COMPONENT).to_string();
    operation
        .query_params
        .iter()
        .filter_map(|param| {
            let value = values.get(&param.name).filter(|value| !value.is_empty())?;
            Some(format!("{}={}", encode(&param.name), encode(value)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `value` as exactly one path segment, percent-encoded: the rule for every path value. `.` and
/// `..` are refused rather than encoded, because URL parsers treat `%2E` and `%2e%2E` as dots too
/// and would normalise them away; `name` says which value it is in the message.
pub fn path_segment(name: &str, value: &str) -> Result<String, BuildError> {
    if matches!(value, "." | "..") {
        return Err(BuildError::DotSegment {
            name: name.to_owned(),
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
    /// (`content-length`, `host`, in ureq's order), then the app's own. A request without a body
    /// (GET, DELETE) has no `content-length`: the transport sends it with none.
    pub fn wire_headers(&self) -> Vec<(String, String)> {
        let length = (!self.body.is_empty())
            .then(|| ("content-length".to_owned(), self.body.len().to_string()));
        length
            .into_iter()
            .chain([("host".to_owned(), self.host_header())])
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

    fn workspace_draft(base: &str, workspace: &str) -> Draft {
        let mut draft = draft_at(base);
        draft.operation = "createWorkspacePerson".into();
        draft
            .values
            .path
            .insert("workspaceId".into(), workspace.into());
        draft
    }

    #[test]
    fn workspace_scoped_path_escapes_the_id() {
        let mut draft = workspace_draft("http://127.0.0.1:8080/api/v1/", "ws_abc123");
        let request = build_request(&draft, None, &Credential::EnvVar).unwrap();
        assert_eq!(
            request.url.as_str(),
            "http://127.0.0.1:8080/api/v1/workspaces/ws_abc123/people"
        );
        assert_eq!(request.host_header(), "127.0.0.1:8080");

        draft
            .values
            .path
            .insert("workspaceId".into(), " a/b?c#d é%".into());
        let request = build_request(&draft, None, &Credential::EnvVar).unwrap();
        assert_eq!(
            request.target(),
            "/api/v1/workspaces/%20a%2Fb%3Fc%23d%20%C3%A9%25/people",
            "sent exactly as typed, spaces too"
        );

        draft
            .values
            .path
            .insert("workspaceId".into(), String::new());
        assert_eq!(
            build_request(&draft, None, &Credential::EnvVar),
            Err(BuildError::MissingPathValue("workspaceId".into()))
        );
        draft.values.path.clear();
        assert_eq!(
            build_request(&draft, None, &Credential::EnvVar),
            Err(BuildError::MissingPathValue("workspaceId".into()))
        );
    }

    #[test]
    fn a_path_value_is_always_exactly_one_segment() {
        for dots in [".", ".."] {
            let draft = workspace_draft("http://127.0.0.1:8080/api/v1", dots);
            let err = build_request(&draft, None, &Credential::EnvVar).unwrap_err();
            assert_eq!(
                err,
                BuildError::DotSegment {
                    name: "workspaceId".into(),
                    value: dots.into()
                }
            );
            assert!(err.to_string().starts_with("workspaceId cannot be"));
        }
        // Anything else stays one segment, however it looks once decoded.
        for (value, segment) in [
            ("...", "..."),
            (".a", ".a"),
            (" .. ", "%20..%20"),
            ("%2e%2E", "%252e%252E"),
            ("a/../b", "a%2F..%2Fb"),
            ("..\\", "..%5C"),
            ("?", "%3F"),
        ] {
            let draft = workspace_draft("http://127.0.0.1:8080/api/v1", value);
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
    fn a_get_has_no_body_and_no_content_type_and_its_query_is_encoded_once() {
        let mut draft = draft_at("http://127.0.0.1:8080/api/v1");
        draft.operation = "listPeople".into();
        draft.values.query.insert("limit".into(), "5".into());
        draft
            .values
            .query
            .insert("search".into(), "a b&c=d+é/?#%".into());
        draft.values.query.insert("status".into(), String::new());
        let request = build_request(&draft, None, &Credential::EnvVar).unwrap();
        assert_eq!(request.method, "GET");
        assert_eq!(
            request.target(),
            "/api/v1/people?limit=5&search=a%20b%26c%3Dd%2B%C3%A9%2F%3F%23%25",
            "the contract's order, empty values left out, everything but unreserved encoded"
        );
        assert!(request.body.is_empty());
        assert!(
            request
                .headers
                .iter()
                .all(|(name, _)| name != "content-type")
        );

        draft.operation = "deletePerson".into();
        draft
            .values
            .path
            .insert("id".into(), "user@example.com".into());
        let request = build_request(&draft, None, &Credential::EnvVar).unwrap();
        assert_eq!(request.method, "DELETE");
        assert_eq!(request.target(), "/api/v1/people/user@example.com");
        assert!(request.body.is_empty());

        draft.operation = "noSuchOperation".into();
        assert_eq!(
            build_request(&draft, None, &Credential::EnvVar),
            Err(BuildError::UnknownOperation("noSuchOperation".into()))
        );
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
