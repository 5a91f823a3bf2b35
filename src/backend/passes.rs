//! Passes over the item rows (forward, forward tangent, backward, segmented backward),
//! each run by the workers of [`super::sync`] on blocks of capacities.

use super::buffers::alloc;
use super::kernels::{
    Kern, Params, RowOut, backward_row, forward_row, forward_tangent_row, tangent_row,
};
use super::simd::Simd;
use super::sync::{Barrier, RowChunks, Shared, run_blocks};

/// The data every pass needs: the instance as plain slices, and the regularizer constants.
#[derive(Debug, Clone, Copy)]
pub struct Problem<'a> {
    /// Weights, clamped to capacity + 1.
    pub weights: &'a [usize],
    /// Scores.
    pub theta: &'a [f64],
    /// C + 1.
    pub cols: usize,
    /// Whether V_0 is -inf above 0 (exact and top-k).
    pub equality: bool,
    /// Regularizer constants.
    pub params: Params,
    /// Fill work buffers with garbage before use (tests: catches reliance on zeroed memory).
    pub poison: bool,
}

impl Problem<'_> {
    /// Number of items.
    pub fn n(&self) -> usize {
        self.theta.len()
    }
}

/// Forward-tangent inputs and outputs of a fused or separate tangent pass.
pub struct Tangent<'b> {
    /// The cotangent z (one per item).
    pub z: &'b [f64],
    /// Output table Qdot, n * cols.
    pub qd: &'b mut [f64],
}

/// Where the forward pass keeps V rows (checkpoints): every `every`-th row from row 0,
/// with Vdot alongside when a tangent runs.
pub struct Checkpoints<'b> {
    /// Row spacing.
    pub every: usize,
    /// Stored V rows, (n / every + 1) * cols.
    pub v: &'b mut [f64],
    /// Stored Vdot rows (same shape), if a tangent runs.
    pub vd: Option<&'b mut [f64]>,
}

/// The buffers of a forward pass, shared by its workers.
#[derive(Clone, Copy)]
struct FwdShared<'a, 'z> {
    /// Rolling V rows (two halves of `cols`).
    v: Shared<'a>,
    /// Rolling Vdot rows (empty without a tangent).
    vd: Shared<'a>,
    /// Q rows of the range (or one rolling row).
    q: Shared<'a>,
    /// Qdot rows, with z, when a tangent runs.
    tan: Option<(&'z [f64], Shared<'a>)>,
    /// Whether Q is a single rolling row.
    rolling_q: bool,
    /// Whether Qdot is a single rolling row.
    rolling_qd: bool,
    /// Checkpoints: spacing, V rows, Vdot rows.
    ck: Option<(usize, Shared<'a>, Option<Shared<'a>>)>,
}

