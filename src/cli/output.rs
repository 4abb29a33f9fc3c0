//! What the command line prints: answers (pretty or JSON), snippets, and one-line failures.

use std::process::ExitCode;

use serde_json::{Map, Value, json};

use crate::model::HttpResponse;

/// Reports a command-line parsing error on one line (exit 2), or prints help or the version
/// (exit 0). clap's own report spans several lines with a usage block.
pub fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let rendered = error.render().to_string();
    let message: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
        .filter(|line| !line.is_empty())
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    eprintln!("flameup-explorer: {message} (see --help)");
    ExitCode::from(2)
}

/// Prints a failure on one line of standard error.
pub fn print_failure(message: &str) {
    eprintln!("flameup-explorer: {message}");
}

/// Prints a snippet. Raw HTTP is printed byte for byte, so it can be piped to a socket as it is;
/// the others end with a line break, as a file should.
pub fn print_snippet(text: &str, byte_for_byte: bool) {
    if byte_for_byte || text.ends_with('\n') {
        print!("{text}");
    } else {
        println!("{text}");
    }
}

/// Status line, headers, a blank line and the body (pretty-printed when it is JSON).
pub fn print_pretty(response: &HttpResponse) {
    println!(
        "{} {} · {} ms · {}",
        response.status,
        response.reason,
        response.elapsed.as_millis(),
        crate::model::response::human_size(response.body.len())
    );
    for (name, value) in &response.headers {
        println!("{name}: {value}");
    }
    println!();
    println!("{}", response.view.text());
}

/// Prints the `--output json` object of an answer.
pub fn print_json(response: &HttpResponse) {
    println!("{}", response_json(response));
}

/// Prints the `--output json` object of a failure with no answer.
pub fn print_json_error(kind: &str, message: &str, detail: &str) {
    println!(
        "{}",
        json!({"error": {"kind": kind, "message": message, "detail": detail}})
    );
}

/// The `--output json` object. Repeated headers are joined with ", ", as HTTP allows.
fn response_json(response: &HttpResponse) -> Value {
    let mut headers = Map::new();
    for (name, value) in &response.headers {
        let joined = match headers.get(name).and_then(Value::as_str) {
            Some(earlier) => format!("{earlier}, {value}"),
            None => value.clone(),
        };
        headers.insert(name.clone(), Value::String(joined));
    }
    let body = serde_json::from_slice::<Value>(&response.body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&response.body).into_owned()));
    let problem = response.problem.as_ref().map(|problem| {
        let fields: Map<String, Value> = problem
            .fields
            .iter()
            .map(|(path, message)| (path.clone(), Value::String(message.clone())))
            .collect();
        json!({
            "title": problem.title,
            "message": problem.message,
            "code": problem.code,
            "request_id": problem.request_id,
            "fields": fields,
        })
    });
    json!({
        "status": response.status,
        "elapsed_ms": response.elapsed.as_millis() as u64,
        "headers": headers,
        "body": body,
        "problem": problem,
    })
}
