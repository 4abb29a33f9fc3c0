//! What came back, prepared for display. Pure: built on the worker thread, read by the UI.

use std::time::Duration;

use super::json_text::{self, Layout};
use super::problem::Problem;

/// An HTTP answer, whatever its status.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    pub status: u16,
    /// The standard reason phrase for `status`, or "Unknown status".
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// From handing the request to the HTTP client until the whole body was read.
    pub elapsed: Duration,
    /// The body as it is shown: pretty-printed when it is JSON, else as text.
    pub view: BodyView,
    /// What went wrong, for a non-2xx answer.
    pub problem: Option<Problem>,
    /// Only the raw lines are ready: the body was too large to lay out before showing it, and
    /// the rest (see [`Prepared`]) is being made off the UI thread.
    pub pending: bool,
}

/// Bodies larger than this reach the window with their raw lines only; the pretty view and the
/// problem follow from a background thread, so the first screen shows at once.
pub const PREPARE_LATER: usize = 1024 * 1024;

/// The slow parts of an answer: made on the request's thread for a small body, on a background
/// thread after the first screen for a large one.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub view: BodyView,
    pub problem: Option<Problem>,
}

impl Prepared {
    pub fn of(status: u16, headers: &[(String, String)], body: &[u8]) -> Self {
        Self {
            view: BodyView::from_bytes(body),
            problem: Problem::from_answer(status, headers, body),
        }
    }
}

/// Text split into lines once, so a view can draw only the lines on screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lines {
    text: String,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: String) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .filter(|start| *start < text.len() || *start == 0)
            .collect();
        Self { text, starts }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Line `index`, without its line break.
    pub fn line(&self, index: usize) -> &str {
        let Some(&start) = self.starts.get(index) else {
            return "";
        };
        let end = self
            .starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// The body prepared for display, computed once off the UI thread.
#[derive(Clone, Debug, Default)]
pub struct BodyView {
    /// Pretty-printed, when the body is JSON.
    pub pretty: Option<Lines>,
    /// The body as text (invalid UTF-8 shown as U+FFFD).
    pub raw: Lines,
    /// The parsed body, for the tree and the person card; kept only for bodies up to
    /// [`KEEP_PARSED`], since a parsed 50 MB body takes many times its size in memory.
    pub json: Option<std::sync::Arc<serde_json::Value>>,
    /// The body is JSON nested deeper than the 128 levels a parser reads: shown as text, and
    /// the view says why rather than calling it "not JSON".
    pub nested_too_deep: bool,
}

/// Whether `bytes` fail to read as JSON because they nest deeper than serde_json's limit.
fn nested_too_deep(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .is_err_and(|err| err.to_string().starts_with("recursion limit exceeded"))
}

/// The largest body whose parsed form is kept (larger ones are parsed again when the tree is asked
/// for, on a background thread).
pub const KEEP_PARSED: usize = 8 * 1024 * 1024;

impl BodyView {
    /// The body as text lines only: what a large answer shows first.
    pub fn raw_only(bytes: &[u8]) -> Self {
        Self {
            pretty: None,
            raw: Lines::new(String::from_utf8_lossy(bytes).into_owned()),
            json: None,
            nested_too_deep: false,
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> Self {
        let raw = Lines::new(String::from_utf8_lossy(bytes).into_owned());
        if bytes.len() > KEEP_PARSED {
            // The parsed value would be dropped: lay the text out from the bytes instead, which
            // costs the pretty text and not several times the body.
            let pretty = (json_text::is_json(bytes) && json_text::pretty_fits(bytes).is_ok())
                .then(|| Lines::new(json_text::to_string(bytes, Layout::Pretty)));
            return Self {
                nested_too_deep: pretty.is_none() && nested_too_deep(bytes),
                pretty,
                raw,
                json: None,
            };
        }
        match serde_json::from_slice::<serde_json::Value>(bytes) {
            // Deep nesting would make the indentation many times the body: the raw text is
            // shown instead (see `json_text::pretty_fits`).
            Ok(value) => Self {
                pretty: json_text::pretty_fits(bytes)
                    .is_ok()
                    .then(|| Lines::new(serde_json::to_string_pretty(&value).unwrap_or_default())),
                raw,
                json: (bytes.len() <= KEEP_PARSED).then(|| std::sync::Arc::new(value)),
                nested_too_deep: false,
            },
            Err(err) => Self {
                pretty: None,
                raw,
                json: None,
                nested_too_deep: err.to_string().starts_with("recursion limit exceeded"),
            },
        }
    }

    /// The text shown by default: pretty when JSON, else raw.
    pub fn text(&self) -> &str {
        self.pretty.as_ref().unwrap_or(&self.raw).text()
    }
}

/// How a status reads at a glance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusClass {
    Informational,
    Success,
    Redirect,
    ClientError,
    ServerError,
}

impl HttpResponse {
    /// An answer from its parts: the body is read for display and for a problem here, so call
    /// this off the UI thread for a large body.
    pub fn from_parts(
        status: u16,
        reason: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        elapsed: Duration,
    ) -> Self {
        let Prepared { view, problem } = Prepared::of(status, &headers, &body);
        Self {
            status,
            reason,
            headers,
            body,
            elapsed,
            view,
            problem,
            pending: false,
        }
    }

    /// Puts in the parts prepared after the first screen.
    pub fn complete(&mut self, prepared: Prepared) {
        self.view = prepared.view;
        self.problem = prepared.problem;
        self.pending = false;
    }

    pub fn status_class(&self) -> StatusClass {
        match self.status {
            200..=299 => StatusClass::Success,
            300..=399 => StatusClass::Redirect,
            400..=499 => StatusClass::ClientError,
            500.. => StatusClass::ServerError,
            _ => StatusClass::Informational,
        }
    }

    pub fn is_success(&self) -> bool {
        self.status_class() == StatusClass::Success
    }

    /// The first header of that name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// The `X-RateLimit-*` headers of an answer: how many requests are left in the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u64,
    pub remaining: u64,
    /// Unix seconds when the window resets.
    pub reset: Option<u64>,
}

impl RateLimit {
    /// The share of the limit still left, from 0 to 1.
    pub fn fraction_left(&self) -> f32 {
        if self.limit == 0 {
            0.0
        } else {
            (self.remaining as f32 / self.limit as f32).min(1.0)
        }
    }

    /// Seconds from `now` (Unix seconds) until the window resets, if the answer said when.
    pub fn seconds_to_reset(&self, now: u64) -> Option<u64> {
        self.reset.map(|reset| reset.saturating_sub(now))
    }
}

impl HttpResponse {
    /// Where a redirect points (its `Location`), for a 3xx answer that has one. The explorer
    /// never follows it: the redirect itself is the answer.
    pub fn redirect_location(&self) -> Option<&str> {
        (self.status_class() == StatusClass::Redirect)
            .then(|| self.header("location"))
            .flatten()
    }

    /// The rate limit the answer reports, when it carries at least the limit and what remains.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        let number = |name: &str| {
            self.header(name)
                .and_then(|value| value.trim().parse::<u64>().ok())
        };
        Some(RateLimit {
            limit: number("x-ratelimit-limit")?,
            remaining: number("x-ratelimit-remaining")?,
            reset: number("x-ratelimit-reset"),
        })
    }

    /// The person this answer holds, for a successful answer that looks like one.
    pub fn person(&self) -> Option<PersonCard> {
        if self.problem.is_some() {
            return None;
        }
        PersonCard::read(self.view.json.as_deref()?)
    }
}

