//! The hard problem as an integer program (and its LP relaxation).
//!
//! The solver works in f64; its answer is never trusted as is: the selection is rounded,
//! re-checked for feasibility in integers and re-scored exactly in rationals. Its optimality
//! is only that of the f64 model (scores closer than f64 resolution look equal to it);
//! [`crate::solve::ilp_checked`] re-checks it in exact arithmetic.
//!
//! The solver is CBC through good_lp with the `cbc` feature (fast on strongly correlated
//! instances), and the pure-Rust microlp, called directly, otherwise (good_lp's wrapper of it
//! has a time limit but no node limit). Both run under [`IlpLimits`]: a search stopped by a
//! limit is an [`Error::SolverLimit`], never an answer.

use crate::error::{Error, Result};
use crate::instance::Instance;
use crate::num::Num;
use crate::num::rational::Rational;

/// An integer solution, re-checked and re-scored exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct IlpSolution {
    /// <theta, selection>, exactly.
    pub value: Rational,
    /// The selection.
    pub selection: Vec<bool>,
}

/// A solution of the LP relaxation 0 <= x <= 1.
#[derive(Debug, Clone, PartialEq)]
pub struct LpSolution {
    /// The LP optimum <theta, x> (f64, as solved).
    pub value: f64,
    /// The fractional solution.
    pub x: Vec<f64>,
}

/// Work limits of the solver, enforced by the solver during its search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IlpLimits {
    /// Wall-clock seconds (finite, >= 0). CBC counts whole seconds (rounded up).
    pub time_s: f64,
    /// Branch-and-bound nodes (the root relaxation is not counted by microlp).
    pub nodes: u64,
}

/// Default time limit of one solve, in seconds.
pub const DEFAULT_TIME_S: f64 = 10.0;
/// Default node limit of one solve.
pub const DEFAULT_NODES: u64 = 200_000;
/// Largest accepted time limit, in seconds (one day).
pub const MAX_TIME_S: f64 = 86_400.0;

impl Default for IlpLimits {
    /// [`DEFAULT_TIME_S`] seconds and [`DEFAULT_NODES`] nodes.
    fn default() -> Self {
        IlpLimits {
            time_s: DEFAULT_TIME_S,
            nodes: DEFAULT_NODES,
        }
    }
}

impl IlpLimits {
    /// Checks the limits: the time a finite number of seconds in [0, [`MAX_TIME_S`]]. Errors
    /// name `time_limit` (the field a request or command line would use).
    pub fn check(&self) -> Result<()> {
        if !(self.time_s.is_finite() && (0.0..=MAX_TIME_S).contains(&self.time_s)) {
            return Err(Error::Invalid {
                field: "time_limit".into(),
                rule: format!(
                    "must be a number of seconds from 0 to {MAX_TIME_S}; got {}",
                    self.time_s
                ),
            });
        }
        Ok(())
    }
}

/// Which limit stopped a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Time,
    Nodes,
}

fn limit_error(stop: Stop, limits: &IlpLimits) -> Error {
    match stop {
        Stop::Time => Error::SolverLimit {
            limit: "time".into(),
            budget: format!("{} s", limits.time_s),
            how: "raise the ILP time limit, or use the exact DP (method dp)".into(),
        },
        Stop::Nodes => Error::SolverLimit {
            limit: "nodes".into(),
            budget: format!("{} nodes", limits.nodes),
            how: "raise the ILP node limit, or use the exact DP (method dp)".into(),
        },
    }
}

/// The model's coefficients in f64: objective theta, constraint weights (clamped for the ILP,
/// as given for the LP; see `docs/math.md`), right-hand side C.
fn coefficients(inst: &Instance<Rational>, integer: bool) -> (Vec<f64>, Vec<f64>, f64) {
    let theta = inst.theta().iter().map(|t| t.to_f64()).collect();
    // The LP uses the weights as given: the stored ones are clamped to C + 1, which changes the
    // LP (an item of weight 20 in a knapsack of capacity 10 can be taken to 1/2, not 10/11).
    // The ILP has the same feasible set with either and uses the clamped, better-scaled ones.
    let weights = if integer {
        inst.weights().iter().map(|&w| w as f64).collect()
    } else {
        inst.given_weights().iter().map(|&w| w as f64).collect()
    };
    (theta, weights, inst.capacity() as f64)
}

