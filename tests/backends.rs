//! Conformance of every fast backend with the reference DP (issue 4).
//!
//! Every plan (each instruction set this CPU has, sequential, row-split over 2 and 3
//! threads, segments recomputed on a second thread; full, checkpointed, compact and auto
//! memory) runs with work buffers filled with garbage, on
//! instances covering every constraint and the edge cases (ties, zero weights, weights
//! above the capacity, capacity 0, k = 0, k = n, exact constraints with unreachable cells,
//! tiny and huge gamma). The shannon and hard values must agree with the reference within
//! the f64 error bounds proved in `proofs/DPError.v` (`diffknap::error_bound`); the gini and
//! tsallis values, y and the VJP within 1e-12 in a normwise relative sense (the norm of the
//! reference output, floored at the natural unit of the quantity: 1 for y, |z| for the VJP,
//! the largest |theta| or gamma for V), an empirical tolerance.
//! Samples must be the same draws for the same seed.

use diffknap::backend::{
    self, Backend, BatchItem, Isa, Memory, Par, Plan, batch_schedule, pipeline_bytes, relax_batch,
    relax_batch_within, relax_with_backend,
};
use diffknap::ops::{Extras, Relaxed, relax_f64};
use diffknap::rng::Rng;
use diffknap::{Constraint, Instance, RegKind};

const TOL: f64 = 1e-12;

/// The backends every conformance test runs: the CPU ones, and the GPU in builds with the
/// `gpu` feature (which then needs a Vulkan adapter with f64 shaders, for example Mesa's
/// lavapipe: a GPU build without one fails here rather than skipping the GPU silently).
fn backends() -> Vec<Backend> {
    let mut all = Backend::ALL.to_vec();
    if cfg!(feature = "gpu") {
        all.push(Backend::parse("gpu").expect("a gpu build parses gpu"));
    }
    all
}

fn plans() -> Vec<(String, Plan)> {
    let mut out = Vec::new();
    for isa in Isa::available() {
        for (pname, par, min_cols) in [
            ("seq", Par::Seq, 2048),
            ("rows2", Par::Threads(2), 1),
            ("rows3", Par::Threads(3), 1),
            // Rows on one thread, checkpointed segments recomputed on a second one.
            ("segments2", Par::Threads(2), usize::MAX),
        ] {
            for memory in [
                Memory::Full,
                Memory::Checkpointed,
                Memory::Compact,
                Memory::Auto,
            ] {
                let mut plan = Plan::new(isa, par);
                plan.memory = memory;
                plan.min_cols_per_thread = min_cols;
                plan.poison = true;
                out.push((format!("{}/{pname}/{memory:?}", isa.name()), plan));
            }
        }
    }
    out
}

fn gammas(reg: RegKind) -> Vec<f64> {
    match reg {
        RegKind::Hard => vec![0.0],
        _ => vec![1e-7, 0.05, 0.7, 3.0, 1e6],
    }
}

/// Instances: (name, instance).
fn instances() -> Vec<(String, Instance<f64>)> {
    let mut rng = Rng::seed(2026);
    let mut u = move || rng.uniform();
    let mut out: Vec<(String, Instance<f64>)> = Vec::new();
    let mut push = |name: &str, r: diffknap::Result<Instance<f64>>| {
        out.push((name.to_string(), r.expect(name)));
    };
    push(
        "small knapsack",
        Instance::knapsack(vec![1.0, 0.3, -0.2, 0.8, 0.1], vec![2, 1, 3, 2, 1], 5),
    );
    push(
        "ties",
        Instance::knapsack(
            vec![1.0, 1.0, 1.0, 0.0, 2.0, 1.0],
            vec![1, 1, 2, 1, 2, 1],
            4,
        ),
    );
    push(
        "zero weights and overweight",
        Instance::knapsack(vec![0.5, -0.4, 0.9, 0.2, 1.5], vec![0, 0, 9, 3, 1000], 7),
    );
    push(
        "capacity 0",
        Instance::knapsack(vec![0.5, -1.0, 2.0], vec![1, 0, 2], 0),
    );
    push(
        "exact capacity 0",
        Instance::exact(vec![0.5, -1.0, 2.0], vec![1, 0, 2], 0),
    );
    push("top_k k=0", Instance::top_k(vec![0.3, -0.2, 0.9, 0.1], 0));
    push("top_k k=n", Instance::top_k(vec![0.3, -0.2, 0.9, 0.1], 4));
    push("no items", Instance::knapsack(vec![], vec![], 5));
    let theta: Vec<f64> = (0..40).map(|_| 2.0 * u() - 1.0).collect();
    push("top_k 40/13", Instance::top_k(theta.clone(), 13));
    let tie_theta: Vec<f64> = (0..30).map(|_| (3.0 * u()).floor()).collect();
    push("top_k integer ties", Instance::top_k(tie_theta, 11));
    // Exact with unreachable cells: even weights plus one odd weight.
    let w: Vec<u64> = (0..25)
        .map(|i| if i == 7 { 3 } else { 2 * (1 + (i % 4)) })
        .collect();
    let t: Vec<f64> = (0..25).map(|_| 2.0 * u() - 1.0).collect();
    push("exact unreachable", Instance::exact(t, w, 37));
    // Longer rows (vector loops, tails, row blocks) with mixed weights.
    let n = 50;
    let t: Vec<f64> = (0..n).map(|_| 4.0 * u() - 2.0).collect();
    let w: Vec<u64> = (0..n)
        .map(|i| (u() * 40.0) as u64 + (i % 3 == 0) as u64)
        .collect();
    push(
        "knapsack 50x301",
        Instance::knapsack(t.clone(), w.clone(), 300),
    );
    let mut w2 = w.clone();
    w2[0] = 1;
    push("exact 50x213", Instance::exact(t, w2, 212));
    let n = 17;
    let t: Vec<f64> = (0..n).map(|_| 100.0 * (u() - 0.5)).collect();
    let w: Vec<u64> = (0..n).map(|_| (u() * 9.0) as u64).collect();
    push("knapsack large scores", Instance::knapsack(t, w, 41));
    out
}

