//! The alpha-Tsallis family, for any alpha > 1 (docs/regularizers.md).
//!
//! `H_alpha(q) = (1 - q^alpha - (1 - q)^alpha) / (alpha (alpha - 1))`, the normalisation under
//! which alpha = 2 is gini's `q (1 - q)` and alpha = 1.5 is tsallis's
//! `(4/3)(1 - q^1.5 - (1 - q)^1.5)` exactly, and alpha -> 1 is the binary Shannon entropy.
//!
//! With `a = alpha - 1` and `t = |p - s| / gamma`, the first-order condition of
//! `max over q of q p + (1 - q) s + gamma H(q)` for the probability `m` of the smaller side is
//!
//! `F(m) = ((1 - m)^a - m^a) / a = t`,  m in (0, 1/2],
//!
//! `F` decreasing from `1/a` (at m = 0) to 0 (at m = 1/2): the choice is sparse (m = 0) exactly
//! when `t >= 1/a`, i.e. `|p - s| >= gamma / (alpha - 1)`. `F` is evaluated as
//! `(expm1(a ln(1 - m)) - expm1(a ln m)) / a`, free of cancellation as alpha -> 1, where it
//! tends to the logit `ln((1 - m)/m)` of shannon.
//!
//! In `f64` the root is found by [`small_side`]: Newton steps kept inside a bracket, with a
//! bisection of the bracket's bit patterns whenever Newton leaves the bracket or stops halving
//! its step; each bisection halves the number of `f64`s in the bracket, so it ends in at most a
//! few hundred steps (in practice under ten) at adjacent floats or a converged Newton step. The
//! f64 path uses the root finder for every alpha (including 2 and 3, where the condition is
//! linear), so that the closed forms of gini and tsallis are independent checks of it. Exact
//! rational arithmetic uses the closed forms where the root is rational: alpha = 2 is gini and
//! alpha = 3 is gini at gamma / 2 (`1 - q^3 - (1 - q)^3 = 3 q (1 - q)`); other alphas are
//! refused there ([`crate::ops::relax_exact`]).

use super::{RegKind, Regularizer};
use crate::error::{Error, Result, invalid};
use std::hash::{Hash, Hasher};

/// A validated alpha of the alpha-Tsallis family: finite, `1 < alpha <= Alpha::MAX`.
#[derive(Debug, Clone, Copy)]
pub struct Alpha(f64);

impl PartialEq for Alpha {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}
impl Eq for Alpha {}
impl Hash for Alpha {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state);
    }
}

impl Alpha {
    /// Largest accepted alpha. Past it the smoothing is below gamma / 99 wide (the sparse
    /// threshold `gamma / (alpha - 1)`), i.e. the hard operator for every practical purpose,
    /// and `m^(alpha - 1)` would underflow for most m.
    pub const MAX: f64 = 100.0;

    /// Checks `1 < alpha <= Alpha::MAX` (alpha = 1 is shannon: ask for it by name).
    pub fn new(alpha: f64) -> Result<Alpha> {
        if !alpha.is_finite() {
            return Err(Error::NonFinite {
                field: "regularizer (tsallis alpha)".into(),
            });
        }
        if alpha <= 1.0 {
            return Err(invalid(
                "regularizer",
                format!(
                    "tsallis:ALPHA needs alpha > 1 (alpha = 1 is shannon, write \"shannon\" or \"tsallis:1\"); got {alpha}"
                ),
            ));
        }
        if alpha > Self::MAX {
            return Err(invalid(
                "regularizer",
                format!(
                    "tsallis:ALPHA needs alpha <= {} (larger alphas are the hard operator up to gaps below gamma/99); got {alpha}",
                    Self::MAX
                ),
            ));
        }
        Ok(Alpha(alpha))
    }

    /// alpha.
    pub fn get(self) -> f64 {
        self.0
    }

    /// `a = alpha - 1` (exact in f64 for alpha in (1, 100]).
    pub fn a(self) -> f64 {
        self.0 - 1.0
    }

    /// The sparsity threshold in units of gamma: q is exactly 0 or 1 once
    /// `|p - s| >= gamma / (alpha - 1)` (gini 1, tsallis 1.5: 2).
    pub fn threshold(self) -> f64 {
        1.0 / self.a()
    }

    /// `Hmax = H(1/2) = (1 - 2^(1 - alpha)) / (alpha (alpha - 1))`.
    pub fn h_max(self) -> f64 {
        self.entropy(0.5)
    }

    /// `H_alpha(q)`, written as `(q (1 - q^a) + (1 - q)(1 - (1 - q)^a)) / (alpha a)` with
    /// `1 - x^a = -expm1(a ln x)` (no cancellation as alpha -> 1). Clamps q into [0, 1].
    pub fn entropy(self, q: f64) -> f64 {
        let a = self.a();
        let q = q.clamp(0.0, 1.0);
        let part = |x: f64| {
            if x <= 0.0 {
                0.0
            } else {
                -x * (a * x.ln()).exp_m1()
            }
        };
        (part(q) + part(1.0 - q)) / (self.0 * a)
    }

    /// Whether the first-order condition is linear, so that the root is rational for rational
    /// inputs: alpha = 2 (gini) and alpha = 3 (gini at gamma / 2).
    pub fn is_rational(self) -> bool {
        self.0 == 2.0 || self.0 == 3.0
    }

