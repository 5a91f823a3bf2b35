//! The integration test binary (one binary, many modules: `autotests = false`).
#![allow(clippy::needless_range_loop)]

mod backends;
mod certified;
mod cli;
mod common;
mod error_bound;
mod fuzz_replay;
#[cfg(feature = "gpu")]
mod gpu;
mod harness;
mod hostile;
mod ilp;
mod num;
mod oracles;
mod proof_mirrors;
mod reference;
mod regularizers;
mod request;
mod submod;
