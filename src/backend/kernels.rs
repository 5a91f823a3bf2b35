//! Row kernels: one item row of Algorithms 1, 2 and 4 over a block of capacities
//! `lo..hi`, generic over the instruction set [`Simd`] and the regularizer [`Kern`].
//!
//! Within a row every capacity is independent, so a row is a flat loop over vectors of
//! `S::LANES` capacities plus a scalar tail. The regularizer-specific part is only the
//! two-way smoothed max (value and choice) and dq written in q; everything here is
//! written from SPEC A.2-A.3 and shares no code with the reference DP.

use super::math::{exp_nonpos, ln_1p_unit};
use super::simd::{Scalar, Simd};

/// Per-call constants of a regularizer (plain f64; kernels broadcast them).
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// The temperature.
    pub gamma: f64,
    /// 1 / gamma.
    pub inv_g: f64,
    /// 1 / (2 gamma).
    pub inv_2g: f64,
}

impl Params {
    /// Constants for temperature `gamma` (0 for hard: the reciprocals are then unused).
    pub fn new(gamma: f64) -> Self {
        Params {
            gamma,
            inv_g: 1.0 / gamma,
            inv_2g: 1.0 / (2.0 * gamma),
        }
    }
}

/// The regularizer-specific part of the kernels (SPEC A.2).
pub trait Kern: Copy + Send + Sync + 'static {
    /// Whether dq can be non-zero (false for hard: its VJP is zero).
    const SMOOTH: bool;
    /// (max_Omega(s, p), q) lane-wise, where s and p may be -inf: if only p is finite the
    /// result is (p, 1), if only s is finite (s, 0), if neither (-inf, 0). With `finite`
    /// the caller promises that s and p are never both -inf (true of every knapsack row:
    /// V_0 = 0), and the selects for that case are skipped.
    fn smax<S: Simd>(s: S, g: &Params, sv: S::V, pv: S::V, finite: bool) -> (S::V, S::V);
    /// dq / d(p - s) written in q (q in [0, 1]).
    fn dq<S: Simd>(s: S, g: &Params, q: S::V) -> S::V;
}

/// Hard max: q = 1 iff p > s (ties go to skip).
#[derive(Debug, Clone, Copy)]
pub struct KHard;
/// Shannon: the two-way log-sum-exp.
#[derive(Debug, Clone, Copy)]
pub struct KShannon;
/// Gini: H(q) = q(1 - q).
#[derive(Debug, Clone, Copy)]
pub struct KGini;
/// 1.5-Tsallis.
#[derive(Debug, Clone, Copy)]
pub struct KTsallis;

impl Kern for KHard {
    const SMOOTH: bool = false;
    #[inline(always)]
    fn smax<S: Simd>(s: S, _g: &Params, sv: S::V, pv: S::V, _finite: bool) -> (S::V, S::V) {
        let pick = s.lt(sv, pv);
        (
            s.select(pick, pv, sv),
            s.select(pick, s.splat(1.0), s.splat(0.0)),
        )
    }
    #[inline(always)]
    fn dq<S: Simd>(s: S, _g: &Params, _q: S::V) -> S::V {
        s.splat(0.0)
    }
}

impl Kern for KShannon {
    const SMOOTH: bool = true;
    #[inline(always)]
    fn smax<S: Simd>(s: S, g: &Params, sv: S::V, pv: S::V, finite: bool) -> (S::V, S::V) {
        let one = s.splat(1.0);
        let d = s.sub(pv, sv);
        // e = exp(-|d| / gamma) in [0, 1]; -inf (one side infeasible) gives 0.
        let e = exp_nonpos(s, s.mul(s.abs(d), s.splat(-g.inv_g)));
        let big = s.max(sv, pv);
        let (l1p, inv_u) = ln_1p_unit(s, e);
        let v = s.mul_add(s.splat(g.gamma), l1p, big);
        let r = s.mul(e, inv_u); // sigmoid(-|d| / gamma)
        let q = s.select(s.le(s.splat(0.0), d), s.sub(one, r), r);
        if finite {
            return (v, q);
        }
        // Both infeasible: d is NaN; the answer is (-inf, 0).
        let none = s.eq(big, s.splat(f64::NEG_INFINITY));
        (s.select(none, big, v), s.select(none, s.splat(0.0), q))
    }
    #[inline(always)]
    fn dq<S: Simd>(s: S, g: &Params, q: S::V) -> S::V {
        s.mul(s.mul(q, s.sub(s.splat(1.0), q)), s.splat(g.inv_g))
    }
}

