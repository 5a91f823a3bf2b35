//! The alpha-Tsallis family, user-defined regularizers, the study measurements and plots
//! (docs/regularizers.md).

use diffknap::num::Num;
use diffknap::ops::{Extras, relax_exact, relax_f64};
use diffknap::reg::{Alpha, Gini, Regularizer, Shannon, Tsallis, TsallisAlpha, small_side};
use diffknap::rng::Rng;
use diffknap::{Constraint, Error, Instance, RegKind};

fn alpha(a: f64) -> RegKind {
    RegKind::Alpha(Alpha::new(a).unwrap())
}

/// A random instance (knapsack, exact or top-k), always feasible.
fn random_instance(rng: &mut Rng, max_n: usize) -> Instance<f64> {
    let n = 1 + rng.below(max_n as u64) as usize;
    let theta: Vec<f64> = (0..n).map(|_| 4.0 * rng.uniform() - 2.0).collect();
    let weights: Vec<u64> = (0..n).map(|_| rng.below(4)).collect();
    let total: u64 = weights.iter().sum();
    match rng.below(3) {
        0 => Instance::knapsack(theta, weights, rng.below(total + 2)).unwrap(),
        1 => {
            let c = weights.iter().filter(|_| rng.below(2) == 1).sum();
            Instance::exact(theta, weights, c).unwrap()
        }
        _ => {
            let k = rng.below(n as u64 + 1);
            Instance::new(
                Constraint::TopK,
                theta,
                None,
                k,
                diffknap::Budget::default(),
            )
            .unwrap()
        }
    }
}

fn z_for(rng: &mut Rng, n: usize) -> Vec<f64> {
    (0..n).map(|_| 2.0 * rng.uniform() - 1.0).collect()
}

/// max |a - b| / max(1, |b|) over value, y and vjp.
fn diff(a: &diffknap::ops::Relaxed<f64>, b: &diffknap::ops::Relaxed<f64>) -> f64 {
    let rel = |x: f64, y: f64| (x - y).abs() / y.abs().max(1.0);
    let mut d = rel(a.value, b.value);
    for (x, y) in a.y.iter().zip(&b.y) {
        d = d.max(rel(*x, *y));
    }
    if let (Some(va), Some(vb)) = (&a.vjp, &b.vjp) {
        for (x, y) in va.iter().zip(vb) {
            d = d.max(rel(*x, *y));
        }
    }
    d
}

#[test]
fn parse_accepts_tsallis_alpha_and_refuses_bad_alphas() {
    assert_eq!(RegKind::parse("tsallis").unwrap(), RegKind::Tsallis);
    assert_eq!(RegKind::parse("tsallis:1").unwrap(), RegKind::Shannon);
    let k = RegKind::parse("tsallis:1.3").unwrap();
    assert_eq!(k, alpha(1.3));
    assert_eq!(k.label(), "tsallis:1.3");
    assert_eq!(RegKind::parse(&k.label()).unwrap(), k);
    assert_eq!(RegKind::parse("tsallis:2").unwrap(), alpha(2.0));
    for bad in [
        "tsallis:",
        "tsallis:abc",
        "tsallis:0.5",
        "tsallis:-3",
        "tsallis:inf",
        "tsallis:NaN",
        "tsallis:101",
    ] {
        let e = RegKind::parse(bad).unwrap_err();
        assert!(e.to_string().starts_with("regularizer"), "{bad}: {e}");
    }
}

#[test]
fn relax_request_reads_tsallis_alpha() {
    let line = serde_json::json!({"constraint": "knapsack", "theta": [1.0, 0.3, -0.2],
        "weights": [2, 1, 3], "capacity": 3, "regularizer": "tsallis:1.3", "gamma": 0.7});
    let req =
        diffknap::request::relax::parse_request(&line, diffknap::request::json::f64_of).unwrap();
    assert_eq!(req.regularizer, alpha(1.3));
}

