//! What can be typed on the command line: clap's argument types and the parsers of their values.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::sandbox::{
    DEFAULT_RATE_WINDOW_SECS, DriftKind, ErrorDialect, OnDuplicate, RATE_WINDOW_SECS,
};
use crate::snippet::Target;
use crate::transport::{DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_SIZE};

/// The largest `--max-response-size`: 4 GB. The answer is held in memory whole; a larger limit
/// is no limit at all.
pub const MAX_RESPONSE_SIZE_LIMIT: usize = 4_000_000_000;

/// Flameup Explorer: explore the Flameup People API. With no command, opens the window.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send a request for any operation and print the answer. The token is read from the
    /// FLAMEUP_API_TOKEN environment variable only (a flag would show in `ps`).
    Send {
        #[command(flatten)]
        request: RequestArgs,
        /// Give up after this many seconds without a complete answer.
        #[arg(long, value_name = "SECS", default_value_t = TimeoutArg::default(), value_parser = parse_timeout)]
        timeout: TimeoutArg,
        #[arg(long, value_enum, default_value_t = Output::Pretty)]
        output: Output,
        /// The largest answer read, after decompression, e.g. 500KB, 64MB, 1GiB (at most 4GB);
        /// a longer one fails as `too_large`.
        #[arg(long, value_name = "SIZE", default_value_t = DEFAULT_MAX_RESPONSE_SIZE, value_parser = parse_response_size)]
        max_response_size: usize,
        /// Follow redirects (up to 10): 307 and 308 keep the method and body, 301, 302 and 303
        /// become a GET. The token is sent only to the base URL's own scheme, host and port.
        /// Without it, a redirect is printed with its Location and exits 1.
        #[arg(long)]
        follow: bool,
        #[command(flatten)]
        answer: AnswerArgs,
        /// Leave this send out of the history (which the window shows and `flow export` reads).
        #[arg(long)]
        no_history: bool,
    },
    /// Check a saved answer against the operation's documented answers, offline: its status and
    /// its body's fields. Exits 0 when it matches the docs, 3 when it differs, 2 on a usage error.
    Check {
        /// The operation that answered, by its operationId (see `flameup-explorer operations`).
        #[arg(long, value_name = "OPERATION_ID")]
        operation: String,
        /// The answer's HTTP status.
        #[arg(long, value_name = "N", value_parser = parse_status)]
        status: u16,
        /// The answer's body, byte for byte, or `-` for standard input.
        #[arg(long, value_name = "FILE")]
        body: PathBuf,
        /// The answer's Content-Type, to check it says JSON where JSON is documented.
        #[arg(long, value_name = "TYPE")]
        content_type: Option<String>,
        /// pretty: the verdict and one line per difference; json: one object {"operation",
        /// "status", "contract": {"ok", "documented_as", "findings"}}.
        #[arg(long, value_enum, default_value_t = Output::Pretty, hide_possible_values = true)]
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
    /// Print the API contract (OpenAPI 3.1, JSON) exactly as built in, to load into other tools.
    Contract,
    /// List every operation of the API contract: its operationId, method, path and summary.
    Operations {
        #[arg(long, value_enum, default_value_t = Output::Pretty)]
        output: Output,
    },
    /// Export recent sends as one program per language, and replay exported flows.
    Flow {
        #[command(subcommand)]
        command: super::flow::FlowCommand,
    },
    /// Import people from a file (CSV, JSON Lines or a JSON array) in batches, at the pace the
    /// server's rate limit allows. The token is read from FLAMEUP_API_TOKEN, as for `send`.
    Import(super::import::ImportArgs),
}

