//! Value types for set functions: exact integers ([`i128`]), exact rationals
//! ([`BigRational`]) and floating point ([`f64`]).
//!
//! [`Value`] is the ring-like interface the combinatorial algorithms need (add, subtract,
//! multiply, a total order, and a density comparison). [`Field`] adds division and random
//! rounding, which the multilinear extension and the continuous algorithms need.

use std::cmp::Ordering;
use std::fmt::Debug;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::rng::Rng;

/// A number type for set-function values and item costs.
///
/// Exact types (`i128`, `BigRational`) compare exactly; `f64` compares with
/// [`f64::total_cmp`], so every comparison is a total order and all algorithms are
/// deterministic.
///
/// `i128` arithmetic is not overflow-checked: keep values, costs and the budget small enough
/// that sums over all items and products of two such sums fit (magnitudes below about `2^60`
/// for sums, so cross-multiplied densities stay below `2^127`). The CLI only uses `i128`
/// when every input number is an integer of magnitude at most `2^40`. Use `BigRational`
/// for anything larger.
pub trait Value: Clone + Debug + PartialEq {
    /// Additive identity.
    fn zero() -> Self;
    /// Conversion from a small integer.
    fn from_i64(v: i64) -> Self;
    /// `self + other`.
    fn add(&self, other: &Self) -> Self;
    /// `self - other`.
    fn sub(&self, other: &Self) -> Self;
    /// `self * other`.
    fn mul(&self, other: &Self) -> Self;
    /// Total order.
    fn cmp_value(&self, other: &Self) -> Ordering;
    /// Nearest `f64` (for reporting and for tolerance-based checks).
    fn to_f64(&self) -> f64;
    /// The exact rational value (`None` for a non-finite `f64`).
    fn to_rational(&self) -> Option<BigRational>;
    /// Whether arithmetic in this type is exact.
    fn is_exact() -> bool;
    /// Compare densities `g1 / c1` and `g2 / c2` for positive `c1`, `c2`.
    ///
    /// Exact types cross-multiply (exact, hence transitive); `f64` compares the rounded
    /// quotients with `total_cmp` (also transitive), so naive and lazy greedy see the same
    /// order.
    fn density_cmp(g1: &Self, c1: &Self, g2: &Self, c2: &Self) -> Ordering {
        g1.mul(c2).cmp_value(&g2.mul(c1))
    }
    /// `self > 0`.
    fn is_positive(&self) -> bool {
        self.cmp_value(&Self::zero()) == Ordering::Greater
    }
    /// `self < 0`.
    fn is_negative(&self) -> bool {
        self.cmp_value(&Self::zero()) == Ordering::Less
    }
    /// `self > other` (a fast path for inner loops; agrees with [`Value::cmp_value`] on
    /// non-NaN values).
    fn gt(&self, other: &Self) -> bool {
        self.cmp_value(other) == Ordering::Greater
    }
    /// `self <= other`.
    fn le(&self, other: &Self) -> bool {
        self.cmp_value(other) != Ordering::Greater
    }
    /// `self >= other - tol * scale` for inexact types, `self >= other` for exact ones.
    fn ge_tol(&self, other: &Self, tol: f64) -> bool {
        if Self::is_exact() {
            self.cmp_value(other) != Ordering::Less
        } else {
            let (a, b) = (self.to_f64(), other.to_f64());
            a >= b - tol * (1.0 + a.abs().max(b.abs()))
        }
    }
    /// The larger of two values (the first on ties).
    fn max_value(self, other: Self) -> Self {
        if other.cmp_value(&self) == Ordering::Greater {
            other
        } else {
            self
        }
    }
    /// The smaller of two values (the first on ties).
    fn min_value(self, other: Self) -> Self {
        if other.cmp_value(&self) == Ordering::Less {
            other
        } else {
            self
        }
    }
    /// Sum of a slice.
    fn sum<'a, I: IntoIterator<Item = &'a Self>>(items: I) -> Self
    where
        Self: 'a,
    {
        items.into_iter().fold(Self::zero(), |acc, v| acc.add(v))
    }
}

/// A [`Value`] with division: rationals and `f64`.
pub trait Field: Value {
    /// Multiplicative identity.
    fn one() -> Self;
    /// `self / other` (`other != 0`).
    fn div(&self, other: &Self) -> Self;
    /// The fraction `num / den` (`den != 0`).
    fn from_ratio(num: i64, den: i64) -> Self {
        Self::from_i64(num).div(&Self::from_i64(den))
    }
    /// Draw `true` with probability `self` (clamped to [0, 1]).
    ///
    /// The uniform draw has 53 random bits, so the realised probability differs from
    /// `self` by less than `2^-53`; tests that need exact expectations enumerate both
    /// branches instead of sampling.
    fn bernoulli(&self, rng: &mut Rng) -> bool;
}

