//! [`Usd`]: an exact amount of US dollars as an integer count of
//! atto-dollars (10⁻¹⁸ USD), parsed from and written to decimal text
//! without any floating point.

use std::fmt;

/// An exact, non-negative amount of US dollars, held as a whole number of
/// atto-dollars (10⁻¹⁸ USD) in a `u128`.
///
/// Eighteen decimal places hold every per-token price seen on the wire
/// (`"0.000000145"` is 145 000 000 000 atto-dollars) and every product of
/// such a price with a token count exactly; the `u128` range (about
/// 3.4 × 10²⁰ USD) is far beyond any bill. Sums never drift: adding the
/// cost of 10 000 requests gives exactly 10 000 times the cost of one.
///
/// ```
/// use modelwire::catalog::Usd;
/// let price = Usd::parse("0.00000174").unwrap();
/// assert_eq!(price.atto(), 1_740_000_000_000);
/// assert_eq!(price.checked_mul(1_000_000).unwrap().to_string(), "1.74");
/// assert_eq!(Usd::parse("1.45e-7"), Usd::parse("0.000000145"));
/// assert_eq!(Usd::parse(""), None); // an unknown price is never zero
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Usd(u128);

impl Usd {
    /// Nothing.
    pub const ZERO: Usd = Usd(0);

    /// Decimal places held: 18.
    pub const SCALE: u32 = 18;

    /// The amount `atto` × 10⁻¹⁸ USD.
    pub const fn from_atto(atto: u128) -> Usd {
        Usd(atto)
    }

    /// The amount in atto-dollars (10⁻¹⁸ USD).
    pub const fn atto(self) -> u128 {
        self.0
    }

