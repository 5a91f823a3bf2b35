//! The hard optimum: DP = ILP (through good_lp, re-checked and re-scored exactly), and the LP
//! relaxation bounds it.

use crate::common::instance;
use diffknap::num::Num;
use diffknap::num::rational::Rational;
use diffknap::num::rational::parse_rational;
use diffknap::oracle::ilp::{self, IlpLimits};
use diffknap::solve::{Optimality, hard_dp, ilp_checked};
use diffknap::{Budget, Constraint, Error, Instance};
use proptest::prelude::*;

fn exact_instance(inst: &Instance<f64>, scale: f64) -> Instance<Rational> {
    // Scores with two decimals, read exactly: ties and near-ties stay exact.
    inst.with_theta(
        inst.theta()
            .iter()
            .map(|t| Rational::new(((t * scale).round() as i64).into(), 100.into()))
            .collect(),
    )
    .unwrap()
}

/// Largest n in the random DP = ILP comparison: 60 with CBC; microlp (pure Rust) stalls on
/// larger correlated knapsacks, so the default build checks up to 30.
#[cfg(feature = "cbc")]
const MAX_N: usize = 60;
#[cfg(not(feature = "cbc"))]
const MAX_N: usize = 30;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn ilp_equals_dp(inst in instance(MAX_N, 40)) {
        let exact = exact_instance(&inst, 100.0);
        let (v, _) = hard_dp(&exact).unwrap();
        let sol = ilp::solve_ilp(&exact).unwrap();
        prop_assert_eq!(&sol.value, &v);
        prop_assert!(exact.is_feasible(&sol.selection));
        // Scores with two decimals are far apart in f64: the exact re-check confirms.
        let checked = ilp_checked(&exact, &IlpLimits::default()).unwrap();
        prop_assert_eq!(checked.optimality, Optimality::Exact);
        prop_assert_eq!(&checked.value, &v);
    }

    /// The LP relaxation is an upper bound on the integer optimum; for the knapsack
    /// constraint it equals Dantzig's fractional bound (items sorted by score per weight).
    #[test]
    fn lp_relaxation_bounds_the_optimum(inst in instance(25, 20)) {
        let exact = exact_instance(&inst, 100.0);
        let (v, _) = hard_dp(&exact).unwrap();
        let lp = ilp::solve_lp(&exact).unwrap();
        prop_assert!(lp.value >= v.to_f64() - 1e-7);
        if exact.constraint() == Constraint::Knapsack {
            let th: Vec<f64> = exact.theta().iter().map(|t| t.to_f64()).collect();
            let mut items: Vec<usize> = (0..th.len()).filter(|&i| th[i] > 0.0).collect();
            // Zero weights first (free), then by ratio.
            items.sort_by(|&a, &b| {
                let (wa, wb) = (exact.given_weights()[a] as f64, exact.given_weights()[b] as f64);
                (th[b] * wa).partial_cmp(&(th[a] * wb)).unwrap()
            });
            let mut room = exact.capacity() as f64;
            let mut bound = 0.0;
            for i in items {
                let w = exact.given_weights()[i] as f64;
                let take = if w == 0.0 { 1.0 } else { (room / w).min(1.0) };
                bound += take * th[i];
                room -= take * w;
                if room <= 0.0 { break; }
            }
            prop_assert!((lp.value - bound).abs() <= 1e-6 * (1.0 + bound.abs()), "{} vs {}", lp.value, bound);
        }
    }
}

/// A strongly correlated knapsack (score = weight + 10), the case where microlp stalls: CBC
/// solves n = 100 and agrees with the DP.
#[cfg(feature = "cbc")]
#[test]
fn cbc_solves_strongly_correlated_knapsack() {
    let mut rng = diffknap::rng::Rng::seed(3);
    let w: Vec<u64> = (0..100).map(|_| 1 + rng.below(100)).collect();
    let theta: Vec<Rational> = w
        .iter()
        .map(|&w| Rational::from_i64(w as i64 + 10))
        .collect();
    let cap = w.iter().sum::<u64>() / 2;
    let inst = Instance::knapsack(theta, w, cap).unwrap();
    let (v, _) = hard_dp(&inst).unwrap();
    let sol = ilp::solve_ilp(&inst).unwrap();
    assert_eq!(sol.value, v);
}

