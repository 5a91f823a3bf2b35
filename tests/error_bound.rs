//! The proved f64 error bound of the DP value (`proofs/DPError.v`, `diffknap::error_bound`)
//! against a 200-bit certified enclosure of the exact value, for the fast kernels, the f64
//! reference and the hard DP; and the 1-Lipschitz property of every two-way max that the
//! proof propagates through the rows.

use diffknap::backend::{self, Isa, Par, Plan};
use diffknap::certified::{self, Interval};
use diffknap::error_bound::{Evaluation, value_error_bound};
use diffknap::num::Num;
use diffknap::num::rational::{Rational, rational_to_f64};
use diffknap::ops::{Extras, relax_f64};
use diffknap::reg::{Gini, Hard, Regularizer, Shannon, Tsallis};
use diffknap::rng::Rng;
use diffknap::{Instance, RegKind};

/// |x - V| for the exact V enclosed by `iv`: distance to the interval plus its width.
fn err_to_truth(iv: &Interval, x: f64) -> f64 {
    let d = certified::distance(iv, &Rational::from_f64(x)).unwrap() + iv.width().unwrap();
    rational_to_f64(&d)
}

fn random_instance(rng: &mut Rng, t: usize) -> Instance<f64> {
    let n = 1 + rng.below(30) as usize;
    let scale = [0.5, 3.0, 40.0][t % 3];
    let theta: Vec<f64> = (0..n)
        .map(|_| scale * (2.0 * rng.uniform() - 1.0))
        .collect();
    let w: Vec<u64> = (0..n).map(|_| rng.below(6)).collect();
    let cap = rng.below(25);
    match t % 3 {
        0 => Instance::knapsack(theta, w, cap).unwrap(),
        // Exact: a capacity some subset reaches (the first items' total weight).
        1 => {
            let m = rng.below(n as u64 + 1) as usize;
            let c: u64 = w[..m].iter().sum();
            Instance::exact(theta, w, c).unwrap()
        }
        _ => {
            let k = rng.below(n as u64 + 1);
            Instance::top_k(theta, k).unwrap()
        }
    }
}

/// Mirrors `shannon_kernel_dp_error`, `shannon_reference_dp_error` and `hard_dp_error`: on
/// instances where the bound could fail (scores up to 40, gamma from 1e-3 to 1e3, up to 30
/// items), |V_f64 - V| stays within the proved bound for every instruction set.
#[test]
fn value_within_proved_bound() {
    let mut rng = Rng::seed(15);
    let mut worst = 0.0f64;
    for t in 0..60 {
        let inst = random_instance(&mut rng, t);
        let th = inst.theta().iter().fold(0.0f64, |m, x| m.max(x.abs()));
        for (kind, gamma) in [
            (RegKind::Shannon, 10f64.powf(6.0 * rng.uniform() - 3.0)),
            (RegKind::Hard, 0.0),
        ] {
            let Ok(want) = relax_f64(&inst, kind, gamma, &Extras::default()) else {
                continue;
            };
            let cert = certified::relax_intervals(&inst, kind, gamma, None, 200).unwrap();
            let (re, ke) = match kind {
                RegKind::Hard => (Evaluation::Hard, Evaluation::Hard),
                _ => (Evaluation::Reference, Evaluation::Kernel),
            };
            let bref = value_error_bound(re, inst.n(), gamma, th).unwrap();
            let e = err_to_truth(&cert.value, want.value);
            assert!(
                e <= bref,
                "trial {t} reference {kind:?}: error {e:e} > bound {bref:e}"
            );
            worst = worst.max(e / bref);
            let bker = value_error_bound(ke, inst.n(), gamma, th).unwrap();
            for isa in Isa::available() {
                let got = backend::relax(
                    &inst,
                    kind,
                    gamma,
                    &Extras::default(),
                    &Plan::new(isa, Par::Seq),
                )
                .unwrap();
                let e = err_to_truth(&cert.value, got.value);
                assert!(
                    e <= bker,
                    "trial {t} {} {kind:?}: error {e:e} > bound {bker:e}",
                    isa.name()
                );
                worst = worst.max(e / bker);
            }
        }
    }
    eprintln!("value_within_proved_bound: largest error / bound = {worst:.3e}");
}

/// A two-way max (s, p, gamma) -> value.
type TwoWayMax = fn(f64, f64, f64) -> f64;

/// Mirrors `smax_lip`, `gini_lip`, `tsallis_lip`, `Rmax_lip`: |op(s,p) - op(s',p')| is at most
/// max(|s - s'|, |p - p'|) (up to the f64 rounding of the two evaluations).
#[test]
fn two_way_max_is_one_lipschitz() {
    let mut rng = Rng::seed(16);
    for _ in 0..20000 {
        let mut r = || 4.0 * rng.uniform() - 2.0;
        let (s, p, s2, p2, gamma) = (r(), r(), r(), r(), 0.05 + rng.uniform());
        let d = (s - s2).abs().max((p - p2).abs());
        let ops: [(&str, TwoWayMax); 4] = [
            ("hard", |s, p, g| {
                Regularizer::<f64>::smax(&Hard, &s, &p, &g).0
            }),
            ("shannon", |s, p, g| {
                Regularizer::<f64>::smax(&Shannon, &s, &p, &g).0
            }),
            ("gini", |s, p, g| {
                Regularizer::<f64>::smax(&Gini, &s, &p, &g).0
            }),
            ("tsallis", |s, p, g| {
                Regularizer::<f64>::smax(&Tsallis, &s, &p, &g).0
            }),
        ];
        for (name, op) in ops {
            let (a, b) = (op(s, p, gamma), op(s2, p2, gamma));
            let slack = 1e-14 * (1.0 + a.abs() + b.abs());
            assert!(
                (a - b).abs() <= d + slack,
                "{name}: s={s} p={p} s'={s2} p'={p2}"
            );
        }
    }
}
