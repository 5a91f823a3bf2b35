//! Fast f64 paths for Algorithms 1-4 and sampling: SIMD kernels (AVX-512, AVX2+FMA, scalar
//! fallback) vectorised along the capacity axis, multi-core over a batch or over blocks of
//! capacities within a row, and a memory layout of at most 16 bytes per cell.
//!
//! These kernels are written from SPEC A.2-A.3 and share no logic with the reference DP in
//! [`crate::dp`] or the regularizers in [`crate::reg`]: the conformance suite
//! (`tests/backends.rs`) holds every backend to the reference.
//!
//! Memory. Only the choice table Q (8 bytes per cell) outlives the forward pass: V lives in
//! two rolling rows. The marginals E are rolling too, y being accumulated row by row. The
//! VJP stores the local tangent Qdot (8 more bytes per cell) during the forward tangent and
//! recomputes E alongside Edot in one backward pass. [`Memory::Checkpointed`] stores only
//! every ceil(sqrt(n))-th V (and Vdot) row and recomputes Q segment by segment:
//! O(C sqrt(n)) memory for about one extra forward pass.
//!
//! Instruction set and parallelism are arguments ([`Plan`]); nothing is global. The
//! instruction set is chosen once per call, never per cell.
//!
//! ```
//! use diffknap::backend::{self, Backend, BatchItem, Isa, Par, Plan};
//! use diffknap::{Instance, RegKind, ops::Extras};
//! let inst = Instance::knapsack(vec![1.0, 0.3, -0.2, 0.8, 0.1], vec![2, 1, 3, 2, 1], 5)?;
//! let extras = Extras { z: Some(vec![1.0, 0.0, 0.0, -1.0, 0.5]), samples: 2, seed: 7 };
//! // The whole pipeline (value, y, H z, samples) with the best instruction set, one thread.
//! let plan = Plan::new(Isa::detect(), Par::Seq);
//! let out = backend::relax(&inst, RegKind::Shannon, 0.7, &extras, &plan)?;
//! assert!((out.value - 3.2457900486).abs() < 1e-9);
//! // A batch (instances may differ in everything), spread over the cores.
//! let items = vec![BatchItem { instance: &inst, regularizer: RegKind::Gini, gamma: 0.5, extras: &extras }; 3];
//! let outs = backend::relax_batch_with_backend(&items, Backend::Auto);
//! assert_eq!(outs.len(), 3);
//! # Ok::<(), diffknap::Error>(())
//! ```

mod batch;
mod buffers;
#[cfg(feature = "gpu")]
pub mod gpu;
mod kernels;
pub mod math;
mod passes;
mod pipeline;
mod plan;
pub mod simd;
mod sync;

pub use batch::{
    BatchItem, Slot, batch_budget, batch_schedule, par_map, relax_batch, relax_batch_with_backend,
    relax_batch_within, relax_with_backend,
};
pub use pipeline::{
    Forward, Workspace, forward, forward_into, marginals, relax, relax_in, sample, vjp, vjp_in,
};
pub use plan::{
    Backend, Isa, Memory, PARALLEL_MIN_COLS, Par, Plan, SPLIT_MIN_CELLS, pipeline_bytes,
};
