//! The import on a thread of its own: first every row is checked (a dry run stops there), then
//! the valid rows are sent in batches as fast as the server's rate limit allows, each batch's
//! outcomes written to the results file as soon as its answer is in.
//!
//! [`Import`] is the handle: pause, resume and cancel take effect at once from any thread (a
//! cancelled batch in flight is simply not recorded, so a resume sends it again), and the caller
//! hears of progress through its callback without ever blocking on the import.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Map, Value};

use super::answer::{self, ItemProblem, Stored, Verdict};
use super::pacing::{Pacer, Permit, Quota};
use super::person::{PEOPLE, PersonCheck};
use super::results::{LineSet, ResultsWriter};
use super::source::{CheckedRow, Source};
use super::{Counts, MAX_BATCH_SIZE, Outcome, RowError, RowResult};
use crate::contract::IdentifierKind;
use crate::model::{Credential, Draft, Environment, HttpRequest, build_request};
use crate::transport::{self, DEFAULT_DEADLINE, InFlight, SendOptions};

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

/// The most often progress is reported without a change that forces it.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// How often a waiting import looks up when nothing wakes it.
const IDLE_TICK: Duration = Duration::from_secs(1);

/// How many rows an import reads before looking whether it was cancelled, while skipping rows a
/// resumed import finished earlier.
const CANCEL_CHECK_EVERY: u64 = 1024;

const RUNNING: u8 = 0;
const PAUSED: u8 = 1;
const CANCELLED: u8 = 2;

/// What the handle and the import share: the requested state, and a way to wake the import.
struct Control {
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

