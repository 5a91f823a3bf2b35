use super::{RegKind, Regularizer};
use crate::num::Ordered;

/// H(q) = q (1 - q): q = clip(1/2 + (p - s) / (2 gamma), 0, 1); exact zeros and ones once
/// |p - s| >= gamma. Uses only + - * / and comparisons, so it is exact over rationals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gini;

impl<T: Ordered> Regularizer<T> for Gini {
    const KIND: RegKind = RegKind::Gini;
    fn smax(&self, s: &T, p: &T, gamma: &T) -> (T, T) {
        let d = p.clone() - s.clone();
        if d >= *gamma {
            return (p.clone(), T::one());
        }
        if d <= -gamma.clone() {
            return (s.clone(), T::zero());
        }
        let two = T::from_i64(2);
        let four = T::from_i64(4);
        let q = T::one() / two.clone() + d.clone() / (two.clone() * gamma.clone());
        // (s + p)/2 + gamma/4 + (p - s)^2 / (4 gamma)
        let v = (s.clone() + p.clone()) / two
            + gamma.clone() / four.clone()
            + d.clone() * d / (four * gamma.clone());
        (v, q)
    }
    fn dq(&self, q: &T, gamma: &T) -> T {
        if *q > T::zero() && *q < T::one() {
            T::one() / (T::from_i64(2) * gamma.clone())
        } else {
            T::zero()
        }
    }
}