fn z_for(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::seed(seed);
    (0..n).map(|_| 2.0 * rng.uniform() - 1.0).collect()
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

fn close_vec(what: &str, got: &[f64], want: &[f64], floor: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let scale = max_abs(want).max(floor);
    let mut worst = (0.0, 0);
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let err = (g - w).abs() / scale;
        if err > worst.0 {
            worst = (err, i);
        }
    }
    let i = worst.1;
    assert!(
        worst.0 <= TOL,
        "{what}[{i}]: fast {:e}, reference {:e} (normwise relative error {:e})",
        got[i],
        want[i],
        worst.0
    );
}

/// Tolerance on |V_fast - V_reference|. Shannon and hard: the error bound proved in
/// `proofs/DPError.v` for each evaluation, added (both are compared with the exact V).
/// Gini and tsallis: empirical, `TOL` relative to the natural scale of V.
fn value_tol(reg: RegKind, inst: &Instance<f64>, gamma: f64, want: f64) -> f64 {
    use diffknap::error_bound::{Evaluation, value_error_bound};
    let (n, th) = (inst.n(), max_abs(inst.theta()));
    match reg {
        RegKind::Shannon => {
            value_error_bound(Evaluation::Kernel, n, gamma, th).unwrap()
                + value_error_bound(Evaluation::Reference, n, gamma, th).unwrap()
        }
        RegKind::Hard => 2.0 * value_error_bound(Evaluation::Hard, n, gamma, th).unwrap(),
        _ => TOL * want.abs().max(th).max(gamma),
    }
}

fn compare(
    what: &str,
    reg: RegKind,
    inst: &Instance<f64>,
    gamma: f64,
    got: &Relaxed<f64>,
    want: &Relaxed<f64>,
) {
    assert!(
        (got.value - want.value).abs() <= value_tol(reg, inst, gamma, want.value),
        "{what}: value fast {:e}, reference {:e}",
        got.value,
        want.value
    );
    close_vec(&format!("{what}: y"), &got.y, &want.y, 1.0);
    match (&got.vjp, &want.vjp) {
        (Some(g), Some(w)) => {
            let zs = max_abs(inst.theta()).max(1.0);
            close_vec(&format!("{what}: vjp"), g, w, zs);
        }
        (None, None) => {}
        _ => panic!("{what}: vjp presence differs"),
    }
}

