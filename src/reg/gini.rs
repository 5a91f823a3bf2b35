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
        // q = 1/2 + d / (2 gamma), and
        // v = (s + p)/2 + gamma/4 + (p - s)^2 / (4 gamma),
        // in this order (the fast backends round the same way). In f64 an intermediate can
        // overflow although q and v are representable (|d| < gamma, so d^2 / (4 gamma) < gamma / 4
        // and v <= max(s, p) + gamma / 4): then the same quantities are regrouped so that no
        // intermediate exceeds the result's size. Exact types never take the regrouped path.
        let two_g = two.clone() * gamma.clone();
        let q = T::one() / two.clone()
            + if two_g.is_finite() {
                d.clone() / two_g
            } else {
                d.clone() / two.clone() / gamma.clone()
            };
        let mid = {
            let sum = s.clone() + p.clone();
            if sum.is_finite() {
                sum / two
            } else {
                s.clone() / two.clone() + p.clone() / two
            }
        };
        let four_g = four.clone() * gamma.clone();
        let dd = d.clone() * d.clone();
        let quad = if dd.is_finite() && four_g.is_finite() {
            dd / four_g
        } else {
            // |d / gamma| < 1: d (d / gamma) is at most |d|.
            d.clone() * (d / gamma.clone()) / four.clone()
        };
        let v = mid + gamma.clone() / four + quad;
        (v, q)
    }
    fn dq(&self, q: &T, gamma: &T) -> T {
        if *q > T::zero() && *q < T::one() {
            let two_g = T::from_i64(2) * gamma.clone();
            if two_g.is_finite() {
                T::one() / two_g
            } else {
                T::one() / T::from_i64(2) / gamma.clone()
            }
        } else {
            T::zero()
        }
    }
}
