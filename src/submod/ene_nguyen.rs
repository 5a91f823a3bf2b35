//! Ene and Nguyen, "A nearly-linear time algorithm for submodular maximization with a
//! knapsack constraint" (ICALP 2019), as an exhaustive reference (SPEC B.1).
//!
//! Budget normalised to 1. `P = ceil(1/eps)` continuous-greedy steps of length `1/P`; in each:
//! * `t` "large value" picks (`t = ceil(1/eps^3)` by default): the algorithm guesses
//!   `v ~ F(x or 1_{o_i}) - F(x)` and takes the cheapest item (ties: lowest index) whose
//!   marginal `F(x or 1_e) - F(x)` is at least `v`, then `x_e += 1/P` (capped at 1).
//!   **Guesses enumerated:** all values of `v` at once. As `v` decreases the chosen item
//!   changes only at the marginal values of the cost-Pareto frontier (items sorted by
//!   marginal, decreasing, keeping each that is strictly cheaper than all before it), so the
//!   search branches on exactly those items, plus "no item" (a guess above every marginal).
//!   Every possible guess is covered, with no discretisation.
//! * one "small value" phase: guess `w ~ F(x or 1_{OPT_2}) - F(x)` and run density greedy
//!   on the marginals of `F` over the cheap items (`c_e <= eps^2`, see below), stopping when
//!   the gain reaches about `eps w`. **Guesses enumerated:** every stopping point, i.e.
//!   every prefix of that greedy run (each is the outcome of some `w`).
//!
//! At each leaf the fractional (large) coordinates are rounded by [`mass_round`] as the
//! authors present it: mass moves between the two costliest fractional items
//! (`x' = x + delta (e_1 - e_2)`, `E[delta] = 0`), the total mass is kept and nothing is
//! dropped (a last fractional coordinate becomes 1 with probability equal to its value). On
//! the branch whose guesses are right, every outcome costs at most `c(OPT_1)` on the large
//! items (the argument is in `docs/submodular.md`), so the leaf stays feasible; on other
//! branches an outcome over the budget loses its costliest items until it fits
//! ([`integral_part`]). Each rounded leaf is scored with one value query; the best is
//! returned. The leaves are rounded independently ([`round_leaf`]), so the expected value of
//! the answer is `E[max over leaves]`, which tests compute exactly from [`ene_nguyen_leaves`].
//!
//! Deviations, stated plainly: the paper's small-item threshold is `eps^2 (1 - c(OPT_1))`;
//! `c(OPT_1)` is not among the guesses, so we use `eps^2` (of the normalised budget) and
//! compare in `f64`. Cost pruning keeps `c . x <= 1` on every branch. Identical fractional
//! points at the same depth are explored once.
//!
//! Sizes it can run: the tree has up to `(k + 1)^{t P} (m + 1)^P` leaves for frontier sizes
//! `k` and greedy lengths `m`; the search aborts with [`SubmodError::TooLarge`] after
//! `max_nodes` nodes. With the faithful `t = ceil(1/eps^3)` (`eps = 1/2`: `t = 8`, `P = 2`)
//! only a handful of items fit in the default budget; the `large_guesses` option runs the
//! same search with a smaller `t`, for which the `1 - 1/e - eps` guarantee is **not** proven.

use std::collections::HashSet;

use super::continuous::integral_part;
use super::error::{Result, SubmodError};
use super::function::{Counted, Knapsack, SetFunction, Solution};
use super::multilinear::Multilinear;
use super::rounding::{Coin, mass_round};
use super::value::{Field, Value};

/// Deepest search allowed (`P (t + 1)` levels; the recursion depth).
pub const MAX_LEVELS: usize = 2_000;

/// Parameters of [`ene_nguyen_with`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EneNguyenOptions {
    /// Accuracy `eps` in `(0, 1)`.
    pub epsilon: f64,
    /// Large-value picks per step `t` (faithful: `ceil(1/eps^3)`).
    pub large_guesses: usize,
    /// Abort after exploring this many search nodes.
    pub max_nodes: u64,
}

impl EneNguyenOptions {
    /// Default node budget.
    pub const DEFAULT_MAX_NODES: u64 = 200_000;

    /// Faithful parameters: `t = ceil(1/eps^3)`.
    pub fn new(epsilon: f64) -> Result<Self> {
        if !(epsilon > 0.0 && epsilon < 1.0) {
            return Err(SubmodError::InvalidParameter {
                name: "epsilon".into(),
                reason: format!("must be in (0, 1), got {epsilon}"),
            });
        }
        let large_guesses = (1.0 / (epsilon * epsilon * epsilon) - 1e-9).ceil() as usize;
        Ok(Self {
            epsilon,
            large_guesses,
            max_nodes: Self::DEFAULT_MAX_NODES,
        })
    }
}

