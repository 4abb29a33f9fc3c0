//! CSV with a header row: each column names a field of the person (`userId`, `email`, `phone`,
//! or `traits.NAME` for a trait), optionally typed with a suffix (`traits.age:number`,
//! `:boolean`, `:json`, `:string`). An empty cell is left out of the person.

use std::io::BufRead;

use serde_json::{Map, Value};

use super::RowError;
use super::person::PersonCheck;
use super::source::{Input, MAX_ROW_BYTES, RawData, RawRow, ReadRow, SourceError, not_utf8};

/// The prefix of a trait's column.
const TRAITS_PREFIX: &str = "traits.";

/// The body field traits go into.
const TRAITS: &str = "traits";

/// How a column's cells are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// As text (no suffix, or `:string`).
    Text,
    /// As a JSON number, e.g. `42`, `-3.5`, `1e3` (`:number`).
    Number,
    /// `true` or `false`, in any case (`:boolean`).
    Boolean,
    /// Any JSON value written as JSON: a list, an object, null (`:json`).
    Json,
}

impl CellKind {
    /// The suffix that names the kind, and what the user is told the kinds are.
    const SUFFIXES: [(&'static str, Self); 5] = [
        ("string", Self::Text),
        ("text", Self::Text),
        ("number", Self::Number),
        ("boolean", Self::Boolean),
        ("json", Self::Json),
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Json => "JSON",
        }
    }

    /// The value a non-empty cell sends, or why it cannot be of this kind.
    fn value(self, cell: &str) -> Result<Value, String> {
        match self {
            Self::Text => Ok(Value::String(cell.to_owned())),
            Self::Number => {
                let trimmed = cell.trim();
                match serde_json::from_str::<Value>(trimmed) {
                    Ok(number @ Value::Number(_)) => Ok(number),
                    _ => Err(format!(
                        "Not a number: \"{}\" (write numbers like 42, -3.5 or 1e6)",
                        shortened(cell)
                    )),
                }
            }
            Self::Boolean => match cell.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!("Not true or false: \"{}\"", shortened(cell))),
            },
            Self::Json => serde_json::from_str::<Value>(cell)
                .map_err(|err| format!("Not valid JSON: {}", without_position(&err))),
        }
    }
}

/// One column of the header: the header cell as written, the field it fills and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The header cell, trimmed: what reports call the column.
    pub header: String,
    /// The field's dotted path in the person: `email`, `traits.age`.
    pub field: String,
    pub kind: CellKind,
    /// Where the value goes: a trait's name, or a top-level field's.
    target: Target,
    /// The field as a JSON Pointer, to find the column of a finding.
    pointer: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    Field(String),
    Trait(String),
}

/// The rows of a CSV file after its header.
pub(super) struct CsvRows {
    reader: Records,
    columns: Vec<Column>,
}

impl CsvRows {
    /// Reads the header, checking each column names a field of a person as `check` knows it.
    /// `blank_lines` were read before the header.
    pub(super) fn new(
        mut input: Input,
        blank_lines: u64,
        check: &PersonCheck,
    ) -> Result<Self, SourceError> {
        let delimiter = delimiter(input.fill_buf().unwrap_or_default());
        let mut reader = Records {
            input,
            delimiter,
            line: Lines {
                line: 1 + blank_lines,
                after_cr: false,
            },
        };
        let Some((line, header)) = reader.next_record()? else {
            return Err(SourceError::at(1, "the file has no header row"));
        };
        if header.too_large {
            return Err(SourceError::at(line, "the header row is far too long"));
        }
        let columns = columns(&header, line, check)?;
        Ok(Self { reader, columns })
    }

    pub(super) fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub(super) fn next_row(&mut self) -> Result<Option<RawRow>, SourceError> {
        loop {
            let Some((line, record)) = self.reader.next_record()? else {
                return Ok(None);
            };
            let blank = record.len() == 1 && record.field(0).iter().all(u8::is_ascii_whitespace);
            if !blank {
                return Ok(Some(RawRow {
                    row: 0,
                    line,
                    data: RawData::Csv(record),
                }));
            }
        }
    }

