//! Properties of the reference operators (SPEC A.4), each against ground truth that shares no
//! code with the DP: brute-force enumeration, the definition-based recursive oracle, the exact
//! feasible-set count, finite differences.
//!
//! Tolerances: the DP and the oracles are both accurate to a few ulps times the problem size
//! (n <= 10, |theta| <= 3), so agreement is asserted at 1e-9 relative; finite differences use
//! central steps h = 1e-5 whose truncation error h^2 |V'''| / 6 stays below 1e-6 for
//! gamma >= 0.2, and are only compared where V is smooth (checked by two step sizes agreeing).

use crate::common::{instance, reg_gamma, rel_err, smooth_reg};
use diffknap::dp::{self, Forward};
use diffknap::num::Num;
use diffknap::num::rational::Rational;
use diffknap::ops::{Extras, relax_exact, relax_f64, relax_with};
use diffknap::oracle::{brute, count, fd, recursive};
use diffknap::reg::{Gini, Hard, Regularizer, Shannon, Tsallis};
use diffknap::{Budget, Constraint, Error, Instance, RegKind};
use proptest::prelude::*;

fn run(
    inst: &Instance<f64>,
    kind: RegKind,
    gamma: f64,
    z: Option<Vec<f64>>,
) -> diffknap::ops::Relaxed<f64> {
    relax_f64(
        inst,
        kind,
        gamma,
        &Extras {
            z,
            samples: 0,
            seed: 0,
        },
    )
    .unwrap()
}

fn value(inst: &Instance<f64>, kind: RegKind, gamma: f64, theta: &[f64]) -> f64 {
    run(&inst.with_theta(theta.to_vec()).unwrap(), kind, gamma, None).value
}

fn y_of(inst: &Instance<f64>, kind: RegKind, gamma: f64, theta: &[f64]) -> Vec<f64> {
    run(&inst.with_theta(theta.to_vec()).unwrap(), kind, gamma, None).y
}

fn to_exact(inst: &Instance<f64>) -> Instance<Rational> {
    inst.with_theta(
        inst.theta()
            .iter()
            .map(|&t| Rational::from_f64(t))
            .collect(),
    )
    .unwrap()
}

fn forward_f64(inst: &Instance<f64>, kind: RegKind, gamma: f64) -> Forward<f64> {
    match kind {
        RegKind::Hard => dp::forward(inst, Hard, &0.0),
        RegKind::Shannon => dp::forward(inst, Shannon, &gamma),
        RegKind::Gini => dp::forward(inst, Gini, &gamma),
        RegKind::Tsallis => dp::forward(inst, Tsallis, &gamma),
    }
    .unwrap()
}