#[test]
fn root_finder_matches_the_closed_forms_of_gini_tsallis_and_alpha_3() {
    // The f64 root finder against three closed forms written independently of it:
    // alpha = 2 (a = 1): F(m) = 1 - 2m = t, m = 1/2 - t/2; alpha = 3 (a = 2):
    // F(m) = ((1-m)^2 - m^2)/2 = 1/2 - m = t, m = 1/2 - t; alpha = 1.5: SPEC A.2's closed form,
    // m = (1 - c^2)^2 / (2 (1 + c sqrt(2 - c^2))) with c = t/2.
    let mut worst: f64 = 0.0;
    for k in 0..2000 {
        let u = (k as f64 + 0.5) / 2000.0; // in (0, 1): t as a fraction of the threshold 1/a
        let m2 = small_side(1.0, u);
        worst = worst.max((m2 - (0.5 - u / 2.0)).abs());
        let t3 = u / 2.0;
        let m3 = small_side(2.0, t3);
        worst = worst.max((m3 - (0.5 - t3)).abs());
        let t15 = 2.0 * u;
        let c = t15 / 2.0;
        let m15 = (1.0 - c * c).powi(2) / (2.0 * (1.0 + c * (2.0 - c * c).sqrt()));
        let m = small_side(0.5, t15);
        worst = worst.max((m - m15).abs() / m15.clamp(1e-3, 1.0));
    }
    assert!(worst < 1e-14, "worst {worst:e}");
}

#[test]
fn alpha_2_and_1_5_reproduce_gini_and_tsallis_on_random_instances() {
    let mut rng = Rng::seed(13);
    let mut worst: f64 = 0.0;
    for trial in 0..300 {
        let inst = random_instance(&mut rng, 7);
        let gamma = 0.05 + 3.0 * rng.uniform();
        let extras = Extras {
            z: Some(z_for(&mut rng, inst.n())),
            samples: 0,
            seed: 0,
        };
        for (general, closed) in [(alpha(2.0), RegKind::Gini), (alpha(1.5), RegKind::Tsallis)] {
            let a = relax_f64(&inst, general, gamma, &extras).unwrap();
            let b = relax_f64(&inst, closed, gamma, &extras).unwrap();
            let d = diff(&a, &b);
            assert!(d < 1e-14, "trial {trial} {general}: {d:e}");
            worst = worst.max(d);
        }
    }
    assert!(worst.is_finite());
}

#[test]
fn two_way_alpha_matches_closed_forms_pointwise() {
    let g = TsallisAlpha::new(Alpha::new(2.0).unwrap());
    let t = TsallisAlpha::new(Alpha::new(1.5).unwrap());
    let mut rng = Rng::seed(5);
    for _ in 0..5000 {
        let s = 6.0 * rng.uniform() - 3.0;
        let p = 6.0 * rng.uniform() - 3.0;
        let gamma = 0.01 + 4.0 * rng.uniform();
        let (v1, q1) = g.smax(&s, &p, &gamma);
        let (v2, q2) = Gini.smax(&s, &p, &gamma);
        assert!((v1 - v2).abs() <= 1e-14 * v2.abs().max(1.0) && (q1 - q2).abs() <= 1e-15);
        let (v1, q1) = t.smax(&s, &p, &gamma);
        let (v2, q2) = Tsallis.smax(&s, &p, &gamma);
        assert!((v1 - v2).abs() <= 1e-14 * v2.abs().max(1.0) && (q1 - q2).abs() <= 1e-15);
        for q in [q1, 0.5 * rng.uniform(), 1.0 - 0.5 * rng.uniform()] {
            let (a, b) = (t.dq(&q, &gamma), Tsallis.dq(&q, &gamma));
            assert!((a - b).abs() <= 1e-14 * b.abs().max(1.0 / gamma));
            let (a, b) = (g.dq(&q, &gamma), Gini.dq(&q, &gamma));
            assert!((a - b).abs() <= 1e-14 * b.abs().max(1.0 / gamma));
        }
    }
}

