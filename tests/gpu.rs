//! The GPU backend's own checks (feature `gpu`): the accuracy of the shader's f64 exp and
//! ln(1 + x) against the CPU's `std`, and the behaviour without an adapter. The conformance
//! of its outputs with the reference is in `backends.rs`, with every other backend.

use diffknap::backend::gpu;
use diffknap::rng::Rng;

/// Distance in units in the last place between two finite non-negative doubles.
fn ulps(a: f64, b: f64) -> u64 {
    assert!(a >= 0.0 && b >= 0.0, "{a} {b}");
    if a == b {
        return 0;
    }
    a.to_bits().abs_diff(b.to_bits())
}

#[test]
fn shader_exp_and_ln_1p_are_within_two_ulps_of_std() {
    let mut rng = Rng::seed(14);
    let mut xs: Vec<f64> = vec![
        0.0,
        -0.0,
        -1e-300,
        -5e-324,
        -1e-17,
        -1e-9,
        -0.5,
        -1.0,
        -std::f64::consts::LN_2,
        -std::f64::consts::LN_2 / 2.0,
        -700.0,
        -708.39,
        -708.4,
        -709.0,
        -720.0,
        -740.0,
        -744.44,
        -745.0,
        -745.13,
        -745.2,
        -746.0,
        -800.0,
        -1e300,
        1e-300,
        0.5,
        1.0,
        10.0,
        300.0,
        700.0,
        709.0,
        709.78,
    ];
    // Uniform in [-746, 0] and in [0, 709.7], log-uniform magnitudes, and [0, 1] for ln_1p.
    for _ in 0..200_000 {
        xs.push(-746.0 * rng.uniform());
    }
    for _ in 0..50_000 {
        xs.push(709.7 * rng.uniform());
    }
    for _ in 0..100_000 {
        let m = -(10f64).powf(-20.0 + 23.0 * rng.uniform());
        xs.push(m.max(-746.0));
    }
    for _ in 0..200_000 {
        xs.push(rng.uniform());
    }
    for _ in 0..50_000 {
        xs.push((10f64).powf(-320.0 * rng.uniform()));
    }
    xs.extend([
        f64::MIN_POSITIVE,
        5e-324,
        1e-200,
        1e-16,
        2.0f64.powi(-53),
        std::f64::consts::SQRT_2 - 1.0,
        0.41421356237309503,
        0.4142135623730951,
        0.9999999999999999,
    ]);
    let got = gpu::math_probe(&xs).expect("a Vulkan adapter with f64 shaders");
    assert_eq!(got.len(), xs.len());
    let (mut worst_exp, mut worst_ln) = ((0u64, 0.0), (0u64, 0.0));
    let mut exp_sub = 0u64;
    for (&x, &(e, l)) in xs.iter().zip(&got) {
        let want = x.exp();
        let d = ulps(e, want);
        if want < f64::MIN_POSITIVE {
            // Subnormal results: the absolute error is what matters (at most one unit of
            // the smallest subnormal is 2 ulp here too).
            exp_sub = exp_sub.max(d);
        } else if d > worst_exp.0 {
            worst_exp = (d, x);
        }
        if (0.0..=1.0).contains(&x) {
            let want = x.ln_1p();
            let d = ulps(l, want);
            if d > worst_ln.0 {
                worst_ln = (d, x);
            }
        }
    }
    eprintln!(
        "shader exp: {} points, max {} ulp (at x = {:e}), {} ulp on subnormal results; \
         ln_1p on [0, 1]: max {} ulp (at x = {:e})",
        xs.len(),
        worst_exp.0,
        worst_exp.1,
        exp_sub,
        worst_ln.0,
        worst_ln.1
    );
    assert!(
        worst_exp.0 <= 2,
        "exp: {} ulp at {:e}",
        worst_exp.0,
        worst_exp.1
    );
    assert!(exp_sub <= 2, "exp (subnormal results): {exp_sub} ulp");
    assert!(
        worst_ln.0 <= 2,
        "ln_1p: {} ulp at {:e}",
        worst_ln.0,
        worst_ln.1
    );
}

