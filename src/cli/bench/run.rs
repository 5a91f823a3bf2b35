//! The measurements of `diffknap bench`.
//!
//! For each (n, C, batch) of the grid and each regularizer it times the forward pass
//! (Algorithm 1), the marginals (Algorithm 2, from a stored forward), the VJP (Algorithm 4,
//! from a stored forward) and the whole pipeline (value, y and VJP in one call), on the
//! reference and on every fast backend, and prints cells per second (cells = batch n (C+1))
//! and the bytes per cell of the tables each keeps (computed from the buffer sizes the code
//! allocates). It also times a bare vectorised two-way log-sum-exp over as many elements as
//! the shannon forward pass, and prints the ratio.
//!
//! `--compare-python FILE` times, in a `python3` subprocess, a module exposing the paper's
//! API (`dp_value`, `dp_layer`, `dp_vjp`) on the same instances (shannon, gini, tsallis),
//! after one warm-up call per function (JIT compilation is not timed).

use crate::backend::{self, Isa, Memory, Par, Plan, Workspace, math, par_map, pipeline_bytes};
use crate::dp;
use crate::instance::Instance;
use crate::ops::{Extras, relax_f64};
use crate::reg::{Gini, Hard, RegKind, Shannon, Tsallis, TsallisAlpha};
use crate::rng::Rng;
use serde_json::{Value, json};
use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

/// The default grid: (n, C, batch).
pub const GRID: [(usize, usize, usize); 5] = [
    (100, 1000, 1),
    (1000, 1000, 1),
    (1000, 10000, 1),
    (100, 1000, 64),
    (200, 200, 256),
];

/// The temperature used for the smooth regularizers.
pub const GAMMA: f64 = 0.5;

/// One problem of a benchmark batch.
#[derive(Debug, Clone)]
pub struct BenchInstance {
    /// The knapsack instance.
    pub instance: Instance<f64>,
    /// A cotangent for the VJP.
    pub z: Vec<f64>,
    /// The weights as given (before clamping).
    pub weights: Vec<u64>,
}

/// A seeded batch of knapsack instances: theta uniform in [-1, 1], weights uniform in
/// 1..=max(1, 2C/n) (so that about half of the items fit), z uniform in [-1, 1].
pub fn make_batch(n: usize, cap: usize, batch: usize, seed: u64) -> Vec<BenchInstance> {
    let mut rng = Rng::seed(seed);
    let wmax = (2 * cap / n.max(1)).max(1) as u64;
    (0..batch)
        .map(|_| {
            let theta: Vec<f64> = (0..n).map(|_| 2.0 * rng.uniform() - 1.0).collect();
            let weights: Vec<u64> = (0..n).map(|_| 1 + rng.below(wmax)).collect();
            let z: Vec<f64> = (0..n).map(|_| 2.0 * rng.uniform() - 1.0).collect();
            let instance = Instance::knapsack(theta, weights.clone(), cap as u64)
                .expect("benchmark instances are valid");
            BenchInstance {
                instance,
                z,
                weights,
            }
        })
        .collect()
}

/// Best (smallest) seconds per call of `f` over at least `min_reps` calls and `min_secs`
/// seconds: the machine may be shared, and the minimum is the least disturbed run (the
/// Python side uses the same statistic).
fn time_it(min_reps: usize, min_secs: f64, mut f: impl FnMut()) -> f64 {
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < min_reps || start.elapsed().as_secs_f64() < min_secs {
        let t = Instant::now();
        f();
        times.push(t.elapsed().as_secs_f64());
        if times.len() >= 1000 {
            break;
        }
    }
    times.iter().copied().fold(f64::INFINITY, f64::min)
}

/// The timed operations. `oneshot` is the whole pipeline as `relax` runs it: one batch
/// call ([`backend::relax_batch`]) with fresh tables every time (no workspace kept).
pub const OPS: [&str; 5] = ["forward", "marginals", "vjp", "pipeline", "oneshot"];

