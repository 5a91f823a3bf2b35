//! Mean-zero pair rounding (the rounding step of pipage rounding and of Ene-Nguyen).
//!
//! For two fractional coordinates `a`, `b` move along `d = e_a / c_a - e_b / c_b`: the cost
//! `c . x` does not change. Going from `x` to `x + t d`, the feasible `t` form an interval
//! `[-t_down, t_up]` with
//! `t_up = min((1 - x_a) c_a, x_b c_b)` and `t_down = min(x_a c_a, (1 - x_b) c_b)`; at each
//! endpoint one of the two coordinates is integral. Going up with probability
//! `p_up = t_down / (t_up + t_down)` makes `E[t] = 0`, so `E[x'] = x`. Along `d` the
//! multilinear extension has second derivative
//! `-(2 / (c_a c_b)) d^2 F / (dx_a dx_b) >= 0` (it is linear in each coordinate, and mixed
//! second derivatives of the extension of a submodular function are `<= 0`), so `F` is convex
//! along `d` and `E[F(x')] >= F(x)`.

use super::value::Field;
use crate::rng::Rng;

/// Both outcomes of one pair-rounding move and the probability of the first.
#[derive(Clone, Debug, PartialEq)]
pub struct PairStep<V> {
    /// The point after moving by `+t_up` along `d`.
    pub up: Vec<V>,
    /// The point after moving by `-t_down` along `d`.
    pub down: Vec<V>,
    /// Probability of `up`: `t_down / (t_up + t_down)`.
    pub p_up: V,
}

/// `0 < v < 1`.
pub fn is_fractional<V: Field>(v: &V) -> bool {
    v.is_positive() && !V::one().le(v)
}

/// One mean-zero move on the fractional coordinates `a != b` of `x` (costs `> 0`).
pub fn pair_step<V: Field>(x: &[V], costs: &[V], a: usize, b: usize) -> PairStep<V> {
    let one = V::one();
    let (xa, xb, ca, cb) = (&x[a], &x[b], &costs[a], &costs[b]);
    let up_a = one.sub(xa).mul(ca); // x_a reaches 1
    let up_b = xb.mul(cb); // x_b reaches 0
    let down_a = xa.mul(ca); // x_a reaches 0
    let down_b = one.sub(xb).mul(cb); // x_b reaches 1
    let mut up = x.to_vec();
    let t_up = if up_a.le(&up_b) {
        up[a] = one.clone();
        up[b] = xb.sub(&up_a.div(cb));
        up_a
    } else {
        up[b] = V::zero();
        up[a] = xa.add(&up_b.div(ca));
        up_b
    };
    let mut down = x.to_vec();
    let t_down = if down_a.le(&down_b) {
        down[a] = V::zero();
        down[b] = xb.add(&down_a.div(cb));
        down_a
    } else {
        down[b] = one.clone();
        down[a] = xa.sub(&down_b.div(ca));
        down_b
    };
    let total = t_up.add(&t_down);
    let p_up = if total.is_positive() {
        t_down.div(&total)
    } else {
        one
    };
    PairStep { up, down, p_up }
}

/// The two highest-cost fractional coordinates (ties: lower index first), if there are two.
pub fn pick_pair<V: Field>(x: &[V], costs: &[V]) -> Option<(usize, usize)> {
    let mut frac: Vec<usize> = (0..x.len()).filter(|&i| is_fractional(&x[i])).collect();
    if frac.len() < 2 {
        return None;
    }
    frac.sort_by(|&i, &j| costs[j].cmp_value(&costs[i]).then(i.cmp(&j)));
    Some((frac[0], frac[1]))
}

/// Round `x` by repeated [`pair_step`]s on the two highest-cost fractional coordinates until
/// at most one coordinate is fractional. Returns the number of moves (`<=` the initial
/// number of fractional coordinates minus one). `c . x` is preserved (exactly in exact
/// arithmetic) and `E[x'] = x`.
pub fn pair_round<V: Field>(x: &mut Vec<V>, costs: &[V], rng: &mut Rng) -> usize {
    let mut moves = 0;
    while let Some((a, b)) = pick_pair(x, costs) {
        let step = pair_step(x, costs, a, b);
        *x = if step.p_up.bernoulli(rng) {
            step.up
        } else {
            step.down
        };
        moves += 1;
    }
    moves
}
