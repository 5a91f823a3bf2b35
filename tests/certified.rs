//! Certified enclosures (issue 3): containment of independently computed truths, widths,
//! the `relax --precision certified`, `validate` and `vectors` commands, and bad input.
//!
//! Which checks are independent: certified hard and gini answer from the exact rational DP,
//! rounded outward (`certified::relax_certified`'s exact attempt), and the interval DP is the
//! same generic DP code on another number type. Tests that compare either with `relax_exact`
//! check rounding and printing only, and are named so (`..._rounding_...`). The truths that
//! share no code with the DP are the top-down recursive oracle (`oracle::recursive`, written
//! from the variational definition), brute-force enumeration (`oracle::brute`), the Gibbs law
//! by enumeration below, and the variational recursion written in this file.
#![allow(clippy::needless_range_loop)]

use diffknap::certified::{self, Certified, Interval, Method, Target, relax_certified};
use diffknap::dp;
use diffknap::num::Num;
use diffknap::num::rational::{Rational, parse_rational};
use diffknap::ops::{Extras, relax_exact, relax_f64};
use diffknap::oracle::brute;
use diffknap::reg::{Regularizer, Shannon};
use diffknap::request::relax;
use diffknap::validate::{self, Tolerance, check_field};
use diffknap::vectors;
use diffknap::{Constraint, Error, Instance, RegKind};
use num_traits::{Signed, Zero};
use proptest::prelude::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// helpers

const U: f64 = f64::EPSILON / 2.0; // 2^-53

fn rat(x: f64) -> Rational {
    Rational::from_f64(x)
}

fn build(constraint: Constraint, theta: Vec<f64>, weights: Vec<u64>, cap: u64) -> Instance<f64> {
    let n = theta.len() as u64;
    match constraint {
        Constraint::Knapsack => Instance::knapsack(theta, weights, cap).unwrap(),
        Constraint::Exact => {
            // A reachable capacity: the weight of the first items whose sum stays <= cap.
            let mut c = 0;
            for &w in &weights {
                if c + w <= cap {
                    c += w;
                }
            }
            Instance::exact(theta, weights, c).unwrap()
        }
        Constraint::TopK => Instance::top_k(theta, cap.min(n)).unwrap(),
    }
}

/// Random small instances of every constraint.
fn small_instance(max_n: usize, max_c: u64) -> impl Strategy<Value = Instance<f64>> {
    (1..=max_n)
        .prop_flat_map(move |n| {
            (
                prop::sample::select(vec![
                    Constraint::Knapsack,
                    Constraint::Exact,
                    Constraint::TopK,
                ]),
                prop::collection::vec(-3.0f64..3.0, n),
                prop::collection::vec(0u64..5, n),
                0..=max_c,
            )
        })
        .prop_map(|(c, theta, w, cap)| build(c, theta, w, cap))
}

fn z_for(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| ((i * 7 + 3) % 11) as f64 / 5.0 - 1.0)
        .collect()
}

fn all_intervals(c: &Certified) -> Vec<&Interval> {
    std::iter::once(&c.value)
        .chain(c.y.iter())
        .chain(c.vjp.iter().flatten())
        .collect()
}

fn overlap(a: &Interval, b: &Interval) -> bool {
    match (a.bounds(), b.bounds()) {
        (Some((alo, ahi)), Some((blo, bhi))) => alo <= bhi && blo <= ahi,
        _ => false,
    }
}

fn tmp_file(name: &str, text: &str) -> String {
    let path =
        std::env::temp_dir().join(format!("diffknap-certified-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// Runs `diffknap COMMAND ARGS...` in-process.
fn run_cli(command: &str, args: &[&str]) -> (i32, String) {
    let args: Vec<String> = std::iter::once(command)
        .chain(args.iter().copied())
        .map(|s| s.to_string())
        .collect();
    let mut out = Vec::new();
    let code = diffknap::cli::run(&args, &mut out);
    (code, String::from_utf8(out).unwrap())
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// the interval type and the decimal strings

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e3f64..1e3,
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE
        ]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    /// + - * / on intervals contain the exact rational result, at any precision, and the
    /// result is no wider than a few ulps of the working precision.
    #[test]
    fn interval_arithmetic_contains_exact_results(
        a in finite_f64(), b in finite_f64(), c in finite_f64(), prec in 8usize..300,
    ) {
        let (x, y, w) = (Interval::point(a, prec), Interval::point(b, prec), Interval::point(c, prec));
        let (ra, rb, rc) = (rat(a), rat(b), rat(c));
        let hull = Interval::hull(&x, &w);
        prop_assert!((x.clone() + y.clone()).contains(&(&ra + &rb)));
        prop_assert!((x.clone() - y.clone()).contains(&(&ra - &rb)));
        prop_assert!((x.clone() * y.clone()).contains(&(&ra * &rb)));
        // An interval operand: every point of it maps inside the result.
        let prod = hull.clone() * y.clone();
        prop_assert!(prod.contains(&(&ra * &rb)) && prod.contains(&(&rc * &rb)));
        if b != 0.0 {
            let q = x.clone() / y.clone();
            prop_assert!(q.contains(&(&ra / &rb)));
            let w2 = q.width().unwrap();
            let m = q.mag_max().unwrap();
            // 2 ulps at prec bits, relative.
            let ulp = Rational::new(2.into(), num_bigint::BigInt::from(1) << prec);
            prop_assert!(w2 <= ulp * m);
        } else {
            prop_assert!(!(x.clone() / y.clone()).is_valid());
        }
        let e = (-(x.abs())).exp();
        prop_assert!(e.is_valid() && e.lo_f64() >= 0.0 && e.hi_f64() <= 1.0);
        let l = e.ln_1p();
        let slack = 1.0 + 1e-15 + 2f64.powi(1 - prec as i32);
        prop_assert!(l.is_valid() && l.lo_f64() >= 0.0 && l.hi_f64() <= std::f64::consts::LN_2 * slack);
    }

    /// Printed decimal strings enclose the interval: lower end rounded down, upper end up,
    /// with at most one unit of the last printed digit added on each side.
    #[test]
    fn decimal_strings_are_outward(a in finite_f64(), b in finite_f64(), sig in 1usize..40) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let iv = Interval::hull_f64(lo, hi, 64);
        let (slo, shi) = certified::fmt::interval_strings(&iv, sig);
        let plo = parse_rational(&slo, "lo").unwrap();
        let phi = parse_rational(&shi, "hi").unwrap();
        prop_assert!(plo <= rat(lo) && rat(hi) <= phi, "{slo} {shi}");
        let ten = Rational::from_integer(10.into());
        let tol = |x: f64| rat(x).abs() * ten.pow(1 - sig as i32);
        prop_assert!(rat(lo) - &plo <= tol(lo));
        prop_assert!(&phi - rat(hi) <= tol(hi));
        // Standard parsers read the strings.
        prop_assert!(slo.parse::<f64>().is_ok() && shi.parse::<f64>().is_ok());
    }
}

// ---------------------------------------------------------------------------------------------
// containment of independent truths

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Rounding check (not an independent truth: both sides run the same generic DP code):
    /// the interval DP (no exact shortcut) contains the rational DP's results of hard and gini,
    /// value, y and vjp, and the Q and E tables cell by cell.
    #[test]
    fn interval_dp_rounding_contains_the_rational_dp(
        inst in small_instance(7, 9),
        gamma in 0.05f64..4.0,
    ) {
        let z = z_for(inst.n());
        for kind in [RegKind::Hard, RegKind::Gini] {
            let g = if kind == RegKind::Hard { 0.0 } else { gamma };
            let cert = certified::relax_intervals(&inst, kind, g, Some(&z), 160).unwrap();
            let theta: Vec<Rational> = inst.theta().iter().map(|&t| rat(t)).collect();
            let inst_r = inst.with_theta(theta).unwrap();
            let extras = Extras { z: Some(z.iter().map(|&x| rat(x)).collect()), samples: 0, seed: 0 };
            let exact = relax_exact(&inst_r, kind, &rat(g), &extras).unwrap();
            prop_assert!(cert.value.contains(&exact.value), "{kind:?} value");
            for (i, (c, e)) in cert.y.iter().zip(&exact.y).enumerate() {
                prop_assert!(c.contains(e), "{kind:?} y[{i}]");
            }
            for (i, (c, e)) in cert.vjp.as_ref().unwrap().iter().zip(exact.vjp.as_ref().unwrap()).enumerate() {
                prop_assert!(c.contains(e), "{kind:?} vjp[{i}]");
            }
        }
        // Tables, for gini.
        let inst_i = inst.with_theta(inst.theta().iter().map(|&t| Interval::point(t, 160)).collect()).unwrap();
        let inst_r = inst.with_theta(inst.theta().iter().map(|&t| rat(t)).collect()).unwrap();
        let gi = Interval::point(gamma, 160);
        let fi = dp::forward(&inst_i, diffknap::reg::Gini, &gi).unwrap();
        let fr = dp::forward(&inst_r, diffknap::reg::Gini, &rat(gamma)).unwrap();
        let mi = dp::marginals(&inst_i, &fi);
        let mr = dp::marginals(&inst_r, &fr);
        for r in 0..fi.q.rows() {
            for c in 0..fi.q.cols() {
                prop_assert!(fi.q.get(r, c).contains(fr.q.get(r, c)), "Q[{r}][{c}]");
            }
        }
        for r in 0..mi.e.rows() {
            for c in 0..mi.e.cols() {
                prop_assert!(mi.e.get(r, c).contains(mr.e.get(r, c)), "E[{r}][{c}]");
            }
        }
    }

    /// Shannon: the certified value, marginals and Hessian-times-z overlap the Gibbs law's
    /// log-sum-exp and moments, computed by enumerating feasible sets in 300-bit interval
    /// arithmetic (no DP code), and both are narrower than 1e-30: they agree to 1e-30.
    #[test]
    fn shannon_enclosure_matches_enumerated_gibbs_law(
        inst in small_instance(8, 10),
        log_gamma in -2.0f64..2.0,
    ) {
        let gamma = 10f64.powf(log_gamma);
        let z = z_for(inst.n());
        let cert = relax_certified(&inst, RegKind::Shannon, gamma, Some(&z), &Target::default()).unwrap();
        let truth = gibbs_by_enumeration(&inst, gamma, &z, 300);
        prop_assert!(overlap(&cert.value, &truth.value), "value");
        for i in 0..inst.n() {
            prop_assert!(overlap(&cert.y[i], &truth.y[i]), "y[{i}]");
            prop_assert!(overlap(&cert.vjp.as_ref().unwrap()[i], &truth.vjp.as_ref().unwrap()[i]), "vjp[{i}]");
        }
        for x in all_intervals(&cert).into_iter().chain(all_intervals(&truth)) {
            prop_assert!(Target::default().accepts(x));
        }
    }
}

