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
use crate::sandbox::{ErrorDialect, OnDuplicate, Sandbox, SandboxSettings};
use crate::snippet::{self, Target};
use crate::store::presets::{Listed, Preset, PresetStore};
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
        /// How the token appears: read from FLAMEUP_API_TOKEN, or the docs' YOUR_API_TOKEN.
        #[arg(long, value_enum, default_value_t = TokenStyle::Env)]
        token_style: TokenStyle,
    },
    /// Run the local sandbox of the People API until Ctrl+C. People are kept in memory only.
    Sandbox(SandboxArgs),
    /// List, show, save and delete presets (the same files the window uses).
    Presets {
        #[command(subcommand)]
        command: PresetsCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum PresetsCommand {
    /// Every preset, and every broken preset file with the reason.
    List,
    /// A preset's file.
    Show { name: String },
    /// Save a request as a preset (replacing one of the same name).
    Save {
        name: String,
        #[command(flatten)]
        request: RequestArgs,
    },
    /// Delete a preset.
    Delete { name: String },
}

/// How the standalone sandbox listens and behaves.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// The error body shape: the create-person page's, or one of the errors page's.
    #[arg(long, value_enum, default_value_t = ErrorDialect::Docs)]
    errors: ErrorDialect,
    /// What creating an existing userId does: update it (200) or conflict (409).
    #[arg(long, value_enum, default_value_t = OnDuplicate::Update)]
    on_duplicate: OnDuplicate,
    /// Requests a minute per API key, or `off`.
    #[arg(long, value_name = "N|off", default_value = "120", value_parser = parse_rate_limit)]
    rate_limit: RateLimit,
    /// Milliseconds to wait before every answer.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency: u64,
    /// The share of requests, from 0 to 1, that get a simulated 500.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_fail_rate)]
    fail_rate: f64,
    /// Accept connections and never answer, to try a client's timeouts.
    #[arg(long)]
    never_answer: bool,
    /// Accept only the token in FLAMEUP_API_TOKEN (not a flag: flags show in `ps`).
    #[arg(long)]
    require_token: bool,
}

/// A rate limit, or none.
#[derive(Clone, Copy, Debug)]
pub struct RateLimit(Option<u32>);

fn parse_rate_limit(text: &str) -> Result<RateLimit, String> {
    match text {
        "off" => Ok(RateLimit(None)),
        _ => match text.parse::<u32>() {
            Ok(limit) if limit > 0 => Ok(RateLimit(Some(limit))),
            _ => Err("expected a positive whole number of requests a minute, or `off`".to_owned()),
        },
    }
}

fn parse_fail_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err("expected a number from 0 to 1, e.g. 0.25".to_owned()),
    }
}

/// Where the request goes and what it carries.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["body", "preset"])))]
pub struct RequestArgs {
    /// A JSON object in the documented body format (userId, email, phone, traits, …), or `-` for
    /// standard input. Every top-level field is kept.
    #[arg(long, value_name = "FILE")]
    body: Option<PathBuf>,
    /// A saved preset, by name; --base-url and --workspace override where it goes.
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,
    /// The API's base URL [default: https://api.flameup.ai/api/v1].
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Use the workspace-scoped path POST /workspaces/{ID}/people.
    #[arg(long, value_name = "ID")]
    workspace: Option<String>,
}

/// How a printed snippet shows the token. Never the token itself: that would put it in a
/// terminal's scrollback and in files the output is redirected to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TokenStyle {
    /// Read from FLAMEUP_API_TOKEN when the snippet runs.
    Env,
    /// The docs' YOUR_API_TOKEN, to replace by hand.
    Placeholder,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Status line, headers and the body, pretty-printed when it is JSON.
    Pretty,
    /// One JSON object: {"status", "elapsed_ms", "headers", "body", "problem"}; for a failure with no
    /// answer, {"error": {"kind", "message", "detail"}}.
    Json,
}

/// Reports a command-line parsing error on one line (exit 2), or prints help or the version
/// (exit 0). clap's own report spans several lines with a usage block.
pub fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let rendered = error.render().to_string();
    let message: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
        .filter(|line| !line.is_empty())
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    eprintln!("flameup-explorer: {message} (see --help)");
    ExitCode::from(2)
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
        Command::Preview {
            request,
            target,
            token_style,
        } => preview(&request, target, token_style),
        Command::Sandbox(args) => run_sandbox(&args),
        Command::Presets { command } => presets(command),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("flameup-explorer: {message}");
            ExitCode::from(2)
        }
    }
}

fn run_sandbox(args: &SandboxArgs) -> Result<ExitCode, Failure> {
    let required_token = if args.require_token {
        let token = token_from_env().ok_or_else(|| {
            Failure(format!(
                "--require-token needs the token in {TOKEN_ENV_VAR}"
            ))
        })?;
        Some(token)
    } else {
        None
    };
    let settings = SandboxSettings {
        errors: args.errors,
        on_duplicate: args.on_duplicate,
        rate_limit: args.rate_limit.0,
        latency_ms: args.latency,
        fail_rate: args.fail_rate,
        hang: args.never_answer,
        required_token,
    };
    let bind = std::net::SocketAddr::new(args.bind, args.port);
    let sandbox = Sandbox::start(bind, settings)
        .map_err(|err| Failure(format!("cannot listen on {bind}: {err}")))?;
    println!("Flameup sandbox listening on {}", sandbox.base_url());
    println!("People are kept in memory and lost when it stops. Press Ctrl+C to stop.");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure(format!("cannot wait for Ctrl+C: {err}")))?;
    runtime
        .block_on(tokio::signal::ctrl_c())
        .map_err(|err| Failure(format!("cannot wait for Ctrl+C: {err}")))?;
    drop(sandbox);
    println!("Sandbox stopped.");
    Ok(ExitCode::SUCCESS)
}