/// Regression: weights above the capacity are stored clamped to C + 1 for the DP, and the LP
/// relaxation used to be solved on those (capacity 10, weights [20, 20], scores [1, 1] gave
/// 10/11). On the instance as given the LP optimum is 1/2 (either item taken to half, or both
/// to a quarter), for the knapsack and the exact constraint alike.
#[test]
fn lp_relaxation_uses_the_weights_as_given() {
    let one = || Rational::from_i64(1);
    let inst = Instance::knapsack(vec![one(), one()], vec![20, 20], 10).unwrap();
    let lp = ilp::solve_lp(&inst).unwrap();
    assert!((lp.value - 0.5).abs() <= 1e-9, "{}", lp.value);
    let load: f64 = lp.x.iter().map(|x| 20.0 * x).sum();
    assert!(load <= 10.0 + 1e-9, "{:?}", lp.x);
    // Exact capacity: 20 x0 + 5 x1 + 10 x2 = 10, score 2 only on item 0: x0 = 1/2 (the
    // clamped weight 11 would give 20/11).
    let inst = Instance::exact(
        vec![
            Rational::from_i64(2),
            Rational::from_i64(0),
            Rational::from_i64(0),
        ],
        vec![20, 5, 10],
        10,
    )
    .unwrap();
    let lp = ilp::solve_lp(&inst).unwrap();
    assert!((lp.value - 1.0).abs() <= 1e-9, "{} {:?}", lp.value, lp.x);
    // A weight far above the capacity (u64::MAX) leaves the LP well defined: the item can
    // contribute at most its score times C / w, below f64 resolution here.
    let inst =
        Instance::knapsack(vec![one(), Rational::from_i64(0)], vec![u64::MAX, 1], 10).unwrap();
    let lp = ilp::solve_lp(&inst).unwrap();
    assert!(lp.value.abs() <= 1e-9, "{} {:?}", lp.value, lp.x);
}

