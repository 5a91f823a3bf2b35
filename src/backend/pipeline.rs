//! The single-instance calls: Algorithms 1-4 and sampling as separate calls, and the whole
//! pipeline in one call ([`relax`]), with reusable tables ([`Workspace`]).

use super::buffers::{Pages, alloc, reuse, with_prefault};
use super::kernels::{KGini, KHard, KShannon, KTsallis, Kern, Params};
use super::passes::{self, BackState, Checkpoints, Problem, Tangent, backward_pass, forward_pass};
use super::plan::{Isa, Memory, Plan, auto_memory, segment_rows};
use super::simd::{self, Scalar, Simd};
use crate::dp::Sample;
use crate::error::{Error, Result};
use crate::instance::Instance;
use crate::ops::{Extras, Relaxed};
use crate::reg::RegKind;
use crate::rng::Rng;

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
    let threads = plan.row_threads(inst.n(), cols);
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
    let threads = plan.row_threads(inst.n(), p.cols);
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
        passes::tangent_pass::<S, K>(s, &self.p, self.q, self.z, self.qd, self.threads)
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
    let threads = plan.row_threads(inst.n(), p.cols);
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

pub(crate) fn sample_q(inst: &Instance<f64>, qt: &[f64], cols: usize, rng: &mut Rng) -> Sample {
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

/// Smallest table (cells) whose checkpointed segments are recomputed on a second thread.
pub const PIPELINE_MIN_CELLS: usize = 1 << 18;

struct PipelineJob<'a, 'b> {
    p: Problem<'a>,
    z: Option<&'b [f64]>,
    memory: Memory,
    /// Threads per row (capacity blocks).
    threads: usize,
    /// Threads the call may use in all: with rows on one thread and at least two here,
    /// the checkpointed segments are recomputed on a second thread.
    helpers: usize,
    keep_q: bool,
    ws: &'b mut Workspace,
}

impl PipelineJob<'_, '_> {
    /// Whether a second thread may fault in fresh tables during the forward pass: rows on
    /// one thread, and another thread allowed.
    fn prefault(&self) -> bool {
        self.threads == 1 && self.helpers >= 2
    }
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
        let prefault = self.prefault();
        let ws = self.ws;
        let compact = self.memory == Memory::Compact && smooth_z.is_some();
        if (self.memory == Memory::Full || self.memory == Memory::Compact) && !compact
            || self.keep_q
            || n == 0
        {
            let fresh_q = reuse(&mut ws.q, n * cols, p.poison);
            let fresh_qd = reuse(
                &mut ws.qd,
                if smooth_z.is_some() { n * cols } else { 0 },
                p.poison,
            );
            let mut pages = Vec::new();
            if fresh_q {
                pages.push(Pages::of(&ws.q));
            }
            if fresh_qd {
                pages.push(Pages::of(&ws.qd));
            }
            let tan = smooth_z.map(|z| Tangent { z, qd: &mut ws.qd });
            let q = &mut ws.q;
            let threads = self.threads;
            let (value, ydz) = with_prefault(&pages, prefault, move || {
                forward_pass::<S, K>(s, p, (0, n), None, None, q, tan, None, threads)
            });
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
            let fresh = reuse(&mut ws.q, n * cols, p.poison);
            let pages = if fresh {
                vec![Pages::of(&ws.q)]
            } else {
                vec![]
            };
            let mut qd1 = alloc(cols, p.poison);
            let (q, threads) = (&mut ws.q, self.threads);
            let (ck_v_ref, ck_vd_ref) = (&mut ck_v, &mut ck_vd);
            let (value, ydz) = with_prefault(&pages, prefault, || {
                forward_pass::<S, K>(
                    s,
                    p,
                    (0, n),
                    None,
                    None,
                    q,
                    smooth_z.map(|z| Tangent { z, qd: &mut qd1 }),
                    Some(Checkpoints {
                        every: k,
                        v: ck_v_ref,
                        vd: Some(&mut ck_vd_ref[..]),
                    }),
                    threads,
                )
            });
            drop(qd1);
            if value == f64::NEG_INFINITY {
                return (value, ydz, y, vjp);
            }
            reuse(&mut ws.qd, k * cols, p.poison);
            passes::segmented_backward::<S, K>(
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
        // A second thread pays once the segments take longer than starting it (a row of
        // cells costs a few ns each; a thread start some tens of microseconds).
        if self.threads == 1 && self.helpers >= 2 && n > k && n * cols >= PIPELINE_MIN_CELLS {
            reuse(q, 2 * k * cols, p.poison);
            reuse(
                qd,
                if smooth_z.is_some() { 2 * k * cols } else { 0 },
                p.poison,
            );
            passes::pipelined_backward::<S, K>(
                s,
                p,
                k,
                &ck_v,
                smooth_z.map(|_| &ck_vd[..]),
                smooth_z,
                q,
                qd,
                &mut y,
                &mut vjp,
            );
            (ws.ck_v, ws.ck_vd) = (ck_v, ck_vd);
            return (value, ydz, y, vjp);
        }
        reuse(q, k * cols, p.poison);
        reuse(qd, if smooth_z.is_some() { k * cols } else { 0 }, p.poison);
        passes::segmented_backward::<S, K>(
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
    let threads = plan.row_threads(inst.n(), inst.capacity() + 1);
    relax_threads(
        ws,
        inst,
        reg,
        gamma,
        extras,
        plan,
        threads,
        plan.par.threads(),
    )
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn relax_threads(
    ws: &mut Workspace,
    inst: &Instance<f64>,
    reg: RegKind,
    gamma: f64,
    extras: &Extras<f64>,
    plan: &Plan,
    threads: usize,
    helpers: usize,
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
    let mut memory = match plan.memory {
        Memory::Auto => auto_memory(
            inst.n(),
            p.cols,
            extras.samples > 0,
            reg == RegKind::Shannon,
        ),
        m => m,
    };
    // `auto`, split over cores, in a new workspace (a one-shot call): checkpointed instead
    // of compact. Two workers faulting in a fresh table lost badly on a virtual machine
    // whose second core was throttled (shannon n = 1000, C = 10,000, one-shot: 122 ms
    // compact against 50 ms checkpointed; 40 against 43 ms with both cores free). A
    // workspace in use (repeated calls) keeps compact, the faster layout once its table
    // is in place (29 against 38 ms). docs/benchmarks.md.
    if plan.auto_split && threads > 1 && memory == Memory::Compact && ws.bytes() == 0 {
        memory = Memory::Checkpointed;
    }
    let (value, _, y, vjp) = dispatch(
        plan.isa,
        reg,
        PipelineJob {
            p,
            z: extras.z.as_deref(),
            memory,
            threads,
            helpers,
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
