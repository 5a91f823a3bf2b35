//! Integration and property tests for `diffknap::submod` (issue 5).
//!
//! Ground truth (brute force, ILPs) shares no code with the algorithms beyond the oracle.
//! Ratios are asserted in exact integer arithmetic on integral instances whose OPT is known
//! exactly; no test asserts a worst-case ratio above 1 - 1/e.
#![allow(clippy::needless_range_loop)]

use std::cmp::Ordering;

use diffknap::progress::{NoProgress, Recorder};
use diffknap::submod::continuous::{
    ContinuousGreedyOptions, MAX_EXTENSION_EVALUATIONS, continuous_greedy, continuous_greedy_with,
    fractional_point, integral_part, query_bounds,
};
use diffknap::submod::ene_nguyen::{
    EneNguyenOptions, ene_nguyen_leaves, ene_nguyen_with, round_leaf,
};
use diffknap::submod::enumeration::{enumeration, sviridenko, threshold_enumeration};
use diffknap::submod::functions::{
    BipartiteInfluence, BudgetAdditive, Concave, ConcaveOverModular, ExplicitTable,
    FacilityLocation, Modular, WeightedCoverage,
};
use diffknap::submod::greedy::{
    density_greedy, greedy_max, greedy_query_bound, greedy_singleton, lazy_density_greedy,
};
use diffknap::submod::multilinear::{
    ByEnumeration, Multilinear, multilinear_by_enumeration, multilinear_sampled,
};
use diffknap::submod::opt::{
    BRUTE_FORCE_MAX_N, brute_force, certificate, ilp_coverage, ilp_facility_location,
    nemhauser_wolsey,
};
use diffknap::submod::request::process_line;
use diffknap::submod::request::{Algorithm, Options, answer, estimate};
use diffknap::submod::rounding::{
    Coin, is_fractional, mass_round, mass_step, pair_round, pair_step, pick_pair,
};
use diffknap::submod::validate::check_function;
use diffknap::submod::{Field, Knapsack, Rng, SetFunction, Value};
use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;

// ---------------------------------------------------------------- generators

/// `1 - 1/e` in the safe exact form `10^9 f(S) >= 632120558 OPT`.
const ONE_MINUS_INV_E_NUM: i128 = 632_120_558;
const GIGA: i128 = 1_000_000_000;

fn rat(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

fn to_rat(v: &i128) -> BigRational {
    BigRational::from_integer(BigInt::from(*v))
}

#[derive(Clone, Debug)]
struct CovData {
    sets: Vec<Vec<usize>>,
    weights: Vec<i64>,
    costs: Vec<i64>,
    budget: i64,
}

fn coverage_data(max_n: usize) -> impl Strategy<Value = CovData> {
    (1..=max_n, 1usize..=8).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec(prop::collection::vec(0..m, 0..=m), n),
            prop::collection::vec(0i64..=20, m),
            prop::collection::vec(1i64..=10, n),
            0i64..=30,
        )
            .prop_map(|(sets, weights, costs, budget)| CovData {
                sets,
                weights,
                costs,
                budget,
            })
    })
}

/// Coverage instances with cheap items and roomy budgets, so optimal sets have several
/// items (the regime where guessing does not already solve the instance).
fn dense_coverage_data(max_n: usize) -> impl Strategy<Value = CovData> {
    (4..=max_n, 4usize..=10).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec(prop::collection::vec(0..m, 1..=3), n),
            prop::collection::vec(1i64..=20, m),
            prop::collection::vec(1i64..=4, n),
            4i64..=12,
        )
            .prop_map(|(sets, weights, costs, budget)| CovData {
                sets,
                weights,
                costs,
                budget,
            })
    })
}

#[derive(Clone, Debug)]
struct FacData {
    values: Vec<Vec<i64>>,
    costs: Vec<i64>,
    budget: i64,
}

fn facility_data(max_n: usize) -> impl Strategy<Value = FacData> {
    (1..=max_n, 1usize..=5).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec(prop::collection::vec(0i64..=20, m), n),
            prop::collection::vec(1i64..=10, n),
            0i64..=30,
        )
            .prop_map(|(values, costs, budget)| FacData {
                values,
                costs,
                budget,
            })
    })
}

impl CovData {
    fn build<V: Value>(&self) -> (WeightedCoverage<V>, Knapsack<V>) {
        let c = |x: &i64| V::from_i64(*x);
        (
            WeightedCoverage::new(self.sets.clone(), self.weights.iter().map(c).collect())
                .expect("valid coverage"),
            Knapsack::new(self.costs.iter().map(c).collect(), c(&self.budget))
                .expect("valid knapsack"),
        )
    }
}

impl FacData {
    fn build<V: Value>(&self) -> (FacilityLocation<V>, Knapsack<V>) {
        let c = |x: &i64| V::from_i64(*x);
        (
            FacilityLocation::new(
                self.values
                    .iter()
                    .map(|r| r.iter().map(c).collect())
                    .collect(),
            )
            .expect("valid facility location"),
            Knapsack::new(self.costs.iter().map(c).collect(), c(&self.budget))
                .expect("valid knapsack"),
        )
    }
}

// ---------------------------------------------------------------- shared checks

/// Everything the combinatorial algorithms must satisfy on one integral instance: the same
/// library check the `submod` fuzz target runs (`diffknap::check::submod_combinatorial`).
fn combinatorial_properties<F: SetFunction<Value = i128>>(
    f: &F,
    k: &Knapsack<i128>,
) -> Result<(), TestCaseError> {
    diffknap::check::submod_combinatorial(f, k);
    Ok(())
}

// ---------------------------------------------------------------- combinatorial algorithms

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn combinatorial_on_coverage(d in coverage_data(12)) {
        let (f, k) = d.build::<i128>();
        combinatorial_properties(&f, &k)?;
    }

    #[test]
    fn combinatorial_on_dense_coverage(d in dense_coverage_data(12)) {
        let (f, k) = d.build::<i128>();
        combinatorial_properties(&f, &k)?;
    }

    #[test]
    fn combinatorial_on_facility_location(d in facility_data(12)) {
        let (f, k) = d.build::<i128>();
        combinatorial_properties(&f, &k)?;
    }

    #[test]
    fn combinatorial_on_budget_additive(
        w in prop::collection::vec(0i64..=20, 1..=9),
        cap in 0i64..=60,
        seed in any::<u64>(),
        budget in 0i64..=30,
    ) {
        let mut rng = Rng::seed(seed);
        let f = BudgetAdditive::new(w.iter().map(|&x| x as i128).collect(), cap as i128).unwrap();
        let costs = (0..w.len()).map(|_| 1 + rng.below(10) as i128).collect();
        let k = Knapsack::new(costs, budget as i128).unwrap();
        combinatorial_properties(&f, &k)?;
    }

    #[test]
    fn combinatorial_on_tables(d in coverage_data(7)) {
        // A general oracle: the coverage function turned into an explicit table.
        let (f, k) = d.build::<i128>();
        let t = ExplicitTable::from_function(&f).unwrap();
        combinatorial_properties(&t, &k)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// In `f64` the computed gains of coverage and facility location are still exactly
    /// non-increasing (rounded addition and subtraction are monotone), so lazy greedy must
    /// reproduce naive greedy there too.
    #[test]
    fn lazy_matches_naive_in_f64(seed in any::<u64>(), n in 1usize..60, m in 1usize..40) {
        let mut rng = Rng::seed(seed);
        let values: Vec<Vec<f64>> = (0..n).map(|_| (0..m).map(|_| rng.uniform()).collect()).collect();
        let costs: Vec<f64> = (0..n).map(|_| 0.5 + 3.0 * rng.uniform()).collect();
        let k = Knapsack::new(costs, 1.0 + 10.0 * rng.uniform()).unwrap();
        let f = FacilityLocation::new(values).unwrap();
        let a = density_greedy(&f, &k).unwrap();
        let b = lazy_density_greedy(&f, &k).unwrap();
        prop_assert_eq!(&a.set, &b.set);
        prop_assert!(b.queries <= a.queries);
        let sets: Vec<Vec<usize>> = (0..n).map(|_| (0..4).map(|_| rng.below(m as u64) as usize).collect()).collect();
        let g = WeightedCoverage::new(sets, (0..m).map(|_| rng.uniform()).collect()).unwrap();
        let a = density_greedy(&g, &k).unwrap();
        let b = lazy_density_greedy(&g, &k).unwrap();
        prop_assert_eq!(&a.set, &b.set);
        prop_assert!(b.queries <= a.queries);
    }
}

#[test]
fn query_counts_are_exact() {
    // Modular, every item fits and has positive gain: naive greedy queries n, n-1, ..., 1 and
    // then an empty round, i.e. exactly n(n+1)/2. Lazy greedy queries every item once, and in
    // each of the n - 1 later rounds re-queries only the (stale) top of its heap, whose
    // modular gain is unchanged and so is taken at once: exactly 2n - 1.
    for n in 1..12usize {
        let f = Modular::new((1..=n as i128).collect()).unwrap();
        let k = Knapsack::new(vec![1i128; n], n as i128).unwrap();
        let naive = density_greedy(&f, &k).unwrap();
        assert_eq!(naive.queries, greedy_query_bound(n));
        assert_eq!(naive.set, (0..n).collect::<Vec<_>>());
        let lazy = lazy_density_greedy(&f, &k).unwrap();
        assert_eq!(lazy.queries, 2 * n as u64 - 1);
        assert_eq!(
            brute_force(&f, &k).unwrap().value,
            (n * (n + 1) / 2) as i128
        );
    }
}

#[test]
fn density_greedy_counterexample_drives_ratio_to_zero() {
    // B = 1, a: f = 1, c = 1; b: f = 2d, c = d, additive f; scaled by k = 1/d.
    for k in [4i128, 10, 100, 1000, 100_000] {
        let f = Modular::new(vec![k, 2]).unwrap();
        let knap = Knapsack::new(vec![k, 1], k).unwrap();
        let opt = brute_force(&f, &knap).unwrap().value;
        assert_eq!(opt, k);
        let g = density_greedy(&f, &knap).unwrap();
        assert_eq!(g.set, vec![1]);
        // ratio 2/k: below 1/2 for k > 4 and below every constant as k grows.
        assert_eq!(g.value * k, 2 * opt);
        assert_eq!(lazy_density_greedy(&f, &knap).unwrap().set, vec![1]);
        // The fixes recover OPT here.
        assert_eq!(greedy_singleton(&f, &knap).unwrap().value, opt);
        assert_eq!(greedy_max(&f, &knap).unwrap().value, opt);
    }
}

#[test]
fn items_costlier_than_budget_never_selected() {
    let f = Modular::new(vec![100i128, 1, 1]).unwrap();
    let k = Knapsack::new(vec![11, 5, 5], 10).unwrap();
    for s in [
        density_greedy(&f, &k).unwrap(),
        lazy_density_greedy(&f, &k).unwrap(),
        greedy_singleton(&f, &k).unwrap(),
        greedy_max(&f, &k).unwrap(),
        sviridenko(&f, &k).unwrap(),
        threshold_enumeration(&f, &k, 0.2).unwrap(),
    ] {
        assert_eq!(s.set, vec![1, 2]);
    }
}

#[test]
fn ties_break_to_lowest_index() {
    let f = Modular::new(vec![3i128, 3, 3]).unwrap();
    let k = Knapsack::new(vec![1, 1, 1], 1).unwrap();
    for s in [
        density_greedy(&f, &k).unwrap(),
        lazy_density_greedy(&f, &k).unwrap(),
        greedy_singleton(&f, &k).unwrap(),
        greedy_max(&f, &k).unwrap(),
        enumeration(&f, &k, 1).unwrap(),
        sviridenko(&f, &k).unwrap(),
    ] {
        assert_eq!(s.set, vec![0]);
    }
}

#[test]
fn bad_knapsacks_are_typed_errors() {
    assert!(Knapsack::new(vec![1i128, 0], 3).is_err());
    assert!(Knapsack::new(vec![1i128, -2], 3).is_err());
    assert!(Knapsack::new(vec![1.0f64, f64::NAN], 3.0).is_err());
    assert!(Knapsack::new(vec![1.0f64], f64::INFINITY).is_err());
    assert!(Knapsack::new(vec![1i128], -1).is_err());
    let f = Modular::new(vec![1i128, 2]).unwrap();
    let k = Knapsack::new(vec![1i128], 3).unwrap();
    assert!(density_greedy(&f, &k).is_err());
    assert!(greedy_max(&f, &k).is_err());
    assert!(brute_force(&f, &k).is_err());
}

// ---------------------------------------------------------------- validators

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn generated_functions_are_monotone_submodular(d in coverage_data(8), e in facility_data(8), seed in any::<u64>()) {
        let mut rng = Rng::seed(seed);
        let (f, _) = d.build::<i128>();
        prop_assert_eq!(check_function(&f, 50, 0.0, &mut rng), Ok(()));
        let (g, _) = e.build::<i128>();
        prop_assert_eq!(check_function(&g, 50, 0.0, &mut rng), Ok(()));
        let w: Vec<Vec<u64>> = e.values.iter().map(|r| r.iter().map(|&x| x as u64).collect()).collect();
        for c in [Concave::Sqrt, Concave::Log1p, Concave::Min(15)] {
            let h = ConcaveOverModular::new(w.clone(), c).unwrap();
            prop_assert_eq!(check_function(&h, 50, 1e-12, &mut rng), Ok(()));
        }
        let p: Vec<Vec<f64>> = e.values.iter().map(|r| r.iter().map(|&x| x as f64 / 20.0).collect()).collect();
        let m = p[0].len();
        let infl = BipartiteInfluence::new(p, vec![1.0; m]).unwrap();
        prop_assert_eq!(check_function(&infl, 50, 1e-12, &mut rng), Ok(()));
    }
}

#[test]
fn sampled_validation_above_ten_items() {
    let mut rng = Rng::seed(3);
    let sets: Vec<Vec<usize>> = (0..14).map(|i| vec![i % 5, (i * 7) % 11]).collect();
    let f = WeightedCoverage::new(sets, vec![1i128; 11]).unwrap();
    assert_eq!(check_function(&f, 200, 0.0, &mut rng), Ok(()));
    // A supermodular table above 10 items is caught by sampling: f(S) = |S|^2.
    let t = ExplicitTable::new(
        (0..1usize << 12)
            .map(|m| (m.count_ones() as i128).pow(2))
            .collect(),
    )
    .unwrap();
    assert!(check_function(&t, 200, 0.0, &mut rng).is_err());
}

// ---------------------------------------------------------------- multilinear extension

