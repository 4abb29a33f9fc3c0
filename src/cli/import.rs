//! `flameup-explorer import FILE`: the bulk import engine ([`crate::import`]) on the command
//! line. Bad rows and the summary go to standard output; progress goes to standard error, as a
//! bar on a terminal and otherwise as a line every few seconds.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use serde_json::json;

use super::output;
use super::run::token_from_env;
use crate::import::{
    Destination, End, Event, Import, MAX_BATCH_SIZE, Phase, Progress, ResultsFile, RowResult,
    SendSettings, Settings, Summary, WaitReason,
};
use crate::model::TOKEN_ENV_VAR;
use crate::model::draft::PRODUCTION_BASE_URL;

/// The most requests `--concurrency` allows in flight at once.
const MAX_CONCURRENCY: usize = 64;

/// How often the bar on a terminal is redrawn.
const BAR_EVERY: Duration = Duration::from_millis(200);

/// How often a progress line is written when standard error is not a terminal.
const LOG_EVERY: Duration = Duration::from_secs(5);

/// The bar's width in characters.
const BAR_WIDTH: usize = 24;

/// Import people from a file (CSV, JSON Lines or a JSON array) in batches, at the pace the
/// server's rate limit allows.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file of people: CSV with a header row (userId, email, phone, traits.NAME; a type
    /// suffix such as traits.age:number, :boolean or :json types a column), JSON Lines, or a
    /// JSON array of people objects; UTF-8, with or without a byte order mark. `-` reads
    /// standard input (as does a pipe or a FIFO): it is copied to a temporary file first, since
    /// every row is checked before any is sent.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Check every row against the API contract and report each bad one (line, column,
    /// reason); send nothing. Exits 0 when every row is valid, 1 otherwise.
    #[arg(long)]
    pub dry_run: bool,
    /// Write each row's final outcome to this file (JSON Lines: line, userId, outcome, id,
    /// errors), flushed after each batch. An existing file is only ever resumed.
    #[arg(long, value_name = "FILE", conflicts_with = "dry_run")]
    pub results: Option<PathBuf>,
    /// Continue the import recorded in --results: only rows without a final outcome are sent.
    #[arg(long, requires = "results")]
    pub resume: bool,
    /// Send to this workspace (batchWorkspacePeople) instead of the key's (batchPeople).
    #[arg(long, value_name = "ID")]
    pub workspace: Option<String>,
    /// The API's base URL [default: https://api.flameup.ai/api/v1].
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// People per request, from 1 to 100.
    #[arg(long, value_name = "N", default_value_t = MAX_BATCH_SIZE, value_parser = parse_batch_size)]
    pub batch_size: usize,
    /// Requests in flight at once, at most (a rate limit may allow fewer); for servers without
    /// a limit.
    #[arg(long, value_name = "N", default_value_t = SendSettings::DEFAULT_CONCURRENCY, value_parser = parse_concurrency)]
    pub concurrency: usize,
    #[arg(long, value_enum, default_value_t = SummaryFormat::Pretty)]
    pub output: SummaryFormat,
}

/// How the bad rows and the summary are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// One line per bad row, then the counts in words.
    Pretty,
    /// One JSON object: {"rows", "valid", "invalid", "created", "updated", "rejected", "failed",
    /// "requests", "rate_limited", "elapsed_ms", "invalid_rows": [{"line", "column", "reason",
    /// "row"}]},
    /// and "error" when the import stopped.
    Json,
}

fn parse_batch_size(text: &str) -> Result<usize, String> {
    parse_within(text, MAX_BATCH_SIZE, "people per batch")
}

fn parse_concurrency(text: &str) -> Result<usize, String> {
    parse_within(text, MAX_CONCURRENCY, "requests at once")
}

fn parse_within(text: &str, most: usize, what: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(number) if (1..=most).contains(&number) => Ok(number),
        _ => Err(format!(
            "expected a whole number of {what} from 1 to {most}"
        )),
    }
}

