//! The file of people as a stream of rows, each with its line number: CSV with a header row,
//! JSON Lines, or a JSON array, in UTF-8 with or without a byte order mark. Only one row is held
//! at a time, so memory stays flat whatever the file's size.
//!
//! Reading is split in two so a resumed import can skip rows cheaply: [`Source::next_row`] finds
//! the next row's bytes and line (a broken file structure stops here, naming the line), and
//! [`Source::read`] turns a row into a person, with every problem of its cells (one bad row never
//! stops the file).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use super::csv_rows::CsvRows;
use super::json_rows::{JsonArray, JsonLines};
use super::person::PersonCheck;
use super::{RowError, RowResult};

pub use super::csv_rows::{CellKind, Column};

/// The largest row read whole. A longer one is reported invalid and skipped without being kept:
/// one gigantic line must not take the memory a million normal ones would not.
pub const MAX_ROW_BYTES: usize = 1024 * 1024;

/// The deepest nesting of objects and lists a person may have. A JSON reader stops at some depth
/// (serde_json's, the sandbox's, at 128) and the batch body wraps each person two levels deeper,
/// so a deeper person would be refused with the whole batch; this leaves room to spare.
pub const MAX_PERSON_DEPTH: usize = 100;

/// How much of the file is read ahead at a time.
const READ_BUFFER: usize = 64 * 1024;

/// The UTF-8 byte order mark, which many spreadsheet programs write first.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How the file holds its people, told from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A header row, then one person per row.
    Csv,
    /// One JSON object per line.
    JsonLines,
    /// One JSON array of objects.
    JsonArray,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Self::Csv => "CSV",
            Self::JsonLines => "JSON Lines",
            Self::JsonArray => "JSON array",
        }
    }
}

/// Why the file cannot be read on: its structure is broken at `line` (or it cannot be opened,
/// with `line` 0). Nothing after that point can be trusted, so the whole import stops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceError {
    pub line: u64,
    pub message: String,
}

impl SourceError {
    pub(super) fn at(line: u64, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }

    fn io(line: u64, error: &io::Error) -> Self {
        Self::at(line, format!("the file cannot be read: {error}"))
    }
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for SourceError {}

/// One row as found in the file, not yet read into a person.
pub struct RawRow {
    /// See [`RowResult::row`]: the row's place among the file's rows, from 1.
    pub row: u64,
    /// See [`RowResult::line`].
    pub line: u64,
    pub(super) data: RawData,
}

/// A row's text as the file holds it: what the window shows of a bad row, and what "export
/// failed rows" writes back.
pub enum RawText<'a> {
    /// A CSV row's cells in order (a broken row may have more or fewer than the header).
    Cells(Vec<&'a [u8]>),
    /// A JSON row's text (only its start, for a row over [`MAX_ROW_BYTES`]).
    Json(&'a [u8]),
}

impl RawRow {
    /// The row's text as the file holds it, before any of it is read into a person.
    pub fn raw(&self) -> RawText<'_> {
        match &self.data {
            RawData::Csv(record) => RawText::Cells(record.fields().collect()),
            RawData::Json { bytes, .. } => RawText::Json(bytes),
        }
    }
}

pub(super) enum RawData {
    Csv(super::csv_rows::Record),
    Json {
        bytes: Vec<u8>,
        /// The row was longer than [`MAX_ROW_BYTES`]; `bytes` holds only its start.
        too_large: bool,
    },
}

/// A row read into a person: the person (`None` when nothing could be read, such as broken
/// JSON) and every problem found on the way (a cell that is not UTF-8, a typed cell that is
/// not of its type; such a cell is left out of the person).
pub struct ReadRow {
    pub person: Option<Value>,
    pub errors: Vec<RowError>,
}

/// A row read and checked against the contract.
pub struct CheckedRow {
    /// See [`RowResult::row`].
    pub row: u64,
    pub line: u64,
    /// The userId as text, when the row has one.
    pub user_id: Option<String>,
    /// The person to send, or everything wrong with the row.
    pub person: Result<Value, Vec<RowError>>,
}

impl CheckedRow {
    /// The results-file line of an invalid row; `None` for a valid one.
    pub fn invalid_result(&self) -> Option<RowResult> {
        let errors = self.person.as_ref().err()?;
        Some(RowResult {
            line: self.line,
            user_id: self.user_id.clone(),
            outcome: super::Outcome::Invalid,
            id: None,
            errors: errors.clone(),
            row: self.row,
        })
    }
}

/// The file being read.
pub struct Source {
    rows: Rows,
    /// Rows handed out so far: the next row's ordinal is one more.
    handed_out: u64,
    bytes_read: Arc<AtomicU64>,
    bytes_total: Option<u64>,
}

enum Rows {
    Csv(Box<CsvRows>),
    Lines(JsonLines),
    Array(JsonArray),
}

/// Counts the bytes read from the file, for progress while checking.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.count.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

/// What a caller may read from a buffered file.
pub(super) type Input = Box<dyn BufRead + Send>;

impl Source {
    /// Opens the file and tells its format from its first bytes.
    /// `check` says which fields a person has, so a CSV header can be checked.
    pub fn open(path: &Path, check: &PersonCheck) -> Result<Self, SourceError> {
        if path.is_dir() {
            return Err(SourceError::at(
                0,
                format!("{} is a folder: name a file of people", path.display()),
            ));
        }
        let file = File::open(path)
            .map_err(|err| SourceError::at(0, format!("cannot open {}: {err}", path.display())))?;
        let size = file.metadata().ok().map(|meta| meta.len());
        Self::from_reader(file, size, check)
    }

