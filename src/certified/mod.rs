//! Certified enclosures: every output of the operators as an interval that is guaranteed to
//! contain the exact real result (SPEC A.5), at a requested width.
//!
//! # How
//! - [`Interval`] is a number type with outward (directed) rounding on arbitrary-precision
//!   binary endpoints (dashu-float, whose `+ - * /`, `sqrt`, `exp`, `ln` and `ln_1p` are
//!   documented as correctly rounded in every rounding mode). It implements [`crate::num::Num`]
//!   but deliberately not [`crate::num::Ordered`]: an interval has no total order, and the
//!   regularizers for it ([`reg`]) are written with the monotonicity arguments stated there.
//! - The **same** generic DP of [`crate::dp`] runs on it: `dp::forward`, `dp::marginals` and
//!   `dp::vjp` with `T = Interval` give the value, y, the VJP and the Q and E tables as
//!   enclosures. The infeasible state is the DP's `Ext::NegInf`, exact; choices forced by
//!   infeasibility are the exact constants 0 and 1.
//! - The instance's numbers are `f64`s and are taken exactly (a JSON decimal is first rounded
//!   to the nearest `f64`, as every `f64` implementation does): the enclosures are of the
//!   exact operator applied to those `f64` inputs.
//! - [`relax_certified`] raises the working precision (128, 256, ... bits) until every output
//!   interval meets the [`Target`] width, and fails with a typed error past the ceiling.
//! - `hard` and `gini` are first tried in exact rational arithmetic (with a small bit cap), and
//!   the exact results are rounded outward. This matters at the operators' kinks: at a tie of
//!   the hard max, or where |p - s| equals gamma exactly for gini, the choice (hard) or its
//!   derivative (gini) jumps, intervals can only return the hull of both sides, and no
//!   precision resolves it; exact arithmetic decides the tie with the SPEC's convention.
//!   Certified `hard` through intervals is tight only when the optimum is unique; gini past the
//!   exact bit cap is tight away from kinks.
//!
//! ```
//! use diffknap::certified::{Interval, Target, relax_certified};
//! use diffknap::{Instance, RegKind, dp, reg::Tsallis};
//! let inst = Instance::knapsack(vec![1.0, 0.3, -0.2], vec![2, 1, 3], 3)?;
//! let z = [1.0, -1.0, 0.5];
//! let c = relax_certified(&inst, RegKind::Tsallis, 0.7, Some(&z), &Target::default())?;
//! let (lo, hi) = c.value.bounds().unwrap(); // exact rationals with lo <= V <= hi
//! // SPEC A.4 bounds: V_hard <= V <= V_hard + n gamma Hmax, with V_hard = 1.0 + 0.3.
//! let gap = 3.0 * 0.7 * RegKind::Tsallis.h_max();
//! assert!(lo <= hi && c.value.lo_f64() >= 1.3 && c.value.hi_f64() <= 1.3 + gap);
//! // The Q and E tables: the same generic DP, with T = Interval at 128 bits.
//! let theta = inst.theta().iter().map(|&t| Interval::point(t, 128)).collect();
//! let inst_i = inst.with_theta(theta)?;
//! let fwd = dp::forward(&inst_i, Tsallis, &Interval::point(0.7, 128))?;
//! let marg = dp::marginals(&inst_i, &fwd);
//! assert!(fwd.q.get(0, 2).is_valid() && marg.e.get(0, 0).is_valid());
//! # Ok::<(), diffknap::Error>(())
//! ```

pub mod alpha;
pub mod fmt;
pub mod interval;
pub mod reg;

pub use interval::Interval;

use crate::dp;
use crate::error::{Error, Result};
use crate::instance::{Budget, Instance};
use crate::num::Num;
use crate::num::rational::Rational;
use crate::reg::{Gini, Hard, RegKind, Regularizer, Shannon, Tsallis};
use num_bigint::BigInt;
use num_traits::{Signed, Zero};

/// Bit cap of the exact rational attempt for hard and gini before falling back to intervals.
pub const EXACT_ATTEMPT_BITS: u64 = 4096;

