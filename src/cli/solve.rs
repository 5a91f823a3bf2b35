//! `diffknap solve`: the hard problem on JSON Lines (see [`crate::request::solve`]).

use super::{InputArgs, UsageError};
use crate::jsonl;
use crate::oracle::ilp::{IlpLimits, MAX_TIME_S};
use crate::request::solve::{Method, answer_with};
use std::io::Write;

/// `diffknap solve` options.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// dp (exact DP in rationals), ilp (integer program, re-checked and re-scored exactly) or
    /// lp (the LP relaxation).
    #[arg(long, default_value = "dp", value_parser = ["dp", "ilp", "lp"])]
    pub method: String,
    /// ILP / LP: wall-clock seconds of one solve (a stop at the limit is an error line).
    #[arg(long, default_value_t = crate::oracle::ilp::DEFAULT_TIME_S)]
    pub time_limit: f64,
    /// ILP: branch-and-bound nodes of one solve.
    #[arg(long, default_value_t = crate::oracle::ilp::DEFAULT_NODES)]
    pub node_limit: u64,
    /// Input and line-length cap.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `solve`.
pub fn cli(args: &Args, out: &mut dyn Write) -> Result<i32, UsageError> {
    let method = Method::parse(&args.method).map_err(|e| UsageError(format!("--{e}")))?;
    if !(args.time_limit.is_finite() && (0.0..=MAX_TIME_S).contains(&args.time_limit)) {
        return Err(UsageError(format!(
            "--time-limit must be a number of seconds from 0 to {MAX_TIME_S}; got {}",
            args.time_limit
        )));
    }
    let limits = IlpLimits {
        time_s: args.time_limit,
        nodes: args.node_limit,
    };
    let input = args.input.open()?;
    Ok(jsonl::run(input, out, args.input.limits(), |v| {
        answer_with(v, method, &limits)
    }))
}
