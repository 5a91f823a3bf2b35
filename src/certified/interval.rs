//! Closed intervals `[lo, hi]` of binary floating-point numbers with outward rounding.
//!
//! Each endpoint is a dashu-float `Repr<2>` (an arbitrary-size significand times a power of 2).
//! Every operation rounds the lower endpoint toward minus infinity and the upper endpoint
//! toward plus infinity, at the working precision carried by the operands (dashu-float
//! documents its `+ - * /`, `sqrt`, `exp`, `ln` and `ln_1p` as correctly rounded in every
//! rounding mode), so the result interval contains the exact real result of the operation
//! applied to any reals inside the operand intervals.
//!
//! An operation that dashu-float cannot carry out (division by an interval that contains 0,
//! the logarithm of a non-positive number, an exponent out of range) makes the interval
//! *invalid* ("anything"): invalidity propagates through every later operation, and the
//! certified driver reports it as a typed error rather than a wrong enclosure.

use crate::num::Num;
use crate::num::rational::Rational;
use dashu_float::round::mode::{Down, Up};
use dashu_float::{Context, FBig, FpResult, Repr};
use dashu_int::IBig;
use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};
use std::cmp::Ordering;
use std::ops::{Add, Div, Mul, Neg, Sub};

type Bin = Repr<2>;

/// Precision (bits) used when both operands are exact constants (precision 0).
pub const FALLBACK_PRECISION: usize = 128;

/// A closed interval with binary floating-point endpoints, rounded outward.
///
/// `prec` is the working precision in bits of the results of operations on it (0 for an
/// exact constant such as `0`, `1` or an `f64`; an operation uses the larger precision of its
/// operands). The default working precision is chosen by the certified driver.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    lo: Bin,
    hi: Bin,
    prec: usize,
    valid: bool,
}

fn lower(p: usize) -> Context<Down> {
    Context::new(p)
}

fn upper(p: usize) -> Context<Up> {
    Context::new(p)
}

fn take<R: dashu_float::round::Round>(r: FpResult<FBig<R, 2>>) -> Option<Bin> {
    match r {
        Ok(a) => {
            let v = a.value().into_repr();
            if v.is_infinite() { None } else { Some(v) }
        }
        Err(_) => None,
    }
}

fn min(a: Bin, b: Bin) -> Bin {
    if b < a { b } else { a }
}

fn max(a: Bin, b: Bin) -> Bin {
    if b > a { b } else { a }
}

/// |x| < bound (bound > 0).
fn abs_lt(x: &Bin, bound: &Bin) -> bool {
    if is_neg(x) {
        &-x.clone() < bound
    } else {
        x < bound
    }
}

fn is_neg(x: &Bin) -> bool {
    x.significand() < &IBig::ZERO
}

fn is_pos(x: &Bin) -> bool {
    x.significand() > &IBig::ZERO
}

/// An `f64` as an exact binary number (finite input; non-finite maps to 0 and is never used).
fn bin_of_f64(x: f64) -> Bin {
    if !x.is_finite() || x == 0.0 {
        return Bin::zero();
    }
    let bits = x.to_bits();
    let sign = bits >> 63;
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = (bits & ((1u64 << 52) - 1)) as i64;
    let (m, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1i64 << 52), exp - 1075)
    };
    let m = if sign == 1 { -m } else { m };
    Bin::new(IBig::from(m), e as isize)
}

/// A dashu integer as a num-bigint integer (two's-complement bytes, exact).
pub(crate) fn bigint_of_ibig(x: &IBig) -> BigInt {
    BigInt::from_signed_bytes_le(&x.to_le_bytes())
}

/// A num-bigint integer as a dashu integer (exact).
pub(crate) fn ibig_of_bigint(x: &BigInt) -> IBig {
    IBig::from_le_bytes(&x.to_signed_bytes_le())
}

/// The exact rational value of a finite binary number.
pub(crate) fn rational_of_bin(x: &Bin) -> Rational {
    let m = bigint_of_ibig(x.significand());
    let e = x.exponent();
    if e >= 0 {
        Rational::from_integer(m << (e as usize))
    } else {
        Rational::new(m, BigInt::one() << ((-e) as usize))
    }
}

