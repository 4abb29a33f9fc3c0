//! One model for every failed answer, whatever shape its body has: the documented JSON error
//! shapes, HTML pages from proxies, plain text, empty bodies. Pure: no I/O.

use serde_json::{Map, Value};

/// What went wrong, read from a non-2xx answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problem {
    pub status: u16,
    /// A short headline: the server's `error` string, or the status's reason phrase.
    pub title: String,
    /// The server's explanation, or what came back when it gave none.
    pub message: String,
    /// The server's error code or type (`validation_error`, `VALIDATION_ERROR`, `400`).
    pub code: Option<String>,
    pub request_id: Option<String>,
    /// Field path (`email`, `traits.locale`) and its message, in the server's order.
    pub fields: Vec<(String, String)>,
}

impl Problem {
    /// The problem in an answer, or `None` for a 2xx.
    pub fn from_answer(status: u16, headers: &[(String, String)], body: &[u8]) -> Option<Self> {
        if (200..300).contains(&status) {
            return None;
        }
        let mut problem = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(object)) => from_json_object(status, &object),
            Ok(other) => Self::plain(
                status,
                format!(
                    "The server answered {status} with JSON that is not an error object: {}",
                    excerpt(&other.to_string())
                ),
            ),
            Err(_) => Self::plain(status, describe_non_json(status, headers, body)),
        };
        if problem.request_id.is_none() {
            problem.request_id = header(headers, "x-request-id").map(str::to_owned);
        }
        Some(problem)
    }

    fn plain(status: u16, message: String) -> Self {
        Self {
            status,
            title: reason_phrase(status).to_owned(),
            message,
            ..Self::default()
        }
    }

    /// The message for a field path, if the server named it.
    pub fn field(&self, path: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field == path)
            .map(|(_, message)| message.as_str())
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

fn from_json_object(status: u16, object: &Map<String, Value>) -> Problem {
    let error = object.get("error");
    let error_object = error.and_then(Value::as_object);
    let text = |value: Option<&Value>| value.and_then(scalar_text);

    let title = match error {
        Some(Value::String(title)) if !title.trim().is_empty() => title.clone(),
        _ => reason_phrase(status).to_owned(),
    };
    let message = text(error_object.and_then(|error| error.get("message")))
        .or_else(|| text(object.get("message")))
        .or_else(|| text(object.get("detail")))
        .unwrap_or_else(|| {
            format!(
                "The server answered {status} {} with no message.",
                reason_phrase(status)
            )
        });
    let code = error_object
        .and_then(|error| text(error.get("code")).or_else(|| text(error.get("type"))))
        .or_else(|| text(object.get("code")))
        .or_else(|| text(object.get("type")));
    let request_id = text(object.get("request_id"))
        .or_else(|| text(error_object.and_then(|error| error.get("request_id"))));
    let mut fields = Vec::new();
    for details in [
        object.get("details"),
        error_object.and_then(|error| error.get("details")),
    ]
    .into_iter()
    .flatten()
    {
        collect_fields(details, &mut fields);
    }
    Problem {
        status,
        title,
        message,
        code,
        request_id,
        fields,
    }
}

/// Reads field errors from `[{field, message}]`, `{field: message}` or `{fields: {field: message}}`.
fn collect_fields(details: &Value, fields: &mut Vec<(String, String)>) {
    match details {
        Value::Array(items) => {
            for item in items {
                let Some(item) = item.as_object() else {
                    continue;
                };
                let field = item
                    .get("field")
                    .or_else(|| item.get("path"))
                    .or_else(|| item.get("param"))
                    .and_then(scalar_text);
                let message = item
                    .get("message")
                    .and_then(scalar_text)
                    .unwrap_or_else(|| "Invalid".to_owned());
                if let Some(field) = field {
                    fields.push((field, message));
                }
            }
        }
        Value::Object(map) => {
            if let Some(nested) = map.get("fields") {
                collect_fields(nested, fields);
                return;
            }
            for (field, message) in map {
                let message = match message {
                    Value::Array(messages) => messages
                        .iter()
                        .filter_map(scalar_text)
                        .collect::<Vec<_>>()
                        .join("; "),
                    other => scalar_text(other).unwrap_or_else(|| other.to_string()),
                };
                fields.push((field.clone(), message));
            }
        }
        _ => {}
    }
}