/// Largest table size n * (capacity + 1) accepted at certified precision. Larger instances get
/// `Error::TooLarge`. The work budget ([`Target::max_work`]) is the finer bound: below this
/// size, what an instance may cost is decided by [`estimate`].
pub const MAX_CERTIFIED_CELLS: u128 = 1 << 18;

/// Default work budget of one certified call, in work units ([`estimate`]): about ten seconds
/// on the machine the cost model was measured on.
pub const DEFAULT_MAX_WORK: u64 = 10_000_000;

/// Smallest bit cap worth an exact attempt: below it the attempt is skipped (intervals only).
const MIN_EXACT_CAP: u64 = 256;

/// The requested width of every output interval, and the precision schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// An interval is accepted if its width is at most `tol`, or at most `tol` times the
    /// smallest absolute value in it (absolute or relative width).
    pub tol: Rational,
    /// The first working precision, in bits.
    pub start_bits: usize,
    /// The ceiling: past this precision the driver gives up with an error.
    pub max_bits: usize,
    /// The work budget of one call, in work units (see [`estimate`]); checked before any work:
    /// passes that would exceed it are never started.
    pub max_work: u64,
}

impl Default for Target {
    /// Width 1e-30 (absolute or relative), from 128 bits up to 4096 bits.
    fn default() -> Self {
        Target::digits(30)
    }
}

impl Target {
    /// Width 10^-digits, with a precision schedule sized for it.
    pub fn digits(digits: u32) -> Self {
        let tol = Rational::new(BigInt::from(1), BigInt::from(10).pow(digits));
        // 10^-d needs about 3.33 d bits; start with a margin, allow 32 times more.
        let need = (digits as usize * 10).div_ceil(3) + 24;
        let start_bits = need.max(128).next_power_of_two();
        Target {
            tol,
            start_bits,
            max_bits: (start_bits * 32).max(4096),
            max_work: DEFAULT_MAX_WORK,
        }
    }

    /// Whether `x` meets the width target.
    pub fn accepts(&self, x: &Interval) -> bool {
        let (Some(w), Some(m)) = (x.width(), x.mag_min()) else {
            return false;
        };
        w <= self.tol || w <= &self.tol * m
    }
}

/// How the enclosures were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Exact rational arithmetic, rounded outward at the end (hard, gini).
    Exact,
    /// Interval arithmetic at the given working precision (bits).
    Interval(usize),
}

/// Certified outputs: each interval contains the exact result.
#[derive(Debug, Clone, PartialEq)]
pub struct Certified {
    /// Encloses the value V.
    pub value: Interval,
    /// Encloses y = dV/dtheta.
    pub y: Vec<Interval>,
    /// Encloses H z, if `z` was given.
    pub vjp: Option<Vec<Interval>>,
    /// How they were computed.
    pub method: Method,
}

impl Certified {
    fn all(&self) -> impl Iterator<Item = &Interval> {
        std::iter::once(&self.value)
            .chain(self.y.iter())
            .chain(self.vjp.iter().flatten())
    }
}

/// The work plan of a certified call, computed before any work from the table size, the
/// regularizer, the input sizes and the target: what the exact attempt and each interval pass
/// may cost, in work units.
///
/// The cost model is per table cell (forward, marginals and VJP), measured on an AMD EPYC
/// (Zen 4) shared with other jobs, in microseconds, with some margin (see docs/math.md):
///
/// | pass | units per cell at b bits |
/// |---|---|
/// | interval shannon | 700 + 2 b + 0.0033 b^2 |
/// | interval tsallis | 180 + 0.05 b + 0.00007 b^2 |
/// | interval gini | 80 + 0.05 b + 0.00002 b^2 |
/// | interval hard | 20 + 0.01 b |
/// | exact gini, numbers of b bits | 10 + 0.03 b + 0.000005 b^2 |
/// | exact hard, numbers of b bits | 5 + 0.01 b |
///
/// Exact gini numbers grow row by row up to the attempt's bit cap (and up to twice that in the
/// row that crosses it), so the exact attempt is charged at twice its cap; its cap is lowered
/// (from [`EXACT_ATTEMPT_BITS`]) until that fits a quarter of the budget, and the attempt is
/// skipped below `MIN_EXACT_CAP` bits. Exact hard numbers are sums of the inputs and are
/// charged at the inputs' size.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Cells of the table, n * (capacity + 1).
    pub cells: u128,
    /// The exact attempt's bit cap, if it is made (hard and gini only).
    pub exact_cap: Option<u64>,
    /// Work charged for the exact attempt (0 if none).
    pub exact_work: u128,
    /// The interval passes the budget allows, in order: (bits, work of that pass).
    pub passes: Vec<(usize, u128)>,
    /// The first pass of the schedule the budget does not allow: (bits, work), if any.
    pub refused: Option<(usize, u128)>,
}