#[test]
fn every_fast_backend_matches_the_reference() {
    let plans = plans();
    let mut checked = 0;
    let mut failures: Vec<String> = Vec::new();
    for (name, inst) in instances() {
        for reg in RegKind::ALL {
            for gamma in gammas(reg) {
                let z = z_for(inst.n(), 5 + inst.n() as u64);
                let extras = Extras {
                    z: Some(z.clone()),
                    samples: 0,
                    seed: 0,
                };
                let Ok(want) = relax_f64(&inst, reg, gamma, &extras) else {
                    // The reference refuses (overflow at gamma 1e-7 with large scores):
                    // the fast backends must refuse too.
                    for (pname, plan) in &plans {
                        assert!(
                            backend::relax(&inst, reg, gamma, &extras, plan).is_err(),
                            "{name}/{}/{gamma}/{pname}: reference refused, fast did not",
                            reg.name()
                        );
                    }
                    continue;
                };
                for (pname, plan) in &plans {
                    let what = format!("{name}/{}/gamma {gamma}/{pname}", reg.name());
                    let got = backend::relax(&inst, reg, gamma, &extras, plan)
                        .unwrap_or_else(|e| panic!("{what}: {e}"));
                    let r =
                        std::panic::catch_unwind(|| compare(&what, reg, &inst, gamma, &got, &want));
                    if let Err(e) = r {
                        failures.push(
                            e.downcast_ref::<String>()
                                .cloned()
                                .unwrap_or_else(|| what.clone()),
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 500, "{checked}");
}

#[test]
fn separate_forward_marginals_vjp_match_the_reference() {
    for (_, plan) in plans().iter().filter(|(_, p)| p.memory == Memory::Full) {
        for (name, inst) in instances() {
            for reg in RegKind::ALL {
                let gamma = if reg == RegKind::Hard { 0.0 } else { 0.3 };
                let z = z_for(inst.n(), 99);
                let extras = Extras {
                    z: Some(z.clone()),
                    samples: 0,
                    seed: 0,
                };
                let want = relax_f64(&inst, reg, gamma, &extras).unwrap();
                let what = format!("{name}/{}/{plan:?}", reg.name());
                let fwd = backend::forward(&inst, reg, gamma, plan).unwrap();
                let y = backend::marginals(&inst, &fwd, plan).unwrap();
                let (vjp, ydz) = backend::vjp(&inst, &fwd, reg, gamma, &z, plan).unwrap();
                let got = Relaxed {
                    value: fwd.value,
                    y: y.clone(),
                    vjp: Some(vjp),
                    samples: vec![],
                };
                compare(&what, reg, &inst, gamma, &got, &want);
                // By-product: Vdot_n(C) = <y, z>.
                let yz: f64 = y.iter().zip(&z).map(|(a, b)| a * b).sum();
                assert!(
                    (ydz - yz).abs() <= 1e-12 * (1.0 + yz.abs()),
                    "{what}: {ydz} {yz}"
                );
            }
        }
    }
}

#[test]
fn fast_samples_are_the_reference_draws() {
    for (_, plan) in plans().iter().filter(|(_, p)| p.memory == Memory::Full) {
        for (name, inst) in instances() {
            for reg in RegKind::ALL {
                let gamma = if reg == RegKind::Hard { 0.0 } else { 0.4 };
                let extras = Extras {
                    z: None,
                    samples: 25,
                    seed: 17,
                };
                let want = relax_f64(&inst, reg, gamma, &extras).unwrap();
                let got = backend::relax(&inst, reg, gamma, &extras, plan).unwrap();
                assert_eq!(got.samples.len(), 25);
                for (g, w) in got.samples.iter().zip(&want.samples) {
                    assert_eq!(g.selection, w.selection, "{name}/{}", reg.name());
                    assert!(inst.is_feasible(&g.selection));
                    let tol = 1e-12 * w.log_prob.abs().max(1.0);
                    assert!((g.log_prob - w.log_prob).abs() <= tol, "{name}");
                }
            }
        }
    }
}

#[test]
fn checkpointed_mode_refuses_samples() {
    let inst = Instance::knapsack(vec![1.0, 2.0], vec![1, 1], 1).unwrap();
    let mut plan = Plan::new(Isa::detect(), Par::Seq);
    plan.memory = Memory::Checkpointed;
    let extras = Extras {
        z: None,
        samples: 3,
        seed: 1,
    };
    let e = backend::relax(&inst, RegKind::Shannon, 1.0, &extras, &plan).unwrap_err();
    assert!(e.to_string().contains("samples"), "{e}");
}

#[test]
fn batch_api_matches_one_by_one_for_every_backend() {
    let insts = instances();
    let extras: Vec<Extras<f64>> = insts
        .iter()
        .enumerate()
        .map(|(k, (_, inst))| Extras {
            z: (k % 2 == 0).then(|| z_for(inst.n(), k as u64)),
            samples: k % 3,
            seed: k as u64,
        })
        .collect();
    let regs = [
        RegKind::Shannon,
        RegKind::Gini,
        RegKind::Tsallis,
        RegKind::Hard,
    ];
    let items: Vec<BatchItem> = insts
        .iter()
        .enumerate()
        .map(|(k, (_, inst))| {
            let reg = regs[k % 4];
            BatchItem {
                instance: inst,
                regularizer: reg,
                gamma: if reg == RegKind::Hard {
                    0.0
                } else {
                    0.2 + k as f64 * 0.1
                },
                extras: &extras[k],
            }
        })
        .collect();
    let want: Vec<Relaxed<f64>> = items
        .iter()
        .map(|it| relax_f64(it.instance, it.regularizer, it.gamma, it.extras).unwrap())
        .collect();
    for backend in backends() {
        let got = backend::relax_batch_with_backend(&items, backend);
        assert_eq!(got.len(), items.len());
        for (k, (g, w)) in got.iter().zip(&want).enumerate() {
            let g = g.as_ref().unwrap();
            let what = format!("batch[{k}]/{}", backend.name());
            compare(
                &what,
                items[k].regularizer,
                items[k].instance,
                items[k].gamma,
                g,
                w,
            );
            for (a, b) in g.samples.iter().zip(&w.samples) {
                assert_eq!(a.selection, b.selection, "{what}");
            }
        }
        for (k, it) in items.iter().enumerate() {
            let one = relax_with_backend(it.instance, it.regularizer, it.gamma, it.extras, backend)
                .unwrap();
            compare(
                &format!("single[{k}]"),
                it.regularizer,
                it.instance,
                it.gamma,
                &one,
                &want[k],
            );
        }
    }
    // Batch-parallel path with garbage buffers and more instances than threads.
    let mut plan = Plan::new(Isa::detect(), Par::Threads(3));
    plan.poison = true;
    for (g, w) in relax_batch(&items, &plan).iter().zip(&want) {
        assert_eq!(g.as_ref().unwrap().y.len(), w.y.len());
    }
}

#[test]
fn fast_backends_reject_bad_input_like_the_reference() {
    let inst = Instance::knapsack(vec![1.0, 2.0], vec![1, 1], 1).unwrap();
    for backend in backends() {
        let plan = backend.plan();
        let bad_z = Extras {
            z: Some(vec![1.0]),
            samples: 0,
            seed: 0,
        };
        assert!(relax_with_backend(&inst, RegKind::Shannon, 1.0, &bad_z, backend).is_err());
        let nan_z = Extras {
            z: Some(vec![1.0, f64::NAN]),
            samples: 0,
            seed: 0,
        };
        assert!(relax_with_backend(&inst, RegKind::Gini, 1.0, &nan_z, backend).is_err());
        let none = Extras::default();
        assert!(relax_with_backend(&inst, RegKind::Gini, 0.0, &none, backend).is_err());
        assert!(relax_with_backend(&inst, RegKind::Hard, 1.0, &none, backend).is_err());
        if let Some(plan) = plan {
            // Overflow is an error, not a non-finite number.
            let big = Instance::knapsack(vec![1e308, 1e308], vec![0, 0], 0).unwrap();
            assert!(backend::relax(&big, RegKind::Hard, 0.0, &none, &plan).is_err());
        }
        // Overflow is an error on every backend, the reference and the GPU included.
        let big = Instance::knapsack(vec![1e308, 1e308], vec![0, 0], 0).unwrap();
        assert!(relax_with_backend(&big, RegKind::Hard, 0.0, &none, backend).is_err());
    }
    if cfg!(feature = "gpu") {
        assert_eq!(Backend::parse("gpu").unwrap(), Backend::Gpu);
    } else {
        let e = Backend::parse("gpu").unwrap_err().to_string();
        assert!(e.contains("--features gpu"), "{e}");
    }
    assert_eq!(Backend::parse("auto").unwrap(), Backend::Auto);
    let _ = Constraint::Knapsack;
}

fn relax_cli(args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let args: Vec<String> = std::iter::once("relax")
        .chain(args.iter().copied())
        .map(|s| s.to_string())
        .collect();
    let mut out = Vec::new();
    let code = diffknap::cli::run(&args, &mut out);
    let lines = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (code, lines)
}

#[test]
fn relax_cli_backends_agree_line_for_line() {
    let path = std::env::temp_dir().join(format!("diffknap-backends-{}.jsonl", std::process::id()));
    let input = [
        r#"{"id": 1, "constraint": "knapsack", "regularizer": "shannon", "gamma": 0.7, "capacity": 5, "theta": [1.0, 0.3, -0.2, 0.8, 0.1], "weights": [2, 1, 3, 2, 1], "z": [1, 0, 0, -1, 0.5], "samples": 3, "seed": 4}"#,
        r#"{"id": 2, "constraint": "top_k", "regularizer": "gini", "gamma": 0.2, "k": 2, "theta": [0.5, 0.1, 0.9, -0.3]}"#,
        "",
        r#"{"id": 3, "constraint": "exact", "regularizer": "tsallis", "gamma": 0.1, "capacity": 3, "theta": [1, 2], "weights": [2, 4]}"#,
        r#"not json"#,
        r#"{"id": 5, "constraint": "knapsack", "regularizer": "hard", "capacity": 2, "theta": [1, 2, 3], "weights": [1, 1, 1], "z": [1, 1, 1]}"#,
    ]
    .join("\n");
    std::fs::write(&path, input).unwrap();
    let p = path.to_str().unwrap();
    let (code_ref, want) = relax_cli(&["--backend", "reference", "--input", p]);
    assert_eq!(code_ref, 1, "two lines are errors");
    assert_eq!(want.len(), 5);
    let mut runs = vec![
        vec!["--input", p],
        vec!["--backend", "auto", "--input", p],
        vec!["--backend", "scalar", "--input", p],
        vec!["--backend", "simd", "--chunk", "1", "--input", p],
        vec!["--backend", "parallel", "--chunk", "2", "--input", p],
    ];
    if cfg!(feature = "gpu") {
        runs.push(vec!["--backend", "gpu", "--input", p]);
        runs.push(vec!["--backend", "gpu", "--chunk", "1", "--input", p]);
    }
    for args in runs {
        let (code, got) = relax_cli(&args);
        assert_eq!(code, code_ref, "{args:?}");
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g["id"], w["id"], "{args:?}");
            assert_eq!(g.get("error"), w.get("error"), "{args:?}");
            assert_eq!(g["samples"], w["samples"], "{args:?}");
            for key in ["y", "vjp"] {
                if let (Some(a), Some(b)) = (g[key].as_array(), w[key].as_array()) {
                    for (x, y) in a.iter().zip(b) {
                        let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                        assert!((x - y).abs() <= 1e-12, "{args:?} {key}: {x} {y}");
                    }
                }
            }
            if let (Some(a), Some(b)) = (g["value"].as_f64(), w["value"].as_f64()) {
                assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0));
            }
        }
    }
    // Exact precision runs the reference only.
    let (code, _) = relax_cli(&["--precision", "exact", "--backend", "simd", "--input", p]);
    assert_eq!(code, 2);
    let (code, _) = relax_cli(&[
        "--precision",
        "exact",
        "--backend",
        "reference",
        "--input",
        p,
    ]);
    assert_ne!(code, 2);
    if !cfg!(feature = "gpu") {
        let (code, _) = relax_cli(&["--backend", "gpu", "--input", p]);
        assert_eq!(code, 2);
    }
    let _ = std::fs::remove_file(&path);
}

#[test]
fn every_memory_mode_without_a_vjp_matches_the_reference() {
    for (pname, plan) in plans() {
        for (name, inst) in instances() {
            for reg in RegKind::ALL {
                let gamma = if reg == RegKind::Hard { 0.0 } else { 0.3 };
                let extras = Extras::default();
                let want = relax_f64(&inst, reg, gamma, &extras).unwrap();
                let got = backend::relax(&inst, reg, gamma, &extras, &plan).unwrap();
                assert!(got.vjp.is_none());
                compare(
                    &format!("{name}/{}/{pname}/no z", reg.name()),
                    reg,
                    &inst,
                    gamma,
                    &got,
                    &want,
                );
            }
        }
    }
}

/// Instances whose tables (16 bytes per cell) exceed the 32 MiB under which
/// `Memory::Auto` keeps full tables: Auto then picks `Compact` (shannon) or `Checkpointed`.
fn large_instances() -> Vec<(String, Instance<f64>, Vec<f64>)> {
    let mut rng = Rng::seed(77);
    let mut out = Vec::new();
    for (n, cap) in [(300usize, 7200u64), (2100, 1000)] {
        let theta: Vec<f64> = (0..n).map(|_| 2.0 * rng.uniform() - 1.0).collect();
        let wmax = (2 * cap / n as u64).max(1);
        let weights: Vec<u64> = (0..n).map(|_| 1 + rng.below(wmax)).collect();
        let z: Vec<f64> = (0..n).map(|_| 2.0 * rng.uniform() - 1.0).collect();
        let inst = Instance::knapsack(theta, weights, cap).unwrap();
        assert!(16 * inst.n() * (inst.capacity() + 1) > 32 << 20);
        out.push((format!("knapsack {n}x{}", cap + 1), inst, z));
    }
    // Exact capacity, with unreachable cells (weights 2 and 4, one weight 3).
    let (n, cap) = (2100usize, 1201u64);
    let theta: Vec<f64> = (0..n).map(|_| 2.0 * rng.uniform() - 1.0).collect();
    let weights: Vec<u64> = (0..n)
        .map(|i| if i == 5 { 3 } else { 2 + 2 * rng.below(2) })
        .collect();
    let z: Vec<f64> = (0..n).map(|_| 2.0 * rng.uniform() - 1.0).collect();
    let inst = Instance::exact(theta, weights, cap).unwrap();
    assert!(16 * inst.n() * (inst.capacity() + 1) > 32 << 20);
    out.push((format!("exact {n}x{}", cap + 1), inst, z));
    out
}

#[test]
fn auto_memory_and_the_one_shot_path_match_the_reference() {
    for (name, inst, z) in large_instances() {
        for reg in RegKind::ALL {
            let gamma = if reg == RegKind::Hard { 0.0 } else { 0.5 };
            let extras = Extras {
                z: Some(z.clone()),
                samples: 0,
                seed: 0,
            };
            let want = relax_f64(&inst, reg, gamma, &extras).unwrap();
            let what = |how: &str| format!("{name}/{}/{how}", reg.name());
            // The one-shot path of `relax`: a batch of one instance on `auto`.
            let item = BatchItem {
                instance: &inst,
                regularizer: reg,
                gamma,
                extras: &extras,
            };
            let got = backend::relax_batch_with_backend(&[item], Backend::Auto)
                .pop()
                .unwrap()
                .unwrap();
            compare(&what("one-shot auto"), reg, &inst, gamma, &got, &want);
            let got = relax_with_backend(&inst, reg, gamma, &extras, Backend::Auto).unwrap();
            compare(&what("auto"), reg, &inst, gamma, &got, &want);
            // Auto memory, rows split over 2 threads, garbage-filled buffers.
            let mut plan = Plan::new(Isa::detect(), Par::Threads(2));
            plan.memory = Memory::Auto;
            plan.min_cols_per_thread = 1;
            plan.poison = true;
            let got = backend::relax(&inst, reg, gamma, &extras, &plan).unwrap();
            compare(
                &what("auto memory, rows2, poison"),
                reg,
                &inst,
                gamma,
                &got,
                &want,
            );
            // Segments recomputed on a second thread: the same operations in the same order
            // as on one thread, so the same bits.
            let mut seq = Plan::new(Isa::detect(), Par::Seq);
            seq.memory = Memory::Checkpointed;
            let one = backend::relax(&inst, reg, gamma, &extras, &seq).unwrap();
            let mut two = seq;
            two.par = Par::Threads(2);
            two.min_cols_per_thread = usize::MAX;
            two.poison = true;
            let got = backend::relax(&inst, reg, gamma, &extras, &two).unwrap();
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                got.value.to_bits(),
                one.value.to_bits(),
                "{}",
                what("segments2")
            );
            assert_eq!(bits(&got.y), bits(&one.y), "{}", what("segments2"));
            assert_eq!(
                bits(got.vjp.as_ref().unwrap()),
                bits(one.vjp.as_ref().unwrap()),
                "{}",
                what("segments2")
            );
            compare(&what("segments2"), reg, &inst, gamma, &got, &want);
        }
    }
}

