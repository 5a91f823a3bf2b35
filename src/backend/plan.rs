//! How a fast call computes: the backend, instruction set, threads and memory layout
//! ([`Plan`]), and the bytes each layout needs.

use super::simd;
use crate::error::{Result, invalid};

/// Capacities per thread from which the `parallel` backend splits a single instance's rows.
pub const PARALLEL_MIN_COLS: usize = 2048;

/// Which implementation computes the f64 operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// The fastest correct one measured: the SIMD kernels, batches spread over all cores
    /// on rayon, [`Memory::Auto`]; a single instance of at least [`SPLIT_MIN_CELLS`] cells
    /// is split over the cores by capacity blocks when a core is idle at the call
    /// ([`Plan::auto_split`]), else its rows stay on one core (a second core recomputes
    /// its checkpointed segments and faults in its fresh tables).
    Auto,
    /// The generic reference DP ([`crate::ops::relax_f64`]).
    Reference,
    /// The fast kernels without SIMD, one thread.
    Scalar,
    /// The fast kernels with the best instruction set of this CPU, one thread.
    Simd,
    /// The SIMD kernels on all available cores, [`Memory::Auto`]; unlike `Auto`, a single
    /// instance is always split by capacity blocks once every thread gets
    /// [`PARALLEL_MIN_COLS`] capacities.
    Parallel,
    /// The GPU kernels on wgpu (Vulkan, f64 shaders), in builds with the cargo feature
    /// `gpu` (`Backend::parse("gpu")` is an error in other builds). Never chosen by `Auto`
    /// and not in [`Backend::ALL`]; with no suitable adapter every call is an error naming
    /// the backend and the reason.
    Gpu,
    /// [`Backend::Gpu`] in f32, for speed (`gpu-f32`): the same kernels in single
    /// precision; agreement with the f64 reference is about 1e-5 relative on
    /// well-conditioned instances, not 1e-12 (docs/backends.md).
    GpuF32,
}

impl Backend {
    /// All CPU backends, `Auto` first ([`Backend::Gpu`] needs a feature and a device).
    pub const ALL: [Backend; 5] = [
        Backend::Auto,
        Backend::Reference,
        Backend::Scalar,
        Backend::Simd,
        Backend::Parallel,
    ];
    /// Parses `auto`, `reference`, `scalar`, `simd`, `parallel`, and `gpu`, `gpu-f32` in
    /// builds with the `gpu` feature.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            #[cfg(feature = "gpu")]
            "gpu" => Ok(Backend::Gpu),
            #[cfg(feature = "gpu")]
            "gpu-f32" => Ok(Backend::GpuF32),
            #[cfg(not(feature = "gpu"))]
            "gpu" | "gpu-f32" => Err(invalid(
                "backend",
                "gpu: this build lacks the `gpu` cargo feature; rebuild with \
                 `cargo build --release --features gpu` (the Python package: \
                 `maturin develop --release --features gpu`), and install a Vulkan driver",
            )),
            "auto" => Ok(Backend::Auto),
            "reference" => Ok(Backend::Reference),
            "scalar" => Ok(Backend::Scalar),
            "simd" => Ok(Backend::Simd),
            "parallel" => Ok(Backend::Parallel),
            other => Err(invalid(
                "backend",
                format!(
                    "must be one of auto, reference, scalar, simd, parallel, gpu, gpu-f32; got {other:?}"
                ),
            )),
        }
    }
    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Auto => "auto",
            Backend::Reference => "reference",
            Backend::Scalar => "scalar",
            Backend::Simd => "simd",
            Backend::Parallel => "parallel",
            Backend::Gpu => "gpu",
            Backend::GpuF32 => "gpu-f32",
        }
    }
    /// The CPU plan this backend runs, or `None` for the reference and the GPU (which have
    /// none: [`super::relax_with_backend`] and [`super::relax_batch_with_backend`] run them).
    pub fn plan(self) -> Option<Plan> {
        match self {
            Backend::Reference | Backend::Gpu | Backend::GpuF32 => None,
            Backend::Scalar => Some(Plan::new(Isa::Scalar, Par::Seq)),
            Backend::Simd => Some(Plan::new(Isa::detect(), Par::Seq)),
            Backend::Parallel => {
                let mut plan = Plan::new(Isa::detect(), Par::available());
                plan.memory = Memory::Auto;
                plan.min_cols_per_thread = PARALLEL_MIN_COLS;
                Some(plan)
            }
            Backend::Auto => {
                // Threads over a batch; a single instance is split by capacity blocks only
                // when it is large enough and a core is idle (`Plan::auto_split`):
                // one barrier per item row loses to one core on a loaded machine
                // (docs/benchmarks.md, 2026-11-21 and 2026-12-02).
                let mut plan = Plan::new(Isa::detect(), Par::available());
                plan.memory = Memory::Auto;
                plan.min_cols_per_thread = PARALLEL_MIN_COLS;
                plan.auto_split = true;
                Some(plan)
            }
        }
    }
}