    /// Reads people from any byte stream (`size` is for progress, when known).
    pub fn from_reader(
        reader: impl Read + Send + 'static,
        size: Option<u64>,
        check: &PersonCheck,
    ) -> Result<Self, SourceError> {
        let bytes_read = Arc::new(AtomicU64::new(0));
        let counting = Counting {
            inner: reader,
            count: bytes_read.clone(),
        };
        let mut input: Input = Box::new(BufReader::with_capacity(READ_BUFFER, counting));
        let (format, blank_lines) = sniff(&mut input)?;
        let rows = match format {
            Format::Csv => Rows::Csv(Box::new(CsvRows::new(input, blank_lines, check)?)),
            Format::JsonLines => Rows::Lines(JsonLines::new(input, blank_lines)),
            Format::JsonArray => Rows::Array(JsonArray::new(input, blank_lines)),
        };
        Ok(Self {
            rows,
            handed_out: 0,
            bytes_read,
            bytes_total: size,
        })
    }

    pub fn format(&self) -> Format {
        match self.rows {
            Rows::Csv(_) => Format::Csv,
            Rows::Lines(_) => Format::JsonLines,
            Rows::Array(_) => Format::JsonArray,
        }
    }

    /// A CSV file's columns as its header defines them; none for JSON.
    pub fn columns(&self) -> &[Column] {
        match &self.rows {
            Rows::Csv(csv) => csv.columns(),
            Rows::Lines(_) | Rows::Array(_) => &[],
        }
    }

    /// Bytes read from the file so far (a little ahead of the rows handed out).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// The file's size, when known.
    pub fn bytes_total(&self) -> Option<u64> {
        self.bytes_total
    }

    /// The next row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<RawRow>, SourceError> {
        let row = match &mut self.rows {
            Rows::Csv(csv) => csv.next_row(),
            Rows::Lines(lines) => lines.next_row(),
            Rows::Array(array) => array.next_row(),
        }?;
        Ok(row.map(|mut row| {
            self.handed_out += 1;
            row.row = self.handed_out;
            row
        }))
    }

    /// The person a row holds, with every problem met reading it.
    pub fn read(&self, row: &RawRow) -> ReadRow {
        match (&self.rows, &row.data) {
            (Rows::Csv(csv), RawData::Csv(record)) => csv.read(record),
            (_, RawData::Json { bytes, too_large }) => {
                super::json_rows::read(bytes, *too_large, row.line)
            }
            (_, RawData::Csv(_)) => ReadRow {
                person: None,
                errors: vec![RowError::whole_row("A CSV row in a JSON file")],
            },
        }
    }

    /// The next row read and checked with `check`, or `None` at the end of the file.
    pub fn next_checked(&mut self, check: &PersonCheck) -> Result<Option<CheckedRow>, SourceError> {
        let Some(row) = self.next_row()? else {
            return Ok(None);
        };
        Ok(Some(self.check(&row, check)))
    }

