//! Regularizers: the smoothed two-way max of SPEC A.2.
//!
//! `max_Omega(s, p) = max over q in [0,1] of q p + (1 - q) s + gamma H(q)`, returned with its
//! maximiser q (the probability of "pick"). Only two functions depend on the regularizer: the
//! value-and-choice [`Regularizer::smax`] and the derivative of q written in q alone
//! [`Regularizer::dq`]. Everything else in the DP is shared.

mod alpha;
mod custom;
mod gini;
mod hard;
mod shannon;
mod tsallis;

pub use alpha::{Alpha, TsallisAlpha, foc, small_side};
pub use custom::{
    Builtin, CheckOptions, CheckReport, Custom, TwoWay, Worst, check_two_way, variational_max,
};
pub use gini::Gini;
pub use hard::Hard;
pub use shannon::Shannon;
pub use tsallis::Tsallis;

use crate::error::{Error, Result, invalid};
use crate::num::{Ext, Num};

/// A smoothing of the two-way max, for number type `T`.
pub trait Regularizer<T>: Copy + Send + Sync + 'static {
    /// Which regularizer this is ([`RegKind::Custom`] for one with a runtime parameter or one
    /// defined outside the crate; [`Regularizer::kind`] then gives the exact one).
    const KIND: RegKind;
    /// Which regularizer this is, at run time (defaults to [`Regularizer::KIND`]).
    fn kind(&self) -> RegKind {
        Self::KIND
    }
    /// For finite skip value `s` and pick value `p`: `(max_Omega(s, p), q)`.
    fn smax(&self, s: &T, p: &T, gamma: &T) -> (T, T);
    /// dq / d(p - s), written in q alone (SPEC A.2). Zero where q is 0 or 1 for the sparse
    /// regularizers.
    fn dq(&self, q: &T, gamma: &T) -> T;
}

/// The smoothed max on extended values: if only one side is finite it wins with certainty.
pub fn smax_ext<T: Num, R: Regularizer<T>>(
    reg: R,
    s: &Ext<T>,
    p: &Ext<T>,
    gamma: &T,
) -> (Ext<T>, T) {
    match (s, p) {
        (Ext::Fin(s), Ext::Fin(p)) => {
            let (v, q) = reg.smax(s, p, gamma);
            (Ext::Fin(v), q)
        }
        (Ext::NegInf, Ext::Fin(p)) => (Ext::Fin(p.clone()), T::one()),
        (Ext::Fin(s), Ext::NegInf) => (Ext::Fin(s.clone()), T::zero()),
        (Ext::NegInf, Ext::NegInf) => (Ext::NegInf, T::zero()),
    }
}

/// The regularizer, as a runtime choice (strings live only at the CLI boundary).
///
/// `Alpha` and `Custom` were added after the first four: the fast backends have kernels for
/// the first four only and run `Alpha` on the reference DP (see `crate::backend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegKind {
    /// gamma = 0: the plain max, ties go to skip.
    Hard,
    /// Binary entropy: the log-sum-exp / Gibbs operator.
    Shannon,
    /// H(q) = q (1 - q): sparse.
    Gini,
    /// 1.5-Tsallis entropy (4/3)(1 - q^1.5 - (1-q)^1.5): sparse.
    Tsallis,
    /// The alpha-Tsallis entropy `(1 - q^alpha - (1-q)^alpha) / (alpha (alpha - 1))` for a
    /// general alpha > 1, by a root finder: sparse once `|p - s| >= gamma / (alpha - 1)`.
    Alpha(Alpha),
    /// A regularizer defined outside the crate ([`TwoWay`] through [`Custom`]): reachable from
    /// the Rust API only, never parsed; its H is unknown here ([`RegKind::h_max`] is infinite).
    Custom,
}

impl std::fmt::Display for RegKind {
    /// The parseable label ([`RegKind::label`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

impl RegKind {
    /// All four, in a fixed order.
    pub const ALL: [RegKind; 4] = [
        RegKind::Hard,
        RegKind::Shannon,
        RegKind::Gini,
        RegKind::Tsallis,
    ];

