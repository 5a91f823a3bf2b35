//! `diffknap bench [--json] [--quick] [--grid N,C,B;...] [--compare-python FILE [--python EXE]]`:
//! throughput of every backend on a grid of sizes.
//!
//! Three steps: `parse` (the options), `run` (the measurements, reported as events as soon
//! as they are made) and `print` (tables or JSON lines).
//!
//! For each (n, C, batch) of the grid and each regularizer it times the forward pass
//! (Algorithm 1), the marginals (Algorithm 2, from a stored forward), the VJP (Algorithm 4,
//! from a stored forward) and the whole pipeline (value, y and VJP in one call), on the
//! reference and on every fast backend, and prints cells per second (cells = batch n (C+1))
//! and the bytes per cell of the tables each keeps (computed from the buffer sizes the code
//! allocates). It also times a bare vectorised two-way log-sum-exp over as many elements as
//! the shannon forward pass, and prints the ratio.
//!
//! `--compare-python FILE` times, in a `python3` subprocess, a module exposing the paper's
//! API (`dp_value`, `dp_layer`, `dp_vjp`) on the same instances (shannon, gini, tsallis),
//! after one warm-up call per function (JIT compilation is not timed).

mod parse;
mod print;
mod run;

pub use parse::Args;
pub use run::{BenchInstance, GAMMA, GRID, make_batch};

use super::UsageError;
use std::io::Write;

/// `diffknap bench`: returns the exit status.
pub fn cli(args: &[String], out: &mut dyn Write) -> Result<i32, UsageError> {
    let args = match parse::parse(args) {
        Ok(a) => a,
        Err(e) if !e.use_stderr() => {
            // --help: the text goes to `out`; a closed pipe is not an error.
            let _ = write!(out, "{}", e.render());
            return Ok(0);
        }
        Err(e) => {
            // clap's first line ("error: ..."), without its own pointer to --help.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("bad arguments");
            return Err(UsageError(format!(
                "bench: {}",
                first.trim_start_matches("error: ")
            )));
        }
    };
    let cfg = parse::config(&args)?;
    let mut python = Vec::new();
    if let Some(file) = &args.compare_python {
        match run::run_python(&args.python, file, &cfg.grid, &cfg.timer) {
            Ok(v) => python = v,
            Err(e) => {
                eprintln!("diffknap bench: --compare-python: {e}");
                return Ok(1);
            }
        }
    }
    let mut printer = print::Printer {
        json: args.json,
        isa: cfg.isa,
        threads: cfg.threads,
        out,
    };
    printer.header(cfg.timer.reps);
    match run::run(&cfg, &python, &mut |ev| printer.event(ev)) {
        Ok(()) => Ok(0),
        Err(e) => {
            eprintln!("diffknap bench: {e}");
            Ok(1)
        }
    }
}
