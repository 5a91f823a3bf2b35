//! User-defined two-way regularizers: implement [`TwoWay`] (three functions of one variable),
//! wrap the value in [`Custom`], and every algorithm of the generic DP (forward, marginals,
//! sampling, VJP) runs on it in `f64`:
//!
//! ```
//! use diffknap::reg::{Custom, TwoWay, check_two_way, CheckOptions};
//! use diffknap::{Instance, ops::{relax_with, Extras}};
//!
//! /// Gini at twice the scale: H(q) = 2 q (1 - q).
//! #[derive(Clone, Copy)]
//! struct Gini2;
//! impl TwoWay for Gini2 {
//!     fn entropy(&self, q: f64) -> f64 { 2.0 * q * (1.0 - q) }
//!     fn choice(&self, d: f64, gamma: f64) -> f64 { (0.5 + d / (4.0 * gamma)).clamp(0.0, 1.0) }
//!     fn dchoice(&self, q: f64, gamma: f64) -> f64 {
//!         if q > 0.0 && q < 1.0 { 1.0 / (4.0 * gamma) } else { 0.0 }
//!     }
//! }
//! let report = check_two_way(&Gini2, &CheckOptions::default());
//! assert!(report.passed(1e-6), "{report:?}");
//! let inst = Instance::knapsack(vec![1.0, 0.3, -0.2], vec![2, 1, 3], 3)?;
//! let z = vec![1.0, 0.0, -1.0];
//! let extras = Extras { z: Some(z), samples: 4, seed: 1 };
//! let out = relax_with(&inst, Custom(Gini2), &0.5, &extras)?;
//! assert_eq!(out.y.len(), 3);
//! # Ok::<(), diffknap::Error>(())
//! ```
//!
//! The smoothed max of [`TwoWay`] is `max over q in [0, 1] of q p + (1 - q) s + gamma H(q)`;
//! the user gives its maximiser in closed form ([`TwoWay::choice`]) and the derivative of the
//! maximiser in d = p - s written in q alone ([`TwoWay::dchoice`], what the VJP needs). The value
//! is then `s + q d + gamma H(q)`. [`check_two_way`] compares these closed forms with the
//! variational definition, computed numerically, and reports the worst disagreement.

use super::{RegKind, Regularizer};

/// A two-way regularizer defined outside the crate. All three functions are called only with
/// finite arguments and `gamma > 0`.
pub trait TwoWay: Copy + Send + Sync + 'static {
    /// `H(q)` for q in [0, 1] (concave, so that the maximiser is unique).
    fn entropy(&self, q: f64) -> f64;
    /// The maximiser q in [0, 1] of `q d + gamma H(q)` (d = p - s is the pick's advantage).
    fn choice(&self, d: f64, gamma: f64) -> f64;
    /// `dq / dd` at the point where the choice is `q`, written in q alone (0 where q is exactly
    /// 0 or 1 for a sparse regularizer).
    fn dchoice(&self, q: f64, gamma: f64) -> f64;
    /// `(max_Omega(s, p), q)`; the default is `s + q d + gamma H(q)` with `q = choice(d)`.
    fn smax(&self, s: f64, p: f64, gamma: f64) -> (f64, f64) {
        let d = p - s;
        let q = self.choice(d, gamma);
        (s + q * d + gamma * self.entropy(q), q)
    }
}

/// The adapter that makes a [`TwoWay`] a [`Regularizer<f64>`] of the generic DP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Custom<U>(pub U);

impl<U: TwoWay> Regularizer<f64> for Custom<U> {
    const KIND: RegKind = RegKind::Custom;
    fn smax(&self, s: &f64, p: &f64, gamma: &f64) -> (f64, f64) {
        self.0.smax(*s, *p, *gamma)
    }
    fn dq(&self, q: &f64, gamma: &f64) -> f64 {
        self.0.dchoice(*q, *gamma)
    }
}

/// A built-in regularizer seen as a [`TwoWay`] (so that the check helper can be run on it):
/// its `f64` implementation and its kind (for H).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Builtin<R>(pub R, pub RegKind);

impl<R: Regularizer<f64>> TwoWay for Builtin<R> {
    fn entropy(&self, q: f64) -> f64 {
        self.1.entropy(q)
    }
    fn choice(&self, d: f64, gamma: f64) -> f64 {
        self.0.smax(&0.0, &d, &gamma).1
    }
    fn dchoice(&self, q: f64, gamma: f64) -> f64 {
        self.0.dq(&q, &gamma)
    }
    fn smax(&self, s: f64, p: f64, gamma: f64) -> (f64, f64) {
        self.0.smax(&s, &p, &gamma)
    }
}

/// Where [`check_two_way`] looks.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOptions {
    /// The temperatures tried.
    pub gammas: Vec<f64>,
    /// d / gamma runs over `[-span, span]` ...
    pub span: f64,
    /// ... at this many evenly spaced points.
    pub points: usize,
    /// Grid size of the numerical maximisation over q (then refined by golden section).
    pub grid: usize,
}