/// `r` rounded to `prec` significant bits, toward minus infinity (`up = false`) or plus
/// infinity (`up = true`), by exact integer arithmetic.
fn bin_of_rational(r: &Rational, prec: usize, up: bool) -> Bin {
    if r.is_zero() {
        return Bin::zero();
    }
    let prec = prec.max(2) as i64;
    // Scale so that |r| 2^k has at least prec bits before the point.
    let nb = r.numer().abs().bits() as i64;
    let db = r.denom().bits() as i64;
    let k = prec - (nb - db) + 1;
    let (num, den) = if k >= 0 {
        (r.numer() << (k as usize), r.denom().clone())
    } else {
        (r.numer().clone(), r.denom() << ((-k) as usize))
    };
    // floor or ceil of num / den.
    let (q, rem) = num_integer::Integer::div_mod_floor(&num, &den);
    let q = if up && !rem.is_zero() { q + 1 } else { q };
    Bin::new(ibig_of_bigint(&q), (-k) as isize)
}

impl Interval {
    /// The interval that stands for "anything": the result of an operation that could not be
    /// enclosed. Every operation involving it is invalid too.
    pub fn invalid() -> Self {
        Interval {
            lo: Bin::zero(),
            hi: Bin::zero(),
            prec: 0,
            valid: false,
        }
    }