#[test]
fn alpha_to_1_converges_to_shannon() {
    let mut rng = Rng::seed(21);
    let insts: Vec<(Instance<f64>, f64, Vec<f64>)> = (0..40)
        .map(|_| {
            let inst = random_instance(&mut rng, 6);
            let z = z_for(&mut rng, inst.n());
            (inst, 0.2 + 2.0 * rng.uniform(), z)
        })
        .collect();
    let mut prev = f64::INFINITY;
    for k in 1..=7 {
        let a = 1.0 + 10f64.powi(-k);
        let mut worst: f64 = 0.0;
        for (inst, gamma, z) in &insts {
            let extras = Extras {
                z: Some(z.clone()),
                samples: 0,
                seed: 0,
            };
            let x = relax_f64(inst, alpha(a), *gamma, &extras).unwrap();
            let y = relax_f64(inst, RegKind::Shannon, *gamma, &extras).unwrap();
            worst = worst.max(diff(&x, &y));
        }
        // The distance to shannon is O(alpha - 1): it shrinks by about 10 per step.
        assert!(worst < prev, "alpha {a}: {worst:e} >= {prev:e}");
        assert!(worst < 10.0 * 10f64.powi(-k), "alpha {a}: {worst:e}");
        prev = worst;
    }
    assert!(prev < 1e-6);
}

#[test]
fn general_alpha_matches_the_recursive_oracle() {
    // The oracle maximises q p + (1 - q) s + gamma H(q) by bisection on H' written from the
    // definition (powers, not the root finder) over all paths top-down.
    let mut rng = Rng::seed(77);
    for trial in 0..200 {
        let inst = random_instance(&mut rng, 6);
        let a = [1.05, 1.3, 1.7, 2.5, 4.0, 9.0][trial % 6];
        let gamma = 0.1 + 2.0 * rng.uniform();
        let out = relax_f64(&inst, alpha(a), gamma, &Extras::default()).unwrap();
        let (v, g) = diffknap::oracle::recursive::value_and_grad(&inst, alpha(a), gamma).unwrap();
        assert!(
            (out.value - v).abs() < 1e-9 * v.abs().max(1.0),
            "trial {trial}"
        );
        for (x, y) in out.y.iter().zip(&g) {
            assert!((x - y).abs() < 1e-7, "trial {trial} alpha {a}: {x} vs {y}");
        }
    }
}

#[test]
fn general_alpha_obeys_the_bounds_and_vjp_identities() {
    // V_hard <= V <= V_hard + n gamma Hmax; 0 <= y <= 1; <z, y> direction: the VJP equals the
    // central difference of <z, y> in theta (y = grad V, Jacobian symmetric).
    let mut rng = Rng::seed(3);
    for trial in 0..150 {
        let inst = random_instance(&mut rng, 6);
        let a = 1.0 + 0.05 + 4.0 * rng.uniform();
        let kind = alpha(a);
        let gamma = 0.1 + 2.0 * rng.uniform();
        let z = z_for(&mut rng, inst.n());
        let extras = Extras {
            z: Some(z.clone()),
            samples: 0,
            seed: 0,
        };
        let out = relax_f64(&inst, kind, gamma, &extras).unwrap();
        let hard = relax_f64(&inst, RegKind::Hard, 0.0, &Extras::default()).unwrap();
        let gap = inst.n() as f64 * gamma * kind.h_max();
        assert!(out.value >= hard.value - 1e-12 && out.value <= hard.value + gap + 1e-12);
        assert!(out.y.iter().all(|y| (-1e-15..=1.0 + 1e-15).contains(y)));
        // Finite differences of y along z versus the VJP (symmetric Jacobian: J z = J^T z).
        let h = 1e-6;
        let shifted = |sign: f64| {
            let th: Vec<f64> = inst
                .theta()
                .iter()
                .zip(&z)
                .map(|(t, zi)| t + sign * h * zi)
                .collect();
            relax_f64(
                &inst.with_theta(th).unwrap(),
                kind,
                gamma,
                &Extras::default(),
            )
            .unwrap()
            .y
        };
        let (yp, ym) = (shifted(1.0), shifted(-1.0));
        let vjp = out.vjp.unwrap();
        for i in 0..inst.n() {
            let fd = (yp[i] - ym[i]) / (2.0 * h);
            // Skip kinks of the sparse regime (a jump of the Jacobian inside the stencil).
            if (fd - vjp[i]).abs() > 1e-4 * (1.0 + 1.0 / gamma) {
                let kinked = [h, 2.0 * h].iter().any(|&hh| {
                    let th: Vec<f64> = inst
                        .theta()
                        .iter()
                        .zip(&z)
                        .map(|(t, zi)| t + hh * zi)
                        .collect();
                    let y2 = relax_f64(
                        &inst.with_theta(th).unwrap(),
                        kind,
                        gamma,
                        &Extras::default(),
                    )
                    .unwrap()
                    .y;
                    ((y2[i] - out.y[i]) / hh - vjp[i]).abs() > 1e-4 * (1.0 + 1.0 / gamma)
                });
                assert!(
                    kinked,
                    "trial {trial} alpha {a} item {i}: fd {fd} vs vjp {}",
                    vjp[i]
                );
            }
        }
    }
}