#[test]
fn batch_memory_is_bounded_per_call_not_per_thread() {
    let large = large_instances();
    let small = instances();
    let regs = [RegKind::Shannon, RegKind::Gini, RegKind::Hard];
    let extras: Vec<Extras<f64>> = (0..6)
        .map(|k| Extras {
            z: Some(z_for(large[k % 3].1.n(), k as u64)),
            samples: 0,
            seed: 0,
        })
        .collect();
    let small_extras = Extras {
        z: None,
        samples: 2,
        seed: 9,
    };
    let mut items: Vec<BatchItem> = (0..6)
        .map(|k| BatchItem {
            instance: &large[k % 3].1,
            regularizer: regs[k % 3],
            gamma: if regs[k % 3] == RegKind::Hard {
                0.0
            } else {
                0.5
            },
            extras: &extras[k],
        })
        .collect();
    // Samples keep the full tables: with more than one thread this one runs alone.
    let sampled = Extras {
        z: Some(z_for(large[0].1.n(), 99)),
        samples: 3,
        seed: 5,
    };
    items.push(BatchItem {
        instance: &large[0].1,
        regularizer: RegKind::Tsallis,
        gamma: 0.5,
        extras: &sampled,
    });
    items.push(BatchItem {
        instance: &small[1].1,
        regularizer: RegKind::Shannon,
        gamma: 0.3,
        extras: &small_extras,
    });
    let full = |it: &BatchItem| {
        let (n, cols) = (it.instance.n(), it.instance.capacity() + 1);
        pipeline_bytes(n, cols, true, Memory::Full)
    };
    // A budget that holds one instance's full tables, but not one per thread.
    let budget = items.iter().map(full).max().unwrap() + (1 << 20);
    let mut downgraded = 0;
    let mut alone = 0;
    for threads in 1..=8 {
        let mut plan = Plan::new(Isa::detect(), Par::Threads(threads));
        plan.memory = Memory::Full;
        let slots = batch_schedule(&items, &plan, budget);
        for (it, slot) in items.iter().zip(&slots) {
            if slot.concurrent {
                assert!(threads > 1);
                // At most `threads` instances run at once, each within its share.
                assert!(
                    threads * slot.bytes <= budget,
                    "{threads} threads: {slot:?}"
                );
            } else {
                assert!(slot.bytes <= budget, "{threads} threads: {slot:?}");
            }
            downgraded += usize::from(slot.memory != Memory::Full);
            alone += usize::from(threads > 1 && !slot.concurrent);
            let _ = it;
        }
    }
    // The bound was binding: some instances got a smaller layout, some ran alone.
    assert!(downgraded > 0 && alone > 0, "{downgraded} {alone}");
    let want: Vec<Relaxed<f64>> = items
        .iter()
        .map(|it| relax_f64(it.instance, it.regularizer, it.gamma, it.extras).unwrap())
        .collect();
    for (threads, budget) in [(3, budget), (2, budget / 4), (4, 1)] {
        let mut plan = Plan::new(Isa::detect(), Par::Threads(threads));
        plan.memory = Memory::Auto;
        plan.poison = true;
        let got = relax_batch_within(&items, &plan, budget);
        for (k, (g, w)) in got.iter().zip(&want).enumerate() {
            let g = g.as_ref().unwrap();
            let what = format!("batch[{k}] {threads} threads, budget {budget}");
            compare(
                &what,
                items[k].regularizer,
                items[k].instance,
                items[k].gamma,
                g,
                w,
            );
            for (a, b) in g.samples.iter().zip(&w.samples) {
                assert_eq!(a.selection, b.selection, "{what}");
            }
        }
    }
}