/// Runs the import and returns the exit code: 0 when every valid row was created or updated
/// (for a dry run: when every row is valid), 1 when not, 2 when the import could not run to its
/// end (a broken file, a refused token, an unreachable server).
pub fn run(args: &ImportArgs) -> ExitCode {
    match import(args) {
        Ok(code) => code,
        Err(message) => {
            output::print_failure(&printable(&message));
            ExitCode::from(2)
        }
    }
}

fn import(args: &ImportArgs) -> Result<ExitCode, String> {
    let input = Input::of(&args.file)?;
    let mut settings = settings(args)?;
    settings.file = input.path().to_owned();
    let (events_in, events) = mpsc::channel();
    let import = Import::start(settings, move |event| {
        // The receiver lives until the import has finished.
        let _ = events_in.send(event);
    })?;
    let mut report = Report::new(args);
    loop {
        match events.recv_timeout(report.tick()) {
            Ok(Event::Finished(_)) | Err(RecvTimeoutError::Disconnected) => break,
            Ok(event) => report.take(event)?,
            Err(RecvTimeoutError::Timeout) => report.draw(false),
        }
    }
    let summary = import.wait();
    report.finish(&summary)?;
    Ok(exit_code(args.dry_run, &summary))
}

fn settings(args: &ImportArgs) -> Result<Settings, String> {
    let send = if args.dry_run {
        None
    } else {
        let token = token_from_env()
            .map_err(|why| format!("{TOKEN_ENV_VAR} {why}: export it with your API key first"))?;
        let destination = Destination {
            base_url: args
                .base_url
                .clone()
                .unwrap_or_else(|| PRODUCTION_BASE_URL.to_owned()),
            token,
        };
        Some(SendSettings {
            batch_size: args.batch_size,
            concurrency: args.concurrency,
            results: args.results.clone().map(|path| ResultsFile {
                path,
                resume: args.resume,
            }),
            ..SendSettings::new(destination)
        })
    };
    Ok(Settings {
        file: args.file.clone(),
        workspace: args.workspace.clone(),
        send,
    })
}

