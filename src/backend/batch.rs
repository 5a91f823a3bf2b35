//! Batches: many instances in one call, on a rayon pool, within one memory budget for the
//! whole call; and the calls with a runtime choice of [`Backend`].

use super::pipeline::{Workspace, relax, relax_threads};
use super::plan::{Backend, Memory, Plan, auto_memory, pipeline_bytes};
use crate::error::Result;
use crate::instance::Instance;
use crate::ops::{Extras, Relaxed};
use crate::reg::RegKind;

/// One problem of a batch: instances may differ in size, weights, capacity, constraint,
/// regularizer and temperature.
#[derive(Debug, Clone, Copy)]
pub struct BatchItem<'a> {
    /// The instance.
    pub instance: &'a Instance<f64>,
    /// The regularizer.
    pub regularizer: RegKind,
    /// The temperature.
    pub gamma: f64,
    /// z, samples, seed.
    pub extras: &'a Extras<f64>,
}

/// The default memory budget of a batch call, in bytes: what the largest instance of the
/// batch may use alone, 16 bytes (Q and Qdot) per cell of its stated cell budget
/// ([`crate::instance::Budget::max_cells`]). The budget is for the whole call, whatever
/// the number of threads.
pub fn batch_budget(items: &[BatchItem]) -> usize {
    items
        .iter()
        .map(|it| {
            usize::try_from(it.instance.budget().max_cells)
                .unwrap_or(usize::MAX)
                .saturating_mul(16)
        })
        .max()
        .unwrap_or(0)
}

/// The memory layout `plan` gives one item, and the bytes it then needs
/// ([`pipeline_bytes`]).
fn item_memory(it: &BatchItem, plan: &Plan) -> (Memory, usize) {
    let mode = resolve_memory(plan.memory, it);
    (mode, item_bytes(it, mode))
}

fn resolve_memory(memory: Memory, it: &BatchItem) -> Memory {
    match memory {
        Memory::Auto => auto_memory(
            it.instance.n(),
            it.instance.capacity() + 1,
            it.extras.samples > 0,
            it.regularizer == RegKind::Shannon,
        ),
        m => m,
    }
}

fn item_bytes(it: &BatchItem, mode: Memory) -> usize {
    let (n, cols) = (it.instance.n(), it.instance.capacity() + 1);
    let tangent = it.extras.z.is_some() && it.regularizer != RegKind::Hard;
    // Samples keep Q (and Qdot) whole whatever the mode.
    let mode = if it.extras.samples > 0 {
        Memory::Full
    } else {
        mode
    };
    pipeline_bytes(n, cols, tangent, mode)
}

/// The layout of `plan` for this item if it fits in `bytes`, else the smaller layouts in
/// turn (`Compact`, then `Checkpointed`; samples keep Q and Qdot whatever the layout);
/// `None` when none fits.
fn fit_memory(it: &BatchItem, plan: &Plan, bytes: usize) -> Option<Memory> {
    let (mode, need) = item_memory(it, plan);
    if need <= bytes {
        return Some(mode);
    }
    if it.extras.samples > 0 {
        return None;
    }
    [Memory::Compact, Memory::Checkpointed]
        .into_iter()
        .find(|&m| m != mode && item_bytes(it, m) <= bytes)
}

/// How [`relax_batch_within`] runs one instance of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// The memory layout it gets (the plan's, or a smaller one that fits its share).
    pub memory: Memory,
    /// Whether it runs on one thread alongside other instances (`true`), or alone
    /// afterwards, with all threads and the whole budget (`false`).
    pub concurrent: bool,
    /// Bytes of tables and rolling rows it needs in that layout ([`pipeline_bytes`]).
    pub bytes: usize,
}

/// The schedule of a batch: for each instance, its layout and whether it runs
/// concurrently. Concurrent instances need at most `budget / threads` bytes each, so that
/// at most `budget` bytes are alive at once whatever the number of threads; an instance
/// alone needs at most `budget`, or gets the smallest layout when even that is too much
/// (its own cell budget was checked when it was built).
pub fn batch_schedule(items: &[BatchItem], plan: &Plan, budget: usize) -> Vec<Slot> {
    let threads = plan.par.threads();
    let parallel = threads > 1 && items.len() > 1;
    let share = budget / threads;
    items
        .iter()
        .map(|it| {
            let concurrent = if parallel {
                fit_memory(it, plan, share)
            } else {
                None
            };
            let memory = concurrent.unwrap_or_else(|| {
                fit_memory(it, plan, budget).unwrap_or(if it.extras.samples > 0 {
                    Memory::Full
                } else {
                    Memory::Checkpointed
                })
            });
            Slot {
                memory,
                concurrent: concurrent.is_some(),
                bytes: item_bytes(it, memory),
            }
        })
        .collect()
}

/// The whole pipeline on many instances, in input order, within [`batch_budget`] bytes of
/// tables for the whole call (see [`relax_batch_within`]).
pub fn relax_batch(items: &[BatchItem], plan: &Plan) -> Vec<Result<Relaxed<f64>>> {
    relax_batch_within(items, plan, batch_budget(items))
}