/// [`ene_nguyen_with`] with the faithful [`EneNguyenOptions::new`]`(epsilon)`.
pub fn ene_nguyen<F: Multilinear, C: Coin<F::Value> + ?Sized>(
    f: &F,
    knap: &Knapsack<F::Value>,
    epsilon: f64,
    coin: &mut C,
) -> Result<Solution<F::Value>> {
    ene_nguyen_with(f, knap, EneNguyenOptions::new(epsilon)?, coin)
}

/// Round one leaf point `x` of the search ([`mass_round`]) and return its integral set,
/// repaired to fit the budget if needed ([`integral_part`]).
pub fn round_leaf<V: Field, C: Coin<V> + ?Sized>(
    x: &[V],
    knap: &Knapsack<V>,
    coin: &mut C,
) -> Vec<usize> {
    let mut y = x.to_vec();
    mass_round(&mut y, knap.costs(), coin);
    integral_part(&y, knap, &[])
}

struct Search<'c, F: Multilinear> {
    cf: &'c F,
    knap: &'c Knapsack<F::Value>,
    small: Vec<bool>,
    step: F::Value,
    t: usize,
    levels: usize,
    nodes: u64,
    max_nodes: u64,
    seen: HashSet<String>,
    leaf: &'c mut dyn FnMut(Vec<F::Value>),
}

impl<F: Multilinear> Search<'_, F> {
    fn visit(&mut self, level: usize, x: Vec<F::Value>, spent: F::Value) -> Result<()> {
        self.nodes += 1;
        if self.nodes > self.max_nodes {
            return Err(SubmodError::TooLarge(format!(
                "Ene-Nguyen search exceeded {} nodes (n = {}, t = {}); use a larger epsilon \
                 or fewer large guesses",
                self.max_nodes,
                x.len(),
                self.t
            )));
        }
        if !self.seen.insert(format!("{level}:{x:?}")) {
            return Ok(());
        }
        if level == self.levels {
            (self.leaf)(x);
            return Ok(());
        }
        let n = x.len();
        let costs = self.knap.costs().to_vec();
        let budget = self.knap.budget().clone();
        let one = F::Value::one();
        if level % (self.t + 1) < self.t {
            // Large-value pick: branch on the cost-Pareto frontier of marginals.
            let base = self.cf.multilinear(&x);
            let mut cands: Vec<(usize, F::Value, F::Value)> = Vec::new();
            for e in 0..n {
                if one.le(&x[e]) {
                    continue;
                }
                let inc = self.step.clone().min_value(one.sub(&x[e]));
                let extra = costs[e].mul(&inc);
                if !spent.add(&extra).le(&budget) {
                    continue;
                }
                let mut xe = x.clone();
                xe[e] = one.clone();
                let m = self.cf.multilinear(&xe).sub(&base);
                if m.is_positive() {
                    cands.push((e, m, inc));
                }
            }
            cands.sort_by(|a, b| b.1.cmp_value(&a.1).then(a.0.cmp(&b.0)));
            let mut frontier: Vec<(usize, F::Value)> = Vec::new();
            // Cheapest (then lowest-index) item among all with marginal >= the current level.
            let mut cheapest: Option<(usize, F::Value)> = None;
            let mut i = 0;
            while i < cands.len() {
                let mut j = i;
                while j < cands.len() && cands[j].1 == cands[i].1 {
                    let (c, _, inc) = &cands[j];
                    let better = cheapest.as_ref().is_none_or(|(b, _)| {
                        costs[*c].cmp_value(&costs[*b]).then(c.cmp(b)).is_lt()
                    });
                    if better {
                        cheapest = Some((*c, inc.clone()));
                    }
                    j += 1;
                }
                if let Some((pick, inc)) = &cheapest
                    && frontier.last().is_none_or(|(p, _)| p != pick)
                {
                    frontier.push((*pick, inc.clone()));
                }
                i = j;
            }
            for (e, inc) in frontier {
                let mut y = x.clone();
                y[e] = y[e].add(&inc);
                let s = spent.add(&costs[e].mul(&inc));
                self.visit(level + 1, y, s)?;
            }
            self.visit(level + 1, x, spent)
        } else {
            // Small-value phase: density greedy on F over cheap items; branch on prefixes.
            let mut y = x.clone();
            let mut s = spent.clone();
            let mut prefixes = vec![(y.clone(), s.clone())];
            loop {
                let base = self.cf.multilinear(&y);
                let mut best: Option<(usize, F::Value)> = None;
                for e in 0..n {
                    if !self.small[e] || x[e].is_positive() || y[e].is_positive() {
                        continue;
                    }
                    if !s.add(&costs[e]).le(&budget) {
                        continue;
                    }
                    let mut ye = y.clone();
                    ye[e] = one.clone();
                    let g = self.cf.multilinear(&ye).sub(&base);
                    if best.as_ref().is_none_or(|(b, bg)| {
                        F::Value::density_cmp(&g, &costs[e], bg, &costs[*b])
                            == std::cmp::Ordering::Greater
                    }) {
                        best = Some((e, g));
                    }
                }
                match best {
                    Some((e, g)) if g.is_positive() => {
                        y[e] = one.clone();
                        s = s.add(&costs[e]);
                        prefixes.push((y.clone(), s.clone()));
                    }
                    _ => break,
                }
            }
            for (y, s) in prefixes {
                self.visit(level + 1, y, s)?;
            }
            Ok(())
        }
    }
}