    /// Parses `hard`, `shannon` (alias `entropy`), `gini` (alias `l2`), `tsallis` (alpha 1.5,
    /// closed form) and `tsallis:ALPHA` for a decimal alpha in [1, 100] (`tsallis:1` is shannon;
    /// any other alpha, 1.5 and 2 included, is the general root-finding [`RegKind::Alpha`]).
    pub fn parse(name: &str) -> Result<Self> {
        if let Some(a) = name.strip_prefix("tsallis:") {
            let alpha: f64 = a.trim().parse().map_err(|_| {
                invalid(
                    "regularizer",
                    format!("tsallis:ALPHA needs a decimal number alpha > 1 (e.g. tsallis:1.3); got {name:?}"),
                )
            })?;
            if alpha == 1.0 {
                return Ok(RegKind::Shannon);
            }
            return Ok(RegKind::Alpha(Alpha::new(alpha)?));
        }
        match name {
            "hard" | "none" => Ok(RegKind::Hard),
            "shannon" | "entropy" => Ok(RegKind::Shannon),
            "gini" | "l2" => Ok(RegKind::Gini),
            "tsallis" | "tsallis15" | "tsallis1.5" => Ok(RegKind::Tsallis),
            other => Err(invalid(
                "regularizer",
                format!(
                    "must be one of hard, shannon, gini, tsallis, tsallis:ALPHA (alpha > 1); got {other:?}"
                ),
            )),
        }
    }
    /// The canonical name of the fixed ones; `tsallis-alpha` and `custom` for the others (use
    /// [`RegKind::label`] for a name that parses back, `tsallis:ALPHA`).
    pub fn name(self) -> &'static str {
        match self {
            RegKind::Hard => "hard",
            RegKind::Shannon => "shannon",
            RegKind::Gini => "gini",
            RegKind::Tsallis => "tsallis",
            RegKind::Alpha(_) => "tsallis-alpha",
            RegKind::Custom => "custom",
        }
    }
    /// The name that [`RegKind::parse`] reads back: [`RegKind::name`], or `tsallis:ALPHA`.
    pub fn label(self) -> String {
        match self {
            RegKind::Alpha(a) => a.label(),
            other => other.name().to_string(),
        }
    }
    /// The alpha of the Tsallis family this is: 1 for shannon, 2 for gini, 1.5 for tsallis,
    /// alpha for `Alpha`; `None` for hard and custom.
    pub fn alpha(self) -> Option<f64> {
        match self {
            RegKind::Shannon => Some(1.0),
            RegKind::Gini => Some(2.0),
            RegKind::Tsallis => Some(1.5),
            RegKind::Alpha(a) => Some(a.get()),
            RegKind::Hard | RegKind::Custom => None,
        }
    }
    /// The sparsity threshold in units of gamma: q is exactly 0 or 1 once
    /// `|p - s| >= threshold * gamma`. Infinite for shannon (never sparse), 0 for hard,
    /// `1 / (alpha - 1)` for the Tsallis family, NaN for custom (unknown).
    pub fn sparsity_threshold(self) -> f64 {
        match self {
            RegKind::Hard => 0.0,
            RegKind::Shannon => f64::INFINITY,
            RegKind::Gini => 1.0,
            RegKind::Tsallis => 2.0,
            RegKind::Alpha(a) => a.threshold(),
            RegKind::Custom => f64::NAN,
        }
    }
    /// max of H over [0, 1]: the per-item bound on the smoothing gap.
    pub fn h_max(self) -> f64 {
        match self {
            RegKind::Hard => 0.0,
            RegKind::Shannon => std::f64::consts::LN_2,
            RegKind::Gini => 0.25,
            RegKind::Tsallis => 4.0 / 3.0 * (1.0 - std::f64::consts::FRAC_1_SQRT_2),
            RegKind::Alpha(a) => a.h_max(),
            RegKind::Custom => f64::INFINITY,
        }
    }
    /// H(q) in f64, from its definition (used by oracles and tests, not by the DP). NaN for
    /// custom (the crate does not know its H; use [`TwoWay::entropy`]).
    pub fn entropy(self, q: f64) -> f64 {
        let xlnx = |x: f64| if x <= 0.0 { 0.0 } else { x * x.ln() };
        match self {
            RegKind::Hard => 0.0,
            RegKind::Shannon => -xlnx(q) - xlnx(1.0 - q),
            RegKind::Gini => q * (1.0 - q),
            RegKind::Tsallis => 4.0 / 3.0 * (1.0 - q.powf(1.5) - (1.0 - q).powf(1.5)),
            RegKind::Alpha(a) => a.entropy(q),
            RegKind::Custom => f64::NAN,
        }
    }
    /// Checks gamma: exactly 0 for `hard`, finite and positive otherwise.
    pub fn check_gamma<T: Num + PartialOrd>(self, gamma: &T) -> Result<()> {
        if !gamma.is_finite() {
            return Err(Error::NonFinite {
                field: "gamma".into(),
            });
        }
        match self {
            RegKind::Hard if *gamma != T::zero() => Err(invalid(
                "gamma",
                "must be 0 for the hard regularizer (use shannon, gini or tsallis to smooth)",
            )),
            RegKind::Hard => Ok(()),
            _ if *gamma <= T::zero() => Err(invalid(
                "gamma",
                format!(
                    "must be > 0 for the {} regularizer (gamma = 0 is the hard operator)",
                    self.name()
                ),
            )),
            _ => Ok(()),
        }
    }
}
