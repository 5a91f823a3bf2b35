//! The GPU backend (cargo feature `gpu`): Algorithms 1, 2 and 4 on wgpu compute shaders
//! (Vulkan) in f64 (or f32: [`Precision`]), batched; sampling walks the choice table on the
//! host.
//!
//! Design (docs/backends.md has the details and the limits):
//! * one workgroup of 256 invocations per instance, looping over the item rows with a
//!   barrier between rows; within a row the invocations share the capacities. A batch is
//!   one dispatch of the forward kernel (values, Q, and with a cotangent the forward tangent
//!   Vdot and the local tangent Qdot) and one of the backward kernel (E and Edot in rolling
//!   rows, y_i and vjp_i summed over the workgroup by a tree reduction);
//! * Q and Qdot stay on the device between the two dispatches; nothing is read back between
//!   passes; only the outputs (value, y, vjp) come back, plus the Q rows of instances that
//!   asked for samples;
//! * the device, the pipelines and the buffers are created once per process and reused
//!   (buffers grow to the largest batch seen); a batch whose tables exceed the adapter's
//!   largest storage binding runs in several chunks;
//! * f64 needs the adapter feature `SHADER_F64` (Mesa lavapipe and NVIDIA have it).
//!   WGSL's built-in exp and log are not defined for f64 on Vulkan, so the shader has its
//!   own exp and ln(1 + e) (see `gpu.wgsl`; errors measured by the test suite);
//! * no adapter is an [`Error::Unsupported`] naming the backend and the reason; a device
//!   loss, a validation error, a failed mapping or a wait longer than the timeout
//!   (`DIFFKNAP_GPU_TIMEOUT`, seconds, default 600) is an [`Error::Device`], and the
//!   backend then refuses further work in this process. Nothing panics: wgpu's uncaptured
//!   errors are collected, and every call into wgpu runs under `catch_unwind`.
//!
//! The general alpha-Tsallis and user-defined regularizers have no kernel: like the CPU
//! backends, they run on the reference DP.

use super::batch::BatchItem;
use super::pipeline::sample_q;
use crate::error::{Error, Result};
use crate::ops::Relaxed;
use crate::reg::RegKind;
use crate::rng::Rng;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Instances per row of the dispatch grid.
const GRID_X: u32 = 32768;
/// Invocations per workgroup (the shader's `WG`).
const WG: u32 = 256;
/// At most this many bytes in one table buffer (besides the adapter's own limits).
const MAX_TABLE_BYTES: u64 = 1 << 30;

/// The arithmetic of the GPU kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// f64 (needs the adapter feature `SHADER_F64`).
    F64,
    /// f32: the same kernels in single precision, for speed; inputs rounded to f32, outputs
    /// widened back to f64. Compared with the f64 reference at 1e-5 in the tests.
    F32,
}

impl Precision {
    /// Bytes per number on the device.
    fn bytes(self) -> u64 {
        match self {
            Precision::F64 => 8,
            Precision::F32 => 4,
        }
    }
}

/// The WGSL source with its constants filled in (exact shortest decimal forms of the
/// constants, rounded to the precision first).
pub fn shader_source(precision: Precision) -> String {
    let f32 = precision == Precision::F32;
    let lit = |x: f64| {
        let x = if f32 { f64::from(x as f32) } else { x };
        format!("{x:e}")
    };
    let fact = |k: u32| (1..=k).map(f64::from).product::<f64>();
    let mut consts: Vec<(String, String)> = vec![
        ("GRID_X".into(), GRID_X.to_string()),
        (
            "MAXF".into(),
            lit(if f32 { f64::from(f32::MAX) } else { f64::MAX }),
        ),
        // exp underflows to 0 below EXP_LO and overflows above EXP_HI.
        ("EXP_LO".into(), lit(if f32 { -104.0 } else { -746.0 })),
        ("EXP_HI".into(), lit(if f32 { 89.0 } else { 710.0 })),
        ("LOG2E".into(), lit(std::f64::consts::LOG2_E)),
        // ln 2 split: a high part with few significant bits (k * LN2_HI is exact for every
        // k of the range) and the rest.
        ("LN2_HI".into(), lit(ln2_hi(f32))),
        ("LN2_LO".into(), lit(ln2_lo(f32))),
    ];
    for k in 2..=13 {
        consts.push((format!("C{k}"), lit(1.0 / fact(k))));
    }
    for j in 1..=12 {
        consts.push((format!("R{j}"), lit(2.0 / f64::from(2 * j + 1))));
    }
    let mut src = include_str!("gpu.wgsl").to_string();
    if f32 {
        src = src.replace("f64", "f32");
    }
    // Longest names first, so that C1 never replaces a prefix of C13 (braces make the names
    // unambiguous anyway).
    consts.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    for (name, value) in consts {
        src = src.replace(&format!("{{{name}}}"), &value);
    }
    src
}

