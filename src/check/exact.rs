//! The f64 DP against exact rationals.

use super::{Bytes, small_exact_instance};
use crate::num::Num;
use crate::num::rational::Rational;
use crate::ops::{Extras, relax_exact, relax_f64};

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
