//! The command-line interface: a leaf. Argument parsing (clap) and printing only; every
//! computation is a library call, every JSON Lines stream goes through [`crate::jsonl`].
//! Nothing in the library imports this module.
//!
//! Exit status: 0 if every line succeeded, 1 if any line failed (each failed line still gets
//! an output line `{"id": ..., "error": "..."}`), 2 for bad command-line usage.

pub mod bench;
pub mod corpus;
pub mod demo;
pub mod fuzz;
pub mod relax;
pub mod solve;
pub mod submod;
pub mod validate;
pub mod vectors;

use clap::{Parser, Subcommand};
use std::io::Write;

/// A usage error (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

/// diffknap: differentiable knapsack / top-k operators and submodular maximization.
///
/// relax, solve, submod and validate read JSON Lines (stdin, or --input FILE) and write one
/// JSON line per input line, in order, with the input's "id" first. See README.md for the
/// fields.
#[derive(Debug, Parser)]
#[command(name = "diffknap", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where to read JSON Lines from, and the line-length cap.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// Read JSON Lines from FILE instead of standard input.
    #[arg(long, value_name = "FILE")]
    pub input: Option<std::path::PathBuf>,
    /// Longest accepted input line in bytes; a longer line gets an error answer.
    #[arg(long, value_name = "BYTES", default_value_t = crate::jsonl::DEFAULT_MAX_LINE_BYTES)]
    pub max_line_bytes: usize,
}

impl InputArgs {
    /// The input behind a 1 MiB buffer (large enough for batching).
    pub fn open(&self) -> Result<Input, UsageError> {
        open_input(self.input.as_deref())
    }
    /// The reader limits.
    pub fn limits(&self) -> crate::jsonl::Limits {
        crate::jsonl::Limits {
            max_line_bytes: self.max_line_bytes.max(1),
        }
    }
}

/// The input of a command.
pub type Input = std::io::BufReader<Box<dyn std::io::Read>>;

/// Opens `path`, or standard input.
pub fn open_input(path: Option<&std::path::Path>) -> Result<Input, UsageError> {
    let raw: Box<dyn std::io::Read> = match path {
        Some(path) => Box::new(
            std::fs::File::open(path)
                .map_err(|e| UsageError(format!("--input {}: {e}", path.display())))?,
        ),
        None => Box::new(std::io::stdin()),
    };
    Ok(std::io::BufReader::with_capacity(1 << 20, raw))
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every operator on a built-in example, explained for a newcomer.
    Demo,
    /// The operators (value, relaxed selection y, VJP, samples) on JSON Lines.
    Relax(relax::Args),
    /// The hard problem (gamma = 0) by DP, ILP or LP relaxation, on JSON Lines.
    Solve(solve::Args),
    /// Check another implementation's answers against certified truth.
    Validate(validate::Args),
    /// Write conformance vectors with certified expected outputs.
    Vectors(vectors::Args),
    /// Fuzz another implementation of relax and shrink its first failure.
    Fuzz(fuzz::Args),
    /// Regenerate the versioned conformance corpus (conformance/v1).
    Corpus(corpus::Args),
    /// Measure the backends (cells/s, bytes/cell); see docs/benchmarks.md.
    #[command(disable_help_flag = true)]
    Bench {
        /// Options of bench (--help for the list).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Monotone submodular maximization under a knapsack budget, on JSON Lines.
    Submod(submod::Args),
}

/// Runs the command line `args` (without the program name); returns the exit status.
pub fn main(args: &[String]) -> i32 {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let code = run(args, &mut out);
    let _ = out.flush();
    code
}

/// Runs `args` writing to `out`; returns the exit status.
pub fn run(args: &[String], out: &mut dyn Write) -> i32 {
    let argv = std::iter::once("diffknap".to_string()).chain(args.iter().cloned());
    let cli = match Cli::try_parse_from(argv) {
        Ok(c) => c,
        Err(e) => {
            // --help and --version are "errors" with exit code 0; a closed pipe is ignored.
            let _ = e.print();
            return e.exit_code();
        }
    };
    let result = match cli.command {
        Command::Demo => demo::cli(out),
        Command::Relax(a) => relax::cli(&a, out),
        Command::Solve(a) => solve::cli(&a, out),
        Command::Validate(a) => validate::cli(&a, out),
        Command::Vectors(a) => vectors::cli(&a, out),
        Command::Fuzz(a) => fuzz::cli(&a, out),
        Command::Corpus(a) => corpus::cli(&a, out),
        Command::Bench { args } => bench::cli(&args, out),
        Command::Submod(a) => submod::cli(&a, out),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(msg)) => {
            let _ = writeln!(
                std::io::stderr(),
                "diffknap: {msg}\n\nFor more information, try 'diffknap --help'."
            );
            2
        }
    }
}

/// Parsed `--flag value` pairs and bare `--switch`es, for the commands that take their own
/// arguments (bench).
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pairs: Vec<(String, Option<String>)>,
}

impl Flags {
    /// Parses `args`; `with_value` names the flags that take a value, `switches` those that
    /// do not. Anything else is a usage error.
    pub fn parse(
        args: &[String],
        with_value: &[&str],
        switches: &[&str],
    ) -> Result<Self, UsageError> {
        let mut pairs = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let (name, inline) = match a.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
                _ => (a.clone(), None),
            };
            if with_value.contains(&name.as_str()) {
                let v = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| UsageError(format!("{name} needs a value")))?,
                };
                pairs.push((name, Some(v)));
            } else if switches.contains(&name.as_str()) && inline.is_none() {
                pairs.push((name, None));
            } else {
                return Err(UsageError(format!("unknown argument {a:?}")));
            }
        }
        Ok(Flags { pairs })
    }
    /// The last value given for `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }
    /// Whether the switch `name` was given.
    pub fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(n, _)| n == name)
    }
}
