//! Number types the generic dynamic program runs on.
//!
//! The DP itself needs only a commutative ring with division ([`Num`]); the regularizers
//! need comparisons ([`Ordered`]) and, for shannon and tsallis, transcendental functions
//! ([`Real`]). Exact rationals implement [`Ordered`] but not [`Real`], so asking the
//! compiler for an exact shannon operator is a type error rather than a silent rounding.

pub mod rational;

use std::fmt::Debug;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A field element the DP can run on: `f64`, exact rationals, certified intervals.
pub trait Num:
    Clone
    + Debug
    + PartialEq
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Send
    + Sync
{
    /// Whether values are exact big numbers (their tables get the smaller exact cell budget).
    const IS_EXACT: bool = false;
    /// Additive identity.
    fn zero() -> Self;
    /// Multiplicative identity.
    fn one() -> Self;
    /// The exact value of a small integer.
    fn from_i64(x: i64) -> Self;
    /// The value of an `f64` (exactly, for every type that can represent it).
    fn from_f64(x: f64) -> Self;
    /// The nearest `f64` (a midpoint for intervals).
    fn to_f64(&self) -> f64;
    /// Whether the value is finite (always true for exact types).
    fn is_finite(&self) -> bool {
        true
    }
    /// Size in bits of the representation (0 for fixed-size types); used to cap exact growth.
    fn bits(&self) -> u64 {
        0
    }
}

/// A totally ordered field (f64 restricted to finite values, exact rationals).
pub trait Ordered: Num + PartialOrd {}

/// An ordered field with the transcendental functions shannon and tsallis need.
pub trait Real: Ordered {
    /// e^x.
    fn exp(&self) -> Self;
    /// ln(1 + x).
    fn ln_1p(&self) -> Self;
    /// Square root.
    fn sqrt(&self) -> Self;
}

impl Num for f64 {
    fn zero() -> Self {
        0.0
    }
    fn one() -> Self {
        1.0
    }
    fn from_i64(x: i64) -> Self {
        x as f64
    }
    fn from_f64(x: f64) -> Self {
        x
    }
    fn to_f64(&self) -> f64 {
        *self
    }
    fn is_finite(&self) -> bool {
        f64::is_finite(*self)
    }
}

impl Ordered for f64 {}

impl Real for f64 {
    fn exp(&self) -> Self {
        f64::exp(*self)
    }
    fn ln_1p(&self) -> Self {
        f64::ln_1p(*self)
    }
    fn sqrt(&self) -> Self {
        f64::sqrt(*self)
    }
}

/// A value extended with minus infinity, the DP's "infeasible" state.
///
/// Exact types have no infinity, so the DP never stores a sentinel in `T`.
#[derive(Debug, Clone, PartialEq)]
pub enum Ext<T> {
    /// No feasible completion: minus infinity.
    NegInf,
    /// A finite value.
    Fin(T),
}

impl<T: Num> Ext<T> {
    /// `self + x`, with `-inf + x = -inf`.
    pub fn plus(&self, x: &T) -> Self {
        match self {
            Ext::NegInf => Ext::NegInf,
            Ext::Fin(v) => Ext::Fin(v.clone() + x.clone()),
        }
    }
    /// The finite value, if any.
    pub fn finite(&self) -> Option<&T> {
        match self {
            Ext::NegInf => None,
            Ext::Fin(v) => Some(v),
        }
    }
    /// As an `f64`, with `-inf` for the infeasible state.
    pub fn to_f64(&self) -> f64 {
        match self {
            Ext::NegInf => f64::NEG_INFINITY,
            Ext::Fin(v) => v.to_f64(),
        }
    }
}
