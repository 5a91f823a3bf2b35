//! `diffknap relax`: the operators on JSON Lines (see [`crate::request::relax`] for the fields).

use super::{InputArgs, UsageError};
use crate::backend::{Backend, BatchItem, relax_batch_with_backend};
use crate::jsonl;
use crate::request::certified::{DEFAULT_DIGITS, answer_certified_with, check_digits};
use crate::request::json;
use crate::request::relax::{Request, answer_exact, fields_f64, parse_request};
use std::io::Write;

/// The arithmetic of the answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Precision {
    /// f64 on the fast backends (or the reference).
    F64,
    /// Exact rationals (hard, gini, tsallis:2, tsallis:3), numbers as "p/q" strings.
    Exact,
    /// Certified enclosures ["lo", "hi"] of every number (all regularizers).
    Certified,
}

/// `diffknap relax` options.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Arithmetic of the answers.
    #[arg(long, value_enum, default_value_t = Precision::F64)]
    pub precision: Precision,
    /// Certified precision: width of the enclosures, 10^-DIGITS (1 to 1000).
    #[arg(long, default_value_t = DEFAULT_DIGITS)]
    pub digits: u32,
    /// Certified precision: work budget of one line in the cost model's units (about a
    /// microsecond each; default 10^7); a line planned above it is refused before any work.
    #[arg(long)]
    pub max_work: Option<u64>,
    /// f64 implementation: auto (SIMD kernels over the cores), reference, scalar, simd,
    /// parallel, gpu or gpu-f32 (builds with the `gpu` feature; needs a Vulkan adapter
    /// with f64 shaders; gpu-f32 computes in single precision). Exact and certified precision always run the reference DP, and so does a
    /// general "tsallis:ALPHA" regularizer (no SIMD kernel: every backend falls back to it).
    #[arg(long, default_value = "auto")]
    pub backend: String,
    /// Answer f64 lines in batches of up to N lines (in parallel); a batch is answered early
    /// whenever no more input is waiting.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..))]
    pub chunk: u64,
    /// Input and line-length cap.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `relax`.
pub fn cli(args: &Args, out: &mut dyn Write) -> Result<i32, UsageError> {
    let digits = check_digits(args.digits).map_err(|e| UsageError(format!("--{e}")))?;
    let backend = Backend::parse(&args.backend).map_err(|e| UsageError(format!("--{e}")))?;
    if args.precision != Precision::F64 && !matches!(backend, Backend::Auto | Backend::Reference) {
        return Err(UsageError(format!(
            "--backend {} is an f64 backend; exact and certified precision run the reference DP \
             (use --backend auto or reference, or --precision f64)",
            backend.name()
        )));
    }
    #[cfg(feature = "gpu")]
    if matches!(backend, Backend::Gpu | Backend::GpuF32) {
        // No adapter is a usage error before any input is read, not one error per line.
        crate::backend::gpu::available().map_err(|e| UsageError(e.to_string()))?;
    }
    let input = args.input.open()?;
    let limits = args.input.limits();
    Ok(match args.precision {
        Precision::F64 => jsonl::run_batched(
            input,
            out,
            limits,
            args.chunk as usize,
            |v| parse_request(&v, json::f64_of),
            |reqs: &[Request<f64>]| {
                let items: Vec<BatchItem> = reqs
                    .iter()
                    .map(|r| BatchItem {
                        instance: &r.instance,
                        regularizer: r.regularizer,
                        gamma: r.gamma,
                        extras: &r.extras,
                    })
                    .collect();
                relax_batch_with_backend(&items, backend)
                    .into_iter()
                    .map(|r| r.and_then(|o| fields_f64(&o)))
                    .collect()
            },
        ),
        Precision::Exact => jsonl::run(input, out, limits, answer_exact),
        Precision::Certified => jsonl::run(input, out, limits, |v| {
            answer_certified_with(v, digits, args.max_work)
        }),
    })
}
