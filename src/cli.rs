//! The command line: the same draft → request engine as the window, without a window.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{Map, Value, json};

use crate::model::{
    Credential, Draft, Environment, HttpResponse, PathStyle, TOKEN_ENV_VAR, build_request,
};
use crate::snippet::{self, Target};
use crate::transport::{DEFAULT_DEADLINE, InFlight};

/// Flameup Explorer: explore the Flameup People API. With no command, opens the window.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send a create-person request and print the answer. The token is read from the
    /// FLAMEUP_API_TOKEN environment variable only (a flag would show in `ps`).
    Send {
        #[command(flatten)]
        request: RequestArgs,
        /// Give up after this many seconds without a complete answer.
        #[arg(long, value_name = "SECS", default_value_t = DEFAULT_DEADLINE.as_secs_f64())]
        timeout: f64,
        #[arg(long, value_enum, default_value_t = Output::Pretty)]
        output: Output,
    },
    /// Print the request as a snippet; the token appears as a reference to FLAMEUP_API_TOKEN.
    Preview {
        #[command(flatten)]
        request: RequestArgs,
        #[arg(long, value_enum, default_value_t = Target::Curl)]
        target: Target,
    },
}

/// Where the request goes and what it carries.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// A JSON object in the documented body format (userId, email, phone, traits, …), or `-` for
    /// standard input. Every top-level field is kept.
    #[arg(long, value_name = "FILE")]
    body: PathBuf,
    /// The API's base URL [default: https://api.flameup.ai/api/v1].
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Use the workspace-scoped path POST /workspaces/{ID}/people.
    #[arg(long, value_name = "ID")]
    workspace: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Status line, headers and the body, pretty-printed when it is JSON.
    Pretty,
    /// One JSON object: {"status", "elapsed_ms", "headers", "body"}.
    Json,
}

/// A failure that ends the command with exit code 2 and one line on standard error.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Self {
        Self(error.to_string())
    }
}

/// Runs a command and returns the process exit code: 0 for a 2xx answer, 1 for any other HTTP
/// status, 2 for a usage, file or transport error.
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Send {
            request,
            timeout,
            output,
        } => send(&request, timeout, output),
        Command::Preview { request, target } => preview(&request, target),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("flameup-explorer: {message}");
            ExitCode::from(2)
        }
    }
}

fn preview(args: &RequestArgs, target: Target) -> Result<ExitCode, Failure> {
    let request = build_request(&args.draft()?, &Credential::EnvVar)?;
    let text = snippet::render(target, &request);
    match target {
        // Raw HTTP is printed byte for byte, so it can be piped to a socket as it is.
        Target::Http => print!("{text}"),
        Target::Curl => println!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn send(args: &RequestArgs, timeout: f64, output: Output) -> Result<ExitCode, Failure> {
    let deadline = Duration::try_from_secs_f64(timeout)
        .ok()
        .filter(|deadline| !deadline.is_zero())
        .ok_or_else(|| {
            Failure(format!(
                "--timeout must be a positive number of seconds, not {timeout}"
            ))
        })?;
    let draft = args.draft()?;
    let token = std::env::var(TOKEN_ENV_VAR)
        .map(|token| token.trim().to_owned())
        .ok()
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            Failure(format!(
                "{TOKEN_ENV_VAR} is not set: export it with your API key first"
            ))
        })?;
    let request = build_request(&draft, &Credential::Token(token))?;
    let response =
        InFlight::start_and_wait(&request, deadline).map_err(|error| Failure(error.to_string()))?;
    match output {
        Output::Pretty => print_pretty(&response),
        Output::Json => println!("{}", response_json(&response)),
    }
    Ok(if response.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

impl RequestArgs {
    fn draft(&self) -> Result<Draft, Failure> {
        let mut draft = Draft::default();
        draft.load_body(&read_body(&self.body)?);
        if let Some(base_url) = &self.base_url {
            draft.environment = Environment::Custom;
            draft.custom_base_url = base_url.clone();
        }
        if let Some(workspace) = &self.workspace {
            draft.path_style = PathStyle::WorkspaceScoped;
            draft.workspace_id = workspace.clone();
        }
        Ok(draft)
    }
}

fn read_body(path: &Path) -> Result<Map<String, Value>, Failure> {
    let (name, text) = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|err| Failure(format!("cannot read the body from standard input: {err}")))?;
        ("standard input".to_owned(), text)
    } else {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|err| Failure(format!("cannot read {name}: {err}")))?;
        (name, text)
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(body)) => Ok(body),
        Ok(_) => Err(Failure(format!(
            "{name} must hold a JSON object ({{\"userId\": …}})"
        ))),
        Err(err) => Err(Failure(format!("{name} is not valid JSON: {err}"))),
    }
}

fn print_pretty(response: &HttpResponse) {
    println!(
        "{} {} · {} ms · {}",
        response.status,
        response.reason,
        response.elapsed.as_millis(),
        crate::model::response::human_size(response.body.len())
    );
    for (name, value) in &response.headers {
        println!("{name}: {value}");
    }
    println!();
    println!("{}", response.view.text);
}

/// The `--output json` object. Repeated headers are joined with ", ", as HTTP allows.
fn response_json(response: &HttpResponse) -> Value {
    let mut headers = Map::new();
    for (name, value) in &response.headers {
        let joined = match headers.get(name).and_then(Value::as_str) {
            Some(earlier) => format!("{earlier}, {value}"),
            None => value.clone(),
        };
        headers.insert(name.clone(), Value::String(joined));
    }
    let body = serde_json::from_slice::<Value>(&response.body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&response.body).into_owned()));
    json!({
        "status": response.status,
        "elapsed_ms": response.elapsed.as_millis() as u64,
        "headers": headers,
        "body": body,
    })
}
