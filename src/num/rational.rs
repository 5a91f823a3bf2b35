//! Exact big rationals: parsing from the JSON contract's strings and printing back.

use super::Num;
use crate::error::{Error, Result, invalid};
use num_bigint::BigInt;
use num_integer::Integer;
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

/// The f64 nearest to `r`, correctly rounded: round to nearest, ties to even, with gradual
/// underflow (subnormals) and overflow to infinity (a value at or past the midpoint between
/// `f64::MAX` and 2^1024 rounds to infinity, as IEEE 754 does). A negative value that rounds
/// to zero gives `-0.0`.
///
/// One big-integer division: the quotient carries exactly the bits the result keeps (53, or
/// fewer in the subnormal range) and the remainder decides the rounding, so there is no
/// double rounding.
pub fn rational_to_f64(r: &BigRational) -> f64 {
    let negative = r.is_negative();
    let v = positive_to_f64(&r.numer().abs(), r.denom());
    if negative { -v } else { v }
}

/// The correctly rounded value of p / q for p >= 0, q > 0.
fn positive_to_f64(p: &BigInt, q: &BigInt) -> f64 {
    if p.is_zero() {
        return 0.0;
    }
    // p / q lies in [2^(nb - db - 1), 2^(nb - db + 1)).
    let nb = p.bits() as i64;
    let db = q.bits() as i64;
    if nb - db > 1025 {
        return f64::INFINITY; // >= 2^1024
    }
    if nb - db < -1077 {
        return 0.0; // < 2^-1076, below half the smallest subnormal
    }
    // e: the exponent of the last kept bit. First the e with p / q / 2^e in [2^52, 2^53).
    let mut e = nb - db - 53;
    if scaled_cmp(p, q, e, 53) != std::cmp::Ordering::Less {
        e += 1;
    }
    // Below the normal range the last kept bit is 2^-1074 (fewer than 53 bits remain).
    let e = e.max(-1074);
    // p / q = (m + f) 2^e with integer m and 0 <= f < 1.
    let (num, den) = if e >= 0 {
        (p.clone(), q << (e as usize))
    } else {
        (p << ((-e) as usize), q.clone())
    };
    let (m, rem) = num.div_rem(&den);
    let mut m = m.to_u64().expect("the quotient has at most 53 bits");
    match (rem << 1usize).cmp(&den) {
        std::cmp::Ordering::Greater => m += 1,
        std::cmp::Ordering::Equal => m += m & 1,
        std::cmp::Ordering::Less => {}
    }
    compose(m, e)
}

/// Compares p / q with 2^(e + k).
fn scaled_cmp(p: &BigInt, q: &BigInt, e: i64, k: i64) -> std::cmp::Ordering {
    let s = e + k;
    if s >= 0 {
        p.cmp(&(q << (s as usize)))
    } else {
        (p << ((-s) as usize)).cmp(q)
    }
}

/// The double m * 2^e for m <= 2^53 and e >= -1074 (m < 2^52 only when e = -1074), built
/// from its bits; infinity when it exceeds the exponent range.
fn compose(mut m: u64, mut e: i64) -> f64 {
    const HIDDEN: u64 = 1 << 52;
    if m == 2 * HIDDEN {
        m = HIDDEN;
        e += 1;
    }
    if m < HIDDEN {
        // Subnormal (or zero): the exponent field is 0 and the value is m * 2^-1074.
        debug_assert_eq!(e, -1074);
        return f64::from_bits(m);
    }
    let biased = e + 52 + 1023;
    if biased >= 0x7ff {
        return f64::INFINITY;
    }
    f64::from_bits(((biased as u64) << 52) | (m - HIDDEN))
}

/// Size limits of one exact number, checked on the text before any big-integer work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberLimits {
    /// Most decimal digits of the numerator or of the denominator the text denotes (leading
    /// zeros not counted; a decimal exponent adds its zeros to one side).
    pub max_digits: u64,
    /// Largest absolute decimal exponent (`e` part).
    pub max_exponent: u64,
}