/// How long each measurement runs: at least `reps` calls and `secs` seconds.
#[derive(Debug, Clone, Copy)]
pub struct Timer {
    /// Minimum number of calls.
    pub reps: usize,
    /// Minimum seconds.
    pub secs: f64,
}

/// What to measure (from the command line, see `parse.rs`).
#[derive(Debug, Clone)]
pub struct Config {
    /// Repetitions.
    pub timer: Timer,
    /// (n, C, batch) cases.
    pub grid: Vec<(usize, usize, usize)>,
    /// Backends to time (reference, scalar, simd, parallel, checkpointed, auto).
    pub backends: Vec<String>,
    /// Regularizers.
    pub regs: Vec<RegKind>,
    /// Threads of the parallel backends.
    pub threads: usize,
    /// Split threshold of `parallel` for a single instance.
    pub min_cols: Option<usize>,
    /// Instruction set of the SIMD backends.
    pub isa: Isa,
}

/// The backends of a table row, in column order.
pub const BACKENDS: [&str; 6] = [
    "reference",
    "scalar",
    "simd",
    "parallel",
    "checkpointed",
    "auto",
];

/// A (case, regularizer) of the grid.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// Items.
    pub n: usize,
    /// Capacity.
    pub cap: usize,
    /// Instances per batch.
    pub batch: usize,
    /// Regularizer.
    pub reg: RegKind,
}

impl Case {
    /// Cells per batch: batch n (C + 1).
    pub fn cells(&self) -> f64 {
        (self.batch * self.n * (self.cap + 1)) as f64
    }
}

/// What the run reports, in order; `print.rs` turns it into tables or JSON lines.
#[derive(Debug, Clone)]
pub enum Event {
    /// A (case, regularizer) starts.
    Case(Case),
    /// One operation on every backend: (backend, (seconds, bytes per cell) if timed),
    /// in [`BACKENDS`] order, and the paper's code's seconds if compared.
    Op {
        /// The case.
        case: Case,
        /// forward, marginals, vjp or pipeline.
        op: &'static str,
        /// Per backend.
        row: Vec<(String, Option<(f64, f64)>)>,
        /// The paper's code.
        python: Option<f64>,
    },
    /// The bare two-way log-sum-exp against the shannon forward pass.
    Lse {
        /// The case.
        case: Case,
        /// simd (one thread) or parallel (all threads).
        label: &'static str,
        /// Threads of the yardstick.
        threads: usize,
        /// Seconds of the yardstick.
        lse: f64,
        /// Seconds of the forward pass.
        forward: f64,
    },
}

fn gamma_of(reg: RegKind) -> f64 {
    if reg == RegKind::Hard { 0.0 } else { GAMMA }
}

