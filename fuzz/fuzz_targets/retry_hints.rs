//! Any retry-after / retry-after-ms values: no panic, and the delay stays
//! within the policy's caps.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modelwire::retry::{RetryPolicy, parse_http_date};

fuzz_target!(|input: &[u8]| {
    let text = String::from_utf8_lossy(input);
    let (a, b) = text.split_at(
        text.char_indices()
            .nth(text.chars().count() / 2)
            .map_or(0, |(i, _)| i),
    );
    let now = 1_790_000_000_000;
    let _ = parse_http_date(a, now);
    let policy = RetryPolicy::default();
    let cap = policy.max_retry_after_ms.max(policy.max_delay_ms);
    for attempt in [0, 1, 5, 40] {
        let delay = policy.delay_ms(
            attempt,
            &[("retry-after-ms", a), ("retry-after", b)],
            now,
            0.5,
        );
        assert!(delay <= cap, "delay {delay} over the cap for {a:?} / {b:?}");
    }
});
