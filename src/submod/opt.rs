//! Ground truth: exact optima and an upper-bound certificate. Shares no code with the
//! algorithms beyond the [`SetFunction`] oracle and [`Knapsack`].
//!
//! * [`brute_force`]: depth-first enumeration of all feasible sets (`n <= 24`).
//! * [`ilp_coverage`], [`ilp_facility_location`]: the textbook ILPs through good_lp.
//! * [`nemhauser_wolsey`]: the cut formulation for a general monotone submodular `f`.
//! * [`certificate`]: `OPT <= f(S) + max { sum f(e|S) y_e : c . y <= B, 0 <= y <= 1 }`.
//!
//! The solver is CBC (`good_lp::solvers::coin_cbc`, logging off) with the Cargo feature
//! `cbc`, and the pure-Rust `microlp` otherwise. Solver answers are `f64`: they are rounded
//! to 0/1, re-checked for feasibility in the exact value type and re-scored with `f` before
//! they are returned; a disagreement beyond a tolerance is a [`SubmodError::Solver`] error.

use good_lp::{
    Expression, ProblemVariables, Solution as _, SolverModel, Variable, constraint, variable,
};
use num_rational::BigRational;

use super::error::{Result, SubmodError};
use super::function::{Knapsack, SetFunction};
use super::functions::{FacilityLocation, WeightedCoverage};
use super::value::Value;

/// Largest ground set for [`brute_force`].
pub const BRUTE_FORCE_MAX_N: usize = 24;

/// An optimal set and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Optimum<V> {
    /// An optimal set, sorted.
    pub set: Vec<usize>,
    /// Its value `OPT`.
    pub value: V,
}

/// Exact `OPT` by depth-first enumeration of feasible sets with incremental states.
/// Ties keep the first set found in include-first order.
pub fn brute_force<F: SetFunction>(f: &F, knap: &Knapsack<F::Value>) -> Result<Optimum<F::Value>> {
    let n = f.ground_size();
    knap.check_len(n)?;
    if n > BRUTE_FORCE_MAX_N {
        return Err(SubmodError::TooLarge(format!(
            "brute force over n = {n} > {BRUTE_FORCE_MAX_N} items"
        )));
    }
    let mut best = Optimum {
        set: Vec::new(),
        value: f.value(&[]),
    };
    let mut cur = Vec::new();
    dfs(
        f,
        knap,
        0,
        f.empty_state(),
        F::Value::zero(),
        &mut cur,
        &mut best,
    );
    best.set.sort_unstable();
    Ok(best)
}

fn dfs<F: SetFunction>(
    f: &F,
    knap: &Knapsack<F::Value>,
    i: usize,
    state: F::State,
    spent: F::Value,
    cur: &mut Vec<usize>,
    best: &mut Optimum<F::Value>,
) {
    if i == f.ground_size() {
        let v = f.state_value(&state);
        if v.cmp_value(&best.value) == std::cmp::Ordering::Greater {
            best.value = v;
            best.set = cur.clone();
        }
        return;
    }
    let with = spent.add(&knap.costs()[i]);
    if with.le(knap.budget()) {
        let mut s = state.clone();
        f.insert(&mut s, i);
        cur.push(i);
        dfs(f, knap, i + 1, s, with, cur, best);
        cur.pop();
    }
    dfs(f, knap, i + 1, state, spent, cur, best);
}

/// Solve a MILP with the configured solver.
fn solve(
    vars: ProblemVariables,
    objective: Expression,
    constraints: Vec<good_lp::Constraint>,
) -> Result<impl good_lp::Solution> {
    #[cfg(feature = "cbc")]
    {
        let mut model = vars
            .maximise(objective)
            .using(good_lp::solvers::coin_cbc::coin_cbc);
        model.set_parameter("logLevel", "0");
        model.set_parameter("log", "0");
        model.set_parameter("slogLevel", "0");
        for c in constraints {
            model.add_constraint(c);
        }
        model
            .solve()
            .map_err(|e| SubmodError::Solver(format!("cbc: {e}")))
    }
    #[cfg(not(feature = "cbc"))]
    {
        let mut model = vars.maximise(objective).using(good_lp::microlp);
        for c in constraints {
            model.add_constraint(c);
        }
        model
            .solve()
            .map_err(|e| SubmodError::Solver(format!("microlp: {e}")))
    }
}

/// Round a 0/1 solution, check feasibility exactly and re-score with `f`.
fn recheck<F: SetFunction>(
    f: &F,
    knap: &Knapsack<F::Value>,
    xs: &[f64],
    objective: f64,
) -> Result<Optimum<F::Value>> {
    let set: Vec<usize> = (0..xs.len()).filter(|&i| xs[i] > 0.5).collect();
    if !knap.is_feasible(&set) {
        return Err(SubmodError::Solver(format!(
            "rounded solver answer {set:?} violates the budget"
        )));
    }
    let value = f.value(&set);
    let tol = 1e-6 * (1.0 + objective.abs());
    if (value.to_f64() - objective).abs() > tol {
        return Err(SubmodError::Solver(format!(
            "solver objective {objective} but the rounded set {set:?} scores {}",
            value.to_f64()
        )));
    }
    Ok(Optimum { set, value })
}