/// Default [`NumberLimits::max_digits`]: 20,000 decimal digits are about 66,400 bits, just over
/// the exact bit cap (2^16 bits), so a longer number could never be used.
pub const DEFAULT_MAX_DIGITS: u64 = 20_000;
/// Default [`NumberLimits::max_exponent`] (the same size as the digit limit).
pub const DEFAULT_MAX_EXPONENT: u64 = 20_000;

impl Default for NumberLimits {
    /// [`DEFAULT_MAX_DIGITS`] digits and exponents up to [`DEFAULT_MAX_EXPONENT`].
    fn default() -> Self {
        NumberLimits {
            max_digits: DEFAULT_MAX_DIGITS,
            max_exponent: DEFAULT_MAX_EXPONENT,
        }
    }
}

fn digits_limit(field: &str, side: &str, needed: u64, limits: &NumberLimits) -> Error {
    Error::Limit {
        what: format!("{field}: decimal digits of the {side} of one exact number"),
        needed: needed as u128,
        limit: limits.max_digits as u128,
        how: "exact numbers are capped near the exact bit cap; round the number, write it with \
              fewer digits, or use f64 precision"
            .into(),
    }
}

/// Parses a number written as an integer `"-12"`, a fraction `"3/7"` or a decimal
/// `"1.25e-3"`, exactly, under the default [`NumberLimits`]. `field` names the input field for
/// the error message.
pub fn parse_rational(text: &str, field: &str) -> Result<BigRational> {
    parse_rational_limited(text, field, &NumberLimits::default())
}

