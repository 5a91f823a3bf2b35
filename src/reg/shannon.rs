use super::{RegKind, Regularizer};
use crate::num::Real;

/// Binary Shannon entropy: q = sigmoid((p - s)/gamma), value
/// `max(s, p) + gamma ln(1 + exp(-|p - s| / gamma))` (the two-way log-sum-exp).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shannon;

impl<T: Real> Regularizer<T> for Shannon {
    const KIND: RegKind = RegKind::Shannon;
    fn smax(&self, s: &T, p: &T, gamma: &T) -> (T, T) {
        let d = p.clone() - s.clone();
        let neg_abs = if d >= T::zero() {
            -d.clone()
        } else {
            d.clone()
        };
        // e = exp(-|d|/gamma) in (0, 1]: no overflow.
        let e = (neg_abs / gamma.clone()).exp();
        let big = if d > T::zero() { p.clone() } else { s.clone() };
        let v = big + gamma.clone() * e.ln_1p();
        let r = e.clone() / (T::one() + e); // sigmoid(-|d|/gamma)
        let q = if d >= T::zero() { T::one() - r } else { r };
        (v, q)
    }
    fn dq(&self, q: &T, gamma: &T) -> T {
        q.clone() * (T::one() - q.clone()) / gamma.clone()
    }
}