#[derive(Debug, Subcommand)]
pub enum PresetsCommand {
    /// Every preset, and every broken preset file with the reason.
    List,
    /// A preset's file.
    Show { name: String },
    /// Save a request for any operation as a preset (replacing one of the same name).
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
    pub port: u16,
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// The error body shape: the create-person page's, or one of the errors page's.
    #[arg(long, value_enum, default_value_t = ErrorDialect::Docs)]
    pub errors: ErrorDialect,
    /// What creating an existing userId does: update it (200) or conflict (409).
    #[arg(long, value_enum, default_value_t = OnDuplicate::Update)]
    pub on_duplicate: OnDuplicate,
    /// Requests per API key in each window (a minute unless --rate-window), or `off`.
    #[arg(long, value_name = "N|off", default_value = "120", value_parser = parse_rate_limit)]
    pub rate_limit: RateLimitArg,
    /// The rate limit's window in seconds, from 1 to 3600 (documented: 60): requests are counted
    /// per key in windows this long, and X-RateLimit-Reset is the current one's end. A short
    /// window lets a client's pacing be tried in seconds.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_RATE_WINDOW_SECS, value_parser = parse_rate_window)]
    pub rate_window: u64,
    /// Milliseconds to wait before every answer.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    /// The share of requests, from 0 to 1, that get a simulated 500.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_fail_rate)]
    pub fail_rate: f64,
    /// Accept connections and never answer, to try a client's timeouts.
    #[arg(long)]
    pub never_answer: bool,
    /// Accept only the token in FLAMEUP_API_TOKEN (not a flag: flags show in `ps`).
    #[arg(long)]
    pub require_token: bool,
    /// Deviate from the contract on purpose in every success answer, to see the check of
    /// answers work (see the README for exactly what each kind changes).
    #[arg(long, value_enum, value_name = "KIND[,KIND]", value_delimiter = ',')]
    pub drift: Vec<DriftKind>,
}

/// The longest `--timeout`: a day. Longer is surely a typo, and far beyond what a timer holds
/// exactly.
const MAX_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// A `--timeout` as typed: its number, and its text, which a message quotes as it was typed
/// (`99999999999999999999` would print as `100000000000000000000`).
#[derive(Clone, Debug, PartialEq)]
pub struct TimeoutArg {
    seconds: f64,
    text: String,
}

impl Default for TimeoutArg {
    fn default() -> Self {
        let seconds = DEFAULT_DEADLINE.as_secs_f64();
        Self {
            seconds,
            text: seconds.to_string(),
        }
    }
}

impl std::fmt::Display for TimeoutArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl TimeoutArg {
    /// The deadline, or a message that says which values are allowed, quoting the one typed.
    pub fn deadline(&self) -> Result<std::time::Duration, String> {
        std::time::Duration::try_from_secs_f64(self.seconds)
            .ok()
            .filter(|deadline| !deadline.is_zero() && *deadline <= MAX_TIMEOUT)
            .ok_or_else(|| {
                format!(
                    "--timeout must be more than 0 and at most {} seconds, not {}",
                    MAX_TIMEOUT.as_secs(),
                    self.text
                )
            })
    }
}

/// Any number for `--timeout`; whether it is allowed is said by [`TimeoutArg::deadline`], after
/// parsing, in the command's own words.
pub(crate) fn parse_timeout(text: &str) -> Result<TimeoutArg, String> {
    let seconds = text
        .trim()
        .parse::<f64>()
        .map_err(|_| "expected a number of seconds, e.g. 30 or 2.5".to_owned())?;
    Ok(TimeoutArg {
        seconds,
        text: text.to_owned(),
    })
}

/// The parsed `--rate-limit` value: requests per key in each window, or `None` for `off`.
#[derive(Clone, Copy, Debug)]
pub struct RateLimitArg(pub Option<u32>);

fn parse_rate_limit(text: &str) -> Result<RateLimitArg, String> {
    match text {
        "off" => Ok(RateLimitArg(None)),
        _ => match text.parse::<u32>() {
            Ok(limit) if limit > 0 => Ok(RateLimitArg(Some(limit))),
            _ => Err(format!(
                "expected a whole number of requests per window (see --rate-window) from 1 to {}, or `off`",
                u32::MAX
            )),
        },
    }
}

fn parse_rate_window(text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(secs) if RATE_WINDOW_SECS.contains(&secs) => Ok(secs),
        _ => Err(format!(
            "expected a whole number of seconds from {} to {} (the documented window is 60)",
            RATE_WINDOW_SECS.start(),
            RATE_WINDOW_SECS.end()
        )),
    }
}

/// A byte count with an optional unit: B, KB, MB, GB (powers of 1000, as sizes are shown) or
/// KiB, MiB, GiB (powers of 1024).
pub(crate) fn parse_size(text: &str) -> Result<usize, String> {
    const UNITS: [(&str, u64); 7] = [
        ("b", 1),
        ("kb", 1_000),
        ("mb", 1_000_000),
        ("gb", 1_000_000_000),
        ("kib", 1 << 10),
        ("mib", 1 << 20),
        ("gib", 1 << 30),
    ];
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit = unit.trim().to_ascii_lowercase();
    let scale = if unit.is_empty() {
        Some(1)
    } else {
        UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, scale)| *scale)
    };
    let size = number
        .parse::<u64>()
        .ok()
        .zip(scale)
        .and_then(|(number, scale)| number.checked_mul(scale))
        .and_then(|size| usize::try_from(size).ok());
    match size {
        Some(size) if size > 0 => Ok(size),
        _ => Err(
            "expected a positive whole number of bytes, with an optional unit: B, KB, MB, GB, KiB, MiB or GiB (e.g. 64MB)"
                .to_owned(),
        ),
    }
}