/// [`parse_rational`] under `limits`: the digits of the numerator and denominator the text
/// denotes, and the decimal exponent, are counted on the text first; a number over a limit is
/// an [`Error::Limit`] naming `field` and the limit, before any big-integer work (so a
/// million-digit number or `1e999999999` is refused at the cost of scanning its text).
pub fn parse_rational_limited(
    text: &str,
    field: &str,
    limits: &NumberLimits,
) -> Result<BigRational> {
    let t = text.trim();
    let bad = || {
        let shown: String = t.chars().take(40).collect();
        let more = if t.chars().count() > 40 { "..." } else { "" };
        invalid(
            field,
            format!(
                "must be a number, a fraction \"p/q\" or a decimal string; got {shown:?}{more}"
            ),
        )
    };
    let significant = |digits: &str| digits.trim_start_matches('0').len() as u64;
    let is_int = |x: &str| {
        let d = x.strip_prefix(['-', '+']).unwrap_or(x);
        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
    };
    if let Some((p, q)) = t.split_once('/') {
        let (p, q) = (p.trim(), q.trim());
        if !is_int(p) || !is_int(q) {
            return Err(bad());
        }
        let pd = significant(p.trim_start_matches(['-', '+']));
        let qd = significant(q.trim_start_matches(['-', '+']));
        if pd > limits.max_digits {
            return Err(digits_limit(field, "numerator", pd, limits));
        }
        if qd > limits.max_digits {
            return Err(digits_limit(field, "denominator", qd, limits));
        }
        let p: BigInt = p.parse().map_err(|_| bad())?;
        let q: BigInt = q.parse().map_err(|_| bad())?;
        if q.is_zero() {
            return Err(invalid(field, "fraction has a zero denominator"));
        }
        return Ok(BigRational::new(p, q));
    }
    let (mantissa, exp_text) = match t.find(['e', 'E']) {
        Some(k) => (&t[..k], Some(&t[k + 1..])),
        None => (t, None),
    };
    // The exponent: its size is checked on its digits before it is converted.
    let exponent: i64 = match exp_text {
        None => 0,
        Some(e) => {
            if !is_int(e) {
                return Err(bad());
            }
            let neg = e.starts_with('-');
            let mag = significant(e.trim_start_matches(['-', '+']));
            let value: u64 = if mag > 19 {
                u64::MAX
            } else {
                e.trim_start_matches(['-', '+'])
                    .parse::<u64>()
                    .unwrap_or(u64::MAX)
            };
            if value > limits.max_exponent {
                return Err(Error::Limit {
                    what: format!("{field}: decimal exponent of one exact number"),
                    needed: value as u128,
                    limit: limits.max_exponent as u128,
                    how: "exact numbers are capped near the exact bit cap; write the number with \
                          a smaller exponent, or use f64 precision"
                        .into(),
                });
            }
            // value <= max_exponent fits i64 for any sane limit; saturate otherwise.
            let v = i64::try_from(value).unwrap_or(i64::MAX);
            if neg { -v } else { v }
        }
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
    // value = N * 10^scale with N the digits of int and frac parts.
    let scale = exponent.saturating_sub(frac_part.len() as i64);
    let n_digits = if int_part.trim_start_matches('0').is_empty() {
        significant(frac_part)
    } else {
        significant(int_part) + frac_part.len() as u64
    };
    let numer_digits = if n_digits == 0 {
        0
    } else {
        n_digits.saturating_add(scale.max(0) as u64)
    };
    let denom_digits = if n_digits == 0 {
        0
    } else {
        (-scale).max(0) as u64
    };
    if numer_digits > limits.max_digits {
        return Err(digits_limit(field, "numerator", numer_digits, limits));
    }
    if denom_digits > limits.max_digits {
        return Err(digits_limit(field, "denominator", denom_digits, limits));
    }
    if n_digits == 0 {
        return Ok(<BigRational as Zero>::zero());
    }
    let all: String = format!("{int_part}{frac_part}");
    let n: BigInt = all.parse().map_err(|_| bad())?;
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

/// `r` in scientific notation with `sig` significant digits, truncated toward zero (for
/// messages: "1.00000e-400" where the exact fraction would print hundreds of digits).
pub fn approx_decimal(r: &BigRational, sig: usize) -> String {
    if r.is_zero() {
        return "0".into();
    }
    let sig = sig.max(1);
    let a = r.abs();
    let pow10 = |k: i64| -> BigRational {
        let p = num_traits::pow(BigInt::from(10), k.unsigned_abs() as usize);
        if k >= 0 {
            BigRational::from_integer(p)
        } else {
            BigRational::new(BigInt::one(), p)
        }
    };
    // floor(log10 a) from the bit lengths, then corrected by comparisons.
    let nb = a.numer().bits() as f64;
    let db = a.denom().bits() as f64;
    let mut e = ((nb - db) * std::f64::consts::LOG10_2).floor() as i64;
    while a >= pow10(e + 1) {
        e += 1;
    }
    while a < pow10(e) {
        e -= 1;
    }
    let m = (&a * pow10(sig as i64 - 1 - e))
        .floor()
        .to_integer()
        .to_string();
    let sign = if r.is_negative() { "-" } else { "" };
    let (first, rest) = m.split_at(1);
    if rest.is_empty() {
        format!("{sign}{first}e{e}")
    } else {
        format!("{sign}{first}.{rest}e{e}")
    }
}

/// The exact `p/q` when it is at most `max_chars` long, else [`approx_decimal`] with 12
/// digits and a leading `~` (for messages).
pub fn format_rational_short(r: &BigRational, max_chars: usize) -> String {
    let exact = if r.denom().bits() + r.numer().bits() > 4 * max_chars as u64 {
        None
    } else {
        Some(format_rational(r)).filter(|s| s.len() <= max_chars)
    };
    exact.unwrap_or_else(|| format!("~{}", approx_decimal(r, 12)))
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

    fn exact(x: f64) -> BigRational {
        BigRational::from_float(x).unwrap()
    }

    /// For adjacent positive doubles a < b (b may be 2^1024, written as a rational), checks the
    /// conversion of the exact midpoint (ties to even), of points just above and just below it
    /// (dyadic and non-dyadic offsets), and of a and b themselves. The expected answers come
    /// from the bit patterns of a and b, not from the conversion under test.
    fn check_pair(a: f64, b_exact: &BigRational, b: f64) {
        let a_exact = exact(a);
        let mid = (&a_exact + b_exact) / BigRational::from_integer(2.into());
        let gap = b_exact - &a_exact;
        let even = if a.to_bits() & 1 == 0 { a } else { b };
        assert_eq!(rational_to_f64(&mid), even, "midpoint above {a:e}");
        assert_eq!(
            rational_to_f64(&-mid.clone()),
            -even,
            "negated midpoint above {a:e}"
        );
        for denom in [1u64 << 40, 3 << 40, 7, 1_000_003] {
            let tiny = &gap / BigRational::from_integer(BigInt::from(denom) << 20usize);
            assert_eq!(
                rational_to_f64(&(&mid + &tiny)),
                b,
                "just above the midpoint of {a:e}"
            );
            assert_eq!(
                rational_to_f64(&(&mid - &tiny)),
                a,
                "just below the midpoint of {a:e}"
            );
            assert_eq!(rational_to_f64(&(&a_exact + &tiny)), a);
            assert_eq!(rational_to_f64(&-(&a_exact + &tiny)), -a);
        }
        assert_eq!(rational_to_f64(&a_exact), a);
    }

    #[test]
    fn to_f64_rounds_halfway_cases_to_even() {
        let mut cases = vec![
            1.0,
            0.1,
            1.0 / 3.0,
            9_007_199_254_740_992.0, // 2^53: the gap doubles above
            9_007_199_254_740_991.0,
            1e300,
            1e-300,
            f64::MIN_POSITIVE,                               // smallest normal
            f64::from_bits(f64::MIN_POSITIVE.to_bits() - 1), // largest subnormal
            f64::from_bits(1),                               // smallest subnormal
            f64::from_bits(2),
            f64::from_bits(3),
            f64::from_bits(0x000f_0000_0000_0001),
            f64::MAX.next_down(),
        ];
        let mut rng = crate::rng::Rng::seed(17);
        for _ in 0..300 {
            let x = f64::from_bits(rng.next_u64() >> 1); // positive, any exponent
            if x.is_finite() && x < f64::MAX {
                cases.push(x);
            }
        }
        for a in cases {
            check_pair(a, &exact(a.next_up()), a.next_up());
        }
        // Between 0 and the smallest subnormal: the midpoint 2^-1075 rounds to 0 (even).
        check_pair(0.0, &exact(f64::from_bits(1)), f64::from_bits(1));
        // Between f64::MAX and 2^1024: the midpoint and above overflow to infinity, below
        // stays at MAX (its mantissa is odd, so the tie goes up).
        let two_1024 = BigRational::from_integer(BigInt::from(1) << 1024usize);
        let mid = (exact(f64::MAX) + &two_1024) / BigRational::from_integer(2.into());
        assert_eq!(rational_to_f64(&mid), f64::INFINITY);
        assert_eq!(rational_to_f64(&-mid.clone()), f64::NEG_INFINITY);
        let tiny = BigRational::new(1.into(), 3.into());
        assert_eq!(rational_to_f64(&(&mid - &tiny)), f64::MAX);
        assert_eq!(rational_to_f64(&two_1024), f64::INFINITY);
        // Far outside the range.
        let huge = BigRational::from_integer(BigInt::from(1) << 5000usize);
        assert_eq!(rational_to_f64(&huge), f64::INFINITY);
        assert_eq!(rational_to_f64(&huge.recip()), 0.0);
        assert!(rational_to_f64(&-huge.recip()).is_sign_negative());
        assert_eq!(rational_to_f64(&BigRational::from_integer(0.into())), 0.0);
    }

    /// The case the earlier truncating conversion got wrong: 1 + 2^-53 + 2^-200 is just above
    /// the midpoint between 1 and its successor, so it rounds up, while a 64-bit truncated
    /// quotient followed by a second rounding sees an exact tie and rounds down to 1.
    #[test]
    fn to_f64_has_no_double_rounding() {
        let one = BigRational::from_integer(1.into());
        let half_ulp = BigRational::new(1.into(), BigInt::from(1) << 53usize);
        let nudge = BigRational::new(1.into(), BigInt::from(1) << 200usize);
        let x = &one + &half_ulp + &nudge;
        assert_eq!(rational_to_f64(&x), 1.0f64.next_up());
        // Subnormal range: 2^-1074 * (1/2 + 2^-100) rounds up to the smallest subnormal.
        let s = exact(f64::from_bits(1))
            * (BigRational::new(1.into(), 2.into())
                + BigRational::new(1.into(), BigInt::from(1) << 100usize));
        assert_eq!(rational_to_f64(&s), f64::from_bits(1));
    }

    /// The limits are checked on the text: numbers just inside are read exactly, numbers just
    /// outside are `Error::Limit` naming the field and the side, and huge ones (a million
    /// digits, an exponent past i64) are refused the same way, never parsed.
    #[test]
    fn parse_limits_refuse_before_big_integer_work() {
        let lim = NumberLimits {
            max_digits: 5,
            max_exponent: 7,
        };
        let ok = |t: &str| parse_rational_limited(t, "theta[0]", &lim).unwrap();
        let limit = |t: &str| match parse_rational_limited(t, "theta[0]", &lim) {
            Err(Error::Limit {
                what,
                needed,
                limit,
                ..
            }) => {
                assert!(what.starts_with("theta[0]: "), "{what}");
                (what, needed, limit)
            }
            other => panic!("{t}: expected a limit, got {other:?}"),
        };
        assert_eq!(format_rational(&ok("99999")), "99999");
        assert_eq!(format_rational(&ok("000099999")), "99999"); // leading zeros are free
        assert_eq!(format_rational(&ok("12e3")), "12000"); // 5 digits
        assert_eq!(format_rational(&ok("1.2345")), "2469/2000"); // denominator 10^4
        assert_eq!(format_rational(&ok("0.00001")), "1/100000"); // denominator 10^5
        assert_eq!(format_rational(&ok("-12345/99999")), "-4115/33333");
        assert_eq!(format_rational(&ok("0e7")), "0");
        assert_eq!(format_rational(&ok("0.000e-7")), "0");
        let (w, n, l) = limit("123456");
        assert!(w.contains("numerator") && n == 6 && l == 5, "{w}");
        assert!(limit("123e4").0.contains("numerator")); // 1230000: 7 digits
        assert!(limit("0.000001").0.contains("denominator")); // 10^6
        assert!(limit("1e-6").0.contains("denominator"));
        assert!(limit("1/123456").0.contains("denominator"));
        assert!(limit("-123456/7").0.contains("numerator"));
        let (w, n, l) = limit("1e8");
        assert!(w.contains("exponent") && n == 8 && l == 7, "{w}");
        assert!(
            limit("1e-99999999999999999999999999")
                .0
                .contains("exponent")
        );
        assert_eq!(limit("1e-99999999999999999999999999").1, u64::MAX as u128);
        // A million digits: refused by counting, under the default limits too.
        let million = "7".repeat(1_000_000);
        assert!(limit(&million).0.contains("numerator"));
        match parse_rational(&million, "theta[3]") {
            Err(Error::Limit { needed, limit, .. }) => {
                assert_eq!((needed, limit), (1_000_000, DEFAULT_MAX_DIGITS as u128));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_rational(&format!("1/{million}"), "x"),
            Err(Error::Limit { .. })
        ));
        assert!(matches!(
            parse_rational("1e100000", "x"),
            Err(Error::Limit { .. })
        ));
        // Malformed text stays an Invalid error.
        for t in [
            "1e", "e5", "1.2.3", "1/", "/2", "1/2/3", "--1", "1e1.5", "0x10",
        ] {
            assert!(
                matches!(
                    parse_rational_limited(t, "x", &lim),
                    Err(Error::Invalid { .. })
                ),
                "{t}"
            );
        }
    }

    #[test]
    fn approx_decimal_prints_the_leading_digits() {
        let r = |t: &str| parse_rational(t, "x").unwrap();
        assert_eq!(approx_decimal(&r("1e-400"), 6), "1.00000e-400");
        assert_eq!(approx_decimal(&r("-2/3"), 4), "-6.666e-1");
        assert_eq!(approx_decimal(&r("999.99"), 3), "9.99e2");
        assert_eq!(approx_decimal(&r("1000"), 1), "1e3");
        assert_eq!(approx_decimal(&r("0"), 3), "0");
        assert_eq!(format_rational_short(&r("3/7"), 10), "3/7");
        assert_eq!(
            format_rational_short(&r("1e-400"), 40),
            "~1.00000000000e-400"
        );
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
