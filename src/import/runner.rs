//! The import on a thread of its own: first every row is checked (a dry run stops there), then
//! the valid rows are sent in batches as fast as the server's rate limit allows (see
//! [`super::delivery`]), each batch's outcomes written to the results file as soon as its answer
//! is in.
//!
//! [`Import`] is the handle: pause, resume and cancel take effect at once from any thread (a
//! cancelled batch in flight is simply not recorded, so a resume sends it again), and the caller
//! hears of progress through its callback without ever blocking on the import.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::delivery::{Delivery, DeliveryState};
use super::person::{PEOPLE, PersonCheck};
use super::results::LineSet;
use super::source::{CheckedRow, Source};
use super::{Counts, MAX_BATCH_SIZE, RowResult};
use crate::contract::IdentifierKind;
use crate::model::{Credential, Draft, Environment, HttpRequest, build_request};
use crate::transport::DEFAULT_DEADLINE;

/// Where the people go.
#[derive(Clone)]
pub struct Destination {
    /// The API's base URL, e.g. `https://api.flameup.ai/api/v1`.
    pub base_url: String,
    pub token: String,
}

impl std::fmt::Debug for Destination {
    // The token must never reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Destination")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// The results file, and whether to resume the import it records.
#[derive(Clone, Debug)]
pub struct ResultsFile {
    pub path: PathBuf,
    pub resume: bool,
}

/// How people are sent.
#[derive(Clone, Debug)]
pub struct SendSettings {
    pub destination: Destination,
    /// People per request, 1 to [`MAX_BATCH_SIZE`].
    pub batch_size: usize,
    /// Requests in flight at once, at most (the rate limit may allow fewer).
    pub concurrency: usize,
    pub results: Option<ResultsFile>,
    /// How long one request may take.
    pub deadline: Duration,
    /// Tries after the first for a batch that meets a 5xx, a timeout or a dropped connection.
    pub retries: u32,
    /// The wait before the first retry; each next one waits twice as long (up to [`MAX_BACKOFF`]).
    pub backoff: Duration,
}

/// The longest wait between two tries of a batch.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

impl SendSettings {
    pub const DEFAULT_CONCURRENCY: usize = 4;
    pub const DEFAULT_RETRIES: u32 = 5;
    pub const DEFAULT_BACKOFF: Duration = Duration::from_millis(500);

    /// Full batches, [`Self::DEFAULT_CONCURRENCY`] at once, no results file.
    pub fn new(destination: Destination) -> Self {
        Self {
            destination,
            batch_size: MAX_BATCH_SIZE,
            concurrency: Self::DEFAULT_CONCURRENCY,
            results: None,
            deadline: DEFAULT_DEADLINE,
            retries: Self::DEFAULT_RETRIES,
            backoff: Self::DEFAULT_BACKOFF,
        }
    }
}

/// What to import, and how.
#[derive(Clone, Debug)]
pub struct Settings {
    pub file: PathBuf,
    /// People go to this workspace (`batchWorkspacePeople`) and are checked against its item
    /// schema; without one, `batchPeople`.
    pub workspace: Option<String>,
    /// `None` for a dry run: every row is checked, nothing is sent.
    pub send: Option<SendSettings>,
}

/// Which pass the import is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Every row is read and checked; nothing is sent yet.
    Checking,
    Sending,
}

/// Why nothing is being sent right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitReason {
    /// None remain in the rate limit's window (or a 429 asked to wait).
    RateLimit,
    /// A batch waits before it is tried again.
    Backoff,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wait {
    pub until: Instant,
    pub reason: WaitReason,
}

