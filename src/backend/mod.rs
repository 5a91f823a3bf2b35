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

mod driver;
mod kernels;
pub mod math;
pub mod simd;

use crate::dp::Sample;
use crate::error::{Error, Result, invalid};
use crate::instance::Instance;
use crate::ops::{Extras, Relaxed};
use crate::reg::RegKind;
use crate::rng::Rng;
use driver::{BackState, Checkpoints, Problem, Tangent, alloc, backward_pass, forward_pass, reuse};
use kernels::{KGini, KHard, KShannon, KTsallis, Kern, Params};
use simd::{Scalar, Simd};

/// Which implementation computes the f64 operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// The fastest correct one measured on a shared machine: the SIMD kernels, batches
    /// spread over all cores, a single instance on one core, [`Memory::Auto`].
    Auto,
    /// The generic reference DP ([`crate::ops::relax_f64`]).
    Reference,
    /// The fast kernels without SIMD, one thread.
    Scalar,
    /// The fast kernels with the best instruction set of this CPU, one thread.
    Simd,
    /// The SIMD kernels on all available cores.
    Parallel,
}

impl Backend {
    /// All backends, `Auto` first.
    pub const ALL: [Backend; 5] = [
        Backend::Auto,
        Backend::Reference,
        Backend::Scalar,
        Backend::Simd,
        Backend::Parallel,
    ];
    /// Parses `auto`, `reference`, `scalar`, `simd`, `parallel`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "auto" => Ok(Backend::Auto),
            "reference" => Ok(Backend::Reference),
            "scalar" => Ok(Backend::Scalar),
            "simd" => Ok(Backend::Simd),
            "parallel" => Ok(Backend::Parallel),
            other => Err(invalid(
                "backend",
                format!("must be one of auto, reference, scalar, simd, parallel; got {other:?}"),
            )),
        }
    }
    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Auto => "auto",
            Backend::Reference => "reference",
            Backend::Scalar => "scalar",
            Backend::Simd => "simd",
            Backend::Parallel => "parallel",
        }
    }
    /// The fast plan this backend runs, or `None` for the reference.
    pub fn plan(self) -> Option<Plan> {
        match self {
            Backend::Reference => None,
            Backend::Scalar => Some(Plan::new(Isa::Scalar, Par::Seq)),
            Backend::Simd => Some(Plan::new(Isa::detect(), Par::Seq)),
            Backend::Parallel => Some(Plan::new(Isa::detect(), Par::available())),
            Backend::Auto => {
                // Threads over a batch; a single instance stays on one thread: splitting
                // rows costs one barrier per item row, which lost on the shared machine
                // this was measured on (docs/benchmarks.md). Use `parallel` to split.
                let mut plan = Plan::new(Isa::detect(), Par::available());
                plan.memory = Memory::Auto;
                plan.min_cols_per_thread = usize::MAX;
                Some(plan)
            }
        }
    }
}

/// An instruction set for the kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Isa {
    /// Plain f64 (no SIMD, no FMA): runs everywhere.
    Scalar,
    /// AVX2 with FMA (4 lanes).
    Avx2,
    /// AVX-512 F/DQ (8 lanes).
    Avx512,
}

impl Isa {
    /// The widest instruction set this CPU has.
    pub fn detect() -> Isa {
        Isa::available().last().copied().unwrap_or(Isa::Scalar)
    }
    /// Every instruction set this CPU can run, narrowest first.
    pub fn available() -> Vec<Isa> {
        let mut out = vec![Isa::Scalar];
        #[cfg(target_arch = "x86_64")]
        {
            if simd::Avx2::new().is_some() {
                out.push(Isa::Avx2);
            }
            if simd::Avx512::new().is_some() {
                out.push(Isa::Avx512);
            }
        }
        out
    }
    /// The name (scalar, avx2, avx512).
    pub fn name(self) -> &'static str {
        match self {
            Isa::Scalar => "scalar",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }
}

/// How many threads a call may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Par {
    /// The calling thread only.
    Seq,
    /// Up to this many threads (the calling thread included).
    Threads(usize),
}