    fn state(&self) -> u8 {
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
            invalid_lines: LineSet::default(),
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
fn batch_request(
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
struct Engine {
    settings: Settings,
    check: PersonCheck,
    /// The batch request's draft, when sending.
    draft: Option<Draft>,
    control: Arc<Control>,
    signals: mpsc::Receiver<()>,
    wake: mpsc::Sender<()>,
    on_event: Box<dyn FnMut(Event) + Send>,
    counts: Counts,
    started: Instant,
    last_progress: Option<Instant>,
    /// Read so far, and the file's size.
    bytes: (u64, Option<u64>),
    /// The lines the check found invalid: the sending pass checks only these again.
    invalid_lines: LineSet,
}

impl Engine {
    fn run(mut self) -> Summary {
        let end = self.run_phases().unwrap_or_else(End::Stopped);
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
        match row.invalid_result() {
            Some(result) => {
                self.counts.invalid += 1;
                self.invalid_lines.insert(result.line);
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
    fn report(&mut self, phase: Phase, delivery: Option<&DeliveryState>, forced: bool) {
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

/// A row to send.
struct Pending {
    line: u64,
    user_id: Option<String>,
    person: Value,
}

/// People sent together, and how often they were tried.
struct Batch {
    rows: Vec<Pending>,
    /// Tries that met a 5xx, a timeout or a dropped connection.
    failures: u32,
    /// Not to be tried again before this.
    not_before: Option<Instant>,
}

impl Batch {
    fn new(rows: Vec<Pending>) -> Self {
        Self {
            rows,
            failures: 0,
            not_before: None,
        }
    }
}

/// A batch on its way.
struct Flight {
    batch: Batch,
    request: InFlight,
}

/// What the sending pass reports.
struct DeliveryState {
    done: u64,
    sent: u64,
    in_flight: usize,
    waiting: Option<Wait>,
    rate_limit: Option<RateState>,
    started: Instant,
}

/// The second pass: the valid rows without an outcome, sent in batches at the pace the server
/// allows.
struct Delivery<'e> {
    engine: &'e mut Engine,
    settings: SendSettings,
    draft: Draft,
    source: Source,
    writer: Option<ResultsWriter>,
    /// Lines an earlier run finished.
    earlier: LineSet,
    pacer: Pacer,
    /// Batches to send again, first.
    queue: VecDeque<Batch>,
    in_flight: Vec<Flight>,
    /// The file has no more rows.
    exhausted: bool,
    state: DeliveryState,
}

impl<'e> Delivery<'e> {
    fn new(engine: &'e mut Engine, settings: SendSettings, draft: Draft) -> Result<Self, String> {
        let (writer, earlier) = match &settings.results {
            Some(results) => {
                let (writer, earlier) = ResultsWriter::open(&results.path, results.resume)?;
                (Some(writer), earlier)
            }
            None => (None, Default::default()),
        };
        let counts = &mut engine.counts;
        counts.created += earlier.counts.created;
        counts.updated += earlier.counts.updated;
        counts.rejected += earlier.counts.rejected;
        counts.failed += earlier.counts.failed;
        let source =
            Source::open(&engine.settings.file, &engine.check).map_err(|err| err.to_string())?;
        Ok(Self {
            engine,
            settings,
            draft,
            source,
            writer,
            state: DeliveryState {
                done: earlier.lines.len(),
                sent: 0,
                in_flight: 0,
                waiting: None,
                rate_limit: None,
                started: Instant::now(),
            },
            earlier: earlier.lines,
            pacer: Pacer::default(),
            queue: VecDeque::new(),
            in_flight: Vec::new(),
            exhausted: false,
        })
    }

    fn run(mut self) -> Result<End, String> {
        let end = self.drive();
        let finished = match &mut self.writer {
            Some(writer) => writer.finish(),
            None => Ok(()),
        };
        self.report(true);
        let end = end?;
        finished.map(|()| end)
    }

    fn drive(&mut self) -> Result<End, String> {
        let mut was_paused = false;
        loop {
            if self.engine.control.state() == CANCELLED {
                return Ok(End::Cancelled);
            }
            let answered = self.collect_answers()?;
            let paused = self.engine.control.state() == PAUSED;
            let toggled = std::mem::replace(&mut was_paused, paused) != paused;
            let sent = if paused {
                self.state.waiting = None;
                false
            } else {
                self.send_what_may_go()?
            };
            if self.exhausted && self.queue.is_empty() && self.in_flight.is_empty() {
                return Ok(End::Complete);
            }
            self.report(answered || sent || toggled);
            self.sleep();
        }
    }

    /// Settles every batch whose answer is in; whether there was one.
    fn collect_answers(&mut self) -> Result<bool, String> {
        let mut answered = false;
        let mut index = 0;
        while index < self.in_flight.len() {
            match self.in_flight[index].request.poll() {
                Some(outcome) => {
                    let flight = self.in_flight.swap_remove(index);
                    self.settle(flight.batch, &outcome)?;
                    answered = true;
                }
                None => index += 1,
            }
        }
        self.state.in_flight = self.in_flight.len();
        Ok(answered)
    }

    /// Acts on a batch's answer: outcomes recorded, or the batch (or part of it) queued again.
    fn settle(&mut self, mut batch: Batch, outcome: &transport::Outcome) -> Result<(), String> {
        let now = Instant::now();
        let wall = SystemTime::now();
        let user_ids: Vec<Option<&str>> = batch
            .rows
            .iter()
            .map(|row| row.user_id.as_deref())
            .collect();
        let verdict = answer::judge(outcome, &user_ids, wall);
        if let Ok(response) = outcome {
            let quota = Quota::from_headers(&response.headers, wall);
            match &verdict {
                Verdict::RateLimited { retry_after } => {
                    self.pacer.rate_limited(quota, *retry_after, now);
                }
                _ => self.pacer.observe(quota, now),
            }
            self.state.rate_limit = self
                .pacer
                .state()
                .map(|(limit, remaining)| RateState { limit, remaining });
        }
        match verdict {
            Verdict::Stored(stored) => self.record_stored(batch, stored),
            Verdict::Refused(problems) => self.record_refused(batch, problems),
            Verdict::RateLimited { .. } => {
                self.engine.counts.rate_limited += 1;
                self.queue.push_front(batch);
                Ok(())
            }
            Verdict::Retry {
                reason,
                unreachable,
                retry_after,
            } => {
                batch.failures += 1;
                if batch.failures <= self.settings.retries {
                    let wait = self
                        .backoff(batch.failures)
                        .max(retry_after.unwrap_or_default());
                    batch.not_before = Some(now + wait);
                    self.queue.push_back(batch);
                    Ok(())
                } else if unreachable {
                    Err(format!("the server cannot be reached: {reason}"))
                } else {
                    let why = format!(
                        "No answer after {} tries: {reason}",
                        self.settings.retries + 1
                    );
                    self.record_all(batch, Outcome::Failed, &why)
                }
            }
            Verdict::TooLarge if batch.rows.len() > 1 => {
                let second = batch.rows.split_off(batch.rows.len() / 2);
                self.queue.push_front(Batch::new(second));
                self.queue.push_front(Batch::new(batch.rows));
                Ok(())
            }
            Verdict::TooLarge => self.record_all(
                batch,
                Outcome::Rejected,
                "The server refused this person as too large (413)",
            ),
            Verdict::Stop(message) => Err(message),
        }
    }

    /// The wait before the `failures`th retry: doubling, with a little randomness so parallel
    /// batches do not all come back at once.
    fn backoff(&self, failures: u32) -> Duration {
        let doubled = self
            .settings
            .backoff
            .saturating_mul(1 << failures.saturating_sub(1).min(16))
            .min(MAX_BACKOFF);
        doubled.mul_f64(0.8 + 0.4 * fastrand::f64())
    }

    fn record_stored(&mut self, batch: Batch, stored: Vec<Stored>) -> Result<(), String> {
        let results = batch
            .rows
            .into_iter()
            .zip(stored)
            .map(|(row, stored)| RowResult {
                line: row.line,
                user_id: row.user_id,
                outcome: stored.outcome,
                id: stored.id,
                errors: Vec::new(),
            })
            .collect();
        self.record(results)
    }

    /// Rejects the rows the server named; the others go again in a batch of their own.
    fn record_refused(
        &mut self,
        batch: Batch,
        problems: Vec<Option<Vec<ItemProblem>>>,
    ) -> Result<(), String> {
        let mut rejected = Vec::new();
        let mut again = Vec::new();
        for (row, problems) in batch.rows.into_iter().zip(problems) {
            match problems {
                Some(problems) => {
                    let errors = problems
                        .into_iter()
                        .map(|problem| {
                            let column = problem
                                .pointer
                                .and_then(|pointer| self.source.column_of(&pointer));
                            RowError::new(column, problem.message)
                        })
                        .collect();
                    rejected.push(RowResult {
                        line: row.line,
                        user_id: row.user_id,
                        outcome: Outcome::Rejected,
                        id: None,
                        errors,
                    });
                }
                None => again.push(row),
            }
        }
        if !again.is_empty() {
            self.queue.push_front(Batch::new(again));
        }
        self.record(rejected)
    }

    fn record_all(&mut self, batch: Batch, outcome: Outcome, why: &str) -> Result<(), String> {
        let results = batch
            .rows
            .into_iter()
            .map(|row| RowResult {
                line: row.line,
                user_id: row.user_id,
                outcome,
                id: None,
                errors: vec![RowError::whole_row(why)],
            })
            .collect();
        self.record(results)
    }

    /// Writes final outcomes and flushes them, then tells the caller.
    fn record(&mut self, results: Vec<RowResult>) -> Result<(), String> {
        if results.is_empty() {
            return Ok(());
        }
        if let Some(writer) = &mut self.writer {
            for result in &results {
                writer.write(result)?;
            }
            writer.flush()?;
        }
        for result in &results {
            self.engine.counts.add_outcome(result.outcome);
        }
        self.state.done += results.len() as u64;
        self.state.sent += results.len() as u64;
        (self.engine.on_event)(Event::Results(results));
        Ok(())
    }

    /// Sends batches while the pace and the concurrency allow; whether any went. The next batch
    /// is found first, so the end of the file is seen without waiting for the rate limit.
    fn send_what_may_go(&mut self) -> Result<bool, String> {
        let mut sent = false;
        loop {
            let now = Instant::now();
            let Some(batch) = self.next_batch(now)? else {
                return Ok(sent);
            };
            match self
                .pacer
                .permit(self.in_flight.len(), self.settings.concurrency, now)
            {
                Permit::Go => {
                    self.state.waiting = None;
                    self.start(batch)?;
                    sent = true;
                }
                Permit::Wait(until) => {
                    self.queue.push_front(batch);
                    self.state.waiting = Some(Wait {
                        until,
                        reason: WaitReason::RateLimit,
                    });
                    return Ok(sent);
                }
                Permit::Full => {
                    self.queue.push_front(batch);
                    self.state.waiting = None;
                    return Ok(sent);
                }
            }
        }
    }

    /// The next batch that may go now: one to send again, else the next rows of the file. When
    /// none may go yet, notes until when the retries wait.
    fn next_batch(&mut self, now: Instant) -> Result<Option<Batch>, String> {
        let ready = self
            .queue
            .iter()
            .position(|batch| batch.not_before.is_none_or(|at| at <= now));
        if let Some(batch) = ready.and_then(|at| self.queue.remove(at)) {
            return Ok(Some(batch));
        }
        if !self.exhausted
            && let Some(batch) = self.read_batch()?
        {
            return Ok(Some(batch));
        }
        self.state.waiting = self
            .queue
            .iter()
            .filter_map(|batch| batch.not_before)
            .min()
            .map(|until| Wait {
                until,
                reason: WaitReason::Backoff,
            });
        Ok(None)
    }

    /// Reads rows until a batch is full: rows an earlier run finished are skipped, invalid ones
    /// recorded as such.
    fn read_batch(&mut self) -> Result<Option<Batch>, String> {
        let mut rows = Vec::with_capacity(self.settings.batch_size);
        let mut invalid = Vec::new();
        let mut skipped = 0u64;
        while rows.len() < self.settings.batch_size {
            let Some(raw) = self.source.next_row().map_err(|err| err.to_string())? else {
                self.exhausted = true;
                break;
            };
            if self.earlier.contains(raw.line) {
                skipped += 1;
                if skipped.is_multiple_of(CANCEL_CHECK_EVERY)
                    && self.engine.control.state() == CANCELLED
                {
                    break;
                }
                continue;
            }
            let checked = if self.engine.invalid_lines.contains(raw.line) {
                self.source.check(&raw, &self.engine.check)
            } else {
                self.source.read_checked(&raw, &self.engine.check)
            };
            match checked.invalid_result() {
                Some(result) => invalid.push(result),
                None => {
                    if let Ok(person) = checked.person {
                        rows.push(Pending {
                            line: checked.line,
                            user_id: checked.user_id,
                            person,
                        });
                    }
                }
            }
        }
        self.record_invalid(invalid)?;
        Ok((!rows.is_empty()).then(|| Batch::new(rows)))
    }

    /// Writes invalid rows' lines (flushed with the next batch's): they were counted while
    /// checking.
    fn record_invalid(&mut self, invalid: Vec<RowResult>) -> Result<(), String> {
        if invalid.is_empty() {
            return Ok(());
        }
        if let Some(writer) = &mut self.writer {
            for result in &invalid {
                writer.write(result)?;
            }
        }
        self.state.done += invalid.len() as u64;
        (self.engine.on_event)(Event::Results(invalid));
        Ok(())
    }

    fn start(&mut self, batch: Batch) -> Result<(), String> {
        let people = batch.rows.iter().map(|row| row.person.clone()).collect();
        let request = batch_request(&self.draft, people, &self.settings.destination.token)
            .map_err(|err| err.to_string())?;
        let options = SendOptions {
            deadline: self.settings.deadline,
            max_response_size: transport::DEFAULT_MAX_RESPONSE_SIZE,
            prepare_view: false,
        };
        let wake = self.engine.wake.clone();
        let request = InFlight::start_with(&request, options, move || {
            let _ = wake.send(());
        });
        self.engine.counts.requests += 1;
        self.in_flight.push(Flight { batch, request });
        self.state.in_flight = self.in_flight.len();
        Ok(())
    }

    /// Waits for an answer, a pause, resume or cancel, the end of a wait, or the next tick.
    fn sleep(&self) {
        let now = Instant::now();
        let mut until = now + IDLE_TICK;
        if let Some(wait) = self.state.waiting {
            until = until.min(wait.until);
        }
        for flight in &self.in_flight {
            until = until.min(now + flight.request.remaining());
        }
        let _ = self
            .engine
            .signals
            .recv_timeout(until.saturating_duration_since(now));
        while self.engine.signals.try_recv().is_ok() {}
    }

    fn report(&mut self, forced: bool) {
        self.engine
            .report(Phase::Sending, Some(&self.state), forced);
    }
}
