//! The reference dynamic program: Algorithms 1-4 of SPEC A.3, written once, generic over the
//! number type `T` and the regularizer `R`.
//!
//! Tables are indexed by item row and capacity. Item `i` (0-based) is the paper's item
//! `i + 1`; the choice table row `i` holds Q_{i+1}(c), the marginal table row `i` holds E_i(c).
//! Loops are written with explicit indices, as in the paper's recursions.
#![allow(clippy::needless_range_loop)]

mod table;

pub use table::Table;

use crate::error::{Error, Result};
use crate::instance::Instance;
use crate::num::{Ext, Num, Ordered};
use crate::reg::{Regularizer, smax_ext};
use crate::rng::Rng;

/// Output of Algorithm 1 (forward pass).
#[derive(Debug, Clone, PartialEq)]
pub struct Forward<T> {
    /// V = V_n(C), the smoothed optimum.
    pub value: T,
    /// Choice probabilities: row i is Q_{i+1}(c), c = 0..=C (n rows).
    pub q: Table<T>,
}

/// Output of Algorithm 2 (marginals).
#[derive(Debug, Clone, PartialEq)]
pub struct Marginals<T> {
    /// The relaxed selection y = dV/dtheta.
    pub y: Vec<T>,
    /// Visit probabilities: row i is E_i(c), i = 0..=n (n + 1 rows).
    pub e: Table<T>,
}

/// Output of Algorithm 4 (vector-Jacobian product).
#[derive(Debug, Clone, PartialEq)]
pub struct Vjp<T> {
    /// J^T z = H z, the Hessian of V applied to z.
    pub vjp: Vec<T>,
    /// Vdot_n(C) = <y, z>, the forward tangent's by-product.
    pub y_dot_z: T,
}

/// One draw of Algorithm 3.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The selected items (0/1).
    pub selection: Vec<bool>,
    /// Sum of ln Q or ln(1 - Q) along the path (exact Gibbs log-probability for shannon).
    pub log_prob: f64,
}

/// Algorithm 1: forward values and choice probabilities.
///
/// V_0(c) = 0 for all c (knapsack) or V_0(0) = 0 and -inf elsewhere (exact, top-k); then for
/// each item, `(V_i(c), Q_i(c)) = max_Omega(V_{i-1}(c), V_{i-1}(c - w_i) + theta_i)`.
/// Only two V rows are alive at a time. Exact types get the budget's smaller cell limit, and
/// are checked against its bit-size cap after every row.
pub fn forward<T: Num, R: Regularizer<T>>(
    inst: &Instance<T>,
    reg: R,
    gamma: &T,
) -> Result<Forward<T>> {
    let n = inst.n();
    let cols = inst.capacity() + 1;
    let budget = inst.budget().max_exact_cells;
    if T::IS_EXACT && inst.cells() > budget {
        return Err(Error::TooLarge {
            cells: inst.cells(),
            budget,
        });
    }
    let mut prev: Vec<Ext<T>> = (0..cols)
        .map(|c| {
            if c == 0 || !inst.constraint().is_equality() {
                Ext::Fin(T::zero())
            } else {
                Ext::NegInf
            }
        })
        .collect();
    let mut q = Table::filled(n, cols, T::zero());
    let cap = inst.budget().max_exact_bits;
    for i in 0..n {
        let w = inst.weights()[i];
        let theta = &inst.theta()[i];
        let mut cur = Vec::with_capacity(cols);
        let qrow = q.row_mut(i);
        let mut bits = 0;
        for c in 0..cols {
            let pick = if c >= w {
                prev[c - w].plus(theta)
            } else {
                Ext::NegInf
            };
            let (v, qc) = smax_ext(reg, &prev[c], &pick, gamma);
            if let Ext::Fin(x) = &v {
                bits = bits.max(x.bits());
            }
            bits = bits.max(qc.bits());
            qrow[c] = qc;
            cur.push(v);
        }
        if bits > cap {
            return Err(Error::ExactTooLarge {
                row: i + 1,
                bits,
                cap,
                regularizer: R::KIND,
            });
        }
        prev = cur;
    }
    match prev.pop() {
        Some(Ext::Fin(value)) => Ok(Forward { value, q }),
        _ => Err(Error::Infeasible {
            reason: "the forward pass found no feasible set".into(),
        }),
    }
}

