//! The integration test binary (one binary, many modules: `autotests = false`).

mod cli;
mod common;
mod ilp;
mod reference;
