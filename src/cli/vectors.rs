//! `diffknap vectors`: conformance vectors (see [`crate::vectors`]).

use super::UsageError;
use crate::vectors::{Profile, expected, instance_json};
use serde_json::Value;
use std::io::Write;

/// `diffknap vectors` options.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Number of vectors (0 to 1000000).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    pub count: u64,
    /// Seed: the stream is a pure function of (count, seed, profile).
    #[arg(long)]
    pub seed: u64,
    /// small (n <= 8, capacity <= 12) or stress (n <= 40, capacity <= 60).
    #[arg(long, default_value = "small", value_parser = ["small", "stress"])]
    pub profile: String,
}

/// Runs `vectors`.
pub fn cli(args: &Args, out: &mut dyn Write) -> Result<i32, UsageError> {
    let profile = Profile::parse(&args.profile).map_err(|e| UsageError(format!("--{e}")))?;
    let mut rng = crate::rng::Rng::seed(args.seed);
    for i in 0..args.count as usize {
        let mut m = instance_json(i, args.seed, profile, &mut rng);
        match expected(&Value::Object(m.clone())) {
            Ok(exp) => {
                m.insert("expected".into(), Value::Object(exp));
            }
            Err(e) => {
                // Never expected (the generator makes valid instances); reported, not hidden.
                let _ = writeln!(std::io::stderr(), "diffknap vectors: line {}: {e}", i + 1);
                return Ok(1);
            }
        }
        if writeln!(out, "{}", Value::Object(m)).is_err() {
            return Ok(1);
        }
    }
    Ok(0)
}