    fn make(lo: Option<Bin>, hi: Option<Bin>, prec: usize) -> Self {
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo <= hi => Interval {
                lo,
                hi,
                prec,
                valid: true,
            },
            _ => Interval::invalid(),
        }
    }

    /// The exact value of an `f64` (a point interval), computed on at `prec` bits.
    pub fn point(x: f64, prec: usize) -> Self {
        if !x.is_finite() {
            return Interval::invalid();
        }
        let b = bin_of_f64(x);
        Interval {
            lo: b.clone(),
            hi: b,
            prec,
            valid: true,
        }
    }

    /// The hull `[lo, hi]` of two `f64`s (`lo <= hi`), at `prec` bits.
    pub fn hull_f64(lo: f64, hi: f64, prec: usize) -> Self {
        Interval::make(Some(bin_of_f64(lo)), Some(bin_of_f64(hi)), prec)
    }

    /// The tightest `prec`-bit interval containing the rational `r`.
    pub fn from_rational(r: &Rational, prec: usize) -> Self {
        let p = if prec == 0 { FALLBACK_PRECISION } else { prec };
        Interval::make(
            Some(bin_of_rational(r, p, false)),
            Some(bin_of_rational(r, p, true)),
            prec,
        )
    }

    /// The same interval with another working precision.
    pub fn with_precision(mut self, prec: usize) -> Self {
        self.prec = prec;
        self
    }

    /// The working precision in bits (0 for an exact constant).
    pub fn precision(&self) -> usize {
        self.prec
    }

    /// Whether the interval is a valid enclosure (false after an operation that failed).
    pub fn is_valid(&self) -> bool {
        self.valid
    }

    /// The exact endpoints as rationals (`None` for an invalid interval).
    pub fn bounds(&self) -> Option<(Rational, Rational)> {
        self.valid
            .then(|| (rational_of_bin(&self.lo), rational_of_bin(&self.hi)))
    }

    /// Whether the interval contains the rational `x`.
    pub fn contains(&self, x: &Rational) -> bool {
        match self.bounds() {
            Some((lo, hi)) => lo <= *x && *x <= hi,
            None => false,
        }
    }

    /// The lower endpoint rounded down to an `f64` (`-inf` if invalid or below the range).
    pub fn lo_f64(&self) -> f64 {
        if !self.valid {
            return f64::NEG_INFINITY;
        }
        FBig::<Down, 2>::from_repr(self.lo.clone(), lower(self.lo.digits().max(1)))
            .to_f64()
            .value()
    }

    /// The upper endpoint rounded up to an `f64` (`+inf` if invalid or above the range).
    pub fn hi_f64(&self) -> f64 {
        if !self.valid {
            return f64::INFINITY;
        }
        FBig::<Up, 2>::from_repr(self.hi.clone(), upper(self.hi.digits().max(1)))
            .to_f64()
            .value()
    }

    /// Width `hi - lo`, exactly, as a rational (`None` if invalid).
    pub fn width(&self) -> Option<Rational> {
        self.bounds().map(|(lo, hi)| hi - lo)
    }

    /// The smallest absolute value over the interval (0 if it contains 0).
    pub fn mag_min(&self) -> Option<Rational> {
        let (lo, hi) = self.bounds()?;
        Some(if lo.is_positive() {
            lo
        } else if hi.is_negative() {
            -hi
        } else {
            <Rational as Zero>::zero()
        })
    }

    /// The largest absolute value over the interval.
    pub fn mag_max(&self) -> Option<Rational> {
        let (lo, hi) = self.bounds()?;
        Some(if lo.abs() > hi.abs() {
            lo.abs()
        } else {
            hi.abs()
        })
    }

    /// Whether the lower endpoint is >= 0.
    pub fn is_nonneg(&self) -> bool {
        self.valid && !is_neg(&self.lo)
    }

    /// Whether every element is > 0.
    pub fn is_pos(&self) -> bool {
        self.valid && is_pos(&self.lo)
    }

    /// Whether every element is < 0.
    pub fn is_neg(&self) -> bool {
        self.valid && is_neg(&self.hi)
    }

    /// Whether the interval is the single point 0.
    pub fn is_zero(&self) -> bool {
        self.valid && self.lo.significand().is_zero() && self.hi.significand().is_zero()
    }

    /// Whether `self <= other` holds for every pair of elements (`hi <= other.lo`).
    pub fn certainly_le(&self, other: &Interval) -> bool {
        self.valid && other.valid && self.hi <= other.lo
    }

    /// Whether `self < other` holds for every pair of elements (`hi < other.lo`).
    pub fn certainly_lt(&self, other: &Interval) -> bool {
        self.valid && other.valid && self.hi < other.lo
    }

    /// The lower endpoint as a point interval.
    pub fn lower_point(&self) -> Interval {
        Interval {
            lo: self.lo.clone(),
            hi: self.lo.clone(),
            prec: self.prec,
            valid: self.valid,
        }
    }

    /// The upper endpoint as a point interval.
    pub fn upper_point(&self) -> Interval {
        Interval {
            lo: self.hi.clone(),
            hi: self.hi.clone(),
            prec: self.prec,
            valid: self.valid,
        }
    }

    /// `[a.lo, b.hi]`: the interval from the lower end of `a` to the upper end of `b`
    /// (used to assemble the enclosure of a monotone function from its values at the ends).
    pub fn join(a: &Interval, b: &Interval) -> Interval {
        if !a.valid || !b.valid {
            return Interval::invalid();
        }
        Interval::make(Some(a.lo.clone()), Some(b.hi.clone()), a.prec.max(b.prec))
    }

    /// The convex hull of two intervals.
    pub fn hull(a: &Interval, b: &Interval) -> Interval {
        if !a.valid || !b.valid {
            return Interval::invalid();
        }
        Interval::make(
            Some(min(a.lo.clone(), b.lo.clone())),
            Some(max(a.hi.clone(), b.hi.clone())),
            a.prec.max(b.prec),
        )
    }

    /// `max(a, b)` elementwise (increasing in both arguments, so the ends are the maxima of
    /// the ends).
    pub fn max_of(a: &Interval, b: &Interval) -> Interval {
        if !a.valid || !b.valid {
            return Interval::invalid();
        }
        Interval::make(
            Some(max(a.lo.clone(), b.lo.clone())),
            Some(max(a.hi.clone(), b.hi.clone())),
            a.prec.max(b.prec),
        )
    }

    /// `min(a, b)` elementwise.
    pub fn min_of(a: &Interval, b: &Interval) -> Interval {
        -Interval::max_of(&-a.clone(), &-b.clone())
    }

    /// `|x|` (exact: no rounding).
    pub fn abs(&self) -> Interval {
        if !self.valid {
            return Interval::invalid();
        }
        if !is_neg(&self.lo) {
            self.clone()
        } else if !is_pos(&self.hi) {
            -self.clone()
        } else {
            let m = max(-self.lo.clone(), self.hi.clone());
            Interval::make(Some(Bin::zero()), Some(m), self.prec)
        }
    }

    /// Whether the interval is the single point 1.
    pub fn is_one(&self) -> bool {
        self.valid && self.lo == Bin::one() && self.hi == Bin::one()
    }

    /// The interval clipped to `[lo, hi]` (constants): `clip` is monotone, so clipping both
    /// endpoints encloses the clipped values.
    pub fn clip(&self, lo: &Interval, hi: &Interval) -> Interval {
        if !self.valid || !lo.valid || !hi.valid {
            return Interval::invalid();
        }
        let l = min(max(self.lo.clone(), lo.lo.clone()), hi.lo.clone());
        let h = max(min(self.hi.clone(), hi.hi.clone()), lo.hi.clone());
        Interval::make(Some(l), Some(h), self.prec)
    }

    /// Drops the part of the interval below 0, for a quantity known to be >= 0 in exact
    /// arithmetic (the caller's responsibility). Stays invalid if the whole interval is < 0.
    pub fn clamp_nonneg(&self) -> Interval {
        if !self.valid || is_neg(&self.hi) {
            return Interval::invalid();
        }
        let mut out = self.clone();
        if is_neg(&out.lo) {
            out.lo = Bin::zero();
        }
        out
    }

    fn prec_with(&self, other: &Interval) -> usize {
        let p = self.prec.max(other.prec);
        if p == 0 { FALLBACK_PRECISION } else { p }
    }

    fn own_prec(&self) -> usize {
        if self.prec == 0 {
            FALLBACK_PRECISION
        } else {
            self.prec
        }
    }

    /// e^x (increasing).
    ///
    /// Two ranges are bounded by elementary inequalities instead of calling dashu-float, whose
    /// correct-rounding loop compares numbers by shifting them into alignment and would need
    /// memory proportional to the exponent gap:
    /// - below x = -2^16 the lower end is 0 and the upper end is e^(-2^16) (about 10^-28462),
    ///   narrower than any target this crate accepts;
    /// - for |x| < 2^-(prec + 8), 1 + x <= e^x <= 1 + x + x^2 (true for |x| <= 1).
    ///
    /// Overflow (beyond dashu-float's exponent range) gives an invalid interval.
    pub fn exp(&self) -> Interval {
        if !self.valid {
            return Interval::invalid();
        }
        let p = self.own_prec();
        let floor = Bin::new(IBig::from(-1), 16);
        let tiny = Bin::new(IBig::from(1), -(p as isize) - 8);
        let lo = if self.lo < floor {
            Some(Bin::zero())
        } else if abs_lt(&self.lo, &tiny) {
            take(lower(p).add(&Bin::one(), &self.lo))
        } else {
            take(lower(p).exp(&self.lo, None))
        };
        let hi = if self.hi < floor {
            take(upper(p).exp(&floor, None))
        } else if abs_lt(&self.hi, &tiny) {
            let sq = take(upper(p).mul(&self.hi, &self.hi));
            let a = take(upper(p).add(&Bin::one(), &self.hi));
            match (sq, a) {
                (Some(sq), Some(a)) => take(upper(p).add(&a, &sq)),
                _ => None,
            }
        } else {
            take(upper(p).exp(&self.hi, None))
        };
        // e^x <= 1 for x <= 0 and e^x >= 1 for x >= 0: keeps coarse precisions tight at 1.
        let hi = hi.map(|h| {
            if !is_pos(&self.hi) {
                min(h, Bin::one())
            } else {
                h
            }
        });
        let lo = lo.map(|l| {
            if !is_neg(&self.lo) {
                max(l, Bin::one())
            } else {
                l
            }
        });
        Interval::make(lo, hi, self.prec)
    }

    /// ln(1 + x) (increasing; invalid unless x > -1 on the whole interval). For
    /// 0 <= x < 2^-(prec + 8) the bounds x - x^2/2 <= ln(1 + x) <= x are used (see
    /// [`Interval::exp`] for why).
    pub fn ln_1p(&self) -> Interval {
        if !self.valid {
            return Interval::invalid();
        }
        let p = self.own_prec();
        let tiny = Bin::new(IBig::from(1), -(p as isize) - 8);
        let small = |x: &Bin| !is_neg(x) && x < &tiny;
        let lo = if small(&self.lo) {
            match take(upper(p).mul(&self.lo, &self.lo)) {
                Some(sq) => {
                    let half = Bin::new(sq.significand().clone(), sq.exponent() - 1);
                    take(lower(p).sub(&self.lo, &half))
                }
                None => None,
            }
        } else {
            take(lower(p).ln_1p(&self.lo, None))
        };
        let hi = if small(&self.hi) {
            Some(self.hi.clone())
        } else {
            take(upper(p).ln_1p(&self.hi, None))
        };
        Interval::make(lo, hi, self.prec)
    }

    /// ln(x) (increasing; invalid unless x > 0 on the whole interval).
    pub fn ln(&self) -> Interval {
        if !self.valid || !is_pos(&self.lo) {
            return Interval::invalid();
        }
        let p = self.own_prec();
        Interval::make(
            take(lower(p).ln(&self.lo, None)),
            take(upper(p).ln(&self.hi, None)),
            self.prec,
        )
    }

    /// Square root (increasing; invalid if the interval reaches below 0: use
    /// [`Interval::clamp_nonneg`] first where the argument is known to be >= 0).
    pub fn sqrt(&self) -> Interval {
        if !self.valid || is_neg(&self.lo) {
            return Interval::invalid();
        }
        let p = self.own_prec();
        Interval::make(
            take(lower(p).sqrt(&self.lo)),
            take(upper(p).sqrt(&self.hi)),
            self.prec,
        )
    }

    /// x^1.5 = x sqrt(x) for x >= 0 (increasing).
    pub fn pow_3_2(&self) -> Interval {
        let r = self.sqrt();
        self.clone() * r
    }

    /// Compares the midpoints (for diagnostics only; never used to make a certified choice).
    pub fn cmp_mid(&self, other: &Interval) -> Ordering {
        self.to_f64().total_cmp(&other.to_f64())
    }
}