    /// The person in `record`: each non-empty cell as its column says.
    pub(super) fn read(&self, record: &Record) -> ReadRow {
        if record.too_large {
            return ReadRow {
                person: None,
                errors: vec![RowError::whole_row(format!(
                    "This row is larger than {} MiB: no batch could carry it",
                    MAX_ROW_BYTES / (1024 * 1024)
                ))],
            };
        }
        if record.len() != self.columns.len() {
            let reason = format!(
                "This row has {} cell{}; the header has {} column{}",
                record.len(),
                plural(record.len()),
                self.columns.len(),
                plural(self.columns.len())
            );
            return ReadRow {
                person: None,
                errors: vec![RowError::whole_row(reason)],
            };
        }
        let mut person = Map::new();
        let mut errors = Vec::new();
        for (column, cell) in self.columns.iter().zip(record.fields()) {
            if cell.is_empty() {
                continue;
            }
            let value = std::str::from_utf8(cell)
                .map_err(|err| not_utf8(cell, err))
                .and_then(|text| no_nul(text, column))
                .and_then(|text| column.kind.value(text));
            match value {
                Ok(value) => place(&mut person, &column.target, value),
                Err(reason) => errors.push(RowError::new(Some(column.header.clone()), reason)),
            }
        }
        ReadRow {
            person: Some(Value::Object(person)),
            errors,
        }
    }

    /// The column that fills the place `pointer` names, or the place that holds it: the most
    /// specific one (`traits.age` before a whole `traits:json`).
    pub(super) fn column_at(&self, pointer: &str) -> Option<&Column> {
        self.columns
            .iter()
            .filter(|column| {
                pointer
                    .strip_prefix(&column.pointer)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .max_by_key(|column| column.pointer.len())
    }
}

/// One CSV record: its cells' bytes, one after the other.
pub(super) struct Record {
    bytes: Vec<u8>,
    /// Where each cell ends in `bytes`.
    ends: Vec<usize>,
    /// The record was longer than [`MAX_ROW_BYTES`]: its cells are cut.
    too_large: bool,
}

impl Record {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn field(&self, index: usize) -> &[u8] {
        let start = index
            .checked_sub(1)
            .and_then(|before| self.ends.get(before))
            .copied()
            .unwrap_or(0);
        let end = self.ends.get(index).copied().unwrap_or(start);
        &self.bytes[start..end]
    }

    pub(super) fn fields(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).map(|index| self.field(index))
    }

    fn push(&mut self, byte: u8) {
        if self.bytes.len() < MAX_ROW_BYTES {
            self.bytes.push(byte);
        } else {
            self.too_large = true;
        }
    }

    fn end_field(&mut self) {
        self.ends.push(self.bytes.len());
    }
}

/// Where the CSV scanner is inside a record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// At the start of a cell.
    Start,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted cell: the cell's end, or the first of a doubled `""`.
    QuoteInQuoted,
}

/// CSV records as RFC 4180 writes them (quoted cells may hold the delimiter, quotes doubled and
/// line breaks; lines end with LF or CRLF), each with the line it starts on. Blank lines are
/// skipped but counted. A stray quote in an unquoted cell is kept as it is.
struct Records {
    input: Input,
    delimiter: u8,
    /// The line the scanner is on, from 1.
    line: Lines,
}

/// Counts lines as spreadsheets end them: LF, CRLF, or a CR alone (old Mac Excel), so a file
/// of CR-ended rows does not read as one line.
#[derive(Clone, Copy)]
struct Lines {
    line: u64,
    after_cr: bool,
}

impl Lines {
    /// Takes in the file's next byte.
    fn see(&mut self, byte: u8) {
        let new_line = byte == b'\r' || (byte == b'\n' && !self.after_cr);
        self.line += u64::from(new_line);
        self.after_cr = byte == b'\r';
    }
}

impl Records {
    fn next_record(&mut self) -> Result<Option<(u64, Record)>, SourceError> {
        if !self.skip_line_breaks()? {
            return Ok(None);
        }
        let start = self.line.line;
        let mut record = Record {
            bytes: Vec::new(),
            ends: Vec::new(),
            too_large: false,
        };
        let mut cell = Cell::Start;
        loop {
            let buffer = self
                .input
                .fill_buf()
                .map_err(|err| read_failure(self.line.line, &err))?;
            if buffer.is_empty() {
                if cell == Cell::Quoted {
                    return Err(SourceError::at(
                        self.line.line,
                        format!(
                            "the file ends inside a quoted cell of the row that starts at line {start}: a closing \" is missing"
                        ),
                    ));
                }
                record.end_field();
                return Ok(Some((start, record)));
            }
            let (used, ended) = scan(
                buffer,
                self.delimiter,
                &mut cell,
                &mut record,
                &mut self.line,
            );
            self.input.consume(used);
            if ended {
                return Ok(Some((start, record)));
            }
        }
    }

