//! The check of an answer against the contract: is its status documented for the operation, and
//! does its body have the documented shape? Each difference is one [`AnswerFinding`] with a JSON
//! Pointer into the body, what the docs say, what came back, and the docs' note on that part.
//!
//! Pure: no I/O, no egui; the window calls it on the request's thread and the command line after
//! a send. The schemas are walked by this module rather than handed to the JSON Schema validator,
//! because the question differs: a validator accepts any property a schema does not forbid, and
//! the integrator wants to know which fields the docs never mention. The rules:
//!
//! - **Undocumented field**: a property of an object whose schema lists its properties (and does
//!   not say `additionalProperties: true`), or whose schema says `additionalProperties: false`.
//!   An object that lists none, or allows any (traits, `attributes`, an event's `properties`,
//!   the upsert's `{}`), is free-form: anything goes in it. `additionalProperties` given as a
//!   schema checks the extra values against it.
//! - **Missing field**: a `required` property that is absent.
//! - **Wrong type**: a value of a JSON type the schema's `type` does not list (an integer is a
//!   number without a fractional part, as in JSON Schema). A value of the wrong type is not
//!   looked into further.
//! - **Not in enum**: a value outside the schema's `enum` (or other than its `const`).
//! - **Undocumented status**: a status the operation documents neither exactly, nor as a range
//!   (`4XX`), nor as `default`. The body is then not checked: there is nothing to check it with.
//!
//! The kinds are the five above; other rules map onto the nearest, with `expected` saying which:
//!
//! - a value outside the schema's `minimum`/`maximum` (or their exclusive forms), `minLength`/
//!   `maxLength`, `pattern` or `format` is a wrong type ("at least 0", "a date and time");
//! - a key an object repeats is a wrong type at that key ("one value"): a parser keeps only one
//!   of its values, and which one differs between clients;
//! - a body where the docs document none for a status HTTP gives no body (`204`) is an
//!   undocumented field at `""`;
//! - a documented response header (`X-RateLimit-*`) whose value breaks its schema is a wrong type
//!   at `headers/NAME`; a header is written in digits where the docs say integer.
//!
//! Where the docs contradict themselves and the contract lists the shapes (`anyOf`/`oneOf`, as
//! for the six error bodies), an answer in any of them matches; the shape it matched, or else
//! the closest (fewest differences, then fewest documented fields left out), is the one its
//! findings are measured against, and [`AnswerCheck::documented_as`] names it.
//!
//! An answer documented with a body that is not JSON is not looked into. Where JSON is
//! documented, a body that is not JSON is one finding at `""` that says why where it can: not
//! UTF-8 at some byte, or still compressed (`Content-Encoding: br`, which is not decoded).
//! The media type is judged where the caller knows the headers ([`Operation::check_response`]):
//! a JSON answer without a `Content-Type` is a finding, as one sent as `text/plain` is, since a
//! client that goes by the header cannot read either as JSON. A body checked offline
//! ([`Operation::check_answer`] without a media type) has no headers to judge.
//!
//! A part nested deeper than serde_json parses a value (127 levels) is walked as it arrived
//! where its schema looks inside it, and skipped where its schema is free-form (nothing in it
//! can differ from the docs); only where that is impossible (several shapes, or an `enum`, at
//! such a part) is it one finding saying it is nested too deeply to be checked.
//!
//! Cost: an answer schema is compiled once per operation and status, on its first check, into a
//! tree with hashed property lookups; a check is then one walk of the body. The bytes of a body
//! are walked as they arrived (`raw.rs`), parsing only small parts at a time, so a 50 MB list is
//! never a `Value` in memory; [`Operation::check_json_answer`] spares a caller that has parsed
//! the body anyway a second parse. At most [`LISTED_FINDINGS`] findings are listed.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::sync::{Arc, OnceLock};

use jsonschema::error::ValidationErrorKind;
use jsonschema::{JsonType, Validator};
use serde_json::{Map, Value};

use super::Operation;

mod raw;
use super::parse::{JSON_MEDIA, NOTE, SCHEMA_NAME};
use super::validate::{options, push_escaped, shown, type_phrase};

/// The longest `actual` a finding shows, in characters, before it is cut with "…".
const SHOWN_CHARACTERS: usize = 60;

/// How many findings a check lists; the rest are only counted. A long list drifted the same
/// way in every item would otherwise cost a finding (and its note) per item: gigabytes for a
/// 50 MB answer, and more lines than anyone reads.
pub const LISTED_FINDINGS: usize = 1000;

/// What checking one answer found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnswerCheck {
    /// Every difference from the docs, in the order the body lists its fields (for an object:
    /// its fields, then the required ones it lacks). Empty when the answer matches the docs.
    /// At most [`LISTED_FINDINGS`].
    pub findings: Vec<AnswerFinding>,
    /// How many differences were found after the listed ones.
    pub unlisted: usize,
    /// The documented shape the body was checked against, by its component name (`Person`,
    /// `ErrorStandard`) or else its `title`: where the docs list several shapes, the one it
    /// matched, or the closest one. `None` for an unnamed schema, or when no body was checked.
    pub documented_as: Option<String>,
}

impl AnswerCheck {
    /// The answer is what the docs promise.
    pub fn is_ok(&self) -> bool {
        self.count() == 0
    }

    /// How many differences were found, listed or not.
    pub fn count(&self) -> usize {
        self.findings.len() + self.unlisted
    }

    /// The one-line verdict: "matches the docs", "1 difference from the docs", "3 differences
    /// from the docs".
    pub fn verdict(&self) -> String {
        match self.count() {
            0 => "matches the docs".to_owned(),
            1 => "1 difference from the docs".to_owned(),
            count => format!("{count} differences from the docs"),
        }
    }

    /// The shape beside the verdict, when it has a name: "documented as Person" for an answer
    /// that matches it, "closest: ErrorCoded" for one that differs (it was measured against
    /// that shape, but it is not that shape). The window and the command line both say this.
    pub fn shape(&self) -> Option<String> {
        let name = self.documented_as.as_deref()?;
        Some(if self.is_ok() {
            format!("documented as {name}")
        } else {
            format!("closest: {name}")
        })
    }
}