/// A person in an answer, as the card shows it: each documented field with its value, "—" when
/// the answer leaves it out. Reads both the reference shape (`external_id`) and the create
/// page's (`userId`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonCard {
    pub cells: Vec<(&'static str, String)>,
}

impl PersonCard {
    /// The card for `json`, if it is a person: it has an `id` and an external id.
    pub fn read(json: &serde_json::Value) -> Option<Self> {
        use serde_json::Value;
        let external_key = ["external_id", "userId"]
            .into_iter()
            .find(|key| json.get(key).is_some())?;
        json.get("id")?;
        let text = |key: &str| match json.get(key) {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Null) | None => MISSING.to_owned(),
            Some(other) => other.to_string(),
        };
        let name = [text("first_name"), text("last_name")]
            .into_iter()
            .filter(|part| part != MISSING)
            .collect::<Vec<_>>()
            .join(" ");
        let name = if name.is_empty() {
            MISSING.to_owned()
        } else {
            name
        };
        Some(Self {
            cells: vec![
                ("id", text("id")),
                ("external_id", text(external_key)),
                ("email", text("email")),
                ("phone", text("phone")),
                ("name", name),
                ("status", text("status")),
                ("created_at", text("created_at")),
                ("updated_at", text("updated_at")),
            ],
        })
    }
}

/// What a card shows for a field the answer left out.
const MISSING: &str = "—";

