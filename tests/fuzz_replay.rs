//! Replays every saved fuzz input (fuzz/regressions/TARGET/* and fuzz/seeds/TARGET/*) through
//! the same library check function the fuzz target calls.

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let mut count = 0;
    for dir in ["regressions", "seeds"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz")
            .join(dir)
            .join(target);
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for entry in entries {
            let file = entry.unwrap().path();
            if file.is_file() && file.file_name().is_some_and(|n| n != ".gitkeep") {
                check(&std::fs::read(&file).unwrap());
                count += 1;
            }
        }
    }
    count
}

#[test]
fn replay_jsonl() {
    assert!(replay("jsonl", diffknap::check::jsonl_never_panics) > 0);
}

#[test]
fn replay_f64_vs_exact() {
    assert!(replay("f64_vs_exact", diffknap::check::f64_matches_exact) > 0);
}

#[test]
fn replay_certified() {
    assert!(replay("certified", diffknap::check::certified_encloses) > 0);
}

#[test]
fn replay_submod() {
    assert!(replay("submod", diffknap::check::submod_within_ratios) > 0);
}

#[test]
fn replay_fast_vs_reference() {
    assert!(replay("fast_vs_reference", diffknap::check::fast_matches_reference) > 0);
}

proptest::proptest! {
    /// The check bodies hold on random bytes too (a cheap, always-on fuzzing pass).
    #[test]
    fn check_bodies_hold_on_random_bytes(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
        diffknap::check::f64_matches_exact(&data);
        diffknap::check::jsonl_never_panics(&data);
        diffknap::check::certified_encloses(&data);
        diffknap::check::submod_within_ratios(&data);
        diffknap::check::fast_matches_reference(&data);
    }
}

/// The case the proptest seed in proptest-regressions/fuzz_replay.txt replays (its input is
/// also fuzz/regressions/certified/gini-kink-vjp-weight1.bin): gini, gamma = 15/8, knapsack
/// C = 4. By hand: items 0-2 leave V = 13/2 for c >= 1 (item 0 is taken, items 1 and 2 are
/// skipped: their p - s <= -gamma); item 3 (w 1, theta 5/4) is interior, V_4(c) = 13/2 + 5/8 +
/// gamma/4 + (5/4)^2/(4 gamma) = 749/96 for c >= 1; item 4 (w 1, theta 15/8 = gamma) then has
/// p - s = V_4(c - 1) + gamma - V_4(c) = gamma exactly at c = 2, 3, 4: q = 1 and, by the SPEC's
/// convention, q' = 0. In f64, 749/96 + 15/8 rounds (the sum crosses 8), so f64 sees
/// p - s = gamma - 2^-50 there: q = 1 - 2^-52 and q' = 1 / (2 gamma). Both follow the
/// convention; they are on the two sides of the kink, and the VJP jumps by about 0.65. Only
/// c = 4 of those cells is visited: item 5 (weight 0, theta > gamma) is always taken, so E
/// after item 4 is 1 at c = C = 4 and 0 elsewhere.
#[test]
fn gini_kink_f64_vjp_is_the_inside_one_sided_derivative() {
    use diffknap::certified::{Target, relax_certified};
    use diffknap::num::Num;
    use diffknap::num::rational::Rational;
    use diffknap::ops::{Extras, relax_exact, relax_f64};
    use diffknap::{Instance, RegKind};
    let theta = [6.5, -4.25, -5.5625, 1.25, 1.875, 6.6875];
    let weights = vec![0, 2, 3, 1, 1, 0];
    let z = [3.21875, -4.0, 3.65625, -1.71875, 2.4375, 2.0];
    let gamma = 1.875;
    let inst = Instance::knapsack(theta.to_vec(), weights.clone(), 4).unwrap();
    let exact = |shift: i64| {
        // theta + shift * 2^-80 z, exactly.
        let t = Rational::new(shift.into(), num_bigint::BigInt::from(1) << 80usize);
        let th = theta
            .iter()
            .zip(&z)
            .map(|(&a, &b)| Rational::from_f64(a) + Rational::from_f64(b) * &t)
            .collect();
        let inst = Instance::knapsack(th, weights.clone(), 4).unwrap();
        let z = Some(z.iter().map(|&x| Rational::from_f64(x)).collect());
        let extras = Extras {
            z,
            samples: 0,
            seed: 0,
        };
        relax_exact(&inst, RegKind::Gini, &Rational::from_f64(gamma), &extras).unwrap()
    };
    let (minus, mid, plus) = (exact(-1), exact(0), exact(1));
    // The one-sided derivatives of y along z, as exact difference quotients (no VJP code).
    let t = 2f64.powi(-80);
    let left: Vec<f64> = (0..6)
        .map(|i| (&mid.y[i] - &minus.y[i]).to_f64() / t)
        .collect();
    let right: Vec<f64> = (0..6)
        .map(|i| (&plus.y[i] - &mid.y[i]).to_f64() / t)
        .collect();
    assert!(
        (left[4] - right[4]).abs() > 0.5,
        "a real jump: {left:?} {right:?}"
    );
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-12);
    // The exact and certified VJPs take the convention's side, f64 the other one.
    let ex: Vec<f64> = mid.vjp.unwrap().iter().map(Num::to_f64).collect();
    assert!(close(&ex, &right), "{ex:?} vs {right:?}");
    let extras = Extras {
        z: Some(z.to_vec()),
        samples: 0,
        seed: 0,
    };
    let f = relax_f64(&inst, RegKind::Gini, gamma, &extras).unwrap();
    let fv = f.vjp.unwrap();
    assert!(close(&fv, &left), "{fv:?} vs {left:?}");
    let cert = relax_certified(&inst, RegKind::Gini, gamma, Some(&z), &Target::digits(20)).unwrap();
    for (iv, r) in cert.vjp.unwrap().iter().zip(&right) {
        assert!(iv.lo_f64() - 1e-12 <= *r && *r <= iv.hi_f64() + 1e-12);
    }
    // The kink cells, as derived by hand above, and both sides among the exact VJPs the
    // checks accept there.
    let inst_q = inst
        .with_theta(theta.iter().map(|&x| Rational::from_f64(x)).collect())
        .unwrap();
    let zq: Vec<Rational> = z.iter().map(|&x| Rational::from_f64(x)).collect();
    let k = diffknap::check::gini_kinks(&inst_q, &Rational::from_f64(gamma), &zq).unwrap();
    assert_eq!(k.cells, vec![(4, 4)]);
    assert!(k.complete && k.sides.len() == 2);
    let as_f64 = |v: &Vec<Rational>| v.iter().map(Num::to_f64).collect::<Vec<_>>();
    assert!(close(&as_f64(&k.sides[0]), &right));
    assert!(close(&as_f64(&k.sides[1]), &left));
    // The check bodies that found it (the proptest seed's input and its shrunk form, a
    // zero-weight item on its kink).
    diffknap::check::certified_encloses(include_bytes!(
        "../fuzz/regressions/certified/gini-kink-vjp-weight1.bin"
    ));
    diffknap::check::certified_encloses(include_bytes!(
        "../fuzz/regressions/certified/gini-kink-vjp-weight0.bin"
    ));
}
