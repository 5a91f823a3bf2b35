//! Continuous greedy on the multilinear extension, with partial enumeration of the three
//! most valuable items and mean-zero pair rounding.
//!
//! For every feasible seed `G` of exactly `g` items (default `g = 3`; every smaller feasible
//! set is a candidate as it is):
//! 1. keep the residual items `U = { e not in G : c_e <= B - c(G), g f(e | G) <= f(G) }`;
//! 2. continuous greedy for `f(. | G)` on `U` with budget `R = B - c(G)`: `T` steps of length
//!    `1/T`; each step computes `w_e = F(x or e) - F(x)` for `e in U` and moves along the
//!    optimal vertex `v` of the fractional knapsack `max { w . v : c . v <= R, 0 <= v <= 1 }`
//!    (items by density, the last one fractional). `T = floor(L / (eps f(G))) + 1` with
//!    `L = sum_{e in U} f(e | G)` (so `L / T <= eps f(G)`), at most `floor(|U| / (g eps)) + 1`;
//! 3. [`pair_round`] until at most one coordinate is fractional (cost preserved,
//!    `E[F]` does not decrease), then drop that coordinate.
//!
//! **Guarantee** `E[f(S)] >= (1 - 1/e - eps) OPT` with exact `F` and `g >= 3`. Proof sketch,
//! for `G` = the first three items of an optimal set `O*` in greedy order (if `|O*| < 3`,
//! `O*` itself is a candidate): every other `o in O*` has `f(o | G) <= f(G) / 3`, so
//! `O = O* \ G` lies in `U`. Write `F` for the extension of `f(. | G)`, `x_t` for the iterates.
//! (a) `<grad F(x_t), v_t> >= <w, v_t> >= <w, 1_O> >= f(O | G) - F(x_t)` (optimality of `v_t`,
//! `w_e = (1 - x_e) dF/dx_e`, submodularity). (b) `F` is concave along nonnegative directions,
//! so `F(x_{t+1}) - F(x_t) >= (1/T) <grad F(x_{t+1}), v_t>`; the partial derivatives only
//! decrease along the path and `v <= 1`, so summed over all steps the difference between
//! `<grad F(x_t), v_t>` and `<grad F(x_{t+1}), v_t>` is at most `sum_e dF/dx_e(0) = L`.
//! Hence `f(O|G) - F(x_T) <= (1 - 1/T)^T f(O|G) + L / T`, i.e.
//! `F(x_T) >= (1 - 1/e) f(O | G) - eps f(G)`. (c) Rounding keeps `E[F]`; dropping the last
//! fractional item `e*` loses at most `f(e* | G) <= f(G) / 3`. Altogether
//! `E[f(S)] >= f(G) + (1 - 1/e)(OPT - f(G)) - eps f(G) - f(G)/3 >= (1 - 1/e - eps) OPT`
//! because `1/e > 1/3`. (Continuous greedy: Calinescu, Chekuri, Pal, Vondrak 2011; the
//! guessing of large items for knapsacks: Badanidiyuru, Vondrak 2014; Sviridenko 2004.)
//!
//! With an explicit `steps` the step count is fixed instead (no guarantee claimed unless
//! `steps >= L / (eps f(G))` for every seed); `guesses = 0` gives the plain continuous greedy
//! over all items, whose rounding may lose one item (no guarantee claimed).
//!
//! Cost: see [`query_bounds`]: `O(n^5 / eps)` extension evaluations (`C(n, 3)` seeds times
//! `T <= n / (3 eps) + 1` steps times `n + 1` evaluations). This is the classic continuous
//! greedy over three-item seeds, not the `~O(n^2)` Badanidiyuru-Vondrak algorithm (guessed
//! marginal thresholds for the large items, lossless rounding). Requests whose bound exceeds
//! [`MAX_EXTENSION_EVALUATIONS`] are refused.

use std::cmp::Ordering;

use super::enumeration::{for_each_seed, seed_count};
use super::error::{Result, SubmodError};
use super::function::{Counted, Knapsack, SetFunction, Solution};
use super::multilinear::Multilinear;
use super::rounding::{is_fractional, pair_round};
use super::value::{Field, Value};
use crate::rng::Rng;

/// Most extension evaluations a request may need (worst case, estimated before starting).
pub const MAX_EXTENSION_EVALUATIONS: u64 = 20_000_000;

/// Step counts saturate here ([`ContinuousGreedyOptions::max_steps`]).
pub const MAX_STEPS: usize = 1 << 52;

