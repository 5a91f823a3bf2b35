//! The submodular algorithms on decoded instances.

use super::Bytes;
use crate::submod::enumeration::{
    enumeration, enumeration_query_bound, sviridenko, threshold_enumeration, threshold_query_bound,
};
use crate::submod::function::{Knapsack, SetFunction, Solution};
use crate::submod::functions::WeightedCoverage;
use crate::submod::greedy::{
    density_greedy, greedy_max, greedy_query_bound, greedy_singleton, lazy_density_greedy,
};
use crate::submod::opt::brute_force;

const ONE_MINUS_INV_E_NUM: i128 = 632_120_558;
const GIGA: i128 = 1_000_000_000;

/// Feasibility and honesty of a solution, re-derived independently.
fn check_solution<F: SetFunction<Value = i128>>(
    name: &str,
    f: &F,
    k: &Knapsack<i128>,
    s: &Solution<i128>,
    opt: i128,
) {
    let n = f.ground_size();
    assert!(
        s.set.windows(2).all(|w| w[0] < w[1]),
        "{name}: set not sorted/distinct"
    );
    assert!(s.set.iter().all(|&e| e < n), "{name}: index out of range");
    let cost: i128 = s.set.iter().map(|&e| k.costs()[e]).sum();
    assert_eq!(cost, s.cost, "{}: reported cost", name);
    assert!(cost <= *k.budget(), "{name}: infeasible");
    assert!(
        s.set.iter().all(|&e| k.costs()[e] <= *k.budget()),
        "{name}: item costlier than the budget"
    );
    assert_eq!(f.value(&s.set), s.value, "{}: reported value", name);
    assert!(s.value <= opt, "{name}: above OPT");
}

/// Everything the combinatorial algorithms must satisfy on one integral instance (n <= 20):
/// feasibility, honest value and cost, f(S) <= OPT (brute force), lazy = naive greedy, query
/// bounds, and the proven ratios in exact integers (1 - 1/e as 10^9 f >= 632120558 OPT,
/// greedy_max 1/2, greedy_singleton and enumeration1 0.405, threshold 1 - 1/e - 0.1).
pub fn submod_combinatorial<F: SetFunction<Value = i128>>(f: &F, k: &Knapsack<i128>) {
    let n = f.ground_size();
    let opt = brute_force(f, k).expect("brute force").value;
    let naive = density_greedy(f, k).expect("greedy");
    let lazy = lazy_density_greedy(f, k).expect("lazy");
    let gs = greedy_singleton(f, k).expect("greedy singleton");
    let gm = greedy_max(f, k).expect("greedy max");
    let e1 = enumeration(f, k, 1).expect("enum1");
    let e2 = enumeration(f, k, 2).expect("enum2");
    let sv = sviridenko(f, k).expect("sviridenko");
    let th = threshold_enumeration(f, k, 0.1).expect("threshold");
    for (name, s) in [
        ("density_greedy", &naive),
        ("lazy_density_greedy", &lazy),
        ("greedy_singleton", &gs),
        ("greedy_max", &gm),
        ("enumeration1", &e1),
        ("enumeration2", &e2),
        ("sviridenko", &sv),
        ("threshold_enumeration", &th),
    ] {
        check_solution(name, f, k, s, opt);
    }
    // Lazy greedy is naive greedy, with no more queries.
    assert_eq!(&lazy.set, &naive.set);
    assert_eq!(lazy.value, naive.value);
    assert!(lazy.queries <= naive.queries);
    // Query bounds.
    assert!(naive.queries <= greedy_query_bound(n));
    assert_eq!(gs.queries, lazy.queries);
    assert!(gm.queries <= greedy_query_bound(n));
    assert!(e1.queries <= enumeration_query_bound(n, 1));
    assert!(e2.queries <= enumeration_query_bound(n, 2));
    assert!(sv.queries <= enumeration_query_bound(n, 3));
    let c_min = k.costs().iter().copied().min().unwrap_or(1);
    let ratio = *k.budget() as f64 / c_min as f64;
    assert!(th.queries <= threshold_query_bound(n, 0.1, ratio));
    // Ratios, exact: 1 - 1/e for enumeration2 and Sviridenko.
    assert!(
        GIGA * sv.value >= ONE_MINUS_INV_E_NUM * opt,
        "sviridenko below 1-1/e"
    );
    assert!(
        GIGA * e2.value >= ONE_MINUS_INV_E_NUM * opt,
        "enumeration2 below 1-1/e"
    );
    // 1 - 1/e - eps with eps = 0.1.
    assert!(
        GIGA * th.value >= (ONE_MINUS_INV_E_NUM - GIGA / 10) * opt,
        "threshold enumeration below 1-1/e-0.1"
    );
    assert!(2 * gm.value >= opt, "greedy_max below 1/2");
    assert!(1000 * gs.value >= 405 * opt, "greedy_singleton below 0.405");
    assert!(1000 * e1.value >= 405 * opt, "enumeration1 below 0.405");
    // Stronger algorithms dominate their building blocks.
    assert!(gm.value >= lazy.value);
    assert!(sv.value >= e2.value && e2.value >= e1.value && e1.value >= lazy.value);
}

/// A small weighted coverage instance with integer weights and costs, decoded from bytes,
/// through every combinatorial submodular algorithm ([`submod_combinatorial`]).
pub fn submod_within_ratios(data: &[u8]) {
    let mut b = Bytes::new(data);
    let n = 1 + b.below(9) as usize;
    let atoms = 1 + b.below(10) as usize;
    let sets: Vec<Vec<usize>> = (0..n)
        .map(|_| {
            let mask = u16::from(b.u8()) | (u16::from(b.u8()) << 8);
            (0..atoms).filter(|a| mask >> a & 1 == 1).collect()
        })
        .collect();
    let weights: Vec<i128> = (0..atoms).map(|_| i128::from(b.below(20))).collect();
    let costs: Vec<i128> = (0..n).map(|_| 1 + i128::from(b.below(8))).collect();
    let budget = i128::from(b.below(24));
    let f = WeightedCoverage::new(sets, weights).expect("valid coverage by construction");
    let k = Knapsack::new(costs, budget).expect("valid knapsack by construction");
    submod_combinatorial(&f, &k);
}