impl Add for Interval {
    type Output = Interval;
    fn add(self, b: Interval) -> Interval {
        if !self.valid || !b.valid {
            return Interval::invalid();
        }
        let p = self.prec_with(&b);
        Interval::make(
            take(lower(p).add(&self.lo, &b.lo)),
            take(upper(p).add(&self.hi, &b.hi)),
            self.prec.max(b.prec),
        )
    }
}

impl Sub for Interval {
    type Output = Interval;
    fn sub(self, b: Interval) -> Interval {
        if !self.valid || !b.valid {
            return Interval::invalid();
        }
        let p = self.prec_with(&b);
        Interval::make(
            take(lower(p).sub(&self.lo, &b.hi)),
            take(upper(p).sub(&self.hi, &b.lo)),
            self.prec.max(b.prec),
        )
    }
}

impl Neg for Interval {
    type Output = Interval;
    fn neg(self) -> Interval {
        if !self.valid {
            return self;
        }
        Interval {
            lo: -self.hi,
            hi: -self.lo,
            prec: self.prec,
            valid: true,
        }
    }
}

impl Mul for Interval {
    type Output = Interval;
    fn mul(self, b: Interval) -> Interval {
        if !self.valid || !b.valid {
            return Interval::invalid();
        }
        let p = self.prec_with(&b);
        let prec = self.prec.max(b.prec);
        let (d, u) = (lower(p), upper(p));
        if !is_neg(&self.lo) && !is_neg(&b.lo) {
            // Both non-negative: the common case (probabilities times probabilities).
            return Interval::make(
                take(d.mul(&self.lo, &b.lo)),
                take(u.mul(&self.hi, &b.hi)),
                prec,
            );
        }
        self.corner_hull(&b, prec, |x, y| take(d.mul(x, y)), |x, y| take(u.mul(x, y)))
    }
}