/// Instances where hard ties and gini kinks (|p - s| = gamma exactly) happen: integer scores
/// and half-integer or integer gammas. Random real scores almost never hit them.
fn kinky_instance() -> impl Strategy<Value = (Instance<f64>, f64)> {
    (1usize..=7)
        .prop_flat_map(|n| {
            (
                prop::sample::select(vec![
                    Constraint::Knapsack,
                    Constraint::Exact,
                    Constraint::TopK,
                ]),
                prop::collection::vec(-3i32..=3, n),
                prop::collection::vec(0u64..4, n),
                0u64..=8,
                prop::sample::select(vec![0.5, 1.0, 2.0, 3.0]),
            )
        })
        .prop_map(|(c, theta, w, cap, gamma)| {
            let theta = theta.into_iter().map(f64::from).collect();
            (build(c, theta, w, cap), gamma)
        })
}

/// Checks certified hard and gini against truths that share no code with the DP:
/// - the value and y = dV/dtheta from the top-down recursive oracle in exact rationals
///   (`recursive::value_and_grad_exact`: every path of the recursion, each two-way max from
///   the variational definition, the gradient by the envelope theorem);
/// - for hard, the value from brute-force enumeration of every feasible set, and y equal to
///   the maximiser when it is unique;
/// - the VJP H z against exact difference quotients (y(theta + h z) - y(theta)) / h of the
///   recursive oracle's y. Gini's y is piecewise affine in theta and hard's piecewise
///   constant, so a quotient is the derivative exactly when no kink lies within h; it is
///   used only where the forward and backward quotients at h and h/2 all agree (so that
///   theta is not at a kink).
fn check_against_independent_oracles(inst: &Instance<f64>, kind: RegKind, gamma: f64) {
    use diffknap::oracle::recursive::value_and_grad_exact;
    let n = inst.n();
    let z = z_for(n);
    let cert = relax_certified(inst, kind, gamma, Some(&z), &Target::default()).unwrap();
    let theta: Vec<Rational> = inst.theta().iter().map(|&t| rat(t)).collect();
    let inst_r = inst.with_theta(theta.clone()).unwrap();
    let g = rat(gamma);
    let (v, y) = value_and_grad_exact(&inst_r, kind, &g).unwrap();
    assert!(
        cert.value.contains(&v),
        "{kind:?} value: {v} not in {:?}",
        cert.value
    );
    for i in 0..n {
        assert!(
            cert.y[i].contains(&y[i]),
            "{kind:?} y[{i}]: {} not in {:?}",
            y[i],
            cert.y[i]
        );
    }
    if kind == RegKind::Hard {
        let (best, argmax) = brute::hard_optimum(&inst_r).unwrap();
        assert!(cert.value.contains(&best), "hard value vs brute force");
        if argmax.len() == 1 {
            for i in 0..n {
                let yi = rat(if argmax[0][i] { 1.0 } else { 0.0 });
                assert!(
                    cert.y[i].contains(&yi),
                    "hard y[{i}] vs the unique maximiser"
                );
            }
        }
    }
    let y_at = |h: &Rational| -> Vec<Rational> {
        let shifted: Vec<Rational> = theta
            .iter()
            .zip(&z)
            .map(|(t, &zi)| t + h * rat(zi))
            .collect();
        value_and_grad_exact(&inst.with_theta(shifted).unwrap(), kind, &g)
            .unwrap()
            .1
    };
    let h = Rational::new(1.into(), (1u64 << 30).into());
    let quotients: Vec<Vec<Rational>> = [h.clone(), -h.clone(), &h / rat(2.0), -&h / rat(2.0)]
        .iter()
        .map(|step| {
            y_at(step)
                .iter()
                .zip(&y)
                .map(|(a, b)| (a - b) / step)
                .collect()
        })
        .collect();
    if quotients.iter().all(|q| *q == quotients[0]) {
        let vjp = cert.vjp.as_ref().unwrap();
        for i in 0..n {
            assert!(
                vjp[i].contains(&quotients[0][i]),
                "{kind:?} vjp[{i}]: {} not in {:?}",
                quotients[0][i],
                vjp[i]
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Certified hard and gini contain the recursive oracle's exact value, y and difference
    /// quotients, and brute force's optimum (random real scores: no ties, no kinks).
    #[test]
    fn certified_hard_and_gini_contain_the_recursive_and_brute_force_oracles(
        inst in small_instance(7, 9),
        gamma in 0.05f64..4.0,
    ) {
        check_against_independent_oracles(&inst, RegKind::Hard, 0.0);
        check_against_independent_oracles(&inst, RegKind::Gini, gamma);
    }

    /// The same on integer scores and round gammas, where hard ties and gini kinks are common
    /// (the cases the exact attempt exists for).
    #[test]
    fn certified_hard_and_gini_at_ties_and_kinks_contain_the_independent_oracles(
        (inst, gamma) in kinky_instance(),
    ) {
        check_against_independent_oracles(&inst, RegKind::Hard, 0.0);
        check_against_independent_oracles(&inst, RegKind::Gini, gamma);
    }
}

/// Gibbs law of the shannon operator by enumeration, in interval arithmetic at `bits`:
/// V = m + gamma ln sum exp((s_y - m)/gamma), y = E[y], H z = Cov(y) z / gamma.
fn gibbs_by_enumeration(inst: &Instance<f64>, gamma: f64, z: &[f64], bits: usize) -> Certified {
    let n = inst.n();
    let sets = brute::feasible_sets(inst).unwrap();
    let g = Interval::point(gamma, bits);
    let score = |y: &[bool]| {
        (0..n)
            .filter(|&i| y[i])
            .fold(Interval::point(0.0, bits), |a, i| {
                a + Interval::point(inst.theta()[i], bits)
            })
    };
    let scores: Vec<Interval> = sets.iter().map(|y| score(y)).collect();
    // Shift by the score of one set (any shift is exact in the algebra; intervals stay valid).
    let m = scores
        .iter()
        .max_by(|a, b| a.cmp_mid(b))
        .cloned()
        .unwrap()
        .lower_point();
    let w: Vec<Interval> = scores
        .iter()
        .map(|s| ((s.clone() - m.clone()) / g.clone()).exp())
        .collect();
    let total = w.iter().cloned().fold(Interval::zero(), |a, b| a + b);
    let value = m + g.clone() * (total.clone() - Interval::one()).ln_1p();
    let p: Vec<Interval> = w.iter().map(|x| x.clone() / total.clone()).collect();
    let mut y = vec![Interval::zero(); n];
    let mut yz = Interval::zero();
    let zi: Vec<Interval> = z.iter().map(|&x| Interval::point(x, bits)).collect();
    let mut y_yz = vec![Interval::zero(); n];
    for (set, pk) in sets.iter().zip(&p) {
        let dot = (0..n)
            .filter(|&i| set[i])
            .fold(Interval::zero(), |a, i| a + zi[i].clone());
        yz = yz + pk.clone() * dot.clone();
        for i in 0..n {
            if set[i] {
                y[i] = y[i].clone() + pk.clone();
                y_yz[i] = y_yz[i].clone() + pk.clone() * dot.clone();
            }
        }
    }
    let vjp = (0..n)
        .map(|i| (y_yz[i].clone() - y[i].clone() * yz.clone()) / g.clone())
        .collect();
    Certified {
        value,
        y,
        vjp: Some(vjp),
        method: Method::Interval(bits),
    }
}

/// The two-way smoothed max of each regularizer, on intervals, against its variational
/// definition max_q q p + (1 - q) s + gamma H(q) solved by certified bisection on the
/// first-order condition (no closed form for q).
#[test]
fn interval_two_way_matches_variational_definition() {
    let mut rng = diffknap::rng::Rng::seed(11);
    let bits = 200;
    for kind in [RegKind::Shannon, RegKind::Gini, RegKind::Tsallis] {
        for _ in 0..60 {
            let s = (rng.uniform() * 2.0 - 1.0) * 3.0;
            let p = (rng.uniform() * 2.0 - 1.0) * 3.0;
            let gamma = 10f64.powf(rng.uniform() * 2.0 - 1.0);
            let (si, pi, gi) = (
                Interval::point(s, bits),
                Interval::point(p, bits),
                Interval::point(gamma, bits),
            );
            let (v, q) = match kind {
                RegKind::Shannon => Regularizer::<Interval>::smax(&Shannon, &si, &pi, &gi),
                RegKind::Gini => Regularizer::<Interval>::smax(&diffknap::reg::Gini, &si, &pi, &gi),
                _ => Regularizer::<Interval>::smax(&diffknap::reg::Tsallis, &si, &pi, &gi),
            };
            let (vt, qt) = variational(kind, &si, &pi, &gi, bits);
            assert!(
                overlap(&v, &vt),
                "{kind:?} value at s={s} p={p} gamma={gamma}"
            );
            assert!(overlap(&q, &qt), "{kind:?} q at s={s} p={p} gamma={gamma}");
            assert!(v.width().unwrap() < rat(1e-40) && q.width().unwrap() < rat(1e-40));
        }
    }
}

/// The value of every smooth regularizer, against a recursion written here from the
/// definitions alone: V_i(c) = max over q of the variational two-way objective (solved by
/// certified bisection, no closed forms), -inf handled explicitly. The two enclosures must
/// overlap, and the one from the closed forms must be much narrower.
#[test]
fn value_matches_recursion_from_the_variational_definition() {
    let mut rng = diffknap::rng::Rng::seed(77);
    let bits = 200;
    for trial in 0..36 {
        let kind = [RegKind::Shannon, RegKind::Gini, RegKind::Tsallis][trial % 3];
        let constraint =
            [Constraint::Knapsack, Constraint::Exact, Constraint::TopK][(trial / 3) % 3];
        let n = 1 + rng.below(5) as usize;
        let theta: Vec<f64> = (0..n).map(|_| (rng.uniform() * 2.0 - 1.0) * 2.0).collect();
        let weights: Vec<u64> = (0..n).map(|_| rng.below(3)).collect();
        let inst = build(constraint, theta, weights, rng.below(6));
        let gamma = 10f64.powf(rng.uniform() * 2.0 - 1.0);
        let cert = relax_certified(&inst, kind, gamma, None, &Target::default()).unwrap();
        // The recursion, row by row; None is -inf.
        let g = Interval::point(gamma, bits);
        let cols = inst.capacity() + 1;
        let mut prev: Vec<Option<Interval>> = (0..cols)
            .map(|c| {
                (c == 0 || constraint == Constraint::Knapsack).then(|| Interval::point(0.0, bits))
            })
            .collect();
        for i in 0..n {
            let w = inst.weights()[i];
            let t = Interval::point(inst.theta()[i], bits);
            prev = (0..cols)
                .map(|c| {
                    let skip = prev[c].clone();
                    let pick = if c >= w {
                        prev[c - w].clone().map(|v| v + t.clone())
                    } else {
                        None
                    };
                    match (skip, pick) {
                        (Some(s), Some(p)) => Some(variational(kind, &s, &p, &g, bits).0),
                        (None, p) => p,
                        (s, None) => s,
                    }
                })
                .collect();
        }
        let v = prev[cols - 1].clone().unwrap();
        assert!(
            overlap(&cert.value, &v),
            "trial {trial} {kind:?}: {:?} vs {:?}",
            cert.value,
            v
        );
        assert!(cert.value.width().unwrap() <= v.width().unwrap());
    }
}

/// Encloses (max value, argmax) of the concave objective by bisection on its derivative
/// g(q) = (p - s) + gamma H'(q), deciding signs only where the interval of g(q) excludes 0.
fn variational(
    kind: RegKind,
    s: &Interval,
    p: &Interval,
    gamma: &Interval,
    bits: usize,
) -> (Interval, Interval) {
    let pt = |x: f64| Interval::point(x, bits);
    let h = |q: &Interval| -> Interval {
        let one_m = (Interval::one() - q.clone()).clamp_nonneg();
        match kind {
            RegKind::Shannon => {
                let xlnx = |x: &Interval| {
                    if x.is_zero() {
                        Interval::zero()
                    } else {
                        x.clone() * x.ln()
                    }
                };
                -(xlnx(q) + xlnx(&one_m))
            }
            RegKind::Gini => q.clone() * one_m,
            _ => {
                (pt(4.0) / pt(3.0))
                    * (Interval::one() - q.clamp_nonneg().pow_3_2() - one_m.pow_3_2())
            }
        }
    };
    let dh = |q: &Interval| -> Interval {
        let one_m = (Interval::one() - q.clone()).clamp_nonneg();
        match kind {
            RegKind::Shannon => (one_m / q.clone()).ln(),
            RegKind::Gini => Interval::one() - pt(2.0) * q.clone(),
            _ => pt(2.0) * (one_m.sqrt() - q.clamp_nonneg().sqrt()),
        }
    };
    let obj = |q: &Interval| {
        q.clone() * p.clone() + (Interval::one() - q.clone()) * s.clone() + gamma.clone() * h(q)
    };
    let g = |q: &Interval| (p.clone() - s.clone()) + gamma.clone() * dh(q);
    // Boundary optima (sparse regularizers): g(0) <= 0 or g(1) >= 0.
    let (zero, one) = (Interval::zero(), Interval::one());
    if kind != RegKind::Shannon {
        if g(&zero).certainly_le(&zero) {
            return (obj(&zero), zero);
        }
        if one.certainly_le(&(g(&one) + one.clone())) {
            return (obj(&one), one);
        }
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..1100 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        let gm = g(&pt(mid));
        if zero.certainly_lt(&gm) {
            lo = mid;
        } else if gm.certainly_lt(&zero) {
            hi = mid;
        } else {
            break;
        }
    }
    // q* in [lo, hi]; by concavity obj(q*) lies between max(obj(lo), obj(hi)) and
    // obj(lo) + g(lo) (hi - lo) (g(lo) >= 0 there; at lo = 0 for shannon g is +inf, so use
    // the symmetric bound from hi where g(hi) <= 0).
    let (ql, qh) = (pt(lo), pt(hi));
    let q = Interval::join(&ql, &qh);
    let lower = Interval::max_of(&obj(&ql), &obj(&qh));
    let upper = if lo > 0.0 {
        obj(&ql) + g(&ql) * (qh.clone() - ql.clone())
    } else {
        obj(&qh) - g(&qh) * (qh.clone() - ql.clone())
    };
    (Interval::join(&lower, &upper), q)
}

/// The f64 reference is within a small stated multiple of ulps of the enclosure on
/// well-conditioned instances (scores in [-3, 3], gamma in [0.1, 10], n <= 10): value within
/// 8 (n + 2) ulps of |V| + sum |theta|, y within 64 (n + 2) ulps of 1 + sum|theta| / gamma,
/// vjp within 64 (n + 2) ulps of (1 + sum|theta| / gamma) max |vjp| + 1.
#[test]
fn f64_reference_is_within_a_few_ulps_of_the_enclosure() {
    let mut rng = diffknap::rng::Rng::seed(5);
    for trial in 0..80 {
        let n = 1 + rng.below(10) as usize;
        let theta: Vec<f64> = (0..n).map(|_| (rng.uniform() * 2.0 - 1.0) * 3.0).collect();
        let weights: Vec<u64> = (0..n).map(|_| rng.below(4)).collect();
        let constraint = [Constraint::Knapsack, Constraint::Exact, Constraint::TopK][trial % 3];
        let inst = build(constraint, theta, weights, rng.below(12));
        let kind = RegKind::ALL[(trial / 3) % 4];
        let gamma = if kind == RegKind::Hard {
            0.0
        } else {
            10f64.powf(rng.uniform() * 2.0 - 1.0)
        };
        let z = z_for(n);
        let f = relax_f64(
            &inst,
            kind,
            gamma,
            &Extras {
                z: Some(z.clone()),
                samples: 0,
                seed: 0,
            },
        )
        .unwrap();
        let c = relax_certified(&inst, kind, gamma, Some(&z), &Target::default()).unwrap();
        let sum_abs: f64 = inst.theta().iter().map(|t| t.abs()).sum();
        let k = (n + 2) as f64;
        let cond = if kind == RegKind::Hard {
            1.0
        } else {
            1.0 + sum_abs / gamma
        };
        let dist = |iv: &Interval, x: f64| {
            diffknap::num::rational::rational_to_f64(&certified::distance(iv, &rat(x)).unwrap())
        };
        assert!(
            dist(&c.value, f.value) <= 8.0 * k * U * (f.value.abs() + sum_abs),
            "trial {trial} value"
        );
        for i in 0..n {
            assert!(
                dist(&c.y[i], f.y[i]) <= 64.0 * k * U * cond,
                "trial {trial} y[{i}]"
            );
        }
        let vj = c.vjp.as_ref().unwrap();
        let size = vj
            .iter()
            .map(|x| x.hi_f64().abs().max(x.lo_f64().abs()))
            .fold(0.0, f64::max);
        for i in 0..n {
            let x = f.vjp.as_ref().unwrap()[i];
            assert!(
                dist(&vj[i], x) <= 64.0 * k * U * (cond * size + 1.0),
                "trial {trial} vjp[{i}]"
            );
        }
    }
}

/// The f64 two-way log-sum-exp of the reference shannon smax,
/// `max(s,p) + gamma ln_1p(exp(-|p-s|/gamma))`, is within the bound proved for it in
/// `proofs/DPError.v` (`shannon_reference_cell`, with std exp and ln_1p within 4 ulp):
/// `2^-53 (|max(s,p)| + 20 gamma) + 22 2^-1075 (1 + gamma)`, from
/// `diffknap::error_bound::shannon_cell_bound`.
#[test]
fn lse_error_bound_holds() {
    let mut rng = diffknap::rng::Rng::seed(2026);
    let mut worst = 0.0f64;
    for i in 0..4000 {
        // Scores over many magnitudes and both signs, gammas from 1e-6 to 1e6.
        let mag = 10f64.powf(rng.uniform() * 12.0 - 6.0);
        let s = (rng.uniform() * 2.0 - 1.0) * mag;
        let p = if i % 5 == 0 {
            s // ties
        } else {
            (rng.uniform() * 2.0 - 1.0) * mag * 10f64.powf(rng.uniform() * 2.0 - 1.0)
        };
        let gamma = 10f64.powf(rng.uniform() * 12.0 - 6.0);
        let (v, _) = Regularizer::<f64>::smax(&Shannon, &s, &p, &gamma);
        let bits = 200;
        let (vc, _) = Regularizer::<Interval>::smax(
            &Shannon,
            &Interval::point(s, bits),
            &Interval::point(p, bits),
            &Interval::point(gamma, bits),
        );
        let dist = certified::distance(&vc, &rat(v)).unwrap();
        let width = vc.width().unwrap();
        let bound = rat(diffknap::error_bound::shannon_cell_bound(
            diffknap::error_bound::Evaluation::Reference,
            s.max(p),
            gamma,
        )
        .unwrap());
        // |v - truth| <= dist + width; the width is below 2^-190 relative.
        assert!(
            dist.clone() + width <= bound,
            "s={s:e} p={p:e} gamma={gamma:e}: f64 {v:e}, error {} > bound {}",
            diffknap::num::rational::rational_to_f64(&dist),
            diffknap::num::rational::rational_to_f64(&bound)
        );
        let ratio = diffknap::num::rational::rational_to_f64(&(dist / bound));
        worst = worst.max(ratio);
    }
    assert!(worst <= 1.0);
    eprintln!("lse_error_bound_holds: largest error / bound = {worst:.3}");
}

// ---------------------------------------------------------------------------------------------
// widths and precision

/// At the default target, every enclosure is narrower than 1e-30 (absolute or relative) on
/// instances with n = 40 and C = 60, for every regularizer and constraint.
#[test]
fn default_target_width_on_large_instances() {
    let mut rng = diffknap::rng::Rng::seed(40);
    for (t, kind) in RegKind::ALL.into_iter().enumerate() {
        let constraint = [Constraint::Knapsack, Constraint::Exact, Constraint::TopK][t % 3];
        let n = 40;
        let theta: Vec<f64> = (0..n).map(|_| rng.uniform() * 4.0 - 2.0).collect();
        let weights: Vec<u64> = (0..n).map(|_| 1 + rng.below(5)).collect();
        let inst = build(constraint, theta, weights, 60);
        let gamma = if kind == RegKind::Hard { 0.0 } else { 0.5 };
        let z = z_for(n);
        let c = relax_certified(&inst, kind, gamma, Some(&z), &Target::default()).unwrap();
        let tol = rat(1e-30);
        for x in all_intervals(&c) {
            let w = x.width().unwrap();
            let m = x.mag_min().unwrap();
            assert!(w <= tol || w <= &tol * m, "{kind:?}: width {w} at {x:?}");
        }
    }
}

/// Gini past the exact bit cap falls back to intervals, which still meet the target; and a
/// ceiling below what the target needs gives a typed error, not a wide answer.
#[test]
fn adaptive_precision_and_ceiling() {
    let n = 30;
    let theta: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
    let inst = Instance::knapsack(theta, vec![1; n], 20).unwrap();
    let c = relax_certified(&inst, RegKind::Gini, 50.0, None, &Target::default()).unwrap();
    assert!(matches!(c.method, Method::Interval(_)), "{:?}", c.method);
    assert!(c.y.iter().all(|x| Target::default().accepts(x)));
    // 10^-200 cannot be reached at 256 bits.
    let mut target = Target::digits(200);
    target.start_bits = 64;
    target.max_bits = 256;
    let e = relax_certified(&inst, RegKind::Shannon, 0.5, None, &target).unwrap_err();
    assert!(matches!(e, Error::Unsupported { .. }), "{e}");
    assert!(e.to_string().contains("256 bits"), "{e}");
    // Asking for more digits narrows the enclosures.
    let c40 = relax_certified(&inst, RegKind::Shannon, 0.5, None, &Target::digits(60)).unwrap();
    assert!(c40.value.width().unwrap() <= rat(1e-60) * c40.value.mag_min().unwrap());
}

/// Hard through intervals: a unique optimum gives point enclosures of y; a tie in the hard
/// max gives the hull [0, 1] (documented), while the driver's exact path settles the tie by
/// the SPEC's convention (ties go to skip) and agrees with the f64 reference.
#[test]
fn hard_ties_are_hulls_in_intervals_and_exact_in_the_driver() {
    let inst = Instance::top_k(vec![1.0, 1.0, 0.5], 1).unwrap();
    let iv = certified::relax_intervals(&inst, RegKind::Hard, 0.0, None, 128).unwrap();
    // The tie between item 0 and item 1 is exact in the interval DP too (point intervals).
    let c = relax_certified(&inst, RegKind::Hard, 0.0, None, &Target::default()).unwrap();
    let f = relax_f64(&inst, RegKind::Hard, 0.0, &Extras::default()).unwrap();
    for i in 0..3 {
        assert!(c.y[i].contains(&rat(f.y[i])), "y[{i}]");
        assert!(iv.y[i].contains(&rat(f.y[i])), "y[{i}]");
    }
    // A near-tie that a coarse precision cannot separate: 1 + 2^-40 against 1. At 24 bits the
    // pick value 0 + theta_1 rounds to an interval that overlaps the skip value, so the interval
    // DP can only say q in [0, 1]; the driver's exact path returns the exact 0/1 answer.
    let inst = Instance::top_k(vec![1.0, 1.0 + 2f64.powi(-40)], 1).unwrap();
    let narrow = certified::relax_intervals(&inst, RegKind::Hard, 0.0, None, 24).unwrap();
    let exact = relax_certified(&inst, RegKind::Hard, 0.0, None, &Target::default()).unwrap();
    assert_eq!(exact.method, Method::Exact);
    assert!(exact.y[0].contains(&rat(0.0)) && certified::is_point(&exact.y[0]));
    assert!(exact.y[1].contains(&rat(1.0)) && certified::is_point(&exact.y[1]));
    assert!(!certified::is_point(&narrow.y[1]), "a hull at 24 bits");
    for i in 0..2 {
        assert!(narrow.y[i].contains(&exact.y[i].bounds().unwrap().0));
    }
    // With enough bits the interval DP separates them too.
    let fine = certified::relax_intervals(&inst, RegKind::Hard, 0.0, None, 128).unwrap();
    assert!(certified::is_point(&fine.y[1]) && fine.y[1].contains(&rat(1.0)));
}

// ---------------------------------------------------------------------------------------------
// relax --precision certified

fn relax_line() -> Value {
    json!({"id": "a", "constraint": "knapsack", "regularizer": "shannon", "gamma": 0.7,
           "capacity": 5, "theta": [1.0, 0.3, -0.2, 0.8, 0.1], "weights": [2, 1, 3, 2, 1],
           "z": [0.5, -1.0, 0.25, 2.0, -0.5]})
}

#[test]
fn relax_certified_prints_outward_decimal_pairs() {
    let input = tmp_file("relax.jsonl", &format!("{}\n", relax_line()));
    let (code, out) = run_cli(
        "relax",
        &[
            "--precision",
            "certified",
            "--digits",
            "40",
            "--input",
            &input,
        ],
    );
    assert_eq!(code, 0, "{out}");
    let v = &lines(&out)[0];
    assert_eq!(v["id"], "a");
    let inst = vectors::parse_instance(&relax_line()).unwrap();
    let z = [0.5, -1.0, 0.25, 2.0, -0.5];
    let c = relax_certified(&inst, RegKind::Shannon, 0.7, Some(&z), &Target::digits(40)).unwrap();
    let check = |pair: &Value, iv: &Interval| {
        let lo = parse_rational(pair[0].as_str().unwrap(), "lo").unwrap();
        let hi = parse_rational(pair[1].as_str().unwrap(), "hi").unwrap();
        let (l, h) = iv.bounds().unwrap();
        assert!(
            lo <= l && h <= hi,
            "printed {pair} does not contain the enclosure"
        );
        assert!((hi - lo) <= rat(1e-39) * l.abs().max(rat(1.0)));
    };
    check(&v["value"], &c.value);
    for i in 0..5 {
        check(&v["y"][i], &c.y[i]);
        check(&v["vjp"][i], &c.vjp.as_ref().unwrap()[i]);
    }
}

// ---------------------------------------------------------------------------------------------
// vectors and validate

fn vectors_and_answers(count: &str, seed: &str, profile: &str) -> (String, String) {
    let (code, vecs) = run_cli(
        "vectors",
        &["--count", count, "--seed", seed, "--profile", profile],
    );
    assert_eq!(code, 0);
    let vpath = tmp_file(&format!("vec-{seed}-{profile}.jsonl"), &vecs);
    let (code, answers) = run_cli("relax", &["--input", &vpath]);
    assert_eq!(code, 0, "{answers}");
    (vecs, answers)
}

#[test]
fn vectors_are_deterministic_and_cover_every_case() {
    let (c1, a) = run_cli("vectors", &["--count", "120", "--seed", "3"]);
    let (_, b) = run_cli("vectors", &["--count", "120", "--seed", "3"]);
    let (_, d) = run_cli("vectors", &["--count", "120", "--seed", "4"]);
    assert_eq!(c1, 0);
    assert_eq!(a, b);
    assert_ne!(a, d);
    let ls = lines(&a);
    assert_eq!(ls.len(), 120);
    let mut seen = std::collections::HashSet::new();
    let (mut zero_w, mut heavy, mut cap0, mut k0, mut kn, mut g_lo, mut g_hi) =
        (false, false, false, false, false, false, false);
    for v in &ls {
        seen.insert((
            v["constraint"].as_str().unwrap().to_string(),
            v["regularizer"].as_str().unwrap().to_string(),
            v["case"].as_str().unwrap().to_string(),
        ));
        let inst = vectors::parse_instance(v).unwrap();
        let cap = inst.capacity();
        let w = v["weights"].as_array();
        zero_w |= w.is_some_and(|w| w.iter().any(|x| x == 0));
        heavy |= w.is_some_and(|w| w.iter().any(|x| x.as_u64().unwrap() > cap as u64));
        cap0 |= cap == 0;
        k0 |= inst.constraint() == Constraint::TopK && cap == 0;
        kn |= inst.constraint() == Constraint::TopK && cap == inst.n();
        g_lo |= v["gamma"] == 1e-3;
        g_hi |= v["gamma"] == 1e3;
        // Expected outputs are pairs of decimal strings with lo <= hi.
        let pair = &v["expected"]["value"];
        let lo = parse_rational(pair[0].as_str().unwrap(), "lo").unwrap();
        let hi = parse_rational(pair[1].as_str().unwrap(), "hi").unwrap();
        assert!(lo <= hi);
        assert_eq!(v["expected"]["y"].as_array().unwrap().len(), inst.n());
    }
    assert_eq!(
        seen.len(),
        120,
        "every constraint x regularizer x case once"
    );
    assert!(zero_w && heavy && cap0 && k0 && kn && g_lo && g_hi);
}

/// Rounding and printing check (not an independent truth: for hard and gini the expected
/// strings come from the rational DP rounded outward): the printed pairs contain
/// `relax_exact`'s results. The independent check of those values is
/// `certified_hard_and_gini_contain_the_recursive_and_brute_force_oracles`.
#[test]
fn vectors_expected_strings_round_the_exact_dp_outward() {
    // For hard and gini the expected strings must contain the exact rational result.
    let (_, text) = run_cli("vectors", &["--count", "60", "--seed", "9"]);
    for v in lines(&text) {
        let kind = RegKind::parse(v["regularizer"].as_str().unwrap()).unwrap();
        if !matches!(kind, RegKind::Hard | RegKind::Gini) {
            continue;
        }
        // The truth is that of the f64 inputs (decimal text rounded to nearest, as every f64
        // implementation reads it), taken exactly.
        let req = relax::parse_request::<f64>(&v, diffknap::request::json::f64_of).unwrap();
        let theta: Vec<Rational> = req.instance.theta().iter().map(|&t| rat(t)).collect();
        let inst_r = req.instance.with_theta(theta).unwrap();
        let extras = Extras {
            z: req
                .extras
                .z
                .as_ref()
                .map(|z| z.iter().map(|&x| rat(x)).collect()),
            samples: 0,
            seed: 0,
        };
        let exact = relax_exact(&inst_r, kind, &rat(req.gamma), &extras).unwrap();
        let inside = |pair: &Value, x: &Rational| {
            let lo = parse_rational(pair[0].as_str().unwrap(), "lo").unwrap();
            let hi = parse_rational(pair[1].as_str().unwrap(), "hi").unwrap();
            lo <= *x && *x <= hi
        };
        assert!(inside(&v["expected"]["value"], &exact.value), "{}", v["id"]);
        for (i, y) in exact.y.iter().enumerate() {
            assert!(inside(&v["expected"]["y"][i], y), "{} y[{i}]", v["id"]);
        }
        for (i, x) in exact.vjp.unwrap().iter().enumerate() {
            assert!(inside(&v["expected"]["vjp"][i], x), "{} vjp[{i}]", v["id"]);
        }
    }
}

#[test]
fn validate_passes_clean_vectors_of_both_profiles() {
    for (count, profile) in [("240", "small"), ("48", "stress")] {
        let (vecs, answers) = vectors_and_answers(count, "21", profile);
        let vpath = tmp_file(&format!("v-clean-{profile}.jsonl"), &vecs);
        let apath = tmp_file(&format!("a-clean-{profile}.jsonl"), &answers);
        let (code, report) = run_cli(
            "validate",
            &["--input", &vpath, "--answers", &apath, "--json"],
        );
        let ls = lines(&report);
        let summary = &ls.last().unwrap()["summary"];
        assert_eq!(code, 0, "{profile}: {summary}");
        assert_eq!(summary["passed"], count.parse::<u64>().unwrap());
        assert_eq!(summary["verdict"], "pass");
    }
}

/// One number of one line among 240 perturbed by 1e-6 relative: the line fails, the field and
/// the index are named, every other line passes, and the exit status is 1.
#[test]
fn validate_catches_one_perturbed_number() {
    let (vecs, answers) = vectors_and_answers("240", "22", "small");
    let vpath = tmp_file("v-pert.jsonl", &vecs);
    let mut ans = lines(&answers);
    // The largest y entry of the first line from 150 on whose largest y exceeds 0.1 (so that
    // 1e-6 relative is well above atol).
    let max_y = |v: &Value| {
        v["y"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .fold(0.0, f64::max)
    };
    let target_line = (150..ans.len()).find(|&k| max_y(&ans[k]) > 0.1).unwrap();
    let y = ans[target_line]["y"].as_array().unwrap().clone();
    let (j, yj) = y
        .iter()
        .map(|x| x.as_f64().unwrap())
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    assert!(yj > 1e-3, "pick a line with a non-negligible y");
    ans[target_line]["y"][j] = json!(yj * (1.0 + 1e-6));
    let text: String = ans.iter().map(|v| format!("{v}\n")).collect();
    let apath = tmp_file("a-pert.jsonl", &text);
    let (code, report) = run_cli(
        "validate",
        &["--input", &vpath, "--answers", &apath, "--json"],
    );
    assert_eq!(code, 1);
    let ls = lines(&report);
    let failed: Vec<&Value> = ls.iter().filter(|v| v["verdict"] == "fail").collect();
    assert_eq!(failed.len(), 1, "{report}");
    assert_eq!(failed[0]["line"], target_line as u64 + 1);
    assert_eq!(failed[0]["fields"]["y"]["first_failure"], j as u64);
    assert_eq!(failed[0]["fields"]["y"]["failures"], 1);
    assert!(failed[0]["fields"]["y"]["max_ulps"].as_f64().unwrap() > 1e8);
    assert_eq!(ls.last().unwrap()["summary"]["failed"], 1);
    // The same through the value field.
    let mut ans2 = lines(&answers);
    let v = ans2[7]["value"].as_f64().unwrap();
    ans2[7]["value"] = json!(v * (1.0 + 1e-6) + 1e-6);
    let text: String = ans2.iter().map(|v| format!("{v}\n")).collect();
    let apath = tmp_file("a-pert2.jsonl", &text);
    let (code, report) = run_cli("validate", &["--input", &vpath, "--answers", &apath]);
    assert_eq!(code, 1);
    assert!(report.contains("FAIL"), "{report}");
    assert!(report.contains("verdict: FAIL"));
}

#[test]
fn validate_reports_errors_for_wrong_lengths_and_bad_lines() {
    let mut good = relax_line();
    good["value"] = json!(3.2457900486080726);
    let mut short = good.clone();
    short["y"] = json!([0.1, 0.2]);
    let mut nan = good.clone();
    nan["value"] = json!("NaN");
    let mut no_z = good.clone();
    no_z.as_object_mut().unwrap().remove("z");
    no_z["vjp"] = json!([0.0, 0.0, 0.0, 0.0, 0.0]);
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("theta");
    let mut nothing = relax_line();
    nothing["id"] = json!("nothing");
    let text = format!(
        "{good}\n{short}\n{{not json\n{nan}\n{no_z}\n{missing}\n[1,2]\n{nothing}\n\n{good}\n"
    );
    let input = tmp_file("bad.jsonl", &text);
    let (code, report) = run_cli("validate", &["--input", &input, "--json"]);
    assert_eq!(code, 1);
    let ls = lines(&report);
    let verdicts: Vec<&str> = ls[..ls.len() - 1]
        .iter()
        .map(|v| v["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        [
            "pass", "error", "error", "fail", "error", "error", "error", "error", "pass"
        ]
    );
    // A NaN answer is a failed number named by its field, not an unreadable line.
    assert_eq!(ls[3]["fields"]["value"]["nonfinite"], 1);
    let err = |k: usize| ls[k]["error"].as_str().unwrap().to_string();
    assert!(err(1).starts_with("y: length must be 5"), "{}", err(1));
    assert!(err(2).contains("malformed JSON"), "{}", err(2));
    assert!(
        err(4).starts_with("z: is required to check vjp"),
        "{}",
        err(4)
    );
    assert!(err(5).starts_with("theta: is required"), "{}", err(5));
    assert!(err(6).contains("JSON object"), "{}", err(6));
    assert!(err(7).contains("nothing to check"), "{}", err(7));
    assert_eq!(ls[8]["line"], 10, "blank lines count in line numbers");
    let summary = &ls.last().unwrap()["summary"];
    assert_eq!(summary["errors"], 6);
    assert_eq!(summary["failed"], 1);
    assert_eq!(summary["passed"], 2);
    // Answers file: fewer lines, mismatched ids, an implementation's error line.
    let input = tmp_file(
        "two.jsonl",
        &format!("{}\n{}\n{}\n", relax_line(), relax_line(), relax_line()),
    );
    let answers = tmp_file(
        "two-answers.jsonl",
        "{\"id\": \"b\", \"value\": 3.2457900486080726}\n{\"id\": \"a\", \"error\": \"overflow\"}\n",
    );
    let (code, report) = run_cli(
        "validate",
        &["--input", &input, "--answers", &answers, "--json"],
    );
    assert_eq!(code, 1);
    let ls = lines(&report);
    assert!(ls[0]["error"].as_str().unwrap().starts_with("id:"));
    assert!(
        ls[1]["error"]
            .as_str()
            .unwrap()
            .contains("reported an error")
    );
    assert!(ls[2]["error"].as_str().unwrap().contains("fewer lines"));
    // Usage errors.
    assert_eq!(run_cli("validate", &["--rtol", "nan"]).0, 2);
    assert_eq!(run_cli("validate", &["--atol", "-1"]).0, 2);
    assert_eq!(run_cli("validate", &["--bogus"]).0, 2);
    assert_eq!(run_cli("validate", &["--input", "/nonexistent/x"]).0, 2);
}

/// The paper's spellings: `topk` / `top_k`, `k` for the capacity, `values` for the value,
/// `marginals` for y, `entropy` for shannon; answers on the instance line itself.
#[test]
fn validate_accepts_the_papers_spellings() {
    let inst = Instance::top_k(vec![0.5, -0.25, 1.5], 2).unwrap();
    let f = relax_f64(&inst, RegKind::Shannon, 0.3, &Extras::default()).unwrap();
    let text = format!(
        "{}\n{}\n",
        json!({"id": 1, "constraint": "topk", "regularizer": "entropy", "gamma": 0.3, "k": 2,
               "theta": [0.5, -0.25, 1.5], "values": f.value, "marginals": f.y}),
        json!({"id": 2, "constraint": "top_k", "regularizer": "shannon", "gamma": 0.3, "k": 2,
               "theta": [0.5, -0.25, 1.5], "weights": [1, 1, 1], "value": f.value, "y": f.y})
    );
    let input = tmp_file("paper.jsonl", &text);
    let (code, report) = run_cli("validate", &["--input", &input, "--json"]);
    assert_eq!(code, 0, "{report}");
    let ls = lines(&report);
    assert_eq!(ls[0]["fields"]["y"]["len"], 3);
    assert_eq!(ls[1]["fields"]["value"]["pass"], true);
}

/// Hand-made cases whose truth is exact by construction: top-k with k = n has V = sum theta
/// and y = 1 exactly; an answer k ulps away must be reported as k ulps.
#[test]
fn validate_reports_ulps_exactly_on_hand_made_cases() {
    let inst = Instance::top_k(vec![1.0, 2.0], 2).unwrap();
    let c = relax_certified(&inst, RegKind::Hard, 0.0, None, &Target::default()).unwrap();
    assert!(c.value.contains(&rat(3.0)));
    let ulp3 = 2f64.powi(-51); // spacing of f64 in [2, 4)
    let tol = Tolerance::default();
    for k in [0.0, 1.0, 4.0, 1000.0] {
        let rep = check_field(
            "value",
            &[3.0 + k * ulp3],
            std::slice::from_ref(&c.value),
            tol,
            true,
        )
        .unwrap();
        assert_eq!(rep.max_ulps, k);
        assert_eq!(rep.max_abs_err, k * ulp3);
        assert_eq!(rep.max_rel_err, Some(k * ulp3 / 3.0));
    }
    // Below the truth 1: the spacing is that of [1, 2), 2^-52, so 1 - 2^-53 is half an ulp.
    let rep = check_field("y", &[1.0, 1.0 - 2f64.powi(-53)], &c.y, tol, false).unwrap();
    assert_eq!(rep.max_ulps, 0.5);
    assert_eq!(rep.worst, Some(1));
    assert!(rep.pass());
    // A relative error of 1e-6 fails at the default tolerance and passes at rtol 1e-5.
    let rep = check_field(
        "value",
        &[3.0 * (1.0 + 1e-6)],
        std::slice::from_ref(&c.value),
        tol,
        true,
    )
    .unwrap();
    assert!(!rep.pass());
    let loose = Tolerance {
        rtol: 1e-5,
        atol: 0.0,
    };
    let rep = check_field(
        "value",
        &[3.0 * (1.0 + 1e-6)],
        std::slice::from_ref(&c.value),
        loose,
        true,
    )
    .unwrap();
    assert!(rep.pass());
    // Exact zeros use the spacing at the field's size: vjp truth [0, 2] and an answer 1e-16
    // away from 0 is 1e-16 / 2^-51 ulps.
    let truth = vec![Interval::point(0.0, 64), Interval::point(2.0, 64)];
    let rep = check_field("vjp", &[1e-16, 2.0], &truth, tol, false).unwrap();
    assert_eq!(rep.max_ulps, 1e-16 / 2f64.powi(-51));
    assert_eq!(
        rep.max_rel_err, None,
        "relative error to an exact 0 is infinite"
    );
    assert!(rep.pass(), "1e-16 is far below rtol * |vjp|");
    // Wrong length is an error naming the field.
    let e = check_field("y", &[1.0], &c.y, tol, false).unwrap_err();
    assert!(e.to_string().starts_with("y: length must be 2"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// bad input through the new commands

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Arbitrary (mostly wrong) lines never panic: each gets a pass, a fail or an error row
    /// naming a field, and the error text never contains NaN.
    #[test]
    fn validate_never_panics_on_arbitrary_lines(
        constraint in prop::sample::select(vec!["knapsack", "exact", "top_k", "topk", "bogus", ""]),
        regularizer in prop::sample::select(vec!["hard", "shannon", "gini", "tsallis", "l2", "x"]),
        gamma in prop::sample::select(vec![json!(0.5), json!(0), json!(-1), json!("NaN"), json!("inf"), json!(null), json!([1])]),
        theta in prop::collection::vec(prop::sample::select(vec![json!(1.0), json!(-2.5), json!("NaN"), json!("1e999"), json!(true), json!(1e300)]), 0..4),
        weights in prop::collection::vec(prop::sample::select(vec![json!(1), json!(0), json!(-1), json!(2.5), json!(9)]), 0..4),
        capacity in prop::sample::select(vec![json!(0), json!(2), json!(-1), json!(1.5), json!("3"), json!(1e20)]),
        value in prop::sample::select(vec![json!(1.0), json!("NaN"), json!(null), json!([1.0]), json!("abc")]),
        y in prop::sample::select(vec![json!([0.5, 0.5]), json!([]), json!(null), json!("y"), json!([0.5, "x"])]),
    ) {
        let line = json!({"constraint": constraint, "regularizer": regularizer, "gamma": gamma,
                          "theta": theta, "weights": weights, "capacity": capacity,
                          "value": value, "y": y, "z": [0.1, 0.2]});
        match validate::check_line(&line, &line, Tolerance::default()) {
            Ok(fields) => prop_assert!(!fields.is_empty()),
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(!msg.contains("NaN"), "{msg}");
                prop_assert!(msg.contains(':'), "{msg}");
            }
        }
    }
}

#[test]
fn bad_input_through_certified_relax_and_vectors() {
    let mut nan = relax_line();
    nan["theta"][2] = json!("NaN");
    let mut samples = relax_line();
    samples["samples"] = json!(3);
    let mut neg_gamma = relax_line();
    neg_gamma["gamma"] = json!(-1.0);
    let mut bad_z = relax_line();
    bad_z["z"] = json!([1.0]);
    let text = format!(
        "{nan}\n{samples}\n{neg_gamma}\n{bad_z}\n{{\"id\":1\n{}\n",
        relax_line()
    );
    let input = tmp_file("bad-relax.jsonl", &text);
    let (code, out) = run_cli("relax", &["--precision", "certified", "--input", &input]);
    assert_eq!(code, 1);
    let ls = lines(&out);
    assert_eq!(ls.len(), 6);
    assert!(ls[0]["error"].as_str().unwrap().starts_with("theta[2]"));
    assert!(ls[1]["error"].as_str().unwrap().starts_with("samples"));
    assert!(ls[2]["error"].as_str().unwrap().starts_with("gamma"));
    assert!(ls[3]["error"].as_str().unwrap().starts_with("z: length"));
    assert!(ls[4]["error"].as_str().unwrap().contains("malformed JSON"));
    assert!(ls[5].get("error").is_none());
    assert!(!out.contains("NaN"), "{out}");
    for digits in ["0", "1001", "x", "-3"] {
        let (code, _) = run_cli("relax", &["--precision", "certified", "--digits", digits]);
        assert_eq!(code, 2, "--digits {digits}");
    }
    assert_eq!(run_cli("relax", &["--precision", "interval"]).0, 2);
    for args in [
        &["--seed", "1"][..],
        &["--count", "3"],
        &["--count", "x", "--seed", "1"],
        &["--count", "3", "--seed", "-1"],
        &["--count", "3", "--seed", "1", "--profile", "huge"],
        &["--count", "3", "--seed", "1", "--extra"],
    ] {
        assert_eq!(run_cli("vectors", args).0, 2, "{args:?}");
    }
    assert_eq!(
        run_cli("vectors", &["--count", "0", "--seed", "1"]),
        (0, String::new())
    );
}

/// Numbers that no certified computation may turn into NaN or a panic: empty instances,
/// capacity 0, zero weights, huge and tiny scores and gammas.
#[test]
fn certified_edge_cases_never_fail_silently() {
    let cases: Vec<(Instance<f64>, RegKind, f64)> = vec![
        (
            Instance::knapsack(vec![], vec![], 0).unwrap(),
            RegKind::Shannon,
            1.0,
        ),
        (
            Instance::top_k(vec![1.0, 2.0], 0).unwrap(),
            RegKind::Tsallis,
            1e-3,
        ),
        (
            Instance::top_k(vec![1.0, 2.0], 2).unwrap(),
            RegKind::Gini,
            1e3,
        ),
        (
            Instance::knapsack(vec![1e300, -1e300], vec![0, 1], 0).unwrap(),
            RegKind::Shannon,
            1e-300,
        ),
        (
            Instance::exact(vec![1e-300, 5e-324], vec![1, 1], 1).unwrap(),
            RegKind::Tsallis,
            1e300,
        ),
        (
            Instance::knapsack(vec![3.0, -2.0], vec![0, 7], 3).unwrap(),
            RegKind::Hard,
            0.0,
        ),
    ];
    for (inst, kind, gamma) in cases {
        let z = z_for(inst.n());
        let c = relax_certified(&inst, kind, gamma, Some(&z), &Target::default())
            .unwrap_or_else(|e| panic!("{kind:?} gamma {gamma}: {e}"));
        for x in all_intervals(&c) {
            assert!(x.is_valid());
            assert!(!x.to_f64().is_nan());
            assert!(Target::default().accepts(x));
        }
        // y is in [0, 1] and, for top-k, sums to k (both as enclosures).
        for y in &c.y {
            assert!(
                y.bounds().unwrap().0 >= rat(-1e-30) && y.bounds().unwrap().1 <= rat(1.0 + 1e-30)
            );
        }
        let sum = c.y.iter().cloned().fold(Interval::zero(), |a, b| a + b);
        if inst.constraint() == Constraint::TopK {
            assert!(sum.contains(&rat(inst.capacity() as f64)));
        }
    }
    // Errors stay typed; tables too large for certified precision are refused up front.
    let big = Instance::knapsack(vec![0.5; 600], vec![1; 600], 600).unwrap();
    assert!(matches!(
        relax_certified(&big, RegKind::Shannon, 1.0, None, &Target::default()),
        Err(Error::TooLarge { .. })
    ));
    let inst = Instance::top_k(vec![1.0, 2.0], 1).unwrap();
    assert!(matches!(
        relax_certified(&inst, RegKind::Shannon, 0.0, None, &Target::default()),
        Err(Error::Invalid { .. })
    ));
    assert!(matches!(
        relax_certified(
            &inst,
            RegKind::Shannon,
            1.0,
            Some(&[f64::NAN, 1.0]),
            &Target::default()
        ),
        Err(Error::NonFinite { .. })
    ));
    let sum_is_exact = |x: &Interval| x.mag_min().is_some_and(|m| !m.is_negative());
    assert!(sum_is_exact(&Interval::point(1.0, 8)));
    assert!(Interval::point(0.0, 8).mag_min().unwrap().is_zero());
}

// ---------------------------------------------------------------------------------------------
// the work budget

/// Regression: certified gini near a kink at n = 512 (integer scores, gamma 1) ran for
/// minutes before an error. The plan is made before any work: not even one interval pass fits
/// the default budget, so the call is refused with a typed limit (no work done: the error is
/// `Limit`, which is only produced before the first pass).
#[test]
fn certified_work_budget_refuses_large_tables_before_any_work() {
    let n = 512;
    let theta: Vec<f64> = (0..n).map(|i| ((i * 7) % 5) as f64).collect();
    let inst = Instance::knapsack(theta, vec![1; n], 511).unwrap();
    let plan = certified::estimate(&inst, RegKind::Gini, 1.0, &Target::default());
    assert!(
        plan.passes.is_empty() && plan.exact_cap.is_none(),
        "{plan:?}"
    );
    let (bits, w) = plan.refused.unwrap();
    assert_eq!(bits, Target::default().start_bits);
    assert!(w > Target::default().max_work as u128);
    for kind in [RegKind::Gini, RegKind::Shannon, RegKind::Tsallis] {
        let e = relax_certified(&inst, kind, 1.0, None, &Target::default()).unwrap_err();
        match &e {
            Error::Limit {
                what,
                needed,
                limit,
                how,
            } => {
                assert!(
                    what.contains("certified") && what.contains(kind.name()),
                    "{e}"
                );
                assert!(needed > limit && *limit == certified::DEFAULT_MAX_WORK as u128);
                assert!(how.contains("max_work"), "{e}");
            }
            other => panic!("expected a limit, got {other:?}"),
        }
    }
    // Raising the budget is what the message says: with room for one pass the plan has it.
    let big = Target {
        max_work: u64::MAX,
        ..Target::default()
    };
    let plan = certified::estimate(&inst, RegKind::Gini, 1.0, &big);
    assert_eq!(plan.passes.len(), 6);
    assert!(plan.refused.is_none() && plan.exact_cap == Some(certified::EXACT_ATTEMPT_BITS));
}

/// The plan never exceeds the budget: the exact attempt (charged at twice its bit cap) plus
/// the planned passes fit `max_work`, the cap shrinks as tables grow, and passes double in
/// precision from the target's start to its ceiling.
#[test]
fn certified_work_plan_fits_the_budget() {
    let mut last_cap = u64::MAX;
    for n in [4usize, 16, 64, 128, 200, 256, 400] {
        let inst = Instance::knapsack(vec![0.25; n], vec![1; n], n as u64).unwrap();
        for kind in RegKind::ALL {
            for max_work in [100_000u64, 10_000_000, 1_000_000_000] {
                let t = Target {
                    max_work,
                    ..Target::default()
                };
                let gamma = if kind == RegKind::Hard { 0.0 } else { 1.0 };
                let p = certified::estimate(&inst, kind, gamma, &t);
                let total: u128 = p.exact_work + p.passes.iter().map(|x| x.1).sum::<u128>();
                if !p.passes.is_empty() {
                    assert!(total <= max_work as u128, "{kind:?} n={n}: {p:?}");
                }
                for (k, &(bits, _)) in p.passes.iter().enumerate() {
                    assert_eq!(bits, t.start_bits << k);
                    assert!(bits <= t.max_bits);
                }
                if kind == RegKind::Gini && max_work == 10_000_000 {
                    let cap = p.exact_cap.unwrap_or(0);
                    assert!(cap <= last_cap, "the exact cap shrinks with n");
                    last_cap = cap;
                }
            }
        }
    }
}

/// A kink that no precision resolves, under a budget that allows only the first passes: the
/// call stops at the budget with an error naming it (after bounded work), instead of climbing
/// to the 4096-bit ceiling. Integer scores with gamma = 1 put many cells exactly at
/// |p - s| = gamma, and their exact numbers outgrow the attempt's cap within ~20 rows.
#[test]
fn certified_work_budget_bounds_the_precision_climb() {
    let n = 100;
    let theta: Vec<f64> = (0..n).map(|i| ((i * 7) % 5) as f64).collect();
    let inst = Instance::knapsack(theta, vec![1; n], 50).unwrap();
    let z: Vec<f64> = (0..n).map(|i| (i % 3) as f64 - 1.0).collect();
    // The smallest budget (to 10%) whose plan is the passes at 128 and 256 bits.
    let mut t = Target {
        max_work: 1000,
        ..Target::default()
    };
    let plan = loop {
        let p = certified::estimate(&inst, RegKind::Gini, 1.0, &t);
        if p.passes.len() == 2 {
            break p;
        }
        assert!(p.passes.len() < 2);
        t.max_work += t.max_work / 10;
    };
    assert_eq!(
        plan.passes.iter().map(|p| p.0).collect::<Vec<_>>(),
        vec![128, 256]
    );
    assert_eq!(plan.refused.map(|r| r.0), Some(512));
    match relax_certified(&inst, RegKind::Gini, 1.0, Some(&z), &t) {
        Ok(c) => {
            // If it is settled after all, the answer must meet the target.
            assert!(all_intervals(&c).into_iter().all(|x| t.accepts(x)));
        }
        Err(Error::Unsupported { what }) => {
            assert!(
                what.contains("work budget") && what.contains("at 256 bits"),
                "{what}"
            );
        }
        Err(e) => panic!("unexpected {e}"),
    }
}

/// `max_scale_ulps` counts the error in ulps of the field's scale: the largest magnitude of
/// the truth, floored at atol / rtol (at 1 when rtol is 0). Hand-worked: truth [1, 2]
/// exactly, answers [1, 2 + 2 ulp(2)], so the largest error is 2 ulp(2) = 2^-50.
#[test]
fn validate_scale_ulps_use_the_larger_of_size_and_atol_over_rtol() {
    let truth = [Interval::point(1.0, 64), Interval::point(2.0, 64)];
    let xs = [1.0, 2.0 + 2.0 * 2f64.powi(-51)];
    let scale_ulps = |rtol: f64, atol: f64| {
        check_field("y", &xs, &truth, Tolerance { rtol, atol }, false)
            .unwrap()
            .max_scale_ulps
    };
    // atol / rtol = 1e-288 is below the size 2: ulps of 2 (2^-51), so 2.
    assert_eq!(scale_ulps(1e-12, 1e-300), 2.0);
    // atol / rtol = 1e4 is above it: ulps of 1e4 (between 2^13 and 2^14: 2^-39), so 2^-11.
    assert_eq!(scale_ulps(1e-12, 1e-8), 2f64.powi(-11));
    // rtol = 0: the floor is 1, below the size: ulps of 2 again.
    assert_eq!(scale_ulps(0.0, 1e-9), 2.0);
}