/// `--max-response-size`: a size (see [`parse_size`]) up to [`MAX_RESPONSE_SIZE_LIMIT`], since the
/// whole answer is held in memory.
fn parse_response_size(text: &str) -> Result<usize, String> {
    let size = parse_size(text)?;
    if size > MAX_RESPONSE_SIZE_LIMIT {
        return Err(format!(
            "expected at most {MAX_RESPONSE_SIZE_LIMIT} bytes (4GB): the answer is held in memory whole"
        ));
    }
    Ok(size)
}

fn parse_fail_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err("expected a number from 0 to 1, e.g. 0.25".to_owned()),
    }
}

/// What `send` says about the answer besides printing it: the contract check is always made;
/// these compare with an earlier answer and make a difference from the docs fail the command.
#[derive(Debug, Args)]
pub struct AnswerArgs {
    /// Compare the answer with an earlier one: a previous `--output json` result (its status,
    /// headers and body) or a plain JSON body. Ids, `*_at` stamps, `request_id`, rate-limit and
    /// date headers are left out unless --include-volatile.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With --baseline, also list the values that differ on every call (ids, stamps, dates).
    #[arg(long, requires = "baseline")]
    pub include_volatile: bool,
    /// Exit 3 when the answer differs from the operation's documented answers.
    #[arg(long)]
    pub strict: bool,
}

/// An HTTP status: a whole number from 100 to 599.
fn parse_status(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(status) if (100..=599).contains(&status) => Ok(status),
        _ => Err("expected an HTTP status, a whole number from 100 to 599 (e.g. 200)".to_owned()),
    }
}

/// Which operation to call, with its values, and where it goes.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The operation to call, by its operationId (see `flameup-explorer operations`)
    /// [default: createPerson, or createWorkspacePerson with --workspace].
    #[arg(value_name = "OPERATION_ID")]
    pub operation: Option<String>,
    /// A value in the operation's path, e.g. `--path id=ada@example.com`; one per parameter.
    /// Sent as one path segment, percent-encoded.
    #[arg(long = "path", value_name = "NAME=VALUE", value_parser = parse_name_value)]
    pub path: Vec<NameValue>,
    /// A value in the query string, e.g. `--query limit=5`; one per parameter. An empty value
    /// is left out.
    #[arg(long = "query", value_name = "NAME=VALUE", value_parser = parse_name_value)]
    pub query: Vec<NameValue>,
    /// The body: a JSON object in the operation's body format, or `-` for standard input. Every
    /// field is kept. Needed by an operation whose body is required, unless --preset gives one.
    #[arg(long, value_name = "FILE")]
    pub body: Option<PathBuf>,
    /// A saved preset, by name: its operation and values. The flags given override them.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// The API's base URL [default: https://api.flameup.ai/api/v1].
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The workspace: fills the path value workspaceId of a workspace-scoped operation.
    #[arg(long, value_name = "ID")]
    pub workspace: Option<String>,
    /// Take the request from a cURL command in FILE, or `-` for standard input: its operation,
    /// path and query values, body and base URL (--base-url overrides it). The docs' commands,
    /// browsers' "Copy as cURL" (bash or cmd) and hand-written ones are understood; a file it
    /// reads (-d @FILE) is read from the current folder. `send` uses the command's Bearer token
    /// only when FLAMEUP_API_TOKEN is not set; when FLAMEUP_API_TOKEN goes to a host that is
    /// neither the Flameup API nor this machine, standard error says so before sending.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["path", "query", "body", "preset", "workspace"]
    )]
    pub from_curl: Option<PathBuf>,
}

/// A `NAME=VALUE` pair of `--path` or `--query`, split at the first `=` (a value may hold more).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameValue {
    pub name: String,
    pub value: String,
}