    /// Skips line breaks before a record, counting lines; whether a record follows.
    fn skip_line_breaks(&mut self) -> Result<bool, SourceError> {
        loop {
            let buffer = self
                .input
                .fill_buf()
                .map_err(|err| read_failure(self.line.line, &err))?;
            if buffer.is_empty() {
                return Ok(false);
            }
            let breaks = buffer
                .iter()
                .position(|byte| !matches!(byte, b'\n' | b'\r'))
                .unwrap_or(buffer.len());
            for &byte in &buffer[..breaks] {
                self.line.see(byte);
            }
            let more = breaks < buffer.len();
            self.input.consume(breaks);
            if more {
                return Ok(true);
            }
        }
    }
}

/// Scans `bytes` into `record` until the record ends; how many bytes were used, and whether it
/// ended (at a line break, which is used too, except the LF of a CRLF: it is skipped as the next
/// record's blank start).
fn scan(
    bytes: &[u8],
    delimiter: u8,
    cell: &mut Cell,
    record: &mut Record,
    line: &mut Lines,
) -> (usize, bool) {
    for (at, &byte) in bytes.iter().enumerate() {
        let line_break = byte == b'\n' || byte == b'\r';
        line.see(byte);
        match *cell {
            Cell::Quoted => {
                if byte == b'"' {
                    *cell = Cell::QuoteInQuoted;
                } else {
                    record.push(byte);
                }
            }
            Cell::QuoteInQuoted if byte == b'"' => {
                record.push(b'"');
                *cell = Cell::Quoted;
            }
            Cell::Start if byte == b'"' => *cell = Cell::Quoted,
            _ if byte == delimiter => {
                record.end_field();
                *cell = Cell::Start;
            }
            _ if line_break => {
                record.end_field();
                return (at + 1, true);
            }
            _ => {
                record.push(byte);
                *cell = Cell::Unquoted;
            }
        }
    }
    (bytes.len(), false)
}

fn read_failure(line: u64, error: &std::io::Error) -> SourceError {
    SourceError::at(line, format!("the file cannot be read: {error}"))
}

/// Puts `value` where the column says, creating `traits` at its first trait.
fn place(person: &mut Map<String, Value>, target: &Target, value: Value) {
    match target {
        Target::Field(name) => {
            person.insert(name.clone(), value);
        }
        Target::Trait(name) => {
            let traits = person
                .entry(TRAITS)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(traits) = traits {
                traits.insert(name.clone(), value);
            }
        }
    }
}

/// The columns of `header` (on `line`), or why the header cannot be used: a name that is no
/// field of a person, a type that does not exist, a field named twice.
fn columns(header: &Record, line: u64, check: &PersonCheck) -> Result<Vec<Column>, SourceError> {
    let fail = |message: String| Err(SourceError::at(line, message));
    let mut columns: Vec<Column> = Vec::with_capacity(header.len());
    for (index, cell) in header.fields().enumerate() {
        let text = match std::str::from_utf8(cell) {
            Ok(text) => text.trim(),
            Err(err) => return fail(format!("the header: {}", not_utf8(cell, err))),
        };
        let column = match column(text, index + 1, check) {
            Ok(column) => column,
            Err(message) => return fail(message),
        };
        if let Some(earlier) = columns.iter().find(|c| clashes(c, &column)) {
            return fail(format!(
                "the columns \"{}\" and \"{}\" both fill {}: keep one",
                earlier.header, column.header, earlier.field
            ));
        }
        columns.push(column);
    }
    if !columns
        .iter()
        .any(|column| column.target == Target::Field(check.id_field().to_owned()))
    {
        return fail(format!(
            "the header has no {} column: every person needs one",
            check.id_field()
        ));
    }
    Ok(columns)
}

