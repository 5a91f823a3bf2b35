//! Integration tests.
mod backends;
