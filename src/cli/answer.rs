//! What the command line says about an answer besides the answer itself: how it differs from the
//! operation's documented answers (the contract check), and from an earlier answer (the diff with
//! `--baseline`), as JSON for scripts and as lines for people.

use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::contract::{AnswerCheck, AnswerFindingKind, LISTED_FINDINGS, Operation};
use crate::model::HttpResponse;
use crate::model::diff::{AnswerParts, DiffEntry, DiffOptions, diff_answers};

/// The largest saved answer or baseline read: twice the largest answer `send` reads by default,
/// room for one printed with indentation.
pub(super) const SAVED_ANSWER_LIMIT: u64 = 2 * crate::transport::DEFAULT_MAX_RESPONSE_SIZE as u64;

/// How long a value in a printed diff line may be before it is cut with "…", in characters.
const SHOWN_DIFF_VALUE: usize = 80;

/// The keys of a `send --output json` result. A baseline that is an object with `body` and no
/// other keys than these is such a result; any other JSON is a plain body.
const RESULT_KEYS: [&str; 8] = [
    "status",
    "elapsed_ms",
    "headers",
    "body",
    "body_base64",
    "problem",
    "contract",
    "diff",
];

/// What is said about an answer: always the contract check; the diff with `--baseline`.
pub(super) struct Verdicts {
    pub contract: AnswerCheck,
    pub diff: Option<Vec<DiffEntry>>,
    /// The diff lists volatile values too.
    pub include_volatile: bool,
}

impl Verdicts {
    /// What is said about `response`, an answer of `operation`: checked against the contract
    /// with its headers, and compared with `baseline` when there is one. The check reads the
    /// body as it arrived (a large answer is never parsed whole, and a key repeated in it is
    /// seen); only the diff parses it.
    pub fn of(
        operation: &Operation,
        response: &HttpResponse,
        baseline: Option<&Baseline>,
        include_volatile: bool,
    ) -> Self {
        let contract = operation.check_response(response.status, &response.headers, &response.body);
        let Some(baseline) = baseline else {
            return Self {
                contract,
                diff: None,
                include_volatile,
            };
        };
        let body = serde_json::from_slice::<Value>(&response.body).unwrap_or_else(|_| {
            Value::String(String::from_utf8_lossy(&response.body).into_owned())
        });
        let diff = baseline.diff(response, &body, &DiffOptions { include_volatile });
        Self {
            contract,
            diff: Some(diff),
            include_volatile,
        }
    }

    /// The lines people read after the answer: the contract check, then the diff.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = contract_lines(&self.contract);
        if let Some(entries) = &self.diff {
            lines.extend(diff_lines(entries, self.include_volatile));
        }
        lines
    }

    /// The fields `--output json` adds to the answer: `contract`, then `diff` with a baseline.
    pub fn json_fields(&self) -> Vec<(&'static str, Value)> {
        let mut fields = vec![("contract", contract_json(&self.contract))];
        if let Some(entries) = &self.diff {
            fields.push(("diff", diff_json(entries)));
        }
        fields
    }
}

/// An earlier answer to compare with: a previous result's parts, or a plain body alone.
pub(super) struct Baseline {
    status: Option<u16>,
    headers: Option<Vec<(String, String)>>,
    body: Value,
}

impl Baseline {
    /// Reads the baseline in `path` (or standard input for `-`): any JSON.
    pub fn read(path: &Path) -> Result<Self, String> {
        let (name, bytes) = read_saved(path)?;
        let value = serde_json::from_slice::<Value>(&bytes).map_err(|err| {
            format!(
                "{name} is not a JSON baseline (a previous --output json result or a JSON body): {err}"
            )
        })?;
        Ok(Self::from_value(value))
    }

    fn from_value(value: Value) -> Self {
        match value {
            Value::Object(mut result) if is_result(&result) => Self {
                status: result
                    .get("status")
                    .and_then(Value::as_u64)
                    .and_then(|status| u16::try_from(status).ok()),
                headers: result
                    .get("headers")
                    .and_then(Value::as_object)
                    .map(headers_of),
                body: result.remove("body").unwrap_or(Value::Null),
            },
            body => Self {
                status: None,
                headers: None,
                body,
            },
        }
    }