#[test]
fn exact_precision_serves_alpha_2_and_3_and_refuses_the_rest() {
    use diffknap::num::rational::Rational;
    let mut rng = Rng::seed(9);
    for _ in 0..50 {
        let f = random_instance(&mut rng, 5);
        let theta: Vec<Rational> = f.theta().iter().map(|&t| Rational::from_f64(t)).collect();
        let inst = f.with_theta(theta).unwrap();
        let gamma = Rational::from_f64(0.25 + rng.uniform());
        let ex = Extras::default();
        let a2 = relax_exact(&inst, alpha(2.0), &gamma, &ex).unwrap();
        let gi = relax_exact(&inst, RegKind::Gini, &gamma, &ex).unwrap();
        assert_eq!(a2, gi);
        let a3 = relax_exact(&inst, alpha(3.0), &gamma, &ex).unwrap();
        // Independently: H_3 = q(1-q)/2, so the f64 root finder at alpha 3 agrees with it.
        let f3 = relax_f64(&f, alpha(3.0), gamma.to_f64(), &Extras::default()).unwrap();
        assert!((a3.value.to_f64() - f3.value).abs() < 1e-12 * f3.value.abs().max(1.0));
        for (x, y) in a3.y.iter().zip(&f3.y) {
            assert!((x.to_f64() - y).abs() < 1e-12);
        }
    }
    let f = random_instance(&mut rng, 4);
    let theta: Vec<Rational> = f.theta().iter().map(|&t| Rational::from_f64(t)).collect();
    let inst = f.with_theta(theta).unwrap();
    let e = relax_exact(
        &inst,
        alpha(1.3),
        &Rational::from_f64(0.5),
        &Extras::default(),
    )
    .unwrap_err();
    assert!(matches!(e, Error::Unsupported { .. }), "{e}");
    assert!(e.to_string().contains("tsallis:1.3"));
}

#[test]
fn fast_backends_fall_back_to_the_reference_for_general_alpha() {
    use diffknap::backend::{self, Plan};
    let mut rng = Rng::seed(4);
    for _ in 0..30 {
        let inst = random_instance(&mut rng, 6);
        let extras = Extras {
            z: Some(z_for(&mut rng, inst.n())),
            samples: 3,
            seed: 8,
        };
        let a = relax_f64(&inst, alpha(1.3), 0.6, &extras).unwrap();
        let b = backend::relax(
            &inst,
            alpha(1.3),
            0.6,
            &extras,
            &Plan::new(backend::Isa::detect(), backend::Par::Seq),
        )
        .unwrap();
        assert_eq!(a, b);
    }
    // The low-level kernels refuse with a typed error instead.
    let inst = Instance::knapsack(vec![1.0, 2.0], vec![1, 1], 1).unwrap();
    let e = backend::forward(
        &inst,
        alpha(1.3),
        0.5,
        &Plan::new(backend::Isa::detect(), backend::Par::Seq),
    )
    .unwrap_err();
    assert!(matches!(e, Error::Unsupported { .. }));
}

#[test]
fn shannon_and_generic_agree_on_the_two_way_max_near_alpha_1() {
    let r = TsallisAlpha::new(Alpha::new(1.0 + 1e-9).unwrap());
    for k in 0..200 {
        let d = -6.0 + 12.0 * k as f64 / 199.0;
        let (v1, q1) = r.smax(&0.0, &d, &1.0);
        let (v2, q2) = Shannon.smax(&0.0, &d, &1.0);
        assert!((v1 - v2).abs() < 1e-7 && (q1 - q2).abs() < 1e-7, "d {d}");
    }
}