/// Parameters of [`continuous_greedy_with`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ContinuousGreedyOptions {
    /// Target accuracy `eps` in `(0, 1)`.
    pub epsilon: f64,
    /// Seed size `g` (number of guessed high-value items); the guarantee needs `g >= 3`.
    pub guesses: usize,
    /// Fixed number of steps `T`; `None` = the adaptive `T` of the module documentation
    /// (`ceil(1/eps^2)` when `guesses = 0`).
    pub steps: Option<usize>,
}

impl ContinuousGreedyOptions {
    /// The guaranteed configuration: `g = 3`, adaptive `T`.
    pub fn new(epsilon: f64) -> Result<Self> {
        if !(epsilon > 0.0 && epsilon < 1.0) {
            return Err(SubmodError::InvalidParameter {
                name: "epsilon".into(),
                reason: format!("must be in (0, 1), got {epsilon}"),
            });
        }
        Ok(Self {
            epsilon,
            guesses: 3,
            steps: None,
        })
    }

    /// The largest step count any seed can use on `n` items.
    /// Saturates at [`MAX_STEPS`] (a step count that large is refused by the work estimate
    /// long before it could run; the saturation keeps `eps = 1e-19` from overflowing).
    pub fn max_steps(&self, n: usize) -> usize {
        let t = match (self.steps, self.guesses) {
            (Some(t), _) => return t,
            (None, 0) => (1.0 / (self.epsilon * self.epsilon) - 1e-9).ceil(),
            (None, g) => (n as f64 / (g as f64 * self.epsilon)).floor() + 1.0,
        };
        if t >= MAX_STEPS as f64 {
            MAX_STEPS
        } else {
            t.max(1.0) as usize
        }
    }
}

/// Exact upper bounds `(queries, extension_queries)` of [`continuous_greedy_with`]:
/// `N_g (n + 2)` value queries (per seed of size `g`: one `state_of`, at most `n` gains, one
/// value query for the rounded set; one value query per smaller seed) and
/// `N_g T_max (n + 1)` extension evaluations, `N_g = sum_{j <= g} C(n, j)`,
/// `T_max` = [`ContinuousGreedyOptions::max_steps`].
pub fn query_bounds(n: usize, opts: ContinuousGreedyOptions) -> (u64, u64) {
    let seeds = seed_count(n, opts.guesses);
    (
        seeds.saturating_mul(n as u64 + 2),
        seeds
            .saturating_mul(opts.max_steps(n) as u64)
            .saturating_mul(n as u64 + 1),
    )
}

/// [`continuous_greedy_with`] with [`ContinuousGreedyOptions::new`]`(epsilon)`.
pub fn continuous_greedy<F: Multilinear>(
    f: &F,
    knap: &Knapsack<F::Value>,
    epsilon: f64,
    rng: &mut Rng,
) -> Result<Solution<F::Value>> {
    continuous_greedy_with(f, knap, ContinuousGreedyOptions::new(epsilon)?, rng)
}

fn check_options(opts: &ContinuousGreedyOptions) -> Result<()> {
    if !(opts.epsilon > 0.0 && opts.epsilon < 1.0) {
        return Err(SubmodError::InvalidParameter {
            name: "epsilon".into(),
            reason: format!("must be in (0, 1), got {}", opts.epsilon),
        });
    }
    if opts.steps == Some(0) {
        return Err(SubmodError::InvalidParameter {
            name: "steps".into(),
            reason: "must be >= 1".into(),
        });
    }
    Ok(())
}

/// Continuous greedy with guessing and pair rounding (see the module documentation).
pub fn continuous_greedy_with<F: Multilinear>(
    f: &F,
    knap: &Knapsack<F::Value>,
    opts: ContinuousGreedyOptions,
    rng: &mut Rng,
) -> Result<Solution<F::Value>> {
    let n = f.ground_size();
    knap.check_len(n)?;
    check_options(&opts)?;
    f.extension_supported()?;
    let g = opts.guesses;
    let (_, work) = query_bounds(n, opts);
    if work > MAX_EXTENSION_EVALUATIONS {
        return Err(SubmodError::TooLarge(format!(
            "continuous greedy with {g} guesses and eps = {} on n = {n} items needs up to \
             {work} extension evaluations (limit {MAX_EXTENSION_EVALUATIONS})",
            opts.epsilon
        )));
    }
    let cf = Counted::new(f);
    let mut best: Option<(F::Value, Vec<usize>)> = None;
    let mut consider = |v: F::Value, set: Vec<usize>| {
        if best
            .as_ref()
            .is_none_or(|(b, _)| v.cmp_value(b) == Ordering::Greater)
        {
            best = Some((v, set));
        }
    };
    for_each_seed(n, g, |seed| {
        if !knap.is_feasible(seed) {
            return;
        }
        if seed.len() < g {
            consider(cf.value(seed), seed.to_vec());
        } else {
            let mut x = fractional_core(&cf, knap, seed, &opts);
            pair_round(&mut x, knap.costs(), rng);
            let set = integral_part(&x, knap, seed);
            consider(cf.value(&set), set);
        }
    });
    let (v, set) = best.unwrap_or((F::Value::zero(), Vec::new()));
    Ok(Solution::finish(&cf, knap, set, v))
}

