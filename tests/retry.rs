//! Retry decisions and delays: the status table, `x-should-retry`, every
//! `retry-after` form, caps, garbage, and jitter bounds.
#![cfg(not(target_arch = "wasm32"))]

use modelwire::retry::{
    Backoff, Outcome, RetryHints, RetryPolicy, parse_http_date, retryable_status,
};
use proptest::prelude::*;

/// 1994-11-06T08:49:37Z, the RFC 9110 example date.
const EXAMPLE_MS: i64 = 784_111_777_000;
/// 2026-06-01T00:00:00Z
const NOW_2026: u64 = 1_780_272_000_000;

fn status(code: u16, headers: &[(&'static str, &'static str)]) -> bool {
    let headers: Vec<(&str, &str)> = headers.to_vec();
    RetryPolicy::default().should_retry(
        &Outcome::Status {
            status: code,
            headers: &headers,
        },
        0,
        false,
    )
}

fn delay(headers: &[(&str, &str)], now: u64) -> u64 {
    // random = 0 makes backoff 0, so any non-zero result is the hint.
    RetryPolicy::default().delay_ms(0, headers, now, 0.0)
}

#[test]
fn status_table() {
    for code in [408, 409, 429, 500, 502, 503, 504, 529, 599] {
        assert!(status(code, &[]), "{code}");
        assert!(retryable_status(code));
    }
    for code in [200, 301, 400, 401, 402, 403, 404, 413, 422, 499, 600] {
        assert!(!status(code, &[]), "{code}");
    }
    let policy = RetryPolicy::default();
    assert!(policy.should_retry(&Outcome::Connection, 0, false));
    assert!(policy.should_retry(&Outcome::Timeout, 1, false));
}

#[test]
fn should_retry_header_overrides() {
    assert!(status(400, &[("X-Should-Retry", "true")]));
    assert!(!status(503, &[("x-should-retry", "false")]));
    assert!(!status(429, &[("x-should-retry", " FALSE ")]));
    // anything else is no verdict
    assert!(status(503, &[("x-should-retry", "maybe")]));
    assert!(!status(400, &[("x-should-retry", "1")]));
}

#[test]
fn budget_and_delivery() {
    let policy = RetryPolicy {
        max_retries: 2,
        ..RetryPolicy::default()
    };
    let h: [(&str, &str); 0] = [];
    let s = Outcome::Status {
        status: 503,
        headers: &h,
    };
    assert!(policy.should_retry(&s, 0, false));
    assert!(policy.should_retry(&s, 1, false));
    assert!(!policy.should_retry(&s, 2, false));
    // bytes delivered: never, whatever else says yes
    let yes = [("x-should-retry", "true")];
    assert!(!policy.should_retry(
        &Outcome::Status {
            status: 503,
            headers: &yes
        },
        0,
        true
    ));
    assert!(!policy.should_retry(&Outcome::Connection, 0, true));
    assert!(!policy.should_retry(&Outcome::Timeout, 0, true));
    let none = RetryPolicy {
        max_retries: 0,
        ..policy
    };
    assert!(!none.should_retry(&Outcome::Connection, 0, false));
}

#[test]
fn backoff_loop() {
    let mut backoff = Backoff::new(RetryPolicy::default());
    let h = [("retry-after", "1")];
    let rl = Outcome::Status {
        status: 429,
        headers: &h,
    };
    assert_eq!(backoff.next_delay(&rl, false, 0, 0.9), Some(1000));
    // a connection failure: backoff cap for attempt 1 is 1000, 0.5 → 500
    assert_eq!(
        backoff.next_delay(&Outcome::Connection, false, 0, 0.5),
        Some(500)
    );
    assert_eq!(backoff.retries(), 2);
    assert_eq!(backoff.next_delay(&rl, false, 0, 0.5), None);
    let mut fresh = Backoff::new(RetryPolicy::default());
    let h: [(&str, &str); 0] = [];
    assert_eq!(
        fresh.next_delay(
            &Outcome::Status {
                status: 400,
                headers: &h
            },
            false,
            0,
            0.5
        ),
        None
    );
    assert_eq!(fresh.retries(), 0);
}

