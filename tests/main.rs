//! Integration tests.
mod submod;
