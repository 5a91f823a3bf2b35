//! Mean-zero pair rounding, in the two variants of SPEC Part B.
//!
//! * Cost-preserving ([`pair_step`], [`pair_round`]; pipage rounding for a knapsack, used
//!   after continuous greedy).
//! * Mass-preserving ([`mass_step`], [`mass_round`]; Ene-Nguyen's rounding of the fractional
//!   large items, as the authors present it): move mass between the two highest-cost
//!   fractional items, `x' = x + delta (e_1 - e_2)`, `E[delta] = 0`. The total mass is kept,
//!   nothing is dropped, and every outcome `y` has, for every prefix of the items sorted by
//!   cost (decreasing, ties by index), a prefix mass equal to the floor or the ceiling of the
//!   prefix mass `X_k` of `x`; hence `c . y <= sum_k (c_k - c_{k+1}) ceil(X_k)` (Abel
//!   summation), which is `<= c(OPT_1)` on Ene-Nguyen's points (`docs/submodular.md`,
//!   "Ene-Nguyen's rounding").
//!
//! Random choices come from a [`Coin`]: [`crate::rng::Rng`] in normal runs, a scripted source
//! in tests, which can then enumerate every outcome with its exact probability.
//!
//! Cost-preserving variant. For two fractional coordinates `a`, `b` move along `d = e_a / c_a - e_b / c_b`: the cost
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

/// The source of the rounding's random choices.
pub trait Coin<V> {
    /// `true` with probability `p` (`0 <= p <= 1`).
    fn flip(&mut self, p: &V) -> bool;
}

impl<V: Field> Coin<V> for Rng {
    fn flip(&mut self, p: &V) -> bool {
        p.bernoulli(self)
    }
}

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
pub fn pair_round<V: Field, C: Coin<V> + ?Sized>(
    x: &mut Vec<V>,
    costs: &[V],
    coin: &mut C,
) -> usize {
    let mut moves = 0;
    while let Some((a, b)) = pick_pair(x, costs) {
        let step = pair_step(x, costs, a, b);
        *x = if coin.flip(&step.p_up) {
            step.up
        } else {
            step.down
        };
        moves += 1;
    }
    moves
}

/// One mass-preserving move on the fractional coordinates `a != b`: `x' = x + delta (e_a - e_b)`
/// with `delta = +min(1 - x_a, x_b)` (`up`) or `-min(x_a, 1 - x_b)` (`down`), `up` with
/// probability `t_down / (t_up + t_down)`, so `E[delta] = 0`. At each endpoint one of the two
/// coordinates is integral; `x_a + x_b` is unchanged.
pub fn mass_step<V: Field>(x: &[V], a: usize, b: usize) -> PairStep<V> {
    let one = V::one();
    let t_up = one.sub(&x[a]).min_value(x[b].clone());
    let t_down = x[a].clone().min_value(one.sub(&x[b]));
    let mut up = x.to_vec();
    up[a] = x[a].add(&t_up);
    up[b] = x[b].sub(&t_up);
    let mut down = x.to_vec();
    down[a] = x[a].sub(&t_down);
    down[b] = x[b].add(&t_down);
    // Snap the coordinate that reached its endpoint (exact in exact arithmetic; removes
    // rounding noise in f64).
    for y in [&mut up, &mut down] {
        for i in [a, b] {
            if !y[i].is_positive() {
                y[i] = V::zero();
            } else if one.le(&y[i]) {
                y[i] = one.clone();
            }
        }
    }
    if one.sub(&x[a]).le(&x[b]) {
        up[a] = one.clone();
    } else {
        up[b] = V::zero();
    }
    if x[a].le(&one.sub(&x[b])) {
        down[a] = V::zero();
    } else {
        down[b] = one.clone();
    }
    let total = t_up.add(&t_down);
    let p_up = if total.is_positive() {
        t_down.div(&total)
    } else {
        one
    };
    PairStep { up, down, p_up }
}

/// Ene-Nguyen's rounding: [`mass_step`]s on the two highest-cost fractional coordinates
/// ([`pick_pair`]) until at most one is fractional, then that one becomes 1 with probability
/// equal to its value and 0 otherwise. Ends integral, `E[x'] = x`, `E[F(x')] >= F(x)` for
/// the multilinear extension of a submodular `F` (convex along `e_a - e_b`, linear in each
/// coordinate), and the prefix property of the module documentation holds for every
/// outcome. Returns the number of coin flips.
pub fn mass_round<V: Field, C: Coin<V> + ?Sized>(
    x: &mut Vec<V>,
    costs: &[V],
    coin: &mut C,
) -> usize {
    let mut flips = 0;
    while let Some((a, b)) = pick_pair(x, costs) {
        let step = mass_step(x, a, b);
        *x = if coin.flip(&step.p_up) {
            step.up
        } else {
            step.down
        };
        flips += 1;
    }
    if let Some(e) = (0..x.len()).find(|&i| is_fractional(&x[i])) {
        x[e] = if coin.flip(&x[e]) {
            V::one()
        } else {
            V::zero()
        };
        flips += 1;
    }
    flips
}
