use std::process::ExitCode;

use clap::Parser as _;
use flameup_explorer::{app, cli};

fn main() -> ExitCode {
    let args = cli::Cli::parse();
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