/// One way an answer differs from its operation's documented answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerFinding {
    /// Where, as a JSON Pointer into the body (`/people/3/status`); `""` is the whole body, and
    /// the place of an undocumented status. A missing field points at itself (`/event_id`).
    pub path: String,
    pub kind: AnswerFindingKind,
    /// What the docs say there, short: "text", "one of ios, android, web", "a documented
    /// status: 200, 400".
    pub expected: String,
    /// What came back, short: the value as JSON, cut at 60 characters; "absent"; a status.
    pub actual: String,
    /// The docs' note (`x-flameup-docs`) on the schema that decides the finding, or else on the
    /// nearest schema around it, or on the documented answer itself.
    pub note: Option<String>,
}

/// Which way an answer differs from the docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnswerFindingKind {
    UndocumentedStatus,
    UndocumentedField,
    MissingField,
    WrongType,
    NotInEnum,
}

impl AnswerFindingKind {
    /// The kind as scripts read it in `--output json`: `undocumented_status`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UndocumentedStatus => "undocumented_status",
            Self::UndocumentedField => "undocumented_field",
            Self::MissingField => "missing_field",
            Self::WrongType => "wrong_type",
            Self::NotInEnum => "not_in_enum",
        }
    }
}

impl Operation {
    /// Checks an answer, as it arrived, against this operation's documented answers: its
    /// status, its media type when `content_type` is given (JSON where JSON is documented), and
    /// its body's shape. See the module's documentation for the rules.
    pub fn check_answer(
        &self,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> AnswerCheck {
        self.check_received(status, &Received::offline(content_type), body)
    }

    /// Checks an answer with its headers: [`Operation::check_answer`], and also its
    /// `Content-Type` present, its `Content-Encoding` decoded, and its documented headers'
    /// values (`X-RateLimit-*`).
    pub fn check_response(
        &self,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> AnswerCheck {
        self.check_received(status, &Received::of(headers), body)
    }

    fn check_received(&self, status: u16, received: &Received<'_>, body: &[u8]) -> AnswerCheck {
        match self.compiled_answer(status) {
            Ok(answer) => answer.check_bytes(received, body, raw::WHOLE_BELOW),
            Err(finding) => single(finding),
        }
    }

    /// [`Operation::check_answer`] for a body already parsed (the window parses it for its
    /// view): the same check without parsing the bytes again.
    pub fn check_json_answer(
        &self,
        status: u16,
        content_type: Option<&str>,
        body: &Value,
    ) -> AnswerCheck {
        match self.compiled_answer(status) {
            Ok(answer) => answer.check(&Received::offline(content_type), body),
            Err(finding) => single(finding),
        }
    }

    /// Compiles every answer schema now instead of at the first check of each status (off the
    /// UI thread, or to measure it). Compiling cannot fail: a keyword the check does not know is
    /// not checked.
    pub fn prepare_answer_check(&self) {
        for slot in self.answer_slots().values() {
            slot.compiled();
        }
    }

    /// The key of the documented answer that covers `status`: the status itself (`"404"`), its
    /// range (`"4XX"`), or `"default"`; `None` when the status is undocumented.
    pub fn documented_status(&self, status: u16) -> Option<&str> {
        documented(&self.responses, status).map(|(key, _)| key.as_str())
    }

    /// The compiled answer documented for `status`, or the finding that none is.
    fn compiled_answer(&self, status: u16) -> Result<&CompiledAnswer, AnswerFinding> {
        let slots = self.answer_slots();
        documented(slots, status)
            .map(|(_, slot)| slot.compiled())
            .ok_or_else(|| undocumented(slots, status))
    }

    fn answer_slots(&self) -> &BTreeMap<String, AnswerSlot> {
        self.answer_checks.0.get_or_init(|| {
            Arc::new(
                self.responses
                    .iter()
                    .map(|(key, response)| {
                        let slot = AnswerSlot {
                            response: Arc::clone(response),
                            no_content: NO_CONTENT.contains(&key.as_str()),
                            compiled: OnceLock::new(),
                        };
                        (key.clone(), slot)
                    })
                    .collect(),
            )
        })
    }
}

/// An operation's answers by status, each compiled for checking on its first check; a clone of
/// the operation made after the first check shares them.
#[derive(Clone, Default)]
pub(super) struct CompiledAnswers(OnceLock<Arc<BTreeMap<String, AnswerSlot>>>);

/// The statuses HTTP gives no body: documented without content, any body is a difference.
/// Another status documented without content (deletePerson's inferred `200`) takes any body,
/// as the docs do not say what it holds.
const NO_CONTENT: [&str; 3] = ["204", "205", "304"];

/// One documented answer, and its compiled form once a check has needed it.
struct AnswerSlot {
    response: Arc<Value>,
    /// The answer is documented for a status in [`NO_CONTENT`].
    no_content: bool,
    compiled: OnceLock<CompiledAnswer>,
}

impl AnswerSlot {
    fn compiled(&self) -> &CompiledAnswer {
        self.compiled
            .get_or_init(|| CompiledAnswer::compile(&self.response, self.no_content))
    }
}

impl std::fmt::Debug for CompiledAnswers {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The compiled trees say nothing the responses beside them do not.
        let compiled: Vec<&str> = self.0.get().map_or_else(Vec::new, |slots| {
            slots
                .iter()
                .filter(|(_, slot)| slot.compiled.get().is_some())
                .map(|(status, _)| status.as_str())
                .collect()
        });
        formatter
            .debug_struct("CompiledAnswers")
            .field("compiled", &compiled)
            .finish()
    }
}

/// One documented answer, compiled.
struct CompiledAnswer {
    /// The body's schema when the answer is documented as JSON (a schema-less JSON answer
    /// accepts any JSON); `None` when no JSON body is documented, so there is nothing to check.
    json: Option<Node>,
    /// A status without a body ([`NO_CONTENT`]) documented without `content`: any body is a
    /// difference.
    bodiless: bool,
    /// The documented response headers, by name as the docs write it, with their schemas.
    headers: Vec<(String, Node)>,
    /// The answer's own note, for findings no schema note is nearer to.
    note: Option<String>,
}

/// The media type an answer came with, as far as the caller knows.
#[derive(Clone, Copy)]
enum Media<'h> {
    /// A saved body checked offline: its headers are unknown, so its media type is not judged.
    Unknown,
    /// The answer had no `Content-Type`.
    Absent,
    Sent(&'h str),
}

/// What came with an answer besides its body.
#[derive(Clone, Copy)]
pub(super) struct Received<'h> {
    media: Media<'h>,
    /// A `Content-Encoding` other than `identity`: the bytes may still be compressed.
    encoding: Option<&'h str>,
    /// Every header, to check the documented ones; empty offline.
    headers: &'h [(String, String)],
}