/// Reference timings for one op: seconds and bytes per cell of the tables it keeps.
fn time_reference(
    t: &Timer,
    batch: &[BenchInstance],
    reg: RegKind,
    op: &str,
) -> crate::Result<(f64, f64)> {
    let g = gamma_of(reg);
    let fwd = |inst: &Instance<f64>| -> crate::Result<dp::Forward<f64>> {
        match reg {
            RegKind::Hard => dp::forward(inst, Hard, &g),
            RegKind::Shannon => dp::forward(inst, Shannon, &g),
            RegKind::Gini => dp::forward(inst, Gini, &g),
            RegKind::Tsallis => dp::forward(inst, Tsallis, &g),
            RegKind::Alpha(a) => dp::forward(inst, TsallisAlpha::new(a), &g),
            RegKind::Custom => Err(crate::Error::Unsupported {
                what: "regularizer: custom cannot be benchmarked from the command line".into(),
            }),
        }
    };
    let vjp = |b: &BenchInstance, f: &dp::Forward<f64>, m: &dp::Marginals<f64>| {
        let inst = &b.instance;
        match reg {
            RegKind::Hard => dp::vjp(inst, f, m, Hard, &g, &b.z),
            RegKind::Shannon => dp::vjp(inst, f, m, Shannon, &g, &b.z),
            RegKind::Gini => dp::vjp(inst, f, m, Gini, &g, &b.z),
            RegKind::Tsallis => dp::vjp(inst, f, m, Tsallis, &g, &b.z),
            RegKind::Alpha(a) => dp::vjp(inst, f, m, TsallisAlpha::new(a), &g, &b.z),
            RegKind::Custom => Err(crate::Error::Unsupported {
                what: "regularizer: custom cannot be benchmarked from the command line".into(),
            }),
        }
    };
    let fwds: Vec<dp::Forward<f64>> = batch
        .iter()
        .map(|b| fwd(&b.instance))
        .collect::<crate::Result<_>>()?;
    let margs: Vec<dp::Marginals<f64>> = batch
        .iter()
        .zip(&fwds)
        .map(|(b, f)| dp::marginals(&b.instance, f))
        .collect();
    let secs = match op {
        "forward" => time_it(t.reps, t.secs, || {
            for b in batch {
                std::hint::black_box(fwd(&b.instance).ok());
            }
        }),
        "marginals" => time_it(t.reps, t.secs, || {
            for (b, f) in batch.iter().zip(&fwds) {
                std::hint::black_box(dp::marginals(&b.instance, f));
            }
        }),
        "vjp" => time_it(t.reps, t.secs, || {
            for ((b, f), m) in batch.iter().zip(&fwds).zip(&margs) {
                std::hint::black_box(vjp(b, f, m).ok());
            }
        }),
        _ => time_it(t.reps, t.secs, || {
            for b in batch {
                let extras = Extras {
                    z: Some(b.z.clone()),
                    samples: 0,
                    seed: 0,
                };
                std::hint::black_box(relax_f64(&b.instance, reg, g, &extras).ok());
            }
        }),
    };
    // Tables the reference keeps: Q (forward), + E (marginals), + Qdot (VJP).
    let bpc = match op {
        "forward" => 8.0,
        "marginals" => 16.0,
        _ => 24.0,
    };
    Ok((secs, bpc))
}

