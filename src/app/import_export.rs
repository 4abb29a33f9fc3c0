//! "Export failed rows": the rows an import could not store (failed, rejected, invalid) written
//! as a CSV the importer reads back, to fix and import again, and beside it a second CSV with
//! each row's reasons. The importer refuses a column it does not know, so the reasons cannot sit
//! in the same file.
//!
//! A CSV input keeps its own header and each row's cells byte for byte; a JSON input gets the
//! columns the importer understands (`userId`, `email`, `traits.NAME:number`, ...). Runs on a
//! background thread: the file is read as a stream, and only the bad rows' reasons are held.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::import_view::{flattened, json_kind};
use crate::import::person::PersonCheck;
use crate::import::source::CellKind;
use crate::import::{Outcome, RawText, RowError, RowResult, Source};

/// A row's outcome and reasons when it is to be exported, `None` when it was stored.
type BadRow = Option<(Outcome, Vec<RowError>)>;

/// One exported row's reasons.
struct Reason {
    /// Where the row starts in the export.
    export_line: u64,
    source_line: u64,
    outcome: Outcome,
    errors: Vec<RowError>,
}

/// Writes the failed, rejected and invalid rows of `source` to `target` (and their reasons
/// beside it); `results` is the import's results file, when it sent anything. Says what it did.
pub fn export_failed(
    source: &Path,
    results: Option<&Path>,
    target: &Path,
    workspace: bool,
) -> Result<String, String> {
    let check = PersonCheck::new(workspace)?;
    let refused = match results {
        Some(path) => refused_rows(path)?,
        None => HashMap::new(),
    };
    let bad = |source: &Source, row: &crate::import::source::RawRow| -> BadRow {
        match source.check(row, &check).person {
            Err(errors) => Some((Outcome::Invalid, errors)),
            Ok(_) => refused.get(&ResultKey::of(row.row, row.line)).cloned(),
        }
    };
    let columns = match json_columns(source, &check, &bad)? {
        Some(columns) => Columns::Json(columns),
        None => Columns::Csv,
    };
    let mut writer = CsvWriter::create(target)?;
    let mut reasons = Vec::new();
    let mut source_file = Source::open(source, &check).map_err(|err| err.to_string())?;
    let header: Vec<Vec<u8>> = match &columns {
        Columns::Csv => source_file
            .columns()
            .iter()
            .map(|column| column.header.clone().into_bytes())
            .collect(),
        Columns::Json(columns) => columns.iter().map(|c| c.header().into_bytes()).collect(),
    };
    writer.row(header.iter().map(Vec::as_slice))?;
    while let Some(row) = source_file.next_row().map_err(|err| err.to_string())? {
        let Some((outcome, mut errors)) = bad(&source_file, &row) else {
            continue;
        };
        let export_line = writer.line;
        match (&columns, row.raw()) {
            (Columns::Csv, RawText::Cells(cells)) => writer.row(cells.into_iter())?,
            (Columns::Json(columns), RawText::Json(bytes)) => {
                let person = source_file.read(&row).person;
                let cells = json_row(person.as_ref(), columns, &mut errors, bytes);
                writer.row(cells.iter().map(Vec::as_slice))?;
            }
            _ => return Err("The file changed while it was exported.".to_owned()),
        }
        reasons.push(Reason {
            export_line,
            source_line: row.line,
            outcome,
            errors,
        });
    }
    writer.finish()?;
    if reasons.is_empty() {
        let _ = std::fs::remove_file(target);
        return Ok("No failed, rejected or invalid rows: nothing to export.".to_owned());
    }
    let reasons_path = reasons_path(target);
    write_reasons(&reasons_path, &reasons)?;
    let count = |outcome| reasons.iter().filter(|r| r.outcome == outcome).count();
    Ok(format!(
        "Exported {} rows ({} invalid, {} rejected, {} failed) to {}; why each failed is in {}. Fix them and open the export to import it.",
        reasons.len(),
        count(Outcome::Invalid),
        count(Outcome::Rejected),
        count(Outcome::Failed),
        target.display(),
        reasons_path.display()
    ))
}

/// The reasons beside the export: `people.failed.csv` → `people.failed.reasons.csv`.
pub fn reasons_path(target: &Path) -> PathBuf {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let stem = name.strip_suffix(".csv").unwrap_or(&name);
    target.with_file_name(format!("{stem}.reasons.csv"))
}

/// Which row a line of the results file is about: its ordinal, or its line in files written
/// before rows had one (a one-line JSON array's rows all share line 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum ResultKey {
    Row(u64),
    Line(u64),
}

