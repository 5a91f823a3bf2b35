//! Concrete monotone submodular functions.
//!
//! | type | `f(S)` |
//! |---|---|
//! | [`WeightedCoverage`] | `sum of w_u over atoms u covered by some set of S` |
//! | [`FacilityLocation`] | `sum over customers j of max over i in S of v_ij` (0 for empty S) |
//! | [`ConcaveOverModular`] | `sum over features g of phi(sum over i in S of w_ig)`, `phi` in {sqrt, log1p, min(cap, .)} |
//! | [`BudgetAdditive`] | `min(cap, sum over i in S of w_i)` |
//! | [`BipartiteInfluence`] | `sum over targets u of w_u (1 - prod over i in S of (1 - p_iu))` |
//! | [`ExplicitTable`] | a table of all `2^n` values |
//!
//! Constructors validate their data (no negative weights, no NaN, consistent lengths)
//! and return [`SubmodError::InvalidFunction`] naming the offending field.

use super::error::{Result, SubmodError};
use super::function::SetFunction;
use super::value::{Field, Value};

fn bad(field: impl Into<String>, reason: impl Into<String>) -> SubmodError {
    SubmodError::InvalidFunction {
        field: field.into(),
        reason: reason.into(),
    }
}

fn check_nonneg<V: Value>(field: &str, v: &V) -> Result<()> {
    if !V::is_exact() && !v.to_f64().is_finite() {
        return Err(bad(field, "must be finite"));
    }
    if v.is_negative() {
        return Err(bad(field, "must be >= 0"));
    }
    Ok(())
}

/// Weighted coverage: item `i` covers the atoms `sets[i]`; `f(S)` is the total weight of
/// covered atoms.
#[derive(Clone, Debug)]
pub struct WeightedCoverage<V> {
    sets: Vec<Vec<usize>>,
    atom_weights: Vec<V>,
    covering: Vec<Vec<usize>>,
}

/// Incremental state of [`WeightedCoverage`]: covered atoms and the covered weight.
#[derive(Clone, Debug)]
pub struct CoverageState<V> {
    covered: Vec<bool>,
    value: V,
}

impl<V: Value> WeightedCoverage<V> {
    /// Build from the atom lists of each item (duplicates are ignored) and nonnegative atom
    /// weights.
    pub fn new(sets: Vec<Vec<usize>>, atom_weights: Vec<V>) -> Result<Self> {
        for (u, w) in atom_weights.iter().enumerate() {
            check_nonneg(&format!("atom_weights[{u}]"), w)?;
        }
        let m = atom_weights.len();
        let mut covering = vec![Vec::new(); m];
        let mut clean = Vec::with_capacity(sets.len());
        for (i, s) in sets.into_iter().enumerate() {
            let mut s = s;
            s.sort_unstable();
            s.dedup();
            if let Some(&a) = s.iter().find(|&&a| a >= m) {
                return Err(bad(
                    format!("sets[{i}]"),
                    format!("atom {a} out of range (atom_weights has length {m})"),
                ));
            }
            for &a in &s {
                covering[a].push(i);
            }
            clean.push(s);
        }
        Ok(Self {
            sets: clean,
            atom_weights,
            covering,
        })
    }
    /// Atoms of each item.
    pub fn sets(&self) -> &[Vec<usize>] {
        &self.sets
    }
    /// Atom weights.
    pub fn atom_weights(&self) -> &[V] {
        &self.atom_weights
    }
    /// For each atom, the items covering it.
    pub fn covering(&self) -> &[Vec<usize>] {
        &self.covering
    }
}

impl<V: Value> SetFunction for WeightedCoverage<V> {
    type Value = V;
    type State = CoverageState<V>;
    fn ground_size(&self) -> usize {
        self.sets.len()
    }
    fn query_work(&self) -> u64 {
        1 + self.sets.iter().map(Vec::len).max().unwrap_or(0) as u64
    }
    fn empty_state(&self) -> Self::State {
        CoverageState {
            covered: vec![false; self.atom_weights.len()],
            value: V::zero(),
        }
    }
    fn state_value(&self, state: &Self::State) -> V {
        state.value.clone()
    }
    fn gain(&self, state: &Self::State, e: usize) -> V {
        let mut g = V::zero();
        for &a in &self.sets[e] {
            if !state.covered[a] {
                g = g.add(&self.atom_weights[a]);
            }
        }
        g
    }
    fn insert(&self, state: &mut Self::State, e: usize) {
        for &a in &self.sets[e] {
            if !state.covered[a] {
                state.covered[a] = true;
                state.value = state.value.add(&self.atom_weights[a]);
            }
        }
    }
}

