//! The hard optimum: DP = ILP (through good_lp, re-checked and re-scored exactly), and the LP
//! relaxation bounds it.

use crate::common::instance;
use diffknap::num::Num;
use diffknap::num::rational::Rational;
use diffknap::oracle::ilp;
use diffknap::solve::hard_dp;
use diffknap::{Constraint, Instance};
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