#[test]
fn gini_with_a_huge_temperature_does_not_overflow() {
    // Gini is positively homogeneous: V(l theta, l gamma) = l V(theta, gamma). With
    // l = 2^530 every scaling is exact, and gamma = 10 l (about 3.5e160) puts the interior
    // differences near 1e160, whose square overflows.
    let l = 2f64.powi(530);
    let theta = vec![3.0, -2.5, 7.0, 0.5, -9.0, 4.0];
    let weights = vec![1, 2, 1, 3, 2, 1];
    let small = Instance::knapsack(theta.clone(), weights.clone(), 4).unwrap();
    let big = Instance::knapsack(theta.iter().map(|t| t * l).collect(), weights, 4).unwrap();
    let z = vec![1.0, -1.0, 0.5, 0.25, 2.0, -0.5];
    let extras = Extras {
        z: Some(z),
        samples: 0,
        seed: 0,
    };
    let want = relax_f64(&small, RegKind::Gini, 10.0, &extras).unwrap();
    assert!(want.y.iter().any(|&y| y > 0.0 && y < 1.0), "interior case");
    for (pname, plan) in plans() {
        let got = backend::relax(&big, RegKind::Gini, 10.0 * l, &extras, &plan)
            .unwrap_or_else(|e| panic!("{pname}: {e}"));
        // y has degree 0, V degree 1 and the VJP (H z) degree -1 in l.
        let unscaled = Relaxed {
            value: got.value / l,
            vjp: got.vjp.map(|v| v.iter().map(|x| x * l).collect()),
            ..got
        };
        compare(
            &format!("gini gamma 2^530 10/{pname}"),
            RegKind::Gini,
            &small,
            10.0,
            &unscaled,
            &want,
        );
    }
}

