//! diffknap: reference implementation of differentiable knapsack and top-k operators
//! (smoothed dynamic programming, Vivier-Ardisson, Sander, Parmentier and Blondel 2026) and
//! of monotone submodular maximization under a knapsack constraint.
//!
//! The operators solve, for scores theta, integer weights w and capacity C,
//! `V(theta) = max_Omega over feasible y of <theta, y>` where the max is smoothed one item at
//! a time by a regularizer H with temperature gamma (SPEC A.2). `y = dV/dtheta` is a relaxed
//! selection in [0, 1]^n.
//!
//! ```
//! use diffknap::{Instance, RegKind, ops::{relax_f64, Extras}};
//! let inst = Instance::knapsack(vec![1.0, 0.3, -0.2, 0.8, 0.1], vec![2, 1, 3, 2, 1], 5)?;
//! let out = relax_f64(&inst, RegKind::Shannon, 0.7, &Extras::default())?;
//! assert!((out.value - 3.2457900486).abs() < 1e-9);
//! # Ok::<(), diffknap::Error>(())
//! ```
#![deny(missing_docs)]

pub mod backend;
pub mod certified;
pub mod check;
pub mod cli;
pub mod corpus;
pub mod dp;
pub mod error;
pub mod error_bound;
pub mod harness;
pub mod instance;
pub mod jsonl;
pub mod num;
pub mod ops;
pub mod oracle;
pub mod progress;
pub mod reg;
pub mod request;
pub mod rng;
pub mod solve;
pub mod submod;
pub mod validate;
pub mod vectors;

pub use error::{Error, Result};
pub use instance::{Budget, Constraint, Instance};
pub use reg::RegKind;
