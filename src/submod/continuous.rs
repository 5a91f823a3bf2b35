//! Continuous greedy on the multilinear extension, with partial enumeration of the most
//! valuable items and mean-zero pair rounding.
//!
//! For every feasible seed `G` of exactly `g` items (and every smaller feasible set, which
//! is a candidate as it is):
//! 1. keep the residual items `U = { e not in G : c_e <= B - c(G), g f(e | G) <= f(G) }`
//!    (if `G` is the first `g` items of an optimal solution in greedy order, every other
//!    optimal item is in `U`);
//! 2. continuous greedy for `f(. | G)` on `U` with budget `R = B - c(G)`: `T` steps of length
//!    `1/T`; each step computes `w_e = F(x or e) - F(x)` for `e in U` and moves along the
//!    optimal vertex of the fractional knapsack `max { w . v : c . v <= R, 0 <= v <= 1 }`
//!    (items by density, the last one fractional);
//! 3. [`pair_round`] until at most one coordinate is fractional (cost preserved,
//!    `E[F]` does not decrease), then drop that coordinate, which loses at most
//!    `f(e | G) <= f(G) / g <= OPT / g`.
//!
//! Guarantee (for the guess `G` of the `g` greedy-first optimal items, with exact `F`):
//! `E[f(S)] >= (1 - 1/e - 1/g - disc(T)) OPT`, where `disc(T)` is the discretisation loss of
//! continuous greedy with step `1/T` (it vanishes as `T` grows; Calinescu, Chekuri, Pal,
//! Vondrak 2011; Badanidiyuru, Vondrak 2014). [`ContinuousGreedyOptions::new`] takes
//! `g = ceil(1/eps)` and `T = ceil(1/eps^2)`. With `guesses = 0` it is the plain
//! `O(n^2 / eps^2)`-evaluation continuous greedy whose rounding may lose one item.
//!
//! Cost: `sum_{j <= g} C(n, j)` seeds; per seed of size `g`: `n` gain queries, `T (|U| + 1)`
//! extension evaluations and one value query. Requests over
//! [`MAX_EXTENSION_EVALUATIONS`] are refused.

use std::cmp::Ordering;

use super::enumeration::{for_each_seed, seed_count};
use super::error::{Result, SubmodError};
use super::function::{Counted, Knapsack, SetFunction, Solution};
use super::multilinear::Multilinear;
use super::rng::SplitMix64;
use super::rounding::{is_fractional, pair_round};
use super::value::{Field, Value};

/// Most extension evaluations a request may need (worst case, estimated before starting).
pub const MAX_EXTENSION_EVALUATIONS: u64 = 20_000_000;

/// Parameters of [`continuous_greedy_with`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ContinuousGreedyOptions {
    /// Target accuracy `eps` in `(0, 1)`.
    pub epsilon: f64,
    /// Seed size `g` (number of guessed high-value items).
    pub guesses: usize,
    /// Number of continuous-greedy steps `T`.
    pub steps: usize,
}

impl ContinuousGreedyOptions {
    /// `g = ceil(1/eps)`, `T = ceil(1/eps^2)`.
    pub fn new(epsilon: f64) -> Result<Self> {
        if !(epsilon > 0.0 && epsilon < 1.0) {
            return Err(SubmodError::InvalidParameter {
                name: "epsilon".into(),
                reason: format!("must be in (0, 1), got {epsilon}"),
            });
        }
        let guesses = (1.0 / epsilon - 1e-9).ceil() as usize;
        let steps = (1.0 / (epsilon * epsilon) - 1e-9).ceil() as usize;
        Ok(Self {
            epsilon,
            guesses,
            steps,
        })
    }
}

/// Exact upper bounds `(queries, extension_queries)` of [`continuous_greedy_with`]:
/// `N_g (n + 2)` value queries (per seed of size `g`: one `state_of`, at most `n` gains, one
/// value query for the rounded set; one value query per smaller seed) and `N_g T (n + 1)`
/// extension evaluations, `N_g = sum_{j <= g} C(n, j)`.
pub fn query_bounds(n: usize, opts: ContinuousGreedyOptions) -> (u64, u64) {
    let seeds = seed_count(n, opts.guesses);
    (
        seeds.saturating_mul(n as u64 + 2),
        seeds
            .saturating_mul(opts.steps as u64)
            .saturating_mul(n as u64 + 1),
    )
}

