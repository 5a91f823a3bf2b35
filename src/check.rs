//! Fuzz-target bodies, as library functions so that `cargo test` replays every saved input
//! (fuzz/regressions/) through exactly the code the fuzzer ran.
//!
//! Each function takes arbitrary bytes and panics if, and only if, a property is violated.
#![allow(clippy::needless_range_loop)]

use crate::cli::{answer_line, relax, solve};
use crate::instance::{Budget, Constraint, Instance};
use crate::num::Num;
use crate::num::rational::Rational;
use crate::ops::{Extras, relax_exact, relax_f64};
use crate::reg::RegKind;

/// A cursor over fuzz bytes that yields zeros once exhausted.
#[derive(Debug, Clone)]
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    /// Wraps `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data, pos: 0 }
    }
    /// The next byte (0 past the end).
    pub fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }
    /// The next byte reduced modulo `m` (m > 0).
    pub fn below(&mut self, m: u8) -> u8 {
        self.u8() % m
    }
}

/// Any bytes as JSON Lines through `relax` (f64 and exact) and `solve`: never a panic, every
/// line answered by exactly one JSON object with an `id`, never NaN or infinity in output.
pub fn jsonl_never_panics(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let handlers: [&dyn Fn(&serde_json::Value) -> crate::Result<_>; 3] =
        [&relax::answer_f64, &relax::answer_exact, &|v| {
            solve::answer(v, solve::Method::Dp)
        }];
    for (k, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        for h in handlers {
            let mut h = |v: &serde_json::Value| h(v);
            let reply = answer_line(line, k + 1, &mut h);
            assert!(reply.contains_key("id"), "reply without id: {reply:?}");
            let out = serde_json::Value::Object(reply).to_string();
            assert!(
                serde_json::from_str::<serde_json::Value>(&out).is_ok(),
                "output is not JSON: {out}"
            );
        }
    }
}

/// One of the three constraints, from one byte.
fn constraint_of(b: &mut Bytes) -> Constraint {
    [Constraint::Knapsack, Constraint::Exact, Constraint::TopK][b.below(3) as usize]
}

/// The rest of an instance of `n` items: scores (by `theta`), weights below `max_w` (unit for
/// top-k), then a capacity below `max_cap` for knapsack, or the weight of a decoded subset for
/// exact and top-k (always feasible).
fn instance_of<T: Num>(
    b: &mut Bytes,
    n: usize,
    constraint: Constraint,
    max_w: u8,
    max_cap: u8,
    theta: impl Fn(&mut Bytes) -> T,
) -> Instance<T> {
    let theta: Vec<T> = (0..n).map(|_| theta(b)).collect();
    let weights: Vec<u64> = (0..n)
        .map(|_| {
            if constraint == Constraint::TopK {
                1
            } else {
                u64::from(b.below(max_w))
            }
        })
        .collect();
    let subset: Vec<bool> = (0..n).map(|_| b.u8() & 1 == 1).collect();
    let reachable: u64 = weights
        .iter()
        .zip(&subset)
        .filter(|(_, s)| **s)
        .map(|(w, _)| w)
        .sum();
    let capacity = match constraint {
        Constraint::Knapsack => u64::from(b.below(max_cap)),
        _ => reachable,
    };
    Instance::new(
        constraint,
        theta,
        Some(weights),
        capacity,
        Budget::default(),
    )
    .expect("decoded instances are valid by construction")
}

/// A small gini or hard instance decoded from bytes.
pub fn small_exact_instance(b: &mut Bytes) -> (Instance<Rational>, RegKind, Rational) {
    let n = 1 + b.below(7) as usize;
    let constraint = constraint_of(b);
    let inst = instance_of(b, n, constraint, 4, 12, |b| {
        Rational::new(i64::from(b.u8() as i8).into(), 16.into())
    });
    let (kind, gamma) = if b.u8() & 3 == 0 {
        (RegKind::Hard, Rational::from_i64(0))
    } else {
        (
            RegKind::Gini,
            Rational::new((1 + i64::from(b.below(64))).into(), 16.into()),
        )
    };
    (inst, kind, gamma)
}

