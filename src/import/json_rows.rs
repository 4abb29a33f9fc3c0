//! People as JSON: one object per line (JSON Lines), or one array of objects, streamed one
//! element at a time. serde_json reads a whole array into memory, so the array is split here,
//! by a small scanner that follows strings and nesting, and each element is parsed alone.

use std::io::BufRead;

use serde_json::Value;

use super::RowError;
use super::csv_rows::without_position;
use super::source::{
    Input, MAX_ROW_BYTES, RawData, RawRow, ReadRow, SourceError, not_utf8, position,
};

/// One JSON object per line; blank lines are skipped.
pub(super) struct JsonLines {
    input: Input,
    /// Lines read so far.
    line: u64,
}

impl JsonLines {
    /// Rows after `blank_lines` lines already read.
    pub(super) fn new(input: Input, blank_lines: u64) -> Self {
        Self {
            input,
            line: blank_lines,
        }
    }

    pub(super) fn next_row(&mut self) -> Result<Option<RawRow>, SourceError> {
        loop {
            let mut bytes = Vec::new();
            let read = read_line(&mut self.input, &mut bytes)
                .map_err(|err| read_failure(self.line + 1, &err))?;
            let Some(too_large) = read else {
                return Ok(None);
            };
            self.line += 1;
            while bytes
                .last()
                .is_some_and(|byte| matches!(byte, b'\n' | b'\r'))
            {
                bytes.pop();
            }
            if !too_large && bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Ok(Some(RawRow {
                row: 0,
                line: self.line,
                data: RawData::Json { bytes, too_large },
            }));
        }
    }
}

/// Reads one line, its line break included, keeping at most [`MAX_ROW_BYTES`] of it; `None` at
/// the end of the file, else whether the line was longer than that.
fn read_line(input: &mut Input, out: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    let mut any = false;
    let mut too_large = false;
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(any.then_some(too_large));
        }
        any = true;
        let (chunk, complete) = match buffer.iter().position(|byte| *byte == b'\n') {
            Some(at) => (&buffer[..=at], true),
            None => (buffer, false),
        };
        push_capped(out, chunk, &mut too_large);
        let used = chunk.len();
        input.consume(used);
        if complete {
            return Ok(Some(too_large));
        }
    }
}

/// Appends what fits under [`MAX_ROW_BYTES`], noting when something did not.
fn push_capped(out: &mut Vec<u8>, bytes: &[u8], too_large: &mut bool) {
    let room = MAX_ROW_BYTES.saturating_sub(out.len());
    if bytes.len() > room {
        *too_large = true;
    }
    out.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

fn read_failure(line: u64, error: &std::io::Error) -> SourceError {
    SourceError::at(line, format!("the file cannot be read: {error}"))
}

/// Where the array scanner stands between elements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the `[`.
    Start,
    /// Inside the array, before an element or the `]`; `after_comma` once an element has ended
    /// with a comma (so a `]` now would close an empty place).
    Open {
        after_comma: bool,
    },
    /// After the `]`: only blank space may follow.
    Closed,
    Ended,
}

/// How an element ended.
enum Ending {
    Comma,
    Close,
}

/// One JSON array of people, handed out one element at a time.
pub(super) struct JsonArray {
    input: Input,
    /// The line the scanner is on, from 1.
    line: u64,
    state: State,
}

impl JsonArray {
    /// The array after `blank_lines` lines already read.
    pub(super) fn new(input: Input, blank_lines: u64) -> Self {
        Self {
            input,
            line: 1 + blank_lines,
            state: State::Start,
        }
    }

    pub(super) fn next_row(&mut self) -> Result<Option<RawRow>, SourceError> {
        loop {
            match self.state {
                State::Start => match self.skip_space()? {
                    Some(b'[') => {
                        self.input.consume(1);
                        self.state = State::Open { after_comma: false };
                    }
                    _ => return Err(self.fail("expected [ to start the list of people")),
                },
                State::Open { after_comma } => match self.skip_space()? {
                    None => {
                        return Err(
                            self.fail("the file ends before the list of people is closed with ]")
                        );
                    }
                    Some(b']') if after_comma => {
                        return Err(self.fail("a comma before ] leaves an empty place in the list"));
                    }
                    Some(b']') => {
                        self.input.consume(1);
                        self.state = State::Closed;
                    }
                    Some(b',') => {
                        return Err(self.fail(
                            "an empty place in the list: two commas, or a comma right after [",
                        ));
                    }
                    Some(_) => return self.element().map(Some),
                },
                State::Closed => match self.skip_space()? {
                    None => self.state = State::Ended,
                    Some(_) => {
                        return Err(self.fail("text after the ] that ends the list of people"));
                    }
                },
                State::Ended => return Ok(None),
            }
        }
    }