/// ln 2 rounded down to 32 significant bits (16 for f32: k has at most 8 bits there).
fn ln2_hi(f32: bool) -> f64 {
    if f32 {
        let bits = std::f32::consts::LN_2.to_bits();
        return f64::from(f32::from_bits(bits & !((1u32 << 8) - 1)));
    }
    let bits = std::f64::consts::LN_2.to_bits();
    f64::from_bits(bits & !((1u64 << 21) - 1))
}

/// ln 2 - [`ln2_hi`], to double precision (ln 2 = 0.6931471805599453094172321...).
fn ln2_lo(f32: bool) -> f64 {
    // The tail is taken from a 2-term expansion of ln 2: LN_2 (the double nearest ln 2) plus
    // its error 2.3190468138462996e-17.
    (std::f64::consts::LN_2 - ln2_hi(f32)) + 2.319_046_813_846_299_6e-17
}

/// The device, its pipelines and the reusable buffers.
struct Gpu {
    device: wgpu::Device,
    queue: wgpu::Queue,
    layout: wgpu::BindGroupLayout,
    /// forward, backward, math_test for f64 then for f32.
    pipes: [Pipes; 2],
    /// Largest bytes of one storage binding and one buffer.
    max_bind: u64,
    adapter: String,
    bufs: Buffers,
    /// Errors reported by wgpu outside any call's own checks (validation, out of memory).
    errors: Arc<Mutex<Vec<String>>>,
    lost: Arc<AtomicBool>,
    /// Set once the device failed: every later call is refused with this reason.
    broken: Option<String>,
}

struct Pipes {
    forward: wgpu::ComputePipeline,
    backward: wgpu::ComputePipeline,
    math: wgpu::ComputePipeline,
}

#[derive(Default)]
struct Buffers {
    inst: Option<wgpu::Buffer>,
    fdata: Option<wgpu::Buffer>,
    q: Option<wgpu::Buffer>,
    qd: Option<wgpu::Buffer>,
    roll: Option<wgpu::Buffer>,
    out: Option<wgpu::Buffer>,
    staging: Option<wgpu::Buffer>,
}

/// A buffer of at least `bytes` bytes (at least 16), reusing `slot` when it is big enough;
/// grows by at least a factor 1.5 so that slowly growing batches do not reallocate each time.
fn ensure<'a>(
    device: &wgpu::Device,
    slot: &'a mut Option<wgpu::Buffer>,
    bytes: u64,
    usage: wgpu::BufferUsages,
    label: &str,
    cap: u64,
) -> &'a wgpu::Buffer {
    let bytes = bytes.max(16);
    if slot.as_ref().is_none_or(|b| b.size() < bytes) {
        let old = slot.as_ref().map_or(0, |b| b.size());
        let size = bytes.max(old.saturating_mul(3) / 2).min(cap.max(bytes));
        let size = size.div_ceil(8) * 8;
        *slot = Some(device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size,
            usage,
            mapped_at_creation: false,
        }));
    }
    slot.as_ref().expect("just set")
}

static GPU: OnceLock<std::result::Result<Mutex<Gpu>, String>> = OnceLock::new();