    /// Parses a non-negative decimal: digits with an optional fraction
    /// (`"0.00000174"`, `"3"`, `".5"`, `"2."`) and an optional exponent
    /// (`"1.74e-6"`, `"5E-07"`), as the catalog's price strings are written.
    ///
    /// `None` for anything else: `""` (a price not published yet), a sign
    /// (`"-1"` marks a variable price on some catalogs), spaces, more than
    /// 18 significant decimal places (not exact here), or an amount beyond
    /// the `u128` range. An unknown price is never read as zero.
    pub fn parse(text: &str) -> Option<Usd> {
        let bytes = text.as_bytes();
        let mut i = 0;
        // The mantissa's digits without leading zeros, and how many digits
        // of the whole mantissa stood after the point.
        let mut mantissa: u128 = 0;
        let mut nonzero_seen = false;
        let mut fraction_digits = 0i64;
        let mut digits = 0usize;
        let mut seen_point = false;
        // Trailing zeros not yet multiplied in, so that "1.50000…" with many
        // zeros neither overflows nor counts as too precise.
        let mut pending_zeros = 0u32;
        while i < bytes.len() {
            match bytes[i] {
                b'0'..=b'9' => {
                    let digit = u128::from(bytes[i] - b'0');
                    digits += 1;
                    if seen_point {
                        fraction_digits += 1;
                    }
                    if digit == 0 {
                        if nonzero_seen {
                            pending_zeros += 1;
                        }
                    } else {
                        for _ in 0..pending_zeros {
                            mantissa = mantissa.checked_mul(10)?;
                        }
                        nonzero_seen = true;
                        pending_zeros = 0;
                        mantissa = mantissa.checked_mul(10)?.checked_add(digit)?;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => break,
            }
            i += 1;
        }
        if digits == 0 {
            return None;
        }
        let mut exponent: i64 = 0;
        if i < bytes.len() {
            if bytes[i] != b'e' && bytes[i] != b'E' {
                return None;
            }
            i += 1;
            let negative = match bytes.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                // Saturate: an exponent this large is rejected below anyway
                // (or gives zero when the mantissa is zero).
                exponent = (exponent * 10 + i64::from(bytes[i] - b'0')).min(1_000_000);
                i += 1;
            }
            if i == start || i != bytes.len() {
                return None;
            }
            if negative {
                exponent = -exponent;
            }
        }
        if mantissa == 0 {
            return Some(Usd::ZERO);
        }
        // value = mantissa × 10^(pending_zeros + exponent − fraction_digits);
        // in atto-dollars the power grows by SCALE.
        let shift = i64::from(pending_zeros) + exponent - fraction_digits + i64::from(Self::SCALE);
        if shift < 0 {
            return None;
        }
        let mut atto = mantissa;
        for _ in 0..shift.min(40) {
            atto = atto.checked_mul(10)?;
        }
        Some(Usd(atto))
    }

    /// `self + other`, `None` past the `u128` range.
    pub fn checked_add(self, other: Usd) -> Option<Usd> {
        self.0.checked_add(other.0).map(Usd)
    }

    /// `self × count` (a price times a number of tokens), `None` past the
    /// `u128` range.
    pub fn checked_mul(self, count: u64) -> Option<Usd> {
        self.0.checked_mul(u128::from(count)).map(Usd)
    }

    /// Rounded half up to `places` decimal places (at most 18), for display:
    /// `0.0001235` to 6 places is `0.000124`.
    pub fn round(self, places: u32) -> Usd {
        if places >= Self::SCALE {
            return self;
        }
        let drop = Self::SCALE - places;
        let mut kept = self.0;
        let mut top_dropped = 0;
        for _ in 0..drop {
            (kept, top_dropped) = div10(kept);
        }
        let scale = |mut n: u128| {
            for _ in 0..drop {
                n = n.checked_mul(10)?;
            }
            Some(n)
        };
        // The last digit dropped is the most significant one: half up. The
        // floor never overflows (it is at most `self`); rounding up does only
        // within one unit of u128::MAX, and then rounds down.
        let down = scale(kept).unwrap_or(self.0);
        if top_dropped >= 5 {
            Usd(scale(kept + 1).unwrap_or(down))
        } else {
            Usd(down)
        }
    }

    /// Appends the amount in plain decimal notation with no trailing zeros:
    /// `"0.000123"`, `"12.5"`, `"0"`.
    pub fn write(self, out: &mut String) {
        let mut buf = [0u8; 48];
        out.push_str(self.render(&mut buf));
    }

    /// Renders into `buf` (from its end) and returns the text.
    fn render(self, buf: &mut [u8; 48]) -> &str {
        // All the digits, least significant first into the end of `buf`,
        // at least 19 so that the whole part has one.
        let end = buf.len();
        let mut pos = end;
        let mut n = self.0;
        let mut written = 0;
        while n != 0 || written <= Self::SCALE {
            let (q, digit) = div10(n);
            n = q;
            pos -= 1;
            buf[pos] = b'0' + digit;
            written += 1;
        }
        // Insert the point before the last 18 digits, then drop trailing
        // zeros (and the point when nothing is left after it).
        let point = end - Self::SCALE as usize;
        buf.copy_within(pos..point, pos - 1);
        pos -= 1;
        buf[point - 1] = b'.';
        let mut last = end;
        while buf[last - 1] == b'0' {
            last -= 1;
        }
        if buf[last - 1] == b'.' {
            last -= 1;
        }
        // Only ASCII digits and '.' were written.
        std::str::from_utf8(&buf[pos..last]).unwrap_or("0")
    }
}

impl fmt::Display for Usd {
    /// The same text as [`Usd::write`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 48];
        f.write_str(self.render(&mut buf))
    }
}

/// `(n / 10, n % 10)` in 32-bit limbs, so that no 128-bit division routine
/// is linked into the wasm binary.
fn div10(n: u128) -> (u128, u8) {
    let mut quotient = 0u128;
    let mut rest = 0u64;
    for shift in [96u32, 64, 32, 0] {
        let current = (rest << 32) | ((n >> shift) as u64 & 0xffff_ffff);
        quotient |= u128::from(current / 10) << shift;
        rest = current % 10;
    }
    (quotient, rest as u8)
}

/// Appends `n` in decimal, without going through `fmt`.
pub(crate) fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[pos..] {
        out.push(char::from(b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_amounts_and_zero_render_without_a_point() {
        assert_eq!(Usd::ZERO.to_string(), "0");
        assert_eq!(Usd::from_atto(12_000_000_000_000_000_000).to_string(), "12");
        assert_eq!(Usd::from_atto(1).to_string(), "0.000000000000000001");
        assert_eq!(
            Usd::from_atto(u128::MAX).to_string(),
            "340282366920938463463.374607431768211455"
        );
    }

    #[test]
    fn div10_matches_division() {
        for n in [
            0u128,
            9,
            10,
            12345,
            u64::MAX as u128 + 7,
            u128::MAX,
            u128::MAX / 3,
        ] {
            assert_eq!(div10(n), (n / 10, (n % 10) as u8));
        }
    }

    #[test]
    fn push_u64_matches_fmt() {
        for n in [0, 7, 10, 12345, u64::MAX] {
            let mut s = String::new();
            push_u64(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }
}