/// The Ene-Nguyen search described in the module documentation.
///
/// Queries: every extension evaluation is counted (each costs `O(1)` value queries for
/// `O_eps(1)` fractional coordinates in the paper's accounting; here the closed form is used),
/// plus one value query per leaf.
pub fn ene_nguyen_with<F: Multilinear, C: Coin<F::Value> + ?Sized>(
    f: &F,
    knap: &Knapsack<F::Value>,
    opts: EneNguyenOptions,
    coin: &mut C,
) -> Result<Solution<F::Value>> {
    let cf = Counted::new(f);
    let mut best: Option<(F::Value, Vec<usize>)> = None;
    let mut leaf = |x: Vec<F::Value>| {
        let set = round_leaf(&x, knap, coin);
        let v = cf.value(&set);
        if best
            .as_ref()
            .is_none_or(|(b, _)| v.cmp_value(b) == std::cmp::Ordering::Greater)
        {
            best = Some((v, set));
        }
    };
    search(&cf, knap, opts, &mut leaf)?;
    let (v, set) = best.unwrap_or((F::Value::zero(), Vec::new()));
    Ok(Solution::finish(&cf, knap, set, v))
}

/// The fractional points at the leaves of the search of [`ene_nguyen_with`], before rounding,
/// in the order the search reaches them (each distinct point once per leaf level).
///
/// [`ene_nguyen_with`] returns the best of [`round_leaf`] over these points, each rounded
/// with fresh random choices; tests use this to compute the exact expected value.
pub fn ene_nguyen_leaves<F: Multilinear>(
    f: &F,
    knap: &Knapsack<F::Value>,
    opts: EneNguyenOptions,
) -> Result<Vec<Vec<F::Value>>> {
    let mut out = Vec::new();
    search(f, knap, opts, &mut |x| out.push(x))?;
    Ok(out)
}

fn search<F: Multilinear>(
    cf: &F,
    knap: &Knapsack<F::Value>,
    opts: EneNguyenOptions,
    leaf: &mut dyn FnMut(Vec<F::Value>),
) -> Result<()> {
    let n = cf.ground_size();
    knap.check_len(n)?;
    if !(opts.epsilon > 0.0 && opts.epsilon < 1.0) {
        return Err(SubmodError::InvalidParameter {
            name: "epsilon".into(),
            reason: format!("must be in (0, 1), got {}", opts.epsilon),
        });
    }
    cf.extension_supported()?;
    let p = (1.0 / opts.epsilon - 1e-9).ceil() as usize;
    let levels = opts
        .large_guesses
        .checked_add(1)
        .and_then(|t1| t1.checked_mul(p))
        .filter(|&l| l <= MAX_LEVELS)
        .ok_or_else(|| {
            SubmodError::TooLarge(format!(
                "Ene-Nguyen with eps = {} and t = {} needs {p} x (t + 1) search levels \
                 (limit {MAX_LEVELS})",
                opts.epsilon, opts.large_guesses
            ))
        })?;
    let bound = search_bound(knap, opts)?;
    if bound.nodes > opts.max_nodes {
        return Err(SubmodError::Limit {
            limit: "max_nodes".into(),
            what: format!(
                "Ene-Nguyen search nodes with eps = {} and t = {} on n = {n} items",
                opts.epsilon, opts.large_guesses
            ),
            estimate: bound.nodes,
            budget: opts.max_nodes,
            how_to_raise: "raise it with --max-nodes (library: EneNguyenOptions::max_nodes), \
                           or use a larger epsilon, fewer large guesses or fewer items"
                .into(),
        });
    }
    let b = knap.budget().to_f64();
    let small_limit = opts.epsilon * opts.epsilon * b;
    let small = knap
        .costs()
        .iter()
        .map(|c| c.to_f64() <= small_limit)
        .collect();
    let mut search = Search {
        cf,
        knap,
        small,
        step: F::Value::from_ratio(1, p as i64),
        t: opts.large_guesses,
        levels,
        nodes: 0,
        max_nodes: opts.max_nodes,
        seen: HashSet::new(),
        leaf,
    };
    search.visit(0, vec![F::Value::zero(); n], F::Value::zero())
}

