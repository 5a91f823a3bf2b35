//! Certified enclosures against f64 and exact results.
#![allow(clippy::needless_range_loop)]

use super::{Bytes, gini_kinks, small_exact_instance};
use crate::num::Num;
use crate::num::rational::Rational;
use crate::ops::{Extras, relax_exact, relax_f64};
use crate::reg::RegKind;
use num_traits::Signed;

/// Certified enclosures against the f64 reference and exact rationals on small instances
/// decoded from bytes (all regularizers and constraints): for hard and gini the exact
/// rational results lie inside the intervals; for every regularizer the f64 result lies
/// within a small multiple of ulps of the enclosure (value within 8 (n + 2) ulps of
/// |V| + sum|theta|; y within 64 (n + 2) ulps of 1 + sum|theta|/gamma; vjp within
/// 64 (n + 2) ulps of (1 + sum|theta|/gamma) max|vjp| + 1; at an exact gini kink, within
/// that of the exact VJP of one choice of side at each kink cell, [`super::gini_kinks`]).
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
    // At an exact gini kink (see below) the exact VJPs of every choice of sides: `Some(None)`
    // past GINI_KINK_MAX_CELLS kink cells.
    let mut kink_sides: Option<Option<Vec<Vec<Rational>>>> = None;
    if matches!(kind, RegKind::Hard | RegKind::Gini) {
        let zq: Vec<Rational> = z.iter().map(|&x| Rational::from_f64(x)).collect();
        let ex = relax_exact(
            &inst_q,
            kind,
            &gamma_q,
            &Extras {
                z: Some(zq.clone()),
                samples: 0,
                seed: 0,
            },
        )
        .expect("exact relax on a valid instance");
        if kind == RegKind::Gini {
            let k = gini_kinks(&inst_q, &gamma_q, &zq).expect("exact kink analysis");
            assert!(
                k.sides[0] == *ex.vjp.as_ref().expect("vjp"),
                "Algorithm 4 written out again disagrees with dp::vjp"
            );
            if !k.cells.is_empty() {
                kink_sides = Some(k.complete.then_some(k.sides));
            }
        }
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
    let vjp_tol = 64.0 * k * u * (cond * vmax + 1.0);
    for i in 0..n {
        assert!(dist(&cert.y[i], f.y[i]) <= 64.0 * k * u * cond, "y[{i}]");
        let iv = &cert.vjp.as_ref().expect("vjp")[i];
        assert!(
            kink_sides.is_some() || dist(iv, vjp[i]) <= vjp_tol,
            "vjp[{i}]"
        );
    }
    // At an exact gini kink (|p - s| = gamma in a cell the VJP sees) the enclosures follow the
    // SPEC's convention (q' = 0 there), while the f64 rounding of V can put the cell an ulp
    // inside (q' = 1/(2 gamma)), correctly for the rounded input: the f64 VJP must then be,
    // within the same tolerance, the exact VJP of one choice of side at each kink cell. Past
    // GINI_KINK_MAX_CELLS cells it is not compared.
    if let Some(Some(sides)) = &kink_sides {
        let near = |x: f64, e: &Rational| (Rational::from_f64(x) - e).abs().to_f64() <= vjp_tol;
        assert!(
            sides.iter().any(|s| (0..n).all(|i| near(vjp[i], &s[i]))),
            "vjp {vjp:?} at a gini kink: not the exact VJP of any choice of sides"
        );
    }
}
