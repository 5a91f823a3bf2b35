//! The options of `diffknap bench` (clap), turned into a [`Config`].

use super::run::{Config, GRID, Timer};
use crate::backend::{Isa, Par};
use crate::cli::UsageError;
use crate::reg::RegKind;
use clap::Parser;

/// Throughput of every backend on a grid of sizes (Mcells/s, bytes per cell); see
/// docs/benchmarks.md.
#[derive(Debug, Parser)]
#[command(name = "diffknap bench")]
pub struct Args {
    /// One JSON object per measurement instead of tables.
    #[arg(long)]
    pub json: bool,
    /// One run per measurement (a smoke test) instead of the best of at least 3 runs and
    /// 0.3 s.
    #[arg(long)]
    pub quick: bool,
    /// Sizes "n,C,batch;n,C,batch;..." (default: 100,1000,1;1000,1000,1;1000,10000,1;
    /// 100,1000,64;200,200,256).
    #[arg(long, value_name = "GRID")]
    pub grid: Option<String>,
    /// Comma-separated subset of reference,scalar,simd,parallel,checkpointed,auto.
    #[arg(
        long,
        value_name = "LIST",
        default_value = "reference,scalar,simd,parallel,checkpointed,auto"
    )]
    pub backends: String,
    /// Comma-separated subset of hard,shannon,gini,tsallis (default: all).
    #[arg(long, value_name = "LIST")]
    pub regularizers: Option<String>,
    /// Threads of the parallel backends (default: the available cores).
    #[arg(long, value_name = "T")]
    pub threads: Option<String>,
    /// Split a single instance of `parallel` by capacity blocks when every block gets at
    /// least this many capacities.
    #[arg(long, value_name = "COLS")]
    pub min_cols_per_thread: Option<String>,
    /// Also time a Python module with the paper's API (dp_value, dp_layer, dp_vjp) on the
    /// same instances, in a subprocess.
    #[arg(long, value_name = "FILE")]
    pub compare_python: Option<String>,
    /// The Python interpreter for --compare-python.
    #[arg(long, value_name = "EXE", default_value = "python3")]
    pub python: String,
}

/// Parses the command line (`--help` included: clap's error carries the help text).
pub fn parse(args: &[String]) -> Result<Args, clap::Error> {
    Args::try_parse_from(std::iter::once("diffknap bench".to_string()).chain(args.iter().cloned()))
}

fn parse_grid(s: &str) -> Result<Vec<(usize, usize, usize)>, UsageError> {
    s.split(';')
        .map(|t| {
            let v: Vec<usize> = t
                .split(',')
                .map(|x| x.trim().parse::<usize>())
                .collect::<Result<_, _>>()
                .map_err(|_| UsageError(format!("--grid: bad entry {t:?}")))?;
            match v[..] {
                [n, c, b] if n > 0 && b > 0 => Ok((n, c, b)),
                _ => Err(UsageError(format!(
                    "--grid entries are n,C,batch with n, batch >= 1; got {t:?}"
                ))),
            }
        })
        .collect()
}

/// Checks the options and builds the run's configuration.
pub fn config(a: &Args) -> Result<Config, UsageError> {
    let grid = match &a.grid {
        Some(g) => parse_grid(g)?,
        None => GRID.to_vec(),
    };
    let min_cols = match &a.min_cols_per_thread {
        None => None,
        Some(m) => Some(m.parse::<usize>().map_err(|_| {
            UsageError(format!(
                "--min-cols-per-thread must be an integer; got {m:?}"
            ))
        })?),
    };
    let regs: Vec<RegKind> = match &a.regularizers {
        None => RegKind::ALL.to_vec(),
        Some(list) => list
            .split(',')
            .map(RegKind::parse)
            .collect::<crate::Result<_>>()
            .map_err(|e| UsageError(format!("--regularizers: {e}")))?,
    };
    let threads = match &a.threads {
        None => Par::available().threads(),
        Some(t) => match t.parse::<usize>() {
            Ok(k) if k >= 1 => k,
            _ => return Err(UsageError(format!("--threads must be >= 1; got {t:?}"))),
        },
    };
    Ok(Config {
        timer: if a.quick {
            Timer { reps: 1, secs: 0.0 }
        } else {
            Timer { reps: 3, secs: 0.3 }
        },
        grid,
        backends: a.backends.split(',').map(str::to_string).collect(),
        regs,
        threads,
        min_cols,
        isa: Isa::detect(),
    })
}
