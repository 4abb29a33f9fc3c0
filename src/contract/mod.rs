//! The one contract: `assets/flameup-openapi.json`, the only description of the Flameup API,
//! embedded in the binary and parsed once into a small typed model of its operations.
//!
//! Pure: no I/O, no egui. Everything about an endpoint (its path, parameters, body, answers and
//! the docs' contradictions) is data in the document; nothing here is written per operation.
//! `$ref`s are resolved while parsing, so the schemas handed out are self-contained JSON values.

mod check;
mod params;
mod parse;
mod validate;

pub use check::{AnswerCheck, AnswerFinding, AnswerFindingKind, LISTED_FINDINGS};
pub use params::{ParamPlace, UnknownParam};
pub use validate::{FindingKind, SchemaFinding};

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, LazyLock};

use serde_json::Value;

/// The document exactly as shipped, byte for byte (what `flameup-explorer contract` prints).
pub const DOCUMENT: &str = include_str!("../../assets/flameup-openapi.json");

/// The embedded document, parsed on first use and kept for the life of the process.
static EMBEDDED: LazyLock<Result<Contract, ContractError>> =
    LazyLock::new(|| Contract::parse(DOCUMENT));

/// The embedded contract. A test proves it parses, so the error is for a broken build only; it
/// is returned rather than panicked on so a caller can still explain it.
pub fn embedded() -> Result<&'static Contract, &'static ContractError> {
    EMBEDDED.as_ref()
}

/// The API's operations, in document order, and where the API lives.
#[derive(Clone, Debug)]
pub struct Contract {
    server_url: String,
    operations: Vec<Operation>,
}

impl Contract {
    /// Parses an OpenAPI 3.1 document of the subset this app uses: servers, paths with their
    /// operations, parameters, request bodies and responses, resolving `$ref`s within the document.
    pub fn parse(text: &str) -> Result<Self, ContractError> {
        parse::contract(text)
    }

    /// The first server's URL: the production base URL every path is appended to.
    pub fn server_url(&self) -> &str {
        &self.server_url
    }

    /// Every operation, in the order the document lists them (path by path, method by method).
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation with this operationId (exact, case-sensitive: users and scripts type them).
    /// A linear search: there are about twenty.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|operation| operation.id == id)
    }
}

/// One operation of the API.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The operationId, e.g. `createPerson`.
    pub id: String,
    pub method: Method,
    /// The path template under the server URL, e.g. `/people/{id}`.
    pub path: String,
    pub summary: String,
    pub description: String,
    /// The docs' group (the first tag): People, Events, Devices, Messaging or Campaigns.
    pub group: String,
    /// The path's parameters, in the order the document lists them.
    pub path_params: Vec<PathParam>,
    pub query_params: Vec<QueryParam>,
    pub body: Option<RequestBody>,
    /// The documented answers by status (`"200"`, `"404"`, …), each a resolved OpenAPI Response
    /// object (description, headers, content). An answer the document defines once for many
    /// operations (the error answers) is one shared value, not a copy per operation.
    pub responses: BTreeMap<String, Arc<Value>>,
    /// Every `x-flameup-docs` note the operation carries or reaches (its parameters, body and
    /// answers), once each, in document order.
    pub notes: Vec<DocsNote>,
    /// No page shows this operation as such: the contract infers it (`x-flameup-inferred`).
    pub inferred: bool,
    /// The answers' schemas compiled for checking answers, built on the first check and kept.
    answer_checks: check::CompiledAnswers,
}

/// An HTTP method the contract uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// The method as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A value in the path. Always required.
#[derive(Clone, Debug)]
pub struct PathParam {
    /// The name in the template, as `--path NAME=VALUE` takes it.
    pub name: String,
    pub description: String,
    /// Which identifier it takes (`x-flameup-identifier`), so a value of the wrong kind can be
    /// warned about.
    pub identifier: IdentifierKind,
    /// The document's example value, what a first look at the operation shows.
    pub example: Option<String>,
}

/// What kind of identifier a value is, as the contract marks it (`x-flameup-identifier`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdentifierKind {
    /// Your own id of the person (the userId sent at creation, answered as `external_id`).
    ExternalId,
    /// Your id of the person or their email address, never Flameup's UUID.
    ExternalIdOrEmail,
    /// Flameup's own id of the person: a UUID.
    PersonUuid,
    /// Your id of the person or Flameup's UUID.
    ExternalIdOrPersonUuid,
    /// A workspace id such as `ws_abc123`.
    WorkspaceId,
    /// A campaign id such as `camp_…`.
    CampaignId,
}

impl IdentifierKind {
    /// The kind named by an `x-flameup-identifier` value.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "external_id" => Self::ExternalId,
            "external_id_or_email" => Self::ExternalIdOrEmail,
            "person_uuid" => Self::PersonUuid,
            "external_id_or_person_uuid" => Self::ExternalIdOrPersonUuid,
            "workspace_id" => Self::WorkspaceId,
            "campaign_id" => Self::CampaignId,
            _ => return None,
        })
    }
}

/// A value in the query string.
#[derive(Clone, Debug)]
pub struct QueryParam {
    pub name: String,
    pub description: String,
    pub required: bool,
    pub kind: ParamKind,
    /// The document's example value, what a first look at the operation shows.
    pub example: Option<String>,
}

/// What a parameter's value may be, from its schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Text, with its `format` (`email`, `uuid`, `date-time`) when the schema names one.
    String {
        format: Option<String>,
    },
    /// A whole number, within the schema's bounds when it has them.
    Integer {
        minimum: Option<i64>,
        maximum: Option<i64>,
    },
    Number,
    Boolean,
    /// One of these strings.
    Enum(Vec<String>),
}

/// An operation's request body.
#[derive(Clone, Debug)]
pub struct RequestBody {
    /// Whether the operation needs a body (an optional body may be left out).
    pub required: bool,
    /// The JSON Schema of the body, with every `$ref` resolved.
    pub schema: Value,
    /// The document's example body, if it gives one.
    pub example: Option<Value>,
    /// The schema compiled for checking bodies, built on the first check and kept: a draft is
    /// checked on every keystroke, and compiling costs far more than checking.
    compiled: validate::CompiledBody,
}

/// A note from the docs (`x-flameup-docs`): what each page says where they disagree, and which
/// one the contract follows; or how an undocumented part was inferred.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocsNote {
    pub at: NoteAt,
    pub text: String,
    /// The part the note is on is inferred (`x-flameup-inferred`), not read from any page.
    pub inferred: bool,
}

/// What a note is about, so the window can show it beside that thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteAt {
    Operation,
    /// A path or query parameter, by name.
    Parameter(String),
    /// A place in the body schema, as a JSON Pointer into [`RequestBody::schema`] (`""` is the
    /// whole body, `/properties/traits` its traits).
    Body(String),
    /// An answer: its status, and a JSON Pointer into that Response object.
    Response {
        status: String,
        pointer: String,
    },
}

/// Why the document could not be read as a contract: where, and what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractError {
    /// A JSON Pointer into the document.
    pub at: String,
    pub problem: String,
}

impl fmt::Display for ContractError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "the API contract is broken at {}: {}",
            self.at, self.problem
        )
    }
}

impl std::error::Error for ContractError {}