impl Par {
    /// One thread per available core.
    pub fn available() -> Par {
        Par::Threads(std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
    /// The thread count (at least 1).
    pub fn threads(self) -> usize {
        match self {
            Par::Seq => 1,
            Par::Threads(t) => t.max(1),
        }
    }
}

/// Memory layout of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Memory {
    /// Keep Q (and Qdot for a VJP): 8 or 16 bytes per cell.
    Full,
    /// Keep every ceil(sqrt(n))-th V (and Vdot) row; recompute Q segment by segment.
    /// O(C sqrt(n)) memory. Sampling is not offered in this mode (it needs all of Q).
    Checkpointed,
    /// Keep Q (8 bytes per cell) and every ceil(sqrt(n))-th Vdot row; recompute the local
    /// tangent Qdot segment by segment (no second forward pass: the choice for shannon,
    /// whose forward pass is the expensive one).
    Compact,
    /// `Full` when Q and Qdot take at most 32 MiB or samples are requested; otherwise
    /// `Compact` for shannon and `Checkpointed` for the others (their forward passes are
    /// cheap, so recomputing one costs less than the memory traffic of the tables).
    Auto,
}

/// Everything that decides how (not what) a fast call computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Instruction set.
    pub isa: Isa,
    /// Threads.
    pub par: Par,
    /// Memory layout (used by [`relax`]).
    pub memory: Memory,
    /// A single instance is split over threads by capacity blocks only when every block
    /// gets at least this many capacities (one barrier per item row must pay for itself).
    pub min_cols_per_thread: usize,
    /// Fill all work buffers with garbage (NaN and huge values) before use: a testing aid
    /// that catches reliance on zeroed memory.
    pub poison: bool,
}

impl Plan {
    /// A plan with full memory and the default split threshold.
    pub fn new(isa: Isa, par: Par) -> Self {
        Plan {
            isa,
            par,
            memory: Memory::Full,
            min_cols_per_thread: 8192,
            poison: false,
        }
    }
    fn row_threads(&self, cols: usize) -> usize {
        let t = self.par.threads();
        t.min(cols / self.min_cols_per_thread.max(1)).max(1)
    }
}

/// Output of the fast Algorithm 1: the value and the choice table Q.
#[derive(Debug, Clone, PartialEq)]
pub struct Forward {
    /// V = V_n(C).
    pub value: f64,
    q: Vec<f64>,
    cols: usize,
}

impl Forward {
    /// An empty forward pass, to be filled by [`forward_into`].
    pub fn empty() -> Self {
        Forward {
            value: f64::NAN,
            q: Vec::new(),
            cols: 1,
        }
    }
    /// Row i of Q: Q_{i+1}(c), c = 0..=C.
    pub fn q_row(&self, i: usize) -> &[f64] {
        &self.q[i * self.cols..(i + 1) * self.cols]
    }
    /// Number of item rows.
    pub fn n(&self) -> usize {
        self.q.len() / self.cols.max(1)
    }
}

/// Something to run for one (instruction set, regularizer) pair, monomorphised.
trait Job {
    type Out;
    fn run<S: Simd, K: Kern>(self, s: S) -> Self::Out;
}