/// Worst-case size of the Ene-Nguyen search, computed before it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchBound {
    /// Search nodes (visits, including repeated points), upper bound.
    pub nodes: u64,
    /// Extension evaluations, upper bound.
    pub extension_evaluations: u64,
    /// Value queries (one per leaf), upper bound.
    pub queries: u64,
}

/// An upper bound on the nodes, extension evaluations and value queries of the search of
/// [`ene_nguyen_with`].
///
/// With `P = ceil(1/eps)` steps, `L = P (t + 1)` levels, a level has at most
/// `min(S, b_1 ... b_l)` distinct points, where `b` is the branching of each level (`k + 1`
/// at a large-value level: the frontier, among the `k` items whose step `c_e / P` fits in
/// `B`, plus "no item"; `m + 1` at a small-value level, `m` the longest greedy run over the
/// cheap items) and `S = sum_{j <= J} C(k, j) P^j` bounds the points with at most
/// `J = min(k, floor(B P / c_min))` positive coordinates, each a multiple of `1/P` (a
/// positive coordinate costs at least `c_min / P`). The visits of a level are at
/// most its parent points times the branching. A large-value node makes at most `n + 1`
/// extension evaluations, a small-value node at most `(m + 1)(n + 1)`.
pub fn search_bound<V: Field>(knap: &Knapsack<V>, opts: EneNguyenOptions) -> Result<SearchBound> {
    let n = knap.len();
    if !(opts.epsilon > 0.0 && opts.epsilon < 1.0) {
        return Err(SubmodError::InvalidParameter {
            name: "epsilon".into(),
            reason: format!("must be in (0, 1), got {}", opts.epsilon),
        });
    }
    let p = (1.0 / opts.epsilon - 1e-9).ceil();
    let t = opts.large_guesses as f64;
    let levels = p * (t + 1.0);
    if levels > MAX_LEVELS as f64 {
        return Err(SubmodError::TooLarge(format!(
            "Ene-Nguyen with eps = {} and t = {} needs {p} x (t + 1) search levels \
             (limit {MAX_LEVELS}); use a larger epsilon or fewer large guesses",
            opts.epsilon, opts.large_guesses
        )));
    }
    let (p, levels) = (p as u64, levels as usize);
    let b = knap.budget().to_f64();
    let costs: Vec<f64> = knap.costs().iter().map(Value::to_f64).collect();
    // Only items whose step of 1/P fits can ever be positive.
    let pickable: Vec<f64> = costs
        .iter()
        .copied()
        .filter(|&c| c / p as f64 <= b * (1.0 + 1e-9))
        .collect();
    let n_pick = pickable.len();
    let c_min = pickable.iter().copied().fold(f64::INFINITY, f64::min);
    let j_max = if n_pick == 0 || c_min <= 0.0 {
        0
    } else {
        ((b * p as f64 / c_min + 1e-9).floor().min(n_pick as f64)) as usize
    };
    // S = sum_{j <= J} C(n, j) P^j, in f64 (rounded up by 1%), saturating to u64.
    let mut points = 0.0f64;
    let mut term = 1.0f64;
    for j in 0..=j_max {
        points += term;
        term = term * (n_pick - j) as f64 / (j as f64 + 1.0) * p as f64;
    }
    let points = if points * 1.01 >= u64::MAX as f64 {
        u64::MAX
    } else {
        (points * 1.01).ceil() as u64
    };
    let small_limit = opts.epsilon * opts.epsilon * b;
    let small: Vec<f64> = costs
        .iter()
        .copied()
        .filter(|&c| c <= small_limit)
        .collect();
    let small_min = small.iter().copied().fold(f64::INFINITY, f64::min);
    let m = if small.is_empty() {
        0
    } else {
        ((b / small_min + 1e-9).floor().min(small.len() as f64)) as u64
    };
    let n1 = n as u64 + 1;
    let pick1 = n_pick as u64 + 1;
    let t1 = opts.large_guesses + 1;
    let mut nodes: u64 = 1;
    let mut evals: u64 = 0;
    let mut distinct: u64 = 1;
    for level in 0..levels {
        let large = level % t1 < opts.large_guesses;
        let (branch, per_node) = if large {
            (pick1, n1)
        } else {
            (m + 1, (m + 1).saturating_mul(n1))
        };
        evals = evals.saturating_add(distinct.saturating_mul(per_node));
        let visits = distinct.saturating_mul(branch);
        nodes = nodes.saturating_add(visits);
        distinct = visits.min(points);
    }
    Ok(SearchBound {
        nodes,
        extension_evaluations: evals,
        queries: distinct,
    })
}