/// A byte count as people read it: "512 B", "1.5 KB", "50.0 MB".
pub fn human_size(bytes: usize) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1000.0;
    let mut unit = 0;
    while size >= 1000.0 && unit + 1 < UNITS.len() {
        size /= 1000.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_nested_deeper_than_128_levels_says_so() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let view = BodyView::from_bytes(deep.as_bytes());
        assert!(view.pretty.is_none());
        assert!(view.nested_too_deep);
        assert!(!BodyView::from_bytes(b"{broken").nested_too_deep);
    }

    #[test]
    fn json_bodies_are_pretty_printed_in_their_own_order() {
        let view = BodyView::from_bytes(br#"{"z":1,"a":[true,null]}"#);
        assert!(view.json.is_some());
        assert_eq!(
            view.text(),
            "{\n  \"z\": 1,\n  \"a\": [\n    true,\n    null\n  ]\n}"
        );
        let pretty = view.pretty.unwrap();
        assert_eq!(pretty.len(), 7);
        assert_eq!(pretty.line(1), "  \"z\": 1,");
        assert_eq!(pretty.line(6), "}");
        assert_eq!(pretty.line(7), "", "past the end");
    }

    #[test]
    fn a_deeply_nested_body_is_shown_raw_not_indented_many_times_its_size() {
        // 120 levels (within what serde_json parses), 20,000 items at the bottom: 40 KB whose
        // indentation alone would be 4.8 MB.
        let body = format!(
            "{}{}{}",
            "[".repeat(120),
            vec!["1"; 20_000].join(","),
            "]".repeat(120)
        );
        let view = BodyView::from_bytes(body.as_bytes());
        assert!(view.pretty.is_none());
        assert!(view.json.is_some(), "the tree still has the parsed value");
        assert_eq!(view.text(), body);
    }

    #[test]
    fn a_large_json_body_is_laid_out_as_a_small_one_without_keeping_a_value() {
        let item = r#"{"id":"p1","n":[1.5,-0,1E5],"s":"\u00e9","e":{}}"#;
        let count = KEEP_PARSED / item.len() + 1;
        let body = format!("[{}]", vec![item; count].join(","));
        let view = BodyView::from_bytes(body.as_bytes());
        assert!(view.json.is_none());
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(view.text(), serde_json::to_string_pretty(&value).unwrap());
        assert_eq!(view.raw.text(), body);
    }

    #[test]
    fn other_bodies_are_shown_as_text_even_when_not_utf8() {
        let view = BodyView::from_bytes(b"<html>Bad Gateway</html>\xff");
        assert!(view.json.is_none());
        assert_eq!(view.text(), "<html>Bad Gateway</html>\u{fffd}");
        assert_eq!(BodyView::from_bytes(b"").text(), "");
        assert_eq!(BodyView::from_bytes(b"").raw.len(), 1);
    }

    #[test]
    fn lines_split_on_line_breaks() {
        let lines = Lines::new("a\r\nb\n\nc\n".to_owned());
        let all: Vec<&str> = (0..lines.len()).map(|i| lines.line(i)).collect();
        assert_eq!(all, ["a", "b", "", "c"]);
    }

    fn response(headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse {
            status: 201,
            reason: "Created".into(),
            headers: headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
            elapsed: Duration::ZERO,
            view: BodyView::from_bytes(body.as_bytes()),
            problem: None,
            pending: false,
        }
    }

    #[test]
    fn the_rate_limit_is_read_from_its_headers() {
        let answer = response(
            &[
                ("X-RateLimit-Limit", "120"),
                ("x-ratelimit-remaining", " 30 "),
                ("X-RateLimit-Reset", "1000"),
            ],
            "",
        );
        let rate = answer.rate_limit().unwrap();
        assert_eq!(
            rate,
            RateLimit {
                limit: 120,
                remaining: 30,
                reset: Some(1000)
            }
        );
        assert_eq!(rate.fraction_left(), 0.25);
        assert_eq!(rate.seconds_to_reset(990), Some(10));
        assert_eq!(rate.seconds_to_reset(2000), Some(0));
        assert_eq!(
            response(&[("X-RateLimit-Limit", "120")], "").rate_limit(),
            None
        );
        assert_eq!(
            response(
                &[("X-RateLimit-Limit", "x"), ("X-RateLimit-Remaining", "1")],
                ""
            )
            .rate_limit(),
            None
        );
    }

    #[test]
    fn a_person_card_reads_either_documented_shape() {
        let card = response(
            &[],
            r#"{"id":"p1","external_id":"u1","first_name":"Ada","phone":null}"#,
        )
        .person()
        .unwrap();
        let cell = |key: &str| {
            card.cells
                .iter()
                .find(|(k, _)| *k == key)
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(cell("external_id"), "u1");
        assert_eq!(cell("name"), "Ada");
        assert_eq!(cell("phone"), MISSING);
        let card = response(&[], r#"{"id":7,"userId":"u2"}"#).person().unwrap();
        assert_eq!(card.cells[0], ("id", "7".to_owned()));
        assert_eq!(card.cells[1], ("external_id", "u2".to_owned()));
        assert!(response(&[], r#"{"id":"p1"}"#).person().is_none());
        assert!(response(&[], r#"[1]"#).person().is_none());
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1500), "1.5 KB");
        assert_eq!(human_size(50_000_000), "50.0 MB");
    }
}
