//! Direct checks of the oracles themselves (`src/oracle/`) on instances small enough to
//! solve by hand. Every expected value below is derived in the comment next to it from the
//! oracle's documented contract, never computed by the oracle under test. (The property
//! suites in `reference.rs` check the oracles against the DP; these pin down the parts of the
//! oracles' contracts that the DP comparison cannot see: enumeration order, size limits,
//! tie sets and the branches that only huge counts reach.)

use diffknap::oracle::{brute, count, fd};
use diffknap::{Error, Instance};
use num_bigint::BigUint;

const F: bool = false;
const T: bool = true;

fn assert_invalid<X: std::fmt::Debug>(r: diffknap::error::Result<X>, field: &str) {
    match r {
        Err(Error::Invalid { field: f, .. }) => assert_eq!(f, field),
        other => panic!("expected an Invalid error on {field}, got {other:?}"),
    }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

#[test]
fn feasible_sets_come_in_bit_pattern_order() {
    // Weights 1, 2, 3 and capacity 3. Masks 0..8 with item i on bit i; weights of the masks:
    // 0:0 1:1 2:2 3:3 4:3 5:4 6:5 7:6, so masks 0, 1, 2, 3, 4 are feasible for `<=`
    // and masks 3 and 4 for `==`.
    let le = Instance::knapsack(vec![0.0; 3], vec![1, 2, 3], 3).unwrap();
    assert_eq!(
        brute::feasible_sets(&le).unwrap(),
        vec![
            vec![F, F, F],
            vec![T, F, F],
            vec![F, T, F],
            vec![T, T, F],
            vec![F, F, T]
        ]
    );
    let eq = Instance::exact(vec![0.0; 3], vec![1, 2, 3], 3).unwrap();
    assert_eq!(
        brute::feasible_sets(&eq).unwrap(),
        vec![vec![T, T, F], vec![F, F, T]]
    );
}

#[test]
fn brute_force_size_limit_is_exactly_max_items() {
    // Capacity 0 with unit weights: only the empty set is feasible, so n = MAX_ITEMS
    // enumerates 2^22 masks quickly and returns one set; n = MAX_ITEMS + 1 is refused.
    let n = brute::MAX_ITEMS;
    let at = Instance::knapsack(vec![0.0; n], vec![1; n], 0).unwrap();
    assert_eq!(brute::feasible_sets(&at).unwrap(), vec![vec![F; n]]);
    let over = Instance::knapsack(vec![0.0; n + 1], vec![1; n + 1], 0).unwrap();
    assert_invalid(brute::feasible_sets(&over), "theta");
}

#[test]
fn hard_optimum_returns_every_tied_maximiser() {
    // Top-1 of theta = (1, 1, 0): the optimum 1 is reached by {0} and {1}, in mask order.
    let inst = Instance::top_k(vec![1.0, 1.0, 0.0], 1).unwrap();
    let (best, argmax) = brute::hard_optimum(&inst).unwrap();
    assert_eq!(best, 1.0);
    assert_eq!(argmax, vec![vec![T, F, F], vec![F, T, F]]);
    // All scores negative: only the empty set (score 0) is optimal; a later, worse set must
    // not displace it.
    let neg = Instance::knapsack(vec![-1.0, -2.0], vec![1, 1], 2).unwrap();
    assert_eq!(brute::hard_optimum(&neg).unwrap(), (0.0, vec![vec![F, F]]));
    // (2, 3) with capacity 1: scores 0, 2, 3 in mask order; the strict improvement 2 -> 3
    // must replace the argmax, not extend it.
    let up = Instance::knapsack(vec![2.0, 3.0], vec![1, 1], 1).unwrap();
    assert_eq!(brute::hard_optimum(&up).unwrap(), (3.0, vec![vec![F, T]]));
    // Exact constraint with no feasible set (the only weight is 2, capacity 1).
    if let Ok(none) = Instance::exact(vec![1.0], vec![2], 1) {
        assert_invalid(brute::hard_optimum(&none), "capacity");
    }
}

#[test]
fn gibbs_law_on_hand_solved_instances() {
    // One item, theta = ln 3, gamma = 1: sets {} and {0} with weights 1 and 3.
    // value = ln 4, mean = 3/4, hessian = Var(y) / gamma = 3/16, law = (1/4, 3/4).
    let one = Instance::knapsack(vec![3f64.ln()], vec![1], 1).unwrap();
    let g = brute::gibbs(&one, 1.0).unwrap();
    assert!(close(g.value, 4f64.ln(), 1e-14));
    assert!(close(g.mean[0], 0.75, 1e-14));
    assert!(close(g.hessian[0][0], 3.0 / 16.0, 1e-14));
    assert_eq!(g.law.len(), 2);
    assert_eq!(g.law[0].0, vec![F]);
    assert!(close(g.law[0].1, 0.25, 1e-14));
    assert!(close(g.law[1].1, 0.75, 1e-14));
    // Top-1 (exactly one item) of two zero scores with gamma = 2: sets {0} and {1}, each
    // 1/2. value = 2 ln 2, mean = 1/2 each, Var = 1/4, Cov = 0 - 1/4; hessian = Cov / 2.
    let two = Instance::top_k(vec![0.0, 0.0], 1).unwrap();
    let g = brute::gibbs(&two, 2.0).unwrap();
    assert!(close(g.value, 2.0 * 2f64.ln(), 1e-14));
    for i in 0..2 {
        assert!(close(g.mean[i], 0.5, 1e-14));
        assert!(close(g.hessian[i][i], 1.0 / 8.0, 1e-14));
        assert!(close(g.hessian[i][1 - i], -1.0 / 8.0, 1e-14));
    }
    // A knapsack with three sets ({}, {0}, {1}; capacity 1) and gamma = 2: each 1/3.
    // value = 2 ln 3, mean = 1/3, Var = 1/3 - 1/9 = 2/9, Cov = 0 - 1/9; hessian = Cov / 2.
    let three = Instance::knapsack(vec![0.0, 0.0], vec![1, 1], 1).unwrap();
    let g = brute::gibbs(&three, 2.0).unwrap();
    assert!(close(g.value, 2.0 * 3f64.ln(), 1e-14));
    for i in 0..2 {
        assert!(close(g.mean[i], 1.0 / 3.0, 1e-14));
        assert!(close(g.hessian[i][i], 1.0 / 9.0, 1e-14));
        assert!(close(g.hessian[i][1 - i], -1.0 / 18.0, 1e-14));
    }
    // Scores far apart (theta = 800, gamma = 1): the shift by the largest score keeps the
    // value finite: ln(1 + e^800) = 800 + ln(1 + e^-800) = 800 in f64.
    let big = Instance::knapsack(vec![800.0], vec![1], 1).unwrap();
    let g = brute::gibbs(&big, 1.0).unwrap();
    assert_eq!(g.value, 800.0);
    assert_eq!(g.mean[0], 1.0);
}

#[test]
fn feasible_set_counts_by_hand() {
    // Weights 1, 2, 3 and capacity 3: 5 sets for `<=` and 2 for `==` (see above).
    let le = Instance::knapsack(vec![0.0; 3], vec![1, 2, 3], 3).unwrap();
    assert_eq!(count::count_feasible(&le), BigUint::from(5u32));
    let eq = Instance::exact(vec![0.0; 3], vec![1, 2, 3], 3).unwrap();
    assert_eq!(count::count_feasible(&eq), BigUint::from(2u32));
    // An item heavier than the capacity never counts: weights 5 and 1, capacity 3 leaves
    // {} and {1}.
    let heavy = Instance::knapsack(vec![0.0; 2], vec![5, 1], 3).unwrap();
    assert_eq!(count::count_feasible(&heavy), BigUint::from(2u32));
    // Top-2 of 4 items (exactly 2, the paper's convention): C(4,2) = 6.
    let topk = Instance::top_k(vec![0.0; 4], 2).unwrap();
    assert_eq!(count::count_feasible(&topk), BigUint::from(6u32));
}

#[test]
fn ln_count_on_both_branches() {
    // Small counts go through the decimal string: ln 12345.
    assert!(close(
        count::ln_count(&BigUint::from(12345u32)),
        12345f64.ln(),
        1e-15
    ));
    // 2^999 has 1000 bits (the large branch); 3 * 2^1100 has 1102 bits. Their logarithms are
    // 999 ln 2 and ln 3 + 1100 ln 2 (relative error a few ulps).
    let ln2 = std::f64::consts::LN_2;
    let p999 = BigUint::from(1u32) << 999u32;
    assert!(close(count::ln_count(&p999), 999.0 * ln2, 1e-14));
    let c = BigUint::from(3u32) << 1100u32;
    assert!(close(count::ln_count(&c), 3f64.ln() + 1100.0 * ln2, 1e-14));
    // 2^998 (999 bits) is just below the switch and still parses as an f64.
    let p998 = BigUint::from(1u32) << 998u32;
    assert!(close(count::ln_count(&p998), 998.0 * ln2, 1e-14));
    // A count with 1000 items of weight 1 and capacity 1000: every subset, 2^1000.
    let all = Instance::knapsack(vec![0.0; 1000], vec![1; 1000], 1000).unwrap();
    let n = count::count_feasible(&all);
    assert_eq!(n, BigUint::from(1u32) << 1000u32);
    assert!(close(count::ln_count(&n), 1000.0 * ln2, 1e-14));
}

#[test]
fn finite_differences_are_exact_on_quadratics() {
    // Central differences have no truncation error on polynomials of degree <= 2:
    // f(x) = x0^2 + 3 x1 - x0 x1 at (1, 2) has gradient (2 x0 - x1, 3 - x0) = (0, 2).
    let f = |x: &[f64]| x[0] * x[0] + 3.0 * x[1] - x[0] * x[1];
    let g = fd::gradient(f, &[1.0, 2.0], 1e-3);
    assert!(close(g[0], 0.0, 1e-9) && close(g[1], 2.0, 1e-9), "{g:?}");
    // g(x) = (x0 x1, 5 x0) along z = (1, 2) at (1, 1): d/dt (1 + t)(1 + 2t) = 3 at t = 0,
    // and d/dt 5 (1 + t) = 5.
    let v = |x: &[f64]| vec![x[0] * x[1], 5.0 * x[0]];
    let d = fd::directional(v, &[1.0, 1.0], &[1.0, 2.0], 1e-3);
    assert!(close(d[0], 3.0, 1e-9) && close(d[1], 5.0, 1e-9), "{d:?}");
}

#[test]
fn ilp_answers_are_rounded_rechecked_and_rescored() {
    use diffknap::num::rational::Rational;
    use diffknap::oracle::ilp::check_integer_answer;
    let r = |n: i64, d: i64| Rational::new(n.into(), d.into());
    // theta = (1/3, 1/7, 2), weights (1, 2, 3), capacity 3.
    let le = Instance::knapsack(vec![r(1, 3), r(1, 7), r(2, 1)], vec![1, 2, 3], 3).unwrap();
    // Entries within 1e-6 of 0 or 1 are rounded; the value is 1/3 + 1/7 = 10/21, exactly.
    let ok = check_integer_answer(&le, &[1.0 - 4e-7, 1.0 + 4e-7, 3e-7]).unwrap();
    assert_eq!(ok.selection, vec![T, T, F]);
    assert_eq!(ok.value, r(10, 21));
    // The rounding tolerance is inclusive: 1e-6 (exactly representable distance from 0).
    assert!(check_integer_answer(&le, &[1e-6, 0.0, 0.0]).is_ok());
    let only_last = check_integer_answer(&le, &[0.0, 0.0, 1.0]).unwrap();
    assert_eq!(only_last.value, r(2, 1));
    // Fractional, out of range, or infeasible answers are solver errors.
    for bad in [
        [0.5, 0.0, 0.0],
        [1.0 - 2e-6, 0.0, 0.0],
        [2.0, 0.0, 0.0],
        [-1.0, 0.0, 0.0],
        [1.0, 1.0, 1.0],
    ] {
        match check_integer_answer(&le, &bad) {
            Err(Error::Solver { .. }) => {}
            other => panic!("{bad:?} accepted: {other:?}"),
        }
    }
    // The same capacity as an equality: weight 3 is feasible, weight 2 and weight 4 are not.
    let eq = Instance::exact(vec![r(1, 1); 3], vec![1, 2, 3], 3).unwrap();
    assert!(check_integer_answer(&eq, &[1.0, 1.0, 0.0]).is_ok());
    assert!(check_integer_answer(&eq, &[0.0, 0.0, 1.0]).is_ok());
    assert!(matches!(
        check_integer_answer(&eq, &[0.0, 1.0, 0.0]),
        Err(Error::Solver { .. })
    ));
    assert!(matches!(
        check_integer_answer(&eq, &[1.0, 0.0, 1.0]),
        Err(Error::Solver { .. })
    ));
    // In the knapsack version, weight 2 is fine and weight 4 is not.
    assert!(check_integer_answer(&le, &[0.0, 1.0, 0.0]).is_ok());
    assert!(check_integer_answer(&le, &[1.0, 0.0, 1.0]).is_err());
}

#[test]
fn lp_relaxation_by_hand() {
    use diffknap::num::rational::Rational;
    use diffknap::oracle::ilp::solve_lp;
    let r = |n: i64| Rational::from_integer(n.into());
    // max 3 x0 + 2 x1 s.t. 2 x0 + 2 x1 <= 3: Dantzig takes item 0 whole (ratio 3/2) and half of
    // item 1 (ratio 1): x = (1, 1/2), value 4.
    let inst = Instance::knapsack(vec![r(3), r(2)], vec![2, 2], 3).unwrap();
    let lp = solve_lp(&inst).unwrap();
    assert!(close(lp.value, 4.0, 1e-7), "{lp:?}");
    assert!(
        close(lp.x[0], 1.0, 1e-7) && close(lp.x[1], 0.5, 1e-7),
        "{lp:?}"
    );
    // A negative score is never taken: max -x0 + x1 s.t. x0 + x1 <= 2 gives x = (0, 1).
    let neg = Instance::knapsack(vec![r(-1), r(1)], vec![1, 1], 2).unwrap();
    let lp = solve_lp(&neg).unwrap();
    assert!(close(lp.value, 1.0, 1e-7), "{lp:?}");
    assert!(lp.x.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn recursive_two_way_hard_ties_go_to_skip() {
    use diffknap::RegKind;
    use diffknap::oracle::recursive::{two_way, value_and_grad, value_and_grad_exact};
    // SPEC A.2: hard q = 1 if p > s, else 0 (ties go to skip).
    assert_eq!(two_way(RegKind::Hard, 2.0, 2.0, 0.0), (2.0, 0.0));
    assert_eq!(two_way(RegKind::Hard, 1.0, 3.0, 0.0), (3.0, 1.0));
    assert_eq!(two_way(RegKind::Hard, 3.0, 1.0, 0.0), (3.0, 0.0));
    // Top-1 of (1, 1): the last item decides first (V_2 = max(V_1(1), V_1(0) + theta_2)), and
    // on the tie it is skipped, so item 0 is the one selected: gradient (1, 0).
    let inst = Instance::top_k(vec![1.0, 1.0], 1).unwrap();
    assert_eq!(
        value_and_grad(&inst, RegKind::Hard, 0.0).unwrap(),
        (1.0, vec![1.0, 0.0])
    );
    let exact = inst
        .with_theta(vec![
            diffknap::num::rational::Rational::from_integer(1.into()),
            diffknap::num::rational::Rational::from_integer(1.into()),
        ])
        .unwrap();
    let zero = diffknap::num::rational::Rational::from_integer(0.into());
    let (v, g) = value_and_grad_exact(&exact, RegKind::Hard, &zero).unwrap();
    assert_eq!(v, exact.theta()[0]);
    assert_eq!(g, vec![exact.theta()[0].clone(), zero.clone()]);
}

#[test]
fn recursive_size_limit_is_exactly_max_items() {
    use diffknap::RegKind;
    use diffknap::oracle::recursive::{MAX_ITEMS, value_and_grad};
    // Capacity 0 with unit weights: no item ever fits, so the recursion is a single path and
    // the value is 0 with a zero gradient; one more item is refused.
    let n = MAX_ITEMS;
    let at = Instance::knapsack(vec![1.0; n], vec![1; n], 0).unwrap();
    assert_eq!(
        value_and_grad(&at, RegKind::Gini, 1.0).unwrap(),
        (0.0, vec![0.0; n])
    );
    let over = Instance::knapsack(vec![1.0; n + 1], vec![1; n + 1], 0).unwrap();
    assert_invalid(value_and_grad(&over, RegKind::Gini, 1.0), "theta");
}