fn no_adapter(reason: &str) -> Error {
    Error::Unsupported {
        what: format!(
            "backend gpu: unavailable ({reason}); install a Vulkan driver whose adapter has \
             64-bit float shaders (for example Mesa's software driver: apt-get install \
             mesa-vulkan-drivers libvulkan1, or an NVIDIA driver), or use --backend auto"
        ),
    }
}

fn device_error(what: impl std::fmt::Display) -> Error {
    Error::Device {
        what: format!("backend gpu: {what}"),
    }
}

/// Runs `f`, turning a panic inside wgpu into an error.
fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Err(device_error(format!("the graphics library failed: {msg}")))
        }
    }
}

fn init() -> std::result::Result<Gpu, String> {
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: wgpu::Backends::VULKAN,
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
    let adapters = pollster::block_on(instance.enumerate_adapters(wgpu::Backends::VULKAN));
    if adapters.is_empty() {
        return Err("no Vulkan adapter found".into());
    }
    let rank = |a: &wgpu::Adapter| match a.get_info().device_type {
        wgpu::DeviceType::DiscreteGpu => 0,
        wgpu::DeviceType::IntegratedGpu => 1,
        wgpu::DeviceType::VirtualGpu => 2,
        wgpu::DeviceType::Cpu => 3,
        wgpu::DeviceType::Other => 4,
    };
    let seen: Vec<String> = adapters.iter().map(|a| a.get_info().name).collect();
    let Some(adapter) = adapters
        .into_iter()
        .filter(|a| a.features().contains(wgpu::Features::SHADER_F64))
        .min_by_key(rank)
    else {
        return Err(format!(
            "no Vulkan adapter has 64-bit float shaders (SHADER_F64); adapters seen: {}",
            seen.join(", ")
        ));
    };
    let info = adapter.get_info();
    let limits = adapter.limits();
    if limits.max_compute_invocations_per_workgroup < WG
        || limits.max_compute_workgroup_size_x < WG
        || limits.max_compute_workgroups_per_dimension < GRID_X
        || limits.max_compute_workgroup_storage_size < 2 * 8 * WG
        || limits.max_storage_buffers_per_shader_stage < 6
    {
        return Err(format!(
            "adapter {} has compute limits below what the kernels need",
            info.name
        ));
    }
    let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
        label: Some("diffknap"),
        required_features: wgpu::Features::SHADER_F64,
        required_limits: limits.clone(),
        ..Default::default()
    }))
    .map_err(|e| format!("adapter {}: {e}", info.name))?;
    let errors = Arc::new(Mutex::new(Vec::new()));
    let sink = errors.clone();
    device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
        if let Ok(mut v) = sink.lock() {
            v.push(e.to_string());
        }
    }));
    let lost = Arc::new(AtomicBool::new(false));
    let flag = lost.clone();
    device.set_device_lost_callback(move |_, _| flag.store(true, Ordering::SeqCst));
    let storage = |binding: u32, read_only: bool| wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    };
    let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some("diffknap"),
        entries: &[
            storage(0, true),
            storage(1, true),
            storage(2, false),
            storage(3, false),
            storage(4, false),
            storage(5, false),
        ],
    });
    let pl = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: Some("diffknap"),
        bind_group_layouts: &[Some(&layout)],
        immediate_size: 0,
    });
    let pipes = |precision: Precision| {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("diffknap kernels"),
            source: wgpu::ShaderSource::Wgsl(shader_source(precision).into()),
        });
        let pipeline = |entry: &str| {
            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(entry),
                layout: Some(&pl),
                module: &module,
                entry_point: Some(entry),
                compilation_options: Default::default(),
                cache: None,
            })
        };
        Pipes {
            forward: pipeline("forward"),
            backward: pipeline("backward"),
            math: pipeline("math_test"),
        }
    };
    let pipes = [pipes(Precision::F64), pipes(Precision::F32)];
    if let Some(e) = errors.lock().ok().and_then(|v| v.first().cloned()) {
        return Err(format!(
            "adapter {}: the kernels did not compile: {e}",
            info.name
        ));
    }
    let max_bind = limits
        .max_storage_buffer_binding_size
        .min(limits.max_buffer_size);
    Ok(Gpu {
        device,
        queue,
        layout,
        pipes,
        max_bind,
        adapter: format!(
            "{} ({:?}, {})",
            info.name, info.device_type, info.driver_info
        ),
        bufs: Buffers::default(),
        errors,
        lost,
        broken: None,
    })
}