fn dispatch<J: Job>(isa: Isa, reg: RegKind, job: J) -> Result<J::Out> {
    fn with_isa<J: Job, K: Kern>(isa: Isa, job: J) -> Result<J::Out> {
        let missing = || Error::Unsupported {
            what: format!(
                "instruction set {} is not available on this CPU (available: {})",
                isa.name(),
                Isa::available()
                    .iter()
                    .map(|i| i.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        match isa {
            Isa::Scalar => Ok(job.run::<Scalar, K>(Scalar)),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => Ok(job.run::<simd::Avx2, K>(simd::Avx2::new().ok_or_else(missing)?)),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => Ok(job.run::<simd::Avx512, K>(simd::Avx512::new().ok_or_else(missing)?)),
            #[cfg(not(target_arch = "x86_64"))]
            _ => Err(missing()),
        }
    }
    match reg {
        RegKind::Hard => with_isa::<J, KHard>(isa, job),
        RegKind::Shannon => with_isa::<J, KShannon>(isa, job),
        RegKind::Gini => with_isa::<J, KGini>(isa, job),
        RegKind::Tsallis => with_isa::<J, KTsallis>(isa, job),
        // No kernels for general alpha or user-defined regularizers: the whole-pipeline entry
        // points (relax, relax_batch) run those on the reference DP instead.
        RegKind::Alpha(_) | RegKind::Custom => Err(Error::Unsupported {
            what: format!(
                "regularizer: the fast backends have kernels for hard, shannon, gini and tsallis only; {} runs on the reference DP (backend::relax falls back to it)",
                reg.label()
            ),
        }),
    }
}

fn problem<'a>(inst: &'a Instance<f64>, gamma: f64, plan: &Plan) -> Problem<'a> {
    Problem {
        weights: inst.weights(),
        theta: inst.theta(),
        cols: inst.capacity() + 1,
        equality: inst.constraint().is_equality(),
        params: Params::new(gamma),
        poison: plan.poison,
    }
}

fn infeasible() -> Error {
    Error::Infeasible {
        reason: "the forward pass found no feasible set".into(),
    }
}

struct ForwardJob<'a, 'b> {
    p: Problem<'a>,
    q: &'b mut [f64],
    tan: Option<Tangent<'b>>,
    threads: usize,
}

impl Job for ForwardJob<'_, '_> {
    type Out = (f64, f64);
    fn run<S: Simd, K: Kern>(self, s: S) -> (f64, f64) {
        let n = self.p.n();
        forward_pass::<S, K>(
            s,
            &self.p,
            (0, n),
            None,
            None,
            self.q,
            self.tan,
            None,
            self.threads,
        )
    }
}

/// Algorithm 1 (fast): the value V and the choice table Q.
pub fn forward(inst: &Instance<f64>, reg: RegKind, gamma: f64, plan: &Plan) -> Result<Forward> {
    let mut out = Forward::empty();
    forward_into(inst, reg, gamma, plan, &mut out)?;
    Ok(out)
}

/// [`forward`] into an existing [`Forward`], reusing its table's allocation (for repeated
/// calls, for example one per training step: no page faults for a fresh table each time).
pub fn forward_into(
    inst: &Instance<f64>,
    reg: RegKind,
    gamma: f64,
    plan: &Plan,
    out: &mut Forward,
) -> Result<()> {
    reg.check_gamma(&gamma)?;
    let cols = inst.capacity() + 1;
    let mut q = std::mem::take(&mut out.q);
    reuse(&mut q, inst.n() * cols, plan.poison);
    let p = problem(inst, gamma, plan);
    let threads = plan.row_threads(cols);
    let (value, _) = dispatch(
        plan.isa,
        reg,
        ForwardJob {
            p,
            q: &mut q,
            tan: None,
            threads,
        },
    )?;
    *out = Forward { value, q, cols };
    if value == f64::NEG_INFINITY {
        return Err(infeasible());
    }
    Ok(())
}

struct BackwardJob<'a, 'b> {
    p: Problem<'a>,
    q: &'b [f64],
    qd: Option<&'b [f64]>,
    threads: usize,
}

impl Job for BackwardJob<'_, '_> {
    type Out = (Vec<f64>, Vec<f64>);
    fn run<S: Simd, K: Kern>(self, s: S) -> Self::Out {
        let n = self.p.n();
        let mut y = vec![0.0; n];
        let mut vjp = vec![0.0; n];
        let mut state = BackState::start(self.p.cols, self.qd.is_some(), self.p.poison);
        backward_pass(
            s,
            &self.p,
            (0, n),
            self.q,
            self.qd,
            &mut state,
            &mut y,
            &mut vjp,
            self.threads,
        );
        (y, vjp)
    }
}

/// Algorithm 2 (fast): the relaxed selection y, with E kept as two rolling rows.
pub fn marginals(inst: &Instance<f64>, fwd: &Forward, plan: &Plan) -> Result<Vec<f64>> {
    let p = problem(inst, 0.0, plan);
    let threads = plan.row_threads(p.cols);
    let (y, _) = dispatch(
        plan.isa,
        RegKind::Hard,
        BackwardJob {
            p,
            q: &fwd.q,
            qd: None,
            threads,
        },
    )?;
    Ok(y)
}

struct TangentJob<'a, 'b> {
    p: Problem<'a>,
    q: &'b [f64],
    z: &'b [f64],
    qd: &'b mut [f64],
    threads: usize,
}

impl Job for TangentJob<'_, '_> {
    type Out = f64;
    fn run<S: Simd, K: Kern>(self, s: S) -> f64 {
        driver::tangent_pass::<S, K>(s, &self.p, self.q, self.z, self.qd, self.threads)
    }
}

/// Algorithm 4 (fast): H z and <y, z> from the forward pass. Stores the local tangent Qdot
/// (8 bytes per cell) and recomputes E alongside Edot.
pub fn vjp(
    inst: &Instance<f64>,
    fwd: &Forward,
    reg: RegKind,
    gamma: f64,
    z: &[f64],
    plan: &Plan,
) -> Result<(Vec<f64>, f64)> {
    vjp_in(&mut Workspace::default(), inst, fwd, reg, gamma, z, plan)
}

/// [`vjp`] with the Qdot table taken from (and left in) a reusable [`Workspace`].
pub fn vjp_in(
    ws: &mut Workspace,
    inst: &Instance<f64>,
    fwd: &Forward,
    reg: RegKind,
    gamma: f64,
    z: &[f64],
    plan: &Plan,
) -> Result<(Vec<f64>, f64)> {
    reg.check_gamma(&gamma)?;
    inst.check_z(z)?;
    let p = problem(inst, gamma, plan);
    let threads = plan.row_threads(p.cols);
    let qd = &mut ws.qd;
    reuse(qd, fwd.q.len(), plan.poison);
    let ydz = dispatch(
        plan.isa,
        reg,
        TangentJob {
            p,
            q: &fwd.q,
            z,
            qd,
            threads,
        },
    )?;
    let (_, out) = dispatch(
        plan.isa,
        RegKind::Hard,
        BackwardJob {
            p,
            q: &fwd.q,
            qd: Some(&ws.qd),
            threads,
        },
    )?;
    Ok((out, ydz))
}

/// Algorithm 3 on a fast forward pass: the same walk and the same draws as the reference
/// (items n..1, one `rng.uniform()` per item that fits, pick iff u < Q).
pub fn sample(inst: &Instance<f64>, fwd: &Forward, rng: &mut Rng) -> Sample {
    sample_q(inst, &fwd.q, fwd.cols, rng)
}

fn sample_q(inst: &Instance<f64>, qt: &[f64], cols: usize, rng: &mut Rng) -> Sample {
    let n = inst.n();
    let mut c = inst.capacity();
    let mut selection = vec![false; n];
    let mut log_prob = 0.0;
    for i in (0..n).rev() {
        let w = inst.weights()[i];
        if w > c {
            continue;
        }
        let q = qt[i * cols + c];
        if rng.uniform() < q {
            selection[i] = true;
            log_prob += q.ln();
            c -= w;
        } else {
            log_prob += (-q).ln_1p();
        }
    }
    Sample {
        selection,
        log_prob,
    }
}

/// Reusable tables for repeated calls (one per thread): the pipeline's Q and Qdot (or its
/// checkpointed segments) stay allocated between calls instead of being faulted in anew.
/// Contents between calls are unspecified; results never depend on them.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    q: Vec<f64>,
    qd: Vec<f64>,
    ck_v: Vec<f64>,
    ck_vd: Vec<f64>,
}

