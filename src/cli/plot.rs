//! `diffknap plot`: the figures of docs/regularizers.md (see [`crate::study::plot`]).

use super::UsageError;
use crate::reg::RegKind;
use crate::study::plot::{Kind, default_regularizers, plot};
use std::io::Write;

/// `diffknap plot` options.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// sweep (y_i against one score), equivariance (deviation against gamma) or smax (the
    /// smoothed two-way max and its q).
    #[arg(value_parser = ["sweep", "equivariance", "smax"])]
    pub kind: String,
    /// Output file: .svg (with labels) or .png (curves and axes only: no font is shipped).
    #[arg(long, value_name = "FILE")]
    pub out: std::path::PathBuf,
    /// Comma-separated regularizers (1 to 6; default shannon,tsallis:1.3,tsallis,gini,tsallis:3).
    #[arg(long, value_delimiter = ',')]
    pub regularizers: Vec<String>,
}

/// Runs `plot`.
pub fn cli(args: &Args, out: &mut dyn Write) -> Result<i32, UsageError> {
    let kind = Kind::parse(&args.kind).map_err(|e| UsageError(e.to_string()))?;
    let regs = if args.regularizers.is_empty() {
        default_regularizers()
    } else {
        args.regularizers
            .iter()
            .map(|r| RegKind::parse(r.trim()))
            .collect::<crate::Result<Vec<_>>>()
            .map_err(|e| UsageError(format!("--{e}")))?
    };
    match plot(kind, &regs, &args.out) {
        Ok(()) => {
            let _ = writeln!(out, "wrote {}", args.out.display());
            Ok(0)
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "diffknap plot: {e}");
            Ok(1)
        }
    }
}
