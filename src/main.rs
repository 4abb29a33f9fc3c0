use std::process::ExitCode;

use clap::Parser as _;
use flameup_explorer::{app, cli};

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(err) => return cli::usage_error(&err),
    };
    match args.command {
        Some(command) => cli::run(command),
        None => match app::run_native() {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("flameup-explorer: could not open the window: {err}");
                ExitCode::from(2)
            }
        },
    }
}
