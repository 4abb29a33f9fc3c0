//! When the next request may go: from what the answers say (`X-RateLimit-Limit`, `-Remaining`,
//! `-Reset` on every answer; a 429 with or without `Retry-After`), never from a fixed delay.
//!
//! The rule: nothing is sent while none remain, requests still in flight count as spent, and a
//! window that has ended (by the server's `Reset`) is full again. Before the first answer, and
//! after a 429, one request goes alone to learn where things stand. Pure: time is passed in.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Sent a little after the window's end, so a request never arrives a hair early because the
/// reset is given in whole seconds.
pub const RESET_MARGIN: Duration = Duration::from_millis(25);

/// How long to hold off after a 429 that says neither when to retry nor when the window resets;
/// doubled for each such 429 in a row, up to [`MAX_BLIND_WAIT`].
const BLIND_WAIT: Duration = Duration::from_secs(1);
const MAX_BLIND_WAIT: Duration = Duration::from_secs(60);

/// The longest wait a server's header can ask for (a `Retry-After`, a `Reset`): an hour, the
/// longest window the sandbox offers; a larger (or absurd) value is taken as this.
pub const MAX_WAIT: Duration = Duration::from_secs(3600);

/// 429s in a row (each waited out as asked, each wait at least twice the one before) after which
/// the server is not keeping its word and the import stops.
pub const MAX_RATE_LIMITED_IN_A_ROW: u32 = 10;

/// A `Reset` below this is a number of seconds from now, not a Unix time: some servers send
/// that, and no window ends before 2001.
const SMALLEST_UNIX_RESET: u64 = 1_000_000_000;

/// A clock difference with the server beyond this is corrected from the answer's `Date`.
const SKEW_TOLERANCE: f64 = 2.0;

/// What one answer says about the limit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quota {
    /// Requests allowed in a window, when said.
    pub limit: Option<u64>,
    /// Requests left in the current window.
    pub remaining: u64,
    /// The window's end as the server wrote it (to tell windows apart; 0 for a number of seconds
    /// from now), and how long from the answer's arrival until then.
    pub reset: Option<(u64, Duration)>,
}

impl Quota {
    /// The quota in an answer's headers, if it has `X-RateLimit-Remaining`. `now` is the local
    /// Unix time when the answer arrived.
    pub fn from_headers(headers: &[(String, String)], now: SystemTime) -> Option<Self> {
        let number = |name: &str| header(headers, name)?.trim().parse::<u64>().ok();
        let remaining = number("x-ratelimit-remaining")?;
        let reset = number("x-ratelimit-reset").map(|reset| {
            let from_now = if reset < SMALLEST_UNIX_RESET {
                reset as f64
            } else {
                reset as f64 - server_now(headers, now)
            };
            // A delta falls as its window goes by, so it cannot tell windows apart: every delta
            // is the current window's (a new one starts once that one has ended).
            let key = if reset < SMALLEST_UNIX_RESET {
                0
            } else {
                reset
            };
            (
                key,
                Duration::try_from_secs_f64(from_now)
                    .unwrap_or(Duration::ZERO)
                    .min(MAX_WAIT),
            )
        });
        Some(Self {
            limit: number("x-ratelimit-limit"),
            remaining,
            reset,
        })
    }
}

/// How long a 429 asks to wait (`Retry-After`, in seconds or as an HTTP date), if it says.
pub fn retry_after(headers: &[(String, String)], now: SystemTime) -> Option<Duration> {
    let value = header(headers, "retry-after")?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds).min(MAX_WAIT));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_WAIT),
    )
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// The server's time now, in Unix seconds: the local clock, unless the answer's `Date` shows the
/// two clocks plainly disagree (then the `Date`, which is only whole seconds).
fn server_now(headers: &[(String, String)], now: SystemTime) -> f64 {
    let local = unix_seconds(now);
    let date = header(headers, "date")
        .and_then(|date| httpdate::parse_http_date(date.trim()).ok())
        .map(unix_seconds);
    match date {
        Some(server) if (server - local).abs() > SKEW_TOLERANCE => server,
        _ => local,
    }
}

