//! The results file: JSON Lines, one line per source row (`line`, `userId`, `outcome`, `id`,
//! `errors`), written only once a row's outcome is final and flushed after each batch.
//!
//! A resumed import reads which lines are finished and sends only the others. A crash can leave
//! at most a torn last line: it is ignored and cut off before anything is appended, so its row
//! is sent again and gets one complete line. A batch the server accepted just before a crash has
//! no lines yet, so it is resent; the batch is an upsert by userId, so the server answers
//! "updated" and nothing is created twice.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Counts, Outcome, RowResult};

/// The write buffer: larger than a batch's lines, so a batch normally reaches the file in one
/// write.
const WRITE_BUFFER: usize = 256 * 1024;

/// The part of a results line a resume needs; other fields are ignored.
#[derive(Deserialize)]
struct Finished {
    line: u64,
    #[serde(rename = "userId")]
    user_id: Option<String>,
    outcome: Outcome,
    /// 0 in a file written before rows had ordinals: such a line is known by its `line`.
    #[serde(default)]
    row: u64,
}

/// The longest results line read: far more than any row's errors take, and a bound on what a
/// file that is no results file (one endless line) can make a resume allocate.
const MAX_RESULT_LINE: u64 = 4 * 1024 * 1024;

/// A set of line numbers, one bit each: a million rows take 125 KB.
#[derive(Clone, Debug, Default)]
pub struct LineSet {
    words: Vec<u64>,
    len: u64,
}

impl LineSet {
    pub fn contains(&self, line: u64) -> bool {
        let (word, bit) = Self::place(line);
        self.words
            .get(word)
            .is_some_and(|bits| bits & (1 << bit) != 0)
    }

    /// Adds `line`; whether it was new.
    pub fn insert(&mut self, line: u64) -> bool {
        let (word, bit) = Self::place(line);
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        let new = self.words[word] & (1 << bit) == 0;
        self.words[word] |= 1 << bit;
        self.len += u64::from(new);
        new
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn place(line: u64) -> (usize, u64) {
        ((line / 64) as usize, line % 64)
    }
}

/// A row's latest outcome in the results file, and a fingerprint of the userId recorded with
/// it (to tell the file's rows from another file's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub outcome: Outcome,
    fingerprint: u32,
}

/// The fingerprint of a row's userId, as [`Recorded`] keeps it.
pub fn fingerprint(user_id: Option<&str>) -> u32 {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    user_id.hash(&mut hasher);
    hasher.finish() as u32
}

/// How large the file being imported is: results beyond it belong to another file.
#[derive(Clone, Copy, Debug, Default)]
pub struct Extent {
    /// Rows in the file.
    pub rows: u64,
    /// The line the last row starts on.
    pub last_line: u64,
}

/// What earlier runs finished: each row's latest outcome, and how many of each outcome. A row
/// whose latest outcome is `failed` is not finished: a resume sends it again.
#[derive(Clone, Debug, Default)]
pub struct Earlier {
    /// By row ordinal (row 1 at index 0).
    rows: Vec<Option<Recorded>>,
    /// Lines finished in a file written before rows had ordinals.
    legacy_lines: LineSet,
    /// Rows with a final outcome (not `failed`).
    finished: u64,
    /// Created, updated and rejected rows (invalid ones are counted again by the check; failed
    /// ones are sent again).
    pub counts: Counts,
}

impl Earlier {
    /// Reads the results file at `path` of an import of a file of this `extent`: every
    /// complete line, the latest one of each row counting. Also returns where the complete
    /// lines end: a torn last line starts there. A line that is no result, or a row the file
    /// does not have, means this is not that import's results file: it is refused.
    /// `file` is the results file at `path`, read from its start (through the handle that holds
    /// its lock: on some systems no other handle may read a locked file).
    pub fn read(file: &File, path: &Path, extent: Extent) -> Result<(Self, u64), String> {
        let shown = path.display();
        let cannot = |err: io::Error| format!("cannot read the results file {shown}: {err}");
        let mut reader = BufReader::new(file);
        let mut earlier = Self::default();
        let mut complete_end = 0;
        let mut line = Vec::new();
        for number in 1u64.. {
            line.clear();
            let read = (&mut reader)
                .take(MAX_RESULT_LINE)
                .read_until(b'\n', &mut line)
                .map_err(cannot)?;
            if read == 0 || line.last() != Some(&b'\n') {
                if read as u64 >= MAX_RESULT_LINE {
                    return Err(not_results(path, number, "it is far too long"));
                }
                // The end, or a line torn by a crash.
                break;
            }
            complete_end += read as u64;
            let finished = serde_json::from_slice::<Finished>(&line)
                .map_err(|_| not_results(path, number, "it is not a row's result"))?;
            earlier.take(finished, extent).map_err(|why| {
                format!(
                    "the results file {shown} is not this file's import: {why}; choose another results file"
                )
            })?;
        }
        earlier.count();
        Ok((earlier, complete_end))
    }

