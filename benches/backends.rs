//! Criterion groups comparing every backend at equal sizes: one group per (regularizer,
//! operation), one benchmark per backend, throughput in cells (n (C + 1)).
//!
//! `cargo bench --bench backends` (add `-- shannon/forward` to filter). `diffknap bench`
//! prints the full grid of docs/benchmarks.md; this harness is for A/B work on kernels.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use diffknap::backend::{self, Isa, Par, Plan, Workspace};
use diffknap::ops::{Extras, relax_f64};
use diffknap::rng::Rng;
use diffknap::{Instance, RegKind};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 200;
const CAP: usize = 2000;

fn instance() -> (Instance<f64>, Vec<f64>) {
    let mut rng = Rng::seed(1);
    let theta: Vec<f64> = (0..N).map(|_| 2.0 * rng.uniform() - 1.0).collect();
    let weights: Vec<u64> = (0..N)
        .map(|_| 1 + rng.below((2 * CAP / N) as u64))
        .collect();
    let z: Vec<f64> = (0..N).map(|_| 2.0 * rng.uniform() - 1.0).collect();
    (Instance::knapsack(theta, weights, CAP as u64).unwrap(), z)
}

fn plans() -> Vec<(String, Plan)> {
    let mut out: Vec<(String, Plan)> = Isa::available()
        .into_iter()
        .map(|isa| (isa.name().to_string(), Plan::new(isa, Par::Seq)))
        .collect();
    // At this size a row is too short to split (see Plan::min_cols_per_thread): the
    // parallel plan runs one thread, like `auto`; the split is exercised by the tests.
    out.push((
        "parallel".into(),
        Plan::new(Isa::detect(), Par::available()),
    ));
    out
}

fn bench(c: &mut Criterion) {
    let (inst, z) = instance();
    let cells = (N * (CAP + 1)) as u64;
    for reg in RegKind::ALL {
        let gamma = if reg == RegKind::Hard { 0.0 } else { 0.5 };
        let extras = Extras {
            z: Some(z.clone()),
            samples: 0,
            seed: 0,
        };
        for op in ["forward", "marginals", "vjp", "pipeline"] {
            let mut g = c.benchmark_group(format!("{}/{op}", reg.name()));
            g.throughput(Throughput::Elements(cells));
            g.sample_size(10);
            g.warm_up_time(Duration::from_millis(300));
            g.measurement_time(Duration::from_secs(1));
            if op == "pipeline" {
                g.bench_function(BenchmarkId::new("reference", cells), |b| {
                    b.iter(|| black_box(relax_f64(&inst, reg, gamma, &extras).unwrap()))
                });
            }
            for (name, plan) in plans() {
                let fwd = backend::forward(&inst, reg, gamma, &plan).unwrap();
                let mut out = backend::Forward::empty();
                let mut ws = Workspace::default();
                g.bench_function(BenchmarkId::new(name, cells), |b| match op {
                    "forward" => b.iter(|| {
                        backend::forward_into(&inst, reg, gamma, &plan, &mut out).unwrap();
                        black_box(out.value)
                    }),
                    "marginals" => b.iter(|| black_box(backend::marginals(&inst, &fwd, &plan))),
                    "vjp" => b.iter(|| {
                        black_box(backend::vjp_in(&mut ws, &inst, &fwd, reg, gamma, &z, &plan))
                    }),
                    _ => b.iter(|| {
                        black_box(backend::relax_in(
                            &mut ws, &inst, reg, gamma, &extras, &plan,
                        ))
                    }),
                });
            }
            g.finish();
        }
    }
    // The yardstick of the shannon forward pass: the bare two-way log-sum-exp.
    let mut g = c.benchmark_group("lse2");
    g.throughput(Throughput::Elements(cells));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(1));
    let mut rng = Rng::seed(2);
    let a: Vec<f64> = (0..CAP + 1).map(|_| rng.uniform()).collect();
    let bb: Vec<f64> = (0..CAP + 1).map(|_| rng.uniform()).collect();
    let mut out = vec![0.0; cells as usize];
    g.bench_function("scalar", |b| {
        b.iter(|| {
            for row in out.chunks_mut(CAP + 1) {
                backend::math::lse2(backend::simd::Scalar, &a, &bb, 0.5, row);
            }
        })
    });
    #[cfg(target_arch = "x86_64")]
    if let Some(s) = backend::simd::Avx512::new() {
        g.bench_function("avx512", |b| {
            b.iter(|| {
                for row in out.chunks_mut(CAP + 1) {
                    backend::math::lse2(s, &a, &bb, 0.5, row);
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