// ---- user-defined regularizers ------------------------------------------------------------

use diffknap::reg::{Builtin, CheckOptions, Custom, TwoWay, check_two_way};

/// Gini at twice the scale, H(q) = 2 q (1 - q): the smoothed max equals gini's at 2 gamma.
#[derive(Debug, Clone, Copy)]
struct ScaledGini {
    /// A deliberate error in the derivative (1 = correct).
    dq_factor: f64,
    /// A deliberate error in the choice (0 = correct).
    q_shift: f64,
}

impl TwoWay for ScaledGini {
    fn entropy(&self, q: f64) -> f64 {
        2.0 * q * (1.0 - q)
    }
    fn choice(&self, d: f64, gamma: f64) -> f64 {
        (0.5 + d / (4.0 * gamma) + self.q_shift).clamp(0.0, 1.0)
    }
    fn dchoice(&self, q: f64, gamma: f64) -> f64 {
        if q > 0.0 && q < 1.0 {
            self.dq_factor / (4.0 * gamma)
        } else {
            0.0
        }
    }
}

const GOOD: ScaledGini = ScaledGini {
    dq_factor: 1.0,
    q_shift: 0.0,
};

#[test]
fn user_regularizer_runs_through_every_algorithm() {
    use diffknap::dp;
    use diffknap::ops::relax_with;
    let mut rng = Rng::seed(31);
    for trial in 0..100 {
        let inst = random_instance(&mut rng, 6);
        let gamma = 0.1 + 2.0 * rng.uniform();
        let z = z_for(&mut rng, inst.n());
        let extras = Extras {
            z: Some(z.clone()),
            samples: 0,
            seed: 0,
        };
        // Forward, marginals and VJP against gini at 2 gamma (the crate's own closed form).
        let user = relax_with(&inst, Custom(GOOD), &gamma, &extras).unwrap();
        let gini = relax_f64(&inst, RegKind::Gini, 2.0 * gamma, &extras).unwrap();
        assert!(
            diff(&user, &gini) < 1e-13,
            "trial {trial}: {:e}",
            diff(&user, &gini)
        );
        // The generic DP directly: E rows sum to 1, y = sum E Q.
        let fwd = dp::forward(&inst, Custom(GOOD), &gamma).unwrap();
        let marg = dp::marginals(&inst, &fwd);
        for i in 0..=inst.n() {
            let s: f64 = marg.e.row(i).iter().sum();
            assert!((s - 1.0).abs() < 1e-12);
        }
    }
    // Sampling: feasible draws whose mean approaches y (4000 draws: 5 standard errors).
    let inst = Instance::knapsack(vec![0.4, 0.1, -0.2, 0.3], vec![1, 2, 1, 2], 3).unwrap();
    let extras = Extras {
        z: None,
        samples: 4000,
        seed: 5,
    };
    let out = relax_with(&inst, Custom(GOOD), &0.8, &extras).unwrap();
    let mut mean = vec![0.0; inst.n()];
    for s in &out.samples {
        let w: usize = s
            .selection
            .iter()
            .zip(inst.weights())
            .filter(|(b, _)| **b)
            .map(|(_, w)| w)
            .sum();
        assert!(w <= inst.capacity());
        for (m, b) in mean.iter_mut().zip(&s.selection) {
            *m += f64::from(u8::from(*b)) / 4000.0;
        }
    }
    for (m, y) in mean.iter().zip(&out.y) {
        assert!((m - y).abs() < 5.0 * 0.5 / 4000f64.sqrt(), "{m} vs {y}");
    }
    // gamma <= 0 is refused with a typed error.
    assert!(relax_with(&inst, Custom(GOOD), &0.0, &Extras::default()).is_err());
}

