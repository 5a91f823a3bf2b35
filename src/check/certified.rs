//! Certified enclosures against f64 and exact results.
#![allow(clippy::needless_range_loop)]

use super::{Bytes, small_exact_instance};
use crate::num::Num;
use crate::num::rational::Rational;
use crate::ops::{Extras, relax_exact, relax_f64};
use crate::reg::RegKind;

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