/// Where the import stands.
#[derive(Clone, Debug)]
pub struct Progress {
    pub phase: Phase,
    pub paused: bool,
    /// So far; `rows`, `valid` and `invalid` are final once sending starts.
    pub counts: Counts,
    /// Rows with a final outcome, earlier runs' included.
    pub done: u64,
    /// Rows this run gave an outcome from an answer: the people per second.
    pub sent: u64,
    pub bytes_read: u64,
    pub bytes_total: Option<u64>,
    pub in_flight: usize,
    pub waiting: Option<Wait>,
    /// The limit and what remains of it, as the last answers said.
    pub rate_limit: Option<RateState>,
    /// Since the import started.
    pub elapsed: Duration,
    /// Since sending started.
    pub sending_for: Duration,
}

/// What the server's rate-limit headers said last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateState {
    pub limit: Option<u64>,
    pub remaining: u64,
}

/// How an import ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// Every row was checked (and, unless a dry run, has its outcome).
    Complete,
    Cancelled,
    /// Something every row would meet: a file that cannot be read on, a refused token, an
    /// unreachable server, a results file that cannot be written. Rows without an outcome are
    /// sent by a resume once it is fixed.
    Stopped(String),
}

/// The end of an import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub counts: Counts,
    pub elapsed: Duration,
    pub end: End,
}

impl Summary {
    /// Valid rows with no outcome yet (a cancelled or stopped import).
    pub fn pending(&self) -> u64 {
        self.counts.valid.saturating_sub(self.counts.sent_done())
    }
}

/// What the import reports, in order, on its own thread.
#[derive(Clone, Debug)]
pub enum Event {
    /// Where things stand: at most every [`PROGRESS_EVERY`], and after every change that matters.
    Progress(Progress),
    /// A row that breaks the contract or cannot be read, found while checking.
    Invalid(RowResult),
    /// Final outcomes just written to the results file (a batch's, or invalid rows' while sending).
    Results(Vec<RowResult>),
    /// The last event.
    Finished(Summary),
}

/// Why an import that met a bug ended.
const UNEXPECTED: &str = "the import stopped unexpectedly (a bug): the results file keeps every outcome recorded so far, and a resume goes on from there";

/// The most often progress is reported without a change that forces it.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// How often a waiting import looks up when nothing wakes it.
pub(super) const IDLE_TICK: Duration = Duration::from_secs(1);

const RUNNING: u8 = 0;
pub(super) const PAUSED: u8 = 1;
pub(super) const CANCELLED: u8 = 2;

/// What the handle and the import share: the requested state, and a way to wake the import.
pub(super) struct Control {
    state: AtomicU8,
    wake: mpsc::Sender<()>,
}

impl Control {
    fn change(&self, from: u8, to: u8) {
        if self
            .state
            .compare_exchange(from, to, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            let _ = self.wake.send(());
        }
    }

    fn cancel(&self) {
        self.state.store(CANCELLED, Ordering::SeqCst);
        let _ = self.wake.send(());
    }

    pub(super) fn state(&self) -> u8 {
        self.state.load(Ordering::SeqCst)
    }
}

/// A running import.
pub struct Import {
    control: Arc<Control>,
    thread: Option<JoinHandle<Summary>>,
}

impl Import {
    /// Starts the import on its own thread; `on_event` hears of it there (keep it quick: hand
    /// the event on). Settings that cannot work (a batch size out of range, a base URL that is
    /// no URL, an empty token) are refused here, before anything starts.
    pub fn start(
        settings: Settings,
        on_event: impl FnMut(Event) + Send + 'static,
    ) -> Result<Self, String> {
        let check = PersonCheck::new(settings.workspace.is_some())?;
        let draft = match &settings.send {
            Some(send) => Some(batch_draft(&settings, send, check)?),
            None => None,
        };
        let (wake, signals) = mpsc::channel();
        let control = Arc::new(Control {
            state: AtomicU8::new(RUNNING),
            wake: wake.clone(),
        });
        let engine = Engine {
            settings,
            check,
            draft,
            control: control.clone(),
            signals,
            wake,
            on_event: Box::new(on_event),
            counts: Counts::default(),
            started: Instant::now(),
            last_progress: None,
            bytes: (0, None),
            invalid_rows: LineSet::default(),
            last_line: 0,
        };
        let thread = std::thread::Builder::new()
            .name("import".to_owned())
            .spawn(move || engine.run())
            .map_err(|err| format!("cannot start the import: {err}"))?;
        Ok(Self {
            control,
            thread: Some(thread),
        })
    }