/// The whole pipeline on many instances, in input order, with at most `budget` bytes of
/// tables and rolling rows alive at any time ([`pipeline_bytes`] of the instances running
/// at once, plus what the workspaces keep), whatever the number of threads.
///
/// With several threads and at least two instances, the instances run on a rayon pool of
/// `plan.par` threads, each instance on one thread, each thread with its own
/// [`Workspace`] (`map_init`); each running instance gets `budget / threads` bytes: an
/// instance whose layout needs more is given a smaller one (`Compact`, then
/// `Checkpointed`; same results within rounding), and an instance for which even that is
/// too large runs afterwards, alone, with all threads (capacity blocks) and the whole
/// budget ([`batch_schedule`]). With one thread, or a single instance, instances run one
/// after another, each split over threads by capacity blocks when its rows are long
/// enough ([`Plan::min_cols_per_thread`]).
pub fn relax_batch_within(
    items: &[BatchItem],
    plan: &Plan,
    budget: usize,
) -> Vec<Result<Relaxed<f64>>> {
    let threads = plan.par.threads();
    let slots = batch_schedule(items, plan, budget);
    let run =
        |ws: &mut Workspace, it: &BatchItem, slot: &Slot, threads: (usize, usize), share: usize| {
            // Never hold more than the share: a workspace keeps its largest buffers.
            if ws.bytes().saturating_add(slot.bytes) > share {
                *ws = Workspace::default();
            }
            let r = relax_threads(
                ws,
                it.instance,
                it.regularizer,
                it.gamma,
                it.extras,
                &Plan {
                    memory: slot.memory,
                    ..*plan
                },
                threads.0,
                threads.1,
            );
            if ws.bytes() > share {
                *ws = Workspace::default();
            }
            r
        };
    let mut out: Vec<Option<Result<Relaxed<f64>>>> = if slots.iter().any(|s| s.concurrent) {
        let share = budget / threads;
        in_pool(threads, || {
            use rayon::prelude::*;
            items
                .par_iter()
                .zip(&slots)
                .map_init(Workspace::default, |ws, (it, slot)| {
                    slot.concurrent.then(|| run(ws, it, slot, (1, 1), share))
                })
                .collect()
        })
    } else {
        items.iter().map(|_| None).collect()
    };
    let mut ws = Workspace::default();
    for ((r, it), slot) in out.iter_mut().zip(items).zip(&slots) {
        if r.is_none() {
            let t = plan.row_threads(it.instance.n(), it.instance.capacity() + 1);
            *r = Some(run(&mut ws, it, slot, (t, threads), budget));
        }
    }
    out.into_iter()
        .map(|r| r.expect("every instance was answered"))
        .collect()
}

/// Runs `f` on a rayon pool of `threads` threads: the global pool when it has that many,
/// else a pool made for the call.
fn in_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    if threads == rayon::current_num_threads() {
        return f();
    }
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

/// `f(0), ..., f(len - 1)` in order, computed on a rayon pool of `threads` threads.
pub fn par_map<T: Send>(
    len: usize,
    threads: usize,
    f: impl Fn(usize) -> T + Sync + Send,
) -> Vec<T> {
    if threads <= 1 || len <= 1 {
        return (0..len).map(f).collect();
    }
    in_pool(threads, || {
        use rayon::prelude::*;
        (0..len).into_par_iter().map(f).collect()
    })
}

/// The whole pipeline with a runtime choice of backend (the reference included).
pub fn relax_with_backend(
    inst: &Instance<f64>,
    reg: RegKind,
    gamma: f64,
    extras: &Extras<f64>,
    backend: Backend,
) -> Result<Relaxed<f64>> {
    if matches!(backend, Backend::Gpu | Backend::GpuF32) {
        let item = BatchItem {
            instance: inst,
            regularizer: reg,
            gamma,
            extras,
        };
        return relax_batch_with_backend(&[item], backend)
            .pop()
            .expect("one answer per instance");
    }
    match backend.plan() {
        None => crate::ops::relax_f64(inst, reg, gamma, extras),
        Some(plan) => relax(inst, reg, gamma, extras, &plan),
    }
}

/// [`relax_batch`] with a runtime choice of backend (the reference runs one by one).
pub fn relax_batch_with_backend(
    items: &[BatchItem],
    backend: Backend,
) -> Vec<Result<Relaxed<f64>>> {
    if matches!(backend, Backend::Gpu | Backend::GpuF32) {
        return gpu_batch(items, backend == Backend::GpuF32);
    }
    match backend.plan() {
        None => items
            .iter()
            .map(|it| crate::ops::relax_f64(it.instance, it.regularizer, it.gamma, it.extras))
            .collect(),
        Some(plan) => relax_batch(items, &plan),
    }
}

#[cfg(feature = "gpu")]
fn gpu_batch(items: &[BatchItem], f32: bool) -> Vec<Result<Relaxed<f64>>> {
    use super::gpu::Precision;
    super::gpu::relax_batch(items, if f32 { Precision::F32 } else { Precision::F64 })
}

#[cfg(not(feature = "gpu"))]
fn gpu_batch(items: &[BatchItem], _f32: bool) -> Vec<Result<Relaxed<f64>>> {
    let e = crate::error::Error::Unsupported {
        what: "backend gpu: this build lacks the `gpu` cargo feature; rebuild with \
               `cargo build --release --features gpu`"
            .into(),
    };
    items.iter().map(|_| Err(e.clone())).collect()
}