    fn fail(&self, message: &str) -> SourceError {
        SourceError::at(self.line, message)
    }

    /// Skips blank space, counting lines; the next byte (not consumed), or `None` at the end.
    fn skip_space(&mut self) -> Result<Option<u8>, SourceError> {
        loop {
            let buffer = self
                .input
                .fill_buf()
                .map_err(|err| read_failure(self.line, &err))?;
            if buffer.is_empty() {
                return Ok(None);
            }
            let blank = buffer
                .iter()
                .position(|byte| !byte.is_ascii_whitespace())
                .unwrap_or(buffer.len());
            let next = buffer.get(blank).copied();
            self.line += buffer[..blank].iter().filter(|b| **b == b'\n').count() as u64;
            self.input.consume(blank);
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// The element that starts here, up to the `,` or `]` that ends it at the array's own
    /// level (those inside strings and nested values do not count).
    fn element(&mut self) -> Result<RawRow, SourceError> {
        let start = self.line;
        let mut bytes = Vec::new();
        let mut too_large = false;
        let mut scan = Scan::default();
        loop {
            let buffer = self
                .input
                .fill_buf()
                .map_err(|err| read_failure(self.line, &err))?;
            if buffer.is_empty() {
                let message = if scan.depth == 0 && !scan.in_string {
                    "the file ends before the list of people is closed with ]".to_owned()
                } else {
                    format!("the file ends inside the person that starts at line {start}")
                };
                return Err(SourceError::at(self.line, message));
            }
            let (taken, ending) = scan.feed(buffer);
            self.line += scan.take_newlines();
            push_capped(&mut bytes, &buffer[..taken], &mut too_large);
            match ending {
                None => {
                    let used = buffer.len();
                    self.input.consume(used);
                }
                Some(ending) => {
                    // The `,` or `]` is consumed too.
                    self.input.consume(taken + 1);
                    self.state = match ending {
                        Ending::Comma => State::Open { after_comma: true },
                        Ending::Close => State::Closed,
                    };
                    break;
                }
            }
        }
        while bytes.last().is_some_and(u8::is_ascii_whitespace) {
            bytes.pop();
        }
        Ok(RawRow {
            row: 0,
            line: start,
            data: RawData::Json { bytes, too_large },
        })
    }
}

/// The scanner's place inside an element.
#[derive(Default)]
struct Scan {
    depth: usize,
    in_string: bool,
    escaped: bool,
    newlines: u64,
}

impl Scan {
    /// Reads `bytes` until the element ends: how many bytes belong to it, and how it ended (the
    /// byte after them is the `,` or `]`), or `None` if it goes on past `bytes`.
    fn feed(&mut self, bytes: &[u8]) -> (usize, Option<Ending>) {
        for (at, byte) in bytes.iter().enumerate() {
            if *byte == b'\n' {
                self.newlines += 1;
            }
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if *byte == b'\\' {
                    self.escaped = true;
                } else if *byte == b'"' {
                    self.in_string = false;
                }
                continue;
            }
            match byte {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' if self.depth > 0 => self.depth -= 1,
                b']' => return (at, Some(Ending::Close)),
                b',' if self.depth == 0 => return (at, Some(Ending::Comma)),
                _ => {}
            }
        }
        (bytes.len(), None)
    }

    fn take_newlines(&mut self) -> u64 {
        std::mem::take(&mut self.newlines)
    }
}

/// The person in a JSON row that starts on `line`.
pub(super) fn read(bytes: &[u8], too_large: bool, line: u64) -> ReadRow {
    match person(bytes, too_large, line) {
        Ok(person) => ReadRow {
            person: Some(person),
            errors: Vec::new(),
        },
        Err(reason) => ReadRow {
            person: None,
            errors: vec![RowError::whole_row(reason)],
        },
    }
}

fn person(bytes: &[u8], too_large: bool, line: u64) -> Result<Value, String> {
    if too_large {
        return Err(format!(
            "This person is larger than {} MiB: no batch could carry it",
            MAX_ROW_BYTES / (1024 * 1024)
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let (at_line, column) = position(bytes, err.valid_up_to(), line);
        let place = if at_line == line {
            String::new()
        } else {
            format!(" (line {at_line}, column {column})")
        };
        format!("{}{place}", not_utf8(bytes, err))
    })?;
    match serde_json::from_str::<Value>(text) {
        Ok(person @ Value::Object(_)) => Ok(person),
        Ok(other) => Err(format!(
            "A person is a JSON object {{…}}, not {}",
            kind_of(&other)
        )),
        Err(err) => {
            let at_line = line + (err.line() as u64).saturating_sub(1);
            let hint = if err.is_eof() && text.trim_start().starts_with('{') {
                "; this looks like pretty-printed JSON objects: use a JSON array, or one object per line (jq -c)"
            } else {
                ""
            };
            Err(format!(
                "Not valid JSON: {} (line {at_line}, column {}){hint}",
                without_position(&err),
                err.column()
            ))
        }
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::person::PersonCheck;
    use crate::import::source::Source;

    /// Each row's line, and its person or first problem.
    type Found = Vec<(u64, Result<Value, String>)>;

    /// Every row, until the end or a broken structure (the error, then).
    fn rows(text: &'static [u8]) -> (Found, Option<SourceError>) {
        let check = PersonCheck::new(false).unwrap();
        let mut source = match Source::from_reader(text, None, &check) {
            Ok(source) => source,
            Err(err) => return (Vec::new(), Some(err)),
        };
        let mut found = Vec::new();
        loop {
            match source.next_row() {
                Ok(Some(row)) => {
                    let read = source.read(&row);
                    let person = read.person.ok_or_else(|| read.errors[0].reason.clone());
                    found.push((row.line, person));
                }
                Ok(None) => return (found, None),
                Err(err) => return (found, Some(err)),
            }
        }
    }

    #[test]
    fn json_lines_count_every_line_and_skip_blank_ones() {
        let (found, error) =
            rows(b"{\"userId\":\"a\"}\r\n\n  \n{\"userId\":\"b\"}\n[1]\n{\"userId\":");
        assert_eq!(error, None);
        let lines: Vec<u64> = found.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 4, 5, 6]);
        assert_eq!(found[1].1, Ok(serde_json::json!({"userId": "b"})));
        assert_eq!(
            found[2].1,
            Err("A person is a JSON object {…}, not a list".to_owned())
        );
        assert!(found[3].1.as_ref().is_err_and(|e| e.contains("line 6")));
    }

    #[test]
    fn an_array_is_split_at_its_own_commas_only() {
        let text = b"[\n  {\"userId\": \"a,]\\\"}\", \"traits\": {\"tags\": [1, 2]}},\n  {\"userId\":\n \"b\"}\n , 7,\n {\"userId\": x}\n]\n";
        let (found, error) = rows(text);
        assert_eq!(error, None);
        let lines: Vec<u64> = found.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [2, 3, 5, 6]);
        assert_eq!(
            found[0].1,
            Ok(serde_json::json!({"userId": "a,]\"}", "traits": {"tags": [1, 2]}}))
        );
        assert_eq!(found[1].1, Ok(serde_json::json!({"userId": "b"})));
        assert!(
            found[2]
                .1
                .as_ref()
                .is_err_and(|e| e.contains("not a number"))
        );
        assert!(found[3].1.as_ref().is_err_and(|e| e.contains("line 6")));
    }