/// One worker's share of a forward pass over `rows`: capacities `lo..hi` of every row
/// (its block of the first row and of the checkpoints), or, with `chunks`, the chunks of
/// each row it takes. Leaves V_{rows.1} (and Vdot) in half `(rows.1 - rows.0) % 2` of
/// the rolling buffers.
///
/// # Safety
/// Every worker of the pass calls this with the same arguments except its index `k` and
/// disjoint block `lo..hi`, and shares `barrier` and `chunks` (the module invariant then
/// holds: a chunk is taken by exactly one worker).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn forward_worker<S: Simd, K: Kern>(
    s: S,
    p: &Problem,
    rows: (usize, usize),
    v_start: Option<&[f64]>,
    vd_start: Option<&[f64]>,
    f: &FwdShared,
    (k, lo, hi): (usize, usize, usize),
    chunks: Option<&RowChunks>,
    barrier: &Barrier,
) {
    let cols = p.cols;
    let (r0, r1) = rows;
    // SAFETY (every get/get_mut below): rows of the rolling buffers alternate halves; a
    // step writes only this worker's block lo..hi of the half being produced (and of Q,
    // Qdot and checkpoint rows), and reads whole rows of the other half, completed before
    // the last barrier (module invariant).
    unsafe {
        let v0 = f.v.get_mut(lo, hi);
        match v_start {
            Some(row) => v0.copy_from_slice(&row[lo..hi]),
            None => {
                for (k, x) in v0.iter_mut().enumerate() {
                    *x = if lo + k == 0 || !p.equality {
                        0.0
                    } else {
                        f64::NEG_INFINITY
                    };
                }
            }
        }
        // The first row's chunks (a segmented pass reuses `chunks` from segment to
        // segment); every worker takes chunks only after the barrier below.
        if let Some(ch) = chunks
            && k == 0
            && r0 < r1
        {
            ch.reset(0, p.weights[r0]);
        }
        if f.tan.is_some() {
            let vd0 = f.vd.get_mut(lo, hi);
            match vd_start {
                Some(row) => vd0.copy_from_slice(&row[lo..hi]),
                None => vd0.fill(0.0),
            }
        }
        barrier.wait();
        // A rolling Q (Qdot) row is read by nobody: the tangent uses Q in registers.
        let out = RowOut {
            finite: !p.equality,
            q: !f.rolling_q,
            qd: !f.rolling_qd,
        };
        let save = |i: usize, a: usize| {
            if let Some((every, ck_v, ck_vd)) = f.ck
                && i.is_multiple_of(every)
            {
                let dst = (i / every) * cols;
                ck_v.get_mut(dst + lo, dst + hi)
                    .copy_from_slice(f.v.get(a + lo, a + hi));
                if let Some(ckd) = ck_vd {
                    ckd.get_mut(dst + lo, dst + hi)
                        .copy_from_slice(f.vd.get(a + lo, a + hi));
                }
            }
        };
        for i in r0..r1 {
            let (a, b) = if (i - r0) % 2 == 0 {
                (0, cols)
            } else {
                (cols, 0)
            };
            save(i, a);
            let w = p.weights[i];
            let row = if f.rolling_q { 0 } else { (i - r0) * cols };
            let qd_row = if f.rolling_qd { 0 } else { (i - r0) * cols };
            // One block, or the chunks this worker takes (no closure around the kernels: a
            // closure would not inherit the target features of the enclosing `vectorize`).
            let parity = (i - r0) % 2;
            let mut next = match chunks {
                None => Some((lo, hi)),
                Some(ch) => {
                    if k == 0 && i + 1 < r1 {
                        ch.reset(1 - parity, p.weights[i + 1]);
                    }
                    ch.take(parity, k == 0).map(|j| ch.bounds(j, w))
                }
            };
            while let Some((lo, hi)) = next {
                let qrow = f.q.get_mut(row + lo, row + hi);
                match f.tan {
                    Some((z, qd)) => forward_tangent_row::<S, K>(
                        s,
                        &p.params,
                        (f.v.get(a, a + cols), f.v.get_mut(b + lo, b + hi), qrow),
                        (
                            f.vd.get(a, a + cols),
                            f.vd.get_mut(b + lo, b + hi),
                            qd.get_mut(qd_row + lo, qd_row + hi),
                        ),
                        lo,
                        w,
                        (p.theta[i], z[i]),
                        out,
                    ),
                    None => forward_row::<S, K>(
                        s,
                        &p.params,
                        f.v.get(a, a + cols),
                        f.v.get_mut(b + lo, b + hi),
                        qrow,
                        lo,
                        w,
                        p.theta[i],
                        out,
                    ),
                }
                next = chunks.and_then(|ch| ch.take(parity, k == 0).map(|j| ch.bounds(j, w)));
            }
            barrier.wait();
        }
        save(r1, if (r1 - r0) % 2 == 0 { 0 } else { cols });
    }
}