/// Facility location: `values[i][j] >= 0` is the benefit of item `i` to customer `j`;
/// `f(S) = sum_j max_{i in S} values[i][j]`.
#[derive(Clone, Debug)]
pub struct FacilityLocation<V> {
    values: Vec<Vec<V>>,
    customers: usize,
}

/// Incremental state of [`FacilityLocation`]: each customer's best value so far.
#[derive(Clone, Debug)]
pub struct FacilityState<V> {
    best: Vec<V>,
    value: V,
}

impl<V: Value> FacilityLocation<V> {
    /// Build from an `n x m` matrix of nonnegative values (all rows of equal length).
    pub fn new(values: Vec<Vec<V>>) -> Result<Self> {
        let customers = values.first().map_or(0, Vec::len);
        for (i, row) in values.iter().enumerate() {
            if row.len() != customers {
                return Err(bad(
                    format!("values[{i}]"),
                    format!(
                        "has length {}, expected {customers} (rows must agree)",
                        row.len()
                    ),
                ));
            }
            for (j, v) in row.iter().enumerate() {
                check_nonneg(&format!("values[{i}][{j}]"), v)?;
            }
        }
        Ok(Self { values, customers })
    }
    /// The value matrix (items x customers).
    pub fn values(&self) -> &[Vec<V>] {
        &self.values
    }
    /// Number of customers.
    pub fn customers(&self) -> usize {
        self.customers
    }
}

impl<V: Value> SetFunction for FacilityLocation<V> {
    type Value = V;
    type State = FacilityState<V>;
    fn ground_size(&self) -> usize {
        self.values.len()
    }
    fn query_work(&self) -> u64 {
        1 + self.customers as u64
    }
    fn empty_state(&self) -> Self::State {
        FacilityState {
            best: vec![V::zero(); self.customers],
            value: V::zero(),
        }
    }
    fn state_value(&self, state: &Self::State) -> V {
        state.value.clone()
    }
    fn gain(&self, state: &Self::State, e: usize) -> V {
        let mut g = V::zero();
        for (v, b) in self.values[e].iter().zip(&state.best) {
            if v.gt(b) {
                g = g.add(&v.sub(b));
            }
        }
        g
    }
    fn insert(&self, state: &mut Self::State, e: usize) {
        let g = self.gain(state, e);
        for (v, b) in self.values[e].iter().zip(state.best.iter_mut()) {
            if v.gt(b) {
                *b = v.clone();
            }
        }
        state.value = state.value.add(&g);
    }
}

/// The concave function of a [`ConcaveOverModular`] function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Concave {
    /// `sqrt(t)`.
    Sqrt,
    /// `ln(1 + t)`.
    Log1p,
    /// `min(cap, t)`.
    Min(u64),
}

impl Concave {
    /// `phi(t)`.
    pub fn apply(self, t: u64) -> f64 {
        match self {
            Concave::Sqrt => (t as f64).sqrt(),
            Concave::Log1p => (t as f64).ln_1p(),
            Concave::Min(cap) => t.min(cap) as f64,
        }
    }
}

/// Concave over modular with integer weights:
/// `f(S) = sum_g phi(sum_{i in S} weights[i][g])` (values in `f64`).
#[derive(Clone, Debug)]
pub struct ConcaveOverModular {
    weights: Vec<Vec<u64>>,
    features: usize,
    concave: Concave,
}

/// Incremental state of [`ConcaveOverModular`] and [`BudgetAdditive`]: membership and sums.
#[derive(Clone, Debug)]
pub struct SumState<S, V> {
    members: Vec<bool>,
    sums: S,
    value: V,
}