impl Value for i128 {
    fn zero() -> Self {
        0
    }
    fn from_i64(v: i64) -> Self {
        v as i128
    }
    fn add(&self, other: &Self) -> Self {
        self + other
    }
    fn sub(&self, other: &Self) -> Self {
        self - other
    }
    fn mul(&self, other: &Self) -> Self {
        self * other
    }
    fn cmp_value(&self, other: &Self) -> Ordering {
        self.cmp(other)
    }
    fn to_f64(&self) -> f64 {
        *self as f64
    }
    fn to_rational(&self) -> Option<BigRational> {
        Some(BigRational::from_integer(BigInt::from(*self)))
    }
    fn is_exact() -> bool {
        true
    }
}

impl Value for BigRational {
    fn zero() -> Self {
        Zero::zero()
    }
    fn from_i64(v: i64) -> Self {
        BigRational::from_integer(BigInt::from(v))
    }
    fn add(&self, other: &Self) -> Self {
        self + other
    }
    fn sub(&self, other: &Self) -> Self {
        self - other
    }
    fn mul(&self, other: &Self) -> Self {
        self * other
    }
    fn cmp_value(&self, other: &Self) -> Ordering {
        self.cmp(other)
    }
    fn to_f64(&self) -> f64 {
        self.to_f64_lossy()
    }
    fn to_rational(&self) -> Option<BigRational> {
        Some(self.clone())
    }
    fn is_exact() -> bool {
        true
    }
    fn is_positive(&self) -> bool {
        Signed::is_positive(self)
    }
}

/// Lossy conversion of a rational to `f64` that does not overflow on big numerators
/// and denominators.
trait ToF64Lossy {
    fn to_f64_lossy(&self) -> f64;
}

impl ToF64Lossy for BigRational {
    fn to_f64_lossy(&self) -> f64 {
        if let (Some(n), Some(d)) = (self.numer().to_f64(), self.denom().to_f64())
            && n.is_finite()
            && d.is_finite()
        {
            return n / d;
        }
        // Scale both down by the same power of two.
        let bits = self.numer().bits().max(self.denom().bits());
        let shift = bits.saturating_sub(1000) as usize;
        let n = (self.numer() >> shift).to_f64().unwrap_or(f64::NAN);
        let d = (self.denom() >> shift).to_f64().unwrap_or(f64::NAN);
        n / d
    }
}

impl Field for BigRational {
    fn one() -> Self {
        One::one()
    }
    fn div(&self, other: &Self) -> Self {
        self / other
    }
    fn bernoulli(&self, rng: &mut Rng) -> bool {
        let u = BigRational::new(BigInt::from(rng.next_u64() >> 11), BigInt::from(1u64 << 53));
        u < *self
    }
}

impl Value for f64 {
    fn zero() -> Self {
        0.0
    }
    fn from_i64(v: i64) -> Self {
        v as f64
    }
    fn add(&self, other: &Self) -> Self {
        self + other
    }
    fn sub(&self, other: &Self) -> Self {
        self - other
    }
    fn mul(&self, other: &Self) -> Self {
        self * other
    }
    fn cmp_value(&self, other: &Self) -> Ordering {
        self.total_cmp(other)
    }
    fn to_f64(&self) -> f64 {
        *self
    }
    fn to_rational(&self) -> Option<BigRational> {
        BigRational::from_float(*self)
    }
    fn is_exact() -> bool {
        false
    }
    fn density_cmp(g1: &Self, c1: &Self, g2: &Self, c2: &Self) -> Ordering {
        (g1 / c1).total_cmp(&(g2 / c2))
    }
    fn is_positive(&self) -> bool {
        *self > 0.0
    }
    fn is_negative(&self) -> bool {
        *self < 0.0
    }
    fn gt(&self, other: &Self) -> bool {
        *self > *other
    }
}

impl Field for f64 {
    fn one() -> Self {
        1.0
    }
    fn div(&self, other: &Self) -> Self {
        self / other
    }
    fn bernoulli(&self, rng: &mut Rng) -> bool {
        rng.uniform() < *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn density_orders_agree() {
        let a = Value::density_cmp(&3i128, &2, &4, &3);
        assert_eq!(a, Ordering::Greater);
        assert_eq!(Value::density_cmp(&3.0f64, &2.0, &4.0, &3.0), a);
        let r = |x: i64| BigRational::from_i64(x);
        assert_eq!(Value::density_cmp(&r(3), &r(2), &r(4), &r(3)), a);
    }

    #[test]
    fn rational_to_f64_huge() {
        let big = BigRational::new(BigInt::from(1) << 3000, (BigInt::from(1) << 3000) * 4);
        assert_eq!(Value::to_f64(&big), 0.25);
    }
}
