//! The command line: the same draft → request engine as the window, without a window.
//!
//! `args` says what can be typed (clap), `run` carries a command out, `output` prints answers and
//! failures. This module only wires them together.

mod args;
mod output;
mod run;

pub use args::{
    Cli, Command, Output, PresetsCommand, RateLimitArg, RequestArgs, SandboxArgs, TokenStyle,
};
pub use output::usage_error;
pub use run::run;