/// [`continuous_greedy_with`] with [`ContinuousGreedyOptions::new`]`(epsilon)`.
pub fn continuous_greedy<F: Multilinear>(
    f: &F,
    knap: &Knapsack<F::Value>,
    epsilon: f64,
    rng: &mut SplitMix64,
) -> Result<Solution<F::Value>> {
    continuous_greedy_with(f, knap, ContinuousGreedyOptions::new(epsilon)?, rng)
}

/// Continuous greedy with guessing and pair rounding (see the module documentation).
pub fn continuous_greedy_with<F: Multilinear>(
    f: &F,
    knap: &Knapsack<F::Value>,
    opts: ContinuousGreedyOptions,
    rng: &mut SplitMix64,
) -> Result<Solution<F::Value>> {
    let n = f.ground_size();
    knap.check_len(n)?;
    if opts.steps == 0 {
        return Err(SubmodError::InvalidParameter {
            name: "steps".into(),
            reason: "must be >= 1".into(),
        });
    }
    f.extension_supported()?;
    let g = opts.guesses;
    let work = seed_count(n, g)
        .saturating_mul(opts.steps as u64)
        .saturating_mul(n as u64 + 1);
    if work > MAX_EXTENSION_EVALUATIONS {
        return Err(SubmodError::TooLarge(format!(
            "continuous greedy with {g} guesses and {} steps on n = {n} items needs up to \
             {work} extension evaluations (limit {MAX_EXTENSION_EVALUATIONS})",
            opts.steps
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
            let (v, set) = from_seed(&cf, knap, seed, opts.steps, rng);
            consider(v, set);
        }
    });
    let (v, set) = best.unwrap_or((F::Value::zero(), Vec::new()));
    Ok(Solution::finish(&cf, knap, set, v))
}

/// Continuous greedy for `f(. | seed)` followed by pair rounding; returns `(f(S), S)`.
fn from_seed<F: Multilinear>(
    cf: &Counted<'_, F>,
    knap: &Knapsack<F::Value>,
    seed: &[usize],
    steps: usize,
    rng: &mut SplitMix64,
) -> (F::Value, Vec<usize>) {
    let mut x = fractional_core(cf, knap, seed, steps);
    pair_round(&mut x, knap.costs(), rng);
    let set = integral_part(&x, knap, seed);
    (cf.value(&set), set)
}

/// The fractional point continuous greedy reaches from `seed` (steps 1 and 2 of the module
/// documentation), before rounding: `x_e = 1` on the seed, `c . x <= B`.
///
/// Public so that tests can compute the exact expectation of the rounded outcome.
pub fn fractional_point<F: Multilinear>(
    f: &F,
    knap: &Knapsack<F::Value>,
    seed: &[usize],
    steps: usize,
) -> Result<Vec<F::Value>> {
    let n = f.ground_size();
    knap.check_len(n)?;
    if steps == 0 {
        return Err(SubmodError::InvalidParameter {
            name: "steps".into(),
            reason: "must be >= 1".into(),
        });
    }
    if seed.iter().any(|&e| e >= n) || !knap.is_feasible(seed) {
        return Err(SubmodError::InvalidParameter {
            name: "seed".into(),
            reason: "must be a feasible set of item indices".into(),
        });
    }
    Ok(fractional_core(f, knap, seed, steps))
}

fn fractional_core<F: Multilinear>(
    cf: &F,
    knap: &Knapsack<F::Value>,
    seed: &[usize],
    steps: usize,
) -> Vec<F::Value> {
    let n = cf.ground_size();
    let costs = knap.costs();
    let state = cf.state_of(seed);
    let f_seed = cf.state_value(&state);
    let residual = knap.budget().sub(&knap.cost_of(seed));
    let g = F::Value::from_i64(seed.len() as i64);
    let mut units = Vec::new();
    for e in 0..n {
        if seed.contains(&e) || !costs[e].le(&residual) {
            continue;
        }
        let gain = cf.gain(&state, e);
        if seed.is_empty() || gain.mul(&g).le(&f_seed) {
            units.push(e);
        }
    }
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
