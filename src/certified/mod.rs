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
use crate::ops::{Extras, relax_exact};
use crate::reg::{Gini, Hard, RegKind, Regularizer, Shannon, Tsallis};
use num_bigint::BigInt;
use num_traits::{Signed, Zero};

/// Bit cap of the exact rational attempt for hard and gini before falling back to intervals.
pub const EXACT_ATTEMPT_BITS: u64 = 4096;

/// Largest table size n * (capacity + 1) accepted at certified precision: each cell costs a
/// few dozen arbitrary-precision operations (about 0.1 ms at 128 bits), so this keeps one
/// instance under about half a minute. Larger instances get `Error::TooLarge`.
pub const MAX_CERTIFIED_CELLS: u128 = 1 << 18;

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

/// The operators with certified enclosures, for an `f64` instance taken exactly.
///
/// Checks gamma and z like the `f64` path. Returns `Error::Unsupported` if the target width is
/// not reached at `target.max_bits` (typically at a kink of a sparse operator that exact
/// arithmetic could not settle), `Error::Invalid` if an enclosure could not be formed.
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
    let rational_alpha = matches!(kind, RegKind::Alpha(a) if a.is_rational());
    if matches!(kind, RegKind::Hard | RegKind::Gini) || rational_alpha {
        match exact_attempt(inst, kind, gamma, z, target.start_bits) {
            Ok(c) => return Ok(c),
            Err(Error::ExactTooLarge { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let mut bits = target.start_bits.max(16);
    let mut widest = String::new();
    while bits <= target.max_bits {
        let out = relax_intervals(inst, kind, gamma, z, bits)?;
        let bad = out.all().position(|x| !target.accepts(x));
        match bad {
            None => return Ok(out),
            Some(k) => widest = describe(&out, k),
        }
        bits *= 2;
    }
    Err(Error::Unsupported {
        what: format!(
            "certified precision: the enclosure of {widest} is still wider than the target at {} bits \
             (the operator is probably at a kink: a tie of the hard max, or |p - s| = gamma for gini; \
             ask for fewer --digits, or perturb the input)",
            target.max_bits
        ),
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

/// Exact rational attempt (hard, gini), rounded outward to `bits`.
fn exact_attempt(
    inst: &Instance<f64>,
    kind: RegKind,
    gamma: f64,
    z: Option<&[f64]>,
    bits: usize,
) -> Result<Certified> {
    let theta: Vec<Rational> = inst
        .theta()
        .iter()
        .map(|&t| Rational::from_f64(t))
        .collect();
    let weights: Vec<u64> = inst.weights().iter().map(|&w| w as u64).collect();
    let budget = Budget {
        max_exact_bits: EXACT_ATTEMPT_BITS,
        ..inst.budget()
    };
    let inst_r = Instance::new(
        inst.constraint(),
        theta,
        Some(weights),
        inst.capacity() as u64,
        budget,
    )?;
    let extras = Extras {
        z: z.map(|z| z.iter().map(|&x| Rational::from_f64(x)).collect()),
        samples: 0,
        seed: 0,
    };
    let out = relax_exact(&inst_r, kind, &Rational::from_f64(gamma), &extras)?;
    if out
        .vjp
        .iter()
        .flatten()
        .chain(out.y.iter())
        .any(|x| x.bits() > EXACT_ATTEMPT_BITS)
    {
        return Err(Error::ExactTooLarge {
            row: inst.n(),
            bits: EXACT_ATTEMPT_BITS + 1,
            cap: EXACT_ATTEMPT_BITS,
        });
    }
    let iv = |r: &Rational| Interval::from_rational(r, bits);
    Ok(Certified {
        value: iv(&out.value),
        y: out.y.iter().map(iv).collect(),
        vjp: out.vjp.as_ref().map(|v| v.iter().map(iv).collect()),
        method: Method::Exact,
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
