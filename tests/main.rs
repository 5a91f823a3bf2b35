//! Integration tests.
mod certified;
