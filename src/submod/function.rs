//! The value-oracle interface ([`SetFunction`]), the query counter ([`Counted`]), the
//! knapsack constraint ([`Knapsack`]) and the result type ([`Solution`]).

use std::cell::Cell;

use super::error::{Result, SubmodError};
use super::value::{Field, Value};

/// A set function `f : 2^[n] -> V` accessed through a value oracle.
///
/// Besides plain evaluation, a function exposes an incremental *state* for a set `S`
/// (for coverage: which atoms are covered; for facility location: each customer's best
/// value), so that a marginal gain `f(e | S) = f(S + e) - f(S)` costs one cheap call.
///
/// Query accounting (used by [`Counted`]): [`SetFunction::value`] and
/// [`SetFunction::gain`] are one query each (a gain is one evaluation of `f(S + e)`,
/// `f(S)` being known). [`SetFunction::insert`] is free: algorithms only insert `e` right
/// after querying `gain(S, e)`, so `f(S + e)` is already paid for. [`SetFunction::state_of`]
/// is one query (it evaluates `f(S)`).
pub trait SetFunction {
    /// The number type of values.
    type Value: Value;
    /// Incremental state for a set `S`.
    type State: Clone;
    /// Size `n` of the ground set `{0, ..., n-1}`.
    fn ground_size(&self) -> usize;
    /// The state of the empty set.
    fn empty_state(&self) -> Self::State;
    /// `f(S)` for the state of `S` (cached, not a query).
    fn state_value(&self, state: &Self::State) -> Self::Value;
    /// The marginal gain `f(e | S)`; zero if `e` is already in `S`. One query.
    fn gain(&self, state: &Self::State, e: usize) -> Self::Value;
    /// Replace the state of `S` by the state of `S + e` (no effect if `e` is in `S`).
    fn insert(&self, state: &mut Self::State, e: usize);
    /// The state of `set` (indices may repeat; out-of-range indices are a logic error).
    /// One query.
    fn state_of(&self, set: &[usize]) -> Self::State {
        let mut s = self.empty_state();
        for &e in set {
            self.insert(&mut s, e);
        }
        s
    }
    /// `f(set)`. One query.
    fn value(&self, set: &[usize]) -> Self::Value {
        self.state_value(&self.state_of(set))
    }
    /// Elementary operations one [`SetFunction::gain`] costs, an upper bound used by the
    /// work estimates of [`super::work`] (for coverage: the size of the largest set; for
    /// facility location: the number of customers). Defaults to 1.
    fn query_work(&self) -> u64 {
        1
    }
}

/// A query-counting wrapper: counts value-oracle calls and multilinear-extension calls.
///
/// Every algorithm wraps its function in a `Counted` and reports
/// [`Counted::queries`] in its [`Solution`]; the count is exact, not estimated.
#[derive(Debug)]
pub struct Counted<'a, F: ?Sized> {
    inner: &'a F,
    queries: Cell<u64>,
    extension_queries: Cell<u64>,
}

impl<'a, F: ?Sized> Counted<'a, F> {
    /// Wrap `f` with zero counts.
    pub fn new(inner: &'a F) -> Self {
        Self {
            inner,
            queries: Cell::new(0),
            extension_queries: Cell::new(0),
        }
    }
    /// Value-oracle queries so far.
    pub fn queries(&self) -> u64 {
        self.queries.get()
    }
    /// Multilinear-extension evaluations so far (see [`super::multilinear::Multilinear`]).
    pub fn extension_queries(&self) -> u64 {
        self.extension_queries.get()
    }
    /// The wrapped function (calls through it are not counted).
    pub fn inner(&self) -> &'a F {
        self.inner
    }
    pub(crate) fn add_queries(&self, k: u64) {
        self.queries.set(self.queries.get().saturating_add(k));
    }
    pub(crate) fn add_extension_queries(&self, k: u64) {
        self.extension_queries
            .set(self.extension_queries.get().saturating_add(k));
    }
}