impl Workspace {
    /// Bytes currently held.
    pub fn bytes(&self) -> usize {
        8 * (self.q.capacity() + self.qd.capacity() + self.ck_v.capacity() + self.ck_vd.capacity())
    }
}

struct PipelineJob<'a, 'b> {
    p: Problem<'a>,
    z: Option<&'b [f64]>,
    memory: Memory,
    threads: usize,
    keep_q: bool,
    ws: &'b mut Workspace,
}

/// value, <y, z>, y, vjp; Q is left in the workspace when kept.
type PipelineOut = (f64, f64, Vec<f64>, Vec<f64>);

impl Job for PipelineJob<'_, '_> {
    type Out = PipelineOut;
    fn run<S: Simd, K: Kern>(self, s: S) -> PipelineOut {
        let p = &self.p;
        let (n, cols) = (p.n(), p.cols);
        let mut y = vec![0.0; n];
        let mut vjp = vec![0.0; n];
        // Hard has dq = 0: its VJP is exactly zero, so no tangent is computed.
        let smooth_z = self.z.filter(|_| K::SMOOTH);
        let ws = self.ws;
        let compact = self.memory == Memory::Compact && smooth_z.is_some();
        if (self.memory == Memory::Full || self.memory == Memory::Compact) && !compact
            || self.keep_q
            || n == 0
        {
            reuse(&mut ws.q, n * cols, p.poison);
            reuse(
                &mut ws.qd,
                if smooth_z.is_some() { n * cols } else { 0 },
                p.poison,
            );
            let tan = smooth_z.map(|z| Tangent { z, qd: &mut ws.qd });
            let (value, ydz) =
                forward_pass::<S, K>(s, p, (0, n), None, None, &mut ws.q, tan, None, self.threads);
            if value == f64::NEG_INFINITY {
                return (value, ydz, y, vjp);
            }
            // Allocated only now: the forward pass's rolling rows are already freed.
            let mut state = BackState::start(cols, smooth_z.is_some(), p.poison);
            let qd_ref = smooth_z.map(|_| &ws.qd[..]);
            backward_pass(
                s,
                p,
                (0, n),
                &ws.q,
                qd_ref,
                &mut state,
                &mut y,
                &mut vjp,
                self.threads,
            );
            return (value, ydz, y, vjp);
        }
        // Checkpointed / blocked: pass 1 stores every k-th V (and Vdot) row, Q in one
        // rolling row; the backward phase recomputes each segment from its checkpoint.
        let k = segment_rows(n);
        let nck = n / k + 1;
        let mut ck_v = std::mem::take(&mut ws.ck_v);
        let mut ck_vd = std::mem::take(&mut ws.ck_vd);
        reuse(&mut ck_v, nck * cols, p.poison);
        reuse(
            &mut ck_vd,
            if smooth_z.is_some() { nck * cols } else { 0 },
            p.poison,
        );
        if compact {
            // Compact: Q stored whole, Qdot recomputed per segment from Vdot checkpoints.
            reuse(&mut ws.q, n * cols, p.poison);
            let mut qd1 = alloc(cols, p.poison);
            let (value, ydz) = forward_pass::<S, K>(
                s,
                p,
                (0, n),
                None,
                None,
                &mut ws.q,
                smooth_z.map(|z| Tangent { z, qd: &mut qd1 }),
                Some(Checkpoints {
                    every: k,
                    v: &mut ck_v,
                    vd: Some(&mut ck_vd[..]),
                }),
                self.threads,
            );
            drop(qd1);
            if value == f64::NEG_INFINITY {
                return (value, ydz, y, vjp);
            }
            reuse(&mut ws.qd, k * cols, p.poison);
            driver::segmented_backward::<S, K>(
                s,
                p,
                k,
                &ck_v,
                Some(&ck_vd),
                smooth_z,
                Some(&ws.q),
                &mut [],
                &mut ws.qd,
                &mut y,
                &mut vjp,
                self.threads,
            );
            (ws.ck_v, ws.ck_vd) = (ck_v, ck_vd);
            return (value, ydz, y, vjp);
        }
        let mut q1 = alloc(cols, p.poison);
        let mut qd1 = alloc(if smooth_z.is_some() { cols } else { 0 }, p.poison);
        let (value, ydz) = forward_pass::<S, K>(
            s,
            p,
            (0, n),
            None,
            None,
            &mut q1,
            smooth_z.map(|z| Tangent { z, qd: &mut qd1 }),
            Some(Checkpoints {
                every: k,
                v: &mut ck_v,
                vd: smooth_z.map(|_| &mut ck_vd[..]),
            }),
            self.threads,
        );
        drop((q1, qd1));
        if value == f64::NEG_INFINITY {
            return (value, ydz, y, vjp);
        }
        let (q, qd) = (&mut ws.q, &mut ws.qd);
        reuse(q, k * cols, p.poison);
        reuse(qd, if smooth_z.is_some() { k * cols } else { 0 }, p.poison);
        driver::segmented_backward::<S, K>(
            s,
            p,
            k,
            &ck_v,
            smooth_z.map(|_| &ck_vd[..]),
            smooth_z,
            None,
            q,
            qd,
            &mut y,
            &mut vjp,
            self.threads,
        );
        (ws.ck_v, ws.ck_vd) = (ck_v, ck_vd);
        (value, ydz, y, vjp)
    }
}