fn unix_seconds(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64())
}

/// Whether a request may go now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permit {
    Go,
    /// Not before this moment (the window's end, or what a 429 asked).
    Wait(Instant),
    /// Not until an answer comes back (every allowed request is in flight).
    Full,
}

/// The current window as the answers describe it.
#[derive(Clone, Copy, Debug)]
struct Window {
    remaining: u64,
    /// When it ends, and the server's own value for that (to tell windows apart).
    reset: Option<(u64, Instant)>,
}

/// Decides when requests may go.
#[derive(Clone, Debug, Default)]
pub struct Pacer {
    /// What the latest answers say; `None` while no limit is known (or the server has none).
    window: Option<Window>,
    limit: Option<u64>,
    /// An answer has said where things stand; until then (and after a 429) one request at a time.
    heard: bool,
    /// No request before this (a 429's wait).
    blocked_until: Option<Instant>,
    /// 429s in a row that gave no time to wait.
    blind_strikes: u32,
    /// 429s since the last other answer.
    rate_limited_in_a_row: u32,
}

impl Pacer {
    /// Whether a request may go now, with `in_flight` requests unanswered and at most
    /// `concurrency` allowed at once.
    pub fn permit(&mut self, in_flight: usize, concurrency: usize, now: Instant) -> Permit {
        if let Some(until) = self.blocked_until {
            if now < until {
                return Permit::Wait(until);
            }
            self.blocked_until = None;
        }
        if in_flight >= concurrency {
            return Permit::Full;
        }
        self.roll_over(now);
        if !self.heard {
            return if in_flight == 0 {
                Permit::Go
            } else {
                Permit::Full
            };
        }
        let Some(window) = self.window else {
            return Permit::Go;
        };
        if window.remaining > in_flight as u64 {
            return Permit::Go;
        }
        match window.reset {
            Some((_, at)) => Permit::Wait(at),
            None if in_flight > 0 => Permit::Full,
            None => {
                // None remain and the server did not say when more will: look again later.
                let until = now + self.blind_wait();
                self.blocked_until = Some(until);
                self.heard = false;
                Permit::Wait(until)
            }
        }
    }

    /// Takes in what an answer that arrived at `now` says (`None`: it said nothing of a limit).
    pub fn observe(&mut self, quota: Option<Quota>, now: Instant) {
        self.heard = true;
        self.blind_strikes = 0;
        self.rate_limited_in_a_row = 0;
        self.take_quota(quota, now);
    }

    fn take_quota(&mut self, quota: Option<Quota>, now: Instant) {
        let Some(quota) = quota else {
            return;
        };
        self.limit = quota.limit.or(self.limit);
        let reset = quota
            .reset
            .map(|(key, from_now)| (key, now + from_now + RESET_MARGIN));
        let current = self.window.and_then(|window| window.reset);
        match (reset, current) {
            // The answer's window is over already: only its limit is news.
            (Some((_, at)), _) if at <= now + RESET_MARGIN => {}
            // An answer from an older window, overtaken by a newer one.
            (Some((key, _)), Some((current_key, _))) if key < current_key => {}
            (Some((key, _)), Some((current_key, _))) if key == current_key => {
                if let Some(window) = &mut self.window {
                    window.remaining = window.remaining.min(quota.remaining);
                }
            }
            _ => {
                self.window = Some(Window {
                    remaining: quota.remaining,
                    reset,
                });
            }
        }
    }

