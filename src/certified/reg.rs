//! The four regularizers on certified intervals.
//!
//! The smoothed max is increasing in s and in p, so its value over a box of (s, p) lies
//! between its values at the two corners `(s.lo, p.lo)` and `(s.hi, p.hi)`; each corner is
//! evaluated in interval arithmetic on point intervals, and the lower end of the first and the
//! upper end of the second are kept. Every regularizer's value is written in one
//! branch-free form `max(s, p) + gamma phi(|p - s| / gamma)` (algebraically equal to SPEC A.2):
//!
//! | regularizer | phi(t) |
//! |---|---|
//! | shannon | ln(1 + e^-t) |
//! | gini | (1 - min(t, 1))^2 / 4 |
//! | tsallis | with u = min(t/2, 1): (4 - (2 - u^2)^1.5)/3 - u |
//!
//! The choice q is increasing in d = p - s, so it is enclosed from the ends of the interval
//! of d (which is `[p.lo - s.hi, p.hi - s.lo]`). For `hard`, q jumps at d = 0: when the
//! interval of d contains 0 but is not the single point 0, q is only known to lie in [0, 1];
//! the certified driver therefore runs hard (and gini, where its numbers stay small) in exact
//! rational arithmetic and uses these interval rules only as the fallback.
//!
//! `dq` is written in q alone. For shannon and tsallis it is symmetric about 1/2, increasing
//! on [0, 1/2] and decreasing on [1/2, 1], so its range over [a, b] is
//! `[min(g(a), g(b)), g(1/2) if a <= 1/2 <= b else max(g(a), g(b))]`. For gini it jumps at
//! q in {0, 1}: 0 at exactly 0 or 1, 1/(2 gamma) strictly inside, and the hull of both when
//! the interval of q touches an end without being that end.

use super::interval::Interval;
use crate::num::Num;
use crate::reg::{Gini, Hard, RegKind, Regularizer, Shannon, Tsallis};

fn half() -> Interval {
    Interval::point(0.5, 0)
}

fn unit() -> (Interval, Interval) {
    (Interval::zero(), Interval::one())
}

/// Encloses `v(s, p) = max(s, p) + gamma phi(|p - s| / gamma)` over the box of (s, p),
/// given `phi` as an interval extension that is valid for every t >= 0.
fn value_by_corners(
    s: &Interval,
    p: &Interval,
    gamma: &Interval,
    phi: impl Fn(&Interval) -> Interval,
) -> Interval {
    let at = |s: Interval, p: Interval| {
        let big = Interval::max_of(&s, &p);
        let t = (p - s).abs() / gamma.clone();
        big + gamma.clone() * phi(&t)
    };
    let lo = at(s.lower_point(), p.lower_point());
    let hi = at(s.upper_point(), p.upper_point());
    Interval::join(&lo, &hi)
}

/// Encloses `q(d)` for an increasing `q`, from its interval extension at the ends of `d`.
fn increasing_in(d: &Interval, q: impl Fn(&Interval) -> Interval) -> Interval {
    let lo = q(&d.lower_point());
    let hi = q(&d.upper_point());
    let (zero, one) = unit();
    Interval::join(&lo, &hi).clip(&zero, &one)
}

/// Range of a function symmetric about 1/2, increasing on [0, 1/2], over the interval `q`.
fn unimodal(q: &Interval, g: impl Fn(&Interval) -> Interval) -> Interval {
    let (zero, one) = unit();
    let q = q.clip(&zero, &one);
    let a = q.lower_point();
    let b = q.upper_point();
    let (ga, gb) = (g(&a), g(&b));
    let lo = Interval::min_of(&ga, &gb);
    let h = half();
    let hi = if a.certainly_le(&h) && h.certainly_le(&b) {
        g(&h)
    } else {
        Interval::max_of(&ga, &gb)
    };
    Interval::join(&lo, &hi)
}

impl Regularizer<Interval> for Hard {
    const KIND: RegKind = RegKind::Hard;
    fn smax(&self, s: &Interval, p: &Interval, _gamma: &Interval) -> (Interval, Interval) {
        let v = Interval::max_of(s, p);
        let q = if p.certainly_lt(s) || p.certainly_le(s) {
            // p <= s everywhere (ties go to skip).
            Interval::zero()
        } else if s.certainly_lt(p) {
            Interval::one()
        } else {
            let (zero, one) = unit();
            Interval::hull(&zero, &one)
        };
        (v, q)
    }
    fn dq(&self, _q: &Interval, _gamma: &Interval) -> Interval {
        Interval::zero()
    }
}

