//! A request the sandbox turns down, and how that is written in each documented error dialect.
//! Pure: the server decides when to reject, this decides what the answer looks like.

use serde_json::{Map, Value, json};

use super::settings::ErrorDialect;
use crate::model::problem::reason_phrase;

/// One offending field and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// The kinds of rejection the sandbox makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectionKind {
    MalformedBody,
    Validation,
    /// A path or query value that breaks its parameter's rules (empty, not UTF-8, a dot
    /// segment, out of range): "invalid request parameters", 400 in every dialect, as the errors
    /// page has it. Only a body's field errors become 422 in that dialect.
    InvalidParameters,
    Unauthorized,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    Internal,
}

/// A request the sandbox turns down, before it is written in a dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub kind: RejectionKind,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl Rejection {
    pub fn new(kind: RejectionKind, message: impl Into<String>, fields: Vec<FieldError>) -> Self {
        Self {
            kind,
            message: message.into(),
            fields,
        }
    }

    /// A 404 about one value: `field` names it, `why` says what was looked for.
    pub fn not_found(message: impl Into<String>, field: &str, why: impl Into<String>) -> Self {
        Self::new(
            RejectionKind::NotFound,
            message,
            vec![FieldError::new(field, why)],
        )
    }

    pub fn unauthorized(message: &str) -> Self {
        Self::new(
            RejectionKind::Unauthorized,
            message,
            vec![FieldError::new("Authorization", message)],
        )
    }

    /// The status code in `dialect`.
    pub fn status(&self, dialect: ErrorDialect) -> u16 {
        match self.kind {
            RejectionKind::MalformedBody => 400,
            RejectionKind::Validation if dialect == ErrorDialect::Validation422 => 422,
            RejectionKind::Validation => 400,
            RejectionKind::InvalidParameters => 400,
            RejectionKind::Unauthorized => 401,
            RejectionKind::NotFound => 404,
            RejectionKind::MethodNotAllowed => 405,
            RejectionKind::Conflict => 409,
            RejectionKind::PayloadTooLarge => 413,
            RejectionKind::UnsupportedMediaType => 415,
            RejectionKind::Internal => 500,
        }
    }

    fn code(&self) -> &'static str {
        match self.kind {
            RejectionKind::MalformedBody | RejectionKind::InvalidParameters => "bad_request",
            RejectionKind::Validation => "validation_error",
            RejectionKind::Unauthorized => "unauthorized",
            RejectionKind::NotFound => "not_found",
            RejectionKind::MethodNotAllowed => "method_not_allowed",
            RejectionKind::Conflict => "conflict",
            RejectionKind::PayloadTooLarge => "payload_too_large",
            RejectionKind::UnsupportedMediaType => "unsupported_media_type",
            RejectionKind::Internal => "internal_error",
        }
    }

    fn fields_object(&self) -> Map<String, Value> {
        self.fields
            .iter()
            .map(|error| (error.field.clone(), Value::String(error.message.clone())))
            .collect()
    }

    /// The body in `dialect`; `request_id` is used where the dialect has one.
    pub fn body(&self, dialect: ErrorDialect, request_id: &str) -> Value {
        let status = self.status(dialect);
        match dialect {
            ErrorDialect::Docs => {
                let mut body = json!({
                    "error": reason_phrase(status),
                    "message": self.message,
                    "code": status,
                });
                if !self.fields.is_empty() {
                    let details: Vec<Value> = self
                        .fields
                        .iter()
                        .map(|error| json!({"field": error.field, "message": error.message}))
                        .collect();
                    body["details"] = Value::Array(details);
                }
                body
            }
            ErrorDialect::Standard => json!({
                "success": false,
                "error": {
                    "type": self.code().to_uppercase(),
                    "message": self.message,
                    "details": self.fields_object(),
                },
                "request_id": request_id,
            }),
            ErrorDialect::Validation422 => {
                let mut error = json!({"code": self.code(), "message": self.message});
                // The errors page shows details only in its 422 example; its 401 and 404 (the
                // coded shape) carry none.
                if matches!(self.kind, RejectionKind::Validation) {
                    error["details"] = json!({"fields": self.fields_object()});
                }
                json!({ "error": error })
            }
        }
    }
}

/// The body of a 429, the same in every dialect: the docs give only this one.
pub fn rate_limited_body() -> Value {
    json!({"error": "Rate limit exceeded", "message": "Too many requests. Please try again later."})
}