/// Fast timings for one op on `plan` (the batch spread over `batch_threads` threads).
fn time_fast(
    t: &Timer,
    batch: &[BenchInstance],
    reg: RegKind,
    op: &str,
    plan: &Plan,
    batch_threads: usize,
) -> crate::Result<(f64, f64)> {
    let g = gamma_of(reg);
    let fwds: Vec<backend::Forward> = batch
        .iter()
        .map(|b| backend::forward(&b.instance, reg, g, plan))
        .collect::<crate::Result<_>>()?;
    let run = |f: &(dyn Fn(usize) + Sync)| {
        par_map(batch.len(), batch_threads, f);
    };
    // Per-instance reusable outputs and workspaces, as a training loop would keep them.
    let outs: Vec<Mutex<backend::Forward>> = (0..batch.len())
        .map(|_| Mutex::new(backend::Forward::empty()))
        .collect();
    let wss: Vec<Mutex<Workspace>> = (0..batch.len())
        .map(|_| Mutex::new(Workspace::default()))
        .collect();
    let lock = |k: usize| wss[k].lock().unwrap_or_else(|e| e.into_inner());
    let secs = match op {
        "forward" => time_it(t.reps, t.secs, || {
            run(&|k| {
                let mut out = outs[k].lock().unwrap_or_else(|e| e.into_inner());
                let r = backend::forward_into(&batch[k].instance, reg, g, plan, &mut out);
                std::hint::black_box(r.ok());
            })
        }),
        "marginals" => time_it(t.reps, t.secs, || {
            run(&|k| {
                std::hint::black_box(backend::marginals(&batch[k].instance, &fwds[k], plan).ok());
            })
        }),
        "vjp" => time_it(t.reps, t.secs, || {
            run(&|k| {
                let b = &batch[k];
                let r = backend::vjp_in(&mut lock(k), &b.instance, &fwds[k], reg, g, &b.z, plan);
                std::hint::black_box(r.ok());
            })
        }),
        _ => time_it(t.reps, t.secs, || {
            run(&|k| {
                let b = &batch[k];
                let extras = Extras {
                    z: Some(b.z.clone()),
                    samples: 0,
                    seed: 0,
                };
                let r = backend::relax_in(&mut lock(k), &b.instance, reg, g, &extras, plan);
                std::hint::black_box(r.ok());
            })
        }),
    };
    let b0 = &batch[0].instance;
    let (n, cols) = (b0.n(), b0.capacity() + 1);
    let cells = (n * cols) as f64;
    if op == "oneshot" {
        let extras: Vec<Extras<f64>> = batch
            .iter()
            .map(|b| Extras {
                z: Some(b.z.clone()),
                samples: 0,
                seed: 0,
            })
            .collect();
        let items: Vec<backend::BatchItem> = batch
            .iter()
            .zip(&extras)
            .map(|(b, e)| backend::BatchItem {
                instance: &b.instance,
                regularizer: reg,
                gamma: g,
                extras: e,
            })
            .collect();
        let secs = time_it(t.reps, t.secs, || {
            std::hint::black_box(backend::relax_batch(&items, plan));
        });
        let slots = backend::batch_schedule(&items, plan, backend::batch_budget(&items));
        return Ok((secs, slots[0].bytes as f64 / cells));
    }
    let bpc = match op {
        "forward" => pipeline_bytes(n, cols, false, Memory::Full) as f64 / cells,
        "marginals" => pipeline_bytes(n, cols, false, Memory::Full) as f64 / cells,
        "vjp" => pipeline_bytes(n, cols, true, Memory::Full) as f64 / cells,
        _ => pipeline_bytes(n, cols, true, plan.memory) as f64 / cells,
    };
    Ok((secs, bpc))
}

/// Seconds for the bare two-way log-sum-exp over `rows` rows of `cols` elements (two
/// cache-resident input rows, one streamed output row per DP row, like Q), per thread
/// count.
fn time_lse(t: &Timer, rows: usize, cols: usize, threads: usize) -> f64 {
    let mut rng = Rng::seed(3);
    let a: Vec<f64> = (0..cols).map(|_| rng.uniform() * 4.0).collect();
    let b: Vec<f64> = (0..cols).map(|_| rng.uniform() * 4.0).collect();
    let mut out = vec![0.0; rows * cols];
    let isa = Isa::detect();
    time_it(t.reps, t.secs, || {
        let per = rows.div_ceil(threads.max(1)).max(1);
        std::thread::scope(|scope| {
            for chunk in out.chunks_mut(per * cols) {
                let (a, b) = (&a, &b);
                let mut work = move || {
                    for row in chunk.chunks_mut(cols) {
                        lse_row(isa, a, b, row);
                    }
                };
                if threads > 1 {
                    scope.spawn(work);
                } else {
                    work();
                }
            }
        });
        std::hint::black_box(&out);
    })
}

fn lse_row(isa: Isa, a: &[f64], b: &[f64], out: &mut [f64]) {
    match isa {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => {
            if let Some(s) = backend::simd::Avx512::new() {
                return math::lse2(s, a, b, GAMMA, out);
            }
        }
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => {
            if let Some(s) = backend::simd::Avx2::new() {
                return math::lse2(s, a, b, GAMMA, out);
            }
        }
        _ => {}
    }
    math::lse2(backend::simd::Scalar, a, b, GAMMA, out)
}

