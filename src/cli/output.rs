//! What the command line prints: answers (pretty or JSON), snippets, and one-line failures.
//!
//! Nothing here uses `print!`: it panics when standard output is a closed pipe (`… | head -1`).
//! Every write goes through [`to_stdout`], which treats a closed pipe as "stop printing".

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use serde_json::{Map, Value, json};

use super::answer::Verdicts;
use super::args::Output;
use crate::contract::AnswerCheck;
use crate::model::HttpResponse;
use crate::model::json_text::{self, Layout};
use crate::model::phrase::joined;
use crate::model::terminal::{self, Shape};

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
    if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        print_failure(&missing_command(&error.render().to_string()));
        return ExitCode::from(2);
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
    print_failure(&format!("{message} (see --help)"));
    ExitCode::from(2)
}

/// One line for a command typed without its subcommand (`presets`): clap renders the whole
/// help, whose first line (the description) read as an error. Its usage line and the commands
/// it lists say what was missing.
fn missing_command(help: &str) -> String {
    let usage = help
        .lines()
        .find_map(|line| line.trim().strip_prefix("Usage: "))
        .unwrap_or("flameup-explorer <COMMAND>");
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|line| line.trim() != "Commands:")
        .skip(1)
        .take_while(|line| line.starts_with(' '))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|command| *command != "help")
        .collect();
    let choices = if commands.is_empty() {
        "one of its commands".to_owned()
    } else {
        joined(&commands, "or")
    };
    format!("a command is missing. Usage: {usage}, where <COMMAND> is {choices} (see --help)")
}

/// Prints a failure on one line of standard error. If even that cannot be written, there is
/// nobody left to tell: the exit code still says it. A message may quote a file or a server, so
/// it is escaped for the terminal, on one line.
pub fn print_failure(message: &str) {
    let message = terminal::escape(message, Shape::Line);
    let _ = writeln!(io::stderr(), "flameup-explorer: {message}");
}

/// Prints a warning on standard error: something to know that does not stop the command.
pub fn print_warning(message: &str) {
    let message = terminal::escape(message, Shape::Line);
    let _ = writeln!(io::stderr(), "flameup-explorer: warning: {message}");
}

/// Runs `write` on standard output. A closed pipe means the reader (e.g. `head -1`) has what it
/// wanted: printing stops and the command ends with the code its work deserves. Any other write
/// error is a failure to report.
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), String> {
    let mut out = BufWriter::new(io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {err}"))
        }
        _ => Ok(()),
    }
}

/// Prints lines of text on standard output.
pub fn print_lines(text: &str) -> Result<(), String> {
    to_stdout(|out| writeln!(out, "{text}"))
}

/// Prints a snippet. Raw HTTP is printed byte for byte, so it can be piped to a socket as it is;
/// the others end with a line break, as a file should.
pub fn print_snippet(text: &str, byte_for_byte: bool) -> Result<(), String> {
    to_stdout(|out| {
        out.write_all(text.as_bytes())?;
        if byte_for_byte || text.ends_with('\n') {
            Ok(())
        } else {
            writeln!(out)
        }
    })
}

/// Status line, headers, a blank line and the body (pretty-printed when it is JSON), written from
/// the body's bytes: no second copy of a big body; then, after a blank line, what is said about
/// it (the contract check, the diff).
pub(super) fn print_pretty(response: &HttpResponse, verdicts: &Verdicts) -> Result<(), String> {
    to_stdout(|out| {
        writeln!(
            out,
            "{} {} · {} ms · {}",
            response.status,
            response.reason,
            response.elapsed.as_millis(),
            crate::model::response::human_size(response.body.len())
        )?;
        for (name, value) in &response.headers {
            writeln!(out, "{name}: {}", terminal::escape(value, Shape::Line))?;
        }
        writeln!(out)?;
        write_body(&response.body, Layout::Pretty, out)?;
        writeln!(out)?;
        writeln!(out)?;
        write_lines(&verdicts.lines(), out)
    })
}

/// Lines built from a server's or a file's words (field names, values): each escaped for the
/// terminal and kept on its one line, so a quoted line break cannot split a finding.
fn write_lines(lines: &[String], out: &mut dyn Write) -> io::Result<()> {
    for line in lines {
        writeln!(out, "{}", terminal::escape(line, Shape::Line))?;
    }
    Ok(())
}

/// Writes `value` as compact JSON, with the characters that could drive a terminal written as
/// `\u` escapes (the same JSON value).
fn write_json_value(value: &impl serde::Serialize, out: &mut dyn Write) -> io::Result<()> {
    let json = serde_json::to_string(value).map_err(io::Error::other)?;
    out.write_all(terminal::escape_json(&json).as_bytes())
}

/// The contract check of a saved answer (`check`): as lines, or as one JSON object
/// `{"operation", "status", "contract"}`.
pub(super) fn print_check(
    operation: &str,
    status: u16,
    check: &AnswerCheck,
    format: Output,
) -> Result<(), String> {
    let verdicts = Verdicts {
        contract: check.clone(),
        diff: None,
        include_volatile: false,
    };
    to_stdout(|out| match format {
        Output::Pretty => write_lines(&verdicts.lines(), out),
        Output::Json => {
            let mut object = Map::new();
            object.insert("operation".to_owned(), Value::from(operation));
            object.insert("status".to_owned(), Value::from(status));
            for (key, value) in verdicts.json_fields() {
                object.insert(key.to_owned(), value);
            }
            write_json_value(&object, out)?;
            writeln!(out)
        }
    })
}

