//! Numerical mirrors of theorems of proofs/ that no other test states directly: the q'
//! formulas of SPEC A.2 (`GTDerivative.v`) and the tsallis non-equivariance witness
//! (`GiniTsallis.v`).

use diffknap::ops::{Extras, relax_f64};
use diffknap::reg::{Gini, Regularizer, Shannon, Tsallis};
use diffknap::rng::Rng;
use diffknap::{Instance, RegKind};

/// d -> (max_Omega(0, d), q(0, d)).
type QOfD<'a> = dyn Fn(f64) -> (f64, f64) + 'a;

/// dq/d(p - s) written in q (`Regularizer::dq`) equals a central difference of q(d) away from
/// the kinks |d| = gamma (gini) and |d| = 2 gamma (tsallis): `gini_q_derivative_interior`,
/// `gini_q_derivative_sparse`, `tsallis_q_derivative_interior`, `tsallis_q_derivative_sparse`.
/// The step h = 1e-6 gives a truncation error below 1e-6 here (|q'''| <= 10 / gamma^3 with
/// gamma >= 0.2 and a distance of at least 0.01 gamma to the kinks).
#[test]
fn dq_is_the_derivative_of_q() {
    let mut rng = Rng::seed(17);
    let h = 1e-6;
    let mut checked = 0;
    for _ in 0..5000 {
        let gamma = 0.2 + 2.0 * rng.uniform();
        let d = 6.0 * gamma * (2.0 * rng.uniform() - 1.0);
        let regs: [(&str, f64, &QOfD<'_>); 3] = [
            ("gini", gamma, &|x| {
                Regularizer::<f64>::smax(&Gini, &0.0, &x, &gamma)
            }),
            ("tsallis", 2.0 * gamma, &|x| {
                Regularizer::<f64>::smax(&Tsallis, &0.0, &x, &gamma)
            }),
            ("shannon", f64::INFINITY, &|x| {
                Regularizer::<f64>::smax(&Shannon, &0.0, &x, &gamma)
            }),
        ];
        for (name, kink, q) in regs {
            if (d.abs() - kink).abs() < 0.01 * gamma {
                continue;
            }
            let fd = (q(d + h).1 - q(d - h).1) / (2.0 * h);
            let qd = q(d).1;
            let dq = match name {
                "gini" => Regularizer::<f64>::dq(&Gini, &qd, &gamma),
                "tsallis" => Regularizer::<f64>::dq(&Tsallis, &qd, &gamma),
                _ => Regularizer::<f64>::dq(&Shannon, &qd, &gamma),
            };
            assert!(
                (fd - dq).abs() <= 1e-6 * (1.0 + dq.abs()),
                "{name}: gamma {gamma}, d {d}: finite difference {fd}, dq {dq}"
            );
            checked += 1;
        }
    }
    assert!(checked > 14000, "{checked}");
}

/// The witness of `tsallis_not_permutation_invariant`: knapsack, C = 1, gamma = 1, items
/// (theta, w) = (0, 1), (2, 1). Processing (2, 1) first gives exactly 2 (both cells sparse);
/// processing (0, 1) first gives a value strictly above 2.
#[test]
fn tsallis_witness_of_the_proof() {
    let v = |theta: Vec<f64>| {
        let inst = Instance::knapsack(theta, vec![1, 1], 1).unwrap();
        relax_f64(&inst, RegKind::Tsallis, 1.0, &Extras::default())
            .unwrap()
            .value
    };
    let first_two = v(vec![2.0, 0.0]);
    let first_zero = v(vec![0.0, 2.0]);
    assert_eq!(first_two, 2.0);
    // The proof gives V_A - 2 = (4 - 3c - (2 - c^2)^1.5) / 3 with c = 1 - H(1/2) / 2; it is
    // about 0.004, far above rounding.
    assert!(first_zero > 2.0 + 1e-3, "{first_zero}");
}
