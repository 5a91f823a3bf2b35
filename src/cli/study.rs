//! `diffknap study`: measured properties of one regularizer (see [`crate::study`]).

use super::UsageError;
use crate::reg::RegKind;
use crate::study::{MAX_TRIALS, Options, study};
use std::io::Write;
use std::time::{Duration, Instant};

/// `diffknap study` options.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// shannon, gini, tsallis (alpha 1.5) or tsallis:ALPHA for any alpha in (1, 100].
    #[arg(long)]
    pub regularizer: String,
    /// Random instances per measurement (1 to 1000000).
    #[arg(long, default_value_t = 200)]
    pub trials: usize,
    /// Seed: the report is a pure function of (regularizer, trials, seed).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// No progress lines on standard error.
    #[arg(long)]
    pub quiet: bool,
}

/// Runs `study`. Progress goes to standard error as a plain line at most every two seconds.
pub fn cli(args: &Args, out: &mut dyn Write) -> Result<i32, UsageError> {
    let kind = RegKind::parse(&args.regularizer).map_err(|e| UsageError(format!("--{e}")))?;
    if args.trials == 0 || args.trials > MAX_TRIALS {
        return Err(UsageError(format!(
            "--trials: must be in 1..={MAX_TRIALS}; got {}",
            args.trials
        )));
    }
    let opts = Options {
        trials: args.trials,
        seed: args.seed,
        ..Options::default()
    };
    let start = Instant::now();
    let mut last = start;
    let quiet = args.quiet;
    let trials = args.trials;
    let mut progress = |phase: &str, done: usize| {
        let now = Instant::now();
        if !quiet && now.duration_since(last) >= Duration::from_secs(2) {
            last = now;
            let _ = writeln!(
                std::io::stderr(),
                "study {}: {phase} {done}/{trials} ({:.0} s)",
                kind.label(),
                now.duration_since(start).as_secs_f64()
            );
        }
    };
    match study(kind, &opts, &mut progress) {
        Ok(r) => {
            let text = if args.json {
                r.to_json().to_string()
            } else {
                r.to_text()
            };
            let _ = writeln!(out, "{}", text.trim_end());
            Ok(0)
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "diffknap study: {e}");
            Ok(1)
        }
    }
}