/// The Python side of `--compare-python`: reads a JSON job on stdin, prints one JSON line
/// per timing. Only the public API of the given module is called.
const PY_SCRIPT: &str = r#"
import importlib.util, json, sys, time
import numpy as np
spec = importlib.util.spec_from_file_location("paper_module", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
job = json.load(sys.stdin)
gamma = job["gamma"]
def median_time(f, reps, secs):
    ts = []
    t0 = time.perf_counter()
    while len(ts) < reps or time.perf_counter() - t0 < secs:
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return min(ts)
for case in job["cases"]:
    theta = np.array(case["theta"], dtype=np.float64)
    weights = np.array(case["weights"], dtype=np.int64)
    z = np.array(case["z"], dtype=np.float64)
    cap = int(case["capacity"])
    for reg in job["regularizers"]:
        def fwd():
            return mod.dp_value(theta, cap, gamma, weights, "knapsack", reg)
        val, v, q = fwd()
        y, e = mod.dp_layer(v, q, weights)
        g = mod.dp_vjp(z, v, q, e, gamma, weights, reg)
        out = {"n": case["n"], "capacity": cap, "batch": case["batch"], "regularizer": reg,
               "value0": float(val[0]), "y0": [float(t) for t in y[0][:5]]}
        out["forward"] = median_time(fwd, job["reps"], job["secs"])
        out["marginals"] = median_time(lambda: mod.dp_layer(v, q, weights), job["reps"], job["secs"])
        out["vjp"] = median_time(lambda: mod.dp_vjp(z, v, q, e, gamma, weights, reg), job["reps"], job["secs"])
        out["pipeline"] = out["forward"] + out["marginals"] + out["vjp"]
        print(json.dumps(out), flush=True)
"#;

/// Runs the paper's module on the grid; returns one JSON object per (n, C, batch,
/// regularizer) with the seconds of each operation.
pub fn run_python(
    python: &str,
    file: &str,
    grid: &[(usize, usize, usize)],
    t: &Timer,
) -> Result<Vec<Value>, String> {
    use std::process::{Command, Stdio};
    let cases: Vec<Value> = grid
        .iter()
        .map(|&(n, cap, batch)| {
            let b = make_batch(n, cap, batch, seed_of(n, cap, batch));
            json!({
                "n": n, "capacity": cap, "batch": batch,
                "theta": b.iter().map(|x| x.instance.theta().to_vec()).collect::<Vec<_>>(),
                "weights": b.iter().map(|x| x.weights.clone()).collect::<Vec<_>>(),
                "z": b.iter().map(|x| x.z.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let job = json!({
        "gamma": GAMMA,
        "regularizers": ["shannon", "gini", "tsallis"],
        "reps": t.reps, "secs": t.secs,
        "cases": cases,
    });
    let mut child = Command::new(python)
        .arg("-c")
        .arg(PY_SCRIPT)
        .arg(file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting {python}: {e}"))?;
    {
        let mut stdin = child.stdin.take().ok_or("no stdin")?;
        stdin
            .write_all(job.to_string().as_bytes())
            .map_err(|e| format!("writing to {python}: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("waiting for {python}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{python} exited with {}", out.status));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("python output {l:?}: {e}")))
        .collect()
}

fn seed_of(n: usize, cap: usize, batch: usize) -> u64 {
    (n as u64) * 1_000_003 + (cap as u64) * 101 + batch as u64
}

/// Runs the benchmark, reporting each result to `sink` as soon as it is measured.
pub fn run(cfg: &Config, python: &[Value], sink: &mut dyn FnMut(Event)) -> crate::Result<()> {
    let (t, isa, threads) = (&cfg.timer, cfg.isa, cfg.threads);
    let wanted = |be: &str| cfg.backends.iter().any(|w| w == be);
    for &(n, cap, bsize) in &cfg.grid {
        let batch = make_batch(n, cap, bsize, seed_of(n, cap, bsize));
        for &reg in &cfg.regs {
            let case = Case {
                n,
                cap,
                batch: bsize,
                reg,
            };
            sink(Event::Case(case));
            let py_case = python.iter().find(|p| {
                p["n"] == n
                    && p["capacity"] == cap
                    && p["batch"] == bsize
                    && p["regularizer"] == reg.name()
            });
            if let Some(p) = py_case {
                // Same instances, same answer: check the paper's value for the first one.
                let plan = Plan::new(isa, Par::Seq);
                let ours = backend::forward(&batch[0].instance, reg, gamma_of(reg), &plan)
                    .map(|f| f.value)
                    .unwrap_or(f64::NAN);
                let theirs = p["value0"].as_f64().unwrap_or(f64::NAN);
                if (ours - theirs).abs() > 1e-9 * ours.abs().max(1.0) {
                    eprintln!(
                        "diffknap bench: warning: the python module's value {theirs} differs \
                         from ours {ours} (n={n} C={cap} {})",
                        reg.name()
                    );
                }
            }
            for op in OPS {
                let mut row: Vec<(String, Option<(f64, f64)>)> = Vec::new();
                for be in BACKENDS {
                    if !wanted(be) || (be == "checkpointed" && op != "pipeline" && op != "oneshot")
                    {
                        row.push((be.into(), None));
                        continue;
                    }
                    let r = match be {
                        "reference" => time_reference(t, &batch, reg, op)?,
                        "scalar" => {
                            time_fast(t, &batch, reg, op, &Plan::new(Isa::Scalar, Par::Seq), 1)?
                        }
                        "simd" => time_fast(t, &batch, reg, op, &Plan::new(isa, Par::Seq), 1)?,
                        "auto" => {
                            let plan = backend::Backend::Auto
                                .plan()
                                .unwrap_or(Plan::new(isa, Par::Seq));
                            let bt = if bsize > 1 { plan.par.threads() } else { 1 };
                            time_fast(t, &batch, reg, op, &plan, bt)?
                        }
                        _ => {
                            // Batch: instances over threads; one instance: capacity blocks.
                            let mut plan = if bsize > 1 {
                                Plan::new(isa, Par::Seq)
                            } else {
                                Plan::new(isa, Par::Threads(threads))
                            };
                            if be == "checkpointed" {
                                plan.memory = Memory::Checkpointed;
                            }
                            if op == "oneshot" {
                                // relax_batch spreads a batch itself.
                                plan.par = Par::Threads(threads);
                            }
                            if let Some(m) = cfg.min_cols {
                                plan.min_cols_per_thread = m;
                            }
                            let bt = if bsize > 1 { threads } else { 1 };
                            time_fast(t, &batch, reg, op, &plan, bt)?
                        }
                    };
                    row.push((be.into(), Some(r)));
                }
                let py = py_case.and_then(|p| p[op].as_f64());
                sink(Event::Op {
                    case,
                    op,
                    row,
                    python: py,
                });
            }
            if reg == RegKind::Shannon {
                // The yardstick: the bare two-way log-sum-exp over as many elements, on one
                // thread against the one-thread forward pass, and on all threads against
                // the forward pass of `auto` (batches over threads, a single instance as
                // auto runs it).
                for (label, th) in [("simd", 1usize), ("auto", threads)] {
                    if !wanted(if label == "simd" { "simd" } else { "auto" }) {
                        continue;
                    }
                    let lse = time_lse(t, bsize * n, cap + 1, th);
                    let (plan, bt) = if label == "simd" {
                        (Plan::new(isa, Par::Seq), 1)
                    } else {
                        let plan = backend::Backend::Auto
                            .plan()
                            .unwrap_or(Plan::new(isa, Par::Seq));
                        (plan, if bsize > 1 { threads } else { 1 })
                    };
                    let (forward, _) = time_fast(t, &batch, reg, "forward", &plan, bt)?;
                    sink(Event::Lse {
                        case,
                        label,
                        threads: th,
                        lse,
                        forward,
                    });
                }
            }
        }
    }
    Ok(())
}