/// Bytes of tables and rolling rows the fast pipeline allocates for `n` items and `cols`
/// capacities: the peak of the tables plus the rolling rows alive at the same time
/// (computed from the buffer sizes the code allocates; O(n) vectors ignored).
pub fn pipeline_bytes(n: usize, cols: usize, with_vjp: bool, memory: Memory) -> usize {
    let t = if with_vjp { 2 } else { 1 };
    // Two rolling rows of V (and Vdot) in the forward phase, then two of E (and Edot).
    let rolling = 2 * t * cols;
    let cells = match memory {
        Memory::Full => t * n * cols,
        Memory::Auto => {
            return pipeline_bytes(n, cols, with_vjp, auto_memory(n, cols, false, false));
        }
        Memory::Compact if with_vjp => {
            let k = segment_rows(n);
            n * cols + 2 * (n / k + 1) * cols + k * cols + cols
        }
        Memory::Compact => n * cols,
        Memory::Checkpointed => {
            let k = segment_rows(n);
            t * (n / k + 1) * cols + t * k * cols + t * cols
        }
    };
    8 * (cells + rolling)
}

/// Rows per recomputed segment of [`Memory::Checkpointed`]: ceil(sqrt(n)).
fn segment_rows(n: usize) -> usize {
    (n as f64).sqrt().ceil().max(1.0) as usize
}

