//! The density-greedy family.
//!
//! All functions skip items that do not fit in the remaining budget (so items with
//! `c_e > B` are never selected), break ties by best score and then lowest index, and stop
//! as soon as the best remaining gain is not positive (by submodularity no later gain can be
//! positive either, so this changes no value, only saves queries).
//!
//! | function | guarantee | queries (exact upper bound) |
//! |---|---|---|
//! | [`density_greedy`] | none (see [`density_greedy`]) | `n (n + 1) / 2` |
//! | [`lazy_density_greedy`] | same set as [`density_greedy`] | at most those of [`density_greedy`] |
//! | [`greedy_singleton`] | 0.405 (Tang, Tang, Lan, Chen, Han, Yu, 2021) | those of the lazy greedy |
//! | [`greedy_max`] | 1/2 (Yaroslavtsev, Zhou, Avdiukhin, 2020) | `n (n + 1) / 2` |

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::error::Result;
use super::function::{Counted, Knapsack, SetFunction, Solution};
use super::value::Value;

/// Exact query bound `n (n + 1) / 2` of one greedy run on `n` items.
pub fn greedy_query_bound(n: usize) -> u64 {
    let n = n as u64;
    n * (n + 1) / 2
}

/// A heap entry ordered by density (`gain / cost`), then by lower index.
#[derive(Clone, Debug)]
pub(crate) struct DensityEntry<V> {
    pub(crate) gain: V,
    pub(crate) cost: V,
    pub(crate) idx: usize,
    pub(crate) stamp: usize,
}

impl<V: Value> PartialEq for DensityEntry<V> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<V: Value> Eq for DensityEntry<V> {}
impl<V: Value> PartialOrd for DensityEntry<V> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<V: Value> Ord for DensityEntry<V> {
    fn cmp(&self, other: &Self) -> Ordering {
        V::density_cmp(&self.gain, &self.cost, &other.gain, &other.cost)
            .then_with(|| other.idx.cmp(&self.idx))
    }
}

/// A heap entry ordered by gain, then by lower index.
#[derive(Clone, Debug)]
struct GainEntry<V> {
    gain: V,
    idx: usize,
    stamp: usize,
}

impl<V: Value> PartialEq for GainEntry<V> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<V: Value> Eq for GainEntry<V> {}
impl<V: Value> PartialOrd for GainEntry<V> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<V: Value> Ord for GainEntry<V> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .cmp_value(&other.gain)
            .then_with(|| other.idx.cmp(&self.idx))
    }
}

/// A partial solution: its state, membership, spent budget and selection order.
pub(crate) struct Partial<F: SetFunction> {
    pub(crate) state: F::State,
    pub(crate) chosen: Vec<bool>,
    pub(crate) spent: F::Value,
    pub(crate) order: Vec<usize>,
}

impl<F: SetFunction> Partial<F> {
    pub(crate) fn empty(f: &F) -> Self {
        Partial {
            state: f.empty_state(),
            chosen: vec![false; f.ground_size()],
            spent: F::Value::zero(),
            order: Vec::new(),
        }
    }
    /// The partial solution for `seed`, costing one `state_of` query.
    pub(crate) fn seeded(f: &F, knap: &Knapsack<F::Value>, seed: &[usize]) -> Self {
        let mut chosen = vec![false; f.ground_size()];
        for &e in seed {
            chosen[e] = true;
        }
        Partial {
            state: f.state_of(seed),
            chosen,
            spent: knap.cost_of(seed),
            order: seed.to_vec(),
        }
    }
    fn fits(&self, knap: &Knapsack<F::Value>, e: usize) -> bool {
        self.spent.add(&knap.costs()[e]).le(knap.budget())
    }
    fn take(&mut self, f: &F, knap: &Knapsack<F::Value>, e: usize) {
        f.insert(&mut self.state, e);
        self.chosen[e] = true;
        self.spent = self.spent.add(&knap.costs()[e]);
        self.order.push(e);
    }
}

/// Naive density greedy completion of `p`: every round queries every fitting unchosen item.
pub(crate) fn naive_complete<F: SetFunction>(f: &F, knap: &Knapsack<F::Value>, p: &mut Partial<F>) {
    let n = f.ground_size();
    loop {
        let mut best: Option<(usize, F::Value)> = None;
        for e in 0..n {
            if p.chosen[e] || !p.fits(knap, e) {
                continue;
            }
            let g = f.gain(&p.state, e);
            let better = match &best {
                None => true,
                Some((b, bg)) => {
                    F::Value::density_cmp(&g, &knap.costs()[e], bg, &knap.costs()[*b])
                        == Ordering::Greater
                }
            };
            if better {
                best = Some((e, g));
            }
        }
        match best {
            Some((e, g)) if g.is_positive() => p.take(f, knap, e),
            _ => break,
        }
    }
}