impl Kern for KGini {
    const SMOOTH: bool = true;
    #[inline(always)]
    fn smax<S: Simd>(s: S, g: &Params, sv: S::V, pv: S::V, finite: bool) -> (S::V, S::V) {
        let d = s.sub(pv, sv);
        let gv = s.splat(g.gamma);
        let half = s.splat(0.5);
        // q = 1/2 + t, t = d / (2 gamma); v = ((s + p)/2 + gamma/4) + d^2 / (4 gamma), in
        // this order and with a true division: near ties at small gamma the choice is
        // ill-conditioned (rounding of V is amplified by 1/gamma), so the specification's
        // rounding sequence for q keeps every backend on the same answer. The last term is
        // computed as (d t) / 2: in the interior |d| < gamma, so |d t| < gamma / 2 never
        // overflows, where d^2 does for gamma above 1e154 (it differs from d^2 / (4 gamma)
        // by an ulp of a term at most gamma / 4).
        let t = s.div(d, s.splat(2.0 * g.gamma));
        let qi = s.add(half, t);
        let vi = s.add(
            s.add(s.mul(s.add(sv, pv), half), s.splat(0.25 * g.gamma)),
            s.mul(s.mul(d, t), half),
        );
        let pick = s.le(gv, d);
        let skip = s.le(d, s.splat(-g.gamma));
        let v = s.select(pick, pv, s.select(skip, sv, vi));
        let q = s.select(pick, s.splat(1.0), s.select(skip, s.splat(0.0), qi));
        if finite {
            return (v, q);
        }
        let big = s.max(sv, pv);
        let none = s.eq(big, s.splat(f64::NEG_INFINITY));
        (s.select(none, big, v), s.select(none, s.splat(0.0), q))
    }
    #[inline(always)]
    fn dq<S: Simd>(s: S, g: &Params, q: S::V) -> S::V {
        let zero = s.splat(0.0);
        // 0 < q < 1  <=>  q (1 - q) > 0 for q in [0, 1].
        let interior = s.lt(zero, s.mul(q, s.sub(s.splat(1.0), q)));
        s.select(interior, s.splat(g.inv_2g), zero)
    }
}

impl Kern for KTsallis {
    const SMOOTH: bool = true;
    #[inline(always)]
    fn smax<S: Simd>(s: S, g: &Params, sv: S::V, pv: S::V, finite: bool) -> (S::V, S::V) {
        let one = s.splat(1.0);
        let d = s.sub(pv, sv);
        let c = s.mul(d, s.splat(g.inv_2g));
        let r2 = s.sub(s.splat(2.0), s.mul(c, c)); // 2 - c^2, in [1, 2] inside
        let r = s.sqrt(s.max(r2, one));
        let vi = s.mul_add(
            s.splat(g.gamma / 3.0),
            s.sub(s.splat(4.0), s.mul(r2, r)),
            s.mul(s.add(sv, pv), s.splat(0.5)),
        );
        // The smaller of q, 1 - q: (1 - c^2)^2 / (2 (1 + |c| r)), cancellation-free.
        let om = s.mul(s.sub(one, c), s.add(one, c));
        let small = s.div(
            s.mul(om, om),
            s.mul(s.splat(2.0), s.mul_add(s.abs(c), r, one)),
        );
        let qi = s.select(s.le(s.splat(0.0), c), s.sub(one, small), small);
        let pick = s.le(one, c);
        let skip = s.le(c, s.splat(-1.0));
        let v = s.select(pick, pv, s.select(skip, sv, vi));
        let q = s.select(pick, one, s.select(skip, s.splat(0.0), qi));
        if finite {
            return (v, q);
        }
        let big = s.max(sv, pv);
        let none = s.eq(big, s.splat(f64::NEG_INFINITY));
        (s.select(none, big, v), s.select(none, s.splat(0.0), q))
    }
    #[inline(always)]
    fn dq<S: Simd>(s: S, g: &Params, q: S::V) -> S::V {
        // sqrt(q) sqrt(1-q) / (gamma (sqrt q + sqrt(1-q))): 0 at q = 0 and q = 1.
        let a = s.sqrt(q);
        let b = s.sqrt(s.sub(s.splat(1.0), q));
        s.div(s.mul(a, b), s.mul(s.splat(g.gamma), s.add(a, b)))
    }
}