/// The process-wide device, initialised on first use.
fn context() -> Result<std::sync::MutexGuard<'static, Gpu>> {
    let cell = GPU.get_or_init(|| {
        match std::panic::catch_unwind(init) {
            Ok(r) => r,
            Err(_) => Err("the graphics library panicked while looking for an adapter".into()),
        }
        .map(Mutex::new)
    });
    match cell {
        Err(reason) => Err(no_adapter(reason)),
        Ok(m) => {
            let g = m.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(b) = &g.broken {
                return Err(device_error(format!(
                    "the device failed earlier in this process ({b}); restart the process"
                )));
            }
            Ok(g)
        }
    }
}

/// Whether the GPU backend can run here: the adapter's description, or why not (no
/// adapter, no f64 shaders, or an earlier device failure).
pub fn available() -> Result<String> {
    guarded(|| Ok(context()?.adapter.clone()))
}

/// How long a call waits for the device before giving up.
fn timeout() -> Duration {
    let secs = std::env::var("DIFFKNAP_GPU_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(600.0);
    Duration::from_secs_f64(secs.min(1e9))
}

impl Gpu {
    fn take_error(&self) -> Option<String> {
        if self.lost.load(Ordering::SeqCst) {
            return Some("the device was lost".into());
        }
        self.errors
            .lock()
            .ok()
            .and_then(|mut v| (!v.is_empty()).then(|| v.drain(..).collect::<Vec<_>>().join("; ")))
    }

    /// Marks the device as failed and returns the error.
    fn fail(&mut self, what: String) -> Error {
        self.broken = Some(what.clone());
        device_error(what)
    }

    /// Submits `encoder`, then maps the first `bytes` of the staging buffer and returns
    /// them, with a timeout.
    fn submit_and_read(&mut self, encoder: wgpu::CommandEncoder, bytes: u64) -> Result<Vec<u8>> {
        if let Some(e) = self.take_error() {
            return Err(self.fail(e));
        }
        let index = self.queue.submit([encoder.finish()]);
        let staging = self.bufs.staging.clone().expect("staging buffer allocated");
        let (tx, rx) = std::sync::mpsc::channel();
        staging.map_async(wgpu::MapMode::Read, 0..bytes, move |r| {
            let _ = tx.send(r);
        });
        let limit = timeout();
        let waited = self.device.poll(wgpu::PollType::Wait {
            submission_index: Some(index),
            timeout: Some(limit),
        });
        if let Err(e) = waited {
            let what = match e {
                wgpu::PollError::Timeout => format!(
                    "the device did not finish within {:.0} s (DIFFKNAP_GPU_TIMEOUT)",
                    limit.as_secs_f64()
                ),
                other => format!("waiting for the device failed: {other}"),
            };
            return Err(self.fail(what));
        }
        let mapped = match rx.try_recv() {
            Ok(r) => r,
            Err(_) => {
                // The mapping callback runs on a poll; one more bounded wait.
                let _ = self.device.poll(wgpu::PollType::Wait {
                    submission_index: None,
                    timeout: Some(limit),
                });
                match rx.try_recv() {
                    Ok(r) => r,
                    Err(_) => {
                        return Err(self.fail("mapping the result buffer never completed".into()));
                    }
                }
            }
        };
        if let Err(e) = mapped {
            return Err(self.fail(format!("mapping the result buffer failed: {e}")));
        }
        if let Some(e) = self.take_error() {
            return Err(self.fail(e));
        }
        let data = match staging.get_mapped_range(0..bytes) {
            Ok(view) => view.to_vec(),
            Err(e) => return Err(self.fail(format!("reading the result buffer failed: {e}"))),
        };
        staging.unmap();
        Ok(data)
    }

    fn bind_group(&self, sizes: [u64; 6]) -> wgpu::BindGroup {
        let b = &self.bufs;
        let bufs = [&b.inst, &b.fdata, &b.q, &b.qd, &b.roll, &b.out];
        let entries: Vec<wgpu::BindGroupEntry> = bufs
            .iter()
            .zip(sizes)
            .enumerate()
            .map(|(k, (buf, size))| wgpu::BindGroupEntry {
                binding: k as u32,
                resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                    buffer: buf.as_ref().expect("buffer allocated"),
                    offset: 0,
                    size: std::num::NonZeroU64::new(size.max(8)),
                }),
            })
            .collect();
        self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("diffknap"),
            layout: &self.layout,
            entries: &entries,
        })
    }

    /// Allocates (or reuses) every buffer for the given byte sizes.
    fn prepare(&mut self, sizes: [u64; 6], staging: u64) {
        use wgpu::BufferUsages as U;
        let cap = self.max_bind;
        let d = &self.device;
        let b = &mut self.bufs;
        ensure(
            d,
            &mut b.inst,
            sizes[0],
            U::STORAGE | U::COPY_DST,
            "inst",
            cap,
        );
        ensure(
            d,
            &mut b.fdata,
            sizes[1],
            U::STORAGE | U::COPY_DST,
            "fdata",
            cap,
        );
        ensure(d, &mut b.q, sizes[2], U::STORAGE | U::COPY_SRC, "q", cap);
        ensure(d, &mut b.qd, sizes[3], U::STORAGE, "qd", cap);
        ensure(d, &mut b.roll, sizes[4], U::STORAGE, "roll", cap);
        ensure(
            d,
            &mut b.out,
            sizes[5],
            U::STORAGE | U::COPY_SRC,
            "out",
            cap,
        );
        ensure(
            d,
            &mut b.staging,
            staging,
            U::MAP_READ | U::COPY_DST,
            "staging",
            u64::MAX,
        );
    }

    /// Dispatches `pipeline` over `groups` workgroups with the current buffers.
    fn dispatch(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        pipelines: &[&wgpu::ComputePipeline],
        group: &wgpu::BindGroup,
        groups: u32,
    ) {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("diffknap"),
            timestamp_writes: None,
        });
        pass.set_bind_group(0, group, &[]);
        let (x, y) = (groups.clamp(1, GRID_X), groups.div_ceil(GRID_X).max(1));
        for p in pipelines {
            pass.set_pipeline(p);
            pass.dispatch_workgroups(x, y, 1);
        }
    }
}