    /// Sends nothing more until [`Import::resume`]; answers to requests in flight are still
    /// recorded. Checking rows pauses too.
    pub fn pause(&self) {
        self.control.change(RUNNING, PAUSED);
    }

    pub fn resume(&self) {
        self.control.change(PAUSED, RUNNING);
    }

    /// Stops at once. Requests in flight are abandoned and their rows left without an outcome,
    /// for a resume to send again.
    pub fn cancel(&self) {
        self.control.cancel();
    }

    pub fn is_paused(&self) -> bool {
        self.control.state() == PAUSED
    }

    /// Whether the import has ended (its [`Event::Finished`] was sent).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Blocks until the import ends, and returns how it ended.
    pub fn wait(mut self) -> Summary {
        let joined = self.thread.take().map(JoinHandle::join);
        match joined {
            Some(Ok(summary)) => summary,
            _ => Summary {
                counts: Counts::default(),
                elapsed: Duration::ZERO,
                end: End::Stopped("the import stopped unexpectedly".to_owned()),
            },
        }
    }
}

impl Drop for Import {
    /// Dropping the handle cancels the import: nobody would hear of it any more.
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.control.cancel();
        }
    }
}

/// The draft every batch request starts from: the batch operation, its address and workspace.
/// Built once, and tried with an empty batch so a bad base URL, workspace or token is refused
/// before the import starts.
fn batch_draft(
    settings: &Settings,
    send: &SendSettings,
    check: PersonCheck,
) -> Result<Draft, String> {
    if !(1..=MAX_BATCH_SIZE).contains(&send.batch_size) {
        return Err(format!(
            "the batch size must be from 1 to {MAX_BATCH_SIZE}, not {}",
            send.batch_size
        ));
    }
    if send.concurrency == 0 {
        return Err("at least one request must be allowed at a time".to_owned());
    }
    let operation = check.operation();
    let mut draft = Draft {
        environment: Environment::Custom,
        custom_base_url: send.destination.base_url.clone(),
        operation: operation.id.clone(),
        ..Draft::default()
    };
    for param in &operation.path_params {
        if param.identifier == IdentifierKind::WorkspaceId
            && let Some(workspace) = &settings.workspace
        {
            draft
                .values
                .path
                .insert(param.name.clone(), workspace.clone());
        }
    }
    batch_request(&draft, Vec::new(), &send.destination.token).map_err(|err| err.to_string())?;
    Ok(draft)
}

/// The request that sends `people`, built by the app's one draft → request function.
pub(super) fn batch_request(
    template: &Draft,
    people: Vec<Value>,
    token: &str,
) -> Result<HttpRequest, crate::model::BuildError> {
    let mut draft = template.clone();
    let mut body = Map::new();
    body.insert(PEOPLE.to_owned(), Value::Array(people));
    draft.load_body(&Value::Object(body));
    build_request(&draft, None, &Credential::Token(token.to_owned()))
}

/// The import's own state, on its thread.
pub(super) struct Engine {
    pub(super) settings: Settings,
    pub(super) check: PersonCheck,
    /// The batch request's draft, when sending.
    draft: Option<Draft>,
    pub(super) control: Arc<Control>,
    pub(super) signals: mpsc::Receiver<()>,
    pub(super) wake: mpsc::Sender<()>,
    pub(super) on_event: Box<dyn FnMut(Event) + Send>,
    pub(super) counts: Counts,
    started: Instant,
    last_progress: Option<Instant>,
    /// Read so far, and the file's size.
    bytes: (u64, Option<u64>),
    /// The rows (by ordinal) the check found invalid: the sending pass checks only these again.
    pub(super) invalid_rows: LineSet,
    /// The line the last row starts on.
    pub(super) last_line: u64,
}

