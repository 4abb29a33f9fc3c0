//! Pure data and rules: no I/O, no egui. Shared by the window and the command line.

pub mod body;
pub mod curl_import;
pub mod diff;
pub mod draft;
pub mod field_notes;
pub mod form;
pub mod hosts;
pub mod json_text;
mod legacy;
pub mod links;
pub mod lint;
pub(crate) mod phrase;
pub mod problem;
pub mod redact;
pub mod request;
pub mod response;
pub mod terminal;

pub use draft::{DEFAULT_OPERATION, Draft, Environment, FieldRow, OperationValues, ValueKind};
pub use form::FormValue;
pub use request::{
    BuildError, Credential, HttpRequest, TOKEN_ENV_VAR, TOKEN_PLACEHOLDER, build_operation_request,
    build_request,
};
pub use response::{BodyView, HttpResponse, Lines, PersonCard, RateLimit, StatusClass};