/// One instance of a chunk, as laid out on the device.
struct Laid {
    /// Index in the caller's batch.
    k: usize,
    n: usize,
    cols: usize,
    tab: u64,
    out: u64,
    tangent: bool,
    samples: bool,
}

fn reg_code(reg: RegKind) -> u32 {
    match reg {
        RegKind::Hard => 0,
        RegKind::Shannon => 1,
        RegKind::Gini => 2,
        _ => 3,
    }
}

/// Bytes of one device table (Q or Qdot) of an instance.
fn table_bytes(it: &BatchItem, es: u64) -> u64 {
    let cells = (it.instance.n() as u64).saturating_mul(it.instance.capacity() as u64 + 1);
    cells.saturating_mul(es)
}

/// Little-endian bytes of `v` in the precision's width.
fn to_bytes(v: &[f64], precision: Precision) -> Vec<u8> {
    match precision {
        Precision::F64 => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        Precision::F32 => v.iter().flat_map(|&x| (x as f32).to_le_bytes()).collect(),
    }
}

/// The numbers of `v` (in the precision's width), widened to f64.
fn from_bytes(v: &[u8], precision: Precision) -> Vec<f64> {
    match precision {
        Precision::F64 => v
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect(),
        Precision::F32 => v
            .chunks_exact(4)
            .map(|c| f64::from(f32::from_le_bytes(c.try_into().expect("4 bytes"))))
            .collect(),
    }
}

