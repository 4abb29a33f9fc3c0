//! Pure data and rules: no I/O, no egui. Shared by the window and the command line.

pub mod body;
pub mod draft;
pub mod field_notes;
pub mod json_text;
pub mod lint;
pub mod problem;
pub mod request;
pub mod response;

pub use draft::{Draft, Environment, FieldRow, PathStyle, ValueKind, WELL_KNOWN_TRAITS};
pub use request::{
    BuildError, Credential, HttpRequest, TOKEN_ENV_VAR, TOKEN_PLACEHOLDER, build_request,
};
pub use response::{BodyView, HttpResponse, Lines, PersonCard, RateLimit, StatusClass};