/// Solves the model; `Ok(Err(stop))` when a limit stopped the search before optimality.
#[cfg(feature = "cbc")]
fn solve_model(
    inst: &Instance<Rational>,
    integer: bool,
    limits: &IlpLimits,
) -> Result<std::result::Result<Vec<f64>, Stop>> {
    use good_lp::{
        Expression, ProblemVariables, ResolutionError, Solution, SolverModel, Variable, variable,
    };
    limits.check()?;
    let (theta, weights, cap) = coefficients(inst, integer);
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = (0..inst.n())
        .map(|_| {
            let v = variable().min(0.0).max(1.0);
            vars.add(if integer { v.integer() } else { v })
        })
        .collect();
    let objective: Expression = x.iter().zip(&theta).map(|(v, t)| *t * *v).sum();
    let load: Expression = x.iter().zip(&weights).map(|(v, w)| *w * *v).sum();
    let cons = if inst.constraint().is_equality() {
        load.eq(cap)
    } else {
        load.leq(cap)
    };
    let mut m = vars
        .maximise(objective)
        .using(good_lp::solvers::coin_cbc::coin_cbc);
    m.set_parameter("logLevel", "0");
    m.set_parameter("slogLevel", "0");
    // Wall-clock seconds (CBC counts CPU time unless told otherwise), whole seconds.
    m.set_parameter("timeMode", "elapsed");
    m.set_parameter("seconds", &(limits.time_s.ceil() as u64).to_string());
    m.set_parameter("maxNodes", &limits.nodes.min(i32::MAX as u64).to_string());
    match m.with(cons).solve() {
        Ok(sol) => {
            let raw = sol.model();
            if integer && !raw.is_proven_optimal() {
                // good_lp reports some limit stops as optimal: ask CBC itself.
                return Ok(Err(if raw.is_node_limit_reached() {
                    Stop::Nodes
                } else {
                    Stop::Time
                }));
            }
            if matches!(sol.status(), good_lp::solvers::SolutionStatus::TimeLimit) {
                return Ok(Err(Stop::Time));
            }
            Ok(Ok(x.iter().map(|v| sol.value(*v)).collect()))
        }
        // good_lp turns a CBC stop other than on time (here: on nodes) into "Stopped".
        Err(ResolutionError::Other("Stopped")) => Ok(Err(Stop::Nodes)),
        Err(e) => Err(Error::Solver {
            what: e.to_string(),
        }),
    }
}

/// Solves the model; `Ok(Err(stop))` when a limit stopped the search before optimality.
#[cfg(not(feature = "cbc"))]
fn solve_model(
    inst: &Instance<Rational>,
    integer: bool,
    limits: &IlpLimits,
) -> Result<std::result::Result<Vec<f64>, Stop>> {
    use microlp::{
        ComparisonOp, LinearExpr, OptimizationDirection, Problem, SolveOptions, SolveOutcome,
        TerminationReason,
    };
    limits.check()?;
    let (theta, weights, cap) = coefficients(inst, integer);
    let mut problem = Problem::new(OptimizationDirection::Maximize);
    let x: Vec<microlp::Variable> = theta
        .iter()
        .map(|&t| {
            if integer {
                problem.add_integer_var(t, (0, 1))
            } else {
                problem.add_var(t, (0.0, 1.0))
            }
        })
        .collect();
    let mut load = LinearExpr::empty();
    for (v, &w) in x.iter().zip(&weights) {
        load.add(*v, w);
    }
    let op = if inst.constraint().is_equality() {
        ComparisonOp::Eq
    } else {
        ComparisonOp::Le
    };
    problem.add_constraint(load, op, cap);
    let mut opts = SolveOptions::default();
    opts.time_limit = Some(std::time::Duration::from_secs_f64(limits.time_s));
    opts.node_limit = Some(limits.nodes);
    let outcome = problem.solve_with(opts).map_err(|e| Error::Solver {
        what: e.to_string(),
    })?;
    let stop = |reason| match reason {
        TerminationReason::NodeLimit => Stop::Nodes,
        _ => Stop::Time,
    };
    match outcome {
        SolveOutcome::Solution(sol) => match sol.termination_reason() {
            TerminationReason::ProvenOptimal => {
                Ok(Ok(x.iter().map(|v| sol.var_value(*v)).collect()))
            }
            other => Ok(Err(stop(other))),
        },
        SolveOutcome::Interrupted(i) => Ok(Err(stop(i.termination_reason()))),
    }
}