/// Lazy (Minoux) density greedy completion of `p`. Returns the first-round gains
/// `f(e | seed)` of the fitting unchosen items (the singleton values when `p` is empty).
pub(crate) fn lazy_complete<F: SetFunction>(
    f: &F,
    knap: &Knapsack<F::Value>,
    p: &mut Partial<F>,
) -> Vec<Option<F::Value>> {
    let n = f.ground_size();
    let mut first = vec![None; n];
    let mut heap = BinaryHeap::with_capacity(n);
    let mut round = 0usize;
    for e in 0..n {
        if p.chosen[e] || !p.fits(knap, e) {
            continue;
        }
        let g = f.gain(&p.state, e);
        first[e] = Some(g.clone());
        heap.push(DensityEntry {
            gain: g,
            cost: knap.costs()[e].clone(),
            idx: e,
            stamp: round,
        });
    }
    while let Some(top) = heap.pop() {
        let e = top.idx;
        if !p.fits(knap, e) {
            // The residual budget only shrinks: e never fits again.
            continue;
        }
        if top.stamp == round {
            if !top.gain.is_positive() {
                break;
            }
            p.take(f, knap, e);
            round += 1;
        } else {
            let g = f.gain(&p.state, e);
            heap.push(DensityEntry {
                gain: g,
                stamp: round,
                ..top
            });
        }
    }
    first
}

/// Density greedy (naive): repeatedly add the fitting item of largest `f(e | S) / c_e`.
///
/// No constant guarantee: with `B = 1`, an item `a` with `f = 1, c = 1` and an item `b` with
/// `f = 2d, c = d` (additive `f`, `d < 1/2`), greedy takes `b` (density 2) and then cannot
/// afford `a`, so `f(S) / OPT = 2d -> 0`. Queries `<= n (n + 1) / 2`.
pub fn density_greedy<F: SetFunction>(
    f: &F,
    knap: &Knapsack<F::Value>,
) -> Result<Solution<F::Value>> {
    knap.check_len(f.ground_size())?;
    let cf = Counted::new(f);
    let mut p = Partial::empty(&cf);
    naive_complete(&cf, knap, &mut p);
    let v = cf.state_value(&p.state);
    Ok(Solution::finish(&cf, knap, p.order, v))
}

/// Lazy density greedy (Minoux 1978): the same selections as [`density_greedy`], with
/// stale upper bounds kept in a max-heap.
///
/// Returns exactly the set of [`density_greedy`] (for exact value types; in `f64` the two
/// can differ only if rounding breaks the diminishing-returns order of computed gains) with
/// at most as many queries: in each round it re-queries only a subset of the items the naive
/// version queries.
pub fn lazy_density_greedy<F: SetFunction>(
    f: &F,
    knap: &Knapsack<F::Value>,
) -> Result<Solution<F::Value>> {
    knap.check_len(f.ground_size())?;
    let cf = Counted::new(f);
    let mut p = Partial::empty(&cf);
    lazy_complete(&cf, knap, &mut p);
    let v = cf.state_value(&p.state);
    Ok(Solution::finish(&cf, knap, p.order, v))
}

/// Greedy + best singleton ("modified greedy", Khuller-Moss-Naor 1999): the better of the
/// lazy density-greedy set and the best single fitting item (greedy wins ties; the
/// singleton is the lowest index among the best).
///
/// Ratio at least 0.405 (Tang, Tang, Lan, Chen, Han, Yu, "Revisiting modified greedy
/// algorithm for monotone submodular maximization with a knapsack constraint", 2021), and
/// no better than 0.4295 in the worst case. Singleton values are the greedy's first-round
/// gains, so the query count is that of [`lazy_density_greedy`].
pub fn greedy_singleton<F: SetFunction>(
    f: &F,
    knap: &Knapsack<F::Value>,
) -> Result<Solution<F::Value>> {
    knap.check_len(f.ground_size())?;
    let cf = Counted::new(f);
    let mut p = Partial::empty(&cf);
    let singles = lazy_complete(&cf, knap, &mut p);
    let gv = cf.state_value(&p.state);
    let mut best: Option<(usize, F::Value)> = None;
    for (e, s) in singles.into_iter().enumerate() {
        if let Some(s) = s
            && best
                .as_ref()
                .is_none_or(|(_, b)| s.cmp_value(b) == Ordering::Greater)
        {
            best = Some((e, s));
        }
    }
    match best {
        Some((e, s)) if s.cmp_value(&gv) == Ordering::Greater => {
            Ok(Solution::finish(&cf, knap, vec![e], s))
        }
        _ => Ok(Solution::finish(&cf, knap, p.order, gv)),
    }
}

