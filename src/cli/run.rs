//! Carrying a command out: build the draft, then send or preview it; serve; presets; the contract.

use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;

use super::answer::{self, Baseline, Verdicts};
use super::args::{
    AnswerArgs, Command, Output, PresetsCommand, RequestArgs, SandboxArgs, TimeoutArg, TokenStyle,
};
use super::{inputs, output};
use crate::model::{Credential, Draft, HttpRequest, TOKEN_ENV_VAR, build_request};
use crate::sandbox::{Sandbox, SandboxSettings};
use crate::snippet::{self, Target};
use crate::store::body_file::{self, DEFAULT_BODY_LIMIT};
use crate::store::presets::{self, Listed, Preset, PresetStore, printable};
use crate::transport::redirect::{self, MAX_FOLLOWED, Redirect};
use crate::transport::{FailureKind, InFlight, Outcome, SendOptions, TransportError};

/// A failure that ends the command with exit code 2 and one line on standard error.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Self {
        Self(error.to_string())
    }
}

/// The exit code of an answer that differs from the docs, with `send --strict` and `check`.
const DIFFERS_FROM_THE_DOCS: u8 = 3;

/// Runs a command and returns the process exit code: 0 for a 2xx answer, 1 for any other HTTP
/// status, 2 for a usage, file or transport error, 3 for an answer that differs from the docs
/// (`send --strict`, `check`).
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Send {
            request,
            timeout,
            output: format,
            max_response_size,
            follow,
            answer,
            no_history,
        } => {
            let how = HowToSend {
                timeout,
                format,
                max_response_size,
                follow,
                answer,
                record: !no_history,
            };
            send(&request, &how)
        }
        Command::Check {
            operation,
            status,
            body,
            content_type,
            output,
        } => check_saved(&operation, status, &body, content_type.as_deref(), output),
        Command::Preview {
            request,
            target,
            token_style,
        } => preview(&request, target, token_style),
        Command::Sandbox(args) => run_sandbox(&args),
        Command::Presets { command } => presets(command),
        Command::Contract => print_contract(),
        Command::Operations { output } => print_operations(output),
        Command::Flow { command } => Ok(super::flow::run(command)),
        Command::Import(args) => Ok(super::import::run(&args)),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            output::print_failure(&message);
            ExitCode::from(2)
        }
    }
}

