//! cURL import: a pasted cURL command becomes the operation it calls, with its path values, query
//! values, body, base URL and token. Pure: no I/O (a file the command names, `-d @FILE`, is read
//! by the caller's reader, if it gives one) and no egui.
//!
//! It reads what people paste: the docs' examples; bash and zsh quoting (`'…'`, `"…"`, `$'…'`,
//! backslash-newline); browsers' "Copy as cURL" for bash and for Windows cmd (`^` escapes, `^"`
//! quotes, `^` at the end of a line). Which shell a command is written for is told by the first
//! quoting it uses ([`Shell::detect`]). bash words are split by the `shlex` crate once `$'…'` and
//! the shell's expansions are resolved around it; cmd words are split as cmd.exe and the C
//! runtime split them.
//!
//! Anything the import cannot honour (a method or path the contract does not have, a second URL,
//! `-u`, a form upload, an option it does not know, an unclosed quote) is an error that names it,
//! and nothing is half-imported. What it honours differently is said in [`CurlImport::notes`].

mod cmd;
mod options;
mod posix;
mod route;
mod words;

use std::collections::HashSet;
use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;
use url::Url;

use self::options::{CurlArgs, Data, DataKind};
use self::words::Word;
use super::draft::{Draft, Environment, OperationValues};
use super::form::FormValue;
use super::phrase::joined;
use super::request::TOKEN_PLACEHOLDER;
use crate::contract::{Contract, Operation};

/// A cURL command, imported: the draft that sends the same request, and what else it held.
#[derive(Clone, PartialEq)]
pub struct CurlImport {
    /// The operation, its path and query values and body, on the production environment when the
    /// URL is under the contract's server URL, else on a custom base URL ([`Self::base_url`]).
    pub draft: Draft,
    /// The URL before the operation's path, without a final `/`: the contract's server URL, or
    /// the custom base URL (which the window turns into the sandbox when it is the sandbox's).
    pub base_url: String,
    /// The bearer token the command sends. For this session only: never saved.
    pub token: Option<String>,
    /// Options that change nothing in the request (`-s`, `-S`, `-k`, `-L`, `--compressed`, `-v`,
    /// `-o` …), as written, once each; `-sSL` is `-s`, `-S` and `-L`.
    pub ignored_flags: Vec<String>,
    /// What the import read differently from curl, or left out, in sentences: headers the app
    /// does not send, a token read from a shell variable, a body labelled as a form …
    pub notes: Vec<String>,
    /// The shell the command was written for.
    pub shell: Shell,
}

impl fmt::Debug for CurlImport {
    // The token must never reach a log line or a panic message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CurlImport")
            .field("draft", &self.draft)
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("ignored_flags", &self.ignored_flags)
            .field("notes", &self.notes)
            .field("shell", &self.shell)
            .finish()
    }
}

/// The shell a command is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    /// bash, zsh and other POSIX shells: what the docs and "Copy as cURL (bash)" write.
    Posix,
    /// Windows cmd.exe: what "Copy as cURL (cmd)" writes.
    WindowsCmd,
}

impl Shell {
    /// The shell `text` is written for, told by the first quoting it uses: a `'` or a
    /// backslash at the end of a line is bash's, a `^"` or a `^` at the end of a line is cmd's.
    /// A command with neither (`curl "https://…"`) reads the same in both: bash.
    pub fn detect(text: &str) -> Self {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek()) {
                ('\'', _) | ('\\', Some('\n' | '\r')) => return Self::Posix,
                ('^', Some('"' | '\n' | '\r')) => return Self::WindowsCmd,
                _ => {}
            }
        }
        Self::Posix
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Posix => "bash",
            Self::WindowsCmd => "Windows cmd",
        }
    }
}

/// Why a command cannot be imported, in one line that names what it cannot honour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurlError {
    message: String,
}