#[test]
fn check_helper_passes_correct_closed_forms_and_catches_wrong_ones() {
    let opts = CheckOptions::default();
    let good = check_two_way(&GOOD, &opts);
    assert!(good.passed(1e-6), "{good:?}");
    let bad_dq = check_two_way(
        &ScaledGini {
            dq_factor: 2.0,
            q_shift: 0.0,
        },
        &opts,
    );
    // The derivative is off by 1/(4 gamma), i.e. 0.25 in the report's units (gamma |error|).
    assert!(!bad_dq.passed(1e-6));
    assert!((bad_dq.derivative.error - 0.25).abs() < 1e-6, "{bad_dq:?}");
    assert!(bad_dq.choice.error < 1e-6 && bad_dq.value.error < 1e-6);
    let bad_q = check_two_way(
        &ScaledGini {
            dq_factor: 1.0,
            q_shift: 0.01,
        },
        &opts,
    );
    assert!(
        bad_q.choice.error > 0.009 && !bad_q.passed(1e-6),
        "{bad_q:?}"
    );
    // The built-in closed forms pass, general alpha included (its root finder against the
    // variational definition).
    let builtins = [
        check_two_way(&Builtin(Shannon, RegKind::Shannon), &opts),
        check_two_way(&Builtin(Gini, RegKind::Gini), &opts),
        check_two_way(&Builtin(Tsallis, RegKind::Tsallis), &opts),
        check_two_way(
            &Builtin(TsallisAlpha::new(Alpha::new(1.3).unwrap()), alpha(1.3)),
            &opts,
        ),
        check_two_way(
            &Builtin(TsallisAlpha::new(Alpha::new(4.0).unwrap()), alpha(4.0)),
            &opts,
        ),
    ];
    for r in builtins {
        assert!(r.passed(1e-6), "{r:?}");
    }
}

// ---- certified --------------------------------------------------------------------------

#[test]
fn certified_general_alpha_contains_the_f64_results_and_agrees_with_closed_forms() {
    use diffknap::certified::{Target, relax_certified};
    let mut rng = Rng::seed(17);
    let near = |iv: &diffknap::certified::Interval, x: f64| {
        let tol = 1e-12 * x.abs().max(1.0);
        iv.is_valid() && iv.lo_f64() - tol <= x && x <= iv.hi_f64() + tol
    };
    let overlap = |a: &diffknap::certified::Interval, b: &diffknap::certified::Interval| {
        let (al, ah) = a.bounds().unwrap();
        let (bl, bh) = b.bounds().unwrap();
        al <= bh && bl <= ah
    };
    for trial in 0..24 {
        let inst = random_instance(&mut rng, 4);
        let a = [1.3, 1.5, 2.0, 2.7, 1.05, 6.0][trial % 6];
        let gamma = 0.2 + rng.uniform();
        let z = z_for(&mut rng, inst.n());
        let extras = Extras {
            z: Some(z.clone()),
            samples: 0,
            seed: 0,
        };
        let f = relax_f64(&inst, alpha(a), gamma, &extras).unwrap();
        let c = relax_certified(&inst, alpha(a), gamma, Some(&z), &Target::digits(20)).unwrap();
        assert!(near(&c.value, f.value), "trial {trial} alpha {a}: value");
        for (iv, x) in c.y.iter().zip(&f.y) {
            assert!(
                near(iv, *x),
                "trial {trial} alpha {a}: y {x} not in [{}, {}]",
                iv.lo_f64(),
                iv.hi_f64()
            );
        }
        for (iv, x) in c.vjp.as_ref().unwrap().iter().zip(f.vjp.as_ref().unwrap()) {
            assert!(near(iv, *x), "trial {trial} alpha {a}: vjp");
        }
        // alpha = 1.5 and 2 are tsallis and gini: both enclosures hold the same exact numbers.
        let closed = match a {
            1.5 => Some(RegKind::Tsallis),
            2.0 => Some(RegKind::Gini),
            _ => None,
        };
        if let Some(k) = closed {
            let d = relax_certified(&inst, k, gamma, Some(&z), &Target::digits(20)).unwrap();
            assert!(overlap(&c.value, &d.value), "trial {trial}");
            for (x, y) in c.y.iter().zip(&d.y) {
                assert!(overlap(x, y), "trial {trial} alpha {a}");
            }
        }
    }
}

// ---- study ------------------------------------------------------------------------------

