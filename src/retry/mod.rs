//! When to retry a failed request, and how long to wait first.
//!
//! The rules follow openai-node, with full jitter instead of its 25 %:
//!
//! - retry on 408, 409, 429 and 5xx, and on connection failures and
//!   timeouts; an `x-should-retry: true|false` response header overrides the
//!   status either way;
//! - never once any byte of a streamed body has reached the caller: a retry
//!   would replay text the caller has already shown;
//! - wait what `retry-after-ms` or `retry-after` (seconds or an HTTP date)
//!   asks, when that is within [`RetryPolicy::max_retry_after_ms`];
//!   otherwise `random * min(max_delay, initial * 2^attempt)`.
//!
//! Nothing here sleeps or reads a clock: the caller passes the current time
//! and a random number, so every decision is deterministic under test.
//!
//! ```
//! use modelwire::retry::{Backoff, Outcome, RetryPolicy};
//! let mut backoff = Backoff::new(RetryPolicy::default());
//! let headers = [("Retry-After", "3")];
//! let rate_limited = Outcome::Status { status: 429, headers: &headers };
//! assert_eq!(backoff.next_delay(&rate_limited, false, 0, 0.5), Some(3000));
//! // Once part of a stream has been delivered, nothing is retried.
//! assert_eq!(backoff.next_delay(&Outcome::Connection, true, 0, 0.5), None);
//! ```

mod hints;
mod http_date;

pub use hints::RetryHints;
pub use http_date::parse_http_date;

pub(crate) use hints::header;

/// How hard to retry. The defaults are openai-node's, except the larger
/// `max_delay_ms` which suits full jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so up to `max_retries + 1` requests).
    pub max_retries: u32,
    /// The backoff cap of the first retry, in milliseconds.
    pub initial_delay_ms: u64,
    /// The largest backoff cap, in milliseconds.
    pub max_delay_ms: u64,
    /// The longest server-requested wait honoured, in milliseconds; a longer
    /// `retry-after` falls back to backoff.
    pub max_retry_after_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_delay_ms: 500,
            max_delay_ms: 8000,
            max_retry_after_ms: 60_000,
        }
    }
}

/// How an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// The server answered with a status the caller treats as a failure;
    /// `headers` are the response headers (names in any case).
    Status {
        /// The HTTP status.
        status: u16,
        /// The response headers.
        headers: &'a [(&'a str, &'a str)],
    },
    /// The connection failed or dropped (DNS, reset, TLS, a network error
    /// from `fetch`, a body that ended early).
    Connection,
    /// The request or an idle stream timed out.
    Timeout,
}

/// Whether a status is worth retrying without any other hint.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 429 | 500..=599)
}

impl RetryPolicy {
    /// Whether to retry after a failure.
    ///
    /// `attempt` is the number of retries already made (0 when the first
    /// request has just failed). `delivered` is whether any byte of the body
    /// has reached the caller; when it has, the answer is always `false`.
    pub fn should_retry(&self, outcome: &Outcome<'_>, attempt: u32, delivered: bool) -> bool {
        if delivered || attempt >= self.max_retries {
            return false;
        }
        match outcome {
            Outcome::Connection | Outcome::Timeout => true,
            Outcome::Status { status, headers } => {
                hints::should_retry_verdict(header(headers, "x-should-retry"))
                    .unwrap_or_else(|| retryable_status(*status))
            }
        }
    }

    /// How long to wait before retry number `attempt + 1` (`attempt` as in
    /// [`should_retry`](Self::should_retry)), in milliseconds.
    ///
    /// The first parseable hint wins: `retry-after-ms` (milliseconds, a
    /// fraction rounds up), then `retry-after` (seconds, fraction allowed, or
    /// an HTTP date, compared with `now_unix_ms`). It is used exactly when it
    /// lies within `0..=max_retry_after_ms`; a longer wait, a date in the
    /// past, a negative or garbage value all fall back to
    /// [`backoff_ms`](Self::backoff_ms). `random` should be uniform in
    /// `[0, 1)`.
    pub fn delay_ms(
        &self,
        attempt: u32,
        headers: &[(&str, &str)],
        now_unix_ms: u64,
        random: f64,
    ) -> u64 {
        hints::hinted_delay_ms(
            header(headers, "retry-after-ms"),
            header(headers, "retry-after"),
            now_unix_ms,
            self.max_retry_after_ms,
        )
        .unwrap_or_else(|| self.backoff_ms(attempt, random))
    }

    /// [`delay_ms`](Self::delay_ms) from hints already collected, e.g. those
    /// kept on an [`ApiError`](crate::api_error::ApiError).
    pub fn delay_ms_from_hints(
        &self,
        attempt: u32,
        hints: &RetryHints,
        now_unix_ms: u64,
        random: f64,
    ) -> u64 {
        hints
            .delay_ms(now_unix_ms, self.max_retry_after_ms)
            .unwrap_or_else(|| self.backoff_ms(attempt, random))
    }

    /// The backoff cap for `attempt`: `min(max_delay, initial * 2^attempt)`.
    pub fn backoff_cap_ms(&self, attempt: u32) -> u64 {
        let factor = 1u64.checked_shl(attempt).unwrap_or(u64::MAX);
        self.initial_delay_ms
            .saturating_mul(factor)
            .min(self.max_delay_ms)
    }

    /// Exponential backoff with full jitter: `random * backoff_cap_ms`.
    /// `random` outside `[0, 1)` is clamped into it, and NaN counts as 0, so
    /// the result is always within `0..=backoff_cap_ms(attempt)`.
    pub fn backoff_ms(&self, attempt: u32, random: f64) -> u64 {
        let random = if random.is_nan() {
            0.0
        } else {
            random.clamp(0.0, 1.0)
        };
        let cap = self.backoff_cap_ms(attempt);
        // f64 → u64 `as` saturates; min() guards the rounding of huge caps.
        ((random * cap as f64) as u64).min(cap)
    }
}

/// The retry loop's state: counts attempts so that the caller only has to
/// report each failure.
///
/// ```text
/// loop {
///     match send() {
///         Ok(response) => return Ok(response),
///         Err(outcome) => match backoff.next_delay(&outcome, delivered, now(), random()) {
///             Some(ms) => sleep(ms),
///             None => return Err(...),
///         },
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Backoff {
    policy: RetryPolicy,
    retries: u32,
}

impl Backoff {
    /// A fresh loop: no retries made yet.
    pub fn new(policy: RetryPolicy) -> Backoff {
        Backoff { policy, retries: 0 }
    }

    /// How many retries have been granted so far.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// After a failed attempt: `Some(ms)` to wait before trying again (and
    /// the retry is counted), or `None` to give up and surface the failure.
    /// Hints are read from the headers of an [`Outcome::Status`].
    pub fn next_delay(
        &mut self,
        outcome: &Outcome<'_>,
        delivered: bool,
        now_unix_ms: u64,
        random: f64,
    ) -> Option<u64> {
        if !self.policy.should_retry(outcome, self.retries, delivered) {
            return None;
        }
        let headers: &[(&str, &str)] = match outcome {
            Outcome::Status { headers, .. } => headers,
            Outcome::Connection | Outcome::Timeout => &[],
        };
        let delay = self
            .policy
            .delay_ms(self.retries, headers, now_unix_ms, random);
        self.retries += 1;
        Some(delay)
    }
}