/// Runs one chunk (every instance validated, with a kernel) and fills `out`.
fn run_chunk(
    g: &mut Gpu,
    precision: Precision,
    items: &[BatchItem],
    chunk: &[usize],
    out: &mut [Option<Result<Relaxed<f64>>>],
) -> Result<()> {
    let count = chunk.len();
    let mut inst: Vec<u32> = Vec::with_capacity(8 * count);
    let mut fdata: Vec<f64> = vec![f64::NEG_INFINITY];
    let params0 = 1;
    let items0 = params0 + 4 * count;
    fdata.resize(items0, 0.0);
    let (mut tab, mut roll, mut outp) = (0u64, 0u64, 0u64);
    let mut laid = Vec::with_capacity(count);
    let mut any_tangent = false;
    for (b, &k) in chunk.iter().enumerate() {
        let it = &items[k];
        let (n, cols) = (it.instance.n(), it.instance.capacity() + 1);
        let tangent = it.extras.z.is_some() && it.regularizer != RegKind::Hard;
        any_tangent |= tangent;
        let gamma = it.gamma;
        let p = params0 + 4 * b;
        fdata[p..p + 4].copy_from_slice(&[gamma, 1.0 / gamma, 1.0 / (2.0 * gamma), gamma / 3.0]);
        let item_at = fdata.len();
        let z = it.extras.z.as_deref();
        for i in 0..n {
            fdata.push(it.instance.theta()[i]);
            fdata.push(z.map_or(0.0, |z| z[i]));
            fdata.push(it.instance.weights()[i] as f64);
        }
        let flags = reg_code(it.regularizer)
            | (u32::from(it.instance.constraint().is_equality()) << 2)
            | (u32::from(tangent) << 3);
        inst.extend_from_slice(&[
            n as u32,
            cols as u32,
            item_at as u32,
            tab as u32,
            roll as u32,
            flags,
            outp as u32,
            p as u32,
        ]);
        laid.push(Laid {
            k,
            n,
            cols,
            tab,
            out: outp,
            tangent,
            samples: it.extras.samples > 0,
        });
        tab += (n * cols) as u64;
        roll += 4 * cols as u64;
        outp += 2 + 2 * n as u64;
    }
    let es = precision.bytes();
    let sizes = [
        4 * inst.len() as u64,
        es * fdata.len() as u64,
        es * tab,
        if any_tangent { es * tab } else { 8 },
        es * roll,
        es * outp,
    ];
    let sampled: u64 = laid
        .iter()
        .filter(|l| l.samples)
        .map(|l| es * (l.n * l.cols) as u64)
        .sum();
    let staging = (es * outp + sampled).div_ceil(8) * 8;
    g.prepare(sizes, staging);
    let b = &g.bufs;
    g.queue
        .write_buffer(b.inst.as_ref().expect("allocated"), 0, &u32_bytes(&inst));
    g.queue.write_buffer(
        b.fdata.as_ref().expect("allocated"),
        0,
        &to_bytes(&fdata, precision),
    );
    let group = g.bind_group(sizes);
    let mut encoder = g
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
    g.dispatch(
        &mut encoder,
        &[
            &g.pipes[precision as usize].forward,
            &g.pipes[precision as usize].backward,
        ],
        &group,
        count as u32,
    );
    let b = &g.bufs;
    let staging_buf = b.staging.as_ref().expect("allocated");
    encoder.copy_buffer_to_buffer(
        b.out.as_ref().expect("allocated"),
        0,
        staging_buf,
        0,
        es * outp,
    );
    let mut at = es * outp;
    let mut q_at = Vec::with_capacity(count);
    for l in &laid {
        q_at.push(at);
        if l.samples && l.n * l.cols > 0 {
            let bytes = es * (l.n * l.cols) as u64;
            encoder.copy_buffer_to_buffer(
                b.q.as_ref().expect("allocated"),
                es * l.tab,
                staging_buf,
                at,
                bytes,
            );
            at += bytes;
        }
    }
    let data = g.submit_and_read(encoder, staging.max(8))?;
    let vals = from_bytes(&data, precision);
    for (l, &qa) in laid.iter().zip(&q_at) {
        let it = &items[l.k];
        let o = l.out as usize;
        let value = vals[o];
        if value == f64::NEG_INFINITY {
            out[l.k] = Some(Err(Error::Infeasible {
                reason: "the forward pass found no feasible set".into(),
            }));
            continue;
        }
        let y = vals[o + 2..o + 2 + l.n].to_vec();
        let vjp = it.extras.z.as_ref().map(|_| {
            if l.tangent {
                vals[o + 2 + l.n..o + 2 + 2 * l.n].to_vec()
            } else {
                vec![0.0; l.n]
            }
        });
        let mut samples = Vec::with_capacity(it.extras.samples);
        if l.samples {
            let qa = (qa / es) as usize;
            let q = &vals[qa..qa + l.n * l.cols];
            let mut rng = Rng::seed(it.extras.seed);
            for _ in 0..it.extras.samples {
                samples.push(sample_q(it.instance, q, l.cols, &mut rng));
            }
        }
        let r = Relaxed {
            value,
            y,
            vjp,
            samples,
        };
        out[l.k] = Some(crate::ops::check_finite(&r).map(|_| r));
    }
    Ok(())
}