/// With no Vulkan driver (the loader pointed at no driver file), `relax --backend gpu` is a
/// usage error naming the backend and the reason, before any input is read; `auto` still
/// answers.
#[test]
fn no_adapter_is_a_clear_error_and_auto_still_works() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let line = br#"{"constraint": "top_k", "regularizer": "gini", "gamma": 0.2, "k": 2, "theta": [0.5, 0.1, 0.9, -0.3]}"#;
    let run = |backend: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_diffknap"))
            .args(["relax", "--backend", backend])
            .env("VK_ICD_FILENAMES", "/nonexistent/none.json")
            .env("VK_DRIVER_FILES", "/nonexistent/none.json")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(line);
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = run("gpu");
    assert_eq!(code, 2, "{stdout} {stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("backend gpu") && stderr.contains("unavailable"),
        "{stderr}"
    );
    let (code, stdout, stderr) = run("auto");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"y\""), "{stdout}");
}

/// A batch split into many chunks (a small table limit) gives the same answers as one
/// submission; an instance larger than the limit alone is refused with a limit error, and
/// the others of its batch are still answered.
#[test]
fn chunked_batches_give_the_same_answers_and_oversize_is_refused() {
    use diffknap::backend::{Backend, BatchItem, relax_batch_with_backend};
    use diffknap::ops::Extras;
    use diffknap::{Instance, RegKind};
    let mut rng = Rng::seed(41);
    let mut insts = Vec::new();
    for k in 0..40 {
        let n = 5 + (k % 7) * 4;
        let cap = 10 + 13 * (k % 5) as u64;
        let theta: Vec<f64> = (0..n).map(|_| 2.0 * rng.uniform() - 1.0).collect();
        let w: Vec<u64> = (0..n).map(|_| rng.below(6)).collect();
        insts.push(Instance::knapsack(theta, w, cap).unwrap());
    }
    let extras: Vec<Extras<f64>> = insts
        .iter()
        .enumerate()
        .map(|(k, inst)| Extras {
            z: Some((0..inst.n()).map(|i| ((i + k) % 5) as f64 - 2.0).collect()),
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
        .zip(&extras)
        .enumerate()
        .map(|(k, (instance, extras))| BatchItem {
            instance,
            regularizer: regs[k % 4],
            gamma: if k % 4 == 3 { 0.0 } else { 0.3 },
            extras,
        })
        .collect();
    let whole = relax_batch_with_backend(&items, Backend::Gpu);
    // 12 KiB: a few instances per chunk; the largest tables (up to 29 x 63 x 8 = 14.6 KB,
    // and Q read back for samples) exceed it and are refused.
    let limit = 12 << 10;
    let chunked = gpu::relax_batch_within(&items, gpu::Precision::F64, limit);
    let mut refused = 0;
    for (k, (a, b)) in whole.iter().zip(&chunked).enumerate() {
        let a = a.as_ref().unwrap();
        match b {
            Ok(b) => {
                assert_eq!(a.value.to_bits(), b.value.to_bits(), "{k}");
                assert_eq!(a.y, b.y, "{k}");
                assert_eq!(a.vjp, b.vjp, "{k}");
                assert_eq!(a.samples, b.samples, "{k}");
            }
            Err(e) => {
                let (n, cols) = (items[k].instance.n(), items[k].instance.capacity() + 1);
                let table = 8 * n * cols;
                let read_back = 24 * n
                    + 64
                    + if items[k].extras.samples > 0 {
                        table
                    } else {
                        0
                    };
                assert!(table.max(read_back) > limit as usize, "{k}: {e}");
                assert!(matches!(e, diffknap::Error::Limit { .. }), "{e}");
                refused += 1;
            }
        }
    }
    assert!(refused > 0 && refused < items.len(), "{refused}");
}