fn run_sandbox(args: &SandboxArgs) -> Result<ExitCode, Failure> {
    let required_token = if args.require_token {
        let token = token_from_env().map_err(|why| {
            Failure(format!(
                "--require-token needs the token in {TOKEN_ENV_VAR}, which {why}"
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
        rate_window_secs: args.rate_window,
        latency_ms: args.latency,
        fail_rate: args.fail_rate,
        hang: args.never_answer,
        drift: crate::sandbox::Drift::of(&args.drift),
        required_token,
        ..SandboxSettings::default()
    };
    let bind = std::net::SocketAddr::new(args.bind, args.port);
    let sandbox = Sandbox::start(bind, settings)
        .map_err(|err| Failure(format!("cannot listen on {bind}: {err}")))?;
    if args.bind.is_unspecified() {
        output::print_warning(&format!(
            "listening on {} makes the sandbox reachable from other machines on the network{}",
            args.bind,
            if args.require_token {
                ""
            } else {
                ", and it accepts any token (see --require-token)"
            }
        ));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure(format!("cannot wait for Ctrl+C: {err}")))?;
    runtime.block_on(async {
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        // Poll once so Ctrl+C is handled before anyone is told the sandbox is up: a script that
        // interrupts it right after the first line must not kill it mid-way.
        tokio::select! {
            biased;
            interrupted = &mut ctrl_c => return interrupted.map_err(wait_failure),
            () = std::future::ready(()) => {}
        }
        output::print_lines(&format!(
            "Flameup sandbox listening on {}\nPeople are kept in memory and lost when it stops. Press Ctrl+C to stop.",
            crate::sandbox::base_url(reachable(sandbox.addr()))
        ))?;
        ctrl_c.await.map_err(wait_failure)
    })?;
    drop(sandbox);
    output::print_lines("Sandbox stopped.")?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the embedded contract byte for byte: no line break added, nothing reformatted.
fn print_contract() -> Result<ExitCode, Failure> {
    output::to_stdout(|out| out.write_all(crate::contract::DOCUMENT.as_bytes()))?;
    Ok(ExitCode::SUCCESS)
}

/// Every operation of the contract, grouped as the docs group them (pretty), or as a JSON list
/// of `{operationId, method, path, summary}` for scripts.
fn print_operations(output: Output) -> Result<ExitCode, Failure> {
    let contract = crate::contract::embedded()
        .map_err(|err| Failure(format!("the built-in contract cannot be read: {err}")))?;
    let operations = contract.operations();
    match output {
        Output::Json => {
            let list: Vec<serde_json::Value> = operations
                .iter()
                .map(|operation| {
                    serde_json::json!({
                        "operationId": operation.id,
                        "method": operation.method.as_str(),
                        "path": operation.path,
                        "summary": operation.summary,
                    })
                })
                .collect();
            output::to_stdout(|out| {
                serde_json::to_writer_pretty(&mut *out, &list)?;
                writeln!(out)
            })?;
        }
        Output::Pretty => output::to_stdout(|out| {
            let id_width = operations.iter().map(|op| op.id.len()).max().unwrap_or(0);
            let path_width = operations.iter().map(|op| op.path.len()).max().unwrap_or(0);
            // Groups in the order they first appear, each with all of its operations.
            let mut groups: Vec<&str> = Vec::new();
            for operation in operations {
                if !groups.contains(&operation.group.as_str()) {
                    groups.push(&operation.group);
                }
            }
            for group in groups {
                writeln!(out, "{group}")?;
                for operation in operations.iter().filter(|op| op.group == group) {
                    writeln!(
                        out,
                        "  {:id_width$}  {:6} {:path_width$}  {}",
                        operation.id,
                        operation.method.as_str(),
                        operation.path,
                        operation.summary
                    )?;
                }
            }
            Ok(())
        })?,
    }
    Ok(ExitCode::SUCCESS)
}

fn wait_failure(err: std::io::Error) -> Failure {
    Failure(format!("cannot wait for Ctrl+C: {err}"))
}

/// The address to print for a sandbox on `addr`: on every interface (0.0.0.0 or ::), the
/// loopback address of the same family, which a client can actually connect to.
fn reachable(mut addr: std::net::SocketAddr) -> std::net::SocketAddr {
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            std::net::IpAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::IpAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    addr
}

/// The token from the environment, trimmed; else why there is none, in words that follow the
/// variable's name ("FLAMEUP_API_TOKEN is set but blank").
pub(super) fn token_from_env() -> Result<String, &'static str> {
    match std::env::var(TOKEN_ENV_VAR) {
        Ok(token) if !token.trim().is_empty() => Ok(token.trim().to_owned()),
        Ok(_) => Err("is set but blank"),
        Err(std::env::VarError::NotPresent) => Err("is not set"),
        Err(std::env::VarError::NotUnicode(_)) => Err("holds bytes that are not text"),
    }
}

/// The token `send` sends: FLAMEUP_API_TOKEN's, else the one a --from-curl command sends (for
/// this request only). When the command has one, standard error says which is used.
fn send_token(from_curl: Option<String>) -> Result<String, Failure> {
    match (token_from_env(), from_curl) {
        (Ok(token), None) => Ok(token),
        (Ok(token), Some(_)) => {
            output::print_warning(&format!(
                "the cURL command's token is not used: {TOKEN_ENV_VAR} is set, and comes first"
            ));
            Ok(token)
        }
        (Err(why), Some(token)) => {
            output::print_warning(&format!(
                "sending the cURL command's token, for this request only ({TOKEN_ENV_VAR} {why})"
            ));
            Ok(token)
        }
        (Err(why), None) => Err(Failure(format!(
            "{TOKEN_ENV_VAR} {why}: export it with your API key first"
        ))),
    }
}

/// Says on standard error, before sending, that the token from the environment goes to the host
/// a pasted command names, when that host is neither the Flameup API nor this machine: a
/// command copied from a colleague or a web page may name any server, and the key is yours.
fn warn_of_a_foreign_host(request: &HttpRequest) {
    if crate::model::hosts::is_meant_for_the_token(&request.url) {
        return;
    }
    output::print_warning(&format!(
        "sending {TOKEN_ENV_VAR} to {}, the host the cURL command names, which is neither the Flameup API nor this machine (--base-url sends the request elsewhere)",
        request.url.host_str().unwrap_or_default()
    ));
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
    output::print_snippet(&text, target == Target::Http)?;
    Ok(ExitCode::SUCCESS)
}

/// The `send` flags that shape the exchange rather than the request.
struct HowToSend {
    timeout: TimeoutArg,
    format: Output,
    max_response_size: usize,
    follow: bool,
    answer: AnswerArgs,
    /// Whether the send goes into the history (not with `--no-history`).
    record: bool,
}

fn send(args: &RequestArgs, how: &HowToSend) -> Result<ExitCode, Failure> {
    let deadline = how.timeout.deadline().map_err(Failure)?;
    let (draft, curl_token) = args.request()?;
    let operation = draft.operation().ok_or_else(|| {
        Failure(format!(
            "there is no operation \"{}\" (see `flameup-explorer operations`)",
            presets::printable(&draft.operation)
        ))
    })?;
    // Read before sending: a wrong file is a usage error, not a request sent for nothing.
    let baseline = how
        .answer
        .baseline
        .as_deref()
        .map(Baseline::read)
        .transpose()?;
    let token = send_token(curl_token)?;
    let request = build_request(&draft, None, &Credential::Token(token))?;
    if args.from_curl.is_some() && args.base_url.is_none() && token_from_env().is_ok() {
        warn_of_a_foreign_host(&request);
    }
    let options = SendOptions {
        deadline,
        max_response_size: how.max_response_size,
        // The answer is printed from its bytes: the window's view would only be extra copies.
        prepare_view: false,
    };
    let started = std::time::Instant::now();
    let outcome = exchange(&request, options, how.follow);
    if how.record {
        super::flow::record_send(&draft, &request, &outcome, started.elapsed());
    }
    let response = match outcome {
        Ok(response) => response,
        Err(error) => {
            if how.format == Output::Json {
                // The failure below is reported on standard error whether or not this is written.
                let _ = output::print_json_error(error.kind.code(), error.message(), &error.detail);
            }
            return Err(Failure(error.to_string()));
        }
    };
    let verdicts = Verdicts::of(
        operation,
        &response,
        baseline.as_ref(),
        how.answer.include_volatile,
    );
    match how.format {
        Output::Pretty => output::print_pretty(&response, &verdicts)?,
        Output::Json => output::print_json(&response, &verdicts)?,
    }
    Ok(if how.answer.strict && !verdicts.contract.is_ok() {
        ExitCode::from(DIFFERS_FROM_THE_DOCS)
    } else if response.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `check`: a saved answer against the operation's documented answers, offline. Exits 0 when it
/// matches, 3 when it differs.
fn check_saved(
    operation_id: &str,
    status: u16,
    body: &Path,
    content_type: Option<&str>,
    format: Output,
) -> Result<ExitCode, Failure> {
    let contract = crate::contract::embedded()
        .map_err(|err| Failure(format!("the built-in contract cannot be read: {err}")))?;
    let operation = inputs::find_operation(contract, operation_id)?;
    let (_, bytes) = answer::read_saved(body)?;
    let check = operation.check_answer(status, content_type, &bytes);
    output::print_check(&operation.id, status, &check, format)?;
    Ok(if check.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(DIFFERS_FROM_THE_DOCS)
    })
}

/// Sends `request` and, with `follow`, the requests its redirects point to, all within one
/// deadline. Each redirect, followed or not, is told on standard error with its Location: the
/// answer printed is then plainly the last one, not the create's.
fn exchange(request: &HttpRequest, options: SendOptions, follow: bool) -> Outcome {
    let started = std::time::Instant::now();
    let mut current = request.clone();
    let mut followed = 0;
    loop {
        let remaining = options.deadline.saturating_sub(started.elapsed());
        if remaining.is_zero() {
            return Err(TransportError::deadline_passed(options.deadline));
        }
        let hop_options = SendOptions {
            deadline: remaining,
            ..options
        };
        // A hop's deadline is what is left of the user's: a timeout is told with the user's.
        let response = InFlight::send_and_wait(&current, hop_options).map_err(|error| {
            if error.kind == FailureKind::Timeout {
                TransportError::deadline_passed(options.deadline)
            } else {
                error
            }
        })?;
        let told = |note: &str| {
            let location = response.header("location").unwrap_or_default().trim();
            let location = if location.is_empty() {
                "an empty Location"
            } else {
                location
            };
            format!(
                "the server answered {} {} and redirects to {location}{note}",
                response.status, response.reason,
            )
        };
        let target = match Redirect::of(&current.url, &response) {
            Redirect::None => return Ok(response),
            Redirect::Unfollowable(why) => {
                output::print_warning(&told(&format!("; not followed: {why}")));
                return Ok(response);
            }
            Redirect::To(target) => target,
        };
        if !follow {
            output::print_warning(&told(" (not followed: pass --follow to follow it)"));
            return Ok(response);
        }
        if followed == MAX_FOLLOWED {
            output::print_warning(&told(&format!(
                "; not followed: {MAX_FOLLOWED} redirects were followed already"
            )));
            return Ok(response);
        }
        let hop = redirect::follow(request, response.status, target);
        output::print_warning(&told(&format!(
            "; following with {}{}",
            hop.request.method,
            if hop.token_withheld {
                ", without the token (another scheme, host or port)"
            } else {
                ""
            }
        )));
        current = hop.request;
        followed += 1;
    }
}

impl RequestArgs {
    /// The draft these arguments describe (see [`RequestArgs::request`]).
    fn draft(&self) -> Result<Draft, Failure> {
        Ok(self.request()?.0)
    }

    /// The draft these arguments describe: the cURL command's of --from-curl (what its import
    /// has to say told on standard error), or over the preset they name (see [`inputs::draft`]);
    /// and the token the cURL command sends, for this request only.
    fn request(&self) -> Result<(Draft, Option<String>), Failure> {
        if let Some(file) = &self.from_curl {
            let imported = inputs::from_curl(self, file)?;
            imported
                .notes
                .iter()
                .for_each(|note| output::print_warning(note));
            return Ok((imported.draft, imported.token));
        }
        let preset = self.preset.as_deref().map(find_preset).transpose()?;
        let preset = preset.as_ref().map(|preset| inputs::FromPreset {
            name: &preset.name,
            draft: preset.request.to_draft(),
        });
        Ok((inputs::draft(self, preset, read_body)?, None))
    }
}

/// The presets folder, checked: a file in its place would otherwise surface as a raw OS error
/// ("Not a directory") on every command.
fn preset_store() -> Result<PresetStore, Failure> {
    let store = PresetStore::open_default()
        .ok_or_else(|| Failure("cannot find a home directory for presets".to_owned()))?;
    store.check_folder().map_err(Failure)?;
    Ok(store)
}

/// Every file in the presets folder. A folder that does not exist yet holds none; one that
/// cannot be read is an error, not an empty list.
fn list_presets(store: &PresetStore) -> Result<Vec<Listed>, Failure> {
    match std::fs::read_dir(store.dir()) {
        Ok(_) => Ok(store.list()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(err) => Err(Failure(format!(
            "cannot read the presets folder {}: {err}",
            store.dir().display()
        ))),
    }
}

/// The preset called `name`, or why there is none: the file that has that name but was refused
/// (and why), or how many broken files might have held it.
fn find_preset(name: &str) -> Result<Preset, Failure> {
    let store = preset_store()?;
    let listed = list_presets(&store)?;
    let mut named: Vec<(&Path, &Preset)> = listed
        .iter()
        .filter_map(|item| match item {
            Listed::Preset { file, preset } if presets::same_name(&preset.name, name) => {
                Some((file.as_path(), preset))
            }
            _ => None,
        })
        .collect();
    if named.len() > 1 {
        // Files copied by hand can share a name: which one is meant is not ours to guess.
        let files: Vec<String> = named
            .iter()
            .map(|(file, _)| presets::printable(&file.display().to_string()))
            .collect();
        return Err(Failure(format!(
            "{} preset files are called \"{}\": {}; rename or remove all but one",
            files.len(),
            presets::printable(name),
            files.join(", ")
        )));
    }
    if let Some((_, preset)) = named.pop() {
        return Ok(preset.clone());
    }
    let mut broken = 0;
    for (file, reason) in listed.into_iter().filter_map(|item| match item {
        Listed::Broken { file, reason } => Some((file, reason)),
        Listed::Preset { .. } => None,
    }) {
        match presets::claimed_name(&file) {
            Some(named) if presets::same_name(&named, name) => {
                return Err(Failure(format!(
                    "the preset \"{}\" in {} cannot be used: it is {reason}",
                    presets::printable(&named),
                    presets::printable(&file.display().to_string())
                )));
            }
            // It names another preset.
            Some(_) => {}
            None => broken += 1,
        }
    }
    let hint = match broken {
        0 => String::new(),
        1 => "; 1 preset file is broken and may hold it".to_owned(),
        n => format!("; {n} preset files are broken and may hold it"),
    };
    Err(Failure(format!(
        "no preset called \"{name}\"{hint} (see `flameup-explorer presets list`)"
    )))
}

fn presets(command: PresetsCommand) -> Result<ExitCode, Failure> {
    let store = preset_store()?;
    match command {
        PresetsCommand::List => {
            let listed = list_presets(&store)?;
            output::to_stdout(|out| {
                for item in &listed {
                    match item {
                        Listed::Preset { preset, .. } => writeln!(
                            out,
                            "{}\t{}\t{}\t{}",
                            preset.name,
                            printable(preset.request.operation_id()),
                            preset.request.environment.label(),
                            preset.saved_at
                        )?,
                        Listed::Broken { file, reason } => writeln!(
                            out,
                            "broken: {}: {reason}",
                            presets::printable(&file.display().to_string())
                        )?,
                    }
                }
                Ok(())
            })?;
        }
        PresetsCommand::Show { name } => {
            let text = find_preset(&name)?.to_json();
            output::to_stdout(|out| out.write_all(text.as_bytes()))?;
        }
        PresetsCommand::Save { name, request } => {
            presets::check_name(&name).map_err(Failure)?;
            let draft = request.draft()?;
            let saved = store
                .save_replacing(&Preset::new(&name, &draft))
                .map_err(|err| Failure(format!("cannot save the preset: {err}")))?;
            let replacing = match saved.replaced {
                Some(old) => format!(", replacing \"{old}\""),
                None => String::new(),
            };
            output::print_lines(&format!(
                "Saved \"{}\" to {}{replacing}",
                name.trim(),
                saved.file.display()
            ))?;
        }
        PresetsCommand::Delete { name } => match store.delete(&name) {
            Ok(Some(preset)) => {
                output::print_lines(&format!("Deleted \"{}\".", preset.name))?;
            }
            Ok(None) => return Err(Failure(format!("no preset called \"{name}\""))),
            Err(err) => return Err(Failure(format!("cannot delete the preset: {err}"))),
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// The body in `path`, or in standard input for `-`: the same bounded reader as the window's
/// import, so both refuse the same files. Every body in the contract is a JSON object.
fn read_body(path: &Path) -> Result<Value, String> {
    let body = if path == Path::new("-") {
        body_file::read_json_object_from(
            std::io::stdin().lock(),
            "standard input",
            DEFAULT_BODY_LIMIT,
        )
    } else {
        body_file::read_json_object(path, DEFAULT_BODY_LIMIT)
    };
    body.map(Value::Object)
}
