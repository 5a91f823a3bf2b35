//! `diffknap study`: measured properties of one regularizer (see [`crate::study`]).

use super::UsageError;
use crate::progress::{Progress, StderrProgress};
use crate::reg::RegKind;
use crate::study::{MAX_TRIALS, Options, study};
use std::io::Write;

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

/// Runs `study`. Progress goes to standard error through [`crate::progress::StderrProgress`].
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
    // The shared reporter (crate::progress): silent for short phases, then a bar on a
    // terminal or a periodic plain line on standard error.
    let reporter = StderrProgress::new();
    let quiet = args.quiet;
    let trials = args.trials as u64;
    let mut phase = String::new();
    let mut progress = |name: &str, done: usize| {
        if quiet {
            return;
        }
        if name != phase {
            if !phase.is_empty() {
                reporter.finish();
            }
            phase = name.to_string();
            let total = if name == "limits" { 0 } else { trials };
            reporter.start(total, &format!("study {}: {name}", kind.label()));
        }
        reporter.set(done as u64);
    };
    let result = study(kind, &opts, &mut progress);
    if !quiet {
        reporter.finish();
    }
    match result {
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