fn knapsack_row<V: Value>(knap: &Knapsack<V>, x: &[Variable]) -> good_lp::Constraint {
    let mut lhs = Expression::from(0.0);
    for (c, &xi) in knap.costs().iter().zip(x) {
        lhs += c.to_f64() * xi;
    }
    constraint!(lhs <= knap.budget().to_f64())
}

/// `OPT` of weighted coverage by the ILP
/// `max sum_u w_u z_u` s.t. `z_u <= sum_{i covers u} x_i`, `c . x <= B`, `x` binary,
/// `0 <= z <= 1`; the answer is re-checked and re-scored exactly.
pub fn ilp_coverage<V: Value>(f: &WeightedCoverage<V>, knap: &Knapsack<V>) -> Result<Optimum<V>> {
    knap.check_len(f.ground_size())?;
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = (0..f.ground_size())
        .map(|_| vars.add(variable().binary()))
        .collect();
    let z: Vec<Variable> = (0..f.atom_weights().len())
        .map(|_| vars.add(variable().min(0.0).max(1.0)))
        .collect();
    let mut objective = Expression::from(0.0);
    for (w, &zu) in f.atom_weights().iter().zip(&z) {
        objective += w.to_f64() * zu;
    }
    let mut cons = vec![knapsack_row(knap, &x)];
    for (u, items) in f.covering().iter().enumerate() {
        let mut rhs = Expression::from(0.0);
        for &i in items {
            rhs += x[i];
        }
        cons.push(constraint!(z[u] <= rhs));
    }
    let sol = solve(vars, objective.clone(), cons)?;
    let xs: Vec<f64> = x.iter().map(|&v| sol.value(v)).collect();
    let obj = sol.eval(&objective);
    recheck(f, knap, &xs, obj)
}

/// `OPT` of facility location by the ILP
/// `max sum v_ij z_ij` s.t. `sum_i z_ij <= 1`, `z_ij <= x_i`, `c . x <= B`, `x` binary,
/// `z >= 0`; the answer is re-checked and re-scored exactly.
pub fn ilp_facility_location<V: Value>(
    f: &FacilityLocation<V>,
    knap: &Knapsack<V>,
) -> Result<Optimum<V>> {
    let n = f.ground_size();
    knap.check_len(n)?;
    let m = f.customers();
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = (0..n).map(|_| vars.add(variable().binary())).collect();
    let mut objective = Expression::from(0.0);
    let mut cons = vec![knapsack_row(knap, &x)];
    let mut per_customer: Vec<Expression> = vec![Expression::from(0.0); m];
    for i in 0..n {
        for j in 0..m {
            let v = f.values()[i][j].to_f64();
            if v <= 0.0 {
                continue;
            }
            let zij = vars.add(variable().min(0.0).max(1.0));
            objective += v * zij;
            cons.push(constraint!(zij <= x[i]));
            per_customer[j] += zij;
        }
    }
    for e in per_customer {
        cons.push(constraint!(e <= 1.0));
    }
    let sol = solve(vars, objective.clone(), cons)?;
    let xs: Vec<f64> = x.iter().map(|&v| sol.value(v)).collect();
    let obj = sol.eval(&objective);
    recheck(f, knap, &xs, obj)
}

/// Most cuts [`nemhauser_wolsey`] adds before giving up.
pub const MAX_CUTS: usize = 2_000;

/// `OPT` of a general monotone submodular `f` by the Nemhauser-Wolsey cut formulation:
/// `max eta` s.t. `eta <= f(S) + sum_{e not in S} f(e|S) x_e` for the sets `S` in the cut
/// pool, `c . x <= B`, `x` binary. Start with `S = {}`; after each solve with answer
/// `(x*, eta*)`, stop if `eta* <= f(S*) + tol` (then `S*` is optimal because `eta*` bounds
/// `OPT`), else add the cut at `S*` (which `(x*, eta*)` violates) and solve again. Each cut is
/// valid because `f(T) <= f(S u T) <= f(S) + sum_{e in T \ S} f(e|S)` for monotone submodular
/// `f`. Meant for small `n`.
pub fn nemhauser_wolsey<F: SetFunction>(
    f: &F,
    knap: &Knapsack<F::Value>,
) -> Result<Optimum<F::Value>> {
    let n = f.ground_size();
    knap.check_len(n)?;
    let mut pool: Vec<(f64, Vec<f64>)> = Vec::new();
    let add_cut = |pool: &mut Vec<(f64, Vec<f64>)>, s: &[usize]| {
        let st = f.state_of(s);
        let fs = f.state_value(&st).to_f64();
        let gains = (0..n)
            .map(|e| {
                if s.contains(&e) {
                    0.0
                } else {
                    f.gain(&st, e).to_f64()
                }
            })
            .collect();
        pool.push((fs, gains));
    };
    add_cut(&mut pool, &[]);
    let scale = 1.0 + f.value(&(0..n).collect::<Vec<_>>()).to_f64().abs();
    for _ in 0..MAX_CUTS {
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = (0..n).map(|_| vars.add(variable().binary())).collect();
        let eta = vars.add(variable().min(0.0).max(scale));
        let mut cons = vec![knapsack_row(knap, &x)];
        for (fs, gains) in &pool {
            let mut rhs = Expression::from(*fs);
            for (g, &xe) in gains.iter().zip(&x) {
                if *g != 0.0 {
                    rhs += *g * xe;
                }
            }
            cons.push(constraint!(eta <= rhs));
        }
        let sol = solve(vars, Expression::from(eta), cons)?;
        let xs: Vec<f64> = x.iter().map(|&v| sol.value(v)).collect();
        let eta_star = sol.value(eta);
        let set: Vec<usize> = (0..n).filter(|&i| xs[i] > 0.5).collect();
        if !knap.is_feasible(&set) {
            return Err(SubmodError::Solver(format!(
                "rounded solver answer {set:?} violates the budget"
            )));
        }
        let value = f.value(&set);
        if eta_star <= value.to_f64() + 1e-7 * scale {
            return Ok(Optimum { set, value });
        }
        add_cut(&mut pool, &set);
    }
    Err(SubmodError::Solver(format!(
        "Nemhauser-Wolsey did not converge within {MAX_CUTS} cuts"
    )))
}

