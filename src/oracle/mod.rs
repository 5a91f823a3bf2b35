//! Ground truth that shares no code with the DP: brute-force enumeration, a top-down
//! evaluation of the smoothed recursion from its definition, a big-integer count of feasible
//! sets, an ILP/LP through good_lp, and central finite differences.
//!
//! These are slow and obviously correct; no fast path ever calls them.

pub mod brute;
pub mod count;
pub mod fd;
pub mod ilp;
pub mod recursive;
