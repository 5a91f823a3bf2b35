//! Work estimates made before the work, the work limit, and progress through the oracle.
//!
//! The work of a run is measured in elementary operations: value queries times the cost of
//! one query ([`SetFunction::query_work`]) plus extension evaluations times the cost of one
//! evaluation ([`Multilinear::extension_work`]). Every algorithm has a worst-case bound on its
//! queries and extension evaluations (documented with the algorithm; for Ene-Nguyen a bound on
//! its search nodes, [`super::ene_nguyen::search_bound`]); [`Estimate`] turns them into work,
//! and [`check`] refuses a request whose estimate exceeds the limit before any query is made,
//! with a [`SubmodError::Limit`] that states the estimate, the limit and how to raise it.
//!
//! [`Tracked`] wraps a function and reports the work done so far to a [`Progress`], so every
//! algorithm reports progress without code of its own; the total is the estimate, an upper
//! bound, so a run may finish before its bar is full.

use std::cell::Cell;

use super::error::{Result, SubmodError};
use super::function::SetFunction;
use super::multilinear::Multilinear;
use crate::progress::Progress;

/// The default limit on the estimated work of one request (elementary operations; about a
/// minute of computation on one core at worst, usually much less because the estimates are
/// worst-case bounds).
pub const DEFAULT_MAX_WORK: u64 = 100_000_000_000;

/// A worst-case estimate of a run, made before it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// Value queries (gains and values), upper bound.
    pub queries: u64,
    /// Multilinear-extension evaluations, upper bound.
    pub extension_evaluations: u64,
    /// `queries x query_work + extension_evaluations x extension_work` (saturating).
    pub work: u64,
}

impl Estimate {
    /// An estimate for a run of at most `queries` value queries of `f`.
    pub fn queries<F: SetFunction + ?Sized>(f: &F, queries: u64) -> Self {
        Self {
            queries,
            extension_evaluations: 0,
            work: queries.saturating_mul(f.query_work()),
        }
    }

    /// An estimate for a run of at most `queries` value queries and `extension_evaluations`
    /// evaluations of the multilinear extension of `f`.
    pub fn with_extension<F: Multilinear + ?Sized>(
        f: &F,
        queries: u64,
        extension_evaluations: u64,
    ) -> Self {
        Self {
            queries,
            extension_evaluations,
            work: queries
                .saturating_mul(f.query_work())
                .saturating_add(extension_evaluations.saturating_mul(f.extension_work())),
        }
    }
}

/// Refuse `what` if its estimated work exceeds `max_work`.
pub fn check(what: &str, estimate: &Estimate, max_work: u64) -> Result<()> {
    if estimate.work > max_work {
        return Err(SubmodError::Limit {
            limit: "max_work".into(),
            what: format!(
                "{what}, operations (at most {} queries and {} extension evaluations, times \
                 the cost of each)",
                estimate.queries, estimate.extension_evaluations
            ),
            estimate: estimate.work,
            budget: max_work,
            how_to_raise: "raise it with --max-work (library: Options::max_work), or use a \
                           smaller instance or a faster algorithm"
                .into(),
        });
    }
    Ok(())
}

/// `f`, reporting the work of every query and extension evaluation to a [`Progress`]
/// (a phase started by [`Tracked::new`] and finished when the wrapper is dropped).
pub struct Tracked<'a, F: ?Sized> {
    inner: &'a F,
    progress: &'a dyn Progress,
    done: Cell<u64>,
    next: Cell<u64>,
    step: u64,
}

impl<'a, F: SetFunction + ?Sized> Tracked<'a, F> {
    /// Start a phase of `total` work units named `message` on `progress`.
    pub fn new(inner: &'a F, progress: &'a dyn Progress, total: u64, message: &str) -> Self {
        progress.start(total, message);
        let step = (total / 1000).max(1);
        Self {
            inner,
            progress,
            done: Cell::new(0),
            next: Cell::new(step),
            step,
        }
    }

    /// Work reported so far.
    pub fn done(&self) -> u64 {
        self.done.get()
    }

    fn add(&self, w: u64) {
        let d = self.done.get().saturating_add(w);
        self.done.set(d);
        if d >= self.next.get() {
            self.next.set(d.saturating_add(self.step));
            self.progress.set(d);
        }
    }
}

impl<F: ?Sized> Drop for Tracked<'_, F> {
    fn drop(&mut self) {
        self.progress.finish();
    }
}

impl<F: SetFunction + ?Sized> SetFunction for Tracked<'_, F> {
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
        self.add(self.inner.query_work());
        self.inner.gain(state, e)
    }
    fn insert(&self, state: &mut Self::State, e: usize) {
        self.inner.insert(state, e)
    }
    fn state_of(&self, set: &[usize]) -> Self::State {
        self.add(self.inner.query_work());
        self.inner.state_of(set)
    }
    fn value(&self, set: &[usize]) -> Self::Value {
        self.add(self.inner.query_work());
        self.inner.value(set)
    }
    fn query_work(&self) -> u64 {
        self.inner.query_work()
    }
}

impl<F: Multilinear + ?Sized> Multilinear for Tracked<'_, F> {
    fn multilinear(&self, x: &[Self::Value]) -> Self::Value {
        self.add(self.inner.extension_work());
        self.inner.multilinear(x)
    }
    fn extension_supported(&self) -> Result<()> {
        self.inner.extension_supported()
    }
    fn extension_work(&self) -> u64 {
        self.inner.extension_work()
    }
}