impl ResultKey {
    fn of(row: u64, line: u64) -> Self {
        match row {
            0 => Self::Line(line),
            row => Self::Row(row),
        }
    }
}

/// The rows the server refused or that never got an answer, from the results file: a row's
/// latest line counts, so one that failed and was stored by a resume is not exported.
fn refused_rows(path: &Path) -> Result<HashMap<ResultKey, (Outcome, Vec<RowError>)>, String> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(err) => {
            return Err(format!(
                "cannot read the results file {}: {err}",
                path.display()
            ));
        }
    };
    let mut refused = HashMap::new();
    for line in BufReader::new(file).split(b'\n') {
        let line = line.map_err(|err| format!("cannot read the results file: {err}"))?;
        let Ok(result) = serde_json::from_slice::<RowResult>(&line) else {
            continue;
        };
        let key = ResultKey::of(result.row, result.line);
        if matches!(result.outcome, Outcome::Rejected | Outcome::Failed) {
            refused.insert(key, (result.outcome, result.errors));
        } else {
            refused.remove(&key);
        }
    }
    Ok(refused)
}

enum Columns {
    /// The source's own header and cells.
    Csv,
    Json(Vec<JsonColumn>),
}

/// A column of the export of a JSON file: a field, and the type all its values share.
struct JsonColumn {
    name: String,
    kind: CellKind,
}

impl JsonColumn {
    fn header(&self) -> String {
        match self.kind {
            CellKind::Text => self.name.clone(),
            CellKind::Number => format!("{}:number", self.name),
            CellKind::Boolean => format!("{}:boolean", self.name),
            CellKind::Json => format!("{}:json", self.name),
        }
    }
}

/// For a JSON file, the columns its bad rows need (a first pass over the file): each field the
/// importer reads a column for, typed by its values. `None` for a CSV file.
fn json_columns(
    path: &Path,
    check: &PersonCheck,
    bad: &dyn Fn(&Source, &crate::import::source::RawRow) -> BadRow,
) -> Result<Option<Vec<JsonColumn>>, String> {
    let mut source = Source::open(path, check).map_err(|err| err.to_string())?;
    if source.format() == crate::import::Format::Csv {
        return Ok(None);
    }
    let id = check.id_field().to_owned();
    let mut columns = vec![JsonColumn {
        name: id.clone(),
        kind: CellKind::Text,
    }];
    let mut seen_id_kind: Option<CellKind> = None;
    while let Some(row) = source.next_row().map_err(|err| err.to_string())? {
        if bad(&source, &row).is_none() {
            continue;
        }
        let Some(person) = source.read(&row).person else {
            continue;
        };
        for (name, value) in flattened(&person) {
            if !is_column(&name, check) {
                continue;
            }
            let kind = json_kind(value);
            if name == id {
                seen_id_kind = Some(merge(seen_id_kind, kind));
                continue;
            }
            match columns.iter_mut().find(|column| column.name == name) {
                Some(column) => column.kind = merge(Some(column.kind), kind),
                None => columns.push(JsonColumn { name, kind }),
            }
        }
    }
    if let Some(kind) = seen_id_kind {
        columns[0].kind = kind;
    }
    Ok(Some(columns))
}

/// The type of a column holding values of `known` and now `kind`: one they share, else JSON.
fn merge(known: Option<CellKind>, kind: CellKind) -> CellKind {
    match known {
        Some(known) if known != kind => CellKind::Json,
        _ => kind,
    }
}

/// Whether the importer reads a column called `name`.
fn is_column(name: &str, check: &PersonCheck) -> bool {
    name.strip_prefix("traits.")
        .is_some_and(|rest| !rest.is_empty())
        || (name != "traits" && check.top_level_fields().any(|field| field == name))
}

/// A JSON row's cells in `columns`; what cannot be written there (a field the importer has no
/// column for, text that is no person) is added to `errors` so the reasons file keeps it.
fn json_row(
    person: Option<&Value>,
    columns: &[JsonColumn],
    errors: &mut Vec<RowError>,
    raw: &[u8],
) -> Vec<Vec<u8>> {
    let mut cells = vec![Vec::new(); columns.len()];
    let Some(person) = person.filter(|person| person.is_object()) else {
        errors.push(RowError::whole_row(format!(
            "Not a person object, so its cells are empty here; it read: {}",
            String::from_utf8_lossy(raw)
        )));
        return cells;
    };
    for (name, value) in flattened(person) {
        match columns.iter().position(|column| column.name == name) {
            Some(at) => {
                cells[at] = match (columns[at].kind, value) {
                    (CellKind::Text, Value::String(text)) => text.clone().into_bytes(),
                    (_, value) => value.to_string().into_bytes(),
                };
            }
            None => errors.push(RowError::new(
                Some(name.clone()),
                format!("Left out of the export (the importer has no such column): {value}"),
            )),
        }
    }
    cells
}

