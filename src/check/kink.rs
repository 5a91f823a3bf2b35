//! Gini kinks of the exact DP, and the VJPs an `f64` run may legitimately return there.
//!
//! Where a cell sits exactly on |p - s| = gamma, q is exactly 0 or 1 and the SPEC's
//! convention takes q' = 0 there (A.2), as every path of this crate does. An `f64` run
//! computes p - s from rounded values of V, so it may see the same cell an ulp inside
//! (q an ulp from 0 or 1, q' = 1 / (2 gamma)): it then returns the exact VJP of the other
//! side of that cell, correctly for the rounded input, and no `f64` code can avoid that in
//! general (the V values are not representable). [`gini_kinks`] finds those cells in exact
//! arithmetic and gives the exact VJP of every choice of side, so that a check can demand
//! that the `f64` VJP be one of them instead of skipping it.
#![allow(clippy::needless_range_loop)]

use crate::dp;
use crate::error::Result;
use crate::instance::Instance;
use crate::num::Num;
use crate::num::rational::Rational;
use crate::reg::{Gini, Regularizer};
use num_traits::Signed;

/// The most kink cells whose choices of side [`gini_kinks`] enumerates (2^8 exact VJPs).
pub const GINI_KINK_MAX_CELLS: usize = 8;

/// The kink cells of an exact gini instance that the VJP along `z` sees, and the exact VJP
/// of every choice of side at them.
#[derive(Debug, Clone, PartialEq)]
pub struct GiniKinks {
    /// The cells `(item, capacity)`, 0-based, where both options are feasible, |p - s| equals
    /// gamma exactly, the state is visited (E != 0, reading E after the item) and the local
    /// tangent's multiplier Vdot(c - w) - Vdot(c) + z_i is not 0: exactly the cells where
    /// q' = 0 or q' = 1 / (2 gamma) changes the VJP.
    pub cells: Vec<(usize, usize)>,
    /// The exact VJP for each subset of `cells` taken from the inside (q' = 1 / (2 gamma)):
    /// entry `m` takes cell `j` from the inside iff bit `j` of `m` is set, so entry 0 is the
    /// SPEC's convention (q' = 0 at every kink). Only entry 0 when there are more than
    /// [`GINI_KINK_MAX_CELLS`] cells (see `complete`).
    pub sides: Vec<Vec<Rational>>,
    /// Whether `sides` lists every choice (false past [`GINI_KINK_MAX_CELLS`] cells).
    pub complete: bool,
}

/// Finds the gini kink cells of `inst` that the VJP along `z` sees, and computes the exact VJP
/// of every choice of side there. Algorithm 4 (SPEC A.3) is written out here again, with the
/// choice per cell, rather than taken from `dp::vjp` (whose answer `sides[0]` must equal,
/// which the checks assert); Q and E come from `dp::forward` and `dp::marginals`.
///
/// Errors: those of the exact forward pass (bit or cell budget, infeasible instance).
pub fn gini_kinks(
    inst: &Instance<Rational>,
    gamma: &Rational,
    z: &[Rational],
) -> Result<GiniKinks> {
    inst.check_z(z)?;
    let fwd = dp::forward(inst, Gini, gamma)?;
    let marg = dp::marginals(inst, &fwd);
    let n = inst.n();
    let cols = inst.capacity() + 1;
    let zero = Rational::zero();
    // V (None: infeasible state) and the forward tangent Vdot, row by row; the local
    // tangent's multiplier of every cell where the item fits.
    let mut v: Vec<Option<Rational>> = (0..cols)
        .map(|c| (c == 0 || !inst.constraint().is_equality()).then(Rational::zero))
        .collect();
    let mut vdot = vec![zero.clone(); cols];
    let mut mult = vec![vec![zero.clone(); cols]; n];
    let mut cells = Vec::new();
    for i in 0..n {
        let w = inst.weights()[i];
        let theta = &inst.theta()[i];
        let mut next_v = v.clone();
        let mut next_vdot = vdot.clone();
        for c in 0..cols {
            let q = fwd.q.get(i, c);
            let pick = if c >= w {
                v[c - w].as_ref().map(|x| x + theta)
            } else {
                None
            };
            if c >= w {
                mult[i][c] = &vdot[c - w] - &vdot[c] + &z[i];
                next_vdot[c] = q * (&vdot[c - w] + &z[i]) + (Rational::one() - q) * &vdot[c];
            }
            next_v[c] = match (&v[c], pick) {
                (Some(s), Some(p)) => {
                    if (&p - s).abs() == *gamma
                        && *marg.e.get(i + 1, c) != zero
                        && mult[i][c] != zero
                    {
                        cells.push((i, c));
                    }
                    Some(Gini.smax(s, &p, gamma).0)
                }
                (None, Some(p)) => Some(p),
                (s, None) => s.clone(),
            };
        }
        v = next_v;
        vdot = next_vdot;
    }
    let complete = cells.len() <= GINI_KINK_MAX_CELLS;
    let count = if complete { 1usize << cells.len() } else { 1 };
    let inside_dq = Rational::one() / (Rational::from_i64(2) * gamma);
    let sides = (0..count)
        .map(|m| {
            // Qdot for this choice of sides; then the backward tangent and the VJP.
            let qdot: Vec<Vec<Rational>> = (0..n)
                .map(|i| {
                    (0..cols)
                        .map(|c| {
                            let inside = cells
                                .iter()
                                .position(|&cell| cell == (i, c))
                                .is_some_and(|j| m >> j & 1 == 1);
                            let dq = if inside {
                                inside_dq.clone()
                            } else {
                                Gini.dq(fwd.q.get(i, c), gamma)
                            };
                            dq * &mult[i][c]
                        })
                        .collect()
                })
                .collect();
            let mut edot = vec![zero.clone(); cols];
            let mut out = vec![zero.clone(); n];
            for i in (0..n).rev() {
                let w = inst.weights()[i];
                let (q, e) = (fwd.q.row(i), marg.e.row(i + 1));
                let mut prev = vec![zero.clone(); cols];
                for c in 0..cols {
                    out[i] += &edot[c] * &q[c] + &e[c] * &qdot[i][c];
                    prev[c] = &edot[c] * (Rational::one() - &q[c]) - &e[c] * &qdot[i][c];
                    if c + w < cols {
                        prev[c] += &edot[c + w] * &q[c + w] + &e[c + w] * &qdot[i][c + w];
                    }
                }
                edot = prev;
            }
            out
        })
        .collect();
    Ok(GiniKinks {
        cells,
        sides,
        complete,
    })
}
