//! The sending pass: the valid rows without an outcome, read again from the file and sent in
//! batches at the pace the server allows; each answer settled into outcomes (written and flushed
//! at once) or into a batch to send again.

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use super::answer::{self, ItemProblem, Stored, Verdict};
use super::pacing::{MAX_RATE_LIMITED_IN_A_ROW, Pacer, Permit, Quota};
use super::results::{Earlier, Extent, ResultsWriter};
use super::runner::{
    CANCELLED, End, Engine, Event, IDLE_TICK, MAX_BACKOFF, PAUSED, Phase, RateState, SendSettings,
    Wait, WaitReason, batch_request,
};
use super::source::{Source, user_id_text};
use super::{Outcome, RowError, RowResult};
use crate::model::Draft;
use crate::transport::{self, InFlight, SendOptions};

/// How many rows an import reads before looking whether it was cancelled, while skipping rows a
/// resumed import finished earlier.
const CANCEL_CHECK_EVERY: u64 = 1024;

/// Why a row the server's answer did not list is `failed`.
const UNLISTED: &str = "The server's answer to its batch did not list this person, so it may not be stored: a resume sends it again";

/// A row to send.
struct Pending {
    row: u64,
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
pub(super) struct DeliveryState {
    pub(super) done: u64,
    pub(super) sent: u64,
    pub(super) in_flight: usize,
    pub(super) waiting: Option<Wait>,
    pub(super) rate_limit: Option<RateState>,
    pub(super) started: Instant,
}

/// The second pass: the valid rows without an outcome, sent in batches at the pace the server
/// allows.
pub(super) struct Delivery<'e> {
    engine: &'e mut Engine,
    settings: SendSettings,
    draft: Draft,
    source: Source,
    writer: Option<ResultsWriter>,
    /// What earlier runs finished.
    earlier: Earlier,
    pacer: Pacer,
    /// Batches to send again, first.
    queue: VecDeque<Batch>,
    in_flight: Vec<Flight>,
    /// The file has no more rows.
    exhausted: bool,
    state: DeliveryState,
}

impl<'e> Delivery<'e> {
    pub(super) fn new(
        engine: &'e mut Engine,
        settings: SendSettings,
        draft: Draft,
    ) -> Result<Self, String> {
        let (writer, earlier) = match &settings.results {
            Some(results) => {
                let extent = Extent {
                    rows: engine.counts.rows,
                    last_line: engine.last_line,
                };
                let (writer, earlier) = ResultsWriter::open(
                    &results.path,
                    results.resume,
                    &engine.settings.file,
                    extent,
                )?;
                (Some(writer), earlier)
            }
            None => (None, Default::default()),
        };
        let counts = &mut engine.counts;
        counts.created += earlier.counts.created;
        counts.updated += earlier.counts.updated;
        counts.rejected += earlier.counts.rejected;
        let source =
            Source::open(&engine.settings.file, &engine.check).map_err(|err| err.to_string())?;
        Ok(Self {
            engine,
            settings,
            draft,
            source,
            writer,
            state: DeliveryState {
                done: earlier.finished(),
                sent: 0,
                in_flight: 0,
                waiting: None,
                rate_limit: None,
                started: Instant::now(),
            },
            earlier,
            pacer: Pacer::default(),
            queue: VecDeque::new(),
            in_flight: Vec::new(),
            exhausted: false,
        })
    }

    pub(super) fn run(mut self) -> Result<End, String> {
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
            Verdict::RefusedWhole(_) if batch.rows.len() > 1 => {
                self.split(batch);
                Ok(())
            }
            Verdict::RefusedWhole(problems) => self.record_refused(batch, vec![Some(problems)]),
            Verdict::RateLimited { .. } => {
                self.engine.counts.rate_limited += 1;
                if self.pacer.rate_limited_in_a_row() >= MAX_RATE_LIMITED_IN_A_ROW {
                    return Err(format!(
                        "the server answered 429 (rate limited) {MAX_RATE_LIMITED_IN_A_ROW} times in a row, though each wait was as long as it asked (Retry-After, X-RateLimit-Reset) or longer: stopped; resume later"
                    ));
                }
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
                        "No answer after {} tries: {reason}; a resume sends it again",
                        self.settings.retries + 1
                    );
                    self.record_all(batch, Outcome::Failed, &why)
                }
            }
            Verdict::TooLarge if batch.rows.len() > 1 => {
                self.split(batch);
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

    /// Sends the batch's halves next, in their order: a refusal of the whole (too large, or
    /// naming no row) may pass, or find its row, in smaller batches.
    fn split(&mut self, mut batch: Batch) {
        let second = batch.rows.split_off(batch.rows.len() / 2);
        self.queue.push_front(Batch::new(second));
        self.queue.push_front(Batch::new(batch.rows));
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

    /// Records each row the answer listed; one it did not list may or may not be stored, so it
    /// is `failed`, for a resume to send again (the batch is an upsert).
    fn record_stored(&mut self, batch: Batch, stored: Vec<Option<Stored>>) -> Result<(), String> {
        let results = batch
            .rows
            .into_iter()
            .zip(stored)
            .map(|(row, stored)| {
                let (outcome, id, errors) = match stored {
                    Some(stored) => (stored.outcome, stored.id, Vec::new()),
                    None => (Outcome::Failed, None, vec![RowError::whole_row(UNLISTED)]),
                };
                RowResult {
                    row: row.row,
                    line: row.line,
                    user_id: row.user_id,
                    outcome,
                    id,
                    errors,
                }
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
                        row: row.row,
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
                row: row.row,
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
            if self.earlier.recorded(raw.row).is_some() {
                self.same_file_as_recorded(&raw)?;
            }
            if self.earlier.is_finished(raw.row, raw.line) {
                skipped += 1;
                if skipped.is_multiple_of(CANCEL_CHECK_EVERY)
                    && self.engine.control.state() == CANCELLED
                {
                    break;
                }
                continue;
            }
            let checked = if self.engine.invalid_rows.contains(raw.row) {
                self.source.check(&raw, &self.engine.check)
            } else {
                self.source.read_checked(&raw, &self.engine.check)
            };
            match checked.invalid_result() {
                Some(result) => invalid.push(result),
                None => {
                    if let Ok(person) = checked.person {
                        rows.push(Pending {
                            row: checked.row,
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

    /// Refuses to go on when the results file recorded another userId for this row than the
    /// file has: it is another file's results, and trusting it would leave rows unsent.
    fn same_file_as_recorded(&self, raw: &super::source::RawRow) -> Result<(), String> {
        let user_id = self.source.read(raw).person.as_ref().and_then(user_id_text);
        if self.earlier.same_row(raw.row, user_id.as_deref()) {
            return Ok(());
        }
        let path = self
            .settings
            .results
            .as_ref()
            .map(|results| results.path.display().to_string())
            .unwrap_or_default();
        Err(format!(
            "the results file {path} records another person for row {} (line {}) than {} has there (userId {}): it holds another file's import; choose another results file",
            raw.row,
            raw.line,
            self.engine.settings.file.display(),
            user_id.map_or_else(|| "none".to_owned(), |id| format!("\"{id}\""))
        ))
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