/// Regression: scores that are distinct as written but equal (0) in f64. The solver's f64
/// model cannot tell the selections apart, so its answer may be non-optimal; the exact
/// re-check must never return it as an optimum: either the optimal selection labelled exact,
/// or a solver error naming f64 resolution.
#[test]
fn ilp_below_f64_resolution_is_never_labelled_exact_when_wrong() {
    let r = |t: &str| parse_rational(t, "theta").unwrap();
    let cases = [
        Instance::knapsack(vec![r("1e-400"), r("2e-400")], vec![1, 1], 1).unwrap(),
        Instance::top_k(vec![r("2e-400"), r("1e-400"), r("-1e-400")], 1).unwrap(),
        // 1 + 2^-60 and 1 round to the same double.
        Instance::top_k(
            vec![r("1"), r("1152921504606846977/1152921504606846976")],
            1,
        )
        .unwrap(),
    ];
    for inst in cases {
        let (opt, _) = hard_dp(&inst).unwrap();
        match ilp_checked(&inst, &IlpLimits::default()) {
            Ok(c) => {
                assert_eq!(c.optimality, Optimality::Exact);
                assert_eq!(c.value, opt);
                assert!(inst.is_feasible(&c.selection));
            }
            Err(Error::Solver { what }) => assert!(what.contains("f64"), "{what}"),
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    // The first case is the reported one: the f64 model sees two zero scores and returns a
    // selection worth 0 or 1e-400, never the optimum 2e-400 for a reason (it cannot see it).
    let inst = Instance::knapsack(vec![r("1e-400"), r("2e-400")], vec![1, 1], 1).unwrap();
    let raw = ilp::solve_ilp(&inst).unwrap();
    if raw.value != r("2e-400") {
        assert!(matches!(
            ilp_checked(&inst, &IlpLimits::default()),
            Err(Error::Solver { .. })
        ));
    }
}

/// When the exact DP is over its budget (cells, or bits), the answer is labelled as optimal
/// for the f64-rounded model only.
#[test]
fn ilp_without_an_affordable_exact_check_is_labelled_f64_rounded() {
    let theta: Vec<Rational> = [3, 1, 4, 1, 5].map(Rational::from_i64).to_vec();
    let small_cells = Budget {
        max_exact_cells: 4,
        ..Budget::default()
    };
    let small_bits = Budget {
        max_exact_bits: 2,
        ..Budget::default()
    };
    for budget in [small_cells, small_bits] {
        let inst = Instance::new(
            Constraint::Knapsack,
            theta.clone(),
            Some(vec![2, 1, 3, 1, 2]),
            5,
            budget,
        )
        .unwrap();
        let c = ilp_checked(&inst, &IlpLimits::default()).unwrap();
        assert_eq!(c.optimality, Optimality::F64Rounded);
        // By hand: {0, 3, 4}, {0, 1, 4} and {2, 4} weigh 5 and score 9; nothing scores more.
        assert_eq!(c.value, Rational::from_i64(9));
    }
}

/// A strongly correlated knapsack of 35 items (score = weight + 100), the kind that ran for
/// minutes without limits: under a node limit the search ends, with a typed limit error or an
/// answer confirmed in exact arithmetic. A zero time limit and a zero node limit stop at once
/// (with a fractional root, so the node limit has something to stop).
#[test]
fn ilp_limits_stop_the_search_with_a_typed_outcome() {
    let mut rng = diffknap::rng::Rng::seed(7);
    let w: Vec<u64> = (0..35).map(|_| 1 + rng.below(1000)).collect();
    let theta: Vec<Rational> = w
        .iter()
        .map(|&w| Rational::from_i64(w as i64 + 100))
        .collect();
    let cap = w.iter().sum::<u64>() / 2;
    let inst = Instance::knapsack(theta, w.clone(), cap).unwrap();
    let (opt, _) = hard_dp(&inst).unwrap();
    let limits = IlpLimits {
        time_s: 30.0,
        nodes: 2000,
    };
    match ilp_checked(&inst, &limits) {
        Ok(c) => {
            assert_eq!(c.optimality, Optimality::Exact);
            assert_eq!(c.value, opt);
        }
        Err(Error::SolverLimit { limit, budget, .. }) => {
            assert_eq!((limit.as_str(), budget.as_str()), ("nodes", "2000 nodes"));
        }
        Err(e) => panic!("unexpected error {e}"),
    }
    let e = ilp::solve_ilp_with(
        &inst,
        &IlpLimits {
            time_s: 0.0,
            nodes: 1_000_000,
        },
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::SolverLimit { limit, .. } if limit == "time"),
        "{e}"
    );
    assert!(e.to_string().contains("time limit"), "{e}");
    // Subset sum (score = weight) with large weights: the root LP is fractional.
    let w: Vec<u64> = (0..35).map(|_| 1 + rng.below(100_000)).collect();
    let theta: Vec<Rational> = w.iter().map(|&w| Rational::from_i64(w as i64)).collect();
    let cap = w.iter().sum::<u64>() / 2;
    let inst = Instance::knapsack(theta, w, cap).unwrap();
    let e = ilp::solve_ilp_with(
        &inst,
        &IlpLimits {
            time_s: 30.0,
            nodes: 0,
        },
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::SolverLimit { limit, .. } if limit == "nodes"),
        "{e}"
    );
}

/// Limits are checked before the solver starts: a time limit that is not a finite number of
/// seconds in range is an error naming `time_limit`.
#[test]
fn ilp_limits_are_validated() {
    let inst = Instance::top_k(vec![Rational::from_i64(1), Rational::from_i64(2)], 1).unwrap();
    for t in [f64::NAN, -1.0, f64::INFINITY, 1e9] {
        let e = ilp::solve_ilp_with(
            &inst,
            &IlpLimits {
                time_s: t,
                nodes: 10,
            },
        )
        .unwrap_err();
        assert!(
            matches!(&e, Error::Invalid { field, .. } if field == "time_limit"),
            "{e}"
        );
        assert!(
            ilp::solve_lp_with(
                &inst,
                &IlpLimits {
                    time_s: t,
                    nodes: 10
                }
            )
            .is_err()
        );
    }
}
