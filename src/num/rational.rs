//! Exact big rationals: parsing from the JSON contract's strings and printing back.

use super::Num;
use crate::error::{Result, invalid};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// The exact rational type of the library.
pub type Rational = BigRational;

impl Num for BigRational {
    const IS_EXACT: bool = true;
    fn zero() -> Self {
        Zero::zero()
    }
    fn one() -> Self {
        One::one()
    }
    fn from_i64(x: i64) -> Self {
        BigRational::from_integer(BigInt::from(x))
    }
    fn from_f64(x: f64) -> Self {
        // Every finite f64 is a dyadic rational; non-finite values never reach here
        // (instances are validated), but map them to 0 rather than panic.
        BigRational::from_float(x).unwrap_or_else(Zero::zero)
    }
    fn to_f64(&self) -> f64 {
        rational_to_f64(self)
    }
    fn bits(&self) -> u64 {
        self.numer().bits().max(self.denom().bits())
    }
}

impl super::Ordered for BigRational {}

/// The f64 nearest to `r` (correctly rounded for the common case of moderate sizes).
pub fn rational_to_f64(r: &BigRational) -> f64 {
    if let (Some(n), Some(d)) = (r.numer().to_f64(), r.denom().to_f64())
        && n.abs() < 9.007_199_254_740_992e15
        && d < 9.007_199_254_740_992e15
    {
        // Both exact in f64: one rounding.
        return n / d;
    }
    // Scale so the quotient has 64 significant bits, then one integer division.
    let nb = r.numer().bits() as i64;
    let db = r.denom().bits() as i64;
    let shift = 64 - (nb - db);
    let (num, den) = if shift >= 0 {
        (r.numer().abs() << (shift as usize), r.denom().clone())
    } else {
        (r.numer().abs(), r.denom() << ((-shift) as usize))
    };
    let q = (num / den).to_f64().unwrap_or(f64::INFINITY);
    // v = q * 2^-shift, in steps that stay inside the exponent range.
    let mut v = q;
    let mut e = -shift;
    while e != 0 {
        let step = e.clamp(-1000, 1000);
        v *= 2f64.powi(step as i32);
        e -= step;
    }
    if r.is_negative() { -v } else { v }
}

/// Parses a number written as an integer `"-12"`, a fraction `"3/7"` or a decimal
/// `"1.25e-3"`, exactly. `field` names the input field for the error message.
pub fn parse_rational(text: &str, field: &str) -> Result<BigRational> {
    let t = text.trim();
    let bad = || {
        invalid(
            field,
            format!("must be a number, a fraction \"p/q\" or a decimal string; got {t:?}"),
        )
    };
    if let Some((p, q)) = t.split_once('/') {
        let p: BigInt = p.trim().parse().map_err(|_| bad())?;
        let q: BigInt = q.trim().parse().map_err(|_| bad())?;
        if q.is_zero() {
            return Err(invalid(field, "fraction has a zero denominator"));
        }
        return Ok(BigRational::new(p, q));
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(k) => (&t[..k], t[k + 1..].parse::<i64>().map_err(|_| bad())?),
        None => (t, 0),
    };
    let (neg, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    if exponent.abs() > 100_000 {
        return Err(invalid(
            field,
            "decimal exponent is out of range (|e| <= 100000)",
        ));
    }
    let all: String = format!("{int_part}{frac_part}");
    let n: BigInt = if all.is_empty() {
        BigInt::zero()
    } else {
        all.parse().map_err(|_| bad())?
    };
    let scale = exponent - frac_part.len() as i64;
    let ten = BigInt::from(10);
    let mut r = if scale >= 0 {
        BigRational::from_integer(n * num_traits::pow(ten, scale as usize))
    } else {
        BigRational::new(n, num_traits::pow(ten, (-scale) as usize))
    };
    if neg {
        r = -r;
    }
    Ok(r)
}

/// Prints `p/q`, or `p` when the denominator is one.
pub fn format_rational(r: &BigRational) -> String {
    if r.denom().is_one() {
        r.numer().to_string()
    } else {
        format!("{}/{}", r.numer(), r.denom())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        let r = parse_rational("0.3", "x").unwrap();
        assert_eq!(format_rational(&r), "3/10");
        assert_eq!(
            format_rational(&parse_rational("-1.25e2", "x").unwrap()),
            "-125"
        );
        assert_eq!(format_rational(&parse_rational("6/4", "x").unwrap()), "3/2");
        assert_eq!(
            format_rational(&parse_rational("2E-3", "x").unwrap()),
            "1/500"
        );
        assert!(parse_rational("1/0", "x").is_err());
        assert!(parse_rational("abc", "x").is_err());
        assert!(parse_rational("", "x").is_err());
        assert!(parse_rational(".", "x").is_err());
    }

    #[test]
    fn to_f64_is_nearest() {
        for x in [0.1, -3.5, 1e300, 1e-300, 123456.789] {
            assert_eq!(rational_to_f64(&BigRational::from_float(x).unwrap()), x);
        }
        let third = BigRational::new(1.into(), 3.into());
        assert_eq!(rational_to_f64(&third), 1.0 / 3.0);
        let big = BigRational::new(BigInt::from(1) << 200usize, (BigInt::from(3)) << 190usize);
        assert_eq!(rational_to_f64(&big), 1024.0 / 3.0);
    }
}
