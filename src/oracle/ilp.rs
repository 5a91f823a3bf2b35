//! The hard problem as an integer program (and its LP relaxation) through good_lp.
//!
//! The solver works in f64; its answer is never trusted as is: the selection is rounded,
//! re-checked for feasibility in integers and re-scored exactly in rationals.
//! The solver is CBC with the `cbc` feature (fast on strongly correlated instances), and
//! the pure-Rust microlp otherwise.

use crate::error::{Error, Result};
use crate::instance::Instance;
use crate::num::Num;
use crate::num::rational::Rational;
use good_lp::{Expression, ProblemVariables, Solution, SolverModel, Variable, variable};

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

fn build(
    inst: &Instance<Rational>,
    integer: bool,
) -> (ProblemVariables, Vec<Variable>, Expression, Expression) {
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = (0..inst.n())
        .map(|_| {
            let v = variable().min(0.0).max(1.0);
            vars.add(if integer { v.integer() } else { v })
        })
        .collect();
    let objective: Expression = x
        .iter()
        .zip(inst.theta())
        .map(|(v, t)| t.to_f64() * *v)
        .sum();
    // The LP uses the weights as given: the stored ones are clamped to C + 1, which changes the
    // LP (an item of weight 20 in a knapsack of capacity 10 can be taken to 1/2, not 10/11).
    // The ILP has the same feasible set with either and uses the clamped, better-scaled ones.
    let load: Expression = if integer {
        x.iter()
            .zip(inst.weights())
            .map(|(v, &w)| w as f64 * *v)
            .sum()
    } else {
        x.iter()
            .zip(inst.given_weights())
            .map(|(v, &w)| w as f64 * *v)
            .sum()
    };
    (vars, x, objective, load)
}

fn solve_model(inst: &Instance<Rational>, integer: bool) -> Result<Vec<f64>> {
    let (vars, x, objective, load) = build(inst, integer);
    let cap = inst.capacity() as f64;
    let cons = if inst.constraint().is_equality() {
        load.eq(cap)
    } else {
        load.leq(cap)
    };
    let problem = vars.maximise(objective);
    #[cfg(feature = "cbc")]
    let solution = {
        let mut m = problem.using(good_lp::solvers::coin_cbc::coin_cbc);
        m.set_parameter("logLevel", "0");
        m.set_parameter("slogLevel", "0");
        m.with(cons).solve()
    };
    #[cfg(not(feature = "cbc"))]
    let solution = problem.using(good_lp::microlp).with(cons).solve();
    let solution = solution.map_err(|e| Error::Solver {
        what: e.to_string(),
    })?;
    Ok(x.iter().map(|v| solution.value(*v)).collect())
}

/// The hard optimum as an ILP: max <theta, y> s.t. <w, y> <= C (or = C), y binary.
pub fn solve_ilp(inst: &Instance<Rational>) -> Result<IlpSolution> {
    let x = solve_model(inst, true)?;
    check_integer_answer(inst, &x)
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

/// The LP relaxation: max <theta, x> s.t. <w, x> <= C (or = C), 0 <= x <= 1.
pub fn solve_lp(inst: &Instance<Rational>) -> Result<LpSolution> {
    let x = solve_model(inst, false)?;
    let x: Vec<f64> = x.into_iter().map(|v| v.clamp(0.0, 1.0)).collect();
    let value = x
        .iter()
        .zip(inst.theta())
        .map(|(x, t)| x * t.to_f64())
        .sum();
    Ok(LpSolution { value, x })
}
