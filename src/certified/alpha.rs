//! The alpha-Tsallis family on certified intervals (docs/regularizers.md).
//!
//! With `a = alpha - 1`, the probability `m` of the smaller side solves
//! `F(m) = ((1 - m)^a - m^a) / a = t` for `t = |p - s| / gamma` (m = 0 once `t >= 1/a`); `F` is
//! decreasing on [0, 1/2]. An enclosure `[m_L, m_H]` of the root for every t in an interval T
//! is *verified*, not trusted: a root estimate (the `f64` root finder, then Newton steps at the
//! working precision) is moved outward by a few units of the working precision, and the ends
//! are accepted only if interval evaluations show `F(m_L) >= T.hi` and `F(m_H) <= T.lo`. If the
//! check fails after a few widenings the enclosure falls back to the always-valid `m_L = 0`,
//! `m_H = 1/2`, and the driver's precision escalation sees the width.
//!
//! - Value: increasing in s and in p, so enclosed from the corners `(s.lo, p.lo)` and
//!   `(s.hi, p.hi)`; at a corner, `v = max(s, p) + gamma (H(M) - M T)` with M the root
//!   enclosure over `T = |p - s| / gamma`: valid because every exact value is
//!   `H(m*) - m* t` for some `m*` in M and t in T. The gap is known to be >= 0 and is clamped.
//! - Choice: q is increasing in d = p - s; enclosed from its values at the two ends of d
//!   (at a point d, q = 1 - m if d >= 0 else m).
//! - dq = 1 / (gamma (q^(alpha-2) + (1-q)^(alpha-2))) inside (0, 1): powers are monotone,
//!   so each is evaluated at the ends of Q; 0 at exactly q in {0, 1}; where Q touches 0 or 1
//!   without being it, the hull of 0 and the supremum `max(1, 2^(alpha-3)) / gamma` of dq on
//!   (0, 1).

use super::interval::Interval;
use crate::num::Num;
use crate::reg::{Alpha, RegKind, Regularizer, small_side};

/// The alpha-Tsallis regularizer on intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IntervalAlpha {
    alpha: Alpha,
}

impl IntervalAlpha {
    /// The regularizer for a validated alpha.
    pub fn new(alpha: Alpha) -> Self {
        IntervalAlpha { alpha }
    }

    fn a(&self, prec: usize) -> Interval {
        // alpha - 1 is exact in f64 for alpha in (1, 100].
        Interval::point(self.alpha.a(), prec)
    }

    /// Encloses the smaller side's probability `m*(t)` for every t in `t` (t >= 0).
    pub fn small_side(&self, t: &Interval) -> Interval {
        let prec = t.precision().max(64);
        let a = self.a(prec);
        let one = Interval::one();
        let half = Interval::point(0.5, prec);
        let inv_a = one.clone() / a.clone();
        if !t.is_valid() {
            return Interval::invalid();
        }
        if inv_a.certainly_le(&t.lower_point()) {
            return Interval::zero();
        }
        let af = self.alpha.a();
        let guess = |tf: f64| {
            if af * tf >= 1.0 {
                0.0
            } else {
                small_side(af, tf.max(0.0))
            }
        };
        let t_lo = t.lower_point();
        let t_hi = t.upper_point();
        // Upper end: F(m_H) <= t.lo.
        let m_hi = {
            let x = self.newton(&a, guess(t.lo_f64()), &t_lo, prec);
            self.verified(&a, x, &t_lo, prec, true)
                .unwrap_or_else(|| half.clone())
        };
        // Lower end: F(m_L) >= t.hi; 0 if t.hi may reach the sparse threshold.
        let m_lo = if t_hi.certainly_lt(&inv_a) {
            let x = self.newton(&a, guess(t.hi_f64()), &t_hi, prec);
            self.verified(&a, x, &t_hi, prec, false)
                .unwrap_or_else(Interval::zero)
        } else {
            Interval::zero()
        };
        Interval::join(&m_lo, &m_hi)
    }

    /// Newton steps on F(m) = t at the working precision from an f64 guess (not trusted).
    fn newton(&self, a: &Interval, guess: f64, t: &Interval, prec: usize) -> Option<Interval> {
        if !(guess > 0.0 && guess <= 0.5) {
            return None;
        }
        let mut x = Interval::point(guess, prec);
        let steps = (prec as f64 / 50.0).log2().ceil().max(0.0) as usize + 2;
        for _ in 0..steps {
            let fx = foc(a, &x) - t.clone();
            let fp = foc_prime(a, &x);
            let next = (x.clone() - fx / fp).lower_point();
            if !next.is_valid() || !next.is_pos() || !next.certainly_le(&Interval::point(0.5, prec))
            {
                break;
            }
            x = next;
        }
        Some(x)
    }