fn interval_cost(kind: RegKind, bits: usize) -> f64 {
    let b = bits as f64;
    match kind {
        RegKind::Shannon => 700.0 + 2.0 * b + 0.0033 * b * b,
        RegKind::Tsallis => 180.0 + 0.05 * b + 0.00007 * b * b,
        RegKind::Gini => 80.0 + 0.05 * b + 0.00002 * b * b,
        RegKind::Hard => 20.0 + 0.01 * b,
        // Not measured: a bracketed root per cell, taken as three times shannon's cost.
        RegKind::Alpha(_) => 2100.0 + 6.0 * b + 0.01 * b * b,
        // No interval form (refused before any work).
        RegKind::Custom => 0.0,
    }
}

fn exact_cost(kind: RegKind, bits: u64) -> f64 {
    let b = bits as f64;
    match kind {
        RegKind::Gini => 10.0 + 0.03 * b + 0.000005 * b * b,
        _ => 5.0 + 0.01 * b,
    }
}

fn work(cells: u128, per_cell: f64) -> u128 {
    let w = cells as f64 * per_cell;
    if w >= u128::MAX as f64 {
        u128::MAX
    } else {
        w.ceil() as u128
    }
}

/// The work plan of [`relax_certified`] for this call (nothing is computed but the plan).
pub fn estimate(inst: &Instance<f64>, kind: RegKind, gamma: f64, target: &Target) -> Estimate {
    let cells = inst.n() as u128 * (inst.capacity() as u128 + 1);
    let budget = target.max_work as u128;
    let (exact_cap, exact_work) = match kind {
        // tsallis:2 is gini and tsallis:3 is gini at gamma / 2: the same exact cost.
        RegKind::Gini | RegKind::Alpha(_) if exact_gini_gamma(kind, gamma).is_some() => {
            let share = budget / 4;
            let mut cap = EXACT_ATTEMPT_BITS;
            while cap >= MIN_EXACT_CAP && work(cells, exact_cost(kind, 2 * cap)) > share {
                cap /= 2;
            }
            if cap >= MIN_EXACT_CAP {
                (Some(cap), work(cells, exact_cost(kind, 2 * cap)))
            } else {
                (None, 0)
            }
        }
        RegKind::Hard => {
            // Sums of the inputs: their common denominator and the largest numerator, plus
            // the carries of n additions.
            let bits = inst
                .theta()
                .iter()
                .chain(std::iter::once(&gamma))
                .map(|&t| Rational::from_f64(t).bits())
                .max()
                .unwrap_or(0)
                * 2
                + 64;
            let w = work(cells, exact_cost(kind, bits));
            if w <= budget / 4 {
                (Some(EXACT_ATTEMPT_BITS), w)
            } else {
                (None, 0)
            }
        }
        _ => (None, 0),
    };
    let mut spent = exact_work;
    let mut passes = Vec::new();
    let mut refused = None;
    let mut bits = target.start_bits.max(16);
    while bits <= target.max_bits {
        let w = work(cells, interval_cost(kind, bits));
        if spent.saturating_add(w) > budget {
            refused = Some((bits, w));
            break;
        }
        spent += w;
        passes.push((bits, w));
        bits *= 2;
    }
    Estimate {
        cells,
        exact_cap,
        exact_work,
        passes,
        refused,
    }
}