impl Interval {
    /// The hull of a bilinear operation over the four corners of the box self x b: the
    /// minimum of the downward-rounded results and the maximum of the upward-rounded ones.
    fn corner_hull(
        &self,
        b: &Interval,
        prec: usize,
        down: impl Fn(&Bin, &Bin) -> Option<Bin>,
        up: impl Fn(&Bin, &Bin) -> Option<Bin>,
    ) -> Interval {
        let pairs = [
            (&self.lo, &b.lo),
            (&self.lo, &b.hi),
            (&self.hi, &b.lo),
            (&self.hi, &b.hi),
        ];
        let mut lo: Option<Bin> = None;
        let mut hi: Option<Bin> = None;
        for (x, y) in pairs {
            let (Some(l), Some(h)) = (down(x, y), up(x, y)) else {
                return Interval::invalid();
            };
            lo = Some(match lo {
                None => l,
                Some(a) => min(a, l),
            });
            hi = Some(match hi {
                None => h,
                Some(a) => max(a, h),
            });
        }
        Interval::make(lo, hi, prec)
    }
}

impl Div for Interval {
    type Output = Interval;
    fn div(self, b: Interval) -> Interval {
        if !self.valid || !b.valid || !(is_pos(&b.lo) || is_neg(&b.hi)) {
            return Interval::invalid();
        }
        let p = self.prec_with(&b);
        let prec = self.prec.max(b.prec);
        let (d, u) = (lower(p), upper(p));
        self.corner_hull(&b, prec, |x, y| take(d.div(x, y)), |x, y| take(u.div(x, y)))
    }
}