/// What [`Memory::Auto`] picks.
fn auto_memory(n: usize, cols: usize, samples: bool, shannon: bool) -> Memory {
    if samples || 16 * n * cols <= 32 << 20 {
        Memory::Full
    } else if shannon {
        Memory::Compact
    } else {
        Memory::Checkpointed
    }
}

/// The whole pipeline (fast): value, y, the VJP if `extras.z` is set, and samples. With
/// [`Memory::Full`] it keeps Q and Qdot (at most 16 bytes per cell); with
/// [`Memory::Checkpointed`], O(C sqrt(n)) (samples are then refused).
pub fn relax(
    inst: &Instance<f64>,
    reg: RegKind,
    gamma: f64,
    extras: &Extras<f64>,
    plan: &Plan,
) -> Result<Relaxed<f64>> {
    relax_in(&mut Workspace::default(), inst, reg, gamma, extras, plan)
}

/// [`relax`] with its tables taken from (and left in) a reusable [`Workspace`].
pub fn relax_in(
    ws: &mut Workspace,
    inst: &Instance<f64>,
    reg: RegKind,
    gamma: f64,
    extras: &Extras<f64>,
    plan: &Plan,
) -> Result<Relaxed<f64>> {
    let threads = plan.row_threads(inst.capacity() + 1);
    relax_threads(ws, inst, reg, gamma, extras, plan, threads)
}