impl CurlError {
    fn new(message: String) -> Self {
        Self { message }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CurlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CurlError {}

/// Why [`import_curl`] does not read the file a command names (`-d @FILE`).
pub const FILES_NOT_READ: &str =
    "files named in a pasted command are not read; put the body itself in the command";

/// Imports `text`, a cURL command, as a request of `contract`. A file the command reads the body
/// from (`-d @FILE`) is refused with [`FILES_NOT_READ`]; [`import_curl_reading`] reads it.
pub fn import_curl(text: &str, contract: &Contract) -> Result<CurlImport, CurlError> {
    import_curl_reading(text, contract, &mut |_| Err(FILES_NOT_READ.to_owned()))
}

/// Imports `text`, a cURL command, as a request of `contract`. `read_file` reads a file the
/// command names (`-d @FILE`, `--json @FILE`; `-` is standard input) as curl would from where
/// it runs, or says why it cannot (the reason ends up in the message).
pub fn import_curl_reading(
    text: &str,
    contract: &Contract,
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<CurlImport, CurlError> {
    let text = text.replace("\r\n", "\n");
    let shell = Shell::detect(&text);
    let split = match shell {
        Shell::Posix => posix::split(&text)?,
        Shell::WindowsCmd => cmd::split(&text)?,
    };
    let mut notes = split.notes;
    let args = options::parse(split.words)?;
    let data = read_data(&args.data, read_file)?;
    let (query_data, body_data) = if args.get {
        (data.as_ref(), None)
    } else {
        (None, data.as_ref())
    };
    let url = request_url(&args, query_data, &mut notes)?;
    let method = method(&args, body_data.is_some(), &mut notes)?;
    let route = route::route(&url, &method, contract)?;
    let headers = Headers::read(&args, data.as_ref().is_some_and(|data| data.json))?;
    headers.note(&mut notes);
    let body = body_form(route.operation, body_data, &headers, &mut notes)?;
    if let Some(data) = &data {
        note_expansions(data, args.get, &mut notes);
    }
    let draft = Draft {
        environment: if route.production {
            Environment::Production
        } else {
            Environment::Custom
        },
        custom_base_url: if route.production {
            String::new()
        } else {
            route.base_url.clone()
        },
        operation: route.operation.id.clone(),
        values: OperationValues {
            path: route.path,
            query: route.query,
            body,
        },
    };
    Ok(CurlImport {
        draft,
        base_url: route.base_url,
        token: match headers.token {
            Token::Given(token) => Some(token),
            Token::None | Token::Placeholder | Token::Variable(_) => None,
        },
        ignored_flags: args.ignored,
        notes,
        shell,
    })
}

/// The data options' text, joined as curl joins them: with `&`, or as one for `--json`.
#[derive(Debug)]
struct Payload {
    text: String,
    /// The first data option, as written, for messages.
    option: String,
    json: bool,
    expansions: Vec<String>,
}

fn read_data(
    parts: &[Data],
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Option<Payload>, CurlError> {
    let Some(first) = parts.first() else {
        return Ok(None);
    };
    let json = parts.iter().any(|part| part.kind == DataKind::Json);
    if let Some(other) = parts
        .iter()
        .find(|part| json && part.kind != DataKind::Json)
    {
        return Err(CurlError::new(format!(
            "the command gives the body with both --json and {}: give it once",
            other.option
        )));
    }
    let texts = parts
        .iter()
        .map(|part| data_text(part, read_file))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Payload {
        text: if json {
            texts.concat()
        } else {
            texts.join("&")
        },
        option: first.option.clone(),
        json,
        expansions: parts
            .iter()
            .flat_map(|part| part.value.expansions.iter().cloned())
            .collect(),
    }))
}

/// The text one data option sends.
fn data_text(
    part: &Data,
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<String, CurlError> {
    let value = &part.value.text;
    let file = value.strip_prefix('@');
    Ok(match (part.kind, file) {
        (DataKind::Ascii, Some(path)) => {
            file_text(part, path, read_file)?.replace(['\r', '\n'], "")
        }
        (DataKind::Binary | DataKind::Json, Some(path)) => file_text(part, path, read_file)?,
        (DataKind::UrlEncode, _) => url_encoded(part, read_file)?,
        _ => value.clone(),
    })
}

/// Characters `--data-urlencode` escapes: all but the unreserved ones, as curl does.
const URL_ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `--data-urlencode`'s forms: `TEXT`, `=TEXT`, `NAME=TEXT`, `@FILE` and `NAME@FILE`, the text
/// or file percent-encoded.
fn url_encoded(
    part: &Data,
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<String, CurlError> {
    let value = &part.value.text;
    let encode = |text: &str| utf8_percent_encode(text, URL_ENCODED).to_string();
    let Some(at) = value.find(['=', '@']) else {
        return Ok(encode(value));
    };
    let (name, rest) = value.split_at(at);
    let content = match rest.strip_prefix('@') {
        Some(path) => file_text(part, path, read_file)?,
        None => rest[1..].to_owned(),
    };
    Ok(if name.is_empty() {
        encode(&content)
    } else {
        format!("{name}={}", encode(&content))
    })
}

fn file_text(
    part: &Data,
    path: &str,
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<String, CurlError> {
    let bytes = read_file(path).map_err(|reason| {
        CurlError::new(format!(
            "cannot read {} @{}: {reason}",
            part.option,
            shown(path)
        ))
    })?;
    String::from_utf8(bytes).map_err(|_| {
        CurlError::new(format!(
            "the file of {} @{} is not UTF-8 text",
            part.option,
            shown(path)
        ))
    })
}

/// The URL the request goes to, as curl reads it: its pattern characters escaped or refused,
/// `-G` data added to the query, `http://` before a URL without a scheme.
fn request_url(
    args: &CurlArgs,
    query: Option<&Payload>,
    notes: &mut Vec<String>,
) -> Result<Url, CurlError> {
    let Some(word) = &args.url else {
        return Err(CurlError::new(
            "the command has no URL: curl needs one to send a request".to_owned(),
        ));
    };
    if let Some(expansion) = word.expansions.first() {
        return Err(CurlError::new(format!(
            "the URL uses {expansion}, whose value is not in the command: write the URL itself"
        )));
    }
    let mut text = if args.globoff {
        word.text.clone()
    } else {
        unglob(&word.text)?
    };
    if let Some(query) = query {
        // curl leaves out the fragment, and adds the data to the query.
        if let Some(hash) = text.find('#') {
            text.truncate(hash);
        }
        text.push(if text.contains('?') { '&' } else { '?' });
        text.push_str(&query.text);
    }
    if !text.contains("://") {
        notes.push("The URL has no scheme: it is read as http://…, as curl does.".to_owned());
        text = format!("http://{text}");
    }
    let url = Url::parse(&text)
        .map_err(|err| CurlError::new(format!("the URL {} is not valid ({err})", shown(&text))))?;
    check_url(&url, notes)?;
    Ok(url)
}

fn check_url(url: &Url, notes: &mut Vec<String>) -> Result<(), CurlError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(CurlError::new(format!(
            "the URL {} is not http or https, which is all the API answers",
            shown(url.as_str())
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(CurlError::new(
            "the URL holds a user name or password; the API takes its key as a Bearer token: send -H \"Authorization: Bearer YOUR_API_TOKEN\" instead"
                .to_owned(),
        ));
    }
    if let Some(fragment) = url.fragment() {
        notes.push(format!(
            "Left out the URL's #{}: curl does not send it.",
            shown(fragment)
        ));
    }
    Ok(())
}

/// The URL with curl's pattern characters read as curl reads them: `\[`, `\]`, `\{` and `\}` are
/// the characters themselves (browsers write them so), the brackets of an IPv6 host are the
/// host's, and any other `[`, `]`, `{` or `}` is refused, since curl would send several requests.
fn unglob(url: &str) -> Result<String, CurlError> {
    let mut read = String::new();
    let mut rest = url;
    while let Some(c) = rest.chars().next() {
        let next = rest[c.len_utf8()..].chars().next();
        if c == '\\' && next.is_some_and(|next| "[]{}".contains(next)) {
            read.push_str(&rest[1..2]);
            rest = &rest[2..];
            continue;
        }
        if c == '['
            && read.ends_with("://")
            && let Some(end) = rest.find(']').filter(|end| is_ipv6(&rest[1..*end]))
        {
            read.push_str(&rest[..=end]);
            rest = &rest[end + 1..];
            continue;
        }
        if "[]{}".contains(c) {
            return Err(CurlError::new(format!(
                "the URL {} holds {c}, and curl reads [ ] and {{ }} in a URL as a pattern of several requests: write \\{c} for the character itself, or add -g",
                shown(url)
            )));
        }
        read.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Ok(read)
}

/// Whether `host` (between brackets) is an IPv6 address, with an optional zone.
fn is_ipv6(host: &str) -> bool {
    let (address, zone) = host.split_once('%').unwrap_or((host, ""));
    address.contains(':')
        && address
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        && zone
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~%".contains(c))
}

/// The method as curl chooses it: `-X`, else HEAD for `-I`, POST with a body, GET otherwise.
fn method(args: &CurlArgs, has_body: bool, notes: &mut Vec<String>) -> Result<String, CurlError> {
    let written = match &args.method {
        Some(word) => {
            if let Some(expansion) = word.expansions.first() {
                return Err(CurlError::new(format!(
                    "the method is {expansion}, whose value is not in the command: write the method itself"
                )));
            }
            word.text.clone()
        }
        None if args.head => "HEAD".to_owned(),
        None if has_body => "POST".to_owned(),
        None => "GET".to_owned(),
    };
    let method = written.to_ascii_uppercase();
    if method != written {
        notes.push(format!(
            "The method {} is read as {method}: the API's methods are upper case.",
            shown(&written)
        ));
    }
    Ok(method)
}

/// What the command's headers mean for the request.
#[derive(Debug, Default)]
struct Headers {
    token: Token,
    content_type: Option<String>,
    accept: Option<String>,
    /// Headers the app does not send, by name in lower case, once each.
    left_out: Vec<String>,
}

/// The token the command sends.
#[derive(Debug, Default, PartialEq, Eq)]
enum Token {
    #[default]
    None,
    Given(String),
    /// The docs' `YOUR_API_TOKEN`.
    Placeholder,
    /// A shell variable the shell would put the token from (`$FLAMEUP_API_TOKEN`).
    Variable(String),
}

/// Headers the app's HTTP client sets itself: left out without a word.
const TRANSPORT_HEADERS: [&str; 5] = [
    "host",
    "content-length",
    "accept-encoding",
    "connection",
    "expect",
];

impl Headers {
    /// The headers of `-H`, `--oauth2-bearer`, `-A`, `-e`, `-b` and `--json` (which the given
    /// headers override, as in curl).
    fn read(args: &CurlArgs, json: bool) -> Result<Self, CurlError> {
        let json_type = json.then(|| "application/json".to_owned());
        let mut headers = Self {
            content_type: json_type.clone(),
            accept: json_type,
            left_out: args
                .header_options
                .iter()
                .map(|name| (*name).to_owned())
                .collect(),
            ..Self::default()
        };
        // The names left out so far, to list each once without a search through the list.
        let mut left_out: HashSet<String> = headers.left_out.iter().cloned().collect();
        let mut authorizations = 0;
        if let Some(bearer) = &args.bearer {
            headers.token = token_of(&bearer.text, &bearer.expansions)?;
            authorizations += 1;
        }
        for word in &args.headers {
            let Some((name, value)) = header_parts(word)? else {
                continue;
            };
            match name.as_str() {
                "authorization" => {
                    authorizations += 1;
                    if authorizations > 1 {
                        return Err(CurlError::new(
                            "the command gives the Authorization header twice: give one token"
                                .to_owned(),
                        ));
                    }
                    headers.token = authorization(&value, &word.expansions)?;
                }
                "content-type" => headers.content_type = Some(value),
                "accept" => headers.accept = Some(value),
                name if TRANSPORT_HEADERS.contains(&name) => {}
                _ => {
                    if left_out.insert(name.clone()) {
                        headers.left_out.push(name);
                    }
                }
            }
        }
        Ok(headers)
    }

    /// What the token and the headers left out mean, in notes.
    fn note(&self, notes: &mut Vec<String>) {
        match &self.token {
            Token::Variable(variable) => notes.push(format!(
                "The command reads the token from {variable} when it runs, so it holds no token to import."
            )),
            Token::Placeholder => notes.push(format!(
                "The command holds the docs' placeholder {TOKEN_PLACEHOLDER} instead of a token."
            )),
            Token::None | Token::Given(_) => {}
        }
        if !self.left_out.is_empty() {
            notes.push(left_out_note(&self.left_out));
        }
        if let Some(accept) = self.accept.as_deref() {
            let lower = accept.to_ascii_lowercase();
            if !lower.contains("json") && !lower.contains("*/*") {
                notes.push(format!(
                    "The command asks for {}; the app asks for application/json.",
                    shown(accept)
                ));
            }
        }
    }
}

/// How many left-out headers the note names; a note naming thousands would be unreadable.
const LEFT_OUT_NAMED: usize = 10;

/// The note for the headers the app does not send: the first few by name, and how many more.
fn left_out_note(names: &[String]) -> String {
    let named = names[..names.len().min(LEFT_OUT_NAMED)].join(", ");
    match names.len().saturating_sub(LEFT_OUT_NAMED) {
        0 => format!("Left out headers the app does not send: {named}."),
        more => format!("Left out headers the app does not send: {named} and {more} more."),
    }
}

/// A header's name in lower case and its value, or `None` for `Name:` with no value, which
/// makes curl leave a header out. `Name;` is a header with an empty value.
fn header_parts(word: &Word) -> Result<Option<(String, String)>, CurlError> {
    let text = &word.text;
    if text.starts_with('@') {
        return Err(CurlError::new(format!(
            "the command's -H {} reads headers from a file the import cannot see: write them as -H \"Name: value\"",
            shown(text)
        )));
    }
    let (name, value) = match text.split_once(':') {
        Some((name, value)) if value.trim().is_empty() => (name, None),
        Some((name, value)) => (name, Some(value.trim())),
        None => match text.strip_suffix(';') {
            Some(name) => (name, Some("")),
            None => {
                return Err(CurlError::new(format!(
                    "the header {} has no colon: write it as -H \"Name: value\"",
                    shown(text)
                )));
            }
        },
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(CurlError::new(format!(
            "the header {} has no name: write it as -H \"Name: value\"",
            shown(text)
        )));
    }
    Ok(value.map(|value| (name.to_ascii_lowercase(), value.to_owned())))
}

/// The token of an `Authorization` header, which must be a Bearer token.
fn authorization(value: &str, expansions: &[String]) -> Result<Token, CurlError> {
    let (scheme, token) = value
        .split_once(' ')
        .map_or((value, ""), |(scheme, token)| (scheme, token.trim()));
    if scheme.eq_ignore_ascii_case("bearer") {
        return token_of(token, expansions);
    }
    if let Some(expansion) = expansions.first() {
        return Err(CurlError::new(format!(
            "the Authorization header is built from {expansion}, whose value is not in the command: write it as Authorization: Bearer YOUR_API_TOKEN"
        )));
    }
    // Only a scheme's name is shown: what stands there may be a key written without `Bearer`.
    let a_scheme =
        !token.is_empty() && scheme.len() <= 16 && scheme.chars().all(|c| c.is_ascii_alphabetic());
    let used = if a_scheme {
        format!("uses the {scheme} scheme")
    } else {
        "does not start with Bearer".to_owned()
    };
    Err(CurlError::new(format!(
        "the Authorization header {used}; the API takes its key as a Bearer token: Authorization: Bearer YOUR_API_TOKEN"
    )))
}

/// The token after `Bearer`: from a shell variable, the docs' placeholder, or the token itself,
/// which must be something a header can carry.
fn token_of(token: &str, expansions: &[String]) -> Result<Token, CurlError> {
    if let Some(expansion) = expansions
        .iter()
        .find(|written| token.contains(written.as_str()))
    {
        return Ok(Token::Variable(expansion.clone()));
    }
    if token.is_empty() {
        return Err(CurlError::new(
            "the Authorization header has no token after Bearer".to_owned(),
        ));
    }
    if token == TOKEN_PLACEHOLDER {
        return Ok(Token::Placeholder);
    }
    if !token.chars().all(|c| c.is_ascii_graphic()) {
        return Err(CurlError::new(
            "the token in the Authorization header cannot be sent: it holds a space or a character that is not visible ASCII"
                .to_owned(),
        ));
    }
    Ok(Token::Given(token.to_owned()))
}

/// The body's inputs for `operation`, from the command's body.
fn body_form(
    operation: &Operation,
    body: Option<&Payload>,
    headers: &Headers,
    notes: &mut Vec<String>,
) -> Result<FormValue, CurlError> {
    let Some(request_body) = &operation.body else {
        return match body {
            None => Ok(FormValue::default()),
            Some(payload) => Err(CurlError::new(format!(
                "{} ({} {}) takes no body, but the command sends one with {}: leave it out, or add -G to send it as the query",
                operation.id, operation.method, operation.path, payload.option
            ))),
        };
    };
    let Some(payload) = body else {
        notes.push(format!(
            "The command sends no body; {} takes one, so its form starts empty.",
            operation.id
        ));
        return Ok(FormValue::empty(&request_body.schema));
    };
    if payload.text.trim().is_empty() {
        return Err(CurlError::new(format!(
            "the body of {} is empty: {} takes a JSON body",
            payload.option, operation.id
        )));
    }
    let json: Value = serde_json::from_str(&payload.text).map_err(|err| {
        CurlError::new(format!(
            "the body of {} is not JSON ({err}): {} takes a JSON body",
            payload.option, operation.id
        ))
    })?;
    note_label(payload, headers, notes);
    Ok(FormValue::from_body(&request_body.schema, &json))
}

/// A note when curl would label the body as something else than the JSON the app sends.
fn note_label(payload: &Payload, headers: &Headers, notes: &mut Vec<String>) {
    match headers.content_type.as_deref() {
        None if !payload.json => notes.push(
            "The command gives no Content-Type, so curl would label the body application/x-www-form-urlencoded; the app sends it as application/json."
                .to_owned(),
        ),
        Some(label) if !is_json_type(label) => notes.push(format!(
            "The command labels the body {}; the app sends it as application/json.",
            shown(label)
        )),
        _ => {}
    }
}

/// Whether a `Content-Type` says JSON: `application/json` or a `+json` type, with any parameters.
fn is_json_type(label: &str) -> bool {
    let media_type = label
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    media_type == "application/json" || media_type.ends_with("+json")
}

/// A note for each shell variable in the data, which is kept as written.
fn note_expansions(data: &Payload, in_query: bool, notes: &mut Vec<String>) {
    let place = if in_query { "query" } else { "body" };
    for expansion in &data.expansions {
        notes.push(format!(
            "The {place} holds {expansion}, kept as written: the shell would put its value there."
        ));
    }
}

/// The most characters of a text a message shows.
const MOST_SHOWN: usize = 80;

/// `text` for a message: control characters escaped, so a message stays one line, and cut short
/// when long.
fn shown(text: &str) -> String {
    let mut shown: String = text
        .chars()
        .take(MOST_SHOWN)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if text.chars().nth(MOST_SHOWN).is_some() {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract() -> &'static Contract {
        crate::contract::embedded().unwrap()
    }

    fn imported(command: &str) -> CurlImport {
        import_curl(command, contract()).unwrap()
    }

    fn refused(command: &str) -> String {
        import_curl(command, contract()).unwrap_err().to_string()
    }

    #[test]
    fn shells_are_told_by_their_first_quoting() {
        assert_eq!(Shell::detect("curl 'a^\"'"), Shell::Posix);
        assert_eq!(Shell::detect("curl a \\\n b"), Shell::Posix);
        assert_eq!(Shell::detect("curl ^\"a'^\""), Shell::WindowsCmd);
        assert_eq!(Shell::detect("curl a ^\n b"), Shell::WindowsCmd);
        assert_eq!(Shell::detect("curl \"a\""), Shell::Posix);
    }

    #[test]
    fn urls_are_read_as_curl_reads_them() {
        assert_eq!(unglob(r"http://h/a\[1\]\{x\}").unwrap(), "http://h/a[1]{x}");
        assert_eq!(unglob("http://[::1]:9/v1").unwrap(), "http://[::1]:9/v1");
        assert_eq!(
            unglob("http://[fe80::1%25eth0]/v1").unwrap(),
            "http://[fe80::1%25eth0]/v1"
        );
        assert!(unglob("http://h/people/{a,b}").is_err());
        assert!(unglob("http://h/[1-3]").is_err());
        assert!(unglob("]http://[").is_err());
        assert!(is_ipv6("::ffff:1.2.3.4"));
        assert!(!is_ipv6("1-3"));
    }

    #[test]
    fn a_get_with_a_query_on_a_custom_host() {
        let import =
            imported("curl -sS 'http://127.0.0.1:8080/api/v1/people?limit=5&search=a+b%21'");
        assert_eq!(import.draft.operation, "listPeople");
        assert_eq!(import.draft.environment, Environment::Custom);
        assert_eq!(import.base_url, "http://127.0.0.1:8080/api/v1");
        assert_eq!(import.draft.custom_base_url, import.base_url);
        assert_eq!(import.draft.values.query["limit"], "5");
        assert_eq!(import.draft.values.query["search"], "a b!");
        assert_eq!(import.ignored_flags, ["-s", "-S"]);
        assert!(import.notes.is_empty(), "{:?}", import.notes);
    }

    #[test]
    fn literal_segments_and_longer_paths_win() {
        let batch =
            imported("curl https://api.flameup.ai/api/v1/people/batch --json '{\"people\": []}'");
        assert_eq!(batch.draft.operation, "batchPeople");
        assert_eq!(batch.draft.environment, Environment::Production);
        let search = imported("curl http://h/x/workspaces/ws%201/people/search?q=ada");
        assert_eq!(search.draft.operation, "searchWorkspacePeople");
        assert_eq!(search.base_url, "http://h/x");
        assert_eq!(search.draft.values.path["workspaceId"], "ws 1");
        assert_eq!(
            refused("curl https://api.flameup.ai/api/v1/people/batch"),
            "the API has no GET /people/batch: that path takes POST (batchPeople)"
        );
    }

    #[test]
    fn the_token_is_taken_but_never_shown() {
        let import = imported(
            "curl -H 'authorization: bearer ws_test_secret' https://api.flameup.ai/api/v1/people/ada",
        );
        assert_eq!(import.token.as_deref(), Some("ws_test_secret"));
        assert!(!format!("{import:?}").contains("ws_test_secret"));
        let from_env = imported(
            "curl -H \"Authorization: Bearer $FLAMEUP_API_TOKEN\" https://api.flameup.ai/api/v1/people/ada",
        );
        assert_eq!(from_env.token, None);
        assert_eq!(
            from_env.notes,
            [
                "The command reads the token from $FLAMEUP_API_TOKEN when it runs, so it holds no token to import."
            ]
        );
        let literal = imported(
            "curl -H 'Authorization: Bearer $not_a_variable' https://api.flameup.ai/api/v1/people/ada",
        );
        assert_eq!(literal.token.as_deref(), Some("$not_a_variable"));
        let secret = "ws_live_abc.0123";
        let error = refused(&format!(
            "curl -H 'Authorization: {secret}' https://api.flameup.ai/api/v1/people/ada"
        ));
        assert!(!error.contains(secret), "{error}");
    }

    #[test]
    fn files_are_read_by_the_reader_only() {
        let command = "curl https://api.flameup.ai/api/v1/people -d @body.json";
        assert_eq!(
            refused(command),
            format!("cannot read -d @body.json: {FILES_NOT_READ}")
        );
        let mut asked = Vec::new();
        let import = import_curl_reading(command, contract(), &mut |path| {
            asked.push(path.to_owned());
            Ok(b"{\"userId\":\n \"u\"}\r\n".to_vec())
        })
        .unwrap();
        assert_eq!(asked, ["body.json"]);
        assert_eq!(
            import.draft.body_json(),
            Some(serde_json::json!({"userId": "u"}))
        );
    }

    #[test]
    fn data_urlencode_with_get_makes_the_query() {
        let import = imported(
            "curl -G https://api.flameup.ai/api/v1/people --data-urlencode 'search=a b&c' -d limit=2",
        );
        assert_eq!(import.draft.operation, "listPeople");
        assert_eq!(import.draft.values.query["search"], "a b&c");
        assert_eq!(import.draft.values.query["limit"], "2");
        assert_eq!(
            refused("curl -G https://api.flameup.ai/api/v1/people --data-urlencode 'a b'"),
            "listPeople has no query parameter a b: it takes limit, offset, status or search"
        );
    }

    #[test]
    fn messages_stay_on_one_line() {
        assert_eq!(shown("a\nb\u{1b}"), "a\\nb\\u{1b}");
        assert_eq!(shown(&"x".repeat(81)), format!("{}…", "x".repeat(80)));
        assert_eq!(joined(&["a", "b", "c"], "or"), "a, b or c");
    }
}