use diffknap::study;

/// Runs the `diffknap` binary with `args` and `input` on standard input; (status, stdout).
fn run_cli(args: &[&str], input: &str) -> (i32, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_diffknap"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn shannon_is_equivariant_to_round_off() {
    let opts = study::Options {
        trials: 400,
        seed: 1,
        max_n: 7,
    };
    let e = study::equivariance(RegKind::Shannon, &opts, &mut |_, _| {}).unwrap();
    assert!(e.max_deviation < 1e-12, "{:e}", e.max_deviation);
    assert!(e.witness.is_none());
}

#[test]
fn every_other_alpha_breaks_equivariance_with_a_witness_that_relax_replays() {
    let opts = study::Options {
        trials: 200,
        seed: 2,
        max_n: 6,
    };
    let kinds = [
        RegKind::Gini,
        RegKind::Tsallis,
        alpha(1.05),
        alpha(1.3),
        alpha(1.5),
        alpha(2.5),
        alpha(4.0),
    ];
    for kind in kinds {
        let e = study::equivariance(kind, &opts, &mut |_, _| {}).unwrap();
        assert!(e.max_deviation > 1e-3, "{kind}: {:e}", e.max_deviation);
        let w = e.witness.expect("a witness");
        assert!(w.deviation > 1e-3 && w.instance.n() <= 6);
        // Replay both orders with the command line.
        let [a, b] = w.lines(kind);
        let (code, out) = run_cli(&["relax", "--backend", "reference"], &format!("{a}\n{b}\n"));
        assert_eq!(code, 0, "{out}");
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let (ya, yb) = (floats(&lines[0]["y"]), floats(&lines[1]["y"]));
        let dev = w
            .perm
            .iter()
            .enumerate()
            .map(|(j, &i)| (yb[j] - ya[i]).abs())
            .fold(0.0, f64::max);
        assert!(dev > 1e-3, "{kind}: replayed deviation {dev:e}");
        assert!((dev - w.deviation).abs() < 1e-12);
        for (x, y) in ya.iter().zip(&w.y_a).chain(yb.iter().zip(&w.y_b)) {
            assert!((x - y).abs() < 1e-12);
        }
    }
}

#[test]
fn measured_sparsity_thresholds_match_the_theory() {
    let g = study::sparsity(RegKind::Gini).unwrap();
    assert!((g.measured - 1.0).abs() < 1e-9, "{g:?}");
    let t = study::sparsity(RegKind::Tsallis).unwrap();
    assert!((t.measured - 2.0).abs() < 1e-9, "{t:?}");
    for a in [1.1, 1.3, 1.5, 1.8, 2.0, 2.5, 4.0, 10.0] {
        let s = study::sparsity(alpha(a)).unwrap();
        let theory = 1.0 / (a - 1.0);
        assert_eq!(s.theory, theory);
        assert!(
            (s.measured - theory).abs() < 1e-9 * theory,
            "alpha {a}: {s:?}"
        );
    }
    // shannon is never sparse in exact arithmetic: f64 only rounds its q to 0 or 1 far out.
    let s = study::sparsity(RegKind::Shannon).unwrap();
    assert!(s.theory.is_infinite() && s.measured > 30.0);
}