fn u32_bytes(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The whole pipeline on the GPU for a batch, in input order: value, y, the VJP where `z`
/// is set, and samples (walked on the host over the Q rows read back). Instances may differ
/// in everything. Errors are per instance, except that an unavailable or failed device
/// fails every instance that needed it.
pub fn relax_batch(items: &[BatchItem], precision: Precision) -> Vec<Result<Relaxed<f64>>> {
    relax_batch_within(items, precision, MAX_TABLE_BYTES)
}

/// [`relax_batch`] with at most `max_table_bytes` bytes in each device table (Q, Qdot, the
/// rolling rows, the read-back) per submission, besides the adapter's own limits: a batch
/// that needs more runs in several chunks (same results), and an instance that alone needs
/// more is refused with [`Error::Limit`].
pub fn relax_batch_within(
    items: &[BatchItem],
    precision: Precision,
    max_table_bytes: u64,
) -> Vec<Result<Relaxed<f64>>> {
    let mut out: Vec<Option<Result<Relaxed<f64>>>> = items.iter().map(|_| None).collect();
    let mut todo = Vec::new();
    for (k, it) in items.iter().enumerate() {
        if matches!(it.regularizer, RegKind::Alpha(_) | RegKind::Custom) {
            out[k] = Some(crate::ops::relax_f64(
                it.instance,
                it.regularizer,
                it.gamma,
                it.extras,
            ));
            continue;
        }
        let checked = it
            .regularizer
            .check_gamma(&it.gamma)
            .and_then(|_| match &it.extras.z {
                Some(z) => it.instance.check_z(z),
                None => Ok(()),
            });
        if let Err(e) = checked {
            out[k] = Some(Err(e));
            continue;
        }
        todo.push(k);
    }
    if !todo.is_empty() {
        let r = guarded(|| {
            let mut g = context()?;
            let cap = g.max_bind.min(max_table_bytes);
            let mut chunk: Vec<usize> = Vec::new();
            let (mut tab, mut roll, mut fd, mut stage) = (0u64, 0u64, 0u64, 0u64);
            for &k in &todo {
                let it = &items[k];
                let es = precision.bytes();
                let t = table_bytes(it, es);
                let r = 4 * es * (it.instance.capacity() as u64 + 1);
                let f = 3 * es * it.instance.n() as u64 + 64;
                // Read back: the outputs, and Q for samples.
                let s = f + if it.extras.samples > 0 { t } else { 0 };
                // f32 holds integer weights (and capacities) exactly up to 2^24.
                let max_cap = match precision {
                    Precision::F64 => u32::MAX as usize / 8,
                    Precision::F32 => 1 << 24,
                };
                if it.instance.capacity() >= max_cap {
                    out[k] = Some(Err(Error::Limit {
                        what: "backend gpu: capacity".into(),
                        needed: it.instance.capacity() as u128,
                        limit: max_cap as u128 - 1,
                        how: "f32 holds integer weights exactly up to 2^24; use the f64 GPU \
                              backend or a CPU backend"
                            .into(),
                    }));
                    continue;
                }
                if t > cap || r > cap || s > cap {
                    out[k] = Some(Err(Error::Limit {
                        what: "backend gpu: the choice table (8 bytes per cell in f64, 4 in f32)"
                            .into(),
                        needed: u128::from(t.max(r)),
                        limit: u128::from(cap),
                        how: format!(
                            "the largest buffer of adapter {} or the call's table limit; use \
                             --backend auto, whose checkpointed memory handles any size",
                            g.adapter
                        ),
                    }));
                    continue;
                }
                if tab + t > cap
                    || roll + r > cap
                    || fd + f > cap
                    || stage + s > cap
                    || chunk.len() >= 1 << 24
                {
                    run_chunk(&mut g, precision, items, &chunk, &mut out)?;
                    chunk.clear();
                    (tab, roll, fd, stage) = (0, 0, 0, 0);
                }
                chunk.push(k);
                tab += t;
                roll += r;
                fd += f;
                stage += s;
            }
            if !chunk.is_empty() {
                run_chunk(&mut g, precision, items, &chunk, &mut out)?;
            }
            Ok(())
        });
        if let Err(e) = r {
            for &k in &todo {
                if out[k].is_none() {
                    out[k] = Some(Err(e.clone()));
                }
            }
        }
    }
    out.into_iter()
        .map(|r| r.expect("every instance was answered"))
        .collect()
}

/// The shader's own `exp` and `ln(1 + x)` evaluated on the device at `xs` (for testing
/// their accuracy): `(exp(x), ln_1p(x))` for each x, the second 0 outside [0, 1].
pub fn math_probe(xs: &[f64]) -> Result<Vec<(f64, f64)>> {
    guarded(|| {
        let mut g = context()?;
        let count = xs.len();
        if count == 0 {
            return Ok(Vec::new());
        }
        let mut fdata = vec![f64::NEG_INFINITY];
        fdata.extend_from_slice(xs);
        let sizes = [8, 8 * fdata.len() as u64, 8, 8, 8, 16 * count as u64];
        if sizes[1] > g.max_bind {
            return Err(device_error("too many probe points for one buffer"));
        }
        g.prepare(sizes, sizes[5]);
        g.queue.write_buffer(
            g.bufs.fdata.as_ref().expect("allocated"),
            0,
            &to_bytes(&fdata, Precision::F64),
        );
        let group = g.bind_group(sizes);
        let mut encoder = g
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
        g.dispatch(
            &mut encoder,
            &[&g.pipes[0].math],
            &group,
            (count as u32).div_ceil(64),
        );
        encoder.copy_buffer_to_buffer(
            g.bufs.out.as_ref().expect("allocated"),
            0,
            g.bufs.staging.as_ref().expect("allocated"),
            0,
            sizes[5],
        );
        let data = g.submit_and_read(encoder, sizes[5])?;
        let v = from_bytes(&data, Precision::F64);
        Ok(v.chunks_exact(2).map(|p| (p[0], p[1])).collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constant_is_filled_in_and_ln2_is_split_exactly() {
        let src = shader_source(Precision::F64);
        assert!(!shader_source(Precision::F32).contains("f64"));
        let left: Vec<&str> = src
            .match_indices('{')
            .map(|(i, _)| &src[i..(i + 12).min(src.len())])
            .filter(|t| t[1..].starts_with(|c: char| c.is_ascii_uppercase()))
            .collect();
        assert!(left.is_empty(), "unfilled: {left:?}");
        // LN2_HI has 32 significant bits (21 trailing zero bits of 52), so k LN2_HI is exact
        // for |k| < 2^21; HI + LO is ln 2 to about 2^-90.
        assert_eq!(ln2_hi(false).to_bits() & ((1 << 21) - 1), 0);
        assert_eq!(ln2_hi(false) + ln2_lo(false), std::f64::consts::LN_2);
        assert!((ln2_lo(false) - 1.908_214_929_270_587_7e-10).abs() < 1e-26);
        // f32: 16 significant bits (k has at most 8 bits in f32's range).
        assert_eq!((ln2_hi(true) as f32).to_bits() & ((1 << 8) - 1), 0);
    }
}