fn parse_name_value(text: &str) -> Result<NameValue, String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok(NameValue {
            name: name.to_owned(),
            value: value.to_owned(),
        }),
        _ => Err(
            "expected NAME=VALUE, a parameter's name, `=`, then its value (e.g. id=ada@example.com)"
                .to_owned(),
        ),
    }
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
    /// One JSON object: {"status", "elapsed_ms", "headers", "body", "problem", "contract"}, and
    /// "diff" with --baseline; for a failure with no answer, {"error": {"kind", "message",
    /// "detail"}}. A body that is not UTF-8 is a string with U+FFFD replacements in "body", and
    /// its exact bytes in "body_base64".
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_is_quoted_as_typed_and_sizes_and_rate_limits_say_their_maximum() {
        let refused = parse_timeout("99999999999999999999")
            .unwrap()
            .deadline()
            .unwrap_err();
        assert_eq!(
            refused,
            "--timeout must be more than 0 and at most 86400 seconds, not 99999999999999999999"
        );
        assert_eq!(
            parse_timeout("2.5").unwrap().deadline(),
            Ok(std::time::Duration::from_millis(2500))
        );
        let refused = parse_response_size("18446744073709551615").unwrap_err();
        assert!(
            refused.contains("at most 4000000000 bytes (4GB)"),
            "{refused}"
        );
        assert_eq!(parse_response_size("4GB"), Ok(4_000_000_000));
        let refused = parse_rate_limit("99999999999999999999").unwrap_err();
        assert!(refused.contains("from 1 to 4294967295"), "{refused}");
        assert!(refused.contains("per window"), "{refused}");
    }

    #[test]
    fn sizes_take_decimal_and_binary_units() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("64MB"), Ok(64_000_000));
        assert_eq!(parse_size("64 mb"), Ok(64_000_000));
        assert_eq!(parse_size("500KB"), Ok(500_000));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("2kib"), Ok(2048));
        assert_eq!(parse_size("7b"), Ok(7));
        for wrong in [
            "",
            "0",
            "0MB",
            "-1",
            "1.5MB",
            "12 parsecs",
            "MB",
            "99999999999999999999GB",
        ] {
            assert!(parse_size(wrong).is_err(), "{wrong:?}");
        }
    }

    #[test]
    fn rate_windows_are_whole_seconds_from_one_to_an_hour() {
        assert_eq!(parse_rate_window("1"), Ok(1));
        assert_eq!(parse_rate_window("60"), Ok(60));
        assert_eq!(parse_rate_window("3600"), Ok(3600));
        for wrong in ["", "0", "3601", "-1", "1.5", "2s", "off"] {
            let refused = parse_rate_window(wrong).unwrap_err();
            assert!(refused.contains("from 1 to 3600"), "{wrong:?}: {refused}");
        }
    }

    #[test]
    fn the_sandbox_command_takes_a_rate_window() {
        let parsed = |args: &[&str]| {
            Cli::try_parse_from(["flameup-explorer", "sandbox"].iter().chain(args)).map(|cli| {
                match cli.command {
                    Some(Command::Sandbox(sandbox)) => sandbox.rate_window,
                    other => panic!("{other:?}"),
                }
            })
        };
        assert_eq!(parsed(&[]).unwrap(), DEFAULT_RATE_WINDOW_SECS);
        assert_eq!(parsed(&["--rate-window", "2"]).unwrap(), 2);
        let refused = parsed(&["--rate-window", "0"]).unwrap_err();
        assert_eq!(refused.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(refused.to_string().contains("--rate-window"), "{refused}");
    }

    #[test]
    fn statuses_are_http_statuses() {
        assert_eq!(parse_status("200"), Ok(200));
        assert_eq!(parse_status("100"), Ok(100));
        assert_eq!(parse_status("599"), Ok(599));
        for wrong in ["", "99", "600", "2OO", "-200", "200.0", "65536"] {
            assert!(parse_status(wrong).is_err(), "{wrong:?}");
        }
    }

    #[test]
    fn name_value_pairs_split_at_the_first_equals_sign() {
        let pair = |name: &str, value: &str| NameValue {
            name: name.to_owned(),
            value: value.to_owned(),
        };
        assert_eq!(parse_name_value("id=ada"), Ok(pair("id", "ada")));
        assert_eq!(
            parse_name_value("search=a=b c"),
            Ok(pair("search", "a=b c"))
        );
        assert_eq!(parse_name_value("search="), Ok(pair("search", "")));
        for wrong in ["", "id", "=ada", "="] {
            assert!(parse_name_value(wrong).is_err(), "{wrong:?}");
        }
    }
}