/// Whether two columns fill the same field, or one fills a part of the other's.
fn clashes(a: &Column, b: &Column) -> bool {
    let within = |inner: &str, outer: &str| {
        inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    within(&a.pointer, &b.pointer) || within(&b.pointer, &a.pointer)
}

/// One header cell (the `number`th) read as a column.
fn column(text: &str, number: usize, check: &PersonCheck) -> Result<Column, String> {
    if text.is_empty() {
        return Err(format!("column {number} of the header has no name"));
    }
    let (name, kind) = split_kind(text)?;
    let target = match name.strip_prefix(TRAITS_PREFIX) {
        Some("") => {
            return Err(format!(
                "the column \"{text}\" names no trait after \"traits.\""
            ));
        }
        Some(trait_name) => Target::Trait(trait_name.to_owned()),
        None if check.top_level_fields().any(|field| field == name) => {
            Target::Field(name.to_owned())
        }
        None => return Err(unknown_field(text, name, check)),
    };
    let (field, pointer) = match &target {
        Target::Field(name) => (name.clone(), format!("/{}", escaped(name))),
        Target::Trait(name) => (
            format!("{TRAITS_PREFIX}{name}"),
            format!("/{TRAITS}/{}", escaped(name)),
        ),
    };
    Ok(Column {
        header: text.to_owned(),
        field,
        kind,
        target,
        pointer,
    })
}

/// The column's name and kind: a known type after the last `:`, else the whole text as text.
fn split_kind(text: &str) -> Result<(&str, CellKind), String> {
    let Some((name, suffix)) = text.rsplit_once(':') else {
        return Ok((text, CellKind::Text));
    };
    let suffix_lower = suffix.trim().to_ascii_lowercase();
    match CellKind::SUFFIXES
        .iter()
        .find(|(known, _)| *known == suffix_lower)
    {
        Some((_, kind)) => Ok((name.trim(), *kind)),
        None => Err(format!(
            "the column \"{text}\" has the type \"{suffix}\", which is not one of :number, :boolean, :json or :string (a name with a colon in it ends with :string)"
        )),
    }
}

/// Why a column is no field of a person, naming the fields there are and the trait it may be.
fn unknown_field(text: &str, name: &str, check: &PersonCheck) -> String {
    let fields: Vec<&str> = check.top_level_fields().filter(|f| *f != TRAITS).collect();
    format!(
        "the column \"{text}\" is not a field of a person: the columns are {} and traits.NAME for a trait (did you mean traits.{name}?)",
        fields.join(", ")
    )
}

/// The cell's text, unless it holds a NUL byte: no person's field holds one, and it is the mark
/// of a file that is not text (or not all of it).
fn no_nul<'t>(text: &'t str, column: &Column) -> Result<&'t str, String> {
    match text.find('\0') {
        None => Ok(text),
        Some(at) => Err(format!(
            "This cell holds a NUL byte (at character {} of {}): the file is not all text",
            text[..at].chars().count() + 1,
            column.header
        )),
    }
}