/// A string, number or boolean as text; `None` for null, arrays and objects.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Says what came back when the body is not JSON.
fn describe_non_json(status: u16, headers: &[(String, String)], body: &[u8]) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return format!("The server answered {status} with an empty body.");
    }
    let Ok(text) = std::str::from_utf8(body) else {
        let kind = header(headers, "content-type").unwrap_or("non-text data");
        return format!(
            "The server answered {status} with {} bytes of {kind}.",
            body.len()
        );
    };
    let content_type = header(headers, "content-type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.contains("html") || looks_like_html(text) {
        return match html_title(text) {
            Some(title) => {
                format!("The server answered {status} with an HTML page titled '{title}'.")
            }
            None => format!("The server answered {status} with an HTML page."),
        };
    }
    format!(
        "The server answered {status} with text: {}",
        excerpt(text.trim())
    )
}

fn looks_like_html(text: &str) -> bool {
    let start = text
        .trim_start()
        .get(..15)
        .unwrap_or(text.trim_start())
        .to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html") || start.starts_with("<head")
}

/// The text of the first `<title>`, with whitespace collapsed.
fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let title = html
        .get(start..end)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!title.is_empty()).then(|| excerpt(&title))
}

/// At most 200 characters of `text`, on one line.
fn excerpt(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// The standard reason phrase for a status code.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => class_phrase(status),
    }
}

