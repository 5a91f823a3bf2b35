//! `diffknap validate`: checks another implementation's answers (see [`crate::validate`]).

use super::{InputArgs, UsageError, open_input};
use crate::validate::{
    DEFAULT_ATOL, DEFAULT_RTOL, HEADER, Summary, Tolerance, run, summary_text, table_rows,
};
use std::io::Write;

fn tolerance(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!("must be a finite number >= 0; got {s:?}")),
    }
}

/// `diffknap validate` options.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The other implementation's answers, one line per input line (matched by position;
    /// ids must agree when both lines have one). Without it, answers are read from the input
    /// lines themselves.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<std::path::PathBuf>,
    /// Relative tolerance of the verdict.
    #[arg(long, default_value_t = DEFAULT_RTOL, value_parser = tolerance)]
    pub rtol: f64,
    /// Absolute tolerance of the verdict.
    #[arg(long, default_value_t = DEFAULT_ATOL, value_parser = tolerance)]
    pub atol: f64,
    /// One JSON object per line and a JSON summary instead of the text table.
    #[arg(long)]
    pub json: bool,
    /// Input and line-length cap.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `validate`.
pub fn cli(args: &Args, out: &mut dyn Write) -> Result<i32, UsageError> {
    let tol = Tolerance {
        rtol: args.rtol,
        atol: args.atol,
    };
    let input = args.input.open()?;
    let answers = match &args.answers {
        Some(p) => Some(
            open_input(Some(p)).map_err(|e| UsageError(e.0.replacen("--input", "--answers", 1)))?,
        ),
        None => None,
    };
    let as_json = args.json;
    let result = (|| -> std::io::Result<Summary> {
        if !as_json {
            writeln!(out, "{HEADER}")?;
        }
        let summary = run(input, answers, tol, args.input.limits(), |rep| {
            if as_json {
                writeln!(out, "{}", rep.to_json())
            } else {
                for row in table_rows(rep) {
                    writeln!(out, "{row}")?;
                }
                Ok(())
            }
            .and_then(|()| out.flush())
        })?;
        if as_json {
            writeln!(out, "{}", summary.to_json(tol))?;
        } else {
            writeln!(out, "\n{}", summary_text(&summary, tol))?;
        }
        out.flush()?;
        Ok(summary)
    })();
    match result {
        Ok(s) if s.pass() => Ok(0),
        Ok(_) => Ok(1),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "diffknap validate: {e}");
            Ok(1)
        }
    }
}