/// What a forward row writes besides V_i, and what it may assume.
#[derive(Debug, Clone, Copy)]
pub struct RowOut {
    /// V rows are never -inf on both sides of a choice (knapsack: V_0 = 0); see
    /// [`Kern::smax`].
    pub finite: bool,
    /// Write Q_i (false when nothing reads it: a rolling row in a checkpointing pass).
    pub q: bool,
    /// Write Qdot_i (same; only with a tangent).
    pub qd: bool,
}

/// Algorithm 1, one row over capacities `lo..lo + cur.len()`: `prev` is the whole row
/// V_{i-1}; `cur` and `q` are the block of V_i and Q_i (Q_i written if `out.q`).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn forward_row<S: Simd, K: Kern>(
    s: S,
    g: &Params,
    prev: &[f64],
    cur: &mut [f64],
    q: &mut [f64],
    lo: usize,
    w: usize,
    theta: f64,
    out: RowOut,
) {
    let hi = lo + cur.len();
    let q = &mut q[..cur.len()];
    // Below the weight only "skip" is possible: V_i(c) = V_{i-1}(c), Q = 0.
    let a_end = w.clamp(lo, hi);
    cur[..a_end - lo].copy_from_slice(&prev[lo..a_end]);
    if out.q {
        q[..a_end - lo].fill(0.0);
    }
    let l = S::LANES;
    let th = s.splat(theta);
    let mut c = a_end;
    while c + l <= hi {
        let sv = s.load(&prev[c..]);
        let pv = s.add(s.load(&prev[c - w..]), th);
        let (v, qq) = K::smax(s, g, sv, pv, out.finite);
        s.store(&mut cur[c - lo..], v);
        if out.q {
            s.store(&mut q[c - lo..], qq);
        }
        c += l;
    }
    while c < hi {
        let (v, qq) = K::smax(Scalar, g, prev[c], prev[c - w] + theta, out.finite);
        cur[c - lo] = v;
        if out.q {
            q[c - lo] = qq;
        }
        c += 1;
    }
}

/// Algorithm 1 and the forward tangent of Algorithm 4 in one sweep over capacities
/// `lo..lo + cur.len()`: [`forward_row`] then [`tangent_row`] lane by lane, with the same
/// operations on every lane (so bitwise the same results as the two calls), but Q_i is
/// used while in registers instead of stored and read back, and the row is walked once.
/// Q_i and Qdot_i are written as `out` says.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn forward_tangent_row<S: Simd, K: Kern>(
    s: S,
    g: &Params,
    (prev, cur, q): (&[f64], &mut [f64], &mut [f64]),
    (vd_prev, vd, qd): (&[f64], &mut [f64], &mut [f64]),
    lo: usize,
    w: usize,
    (theta, z): (f64, f64),
    out: RowOut,
) {
    let len = cur.len();
    let hi = lo + len;
    let (q, vd, qd) = (&mut q[..len], &mut vd[..len], &mut qd[..len]);
    let a_end = w.clamp(lo, hi);
    cur[..a_end - lo].copy_from_slice(&prev[lo..a_end]);
    vd[..a_end - lo].copy_from_slice(&vd_prev[lo..a_end]);
    if out.q {
        q[..a_end - lo].fill(0.0);
    }
    if out.qd {
        qd[..a_end - lo].fill(0.0);
    }
    let l = S::LANES;
    let th = s.splat(theta);
    let zv = s.splat(z);
    let mut c = a_end;
    while c + l <= hi {
        let sv = s.load(&prev[c..]);
        let pv = s.add(s.load(&prev[c - w..]), th);
        let (v, qq) = K::smax(s, g, sv, pv, out.finite);
        s.store(&mut cur[c - lo..], v);
        let skip = s.load(&vd_prev[c..]);
        let diff = s.sub(s.add(s.load(&vd_prev[c - w..]), zv), skip);
        s.store(&mut vd[c - lo..], s.mul_add(qq, diff, skip));
        if out.q {
            s.store(&mut q[c - lo..], qq);
        }
        if out.qd {
            s.store(&mut qd[c - lo..], s.mul(K::dq(s, g, qq), diff));
        }
        c += l;
    }
    while c < hi {
        let (v, qq) = K::smax(Scalar, g, prev[c], prev[c - w] + theta, out.finite);
        cur[c - lo] = v;
        let skip = vd_prev[c];
        let diff = vd_prev[c - w] + z - skip;
        vd[c - lo] = qq * diff + skip;
        if out.q {
            q[c - lo] = qq;
        }
        if out.qd {
            qd[c - lo] = K::dq(Scalar, g, qq) * diff;
        }
        c += 1;
    }
}

