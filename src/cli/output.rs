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
    let choices = match commands.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "one of its commands".to_owned(),
    };
    format!("a command is missing. Usage: {usage}, where <COMMAND> is {choices} (see --help)")
}

/// Prints a failure on one line of standard error. If even that cannot be written, there is
/// nobody left to tell: the exit code still says it.
pub fn print_failure(message: &str) {
    let _ = writeln!(io::stderr(), "flameup-explorer: {message}");
}

/// Prints a warning on standard error: something to know that does not stop the command.
pub fn print_warning(message: &str) {
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
            writeln!(out, "{name}: {value}")?;
        }
        writeln!(out)?;
        write_body(&response.body, Layout::Pretty, out)?;
        writeln!(out)?;
        writeln!(out)?;
        write_lines(&verdicts.lines(), out)
    })
}

/// Lines built from a server's words (field names, values): written as [`write_printable`]
/// writes a body, so no escape sequence reaches the terminal.
fn write_lines(lines: &[String], out: &mut dyn Write) -> io::Result<()> {
    for line in lines {
        write_printable(line, out)?;
        writeln!(out)?;
    }
    Ok(())
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
            serde_json::to_writer(&mut *out, &object)?;
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
        serde_json::to_writer(&mut *out, &headers_json(response))?;
        out.write_all(b",\"body\":")?;
        write_body(&response.body, Layout::Compact, out)?;
        out.write_all(b",\"problem\":")?;
        serde_json::to_writer(&mut *out, &problem_json(response))?;
        for (key, value) in verdicts.json_fields() {
            write!(out, ",\"{key}\":")?;
            serde_json::to_writer(&mut *out, &value)?;
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
        Layout::Pretty => write_printable(&text, out),
        Layout::Compact => serde_json::to_writer(out, text.as_ref()).map_err(io::Error::other),
    }
}

/// Writes a server's text for a terminal: control characters (an escape sequence could retitle
/// the terminal or clear the screen) are shown as `\xNN` / `\u{…}`; line breaks and tabs stay.
fn write_printable(text: &str, out: &mut dyn Write) -> io::Result<()> {
    let mut chars = text.chars().peekable();
    let mut plain = String::new();
    while let Some(c) = chars.next() {
        let keep =
            !c.is_control() || c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n'));
        if keep {
            plain.push(c);
        } else if u32::from(c) < 0x100 {
            plain.push_str(&format!("\\x{:02x}", u32::from(c)));
        } else {
            plain.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        }
        if plain.len() >= 64 * 1024 {
            out.write_all(plain.as_bytes())?;
            plain.clear();
        }
    }
    out.write_all(plain.as_bytes())
}

/// Prints the `--output json` object of a failure with no answer.
pub fn print_json_error(kind: &str, message: &str, detail: &str) -> Result<(), String> {
    let error = json!({"error": {"kind": kind, "message": message, "detail": detail}});
    print_lines(&error.to_string())
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
    fn a_servers_escape_sequences_do_not_reach_the_terminal() {
        let mut out = Vec::new();
        write_printable("a\x1b]0;OWNED\x07\x1b[2J\u{9b}b\r\nc\td\re\n", &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\x1b]0;OWNED\\x07\\x1b[2J\\x9bb\r\nc\td\\x0de\n"
        );
    }
}