/// A certified upper bound on `OPT`, exact in rationals:
/// `f(S) + max { sum_{e not in S} f(e|S) y_e : c . y <= B, 0 <= y <= 1 }`, the maximum
/// taken over items with `c_e <= B` by the greedy fractional-knapsack rule. Valid for every
/// `S` because `f(OPT) <= f(S) + sum_{e in OPT \ S} f(e|S)` and `1_{OPT}` is feasible for the
/// fractional knapsack. Costs `n + 1` value queries. `None` if a value is a non-finite `f64`.
pub fn certificate<F: SetFunction>(
    f: &F,
    knap: &Knapsack<F::Value>,
    set: &[usize],
) -> Result<Option<BigRational>> {
    let n = f.ground_size();
    knap.check_len(n)?;
    let st = f.state_of(set);
    let Some(mut bound) = f.state_value(&st).to_rational() else {
        return Ok(None);
    };
    let Some(budget) = knap.budget().to_rational() else {
        return Ok(None);
    };
    let mut items: Vec<(BigRational, BigRational)> = Vec::new();
    for e in 0..n {
        if set.contains(&e) || !knap.costs()[e].le(knap.budget()) {
            continue;
        }
        let (Some(g), Some(c)) = (f.gain(&st, e).to_rational(), knap.costs()[e].to_rational())
        else {
            return Ok(None);
        };
        if g > BigRational::from_integer(0.into()) {
            items.push((g, c));
        }
    }
    items.sort_by(|a, b| (&b.0 * &a.1).cmp(&(&a.0 * &b.1)));
    let mut rem = budget;
    for (g, c) in items {
        if c <= rem {
            bound += &g;
            rem -= &c;
        } else {
            bound += &g * &rem / &c;
            break;
        }
    }
    Ok(Some(bound))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submod::functions::Modular;

    /// The re-check of solver answers, fed answers that no exact solver gives: near-integral
    /// values, an objective off by more or less than the tolerance `1e-6 (1 + |objective|)`,
    /// a set over the budget.
    #[test]
    fn recheck_rounds_and_rejects_wrong_answers() {
        let f = Modular::new(vec![100i128, 1]).unwrap();
        let k = Knapsack::new(vec![1i128, 1], 1).unwrap();
        // {0} scores 100; the tolerance at objective ~100 is about 1.01e-4.
        let o = recheck(&f, &k, &[1.0, 0.0], 100.0 + 5e-5).unwrap();
        assert_eq!((o.set, o.value), (vec![0], 100));
        let o = recheck(&f, &k, &[0.999_999_9, 1e-7], 100.0 - 5e-5).unwrap();
        assert_eq!((o.set, o.value), (vec![0], 100));
        // Off by 2e-4 (beyond the tolerance) and by 0.5: a solver error, not an answer.
        assert!(matches!(
            recheck(&f, &k, &[1.0, 0.0], 100.0 + 2e-4),
            Err(SubmodError::Solver(_))
        ));
        assert!(matches!(
            recheck(&f, &k, &[1.0, 0.0], 100.5),
            Err(SubmodError::Solver(_))
        ));
        // The tolerance is relative: at objective 0 it is 1e-6.
        let o = recheck(&f, &k, &[0.0, 0.0], 5e-7).unwrap();
        assert_eq!((o.set, o.value), (vec![], 0));
        assert!(recheck(&f, &k, &[0.0, 0.0], 2e-6).is_err());
        // Both items together cost 2 > 1: over the budget whatever the objective.
        assert!(matches!(
            recheck(&f, &k, &[1.0, 1.0], 101.0),
            Err(SubmodError::Solver(_))
        ));
    }
}
