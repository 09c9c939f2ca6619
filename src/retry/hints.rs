//! Reading the retry hints a server puts in its response headers.
//!
//! Everything here is tolerant: a hint that does not parse is treated as
//! absent, never as an error, because a bad header must not turn a retryable
//! failure into a different one.

use super::http_date::parse_http_date;

/// The value of the first header named `name` (ASCII case-insensitive),
/// trimmed; `None` when absent or blank.
pub(crate) fn header<'a>(headers: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// The raw retry hints of a response, kept as the server sent them so that a
/// caller can show them (openai-node exposes the response headers on errors).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryHints {
    /// `retry-after-ms`: a delay in milliseconds (non-standard, sent by
    /// OpenAI and honoured by openai-node).
    pub retry_after_ms: Option<String>,
    /// `retry-after`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
    pub retry_after: Option<String>,
    /// `x-should-retry`: the server's explicit verdict, `true` or `false`.
    pub should_retry: Option<String>,
}

impl RetryHints {
    /// Collects the hints from response headers (names case-insensitive).
    pub fn from_headers(headers: &[(&str, &str)]) -> RetryHints {
        let get = |name| header(headers, name).map(str::to_owned);
        RetryHints {
            retry_after_ms: get("retry-after-ms"),
            retry_after: get("retry-after"),
            should_retry: get("x-should-retry"),
        }
    }

    /// `x-should-retry` as a verdict; anything but `true`/`false`
    /// (case-insensitive) is no verdict.
    pub fn should_retry(&self) -> Option<bool> {
        should_retry_verdict(self.should_retry.as_deref())
    }

    /// The delay the server asks for, in milliseconds, when it is usable:
    /// see [`RetryPolicy::delay_ms`](super::RetryPolicy::delay_ms).
    pub fn delay_ms(&self, now_unix_ms: u64, max_ms: u64) -> Option<u64> {
        hinted_delay_ms(
            self.retry_after_ms.as_deref(),
            self.retry_after.as_deref(),
            now_unix_ms,
            max_ms,
        )
    }
}

pub(crate) fn should_retry_verdict(value: Option<&str>) -> Option<bool> {
    let value = value?.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The first hint that parses wins (`retry-after-ms`, then `retry-after`);
/// it is used only when it lies in `0..=max_ms`. A parseable hint outside
/// that range (too long, or a date in the past) means "no usable hint"
/// rather than "try the next header": the server did say something, and the
/// caller's backoff is the safe answer to a value it cannot honour.
pub(crate) fn hinted_delay_ms(
    retry_after_ms: Option<&str>,
    retry_after: Option<&str>,
    now_unix_ms: u64,
    max_ms: u64,
) -> Option<u64> {
    if let Some(ms) = retry_after_ms.and_then(|v| parse_decimal(v, 0)) {
        return Some(ms).filter(|&ms| ms <= max_ms);
    }
    let value = retry_after?;
    if let Some(ms) = parse_decimal(value, 3) {
        return Some(ms).filter(|&ms| ms <= max_ms);
    }
    let at_ms = i128::from(parse_http_date(value, now_unix_ms)?);
    let delta = at_ms - i128::from(now_unix_ms);
    u64::try_from(delta).ok().filter(|&ms| ms <= max_ms)
}

/// Parses a non-negative decimal (`12`, `1.5`, `.5`) and returns it times
/// `10^scale`, rounded up, saturating at `u64::MAX`. Integer arithmetic keeps
/// it exact: `0.1` seconds is 100 ms, not 100.00000000000001.
///
/// Signs, exponents, `NaN` and inner spaces are rejected: RFC 9110 only
/// allows digits, and the fraction is a courtesy to `retry-after-ms` senders
/// that write floats.
pub(crate) fn parse_decimal(value: &str, scale: u32) -> Option<u64> {
    let value = value.trim();
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    let mut result: u64 = 0;
    for b in int.bytes() {
        result = result
            .saturating_mul(10)
            .saturating_add(u64::from(b - b'0'));
    }
    let mut frac = frac.bytes();
    for _ in 0..scale {
        let digit = frac.next().map_or(0, |b| b - b'0');
        result = result.saturating_mul(10).saturating_add(u64::from(digit));
    }
    if frac.any(|b| b != b'0') {
        result = result.saturating_add(1);
    }
    Some(result)
}