    /// Takes in a 429 that arrived at `now`: nothing more goes until `retry_after` if the server
    /// said, else until the window's end, else for a while; then one request alone.
    pub fn rate_limited(
        &mut self,
        quota: Option<Quota>,
        retry_after: Option<Duration>,
        now: Instant,
    ) {
        self.take_quota(quota, now);
        if let Some(window) = &mut self.window {
            window.remaining = 0;
        }
        let reset = self
            .window
            .and_then(|window| window.reset)
            .map(|(_, at)| at);
        let until = match (retry_after, reset) {
            (Some(wait), _) => now + wait,
            (None, Some(at)) if at > now => at,
            _ => now + self.blind_wait(),
        };
        // A server that keeps asking for no wait (`Retry-After: 0`) still gets a growing one.
        self.rate_limited_in_a_row += 1;
        let least = match self.rate_limited_in_a_row {
            0 | 1 => Duration::ZERO,
            again => BLIND_WAIT.saturating_mul(1 << (again - 2).min(6)),
        };
        let until = until.max(now + least.min(MAX_BLIND_WAIT));
        self.blocked_until = Some(
            self.blocked_until
                .map_or(until, |earlier| earlier.max(until)),
        );
        self.heard = false;
    }

    /// 429s since the last other answer: at [`MAX_RATE_LIMITED_IN_A_ROW`] the import stops.
    pub fn rate_limited_in_a_row(&self) -> u32 {
        self.rate_limited_in_a_row
    }

    /// The limit and what remains of it, as last heard.
    pub fn state(&self) -> Option<(Option<u64>, u64)> {
        self.window.map(|window| (self.limit, window.remaining))
    }

    /// A window whose end has passed is full again (its limit, when known); with no limit known,
    /// one request goes alone to find out.
    fn roll_over(&mut self, now: Instant) {
        let ended = self
            .window
            .and_then(|window| window.reset)
            .is_some_and(|(_, at)| at <= now);
        if ended {
            match self.limit {
                Some(limit) => {
                    self.window = Some(Window {
                        remaining: limit,
                        reset: None,
                    });
                }
                None => {
                    self.window = None;
                    self.heard = false;
                }
            }
        }
    }

