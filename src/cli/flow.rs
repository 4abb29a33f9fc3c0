//! `flow export` and `flow run`, and the recording of `send` in the history the window keeps,
//! so a flow can be built from the command line, the window, or both.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Subcommand;

use super::args::{TimeoutArg, parse_timeout};
use super::output;
use crate::flow::{self, Flow, ReplayError, Target};
use crate::model::{Credential, Draft, HttpRequest, TOKEN_ENV_VAR};
use crate::store::body_file::DEFAULT_BODY_LIMIT;
use crate::store::history::{History, HistoryEntry};
use crate::transport::{DEFAULT_MAX_RESPONSE_SIZE, InFlight, Outcome, SendOptions};

#[derive(Debug, Subcommand)]
pub enum FlowCommand {
    /// Print the last N sends of the history (the window's and `send`'s), in the order they
    /// were sent, as one program: identifiers an earlier answer gave go into later requests as
    /// variables, and each step stops the program unless its answer is 2xx.
    Export {
        /// How many of the most recent sends.
        #[arg(long, value_name = "N")]
        last: NonZeroUsize,
        /// The language, or `json` for the flow itself, which `flow run` replays.
        #[arg(long, value_enum, default_value_t = Target::Curl)]
        target: Target,
    },
    /// Replay a flow written by `flow export --target json` (or `-` for standard input): each
    /// step with the values earlier answers gave, printing its status. Exits 0 when every step
    /// is 2xx, 1 at the first that is not (nothing after it is sent), 2 on a usage or
    /// transport error. The token is read from FLAMEUP_API_TOKEN.
    Run {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Send every step here instead of where it was recorded (steps recorded against
        /// different addresses included), e.g. a sandbox started with `flameup-explorer sandbox`.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Give up on a step after this many seconds without a complete answer.
        #[arg(long, value_name = "SECS", default_value_t = TimeoutArg::default(), value_parser = parse_timeout)]
        timeout: TimeoutArg,
    },
}

/// Carries out a `flow` command; the exit code as documented on each.
pub fn run(command: FlowCommand) -> ExitCode {
    let result = match command {
        FlowCommand::Export { last, target } => export(last.get(), target),
        FlowCommand::Run {
            file,
            base_url,
            timeout,
        } => replay_file(&file, base_url.as_deref(), &timeout),
    };
    result.unwrap_or_else(|message| {
        output::print_failure(&message);
        ExitCode::from(2)
    })
}

/// The history file the window uses, opened; a notice about lines that could not be read is
/// passed on as a warning.
fn open_history() -> Result<History, String> {
    let file =
        crate::store::history_file().ok_or("cannot find a home directory for the history")?;
    let (history, notice) = History::open(file);
    if let Some(notice) = notice {
        output::print_warning(&notice);
    }
    Ok(history)
}

fn export(last: usize, target: Target) -> Result<ExitCode, String> {
    let history = open_history()?;
    let entries = history.entries();
    if entries.is_empty() {
        return Err("the history has no sends yet: send requests with `flameup-explorer send` or the window first".to_owned());
    }
    if last > entries.len() {
        output::print_warning(&format!(
            "the history holds {} sends, fewer than {last}: the flow has them all",
            entries.len()
        ));
    }
    let recent = &entries[entries.len().saturating_sub(last)..];
    let flow = Flow::from_history(recent).map_err(|err| err.to_string())?;
    for note in &flow.notes {
        output::print_warning(note);
    }
    let text = flow::render(&flow, target).map_err(|err| err.to_string())?;
    output::print_snippet(&text, false)?;
    Ok(ExitCode::SUCCESS)
}

fn replay_file(
    file: &Path,
    base_url: Option<&str>,
    timeout: &TimeoutArg,
) -> Result<ExitCode, String> {
    let deadline = timeout.deadline()?;
    let flow = Flow::from_json(&read_flow(file)?).map_err(|err| err.to_string())?;
    if let Some(base_url) = base_url {
        crate::model::request::parse_base_url(base_url)
            .map_err(|err| format!("--base-url: {err}"))?;
    }
    if base_url.is_none() {
        for step in flow.steps.iter().filter(|step| step.base_url.is_some()) {
            output::print_warning(&format!(
                "{} goes to {}, where it was recorded, not to {} (--base-url sends every step to one address)",
                step.name,
                step.base_url.as_deref().unwrap_or_default(),
                flow.base_url
            ));
        }
    }
    let token = std::env::var(TOKEN_ENV_VAR)
        .ok()
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty())
        .ok_or_else(|| format!("{TOKEN_ENV_VAR} is not set: export it with your API key first"))?;
    let options = SendOptions {
        deadline,
        max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
        prepare_view: false,
    };
    let mut printed = Ok(());
    let replayed = flow::replay(
        &flow,
        base_url,
        &Credential::Token(token),
        |request| InFlight::send_and_wait(request, options),
        |step, response| {
            if printed.is_ok() {
                printed =
                    output::print_lines(&format!("{step} {} {}", response.status, response.reason));
            }
        },
    );
    printed?;
    match replayed {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(error @ (ReplayError::Status { .. } | ReplayError::MissingValue { .. })) => {
            output::print_failure(&error.to_string());
            if let ReplayError::Status { response, .. } = &error
                && !response.body.is_empty()
            {
                eprintln!("{}", String::from_utf8_lossy(&response.body));
            }
            Ok(ExitCode::from(1))
        }
        Err(error) => Err(error.to_string()),
    }
}

/// The flow file's text, or standard input's for `-`, refusing anything larger than a body.
fn read_flow(file: &Path) -> Result<String, String> {
    use std::io::Read as _;
    let mut text = String::new();
    let limit = DEFAULT_BODY_LIMIT;
    let read = if file == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_string(&mut text)
    } else {
        std::fs::File::open(file)
            .and_then(|opened| opened.take(limit + 1).read_to_string(&mut text))
    };
    let name = if file == Path::new("-") {
        "standard input".to_owned()
    } else {
        file.display().to_string()
    };
    read.map_err(|err| format!("cannot read the flow {name}: {err}"))?;
    if text.len() as u64 > limit {
        return Err(format!("the flow {name} is larger than {limit} bytes"));
    }
    Ok(text)
}

/// Records a `send` in the history the window keeps (the token is never part of an entry). A
/// history that cannot be written is a warning: the answer still counts.
pub(super) fn record_send(
    draft: &Draft,
    request: &HttpRequest,
    outcome: &Outcome,
    elapsed: Duration,
) {
    let elapsed = match outcome {
        Ok(response) => response.elapsed,
        Err(_) => elapsed,
    };
    let elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
    let recorded = open_history().and_then(|mut history| {
        history
            .record(HistoryEntry::new(draft, request, outcome, elapsed_ms))
            .map_err(|err| format!("cannot record the send in the history: {err}"))
    });
    if let Err(message) = recorded {
        output::print_warning(&format!("{message} (--no-history leaves it out)"));
    }
}
