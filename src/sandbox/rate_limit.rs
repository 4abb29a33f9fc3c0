//! The documented rate limit: requests counted per API key (or per IP without one) in fixed
//! windows, one minute long as documented (shorter with `--rate-window`, so pacing can be tried
//! in seconds). Windows are aligned to the Unix epoch, so `X-RateLimit-Reset` is a whole second.
//!
//! Tokens are never kept: a pool is keyed by a keyed hash of the token, so a client sending
//! megabyte-long or ever-new tokens costs the table a few bytes per pool, and the table itself is
//! bounded. When it is full of pools active in their current window, new pools share one overflow pool, which
//! is limited like any other: memory stays bounded and nobody escapes the limit by inventing keys.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher as _;
use std::net::IpAddr;

/// How many pools the table holds at most.
pub const MAX_POOLS: usize = 10_000;

/// The documented limit without a key is 75 a minute per IP, against 120 per key; the IP pool
/// keeps that ratio when the key limit is changed.
pub fn ip_limit(key_limit: u32) -> u32 {
    (key_limit.saturating_mul(75)).div_ceil(120).max(1)
}

/// Who a request is counted against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Pool {
    /// An API key, by its keyed hash.
    Key(u64),
    /// A client without a key, by its address.
    Ip(IpAddr),
    /// Every new pool while the table is full.
    Overflow,
}

/// A pool's count in its current window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    /// Unix second the window started at: a multiple of its length.
    start: u64,
    /// Seconds; a window counted under another length is over when the setting changes.
    length: u64,
    count: u32,
}

impl Window {
    /// The window of `length` seconds that holds Unix second `now`, with nothing counted yet.
    fn at(now: u64, length: u64) -> Self {
        let length = length.max(1);
        Self {
            start: now - now % length,
            length,
            count: 0,
        }
    }

    /// Unix second the window ends at: its `X-RateLimit-Reset`.
    fn end(&self) -> u64 {
        self.start.saturating_add(self.length)
    }

    fn is_same(&self, other: &Self) -> bool {
        (self.start, self.length) == (other.start, other.length)
    }
}

/// Where a request stands against its limit: the values of the `X-RateLimit-*` headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds when the window ends.
    pub reset: u64,
    /// The request is over the limit and gets a 429.
    pub exceeded: bool,
}

/// Requests counted per pool in fixed windows.
pub struct RateLimiter {
    hasher: RandomState,
    windows: HashMap<Pool, Window>,
    capacity: usize,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::with_capacity(MAX_POOLS)
    }
}

