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
            SubmodError::Solver(r) => write!(f, "solver: {r}"),
        }
    }
}

impl std::error::Error for SubmodError {}

/// Shorthand for results in this module.
pub type Result<T> = std::result::Result<T, SubmodError>;