impl<F: SetFunction + ?Sized> SetFunction for Counted<'_, F> {
    type Value = F::Value;
    type State = F::State;
    fn ground_size(&self) -> usize {
        self.inner.ground_size()
    }
    fn empty_state(&self) -> Self::State {
        self.inner.empty_state()
    }
    fn state_value(&self, state: &Self::State) -> Self::Value {
        self.inner.state_value(state)
    }
    fn gain(&self, state: &Self::State, e: usize) -> Self::Value {
        self.add_queries(1);
        self.inner.gain(state, e)
    }
    fn insert(&self, state: &mut Self::State, e: usize) {
        self.inner.insert(state, e)
    }
    fn state_of(&self, set: &[usize]) -> Self::State {
        self.add_queries(1);
        self.inner.state_of(set)
    }
    fn value(&self, set: &[usize]) -> Self::Value {
        self.add_queries(1);
        self.inner.value(set)
    }
    fn query_work(&self) -> u64 {
        self.inner.query_work()
    }
}

/// A knapsack constraint: item costs `c_e > 0` and a budget `B >= 0`.
#[derive(Clone, Debug, PartialEq)]
pub struct Knapsack<V> {
    costs: Vec<V>,
    budget: V,
}

impl<V: Value> Knapsack<V> {
    /// Validate and build: every cost finite and `> 0`, budget finite and `>= 0`.
    pub fn new(costs: Vec<V>, budget: V) -> Result<Self> {
        for (index, c) in costs.iter().enumerate() {
            if !c.to_f64().is_finite() && !V::is_exact() {
                return Err(SubmodError::InvalidCost {
                    index,
                    reason: "must be finite".into(),
                });
            }
            if !c.is_positive() {
                return Err(SubmodError::InvalidCost {
                    index,
                    reason: "must be > 0".into(),
                });
            }
        }
        if !V::is_exact() && !budget.to_f64().is_finite() {
            return Err(SubmodError::InvalidBudget("must be finite".into()));
        }
        if budget.is_negative() {
            return Err(SubmodError::InvalidBudget("must be >= 0".into()));
        }
        Ok(Self { costs, budget })
    }
    /// Item costs.
    pub fn costs(&self) -> &[V] {
        &self.costs
    }
    /// The budget `B`.
    pub fn budget(&self) -> &V {
        &self.budget
    }
    /// Number of items.
    pub fn len(&self) -> usize {
        self.costs.len()
    }
    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.costs.is_empty()
    }
    /// `c(S)`.
    pub fn cost_of(&self, set: &[usize]) -> V {
        V::sum(set.iter().map(|&e| &self.costs[e]))
    }
    /// `c(S) <= B` (indices in range and distinct are the caller's duty).
    pub fn is_feasible(&self, set: &[usize]) -> bool {
        self.cost_of(set).le(&self.budget)
    }
    /// Check that the constraint matches a function on `n` items.
    pub fn check_len(&self, n: usize) -> Result<()> {
        if self.costs.len() != n {
            return Err(SubmodError::LengthMismatch {
                what: "costs".into(),
                expected: n,
                found: self.costs.len(),
            });
        }
        Ok(())
    }
    /// Convert costs and budget to another value type.
    pub fn map<W: Value>(&self, conv: impl Fn(&V) -> W) -> Result<Knapsack<W>> {
        Knapsack::new(self.costs.iter().map(&conv).collect(), conv(&self.budget))
    }
}

impl<V: Field> Knapsack<V> {
    /// Costs divided by the budget (the budget normalised to 1); `None` if `B = 0`.
    pub fn normalised_costs(&self) -> Option<Vec<V>> {
        if !self.budget.is_positive() {
            return None;
        }
        Some(self.costs.iter().map(|c| c.div(&self.budget)).collect())
    }
}

/// The output of every algorithm.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution<V> {
    /// Selected items, sorted increasingly.
    pub set: Vec<usize>,
    /// `f(set)`.
    pub value: V,
    /// `c(set)`, at most the budget.
    pub cost: V,
    /// Exact number of value-oracle queries (value and marginal-gain calls).
    pub queries: u64,
    /// Exact number of multilinear-extension evaluations (0 for combinatorial algorithms).
    pub extension_queries: u64,
}

impl<V: Value> Solution<V> {
    /// Assemble a solution: sorts the set, evaluates `f` once without counting, and reads
    /// the counts from `counted`.
    pub(crate) fn finish<F: SetFunction<Value = V> + ?Sized>(
        counted: &Counted<'_, F>,
        knap: &Knapsack<V>,
        mut set: Vec<usize>,
        value: V,
    ) -> Self {
        set.sort_unstable();
        set.dedup();
        let cost = knap.cost_of(&set);
        Solution {
            set,
            value,
            cost,
            queries: counted.queries(),
            extension_queries: counted.extension_queries(),
        }
    }
}