/// A key as one JSON Pointer segment.
fn escaped(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The delimiter of the header line: a comma, unless the line has none and has semicolons (as
/// spreadsheets write CSV in many languages) or tabs.
fn delimiter(start: &[u8]) -> u8 {
    let first_line = start
        .split(|byte| *byte == b'\n')
        .next()
        .unwrap_or_default();
    let count = |wanted: u8| first_line.iter().filter(|byte| **byte == wanted).count();
    match (count(b','), count(b';'), count(b'\t')) {
        (0, semicolons, _) if semicolons > 0 => b';',
        (0, 0, tabs) if tabs > 0 => b'\t',
        _ => b',',
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// A cell shown in a message: at most 40 characters.
fn shortened(cell: &str) -> String {
    let mut characters = cell.chars();
    let start: String = characters.by_ref().take(40).collect();
    if characters.next().is_some() {
        format!("{start}…")
    } else {
        start
    }
}

/// serde_json's message without its "at line 1 column 5", which would read as a line of the file.
pub(super) fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::source::Source;

    fn check() -> PersonCheck {
        PersonCheck::new(false).unwrap()
    }

    fn source(text: &'static str) -> Result<Source, SourceError> {
        Source::from_reader(text.as_bytes(), None, &check())
    }

    #[test]
    fn typed_cells_become_json_values() {
        assert_eq!(CellKind::Number.value(" 42 "), Ok(serde_json::json!(42)));
        assert!(
            CellKind::Number
                .value("-1.5e3")
                .is_ok_and(|v| v.is_number())
        );
        assert!(CellKind::Number.value("forty").is_err());
        assert!(CellKind::Number.value("042").is_err());
        assert_eq!(CellKind::Boolean.value("TRUE"), Ok(Value::Bool(true)));
        assert!(CellKind::Boolean.value("yes").is_err());
        assert_eq!(
            CellKind::Json.value("[1, \"a\"]"),
            Ok(serde_json::json!([1, "a"]))
        );
        assert!(CellKind::Json.value("[1,").is_err());
        assert_eq!(CellKind::Text.value(" a "), Ok(Value::String(" a ".into())));
    }

    #[test]
    fn the_header_names_fields_and_types() {
        let source =
            source("userId, email ,traits.age:number,traits.vip:Boolean,traits.a:b:string\n")
                .unwrap();
        let shown: Vec<(&str, &str, CellKind)> = source
            .columns()
            .iter()
            .map(|c| (c.header.as_str(), c.field.as_str(), c.kind))
            .collect();
        assert_eq!(
            shown,
            [
                ("userId", "userId", CellKind::Text),
                ("email", "email", CellKind::Text),
                ("traits.age:number", "traits.age", CellKind::Number),
                ("traits.vip:Boolean", "traits.vip", CellKind::Boolean),
                ("traits.a:b:string", "traits.a:b", CellKind::Text),
            ]
        );
    }

    #[test]
    fn a_header_that_cannot_be_used_is_refused_naming_line_one() {
        for (header, says) in [
            ("email\n", "no userId column"),
            ("userId,first_name\n", "did you mean traits.first_name"),
            ("userId,traits.age:int\n", "\"int\""),
            ("userId,traits.\n", "names no trait"),
            ("userId,,email\n", "column 2"),
            ("userId,email,email\n", "both fill email"),
            ("userId,traits:json,traits.age\n", "both fill"),
        ] {
            let error = source(header).err().unwrap_or_else(|| panic!("{header}"));
            assert_eq!(error.line, 1, "{header}");
            assert!(error.message.contains(says), "{header}: {}", error.message);
        }
        let latin1: &'static [u8] = b"userId,traits.caf\xE9\n";
        let error = Source::from_reader(latin1, None, &check()).err().unwrap();
        assert_eq!(error.line, 1);
        assert!(error.message.contains("0xE9"), "{}", error.message);
    }

    #[test]
    fn semicolons_and_tabs_are_told_from_the_header() {
        assert_eq!(delimiter(b"userId;email\n1,5;x"), b';');
        assert_eq!(delimiter(b"userId\temail\n"), b'\t');
        assert_eq!(delimiter(b"userId,email;x\n"), b',');
        assert_eq!(delimiter(b"userId\n"), b',');
    }

    #[test]
    fn rows_carry_their_line_and_cells() {
        let mut source =
            source("userId,email,traits.age:number\n\na,a@example.com,3\n\"b\nc\",,x\n").unwrap();
        let first = source.next_row().unwrap().unwrap();
        assert_eq!(first.line, 3);
        let read = source.read(&first);
        assert_eq!(
            read.person,
            Some(
                serde_json::json!({"userId": "a", "email": "a@example.com", "traits": {"age": 3}})
            )
        );
        let second = source.next_row().unwrap().unwrap();
        assert_eq!(second.line, 4);
        let read = source.read(&second);
        assert_eq!(read.person, Some(serde_json::json!({"userId": "b\nc"})));
        assert_eq!(
            read.errors,
            [RowError::new(
                Some("traits.age:number".into()),
                "Not a number: \"x\" (write numbers like 42, -3.5 or 1e6)"
            )]
        );
        assert!(source.next_row().unwrap().is_none());
    }

    #[test]
    fn lines_are_counted_through_crlf_blank_lines_and_quoted_breaks() {
        let text =
            "\u{feff}userId,traits.note\r\n\r\na,\"x\r\ny\"\r\nb,\"say \"\"hi\"\"\",\r\n\n   \nc,z";
        let check = check();
        let mut source = Source::from_reader(text.as_bytes(), None, &check).unwrap();
        let mut found = Vec::new();
        while let Some(row) = source.next_row().unwrap() {
            let read = source.read(&row);
            found.push((row.line, read.person, read.errors.len()));
        }
        assert_eq!(
            found,
            [
                (
                    3,
                    Some(serde_json::json!({"userId": "a", "traits": {"note": "x\r\ny"}})),
                    0
                ),
                (5, None, 1),
                (
                    8,
                    Some(serde_json::json!({"userId": "c", "traits": {"note": "z"}})),
                    0
                ),
            ]
        );
        let unclosed = source_error("userId,traits.note\na,\"open\n\n");
        assert_eq!(unclosed.line, 4);
        assert!(
            unclosed.message.contains("starts at line 2"),
            "{}",
            unclosed.message
        );
    }

    fn source_error(text: &'static str) -> SourceError {
        let mut source = source(text).unwrap();
        loop {
            match source.next_row() {
                Ok(Some(_)) => {}
                Ok(None) => panic!("no error in {text:?}"),
                Err(err) => return err,
            }
        }
    }
}