#[test]
fn retry_after_seconds_and_ms() {
    assert_eq!(delay(&[("retry-after", "3")], 0), 3000);
    assert_eq!(delay(&[("Retry-After", " 0.1 ")], 0), 100);
    assert_eq!(delay(&[("retry-after", "1.0005")], 0), 1001);
    assert_eq!(delay(&[("retry-after", ".5")], 0), 500);
    assert_eq!(delay(&[("retry-after", "60")], 0), 60_000);
    assert_eq!(delay(&[("retry-after", "0")], 0), 0);
    assert_eq!(delay(&[("retry-after-ms", "250")], 0), 250);
    assert_eq!(delay(&[("retry-after-ms", "250.2")], 0), 251);
    assert_eq!(delay(&[("RETRY-AFTER-MS", "60000")], 0), 60_000);
    // retry-after-ms wins over retry-after
    assert_eq!(
        delay(&[("retry-after", "5"), ("retry-after-ms", "1234")], 0),
        1234
    );
    // garbage retry-after-ms: retry-after is used
    assert_eq!(
        delay(&[("retry-after-ms", "soon"), ("retry-after", "2")], 0),
        2000
    );
}

#[test]
fn retry_after_http_dates() {
    let now = (EXAMPLE_MS - 5_000) as u64;
    for date in [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "sun, 06 nov 1994 08:49:37 gmt",
    ] {
        assert_eq!(parse_http_date(date, now), Some(EXAMPLE_MS), "{date}");
        assert_eq!(delay(&[("retry-after", date)], now), 5000, "{date}");
    }
    // sub-second now: the exact remaining time
    assert_eq!(
        delay(
            &[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")],
            now + 250
        ),
        4750
    );
    assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT", 0), Some(0));
    assert_eq!(parse_http_date("Mon, 29 Feb 2027 00:00:00 GMT", 0), None);
    assert_eq!(
        parse_http_date("Thu, 29 Feb 2024 23:59:60 GMT", 0),
        Some(1_709_251_200_000)
    );
    assert_eq!(
        parse_http_date("Sun, 31 Dec 1899 00:00:00 GMT", 0),
        Some(-2_209_075_200_000)
    );
}

#[test]
fn rfc850_two_digit_years() {
    // In 2026, "76" is 2076 (50 years ahead) and "77" is 1977.
    let y2076 = parse_http_date("Friday, 01-Jan-76 00:00:00 GMT", NOW_2026).unwrap();
    let y1977 = parse_http_date("Saturday, 01-Jan-77 00:00:00 GMT", NOW_2026).unwrap();
    assert_eq!(y2076, 3_345_062_400_000);
    assert_eq!(y1977, 220_924_800_000);
    let soon = "Monday, 01-Jun-26 00:00:30 GMT";
    assert_eq!(delay(&[("retry-after", soon)], NOW_2026), 30_000);
}

#[test]
fn bad_dates_are_rejected() {
    for bad in [
        "",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nox 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT extra",
        "Fun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun Nov  6 08:49:37 94",
        "Sun Nov 6 08:49:37",
        "2026-06-01T00:00:00Z",
        "Sun, 06 Nov 1994 08:49:37 GMT\u{0}",
        "Sun, +6 Nov 1994 08:49:37 GMT",
    ] {
        assert_eq!(parse_http_date(bad, 0), None, "{bad:?}");
    }
}

#[test]
fn caps_and_garbage_fall_back_to_backoff() {
    let policy = RetryPolicy::default();
    // random = 0.5 at attempt 0: backoff is 250 ms
    let d = |headers: &[(&str, &str)], now| policy.delay_ms(0, headers, now, 0.5);
    for headers in [
        [("retry-after", "61")],
        [("retry-after", "60.001")],
        [("retry-after-ms", "60001")],
        [("retry-after", "-1")],
        [("retry-after-ms", "-5")],
        [("retry-after", "1e3")],
        [("retry-after", "NaN")],
        [("retry-after", "Infinity")],
        [("retry-after", "")],
        [("retry-after", "3 s")],
        [("retry-after", "99999999999999999999999999")],
        [("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")], // in the past
    ] {
        assert_eq!(d(&headers, NOW_2026), 250, "{headers:?}");
    }
    // a parseable retry-after-ms over the cap does not fall through to retry-after
    assert_eq!(
        d(&[("retry-after-ms", "90000"), ("retry-after", "1")], 0),
        250
    );
    // a date more than the cap ahead
    let later = "Sun, 06 Nov 1994 08:51:00 GMT";
    assert_eq!(d(&[("retry-after", later)], EXAMPLE_MS as u64), 250);
    // a larger cap honours it
    let patient = RetryPolicy {
        max_retry_after_ms: 120_000,
        ..policy
    };
    assert_eq!(
        patient.delay_ms(0, &[("retry-after", later)], EXAMPLE_MS as u64, 0.5),
        83_000
    );
}

#[test]
fn exponential_backoff() {
    let p = RetryPolicy::default();
    let caps: Vec<u64> = (0..7).map(|a| p.backoff_cap_ms(a)).collect();
    assert_eq!(caps, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
    assert_eq!(p.backoff_cap_ms(u32::MAX), 8000);
    assert_eq!(p.backoff_ms(3, 0.0), 0);
    assert_eq!(p.backoff_ms(3, 0.5), 2000);
    assert_eq!(p.backoff_ms(3, 0.999_999), 3999);
    // out-of-range randomness is clamped
    assert_eq!(p.backoff_ms(3, 7.0), 4000);
    assert_eq!(p.backoff_ms(3, -1.0), 0);
    assert_eq!(p.backoff_ms(3, f64::NAN), 0);
    let huge = RetryPolicy {
        initial_delay_ms: u64::MAX,
        max_delay_ms: u64::MAX,
        ..p
    };
    // no overflow panic, and the cap saturates
    assert_eq!(huge.backoff_cap_ms(70), u64::MAX);
    assert!(huge.backoff_ms(70, 0.5) > u64::MAX / 4);
}

#[test]
fn hints_struct_matches_headers() {
    let headers = [("Retry-After", "7"), ("x-should-retry", "false")];
    let hints = RetryHints::from_headers(&headers);
    let p = RetryPolicy::default();
    assert_eq!(
        p.delay_ms_from_hints(0, &hints, 0, 0.5),
        p.delay_ms(0, &headers, 0, 0.5)
    );
    assert_eq!(hints.should_retry(), Some(false));
    assert_eq!(hints.delay_ms(0, 6000), None);
}

proptest! {
    /// Full jitter stays within [0, cap] for any attempt, randomness and
    /// policy.
    #[test]
    fn jitter_within_cap(
        attempt in any::<u32>(),
        random in prop_oneof![0.0..1.0f64, any::<f64>()],
        initial in 0u64..100_000,
        max in 0u64..1_000_000,
    ) {
        let p = RetryPolicy { initial_delay_ms: initial, max_delay_ms: max, ..RetryPolicy::default() };
        let cap = p.backoff_cap_ms(attempt);
        prop_assert!(cap <= max);
        prop_assert!(cap == max || cap == initial.saturating_mul(1u64 << attempt.min(63)));
        let d = p.delay_ms(attempt, &[], 0, random);
        prop_assert!(d <= cap);
    }

    /// A retry-after(-ms) hint is used exactly when it is within the cap.
    #[test]
    fn hints_honoured_within_cap(
        ms in 0u64..200_000,
        secs in 0u64..200,
        now_s in 0u64..4_000_000_000,
        use_date in any::<bool>(),
        random in 0.0..1.0f64,
    ) {
        let p = RetryPolicy::default();
        let backoff = p.backoff_ms(1, random);
        let ms_text = ms.to_string();
        let got = p.delay_ms(1, &[("retry-after-ms", &ms_text)], 0, random);
        prop_assert_eq!(got, if ms <= p.max_retry_after_ms { ms } else { backoff });

        let now = now_s * 1000;
        let value = if use_date { imf_date(now_s + secs) } else { secs.to_string() };
        let got = p.delay_ms(1, &[("retry-after", &value)], now, random);
        let want = secs * 1000;
        prop_assert_eq!(got, if want <= p.max_retry_after_ms { want } else { backoff }, "{}", value);
    }
}

/// Formats Unix seconds as an IMF-fixdate, independently of the parser.
fn imf_date(t: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (mut days, rem) = (t / 86_400, t % 86_400);
    let weekday = DAYS[(days % 7) as usize];
    let mut year = 1970;
    loop {
        let len = if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) {
            366
        } else {
            365
        };
        if days < len {
            break;
        }
        days -= len;
        year += 1;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let lens = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut month = 0;
    while days >= lens[month] {
        days -= lens[month];
        month += 1;
    }
    format!(
        "{weekday}, {:02} {} {year} {:02}:{:02}:{:02} GMT",
        days + 1,
        MONTHS[month],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}