impl RateLimiter {
    /// A limiter that keeps at most `capacity` pools (besides the overflow pool).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            hasher: RandomState::new(),
            windows: HashMap::new(),
            capacity,
        }
    }

    /// Counts a request with `token` (or from `peer` without one) at Unix second `now`, against
    /// `key_limit` requests per window of `window_secs` seconds for a key and [`ip_limit`] of it
    /// for an address.
    pub fn hit(
        &mut self,
        token: Option<&str>,
        peer: IpAddr,
        key_limit: u32,
        window_secs: u64,
        now: u64,
    ) -> Quota {
        let (pool, limit) = match token {
            Some(token) => (Pool::Key(self.hasher.hash_one(token)), key_limit),
            None => (Pool::Ip(peer), ip_limit(key_limit)),
        };
        let current = Window::at(now, window_secs);
        let pool = self.admit(pool, current);
        let window = self.windows.entry(pool).or_insert(current);
        if !window.is_same(&current) {
            *window = current;
        }
        let exceeded = window.count >= limit;
        if !exceeded {
            window.count += 1;
        }
        Quota {
            limit,
            remaining: limit.saturating_sub(window.count),
            reset: window.end(),
            exceeded,
        }
    }

    /// The pool to count in: `pool` itself when it is known or there is room (after forgetting
    /// pools whose window is over), else the overflow pool.
    fn admit(&mut self, pool: Pool, current: Window) -> Pool {
        if self.windows.contains_key(&pool) || self.pools() < self.capacity {
            return pool;
        }
        self.windows.retain(|_, window| window.is_same(&current));
        if self.pools() < self.capacity {
            pool
        } else {
            Pool::Overflow
        }
    }

    /// How many pools the table holds, not counting the overflow pool.
    fn pools(&self) -> usize {
        self.windows.len() - usize::from(self.windows.contains_key(&Pool::Overflow))
    }

    /// How many entries the table holds, the overflow pool included.
    pub fn len(&self) -> usize {
        self.windows.len()
    }

    /// Whether no request has been counted.
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const OTHER_PEER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));
    /// A whole minute since the epoch (2027-01-15T08:00:00Z): the start of a window.
    const MINUTE_START: u64 = 1_800_000_000;
    /// The documented window.
    const MINUTE: u64 = 60;

    #[test]
    fn remaining_counts_down_and_reset_is_the_end_of_the_minute() {
        let mut limiter = RateLimiter::default();
        let first = limiter.hit(Some("k"), PEER, 3, MINUTE, MINUTE_START + 10);
        assert_eq!(
            first,
            Quota {
                limit: 3,
                remaining: 2,
                reset: MINUTE_START + 60,
                exceeded: false
            }
        );
        let second = limiter.hit(Some("k"), PEER, 3, MINUTE, MINUTE_START + 59);
        assert_eq!((second.remaining, second.reset), (1, MINUTE_START + 60));
    }

    #[test]
    fn an_exhausted_pool_is_exceeded_until_the_window_resets() {
        let mut limiter = RateLimiter::default();
        for _ in 0..2 {
            assert!(
                !limiter
                    .hit(Some("k"), PEER, 2, MINUTE, MINUTE_START)
                    .exceeded
            );
        }
        let over = limiter.hit(Some("k"), PEER, 2, MINUTE, MINUTE_START + 30);
        assert!(over.exceeded);
        assert_eq!(over.remaining, 0);
        let next_minute = limiter.hit(Some("k"), PEER, 2, MINUTE, MINUTE_START + 60);
        assert!(!next_minute.exceeded);
        assert_eq!(next_minute.remaining, 1);
        assert_eq!(next_minute.reset, MINUTE_START + 120);
    }

    #[test]
    fn keys_and_addresses_are_separate_pools() {
        let mut limiter = RateLimiter::default();
        assert!(
            !limiter
                .hit(Some("a"), PEER, 1, MINUTE, MINUTE_START)
                .exceeded
        );
        assert!(
            limiter
                .hit(Some("a"), PEER, 1, MINUTE, MINUTE_START)
                .exceeded
        );
        assert!(
            !limiter
                .hit(Some("b"), PEER, 1, MINUTE, MINUTE_START)
                .exceeded
        );
        assert!(!limiter.hit(None, PEER, 1, MINUTE, MINUTE_START).exceeded);
        assert!(limiter.hit(None, PEER, 1, MINUTE, MINUTE_START).exceeded);
        assert!(
            !limiter
                .hit(None, OTHER_PEER, 1, MINUTE, MINUTE_START)
                .exceeded
        );
    }

    #[test]
    fn the_address_pool_keeps_the_documented_ratio() {
        let mut limiter = RateLimiter::default();
        assert_eq!(limiter.hit(None, PEER, 120, MINUTE, MINUTE_START).limit, 75);
        assert_eq!(ip_limit(1), 1);
        assert_eq!(ip_limit(u32::MAX), u32::MAX.div_ceil(120));
    }

    #[test]
    fn the_table_is_bounded_and_new_pools_share_the_overflow_when_full() {
        let mut limiter = RateLimiter::with_capacity(3);
        for key in ["a", "b", "c"] {
            limiter.hit(Some(key), PEER, 100, MINUTE, MINUTE_START);
        }
        let huge = "x".repeat(1 << 20);
        assert!(
            !limiter
                .hit(Some(&huge), PEER, 2, MINUTE, MINUTE_START)
                .exceeded
        );
        assert!(
            !limiter
                .hit(Some("e"), PEER, 2, MINUTE, MINUTE_START)
                .exceeded
        );
        assert!(
            limiter
                .hit(Some("f"), PEER, 2, MINUTE, MINUTE_START)
                .exceeded
        );
        assert_eq!(limiter.len(), 4);
        for key in 0..1000 {
            limiter.hit(Some(&key.to_string()), PEER, 2, MINUTE, MINUTE_START);
        }
        assert_eq!(limiter.len(), 4);
        // Known pools keep their own count while the table is full.
        assert!(
            !limiter
                .hit(Some("a"), PEER, 100, MINUTE, MINUTE_START)
                .exceeded
        );
    }

    #[test]
    fn pools_from_earlier_minutes_make_room() {
        let mut limiter = RateLimiter::with_capacity(2);
        limiter.hit(Some("a"), PEER, 1, MINUTE, MINUTE_START);
        limiter.hit(Some("b"), PEER, 1, MINUTE, MINUTE_START);
        let later = MINUTE_START + 60;
        assert!(!limiter.hit(Some("c"), PEER, 1, MINUTE, later).exceeded);
        assert!(!limiter.hit(Some("d"), PEER, 1, MINUTE, later).exceeded);
        assert!(limiter.hit(Some("d"), PEER, 1, MINUTE, later).exceeded);
        assert_eq!(limiter.len(), 2);
    }

    #[test]
    fn a_shorter_window_counts_and_resets_at_its_own_length() {
        let mut limiter = RateLimiter::default();
        let start = MINUTE_START + 4;
        assert_eq!(
            limiter.hit(Some("k"), PEER, 2, 2, start),
            Quota {
                limit: 2,
                remaining: 1,
                reset: start + 2,
                exceeded: false
            }
        );
        let second = limiter.hit(Some("k"), PEER, 2, 2, start + 1);
        assert_eq!((second.remaining, second.reset), (0, start + 2));
        let over = limiter.hit(Some("k"), PEER, 2, 2, start + 1);
        assert!(over.exceeded);
        assert_eq!(over.reset, start + 2, "a 429 says when the window ends");
        let next = limiter.hit(Some("k"), PEER, 2, 2, start + 2);
        assert_eq!(
            (next.exceeded, next.remaining, next.reset),
            (false, 1, start + 4)
        );
    }

    #[test]
    fn windows_are_aligned_to_their_length() {
        let mut limiter = RateLimiter::default();
        // 1_800_000_007 lies in the 5-second window [1_800_000_005, 1_800_000_010).
        let quota = limiter.hit(Some("k"), PEER, 9, 5, MINUTE_START + 7);
        assert_eq!(quota.reset, MINUTE_START + 10);
        let hour = limiter.hit(Some("h"), PEER, 9, 3600, MINUTE_START + 7);
        assert_eq!(hour.reset, MINUTE_START + 3600);
        // A length of zero (a hand-edited saved state) is taken as one second, never a panic.
        let zero = limiter.hit(Some("z"), PEER, 9, 0, MINUTE_START + 7);
        assert_eq!(zero.reset, MINUTE_START + 8);
    }

    #[test]
    fn changing_the_window_length_starts_a_new_window() {
        let mut limiter = RateLimiter::default();
        assert!(
            !limiter
                .hit(Some("k"), PEER, 1, MINUTE, MINUTE_START)
                .exceeded
        );
        assert!(
            limiter
                .hit(Some("k"), PEER, 1, MINUTE, MINUTE_START)
                .exceeded
        );
        let shorter = limiter.hit(Some("k"), PEER, 1, 2, MINUTE_START);
        assert!(!shorter.exceeded, "counted afresh under the new length");
        assert_eq!(shorter.reset, MINUTE_START + 2);
    }

    #[test]
    fn pools_whose_short_window_ended_make_room() {
        let mut limiter = RateLimiter::with_capacity(1);
        limiter.hit(Some("a"), PEER, 1, 2, MINUTE_START);
        assert!(
            !limiter
                .hit(Some("b"), PEER, 1, 2, MINUTE_START + 2)
                .exceeded
        );
        assert!(
            limiter
                .hit(Some("b"), PEER, 1, 2, MINUTE_START + 3)
                .exceeded
        );
        assert_eq!(limiter.len(), 1, "a's ended window was forgotten");
    }
}