/// Writes CSV as the importer reads it: comma-separated, a cell quoted when it holds a comma, a
/// quote or a line break (quotes doubled), LF line ends. Counts lines, for the reasons file.
struct CsvWriter {
    out: BufWriter<File>,
    path: PathBuf,
    /// The line the next row starts on.
    line: u64,
}

impl CsvWriter {
    fn create(path: &Path) -> Result<Self, String> {
        let file = File::create(path)
            .map_err(|err| format!("Could not write {}: {err}", path.display()))?;
        Ok(Self {
            out: BufWriter::new(file),
            path: path.to_owned(),
            line: 1,
        })
    }

    fn row<'a>(&mut self, cells: impl Iterator<Item = &'a [u8]>) -> Result<(), String> {
        let mut bytes = Vec::new();
        for (at, cell) in cells.enumerate() {
            if at > 0 {
                bytes.push(b',');
            }
            push_cell(&mut bytes, cell);
        }
        bytes.push(b'\n');
        self.line += bytes.iter().filter(|byte| **byte == b'\n').count() as u64;
        self.out
            .write_all(&bytes)
            .map_err(|err| format!("Could not write {}: {err}", self.path.display()))
    }

    fn finish(mut self) -> Result<(), String> {
        self.out
            .flush()
            .map_err(|err| format!("Could not write {}: {err}", self.path.display()))
    }
}

fn push_cell(bytes: &mut Vec<u8>, cell: &[u8]) {
    let quoted = cell
        .iter()
        .any(|byte| matches!(byte, b',' | b'"' | b'\n' | b'\r'));
    if !quoted {
        bytes.extend_from_slice(cell);
        return;
    }
    bytes.push(b'"');
    for &byte in cell {
        if byte == b'"' {
            bytes.push(b'"');
        }
        bytes.push(byte);
    }
    bytes.push(b'"');
}

/// The reasons file: for each exported row, one line per reason.
fn write_reasons(path: &Path, reasons: &[Reason]) -> Result<(), String> {
    let mut writer = CsvWriter::create(path)?;
    let header: [&[u8]; 5] = [
        b"export line",
        b"source line",
        b"outcome",
        b"column",
        b"reason",
    ];
    writer.row(header.into_iter())?;
    for reason in reasons {
        let errors = if reason.errors.is_empty() {
            vec![RowError::whole_row("(no reason given)")]
        } else {
            reason.errors.clone()
        };
        for error in errors {
            let cells = [
                reason.export_line.to_string(),
                reason.source_line.to_string(),
                reason.outcome.as_str().to_owned(),
                error.column.unwrap_or_default(),
                error.reason,
            ];
            writer.row(cells.iter().map(|cell| cell.as_bytes()))?;
        }
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use super::*;

    #[test]
    fn rows_sharing_a_line_export_by_row_and_a_row_stored_later_is_left_out() {
        let dir = std::env::temp_dir().join(format!("import-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A one-line JSON array: its three people are all on line 1.
        let source = dir.join("people.json");
        std::fs::write(&source, r#"[{"userId":"a"},{"userId":"b"},{"userId":"c"}]"#).unwrap();
        // Row 1 failed and was stored by a resume; rows 2 and 3 were refused.
        let results = dir.join("people.json.results.jsonl");
        let lines = [
            r#"{"line":1,"row":1,"userId":"a","outcome":"failed","errors":[{"column":null,"reason":"503"}]}"#,
            r#"{"line":1,"row":2,"userId":"b","outcome":"rejected","errors":[{"column":"email","reason":"taken"}]}"#,
            r#"{"line":1,"row":3,"userId":"c","outcome":"failed","errors":[{"column":null,"reason":"503"}]}"#,
            r#"{"line":1,"row":1,"userId":"a","outcome":"created","id":"p1","errors":[]}"#,
        ];
        std::fs::write(&results, lines.join("\n") + "\n").unwrap();
        let target = dir.join("failed.csv");
        export_failed(&source, Some(&results), &target, false).unwrap();
        let exported = std::fs::read_to_string(&target).unwrap();
        assert_eq!(exported, "userId\nb\nc\n", "{exported}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
