//! Fuzz-target bodies, as library functions so that `cargo test` replays every saved input
//! (fuzz/regressions/) through exactly the code the fuzzer ran.
//!
//! Each function takes arbitrary bytes and panics if, and only if, a property is violated.
//! One file per target: `jsonl`, `exact`, `submod`, `certified`, `backend`; this
//! file holds the byte decoders they share, and `kink` the exact gini kink analysis that
//! `exact` and `certified` use to judge an `f64` VJP at a kink.

mod backend;
mod certified;
mod exact;
mod jsonl;
mod kink;
mod submod;

pub use backend::fast_matches_reference;
pub use certified::certified_encloses;
pub use exact::f64_matches_exact;
pub use jsonl::jsonl_never_panics;
pub use kink::{GINI_KINK_MAX_CELLS, GiniKinks, gini_kinks};
pub use submod::{submod_combinatorial, submod_within_ratios};

use crate::instance::{Budget, Constraint, Instance};
use crate::num::Num;
use crate::num::rational::Rational;
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

/// One of the three constraints, from one byte.
pub(crate) fn constraint_of(b: &mut Bytes) -> Constraint {
    [Constraint::Knapsack, Constraint::Exact, Constraint::TopK][b.below(3) as usize]
}

/// The rest of an instance of `n` items: scores (by `theta`), weights below `max_w` (unit for
/// top-k), then a capacity below `max_cap` for knapsack, or the weight of a decoded subset for
/// exact and top-k (always feasible).
pub(crate) fn instance_of<T: Num>(
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