    fn take(&mut self, finished: Finished, extent: Extent) -> Result<(), String> {
        if finished.row == 0 {
            if finished.line > extent.last_line {
                return Err(format!(
                    "it records line {}, beyond the last row (line {})",
                    finished.line, extent.last_line
                ));
            }
            if finished.outcome != Outcome::Failed && self.legacy_lines.insert(finished.line) {
                self.counts.add_outcome(finished.outcome);
                self.finished += 1;
            }
            return Ok(());
        }
        if finished.row > extent.rows {
            return Err(format!(
                "it records row {}, but the file has {} row{}",
                finished.row,
                extent.rows,
                if extent.rows == 1 { "" } else { "s" }
            ));
        }
        let index = (finished.row - 1) as usize;
        if index >= self.rows.len() {
            self.rows.resize(index + 1, None);
        }
        self.rows[index] = Some(Recorded {
            outcome: finished.outcome,
            fingerprint: fingerprint(finished.user_id.as_deref()),
        });
        Ok(())
    }

    /// Counts each row's latest outcome, once.
    fn count(&mut self) {
        for recorded in self.rows.iter().flatten() {
            if recorded.outcome != Outcome::Failed {
                self.counts.add_outcome(recorded.outcome);
                self.finished += 1;
            }
        }
    }

    /// The latest outcome of `row`, if the file records one.
    pub fn recorded(&self, row: u64) -> Option<Recorded> {
        let index = usize::try_from(row.checked_sub(1)?).ok()?;
        self.rows.get(index).copied().flatten()
    }

    /// Whether the row (the `row`th, on `line`) has a final outcome: a resume skips it.
    pub fn is_finished(&self, row: u64, line: u64) -> bool {
        self.recorded(row)
            .is_some_and(|recorded| recorded.outcome != Outcome::Failed)
            || self.legacy_lines.contains(line)
    }

    /// Whether the row recorded as `row` had this userId: the same file's row.
    pub fn same_row(&self, row: u64, user_id: Option<&str>) -> bool {
        self.recorded(row)
            .is_none_or(|recorded| recorded.fingerprint == fingerprint(user_id))
    }

    /// Rows with a final outcome.
    pub fn finished(&self) -> u64 {
        self.finished
    }

    /// Rows whose latest outcome is `failed`: sent again.
    pub fn failed(&self) -> u64 {
        self.rows
            .iter()
            .flatten()
            .filter(|recorded| recorded.outcome == Outcome::Failed)
            .count() as u64
    }
}

/// Refuses a results file that would destroy something or cannot hold results: the file being
/// imported (by any name), a folder, a device or a pipe.
fn refuse_unfit(path: &Path, input: &Path) -> Result<(), String> {
    let shown = path.display();
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    if meta.is_dir() {
        return Err(format!(
            "the results file {shown} is a folder: name a file (inside it, for example)"
        ));
    }
    if !meta.is_file() {
        return Err(format!(
            "the results file {shown} is not a regular file (a device or a pipe): name a file"
        ));
    }
    if same_file(path, &meta, input) {
        return Err(format!(
            "the results file {shown} is the file being imported: name another file"
        ));
    }
    Ok(())
}

/// Whether `input` is the file at `path` (whose metadata is `meta`), by any name.
#[cfg(unix)]
fn same_file(_path: &Path, meta: &std::fs::Metadata, input: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(input)
        .is_ok_and(|input| (meta.dev(), meta.ino()) == (input.dev(), input.ino()))
}

/// Whether `input` is the file at `path`, by any name.
#[cfg(not(unix))]
fn same_file(path: &Path, _meta: &std::fs::Metadata, input: &Path) -> bool {
    match (std::fs::canonicalize(path), std::fs::canonicalize(input)) {
        (Ok(path), Ok(input)) => path == input,
        _ => false,
    }
}

/// Why `path` is refused as a results file: its `number`th line is not what one holds.
fn not_results(path: &Path, number: u64, why: &str) -> String {
    format!(
        "{} is not a results file (line {number}: {why}): choose another results file",
        path.display()
    )
}

/// Appends results to the file.
pub struct ResultsWriter {
    file: BufWriter<File>,
    path: PathBuf,
}

