//! The results file: JSON Lines, one line per source row (`line`, `userId`, `outcome`, `id`,
//! `errors`), written only once a row's outcome is final and flushed after each batch.
//!
//! A resumed import reads which lines are finished and sends only the others. A crash can leave
//! at most a torn last line: it is ignored and cut off before anything is appended, so its row
//! is sent again and gets one complete line. A batch the server accepted just before a crash has
//! no lines yet, so it is resent; the batch is an upsert by userId, so the server answers
//! "updated" and nothing is created twice.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
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
    outcome: Outcome,
}

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

/// What earlier runs finished: the lines with a final outcome, and how many of each outcome.
#[derive(Clone, Debug, Default)]
pub struct Earlier {
    pub lines: LineSet,
    /// Created, updated, rejected and failed rows (invalid ones are counted again by the check).
    pub counts: Counts,
}

impl Earlier {
    /// Reads the results file at `path`: every complete line that parses, each row once. Also
    /// returns where the complete lines end: a torn last line starts there.
    pub fn read(path: &Path) -> io::Result<(Self, u64)> {
        let file = match File::open(path) {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Ok((Self::default(), 0));
            }
            Err(err) => return Err(err),
        };
        let mut reader = BufReader::new(file);
        let mut earlier = Self::default();
        let mut complete_end = 0;
        let mut line = Vec::new();
        loop {
            line.clear();
            let read = reader.read_until(b'\n', &mut line)?;
            if read == 0 || line.last() != Some(&b'\n') {
                // The end, or a line torn by a crash.
                return Ok((earlier, complete_end));
            }
            complete_end += read as u64;
            if let Ok(finished) = serde_json::from_slice::<Finished>(&line)
                && earlier.lines.insert(finished.line)
            {
                earlier.counts.add_outcome(finished.outcome);
            }
        }
    }
}

/// Appends results to the file.
pub struct ResultsWriter {
    file: BufWriter<File>,
    path: PathBuf,
}

impl ResultsWriter {
    /// Opens the results file at `path`. To `resume`, reads what earlier runs finished and cuts
    /// off a torn last line; otherwise the file must not hold results yet, so an earlier
    /// import's outcomes are never lost by starting again.
    pub fn open(path: &Path, resume: bool) -> Result<(Self, Earlier), String> {
        let shown = path.display();
        let (earlier, complete_end) = if resume {
            Earlier::read(path)
                .map_err(|err| format!("cannot read the results file {shown}: {err}"))?
        } else {
            let holds_results = std::fs::metadata(path).is_ok_and(|meta| meta.len() > 0);
            if holds_results {
                return Err(format!(
                    "the results file {shown} already holds the results of an import: resume that import, or choose another results file"
                ));
            }
            (Earlier::default(), 0)
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|err| format!("cannot open the results file {shown}: {err}"))?;
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
        }
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
            r#"{"line":7,"userId":"u7","outcome":"rejected","id":null,"errors":[{"column":"email","reason":"bad"}]}"#
        );
    }

    #[test]
    fn a_resume_reads_finished_lines_and_cuts_a_torn_one() {
        let path = scratch("torn");
        let (mut writer, earlier) = ResultsWriter::open(&path, false).unwrap();
        assert!(earlier.lines.is_empty());
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

        assert!(
            ResultsWriter::open(&path, false).is_err(),
            "never overwritten"
        );
        let (mut writer, earlier) = ResultsWriter::open(&path, true).unwrap();
        assert_eq!(earlier.lines.len(), 3);
        assert!(earlier.lines.contains(3) && !earlier.lines.contains(5));
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
        let (_, earlier) = ResultsWriter::open(&path, true).unwrap();
        assert!(earlier.lines.is_empty());
        let _ = std::fs::remove_file(&path);
    }
}