impl<'h> Received<'h> {
    /// A body without its headers, and its media type if the caller knows it.
    pub(super) fn offline(content_type: Option<&'h str>) -> Self {
        Self {
            media: content_type.map_or(Media::Unknown, Media::Sent),
            encoding: None,
            headers: &[],
        }
    }

    /// An answer's headers, as received (names in any case).
    fn of(headers: &'h [(String, String)]) -> Self {
        let header = |wanted: &str| {
            headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
                .map(|(_, value)| value.as_str())
        };
        Self {
            media: header("content-type").map_or(Media::Absent, Media::Sent),
            encoding: header("content-encoding")
                .map(str::trim)
                .filter(|encoding| {
                    !encoding.is_empty() && !encoding.eq_ignore_ascii_case("identity")
                }),
            headers,
        }
    }
}

impl CompiledAnswer {
    fn compile(response: &Value, no_content: bool) -> Self {
        let content = response.get("content");
        let media = content.and_then(|content| content.get(JSON_MEDIA));
        let headers = response
            .get("headers")
            .and_then(Value::as_object)
            .map(|headers| {
                headers
                    .iter()
                    .filter_map(|(name, header)| {
                        let schema = header.get("schema")?;
                        let mut node = Node::compile(schema);
                        node.note = node.note.or_else(|| note_of(header));
                        Some((name.clone(), node))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            json: media.map(|media| {
                media
                    .get("schema")
                    .map_or_else(Node::default, Node::compile)
            }),
            bodiless: no_content && content.is_none(),
            headers,
            note: note_of(response),
        }
    }

    /// Checks a JSON body (and what came with it) against this answer.
    fn check(&self, received: &Received<'_>, body: &Value) -> AnswerCheck {
        let mut walk = self.check_headers(received, true);
        let Some(schema) = &self.json else {
            if self.bodiless {
                walk.push(
                    AnswerFindingKind::UndocumentedField,
                    "no body".to_owned(),
                    shown_json(body),
                    self.note.as_deref(),
                );
            }
            return walk.finish(None, None);
        };
        let chosen = walk.check(schema, body, self.note.as_deref());
        walk.finish(Some(schema), chosen)
    }

    /// The findings of what came with the body: its media type (with `media`, where a JSON body
    /// is documented and the media type is known), then each documented header that was sent.
    fn check_headers(&self, received: &Received<'_>, media: bool) -> Walk<'_> {
        let mut walk = Walk::default();
        let note = self.note.as_deref();
        if media && self.json.is_some() {
            match received.media {
                Media::Sent(media) if !is_json_media(media) => {
                    walk.findings
                        .push(wrong_media(&format!("Content-Type {}", cut(media)), note));
                }
                // Missing is flagged like text/plain: a client that goes by the header (as
                // HTTP says it should) cannot read either as the JSON the docs promise.
                Media::Absent => walk.findings.push(wrong_media("no Content-Type", note)),
                Media::Sent(_) | Media::Unknown => {}
            }
        }
        for (name, node) in &self.headers {
            let sent = received
                .headers
                .iter()
                .filter(|(sent, _)| sent.eq_ignore_ascii_case(name));
            for (_, text) in sent {
                let mut part = header_walk(node, text, note);
                let path = format!("headers/{}", name.to_ascii_lowercase());
                for finding in &mut part.findings {
                    finding.path.clone_from(&path);
                }
                walk.merge(part);
            }
        }
        walk
    }
}

/// The check of one documented header's value: read as its schema's type says (an integer
/// written in digits only, a number as JSON writes it, else text), then walked like a body.
fn header_walk<'n>(node: &'n Node, text: &str, note: Option<&'n str>) -> Walk<'n> {
    let mut walk = Walk::default();
    let text = text.trim();
    let types = node.types;
    let wants = |kind| types.is_some_and(|types| types.has(kind));
    let value = if wants(JsonType::Number) || wants(JsonType::Integer) {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let integer = !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit());
        let number = serde_json::from_str::<serde_json::Number>(text)
            .ok()
            .filter(|_| integer || wants(JsonType::Number));
        match number {
            Some(number) => Value::Number(number),
            None if wants(JsonType::String) => Value::String(text.to_owned()),
            None => {
                let expected = match types {
                    Some(types) if !wants(JsonType::Number) => {
                        format!("{}, in digits", types.phrase())
                    }
                    Some(types) => types.phrase(),
                    None => "a number".to_owned(),
                };
                let actual = serde_json::to_string(text).unwrap_or_default();
                walk.push(AnswerFindingKind::WrongType, expected, cut(&actual), note);
                return walk;
            }
        }
    } else {
        Value::String(text.to_owned())
    };
    let mut part = Walk::default();
    part.check(node, &value, note);
    // The value lives only here: its findings are owned text, so only they are kept.
    walk.findings = part.findings;
    walk.unlisted = part.unlisted;
    walk
}

/// The finding for a status no documented answer covers, listing those that are.
fn undocumented<T>(answers: &BTreeMap<String, T>, status: u16) -> AnswerFinding {
    let keys: Vec<&str> = answers.keys().map(String::as_str).collect();
    AnswerFinding {
        path: String::new(),
        kind: AnswerFindingKind::UndocumentedStatus,
        expected: format!("a documented status: {}", keys.join(", ")),
        actual: status.to_string(),
        note: None,
    }
}

/// The entry of `answers` that covers `status`: exact, then its range (`4XX`, any case), then
/// `default`, as OpenAPI orders them.
fn documented<T>(answers: &BTreeMap<String, T>, status: u16) -> Option<(&String, &T)> {
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    answers
        .get_key_value(&exact)
        .or_else(|| {
            answers
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(&range))
        })
        .or_else(|| answers.get_key_value("default"))
}

fn single(finding: AnswerFinding) -> AnswerCheck {
    AnswerCheck {
        findings: vec![finding],
        unlisted: 0,
        documented_as: None,
    }
}

/// The finding for a body that is not JSON where JSON is documented: what it was sent as, and
/// how it starts.
fn not_json(received: &Received<'_>, body: &[u8]) -> AnswerFinding {
    let actual = if body.iter().all(u8::is_ascii_whitespace) {
        "an empty body".to_owned()
    } else if let Some(encoding) = received.encoding {
        format!(
            "a body encoded with {}, which is not decoded",
            cut(encoding)
        )
    } else if body.starts_with(b"\xef\xbb\xbf") {
        // JSON text must not begin with one (RFC 8259), and most parsers refuse it.
        "a body that starts with a byte order mark (EF BB BF)".to_owned()
    } else if let Err(error) = std::str::from_utf8(body) {
        format!("a body that is not UTF-8 at byte {}", error.valid_up_to())
    } else {
        let start = String::from_utf8_lossy(&body[..body.len().min(SHOWN_CHARACTERS * 4)]);
        let sent = match received.media {
            Media::Sent(media) => media,
            Media::Unknown | Media::Absent => "a body",
        };
        format!("{sent}: {}", cut(start.trim()))
    };
    AnswerFinding {
        path: String::new(),
        kind: AnswerFindingKind::WrongType,
        expected: "JSON".to_owned(),
        actual,
        note: None,
    }
}

/// The finding for a body sent under another media type, or none: `actual` says which.
fn wrong_media(actual: &str, note: Option<&str>) -> AnswerFinding {
    AnswerFinding {
        path: String::new(),
        kind: AnswerFindingKind::WrongType,
        expected: format!("Content-Type {JSON_MEDIA}"),
        actual: actual.to_owned(),
        note: note.map(str::to_owned),
    }
}

/// `application/json`, or a `+json` type, with any parameters.
fn is_json_media(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == JSON_MEDIA || essence.ends_with("+json")
}

/// A schema compiled for checking answers: only what the check uses.
#[derive(Default)]
struct Node {
    /// The component name (`x-flameup-schema`, kept by the parser) or else the `title`.
    name: Option<String>,
    note: Option<String>,
    /// The JSON types allowed; `None` allows any.
    types: Option<Types>,
    /// The values allowed (`enum`, or `const` as a one-value list); `None` allows any.
    allowed: Option<Vec<Value>>,
    properties: HashMap<String, Node>,
    required: Vec<String>,
    extra: Extra,
    items: Option<Box<Node>>,
    /// The shapes of an `anyOf` or `oneOf`, any of which matches.
    choices: Vec<Node>,
    /// The schema's rules for a text or a number (bounds, lengths, `pattern`, `format`), as
    /// the request lint's validator checks them; `None` when it has none.
    rules: Option<Box<Validator>>,
}

/// The keywords [`Node::rules`] holds: the rules of a single text or number.
const VALUE_RULES: [&str; 8] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
];

/// What an object's properties that the schema does not list are.
#[derive(Default)]
enum Extra {
    /// Free-form: anything goes.
    #[default]
    Free,
    /// Each one is an undocumented field.
    Undocumented,
    /// Each one is checked against this schema.
    Checked(Box<Node>),
}

impl Node {
    fn compile(schema: &Value) -> Self {
        let Some(map) = schema.as_object() else {
            return Self::default();
        };
        let properties: HashMap<String, Node> = map
            .get("properties")
            .and_then(Value::as_object)
            .map(|properties| {
                properties
                    .iter()
                    .map(|(name, property)| (name.clone(), Self::compile(property)))
                    .collect()
            })
            .unwrap_or_default();
        let extra = match map.get("additionalProperties") {
            Some(Value::Bool(false)) => Extra::Undocumented,
            Some(Value::Bool(true)) => Extra::Free,
            Some(extra @ Value::Object(_)) => Extra::Checked(Box::new(Self::compile(extra))),
            _ if properties.is_empty() => Extra::Free,
            _ => Extra::Undocumented,
        };
        let choices = ["anyOf", "oneOf"]
            .iter()
            .filter_map(|keyword| map.get(*keyword).and_then(Value::as_array))
            .flatten()
            .map(Self::compile)
            .collect();
        Self {
            name: text(map, SCHEMA_NAME).or_else(|| text(map, "title")),
            note: note_of(schema),
            types: map.get("type").map(Types::of),
            allowed: map
                .get("enum")
                .and_then(Value::as_array)
                .cloned()
                .or_else(|| map.get("const").map(|value| vec![value.clone()])),
            required: map
                .get("required")
                .and_then(Value::as_array)
                .map(|names| {
                    names
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            properties,
            extra,
            items: map
                .get("items")
                .filter(|items| items.is_object())
                .map(|items| Box::new(Self::compile(items))),
            choices,
            rules: value_rules(map),
        }
    }

    /// Nothing in a value here can differ from the docs: no type, values, fields, items,
    /// shapes or rules are documented for it (`attributes`, traits). A part so free need not
    /// be read at all.
    fn checks_nothing(&self) -> bool {
        self.types.is_none()
            && self.allowed.is_none()
            && self.properties.is_empty()
            && self.required.is_empty()
            && matches!(self.extra, Extra::Free)
            && self.items.is_none()
            && self.choices.is_empty()
            && self.rules.is_none()
    }

    /// What the docs say a value here is, for a missing field: "required: text or null".
    fn required_phrase(&self) -> String {
        match &self.types {
            Some(types) => format!("required: {}", types.phrase()),
            None => "required".to_owned(),
        }
    }
}

/// A validator of the schema's [`VALUE_RULES`] alone, built as the request lint builds its own
/// (the same formats asserted), or `None` when the schema has none of them. A schema the
/// validator refuses (a `pattern` it cannot compile) leaves its rules unchecked rather than
/// failing the whole check.
fn value_rules(map: &Map<String, Value>) -> Option<Box<Validator>> {
    let rules: Map<String, Value> = VALUE_RULES
        .iter()
        .filter_map(|keyword| Some(((*keyword).to_owned(), map.get(*keyword)?.clone())))
        .collect();
    if rules.is_empty() {
        return None;
    }
    options().build(&Value::Object(rules)).ok().map(Box::new)
}

/// What a broken value rule says the docs expect: "at least 0", "a date and time (RFC 3339)".
fn rule_phrase(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::Minimum { limit } => format!("at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("more than {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("less than {limit}"),
        ValidationErrorKind::MinLength { limit } => format!("at least {limit} characters"),
        ValidationErrorKind::MaxLength { limit } => format!("at most {limit} characters"),
        ValidationErrorKind::Pattern { pattern } => format!("text matching {pattern}"),
        ValidationErrorKind::Format { format } => format_phrase(format),
        other => format!("{other:?}"),
    }
}

/// A format as the docs mean it: "a date and time (RFC 3339)", "an email address".
fn format_phrase(format: &str) -> String {
    match format {
        "date-time" => "a date and time (RFC 3339), such as 2024-05-01T09:30:00Z".to_owned(),
        "date" => "a date (RFC 3339), such as 2024-05-01".to_owned(),
        "email" => "an email address".to_owned(),
        "uuid" => "a UUID".to_owned(),
        "uri" => "a URI".to_owned(),
        other => format!("a valid {other}"),
    }
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn note_of(value: &Value) -> Option<String> {
    value.get(NOTE).and_then(Value::as_str).map(str::to_owned)
}

/// A set of JSON types, as bits.
#[derive(Clone, Copy)]
struct Types(u8);

impl Types {
    /// In the order their words are listed; null last, as "text or null" reads best.
    const ALL: [JsonType; 7] = [
        JsonType::String,
        JsonType::Integer,
        JsonType::Number,
        JsonType::Boolean,
        JsonType::Object,
        JsonType::Array,
        JsonType::Null,
    ];

    /// The types a `type` keyword names (a name or a list of names); unknown names are left out.
    fn of(keyword: &Value) -> Self {
        let names: Vec<&str> = match keyword {
            Value::String(name) => vec![name.as_str()],
            Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let bits = names
            .iter()
            .filter_map(|name| name.parse::<JsonType>().ok())
            .fold(0, |bits, kind| bits | Self::bit(kind));
        Self(bits)
    }

    /// The type's bit: the validator numbers its types by distinct bits already.
    fn bit(kind: JsonType) -> u8 {
        kind as u8
    }

    fn has(self, kind: JsonType) -> bool {
        self.0 & Self::bit(kind) != 0
    }

    fn admits(self, value: &Value) -> bool {
        match value {
            Value::Null => self.has(JsonType::Null),
            Value::Bool(_) => self.has(JsonType::Boolean),
            Value::String(_) => self.has(JsonType::String),
            Value::Array(_) => self.has(JsonType::Array),
            Value::Object(_) => self.has(JsonType::Object),
            Value::Number(number) => {
                self.has(JsonType::Number) || (self.has(JsonType::Integer) && is_integer(number))
            }
        }
    }

    /// "text", "text or null", "a whole number": the words the lint uses for the same types. A
    /// number already covers whole numbers.
    fn phrase(self) -> String {
        let words: Vec<&str> = Self::ALL
            .into_iter()
            .filter(|kind| self.has(*kind))
            .filter(|kind| !(*kind == JsonType::Integer && self.has(JsonType::Number)))
            .map(type_phrase)
            .collect();
        if words.is_empty() {
            return "nothing".to_owned();
        }
        words.join(" or ")
    }
}

/// A number without a fractional part, however it is written (`3`, `3.0`, `3e2`, or too big for
/// any integer type), as JSON Schema counts integers.
fn is_integer(number: &serde_json::Number) -> bool {
    if number.is_i64() || number.is_u64() {
        return true;
    }
    let text = number.to_string();
    if !text.contains(['.', 'e', 'E']) {
        return true;
    }
    number
        .as_f64()
        .is_some_and(|float| float.is_finite() && float.fract() == 0.0)
}

/// One walk of a body through a schema: the findings so far, where it is, and how many
/// documented optional fields were absent (to tell the closest of several shapes).
#[derive(Default)]
struct Walk<'a> {
    findings: Vec<AnswerFinding>,
    /// Findings past [`LISTED_FINDINGS`], counted only.
    unlisted: usize,
    absent: usize,
    /// The way down to the value being checked; written out as a JSON Pointer only for a
    /// finding, so a clean body costs no path text.
    steps: Vec<Step<'a>>,
}

/// One step down a body. A key is borrowed from the body where it can be (an escaped key of a
/// body checked as it arrived is written out).
#[derive(Clone)]
enum Step<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

impl<'a> Walk<'a> {
    /// Checks `value` against `node`; `inherited` is the nearest note around it. Returns the
    /// index of the shape chosen when `node` lists several.
    fn check(
        &mut self,
        node: &'a Node,
        value: &'a Value,
        inherited: Option<&'a str>,
    ) -> Option<usize> {
        let note = node.note.as_deref().or(inherited);
        let chosen = (!node.choices.is_empty()).then(|| self.choose(&node.choices, value, note));
        if let Some(types) = node.types
            && !types.admits(value)
        {
            self.push(
                AnswerFindingKind::WrongType,
                types.phrase(),
                shown_json(value),
                note,
            );
            return chosen;
        }
        if let Some(allowed) = &node.allowed
            && !allowed.contains(value)
        {
            let options: Vec<String> = allowed.iter().map(shown).collect();
            let expected = match options.as_slice() {
                [only] => only.clone(),
                _ => format!("one of {}", options.join(", ")),
            };
            self.push(
                AnswerFindingKind::NotInEnum,
                expected,
                shown_json(value),
                note,
            );
            return chosen;
        }
        if let Some(rules) = &node.rules
            && matches!(value, Value::String(_) | Value::Number(_))
            && !rules.is_valid(value)
        {
            for error in rules.iter_errors(value) {
                self.push(
                    AnswerFindingKind::WrongType,
                    rule_phrase(error.kind()),
                    shown_json(value),
                    note,
                );
            }
            return chosen;
        }
        match value {
            Value::Object(map) => self.object(node, map, note),
            Value::Array(items) => {
                if let Some(item) = &node.items {
                    for (index, value) in items.iter().enumerate() {
                        self.steps.push(Step::Index(index));
                        self.check(item, value, note);
                        self.steps.pop();
                    }
                }
            }
            _ => {}
        }
        chosen
    }

    fn object(&mut self, node: &'a Node, map: &'a Map<String, Value>, note: Option<&'a str>) {
        let mut listed_present = 0;
        for (key, value) in map {
            self.steps.push(Step::Key(Cow::Borrowed(key)));
            match node.properties.get(key) {
                Some(property) => {
                    listed_present += 1;
                    self.check(property, value, note);
                }
                None => match &node.extra {
                    Extra::Free => {}
                    Extra::Undocumented => self.push(
                        AnswerFindingKind::UndocumentedField,
                        "not documented".to_owned(),
                        shown_json(value),
                        note,
                    ),
                    Extra::Checked(extra) => {
                        self.check(extra, value, note);
                    }
                },
            }
            self.steps.pop();
        }
        let listed_missing = self.missing_fields(node, |name| map.contains_key(name), note);
        self.absent += node
            .properties
            .len()
            .saturating_sub(listed_present + listed_missing);
    }

    /// A finding for each field `node` requires that the object lacks; returns how many of
    /// them the schema lists.
    fn missing_fields(
        &mut self,
        node: &'a Node,
        present: impl Fn(&str) -> bool,
        note: Option<&'a str>,
    ) -> usize {
        let mut listed_missing = 0;
        for name in node.required.iter().filter(|name| !present(name)) {
            self.steps.push(Step::Key(Cow::Borrowed(name)));
            let property = node.properties.get(name);
            listed_missing += usize::from(property.is_some());
            let expected = property.map_or_else(|| "required".to_owned(), Node::required_phrase);
            let note = property
                .and_then(|property| property.note.as_deref())
                .or(note);
            self.push(
                AnswerFindingKind::MissingField,
                expected,
                "absent".to_owned(),
                note,
            );
            self.steps.pop();
        }
        listed_missing
    }

    /// Checks `value` against each shape and keeps the findings of the best: one it matches,
    /// else the one with the fewest differences; among equals, the one that leaves out the
    /// fewest documented fields, then the first listed.
    fn choose(&mut self, choices: &'a [Node], value: &'a Value, note: Option<&'a str>) -> usize {
        let mut best: Option<(usize, Walk<'a>)> = None;
        for (index, choice) in choices.iter().enumerate() {
            let mut trial = Walk {
                steps: self.steps.clone(),
                ..Walk::default()
            };
            trial.check(choice, value, note);
            let score = (trial.findings.len() + trial.unlisted, trial.absent);
            let better = best
                .as_ref()
                .is_none_or(|(_, kept)| score < (kept.findings.len() + kept.unlisted, kept.absent));
            if better {
                best = Some((index, trial));
            }
        }
        match best {
            Some((index, kept)) => {
                self.merge(kept);
                index
            }
            None => 0,
        }
    }

    /// The check this walk makes, from the body's `schema` and the shape `chosen` in it.
    fn finish(self, schema: Option<&Node>, chosen: Option<usize>) -> AnswerCheck {
        let documented_as = schema.and_then(|schema| {
            chosen
                .and_then(|index| schema.choices.get(index))
                .and_then(|choice| choice.name.clone())
                .or_else(|| schema.name.clone())
        });
        AnswerCheck {
            findings: self.findings,
            unlisted: self.unlisted,
            documented_as,
        }
    }

    /// Takes in the findings of a walk of a part of the body, keeping the list's bound.
    fn merge(&mut self, part: Walk<'_>) {
        let room = LISTED_FINDINGS.saturating_sub(self.findings.len());
        let listed = part.findings.len().min(room);
        self.unlisted += part.findings.len() - listed + part.unlisted;
        self.findings.extend(part.findings.into_iter().take(listed));
        self.absent += part.absent;
    }

    fn push(
        &mut self,
        kind: AnswerFindingKind,
        expected: String,
        actual: String,
        note: Option<&str>,
    ) {
        if self.findings.len() >= LISTED_FINDINGS {
            self.unlisted += 1;
            return;
        }
        self.push_at(self.pointer(), kind, expected, actual, note);
    }

    /// [`Walk::push`] at `path` rather than where the walk is.
    fn push_at(
        &mut self,
        path: String,
        kind: AnswerFindingKind,
        expected: String,
        actual: String,
        note: Option<&str>,
    ) {
        if self.findings.len() >= LISTED_FINDINGS {
            self.unlisted += 1;
            return;
        }
        self.findings.push(AnswerFinding {
            path,
            kind,
            expected,
            actual,
            note: note.map(str::to_owned),
        });
    }

    /// Where the walk is, as a JSON Pointer.
    fn pointer(&self) -> String {
        let mut pointer = String::new();
        for step in &self.steps {
            pointer.push('/');
            match step {
                Step::Key(key) => push_escaped(&mut pointer, key),
                Step::Index(index) => pointer.push_str(&index.to_string()),
            }
        }
        pointer
    }
}

/// A value as compact JSON, cut at [`SHOWN_CHARACTERS`]: a huge value is not written out whole
/// only to be cut.
fn shown_json(value: &Value) -> String {
    let mut out = Bounded {
        bytes: Vec::new(),
        limit: SHOWN_CHARACTERS * 4 + 4,
    };
    // Stopping early is the point: the error only says the bound was reached.
    let _ = serde_json::to_writer(&mut out, value);
    cut(&String::from_utf8_lossy(&out.bytes))
}

/// A writer that keeps the first `limit` bytes and then refuses more.
struct Bounded {
    bytes: Vec<u8>,
    limit: usize,
}

impl Write for Bounded {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        let room = self.limit.saturating_sub(self.bytes.len());
        if room == 0 {
            return Err(io::Error::other("long enough"));
        }
        let taken = buffer.len().min(room);
        self.bytes.extend_from_slice(&buffer[..taken]);
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `text` cut at [`SHOWN_CHARACTERS`] characters, with "…" where it was cut.
fn cut(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARACTERS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use serde_json::json;

    use super::*;

    #[test]
    fn integers_are_numbers_without_a_fraction_however_written() {
        let number = |text: &str| serde_json::from_str::<serde_json::Number>(text).unwrap();
        for whole in ["3", "-3", "3.0", "3e2", "123456789012345678901234567890"] {
            assert!(is_integer(&number(whole)), "{whole}");
        }
        for fraction in ["3.5", "1e-3", "-0.25"] {
            assert!(!is_integer(&number(fraction)), "{fraction}");
        }
    }

    #[test]
    fn type_phrases_read_as_the_lint_reads_them() {
        assert_eq!(Types::of(&json!("string")).phrase(), "text");
        assert_eq!(
            Types::of(&json!(["null", "string"])).phrase(),
            "text or null"
        );
        assert_eq!(
            Types::of(&json!(["integer", "number"])).phrase(),
            "a number"
        );
        assert_eq!(Types::of(&json!("integer")).phrase(), "a whole number");
    }

    #[test]
    fn long_values_are_cut_without_being_written_whole() {
        let long = json!({ "text": "x".repeat(1_000_000) });
        let shown = shown_json(&long);
        assert_eq!(shown.chars().count(), SHOWN_CHARACTERS + 1);
        assert!(shown.starts_with("{\"text\":\"xxx"), "{shown}");
        assert!(shown.ends_with('…'), "{shown}");
        assert_eq!(shown_json(&json!("é")), "\"é\"");
    }

    #[test]
    fn json_media_types() {
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/problem+json",
        ] {
            assert!(is_json_media(json), "{json}");
        }
        for other in [
            "text/plain",
            "text/html; charset=utf-8",
            "",
            "application/jsonx",
        ] {
            assert!(!is_json_media(other), "{other}");
        }
    }

    #[test]
    fn a_status_is_documented_exactly_then_by_range_then_by_default() {
        let answers: BTreeMap<String, ()> = ["200", "4XX", "default"]
            .into_iter()
            .map(|key| (key.to_owned(), ()))
            .collect();
        let key = |answers: &BTreeMap<String, ()>, status| {
            documented(answers, status).map(|(key, _)| key.clone())
        };
        assert_eq!(key(&answers, 200).as_deref(), Some("200"));
        assert_eq!(key(&answers, 404).as_deref(), Some("4XX"));
        assert_eq!(key(&answers, 503).as_deref(), Some("default"));
        let exact: BTreeMap<String, ()> = [("200".to_owned(), ())].into();
        assert_eq!(key(&exact, 201), None);
    }

    #[test]
    fn each_status_is_compiled_on_its_first_check_and_kept() {
        let contract = crate::contract::Contract::parse(crate::contract::DOCUMENT).unwrap();
        let get = contract.operation("getPerson").unwrap();
        let compiled = |status: &str| {
            get.answer_checks
                .0
                .get()
                .and_then(|slots| slots[status].compiled.get())
        };
        assert!(
            get.answer_checks.0.get().is_none(),
            "compiled before any check"
        );
        get.check_answer(200, None, b"{}");
        let first: *const CompiledAnswer = compiled("200").expect("compiled by the check");
        assert!(compiled("404").is_none(), "another status compiled too");
        get.check_answer(200, None, b"{}");
        assert!(
            std::ptr::eq(first, compiled("200").unwrap()),
            "compiled again"
        );
        get.prepare_answer_check();
        assert!(compiled("404").is_some());
        assert_eq!(
            format!("{:?}", get.answer_checks),
            "CompiledAnswers { compiled: [\"200\", \"400\", \"401\", \"403\", \"404\", \"429\", \"500\", \"503\"] }"
        );
    }

    fn operation(id: &str) -> &'static Operation {
        crate::contract::embedded().unwrap().operation(id).unwrap()
    }

    fn person() -> Value {
        json!({
            "id": "123e4567-e89b-12d3-a456-426614174000",
            "workspace_id": "ws_1",
            "external_id": "user-1",
            "attributes": {"plan": "pro"},
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z"
        })
    }

    fn json_headers() -> Vec<(String, String)> {
        vec![("Content-Type".to_owned(), "application/json".to_owned())]
    }

    /// Each finding as "kind path: expected / actual".
    fn lines(check: &AnswerCheck) -> Vec<String> {
        check
            .findings
            .iter()
            .map(|finding| {
                format!(
                    "{} {}: {} / {}",
                    finding.kind.as_str(),
                    finding.path,
                    finding.expected,
                    finding.actual
                )
            })
            .collect()
    }

    #[test]
    fn a_person_with_attributes_nested_200_deep_is_checked_not_called_not_json() {
        let mut body = person();
        let text = serde_json::to_string(&body).unwrap().replacen(
            "\"attributes\":{\"plan\":\"pro\"}",
            &format!("\"attributes\":{}", nested_text(200)),
            1,
        );
        assert!(text.contains("{\"a\":{\"a\""), "{text}");
        let get = operation("getPerson");
        assert!(get.check_answer(200, None, text.as_bytes()).is_ok());
        // Deep where the docs look: the fields are still checked around it.
        body["email"] = json!(42);
        let text = serde_json::to_string(&body).unwrap().replacen(
            "\"attributes\":{\"plan\":\"pro\"}",
            &format!("\"attributes\":{}", nested_text(200)),
            1,
        );
        assert_eq!(
            lines(&get.check_answer(200, None, text.as_bytes())),
            ["wrong_type /email: text or null / 42"]
        );
    }

    /// `{"a":{"a":…"x"…}}`, `depth` objects deep, written out (a `Value` that deep cannot be).
    fn nested_text(depth: usize) -> String {
        format!("{}\"x\"{}", "{\"a\":".repeat(depth), "}".repeat(depth))
    }

    #[test]
    fn a_part_too_deep_for_several_shapes_says_so() {
        let node = Node::compile(&json!({"properties": {
            "x": {"anyOf": [{"type": "object"}, {"type": "array"}]}
        }}));
        let answer = CompiledAnswer {
            json: Some(node),
            bodiless: false,
            headers: Vec::new(),
            note: None,
        };
        let body = format!("{{\"x\": {}}}", nested_text(raw::DEEPEST + 5));
        let check = answer.check_bytes(&Received::offline(None), body.as_bytes(), raw::WHOLE_BELOW);
        assert_eq!(
            lines(&check),
            [
                "wrong_type /x: JSON nested at most 127 levels deep, to be checked / JSON nested deeper than 127 levels, not checked from here"
            ]
        );
    }

    #[test]
    fn a_body_not_utf8_or_still_encoded_says_so() {
        let get = operation("getPerson");
        let mut body = serde_json::to_vec(&person()).unwrap();
        body.insert(9, 0xff);
        assert_eq!(
            lines(&get.check_response(200, &json_headers(), &body)),
            ["wrong_type : JSON / a body that is not UTF-8 at byte 9"]
        );
        let mut headers = json_headers();
        headers.push(("Content-Encoding".to_owned(), "br".to_owned()));
        assert_eq!(
            lines(&get.check_response(200, &headers, b"\x1b\x8f\x00\xf8{..")),
            ["wrong_type : JSON / a body encoded with br, which is not decoded"]
        );
        assert_eq!(
            lines(&get.check_answer(200, None, b"\xef\xbb\xbf{}")),
            ["wrong_type : JSON / a body that starts with a byte order mark (EF BB BF)"]
        );
        // Decoded by the client after all (gzip): the JSON is checked as JSON.
        let body = serde_json::to_vec(&person()).unwrap();
        headers[1].1 = "gzip".to_owned();
        assert!(get.check_response(200, &headers, &body).is_ok());
    }

    #[test]
    fn a_body_where_none_is_documented_is_a_difference() {
        let delete = operation("deletePerson");
        assert!(delete.check_answer(204, None, b"").is_ok());
        assert_eq!(
            lines(&delete.check_answer(204, None, b"garbage\xff")),
            ["undocumented_field : no body / a body of 8 bytes"]
        );
        assert_eq!(
            lines(&delete.check_json_answer(204, None, &json!({"ok": true}))),
            ["undocumented_field : no body / {\"ok\":true}"]
        );
    }

    #[test]
    fn a_json_answer_without_content_type_is_flagged_like_text_plain() {
        let get = operation("getPerson");
        let body = serde_json::to_vec(&person()).unwrap();
        assert!(get.check_response(200, &json_headers(), &body).is_ok());
        assert_eq!(
            lines(&get.check_response(200, &[], &body)),
            ["wrong_type : Content-Type application/json / no Content-Type"]
        );
        let plain = [("content-type".to_owned(), "text/plain".to_owned())];
        assert_eq!(
            lines(&get.check_response(200, &plain, &body)),
            ["wrong_type : Content-Type application/json / Content-Type text/plain"]
        );
        // Offline, without headers, the media type is not judged.
        assert!(get.check_answer(200, None, &body).is_ok());
    }

    #[test]
    fn bounds_formats_and_lengths_of_answer_values_are_checked() {
        let list = operation("listPeople");
        assert_eq!(
            lines(&list.check_answer(200, None, br#"{"people": [], "total": -1}"#)),
            ["wrong_type /total: at least 0 / -1"]
        );
        let get = operation("getPerson");
        let mut body = person();
        body["created_at"] = json!("x");
        body["id"] = json!("not-a-uuid");
        body["email"] = json!("nobody");
        let check = get.check_json_answer(200, None, &body);
        let mut found = lines(&check);
        found.sort();
        assert_eq!(
            found,
            [
                "wrong_type /created_at: a date and time (RFC 3339), such as 2024-05-01T09:30:00Z / \"x\"",
                "wrong_type /email: an email address / \"nobody\"",
                "wrong_type /id: a UUID / \"not-a-uuid\"",
            ]
        );
        // The same through the bytes.
        let bytes = serde_json::to_vec(&body).unwrap();
        assert_eq!(get.check_answer(200, None, &bytes).count(), 3);
        body["email"] = Value::Null;
        body["created_at"] = json!("2026-01-01T00:00:00Z");
        body["id"] = json!("123e4567-e89b-12d3-a456-426614174000");
        assert!(get.check_json_answer(200, None, &body).is_ok());
    }

    #[test]
    fn documented_rate_limit_headers_are_whole_numbers_of_at_least_zero() {
        let get = operation("getPerson");
        let body = serde_json::to_vec(&person()).unwrap();
        let with = |value: &str| {
            let mut headers = json_headers();
            headers.push(("x-ratelimit-remaining".to_owned(), value.to_owned()));
            lines(&get.check_response(200, &headers, &body))
        };
        assert_eq!(with("119"), Vec::<String>::new());
        assert_eq!(
            with("abc"),
            ["wrong_type headers/x-ratelimit-remaining: a whole number, in digits / \"abc\""]
        );
        assert_eq!(
            with("-5"),
            ["wrong_type headers/x-ratelimit-remaining: at least 0 / -5"]
        );
        assert_eq!(
            with("1.5e9"),
            ["wrong_type headers/x-ratelimit-remaining: a whole number, in digits / \"1.5e9\""]
        );
    }

    #[test]
    fn a_repeated_key_is_a_finding_at_that_key() {
        let get = operation("getPerson");
        let body = br#"{"id": "123e4567-e89b-12d3-a456-426614174000", "id": "123e4567-e89b-12d3-a456-426614174001",
            "workspace_id": "w", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}"#;
        assert_eq!(
            lines(&get.check_response(200, &json_headers(), body)),
            ["wrong_type /id: one value / the key appears 2 times"]
        );
    }

    #[test]
    fn the_shape_beside_the_verdict_says_closest_when_it_differs() {
        let get = operation("getPerson");
        let matched = get.check_json_answer(200, None, &person());
        assert_eq!(matched.shape().as_deref(), Some("documented as Person"));
        let differs = get.check_json_answer(200, None, &json!({"id": 1}));
        assert!(!differs.is_ok());
        assert_eq!(differs.shape().as_deref(), Some("closest: Person"));
    }

    #[test]
    fn the_person_note_says_what_the_check_does_with_the_guide_shape() {
        let create = operation("createPerson");
        let guide = json!({
            "id": "123e4567-e89b-12d3-a456-426614174000",
            "workspace_id": "ws_1",
            "userId": "user-1",
            "email": "ada@example.com",
            "traits": {"plan": "pro"},
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z"
        });
        let check = create.check_json_answer(201, None, &guide);
        assert_eq!(
            lines(&check),
            [
                "undocumented_field /userId: not documented / \"user-1\"",
                "undocumented_field /traits: not documented / {\"plan\":\"pro\"}"
            ]
        );
        let note = check.findings[0].note.as_deref().unwrap();
        assert!(!note.contains("still accepted"), "{note}");
        assert!(
            note.contains("reports its userId and traits as undocumented fields"),
            "{note}"
        );
    }

    #[test]
    fn an_undocumented_key_is_escaped_in_its_pointer() {
        let node = Node::compile(&json!({"type": "object", "properties": {
            "a": {},
            "list": {"items": {"properties": {"c": {}}}}
        }}));
        let body = json!({"a": 1, "b/c~d": 2, "list": [{"c": 1}, {"d": 2}]});
        let mut walk = Walk::default();
        walk.check(&node, &body, None);
        let paths: Vec<&str> = walk
            .findings
            .iter()
            .map(|finding| finding.path.as_str())
            .collect();
        assert_eq!(paths, ["/b~1c~0d", "/list/1/d"]);
    }
}