impl ResultsWriter {
    /// Opens the results file at `path` for an import of `input`, a file of this `extent`, and
    /// locks it: two imports writing one file would garble it. To `resume`, reads what earlier
    /// runs finished and cuts off a torn last line; otherwise the file must be empty or new, so
    /// nothing is ever overwritten. The input itself, a folder or a device is refused.
    pub fn open(
        path: &Path,
        resume: bool,
        input: &Path,
        extent: Extent,
    ) -> Result<(Self, Earlier), String> {
        let shown = path.display();
        refuse_unfit(path, input)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|err| format!("cannot open the results file {shown}: {err}"))?;
        file.try_lock().map_err(|err| match err {
            std::fs::TryLockError::WouldBlock => format!(
                "another import is using the results file {shown}: wait for it to end, or choose another results file"
            ),
            std::fs::TryLockError::Error(err) => {
                format!("cannot lock the results file {shown}: {err}")
            }
        })?;
        let (earlier, complete_end) = if resume {
            Earlier::read(&file, path, extent)?
        } else {
            let holds_something = file.metadata().is_ok_and(|meta| meta.len() > 0);
            if holds_something {
                return Err(format!(
                    "the results file {shown} is not empty: resume the import it records, or choose another results file"
                ));
            }
            (Earlier::default(), 0)
        };
        file.set_len(complete_end)
            .and_then(|()| file.seek(SeekFrom::End(0)))
            .map_err(|err| format!("cannot prepare the results file {shown}: {err}"))?;
        Ok((
            Self {
                file: BufWriter::with_capacity(WRITE_BUFFER, file),
                path: path.to_owned(),
            },
            earlier,
        ))
    }

    /// Adds one row's line (buffered until [`ResultsWriter::flush`]).
    pub fn write(&mut self, result: &RowResult) -> Result<(), String> {
        serde_json::to_writer(&mut self.file, result)
            .map_err(io::Error::from)
            .and_then(|()| self.file.write_all(b"\n"))
            .map_err(|err| self.failure(&err))
    }

    /// Hands every buffered line to the operating system: a killed process loses none of them.
    pub fn flush(&mut self) -> Result<(), String> {
        self.file.flush().map_err(|err| self.failure(&err))
    }

    /// Flushes and asks the disk to keep the file, at the end of an import.
    pub fn finish(&mut self) -> Result<(), String> {
        self.flush()?;
        self.file
            .get_ref()
            .sync_data()
            .map_err(|err| self.failure(&err))
    }

    fn failure(&self, error: &io::Error) -> String {
        format!(
            "cannot write the results file {}: {error}",
            self.path.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::RowError;

    fn result(line: u64, outcome: Outcome) -> RowResult {
        RowResult {
            line,
            user_id: Some(format!("u{line}")),
            outcome,
            id: None,
            errors: vec![RowError::new(Some("email".into()), "bad")],
            row: line - 1,
        }
    }

    /// A file of rows on lines 2..=10, which is not the results file.
    const EXTENT: Extent = Extent {
        rows: 9,
        last_line: 10,
    };

    fn open(path: &Path, resume: bool) -> Result<(ResultsWriter, Earlier), String> {
        ResultsWriter::open(path, resume, Path::new("/nonexistent/people.csv"), EXTENT)
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "flameup-import-results-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&dir);
        dir
    }

    #[test]
    fn line_sets_hold_each_line_once() {
        let mut set = LineSet::default();
        assert!(set.insert(2));
        assert!(set.insert(1_000_000));
        assert!(!set.insert(2));
        assert!(set.contains(2) && set.contains(1_000_000) && !set.contains(3));
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn a_line_looks_like_the_issue_says() {
        let line = serde_json::to_string(&result(7, Outcome::Rejected)).unwrap();
        assert_eq!(
            line,
            r#"{"line":7,"userId":"u7","outcome":"rejected","id":null,"errors":[{"column":"email","reason":"bad"}],"row":6}"#
        );
    }

    #[test]
    fn a_resume_reads_finished_lines_and_cuts_a_torn_one() {
        let path = scratch("torn");
        let (mut writer, earlier) = open(&path, false).unwrap();
        assert_eq!(earlier.finished(), 0);
        for (line, outcome) in [
            (2, Outcome::Created),
            (3, Outcome::Invalid),
            (4, Outcome::Updated),
        ] {
            writer.write(&result(line, outcome)).unwrap();
        }
        writer.flush().unwrap();
        drop(writer);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"line\":5,\"outcome\":\"crea").unwrap();
        drop(file);

        assert!(open(&path, false).is_err(), "never overwritten");
        let (mut writer, earlier) = open(&path, true).unwrap();
        assert_eq!(earlier.finished(), 3);
        assert!(earlier.is_finished(2, 3) && !earlier.is_finished(4, 5));
        assert_eq!((earlier.counts.created, earlier.counts.updated), (1, 1));
        writer.write(&result(5, Outcome::Failed)).unwrap();
        writer.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 4);
        assert!(
            text.lines()
                .all(|line| serde_json::from_str::<serde_json::Value>(line).is_ok())
        );
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn resuming_without_a_file_starts_from_the_beginning() {
        let path = scratch("missing");
        let (_, earlier) = open(&path, true).unwrap();
        assert_eq!(earlier.finished(), 0);
        let _ = std::fs::remove_file(&path);
    }
}