    /// How `response`, whose body is `body` (its JSON, or else its text as a string, as
    /// `--output json` writes it), differs from this baseline: the status and headers when the
    /// baseline has them, and the body.
    fn diff(&self, response: &HttpResponse, body: &Value, options: &DiffOptions) -> Vec<DiffEntry> {
        let before = AnswerParts {
            status: self.status,
            headers: self.headers.as_deref(),
            body: &self.body,
        };
        let after = AnswerParts {
            status: Some(response.status),
            headers: Some(&response.headers),
            body,
        };
        diff_answers(&before, &after, options)
    }
}

fn is_result(object: &Map<String, Value>) -> bool {
    object.contains_key("body") && object.keys().all(|key| RESULT_KEYS.contains(&key.as_str()))
}

/// A result's `headers` object as pairs; a value that is not a string is kept as its JSON.
fn headers_of(headers: &Map<String, Value>) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            (name.clone(), value)
        })
        .collect()
}

/// The bytes of a saved answer in `path`, or standard input for `-`, at most
/// [`SAVED_ANSWER_LIMIT`]; with the name to use in messages.
pub(super) fn read_saved(path: &Path) -> Result<(String, Vec<u8>), String> {
    let mut bytes = Vec::new();
    let name = if path == Path::new("-") {
        let name = "standard input".to_owned();
        read_bounded(std::io::stdin().lock(), &name, &mut bytes)?;
        name
    } else {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => format!("{name} does not exist"),
            std::io::ErrorKind::PermissionDenied => {
                format!("{name} cannot be read: permission denied")
            }
            _ => format!("cannot read {name}: {err}"),
        })?;
        if file.metadata().is_ok_and(|metadata| metadata.is_dir()) {
            return Err(format!("{name} is a folder, not a file"));
        }
        read_bounded(file, &name, &mut bytes)?;
        name
    };
    Ok((name, bytes))
}

fn read_bounded(reader: impl Read, name: &str, bytes: &mut Vec<u8>) -> Result<(), String> {
    reader
        .take(SAVED_ANSWER_LIMIT + 1)
        .read_to_end(bytes)
        .map_err(|err| format!("cannot read {name}: {err}"))?;
    if bytes.len() as u64 > SAVED_ANSWER_LIMIT {
        let limit = usize::try_from(SAVED_ANSWER_LIMIT).unwrap_or(usize::MAX);
        return Err(format!(
            "{name} is larger than {}, the most a saved answer may hold",
            crate::model::response::human_size(limit)
        ));
    }
    Ok(())
}

/// The contract check as `--output json` writes it:
/// `{"ok", "documented_as", "findings": [{"path", "kind", "expected", "actual", "note"}]}`.
fn contract_json(check: &AnswerCheck) -> Value {
    let findings: Vec<Value> = check
        .findings
        .iter()
        .map(|finding| {
            json!({
                "path": finding.path,
                "kind": finding.kind.as_str(),
                "expected": finding.expected,
                "actual": finding.actual,
                "note": finding.note,
            })
        })
        .collect();
    let mut contract = json!({
        "ok": check.is_ok(),
        "documented_as": check.documented_as,
        "findings": findings,
    });
    if check.unlisted > 0 {
        contract["unlisted"] = json!(check.unlisted);
    }
    contract
}

/// The diff as `--output json` writes it: `[{"path", "op", "before", "after"}]`, with `null`
/// for the side an added or removed path lacks.
fn diff_json(entries: &[DiffEntry]) -> Value {
    entries
        .iter()
        .map(|entry| {
            json!({
                "path": entry.path,
                "op": entry.op.as_str(),
                "before": entry.before,
                "after": entry.after,
            })
        })
        .collect()
}