impl ConcaveOverModular {
    /// Build from an `n x g` matrix of integer weights (rows of equal length, every
    /// feature total below `2^53` so sums are exact in `f64`).
    pub fn new(weights: Vec<Vec<u64>>, concave: Concave) -> Result<Self> {
        let features = weights.first().map_or(0, Vec::len);
        let mut totals = vec![0u64; features];
        for (i, row) in weights.iter().enumerate() {
            if row.len() != features {
                return Err(bad(
                    format!("weights[{i}]"),
                    format!(
                        "has length {}, expected {features} (rows must agree)",
                        row.len()
                    ),
                ));
            }
            for (t, w) in totals.iter_mut().zip(row) {
                *t = t.saturating_add(*w);
            }
        }
        if totals.iter().any(|&t| t >= 1u64 << 53) {
            return Err(bad("weights", "feature totals must be below 2^53"));
        }
        Ok(Self {
            weights,
            features,
            concave,
        })
    }
    /// Weights (items x features).
    pub fn weights(&self) -> &[Vec<u64>] {
        &self.weights
    }
    /// The concave function.
    pub fn concave(&self) -> Concave {
        self.concave
    }
    /// Number of features.
    pub fn features(&self) -> usize {
        self.features
    }
}

impl SetFunction for ConcaveOverModular {
    type Value = f64;
    type State = SumState<Vec<u64>, f64>;
    fn ground_size(&self) -> usize {
        self.weights.len()
    }
    fn query_work(&self) -> u64 {
        1 + self.features as u64
    }
    fn empty_state(&self) -> Self::State {
        SumState {
            members: vec![false; self.weights.len()],
            sums: vec![0; self.features],
            value: 0.0,
        }
    }
    fn state_value(&self, state: &Self::State) -> f64 {
        state.value
    }
    fn gain(&self, state: &Self::State, e: usize) -> f64 {
        if state.members[e] {
            return 0.0;
        }
        let phi = self.concave;
        self.weights[e]
            .iter()
            .zip(&state.sums)
            .map(|(&w, &s)| phi.apply(s + w) - phi.apply(s))
            .sum()
    }
    fn insert(&self, state: &mut Self::State, e: usize) {
        if state.members[e] {
            return;
        }
        state.members[e] = true;
        for (s, &w) in state.sums.iter_mut().zip(&self.weights[e]) {
            *s += w;
        }
        state.value = state.sums.iter().map(|&s| self.concave.apply(s)).sum();
    }
}

/// Budget-additive: `f(S) = min(cap, sum_{i in S} weights[i])` with nonnegative weights.
#[derive(Clone, Debug)]
pub struct BudgetAdditive<V> {
    weights: Vec<V>,
    cap: V,
}

impl<V: Value> BudgetAdditive<V> {
    /// Build from nonnegative weights and a nonnegative cap.
    pub fn new(weights: Vec<V>, cap: V) -> Result<Self> {
        for (i, w) in weights.iter().enumerate() {
            check_nonneg(&format!("weights[{i}]"), w)?;
        }
        check_nonneg("cap", &cap)?;
        Ok(Self { weights, cap })
    }
    /// Item weights.
    pub fn weights(&self) -> &[V] {
        &self.weights
    }
    /// The cap.
    pub fn cap(&self) -> &V {
        &self.cap
    }
}

impl<V: Value> SetFunction for BudgetAdditive<V> {
    type Value = V;
    type State = SumState<V, V>;
    fn ground_size(&self) -> usize {
        self.weights.len()
    }
    fn empty_state(&self) -> Self::State {
        SumState {
            members: vec![false; self.weights.len()],
            sums: V::zero(),
            value: V::zero(),
        }
    }
    fn state_value(&self, state: &Self::State) -> V {
        state.value.clone()
    }
    fn gain(&self, state: &Self::State, e: usize) -> V {
        if state.members[e] {
            return V::zero();
        }
        let after = state.sums.add(&self.weights[e]).min_value(self.cap.clone());
        after.sub(&state.value)
    }
    fn insert(&self, state: &mut Self::State, e: usize) {
        if state.members[e] {
            return;
        }
        state.members[e] = true;
        state.sums = state.sums.add(&self.weights[e]);
        state.value = state.sums.clone().min_value(self.cap.clone());
    }
}

/// Bipartite influence (probabilistic coverage): item `i` reaches target `u` with
/// probability `probabilities[i][u]` independently;
/// `f(S) = sum_u w_u (1 - prod_{i in S} (1 - p_iu))`.
#[derive(Clone, Debug)]
pub struct BipartiteInfluence<V> {
    probabilities: Vec<Vec<V>>,
    target_weights: Vec<V>,
}

/// Incremental state of [`BipartiteInfluence`]: membership and each target's miss probability.
#[derive(Clone, Debug)]
pub struct InfluenceState<V> {
    members: Vec<bool>,
    miss: Vec<V>,
    value: V,
}