/// The hard optimum as an ILP: max <theta, y> s.t. <w, y> <= C (or = C), y binary, under the
/// default [`IlpLimits`]. Optimal for the f64 model; see [`crate::solve::ilp_checked`].
pub fn solve_ilp(inst: &Instance<Rational>) -> Result<IlpSolution> {
    solve_ilp_with(inst, &IlpLimits::default())
}

/// [`solve_ilp`] under `limits`: a search that a limit stops is an [`Error::SolverLimit`]
/// naming the limit, even when the solver holds a feasible incumbent.
pub fn solve_ilp_with(inst: &Instance<Rational>, limits: &IlpLimits) -> Result<IlpSolution> {
    match solve_model(inst, true, limits)? {
        Ok(x) => check_integer_answer(inst, &x),
        Err(stop) => Err(limit_error(stop, limits)),
    }
}

/// What [`solve_ilp`] does with the solver's f64 answer `x`: round each entry (it must be
/// within 1e-6 of 0 or 1), re-check feasibility in integers and re-score exactly. A solver
/// answer that fails is an [`Error::Solver`], never a silent wrong optimum. Public so that the
/// checks can be tested on answers a real solver would not give.
pub fn check_integer_answer(inst: &Instance<Rational>, x: &[f64]) -> Result<IlpSolution> {
    let mut selection = Vec::with_capacity(x.len());
    for (i, &xi) in x.iter().enumerate() {
        let r = xi.round();
        if (xi - r).abs() > 1e-6 || !(r == 0.0 || r == 1.0) {
            return Err(Error::Solver {
                what: format!("x[{i}] = {xi} is not integral"),
            });
        }
        selection.push(r == 1.0);
    }
    // Re-check in integers, re-score exactly.
    let load: u128 = inst
        .weights()
        .iter()
        .zip(&selection)
        .filter(|(_, b)| **b)
        .map(|(w, _)| *w as u128)
        .sum();
    let cap = inst.capacity() as u128;
    let ok = if inst.constraint().is_equality() {
        load == cap
    } else {
        load <= cap
    };
    if !ok {
        return Err(Error::Solver {
            what: format!(
                "the solver's selection has weight {load}, infeasible for capacity {cap}"
            ),
        });
    }
    let value = inst
        .theta()
        .iter()
        .zip(&selection)
        .filter(|(_, b)| **b)
        .fold(Rational::zero(), |a, (t, _)| a + t.clone());
    Ok(IlpSolution { value, selection })
}

/// The LP relaxation: max <theta, x> s.t. <w, x> <= C (or = C), 0 <= x <= 1, with the weights
/// as given, under the default [`IlpLimits`].
pub fn solve_lp(inst: &Instance<Rational>) -> Result<LpSolution> {
    solve_lp_with(inst, &IlpLimits::default())
}

/// [`solve_lp`] under `limits` (the time limit; LPs have no nodes).
pub fn solve_lp_with(inst: &Instance<Rational>, limits: &IlpLimits) -> Result<LpSolution> {
    let x = match solve_model(inst, false, limits)? {
        Ok(x) => x,
        Err(stop) => return Err(limit_error(stop, limits)),
    };
    let x: Vec<f64> = x.into_iter().map(|v| v.clamp(0.0, 1.0)).collect();
    let value = x
        .iter()
        .zip(inst.theta())
        .map(|(x, t)| x * t.to_f64())
        .sum();
    Ok(LpSolution { value, x })
}