/// Prints the `--output json` object of an answer, written piece by piece so a big body is not
/// parsed into a value and printed again, with what is said about it (`contract`, `diff`).
pub(super) fn print_json(response: &HttpResponse, verdicts: &Verdicts) -> Result<(), String> {
    to_stdout(|out| {
        write!(
            out,
            "{{\"status\":{},\"elapsed_ms\":{},\"headers\":",
            response.status,
            response.elapsed.as_millis() as u64
        )?;
        write_json_value(&headers_json(response), out)?;
        out.write_all(b",\"body\":")?;
        write_body(&response.body, Layout::Compact, out)?;
        if std::str::from_utf8(&response.body).is_err() {
            // The string above has replacements: the exact bytes go along, nothing is lost.
            write!(out, ",\"body_base64\":\"{}\"", base64(&response.body))?;
        }
        out.write_all(b",\"problem\":")?;
        write_json_value(&problem_json(response), out)?;
        for (key, value) in verdicts.json_fields() {
            write!(out, ",\"{key}\":")?;
            write_json_value(&value, out)?;
        }
        writeln!(out, "}}")
    })
}

/// The layout of a JSON body printed for people: pretty, unless indenting it would make it many
/// times its size (deep nesting), which is then said on standard error and the body is printed
/// compact.
fn pretty_layout(body: &[u8]) -> Layout {
    match json_text::pretty_fits(body) {
        Ok(()) => Layout::Pretty,
        Err(too_deep) => {
            print_warning(&format!(
                "the body is printed compact, on one line: {too_deep}"
            ));
            Layout::Compact
        }
    }
}

/// The body as JSON when it is JSON, else as text (invalid UTF-8 shown as U+FFFD): pretty text in
/// the pretty output, and a JSON string in `--output json`.
fn write_body(body: &[u8], layout: Layout, out: &mut dyn Write) -> io::Result<()> {
    if json_text::is_json(body) {
        let layout = match layout {
            Layout::Pretty => pretty_layout(body),
            Layout::Compact => Layout::Compact,
        };
        return json_text::write_json(body, layout, out);
    }
    let text = String::from_utf8_lossy(body);
    match layout {
        Layout::Pretty => {
            if let std::borrow::Cow::Owned(_) = text {
                print_warning(&format!(
                    "the body is not UTF-8: its {} bytes are shown with replacements (U+FFFD); --output json gives them exactly, in body_base64",
                    body.len()
                ));
            }
            write_printable(&text, out)
        }
        Layout::Compact => write_json_value(&text, out),
    }
}

/// Writes a server's text for a terminal: control characters (an escape sequence could retitle
/// the terminal or clear the screen) and bidirectional controls are shown as `\xNN` / `\u{…}`;
/// line breaks and tabs stay.
fn write_printable(text: &str, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(terminal::escape(text, Shape::Block).as_bytes())
}

/// `bytes` in standard base64 (RFC 4648, with padding).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |group, (at, byte)| {
            group | u32::from(*byte) << (16 - 8 * at)
        });
        for at in 0..4 {
            if at <= chunk.len() {
                let index = (group >> (18 - 6 * at)) & 0x3f;
                encoded.push(char::from(ALPHABET[index as usize]));
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}

/// Prints the `--output json` object of a failure with no answer.
pub fn print_json_error(kind: &str, message: &str, detail: &str) -> Result<(), String> {
    let error = json!({"error": {"kind": kind, "message": message, "detail": detail}});
    print_lines(&terminal::escape_json(&error.to_string()))
}

/// The headers as one JSON object. Repeated headers are joined with ", ", as HTTP allows.
fn headers_json(response: &HttpResponse) -> Value {
    let mut headers = Map::new();
    for (name, value) in &response.headers {
        let joined = match headers.get(name).and_then(Value::as_str) {
            Some(earlier) => format!("{earlier}, {value}"),
            None => value.clone(),
        };
        headers.insert(name.clone(), Value::String(joined));
    }
    Value::Object(headers)
}

/// What went wrong, for a non-2xx answer; `null` otherwise.
fn problem_json(response: &HttpResponse) -> Value {
    let Some(problem) = &response.problem else {
        return Value::Null;
    };
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_rfc_4648() {
        for (bytes, encoded) in [
            (&b""[..], ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foobar", "Zm9vYmFy"),
            (b"\xff\xfe\x00", "//4A"),
        ] {
            assert_eq!(base64(bytes), encoded);
        }
    }

    #[test]
    fn a_servers_escape_sequences_do_not_reach_the_terminal() {
        let mut out = Vec::new();
        write_printable("a\x1b]0;OWNED\x07\x1b[2J\u{9b}b\r\nc\td\re\n", &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\x1b]0;OWNED\\x07\\x1b[2J\\x9bb\r\nc\td\\x0de\n"
        );
    }
}
