//! Monotone submodular maximization under a knapsack constraint (SPEC Part B).
//!
//! Maximize `f(S)` subject to `c(S) <= B`, where `f` is normalised (`f({}) = 0`), monotone
//! and submodular, accessed through a value oracle ([`SetFunction`]), and costs are `> 0`.
//! The cost of an algorithm is its number of oracle calls, counted exactly by [`Counted`]
//! and reported in every [`Solution`].
//!
//! * [`value`]: number types (`i128`, `BigRational`, `f64`).
//! * [`function`]: the oracle trait, the counter, the constraint and the result type.
//! * [`functions`]: coverage, facility location, concave over modular, budget-additive,
//!   bipartite influence, explicit tables; [`validate`] checks their axioms.
//! * [`greedy`], [`enumeration`], [`continuous`], [`ene_nguyen`]: the algorithms.
//! * [`multilinear`], [`rounding`]: the multilinear extension and mean-zero pair rounding.
//! * [`opt`]: exact optima (brute force, ILPs through good_lp) and an upper-bound certificate.
//! * [`request`]: one request of the `submod` command (parse, estimate, run, answer);
//!   [`work`]: work estimates, the work limit and progress; the command-line shell is `diffknap submod` (src/cli/submod.rs).
//!
//! See `docs/submodular.md` for ratios, query bounds and citations.
//!
//! ```
//! use diffknap::submod::{functions::WeightedCoverage, function::Knapsack, greedy::greedy_max};
//! let f = WeightedCoverage::new(vec![vec![0, 1], vec![1, 2], vec![3]], vec![1i128, 1, 1, 5])?;
//! let k = Knapsack::new(vec![2i128, 1, 3], 4)?;
//! let s = greedy_max(&f, &k)?;
//! assert_eq!((s.set, s.value), (vec![1, 2], 7));
//! # Ok::<(), diffknap::submod::error::SubmodError>(())
//! ```

// Loops over item indices `e in 0..n` that index several parallel arrays (costs, gains,
// membership) mirror the mathematics; iterator chains would obscure them.
#![allow(clippy::needless_range_loop)]

pub mod continuous;
pub mod ene_nguyen;
pub mod enumeration;
pub mod error;
pub mod function;
pub mod functions;
pub mod greedy;
pub mod multilinear;
pub mod opt;
pub mod request;
pub mod rounding;
pub mod validate;
pub mod value;
pub mod work;

pub use crate::rng::Rng;
pub use error::SubmodError;
pub use function::{Counted, Knapsack, SetFunction, Solution};
pub use value::{Field, Value};
