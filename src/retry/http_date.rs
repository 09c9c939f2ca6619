//! HTTP dates, as RFC 9110 §5.6.7 requires a recipient to read them:
//!
//! - IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT` (what servers send now);
//! - obsolete RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`;
//! - obsolete asctime: `Sun Nov  6 08:49:37 1994`.
//!
//! Written here rather than pulled from a date crate: it is a few dozen lines,
//! and the core stays small in wasm. Whitespace between tokens is lenient and
//! the day name is only checked to be a day name (not against the date), as
//! recipients are asked to be tolerant; everything else is validated.

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Parses an HTTP date into Unix milliseconds (UTC). `now_unix_ms` resolves
/// the two-digit year of the RFC 850 form: a year more than 50 years in the
/// future means the most recent past year with the same last two digits.
pub fn parse_http_date(value: &str, now_unix_ms: u64) -> Option<i64> {
    let mut tokens = value.split_ascii_whitespace();
    let first = tokens.next()?;
    let (date, time) = if let Some(day) = first.strip_suffix(',') {
        day_name(day)?;
        let next = tokens.next()?;
        if let Some((d, rest)) = next.split_once('-') {
            // RFC 850: 06-Nov-94
            let (m, y) = rest.split_once('-')?;
            let year = two_digit_year(number(y, 2, 2)?, now_unix_ms);
            let date = (year, month(m)?, number(d, 1, 2)?);
            let time = tokens.next()?;
            gmt(tokens.next()?)?;
            (date, time)
        } else {
            // IMF-fixdate: 06 Nov 1994
            let m = month(tokens.next()?)?;
            let year = i64::from(number(tokens.next()?, 4, 4)?);
            let time = tokens.next()?;
            gmt(tokens.next()?)?;
            ((year, m, number(next, 1, 2)?), time)
        }
    } else {
        // asctime: Nov  6 08:49:37 1994
        day_name(first)?;
        let m = month(tokens.next()?)?;
        let d = number(tokens.next()?, 1, 2)?;
        let time = tokens.next()?;
        let year = i64::from(number(tokens.next()?, 4, 4)?);
        ((year, m, d), time)
    };
    if tokens.next().is_some() {
        return None;
    }
    let (year, month, day) = date;
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + i64::from(time_of_day(time)?);
    Some(seconds * 1000)
}

/// A day name, short (`Sun`) or long (`Sunday`), case-insensitive.
fn day_name(token: &str) -> Option<()> {
    DAYS.iter()
        .any(|d| token.eq_ignore_ascii_case(d) || token.eq_ignore_ascii_case(&d[..3]))
        .then_some(())
}

fn month(token: &str) -> Option<u32> {
    let index = MONTHS.iter().position(|m| token.eq_ignore_ascii_case(m))?;
    u32::try_from(index + 1).ok()
}

fn gmt(token: &str) -> Option<()> {
    token.eq_ignore_ascii_case("GMT").then_some(())
}

/// `min..=max` ASCII digits.
fn number(token: &str, min: usize, max: usize) -> Option<u32> {
    if token.len() < min || token.len() > max || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

/// `HH:MM:SS` as seconds since midnight; `:60` (a leap second) is allowed.
fn time_of_day(token: &str) -> Option<u32> {
    let mut parts = token.split(':');
    let h = number(parts.next()?, 2, 2)?;
    let m = number(parts.next()?, 2, 2)?;
    let s = number(parts.next()?, 2, 2)?;
    if parts.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(h * 3600 + m * 60 + s)
}

fn two_digit_year(yy: u32, now_unix_ms: u64) -> i64 {
    let now_days = i64::try_from(now_unix_ms / 86_400_000).unwrap_or(i64::MAX / 2);
    let this_year = year_of_days(now_days);
    let mut year = this_year - this_year.rem_euclid(100) + i64::from(yy);
    if year > this_year + 50 {
        year -= 100;
    }
    year
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The year containing day `days` since 1970-01-01 (Hinnant's
/// `civil_from_days`, year only).
fn year_of_days(days: i64) -> i64 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let year = yoe + era * 400;
    if mp >= 10 { year + 1 } else { year }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for days in [-1000, -1, 0, 58, 59, 365, 11_016, 11_017, 20_000, 2_932_896] {
            let year = year_of_days(days);
            assert!(days_from_civil(year, 1, 1) <= days, "{days}");
            assert!(days_from_civil(year + 1, 1, 1) > days, "{days}");
        }
    }

    #[test]
    fn rfc850_century() {
        // now = 2026-06-01
        let now = days_from_civil(2026, 6, 1) as u64 * 86_400_000;
        assert_eq!(two_digit_year(26, now), 2026);
        assert_eq!(two_digit_year(76, now), 2076);
        assert_eq!(two_digit_year(77, now), 1977);
        assert_eq!(two_digit_year(94, now), 1994);
        assert_eq!(two_digit_year(0, now), 2000);
    }
}
