//! `diffknap solve`: the hard problem on JSON Lines (see [`crate::request::solve`]).

use super::{InputArgs, UsageError};
use crate::jsonl;
use crate::request::solve::{Method, answer};
use std::io::Write;

/// `diffknap solve` options.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// dp (exact DP in rationals), ilp (integer program, re-checked and re-scored exactly) or
    /// lp (the LP relaxation).
    #[arg(long, default_value = "dp", value_parser = ["dp", "ilp", "lp"])]
    pub method: String,
    /// Input and line-length cap.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `solve`.
pub fn cli(args: &Args, out: &mut dyn Write) -> Result<i32, UsageError> {
    let method = Method::parse(&args.method).map_err(|e| UsageError(format!("--{e}")))?;
    let input = args.input.open()?;
    Ok(jsonl::run(input, out, args.input.limits(), |v| {
        answer(v, method)
    }))
}