/// The contract check for people: the verdict, each finding on its own line, then each docs
/// note they carry, once.
pub(super) fn contract_lines(check: &AnswerCheck) -> Vec<String> {
    let shape = check
        .shape()
        .map(|shape| format!(" ({shape})"))
        .unwrap_or_default();
    let mut lines = vec![format!("Contract: {}{shape}", check.verdict())];
    for finding in &check.findings {
        let place = match (finding.kind, finding.path.as_str()) {
            (AnswerFindingKind::UndocumentedStatus, _) => "the status",
            (_, "") => "the body",
            (_, path) => path,
        };
        lines.push(format!(
            "  {} at {place}: docs say {}; got {}",
            finding.kind.as_str(),
            finding.expected,
            finding.actual
        ));
    }
    if check.unlisted > 0 {
        lines.push(unlisted_line(check.unlisted));
    }
    let mut notes: Vec<&str> = Vec::new();
    for note in check
        .findings
        .iter()
        .filter_map(|finding| finding.note.as_deref())
    {
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    lines.extend(notes.into_iter().map(|note| format!("  Docs note: {note}")));
    lines
}

/// What is said of the differences past the listed ones.
fn unlisted_line(unlisted: usize) -> String {
    format!("  ... and {unlisted} more, not listed (only the first {LISTED_FINDINGS} are)")
}

/// The diff for people: a count, then each entry on its own line.
fn diff_lines(entries: &[DiffEntry], include_volatile: bool) -> Vec<String> {
    let count = match entries.len() {
        0 => "no differences".to_owned(),
        1 => "1 difference".to_owned(),
        count => format!("{count} differences"),
    };
    let hint = if include_volatile {
        ""
    } else {
        " (ids, stamps, rate-limit and date headers left out: --include-volatile lists them)"
    };
    let mut lines = vec![format!("Diff: {count} from the baseline{hint}")];
    for entry in entries {
        let shown = |value: &Option<Value>| value.as_ref().map(shown_value).unwrap_or_default();
        let line = match (&entry.before, &entry.after) {
            (Some(_), Some(_)) => format!(
                "  {} {}: {} → {}",
                entry.op.as_str(),
                entry.path,
                shown(&entry.before),
                shown(&entry.after)
            ),
            (Some(_), None) => format!(
                "  {} {}: {}",
                entry.op.as_str(),
                entry.path,
                shown(&entry.before)
            ),
            _ => format!(
                "  {} {}: {}",
                entry.op.as_str(),
                entry.path,
                shown(&entry.after)
            ),
        };
        lines.push(line);
    }
    lines
}

/// A value as compact JSON, cut at [`SHOWN_DIFF_VALUE`] characters.
fn shown_value(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(SHOWN_DIFF_VALUE) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::diff::DiffOp;

    #[test]
    fn a_previous_result_gives_its_status_headers_and_body() {
        let baseline = Baseline::from_value(json!({
            "status": 201, "elapsed_ms": 3, "headers": {"x-plan": "free", "x-count": 2},
            "body": {"a": 1}, "problem": null, "contract": {"ok": true}
        }));
        assert_eq!(baseline.status, Some(201));
        assert_eq!(
            baseline.headers,
            Some(vec![
                ("x-plan".to_owned(), "free".to_owned()),
                ("x-count".to_owned(), "2".to_owned())
            ])
        );
        assert_eq!(baseline.body, json!({"a": 1}));
    }

    #[test]
    fn any_other_json_is_a_plain_body() {
        for body in [
            json!({"id": "p1", "body": "a field called body"}),
            json!({"status": "active"}),
            json!([1, 2]),
            json!("text"),
        ] {
            let baseline = Baseline::from_value(body.clone());
            assert_eq!(baseline.body, body);
            assert_eq!(baseline.status, None);
            assert_eq!(baseline.headers, None);
        }
    }

    #[test]
    fn diff_lines_show_both_sides_of_a_change() {
        let entries = [
            DiffEntry {
                path: "/email".into(),
                op: DiffOp::Changed,
                before: Some(json!("a")),
                after: Some(json!("b")),
            },
            DiffEntry {
                path: "/plan".into(),
                op: DiffOp::Removed,
                before: Some(json!("x".repeat(100))),
                after: None,
            },
        ];
        let lines = diff_lines(&entries, true);
        assert_eq!(lines[0], "Diff: 2 differences from the baseline");
        assert_eq!(lines[1], "  changed /email: \"a\" → \"b\"");
        assert!(
            lines[2].starts_with("  removed /plan: \"xxx"),
            "{}",
            lines[2]
        );
        assert!(lines[2].ends_with('…'), "{}", lines[2]);
    }
}
