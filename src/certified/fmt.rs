//! Decimal strings for enclosures, rounded outward: the lower end is rounded toward minus
//! infinity and the upper end toward plus infinity, by exact integer arithmetic, so the
//! printed interval still contains the truth.
//!
//! Format: `"0"`, or an optional `-`, one digit, optionally `.` and more digits, then
//! `e` and a signed exponent, e.g. `"-1.2345e-7"`. Every JSON, Python (`float`, `Decimal`,
//! `mpmath.mpf`) and Rust (`f64::from_str`) number parser reads it.

use super::Interval;
use crate::num::rational::Rational;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

fn pow10(k: u64) -> BigInt {
    BigInt::from(10).pow(k as u32)
}

/// `x` with `sig` significant digits, rounded toward plus infinity (`up`) or minus infinity.
pub fn decimal(x: &Rational, sig: usize, up: bool) -> String {
    if x.is_zero() {
        return "0".into();
    }
    let sig = sig.clamp(1, 100_000) as i64;
    let neg = x.is_negative();
    let a = x.abs();
    // Rounding the magnitude up when (x >= 0 and up) or (x < 0 and down).
    let mag_up = up != neg;
    // k = floor(log10 a): estimate from the bit lengths, then correct.
    let lb = a.numer().bits() as f64 - a.denom().bits() as f64;
    let mut k = (lb * std::f64::consts::LOG10_2).floor() as i64 - 1;
    let scale = |e: i64| -> Rational {
        if e >= 0 {
            Rational::from_integer(pow10(e as u64))
        } else {
            Rational::new(BigInt::one(), pow10((-e) as u64))
        }
    };
    while scale(k + 1) <= a {
        k += 1;
    }
    while scale(k) > a {
        k -= 1;
    }
    // digits = a * 10^(sig - 1 - k), an integer part with sig digits.
    let s = &a * scale(sig - 1 - k);
    let (q, r) = s.numer().div_rem(s.denom());
    let mut q = if mag_up && !r.is_zero() { q + 1 } else { q };
    let mut exp = k;
    if q == pow10(sig as u64) {
        // A carry to one more digit: 9.99..9 rounded up to 10.0..0.
        q = pow10((sig - 1) as u64);
        exp += 1;
    }
    let digits = q.to_string();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let (head, tail) = digits.split_at(1);
    let sign = if neg { "-" } else { "" };
    if tail.is_empty() {
        format!("{sign}{head}e{exp}")
    } else {
        format!("{sign}{head}.{tail}e{exp}")
    }
}

/// `[lo, hi]` as two decimal strings with `sig` significant digits, rounded outward.
/// An invalid interval (never returned by the certified driver) prints as `["-inf", "inf"]`.
pub fn interval_strings(x: &Interval, sig: usize) -> (String, String) {
    match x.bounds() {
        Some((lo, hi)) => (decimal(&lo, sig, false), decimal(&hi, sig, true)),
        None => ("-inf".into(), "inf".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::rational::parse_rational;

    #[test]
    fn outward_decimal_strings_enclose() {
        let third = Rational::new(BigInt::from(1), BigInt::from(3));
        assert_eq!(decimal(&third, 3, false), "3.33e-1");
        assert_eq!(decimal(&third, 3, true), "3.34e-1");
        assert_eq!(decimal(&-third.clone(), 3, false), "-3.34e-1");
        assert_eq!(decimal(&-third.clone(), 3, true), "-3.33e-1");
        let nines = parse_rational("0.9999", "x").unwrap();
        assert_eq!(decimal(&nines, 2, true), "1e0");
        assert_eq!(decimal(&nines, 2, false), "9.9e-1");
        let exact = parse_rational("12500", "x").unwrap();
        assert_eq!(decimal(&exact, 5, true), "1.25e4");
        assert_eq!(decimal(&exact, 5, false), "1.25e4");
        for (x, sig) in [("1e-300", 4), ("-7.77e250", 2), ("123456789", 3)] {
            let r = parse_rational(x, "x").unwrap();
            let lo = parse_rational(&decimal(&r, sig, false), "lo").unwrap();
            let hi = parse_rational(&decimal(&r, sig, true), "hi").unwrap();
            assert!(lo <= r && r <= hi, "{x}");
        }
    }
}
