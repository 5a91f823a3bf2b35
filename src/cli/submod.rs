//! `diffknap submod`: monotone submodular maximization under a knapsack budget on JSON Lines
//! (see [`crate::submod::request`] for the fields and the answer).

use super::{InputArgs, UsageError};
use crate::jsonl;
use crate::progress::StderrProgress;
use crate::submod::request::{Algorithm, Options, answer};
use std::io::Write;

fn algorithm(s: &str) -> Result<Algorithm, String> {
    Algorithm::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
        format!("unknown algorithm {s:?}; one of {}", names.join(", "))
    })
}

fn epsilon(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(e) if e > 0.0 && e < 1.0 => Ok(e),
        _ => Err(format!("must be a number in (0, 1); got {s:?}")),
    }
}

/// `diffknap submod` options.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// density_greedy, lazy_density_greedy, greedy_singleton, greedy_max, enumeration1,
    /// enumeration2, sviridenko, threshold_enumeration, continuous_greedy or ene_nguyen.
    #[arg(long, value_parser = algorithm)]
    pub algorithm: Algorithm,
    /// Accuracy parameter of the threshold, continuous and Ene-Nguyen algorithms, in (0, 1)
    /// (default: the algorithm's own).
    #[arg(long, value_parser = epsilon)]
    pub epsilon: Option<f64>,
    /// Seed of the randomised algorithms.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Ene-Nguyen: large-value picks per step (default: the faithful ceil(1/eps^3)).
    #[arg(long)]
    pub large_guesses: Option<usize>,
    /// Refuse requests whose estimated work (evaluations x cost of one) exceeds this.
    #[arg(long)]
    pub max_work: Option<u64>,
    /// Ene-Nguyen: refuse searches that may exceed this many nodes.
    #[arg(long)]
    pub max_nodes: Option<u64>,
    /// Also compute the exact optimum (or a certified upper bound) and the ratio.
    #[arg(long)]
    pub opt: bool,
    /// Input and line-length cap.
    #[command(flatten)]
    pub input: InputArgs,
}

impl Args {
    /// The request options.
    pub fn options(&self) -> Options {
        let mut o = Options::new(self.algorithm);
        o.epsilon = self.epsilon.unwrap_or(o.epsilon);
        o.seed = self.seed;
        o.large_guesses = self.large_guesses;
        o.opt = self.opt;
        o.max_work = self.max_work.unwrap_or(o.max_work);
        o.max_nodes = self.max_nodes.unwrap_or(o.max_nodes);
        o
    }
}

/// Runs `submod`; runs estimated to take long report progress on standard error.
pub fn cli(args: &Args, out: &mut dyn Write) -> Result<i32, UsageError> {
    let options = args.options();
    let input = args.input.open()?;
    let progress = StderrProgress::new();
    Ok(jsonl::run(input, out, args.input.limits(), |v| {
        answer(v, &options, &progress)
    }))
}
