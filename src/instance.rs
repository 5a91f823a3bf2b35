//! Problem instances, validated once at construction ("parse, don't validate").

use crate::error::{Error, Result, invalid};
use crate::num::Num;

/// Which subsets of items are feasible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Constraint {
    /// Total weight at most the capacity.
    Knapsack,
    /// Total weight exactly the capacity.
    Exact,
    /// Exactly k items (unit weights, capacity k): the paper's top-k.
    TopK,
}

impl Constraint {
    /// Parses `knapsack`, `exact`, `top_k` (alias `topk`).
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "knapsack" => Ok(Constraint::Knapsack),
            "exact" => Ok(Constraint::Exact),
            "top_k" | "topk" => Ok(Constraint::TopK),
            other => Err(invalid(
                "constraint",
                format!("must be one of knapsack, exact, top_k (alias topk); got {other:?}"),
            )),
        }
    }
    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Constraint::Knapsack => "knapsack",
            Constraint::Exact => "exact",
            Constraint::TopK => "top_k",
        }
    }
    /// Whether only sets of weight exactly the capacity are feasible.
    pub fn is_equality(self) -> bool {
        !matches!(self, Constraint::Knapsack)
    }
}

/// Resource limits checked before any table is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Largest allowed (n + 1) * (capacity + 1).
    pub max_cells: u128,
    /// Largest (n + 1) * (capacity + 1) allowed in exact arithmetic (each cell is a big rational).
    pub max_exact_cells: u128,
    /// Largest numerator or denominator, in bits, allowed in exact arithmetic.
    pub max_exact_bits: u64,
}

impl Default for Budget {
    /// 2^27 cells (about 1 GiB per f64 table of the reference path); in exact arithmetic
    /// 2^22 cells and 2^16-bit numerators and denominators.
    fn default() -> Self {
        Budget {
            max_cells: 1 << 27,
            max_exact_cells: 1 << 22,
            max_exact_bits: 1 << 16,
        }
    }
}

/// A validated instance: scores, integer weights, capacity and constraint.
///
/// Items are 0-based in code (item `i` here is item `i + 1` of the paper).
#[derive(Debug, Clone, PartialEq)]
pub struct Instance<T = f64> {
    constraint: Constraint,
    theta: Vec<T>,
    weights: Vec<usize>,
    /// The weights as given (before clamping), for the LP relaxation.
    given_weights: Vec<u64>,
    capacity: usize,
    budget: Budget,
}

impl<T: Num> Instance<T> {
    /// A knapsack instance: feasible sets have total weight at most `capacity`.
    pub fn knapsack(theta: Vec<T>, weights: Vec<u64>, capacity: u64) -> Result<Self> {
        Self::new(
            Constraint::Knapsack,
            theta,
            Some(weights),
            capacity,
            Budget::default(),
        )
    }
    /// An exact-capacity instance: feasible sets have total weight exactly `capacity`.
    pub fn exact(theta: Vec<T>, weights: Vec<u64>, capacity: u64) -> Result<Self> {
        Self::new(
            Constraint::Exact,
            theta,
            Some(weights),
            capacity,
            Budget::default(),
        )
    }
    /// A top-k instance: feasible sets have exactly `k` items.
    pub fn top_k(theta: Vec<T>, k: u64) -> Result<Self> {
        Self::new(Constraint::TopK, theta, None, k, Budget::default())
    }

    /// The general constructor. For `TopK`, `weights` may be `None` (all ones) or must be
    /// all ones; `capacity` is k.
    pub fn new(
        constraint: Constraint,
        theta: Vec<T>,
        weights: Option<Vec<u64>>,
        capacity: u64,
        budget: Budget,
    ) -> Result<Self> {
        let n = theta.len();
        for (i, t) in theta.iter().enumerate() {
            if !t.is_finite() {
                return Err(Error::NonFinite {
                    field: format!("theta[{i}]"),
                });
            }
        }
        let weights = match (constraint, weights) {
            (Constraint::TopK, None) => vec![1; n],
            (_, None) => {
                return Err(invalid(
                    "weights",
                    "is required for knapsack and exact constraints",
                ));
            }
            (_, Some(w)) => w,
        };
        if weights.len() != n {
            return Err(Error::LengthMismatch {
                field: "weights".into(),
                expected: n,
                found: weights.len(),
            });
        }
        if constraint == Constraint::TopK {
            if let Some(i) = weights.iter().position(|&w| w != 1) {
                return Err(invalid(
                    format!("weights[{i}]"),
                    "top_k requires unit weights (omit weights, or use the exact constraint)",
                ));
            }
            if capacity > n as u64 {
                return Err(invalid(
                    "capacity",
                    format!("top_k requires k <= n; got k = {capacity}, n = {n}"),
                ));
            }
        }
        let cells = (n as u128 + 1).saturating_mul(capacity as u128 + 1);
        if cells > budget.max_cells {
            return Err(Error::TooLarge {
                cells,
                budget: budget.max_cells,
            });
        }
        let capacity = capacity as usize;
        // Weights larger than the capacity can never be picked; clamp them so that every
        // later index computation stays in range (the item stays in the instance).
        let given_weights = weights;
        let weights: Vec<usize> = given_weights
            .iter()
            .map(|&w| w.min(capacity as u64 + 1) as usize)
            .collect();
        if constraint == Constraint::Exact && !subset_sum_reachable(&weights, capacity) {
            return Err(Error::Infeasible {
                reason: format!("no subset of the weights sums to exactly {capacity}"),
            });
        }
        Ok(Instance {
            constraint,
            theta,
            weights,
            given_weights,
            capacity,
            budget,
        })
    }