/// The token from the environment, trimmed; `None` when unset or blank.
fn token_from_env() -> Option<String> {
    std::env::var(TOKEN_ENV_VAR)
        .map(|token| token.trim().to_owned())
        .ok()
        .filter(|token| !token.is_empty())
}

fn preview(
    args: &RequestArgs,
    target: Target,
    token_style: TokenStyle,
) -> Result<ExitCode, Failure> {
    let credential = match token_style {
        TokenStyle::Env => Credential::EnvVar,
        TokenStyle::Placeholder => Credential::Placeholder,
    };
    let request = build_request(&args.draft()?, None, &credential)?;
    let text = snippet::render(target, &request);
    // Raw HTTP is printed byte for byte, so it can be piped to a socket as it is; the others end
    // with a line break, as a file should.
    if target == Target::Http || text.ends_with('\n') {
        print!("{text}");
    } else {
        println!("{text}");
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
    let token = token_from_env().ok_or_else(|| {
        Failure(format!(
            "{TOKEN_ENV_VAR} is not set: export it with your API key first"
        ))
    })?;
    let request = build_request(&draft, None, &Credential::Token(token))?;
    let response = match InFlight::start_and_wait(&request, deadline) {
        Ok(response) => response,
        Err(error) => {
            if output == Output::Json {
                let kind = error.kind.code();
                println!(
                    "{}",
                    json!({"error": {"kind": kind, "message": error.message(), "detail": error.detail}})
                );
            }
            return Err(Failure(error.to_string()));
        }
    };
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
        let mut draft = match (&self.body, &self.preset) {
            (Some(path), _) => {
                let mut draft = Draft::default();
                draft.load_body(&read_body(path)?);
                draft
            }
            (None, Some(name)) => find_preset(name)?.request.to_draft(),
            (None, None) => return Err(Failure("give --body FILE or --preset NAME".to_owned())),
        };
        if let Some(base_url) = &self.base_url {
            draft.environment = Environment::Custom;
            draft.custom_base_url = base_url.clone();
        }
        if let Some(workspace) = &self.workspace {
            draft.path_style = PathStyle::WorkspaceScoped;
            draft.workspace_id = workspace.clone();
        }
        if draft.environment == Environment::Sandbox {
            return Err(Failure(
                "this preset sends to the window's built-in sandbox: start one with `flameup-explorer sandbox` and pass its --base-url".to_owned(),
            ));
        }
        Ok(draft)
    }
}

fn preset_store() -> Result<PresetStore, Failure> {
    PresetStore::open_default()
        .ok_or_else(|| Failure("cannot find a home directory for presets".to_owned()))
}

fn find_preset(name: &str) -> Result<Preset, Failure> {
    preset_store()?
        .find(name)
        .map(|(_, preset)| preset)
        .ok_or_else(|| {
            Failure(format!(
                "no preset called \"{name}\" (see `flameup-explorer presets list`)"
            ))
        })
}

fn presets(command: PresetsCommand) -> Result<ExitCode, Failure> {
    let store = preset_store()?;
    match command {
        PresetsCommand::List => {
            for item in store.list() {
                match item {
                    Listed::Preset { preset, .. } => {
                        let request = &preset.request;
                        println!(
                            "{}\t{}\t{}",
                            preset.name,
                            request.environment.label(),
                            preset.saved_at
                        );
                    }
                    Listed::Broken { file, reason } => {
                        println!("broken: {}: {reason}", file.display())
                    }
                }
            }
        }
        PresetsCommand::Show { name } => print!("{}", find_preset(&name)?.to_json()),
        PresetsCommand::Save { name, request } => {
            if name.trim().is_empty() {
                return Err(Failure("a preset needs a name".to_owned()));
            }
            let draft = request.draft()?;
            let file = store
                .save(&Preset::new(&name, &draft))
                .map_err(|err| Failure(format!("cannot save the preset: {err}")))?;
            println!("Saved \"{}\" to {}", name.trim(), file.display());
        }
        PresetsCommand::Delete { name } => match store.delete(&name) {
            Ok(Some(_)) => println!("Deleted \"{name}\"."),
            Ok(None) => return Err(Failure(format!("no preset called \"{name}\""))),
            Err(err) => return Err(Failure(format!("cannot delete the preset: {err}"))),
        },
    }
    Ok(ExitCode::SUCCESS)
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
    println!("{}", response.view.text());
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
    let problem = response.problem.as_ref().map(|problem| {
        let fields: Map<String, Value> = problem
            .fields
            .iter()
            .map(|(path, message)| (path.clone(), Value::String(message.clone())))
            .collect();
        json!({
            "title": problem.title,
            "message": problem.message,
            "code": problem.code,
            "request_id": problem.request_id,
            "fields": fields,
        })
    });
    json!({
        "status": response.status,
        "elapsed_ms": response.elapsed.as_millis() as u64,
        "headers": headers,
        "body": body,
        "problem": problem,
    })
}