/// Algorithm 1 (and, with `tan`, the forward tangent of Algorithm 4) over rows
/// `rows.0..rows.1`, starting from V row `v_start` (None: V_0 of the constraint) and Vdot
/// row `vd_start` (None: 0). `q` (and `tan.qd`) hold the rows of this range, or a single
/// rolling row when shorter. Returns the last V and Vdot values at capacity C.
#[allow(clippy::too_many_arguments)]
pub fn forward_pass<S: Simd, K: Kern>(
    s: S,
    p: &Problem,
    rows: (usize, usize),
    v_start: Option<&[f64]>,
    vd_start: Option<&[f64]>,
    q: &mut [f64],
    tan: Option<Tangent>,
    ckpt: Option<Checkpoints>,
    threads: usize,
) -> (f64, f64) {
    let cols = p.cols;
    let (r0, r1) = rows;
    let rolling_q = q.len() < (r1 - r0) * cols;
    assert!(q.len() >= cols.min((r1 - r0) * cols));
    let has_tan = tan.is_some();
    let mut vbuf = alloc(2 * cols, p.poison);
    let mut vdbuf = alloc(if has_tan { 2 * cols } else { 0 }, p.poison);
    let f = FwdShared {
        v: Shared::new(&mut vbuf),
        vd: Shared::new(&mut vdbuf),
        q: Shared::new(q),
        rolling_qd: tan.as_ref().is_some_and(|t| t.qd.len() < (r1 - r0) * cols),
        tan: tan.map(|t| {
            assert!(t.qd.len() >= cols.min((r1 - r0) * cols));
            (t.z, Shared::new(t.qd))
        }),
        rolling_q,
        ck: ckpt.map(|c| (c.every, Shared::new(c.v), c.vd.map(Shared::new))),
    };
    // With several workers, rows are dealt out in chunks (a slow core takes fewer; the
    // results are those of one thread, see `RowChunks`).
    let chunks = (threads > 1 && r1 > r0).then(|| RowChunks::new(cols, threads, p.weights[r0]));
    let chunks = chunks.as_ref();
    run_blocks(cols, threads, |k, lo, hi, barrier| {
        s.vectorize(
            #[inline(always)]
            || {
                // SAFETY: every worker runs the same pass on its own block and the chunks
                // it takes.
                unsafe {
                    forward_worker::<S, K>(
                        s,
                        p,
                        rows,
                        v_start,
                        vd_start,
                        &f,
                        (k, lo, hi),
                        chunks,
                        barrier,
                    )
                }
            },
        )
    });
    let a = if (r1 - r0) % 2 == 0 { 0 } else { cols };
    let vd_last = if has_tan { vdbuf[a + cols - 1] } else { 0.0 };
    (vbuf[a + cols - 1], vd_last)
}

/// The forward tangent of Algorithm 4 alone, from a stored Q table: fills Qdot and
/// returns Vdot_n(C) = <y, z>.
pub fn tangent_pass<S: Simd, K: Kern>(
    s: S,
    p: &Problem,
    q: &[f64],
    z: &[f64],
    qd: &mut [f64],
    threads: usize,
) -> f64 {
    let cols = p.cols;
    let n = p.n();
    let mut vdbuf = alloc(2 * cols, p.poison);
    let qd = Shared::new(qd);
    let vd = Shared::new(&mut vdbuf);
    run_blocks(cols, threads, |_, lo, hi, barrier| {
        s.vectorize(
            #[inline(always)]
            || {
                // SAFETY: as in `forward_pass` (module invariant); Q is only read.
                unsafe {
                    vd.get_mut(lo, hi).fill(0.0);
                    barrier.wait();
                    for (i, &zi) in z.iter().enumerate().take(n) {
                        let (a, b) = if i % 2 == 0 { (0, cols) } else { (cols, 0) };
                        let row = i * cols;
                        tangent_row::<S, K>(
                            s,
                            &p.params,
                            vd.get(a, a + cols),
                            &q[row + lo..row + hi],
                            vd.get_mut(b + lo, b + hi),
                            qd.get_mut(row + lo, row + hi),
                            lo,
                            p.weights[i],
                            zi,
                        );
                        barrier.wait();
                    }
                }
            },
        )
    });
    let a = if n.is_multiple_of(2) { 0 } else { cols };
    vdbuf[a + cols - 1]
}

/// State of the backward recursion between calls (so that checkpointed segments can be
/// processed one after another): the rolling rows E_i and Edot_i at the current row.
pub struct BackState {
    /// E_i, cols values.
    pub e: Vec<f64>,
    /// Edot_i, cols values (empty without a tangent).
    pub ed: Vec<f64>,
}

impl BackState {
    /// E_n = indicator of C, Edot_n = 0.
    pub fn start(cols: usize, tangent: bool, poison: bool) -> Self {
        let mut e = alloc(cols, poison);
        e.fill(0.0);
        e[cols - 1] = 1.0;
        let mut ed = alloc(if tangent { cols } else { 0 }, poison);
        ed.fill(0.0);
        BackState { e, ed }
    }
}

