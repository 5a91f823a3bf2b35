//! Fuzz-target bodies, as library functions so that `cargo test` replays every saved input
//! (fuzz/regressions/) through exactly the code the fuzzer ran.
//!
//! Each function takes arbitrary bytes and panics if, and only if, a property is violated.

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

/// A small gini or hard instance decoded from bytes.
pub fn small_exact_instance(b: &mut Bytes) -> (Instance<Rational>, RegKind, Rational) {
    let n = 1 + b.below(7) as usize;
    let constraint = match b.below(3) {
        0 => Constraint::Knapsack,
        1 => Constraint::Exact,
        _ => Constraint::TopK,
    };
    let theta: Vec<Rational> = (0..n)
        .map(|_| Rational::new(i64::from(b.u8() as i8).into(), 16.into()))
        .collect();
    let weights: Vec<u64> = (0..n)
        .map(|_| {
            if constraint == Constraint::TopK {
                1
            } else {
                b.below(4) as u64
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
        Constraint::Knapsack => b.below(12) as u64,
        _ => reachable,
    };
    let (kind, gamma) = if b.u8() & 3 == 0 {
        (RegKind::Hard, Rational::from_i64(0))
    } else {
        (
            RegKind::Gini,
            Rational::new((1 + i64::from(b.below(64))).into(), 16.into()),
        )
    };
    let inst = Instance::new(
        constraint,
        theta,
        Some(weights),
        capacity,
        Budget::default(),
    )
    .expect("decoded instances are valid by construction");
    (inst, kind, gamma)
}

/// The f64 DP against exact rationals on small gini and hard instances: value, y and vjp agree
/// to 1e-9 relative (the f64 path's rounding error on n <= 7 items is far below that).
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
        assert!(close(a, e), "vjp[{i}] {a} vs {e}");
    }
}