impl Engine {
    fn run(mut self) -> Summary {
        // Should a bug panic, the counts so far and the Finished event still go out: a summary
        // of zeros beside listed invalid rows, or a window waiting forever, would mislead.
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.run_phases()));
        let end = ran.unwrap_or_else(|_| Err(UNEXPECTED.to_owned()));
        let end = end.unwrap_or_else(End::Stopped);
        let summary = Summary {
            counts: self.counts,
            elapsed: self.started.elapsed(),
            end,
        };
        (self.on_event)(Event::Finished(summary.clone()));
        summary
    }

    fn run_phases(&mut self) -> Result<End, String> {
        if let Some(end) = self.check_every_row()? {
            return Ok(end);
        }
        match (self.settings.send.clone(), self.draft.clone()) {
            (Some(send), Some(draft)) => Delivery::new(self, send, draft)?.run(),
            _ => Ok(End::Complete),
        }
    }

    /// The first pass: every row read and checked, every invalid one reported. Ends the import
    /// early (`Some`) when cancelled.
    fn check_every_row(&mut self) -> Result<Option<End>, String> {
        let mut source =
            Source::open(&self.settings.file, &self.check).map_err(|err| err.to_string())?;
        self.bytes.1 = source.bytes_total();
        while let Some(row) = source
            .next_checked(&self.check)
            .map_err(|err| err.to_string())?
        {
            if self.wait_while_paused(Phase::Checking) {
                return Ok(Some(End::Cancelled));
            }
            self.count(&row);
            self.bytes.0 = source.bytes_read();
            self.report(Phase::Checking, None, false);
        }
        self.bytes.0 = source.bytes_read();
        self.report(Phase::Checking, None, true);
        Ok(None)
    }

    fn count(&mut self, row: &CheckedRow) {
        self.counts.rows += 1;
        self.last_line = row.line;
        match row.invalid_result() {
            Some(result) => {
                self.counts.invalid += 1;
                self.invalid_rows.insert(result.row);
                (self.on_event)(Event::Invalid(result));
            }
            None => self.counts.valid += 1,
        }
    }

    /// Blocks while paused (reporting it once); whether the import was cancelled.
    fn wait_while_paused(&mut self, phase: Phase) -> bool {
        let mut told = false;
        loop {
            match self.control.state() {
                CANCELLED => return true,
                PAUSED => {
                    if !told {
                        self.report(phase, None, true);
                        told = true;
                    }
                    let _ = self.signals.recv_timeout(IDLE_TICK);
                }
                _ => {
                    if told {
                        self.report(phase, None, true);
                    }
                    return false;
                }
            }
        }
    }

    /// Reports progress when `forced`, or when the last report is old enough. `delivery` is the
    /// sending pass's part.
    pub(super) fn report(&mut self, phase: Phase, delivery: Option<&DeliveryState>, forced: bool) {
        let now = Instant::now();
        let due = self
            .last_progress
            .is_none_or(|last| now.duration_since(last) >= PROGRESS_EVERY);
        if !forced && !due {
            return;
        }
        self.last_progress = Some(now);
        let progress = Progress {
            phase,
            paused: self.control.state() == PAUSED,
            counts: self.counts,
            done: delivery.map_or(0, |d| d.done),
            sent: delivery.map_or(0, |d| d.sent),
            bytes_read: self.bytes.0,
            bytes_total: self.bytes.1,
            in_flight: delivery.map_or(0, |d| d.in_flight),
            waiting: delivery.and_then(|d| d.waiting),
            rate_limit: delivery.and_then(|d| d.rate_limit),
            elapsed: self.started.elapsed(),
            sending_for: delivery.map_or(Duration::ZERO, |d| d.started.elapsed()),
        };
        (self.on_event)(Event::Progress(progress));
    }
}