/// The rolling buffers of a backward pass: E halves, Edot halves.
#[derive(Clone, Copy)]
struct BwdShared<'a> {
    e: [Shared<'a>; 2],
    ed: [Shared<'a>; 2],
}

/// One worker's share of a backward pass over rows `rows.1 - 1` down to `rows.0`, E_{rows.1}
/// being in half `half`; returns the half holding E_{rows.0}. Adds this block's parts of
/// y_i and vjp_i into `ys[i - rows.0]`, `js[i - rows.0]`. `q` and `qd` hold the rows of the
/// range (whole rows).
///
/// # Safety
/// As for [`forward_worker`]; `q` and `qd` are not written during the pass.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn backward_worker<S: Simd>(
    s: S,
    p: &Problem,
    rows: (usize, usize),
    q: Shared,
    qd: Option<Shared>,
    b: &BwdShared,
    mut half: usize,
    lo: usize,
    hi: usize,
    barrier: &Barrier,
    ys: &mut [f64],
    js: &mut [f64],
) -> usize {
    let cols = p.cols;
    let (r0, r1) = rows;
    for i in (r0..r1).rev() {
        let (a, bh) = (half, 1 - half);
        let row = (i - r0) * cols;
        // SAFETY: E/Edot halves alternate; this worker writes only lo..hi of the half being
        // produced and reads whole rows of the other half and of Q/Qdot, all completed
        // before the last barrier (module invariant).
        let (yp, jp) = unsafe {
            let qrow = q.get(row, row + cols);
            match qd {
                Some(qd) => backward_row::<S, true>(
                    s,
                    b.e[a].get(0, cols),
                    qrow,
                    b.ed[a].get(0, cols),
                    qd.get(row, row + cols),
                    b.e[bh].get_mut(lo, hi),
                    b.ed[bh].get_mut(lo, hi),
                    lo,
                    p.weights[i],
                ),
                None => backward_row::<S, false>(
                    s,
                    b.e[a].get(0, cols),
                    qrow,
                    &[],
                    &[],
                    b.e[bh].get_mut(lo, hi),
                    &mut [],
                    lo,
                    p.weights[i],
                ),
            }
        };
        ys[i - r0] += yp;
        js[i - r0] += jp;
        half = bh;
        barrier.wait();
    }
    half
}

/// Algorithm 2 (with `qd`, also the backward tangent of Algorithm 4) over rows
/// `rows.1 - 1` down to `rows.0`; `q` and `qd` hold the rows of this range only. Adds
/// y_i into `y[i]` and vjp_i into `vjp[i]`, and moves `state` to row `rows.0`.
#[allow(clippy::too_many_arguments)]
pub fn backward_pass<S: Simd>(
    s: S,
    p: &Problem,
    rows: (usize, usize),
    q: &[f64],
    qd: Option<&[f64]>,
    state: &mut BackState,
    y: &mut [f64],
    vjp: &mut [f64],
    threads: usize,
) {
    let cols = p.cols;
    let (r0, r1) = rows;
    assert!(q.len() >= (r1 - r0) * cols);
    let has_tan = qd.is_some();
    let mut other_e = alloc(cols, p.poison);
    let mut other_ed = alloc(if has_tan { cols } else { 0 }, p.poison);
    let b = BwdShared {
        e: [Shared::new(&mut state.e), Shared::new(&mut other_e)],
        ed: [Shared::new(&mut state.ed), Shared::new(&mut other_ed)],
    };
    // Q and Qdot are only read in this pass.
    let q = Shared::from_ref(q);
    let qd = qd.map(|x| {
        assert!(x.len() >= (r1 - r0) * cols);
        Shared::from_ref(x)
    });
    let parts = run_blocks(cols, threads, |_, lo, hi, barrier| {
        s.vectorize(
            #[inline(always)]
            || {
                let mut ys = vec![0.0; r1 - r0];
                let mut js = vec![0.0; r1 - r0];
                // SAFETY: every worker runs the same pass on its own block; Q/Qdot are
                // shared read-only.
                unsafe {
                    backward_worker(s, p, rows, q, qd, &b, 0, lo, hi, barrier, &mut ys, &mut js)
                };
                (ys, js)
            },
        )
    });
    for (ys, js) in parts {
        for i in r0..r1 {
            y[i] += ys[i - r0];
            vjp[i] += js[i - r0];
        }
    }
    if (r1 - r0) % 2 == 1 {
        std::mem::swap(&mut state.e, &mut other_e);
        std::mem::swap(&mut state.ed, &mut other_ed);
    }
}