    /// Moves `x` outward (up if `upper`) until F at it is certainly on the right side of `t`.
    fn verified(
        &self,
        a: &Interval,
        x: Option<Interval>,
        t: &Interval,
        prec: usize,
        upper: bool,
    ) -> Option<Interval> {
        let x = x?;
        let half = Interval::point(0.5, prec);
        for k in 0..6 {
            let bits = (prec as i32 - 8 - 12 * k).clamp(8, 1000);
            let rel = Interval::point(2f64.powi(-bits), prec);
            let cand = if upper {
                (x.clone() * (Interval::one() + rel)).upper_point()
            } else {
                (x.clone() * (Interval::one() - rel)).lower_point()
            };
            let cand = if upper && half.certainly_le(&cand) {
                half.clone()
            } else {
                cand
            };
            if !cand.is_valid() {
                return None;
            }
            let f = foc(a, &cand);
            let ok = if upper {
                f.certainly_le(t)
            } else {
                t.certainly_le(&f)
            };
            if ok {
                return Some(cand);
            }
        }
        None
    }

    /// `H(M)` over an interval M in [0, 1/2]:
    /// `(1 - M^alpha - (1 - M)^alpha) / (alpha (alpha - 1))`, each power at the ends of M.
    fn entropy(&self, m: &Interval, prec: usize) -> Interval {
        let al = Interval::point(self.alpha.get(), prec);
        let a = self.a(prec);
        let one = Interval::one();
        let pm = pow_mono(m, &al);
        let pr = pow_mono(&(one.clone() - m.clone()), &al);
        (one - pm - pr) / (al * a)
    }

    /// q at a point d (an interval from rounding, of one sign or the point 0).
    fn q_at(&self, d: &Interval, gamma: &Interval) -> Interval {
        let t = d.abs() / gamma.clone();
        let m = self.small_side(&t);
        if d.is_nonneg() {
            Interval::one() - m
        } else {
            m
        }
    }
}

/// `x^e` for x >= 0 (0^e = 0, e > 0) at a point x.
fn pow_point(x: &Interval, e: &Interval) -> Interval {
    if x.is_zero() {
        Interval::zero()
    } else {
        (e.clone() * x.ln()).exp()
    }
}

/// `x^e` over an interval of x >= 0: monotone, so from the ends (in either order).
fn pow_mono(x: &Interval, e: &Interval) -> Interval {
    let x = x.clamp_nonneg();
    let lo = pow_point(&x.lower_point(), e);
    let hi = pow_point(&x.upper_point(), e);
    Interval::hull(&lo, &hi)
}

/// `F(m) = ((1 - m)^a - m^a) / a`.
fn foc(a: &Interval, m: &Interval) -> Interval {
    let one = Interval::one();
    (pow_mono(&(one - m.clone()), a) - pow_mono(m, a)) / a.clone()
}

/// `F'(m) = -((1 - m)^(a - 1) + m^(a - 1))` at a point m in (0, 1/2].
fn foc_prime(a: &Interval, m: &Interval) -> Interval {
    let one = Interval::one();
    let b = a.clone() - one.clone();
    -(pow_point(&(one - m.clone()), &b) + pow_point(m, &b))
}

impl Regularizer<Interval> for IntervalAlpha {
    /// The family: a `const` cannot carry alpha; [`Regularizer::kind`] returns the exact one.
    const KIND: RegKind = RegKind::Custom;
    fn kind(&self) -> RegKind {
        RegKind::Alpha(self.alpha)
    }
    fn smax(&self, s: &Interval, p: &Interval, gamma: &Interval) -> (Interval, Interval) {
        let prec = gamma.precision().max(s.precision()).max(p.precision());
        let at = |s: Interval, p: Interval| {
            let big = Interval::max_of(&s, &p);
            let t = (p - s).abs() / gamma.clone();
            let m = self.small_side(&t);
            let gap = if m.is_zero() {
                Interval::zero()
            } else {
                (self.entropy(&m, prec) - m * t).clamp_nonneg()
            };
            big + gamma.clone() * gap
        };
        let lo = at(s.lower_point(), p.lower_point());
        let hi = at(s.upper_point(), p.upper_point());
        let v = Interval::join(&lo, &hi);
        let d = p.clone() - s.clone();
        let q_lo = self.q_at(&d.lower_point(), gamma);
        let q_hi = self.q_at(&d.upper_point(), gamma);
        let q = Interval::join(&q_lo, &q_hi).clip(&Interval::zero(), &Interval::one());
        (v, q)
    }
    fn dq(&self, q: &Interval, gamma: &Interval) -> Interval {
        let zero = Interval::zero();
        let one = Interval::one();
        if q.is_zero() || q.is_one() {
            return zero;
        }
        let prec = gamma.precision().max(q.precision());
        let alpha = self.alpha.get();
        let sup_f = if alpha <= 3.0 {
            1.0
        } else {
            // 2^(alpha - 3) rounded up by a relative margin far above f64's error.
            2f64.powf(alpha - 3.0) * (1.0 + 1e-12)
        };
        let sup = Interval::point(sup_f, prec) / gamma.clone();
        if zero.certainly_lt(q) && q.certainly_lt(&one) {
            let b = Interval::point(alpha - 2.0, prec);
            let sum = pow_mono(q, &b) + pow_mono(&(one - q.clone()), &b);
            let g = Interval::one() / (gamma.clone() * sum);
            // 0 <= dq <= sup holds in exact arithmetic: intersect.
            g.clamp_nonneg().clip(&zero, &sup)
        } else {
            Interval::hull(&zero, &sup)
        }
    }
}
