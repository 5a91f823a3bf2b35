//! The one error type of the library.
//!
//! Every message names the offending field and the rule it broke, so that a user reading a
//! JSON Lines report can fix the input without reading the source.

use std::fmt;

/// Everything that can go wrong when building an instance or running an operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A number is NaN or infinite where a finite number is required.
    NonFinite {
        /// The field (for example `theta[3]`).
        field: String,
    },
    /// A field has an invalid value; `rule` states what was expected.
    Invalid {
        /// The field.
        field: String,
        /// The rule it broke, in words.
        rule: String,
    },
    /// Two arrays that must have the same length do not.
    LengthMismatch {
        /// The field whose length is wrong.
        field: String,
        /// The length it must have.
        expected: usize,
        /// The length it has.
        found: usize,
    },
    /// An `exact` (or top-k) instance has no feasible set.
    Infeasible {
        /// Why, in words.
        reason: String,
    },
    /// The dynamic-programming tables would exceed the memory budget.
    TooLarge {
        /// Number of table cells, (n + 1) * (capacity + 1), or `u128::MAX` on overflow.
        cells: u128,
        /// The budget in cells.
        budget: u128,
    },
    /// Exact rational arithmetic grew past the bit-size cap.
    ExactTooLarge {
        /// The item row at which the cap was hit (1-based).
        row: usize,
        /// Bits of the largest numerator or denominator seen.
        bits: u64,
        /// The cap.
        cap: u64,
        /// The regularizer of the DP that grew (the message names the cause for it: hard only
        /// adds scores, gini divides by 2 gamma at every row).
        regularizer: crate::reg::RegKind,
    },
    /// The requested regularizer is not available at the requested precision.
    Unsupported {
        /// What was asked for and what to use instead.
        what: String,
    },
    /// A ground-truth solver failed or returned an answer that did not re-check.
    Solver {
        /// What went wrong.
        what: String,
    },
    /// A solver stopped at a work limit (time or nodes) before proving its answer optimal.
    /// No answer is given: an unproven incumbent is not a ground truth.
    SolverLimit {
        /// Which limit: `time` or `nodes`.
        limit: String,
        /// The limit, with its unit (for example `10 s`).
        budget: String,
        /// How to raise it or what to use instead, in words.
        how: String,
    },
    /// An input line could not be read as a JSON object (over-long, not UTF-8, malformed JSON,
    /// not an object); the message names the line and the rule.
    Input {
        /// What is wrong, in words.
        what: String,
    },
    /// A work or size limit would be exceeded. Checked before the work it bounds starts, so
    /// the refusal is fast.
    Limit {
        /// The field or quantity limited, e.g. `samples` (samples x n).
        what: String,
        /// What the request needs, in the limit's unit.
        needed: u128,
        /// The limit.
        limit: u128,
        /// How to raise the limit or reduce the request, in words.
        how: String,
    },
    /// A compute device failed while running a call (lost, a failed buffer mapping, a wait
    /// past its timeout); the message names the backend.
    Device {
        /// What went wrong, in words.
        what: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NonFinite { field } => write!(f, "{field}: must be a finite number"),
            Error::Invalid { field, rule } => write!(f, "{field}: {rule}"),
            Error::LengthMismatch {
                field,
                expected,
                found,
            } => write!(
                f,
                "{field}: length must be {expected} (the number of items), found {found}"
            ),
            Error::Infeasible { reason } => write!(f, "capacity: no feasible set ({reason})"),
            Error::TooLarge { cells, budget } => {
                if *cells == u128::MAX {
                    write!(
                        f,
                        "capacity: the table (n+1)*(capacity+1) overflows; the budget is {budget} cells"
                    )
                } else {
                    write!(
                        f,
                        "capacity: the table needs (n+1)*(capacity+1) = {cells} cells, over the memory budget of {budget} cells"
                    )
                }
            }
            Error::ExactTooLarge {
                row,
                bits,
                cap,
                regularizer,
            } => {
                write!(
                    f,
                    "exact arithmetic: numbers reached {bits} bits at item row {row}, over the cap of {cap} bits "
                )?;
                match regularizer {
                    crate::reg::RegKind::Hard => write!(
                        f,
                        "(the hard DP only adds scores, so the size comes from theta itself: its \
                         numerators and common denominator are that long; write the scores with \
                         fewer digits or over a common denominator)"
                    ),
                    crate::reg::RegKind::Gini => write!(
                        f,
                        "(gini divides by 2 gamma and squares score gaps at every row, so \
                         denominators grow with the number of items; use fewer items, a gamma \
                         with a short fraction, or certified precision)"
                    ),
                    other => write!(f, "({} values grew past the cap)", other.name()),
                }
            }
            Error::Unsupported { what } => write!(f, "{what}"),
            Error::Solver { what } => write!(f, "solver: {what}"),
            Error::SolverLimit { limit, budget, how } => write!(
                f,
                "solver: stopped at the {limit} limit ({budget}) before proving optimality; {how}"
            ),
            Error::Input { what } => write!(f, "{what}"),
            Error::Limit {
                what,
                needed,
                limit,
                how,
            } => write!(
                f,
                "{what}: needs {needed}, over the limit of {limit} ({how}); refused before any work"
            ),
            Error::Device { what } => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for `Result<T, diffknap::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

pub(crate) fn invalid(field: impl Into<String>, rule: impl Into<String>) -> Error {
    Error::Invalid {
        field: field.into(),
        rule: rule.into(),
    }
}