impl Num for Interval {
    fn zero() -> Self {
        Interval::point(0.0, 0)
    }
    fn one() -> Self {
        Interval::point(1.0, 0)
    }
    fn from_i64(x: i64) -> Self {
        let b = Bin::new(IBig::from(x), 0);
        Interval {
            lo: b.clone(),
            hi: b,
            prec: 0,
            valid: true,
        }
    }
    fn from_f64(x: f64) -> Self {
        Interval::point(x, 0)
    }
    /// The midpoint, rounded to the nearest `f64` (NaN-free: an invalid interval gives 0).
    fn to_f64(&self) -> f64 {
        if !self.valid {
            return 0.0;
        }
        let (lo, hi) = (self.lo_f64(), self.hi_f64());
        let m = lo / 2.0 + hi / 2.0;
        if m.is_finite() { m } else { lo.max(-f64::MAX) }
    }
    fn is_finite(&self) -> bool {
        self.valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x: f64) -> Rational {
        Rational::from_float(x).unwrap()
    }

    #[test]
    fn arithmetic_encloses_the_exact_result() {
        let a = Interval::point(0.1, 60);
        let b = Interval::point(3.0, 60);
        let q = a.clone() / b.clone();
        assert!(q.contains(&(r(0.1) / r(3.0))));
        assert!(!q.is_zero());
        let w = q.width().unwrap();
        assert!(w > <Rational as Zero>::zero() && w < r(1e-18));
        let m = (a.clone() - b.clone()) * (b.clone() - a.clone());
        assert!(m.contains(&(-(r(3.0) - r(0.1)) * (r(3.0) - r(0.1)))));
        assert!(!(a.clone() / (a.clone() - a.clone())).is_valid());
    }

    #[test]
    fn transcendentals_are_monotone_enclosures() {
        let x = Interval::hull_f64(-1.0, 2.0, 100);
        let e = x.exp();
        assert!(e.lo_f64() <= (-1f64).exp() && e.hi_f64() >= 2f64.exp());
        let l = Interval::point(2.0, 100).ln();
        assert!(l.lo_f64() <= std::f64::consts::LN_2 && std::f64::consts::LN_2 <= l.hi_f64());
        let s = Interval::point(2.0, 100).sqrt();
        let sq = s.clone() * s;
        assert!(sq.contains(&r(2.0)));
        assert!(!Interval::point(-1.0, 100).sqrt().is_valid());
        assert!(!Interval::point(0.0, 100).ln().is_valid());
    }

    #[test]
    fn rational_round_trip_is_outward() {
        let third = Rational::new(BigInt::from(1), BigInt::from(3));
        let t = Interval::from_rational(&third, 80);
        assert!(t.contains(&third));
        assert!(t.width().unwrap() < r(1e-20));
        let neg = Interval::from_rational(&-third.clone(), 80);
        assert!(neg.contains(&-third));
        assert_eq!(Interval::point(-0.75, 10).bounds().unwrap().0, r(-0.75));
        assert_eq!(Interval::point(5e-324, 10).bounds().unwrap().0, r(5e-324));
    }
}