/// Greedy + max (Yaroslavtsev, Zhou, Avdiukhin, "'Bring Your Own Greedy'+Max: Near-Optimal
/// 1/2-Approximations for Submodular Knapsack", AISTATS 2020): along the density-greedy prefixes
/// `G_0 = {}, G_1, ...`, add to each prefix the single fitting item `a_i` of largest
/// `f(G_i + a_i)`, and return the best `G_i + a_i` (the earliest on ties).
///
/// Ratio 1/2. Both the density order and the best-augmentation order are kept in lazy heaps
/// that share one cache of gains per round, so each item is queried at most once per round:
/// queries `<= n (n + 1) / 2`.
pub fn greedy_max<F: SetFunction>(f: &F, knap: &Knapsack<F::Value>) -> Result<Solution<F::Value>> {
    let n = f.ground_size();
    knap.check_len(n)?;
    let cf = Counted::new(f);
    let mut p = Partial::empty(&cf);
    let mut cache: Vec<Option<(usize, F::Value)>> = vec![None; n];
    let fresh = |cache: &mut Vec<Option<(usize, F::Value)>>,
                 p: &Partial<Counted<'_, F>>,
                 e: usize,
                 round: usize|
     -> F::Value {
        if let Some((r, g)) = &cache[e]
            && *r == round
        {
            return g.clone();
        }
        let g = cf.gain(&p.state, e);
        cache[e] = Some((round, g.clone()));
        g
    };
    let mut dheap = BinaryHeap::new();
    let mut gheap = BinaryHeap::new();
    for e in 0..n {
        if !p.fits(knap, e) {
            continue;
        }
        let g = fresh(&mut cache, &p, e, 0);
        dheap.push(DensityEntry {
            gain: g.clone(),
            cost: knap.costs()[e].clone(),
            idx: e,
            stamp: 0,
        });
        gheap.push(GainEntry {
            gain: g,
            idx: e,
            stamp: 0,
        });
    }
    // Best candidate: (value, prefix length, augmenting item).
    let mut best: (F::Value, usize, Option<usize>) = (F::Value::zero(), 0, None);
    let mut round = 0usize;
    loop {
        let fg = cf.state_value(&p.state);
        // Best augmentation of the current prefix.
        let mut aug: Option<(usize, F::Value)> = None;
        while let Some(top) = gheap.pop() {
            let e = top.idx;
            if p.chosen[e] || !p.fits(knap, e) {
                continue;
            }
            if top.stamp == round {
                aug = Some((e, top.gain.clone()));
                // Keep it: it may be the best augmentation of later prefixes too.
                gheap.push(top);
                break;
            }
            let g = fresh(&mut cache, &p, e, round);
            gheap.push(GainEntry {
                gain: g,
                stamp: round,
                ..top
            });
        }
        let (cand_value, cand_item) = match aug {
            Some((e, g)) if g.is_positive() => (fg.add(&g), Some(e)),
            _ => (fg.clone(), None),
        };
        if cand_value.cmp_value(&best.0) == Ordering::Greater {
            best = (cand_value, p.order.len(), cand_item);
        }
        // One density-greedy step.
        let mut next = None;
        while let Some(top) = dheap.pop() {
            let e = top.idx;
            if p.chosen[e] || !p.fits(knap, e) {
                continue;
            }
            if top.stamp == round {
                next = Some((e, top.gain));
                break;
            }
            let g = fresh(&mut cache, &p, e, round);
            dheap.push(DensityEntry {
                gain: g,
                stamp: round,
                ..top
            });
        }
        match next {
            Some((e, g)) if g.is_positive() => {
                p.take(&cf, knap, e);
                round += 1;
            }
            _ => break,
        }
    }
    let (value, len, item) = best;
    let mut set = p.order[..len].to_vec();
    set.extend(item);
    Ok(Solution::finish(&cf, knap, set, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submod::functions::Modular;

    #[test]
    fn heap_entries_are_equal_exactly_when_they_compare_equal() {
        // `Ord` requires `a == b` iff `a.cmp(b) == Equal`; the heaps only call `cmp`.
        let d = |gain: i128, cost: i128, idx| DensityEntry {
            gain,
            cost,
            idx,
            stamp: 0,
        };
        assert!(d(2, 1, 0) == d(4, 2, 0)); // same density, same index
        assert!(d(2, 1, 0) != d(2, 1, 1));
        assert!(d(2, 1, 0) != d(3, 1, 0));
        let g = |gain: i128, idx| GainEntry {
            gain,
            idx,
            stamp: 0,
        };
        assert!(g(2, 0) == g(2, 0));
        assert!(g(2, 0) != g(2, 1));
        assert!(g(2, 0) != g(3, 0));
    }

    #[test]
    fn counterexample_two_items() {
        // B = 1; a: f = 1, c = 1; b: f = 2d, c = d with d = 1/10 (scaled by 10).
        let f = Modular::new(vec![10i128, 2]).unwrap();
        let k = Knapsack::new(vec![10i128, 1], 10).unwrap();
        let g = density_greedy(&f, &k).unwrap();
        assert_eq!(g.set, vec![1]);
        assert_eq!(g.value, 2);
        assert_eq!(greedy_singleton(&f, &k).unwrap().value, 10);
        assert_eq!(greedy_max(&f, &k).unwrap().value, 10);
    }
}