impl<V: Field> BipartiteInfluence<V> {
    /// Build from an `n x m` matrix of probabilities in `[0, 1]` and `m` nonnegative
    /// target weights.
    pub fn new(probabilities: Vec<Vec<V>>, target_weights: Vec<V>) -> Result<Self> {
        let m = target_weights.len();
        for (u, w) in target_weights.iter().enumerate() {
            check_nonneg(&format!("target_weights[{u}]"), w)?;
        }
        for (i, row) in probabilities.iter().enumerate() {
            if row.len() != m {
                return Err(bad(
                    format!("probabilities[{i}]"),
                    format!(
                        "has length {}, expected {m} (one per target weight)",
                        row.len()
                    ),
                ));
            }
            for (u, p) in row.iter().enumerate() {
                let f = format!("probabilities[{i}][{u}]");
                check_nonneg(&f, p)?;
                if !p.le(&V::one()) {
                    return Err(bad(f, "must be <= 1"));
                }
            }
        }
        Ok(Self {
            probabilities,
            target_weights,
        })
    }
    /// Probabilities (items x targets).
    pub fn probabilities(&self) -> &[Vec<V>] {
        &self.probabilities
    }
    /// Target weights.
    pub fn target_weights(&self) -> &[V] {
        &self.target_weights
    }
}

impl<V: Field> SetFunction for BipartiteInfluence<V> {
    type Value = V;
    type State = InfluenceState<V>;
    fn ground_size(&self) -> usize {
        self.probabilities.len()
    }
    fn query_work(&self) -> u64 {
        1 + self.target_weights.len() as u64
    }
    fn empty_state(&self) -> Self::State {
        InfluenceState {
            members: vec![false; self.probabilities.len()],
            miss: vec![V::one(); self.target_weights.len()],
            value: V::zero(),
        }
    }
    fn state_value(&self, state: &Self::State) -> V {
        state.value.clone()
    }
    fn gain(&self, state: &Self::State, e: usize) -> V {
        if state.members[e] {
            return V::zero();
        }
        let mut g = V::zero();
        for ((w, q), p) in self
            .target_weights
            .iter()
            .zip(&state.miss)
            .zip(&self.probabilities[e])
        {
            g = g.add(&w.mul(&q.mul(p)));
        }
        g
    }
    fn insert(&self, state: &mut Self::State, e: usize) {
        if state.members[e] {
            return;
        }
        state.members[e] = true;
        let mut value = V::zero();
        for ((w, q), p) in self
            .target_weights
            .iter()
            .zip(state.miss.iter_mut())
            .zip(&self.probabilities[e])
        {
            *q = q.mul(&V::one().sub(p));
            value = value.add(&w.mul(&V::one().sub(q)));
        }
        state.value = value;
    }
}

/// An explicit table of `f` on all subsets of a tiny ground set: `values[mask]` is
/// `f({i : bit i of mask set})`, `n <= 20`.
#[derive(Clone, Debug)]
pub struct ExplicitTable<V> {
    n: usize,
    values: Vec<V>,
}

impl<V: Value> ExplicitTable<V> {
    /// Largest supported ground set.
    pub const MAX_N: usize = 20;

    /// Build from `2^n` values (validity as a monotone submodular function is checked by
    /// [`super::validate::check_function`], not here).
    pub fn new(values: Vec<V>) -> Result<Self> {
        let len = values.len();
        if !len.is_power_of_two() {
            return Err(bad("values", format!("length {len} is not a power of two")));
        }
        let n = len.trailing_zeros() as usize;
        if n > Self::MAX_N {
            return Err(bad("values", format!("n = {n} exceeds {}", Self::MAX_N)));
        }
        for (m, v) in values.iter().enumerate() {
            if !V::is_exact() && !v.to_f64().is_finite() {
                return Err(bad(format!("values[{m}]"), "must be finite"));
            }
        }
        Ok(Self { n, values })
    }
    /// Build by evaluating `f` on every subset (for tests: a function turned into a table).
    pub fn from_function<F: SetFunction<Value = V>>(f: &F) -> Result<Self> {
        let n = f.ground_size();
        if n > Self::MAX_N {
            return Err(SubmodError::TooLarge(format!("table of 2^{n} values")));
        }
        let values = (0..1usize << n).map(|m| f.value(&mask_to_set(m))).collect();
        Ok(Self { n, values })
    }
    /// `f` at a bit mask.
    pub fn at(&self, mask: usize) -> &V {
        &self.values[mask]
    }
}