/// Algorithm 4, forward tangent, one row over capacities `lo..lo + vd.len()`:
/// `vd_prev` is the whole row Vdot_{i-1}; `q` the block of Q_i; writes the blocks of
/// Vdot_i and Qdot_i.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn tangent_row<S: Simd, K: Kern>(
    s: S,
    g: &Params,
    vd_prev: &[f64],
    q: &[f64],
    vd: &mut [f64],
    qd: &mut [f64],
    lo: usize,
    w: usize,
    z: f64,
) {
    let hi = lo + vd.len();
    let q = &q[..vd.len()];
    let qd = &mut qd[..vd.len()];
    let a_end = w.clamp(lo, hi);
    vd[..a_end - lo].copy_from_slice(&vd_prev[lo..a_end]);
    qd[..a_end - lo].fill(0.0);
    let l = S::LANES;
    let zv = s.splat(z);
    let mut c = a_end;
    while c + l <= hi {
        let skip = s.load(&vd_prev[c..]);
        let diff = s.sub(s.add(s.load(&vd_prev[c - w..]), zv), skip);
        let qq = s.load(&q[c - lo..]);
        s.store(&mut vd[c - lo..], s.mul_add(qq, diff, skip));
        s.store(&mut qd[c - lo..], s.mul(K::dq(s, g, qq), diff));
        c += l;
    }
    while c < hi {
        let skip = vd_prev[c];
        let diff = vd_prev[c - w] + z - skip;
        let qq = q[c - lo];
        vd[c - lo] = qq * diff + skip;
        qd[c - lo] = K::dq(Scalar, g, qq) * diff;
        c += 1;
    }
}