/// The backward phase of the checkpointed pipeline, in one team of workers: for each
/// segment of `every` rows, from the last, recompute V, Q (and Vdot, Qdot) from the
/// segment's checkpoint into `q_seg` (`qd_seg`), then run the backward recursion over it.
/// Adds y and vjp. With `every` small enough for a segment to stay in cache, this trades
/// a second forward pass for most of the memory traffic of the full tables.
#[allow(clippy::too_many_arguments, clippy::needless_range_loop)]
pub fn segmented_backward<S: Simd, K: Kern>(
    s: S,
    p: &Problem,
    every: usize,
    ck_v: &[f64],
    ck_vd: Option<&[f64]>,
    z: Option<&[f64]>,
    q_full: Option<&[f64]>,
    q_seg: &mut [f64],
    qd_seg: &mut [f64],
    y: &mut [f64],
    vjp: &mut [f64],
    threads: usize,
) {
    let (n, cols) = (p.n(), p.cols);
    match q_full {
        Some(q) => assert!(q.len() >= n * cols && z.is_some() && ck_vd.is_some()),
        None => assert!(q_seg.len() >= every * cols),
    }
    assert!(z.is_none() || qd_seg.len() >= every * cols);
    // Q is only read when it is stored whole.
    let q_full = q_full.map(Shared::from_ref);
    let mut vbuf = alloc(2 * cols, p.poison);
    let mut vdbuf = alloc(if z.is_some() { 2 * cols } else { 0 }, p.poison);
    let mut state = BackState::start(cols, z.is_some(), p.poison);
    let mut other_e = alloc(cols, p.poison);
    let mut other_ed = alloc(if z.is_some() { cols } else { 0 }, p.poison);
    let q = Shared::new(q_seg);
    let qd = Shared::new(qd_seg);
    let f = FwdShared {
        v: Shared::new(&mut vbuf),
        vd: Shared::new(&mut vdbuf),
        q,
        tan: z.map(|z| (z, qd)),
        rolling_q: false,
        rolling_qd: false,
        ck: None,
    };
    let b = BwdShared {
        e: [Shared::new(&mut state.e), Shared::new(&mut other_e)],
        ed: [Shared::new(&mut state.ed), Shared::new(&mut other_ed)],
    };
    let segments = n.div_ceil(every.max(1));
    // The recomputed rows are dealt out in chunks as in `forward_pass`: bitwise the same
    // results as fixed blocks, so whether chunks are used is a matter of speed only.
    let w0 = p.weights.first().copied().unwrap_or(0);
    let chunks = (threads > 1).then(|| RowChunks::new(cols, threads, w0));
    let chunks = chunks.as_ref();
    let parts = run_blocks(cols, threads, |k, lo, hi, barrier| {
        s.vectorize(
            #[inline(always)]
            || {
                let mut ys = vec![0.0; n];
                let mut js = vec![0.0; n];
                let mut half = 0;
                for seg in (0..segments).rev() {
                    let rows = (seg * every, ((seg + 1) * every).min(n));
                    let start = &ck_v[seg * cols..(seg + 1) * cols];
                    let vd_start = ck_vd.map(|c| &c[seg * cols..(seg + 1) * cols]);
                    if let (Some(qf), Some(z), Some(vd_start)) = (q_full, z, vd_start) {
                        // Q is stored: recompute only the local tangent Qdot of the segment.
                        // SAFETY: as below; Q is read-only, Vdot halves alternate, Qdot rows
                        // of the segment are written in own blocks and read after barriers.
                        unsafe {
                            f.vd.get_mut(lo, hi).copy_from_slice(&vd_start[lo..hi]);
                            barrier.wait();
                            for i in rows.0..rows.1 {
                                let (a, b2) = if (i - rows.0) % 2 == 0 {
                                    (0, cols)
                                } else {
                                    (cols, 0)
                                };
                                let row = (i - rows.0) * cols;
                                tangent_row::<S, K>(
                                    s,
                                    &p.params,
                                    f.vd.get(a, a + cols),
                                    qf.get(i * cols + lo, i * cols + hi),
                                    f.vd.get_mut(b2 + lo, b2 + hi),
                                    qd.get_mut(row + lo, row + hi),
                                    lo,
                                    p.weights[i],
                                    z[i],
                                );
                                barrier.wait();
                            }
                            half = backward_worker(
                                s,
                                p,
                                rows,
                                qf.sub(rows.0 * cols, rows.1 * cols),
                                Some(qd),
                                &b,
                                half,
                                lo,
                                hi,
                                barrier,
                                &mut ys[rows.0..rows.1],
                                &mut js[rows.0..rows.1],
                            );
                        }
                        continue;
                    }
                    // SAFETY: every worker runs the same sequence of passes on its own
                    // block; the barriers of each pass separate writes from reads of Q.
                    unsafe {
                        forward_worker::<S, K>(
                            s,
                            p,
                            rows,
                            Some(start),
                            vd_start,
                            &f,
                            (k, lo, hi),
                            chunks,
                            barrier,
                        );
                        half = backward_worker(
                            s,
                            p,
                            rows,
                            q,
                            z.map(|_| qd),
                            &b,
                            half,
                            lo,
                            hi,
                            barrier,
                            &mut ys[rows.0..rows.1],
                            &mut js[rows.0..rows.1],
                        );
                    }
                }
                (ys, js)
            },
        )
    });
    for (ys, js) in parts {
        for i in 0..n {
            y[i] += ys[i];
            vjp[i] += js[i];
        }
    }
}