#[test]
fn study_gap_smoothness_and_limits_are_consistent_with_the_theory() {
    let opts = study::Options {
        trials: 100,
        seed: 3,
        max_n: 6,
    };
    for kind in [
        RegKind::Shannon,
        RegKind::Gini,
        RegKind::Tsallis,
        alpha(1.3),
        alpha(3.0),
    ] {
        let g = study::gap(kind, &opts, &mut |_, _| {}).unwrap();
        assert!(g.worst > 0.0 && g.worst <= g.h_max + 1e-12, "{kind}: {g:?}");
        let l = study::limits(kind, 30, 3).unwrap();
        assert!(l.instances == 30);
        // gamma -> 0: y tends to the hard indicator (scores have two decimals, so the
        // smallest optimality gap is 0.01 and shannon's error at gamma 1e-3 is e^-10).
        assert!(
            l.small[2].1 < 1e-4 && l.small[2].1 <= l.small[1].1,
            "{kind}: {l:?}"
        );
        // gamma -> infinity: uniform marginals on Y for shannon only.
        let far = l.large[1].1;
        if kind == RegKind::Shannon {
            assert!(far < 1e-3, "{l:?}");
        } else {
            assert!(far > 1e-2, "{kind}: {l:?}");
        }
    }
    // Sparse regularizers reach the hard indicator exactly at a finite gamma.
    let l = study::limits(RegKind::Gini, 30, 3).unwrap();
    assert_eq!(l.small[2].2, 30);
    // The Jacobian is continuous for alpha < 2 (dq -> 0 at the sparse boundary) and jumps for
    // alpha >= 2 (gini's dq jumps from 1/(2 gamma) to 0).
    for (kind, continuous) in [
        (RegKind::Shannon, true),
        (RegKind::Tsallis, true),
        (RegKind::Gini, false),
        (alpha(3.0), false),
    ] {
        let s = study::smoothness(kind, 4, 5, &mut |_, _| {}).unwrap();
        if continuous {
            assert!(s.jump_1000 < 0.2 * s.jump_100, "{kind}: {s:?}");
        } else {
            assert!(
                s.jump_1000 > 0.5 * s.jump_100 && s.jump_100 > 0.1,
                "{kind}: {s:?}"
            );
        }
    }
}

#[test]
fn study_command_line_reports_json_and_refuses_bad_arguments() {
    let (code, out) = run_cli(
        &[
            "study",
            "--regularizer",
            "tsallis:1.3",
            "--trials",
            "20",
            "--seed",
            "4",
            "--json",
        ],
        "",
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["regularizer"], "tsallis:1.3");
    assert!(v["equivariance"]["max_deviation"].as_f64().unwrap() > 1e-3);
    assert!((v["sparsity"]["theory"].as_f64().unwrap() - 1.0 / 0.3).abs() < 1e-12);
    let (code, _) = run_cli(&["study", "--regularizer", "tsallis:0.5"], "");
    assert_eq!(code, 2);
    let (code, _) = run_cli(&["study", "--regularizer", "hard", "--trials", "5"], "");
    assert_eq!(code, 1);
    let (code, _) = run_cli(&["study", "--regularizer", "gini", "--trials", "0"], "");
    assert_eq!(code, 2);
}

// ---- plots ------------------------------------------------------------------------------

#[test]
fn plots_are_produced_and_non_empty() {
    use diffknap::study::plot::{Kind, default_regularizers, plot};
    let dir = std::env::temp_dir().join(format!("diffknap-plots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let regs = default_regularizers();
    for (kind, name) in [
        (Kind::Sweep, "sweep"),
        (Kind::Equivariance, "equivariance"),
        (Kind::Smax, "smax"),
    ] {
        let svg = dir.join(format!("{name}.svg"));
        plot(kind, &regs, &svg).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        // An SVG document with drawn curves and the regularizers' labels.
        assert!(text.starts_with("<svg") && text.trim_end().ends_with("</svg>"));
        assert!(text.matches("<polyline").count() >= regs.len(), "{name}");
        for r in &regs {
            assert!(text.contains(&r.label()), "{name}: {r}");
        }
        let png = dir.join(format!("{name}.png"));
        plot(kind, &regs, &png).unwrap();
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        assert!(bytes.len() > 5000, "{name}: {} bytes", bytes.len());
    }
    // The command line, and its refusals.
    let out = dir.join("cli.svg");
    let (code, _) = run_cli(
        &[
            "plot",
            "smax",
            "--out",
            out.to_str().unwrap(),
            "--regularizers",
            "gini,tsallis:1.7",
        ],
        "",
    );
    assert_eq!(code, 0);
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("tsallis:1.7")
    );
    let (code, _) = run_cli(
        &["plot", "smax", "--out", dir.join("x.jpg").to_str().unwrap()],
        "",
    );
    assert_eq!(code, 1);
    let (code, _) = run_cli(&["plot", "nonsense", "--out", out.to_str().unwrap()], "");
    assert_eq!(code, 2);
    let _ = std::fs::remove_dir_all(&dir);
}