impl Default for CheckOptions {
    /// gamma in {0.25, 1, 3}, d / gamma in [-4, 4] at 161 points, a 2001-point q grid.
    fn default() -> Self {
        CheckOptions {
            gammas: vec![0.25, 1.0, 3.0],
            span: 4.0,
            points: 161,
            grid: 2001,
        }
    }
}

/// The worst disagreement of one quantity, and where it happened.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Worst {
    /// The largest absolute disagreement found (scaled as documented on [`CheckReport`]).
    pub error: f64,
    /// d = p - s where it happened.
    pub d: f64,
    /// gamma where it happened.
    pub gamma: f64,
}

impl Worst {
    fn see(&mut self, error: f64, d: f64, gamma: f64) {
        // NaN counts as the worst possible disagreement.
        let error = if error.is_nan() { f64::INFINITY } else { error };
        if error > self.error {
            *self = Worst { error, d, gamma };
        }
    }
}

/// What [`check_two_way`] found.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CheckReport {
    /// `|v_closed - v_numeric| / gamma` (the value's smoothing part, in units of gamma).
    pub value: Worst,
    /// `|q_closed - q_numeric|`; the numerical maximiser of a flat concave function is only
    /// accurate to about `sqrt(machine epsilon)`, so this is meaningful down to about 1e-7.
    pub choice: Worst,
    /// `gamma |dchoice(q(d)) - (q(d + h) - q(d - h)) / (2h)|` with `h = 1e-5 gamma`, at points
    /// where q is strictly inside (0, 1) on the whole difference stencil, or equal to the
    /// same end on it.
    pub derivative: Worst,
    /// Number of (d, gamma) points checked.
    pub points: usize,
}

impl CheckReport {
    /// Whether all three disagreements are at most `tol`.
    pub fn passed(&self, tol: f64) -> bool {
        self.value.error <= tol && self.choice.error <= tol && self.derivative.error <= tol
    }
    /// The worst of the three.
    pub fn worst(&self) -> f64 {
        self.value
            .error
            .max(self.choice.error)
            .max(self.derivative.error)
    }
}

/// The variational definition, numerically: `max over q in [0, 1] of q d + gamma H(q)` (s = 0,
/// p = d) on a grid of `grid` points, refined by golden-section search on the two grid cells
/// around the best grid point. Returns `(value, q)`.
pub fn variational_max(
    entropy: impl Fn(f64) -> f64,
    d: f64,
    gamma: f64,
    grid: usize,
) -> (f64, f64) {
    let grid = grid.max(3);
    let obj = |q: f64| q * d + gamma * entropy(q);
    let step = 1.0 / (grid - 1) as f64;
    let mut best = (obj(0.0), 0.0);
    for k in 1..grid {
        let q = (k as f64 * step).min(1.0);
        let v = obj(q);
        if v > best.0 {
            best = (v, q);
        }
    }
    let (mut lo, mut hi) = ((best.1 - step).max(0.0), (best.1 + step).min(1.0));
    let r = (5f64.sqrt() - 1.0) / 2.0;
    let mut x1 = hi - r * (hi - lo);
    let mut x2 = lo + r * (hi - lo);
    let (mut f1, mut f2) = (obj(x1), obj(x2));
    for _ in 0..80 {
        if f1 >= f2 {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - r * (hi - lo);
            f1 = obj(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + r * (hi - lo);
            f2 = obj(x2);
        }
    }
    for (v, q) in [(f1, x1), (f2, x2), (obj(0.0), 0.0), (obj(1.0), 1.0)] {
        if v > best.0 {
            best = (v, q);
        }
    }
    best
}

/// Checks the closed forms of `reg` against the variational definition (value and choice) and
/// the derivative against central differences of the choice, on the grid of `opts`; returns the
/// worst disagreement of each.
pub fn check_two_way<U: TwoWay>(reg: &U, opts: &CheckOptions) -> CheckReport {
    let mut rep = CheckReport::default();
    let pts = opts.points.max(2);
    for &gamma in &opts.gammas {
        for k in 0..pts {
            let d = gamma * opts.span * (2.0 * k as f64 / (pts - 1) as f64 - 1.0);
            rep.points += 1;
            let (vn, qn) = variational_max(|q| reg.entropy(q), d, gamma, opts.grid);
            let (vc, qc) = reg.smax(0.0, d, gamma);
            rep.value.see((vc - vn).abs() / gamma, d, gamma);
            rep.choice.see((qc - qn).abs(), d, gamma);
            let h = 1e-5 * gamma;
            let (qm, qp) = (reg.choice(d - h, gamma), reg.choice(d + h, gamma));
            let inside = |q: f64| q > 0.0 && q < 1.0;
            let same_end = (qm == qc && qc == qp) && (qc == 0.0 || qc == 1.0);
            if (inside(qm) && inside(qc) && inside(qp)) || same_end {
                let fd = (qp - qm) / (2.0 * h);
                rep.derivative
                    .see(gamma * (reg.dchoice(qc, gamma) - fd).abs(), d, gamma);
            }
        }
    }
    rep
}