/// The f64 DP against exact rationals on small gini and hard instances: value, y and vjp agree
/// to 1e-9 relative (the f64 path's rounding error on n <= 7 items is far below that); the
/// vjp is not compared at an exact gini kink, where it is discontinuous.
pub fn f64_matches_exact(data: &[u8]) {
    let mut b = Bytes::new(data);
    let (inst, kind, gamma) = small_exact_instance(&mut b);
    let n = inst.n();
    let z: Vec<Rational> = (0..n)
        .map(|_| Rational::from_i64(i64::from(b.u8() as i8 / 16)))
        .collect();
    let ex = relax_exact(
        &inst,
        kind,
        &gamma,
        &Extras {
            z: Some(z.clone()),
            samples: 0,
            seed: 0,
        },
    )
    .expect("exact relax on a valid small instance");
    let inst_f = inst
        .with_theta(inst.theta().iter().map(Num::to_f64).collect())
        .expect("same instance in f64");
    let zf: Vec<f64> = z.iter().map(Num::to_f64).collect();
    let fl = relax_f64(
        &inst_f,
        kind,
        gamma.to_f64(),
        &Extras {
            z: Some(zf),
            samples: 0,
            seed: 0,
        },
    )
    .expect("f64 relax on a valid small instance");
    let close = |a: f64, e: &Rational| (a - e.to_f64()).abs() <= 1e-9 * (1.0 + e.to_f64().abs());
    assert!(
        close(fl.value, &ex.value),
        "value {} vs {}",
        fl.value,
        ex.value
    );
    // The VJP (the derivative of y) jumps where a gini cell sits exactly on |p - s| = gamma;
    // there the f64 rounding legitimately lands on either side. Detect such kinks exactly:
    // the exact VJP differs on the two sides of a tiny perturbation along u_i = 2^i (no
    // nonzero integer combination of distinct powers of two vanishes).
    let at_kink = {
        let side = |sign: i64| {
            let delta = Rational::new(sign.into(), num_bigint::BigInt::from(1) << 60usize);
            let theta: Vec<Rational> = inst
                .theta()
                .iter()
                .enumerate()
                .map(|(i, t)| t.clone() + delta.clone() * Rational::from_i64(1 << i))
                .collect();
            let moved = inst.with_theta(theta).expect("same shape");
            relax_exact(
                &moved,
                kind,
                &gamma,
                &Extras {
                    z: Some(z.clone()),
                    samples: 0,
                    seed: 0,
                },
            )
            .expect("exact relax on a perturbed instance")
            .vjp
        };
        side(1) != side(-1)
    };
    for i in 0..n {
        assert!(
            close(fl.y[i], &ex.y[i]),
            "y[{i}] {} vs {}",
            fl.y[i],
            ex.y[i]
        );
        let (a, e) = (
            fl.vjp.as_ref().expect("vjp")[i],
            &ex.vjp.as_ref().expect("vjp")[i],
        );
        assert!(at_kink || close(a, e), "vjp[{i}] {a} vs {e}");
    }
}

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

/// Certified enclosures against the f64 reference and exact rationals on small instances
/// decoded from bytes (all regularizers and constraints): for hard and gini the exact
/// rational results lie inside the intervals; for every regularizer the f64 result lies
/// within a small multiple of ulps of the enclosure (value within 8 (n + 2) ulps of
/// |V| + sum|theta|; y within 64 (n + 2) ulps of 1 + sum|theta|/gamma; vjp within
/// 64 (n + 2) ulps of (1 + sum|theta|/gamma) max|vjp| + 1).
pub fn certified_encloses(data: &[u8]) {
    use crate::certified::{Target, distance, relax_certified};
    let mut b = Bytes::new(data);
    let (inst_q, kind, gamma_q) = small_exact_instance(&mut b);
    let n = inst_q.n();
    // Any regularizer: reinterpret the byte-chosen gini as one of the four.
    let kind = if kind == RegKind::Hard {
        kind
    } else {
        RegKind::ALL[1 + b.below(3) as usize]
    };
    let gamma = if kind == RegKind::Hard {
        0.0
    } else {
        gamma_q.to_f64()
    };
    let inst = inst_q
        .with_theta(inst_q.theta().iter().map(Num::to_f64).collect())
        .expect("same instance in f64");
    let z: Vec<f64> = (0..n).map(|_| f64::from(b.u8() as i8) / 32.0).collect();
    let cert = match relax_certified(&inst, kind, gamma, Some(&z), &Target::digits(20)) {
        Ok(c) => c,
        // A sparse operator exactly at a kink that exact arithmetic could not settle is a
        // typed refusal, never a wrong enclosure.
        Err(crate::Error::Unsupported { .. }) => return,
        Err(e) => panic!("certified relax failed on a valid instance: {e}"),
    };
    let extras = Extras {
        z: Some(z.clone()),
        samples: 0,
        seed: 0,
    };
    let f = relax_f64(&inst, kind, gamma, &extras).expect("f64 relax on a valid instance");
    if matches!(kind, RegKind::Hard | RegKind::Gini) {
        let zq: Vec<Rational> = z.iter().map(|&x| Rational::from_f64(x)).collect();
        let ex = relax_exact(
            &inst_q,
            kind,
            &gamma_q,
            &Extras {
                z: Some(zq),
                samples: 0,
                seed: 0,
            },
        )
        .expect("exact relax on a valid instance");
        assert!(
            cert.value.contains(&ex.value),
            "value enclosure misses the exact value"
        );
        for i in 0..n {
            assert!(
                cert.y[i].contains(&ex.y[i]),
                "y[{i}] enclosure misses the exact value"
            );
            let v = &cert.vjp.as_ref().expect("vjp")[i];
            assert!(
                v.contains(&ex.vjp.as_ref().expect("vjp")[i]),
                "vjp[{i}] enclosure misses"
            );
        }
    }
    let u = f64::EPSILON / 2.0;
    let sum_abs: f64 = inst.theta().iter().map(|t| t.abs()).sum();
    let k = (n + 2) as f64;
    let cond = if kind == RegKind::Hard {
        1.0
    } else {
        1.0 + sum_abs / gamma
    };
    let dist = |iv: &crate::certified::interval::Interval, x: f64| {
        distance(iv, &Rational::from_f64(x)).map_or(f64::INFINITY, |d| d.to_f64())
    };
    assert!(
        dist(&cert.value, f.value) <= 8.0 * k * u * (f.value.abs() + sum_abs),
        "value"
    );
    let vjp = f.vjp.as_ref().expect("vjp");
    let vmax = vjp.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for i in 0..n {
        assert!(dist(&cert.y[i], f.y[i]) <= 64.0 * k * u * cond, "y[{i}]");
        let iv = &cert.vjp.as_ref().expect("vjp")[i];
        assert!(
            dist(iv, vjp[i]) <= 64.0 * k * u * (cond * vmax + 1.0),
            "vjp[{i}]"
        );
    }
}

