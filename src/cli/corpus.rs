//! `diffknap corpus`: regenerate the conformance corpus (see [`crate::corpus`]).

use super::UsageError;
use std::io::Write;

/// `diffknap corpus` options.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Directory to write (created if needed), e.g. conformance/v1.
    #[arg(long, value_name = "DIR")]
    pub out: std::path::PathBuf,
}

/// Runs `corpus`.
pub fn cli(args: &Args, out: &mut dyn Write) -> Result<i32, UsageError> {
    let files = match crate::corpus::files() {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "diffknap corpus: {e}");
            return Ok(1);
        }
    };
    for (rel, text) in &files {
        let path = args.out.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| UsageError(format!("--out {}: {e}", dir.display())))?;
        }
        std::fs::write(&path, text).map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
        let lines = text.lines().count();
        let _ = writeln!(out, "{} ({lines} lines)", path.display());
    }
    Ok(0)
}
