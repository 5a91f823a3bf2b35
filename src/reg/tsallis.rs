use super::{RegKind, Regularizer};
use crate::num::Real;

/// 1.5-Tsallis entropy H(q) = (4/3)(1 - q^1.5 - (1-q)^1.5).
///
/// With c = clip((p - s)/(2 gamma), -1, 1): q = (1 + c sqrt(2 - c^2))/2, exact zeros and ones
/// once |p - s| >= 2 gamma. The value is evaluated in the algebraically equal, cancellation-free
/// form `(s + p)/2 + (gamma/3)(4 - (2 - c^2)^1.5)` (derivation in docs/math.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tsallis;

impl<T: Real> Regularizer<T> for Tsallis {
    const KIND: RegKind = RegKind::Tsallis;
    fn smax(&self, s: &T, p: &T, gamma: &T) -> (T, T) {
        let two = T::from_i64(2);
        let d = p.clone() - s.clone();
        let c = d / (two.clone() * gamma.clone());
        if c >= T::one() {
            return (p.clone(), T::one());
        }
        if c <= -T::one() {
            return (s.clone(), T::zero());
        }
        let r2 = two.clone() - c.clone() * c.clone(); // 2 - c^2, in [1, 2]
        let r = r2.sqrt();
        let v = (s.clone() + p.clone()) / two.clone()
            + gamma.clone() / T::from_i64(3) * (T::from_i64(4) - r2 * r.clone());
        // q = (1 + c r)/2; the smaller of q, 1-q is (1-c^2)^2 / (2 (1 + |c| r)), cancellation-free.
        let one_m_c2 = (T::one() - c.clone()) * (T::one() + c.clone());
        let abs_c = if c >= T::zero() {
            c.clone()
        } else {
            -c.clone()
        };
        let small = one_m_c2.clone() * one_m_c2 / (two * (T::one() + abs_c * r));
        let q = if c >= T::zero() {
            T::one() - small
        } else {
            small
        };
        (v, q)
    }
    fn dq(&self, q: &T, gamma: &T) -> T {
        if *q > T::zero() && *q < T::one() {
            // (1/gamma) / (q^-1/2 + (1-q)^-1/2) = sqrt(q) sqrt(1-q) / (gamma (sqrt q + sqrt(1-q)))
            let a = q.sqrt();
            let b = (T::one() - q.clone()).sqrt();
            a.clone() * b.clone() / (gamma.clone() * (a + b))
        } else {
            T::zero()
        }
    }
}