fn exit_code(dry_run: bool, summary: &Summary) -> ExitCode {
    let counts = &summary.counts;
    let success = match summary.end {
        End::Stopped(_) => return ExitCode::from(2),
        End::Cancelled => false,
        End::Complete if dry_run => counts.invalid == 0,
        End::Complete => counts.all_valid_stored(),
    };
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The file the import reads. It is read twice (checked whole, then sent), so standard input, a
/// pipe or a FIFO, which can be read only once, is copied to a temporary file first; that copy is
/// removed when this is dropped.
struct Input {
    path: PathBuf,
    spooled: bool,
}

impl Input {
    fn of(file: &Path) -> Result<Self, String> {
        let from_stdin = file == Path::new("-");
        let once_only = from_stdin
            || std::fs::metadata(file).is_ok_and(|meta| !meta.is_file() && !meta.is_dir());
        if !once_only {
            return Ok(Self {
                path: file.to_owned(),
                spooled: false,
            });
        }
        let shown = if from_stdin {
            "standard input".to_owned()
        } else {
            file.display().to_string()
        };
        let path = std::env::temp_dir().join(format!(
            "flameup-explorer-import-{}-{}.input",
            std::process::id(),
            fastrand::u64(..)
        ));
        let spool = Self {
            path,
            spooled: true,
        };
        let mut copy = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&spool.path)
            .map_err(|err| format!("cannot copy {shown} to a temporary file: {err}"))?;
        let copied = if from_stdin {
            std::io::copy(&mut std::io::stdin().lock(), &mut copy)
        } else {
            std::fs::File::open(file).and_then(|mut source| std::io::copy(&mut source, &mut copy))
        };
        copied.map_err(|err| format!("cannot read {shown}: {err}"))?;
        Ok(spool)
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        if self.spooled {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// What the command prints while the import runs and at its end.
struct Report {
    format: SummaryFormat,
    dry_run: bool,
    /// Standard error is a terminal: a bar redrawn in place.
    terminal: bool,
    latest: Option<Progress>,
    /// When the progress was last drawn or written.
    drawn: Option<Instant>,
    /// A bar is on screen and must be cleared before other output.
    bar_shown: bool,
    /// The JSON object has been opened and this many invalid rows written into it.
    json_rows: Option<usize>,
    results: Option<PathBuf>,
}

impl Report {
    fn new(args: &ImportArgs) -> Self {
        let terminal = std::io::stderr().is_terminal();
        Self {
            format: args.output,
            dry_run: args.dry_run,
            terminal,
            latest: None,
            // A log gets its first line after a while: a short import needs none.
            drawn: (!terminal).then(Instant::now),
            bar_shown: false,
            json_rows: None,
            results: args.results.clone(),
        }
    }

    /// How long to wait for the next event before redrawing.
    fn tick(&self) -> Duration {
        if self.terminal { BAR_EVERY } else { LOG_EVERY }
    }

    fn take(&mut self, event: Event) -> Result<(), String> {
        match event {
            Event::Progress(progress) => {
                self.latest = Some(progress);
                self.draw(false);
            }
            Event::Invalid(row) => self.invalid(&row)?,
            Event::Results(_) | Event::Finished(_) => {}
        }
        Ok(())
    }

    /// Prints a bad row found while checking: a line each of its problems, or JSON entries.
    fn invalid(&mut self, row: &RowResult) -> Result<(), String> {
        self.clear_bar();
        match self.format {
            SummaryFormat::Pretty => output::to_stdout(|out| {
                for error in &row.errors {
                    match &error.column {
                        Some(column) => {
                            let (column, reason) = (printable(column), printable(&error.reason));
                            writeln!(out, "line {}, column {column}: {reason}", row.line)?;
                        }
                        None => writeln!(out, "line {}: {}", row.line, printable(&error.reason))?,
                    }
                }
                Ok(())
            }),
            SummaryFormat::Json => {
                let written = self.open_json()?;
                let mut count = written;
                let result = output::to_stdout(|out| {
                    for error in &row.errors {
                        if count > 0 {
                            out.write_all(b",")?;
                        }
                        let entry = json!({"line": row.line, "column": error.column, "reason": error.reason, "row": row.row});
                        serde_json::to_writer(&mut *out, &entry)?;
                        count += 1;
                    }
                    Ok(())
                });
                self.json_rows = Some(count);
                result
            }
        }
    }

    /// Opens the JSON summary (its invalid rows come first, as they are found, so none are
    /// held in memory); how many invalid rows it holds.
    fn open_json(&mut self) -> Result<usize, String> {
        if let Some(count) = self.json_rows {
            return Ok(count);
        }
        output::to_stdout(|out| out.write_all(b"{\"invalid_rows\":["))?;
        self.json_rows = Some(0);
        Ok(0)
    }

    /// Shows progress: the bar on a terminal (at most every [`BAR_EVERY`]), else a line on
    /// standard error every [`LOG_EVERY`].
    fn draw(&mut self, forced: bool) {
        let Some(progress) = &self.latest else {
            return;
        };
        let now = Instant::now();
        let every = self.tick();
        if !forced && self.drawn.is_some_and(|at| now.duration_since(at) < every) {
            return;
        }
        self.drawn = Some(now);
        let text = describe(progress, now);
        let mut err = std::io::stderr().lock();
        // Progress that cannot be shown is not worth stopping the import for.
        if self.terminal {
            let bar = bar(progress);
            let _ = write!(err, "\r\x1b[2K{bar} {text}");
            self.bar_shown = true;
        } else {
            let _ = writeln!(err, "flameup-explorer: import: {text}");
        }
        let _ = err.flush();
    }

    fn clear_bar(&mut self) {
        if self.bar_shown {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
            self.bar_shown = false;
        }
    }

    fn finish(&mut self, summary: &Summary) -> Result<(), String> {
        self.clear_bar();
        // An import stopped before its first row has nothing to count: its reason says it all.
        let counted = summary.counts.rows > 0 || !matches!(summary.end, End::Stopped(_));
        match self.format {
            SummaryFormat::Pretty if counted => self.pretty_summary(summary)?,
            SummaryFormat::Pretty => {}
            SummaryFormat::Json => self.json_summary(summary)?,
        }
        if let End::Stopped(message) = &summary.end {
            output::print_failure(&printable(message));
        }
        Ok(())
    }

    fn pretty_summary(&self, summary: &Summary) -> Result<(), String> {
        let counts = &summary.counts;
        let mut lines = vec![format!(
            "{} row{}: {} valid, {} invalid",
            counts.rows,
            if counts.rows == 1 { "" } else { "s" },
            counts.valid,
            counts.invalid
        )];
        if self.dry_run {
            lines.push("Dry run: nothing was sent.".to_owned());
        } else {
            lines.push(format!(
                "Created {}, updated {}, rejected {}, failed {}",
                counts.created, counts.updated, counts.rejected, counts.failed
            ));
            lines.push(format!(
                "{} request{} ({} answered 429, rate limited) in {}",
                counts.requests,
                if counts.requests == 1 { "" } else { "s" },
                counts.rate_limited,
                human(summary.elapsed)
            ));
            let pending = summary.pending();
            if pending > 0 {
                lines.push(format!(
                    "{pending} valid row{} not sent yet",
                    if pending == 1 { "" } else { "s" }
                ));
            }
            if counts.failed > 0 && self.results.is_some() {
                lines.push(format!(
                    "{} failed row{} (no answer, or not listed in it) go again with --resume",
                    counts.failed,
                    if counts.failed == 1 { "" } else { "s" }
                ));
            }
            if let Some(results) = &self.results {
                lines.push(format!("Results: {}", results.display()));
            }
        }
        output::print_lines(&lines.join("\n"))
    }

    fn json_summary(&mut self, summary: &Summary) -> Result<(), String> {
        self.open_json()?;
        let counts = &summary.counts;
        let mut tail = json!({
            "rows": counts.rows,
            "valid": counts.valid,
            "invalid": counts.invalid,
            "created": counts.created,
            "updated": counts.updated,
            "rejected": counts.rejected,
            "failed": counts.failed,
            "requests": counts.requests,
            "rate_limited": counts.rate_limited,
            "elapsed_ms": summary.elapsed.as_millis() as u64,
        });
        if let End::Stopped(message) = &summary.end {
            tail["error"] = json!(message);
        }
        let tail = tail.to_string();
        // `{"rows":…}` joins the open object after its invalid rows.
        let fields = tail.strip_prefix('{').unwrap_or(&tail);
        output::to_stdout(|out| writeln!(out, "],{fields}"))
    }
}

/// The bar: the share of rows with an outcome (or of the file read, while checking).
fn bar(progress: &Progress) -> String {
    let share = share_done(progress).unwrap_or(0.0).clamp(0.0, 1.0);
    let filled = (share * BAR_WIDTH as f64).round() as usize;
    format!(
        "[{}{}] {:>3}%",
        "#".repeat(filled),
        "-".repeat(BAR_WIDTH - filled),
        (share * 100.0).floor() as u64
    )
}

fn share_done(progress: &Progress) -> Option<f64> {
    match progress.phase {
        Phase::Checking => {
            let total = progress.bytes_total.filter(|total| *total > 0)?;
            Some(progress.bytes_read as f64 / total as f64)
        }
        Phase::Sending => {
            let rows = progress.counts.rows;
            (rows > 0).then(|| progress.done as f64 / rows as f64)
        }
    }
}

/// Progress in words: "checking: 4500 rows, 3 invalid"; "45000 of 100000 rows · 198 people/s ·
/// ETA 4 min 38 s · waiting for the rate limit: 23 s".
fn describe(progress: &Progress, now: Instant) -> String {
    let counts = &progress.counts;
    if progress.phase == Phase::Checking {
        let paused = if progress.paused { " · paused" } else { "" };
        return format!(
            "checking: {} rows, {} invalid{paused}",
            counts.rows, counts.invalid
        );
    }
    let mut parts = vec![format!("{} of {} rows", progress.done, counts.rows)];
    let seconds = progress.sending_for.as_secs_f64();
    if seconds >= 1.0 && progress.sent > 0 {
        let rate = progress.sent as f64 / seconds;
        parts.push(format!("{rate:.0} people/s"));
        let left = counts.rows.saturating_sub(progress.done) as f64;
        // The current wait is part of what is left, whatever the average rate says.
        let waiting = progress.waiting.map_or(Duration::ZERO, |wait| {
            wait.until.saturating_duration_since(now)
        });
        let eta = Duration::try_from_secs_f64(left / rate)
            .unwrap_or(Duration::MAX)
            .max(waiting);
        parts.push(format!("ETA {}", human(eta)));
    }
    if progress.paused {
        parts.push("paused".to_owned());
    } else if let Some(wait) = progress.waiting {
        let left = human(wait.until.saturating_duration_since(now));
        parts.push(match wait.reason {
            WaitReason::RateLimit => format!("waiting for the rate limit: {left}"),
            WaitReason::Backoff => format!("retrying in {left}"),
        });
    }
    parts.join(" · ")
}

/// `text` escaped for the terminal, on one line (see `crate::model::terminal::escape`): messages quote the
/// file, and its bytes must not drive the terminal or split a message over lines.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    crate::model::terminal::escape(text, crate::model::terminal::Shape::Line)
}

/// "4 min 38 s", "23 s", "1 h 5 min": rounded up to whole seconds.
fn human(duration: Duration) -> String {
    let seconds = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min {} s", seconds / 60, seconds % 60),
        _ => format!("{} h {} min", seconds / 3600, (seconds % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Counts, Wait};

    fn progress(phase: Phase) -> Progress {
        Progress {
            phase,
            paused: false,
            counts: Counts {
                rows: 1000,
                valid: 990,
                invalid: 10,
                ..Counts::default()
            },
            done: 250,
            sent: 200,
            bytes_read: 50,
            bytes_total: Some(200),
            in_flight: 1,
            waiting: None,
            rate_limit: None,
            elapsed: Duration::from_secs(12),
            sending_for: Duration::from_secs(10),
        }
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human(Duration::from_millis(22_100)), "23 s");
        assert_eq!(human(Duration::from_secs(278)), "4 min 38 s");
        assert_eq!(human(Duration::from_secs(3900)), "1 h 5 min");
        assert_eq!(human(Duration::ZERO), "0 s");
    }

    #[test]
    fn progress_says_rate_eta_and_waits() {
        let now = Instant::now();
        let mut sending = progress(Phase::Sending);
        sending.waiting = Some(Wait {
            until: now + Duration::from_secs(23),
            reason: WaitReason::RateLimit,
        });
        assert_eq!(
            describe(&sending, now),
            "250 of 1000 rows · 20 people/s · ETA 38 s · waiting for the rate limit: 23 s"
        );
        assert_eq!(
            bar(&sending),
            format!("[{}{}]  25%", "#".repeat(6), "-".repeat(18))
        );
        let checking = progress(Phase::Checking);
        assert_eq!(describe(&checking, now), "checking: 1000 rows, 10 invalid");
        assert!(bar(&checking).ends_with(" 25%"));
    }

    #[test]
    fn control_characters_in_messages_are_escaped() {
        assert_eq!(printable("plain é"), "plain é");
        assert_eq!(printable("a\u{1b}[2Jb\nc\0"), "a\\x1b[2Jb\\x0ac\\x00");
    }

    #[test]
    fn the_eta_is_never_shorter_than_the_current_wait() {
        let now = Instant::now();
        let mut sending = progress(Phase::Sending);
        sending.waiting = Some(Wait {
            until: now + Duration::from_secs(49),
            reason: WaitReason::RateLimit,
        });
        assert!(describe(&sending, now).contains("ETA 49 s"));
    }

    #[test]
    fn numbers_out_of_range_are_refused() {
        assert_eq!(parse_batch_size("100"), Ok(100));
        assert!(parse_batch_size("101").is_err());
        assert!(parse_batch_size("0").is_err());
        assert_eq!(parse_concurrency(" 8 "), Ok(8));
        assert!(parse_concurrency("x").is_err());
    }
}