    /// A row read and checked with `check`: the person, or every problem with it. A cell that
    /// could not be read is reported once, not again as missing.
    pub fn check(&self, row: &RawRow, check: &PersonCheck) -> CheckedRow {
        let ReadRow { person, mut errors } = self.read(row);
        let Some(person) = person else {
            return CheckedRow {
                row: row.row,
                line: row.line,
                user_id: None,
                person: Err(errors),
            };
        };
        let user_id = user_id_text(&person);
        let depth = depth(&person);
        if depth > MAX_PERSON_DEPTH {
            errors.push(RowError::whole_row(format!(
                "This person is nested {depth} levels deep; at most {MAX_PERSON_DEPTH} fit in a batch (the server reads no deeper)"
            )));
        }
        if !matches!(self.rows, Rows::Csv(_)) {
            // A CSV header is held to the person's fields; a JSON row's keys are held to the same.
            errors.extend(unknown_fields(&person, check));
        }
        let (person, findings) = check.findings(person);
        for finding in findings {
            let column = self.column_of(&finding.pointer);
            if errors.iter().all(|error| error.column != column) {
                errors.push(RowError::new(column, finding.message));
            }
        }
        CheckedRow {
            row: row.row,
            line: row.line,
            user_id,
            person: if errors.is_empty() {
                Ok(person)
            } else {
                Err(errors)
            },
        }
    }

    /// A row the check already found valid, read again without checking it (a file is read
    /// twice but checked once). Should reading meet a problem (the file changed), the row is
    /// checked after all.
    pub fn read_checked(&self, row: &RawRow, check: &PersonCheck) -> CheckedRow {
        match self.read(row) {
            ReadRow {
                person: Some(person),
                errors,
            } if errors.is_empty() => CheckedRow {
                row: row.row,
                line: row.line,
                user_id: user_id_text(&person),
                person: Ok(person),
            },
            _ => self.check(row, check),
        }
    }

    /// The column a place in a person (a JSON Pointer such as `/traits/age`) comes from: the CSV
    /// header that fills it (`traits.age:number`), else the field's dotted path (`traits.age`);
    /// `None` for the person as a whole.
    pub fn column_of(&self, pointer: &str) -> Option<String> {
        if pointer.is_empty() {
            return None;
        }
        if let Rows::Csv(csv) = &self.rows
            && let Some(column) = csv.column_at(pointer)
        {
            return Some(column.header.clone());
        }
        Some(dotted_path(pointer))
    }
}

/// A problem for each top-level key of a JSON person that the batch item schema does not list:
/// the server would drop it silently (`Email` for `email`, `phone` in a workspace).
fn unknown_fields(person: &Value, check: &PersonCheck) -> Vec<RowError> {
    let Some(person) = person.as_object() else {
        return Vec::new();
    };
    person
        .keys()
        .filter(|key| check.top_level_fields().all(|field| field != key.as_str()))
        .map(|key| {
            let fields: Vec<&str> = check.top_level_fields().collect();
            let hint = fields
                .iter()
                .find(|field| field.eq_ignore_ascii_case(key))
                .map_or_else(
                    || "; put your own data under traits".to_owned(),
                    |field| format!("; did you mean {field}?"),
                );
            RowError::new(
                Some(key.clone()),
                format!(
                    "Not a field of a person: the fields are {}{hint}",
                    fields.join(", ")
                ),
            )
        })
        .collect()
}