fn random_point(n: usize, rng: &mut Rng) -> Vec<BigRational> {
    (0..n)
        .map(|_| match rng.below(4) {
            0 => rat(0, 1),
            1 => rat(1, 1),
            _ => rat(rng.below(7) as i64 + 1, 8),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn multilinear_closed_forms_match_enumeration(d in coverage_data(7), e in facility_data(7), seed in any::<u64>()) {
        let mut rng = Rng::seed(seed);
        let (f, _) = d.build::<BigRational>();
        let x = random_point(f.ground_size(), &mut rng);
        prop_assert_eq!(f.multilinear(&x), multilinear_by_enumeration(&f, &x).unwrap());
        let (g, _) = e.build::<BigRational>();
        let x = random_point(g.ground_size(), &mut rng);
        prop_assert_eq!(g.multilinear(&x), multilinear_by_enumeration(&g, &x).unwrap());
        let w: Vec<BigRational> = e.values.iter().map(|r| rat(r[0], 1)).collect();
        let ba = BudgetAdditive::new(w.clone(), rat(25, 1)).unwrap();
        prop_assert_eq!(ba.multilinear(&x), multilinear_by_enumeration(&ba, &x).unwrap());
        let md = Modular::new(w).unwrap();
        prop_assert_eq!(md.multilinear(&x), multilinear_by_enumeration(&md, &x).unwrap());
        let p: Vec<Vec<BigRational>> = e.values.iter().map(|r| r.iter().map(|&v| rat(v, 20)).collect()).collect();
        let m = p[0].len();
        let infl = BipartiteInfluence::new(p, (1..=m as i64).map(|u| rat(u, 1)).collect()).unwrap();
        prop_assert_eq!(infl.multilinear(&x), multilinear_by_enumeration(&infl, &x).unwrap());
        // Concave over modular: Poisson-binomial DP vs enumeration, in f64.
        let xf: Vec<f64> = x.iter().map(|v| v.to_f64()).collect();
        let wu: Vec<Vec<u64>> = e.values.iter().map(|r| r.iter().map(|&v| v as u64).collect()).collect();
        for c in [Concave::Sqrt, Concave::Log1p, Concave::Min(12)] {
            let h = ConcaveOverModular::new(wu.clone(), c).unwrap();
            let a = h.multilinear(&xf);
            let b = multilinear_by_enumeration(&h, &xf).unwrap();
            prop_assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{a} vs {b}");
        }
        // Table: enumeration is its definition; agrees with the closed form of coverage.
        let t = ExplicitTable::from_function(&f).unwrap();
        let x = random_point(t.ground_size(), &mut rng);
        prop_assert_eq!(t.multilinear(&x), f.multilinear(&x));
    }
}

#[test]
fn sampled_multilinear_within_hoeffding_bound() {
    let mut rng = Rng::seed(11);
    let sets: Vec<Vec<usize>> = (0..8).map(|i| vec![i % 4, (i * 3) % 7, 7]).collect();
    let f = WeightedCoverage::new(sets, (1..=8).map(|w| w as f64).collect()).unwrap();
    let x: Vec<f64> = (0..8).map(|i| (i as f64 + 1.0) / 10.0).collect();
    let exact = f.multilinear(&x);
    for _ in 0..20 {
        let est = multilinear_sampled(&f, &x, 2000, 1e-9, &mut rng).unwrap();
        assert!(
            (est.mean - exact).abs() <= est.half_width,
            "{est:?} vs {exact}"
        );
    }
    assert!(multilinear_sampled(&f, &x, 0, 0.1, &mut rng).is_err());
    assert!(multilinear_sampled(&f, &[0.5; 3], 10, 0.1, &mut rng).is_err());
}

// ---------------------------------------------------------------- rounding

/// The exact law of `pair_round`: all leaves of its binary tree with their probabilities
/// and depths (the number of moves that reach them).
fn rounding_leaves(
    x: Vec<BigRational>,
    costs: &[BigRational],
    p: BigRational,
    depth: usize,
    out: &mut Vec<(BigRational, Vec<BigRational>, usize)>,
) {
    match pick_pair(&x, costs) {
        None => out.push((p, x, depth)),
        Some((a, b)) => {
            let s = pair_step(&x, costs, a, b);
            let q = BigRational::one() - &s.p_up;
            rounding_leaves(s.up, costs, &p * &s.p_up, depth + 1, out);
            rounding_leaves(s.down, costs, &p * q, depth + 1, out);
        }
    }
}

/// `0 < v < 1`, written independently of `rounding::is_fractional`.
fn strictly_between_0_1(v: &BigRational) -> bool {
    *v > rat(0, 1) && *v < rat(1, 1)
}

fn dot(c: &[BigRational], x: &[BigRational]) -> BigRational {
    c.iter().zip(x).map(|(a, b)| a * b).sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn pair_rounding_preserves_cost_and_mean(d in coverage_data(6), e in facility_data(6), seed in any::<u64>()) {
        let mut rng = Rng::seed(seed);
        let (f, _) = d.build::<BigRational>();
        let (g, _) = e.build::<BigRational>();
        for n in [f.ground_size(), g.ground_size()] {
            let x = random_point(n, &mut rng);
            let costs: Vec<BigRational> = (0..n).map(|_| rat(rng.below(9) as i64 + 1, rng.below(3) as i64 + 1)).collect();
            // One step, both outcomes.
            if let Some((a, b)) = pick_pair(&x, &costs) {
                let s = pair_step(&x, &costs, a, b);
                prop_assert!(s.p_up >= rat(0, 1) && s.p_up <= rat(1, 1));
                prop_assert_eq!(dot(&costs, &s.up), dot(&costs, &x));
                prop_assert_eq!(dot(&costs, &s.down), dot(&costs, &x));
                prop_assert!(!is_fractional(&s.up[a]) || !is_fractional(&s.up[b]));
                prop_assert!(!is_fractional(&s.down[a]) || !is_fractional(&s.down[b]));
                for i in 0..n {
                    let mean = &s.p_up * &s.up[i] + (rat(1, 1) - &s.p_up) * &s.down[i];
                    prop_assert_eq!(&mean, &x[i]);
                }
                if n == f.ground_size() {
                    let ef = &s.p_up * f.multilinear(&s.up) + (rat(1, 1) - &s.p_up) * f.multilinear(&s.down);
                    prop_assert!(ef >= f.multilinear(&x), "E[F] decreased (coverage)");
                }
                if n == g.ground_size() {
                    let eg = &s.p_up * g.multilinear(&s.up) + (rat(1, 1) - &s.p_up) * g.multilinear(&s.down);
                    prop_assert!(eg >= g.multilinear(&x), "E[F] decreased (facility)");
                }
            }
            // The full rounding: exact law over all leaves.
            let mut leaves = Vec::new();
            rounding_leaves(x.clone(), &costs, rat(1, 1), 0, &mut leaves);
            let total: BigRational = leaves.iter().map(|(p, _, _)| p.clone()).sum();
            prop_assert_eq!(total, rat(1, 1));
            for i in 0..n {
                let mean: BigRational = leaves.iter().map(|(p, y, _)| p * &y[i]).sum();
                prop_assert_eq!(&mean, &x[i]);
            }
            let fractional = x.iter().filter(|v| strictly_between_0_1(v)).count();
            for v in &x {
                prop_assert_eq!(is_fractional(v), strictly_between_0_1(v));
            }
            for (_, y, depth) in &leaves {
                prop_assert_eq!(dot(&costs, y), dot(&costs, &x));
                prop_assert!(y.iter().filter(|v| strictly_between_0_1(v)).count() <= 1);
                // Each move makes at least one coordinate integral.
                prop_assert!(*depth < fractional.max(1));
            }
            if n == f.ground_size() {
                let ef: BigRational = leaves.iter().map(|(p, y, _)| p * f.multilinear(y)).sum();
                prop_assert!(ef >= f.multilinear(&x));
            }
            if n == g.ground_size() {
                let eg: BigRational = leaves.iter().map(|(p, y, _)| p * g.multilinear(y)).sum();
                prop_assert!(eg >= g.multilinear(&x));
            }
            // The sampled rounding lands on a leaf, after as many moves as that leaf's depth.
            let mut y = x.clone();
            let moves = pair_round(&mut y, &costs, &mut rng);
            prop_assert!(leaves.iter().any(|(_, l, depth)| *l == y && *depth == moves));
        }
    }
}

// ---------------------------------------------------------------- continuous greedy

/// An optimal set ordered greedily (each next element has the largest gain on top of the
/// previous ones, ties to the lowest index).
fn greedy_order<F: SetFunction>(f: &F, set: &[usize]) -> Vec<usize> {
    let mut rest = set.to_vec();
    let mut order = Vec::new();
    while !rest.is_empty() {
        let st = f.state_of(&order);
        let mut best = 0;
        for i in 1..rest.len() {
            if f.gain(&st, rest[i]).cmp_value(&f.gain(&st, rest[best])) == Ordering::Greater {
                best = i;
            }
        }
        order.push(rest.remove(best));
    }
    order
}

/// Exact `E[f(S)]` of the rounded outcome from the seed `g` greedy-first optimal items.
fn exact_expectation_from_guess(
    f: &WeightedCoverage<BigRational>,
    k: &Knapsack<BigRational>,
    opt_set: &[usize],
    opts: ContinuousGreedyOptions,
) -> BigRational {
    let order = greedy_order(f, opt_set);
    let seed = &order[..opts.guesses];
    let x = fractional_point(f, k, seed, &opts).unwrap();
    let mut leaves = Vec::new();
    rounding_leaves(x, k.costs(), rat(1, 1), 0, &mut leaves);
    leaves
        .iter()
        .map(|(p, y, _)| p * f.value(&integral_part(y, k, seed)))
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn continuous_greedy_expectation_bound(d in dense_coverage_data(9), seed in any::<u64>()) {
        let (fi, ki) = d.build::<i128>();
        let opt = brute_force(&fi, &ki).unwrap();
        let (f, k) = d.build::<BigRational>();
        for (eps, eps_r) in [(0.5, rat(1, 2)), (0.1, rat(1, 10))] {
            let opts = ContinuousGreedyOptions::new(eps).unwrap();
            let bound = (rat(ONE_MINUS_INV_E_NUM as i64, GIGA as i64) - eps_r) * to_rat(&opt.value);
            let mut rng = Rng::seed(seed);
            let s = continuous_greedy(&f, &k, eps, &mut rng).unwrap();
            // Feasible, honest, at most OPT.
            prop_assert!(k.is_feasible(&s.set));
            prop_assert_eq!(f.value(&s.set), s.value.clone());
            prop_assert!(s.value <= to_rat(&opt.value));
            let (qb, eb) = query_bounds(f.ground_size(), opts);
            prop_assert!(s.queries <= qb && s.extension_queries <= eb);
            if opt.set.len() < opts.guesses {
                // OPT itself is a candidate (all sets below the guess size are evaluated).
                prop_assert_eq!(s.value.clone(), to_rat(&opt.value));
            } else {
                // The algorithm returns the best candidate, one of which is the rounding
                // from the right guess: its exact expectation already meets the bound.
                let e = exact_expectation_from_guess(&f, &k, &opt.set, opts);
                prop_assert!(e >= bound, "E = {e} < {bound}");
            }
        }
    }
}

/// The multilinear extension by enumerating all `2^n` sets (independent of the closed forms).
fn extension_by_enumeration<F: SetFunction<Value = BigRational>>(
    f: &F,
    x: &[BigRational],
) -> BigRational {
    let n = x.len();
    let mut total = rat(0, 1);
    for mask in 0u32..(1 << n) {
        let set: Vec<usize> = (0..n).filter(|i| mask >> i & 1 == 1).collect();
        let mut p = rat(1, 1);
        for i in 0..n {
            p *= if mask >> i & 1 == 1 {
                x[i].clone()
            } else {
                rat(1, 1) - &x[i]
            };
        }
        if p != rat(0, 1) {
            total += p * f.value(&set);
        }
    }
    total
}

/// Steps 1 and 2 of the continuous greedy, written out from the module documentation of
/// `submod::continuous` with plain rationals and the enumerated extension: the residual
/// items `U`, the step count `T`, and `T` moves along the fractional-knapsack vertex.
fn reference_fractional_point<F: SetFunction<Value = BigRational>>(
    f: &F,
    costs: &[BigRational],
    budget: &BigRational,
    seed: &[usize],
    eps: f64,
    steps: Option<usize>,
) -> Vec<BigRational> {
    let n = f.ground_size();
    let f_seed = f.value(seed);
    let residual = budget - seed.iter().map(|&e| costs[e].clone()).sum::<BigRational>();
    let g = seed.len();
    let mut units = Vec::new();
    let mut l = rat(0, 1);
    for e in 0..n {
        if seed.contains(&e) || costs[e] > residual {
            continue;
        }
        let mut with = seed.to_vec();
        with.push(e);
        let gain = f.value(&with) - &f_seed;
        if g == 0 || &gain * rat(g as i64, 1) <= f_seed {
            l += &gain;
            units.push(e);
        }
    }
    let t_max = (n as f64 / (g as f64 * eps)).floor() as usize + 1;
    let t = steps.unwrap_or_else(|| {
        if g == 0 {
            // The plain continuous greedy: T = ceil(1 / eps^2) (eps = 1/2 here: 4).
            assert_eq!(eps, 0.5);
            return 4;
        }
        let denom = eps * f_seed.to_f64();
        let t = if denom > 0.0 {
            (l.to_f64() / denom).floor() as usize + 1
        } else {
            1
        };
        t.clamp(1, t_max)
    });
    let delta = rat(1, t as i64);
    let mut x = vec![rat(0, 1); n];
    for &e in seed {
        x[e] = rat(1, 1);
    }
    for _ in 0..t {
        let base = extension_by_enumeration(f, &x);
        let mut w: Vec<(usize, BigRational)> = units
            .iter()
            .map(|&e| {
                let mut xe = x.clone();
                xe[e] = rat(1, 1);
                (e, extension_by_enumeration(f, &xe) - &base)
            })
            .collect();
        // Decreasing density, ties to the lower index (a stable sort keeps index order).
        w.sort_by(|(a, wa), (b, wb)| (wb / &costs[*b]).cmp(&(wa / &costs[*a])));
        let mut room = residual.clone();
        for (e, we) in w {
            if we <= rat(0, 1) {
                break;
            }
            if costs[e] <= room {
                x[e] += &delta;
                room -= &costs[e];
            } else {
                x[e] += &delta * (&room / &costs[e]);
                break;
            }
        }
    }
    x
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// `fractional_point` equals the written-out reference exactly, for adaptive and fixed
    /// step counts and seeds of every size up to 3.
    #[test]
    fn continuous_fractional_point_matches_reference(
        dense in dense_coverage_data(6),
        sparse in coverage_data(6),
        pick in any::<u64>(),
        use_sparse in any::<bool>(),
    ) {
        // Sparse instances have zero-value seeds (T = 1 then) and items above the budget.
        let (f, k) = if use_sparse { sparse.build::<BigRational>() } else { dense.build::<BigRational>() };
        let n = f.ground_size();
        let mut rng = Rng::seed(pick);
        for g in 1..=3usize.min(n) {
            // A random feasible seed of size g, if the first draw is feasible.
            let mut seed: Vec<usize> = Vec::new();
            while seed.len() < g {
                let e = rng.below(n as u64) as usize;
                if !seed.contains(&e) {
                    seed.push(e);
                }
            }
            seed.sort();
            if !k.is_feasible(&seed) {
                continue;
            }
            for (eps, steps) in [(0.5, None), (0.25, None), (0.5, Some(3))] {
                let opts = ContinuousGreedyOptions { epsilon: eps, guesses: g, steps };
                let got = fractional_point(&f, &k, &seed, &opts).unwrap();
                let want = reference_fractional_point(&f, k.costs(), k.budget(), &seed, eps, steps);
                prop_assert_eq!(got, want, "seed {:?}, eps {}, steps {:?}", seed, eps, steps);
            }
        }
        // The plain continuous greedy (no guesses) with a fixed step count.
        let opts = ContinuousGreedyOptions { epsilon: 0.5, guesses: 0, steps: Some(4) };
        let got = fractional_point(&f, &k, &[], &opts).unwrap();
        let want = reference_fractional_point(&f, k.costs(), k.budget(), &[], 0.5, Some(4));
        prop_assert_eq!(got, want);
        let opts = ContinuousGreedyOptions { epsilon: 0.5, guesses: 0, steps: None };
        let got = fractional_point(&f, &k, &[], &opts).unwrap();
        let want = reference_fractional_point(&f, k.costs(), k.budget(), &[], 0.5, None);
        prop_assert_eq!(got, want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// The algorithms see only `F`'s values: with the closed form of coverage or with
    /// enumeration over an explicit table of the same function, both continuous algorithms
    /// return the same set, value and counts (exact rationals, same RNG seed).
    #[test]
    fn extension_backends_agree_inside_algorithms(d in dense_coverage_data(6), seed in any::<u64>()) {
        let (f, k) = d.build::<BigRational>();
        let t = ByEnumeration(ExplicitTable::from_function(&f).unwrap());
        let a = continuous_greedy(&f, &k, 0.5, &mut Rng::seed(seed)).unwrap();
        let b = continuous_greedy(&t, &k, 0.5, &mut Rng::seed(seed)).unwrap();
        prop_assert_eq!(&a, &b);
        let mut o = EneNguyenOptions::new(0.5).unwrap();
        o.large_guesses = 1;
        let a = ene_nguyen_with(&f, &k, o, &mut Rng::seed(seed)).unwrap();
        let b = ene_nguyen_with(&t, &k, o, &mut Rng::seed(seed)).unwrap();
        prop_assert_eq!(&a, &b);
    }
}

#[test]
fn continuous_greedy_refuses_huge_requests() {
    let f = Modular::new(vec![1.0f64; 400]).unwrap();
    let k = Knapsack::new(vec![1.0; 400], 10.0).unwrap();
    let mut rng = Rng::seed(0);
    assert!(continuous_greedy(&f, &k, 0.1, &mut rng).is_err());
    assert!(continuous_greedy(&f, &k, 1.5, &mut rng).is_err());
}

#[test]
fn continuous_greedy_bounds_and_options_by_hand() {
    use diffknap::submod::SubmodError;
    // max_steps: fixed T as given; g = 0: ceil(1 / eps^2) = 4 at eps = 1/2 and 16 at 1/4;
    // g = 3, n = 9, eps = 1/2: floor(9 / 1.5) + 1 = 7; g = 2, n = 5, eps = 0.3:
    // floor(5 / 0.6) + 1 = 9.
    let o = |epsilon, guesses, steps| ContinuousGreedyOptions {
        epsilon,
        guesses,
        steps,
    };
    assert_eq!(o(0.5, 3, Some(11)).max_steps(9), 11);
    assert_eq!(o(0.5, 0, None).max_steps(9), 4);
    assert_eq!(o(0.25, 0, None).max_steps(9), 16);
    assert_eq!(o(0.5, 3, None).max_steps(9), 7);
    assert_eq!(o(0.3, 2, None).max_steps(5), 9);
    // query_bounds(n, opts) = (N_g (n + 2), N_g T_max (n + 1)), N_g = sum_{j <= g} C(n, j).
    // n = 5, g = 2: N = 1 + 5 + 10 = 16, T_max = 9: (16 * 7, 16 * 9 * 6).
    assert_eq!(query_bounds(5, o(0.3, 2, None)), (112, 864));
    // n = 4, g = 0, T = 3: N = 1: (6, 15).
    assert_eq!(query_bounds(4, o(0.5, 0, Some(3))), (6, 15));
    // Invalid options are typed errors naming the parameter, before any work.
    let f = Modular::new(vec![rat(1, 1), rat(2, 1)]).unwrap();
    let k = Knapsack::new(vec![rat(1, 1), rat(1, 1)], rat(1, 1)).unwrap();
    let mut rng = Rng::seed(1);
    for (opts, name) in [
        (o(0.0, 1, None), "epsilon"),
        (o(1.0, 1, None), "epsilon"),
        (o(-0.5, 1, None), "epsilon"),
        (o(f64::NAN, 1, None), "epsilon"),
        (o(0.5, 1, Some(0)), "steps"),
    ] {
        match continuous_greedy_with(&f, &k, opts, &mut rng) {
            Err(SubmodError::InvalidParameter { name: got, .. }) => assert_eq!(got, name),
            other => panic!("{opts:?}: {other:?}"),
        }
        match fractional_point(&f, &k, &[], &opts) {
            Err(SubmodError::InvalidParameter { name: got, .. }) => assert_eq!(got, name),
            other => panic!("{opts:?}: {other:?}"),
        }
    }
    // The same instance with valid options: the best single item (value 2) is found.
    let s = continuous_greedy_with(&f, &k, o(0.5, 1, None), &mut rng).unwrap();
    assert_eq!((s.set, s.value), (vec![1], rat(2, 1)));
    // Without guesses, the rounded continuous greedy is the only candidate: one step of
    // length 1 on a modular function with room for every item takes all of them.
    let m = Modular::new(vec![rat(1, 1), rat(2, 1), rat(3, 1)]).unwrap();
    let km = Knapsack::new(vec![rat(1, 1); 3], rat(3, 1)).unwrap();
    let s = continuous_greedy_with(&m, &km, o(0.5, 0, Some(1)), &mut rng).unwrap();
    assert_eq!((s.set, s.value), (vec![0, 1, 2], rat(6, 1)));
    // The work limit is inclusive: g = 1 and n = 3 give N_1 = 4 seeds, so T = 1,250,000 steps
    // need exactly 4 T (n + 1) = 20,000,000 = MAX_EXTENSION_EVALUATIONS evaluations and are
    // accepted (every seed of size 1 is infeasible, so no step runs); one step more is refused.
    let costly = Knapsack::new(vec![rat(2, 1); 3], rat(1, 1)).unwrap();
    assert_eq!(MAX_EXTENSION_EVALUATIONS, 16 * 1_250_000);
    let s = continuous_greedy_with(&m, &costly, o(0.5, 1, Some(1_250_000)), &mut rng).unwrap();
    assert_eq!((s.set, s.value), (vec![], rat(0, 1)));
    // Smaller seeds (here the empty one) are candidates as they are: with no feasible seed of
    // size g, no continuous greedy runs at all.
    assert_eq!(s.extension_queries, 0);
    let s = continuous_greedy_with(&m, &costly, o(0.5, 1, None), &mut rng).unwrap();
    assert_eq!(
        (s.set, s.value, s.extension_queries),
        (vec![], rat(0, 1), 0)
    );
    assert!(matches!(
        continuous_greedy_with(&m, &costly, o(0.5, 1, Some(1_250_001)), &mut rng),
        Err(SubmodError::TooLarge(_))
    ));
    // integral_part keeps the coordinates equal to 1 (not 0, not fractional) ...
    let roomy = Knapsack::new(vec![rat(1, 1), rat(2, 1), rat(3, 1)], rat(6, 1)).unwrap();
    assert_eq!(
        integral_part(&[rat(1, 1), rat(0, 1), rat(1, 2)], &roomy, &[]),
        vec![0]
    );
    // ... and, when the set is over budget (possible only through f64 noise), drops the
    // costliest items outside `keep` until it fits: {0, 1, 2} costs 6 > 4; item 2 is kept, so
    // item 1 (cost 2) goes and {0, 2} (cost 4) remains.
    let tight = Knapsack::new(vec![rat(1, 1), rat(2, 1), rat(3, 1)], rat(4, 1)).unwrap();
    assert_eq!(integral_part(&vec![rat(1, 1); 3], &tight, &[2]), vec![0, 2]);
    // A seed that is infeasible or out of range is refused by fractional_point.
    for seed in [vec![0, 1], vec![2]] {
        assert!(matches!(
            fractional_point(&f, &k, &seed, &o(0.5, 1, None)),
            Err(SubmodError::InvalidParameter { .. })
        ));
    }
}

// ---------------------------------------------------------------- Ene-Nguyen

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Reduced search (t = 1 large pick per step, eps = 1/2): the 1 - 1/e - eps bound is not a
    /// theorem for t < 1/eps^3; asserted here for every seed as a regression check, together
    /// with feasibility and OPT.
    #[test]
    fn ene_nguyen_reduced_search(d in dense_coverage_data(5), seed in any::<u64>()) {
        let (fi, ki) = d.build::<i128>();
        let opt = brute_force(&fi, &ki).unwrap().value;
        let (f, k) = d.build::<BigRational>();
        let mut o = EneNguyenOptions::new(0.5).unwrap();
        o.large_guesses = 1;
        let mut rng = Rng::seed(seed);
        let s = ene_nguyen_with(&f, &k, o, &mut rng).unwrap();
        prop_assert!(k.is_feasible(&s.set));
        prop_assert_eq!(f.value(&s.set), s.value.clone());
        prop_assert!(s.value <= to_rat(&opt));
        let bound = (rat(ONE_MINUS_INV_E_NUM as i64, GIGA as i64) - rat(1, 2)) * to_rat(&opt);
        prop_assert!(s.value >= bound);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Faithful parameters (eps = 1/2: t = 8 large picks per step, P = 2 steps) on small
    /// instances: feasible, honest, at most OPT, and above (1 - 1/e - eps) OPT for the given
    /// seed (the paper's bound is in expectation; per seed it is a regression check).
    #[test]
    fn ene_nguyen_faithful_search(d in dense_coverage_data(6), seed in any::<u64>()) {
        let (fi, ki) = d.build::<i128>();
        let opt = brute_force(&fi, &ki).unwrap().value;
        let (f, k) = d.build::<BigRational>();
        let o = EneNguyenOptions::new(0.5).unwrap();
        prop_assert_eq!(o.large_guesses, 8);
        let s = ene_nguyen_with(&f, &k, o, &mut Rng::seed(seed)).unwrap();
        prop_assert!(k.is_feasible(&s.set));
        prop_assert_eq!(f.value(&s.set), s.value.clone());
        prop_assert!(s.value <= to_rat(&opt));
        let bound = (rat(ONE_MINUS_INV_E_NUM as i64, GIGA as i64) - rat(1, 2)) * to_rat(&opt);
        prop_assert!(s.value >= bound);
    }
}

#[test]
fn ene_nguyen_faithful_parameters_run_on_tiny_instances_and_refuse_large_ones() {
    // eps = 1/2: t = 8 large picks per step, P = 2 steps.
    let f = WeightedCoverage::new(
        vec![vec![0, 1], vec![1], vec![2]],
        vec![rat(3, 1), rat(2, 1), rat(4, 1)],
    )
    .unwrap();
    let k = Knapsack::new(vec![rat(2, 1), rat(1, 1), rat(2, 1)], rat(4, 1)).unwrap();
    let opt = brute_force(&f, &k).unwrap().value;
    let o = EneNguyenOptions::new(0.5).unwrap();
    assert_eq!(o.large_guesses, 8);
    let mut rng = Rng::seed(5);
    let s = ene_nguyen_with(&f, &k, o, &mut rng).unwrap();
    assert!(k.is_feasible(&s.set));
    assert!(s.value >= (rat(ONE_MINUS_INV_E_NUM as i64, GIGA as i64) - rat(1, 2)) * opt);
    // A moderately sized instance exceeds the node budget: a typed error, not a hang.
    let n = 40;
    let g = Modular::new((0..n).map(|i| (i % 7 + 1) as f64).collect()).unwrap();
    let kk = Knapsack::new((0..n).map(|i| (i % 5 + 1) as f64).collect(), 20.0).unwrap();
    let r = ene_nguyen_with(&g, &kk, EneNguyenOptions::new(0.5).unwrap(), &mut rng);
    assert!(r.is_err());
    // Small eps: t = 10^6 large picks per step would recurse 10^7 levels deep; refused.
    assert!(ene_nguyen_with(&f, &k, EneNguyenOptions::new(0.01).unwrap(), &mut rng).is_err());
    let mut o = EneNguyenOptions::new(0.5).unwrap();
    o.large_guesses = usize::MAX;
    assert!(ene_nguyen_with(&f, &k, o, &mut rng).is_err());
    // Threshold enumeration with a vanishing eps would never lower its threshold: refused.
    let h = Modular::new(vec![1i128; 30]).unwrap();
    let kh = Knapsack::new(vec![1i128; 30], 10).unwrap();
    assert!(threshold_enumeration(&h, &kh, 1e-12).is_err());
}

// ---------------------------------------------------------------- ground truth

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn ilp_optimum_equals_brute_force(d in coverage_data(12), e in facility_data(12)) {
        let (f, k) = d.build::<i128>();
        let bf = brute_force(&f, &k).unwrap();
        let ilp = ilp_coverage(&f, &k).unwrap();
        prop_assert_eq!(ilp.value, bf.value);
        prop_assert!(k.is_feasible(&ilp.set));
        let (g, kg) = e.build::<i128>();
        let bf = brute_force(&g, &kg).unwrap();
        let ilp = ilp_facility_location(&g, &kg).unwrap();
        prop_assert_eq!(ilp.value, bf.value);
        prop_assert!(kg.is_feasible(&ilp.set));
    }

    #[test]
    fn nemhauser_wolsey_equals_brute_force(d in coverage_data(6), w in prop::collection::vec(0i64..=9, 1..=6), cap in 0i64..=30) {
        let (f, k) = d.build::<i128>();
        let t = ExplicitTable::from_function(&f).unwrap();
        prop_assert_eq!(nemhauser_wolsey(&t, &k).unwrap().value, brute_force(&t, &k).unwrap().value);
        let ba = BudgetAdditive::new(w.iter().map(|&x| x as i128).collect(), cap as i128).unwrap();
        let kb = Knapsack::new(w.iter().map(|&x| (x % 4 + 1) as i128).collect(), 7).unwrap();
        prop_assert_eq!(nemhauser_wolsey(&ba, &kb).unwrap().value, brute_force(&ba, &kb).unwrap().value);
    }

    #[test]
    fn certificate_bounds_opt(d in coverage_data(9), e in facility_data(9), seed in any::<u64>()) {
        let mut rng = Rng::seed(seed);
        let (f, k) = d.build::<i128>();
        let opt = brute_force(&f, &k).unwrap().value;
        let s: Vec<usize> = (0..f.ground_size()).filter(|_| rng.below(2) == 1).collect();
        let ub = certificate(&f, &k, &s).unwrap().unwrap();
        prop_assert!(ub >= to_rat(&opt));
        prop_assert!(ub >= to_rat(&f.value(&s)));
        let (g, kg) = e.build::<i128>();
        let opt = brute_force(&g, &kg).unwrap().value;
        let sol = greedy_max(&g, &kg).unwrap();
        let ub = certificate(&g, &kg, &sol.set).unwrap().unwrap();
        prop_assert!(ub >= to_rat(&opt));
    }
}

#[test]
fn brute_force_size_limit_is_exactly_max_n() {
    // Costs 10 against a budget of 15: exactly one item fits, so the search tree has about
    // n^2 nodes and n = 24 is fast. The limit is inclusive: 24 items are solved, 25 refused.
    for n in [BRUTE_FORCE_MAX_N, BRUTE_FORCE_MAX_N + 1] {
        let w: Vec<i128> = (0..n as i128).map(|i| (i * 7) % 11).collect();
        let f = Modular::new(w.clone()).unwrap();
        let k = Knapsack::new(vec![10i128; n], 15).unwrap();
        let r = brute_force(&f, &k);
        if n <= 24 {
            let best = *w.iter().max().unwrap();
            let opt = r.unwrap();
            assert_eq!(opt.value, best);
            // ties keep the first set in include-first order: the lowest index of the maximum
            let first = w.iter().position(|&x| x == best).unwrap();
            assert_eq!(opt.set, vec![first]);
        } else {
            assert!(r.is_err(), "n = {n} must be refused");
        }
    }
}

#[test]
fn certificate_by_hand() {
    // Modular f with weights 6, 4, 2, 50 and costs 3, 2, 3, 10, budget 6. Item 3 costs more
    // than the budget and is left out although its density (5) is the largest.
    let f = Modular::new(vec![6i128, 4, 2, 50]).unwrap();
    let k = Knapsack::new(vec![3i128, 2, 3, 10], 6).unwrap();
    // S = {}: densities 2, 2, 2/3; the fractional knapsack takes items 0 and 1 whole
    // (budget left 1) and 1/3 of item 2: 6 + 4 + 2/3 = 32/3.
    assert_eq!(certificate(&f, &k, &[]).unwrap().unwrap(), rat(32, 3));
    // S = {1}: f(S) = 4; items 0 and 2 (density 2, then 2/3) both fit whole: 4 + 6 + 2 = 12.
    assert_eq!(certificate(&f, &k, &[1]).unwrap().unwrap(), rat(12, 1));
    // S = {0, 1}: f(S) = 10, item 2 whole (cost 3 <= 6): 12.
    assert_eq!(certificate(&f, &k, &[0, 1]).unwrap().unwrap(), rat(12, 1));
    // S = {2}: f(S) = 2; item 1 (density 2, cost 2) then item 0 (density 2, cost 3) fit
    // whole in 6 - 0 = 6 (the budget of the fractional problem is B, not B - c(S)): 12.
    assert_eq!(certificate(&f, &k, &[2]).unwrap().unwrap(), rat(12, 1));
    // Budget 4: S = {} takes item 0 or 1 (tied densities) whole, then part of the other:
    // 6 + 4/2 or 4 + 6 * 2/3, both 8 (the tie order does not change the bound).
    let k4 = Knapsack::new(vec![3i128, 2, 3, 10], 4).unwrap();
    assert_eq!(certificate(&f, &k4, &[]).unwrap().unwrap(), rat(8, 1));
    // Costs 1, 1, 5 and weights 1, 1, 10, budget 5: by density 10/5 = 2 first, item 2 fills
    // the budget; a rule taking the cheap items first would give 1 + 1 + 10 * 3/5 = 8.
    let g = Modular::new(vec![1i128, 1, 10]).unwrap();
    let kg = Knapsack::new(vec![1i128, 1, 5], 5).unwrap();
    assert_eq!(certificate(&g, &kg, &[]).unwrap().unwrap(), rat(10, 1));
    // Gains 3, 5 and costs 2, 4 (densities 3/2 > 5/4), budget 4: item 0 whole, then half of
    // item 1: 3 + 5/2 = 11/2. Taking item 1 first would give 5. (The densities are compared
    // by cross-multiplication, 3 * 4 = 12 > 5 * 2 = 10.)
    let d = Modular::new(vec![3i128, 5]).unwrap();
    let kd = Knapsack::new(vec![2i128, 4], 4).unwrap();
    assert_eq!(certificate(&d, &kd, &[]).unwrap().unwrap(), rat(11, 2));
    // The same order in f64 values: gains 0.5, 0.1 at cost 1 each, budget 1: 1/2.
    let e = Modular::new(vec![0.5f64, 0.1]).unwrap();
    let ke = Knapsack::new(vec![1.0f64, 1.0], 1.0).unwrap();
    assert_eq!(certificate(&e, &ke, &[]).unwrap().unwrap(), rat(1, 2));
    // The certificate bounds OPT on these instances, and is tight where the fractional
    // optimum is integral.
    assert_eq!(brute_force(&g, &kg).unwrap().value, 10);
    assert_eq!(brute_force(&f, &k).unwrap().value, 10);
    // A non-finite f64 value (f(S) overflows) gives no certificate rather than a wrong one.
    let h = Modular::new(vec![f64::MAX, f64::MAX]).unwrap();
    let kh = Knapsack::new(vec![1.0, 1.0], 2.0).unwrap();
    assert_eq!(certificate(&h, &kh, &[0, 1]).unwrap(), None);
    assert!(certificate(&h, &kh, &[0]).unwrap().is_some());
    // A knapsack of the wrong length is a typed error.
    assert!(certificate(&h, &Knapsack::new(vec![1.0], 2.0).unwrap(), &[]).is_err());
}

// ---------------------------------------------------------------- CLI

fn opts(alg: &str, opt: bool) -> Options {
    let mut o = Options::new(diffknap::submod::request::Algorithm::parse(alg).unwrap());
    o.opt = opt;
    o
}

/// `diffknap submod ARGS...` in-process; the exit status.
fn cli_main(args: &[String]) -> i32 {
    let argv: Vec<String> = std::iter::once("submod".to_string())
        .chain(args.iter().cloned())
        .collect();
    diffknap::cli::run(&argv, &mut Vec::new())
}

#[test]
fn cli_answers_every_algorithm_consistently() {
    let line = r#"{"id": 7, "function": {"kind": "coverage", "sets": [[0,1],[1,2],[3],[0,3]], "atom_weights": [2,1,1,5]}, "costs": [2,1,3,4], "budget": 5}"#;
    let f = WeightedCoverage::new(
        vec![vec![0, 1], vec![1, 2], vec![3], vec![0, 3]],
        vec![2i128, 1, 1, 5],
    )
    .unwrap();
    let k = Knapsack::new(vec![2i128, 1, 3, 4], 5).unwrap();
    let opt = brute_force(&f, &k).unwrap().value;
    for alg in [
        "density_greedy",
        "lazy_density_greedy",
        "greedy_singleton",
        "greedy_max",
        "enumeration1",
        "enumeration2",
        "sviridenko",
        "threshold_enumeration",
        "continuous_greedy",
    ] {
        let out = process_line(line, &opts(alg, true));
        assert_eq!(out["id"], 7, "{alg}: {out}");
        let set: Vec<usize> = out["set"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(
            out["value"].as_i64().unwrap() as i128,
            f.value(&set),
            "{alg}"
        );
        assert_eq!(
            out["cost"].as_i64().unwrap() as i128,
            k.cost_of(&set),
            "{alg}"
        );
        assert_eq!(out["opt"].as_i64().unwrap() as i128, opt, "{alg}");
        let ratio = out["ratio"].as_f64().unwrap();
        assert!(ratio > 0.0 && ratio <= 1.0, "{alg}");
        assert!(out["queries"].as_u64().is_some());
    }
}

#[test]
fn cli_errors_name_field_and_rule() {
    let o = opts("greedy_max", false);
    let cases = [
        (
            r#"{"id":1,"function":{"kind":"coverage","sets":[[0]],"atom_weights":[1]},"costs":[-1],"budget":1}"#,
            "costs[0]",
        ),
        (
            r#"{"id":2,"function":{"kind":"coverage","sets":[[0]],"atom_weights":[1]},"costs":[1,2],"budget":1}"#,
            "costs",
        ),
        (
            r#"{"id":3,"function":{"kind":"warp"},"costs":[],"budget":1}"#,
            "function.kind",
        ),
        (
            r#"{"id":4,"function":{"kind":"facility_location","values":[[1],[2,3]]},"costs":[1,1],"budget":1}"#,
            "function.values[1]",
        ),
        (
            r#"{"id":5,"function":{"kind":"facility_location","values":[[1],[-2]]},"costs":[1,1],"budget":1}"#,
            "function.values[1][0]",
        ),
        (r#"{"id":6,"costs":[1],"budget":1}"#, "function"),
        (
            r#"{"id":7,"function":{"kind":"modular","weights":[1]},"costs":[1]}"#,
            "budget",
        ),
        (
            r#"{"id":8,"function":{"kind":"modular","weights":[1]},"costs":["x"],"budget":1}"#,
            "costs[0]",
        ),
        (
            r#"{"id":9,"function":{"kind":"modular","weights":[1]},"costs":[1],"budget":-3}"#,
            "budget",
        ),
        (
            r#"{"id":10,"function":{"kind":"table","values":[0,1,1,3]},"costs":[1,1],"budget":1}"#,
            "function.values",
        ),
        (
            r#"{"id":11,"function":{"kind":"influence","probabilities":[[1.5]]},"costs":[1],"budget":1}"#,
            "function.probabilities[0][0]",
        ),
        (
            r#"{"id":12,"function":{"kind":"coverage","sets":[[0]],"atom_weights":[1]},"costs":[0],"budget":1}"#,
            "costs[0]",
        ),
    ];
    for (line, field) in cases {
        let out = process_line(line, &o);
        let err = out["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error for {line}: {out}"));
        assert!(err.contains(field), "{err:?} should name {field}");
        assert!(out.get("id").is_some());
    }
    let out = process_line("{not json", &o);
    assert!(out["error"].as_str().unwrap().contains("malformed JSON"));
}

#[test]
fn cli_exit_codes() {
    let dir = std::env::temp_dir().join(format!("diffknap-submod-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.jsonl");
    std::fs::write(
        &good,
        "{\"function\":{\"kind\":\"modular\",\"weights\":[1,2]},\"costs\":[1,1],\"budget\":1}\n\n",
    )
    .unwrap();
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, "{\"function\":{\"kind\":\"modular\",\"weights\":[1,2]},\"costs\":[1,1],\"budget\":1}\nnope\n").unwrap();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        cli_main(&s(&[
            "--algorithm",
            "greedy_max",
            "--input",
            good.to_str().unwrap()
        ])),
        0
    );
    assert_eq!(
        cli_main(&s(&[
            "--algorithm",
            "greedy_max",
            "--input",
            bad.to_str().unwrap()
        ])),
        1
    );
    assert_eq!(cli_main(&s(&["--algorithm", "nope"])), 2);
    assert_eq!(cli_main(&s(&["--algorithm", "greedy_max", "--bogus"])), 2);
    assert_eq!(cli_main(&s(&["--epsilon", "0.1"])), 2);
    assert_eq!(
        cli_main(&s(&[
            "--algorithm",
            "threshold_enumeration",
            "--epsilon",
            "2"
        ])),
        2
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cli_refuses_oversized_extension_requests() {
    let o = opts("continuous_greedy", false);
    let line = r#"{"id":"big","function":{"kind":"concave_over_modular","weights":[1000000000,5],"concave":"sqrt"},"costs":[1,1],"budget":1}"#;
    let out = process_line(line, &o);
    assert!(
        out["error"].as_str().unwrap().contains("too large"),
        "{out}"
    );
    // The combinatorial algorithms do not need the extension and still answer.
    let out = process_line(line, &opts("greedy_max", false));
    assert!(out.get("error").is_none(), "{out}");
    // An empty ground set is a valid instance.
    let empty = r#"{"function":{"kind":"modular","weights":[]},"costs":[],"budget":0}"#;
    for alg in [
        "density_greedy",
        "sviridenko",
        "continuous_greedy",
        "ene_nguyen",
    ] {
        let out = process_line(empty, &opts(alg, true));
        assert_eq!(out["set"], serde_json::json!([]), "{alg}: {out}");
        assert_eq!(out["value"], 0, "{alg}: {out}");
    }
}

#[test]
fn cli_opt_above_twenty_items() {
    // Coverage with 22 items: --opt goes through the ILP; compare with brute force.
    let n = 22;
    let sets: Vec<Vec<usize>> = (0..n)
        .map(|i| vec![i % 9, (i * 5) % 13, 13 + i % 4])
        .collect();
    let weights: Vec<i64> = (0..17).map(|u| (u * 7 % 11 + 1) as i64).collect();
    let costs: Vec<i64> = (0..n).map(|i| (i * 3 % 5 + 1) as i64).collect();
    let line = serde_json::json!({"id": "ilp", "function": {"kind": "coverage", "sets": sets, "atom_weights": weights}, "costs": costs, "budget": 9});
    let out = process_line(&line.to_string(), &opts("greedy_max", true));
    let f =
        WeightedCoverage::new(sets.clone(), weights.iter().map(|&w| w as i128).collect()).unwrap();
    let k = Knapsack::new(costs.iter().map(|&c| c as i128).collect(), 9).unwrap();
    let opt = brute_force(&f, &k).unwrap().value;
    assert_eq!(out["opt"].as_i64().unwrap() as i128, opt, "{out}");
    // Budget-additive with 22 items: no exact method in the CLI, so a certified upper bound.
    let w: Vec<i64> = (0..n).map(|i| (i * 7 % 10 + 1) as i64).collect();
    let line = serde_json::json!({"function": {"kind": "budget_additive", "weights": w, "cap": 40}, "costs": costs, "budget": 9});
    let out = process_line(&line.to_string(), &opts("greedy_max", true));
    let g = BudgetAdditive::new(w.iter().map(|&x| x as i128).collect(), 40).unwrap();
    let opt = brute_force(&g, &k).unwrap().value as f64;
    let ub = out["upper_bound"].as_f64().unwrap();
    assert!(ub >= opt, "{out}");
    let r = out["ratio_lower_bound"].as_f64().unwrap();
    assert!(r > 0.0 && r <= 1.0 && r <= out["value"].as_f64().unwrap() / opt + 1e-12);
}

#[test]
fn cli_float_kinds_are_finite() {
    let o = opts("continuous_greedy", true);
    for line in [
        r#"{"function":{"kind":"concave_over_modular","weights":[[4,1],[5,0],[9,2]],"concave":"log1p"},"costs":[1,1.5,2],"budget":2.5}"#,
        r#"{"function":{"kind":"influence","probabilities":[[0.5,0.1],[0.5,0.9],[0.3,0.3]],"target_weights":[1,2]},"costs":[1,1,1],"budget":2}"#,
        r#"{"function":{"kind":"facility_location","values":[[0.5,0.25],[1e-3,2.5]]},"costs":[0.5,0.7],"budget":1}"#,
    ] {
        let out = process_line(line, &o);
        assert!(out.get("error").is_none(), "{out}");
        for key in ["value", "cost", "opt", "ratio"] {
            assert!(out[key].as_f64().unwrap().is_finite());
        }
    }
}

/// Random, often invalid, instances through every algorithm: every line gets an object with
/// either an error or finite numbers; nothing panics.
#[test]
fn cli_survives_random_lines() {
    use serde_json::{Value as J, json};
    let mut rng = Rng::seed(99);
    let nums = [
        json!(0),
        json!(1),
        json!(-1),
        json!(2.5),
        json!(1e308),
        json!(-1e308),
        json!(1e-300),
        json!(3),
        json!(1e12),
        json!(2199023255552u64),
        json!("x"),
        json!(null),
    ];
    let mut num = |rng: &mut Rng| nums[rng.below(nums.len() as u64) as usize].clone();
    let algs = [
        "density_greedy",
        "lazy_density_greedy",
        "greedy_singleton",
        "greedy_max",
        "enumeration1",
        "enumeration2",
        "sviridenko",
        "threshold_enumeration",
        "continuous_greedy",
        "ene_nguyen",
    ];
    for i in 0..300 {
        let n = rng.below(6) as usize;
        let len = |rng: &mut Rng, k: usize| if rng.below(10) == 0 { k + 1 } else { k };
        let kind = [
            "coverage",
            "facility_location",
            "concave_over_modular",
            "budget_additive",
            "influence",
            "modular",
            "table",
            "bogus",
        ][rng.below(8) as usize];
        let mut f = serde_json::Map::new();
        f.insert("kind".into(), json!(kind));
        let row = |rng: &mut Rng, num: &mut dyn FnMut(&mut Rng) -> J, k: usize| -> J {
            J::Array((0..k).map(|_| num(rng)).collect())
        };
        match kind {
            "coverage" => {
                let sets: Vec<Vec<u64>> = (0..n)
                    .map(|_| (0..rng.below(4)).map(|_| rng.below(5)).collect())
                    .collect();
                f.insert("sets".into(), json!(sets));
                let k = 3 + rng.below(3) as usize;
                f.insert("atom_weights".into(), row(&mut rng, &mut num, k));
            }
            "facility_location" | "influence" => {
                let m = rng.below(3) as usize;
                let rows: Vec<J> = (0..n)
                    .map(|_| {
                        let k = len(&mut rng, m);
                        row(&mut rng, &mut num, k)
                    })
                    .collect();
                let key = if kind == "influence" {
                    "probabilities"
                } else {
                    "values"
                };
                f.insert(key.into(), J::Array(rows));
            }
            "concave_over_modular" => {
                let rows: Vec<J> = (0..n).map(|_| row(&mut rng, &mut num, 2)).collect();
                f.insert("weights".into(), J::Array(rows));
                f.insert(
                    "concave".into(),
                    json!(["sqrt", "log1p", "min", "cube"][rng.below(4) as usize]),
                );
                f.insert("cap".into(), num(&mut rng));
            }
            "budget_additive" | "modular" => {
                f.insert("weights".into(), row(&mut rng, &mut num, n));
                f.insert("cap".into(), num(&mut rng));
            }
            "table" => {
                let v: Vec<u64> = (0..1u64 << n)
                    .map(|m| m.count_ones() as u64 * rng.below(2))
                    .collect();
                f.insert("values".into(), json!(v));
            }
            _ => {}
        }
        let k = len(&mut rng, n);
        let costs = row(&mut rng, &mut num, k);
        let mut line =
            json!({"id": i, "function": f, "costs": costs, "budget": num(&mut rng)}).to_string();
        if rng.below(20) == 0 {
            line.truncate(line.len() / 2);
        }
        let alg = algs[rng.below(algs.len() as u64) as usize];
        let out = process_line(&line, &opts(alg, rng.below(2) == 0));
        let obj = out.as_object().expect("an object per line");
        if obj.get("error").is_none() {
            for key in ["value", "cost"] {
                assert!(
                    obj[key].as_f64().is_some_and(f64::is_finite),
                    "{line} -> {out}"
                );
            }
            let set = obj["set"].as_array().unwrap();
            assert!(set.windows(2).all(|w| w[0].as_u64() < w[1].as_u64()));
        }
    }
}

/// End to end through the binary: `diffknap submod` reads JSON Lines on stdin and answers
/// each line in order; one bad line makes the exit status 1; a bad flag makes it 2.
#[test]
fn binary_end_to_end() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let exe = env!("CARGO_BIN_EXE_diffknap");
    let input = concat!(
        r#"{"id": 1, "function": {"kind": "coverage", "sets": [[0,1],[1,2],[3]], "atom_weights": [1,1,1,5]}, "costs": [2,1,3], "budget": 4}"#,
        "\n",
        r#"{"id": 2, "function": {"kind": "facility_location", "values": [[3,0],[1,5]]}, "costs": [1,-1], "budget": 2}"#,
        "\n",
        r#"{"id": 3, "function": {"kind": "facility_location", "values": [[3,0],[1,5],[2,2]]}, "costs": [1,1,1], "budget": 2}"#,
        "\n",
    );
    let mut child = Command::new(exe)
        .args(["submod", "--algorithm", "sviridenko", "--opt"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], 1);
    let (v, o) = (
        lines[0]["value"].as_i64().unwrap(),
        lines[0]["opt"].as_i64().unwrap(),
    );
    assert!(GIGA * v as i128 >= ONE_MINUS_INV_E_NUM * o as i128 && v <= o);
    assert!(lines[1]["error"].as_str().unwrap().contains("costs[1]"));
    assert_eq!(lines[2]["id"], 3);
    let f = FacilityLocation::new(vec![vec![3i128, 0], vec![1, 5], vec![2, 2]]).unwrap();
    let set: Vec<usize> = lines[2]["set"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect();
    assert_eq!(lines[2]["value"].as_i64().unwrap() as i128, f.value(&set));
    assert!(set.len() <= 2);
    let status = Command::new(exe)
        .args(["submod", "--algorithm", "nope"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

// ---------------------------------------------------------------- parameters and bounds by hand

#[test]
fn ene_nguyen_parameters_by_hand() {
    use diffknap::submod::SubmodError;
    use diffknap::submod::ene_nguyen::MAX_LEVELS;
    let run = |epsilon: f64, large_guesses: usize| {
        // The search recurses once per level: give it room (2000 levels in this test).
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || {
                // One item that never fits, even by a step of 1/P (cost 3 / 2 > 1), and is not
                // small (3 > eps^2): every level has a single child ("no pick").
                let f = Modular::new(vec![rat(1, 1)]).unwrap();
                let k = Knapsack::new(vec![rat(3, 1)], rat(1, 1)).unwrap();
                let opts = EneNguyenOptions {
                    epsilon,
                    large_guesses,
                    max_nodes: 1_000_000,
                };
                ene_nguyen_with(&f, &k, opts, &mut Rng::seed(3))
            })
            .unwrap()
            .join()
            .unwrap()
    };
    for eps in [0.0, 1.0, -0.1, f64::NAN] {
        match run(eps, 1) {
            Err(SubmodError::InvalidParameter { name, .. }) => assert_eq!(name, "epsilon"),
            other => panic!("eps = {eps}: {other:?}"),
        }
    }
    // P = ceil(1 / eps) = 2 steps at eps = 1/2, so t = 999 large picks per step need
    // (t + 1) P = 2000 = MAX_LEVELS levels (accepted) and t = 1000 need 2002 (refused).
    assert_eq!(MAX_LEVELS, 2000);
    let s = run(0.5, 999).unwrap();
    assert_eq!((s.set, s.value), (vec![], rat(0, 1)));
    assert!(matches!(run(0.5, 1000), Err(SubmodError::TooLarge(_))));
    // With t = 1, the single path has (t + 1) P = 4 levels, i.e. 5 nodes with the leaf: a node
    // budget of 5 suffices, 4 does not (refused before the search by the node estimate, which
    // is exact here: no item can ever be picked, so every level has one child).
    let f = Modular::new(vec![rat(1, 1)]).unwrap();
    let k = Knapsack::new(vec![rat(3, 1)], rat(1, 1)).unwrap();
    let nodes = |max_nodes| {
        let opts = EneNguyenOptions {
            epsilon: 0.5,
            large_guesses: 1,
            max_nodes,
        };
        ene_nguyen_with(&f, &k, opts, &mut Rng::seed(3))
    };
    assert!(nodes(5).is_ok());
    match nodes(4) {
        Err(SubmodError::Limit {
            limit,
            estimate,
            budget,
            ..
        }) => assert_eq!((limit.as_str(), estimate, budget), ("max_nodes", 5, 4)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn ene_nguyen_small_value_phase_by_hand() {
    // eps = 1/2, B = 4: P = 2 steps; with t = 0 large picks both levels are small-value
    // phases, and an item is small when c_e <= eps^2 B = 1. Modular values (1, 1, 0), costs
    // (1, 2, 1): items 0 and 2 are small, item 1 is not and can never be selected.
    let f = Modular::new(vec![rat(1, 1), rat(1, 1), rat(0, 1)]).unwrap();
    let k = Knapsack::new(vec![rat(1, 1), rat(2, 1), rat(1, 1)], rat(4, 1)).unwrap();
    let opts = EneNguyenOptions {
        epsilon: 0.5,
        large_guesses: 0,
        max_nodes: 1000,
    };
    let s = ene_nguyen_with(&f, &k, opts, &mut Rng::seed(9)).unwrap();
    assert_eq!((s.set.clone(), s.value.clone()), (vec![0], rat(1, 1)));
    // Extension evaluations, level by level (each greedy round evaluates F(y) once and
    // F(y + e) for every small item with x_e = y_e = 0 that fits; item 2's gain is 0, so it
    // is never taken and ends each run):
    // level 0 at x = 0: round 1: F(y), F(+0), F(+2) -> take 0; round 2: F(y), F(+2) -> stop.
    //   5 evaluations, prefixes x = 0 and x = e_0.
    // level 1 at x = 0: the same 5, prefixes 0 and e_0 (the leaves).
    // level 1 at x = e_0: F(y), F(+2) -> stop. 2 evaluations; its only prefix e_0 is a leaf
    //   already seen at that depth.
    // Total 12; leaves {} (value 0) and {0} (value 1).
    assert_eq!(s.extension_queries, 12);
}

#[test]
fn enumeration_bounds_and_parameters_by_hand() {
    use diffknap::submod::SubmodError;
    use diffknap::submod::enumeration::{
        enumeration_query_bound, seed_count, threshold_query_bound,
    };
    // N_s = sum_{j <= s} C(n, j): N_2(5) = 1 + 5 + 10, N_3(4) = 1 + 4 + 6 + 4, N_5(3) = 2^3,
    // N_3(0) = 1, N_1(10) = 11, N_3(100) = 1 + 100 + 4950 + 161700.
    assert_eq!(seed_count(5, 2), 16);
    assert_eq!(seed_count(4, 3), 15);
    assert_eq!(seed_count(3, 5), 8);
    assert_eq!(seed_count(0, 3), 1);
    assert_eq!(seed_count(10, 1), 11);
    assert_eq!(seed_count(100, 3), 166_751);
    // N_s (1 + n (n + 1) / 2): n = 4, s = 1: 5 * 11.
    assert_eq!(enumeration_query_bound(4, 1), 55);
    assert_eq!(greedy_query_bound(4), 10);
    assert_eq!(greedy_query_bound(7), 28);
    // T = 2 + floor(ln(2 ratio / eps) / -ln(1 - eps / 2)): n = 4, eps = 1/2, ratio = 4:
    // ln 16 / ln(4/3) = 9.64, T = 11, bound N_3 (1 + n + n T) = 15 * 49. Ratio 0: T = 0.
    assert_eq!(threshold_query_bound(4, 0.5, 4.0), 735);
    assert_eq!(threshold_query_bound(4, 0.5, 0.0), 75);
    // Parameters out of range are typed errors naming the parameter.
    let f = Modular::new(vec![1i128, 2]).unwrap();
    let k = Knapsack::new(vec![1i128, 1], 1).unwrap();
    for s in [0, 4] {
        match enumeration(&f, &k, s) {
            Err(SubmodError::InvalidParameter { name, .. }) => assert_eq!(name, "seed size"),
            other => panic!("s = {s}: {other:?}"),
        }
    }
    // Work N_s n above MAX_SEED_WORK = 10^8 is refused before any query: n = 10^4, s = 1
    // gives 10001 * 10^4.
    let big = Modular::new(vec![1i128; 10_000]).unwrap();
    let kb = Knapsack::new(vec![1i128; 10_000], 5).unwrap();
    assert!(matches!(
        enumeration(&big, &kb, 1),
        Err(SubmodError::TooLarge(_))
    ));
    // The threshold bound uses B / c_min: 100 items of cost 10^6 with B = 10^6 give ratio 1,
    // T = 2 + floor(ln 4 / ln(4/3)) = 6 and a bound of N_3(100) (1 + 100 + 600)
    // = 166751 * 701 < 10^9: accepted (a ratio of B c_min = 10^12 would exceed the limit).
    let many = Modular::new(vec![1i128; 100]).unwrap();
    let km = Knapsack::new(vec![1_000_000i128; 100], 1_000_000).unwrap();
    assert_eq!(threshold_enumeration(&many, &km, 0.5).unwrap().value, 1);
    for eps in [0.0, 1.0, f64::NAN] {
        match threshold_enumeration(&f, &k, eps) {
            Err(SubmodError::InvalidParameter { name, .. }) => assert_eq!(name, "epsilon"),
            other => panic!("eps = {eps}: {other:?}"),
        }
    }
}

#[test]
fn enumeration_completions_by_hand() {
    // Six unit items of value 1 and budget 5: OPT = 5 needs more items than any seed (<= 3),
    // so the completion must add them.
    let f = Modular::new(vec![1i128; 6]).unwrap();
    let k = Knapsack::new(vec![1i128; 6], 5).unwrap();
    for s in 1..=3 {
        assert_eq!(enumeration(&f, &k, s).unwrap().value, 5);
    }
    assert_eq!(threshold_enumeration(&f, &k, 0.5).unwrap().value, 5);
    // An item that can never fit (cost 100 > B = 10) but has a huge value must not enter the
    // threshold completion's starting density d0 or its floor (eps/2) m / R: with it, the
    // floor (0.25 * 10000 / 10 = 250) would exceed every density and stop the completion.
    // The four unit items (value 1, cost 1) are the optimum, value 4.
    let f = Modular::new(vec![10_000i128, 1, 1, 1, 1]).unwrap();
    let k = Knapsack::new(vec![100i128, 1, 1, 1, 1], 10).unwrap();
    let s = threshold_enumeration(&f, &k, 0.5).unwrap();
    assert_eq!((s.set.len(), s.value), (4, 4));
    assert_eq!(enumeration(&f, &k, 1).unwrap().value, 4);
}

/// Threshold enumeration written out from the documentation of
/// `submod::enumeration::threshold_enumeration` and its completion: seeds by size then
/// lexicographically, each completed by decreasing thresholds `tau = d0, d0 (1 - eps/2), ...`
/// while `tau >= (eps/2) m / R` (at most 100,000 passes), adding in index order every fitting
/// item with a positive gain and `gain / cost >= tau`; the first best value wins.
fn reference_threshold_enumeration<F: SetFunction<Value = i128>>(
    f: &F,
    costs: &[i128],
    budget: i128,
    eps: f64,
) -> (i128, Vec<usize>) {
    let n = f.ground_size();
    let mut seeds: Vec<Vec<usize>> = vec![vec![]];
    for a in 0..n {
        seeds.push(vec![a]);
    }
    for a in 0..n {
        for b in a + 1..n {
            seeds.push(vec![a, b]);
        }
    }
    for a in 0..n {
        for b in a + 1..n {
            for c in b + 1..n {
                seeds.push(vec![a, b, c]);
            }
        }
    }
    let mut best: Option<(i128, Vec<usize>)> = None;
    for seed in seeds {
        let mut spent: i128 = seed.iter().map(|&e| costs[e]).sum();
        if spent > budget {
            continue;
        }
        let mut set = seed.clone();
        let gain = |set: &Vec<usize>, e: usize| {
            let mut with = set.clone();
            with.push(e);
            f.value(&with) - f.value(set)
        };
        let residual = (budget - spent) as f64;
        if residual > 0.0 {
            let (mut d0, mut m) = (0.0f64, 0.0f64);
            for e in 0..n {
                if set.contains(&e) || spent + costs[e] > budget {
                    continue;
                }
                let g = gain(&set, e) as f64;
                m = m.max(g);
                d0 = d0.max(g / costs[e] as f64);
            }
            if d0 > 0.0 {
                let floor = 0.5 * eps * m / residual;
                let mut tau = d0;
                let mut passes = 0;
                while tau >= floor && passes < 100_000 {
                    for e in 0..n {
                        if set.contains(&e) || spent + costs[e] > budget {
                            continue;
                        }
                        let g = gain(&set, e);
                        if g > 0 && g as f64 / costs[e] as f64 >= tau {
                            set.push(e);
                            spent += costs[e];
                        }
                    }
                    tau *= 1.0 - 0.5 * eps;
                    passes += 1;
                }
            }
        }
        let v = f.value(&set);
        if best.as_ref().is_none_or(|(b, _)| v > *b) {
            best = Some((v, set));
        }
    }
    let (v, mut set) = best.unwrap();
    set.sort();
    (v, set)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// `threshold_enumeration` selects exactly the set of the written-out reference.
    #[test]
    fn threshold_enumeration_matches_reference(d in coverage_data(7), e in facility_data(7), eps in prop::sample::select(vec![0.1, 0.3, 0.5, 0.9])) {
        let (f, k) = d.build::<i128>();
        let mut got = threshold_enumeration(&f, &k, eps).unwrap();
        got.set.sort();
        prop_assert_eq!((got.value, got.set), reference_threshold_enumeration(&f, k.costs(), *k.budget(), eps));
        let (g, k) = e.build::<i128>();
        let mut got = threshold_enumeration(&g, &k, eps).unwrap();
        got.set.sort();
        prop_assert_eq!((got.value, got.set), reference_threshold_enumeration(&g, k.costs(), *k.budget(), eps));
    }
}

#[test]
fn extension_points_and_support_by_hand() {
    use diffknap::submod::Counted;
    use diffknap::submod::multilinear::{MAX_DP_SUPPORT, Multilinear, check_point};
    // Points: length n and entries in [0, 1]; in f64 also no NaN of either sign (a negative
    // NaN is neither negative nor above 1 under the total order).
    assert!(check_point(3, &[rat(0, 1), rat(1, 2), rat(1, 1)]).is_ok());
    assert!(check_point(3, &[rat(-1, 2), rat(0, 1), rat(0, 1)]).is_err());
    assert!(check_point(3, &[rat(3, 2), rat(0, 1), rat(0, 1)]).is_err());
    assert!(check_point(2, &[rat(0, 1), rat(0, 1), rat(0, 1)]).is_err());
    assert!(check_point(2, &[0.0f64, 1.0]).is_ok());
    for bad in [
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1.5,
        -0.5,
    ] {
        assert!(check_point(2, &[0.5f64, bad]).is_err(), "{bad} accepted");
    }
    // The concave-over-modular closed form accepts a feature total of exactly
    // MAX_DP_SUPPORT = 10^7 and refuses one more; a counting wrapper reports the same.
    assert_eq!(MAX_DP_SUPPORT, 1.0e7);
    let at =
        ConcaveOverModular::new(vec![vec![5_000_000], vec![5_000_000]], Concave::Sqrt).unwrap();
    assert!(at.extension_supported().is_ok());
    assert!(Counted::new(&at).extension_supported().is_ok());
    let over =
        ConcaveOverModular::new(vec![vec![5_000_000], vec![5_000_001]], Concave::Sqrt).unwrap();
    assert!(over.extension_supported().is_err());
    assert!(Counted::new(&over).extension_supported().is_err());
}

#[test]
fn extension_fallbacks_by_hand() {
    use diffknap::submod::SubmodError;
    // Budget-additive closed form: supported with integer weights and cap <= 10^7, or n <= 20.
    let ba = |w: Vec<f64>, cap: f64| BudgetAdditive::new(w, cap).unwrap().extension_supported();
    assert!(ba(vec![1.0; 21], 5.0).is_ok());
    assert!(ba(vec![1.0; 21], 1.0e7).is_ok());
    assert!(ba(vec![1.0; 21], 1.0e7 + 1.0).is_err());
    assert!(ba(vec![1.0e7; 21], 5.0).is_ok());
    assert!(ba(vec![1.0e7 + 1.0; 21], 5.0).is_err());
    assert!(ba(vec![0.5; 21], 5.0).is_err());
    assert!(ba(vec![0.5; 20], 1.0e9).is_ok());
    // Enumeration: F(x) for modular weights (2, 3) at x = (1, 1/4) is 2 + 3/4.
    let m = Modular::new(vec![rat(2, 1), rat(3, 1)]).unwrap();
    assert_eq!(
        multilinear_by_enumeration(&m, &[rat(1, 1), rat(1, 4)]).unwrap(),
        rat(11, 4)
    );
    // At most MAX_FRACTIONAL = 20 fractional coordinates; zeros and ones do not count.
    let w = Modular::new(vec![1.0f64; 22]).unwrap();
    let mut x = vec![0.5f64; 20];
    x.extend([0.0, 1.0]);
    assert_eq!(multilinear_by_enumeration(&w, &x).unwrap(), 11.0);
    x[20] = 0.5;
    assert!(matches!(
        multilinear_by_enumeration(&w, &x),
        Err(SubmodError::TooLarge(_))
    ));
    // The enumeration wrapper: supported for n <= 20, and a faithful set function (greedy on
    // it selects what greedy on the wrapped function selects).
    assert!(
        ByEnumeration(Modular::new(vec![1.0f64; 20]).unwrap())
            .extension_supported()
            .is_ok()
    );
    assert!(
        ByEnumeration(Modular::new(vec![1.0f64; 21]).unwrap())
            .extension_supported()
            .is_err()
    );
    let f = Modular::new(vec![5i128, 1, 3, 2]).unwrap();
    let k = Knapsack::new(vec![2i128, 1, 2, 1], 4).unwrap();
    let plain = greedy_max(&f, &k).unwrap();
    let wrapped = greedy_max(&ByEnumeration(f.clone()), &k).unwrap();
    assert_eq!((wrapped.set, wrapped.value), (plain.set, plain.value));
}

#[test]
fn sampled_extension_by_hand() {
    use diffknap::submod::SubmodError;
    // Modular (1, 2, 4) at x = (1/2, 0, 1): F = 1/2 + 4 = 4.5; support {0, 2}, so M = 5 and
    // half_width = 5 sqrt(ln(2 / delta) / (2 samples)).
    let f = Modular::new(vec![1.0f64, 2.0, 4.0]).unwrap();
    let x = [0.5, 0.0, 1.0];
    let mut rng = Rng::seed(17);
    let est = multilinear_sampled(&f, &x, 2000, 0.5, &mut rng).unwrap();
    let hw = 5.0 * (4f64.ln() / 4000.0).sqrt();
    assert!((est.half_width - hw).abs() <= 1e-12, "{est:?} vs {hw}");
    assert_eq!(est.samples, 2000);
    // Every draw is 4 or 5 (item 2 always in, item 1 never): the mean lies in [4, 5] and,
    // with probability >= 1 - 2 exp(-2 * 2000 * 0.1^2) > 1 - 1e-17 (Hoeffding on the
    // Bernoulli(1/2) item 0), within 0.1 of 4.5 for this fixed seed.
    assert!((est.mean - 4.5).abs() <= 0.1, "{est:?}");
    for (samples, delta, name) in [
        (0, 0.5, "samples"),
        (10, 0.0, "delta"),
        (10, 1.0, "delta"),
        (10, f64::NAN, "delta"),
    ] {
        match multilinear_sampled(&f, &x, samples, delta, &mut rng) {
            Err(SubmodError::InvalidParameter { name: got, .. }) => assert_eq!(got, name),
            other => panic!("{samples}, {delta}: {other:?}"),
        }
    }
}

#[test]
fn ene_nguyen_large_value_phase_by_hand() {
    // One item (value 1, cost 1, budget 1), eps = 1/2: P = 2 steps of 1/2, t = 1 large pick
    // per step, levels 0 and 2 large, 1 and 3 small (no item is small: 1 > eps^2), 4 = leaves.
    // Extension evaluations in search order (a large level evaluates F(x) and F(x or e) for
    // the item if a step of it fits; a small level evaluates F(y) once and finds no item):
    //   L0 x=0: 2 -> L1 x=1/2: 1 -> L2 x=1/2: 2 -> L3 x=1: 1 (leaf {0}, value 1)
    //                                            -> L3 x=1/2: 1 (leaf {0} or {}, 1/2 each)
    //          -> L1 x=0: 1 -> L2 x=0: 2 -> L3 x=1/2 already seen at that depth
    //                                    -> L3 x=0: 1 (leaf {})
    // Total 11; the best leaf is {0}.
    let f = Modular::new(vec![rat(1, 1)]).unwrap();
    let k = Knapsack::new(vec![rat(1, 1)], rat(1, 1)).unwrap();
    let opts = EneNguyenOptions {
        epsilon: 0.5,
        large_guesses: 1,
        max_nodes: 1000,
    };
    let s = ene_nguyen_with(&f, &k, opts, &mut Rng::seed(5)).unwrap();
    assert_eq!((s.set.clone(), s.value.clone()), (vec![0], rat(1, 1)));
    assert_eq!(s.extension_queries, 11);
}

// ---------------------------------------------------------------- Ene-Nguyen rounding (issue 16)

/// A random source that follows a scripted path of choices and records the probability of
/// the path; [`law`] uses it to enumerate every outcome of a randomised computation with its
/// exact probability (depth-first over the tree of choices).
struct Script {
    path: Vec<bool>,
    at: usize,
    prob: BigRational,
}

impl Coin<BigRational> for Script {
    fn flip(&mut self, p: &BigRational) -> bool {
        assert!(*p >= rat(0, 1) && *p <= rat(1, 1), "probability {p}");
        if self.at == self.path.len() {
            self.path.push(true);
        }
        let b = self.path[self.at];
        self.at += 1;
        self.prob = &self.prob * if b { p.clone() } else { rat(1, 1) - p };
        b
    }
}

/// Every outcome of `run` (a function of its random choices only) with its probability;
/// outcomes of probability zero are left out. The probabilities sum to 1 (asserted).
fn law<T>(mut run: impl FnMut(&mut Script) -> T) -> Vec<(BigRational, T)> {
    let mut out = Vec::new();
    let mut path: Vec<bool> = Vec::new();
    loop {
        let mut s = Script {
            path,
            at: 0,
            prob: rat(1, 1),
        };
        let t = run(&mut s);
        assert_eq!(s.at, s.path.len(), "a scripted choice was not used");
        if s.prob > rat(0, 1) {
            out.push((s.prob.clone(), t));
        }
        path = s.path;
        while path.last() == Some(&false) {
            path.pop();
        }
        match path.last_mut() {
            None => break,
            Some(b) => *b = false,
        }
    }
    let total: BigRational = out.iter().map(|(p, _)| p.clone()).sum();
    assert_eq!(total, rat(1, 1));
    out
}

/// `E[max_l X_l]` for independent discrete `X_l` given by their laws:
/// `sum_v v (P(max <= v) - P(max < v))`, `P(max <= v) = prod_l P(X_l <= v)`.
fn expected_max(laws: &[Vec<(BigRational, BigRational)>]) -> BigRational {
    let mut values: Vec<BigRational> = laws
        .iter()
        .flat_map(|l| l.iter().map(|(_, v)| v.clone()))
        .collect();
    values.sort();
    values.dedup();
    let mut e = rat(0, 1);
    let mut below = rat(0, 1);
    for v in values {
        let cdf: BigRational = laws
            .iter()
            .map(|l| {
                l.iter()
                    .filter(|(_, x)| *x <= v)
                    .map(|(p, _)| p.clone())
                    .sum::<BigRational>()
            })
            .product();
        e += &v * (&cdf - &below);
        below = cdf;
    }
    e
}

/// The exact expected value of `ene_nguyen_with`'s answer: the leaves are rounded
/// independently and the best rounded leaf is returned, so it is `E[max over leaves]`.
fn ene_nguyen_expectation<F: Multilinear<Value = BigRational>>(
    f: &F,
    k: &Knapsack<BigRational>,
    o: EneNguyenOptions,
) -> BigRational {
    let mut leaves = ene_nguyen_leaves(f, k, o).unwrap();
    leaves.sort();
    leaves.dedup();
    let mut laws: Vec<Vec<(BigRational, BigRational)>> = leaves
        .iter()
        .map(|x| {
            law(|s| {
                let set = round_leaf(x, k, s);
                assert!(k.is_feasible(&set));
                f.value(&set)
            })
        })
        .collect();
    // A leaf whose law is a point mass below another leaf's minimum cannot change the max.
    let floor = laws
        .iter()
        .map(|l| l.iter().map(|(_, v)| v.clone()).min().unwrap())
        .max()
        .unwrap_or(rat(0, 1));
    laws.retain(|l| l.iter().any(|(_, v)| *v > floor));
    if laws.is_empty() {
        return floor;
    }
    laws.push(vec![(rat(1, 1), floor)]);
    expected_max(&laws)
}

/// The mass-preserving rounding on random points: exact law by enumeration of its random
/// choices; mean kept, `E[F]` not decreased, outcomes integral, and the prefix property
/// (sorted by cost, decreasing, ties by index, each prefix mass is the floor or the ceiling
/// of that of `x`), hence the Abel-sum cost bound. Written without the library's code.
fn check_mass_rounding(
    x: &[BigRational],
    costs: &[BigRational],
    f: &WeightedCoverage<BigRational>,
) {
    let n = x.len();
    let outcomes = law(|s| {
        let mut y = x.to_vec();
        mass_round(&mut y, costs, s);
        y
    });
    for i in 0..n {
        let mean: BigRational = outcomes.iter().map(|(p, y)| p * &y[i]).sum();
        assert_eq!(mean, x[i], "coordinate {i}");
    }
    let ef: BigRational = outcomes.iter().map(|(p, y)| p * f.multilinear(y)).sum();
    assert!(ef >= f.multilinear(x), "E[F] decreased");
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| costs[j].cmp(&costs[i]).then(i.cmp(&j)));
    let floor = |v: &BigRational| v.floor();
    let ceil = |v: &BigRational| v.ceil();
    // The Abel-sum bound: sum_k (c_k - c_{k+1}) ceil(X_k).
    let mut bound = rat(0, 1);
    let mut mass = rat(0, 1);
    for (k, &i) in order.iter().enumerate() {
        mass += &x[i];
        let next = order.get(k + 1).map_or(rat(0, 1), |&j| costs[j].clone());
        bound += (&costs[i] - next) * ceil(&mass);
    }
    for (_, y) in &outcomes {
        assert!(
            y.iter().all(|v| *v == rat(0, 1) || *v == rat(1, 1)),
            "{y:?}"
        );
        let (mut xm, mut ym) = (rat(0, 1), rat(0, 1));
        for &i in &order {
            xm += &x[i];
            ym += &y[i];
            assert!(ym == floor(&xm) || ym == ceil(&xm), "prefix {ym} vs {xm}");
        }
        assert!(dot(costs, y) <= bound, "cost {} > {bound}", dot(costs, y));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn mass_rounding_law(d in coverage_data(6), seed in any::<u64>()) {
        let mut rng = Rng::seed(seed);
        let (f, _) = d.build::<BigRational>();
        let n = f.ground_size();
        let x = random_point(n, &mut rng);
        // Ties in cost are frequent (denominators 1 or 2, numerators 1..4).
        let costs: Vec<BigRational> =
            (0..n).map(|_| rat(rng.below(4) as i64 + 1, rng.below(2) as i64 + 1)).collect();
        check_mass_rounding(&x, &costs, &f);
        // One move by hand: mass of the pair kept, one endpoint integral, mean zero.
        if let Some((a, b)) = pick_pair(&x, &costs) {
            let s = mass_step(&x, a, b);
            for y in [&s.up, &s.down] {
                prop_assert_eq!(&y[a] + &y[b], &x[a] + &x[b]);
                prop_assert!(!strictly_between_0_1(&y[a]) || !strictly_between_0_1(&y[b]));
            }
            let mean = &s.p_up * &s.up[a] + (rat(1, 1) - &s.p_up) * &s.down[a];
            prop_assert_eq!(mean, x[a].clone());
        }
    }

    /// The claim "cost <= c(OPT_1)": points built as Ene-Nguyen builds its large part. Part
    /// `i` of `t` has a reference item `o_i`; in each of the `P` steps, pick `i` adds `1/P` to
    /// an item no costlier than `o_i` (the cheapest item meeting the guessed marginal is never
    /// costlier than `o_i`, which meets it), or to nothing. Every rounding outcome costs at
    /// most `sum_i c(o_i)`.
    #[test]
    fn mass_rounding_cost_at_most_opt1(
        costs in prop::collection::vec(1i64..=6, 2..=6),
        t in 1usize..=3,
        p in 1usize..=4,
        seed in any::<u64>(),
    ) {
        let mut rng = Rng::seed(seed);
        let n = costs.len();
        let costs_r: Vec<BigRational> = costs.iter().map(|&c| rat(c, 1)).collect();
        let mut x = vec![rat(0, 1); n];
        let mut opt1 = rat(0, 1);
        for _ in 0..t {
            let o = rng.below(n as u64) as usize;
            opt1 += &costs_r[o];
            for _ in 0..p {
                let cheaper: Vec<usize> = (0..n).filter(|&e| costs[e] <= costs[o]).collect();
                if rng.below(4) == 0 {
                    continue; // no item (a guess above every marginal)
                }
                let e = cheaper[rng.below(cheaper.len() as u64) as usize];
                x[e] = (&x[e] + rat(1, p as i64)).min(rat(1, 1));
            }
        }
        prop_assert!(dot(&costs_r, &x) <= opt1);
        let outcomes = law(|s| {
            let mut y = x.clone();
            mass_round(&mut y, &costs_r, s);
            y
        });
        for (_, y) in &outcomes {
            prop_assert!(dot(&costs_r, y) <= opt1, "cost {} > c(OPT_1) = {opt1}", dot(&costs_r, y));
        }
    }
}

/// The reproducers of issue 16 (ratio 1/4 and 1/3 before the fix). Weights, costs, budget.
type Reproducer = (Vec<i64>, Vec<i64>, i64, Vec<f64>);

fn ene_nguyen_reproducers() -> Vec<Reproducer> {
    vec![
        (vec![4, 1], vec![100, 45], 100, vec![0.3, 0.25, 0.2]),
        (vec![0, 3, 9], vec![9, 6, 8], 8, vec![0.25]),
    ]
}

/// `(1 - 1/e - eps) OPT` with `1 - 1/e` rounded down and `eps` as the decimal it was written.
fn ene_nguyen_bound(eps: f64, opt: &BigRational) -> BigRational {
    let eps_r = rat((eps * 100.0).round() as i64, 100);
    (rat(ONE_MINUS_INV_E_NUM as i64, GIGA as i64) - eps_r) * opt
}

#[test]
fn ene_nguyen_reproducers_meet_the_bound_in_exact_expectation() {
    for (w, c, b, epss) in ene_nguyen_reproducers() {
        let f = Modular::new(w.iter().map(|&x| rat(x, 1)).collect()).unwrap();
        let k = Knapsack::new(c.iter().map(|&x| rat(x, 1)).collect(), rat(b, 1)).unwrap();
        let opt = brute_force(&f, &k).unwrap().value;
        for eps in epss {
            let o = EneNguyenOptions::new(eps).unwrap();
            let e = ene_nguyen_expectation(&f, &k, o);
            assert!(
                e >= ene_nguyen_bound(eps, &opt),
                "{w:?} eps {eps}: E = {e}, OPT = {opt}"
            );
            // Every seed (a run is the max over leaves, so it is never below the best leaf's
            // worst outcome; here some leaf is integral and optimal).
            for seed in 0..8 {
                let s = ene_nguyen_with(&f, &k, o, &mut Rng::seed(seed)).unwrap();
                assert!(k.is_feasible(&s.set));
                assert!(
                    s.value >= ene_nguyen_bound(eps, &opt),
                    "{w:?} eps {eps} seed {seed}"
                );
            }
        }
    }
    // The leaf of the report, x = (3/4, 1/4): the rounding gives {0} with probability 3/4.
    let costs = vec![rat(100, 1), rat(45, 1)];
    let k = Knapsack::new(costs, rat(100, 1)).unwrap();
    let outcomes = law(|s| round_leaf(&[rat(3, 4), rat(1, 4)], &k, s));
    assert_eq!(outcomes, vec![(rat(3, 4), vec![0]), (rat(1, 4), vec![1])],);
}

#[test]
fn ene_nguyen_reproducers_through_the_command() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let exe = env!("CARGO_BIN_EXE_diffknap");
    for (w, c, b, epss) in ene_nguyen_reproducers() {
        for eps in epss {
            let line = serde_json::json!({"id": 7, "function": {"kind": "modular", "weights": w},
                "costs": c, "budget": b});
            for seed in ["0", "1", "2"] {
                let mut child = Command::new(exe)
                    .args([
                        "submod",
                        "--algorithm",
                        "ene_nguyen",
                        "--opt",
                        "--seed",
                        seed,
                    ])
                    .args(["--epsilon", &eps.to_string()])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .spawn()
                    .unwrap();
                writeln!(child.stdin.take().unwrap(), "{line}").unwrap();
                let out = child.wait_with_output().unwrap();
                assert_eq!(out.status.code(), Some(0));
                let a: serde_json::Value =
                    serde_json::from_str(String::from_utf8(out.stdout).unwrap().trim()).unwrap();
                let (v, o) = (a["value"].as_i64().unwrap(), a["opt"].as_i64().unwrap());
                let bound = ene_nguyen_bound(eps, &rat(o, 1));
                assert!(rat(v, 1) >= bound, "{w:?} eps {eps} seed {seed}: {a}");
            }
        }
    }
}

/// The guarantee at every accepted step size the faithful search can run, in exact
/// expectation over the rounding, against brute-force OPT. Small instances (the faithful
/// `t = ceil(1/eps^3)` makes the search deep), with costly items that the old rounding
/// dropped and tie-heavy costs.
#[test]
fn ene_nguyen_guarantee_in_exact_expectation() {
    let mut rng = Rng::seed(16);
    let mut checked = 0;
    for round in 0..40 {
        let n = 2 + (round % 2);
        let m = 1 + rng.below(4) as usize;
        let sets: Vec<Vec<usize>> = (0..n)
            .map(|_| (0..m).filter(|_| rng.below(2) == 1).collect())
            .collect();
        let weights: Vec<BigRational> = (0..m).map(|_| rat(rng.below(10) as i64, 1)).collect();
        let costs: Vec<BigRational> = (0..n).map(|_| rat(rng.below(10) as i64 + 1, 1)).collect();
        let budget = rat(rng.below(12) as i64 + 1, 1);
        let f = WeightedCoverage::new(sets, weights).unwrap();
        let k = Knapsack::new(costs, budget).unwrap();
        let opt = brute_force(&f, &k).unwrap().value;
        // eps = 0.2 (t = 125, P = 5: 630 levels) on the two-item draws only (search size).
        let epss: &[f64] = if n == 2 {
            &[0.5, 0.34, 0.3, 0.25, 0.2]
        } else {
            &[0.5, 0.34, 0.3, 0.25]
        };
        for &eps in epss {
            let o = EneNguyenOptions::new(eps).unwrap();
            let e = ene_nguyen_expectation(&f, &k, o);
            assert!(e <= opt);
            assert!(
                e >= ene_nguyen_bound(eps, &opt),
                "round {round} eps {eps}: E = {e}, OPT = {opt}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 180);
}

/// `ene_nguyen_with` is the best of `round_leaf` over `ene_nguyen_leaves`: checked with two
/// deterministic coins (so the exact expectation above is the expectation of its answer).
#[test]
fn ene_nguyen_answer_is_best_rounded_leaf() {
    struct Fixed(bool);
    impl Coin<BigRational> for Fixed {
        fn flip(&mut self, p: &BigRational) -> bool {
            if self.0 {
                *p >= rat(1, 2)
            } else {
                *p > rat(1, 2)
            }
        }
    }
    let f = WeightedCoverage::new(
        vec![vec![0, 1], vec![1], vec![2], vec![0, 2]],
        vec![rat(3, 1), rat(2, 1), rat(4, 1)],
    )
    .unwrap();
    let k = Knapsack::new(vec![rat(5, 1), rat(2, 1), rat(3, 1), rat(4, 1)], rat(7, 1)).unwrap();
    let o = EneNguyenOptions::new(0.5).unwrap();
    let leaves = ene_nguyen_leaves(&f, &k, o).unwrap();
    assert!(leaves.iter().any(|x| x.iter().any(strictly_between_0_1)));
    for half in [true, false] {
        let s = ene_nguyen_with(&f, &k, o, &mut Fixed(half)).unwrap();
        let best = leaves
            .iter()
            .map(|x| f.value(&round_leaf(x, &k, &mut Fixed(half))))
            .max()
            .unwrap();
        assert_eq!(s.value, best);
    }
}

// ---------------------------------------------------------------- work estimates, limits, progress (issues 10, 16)

fn request_opts(alg: Algorithm, eps: Option<f64>) -> Options {
    let mut o = Options::new(alg);
    if let Some(e) = eps {
        o.epsilon = e;
    }
    o
}

/// The error of a request, which must be refused by a limit (a typed error, before any work:
/// the limits are checked on estimates, so a refused request makes no query).
fn refused_by(line: &serde_json::Value, o: &Options) -> (String, u128, u128) {
    let rec = Recorder::default();
    match answer(line, o, &rec) {
        Err(diffknap::Error::Limit {
            what: limit,
            needed: value,
            limit: budget,
            how: how_to_raise,
        }) => {
            assert!(value > budget, "{limit}");
            assert!(how_to_raise.contains("--max-"), "{how_to_raise}");
            // Refused before the work: no progress phase was even started.
            assert!(rec.starts.lock().unwrap().is_empty());
            (limit, value, budget)
        }
        other => panic!("{}: expected a limit, got {other:?}", o.algorithm.name()),
    }
}

#[test]
fn hostile_requests_are_refused_by_estimates() {
    // Ene-Nguyen at n = 40, 150, 2000 (previously refused after 200,000 search nodes).
    for n in [40usize, 150, 2000] {
        let line = serde_json::json!({"function": {"kind": "modular",
            "weights": (0..n).map(|i| i % 7 + 1).collect::<Vec<_>>()},
            "costs": (0..n).map(|i| i % 5 + 1).collect::<Vec<_>>(), "budget": 20});
        let (limit, _, _) = refused_by(&line, &request_opts(Algorithm::EneNguyen, None));
        assert!(
            limit.starts_with("max_nodes") || limit.starts_with("max_work"),
            "{limit}"
        );
    }
    // A short concave-over-modular line under continuous greedy: each extension evaluation
    // is a Poisson-binomial DP over sums up to 10^7.
    let line: serde_json::Value = serde_json::from_str(
        r#"{"function":{"kind":"concave_over_modular","concave":"sqrt","weights":[[999999],[999999],[999999],[999999],[999999],[999999],[999999],[999999],[999999],[999999]]},"costs":[1,1,1,1,1,1,1,1,1,1],"budget":5}"#,
    )
    .unwrap();
    assert!(line.to_string().len() <= 255);
    let (limit, _, _) = refused_by(&line, &request_opts(Algorithm::ContinuousGreedy, None));
    assert!(limit.starts_with("max_work"), "{limit}");
    // eps = 1e-19: the step count saturates instead of wrapping to zero, and is refused.
    let small = serde_json::json!({"function": {"kind": "modular", "weights": [3, 2, 1, 4]},
        "costs": [1, 1, 1, 1], "budget": 2});
    refused_by(
        &small,
        &request_opts(Algorithm::ContinuousGreedy, Some(1e-19)),
    );
    let big = ContinuousGreedyOptions::new(1e-19).unwrap();
    assert!(big.max_steps(4) >= 1 << 40);
    // Enumeration with one-item seeds at n = 5000 (previously 265 s in silence).
    let n = 5000;
    let line = serde_json::json!({"function": {"kind": "coverage",
        "sets": (0..n).map(|i| vec![i, i + 1, i + 2]).collect::<Vec<_>>(),
        "atom_weights": vec![1; n + 2]}, "costs": vec![1; n], "budget": 10});
    refused_by(&line, &request_opts(Algorithm::Enumeration1, None));
    // Raising the limit admits the request (n = 60 with a tiny limit, then the default).
    let n = 60;
    let line = serde_json::json!({"function": {"kind": "modular", "weights": vec![2; n]},
        "costs": vec![1; n], "budget": 3});
    let mut o = request_opts(Algorithm::Enumeration1, None);
    o.max_work = 1000;
    let (_, value, budget) = refused_by(&line, &o);
    assert_eq!(budget, 1000);
    o.max_work = value as u64;
    let a = answer(&line, &o, &NoProgress).unwrap();
    assert_eq!(a["value"], 6);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every algorithm's estimate bounds its actual queries and extension evaluations, and
    /// the progress it reports (work done) never exceeds the estimated total.
    #[test]
    fn estimates_bound_the_actual_work(d in coverage_data(6), e in facility_data(5)) {
        let (fc, kc) = d.build::<f64>();
        let (ff, kf) = e.build::<f64>();
        for alg in Algorithm::ALL {
            for eps in [0.5, 0.3] {
                let o = request_opts(alg, Some(eps));
                let check_one = |est: diffknap::submod::work::Estimate, sol: diffknap::submod::Solution<f64>| {
                    prop_assert!(sol.queries <= est.queries, "{}: {} > {}", alg.name(), sol.queries, est.queries);
                    prop_assert!(sol.extension_queries <= est.extension_evaluations,
                        "{}: {} > {}", alg.name(), sol.extension_queries, est.extension_evaluations);
                    Ok(())
                };
                // (The faithful Ene-Nguyen search may be refused by its node estimate.)
                let est = estimate(&fc, &kc, &o);
                if let Some(sol) = run_library(alg, &fc, &kc, eps) {
                    check_one(est.unwrap(), sol)?;
                }
                let est = estimate(&ff, &kf, &o);
                if let Some(sol) = run_library(alg, &ff, &kf, eps) {
                    check_one(est.unwrap(), sol)?;
                }
            }
        }
        // Progress through the request: one phase, totals = the estimate, done <= total.
        let line = serde_json::json!({"function": {"kind": "coverage", "sets": d.sets,
            "atom_weights": d.weights}, "costs": d.costs, "budget": d.budget});
        for alg in Algorithm::ALL {
            let rec = Recorder::default();
            let o = request_opts(alg, None);
            answer(&line, &o, &rec).unwrap();
            let starts = rec.starts.lock().unwrap().clone();
            prop_assert_eq!(starts.len(), 1);
            prop_assert_eq!(starts[0].1.as_str(), alg.name());
            prop_assert!(rec.sets.lock().unwrap().iter().all(|&s| s <= starts[0].0));
            prop_assert_eq!(*rec.finishes.lock().unwrap(), 1);
        }
    }
}

/// Run an algorithm through its library function (not through the request layer); `None`
/// if a limit refused it.
fn run_library<F: Multilinear<Value = f64>>(
    alg: Algorithm,
    f: &F,
    k: &Knapsack<f64>,
    eps: f64,
) -> Option<diffknap::submod::Solution<f64>> {
    let mut rng = Rng::seed(1);
    let r = match alg {
        Algorithm::DensityGreedy => density_greedy(f, k),
        Algorithm::LazyDensityGreedy => lazy_density_greedy(f, k),
        Algorithm::GreedySingleton => greedy_singleton(f, k),
        Algorithm::GreedyMax => greedy_max(f, k),
        Algorithm::Enumeration1 => enumeration(f, k, 1),
        Algorithm::Enumeration2 => enumeration(f, k, 2),
        Algorithm::Sviridenko => sviridenko(f, k),
        Algorithm::ThresholdEnumeration => threshold_enumeration(f, k, eps),
        Algorithm::ContinuousGreedy => continuous_greedy(f, k, eps, &mut rng),
        Algorithm::EneNguyen => {
            ene_nguyen_with(f, k, EneNguyenOptions::new(eps).unwrap(), &mut rng)
        }
    };
    match r {
        Err(diffknap::submod::SubmodError::Limit { .. }) if alg == Algorithm::EneNguyen => None,
        r => Some(r.unwrap()),
    }
}

#[test]
fn answers_put_id_first_and_errors_carry_it() {
    let o = opts("greedy_max", true);
    let good = r#"{"budget": 2, "costs": [1, 1], "id": "a", "function": {"kind": "modular", "weights": [1, 2]}}"#;
    let bad = r#"{"budget": 2, "costs": [1, -1], "id": 7, "function": {"kind": "modular", "weights": [1, 2]}}"#;
    for (line, id) in [(good, serde_json::json!("a")), (bad, serde_json::json!(7))] {
        let out = process_line(line, &o);
        let obj = out.as_object().unwrap();
        assert_eq!(obj.keys().next().map(String::as_str), Some("id"));
        assert_eq!(obj["id"], id);
    }
    assert!(
        process_line(bad, &o)["error"]
            .as_str()
            .unwrap()
            .starts_with("costs[1]: ")
    );
    let out = process_line("{not json", &o);
    assert_eq!(
        out.as_object().unwrap().keys().next().map(String::as_str),
        Some("id")
    );
    assert_eq!(out["id"], serde_json::Value::Null);
    // No id: null, still first.
    let out = process_line(
        r#"{"function": {"kind": "modular", "weights": [1]}, "costs": [1], "budget": 1}"#,
        &o,
    );
    assert_eq!(
        out.as_object().unwrap().keys().next().map(String::as_str),
        Some("id")
    );
    assert_eq!(out["value"], 1);
}

// ---------------------------------------------------------------- guarantee tests that can fail (issue 16)

/// Roomy instances: many cheap items and budgets that fit many of them, so optimal sets have
/// more items than any seed (asserted below), and a guarantee is not met by the seeds alone.
fn roomy_coverage(rng: &mut Rng) -> CovData {
    let n = 10 + rng.below(4) as usize;
    let m = 12 + rng.below(9) as usize;
    CovData {
        sets: (0..n)
            .map(|_| {
                (0..1 + rng.below(3))
                    .map(|_| rng.below(m as u64) as usize)
                    .collect()
            })
            .collect(),
        weights: (0..m).map(|_| 1 + rng.below(20) as i64).collect(),
        costs: (0..n).map(|_| 1 + rng.below(3) as i64).collect(),
        budget: 8 + rng.below(9) as i64,
    }
}

/// The smallest size of an optimal set, by enumeration of all `2^n` sets (written here,
/// independent of the library's brute force).
fn min_optimal_size(f: &WeightedCoverage<i128>, k: &Knapsack<i128>) -> (i128, usize) {
    let n = f.ground_size();
    let mut best = (-1i128, usize::MAX);
    for mask in 0u32..1 << n {
        let set: Vec<usize> = (0..n).filter(|i| mask >> i & 1 == 1).collect();
        let cost: i128 = set.iter().map(|&i| k.costs()[i]).sum();
        if cost > *k.budget() {
            continue;
        }
        let v = f.value(&set);
        if v > best.0 || (v == best.0 && set.len() < best.1) {
            best = (v, set.len());
        }
    }
    best
}

#[test]
fn roomy_instances_need_more_than_three_items_and_meet_every_bound() {
    let mut rng = Rng::seed(2016);
    let draws = 40;
    let mut many = 0;
    for _ in 0..draws {
        let d = roomy_coverage(&mut rng);
        let (f, k) = d.build::<i128>();
        let (opt, size) = min_optimal_size(&f, &k);
        assert_eq!(opt, brute_force(&f, &k).unwrap().value);
        if size > 3 {
            many += 1;
        }
        // Every guarantee of the combinatorial algorithms, exactly (the library's check:
        // 0.405, 1/2, 1 - 1/e, 1 - 1/e - 0.1, and dominance).
        diffknap::check::submod_combinatorial(&f, &k);
        // Through the command: each algorithm's ratio against its documented bound.
        let line = serde_json::json!({"id": 1, "function": {"kind": "coverage", "sets": d.sets,
            "atom_weights": d.weights}, "costs": d.costs, "budget": d.budget});
        for alg in Algorithm::ALL {
            if alg == Algorithm::EneNguyen {
                continue; // n >= 10 exceeds the faithful search's node estimate
            }
            let out = process_line(&line.to_string(), &opts(alg.name(), true));
            let (v, o) = (out["value"].as_i64().unwrap(), out["opt"].as_i64().unwrap());
            assert_eq!(o as i128, opt);
            assert!(v <= o);
            if let Some((num, den)) = documented_bound(alg) {
                assert!(
                    den * v as i128 >= num * o as i128,
                    "{}: {v} / {o}",
                    alg.name()
                );
            }
        }
    }
    // Seeds of size <= 3 cannot be optimal sets on most draws.
    assert!(
        many * 2 >= draws,
        "only {many} of {draws} draws need more than 3 items"
    );
}

/// The documented worst-case bound `num / den` of each deterministic algorithm
/// (`docs/submodular.md`); `None` for density greedy (no constant bound) and for the
/// randomised algorithms, whose bounds hold in expectation (tested exactly elsewhere).
fn documented_bound(alg: Algorithm) -> Option<(i128, i128)> {
    match alg {
        Algorithm::DensityGreedy | Algorithm::LazyDensityGreedy => None,
        Algorithm::GreedySingleton | Algorithm::Enumeration1 => Some((405, 1000)),
        Algorithm::GreedyMax => Some((1, 2)),
        Algorithm::Enumeration2 | Algorithm::Sviridenko => Some((ONE_MINUS_INV_E_NUM, GIGA)),
        // Default eps = 0.1.
        Algorithm::ThresholdEnumeration => Some((ONE_MINUS_INV_E_NUM - GIGA / 10, GIGA)),
        Algorithm::ContinuousGreedy | Algorithm::EneNguyen => None,
    }
}

/// A greedy + best singleton construction. OPT = {a, b, c} (costs 436, 436, 128, values 436,
/// 436, 129, budget 1000; each item covers its own atoms). `k = 40` decoys of cost 11, where
/// decoy `i` covers layer `i` of every OPT item (layer `i` carries the share
/// `r (1 - r)^i` of the item's value, `r = 1/90`; the last layer the rest). Each decoy's
/// density beats every residual OPT density, so greedy takes the 40 decoys (cost 440), then
/// `c` (its density beats `a`'s), and then neither `a` nor `b` fits (432 left). Greedy:
/// `1001 (1 - (89/90)^40) + 129 (89/90)^40`; best singleton: 436; ratio about 0.4428 (the
/// family tends to 0.436 as the decoys get finer).
#[test]
fn greedy_singleton_construction_at_its_exact_ratio() {
    let k = 40usize;
    let r = rat(1, 90);
    let one = rat(1, 1);
    let values = [rat(436, 1), rat(436, 1), rat(129, 1)];
    let mut atom_weights = Vec::new();
    let mut opt_sets = vec![Vec::new(); 3];
    let mut decoy_sets = vec![Vec::new(); k];
    for (o, v) in values.iter().enumerate() {
        let mut left = one.clone();
        for i in 0..=k {
            let share = if i < k { &left * &r } else { left.clone() };
            left -= &share;
            opt_sets[o].push(atom_weights.len());
            if i < k {
                decoy_sets[i].push(atom_weights.len());
            }
            atom_weights.push(v * share);
        }
    }
    let sets: Vec<Vec<usize>> = opt_sets.into_iter().chain(decoy_sets).collect();
    let mut costs = vec![rat(436, 1), rat(436, 1), rat(128, 1)];
    costs.extend(std::iter::repeat_n(rat(11, 1), k));
    let f = WeightedCoverage::new(sets, atom_weights.clone()).unwrap();
    let knap = Knapsack::new(costs, rat(1000, 1)).unwrap();
    // OPT is the total weight (no set can exceed it) and {a, b, c} reaches it.
    let total: BigRational = atom_weights.iter().cloned().sum();
    assert_eq!(total, rat(1001, 1));
    assert!(knap.is_feasible(&[0, 1, 2]));
    assert_eq!(f.value(&[0, 1, 2]), total);
    let q = num_traits::pow(rat(89, 90), k);
    let greedy_value = rat(1001, 1) * (&one - &q) + rat(129, 1) * &q;
    let expected = greedy_value.clone().max(rat(436, 1)) / &total;
    let g = lazy_density_greedy(&f, &knap).unwrap();
    // (Sets are reported sorted.)
    let want: Vec<usize> = (2..3 + k).collect();
    assert_eq!(g.set, want);
    assert_eq!(g.value, greedy_value);
    let s = greedy_singleton(&f, &knap).unwrap();
    assert_eq!(&s.value / &total, expected);
    let x = Value::to_f64(&expected);
    assert!(x > 0.442 && x < 0.444, "{x}");
    // Above the proven 0.405, below 0.446.
    assert!(expected >= rat(405, 1000) && expected < rat(446, 1000));
    // The stronger algorithms are not fooled.
    let gm = greedy_max(&f, &knap).unwrap();
    assert!(&gm.value * rat(2, 1) >= total);
    let e2 = enumeration(&f, &knap, 2).unwrap();
    assert!(&e2.value * rat(GIGA as i64, 1) >= &total * rat(ONE_MINUS_INV_E_NUM as i64, 1));
}

/// Greedy + max near 1/2: budget 1000, `a` and `b` cost 500 and are worth 500, `d` costs 1
/// and is worth 2. Greedy takes `d` (density 2), then `a` (density 1, lower index than `b`);
/// `b` no longer fits. Prefixes plus their best item: `{a}` 500, `{d, a}` 502, `{d, a}` (nothing
/// fits) 502. OPT `{a, b}` = 1000: ratio exactly 502 / 1000.
#[test]
fn greedy_max_construction_at_its_exact_ratio() {
    let f = Modular::new(vec![500i128, 500, 2]).unwrap();
    let k = Knapsack::new(vec![500i128, 500, 1], 1000).unwrap();
    assert_eq!(brute_force(&f, &k).unwrap().value, 1000);
    let g = greedy_max(&f, &k).unwrap();
    assert_eq!((g.value, g.set.len()), (502, 2));
    assert!(g.set.contains(&0) && g.set.contains(&2));
    // Density greedy and greedy + singleton land on the same 502 here.
    assert_eq!(lazy_density_greedy(&f, &k).unwrap().value, 502);
    assert_eq!(greedy_singleton(&f, &k).unwrap().value, 502);
    // Seeds of two items find OPT.
    assert_eq!(enumeration(&f, &k, 2).unwrap().value, 1000);
}

/// The two-item density-greedy instance through the command at its exact ratio, and every
/// algorithm with a bound above it on the same line.
#[test]
fn adversarial_instances_through_the_command() {
    let line = r#"{"id": 3, "function": {"kind": "modular", "weights": [100, 2]}, "costs": [100, 1], "budget": 100}"#;
    for alg in Algorithm::ALL {
        let out = process_line(line, &opts(alg.name(), true));
        let (v, o) = (out["value"].as_i64().unwrap(), out["opt"].as_i64().unwrap());
        assert_eq!(o, 100);
        match documented_bound(alg) {
            None if !alg.needs_extension() => assert_eq!(v, 2, "{}", alg.name()),
            None => assert!(v <= o),
            Some((num, den)) => assert!(den * v as i128 >= num * o as i128, "{}", alg.name()),
        }
    }
    let line = r#"{"function": {"kind": "modular", "weights": [500, 500, 2]}, "costs": [500, 500, 1], "budget": 1000}"#;
    let out = process_line(line, &opts("greedy_max", true));
    assert_eq!(out["ratio"].as_f64().unwrap(), 0.502);
}