/// A split forward pass deals each row out in chunks taken at run time (a slow core takes
/// fewer); the chunks start the kernels' vectors where one thread does, so the value and
/// every cell of Q are bitwise those of one thread, whatever the timing.
#[test]
fn split_forward_is_bitwise_the_one_thread_forward() {
    let mut rng = Rng::seed(4242);
    for (n, cap) in [(60usize, 3000u64), (7, 20_000), (200, 700)] {
        let theta: Vec<f64> = (0..n).map(|_| 4.0 * rng.uniform() - 2.0).collect();
        // Weights of every residue modulo 8, some above the capacity.
        let weights: Vec<u64> = (0..n)
            .map(|i| match i % 5 {
                0 => 1 + rng.below(7),
                4 if i % 3 == 0 => cap + 3,
                _ => 1 + rng.below(2 * cap / n as u64 + 50),
            })
            .collect();
        let inst = Instance::knapsack(theta, weights, cap).unwrap();
        for reg in RegKind::ALL {
            let gamma = if reg == RegKind::Hard { 0.0 } else { 0.3 };
            for isa in Isa::available() {
                let one = backend::forward(&inst, reg, gamma, &Plan::new(isa, Par::Seq)).unwrap();
                for t in [2, 3] {
                    let mut plan = Plan::new(isa, Par::Threads(t));
                    plan.min_cols_per_thread = 1;
                    plan.poison = true;
                    for _ in 0..3 {
                        let split = backend::forward(&inst, reg, gamma, &plan).unwrap();
                        assert_eq!(split.value.to_bits(), one.value.to_bits());
                        for i in 0..n {
                            let (a, b) = (split.q_row(i), one.q_row(i));
                            assert!(
                                a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()),
                                "{} {} n {n} C {cap} threads {t}: row {i} differs",
                                isa.name(),
                                reg.name()
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Largest normwise relative error of `got` against `want` (the norm of `want`, floored at
/// `floor`, as in [`close_vec`]).
#[cfg(feature = "gpu")]
fn rel_err(got: &[f64], want: &[f64], floor: f64) -> f64 {
    let scale = max_abs(want).max(floor);
    got.iter()
        .zip(want)
        .fold(0.0, |m, (g, w)| m.max((g - w).abs() / scale))
}

/// The GPU backend on every conformance case (every instance, regularizer and temperature,
/// with and without a cotangent), all in one batch; prints the largest errors seen.
#[cfg(feature = "gpu")]
#[test]
fn gpu_backend_matches_the_reference() {
    let insts = instances();
    let mut extras = Vec::new();
    let mut keys = Vec::new();
    for (k, (_, inst)) in insts.iter().enumerate() {
        for reg in RegKind::ALL {
            for gamma in gammas(reg) {
                for with_z in [true, false] {
                    extras.push(Extras {
                        z: with_z.then(|| z_for(inst.n(), 5 + inst.n() as u64)),
                        samples: 0,
                        seed: 0,
                    });
                    keys.push((k, reg, gamma));
                }
            }
        }
    }
    let items = keyed_items(&insts, &keys, &extras);
    let got = backend::relax_batch_with_backend(&items, Backend::Gpu);
    let mut worst = [0.0f64; 3];
    let mut failures = Vec::new();
    let mut checked = 0;
    for (it, g) in items.iter().zip(&got) {
        let (inst, reg, gamma) = (it.instance, it.regularizer, it.gamma);
        let name = &insts.iter().find(|(_, i)| std::ptr::eq(i, inst)).unwrap().0;
        let what = format!(
            "gpu/{name}/{}/gamma {gamma}/z {}",
            reg.name(),
            it.extras.z.is_some()
        );
        let Ok(want) = relax_f64(inst, reg, gamma, it.extras) else {
            assert!(g.is_err(), "{what}: reference refused, gpu did not");
            continue;
        };
        let g = g.as_ref().unwrap_or_else(|e| panic!("{what}: {e}"));
        let vscale = want.value.abs().max(max_abs(inst.theta())).max(gamma);
        worst[0] = worst[0].max((g.value - want.value).abs() / vscale);
        worst[1] = worst[1].max(rel_err(&g.y, &want.y, 1.0));
        if let (Some(a), Some(b)) = (&g.vjp, &want.vjp) {
            worst[2] = worst[2].max(rel_err(a, b, max_abs(inst.theta()).max(1.0)));
        }
        let r = std::panic::catch_unwind(|| compare(&what, reg, inst, gamma, g, &want));
        if let Err(e) = r {
            failures.push(e.downcast_ref::<String>().cloned().unwrap_or(what));
        }
        checked += 1;
    }
    eprintln!(
        "gpu conformance ({}): {checked} cases; largest normwise relative errors: \
         value {:.2e}, y {:.2e}, vjp {:.2e}",
        diffknap::backend::gpu::available().unwrap(),
        worst[0],
        worst[1],
        worst[2]
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 300, "{checked}");
}

/// GPU samples: the same draws as the reference for the same seed (the walk runs on the
/// host over the Q rows computed on the device).
#[cfg(feature = "gpu")]
#[test]
fn gpu_samples_are_the_reference_draws() {
    let insts = instances();
    let extras = Extras {
        z: None,
        samples: 25,
        seed: 17,
    };
    let mut items = Vec::new();
    for (_, inst) in &insts {
        for reg in RegKind::ALL {
            let gamma = if reg == RegKind::Hard { 0.0 } else { 0.4 };
            items.push(BatchItem {
                instance: inst,
                regularizer: reg,
                gamma,
                extras: &extras,
            });
        }
    }
    let got = backend::relax_batch_with_backend(&items, Backend::Gpu);
    for (it, g) in items.iter().zip(got) {
        let want = relax_f64(it.instance, it.regularizer, it.gamma, it.extras).unwrap();
        let g = g.unwrap();
        assert_eq!(g.samples.len(), 25);
        for (a, b) in g.samples.iter().zip(&want.samples) {
            assert_eq!(a.selection, b.selection, "{}", it.regularizer.name());
            assert!(it.instance.is_feasible(&a.selection));
            let tol = 1e-12 * b.log_prob.abs().max(1.0);
            assert!((a.log_prob - b.log_prob).abs() <= tol);
        }
    }
}

/// The GPU on instances with long rows and many items (thousands of rows, every capacity
/// block of the workgroup busy), every regularizer in one batch.
#[cfg(feature = "gpu")]
#[test]
fn gpu_large_instances_match_the_reference() {
    let large = large_instances();
    let extras: Vec<Extras<f64>> = large
        .iter()
        .map(|(_, _, z)| Extras {
            z: Some(z.clone()),
            samples: 0,
            seed: 0,
        })
        .collect();
    let mut items = Vec::new();
    for ((_, inst, _), e) in large.iter().zip(&extras) {
        for reg in RegKind::ALL {
            let gamma = if reg == RegKind::Hard { 0.0 } else { 0.5 };
            items.push(BatchItem {
                instance: inst,
                regularizer: reg,
                gamma,
                extras: e,
            });
        }
    }
    let got = backend::relax_batch_with_backend(&items, Backend::Gpu);
    for (it, g) in items.iter().zip(got) {
        let want = relax_f64(it.instance, it.regularizer, it.gamma, it.extras).unwrap();
        let what = format!("gpu large n={} {}", it.instance.n(), it.regularizer.name());
        compare(
            &what,
            it.regularizer,
            it.instance,
            it.gamma,
            &g.unwrap(),
            &want,
        );
    }
}

/// The GPU in f32 (`gpu-f32`) against the f64 reference at an f32 tolerance: 1e-5 in the
/// normwise relative sense of `compare`, on the conformance instances at temperatures where
/// f32 can resolve the choices: gamma at least 0.05 and at least max(|V|, max|theta|) / 200
/// (the choice q depends on (p - s) / gamma, whose f32 rounding error is about
/// |V| 2^-24 / gamma: at gamma = 0.05 with |V| = 20, y was off by 1.7e-5).
/// Prints the largest errors seen.
#[cfg(feature = "gpu")]
#[test]
fn gpu_f32_is_within_f32_tolerance_of_the_reference() {
    let insts = instances();
    let mut extras = Vec::new();
    let mut keys = Vec::new();
    for (k, (_, inst)) in insts.iter().enumerate() {
        for reg in RegKind::ALL {
            for gamma in gammas(reg) {
                let e = Extras {
                    z: Some(z_for(inst.n(), 5 + inst.n() as u64)),
                    samples: 0,
                    seed: 0,
                };
                let Ok(want) = relax_f64(inst, reg, gamma, &e) else {
                    continue;
                };
                let scale = want.value.abs().max(max_abs(inst.theta()));
                if reg != RegKind::Hard && (gamma < 0.05 || gamma < scale / 200.0) {
                    continue;
                }
                extras.push(e);
                keys.push((k, reg, gamma));
            }
        }
    }
    let items = keyed_items(&insts, &keys, &extras);
    let f32_backend = Backend::parse("gpu-f32").unwrap();
    let got = backend::relax_batch_with_backend(&items, f32_backend);
    let mut worst = [
        (0.0f64, String::new()),
        (0.0, String::new()),
        (0.0, String::new()),
    ];
    let mut checked = 0;
    for ((it, g), &(k, _, _)) in items.iter().zip(&got).zip(&keys) {
        let (inst, reg, gamma) = (it.instance, it.regularizer, it.gamma);
        let what = format!("gpu-f32/{}/{}/gamma {gamma}", insts[k].0, reg.name());
        let want = relax_f64(inst, reg, gamma, it.extras).unwrap();
        let g = g.as_ref().unwrap_or_else(|e| panic!("{what}: {e}"));
        let th = max_abs(inst.theta());
        let errs = [
            (g.value - want.value).abs() / want.value.abs().max(th).max(gamma),
            rel_err(&g.y, &want.y, 1.0),
            rel_err(
                g.vjp.as_ref().unwrap(),
                want.vjp.as_ref().unwrap(),
                th.max(1.0),
            ),
        ];
        for (w, e) in worst.iter_mut().zip(errs) {
            if e > w.0 {
                *w = (e, what.clone());
            }
        }
        checked += 1;
    }
    eprintln!(
        "gpu-f32: {checked} cases; largest normwise relative errors: value {:.2e} ({}), \
         y {:.2e} ({}), vjp {:.2e} ({})",
        worst[0].0, worst[0].1, worst[1].0, worst[1].1, worst[2].0, worst[2].1
    );
    for (name, (e, what)) in ["value", "y", "vjp"].iter().zip(&worst) {
        assert!(*e <= 1e-5, "{name}: {e:e} at {what}");
    }
    assert!(checked > 100, "{checked}");
}

/// Batch items from (instance index, regularizer, gamma) keys and their extras.
#[cfg(feature = "gpu")]
fn keyed_items<'a>(
    insts: &'a [(String, Instance<f64>)],
    keys: &[(usize, RegKind, f64)],
    extras: &'a [Extras<f64>],
) -> Vec<BatchItem<'a>> {
    keys.iter()
        .zip(extras)
        .map(|(&(k, reg, gamma), e)| BatchItem {
            instance: &insts[k].1,
            regularizer: reg,
            gamma,
            extras: e,
        })
        .collect()
}