    /// The same instance with other scores (same length required).
    pub fn with_theta<U: Num>(&self, theta: Vec<U>) -> Result<Instance<U>> {
        if theta.len() != self.n() {
            return Err(Error::LengthMismatch {
                field: "theta".into(),
                expected: self.n(),
                found: theta.len(),
            });
        }
        if let Some(i) = theta.iter().position(|t| !t.is_finite()) {
            return Err(Error::NonFinite {
                field: format!("theta[{i}]"),
            });
        }
        Ok(Instance {
            constraint: self.constraint,
            theta,
            weights: self.weights.clone(),
            given_weights: self.given_weights.clone(),
            capacity: self.capacity,
            budget: self.budget,
        })
    }

    /// Number of items.
    pub fn n(&self) -> usize {
        self.theta.len()
    }
    /// The constraint.
    pub fn constraint(&self) -> Constraint {
        self.constraint
    }
    /// Scores theta.
    pub fn theta(&self) -> &[T] {
        &self.theta
    }
    /// Weights (values above the capacity are stored as capacity + 1: never pickable).
    pub fn weights(&self) -> &[usize] {
        &self.weights
    }
    /// The weights as given, before clamping (what the LP relaxation uses: an item heavier than
    /// the capacity can be taken fractionally there).
    pub fn given_weights(&self) -> &[u64] {
        &self.given_weights
    }
    /// Capacity C (k for top-k).
    pub fn capacity(&self) -> usize {
        self.capacity
    }
    /// The resource budget.
    pub fn budget(&self) -> Budget {
        self.budget
    }
    /// Number of cells of the largest table, (n + 1) * (capacity + 1).
    pub fn cells(&self) -> u128 {
        (self.n() as u128 + 1) * (self.capacity as u128 + 1)
    }
    /// Checks a cotangent `z` for the VJP: length `n` and finite entries (errors name `z` or
    /// `z[i]`). The one check shared by the reference, the fast backends and the certified path.
    pub fn check_z<U: Num>(&self, z: &[U]) -> Result<()> {
        if z.len() != self.n() {
            return Err(Error::LengthMismatch {
                field: "z".into(),
                expected: self.n(),
                found: z.len(),
            });
        }
        if let Some(i) = z.iter().position(|x| !x.is_finite()) {
            return Err(Error::NonFinite {
                field: format!("z[{i}]"),
            });
        }
        Ok(())
    }
    /// Whether a 0/1 vector is feasible for this instance.
    pub fn is_feasible(&self, y: &[bool]) -> bool {
        if y.len() != self.n() {
            return false;
        }
        let total: usize = self
            .weights
            .iter()
            .zip(y)
            .filter(|(_, b)| **b)
            .map(|(w, _)| *w)
            .sum();
        if self.constraint.is_equality() {
            total == self.capacity
        } else {
            total <= self.capacity
        }
    }
}

/// Whether some subset of `weights` sums to exactly `target` (a bitset DP).
fn subset_sum_reachable(weights: &[usize], target: usize) -> bool {
    let mut reach = vec![false; target + 1];
    reach[0] = true;
    for &w in weights {
        if w == 0 || w > target {
            continue;
        }
        for c in (w..=target).rev() {
            if reach[c - w] {
                reach[c] = true;
            }
        }
    }
    reach[target]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_input_with_field_names() {
        let e = Instance::knapsack(vec![1.0, f64::NAN], vec![1, 1], 1).unwrap_err();
        assert!(e.to_string().contains("theta[1]"), "{e}");
        let e = Instance::knapsack(vec![1.0], vec![1, 1], 1).unwrap_err();
        assert!(e.to_string().starts_with("weights"), "{e}");
        let e = Instance::top_k(vec![1.0, 2.0], 3).unwrap_err();
        assert!(e.to_string().contains("k <= n"), "{e}");
        let e = Instance::exact(vec![1.0, 2.0], vec![2, 4], 3).unwrap_err();
        assert!(matches!(e, Error::Infeasible { .. }), "{e}");
        let e = Instance::knapsack(vec![1.0], vec![1], 1_000_000_000_000).unwrap_err();
        assert!(matches!(e, Error::TooLarge { .. }), "{e}");
        let e = Instance::new(
            Constraint::TopK,
            vec![1.0, 2.0],
            Some(vec![1, 2]),
            1,
            Budget::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("weights[1]"), "{e}");
    }

    #[test]
    fn exact_feasibility_and_clamped_weights() {
        let inst = Instance::exact(vec![1.0, 2.0, 3.0], vec![2, 100, 3], 5).unwrap();
        assert_eq!(inst.weights(), &[2, 6, 3]);
        assert_eq!(inst.given_weights(), &[2, 100, 3]);
        assert!(inst.is_feasible(&[true, false, true]));
        assert!(!inst.is_feasible(&[true, false, false]));
        assert!(Instance::exact(vec![1.0], vec![0], 0).is_ok());
    }
}