/// How deeply `value` nests objects and lists: a scalar is 0, `{}` is 1. Parsed values are at
/// most 128 deep, so the recursion is bounded.
fn depth(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The userId of a person as text: a string as it is, any other value as JSON.
pub fn user_id_text(person: &Value) -> Option<String> {
    match person.get("userId")? {
        Value::String(text) => Some(text.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// A JSON Pointer as the dotted path a user reads: `/traits/age` is `traits.age`, an array
/// index is `[2]`, and `~1`, `~0` are `/` and `~` again.
pub fn dotted_path(pointer: &str) -> String {
    let mut path = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|byte| byte.is_ascii_digit()) {
            path.push('[');
            path.push_str(&segment);
            path.push(']');
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&segment);
        }
    }
    path
}

/// Tells the format from the first content and consumes a UTF-8 byte order mark; also how many
/// blank lines were consumed before that content (only whole buffers of blank space are). Text
/// in another encoding is refused here, naming line 1: every row of it would be unreadable.
fn sniff(input: &mut Input) -> Result<(Format, u64), SourceError> {
    let start = input.fill_buf().map_err(|err| SourceError::io(1, &err))?;
    if start.is_empty() {
        return Err(SourceError::at(
            1,
            "the file is empty: there are no people in it",
        ));
    }
    if start.starts_with(b"\xFF\xFE") || start.starts_with(b"\xFE\xFF") {
        return Err(SourceError::at(
            1,
            "the file is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8",
        ));
    }
    if start.contains(&0) {
        return Err(SourceError::at(
            1,
            "the file holds NUL bytes, so it is not UTF-8 text (UTF-16, or not text at all): save it as UTF-8",
        ));
    }
    if start.starts_with(UTF8_BOM) {
        input.consume(UTF8_BOM.len());
    }
    // The first content decides, however many blank lines come before it; those are counted so
    // every line number stays true.
    let mut blank_lines = 0;
    loop {
        let buffer = input.fill_buf().map_err(|err| SourceError::io(1, &err))?;
        let format = match buffer.iter().find(|byte| !byte.is_ascii_whitespace()) {
            Some(b'[') => Format::JsonArray,
            Some(b'{') => Format::JsonLines,
            Some(_) => Format::Csv,
            None if buffer.is_empty() => {
                return Err(SourceError::at(
                    1,
                    "the file holds only blank space: there are no people in it",
                ));
            }
            None => {
                blank_lines += buffer.iter().filter(|byte| **byte == b'\n').count() as u64;
                let blank = buffer.len();
                input.consume(blank);
                continue;
            }
        };
        return Ok((format, blank_lines));
    }
}

/// The first rows of a file, to show before importing it: its format, its columns (CSV), and
/// each row's person or problems.
pub struct Preview {
    pub format: Format,
    pub columns: Vec<Column>,
    pub rows: Vec<CheckedRow>,
}

impl Preview {
    /// Reads at most `count` rows of the file at `path`, checking each with `check`.
    pub fn read(path: &Path, count: usize, check: &PersonCheck) -> Result<Self, SourceError> {
        let mut source = Source::open(path, check)?;
        let mut rows = Vec::new();
        while rows.len() < count {
            match source.next_checked(check)? {
                Some(row) => rows.push(row),
                None => break,
            }
        }
        Ok(Self {
            format: source.format(),
            columns: source.columns().to_vec(),
            rows,
        })
    }
}

/// Where in a row's bytes `offset` falls: the file line (rows may span lines) and the
/// character column on it, both from 1.
pub(super) fn position(bytes: &[u8], offset: usize, first_line: u64) -> (u64, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let newlines = before.iter().filter(|byte| **byte == b'\n').count() as u64;
    let line_start = before
        .iter()
        .rposition(|byte| *byte == b'\n')
        .map_or(0, |at| at + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (first_line + newlines, column)
}

/// Why `bytes` are not UTF-8, in words: the first bad byte, and the text just before it so the
/// user can find it.
pub(super) fn not_utf8(bytes: &[u8], error: std::str::Utf8Error) -> String {
    let valid = &bytes[..error.valid_up_to()];
    let before: String = String::from_utf8_lossy(valid)
        .chars()
        .rev()
        .take(20)
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .collect();
    let bad = bytes.get(error.valid_up_to()).copied().unwrap_or_default();
    let place = if before.is_empty() {
        "at its start".to_owned()
    } else {
        format!("after \"{before}\"")
    };
    format!(
        "Not UTF-8 text: the byte 0x{bad:02X} {place} is not valid UTF-8; save the file as UTF-8"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_read_as_dotted_paths() {
        assert_eq!(dotted_path("/email"), "email");
        assert_eq!(dotted_path("/traits/age"), "traits.age");
        assert_eq!(dotted_path("/traits/tags/2"), "traits.tags[2]");
        assert_eq!(dotted_path("/traits/a~1b~0c"), "traits.a/b~c");
    }

    #[test]
    fn the_format_is_told_from_the_first_bytes() {
        let check = PersonCheck::new(false).unwrap();
        let format =
            |bytes: &'static [u8]| Source::from_reader(bytes, None, &check).map(|s| s.format());
        assert_eq!(format(b"userId,email\n"), Ok(Format::Csv));
        assert_eq!(format(b"\xEF\xBB\xBFuserId\n"), Ok(Format::Csv));
        assert_eq!(format(b"  \n[{\"userId\":\"a\"}]"), Ok(Format::JsonArray));
        assert_eq!(format(b"{\"userId\":\"a\"}\n"), Ok(Format::JsonLines));
        assert_eq!(format(b"\xEF\xBB\xBF{}"), Ok(Format::JsonLines));
        for refused in [&b""[..], b"  \n ", b"\xFF\xFEu\0s\0", b"u\0s\0e\0r\0"] {
            let error = Source::from_reader(refused, None, &check)
                .err()
                .map(|e| e.line);
            assert_eq!(error, Some(1), "{refused:?}");
        }
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let bytes = "{\n  \"é\": x".as_bytes();
        assert_eq!(position(bytes, 0, 5), (5, 1));
        assert_eq!(position(bytes, bytes.len() - 1, 5), (6, 8));
    }
}