/// The indices of the set bits of `mask`.
pub fn mask_to_set(mask: usize) -> Vec<usize> {
    (0..usize::BITS as usize)
        .filter(|&i| mask >> i & 1 == 1)
        .collect()
}

impl<V: Value> SetFunction for ExplicitTable<V> {
    type Value = V;
    type State = (usize, V);
    fn ground_size(&self) -> usize {
        self.n
    }
    fn empty_state(&self) -> Self::State {
        (0, self.values[0].clone())
    }
    fn state_value(&self, state: &Self::State) -> V {
        state.1.clone()
    }
    fn gain(&self, state: &Self::State, e: usize) -> V {
        self.values[state.0 | 1 << e].sub(&state.1)
    }
    fn insert(&self, state: &mut Self::State, e: usize) {
        state.0 |= 1 << e;
        state.1 = self.values[state.0].clone();
    }
}

/// A modular (additive) function `f(S) = sum_{i in S} weights[i]`, weights `>= 0`
/// (the simplest monotone submodular function; used by the density-greedy counterexample).
#[derive(Clone, Debug)]
pub struct Modular<V> {
    weights: Vec<V>,
}

impl<V: Value> Modular<V> {
    /// Build from nonnegative weights.
    pub fn new(weights: Vec<V>) -> Result<Self> {
        for (i, w) in weights.iter().enumerate() {
            check_nonneg(&format!("weights[{i}]"), w)?;
        }
        Ok(Self { weights })
    }
    /// Item weights.
    pub fn weights(&self) -> &[V] {
        &self.weights
    }
}

impl<V: Value> SetFunction for Modular<V> {
    type Value = V;
    type State = (Vec<bool>, V);
    fn ground_size(&self) -> usize {
        self.weights.len()
    }
    fn empty_state(&self) -> Self::State {
        (vec![false; self.weights.len()], V::zero())
    }
    fn state_value(&self, state: &Self::State) -> V {
        state.1.clone()
    }
    fn gain(&self, state: &Self::State, e: usize) -> V {
        if state.0[e] {
            V::zero()
        } else {
            self.weights[e].clone()
        }
    }
    fn insert(&self, state: &mut Self::State, e: usize) {
        if !state.0[e] {
            state.0[e] = true;
            state.1 = state.1.add(&self.weights[e]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_small() {
        let f =
            WeightedCoverage::new(vec![vec![0, 1], vec![1, 2], vec![]], vec![1i128, 2, 4]).unwrap();
        assert_eq!(f.value(&[0]), 3);
        assert_eq!(f.value(&[0, 1]), 7);
        let s = f.state_of(&[0]);
        assert_eq!(f.gain(&s, 1), 4);
        assert_eq!(f.gain(&s, 0), 0);
        assert!(WeightedCoverage::new(vec![vec![5]], vec![1i128]).is_err());
        assert!(WeightedCoverage::new(vec![vec![0]], vec![-1i128]).is_err());
    }

    #[test]
    fn facility_small() {
        let f = FacilityLocation::new(vec![vec![3i128, 0], vec![1, 5]]).unwrap();
        assert_eq!(f.value(&[]), 0);
        assert_eq!(f.value(&[0, 1]), 8);
        assert_eq!(f.gain(&f.state_of(&[1]), 0), 2);
        assert!(FacilityLocation::new(vec![vec![1i128], vec![1, 2]]).is_err());
    }

    #[test]
    fn concave_and_budget_additive() {
        let f = ConcaveOverModular::new(vec![vec![4], vec![5]], Concave::Sqrt).unwrap();
        assert_eq!(f.value(&[0, 1]), 3.0);
        let g = BudgetAdditive::new(vec![3i128, 4], 5).unwrap();
        assert_eq!(g.value(&[0, 1]), 5);
        assert_eq!(g.gain(&g.state_of(&[0]), 1), 2);
        assert_eq!(g.gain(&g.state_of(&[0]), 0), 0);
    }

    #[test]
    fn influence_and_table() {
        let f = BipartiteInfluence::new(vec![vec![0.5f64], vec![0.5]], vec![2.0]).unwrap();
        assert_eq!(f.value(&[0, 1]), 1.5);
        let t = ExplicitTable::from_function(&f).unwrap();
        assert_eq!(t.value(&[0, 1]), 1.5);
        assert!(ExplicitTable::new(vec![0i128; 3]).is_err());
    }
}