fn zvec(n: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(-2.0f64..2.0, n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Shannon is a global log-partition: V = gamma ln sum_Y exp(<theta,y>/gamma), y are the
    /// Gibbs marginals and vjp(z) is the Gibbs covariance / gamma times z.
    #[test]
    fn shannon_value_is_log_partition(
        (inst, z) in instance(9, 4).prop_flat_map(|i| { let n = i.n(); (Just(i), zvec(n)) }),
        gamma in 0.05f64..5.0,
    ) {
        let out = run(&inst, RegKind::Shannon, gamma, Some(z.clone()));
        let g = brute::gibbs(&inst, gamma).unwrap();
        prop_assert!((out.value - g.value).abs() <= 1e-9 * g.value.abs().max(1.0), "{} vs {}", out.value, g.value);
        prop_assert!(rel_err(&out.y, &g.mean) <= 1e-9);
        let hz: Vec<f64> = g.hessian.iter().map(|row| row.iter().zip(&z).map(|(h, z)| h * z).sum()).collect();
        prop_assert!(rel_err(out.vjp.as_ref().unwrap(), &hz) <= 1e-8 / gamma.min(1.0));
    }

    /// Permuting (theta, w) jointly permutes y and keeps V, for shannon.
    #[test]
    fn shannon_permutation_equivariance(
        inst in instance(9, 4),
        gamma in 0.05f64..5.0,
        seed in any::<u64>(),
    ) {
        let n = inst.n();
        let mut perm: Vec<usize> = (0..n).collect();
        let mut rng = diffknap::rng::Rng::seed(seed);
        for i in (1..n).rev() {
            perm.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let theta: Vec<f64> = perm.iter().map(|&p| inst.theta()[p]).collect();
        let weights: Vec<u64> = perm.iter().map(|&p| inst.weights()[p] as u64).collect();
        let permuted = Instance::new(inst.constraint(), theta, Some(weights), inst.capacity() as u64, Budget::default()).unwrap();
        let a = run(&inst, RegKind::Shannon, gamma, None);
        let b = run(&permuted, RegKind::Shannon, gamma, None);
        prop_assert!((a.value - b.value).abs() <= 1e-10 * a.value.abs().max(1.0));
        let a_perm: Vec<f64> = perm.iter().map(|&p| a.y[p]).collect();
        prop_assert!(rel_err(&b.y, &a_perm) <= 1e-10);
    }

    /// The hard DP computes the maximum of <theta, y> over feasible sets, and its argmax path
    /// is a feasible optimum; checked exactly in rationals.
    #[test]
    fn hard_dp_equals_brute_force(inst in instance(10, 5)) {
        let exact = to_exact(&inst);
        let (v, sel) = diffknap::solve::hard_dp(&exact).unwrap();
        let (best, argmax) = brute::hard_optimum(&exact).unwrap();
        prop_assert_eq!(&v, &best);
        prop_assert!(argmax.contains(&sel));
        let out = run(&inst, RegKind::Hard, 0.0, None);
        // Tolerance: the proved bound of the f64 hard DP (proofs/DPError.v, hard_dp_error) plus
        // the rounding of the exact optimum to f64.
        let th = inst.theta().iter().fold(0.0f64, |m, t| m.max(t.abs()));
        let tol = diffknap::error_bound::value_error_bound(diffknap::error_bound::Evaluation::Hard, inst.n(), 0.0, th).unwrap()
            + f64::EPSILON * best.to_f64().abs();
        prop_assert!((out.value - best.to_f64()).abs() <= tol);
    }

    /// Exact gini and hard: the exact DP's value and y equal, exactly, the top-down evaluation
    /// of the recursion from its definition (candidates q = 0, 1, vertex; envelope gradient).
    #[test]
    fn exact_gini_and_hard_equal_enumeration(inst in instance(7, 3), g in 1i64..40) {
        let exact = to_exact(&inst);
        for (kind, gamma) in [(RegKind::Gini, Rational::new(g.into(), 10.into())), (RegKind::Hard, Rational::from_i64(0))] {
            let out = relax_exact(&exact, kind, &gamma, &Extras::default()).unwrap();
            let (v, grad) = recursive::value_and_grad_exact(&exact, kind, &gamma).unwrap();
            prop_assert_eq!(&out.value, &v);
            prop_assert_eq!(&out.y, &grad);
        }
    }

    /// The f64 reference agrees with the exact rational DP for gini (value, y, vjp).
    #[test]
    fn f64_gini_agrees_with_exact(
        (inst, z) in instance(8, 3).prop_flat_map(|i| { let n = i.n(); (Just(i), proptest::collection::vec(-4i64..4, n)) }),
        g in 1i64..40,
    ) {
        let exact = to_exact(&inst);
        let gamma = Rational::new(g.into(), 8.into());
        let zr: Vec<Rational> = z.iter().map(|&k| Rational::from_i64(k)).collect();
        let ex = relax_exact(&exact, RegKind::Gini, &gamma, &Extras { z: Some(zr), samples: 0, seed: 0 }).unwrap();
        let fl = run(&inst, RegKind::Gini, g as f64 / 8.0, Some(z.iter().map(|&k| k as f64).collect()));
        let to = |v: &[Rational]| v.iter().map(|x| x.to_f64()).collect::<Vec<_>>();
        prop_assert!((fl.value - ex.value.to_f64()).abs() <= 1e-12 * fl.value.abs().max(1.0));
        prop_assert!(rel_err(&fl.y, &to(&ex.y)) <= 1e-12);
        prop_assert!(rel_err(fl.vjp.as_ref().unwrap(), &to(ex.vjp.as_ref().unwrap())) <= 1e-11);
    }

    /// Every regularizer: the DP equals the recursion evaluated top-down from the definition
    /// (two-way max found by bisection on the first-order condition, no closed form).
    #[test]
    fn dp_matches_definition_oracle(inst in instance(8, 3), (kind, gamma) in reg_gamma()) {
        let out = run(&inst, kind, gamma, None);
        let (v, grad) = recursive::value_and_grad(&inst, kind, gamma).unwrap();
        prop_assert!((out.value - v).abs() <= 1e-9 * v.abs().max(1.0), "{} vs {}", out.value, v);
        prop_assert!(rel_err(&out.y, &grad) <= 1e-7, "{:?} vs {:?}", out.y, grad);
    }

    /// V_hard <= V <= V_hard + n gamma Hmax; shannon also V <= V_hard + gamma ln|Y| (|Y| by
    /// the exact big-integer count).
    #[test]
    fn value_bounds(inst in instance(12, 5), kind in smooth_reg(), gamma in 0.01f64..10.0) {
        let hard = run(&inst, RegKind::Hard, 0.0, None).value;
        let v = run(&inst, kind, gamma, None).value;
        let tol = 1e-12 * (hard.abs() + gamma * inst.n() as f64 + 1.0);
        prop_assert!(v >= hard - tol);
        prop_assert!(v <= hard + inst.n() as f64 * gamma * kind.h_max() + tol);
        if kind == RegKind::Shannon {
            let ln_y = count::ln_count(&count::count_feasible(&inst));
            prop_assert!(v <= hard + gamma * ln_y + tol);
        }
    }

    /// Identities of y and the VJP: 0 <= y <= 1; knapsack <w,y> <= C; exact/top-k <w,y> = C
    /// and <w, vjp> = 0 (so top-k: sum y = k, sum vjp = 0); every row of E sums to one.
    #[test]
    fn marginal_identities(
        (inst, z) in instance(12, 5).prop_flat_map(|i| { let n = i.n(); (Just(i), zvec(n)) }),
        (kind, gamma) in reg_gamma(),
    ) {
        let out = run(&inst, kind, gamma, Some(z));
        let w: Vec<f64> = inst.weights().iter().map(|&w| w as f64).collect();
        let c = inst.capacity() as f64;
        prop_assert!(out.y.iter().all(|&y| (-1e-12..=1.0 + 1e-12).contains(&y)), "{:?}", out.y);
        let wy: f64 = w.iter().zip(&out.y).map(|(a, b)| a * b).sum();
        let wv: f64 = w.iter().zip(out.vjp.as_ref().unwrap()).map(|(a, b)| a * b).sum();
        let scale = 1e-10 * (1.0 + c);
        match inst.constraint() {
            Constraint::Knapsack => prop_assert!(wy <= c + scale),
            _ => {
                prop_assert!((wy - c).abs() <= scale, "<w,y> = {wy}, C = {c}");
                prop_assert!(wv.abs() <= 1e-9 * (1.0 + c) / gamma.max(0.05), "<w,vjp> = {wv}");
            }
        }
        let fwd = forward_f64(&inst, kind, gamma);
        let marg = dp::marginals(&inst, &fwd);
        for i in 0..=inst.n() {
            let s: f64 = marg.e.row(i).iter().sum();
            prop_assert!((s - 1.0).abs() <= 1e-12, "row {i} of E sums to {s}");
        }
    }

    /// y = dV/dtheta (central differences), and the Fenchel-Young loss V - <theta, y*> has
    /// gradient y - y*.
    #[test]
    fn y_is_gradient_of_value(inst in instance(8, 3), kind in smooth_reg(), gamma in 0.2f64..3.0) {
        let th = inst.theta().to_vec();
        let y = y_of(&inst, kind, gamma, &th);
        let f = |t: &[f64]| value(&inst, kind, gamma, t);
        let g1 = fd::gradient(f, &th, 1e-5);
        let g2 = fd::gradient(f, &th, 2e-5);
        // Away from the kinks of V'' (gini, tsallis), both step sizes agree.
        prop_assume!(rel_err(&g1, &g2) <= 1e-7);
        prop_assert!(rel_err(&y, &g1) <= 1e-6, "{:?} vs {:?}", y, g1);
    }

    /// vjp(z) = d<z, y>/dtheta = (directional derivative of y along z, by symmetry).
    #[test]
    fn vjp_is_derivative_of_y(
        (inst, z) in instance(8, 3).prop_flat_map(|i| { let n = i.n(); (Just(i), zvec(n)) }),
        kind in smooth_reg(),
        gamma in 0.2f64..3.0,
    ) {
        let th = inst.theta().to_vec();
        let out = run(&inst, kind, gamma, Some(z.clone()));
        let g = |t: &[f64]| y_of(&inst, kind, gamma, t);
        let d1 = fd::directional(g, &th, &z, 1e-5);
        let d2 = fd::directional(g, &th, &z, 2e-5);
        prop_assume!(rel_err(&d1, &d2) <= 1e-7);
        prop_assert!(rel_err(out.vjp.as_ref().unwrap(), &d1) <= 1e-5, "{:?} vs {:?}", out.vjp, d1);
        // By-product of the forward tangent: Vdot_n(C) = <y, z>.
        let fwd = forward_f64(&inst, kind, gamma);
        let marg = dp::marginals(&inst, &fwd);
        let yz: f64 = marg.y.iter().zip(&z).map(|(a, b)| a * b).sum();
        let v = match kind {
            RegKind::Shannon => dp::vjp(&inst, &fwd, &marg, Shannon, &gamma, &z),
            RegKind::Gini => dp::vjp(&inst, &fwd, &marg, Gini, &gamma, &z),
            _ => dp::vjp(&inst, &fwd, &marg, Tsallis, &gamma, &z),
        }.unwrap();
        prop_assert!((v.y_dot_z - yz).abs() <= 1e-12 * (1.0 + yz.abs()));
    }

    /// The Jacobian of y (built column by column from the VJP) is symmetric and positive
    /// semidefinite: it is the Hessian of the convex V.
    #[test]
    fn jacobian_symmetric_psd(inst in instance(8, 3), kind in smooth_reg(), gamma in 0.05f64..3.0, zs in proptest::collection::vec(zvec(8), 4)) {
        let n = inst.n();
        let cols: Vec<Vec<f64>> = (0..n).map(|j| {
            let mut e = vec![0.0; n];
            e[j] = 1.0;
            run(&inst, kind, gamma, Some(e)).vjp.unwrap()
        }).collect();
        let scale = 1e-10 / gamma;
        for i in 0..n {
            for j in 0..n {
                prop_assert!((cols[j][i] - cols[i][j]).abs() <= scale, "J[{i}][{j}] != J[{j}][{i}]");
            }
        }
        for z in zs {
            let z = &z[..n];
            let hz = run(&inst, kind, gamma, Some(z.to_vec())).vjp.unwrap();
            let q: f64 = z.iter().zip(&hz).map(|(a, b)| a * b).sum();
            prop_assert!(q >= -scale, "z^T H z = {q}");
        }
    }

    /// V is convex in theta (midpoint inequality).
    #[test]
    fn value_is_convex(inst in instance(10, 4), (kind, gamma) in reg_gamma(), other in zvec(10)) {
        let a = inst.theta().to_vec();
        let b: Vec<f64> = other[..inst.n()].to_vec();
        let m: Vec<f64> = a.iter().zip(&b).map(|(x, y)| 0.5 * (x + y)).collect();
        let (va, vb, vm) = (value(&inst, kind, gamma, &a), value(&inst, kind, gamma, &b), value(&inst, kind, gamma, &m));
        prop_assert!(vm <= 0.5 * (va + vb) + 1e-12 * (1.0 + va.abs() + vb.abs()));
    }

    /// Fenchel-Young view: L(theta) = V(theta) - <theta, y*> is >= 0 for every feasible y*
    /// (V >= V_hard >= <theta, y*>) and its gradient is y(theta) - y*.
    #[test]
    fn fenchel_young_loss(inst in instance(8, 3), (kind, gamma) in reg_gamma()) {
        let th = inst.theta().to_vec();
        let out = run(&inst, kind, gamma, None);
        for ystar in brute::feasible_sets(&inst).unwrap() {
            let ys: Vec<f64> = ystar.iter().map(|&b| b as u8 as f64).collect();
            let loss = |t: &[f64]| value(&inst, kind, gamma, t) - t.iter().zip(&ys).map(|(a, b)| a * b).sum::<f64>();
            prop_assert!(loss(&th) >= -1e-12 * (1.0 + out.value.abs()));
            if kind == RegKind::Shannon {
                let g = fd::gradient(loss, &th, 1e-5);
                let expect: Vec<f64> = out.y.iter().zip(&ys).map(|(a, b)| a - b).collect();
                prop_assert!(rel_err(&g, &expect) <= 1e-5 / gamma.min(1.0));
            }
        }
    }

    /// The sampler's path probabilities sum to one and its law has mean y (E is the visit
    /// probability of the sampler); every path ends feasible.
    #[test]
    fn sampler_path_probabilities_sum_to_one(inst in instance(9, 4), (kind, gamma) in reg_gamma()) {
        let fwd = forward_f64(&inst, kind, gamma);
        let y = dp::marginals(&inst, &fwd).y;
        // Enumerate the sampler's paths from its definition: walk items n..1 from c = C.
        let mut law: Vec<(Vec<bool>, f64)> = Vec::new();
        fn walk(inst: &Instance<f64>, fwd: &Forward<f64>, i: usize, c: usize, p: f64, sel: &mut Vec<bool>, law: &mut Vec<(Vec<bool>, f64)>) {
            if p == 0.0 { return; }
            if i == 0 { law.push((sel.clone(), p)); return; }
            let w = inst.weights()[i - 1];
            let q = if c >= w { *fwd.q.get(i - 1, c) } else { 0.0 };
            sel[i - 1] = true;
            if c >= w { walk(inst, fwd, i - 1, c - w, p * q, sel, law); }
            sel[i - 1] = false;
            walk(inst, fwd, i - 1, c, p * (1.0 - q), sel, law);
        }
        let mut sel = vec![false; inst.n()];
        walk(&inst, &fwd, inst.n(), inst.capacity(), 1.0, &mut sel, &mut law);
        let total: f64 = law.iter().map(|(_, p)| p).sum();
        prop_assert!((total - 1.0).abs() <= 1e-12, "total {total}");
        for (s, _) in &law {
            prop_assert!(inst.is_feasible(s));
        }
        for i in 0..inst.n() {
            let m: f64 = law.iter().filter(|(s, _)| s[i]).map(|(_, p)| p).sum();
            prop_assert!((m - y[i]).abs() <= 1e-12, "item {i}: {m} vs {}", y[i]);
        }
    }

    /// For shannon, each sample's log-probability is its exact Gibbs log-probability.
    #[test]
    fn shannon_sample_log_prob_is_gibbs(inst in instance(9, 4), gamma in 0.1f64..5.0, seed in any::<u64>()) {
        let g = brute::gibbs(&inst, gamma).unwrap();
        let out = relax_f64(&inst, RegKind::Shannon, gamma, &Extras { z: None, samples: 20, seed }).unwrap();
        for s in &out.samples {
            let p = g.law.iter().find(|(y, _)| *y == s.selection).map(|(_, p)| *p).unwrap();
            prop_assert!((s.log_prob - p.ln()).abs() <= 1e-9 * (1.0 + p.ln().abs()), "{} vs {}", s.log_prob, p.ln());
        }
    }

    /// The two-way max: the closed form's q maximises q p + (1-q) s + gamma H(q) over [0,1]
    /// (checked against the definition on a grid and against bisection on the first-order
    /// condition), and its value matches the objective at that q.
    #[test]
    fn smax_closed_form_maximises(s in -5.0f64..5.0, d in -5.0f64..5.0, kind in smooth_reg(), gamma in 0.01f64..5.0) {
        let p = s + d;
        let (v, q) = smax(kind, s, p, gamma);
        let obj = |q: f64| q * p + (1.0 - q) * s + gamma * kind.entropy(q);
        prop_assert!((v - obj(q)).abs() <= 1e-12 * (1.0 + v.abs()), "value {v} vs objective at q {}", obj(q));
        for k in 0..=200 {
            let t = k as f64 / 200.0;
            prop_assert!(obj(t) <= v + 1e-12 * (1.0 + v.abs()));
        }
        let (vb, qb) = recursive::two_way(kind, s, p, gamma);
        prop_assert!((v - vb).abs() <= 1e-12 * (1.0 + v.abs()));
        prop_assert!((q - qb).abs() <= 1e-7, "q {q} vs bisection {qb}");
    }

    /// 0 <= max_Omega(s,p) - max(s,p) <= gamma Hmax; exact 0/1 choices once the gap exceeds
    /// gamma (gini) or 2 gamma (tsallis).
    #[test]
    fn smax_gap_bounds(s in -50.0f64..50.0, d in -10.0f64..10.0, kind in smooth_reg(), gamma in 0.001f64..5.0) {
        let p = s + d;
        let (v, q) = smax(kind, s, p, gamma);
        let m = s.max(p);
        let ulp = 4.0 * f64::EPSILON * (m.abs() + gamma);
        prop_assert!(v - m >= -ulp);
        prop_assert!(v - m <= gamma * kind.h_max() + ulp);
        prop_assert!((0.0..=1.0).contains(&q));
        let thresh = match kind { RegKind::Gini => gamma, RegKind::Tsallis => 2.0 * gamma, _ => f64::INFINITY };
        if d.abs() >= thresh {
            prop_assert!(q == 0.0 || q == 1.0, "q = {q} at gap {d}, gamma {gamma}");
        }
    }
}

fn smax(kind: RegKind, s: f64, p: f64, gamma: f64) -> (f64, f64) {
    match kind {
        RegKind::Hard => Regularizer::<f64>::smax(&Hard, &s, &p, &gamma),
        RegKind::Shannon => Shannon.smax(&s, &p, &gamma),
        RegKind::Gini => Regularizer::<f64>::smax(&Gini, &s, &p, &gamma),
        RegKind::Tsallis => Tsallis.smax(&s, &p, &gamma),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// gamma -> 0: with integer scores and a unique optimum, gini and tsallis reach the hard
    /// indicator exactly at gamma = 1/(n + 2) (every local gap on the optimal path is then at
    /// least 1 - n gamma Hmax >= 2 gamma); shannon's y is within |Y| exp(-1/gamma) of it.
    #[test]
    fn small_gamma_limit_is_hard(inst in instance(9, 4)) {
        let theta: Vec<f64> = inst.theta().iter().map(|t| (t * 3.0).round()).collect();
        let inst = inst.with_theta(theta).unwrap();
        let exact = to_exact(&inst);
        let (_, argmax) = brute::hard_optimum(&exact).unwrap();
        prop_assume!(argmax.len() == 1);
        let ind: Vec<f64> = argmax[0].iter().map(|&b| b as u8 as f64).collect();
        let gamma = 1.0 / (inst.n() as f64 + 2.0);
        for kind in [RegKind::Gini, RegKind::Tsallis] {
            let y = run(&inst, kind, gamma, None).y;
            prop_assert_eq!(&y, &ind, "{}", kind.name());
        }
        let gr = Rational::new(1.into(), (inst.n() as i64 + 2).into());
        let ye = relax_exact(&exact, RegKind::Gini, &gr, &Extras::default()).unwrap().y;
        let inde: Vec<Rational> = ind.iter().map(|&x| Rational::from_f64(x)).collect();
        prop_assert_eq!(ye, inde);
        let y = run(&inst, RegKind::Shannon, 0.02, None).y;
        prop_assert!(rel_err(&y, &ind) <= 1e-12);
    }

    /// gamma -> infinity: shannon marginals tend to the uniform law on Y (fraction of feasible
    /// sets containing each item); the gap is O(n max|theta| / gamma).
    #[test]
    fn large_gamma_limit_is_uniform_for_shannon(inst in instance(9, 4)) {
        let sets = brute::feasible_sets(&inst).unwrap();
        let uniform: Vec<f64> = (0..inst.n()).map(|i| sets.iter().filter(|s| s[i]).count() as f64 / sets.len() as f64).collect();
        let y = run(&inst, RegKind::Shannon, 1e6, None).y;
        prop_assert!(rel_err(&y, &uniform) <= 1e-4);
    }

    /// Sample frequencies converge to y. Hoeffding: P(|freq - y_i| >= 0.05) <= 2 exp(-2 S 0.05^2)
    /// = 4e-9 per coordinate at S = 4000 samples.
    #[test]
    fn sample_frequencies_match_marginals(inst in instance(10, 4), (kind, gamma) in reg_gamma(), seed in any::<u64>()) {
        let s = 4000;
        let out = relax_f64(&inst, kind, gamma, &Extras { z: None, samples: s, seed }).unwrap();
        for smp in &out.samples {
            prop_assert!(inst.is_feasible(&smp.selection));
        }
        for i in 0..inst.n() {
            let f = out.samples.iter().filter(|x| x.selection[i]).count() as f64 / s as f64;
            prop_assert!((f - out.y[i]).abs() < 0.05, "item {i}: {f} vs {}", out.y[i]);
        }
    }
}

/// Gini and tsallis are not permutation-equivariant: a witness found by exhaustive search
/// over small instances, certified in exact rationals for gini.
#[test]
fn gini_not_permutation_equivariant_witness() {
    let mut found = None;
    'search: for a in -3i64..=3 {
        for b in -3i64..=3 {
            for c in -3i64..=3 {
                let theta = [a, b, c].map(Rational::from_i64).to_vec();
                let inst = Instance::knapsack(theta.clone(), vec![1, 1, 1], 2).unwrap();
                let rev: Vec<Rational> = theta.iter().rev().cloned().collect();
                let inst_rev = Instance::knapsack(rev, vec![1, 1, 1], 2).unwrap();
                let g = Rational::from_i64(2);
                let v1 = relax_exact(&inst, RegKind::Gini, &g, &Extras::default())
                    .unwrap()
                    .value;
                let v2 = relax_exact(&inst_rev, RegKind::Gini, &g, &Extras::default())
                    .unwrap()
                    .value;
                if (v1.to_f64() - v2.to_f64()).abs() > 0.05 {
                    found = Some(([a, b, c], v1, v2));
                    break 'search;
                }
            }
        }
    }
    let (theta, v1, v2) = found.expect("a gini non-equivariance witness");
    assert_ne!(v1, v2, "theta {theta:?}");
    // The same witness for tsallis, in f64 (the difference dwarfs rounding).
    let t: Vec<f64> = theta.iter().map(|&x| x as f64).collect();
    let rev: Vec<f64> = t.iter().rev().cloned().collect();
    let a = run(
        &Instance::knapsack(t, vec![1, 1, 1], 2).unwrap(),
        RegKind::Tsallis,
        2.0,
        None,
    )
    .value;
    let b = run(
        &Instance::knapsack(rev, vec![1, 1, 1], 2).unwrap(),
        RegKind::Tsallis,
        2.0,
        None,
    )
    .value;
    assert!((a - b).abs() > 1e-3, "tsallis {a} vs {b}");
}

/// Exact gini past the bit-size cap fails with a clear error instead of running for hours.
#[test]
fn exact_gini_stops_at_the_bit_cap() {
    let theta: Vec<Rational> = (0..60)
        .map(|i| Rational::new(((i * 7919) % 1000).into(), 997.into()))
        .collect();
    let inst = Instance::top_k(theta, 30).unwrap();
    let err = relax_exact(
        &inst,
        RegKind::Gini,
        &Rational::from_i64(3),
        &Extras::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ExactTooLarge {
                regularizer: RegKind::Gini,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("bits"), "{err}");
    assert!(err.to_string().contains("gini divides"), "{err}");
}

/// Exact mode refuses shannon and tsallis with a message pointing to certified precision.
#[test]
fn exact_mode_refuses_transcendental_regularizers() {
    let inst = Instance::top_k(vec![Rational::from_i64(1), Rational::from_i64(2)], 1).unwrap();
    for kind in [RegKind::Shannon, RegKind::Tsallis] {
        let e = relax_exact(&inst, kind, &Rational::from_i64(1), &Extras::default()).unwrap_err();
        assert!(e.to_string().contains("certified"), "{e}");
    }
}

/// Generic entry point: the DP with an explicit regularizer type checks gamma.
#[test]
fn gamma_is_checked_per_regularizer() {
    let inst = Instance::top_k(vec![1.0, 2.0], 1).unwrap();
    assert!(relax_with(&inst, Gini, &0.0, &Extras::default()).is_err());
    assert!(relax_with(&inst, Hard, &0.5, &Extras::default()).is_err());
    assert!(relax_with(&inst, Shannon, &-1.0, &Extras::default()).is_err());
    assert!(relax_with(&inst, Tsallis, &f64::NAN, &Extras::default()).is_err());
    assert!(relax_with(&inst, Hard, &0.0, &Extras::default()).is_ok());
}

/// The exact bit cap is checked after every row, against the largest numerator or
/// denominator: with scores 1, 2, 4 the hard values reach 3 (2 bits) at row 2 and 7 (3 bits)
/// at row 3, so a 3-bit cap passes and a 2-bit cap fails at row 3.
#[test]
fn exact_bit_cap_is_checked_per_row() {
    let theta: Vec<Rational> = [1, 2, 4].map(Rational::from_i64).to_vec();
    let with_cap = |bits| {
        let budget = Budget {
            max_exact_bits: bits,
            ..Budget::default()
        };
        let inst = Instance::new(
            Constraint::Knapsack,
            theta.clone(),
            Some(vec![1, 1, 1]),
            3,
            budget,
        )
        .unwrap();
        relax_exact(
            &inst,
            RegKind::Hard,
            &Rational::from_i64(0),
            &Extras::default(),
        )
    };
    assert_eq!(with_cap(3).unwrap().value, Rational::from_i64(7));
    match with_cap(2) {
        Err(
            e @ Error::ExactTooLarge {
                row,
                bits,
                cap,
                regularizer,
            },
        ) => {
            assert_eq!((row, bits, cap, regularizer), (3, 3, 2, RegKind::Hard));
            // The message names the hard DP's cause (the scores), not gini's denominators.
            let msg = e.to_string();
            assert!(
                msg.contains("only adds scores") && !msg.contains("gini"),
                "{msg}"
            );
        }
        other => panic!("expected ExactTooLarge, got {other:?}"),
    }
}

/// Exact arithmetic has its own, smaller cell budget (each cell is a big rational); f64 keeps
/// the larger one.
#[test]
fn exact_cell_budget() {
    let budget = Budget {
        max_exact_cells: 30,
        ..Budget::default()
    };
    let make = |c| {
        Instance::new(
            Constraint::Knapsack,
            vec![1.0, 2.0],
            Some(vec![1, 1]),
            c,
            budget,
        )
        .unwrap()
    };
    let exact = |c| {
        make(c)
            .with_theta(vec![Rational::from_i64(1), Rational::from_i64(2)])
            .unwrap()
    };
    assert!(
        relax_exact(
            &exact(9),
            RegKind::Gini,
            &Rational::from_i64(1),
            &Extras::default()
        )
        .is_ok()
    );
    let e = relax_exact(
        &exact(10),
        RegKind::Gini,
        &Rational::from_i64(1),
        &Extras::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            Error::TooLarge {
                cells: 33,
                budget: 30
            }
        ),
        "{e}"
    );
    assert!(relax_f64(&make(10), RegKind::Gini, 1.0, &Extras::default()).is_ok());
}

/// Regression: gini with a huge gamma (1e160) used to overflow (p - s)^2 in f64 and fail,
/// blaming the scores, although every output is representable. The operator is homogeneous:
/// V(c theta, c gamma) = c V(theta, gamma), y is unchanged and H z scales by 1 / c. With
/// c = 2^531 the scaling of the inputs is exact, so the large instance must agree with the
/// moderate one up to the rounding of the regrouped formula (a few ulps per row).
#[test]
fn gini_with_huge_gamma_is_representable_and_homogeneous() {
    let c = 2f64.powi(531);
    let cases: Vec<(Instance<f64>, f64)> = vec![
        // Small scores, gamma about 1e160 (the reported case): the partial values are about
        // gamma / 4 per row, so p - s is of the order of gamma.
        (
            Instance::knapsack(vec![1.0, 2.0, 3.0, -0.5], vec![1, 2, 1, 3], 4).unwrap(),
            4.5,
        ),
        // Scores of the order of gamma, exact and top-k constraints.
        (
            Instance::exact(vec![3.0, -1.0, 2.5, 0.25, 7.0], vec![2, 1, 3, 2, 1], 5).unwrap(),
            2.0,
        ),
        (Instance::top_k(vec![5.0, -3.0, 1.0, 4.0], 2).unwrap(), 6.0),
    ];
    for (inst, gamma) in cases {
        let z: Vec<f64> = (0..inst.n()).map(|i| 1.0 - 0.3 * i as f64).collect();
        let small = run(&inst, RegKind::Gini, gamma, Some(z.clone()));
        let big_theta: Vec<f64> = inst.theta().iter().map(|t| t * c).collect();
        let big_inst = inst.with_theta(big_theta).unwrap();
        let big = run(&big_inst, RegKind::Gini, gamma * c, Some(z));
        assert!(big.value.is_finite() && big.value > 1e150, "{}", big.value);
        assert!(
            rel_err(&[big.value / c], &[small.value]) <= 1e-12,
            "{} vs {}",
            big.value / c,
            small.value
        );
        for (a, b) in big.y.iter().zip(&small.y) {
            assert!((a - b).abs() <= 1e-12, "y {a} vs {b}");
        }
        let (bv, sv) = (big.vjp.unwrap(), small.vjp.unwrap());
        for (a, b) in bv.iter().zip(&sv) {
            assert!(
                (a * c - b).abs() <= 1e-12 * (1.0 + b.abs()),
                "vjp {} vs {b}",
                a * c
            );
        }
    }
}

/// When the result itself passes f64's range, the error names the value and gamma, not the
/// scores alone: ten items at gamma 1e308 give V of about 10 * gamma / 4.
#[test]
fn gini_overflow_names_what_overflowed() {
    let inst = Instance::top_k(vec![0.0; 10], 5).unwrap();
    let err = relax_f64(&inst, RegKind::Gini, 1e308, &Extras::default()).unwrap_err();
    match &err {
        Error::Invalid { field, rule } => {
            assert_eq!(field, "value", "{err}");
            assert!(rule.contains("gamma"), "{err}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// The hard DP (`solve::hard_dp`, what `solve` runs) reports the exact bit cap with the hard
/// DP's cause, not gini's.
#[test]
fn hard_dp_bit_cap_message_names_the_scores() {
    let budget = Budget {
        max_exact_bits: 8,
        ..Budget::default()
    };
    let theta: Vec<Rational> = [3, 5, 7, 11]
        .iter()
        .map(|&q| Rational::new(1.into(), q.into()))
        .collect();
    let inst = Instance::new(Constraint::Knapsack, theta, Some(vec![1; 4]), 4, budget).unwrap();
    let err = diffknap::solve::hard_dp(&inst).unwrap_err();
    assert!(
        matches!(
            err,
            Error::ExactTooLarge {
                regularizer: RegKind::Hard,
                ..
            }
        ),
        "{err}"
    );
    assert!(!err.to_string().contains("gini"), "{err}");
}