/// A name for a status without a standard phrase of its own, by its class.
fn class_phrase(status: u16) -> &'static str {
    match status {
        300..=399 => "Redirect",
        400..=499 => "Client Error",
        500..=599 => "Server Error",
        _ => "Unexpected Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn problem(status: u16, body: &str) -> Problem {
        Problem::from_answer(status, &[], body.as_bytes()).unwrap()
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn success_has_no_problem() {
        assert_eq!(Problem::from_answer(201, &[], b"{}"), None);
    }

    #[test]
    fn every_documented_shape() {
        // 1. The create-person page's example.
        let one = problem(
            400,
            r#"{"error":"Bad Request","message":"The request contains invalid parameters or malformed data","code":400,"details":[{"field":"email","message":"Invalid email format"}]}"#,
        );
        assert_eq!(
            one,
            Problem {
                status: 400,
                title: "Bad Request".into(),
                message: "The request contains invalid parameters or malformed data".into(),
                code: Some("400".into()),
                request_id: None,
                fields: fields(&[("email", "Invalid email format")]),
            }
        );
        // 2. The create-person page's schema.
        let two = problem(
            400,
            r#"{"success":false,"error":{"code":"invalid_request","message":"Bad input","details":{"traits.locale":"Unknown locale"}}}"#,
        );
        assert_eq!(
            (two.title.as_str(), two.message.as_str()),
            ("Bad Request", "Bad input")
        );
        assert_eq!(two.code.as_deref(), Some("invalid_request"));
        assert_eq!(two.fields, fields(&[("traits.locale", "Unknown locale")]));
        // 3. The errors page's standard shape.
        let three = problem(
            403,
            r#"{"success":false,"error":{"type":"INSUFFICIENT_PERMISSIONS","message":"The key lacks people:write"},"request_id":"req_123"}"#,
        );
        assert_eq!(three.title, "Forbidden");
        assert_eq!(three.code.as_deref(), Some("INSUFFICIENT_PERMISSIONS"));
        assert_eq!(three.request_id.as_deref(), Some("req_123"));
        assert_eq!(three.message, "The key lacks people:write");
        // 4. The simplified shape, also the 429 body.
        let four = problem(
            429,
            r#"{"error":"Rate limit exceeded","message":"Too many requests. Please try again later."}"#,
        );
        assert_eq!(four.title, "Rate limit exceeded");
        assert_eq!(four.message, "Too many requests. Please try again later.");
        assert_eq!(four.code, None);
        // 5. The errors page's 401 and 404.
        let five = problem(
            401,
            r#"{"error":{"code":"unauthorized","message":"Invalid or missing API key"}}"#,
        );
        assert_eq!(
            (five.title.as_str(), five.code.as_deref()),
            ("Unauthorized", Some("unauthorized"))
        );
        assert_eq!(five.message, "Invalid or missing API key");
        assert_eq!(
            problem(
                404,
                r#"{"error":{"code":"not_found","message":"Person not found"}}"#
            )
            .code
            .as_deref(),
            Some("not_found")
        );
        // 6. The errors page's 422.
        let six = problem(
            422,
            r#"{"error":{"code":"validation_error","message":"Validation failed","details":{"fields":{"email":"Invalid email format","userId":"Required field"}}}}"#,
        );
        assert_eq!(six.title, "Unprocessable Entity");
        assert_eq!(six.message, "Validation failed");
        assert_eq!(
            six.fields,
            fields(&[
                ("email", "Invalid email format"),
                ("userId", "Required field")
            ])
        );
        assert_eq!(six.field("userId"), Some("Required field"));
    }

    #[test]
    fn what_is_not_json() {
        let html = "<!DOCTYPE html><html><head><title>\n  502 Bad   Gateway </title></head><body>nginx</body></html>";
        let headers = vec![("content-type".to_owned(), "text/html".to_owned())];
        let bad_gateway = Problem::from_answer(502, &headers, html.as_bytes()).unwrap();
        assert_eq!(bad_gateway.title, "Bad Gateway");
        assert_eq!(
            bad_gateway.message,
            "The server answered 502 with an HTML page titled '502 Bad Gateway'."
        );
        assert_eq!(
            problem(503, "<html><body>down</body></html>").message,
            "The server answered 503 with an HTML page."
        );
        assert_eq!(
            problem(500, "").message,
            "The server answered 500 with an empty body."
        );
        assert_eq!(
            problem(500, " \n").message,
            "The server answered 500 with an empty body."
        );
        assert_eq!(
            problem(503, "upstream connect error\nreset").message,
            "The server answered 503 with text: upstream connect error reset"
        );
        let binary = Problem::from_answer(500, &[], &[0xff, 0xfe, 0x00]).unwrap();
        assert_eq!(
            binary.message,
            "The server answered 500 with 3 bytes of non-text data."
        );
        assert_eq!(
            problem(400, "[1,2]").message,
            "The server answered 400 with JSON that is not an error object: [1,2]"
        );
        assert_eq!(problem(418, "{}").title, "Client Error");
        assert_eq!(
            problem(400, "{}").message,
            "The server answered 400 Bad Request with no message."
        );
    }

    #[test]
    fn the_request_id_header_is_used_when_the_body_has_none() {
        let headers = vec![("X-Request-Id".to_owned(), "req_h".to_owned())];
        let problem = Problem::from_answer(500, &headers, b"oops").unwrap();
        assert_eq!(problem.request_id.as_deref(), Some("req_h"));
    }

    proptest! {
        #[test]
        fn any_bytes_with_any_status_give_a_title_and_message(status in 0u16..1000, body in prop::collection::vec(any::<u8>(), 0..300)) {
            if let Some(problem) = Problem::from_answer(status, &[], &body) {
                prop_assert!(!problem.title.trim().is_empty());
                prop_assert!(!problem.message.trim().is_empty());
            }
        }

        #[test]
        fn any_json_with_any_status_gives_a_title_and_message(status in 300u16..600, body in "\\{(\"(error|message|details|code|fields|field|success|request_id)\": ?(\"[a-z ]{0,5}\"|[0-9]|null|\\[\\]|\\{\\}|true), ?){0,4}\"x\": 1\\}") {
            let problem = Problem::from_answer(status, &[], body.as_bytes()).unwrap();
            prop_assert!(!problem.title.trim().is_empty());
            prop_assert!(!problem.message.trim().is_empty());
        }
    }
}