impl Regularizer<Interval> for Shannon {
    const KIND: RegKind = RegKind::Shannon;
    fn smax(&self, s: &Interval, p: &Interval, gamma: &Interval) -> (Interval, Interval) {
        let v = value_by_corners(s, p, gamma, |t| (-t.clone()).exp().ln_1p());
        let d = p.clone() - s.clone();
        // sigmoid(d / gamma), from the side where the exponential cannot overflow:
        // 1 / (1 + e^(-x)) for x >= 0, e^x / (1 + e^x) for x <= 0 (x = d / gamma, a point
        // up to rounding here).
        let q = increasing_in(&d, |d| {
            let x = d.clone() / gamma.clone();
            if x.is_neg() {
                let e = x.exp();
                e.clone() / (Interval::one() + e)
            } else {
                Interval::one() / (Interval::one() + (-x).exp())
            }
        });
        (v, q)
    }
    fn dq(&self, q: &Interval, gamma: &Interval) -> Interval {
        unimodal(q, |x| {
            x.clone() * (Interval::one() - x.clone()).clamp_nonneg() / gamma.clone()
        })
    }
}

impl Regularizer<Interval> for Gini {
    const KIND: RegKind = RegKind::Gini;
    fn smax(&self, s: &Interval, p: &Interval, gamma: &Interval) -> (Interval, Interval) {
        let (zero, one) = unit();
        let v = value_by_corners(s, p, gamma, |t| {
            let r = (Interval::one() - t.clone()).clip(&zero, &one);
            r.clone() * r / Interval::from_i64(4)
        });
        let d = p.clone() - s.clone();
        let q = increasing_in(&d, |d| {
            half() + d.clone() / (Interval::from_i64(2) * gamma.clone())
        });
        (v, q)
    }
    fn dq(&self, q: &Interval, gamma: &Interval) -> Interval {
        let inside = Interval::one() / (Interval::from_i64(2) * gamma.clone());
        let (zero, one) = unit();
        if q.is_zero() || q.is_one() {
            zero
        } else if zero.certainly_lt(q) && q.certainly_lt(&one) {
            inside
        } else {
            Interval::hull(&zero, &inside)
        }
    }
}

/// q of tsallis at a (nearly point) c in [-1, 1]: (1 + c sqrt(2 - c^2))/2, written without
/// cancellation away from c = 0: the smaller of q, 1 - q is (1 - c^2)^2 / (2 (1 + |c| r)).
fn tsallis_q(c: &Interval) -> Interval {
    let one = Interval::one();
    let two = Interval::from_i64(2);
    let r = (two.clone() - c.clone() * c.clone()).clamp_nonneg().sqrt();
    if c.is_pos() || c.is_neg() {
        let a = c.abs();
        let m = (one.clone() - a.clone()).clamp_nonneg() * (one.clone() + a.clone());
        let small = m.clone() * m / (two * (one.clone() + a * r));
        if c.is_pos() { one - small } else { small }
    } else {
        (one + c.clone() * r) / two
    }
}

impl Regularizer<Interval> for Tsallis {
    const KIND: RegKind = RegKind::Tsallis;
    fn smax(&self, s: &Interval, p: &Interval, gamma: &Interval) -> (Interval, Interval) {
        let (zero, one) = unit();
        let two = Interval::from_i64(2);
        let v = value_by_corners(s, p, gamma, |t| {
            let u = (t.clone() / two.clone()).clip(&zero, &one);
            let r2 = (two.clone() - u.clone() * u.clone()).clamp_nonneg();
            (Interval::from_i64(4) - r2.pow_3_2()) / Interval::from_i64(3) - u
        });
        let d = p.clone() - s.clone();
        let q = increasing_in(&d, |d| {
            let c = (d.clone() / (two.clone() * gamma.clone())).clip(&-one.clone(), &one);
            tsallis_q(&c)
        });
        (v, q)
    }
    fn dq(&self, q: &Interval, gamma: &Interval) -> Interval {
        if q.is_zero() || q.is_one() {
            return Interval::zero();
        }
        // (1/gamma) / (q^-1/2 + (1-q)^-1/2) = sqrt(q) sqrt(1-q) / (gamma (sqrt q + sqrt(1-q))),
        // continuous on [0, 1] with value 0 at both ends.
        unimodal(q, |x| {
            let a = x.clamp_nonneg().sqrt();
            let b = (Interval::one() - x.clone()).clamp_nonneg().sqrt();
            a.clone() * b.clone() / (gamma.clone() * (a + b))
        })
    }
}
