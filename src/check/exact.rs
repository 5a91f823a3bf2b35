//! The f64 DP against exact rationals.

use super::{Bytes, gini_kinks, small_exact_instance};
use crate::num::Num;
use crate::num::rational::Rational;
use crate::ops::{Extras, relax_exact, relax_f64};
use crate::reg::RegKind;

/// The f64 DP against exact rationals on small gini and hard instances: value, y and vjp agree
/// to 1e-9 relative (the f64 path's rounding error on n <= 7 items is far below that). At an
/// exact gini kink, where the VJP is discontinuous, the f64 vjp must agree with the exact VJP
/// of one choice of side at each kink cell ([`super::gini_kinks`]).
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
    // there the f64 rounding of V can put the cell an ulp inside, where q' is 1/(2 gamma)
    // instead of the convention's 0. At such a kink the f64 VJP must be the exact VJP of one
    // choice of side at each kink cell (`gini_kinks`, which writes Algorithm 4 out again: its
    // convention side must be `relax_exact`'s VJP); past GINI_KINK_MAX_CELLS cells it is not
    // compared.
    let ex_vjp = ex.vjp.as_ref().expect("vjp");
    let sides = if kind == RegKind::Gini {
        let k = gini_kinks(&inst, &gamma, &z).expect("exact kink analysis on a valid instance");
        assert!(
            k.sides[0] == *ex_vjp,
            "Algorithm 4 written out again disagrees with dp::vjp"
        );
        k.complete.then_some(k.sides)
    } else {
        Some(vec![ex_vjp.clone()])
    };
    let vjp = fl.vjp.as_ref().expect("vjp");
    for i in 0..n {
        assert!(
            close(fl.y[i], &ex.y[i]),
            "y[{i}] {} vs {}",
            fl.y[i],
            ex.y[i]
        );
    }
    if let Some(sides) = sides {
        assert!(
            sides.iter().any(|s| (0..n).all(|i| close(vjp[i], &s[i]))),
            "vjp {vjp:?} vs {:?} (nor any other choice of sides at {} gini kink cells)",
            ex_vjp.iter().map(Num::to_f64).collect::<Vec<_>>(),
            sides.len().ilog2()
        );
    }
}
