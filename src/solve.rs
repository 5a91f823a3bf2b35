//! The hard problem (gamma = 0): max <theta, y> over feasible y, exactly.

use crate::dp;
use crate::error::{Error, Result};
use crate::instance::Instance;
use crate::num::Ordered;
use crate::num::rational::{Rational, format_rational_short};
use crate::oracle::ilp::{self, IlpLimits};
use crate::reg::Hard;
use crate::rng::Rng;

/// The optimum of the hard problem and one optimal selection, by the hard DP (Algorithm 1
/// with gamma = 0) and its argmax path (Algorithm 3 with 0/1 choices). The selection is
/// re-scored and re-checked, so a returned pair is always consistent.
pub fn hard_dp<T: Ordered>(inst: &Instance<T>) -> Result<(T, Vec<bool>)> {
    let fwd = dp::forward(inst, Hard, &T::zero())?;
    // With 0/1 choice probabilities the sampler is deterministic: it follows the argmax path.
    let path = dp::sample(inst, &fwd, &mut Rng::seed(0)).selection;
    let score = inst
        .theta()
        .iter()
        .zip(&path)
        .filter(|(_, b)| **b)
        .fold(T::zero(), |acc, (t, _)| acc + t.clone());
    if !inst.is_feasible(&path) || score != fwd.value {
        return Err(Error::Solver {
            what: "internal: the hard DP's argmax path does not re-score to its value".into(),
        });
    }
    Ok((fwd.value, path))
}

/// How the optimality of an ILP answer was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Optimality {
    /// The exact hard DP (in rationals) has the same optimum: the selection is optimal for the
    /// scores as written.
    Exact,
    /// Optimal only for the f64-rounded model the solver works in: the exact DP was over its
    /// cell or bit budget, so scores closer than f64 resolution (or rounded to equal doubles)
    /// may be ordered wrongly.
    F64Rounded,
}

impl Optimality {
    /// `exact` or `f64_rounded`, for output.
    pub fn name(self) -> &'static str {
        match self {
            Optimality::Exact => "exact",
            Optimality::F64Rounded => "f64_rounded",
        }
    }
}

/// An ILP answer with its optimality label.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedIlp {
    /// <theta, selection>, exactly.
    pub value: Rational,
    /// The selection (feasible, re-checked in integers).
    pub selection: Vec<bool>,
    /// Whether optimality was confirmed in exact arithmetic.
    pub optimality: Optimality,
}

/// The ILP answer (`oracle::ilp`, under `limits`) with its optimality re-checked in exact
/// arithmetic: when the exact hard DP fits its cell and bit budgets, its optimum must equal
/// the ILP selection's exact score ([`Optimality::Exact`]); a lower ILP score is an
/// [`Error::Solver`] saying that the f64 model could not separate the scores (for example
/// theta = ["1e-400", "2e-400"], both 0 in f64), never a non-optimal answer. When the DP is
/// over budget the answer is labelled [`Optimality::F64Rounded`]. A search stopped by a limit
/// is an [`Error::SolverLimit`]. The selection is the solver's own: the DP only checks it.
pub fn ilp_checked(inst: &Instance<Rational>, limits: &IlpLimits) -> Result<CheckedIlp> {
    let sol = ilp::solve_ilp_with(inst, limits)?;
    let optimality = match exact_optimum(inst)? {
        None => Optimality::F64Rounded,
        Some(opt) if opt == sol.value => Optimality::Exact,
        Some(opt) if opt > sol.value => {
            return Err(Error::Solver {
                what: format!(
                    "the ILP's selection scores {} but the exact optimum is {}: the solver works \
                     in f64, where these scores are too close to tell apart; use method dp",
                    format_rational_short(&sol.value, 40),
                    format_rational_short(&opt, 40)
                ),
            });
        }
        Some(opt) => {
            return Err(Error::Solver {
                what: format!(
                    "internal: the ILP's feasible selection scores {}, above the exact DP optimum {}",
                    format_rational_short(&sol.value, 40),
                    format_rational_short(&opt, 40)
                ),
            });
        }
    };
    Ok(CheckedIlp {
        value: sol.value,
        selection: sol.selection,
        optimality,
    })
}

/// The exact hard optimum by the DP, or `None` when its table or its numbers are over the
/// instance's exact budgets (checked before the table is built, and per row).
fn exact_optimum(inst: &Instance<Rational>) -> Result<Option<Rational>> {
    if inst.cells() > inst.budget().max_exact_cells {
        return Ok(None);
    }
    match hard_dp(inst) {
        Ok((v, _)) => Ok(Some(v)),
        Err(Error::ExactTooLarge { .. } | Error::TooLarge { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