    fn blind_wait(&mut self) -> Duration {
        let wait = BLIND_WAIT
            .saturating_mul(1 << self.blind_strikes.min(6))
            .min(MAX_BLIND_WAIT);
        self.blind_strikes += 1;
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quota(limit: u64, remaining: u64, reset_key: u64, reset_in_ms: u64) -> Option<Quota> {
        Some(Quota {
            limit: Some(limit),
            remaining,
            reset: Some((reset_key, Duration::from_millis(reset_in_ms))),
        })
    }

    #[test]
    fn one_request_goes_alone_until_an_answer_says_more() {
        let now = Instant::now();
        let mut pacer = Pacer::default();
        assert_eq!(pacer.permit(0, 4, now), Permit::Go);
        assert_eq!(pacer.permit(1, 4, now), Permit::Full);
        pacer.observe(None, now);
        assert_eq!(
            pacer.permit(3, 4, now),
            Permit::Go,
            "no limit: concurrency only"
        );
        assert_eq!(pacer.permit(4, 4, now), Permit::Full);
    }

    #[test]
    fn nothing_goes_while_none_remain_and_the_window_refills_at_its_reset() {
        let now = Instant::now();
        let mut pacer = Pacer::default();
        pacer.observe(quota(3, 2, 100, 1000), now);
        assert_eq!(pacer.permit(0, 8, now), Permit::Go);
        assert_eq!(pacer.permit(1, 8, now), Permit::Go);
        let reset = now + Duration::from_millis(1000) + RESET_MARGIN;
        assert_eq!(
            pacer.permit(2, 8, now),
            Permit::Wait(reset),
            "in flight counts as spent"
        );
        pacer.observe(quota(3, 0, 100, 900), now + Duration::from_millis(100));
        assert_eq!(pacer.permit(0, 8, now), Permit::Wait(reset));
        // A late answer from the same window cannot raise what remains.
        pacer.observe(quota(3, 1, 100, 900), now + Duration::from_millis(100));
        assert_eq!(pacer.permit(0, 8, now), Permit::Wait(reset));
        // At the reset the window is full again: the whole limit may go at once.
        for in_flight in 0..3 {
            assert_eq!(pacer.permit(in_flight, 8, reset), Permit::Go);
        }
        assert_eq!(pacer.permit(3, 8, reset), Permit::Full);
    }

    #[test]
    fn an_answer_from_an_ended_window_does_not_block_the_next() {
        let now = Instant::now();
        let mut pacer = Pacer::default();
        pacer.observe(quota(3, 3, 200, 1000), now);
        pacer.observe(quota(3, 0, 100, 0), now);
        assert_eq!(pacer.permit(0, 8, now), Permit::Go);
    }

    #[test]
    fn a_429_waits_for_retry_after_then_sends_one_request_alone() {
        let now = Instant::now();
        let mut pacer = Pacer::default();
        pacer.observe(quota(3, 3, 100, 5000), now);
        pacer.rate_limited(None, Some(Duration::from_secs(2)), now);
        let until = now + Duration::from_secs(2);
        assert_eq!(pacer.permit(0, 8, now), Permit::Wait(until));
        let later = until + Duration::from_millis(1);
        // The server's word is trusted over the window it described before.
        assert_eq!(pacer.permit(0, 8, later), Permit::Go);
        assert_eq!(
            pacer.permit(1, 8, later),
            Permit::Full,
            "one alone after a 429"
        );
        // Without a Retry-After, the window's end is waited for.
        pacer.rate_limited(quota(3, 0, 101, 3000), None, later);
        let reset = later + Duration::from_millis(3000) + RESET_MARGIN;
        assert_eq!(pacer.permit(0, 8, later), Permit::Wait(reset));
        assert_eq!(pacer.permit(0, 8, reset), Permit::Go);
    }

    #[test]
    fn a_429_without_times_waits_longer_each_time() {
        let now = Instant::now();
        let mut pacer = Pacer::default();
        pacer.rate_limited(None, None, now);
        assert_eq!(pacer.permit(0, 1, now), Permit::Wait(now + BLIND_WAIT));
        pacer.rate_limited(None, None, now);
        assert_eq!(pacer.permit(0, 1, now), Permit::Wait(now + BLIND_WAIT * 2));
    }

    #[test]
    fn headers_give_the_quota() {
        let now = UNIX_EPOCH + Duration::from_millis(1_800_000_000_500);
        let headers = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let quota = Quota::from_headers(
            &headers(&[
                ("X-RateLimit-Limit", "120"),
                ("x-ratelimit-remaining", " 7 "),
                ("X-RateLimit-Reset", "1800000002"),
            ]),
            now,
        )
        .unwrap();
        assert_eq!(quota.limit, Some(120));
        assert_eq!(quota.remaining, 7);
        assert_eq!(
            quota.reset,
            Some((1_800_000_002, Duration::from_millis(1500)))
        );
        let delta = Quota::from_headers(
            &headers(&[("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "30")]),
            now,
        )
        .unwrap();
        assert_eq!(delta.reset, Some((0, Duration::from_secs(30))));
        // The server's clock is an hour behind: its Date decides how far the reset is.
        let skewed = Quota::from_headers(
            &headers(&[
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset", "1799996410"),
                (
                    "Date",
                    &httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(1_799_996_400)),
                ),
            ]),
            now,
        )
        .unwrap();
        assert_eq!(skewed.reset, Some((1_799_996_410, Duration::from_secs(10))));
        assert_eq!(
            Quota::from_headers(&headers(&[("X-RateLimit-Limit", "1")]), now),
            None
        );
        assert_eq!(
            retry_after(&headers(&[("Retry-After", "3")]), now),
            Some(Duration::from_secs(3))
        );
        let date = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(1_800_000_010));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &date)]), now),
            Some(Duration::from_millis(9500))
        );
    }
}
