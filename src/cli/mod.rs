//! The command line: the same draft → request engine as the window, without a window.
//!
//! `args` says what can be typed (clap), `inputs` turns a request's arguments into the draft,
//! `run` carries a command out, `answer` checks an answer against the contract and an earlier
//! answer, `output` prints answers and failures. This module only wires
//! them together.

mod answer;
mod args;
mod flow;
mod import;
mod inputs;
mod output;
mod run;

pub use args::{
    AnswerArgs, Cli, Command, NameValue, Output, PresetsCommand, RateLimitArg, RequestArgs,
    SandboxArgs, TokenStyle,
};
pub use flow::FlowCommand;
pub use import::ImportArgs;
pub use output::usage_error;
pub use run::run;