fn relax_threads(
    ws: &mut Workspace,
    inst: &Instance<f64>,
    reg: RegKind,
    gamma: f64,
    extras: &Extras<f64>,
    plan: &Plan,
    threads: usize,
) -> Result<Relaxed<f64>> {
    // General-alpha Tsallis has no kernel: the reference DP, same outputs.
    if matches!(reg, RegKind::Alpha(_) | RegKind::Custom) {
        return crate::ops::relax_f64(inst, reg, gamma, extras);
    }
    reg.check_gamma(&gamma)?;
    if let Some(z) = &extras.z {
        inst.check_z(z)?;
    }
    if extras.samples > 0 && plan.memory == Memory::Checkpointed {
        return Err(Error::Unsupported {
            what: "samples: checkpointed memory does not keep the choice table; \
                   use full (or auto) memory to sample"
                .into(),
        });
    }
    let p = problem(inst, gamma, plan);
    let (value, _, y, vjp) = dispatch(
        plan.isa,
        reg,
        PipelineJob {
            p,
            z: extras.z.as_deref(),
            memory: match plan.memory {
                Memory::Auto => auto_memory(
                    inst.n(),
                    p.cols,
                    extras.samples > 0,
                    reg == RegKind::Shannon,
                ),
                m => m,
            },
            threads,
            keep_q: extras.samples > 0,
            ws: &mut *ws,
        },
    )?;
    if value == f64::NEG_INFINITY {
        return Err(infeasible());
    }
    let mut samples = Vec::with_capacity(extras.samples);
    let mut rng = Rng::seed(extras.seed);
    for _ in 0..extras.samples {
        samples.push(sample_q(inst, &ws.q, p.cols, &mut rng));
    }
    let out = Relaxed {
        value,
        y,
        vjp: extras.z.as_ref().map(|_| vjp),
        samples,
    };
    crate::ops::check_finite(&out)?;
    Ok(out)
}

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

/// The whole pipeline on many instances, in input order. With several threads and at
/// least as many instances as threads, instances are spread over threads (each one
/// sequential); otherwise instances run one after another, each split over threads by
/// capacity blocks when its rows are long enough.
pub fn relax_batch(items: &[BatchItem], plan: &Plan) -> Vec<Result<Relaxed<f64>>> {
    let threads = plan.par.threads();
    let one = |ws: &mut Workspace, it: &BatchItem, t: usize| {
        relax_threads(
            ws,
            it.instance,
            it.regularizer,
            it.gamma,
            it.extras,
            plan,
            t,
        )
    };
    if threads <= 1 || items.len() < threads {
        let mut ws = Workspace::default();
        return items
            .iter()
            .map(|it| one(&mut ws, it, plan.row_threads(it.instance.capacity() + 1)))
            .collect();
    }
    par_map_with(items.len(), threads, Workspace::default, |ws, k| {
        one(ws, &items[k], 1)
    })
}

/// `f(0), ..., f(len - 1)` in order, computed on up to `threads` threads (the calling
/// thread included) that take indices one at a time: the batch driver.
pub fn par_map<T: Send>(len: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    par_map_with(len, threads, || (), |_, k| f(k))
}

/// [`par_map`] where every thread owns a state made by `init` (for example a
/// [`Workspace`]) that `f` may reuse from one index to the next.
pub fn par_map_with<T: Send, W>(
    len: usize,
    threads: usize,
    init: impl Fn() -> W + Sync,
    f: impl Fn(&mut W, usize) -> T + Sync,
) -> Vec<T> {
    if threads <= 1 || len <= 1 {
        let mut w = init();
        return (0..len).map(|k| f(&mut w, k)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut parts: Vec<(usize, T)> = std::thread::scope(|scope| {
        let worker = || {
            let mut mine = Vec::new();
            let mut w = init();
            loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if k >= len {
                    return mine;
                }
                mine.push((k, f(&mut w, k)));
            }
        };
        let handles: Vec<_> = (1..threads.min(len)).map(|_| scope.spawn(worker)).collect();
        let mut all = worker();
        for h in handles {
            match h.join() {
                Ok(v) => all.extend(v),
                Err(p) => std::panic::resume_unwind(p),
            }
        }
        all
    });
    parts.sort_by_key(|(k, _)| *k);
    parts.into_iter().map(|(_, r)| r).collect()
}

/// The whole pipeline with a runtime choice of backend (the reference included).
pub fn relax_with_backend(
    inst: &Instance<f64>,
    reg: RegKind,
    gamma: f64,
    extras: &Extras<f64>,
    backend: Backend,
) -> Result<Relaxed<f64>> {
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
    match backend.plan() {
        None => items
            .iter()
            .map(|it| crate::ops::relax_f64(it.instance, it.regularizer, it.gamma, it.extras))
            .collect(),
        Some(plan) => relax_batch(items, &plan),
    }
}
