//! The error type of the submodular module.

use std::fmt;

/// Everything that can go wrong in [`crate::submod`]: bad input or a request too large to run.
#[derive(Clone, Debug, PartialEq)]
pub enum SubmodError {
    /// An item cost is not finite or not strictly positive.
    InvalidCost {
        /// Item index.
        index: usize,
        /// The rule it breaks.
        reason: String,
    },
    /// The budget is negative or not finite.
    InvalidBudget(String),
    /// Two lengths that must agree do not.
    LengthMismatch {
        /// What was measured.
        what: String,
        /// Expected length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// A field of a function definition breaks a rule (negative weight, NaN, ...).
    InvalidFunction {
        /// The field name.
        field: String,
        /// The rule it breaks.
        reason: String,
    },
    /// An algorithm parameter is out of range.
    InvalidParameter {
        /// Parameter name.
        name: String,
        /// The rule it breaks.
        reason: String,
    },
    /// The request would take too long or too much memory.
    TooLarge(String),
    /// An estimate made before any work (operations, search nodes) exceeds a limit.
    Limit {
        /// The limit's name (`max_work`, `max_nodes`).
        limit: String,
        /// What was estimated (algorithm, sizes, unit).
        what: String,
        /// The estimate.
        estimate: u64,
        /// The limit's value.
        budget: u64,
        /// How to raise it.
        how_to_raise: String,
    },
    /// An ILP solver failed or returned an answer that did not survive the exact re-check.
    Solver(String),
}

impl fmt::Display for SubmodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubmodError::InvalidCost { index, reason } => {
                write!(f, "costs[{index}]: {reason}")
            }
            SubmodError::InvalidBudget(r) => write!(f, "budget: {r}"),
            SubmodError::LengthMismatch {
                what,
                expected,
                found,
            } => write!(f, "{what}: expected length {expected}, found {found}"),
            SubmodError::InvalidFunction { field, reason } => write!(f, "{field}: {reason}"),
            SubmodError::InvalidParameter { name, reason } => write!(f, "{name}: {reason}"),
            SubmodError::TooLarge(r) => write!(f, "too large: {r}"),
            SubmodError::Limit {
                limit,
                what,
                estimate,
                budget,
                how_to_raise,
            } => write!(
                f,
                "{limit}: {what}: estimated {estimate}, over the limit of {budget} (checked \
                 before any work); {how_to_raise}"
            ),
            SubmodError::Solver(r) => write!(f, "solver: {r}"),
        }
    }
}

impl std::error::Error for SubmodError {}

/// Shorthand for results in this module.
pub type Result<T> = std::result::Result<T, SubmodError>;

impl From<SubmodError> for crate::Error {
    /// Every submodular error as the crate's error type, with the same field names
    /// (function fields are prefixed with `function.`).
    fn from(e: SubmodError) -> Self {
        use crate::Error;
        match e {
            SubmodError::InvalidCost { index, reason } => Error::Invalid {
                field: format!("costs[{index}]"),
                rule: reason,
            },
            SubmodError::InvalidBudget(rule) => Error::Invalid {
                field: "budget".into(),
                rule,
            },
            SubmodError::LengthMismatch {
                what,
                expected,
                found,
            } => Error::LengthMismatch {
                field: what,
                expected,
                found,
            },
            SubmodError::InvalidFunction { field, reason } => Error::Invalid {
                field: format!("function.{field}"),
                rule: reason,
            },
            SubmodError::InvalidParameter { name, reason } => Error::Invalid {
                field: name,
                rule: reason,
            },
            SubmodError::TooLarge(what) => Error::Unsupported {
                what: format!("too large: {what}"),
            },
            SubmodError::Limit {
                limit,
                what,
                estimate,
                budget,
                how_to_raise,
            } => Error::Limit {
                what: format!("{limit}: {what}"),
                needed: u128::from(estimate),
                limit: u128::from(budget),
                how: how_to_raise,
            },
            SubmodError::Solver(what) => Error::Solver { what },
        }
    }
}