/// Every fast backend (each instruction set of this CPU, one and two threads with the row
/// split forced, full, checkpointed and compact memory, garbage-filled buffers) against the
/// reference DP on an instance decoded from bytes: value within 1e-12 of
/// max(|V|, max|theta|, gamma), y and vjp within 1e-12 normwise (floors 1 and
/// max(1, max|theta|)), and the same samples for the same seed.
pub fn fast_matches_reference(data: &[u8]) {
    use crate::backend::{self, Isa, Memory, Par, Plan};
    let mut b = Bytes::new(data);
    let n = 1 + b.below(12) as usize;
    let constraint = constraint_of(&mut b);
    let spread = [1.0, 0.01, 100.0][b.below(3) as usize];
    // Coarse scores make ties common.
    let inst = instance_of(&mut b, n, constraint, 7, 40, |b| {
        f64::from(b.u8() as i8 / 8) * spread
    });
    let kind = RegKind::ALL[b.below(4) as usize];
    let gamma = if kind == RegKind::Hard {
        0.0
    } else {
        10f64.powf(f64::from(b.below(64)) / 8.0 - 4.0)
    };
    let z: Vec<f64> = (0..n).map(|_| f64::from(b.u8() as i8) / 64.0).collect();
    let seed = u64::from(b.u8());
    let extras = Extras {
        z: Some(z),
        samples: 3,
        seed,
    };
    let Ok(want) = relax_f64(&inst, kind, gamma, &extras) else {
        return; // an f64 overflow is a typed error of the reference; nothing to compare
    };
    let max_abs = |v: &[f64]| v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let close = |what: &str, got: &[f64], want: &[f64], floor: f64| {
        let scale = max_abs(want).max(floor);
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-12 * scale,
                "{what}[{i}]: fast {g:e}, reference {w:e}"
            );
        }
    };
    for isa in Isa::available() {
        for par in [Par::Seq, Par::Threads(2)] {
            for memory in [Memory::Full, Memory::Checkpointed, Memory::Compact] {
                let plan = Plan {
                    isa,
                    par,
                    memory,
                    min_cols_per_thread: 1,
                    poison: true,
                };
                let ex = if memory == Memory::Checkpointed {
                    Extras {
                        samples: 0,
                        ..extras.clone()
                    }
                } else {
                    extras.clone()
                };
                let got = backend::relax(&inst, kind, gamma, &ex, &plan)
                    .expect("a fast backend fails where the reference succeeds");
                let what = format!("{} {par:?} {memory:?} {}", isa.name(), kind.name());
                let vscale = want.value.abs().max(max_abs(inst.theta())).max(gamma);
                assert!(
                    (got.value - want.value).abs() <= 1e-12 * vscale,
                    "{what}: value"
                );
                close(&format!("{what}: y"), &got.y, &want.y, 1.0);
                let floor = max_abs(inst.theta()).max(1.0);
                close(
                    &format!("{what}: vjp"),
                    got.vjp.as_deref().expect("vjp"),
                    want.vjp.as_deref().expect("vjp"),
                    floor,
                );
                for (g, w) in got.samples.iter().zip(&want.samples) {
                    assert_eq!(g.selection, w.selection, "{what}: samples differ");
                }
                assert_eq!(got.samples.len(), ex.samples, "{what}: sample count");
            }
        }
    }
}