/// An instruction set for the kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Isa {
    /// Plain f64 (no SIMD, no FMA): runs everywhere.
    Scalar,
    /// AVX2 with FMA (4 lanes).
    Avx2,
    /// AVX-512 F/DQ (8 lanes).
    Avx512,
}

impl Isa {
    /// The widest instruction set this CPU has.
    pub fn detect() -> Isa {
        Isa::available().last().copied().unwrap_or(Isa::Scalar)
    }
    /// Every instruction set this CPU can run, narrowest first.
    pub fn available() -> Vec<Isa> {
        let mut out = vec![Isa::Scalar];
        #[cfg(target_arch = "x86_64")]
        {
            if simd::Avx2::new().is_some() {
                out.push(Isa::Avx2);
            }
            if simd::Avx512::new().is_some() {
                out.push(Isa::Avx512);
            }
        }
        out
    }
    /// The name (scalar, avx2, avx512).
    pub fn name(self) -> &'static str {
        match self {
            Isa::Scalar => "scalar",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }
}

/// How many threads a call may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Par {
    /// The calling thread only.
    Seq,
    /// Up to this many threads (the calling thread included).
    Threads(usize),
}

impl Par {
    /// One thread per available core.
    pub fn available() -> Par {
        Par::Threads(std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
    /// The thread count (at least 1).
    pub fn threads(self) -> usize {
        match self {
            Par::Seq => 1,
            Par::Threads(t) => t.max(1),
        }
    }
}

/// Memory layout of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Memory {
    /// Keep Q (and Qdot for a VJP): 8 or 16 bytes per cell.
    Full,
    /// Keep every ceil(sqrt(n))-th V (and Vdot) row; recompute Q segment by segment.
    /// O(C sqrt(n)) memory. Sampling is not offered in this mode (it needs all of Q).
    Checkpointed,
    /// Keep Q (8 bytes per cell) and every ceil(sqrt(n))-th Vdot row; recompute the local
    /// tangent Qdot segment by segment (no second forward pass: the choice for shannon,
    /// whose forward pass is the expensive one).
    Compact,
    /// `Full` when Q and Qdot take at most 32 MiB or samples are requested; otherwise
    /// `Compact` for shannon and `Checkpointed` for the others (their forward passes are
    /// cheap, so recomputing one costs less than the memory traffic of the tables).
    Auto,
}

/// Everything that decides how (not what) a fast call computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Instruction set.
    pub isa: Isa,
    /// Threads.
    pub par: Par,
    /// Memory layout (used by [`super::relax`]).
    pub memory: Memory,
    /// A single instance is split over threads by capacity blocks only when every block
    /// gets at least this many capacities (one barrier per item row must pay for itself).
    pub min_cols_per_thread: usize,
    /// Fill all work buffers with garbage (NaN and huge values) before use: a testing aid
    /// that catches reliance on zeroed memory.
    pub poison: bool,
    /// Decide per instance whether splitting it by capacity blocks pays, on top of
    /// `min_cols_per_thread`: only instances of at least [`SPLIT_MIN_CELLS`] cells (below
    /// that, starting the threads of every pass costs more than the split saves), and
    /// only when a core is idle at the call (Linux: fewer runnable tasks than cores in
    /// `/proc/loadavg`; elsewhere never: on a loaded machine one barrier per item row
    /// waits for a descheduled peer). `false`: `min_cols_per_thread` alone decides.
    pub auto_split: bool,
}

/// Smallest instance (items times capacities) that [`Plan::auto_split`] splits. Measured
/// side by side (docs/benchmarks.md, 2026-12-02): n = 100, C = 4096 (410,000 cells) won
/// for every regularizer, n = 30, C = 4096 (123,000 cells) lost.
pub const SPLIT_MIN_CELLS: usize = 1 << 18;

/// From this many cells [`Plan::auto_split`] looks three times for an idle core (waiting
/// 50 us between looks), below it once: the wait must stay small next to the work.
const SPLIT_LOOKS_CELLS: usize = 1 << 22;

