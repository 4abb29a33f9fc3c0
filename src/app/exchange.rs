//! A send and its answer: starting exactly the derived request, polling it (also while the window
//! is hidden), recording it in the history, offering a typed token to the keyring, and the notes
//! the answer puts on the form.

use std::time::Duration;

use super::{App, Keyring, ResponseView, TokenInput, TokenOrigin, background};
use crate::contract::{AnswerCheck, Operation};
use crate::model::HttpResponse;
use crate::model::field_notes::FormNotes;
use crate::model::response::Prepared;
use crate::model::{Draft, HttpRequest};
use crate::store::history::HistoryEntry;
use crate::transport::{InFlight, Outcome};

/// Where the current send stands.
pub enum Exchange {
    Idle,
    Running(Box<InFlight>),
    Done(Box<Outcome>),
    Cancelled,
}

/// A request as it was sent, for the history and for the notes under the form.
pub(super) struct Sent {
    /// The draft then: a server field error is shown under its input until that input differs
    /// from what was sent.
    pub draft: Draft,
    /// The request as sent, token included, so the history entry made from it can hide that token
    /// wherever the answer echoes it. `None` for an answer restored from the history, which is
    /// not recorded again.
    pub request: Option<HttpRequest>,
}

impl App {
    /// Takes in a finished answer, or ends the request at its deadline.
    pub(super) fn poll_exchange(&mut self, ctx: &egui::Context) {
        let Exchange::Running(in_flight) = &mut self.exchange else {
            return;
        };
        match in_flight.poll() {
            Some(outcome) => {
                let elapsed = in_flight.elapsed();
                self.record_history(&outcome, elapsed);
                let operation = self.sent_operation();
                self.preparing = None;
                self.review = None;
                match (&outcome, operation) {
                    (Ok(response), Some(operation)) if response.pending => {
                        self.preparing = Some(prepare_later(response, operation, ctx));
                    }
                    (Ok(response), Some(operation)) => {
                        self.review = Some(self.reviews.review(operation, response, None));
                    }
                    _ => {}
                }
                self.exchange = Exchange::Done(Box::new(outcome));
                self.response_view = ResponseView::new();
            }
            // Wake up at the deadline even if the server never answers.
            None => ctx.request_repaint_after(in_flight.remaining()),
        }
    }

    /// Puts in the parts of a large answer prepared after its first screen, once they are ready.
    pub(super) fn poll_preparing(&mut self) {
        let Some(promise) = self.preparing.take() else {
            return;
        };
        match promise.try_take() {
            Ok((prepared, check)) => {
                let operation = self.sent_operation();
                if let Exchange::Done(outcome) = &mut self.exchange
                    && let Ok(response) = outcome.as_mut()
                {
                    response.complete(prepared);
                    self.review = operation
                        .map(|operation| self.reviews.review(operation, response, Some(check)));
                }
            }
            Err(promise) => self.preparing = Some(promise),
        }
    }

    /// The operation of the request whose answer is on screen.
    fn sent_operation(&self) -> Option<&'static Operation> {
        self.sent.as_ref()?.draft.operation()
    }

    /// Starts a send of exactly the derived request, replacing any that is running: only the
    /// newest answer is ever shown. With a reason not to send, Send is disabled and says why.
    pub(super) fn send(&mut self, ctx: &egui::Context) {
        // The draft may have been edited in this frame's UI pass.
        self.refresh_derived(ctx);
        if self.derived.send_blocker().is_some() {
            return;
        }
        let Ok(request) = &self.derived.request else {
            return;
        };
        let request = request.clone();
        if self.ask_before_sending(&request) {
            return;
        }
        let repaint = ctx.clone();
        let in_flight = InFlight::start(&request, self.state.deadline(), move || {
            repaint.request_repaint();
        });
        self.exchange = Exchange::Running(Box::new(in_flight));
        // The layout and review of an earlier answer are no longer wanted.
        self.preparing = None;
        self.review = None;
        self.sent = Some(Sent {
            draft: self.state.draft.clone(),
            request: Some(request.clone()),
        });
        self.remember_token(ctx);
    }

    /// Offers a typed token to the keyring once it has been used, on a background thread.
    fn remember_token(&mut self, ctx: &egui::Context) {
        let Some(store) = self.token_store.clone() else {
            return;
        };
        if !self.keyring.should_save(&self.token) {
            return;
        }
        let token = self.token.trimmed().to_owned();
        self.keyring = Keyring::Busy(background::spawn("keyring", ctx, move || {
            store.save(&token).map(|()| Some(token))
        }));
    }

    pub(super) fn forget_token(&mut self, ctx: &egui::Context) {
        let Some(store) = self.token_store.clone() else {
            return;
        };
        self.keyring = Keyring::Busy(background::spawn("keyring", ctx, move || {
            store.forget().map(|()| None)
        }));
        if self.token.origin == TokenOrigin::Keyring {
            self.token = TokenInput::default();
        }
    }

    /// Adds a finished send to the history: the request without the token, and the outcome.
    fn record_history(&mut self, outcome: &Outcome, elapsed: Duration) {
        let (
            Some(history),
            Some(Sent {
                draft,
                request: Some(request),
            }),
        ) = (self.library.history.as_mut(), &self.sent)
        else {
            return;
        };
        let elapsed_ms = match outcome {
            Ok(response) => response.elapsed.as_millis() as u64,
            Err(_) => elapsed.as_millis() as u64,
        };
        let entry = HistoryEntry::new(draft, request, outcome, elapsed_ms);
        if let Err(err) = history.record(entry) {
            self.library.report(Err(format!(
                "Could not record the send in the history: {err}"
            )));
        }
    }

    /// The messages under the inputs: the last answer's field errors, and the lint warnings.
    pub(super) fn form_notes(&self) -> FormNotes {
        let answered = match (&self.exchange, &self.sent) {
            (Exchange::Done(outcome), Some(sent)) => outcome
                .as_ref()
                .as_ref()
                .ok()
                .and_then(|response| response.problem.as_ref())
                .map(|problem| (&sent.draft, problem)),
            _ => None,
        };
        FormNotes::new(&self.state.draft, self.derived.lint.clone(), answered)
    }
}

/// A large answer laid out, and checked against the docs, off the UI thread.
pub(super) type PreparedLater = poll_promise::Promise<(Prepared, AnswerCheck)>;

/// Lays out and checks a large answer's body on a background thread, from a copy of it, while
/// the window shows its raw lines.
fn prepare_later(
    response: &HttpResponse,
    operation: &'static Operation,
    ctx: &egui::Context,
) -> PreparedLater {
    let (status, headers, body) = (
        response.status,
        response.headers.clone(),
        response.body.clone(),
    );
    background::spawn("prepare-answer", ctx, move || {
        // The check parses the whole body and drops it before the layout is made: one at a
        // time, so a large answer's peak is the larger of the two and not their sum.
        let check = operation.check_response(status, &headers, &body);
        let prepared = Prepared::of(status, &headers, &body);
        (prepared, check)
    })
}