/// A freshly recomputed segment handed from the recomputing thread to the backward one:
/// its index and its Q (and Qdot) rows.
type Segment<'q> = (usize, &'q mut [f64], &'q mut [f64]);

/// The backward phase of the checkpointed pipeline on two threads, for rows too short to
/// split by capacity blocks: a second thread recomputes the segments (forward and tangent
/// from each segment's checkpoint; segments are independent of one another) from the last
/// to the first, while the calling thread runs the backward recursion over each segment as
/// soon as it is ready. Two segment buffers (`q` and `qd` each hold `2 every` rows) go back
/// and forth; the threads meet once per segment (`every` rows), not once per row, so a
/// briefly descheduled peer costs little. Same kernels and same order of operations as
/// [`segmented_backward`] on one thread: the same results, bit for bit.
#[allow(clippy::too_many_arguments)]
pub fn pipelined_backward<S: Simd, K: Kern>(
    s: S,
    p: &Problem,
    every: usize,
    ck_v: &[f64],
    ck_vd: Option<&[f64]>,
    z: Option<&[f64]>,
    q: &mut [f64],
    qd: &mut [f64],
    y: &mut [f64],
    vjp: &mut [f64],
) {
    use std::sync::mpsc::sync_channel;
    let (n, cols) = (p.n(), p.cols);
    let every = every.max(1);
    let seg = every * cols;
    assert!(q.len() >= 2 * seg && (z.is_none() || qd.len() >= 2 * seg));
    assert!(z.is_none() || ck_vd.is_some());
    let (q_a, q_b) = q.split_at_mut(seg);
    let (qd_a, qd_b): (&mut [f64], &mut [f64]) = if z.is_some() {
        qd.split_at_mut(seg)
    } else {
        (&mut [], &mut [])
    };
    let segments = n.div_ceil(every);
    let rows_of = |k: usize| (k * every, ((k + 1) * every).min(n));
    let (ready_tx, ready_rx) = sync_channel::<Segment>(2);
    let (free_tx, free_rx) = sync_channel::<(&mut [f64], &mut [f64])>(2);
    let _ = free_tx.send((q_a, qd_a));
    let _ = free_tx.send((&mut q_b[..], qd_b));
    let mut state = BackState::start(cols, z.is_some(), p.poison);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for k in (0..segments).rev() {
                let Ok((q, qd)) = free_rx.recv() else { return };
                let start = &ck_v[k * cols..(k + 1) * cols];
                let vd_start = ck_vd.map(|c| &c[k * cols..(k + 1) * cols]);
                let tan = z.map(|z| Tangent { z, qd: &mut *qd });
                forward_pass::<S, K>(s, p, rows_of(k), Some(start), vd_start, q, tan, None, 1);
                if ready_tx.send((k, q, qd)).is_err() {
                    return;
                }
            }
        });
        for want in (0..segments).rev() {
            // A closed channel means the recomputing thread panicked: the scope re-raises it.
            let Ok((k, q, qd)) = ready_rx.recv() else {
                break;
            };
            debug_assert_eq!(k, want);
            let qd_ref = z.map(|_| &qd[..]);
            backward_pass(s, p, rows_of(k), q, qd_ref, &mut state, y, vjp, 1);
            let _ = free_tx.send((q, qd));
        }
        drop(free_tx);
    });
}