/// The operators with certified enclosures, for an `f64` instance taken exactly.
///
/// Checks gamma and z like the `f64` path, then plans the work ([`estimate`]) before doing any:
/// if not even the first interval pass fits `target.max_work`, the call is refused at once
/// with [`Error::Limit`]. Otherwise it runs the exact attempt (hard, gini; its bit cap lowered
/// for large tables) and the interval passes the budget allows, so its work is bounded by the
/// budget. Returns `Error::Unsupported` if the target width is not reached at the last pass
/// (typically at a kink of a sparse operator that exact arithmetic could not settle; the
/// message says whether the ceiling `target.max_bits` or the work budget stopped it),
/// `Error::Invalid` if an enclosure could not be formed.
pub fn relax_certified(
    inst: &Instance<f64>,
    kind: RegKind,
    gamma: f64,
    z: Option<&[f64]>,
    target: &Target,
) -> Result<Certified> {
    kind.check_gamma(&gamma)?;
    let cells = inst.n() as u128 * (inst.capacity() as u128 + 1);
    if cells > MAX_CERTIFIED_CELLS {
        return Err(Error::TooLarge {
            cells,
            budget: MAX_CERTIFIED_CELLS,
        });
    }
    if let Some(z) = z {
        inst.check_z(z)?;
    }
    let plan = estimate(inst, kind, gamma, target);
    if plan.passes.is_empty() {
        let (bits, w) = plan.refused.unwrap_or((target.start_bits, 0));
        return Err(Error::Limit {
            what: format!(
                "certified precision: work of one {}-bit interval pass over {} cells ({} units \
                 per cell, {})",
                bits,
                plan.cells,
                work(1, interval_cost(kind, bits)),
                kind.name()
            ),
            needed: w,
            limit: target.max_work as u128,
            how: "raise the certified work budget (Target::max_work), ask for fewer digits, or \
                  use a smaller instance"
                .into(),
        });
    }
    if let Some(cap) = plan.exact_cap {
        match exact_attempt(inst, kind, gamma, z, target.start_bits, cap) {
            Ok(c) => return Ok(c),
            Err(Error::ExactTooLarge { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let mut widest = String::new();
    let mut last = 0;
    for &(bits, _) in &plan.passes {
        let out = relax_intervals(inst, kind, gamma, z, bits)?;
        let bad = out.all().position(|x| !target.accepts(x));
        match bad {
            None => return Ok(out),
            Some(k) => widest = describe(&out, k),
        }
        last = bits;
    }
    let kink = "the operator is probably at a kink: a tie of the hard max, or |p - s| = gamma \
                for gini; ask for fewer digits, or perturb the input";
    Err(Error::Unsupported {
        what: match plan.refused {
            Some((bits, w)) => format!(
                "certified precision: the enclosure of {widest} is still wider than the target at \
                 {last} bits, and the next pass ({bits} bits, {w} work units) would exceed the \
                 certified work budget of {} units (raise it: Target::max_work), or {kink}",
                target.max_work
            ),
            None => format!(
                "certified precision: the enclosure of {widest} is still wider than the target at \
                 {last} bits, the precision ceiling ({kink})"
            ),
        },
    })
}

fn describe(out: &Certified, k: usize) -> String {
    let n = out.y.len();
    if k == 0 {
        "value".into()
    } else if k <= n {
        format!("y[{}]", k - 1)
    } else {
        format!("vjp[{}]", k - 1 - n)
    }
}

/// One pass of the generic DP on intervals at `bits` of working precision, with no width
/// target and no exact attempt: the enclosures are valid however wide they are. (Gamma and z
/// are checked by [`relax_certified`]; this lower-level entry assumes valid ones.)
pub fn relax_intervals(
    inst: &Instance<f64>,
    kind: RegKind,
    gamma: f64,
    z: Option<&[f64]>,
    bits: usize,
) -> Result<Certified> {
    kind.check_gamma(&gamma)?;
    match kind {
        RegKind::Hard => interval_pass(inst, Hard, gamma, z, bits),
        RegKind::Shannon => interval_pass(inst, Shannon, gamma, z, bits),
        RegKind::Gini => interval_pass(inst, Gini, gamma, z, bits),
        RegKind::Tsallis => interval_pass(inst, Tsallis, gamma, z, bits),
        RegKind::Alpha(a) => interval_pass(inst, alpha::IntervalAlpha::new(a), gamma, z, bits),
        RegKind::Custom => Err(Error::Unsupported {
            what: "regularizer: custom regularizers have no interval form; certified precision serves the built-in ones".into(),
        }),
    }
}

/// One pass of the generic DP on intervals at `bits` of working precision.
fn interval_pass<R: Regularizer<Interval>>(
    inst: &Instance<f64>,
    reg: R,
    gamma: f64,
    z: Option<&[f64]>,
    bits: usize,
) -> Result<Certified> {
    let theta: Vec<Interval> = inst
        .theta()
        .iter()
        .map(|&t| Interval::point(t, bits))
        .collect();
    let inst_i = inst.with_theta(theta)?;
    let g = Interval::point(gamma, bits);
    let fwd = dp::forward(&inst_i, reg, &g)?;
    let marg = dp::marginals(&inst_i, &fwd);
    let vjp = match z {
        Some(z) => {
            let zi: Vec<Interval> = z.iter().map(|&x| Interval::point(x, bits)).collect();
            Some(dp::vjp(&inst_i, &fwd, &marg, reg, &g, &zi)?.vjp)
        }
        None => None,
    };
    Ok(Certified {
        value: fwd.value,
        y: marg.y,
        vjp,
        method: Method::Interval(bits),
    })
}

/// Exact rational attempt (hard, gini) with numbers capped at `cap` bits, rounded outward to
/// `bits`.
/// The gini temperature that makes `kind` at `gamma` exactly gini: gamma for gini and
/// tsallis:2, gamma / 2 for tsallis:3 (H = q (1 - q) / 2); `None` for the others.
fn exact_gini_gamma(kind: RegKind, gamma: f64) -> Option<Rational> {
    let g = Rational::from_f64(gamma);
    match kind {
        RegKind::Gini => Some(g),
        RegKind::Alpha(a) if a.get() == 2.0 => Some(g),
        RegKind::Alpha(a) if a.get() == 3.0 => Some(g / Rational::from_integer(2.into())),
        _ => None,
    }
}

fn exact_attempt(
    inst: &Instance<f64>,
    kind: RegKind,
    gamma: f64,
    z: Option<&[f64]>,
    bits: usize,
    cap: u64,
) -> Result<Certified> {
    let theta: Vec<Rational> = inst
        .theta()
        .iter()
        .map(|&t| Rational::from_f64(t))
        .collect();
    let weights: Vec<u64> = inst.weights().iter().map(|&w| w as u64).collect();
    let budget = Budget {
        max_exact_bits: cap,
        ..inst.budget()
    };
    let inst_r = Instance::new(
        inst.constraint(),
        theta,
        Some(weights),
        inst.capacity() as u64,
        budget,
    )?;
    let g = Rational::from_f64(gamma);
    let zr: Option<Vec<Rational>> = z.map(|z| z.iter().map(|&x| Rational::from_f64(x)).collect());
    let out = match kind {
        RegKind::Hard => exact_pass(&inst_r, Hard, &g, zr.as_deref(), cap)?,
        RegKind::Gini | RegKind::Alpha(_) if exact_gini_gamma(kind, gamma).is_some() => {
            let g = exact_gini_gamma(kind, gamma).unwrap_or(g);
            exact_pass(&inst_r, Gini, &g, zr.as_deref(), cap)?
        }
        _ => {
            return Err(Error::Unsupported {
                what: format!("internal: no exact attempt for {}", kind.name()),
            });
        }
    };
    let iv = |r: &Rational| Interval::from_rational(r, bits);
    Ok(Certified {
        value: iv(&out.value),
        y: out.y.iter().map(iv).collect(),
        vjp: out.vjp.as_ref().map(|v| v.iter().map(iv).collect()),
        method: Method::Exact,
    })
}

/// The exact DP with every number capped at `cap` bits: the forward pass checks each row;
/// before the marginals, whose denominators combine one choice probability's per row, the sum
/// over rows of the largest choice-probability denominator must fit the cap (with shared
/// factors, as in the dyadic case, that is the marginals' size; otherwise they could grow far
/// past the cap, at a cost the work estimate does not cover); the outputs are checked after.
fn exact_pass<R: Regularizer<Rational>>(
    inst: &Instance<Rational>,
    reg: R,
    gamma: &Rational,
    z: Option<&[Rational]>,
    cap: u64,
) -> Result<crate::ops::Relaxed<Rational>> {
    let too_large = |row: usize, bits: u64| Error::ExactTooLarge {
        row,
        bits,
        cap,
        regularizer: R::KIND,
    };
    R::KIND.check_gamma(gamma)?;
    let fwd = dp::forward(inst, reg, gamma)?;
    let mut growth = 0u64;
    for r in 0..fwd.q.rows() {
        // E and y lie in [0, 1]: their size is their denominator's, which grows at most by
        // the choice probabilities' denominators (1 for the 0/1 choices of hard).
        growth += fwd
            .q
            .row(r)
            .iter()
            .map(|q| q.denom().bits() - 1)
            .max()
            .unwrap_or(0);
        if growth > cap {
            return Err(too_large(r + 1, growth));
        }
    }
    let marg = dp::marginals(inst, &fwd);
    let vjp = match z {
        Some(z) => Some(dp::vjp(inst, &fwd, &marg, reg, gamma, z)?.vjp),
        None => None,
    };
    if let Some(b) = vjp
        .iter()
        .flatten()
        .chain(marg.y.iter())
        .map(|x| x.bits())
        .find(|&b| b > cap)
    {
        return Err(too_large(inst.n(), b));
    }
    Ok(crate::ops::Relaxed {
        value: fwd.value,
        y: marg.y,
        vjp,
        samples: Vec::new(),
    })
}

/// Distance from `x` to the interval (0 if inside), exactly.
pub fn distance(iv: &Interval, x: &Rational) -> Option<Rational> {
    let (lo, hi) = iv.bounds()?;
    Some(if *x < lo {
        lo - x
    } else if *x > hi {
        x - hi
    } else {
        <Rational as Zero>::zero()
    })
}

/// The endpoint of the interval nearest to `x` (`x` itself if inside).
pub fn nearest(iv: &Interval, x: &Rational) -> Option<Rational> {
    let (lo, hi) = iv.bounds()?;
    Some(if *x < lo {
        lo
    } else if *x > hi {
        hi
    } else {
        x.clone()
    })
}

/// The spacing of `f64`s at the real `t`: 2^(e - 52) for 2^e <= |t| < 2^(e+1), and the
/// subnormal spacing 2^-1074 below 2^-1022.
pub fn ulp_at(t: &Rational) -> Rational {
    let a = t.abs();
    let e = if a.is_zero() {
        -1074
    } else {
        // floor(log2 a) from the bit lengths, corrected by one comparison.
        let mut e = a.numer().bits() as i64 - a.denom().bits() as i64;
        if pow2(e) > a {
            e -= 1;
        }
        e
    };
    pow2((e - 52).max(-1074))
}

fn pow2(e: i64) -> Rational {
    if e >= 0 {
        Rational::from_integer(BigInt::from(1) << (e as usize))
    } else {
        Rational::new(BigInt::from(1), BigInt::from(1) << ((-e) as usize))
    }
}

/// `true` if the enclosure is a single exact number.
pub fn is_point(iv: &Interval) -> bool {
    iv.width().is_some_and(|w| w.is_zero())
}