/// Algorithms 2 and 4 (backward), one row over capacities `lo..lo + e.len()`.
///
/// Reads whole rows E_i, Q_i (and Edot_i, Qdot_i if `TAN`), writes the blocks of E_{i-1}
/// (and Edot_{i-1}); returns the block's parts of y_i = sum E_i Q_i and
/// vjp_i = sum Edot_i Q_i + E_i Qdot_i.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn backward_row<S: Simd, const TAN: bool>(
    s: S,
    e_next: &[f64],
    q: &[f64],
    ed_next: &[f64],
    qd: &[f64],
    e: &mut [f64],
    ed: &mut [f64],
    lo: usize,
    w: usize,
) -> (f64, f64) {
    let cols = e_next.len();
    let hi = lo + e.len();
    // Capacities c with c + w <= C also receive the "pick" flow from c + w.
    let b_end = cols.saturating_sub(w).clamp(lo, hi);
    let l = S::LANES;
    let one = s.splat(1.0);
    let mut ysum = s.splat(0.0);
    let mut jsum = s.splat(0.0);
    let mut c = lo;
    while c + l <= b_end {
        let en = s.load(&e_next[c..]);
        let qv = s.load(&q[c..]);
        let enw = s.load(&e_next[c + w..]);
        let qw = s.load(&q[c + w..]);
        ysum = s.mul_add(en, qv, ysum);
        s.store(
            &mut e[c - lo..],
            s.mul_add(enw, qw, s.mul(en, s.sub(one, qv))),
        );
        if TAN {
            let edn = s.load(&ed_next[c..]);
            let qdv = s.load(&qd[c..]);
            let ednw = s.load(&ed_next[c + w..]);
            let qdw = s.load(&qd[c + w..]);
            jsum = s.mul_add(edn, qv, s.mul_add(en, qdv, jsum));
            let own = s.sub(s.mul(edn, s.sub(one, qv)), s.mul(en, qdv));
            let pick = s.mul_add(ednw, qw, s.mul(enw, qdw));
            s.store(&mut ed[c - lo..], s.add(own, pick));
        }
        c += l;
    }
    let mut ys = 0.0;
    let mut js = 0.0;
    while c < b_end {
        let (en, qv) = (e_next[c], q[c]);
        ys += en * qv;
        e[c - lo] = e_next[c + w] * q[c + w] + en * (1.0 - qv);
        if TAN {
            let (edn, qdv) = (ed_next[c], qd[c]);
            js += edn * qv + en * qdv;
            ed[c - lo] = (edn * (1.0 - qv) - en * qdv)
                + (ed_next[c + w] * q[c + w] + e_next[c + w] * qd[c + w]);
        }
        c += 1;
    }
    while c + l <= hi {
        let en = s.load(&e_next[c..]);
        let qv = s.load(&q[c..]);
        ysum = s.mul_add(en, qv, ysum);
        s.store(&mut e[c - lo..], s.mul(en, s.sub(one, qv)));
        if TAN {
            let edn = s.load(&ed_next[c..]);
            let qdv = s.load(&qd[c..]);
            jsum = s.mul_add(edn, qv, s.mul_add(en, qdv, jsum));
            s.store(
                &mut ed[c - lo..],
                s.sub(s.mul(edn, s.sub(one, qv)), s.mul(en, qdv)),
            );
        }
        c += l;
    }
    while c < hi {
        let (en, qv) = (e_next[c], q[c]);
        ys += en * qv;
        e[c - lo] = en * (1.0 - qv);
        if TAN {
            let (edn, qdv) = (ed_next[c], qd[c]);
            js += edn * qv + en * qdv;
            ed[c - lo] = edn * (1.0 - qv) - en * qdv;
        }
        c += 1;
    }
    (ys + s.reduce_add(ysum), js + s.reduce_add(jsum))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn row(rng: &mut Rng, cols: usize, scale: f64) -> Vec<f64> {
        (0..cols)
            .map(|_| scale * (2.0 * rng.uniform() - 1.0))
            .collect()
    }

    /// The fused forward-tangent row against `forward_row` then `tangent_row`, bitwise, on
    /// blocks that start anywhere relative to the weight; and `finite` against the general
    /// selects on finite rows.
    fn fused_is_the_two_kernels<S: Simd, K: Kern>(s: S) {
        let mut rng = Rng::seed(7);
        let g = Params::new(0.7);
        let cols = 203;
        let all = RowOut {
            finite: false,
            q: true,
            qd: true,
        };
        for w in [0, 1, 5, 8, 17, 202, 203] {
            for (lo, hi) in [(0, cols), (40, 150), (3, 11), (150, 203)] {
                let prev = row(&mut rng, cols, 3.0);
                let vd_prev = row(&mut rng, cols, 1.0);
                let (theta, z) = (0.4, -0.3);
                let len = hi - lo;
                let (mut cur, mut q) = (vec![0.0; len], vec![0.0; len]);
                let (mut vd, mut qd) = (vec![0.0; len], vec![0.0; len]);
                let (mut cur2, mut q2) = (vec![0.0; len], vec![0.0; len]);
                let (mut vd2, mut qd2) = (vec![0.0; len], vec![0.0; len]);
                let (mut cur3, mut q3) = (vec![0.0; len], vec![9.0; len]);
                s.vectorize(|| {
                    forward_row::<S, K>(s, &g, &prev, &mut cur, &mut q, lo, w, theta, all);
                    tangent_row::<S, K>(s, &g, &vd_prev, &q, &mut vd, &mut qd, lo, w, z);
                    forward_tangent_row::<S, K>(
                        s,
                        &g,
                        (&prev, &mut cur2, &mut q2),
                        (&vd_prev, &mut vd2, &mut qd2),
                        lo,
                        w,
                        (theta, z),
                        all,
                    );
                    let finite_no_q = RowOut {
                        finite: true,
                        q: false,
                        qd: false,
                    };
                    forward_row::<S, K>(
                        s,
                        &g,
                        &prev,
                        &mut cur3,
                        &mut q3,
                        lo,
                        w,
                        theta,
                        finite_no_q,
                    );
                });
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&cur), bits(&cur2), "V, w {w}, block {lo}..{hi}");
                assert_eq!(bits(&q), bits(&q2), "Q, w {w}, block {lo}..{hi}");
                assert_eq!(bits(&vd), bits(&vd2), "Vdot, w {w}, block {lo}..{hi}");
                assert_eq!(bits(&qd), bits(&qd2), "Qdot, w {w}, block {lo}..{hi}");
                assert_eq!(bits(&cur), bits(&cur3), "finite V, w {w}, block {lo}..{hi}");
                assert!(q3.iter().all(|&x| x == 9.0), "Q written with out.q false");
            }
        }
    }

    fn every_kern<S: Simd>(s: S) {
        fused_is_the_two_kernels::<S, KHard>(s);
        fused_is_the_two_kernels::<S, KShannon>(s);
        fused_is_the_two_kernels::<S, KGini>(s);
        fused_is_the_two_kernels::<S, KTsallis>(s);
    }

    #[test]
    fn fused_forward_tangent_row_is_bitwise_the_two_row_kernels() {
        every_kern(Scalar);
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(s) = super::super::simd::Avx2::new() {
                every_kern(s);
            }
            if let Some(s) = super::super::simd::Avx512::new() {
                every_kern(s);
            }
        }
    }
}