    #[test]
    fn a_broken_array_stops_at_the_line_that_breaks_it() {
        for (text, line, says) in [
            (&b"[{\"userId\":\"a\"},\n]"[..], 2, "comma before ]"),
            (b"[{\"userId\":\"a\"},,{}]", 1, "empty place"),
            (b"[\n{\"userId\":\"a\"}\n", 3, "closed with ]"),
            (b"[\n{\"userId\":\n", 3, "starts at line 2"),
            (b"[]\nx", 2, "text after"),
        ] {
            let (_, error) = rows(text);
            let error = error.unwrap_or_else(|| panic!("{text:?}"));
            assert_eq!(error.line, line, "{text:?}");
            assert!(error.message.contains(says), "{}", error.message);
        }
        assert_eq!(rows(b"[ ]\n\n").0.len(), 0);
    }

    #[test]
    fn bad_utf8_names_its_place() {
        let (found, _) = rows(b"[{\"userId\": \"a\",\n \"email\": \"caf\xE9\"}]");
        let reason = found[0].1.as_ref().unwrap_err();
        assert!(reason.contains("0xE9"), "{reason}");
        assert!(reason.contains("line 2"), "{reason}");
    }

    #[test]
    fn a_row_too_large_is_cut_and_reported() {
        let mut text = b"{\"userId\":\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_ROW_BYTES + 10));
        text.extend(b"\"}\n{\"userId\":\"b\"}\n");
        let check = PersonCheck::new(false).unwrap();
        let mut source = Source::from_reader(std::io::Cursor::new(text), None, &check).unwrap();
        let first = source.next_row().unwrap().unwrap();
        assert!(
            matches!(&first.data, RawData::Json { bytes, too_large: true } if bytes.len() == MAX_ROW_BYTES)
        );
        assert!(
            source.read(&first).errors[0]
                .reason
                .contains("larger than 1 MiB")
        );
        assert_eq!(source.next_row().unwrap().unwrap().line, 2);
    }
}