/// The fractional point continuous greedy reaches from `seed` (steps 1 and 2 of the module
/// documentation, with the same step count), before rounding: `x_e = 1` on the seed,
/// `c . x <= B`.
///
/// Public so that tests can compute the exact expectation of the rounded outcome.
pub fn fractional_point<F: Multilinear>(
    f: &F,
    knap: &Knapsack<F::Value>,
    seed: &[usize],
    opts: &ContinuousGreedyOptions,
) -> Result<Vec<F::Value>> {
    let n = f.ground_size();
    knap.check_len(n)?;
    check_options(opts)?;
    if seed.iter().any(|&e| e >= n) || !knap.is_feasible(seed) {
        return Err(SubmodError::InvalidParameter {
            name: "seed".into(),
            reason: "must be a feasible set of item indices".into(),
        });
    }
    Ok(fractional_core(f, knap, seed, opts))
}

fn fractional_core<F: Multilinear>(
    cf: &F,
    knap: &Knapsack<F::Value>,
    seed: &[usize],
    opts: &ContinuousGreedyOptions,
) -> Vec<F::Value> {
    let n = cf.ground_size();
    let costs = knap.costs();
    let state = cf.state_of(seed);
    let f_seed = cf.state_value(&state);
    let residual = knap.budget().sub(&knap.cost_of(seed));
    let g = F::Value::from_i64(seed.len() as i64);
    let mut units = Vec::new();
    let mut total_gain = F::Value::zero();
    for e in 0..n {
        if seed.contains(&e) || !costs[e].le(&residual) {
            continue;
        }
        let gain = cf.gain(&state, e);
        if seed.is_empty() || gain.mul(&g).le(&f_seed) {
            total_gain = total_gain.add(&gain);
            units.push(e);
        }
    }
    let steps = match opts.steps {
        Some(t) => t,
        None if seed.is_empty() => opts.max_steps(n),
        None => {
            // T = floor(L / (eps f(G))) + 1 >= L / (eps f(G)), capped by the a-priori bound
            // (L <= |U| f(G) / g) against floating-point noise.
            let denom = opts.epsilon * f_seed.to_f64();
            let t = if denom > 0.0 {
                (total_gain.to_f64() / denom).floor() + 1.0
            } else {
                1.0
            };
            (t.max(1.0) as usize).min(opts.max_steps(n))
        }
    };
    let mut x = vec![F::Value::zero(); n];
    for &e in seed {
        x[e] = F::Value::one();
    }
    let delta = F::Value::from_ratio(1, steps as i64);
    for _ in 0..steps {
        let base = cf.multilinear(&x);
        let mut w: Vec<(usize, F::Value)> = Vec::with_capacity(units.len());
        for &e in &units {
            let mut xe = x.clone();
            xe[e] = F::Value::one();
            w.push((e, cf.multilinear(&xe).sub(&base)));
        }
        w.sort_by(|(a, wa), (b, wb)| {
            F::Value::density_cmp(wb, &costs[*b], wa, &costs[*a]).then(a.cmp(b))
        });
        let mut rem = residual.clone();
        for (e, we) in w {
            if !we.is_positive() {
                break;
            }
            if costs[e].le(&rem) {
                x[e] = x[e].add(&delta);
                rem = rem.sub(&costs[e]);
            } else {
                x[e] = x[e].add(&delta.mul(&rem.div(&costs[e])));
                break;
            }
        }
    }
    x
}

/// The items with `x_e >= 1` after rounding (the single remaining fractional coordinate is
/// dropped). In `f64`, if rounding noise made the set exceed the budget, the costliest
/// non-seed items are removed until it fits (never needed in exact arithmetic).
pub fn integral_part<V: Field>(x: &[V], knap: &Knapsack<V>, keep: &[usize]) -> Vec<usize> {
    let mut set: Vec<usize> = (0..x.len())
        .filter(|&i| !is_fractional(&x[i]) && x[i].is_positive())
        .collect();
    while !knap.is_feasible(&set) {
        let Some(pos) = (0..set.len())
            .filter(|&p| !keep.contains(&set[p]))
            .max_by(|&p, &q| knap.costs()[set[p]].cmp_value(&knap.costs()[set[q]]))
        else {
            break;
        };
        set.remove(pos);
    }
    set
}