    /// The parseable name, `tsallis:ALPHA` (shortest decimal that reads back as this alpha).
    pub fn label(self) -> String {
        format!("tsallis:{}", self.0)
    }
}

/// `F(m) = ((1 - m)^a - m^a) / a` for m in [0, 1/2], cancellation-free.
pub fn foc(a: f64, m: f64) -> f64 {
    let hi = (a * (-m).ln_1p()).exp_m1();
    let lo = if m <= 0.0 {
        -1.0
    } else {
        (a * m.ln()).exp_m1()
    };
    (hi - lo) / a
}

/// `F'(m) = -((1 - m)^(a - 1) + m^(a - 1))` for m in (0, 1/2].
fn foc_prime(a: f64, m: f64) -> f64 {
    -((a - 1.0) * (-m).ln_1p()).exp() - ((a - 1.0) * m.ln()).exp()
}

fn bit_mid(lo: f64, hi: f64) -> f64 {
    // Both non-negative: the bit patterns are ordered like the values.
    let (a, b) = (lo.to_bits(), hi.to_bits());
    f64::from_bits(a + (b - a) / 2)
}

/// The probability `m` in (0, 1/2] of the smaller side: the root of `F(m) = t` for
/// `0 <= t < 1/a` (the caller handles the sparse case `a t >= 1`, where m = 0).
///
/// Safeguarded Newton on the bracket `[lo, hi]` with `F(lo) > t >= F(hi)`, starting from
/// `[0, 1/2]`; a Newton step is taken only if it lands strictly inside the bracket and is at most
/// half the previous step, otherwise the bracket is bisected in its bit patterns. Stops when the
/// bracket holds adjacent floats or the Newton step is below one part in 2^52 of m.
pub fn small_side(a: f64, t: f64) -> f64 {
    if t.is_nan() || t <= 0.0 {
        return 0.5;
    }
    let (mut lo, mut hi) = (0.0f64, 0.5f64);
    // Start from the shannon answer (exact as a -> 0), kept inside the bracket.
    let mut x = 1.0 / (1.0 + t.exp());
    if !(x > lo && x < hi) {
        x = 0.25;
    }
    let mut last_step = f64::INFINITY;
    for _ in 0..400 {
        let fx = foc(a, x) - t;
        if fx == 0.0 {
            return x;
        }
        if fx > 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        if hi.to_bits() - lo.to_bits() <= 1 {
            break;
        }
        let newton = x - fx / foc_prime(a, x);
        let step = (newton - x).abs();
        if newton > lo && newton < hi && step <= 0.5 * last_step {
            if step <= x * f64::EPSILON {
                return newton;
            }
            last_step = step;
            x = newton;
        } else {
            x = bit_mid(lo, hi);
            last_step = hi - lo;
        }
    }
    // The bracket holds the root: return the end with the smaller residual.
    if lo > 0.0 && (foc(a, lo) - t).abs() <= (foc(a, hi) - t).abs() {
        lo
    } else {
        hi
    }
}

/// The alpha-Tsallis regularizer in `f64` (the root finder for every alpha).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TsallisAlpha {
    /// alpha.
    pub alpha: Alpha,
}

impl TsallisAlpha {
    /// The regularizer for a validated alpha.
    pub fn new(alpha: Alpha) -> Self {
        TsallisAlpha { alpha }
    }

    /// `(m, t)`: the smaller side's probability and `t = |d| / gamma` for `d = p - s`
    /// (m = 0 in the sparse region `(alpha - 1) |d| >= gamma`).
    fn small(&self, d: f64, gamma: f64) -> (f64, f64) {
        let a = self.alpha.a();
        if a * d.abs() >= gamma {
            return (0.0, d.abs() / gamma);
        }
        let t = d.abs() / gamma;
        (small_side(a, t), t)
    }
}

impl Regularizer<f64> for TsallisAlpha {
    /// The family: a `const` cannot carry alpha; [`Regularizer::kind`] returns the exact one.
    const KIND: RegKind = RegKind::Custom;
    fn kind(&self) -> RegKind {
        RegKind::Alpha(self.alpha)
    }
    fn smax(&self, s: &f64, p: &f64, gamma: &f64) -> (f64, f64) {
        let d = p - s;
        let big = if d > 0.0 { *p } else { *s };
        let (m, t) = self.small(d, *gamma);
        if m == 0.0 {
            return (big, if d > 0.0 { 1.0 } else { 0.0 });
        }
        // v = max(s, p) + gamma (H(m) - m t): the gap phi(t) in [0, Hmax].
        let phi = (self.alpha.entropy(m) - m * t).max(0.0);
        let v = big + gamma * phi;
        let q = if d >= 0.0 { 1.0 - m } else { m };
        (v, q)
    }
    fn dq(&self, q: &f64, gamma: &f64) -> f64 {
        if *q > 0.0 && *q < 1.0 {
            // dq/dd = 1 / (gamma (q^(alpha-2) + (1-q)^(alpha-2))).
            let b = self.alpha.get() - 2.0;
            1.0 / (gamma * (q.powf(b) + (1.0 - q).powf(b)))
        } else {
            0.0
        }
    }
}
