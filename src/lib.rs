//! diffknap: reference implementation of differentiable knapsack and top-k operators
//! and of monotone submodular maximization under a knapsack constraint.
#![deny(missing_docs)]
pub mod submod;