/// Algorithm 2: marginals y and visit probabilities E (the adjoint of V).
///
/// E_n(C) = 1; E_{i-1}(c) = E_i(c)(1 - Q_i(c)) + [c + w_i <= C] E_i(c + w_i) Q_i(c + w_i);
/// y_i = sum_c E_i(c) Q_i(c).
pub fn marginals<T: Num>(inst: &Instance<T>, fwd: &Forward<T>) -> Marginals<T> {
    let n = inst.n();
    let cols = inst.capacity() + 1;
    let mut e = Table::filled(n + 1, cols, T::zero());
    e.row_mut(n)[cols - 1] = T::one();
    let mut y = vec![T::zero(); n];
    for i in (0..n).rev() {
        let w = inst.weights()[i];
        let qrow = fwd.q.row(i);
        let next = e.row(i + 1).to_vec();
        let mut yi = T::zero();
        let cur = e.row_mut(i);
        for c in 0..cols {
            yi = yi + next[c].clone() * qrow[c].clone();
            let mut v = next[c].clone() * (T::one() - qrow[c].clone());
            if c + w < cols {
                v = v + next[c + w].clone() * qrow[c + w].clone();
            }
            cur[c] = v;
        }
        y[i] = yi;
    }
    Marginals { y, e }
}

/// Algorithm 3: one ancestral sample, walking from c = C down the choice table.
///
/// For shannon the returned log-probability is the exact Gibbs log-probability of the set.
pub fn sample<T: Ordered>(inst: &Instance<T>, fwd: &Forward<T>, rng: &mut Rng) -> Sample {
    let n = inst.n();
    let mut c = inst.capacity();
    let mut selection = vec![false; n];
    let mut log_prob = 0.0;
    for i in (0..n).rev() {
        let w = inst.weights()[i];
        if c < w {
            continue;
        }
        let q = fwd.q.get(i, c);
        // Exact comparison for every T: u is a dyadic f64 in [0, 1).
        let u = T::from_f64(rng.uniform());
        if u < *q {
            selection[i] = true;
            log_prob += q.to_f64().ln();
            c -= w;
        } else {
            log_prob += (-q.to_f64()).ln_1p();
        }
    }
    Sample {
        selection,
        log_prob,
    }
}

/// Algorithm 4: the vector-Jacobian product H z (the Jacobian of y is the symmetric Hessian
/// of V, so this is also the JVP).
///
/// Forward tangent Vdot and local tangent Qdot, then the backward tangent Edot:
/// vjp_i = sum_c Edot_i(c) Q_i(c) + E_i(c) Qdot_i(c).
pub fn vjp<T: Num, R: Regularizer<T>>(
    inst: &Instance<T>,
    fwd: &Forward<T>,
    marg: &Marginals<T>,
    reg: R,
    gamma: &T,
    z: &[T],
) -> Result<Vjp<T>> {
    let n = inst.n();
    inst.check_z(z)?;
    let cols = inst.capacity() + 1;
    // Forward tangent and local tangent.
    let mut vdot = vec![T::zero(); cols];
    let mut qdot = Table::filled(n, cols, T::zero());
    for i in 0..n {
        let w = inst.weights()[i];
        let qrow = fwd.q.row(i);
        let mut next = vdot.clone();
        let qd = qdot.row_mut(i);
        for c in w.min(cols)..cols {
            let pick = vdot[c - w].clone() + z[i].clone();
            let qc = &qrow[c];
            qd[c] = reg.dq(qc, gamma) * (pick.clone() - vdot[c].clone());
            next[c] = qc.clone() * pick + (T::one() - qc.clone()) * vdot[c].clone();
        }
        vdot = next;
    }
    // Backward tangent.
    let mut edot = vec![T::zero(); cols];
    let mut out = vec![T::zero(); n];
    for i in (0..n).rev() {
        let w = inst.weights()[i];
        let qrow = fwd.q.row(i);
        let qd = qdot.row(i);
        let e = marg.e.row(i + 1);
        let mut acc = T::zero();
        let mut prev = vec![T::zero(); cols];
        for c in 0..cols {
            acc = acc + edot[c].clone() * qrow[c].clone() + e[c].clone() * qd[c].clone();
            let mut v =
                edot[c].clone() * (T::one() - qrow[c].clone()) - e[c].clone() * qd[c].clone();
            if c + w < cols {
                v = v
                    + edot[c + w].clone() * qrow[c + w].clone()
                    + e[c + w].clone() * qd[c + w].clone();
            }
            prev[c] = v;
        }
        out[i] = acc;
        edot = prev;
    }
    Ok(Vjp {
        vjp: out,
        y_dot_z: vdot[cols - 1].clone(),
    })
}