/// Whether a core other than the calling thread's is idle now: on Linux, fewer runnable
/// tasks system-wide (field 4 of `/proc/loadavg`, which counts the calling thread) than
/// `cores` in one of `looks` looks 50 microseconds apart (a look is instantaneous; short
/// tasks, the shell that started this process for one, come and go). Unknown (another
/// system, an unreadable file): `false`.
pub(crate) fn core_idle(cores: usize, looks: usize) -> bool {
    #[cfg(target_os = "linux")]
    for look in 0..looks.max(1) {
        if look > 0 {
            std::thread::sleep(std::time::Duration::from_micros(50));
        }
        let running = std::fs::read_to_string("/proc/loadavg").ok().and_then(|s| {
            s.split_whitespace()
                .nth(3)
                .and_then(|f| f.split('/').next())
                .and_then(|r| r.parse::<usize>().ok())
        });
        match running {
            Some(r) if r < cores => return true,
            Some(_) => {}
            None => return false,
        }
    }
    let _ = (cores, looks);
    false
}

impl Plan {
    /// A plan with full memory and the default split threshold.
    pub fn new(isa: Isa, par: Par) -> Self {
        Plan {
            isa,
            par,
            memory: Memory::Full,
            min_cols_per_thread: 8192,
            poison: false,
            auto_split: false,
        }
    }
    /// Threads per item row for an instance of `n` items and `cols` capacities: capacity
    /// blocks of at least `min_cols_per_thread`, and the [`Plan::auto_split`] rule when it
    /// is on.
    pub(crate) fn row_threads(&self, n: usize, cols: usize) -> usize {
        let t = self.par.threads();
        let t = t.min(cols / self.min_cols_per_thread.max(1)).max(1);
        let cells = n.saturating_mul(cols);
        // Only instances of at least SPLIT_LOOKS_CELLS cells (milliseconds of work) may
        // wait up to 100 us for a second and third look at a busy machine.
        let looks = if cells >= SPLIT_LOOKS_CELLS { 3 } else { 1 };
        if t > 1
            && self.auto_split
            && !(cells >= SPLIT_MIN_CELLS && core_idle(self.par.threads(), looks))
        {
            return 1;
        }
        t
    }
}

/// Bytes of tables and rolling rows the fast pipeline allocates for `n` items and `cols`
/// capacities: the peak of the tables plus the rolling rows alive at the same time
/// (computed from the buffer sizes the code allocates; O(n) vectors ignored).
pub fn pipeline_bytes(n: usize, cols: usize, with_vjp: bool, memory: Memory) -> usize {
    let t = if with_vjp { 2 } else { 1 };
    // Two rolling rows of V (and Vdot) in the forward phase, then two of E (and Edot).
    let rolling = 2 * t * cols;
    let cells = match memory {
        Memory::Full => t * n * cols,
        Memory::Auto => {
            return pipeline_bytes(n, cols, with_vjp, auto_memory(n, cols, false, false));
        }
        Memory::Compact if with_vjp => {
            let k = segment_rows(n);
            n * cols + 2 * (n / k + 1) * cols + k * cols + cols
        }
        Memory::Compact => n * cols,
        Memory::Checkpointed => {
            let k = segment_rows(n);
            // Two segments: one recomputed while the other is walked back (two threads).
            t * (n / k + 1) * cols + 2 * t * k * cols + t * cols
        }
    };
    8 * (cells + rolling)
}

/// Rows per recomputed segment of [`Memory::Checkpointed`]: ceil(sqrt(n)).
pub(crate) fn segment_rows(n: usize) -> usize {
    (n as f64).sqrt().ceil().max(1.0) as usize
}

/// What [`Memory::Auto`] picks.
pub(crate) fn auto_memory(n: usize, cols: usize, samples: bool, shannon: bool) -> Memory {
    if samples || 16 * n * cols <= 32 << 20 {
        Memory::Full
    } else if shannon {
        Memory::Compact
    } else {
        Memory::Checkpointed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_split_rule() {
        // Without auto_split the threshold alone decides.
        let mut plan = Plan::new(Isa::Scalar, Par::Threads(2));
        plan.min_cols_per_thread = 2048;
        assert_eq!(plan.row_threads(1, 4096), 2);
        assert_eq!(plan.row_threads(1000, 4095), 1);
        // With it, one thread below SPLIT_MIN_CELLS or with too few capacities, whatever
        // the load.
        plan.auto_split = true;
        assert_eq!(plan.row_threads(63, 4096), 1);
        assert_eq!(plan.row_threads(1000, 4095), 1);
        // core_idle never claims an idle core when there is only one.
        assert!(!core_idle(1, 3));
        let mut one = Plan::new(Isa::Scalar, Par::Threads(1));
        one.auto_split = true;
        one.min_cols_per_thread = 1;
        assert_eq!(one.row_threads(1000, 100_000), 1);
    }
}
