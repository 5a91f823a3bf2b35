//! `diffknap._native`: the Python extension module over the diffknap library.
//!
//! The Python package (`python/diffknap/`) normalises arguments (dtypes, shapes,
//! broadcasting) and calls the functions here with 2-D row-major arrays: one row per
//! instance. Everything numeric is done by the library: [`diffknap::backend`] (f64, fast
//! kernels), [`diffknap::ops`] (f64 reference and exact rationals),
//! [`diffknap::certified`], [`diffknap::solve`] and the validator's comparison logic.
//!
//! The GIL is released during computation; library errors become `diffknap.Error` (a
//! subclass of `ValueError`) with the library's message, prefixed by `row b: ` when the
//! input was a batch. Fast-path tables are kept in a pool of [`Workspace`]s and reused from
//! call to call.

use diffknap::backend::{self, Backend, Plan, Workspace};
use diffknap::certified::fmt::interval_strings;
use diffknap::certified::{Certified, Method, Target, relax_certified};
use diffknap::num::Num;
use diffknap::num::rational::{Rational, rational_to_f64};
use diffknap::ops::{self, Extras, Relaxed, relax_exact};
use diffknap::{Budget, Constraint, Instance, RegKind};
use num_bigint::BigInt;
use num_traits::Zero;
use numpy::ndarray::{Array2, Array3};
use numpy::{IntoPyArray, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

pyo3::create_exception!(
    diffknap,
    Error,
    PyValueError,
    "Bad input or a refused computation; the message names the field and the rule."
);

fn err(msg: impl Into<String>) -> PyErr {
    Error::new_err(msg.into())
}

/// A library error of row `b`, prefixed with the row when the call was batched.
fn row_err(batched: bool, b: usize, e: &diffknap::Error) -> PyErr {
    if batched {
        err(format!("row {b}: {e}"))
    } else {
        err(e.to_string())
    }
}

// ---------------------------------------------------------------------------------------
// Workspaces and the row-parallel driver.

/// Workspaces of past calls, reused by the next ones (one per worker thread).
static POOL: Mutex<Vec<Workspace>> = Mutex::new(Vec::new());
/// A workspace holding more than this is dropped after the call rather than kept.
const KEEP_BYTES: usize = 256 << 20;
/// At most this many workspaces are kept.
const KEEP_COUNT: usize = 64;

fn take_ws() -> Workspace {
    POOL.lock()
        .unwrap_or_else(|p| p.into_inner())
        .pop()
        .unwrap_or_default()
}

fn give_ws(ws: Workspace) {
    if ws.bytes() <= KEEP_BYTES {
        let mut pool = POOL.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < KEEP_COUNT {
            pool.push(ws);
        }
    }
}

/// `f(ws, 0), ..., f(ws, rows - 1)` in order on up to `threads` threads (the calling one
/// included), each thread with a pooled workspace.
fn par_rows<T: Send>(
    rows: usize,
    threads: usize,
    f: impl Fn(&mut Workspace, usize) -> T + Sync,
) -> Vec<T> {
    let threads = threads.min(rows).max(1);
    if threads == 1 {
        let mut ws = take_ws();
        let out = (0..rows).map(|b| f(&mut ws, b)).collect();
        give_ws(ws);
        return out;
    }
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut ws = take_ws();
        let mut mine = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= rows {
                break;
            }
            mine.push((k, f(&mut ws, k)));
        }
        give_ws(ws);
        mine
    };
    let mut parts = std::thread::scope(|s| {
        let handles: Vec<_> = (1..threads).map(|_| s.spawn(worker)).collect();
        let mut all = worker();
        for h in handles {
            match h.join() {
                Ok(v) => all.extend(v),
                Err(p) => std::panic::resume_unwind(p),
            }
        }
        all
    });
    parts.sort_by_key(|p| p.0);
    parts.into_iter().map(|p| p.1).collect()
}

/// The number of cores, read once: `available_parallelism` reads cgroup files on Linux, which
/// costs tens of microseconds, more than a whole small instance.
fn default_threads() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// [`Backend::plan`], computed once per backend (it detects the instruction set and counts
/// the cores).
fn plan_of(backend: Backend) -> Option<Plan> {
    static PLANS: OnceLock<Vec<(Backend, Option<Plan>)>> = OnceLock::new();
    PLANS
        .get_or_init(|| Backend::ALL.iter().map(|&b| (b, b.plan())).collect())
        .iter()
        .find(|(b, _)| *b == backend)
        .and_then(|(_, p)| *p)
}

/// The GPU backend on every row in one batch call (one dispatch per chunk of rows): rows
/// whose instance cannot be built keep their own error.
fn gpu_rows(
    backend: Backend,
    rows: usize,
    build: impl Fn(usize) -> diffknap::Result<(Instance<f64>, Extras<f64>, f64)>,
    reg: RegKind,
) -> Vec<diffknap::Result<Relaxed<f64>>> {
    let built: Vec<_> = (0..rows).map(build).collect();
    let items: Vec<backend::BatchItem> = built
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|(instance, extras, gamma)| backend::BatchItem {
            instance,
            regularizer: reg,
            gamma: *gamma,
            extras,
        })
        .collect();
    let mut answers = backend::relax_batch_with_backend(&items, backend).into_iter();
    built
        .into_iter()
        .map(|r| match r {
            Err(e) => Err(e),
            Ok(_) => answers.next().expect("one answer per built row"),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The batch of instances: everything but the scores.

/// Shared or per-row capacities, weights and constraint of a batch of `rows` instances of
/// `n` items each.
struct Shape {
    rows: usize,
    n: usize,
    constraint: Constraint,
    capacity: Vec<u64>,
    weights: Option<(Vec<u64>, usize)>,
}

/// Integers from numpy (int64) as `u64`, or the error naming the first negative one.
fn nonneg(xs: impl Iterator<Item = i64>, name: &str) -> PyResult<Vec<u64>> {
    xs.map(|x| {
        u64::try_from(x)
            .map_err(|_| err(format!("{name}: must be a non-negative integer; got {x}")))
    })
    .collect()
}

impl Shape {
    fn new(
        rows: usize,
        n: usize,
        constraint: &str,
        capacity: &PyReadonlyArray1<i64>,
        weights: Option<&PyReadonlyArray2<i64>>,
    ) -> PyResult<Self> {
        let constraint = Constraint::parse(constraint).map_err(|e| err(e.to_string()))?;
        let capacity = nonneg(capacity.as_array().iter().copied(), "capacity")?;
        if capacity.len() != 1 && capacity.len() != rows {
            return Err(err(format!(
                "capacity: must be one number or one per row ({rows}); found {}",
                capacity.len()
            )));
        }
        let weights = match weights {
            None => None,
            Some(w) => {
                let a = w.as_array();
                let (wr, wn) = a.dim();
                if wn != n || (wr != 1 && wr != rows) {
                    return Err(err(format!(
                        "weights: shape must be ({n},) or ({rows}, {n}); found ({wr}, {wn})"
                    )));
                }
                Some((nonneg(a.iter().copied(), "weights")?, wr))
            }
        };
        Ok(Shape {
            rows,
            n,
            constraint,
            capacity,
            weights,
        })
    }

    fn capacity(&self, b: usize) -> u64 {
        self.capacity[if self.capacity.len() == 1 { 0 } else { b }]
    }

    fn weights(&self, b: usize) -> Option<Vec<u64>> {
        self.weights.as_ref().map(|(w, wr)| {
            let r = if *wr == 1 { 0 } else { b };
            w[r * self.n..(r + 1) * self.n].to_vec()
        })
    }

    fn instance<T: Num>(&self, b: usize, theta: Vec<T>) -> diffknap::Result<Instance<T>> {
        Instance::new(
            self.constraint,
            theta,
            self.weights(b),
            self.capacity(b),
            Budget::default(),
        )
    }

    /// Whether spreading rows over threads pays: several rows and enough cells in total.
    fn parallel_pays(&self) -> bool {
        let cells: u128 = (0..self.rows)
            .map(|b| (self.n as u128 + 1) * (self.capacity(b) as u128 + 1))
            .sum();
        self.rows >= 2 && cells >= 1 << 15
    }
}

fn row_of<T: Copy>(flat: &[T], rows: usize, n: usize, b: usize) -> &[T] {
    let r = if rows == 1 { 0 } else { b };
    &flat[r * n..(r + 1) * n]
}

fn per_row<T: Copy>(v: &[T], b: usize) -> T {
    v[if v.len() == 1 { 0 } else { b }]
}

fn contiguous<'a, T: numpy::Element, D: numpy::ndarray::Dimension>(
    a: &'a numpy::PyReadonlyArray<'_, T, D>,
    name: &str,
) -> PyResult<&'a [T]> {
    a.as_slice()
        .map_err(|_| err(format!("{name}: internal: the array is not contiguous")))
}

fn check_rows(name: &str, found: usize, rows: usize) -> PyResult<()> {
    if found != 1 && found != rows {
        return Err(err(format!(
            "{name}: must have one row or one per row of theta ({rows}); found {found}"
        )));
    }
    Ok(())
}

/// The cotangent rows: `(data, number of rows)` after checking its length and row count.
fn z_rows<'a>(
    z: Option<&'a PyReadonlyArray2<'_, f64>>,
    n: usize,
    rows: usize,
) -> PyResult<Option<(&'a [f64], usize)>> {
    let Some(z) = z else { return Ok(None) };
    let (zr, zn) = z.as_array().dim();
    if zn != n {
        return Err(err(format!(
            "z: length must be {n} (the number of items), found {zn}"
        )));
    }
    check_rows("z", zr, rows)?;
    Ok(Some((contiguous(z, "z")?, zr)))
}

fn reg_of(name: &str) -> PyResult<RegKind> {
    RegKind::parse(name).map_err(|e| err(e.to_string()))
}

fn shape_err(e: impl std::fmt::Display) -> PyErr {
    err(format!("internal: output shape: {e}"))
}

// ---------------------------------------------------------------------------------------
// f64

/// The operators in f64 on a batch: value, y, and optionally vjp, samples and log_prob.
#[pyfunction]
#[pyo3(signature = (theta, capacity, weights, constraint, regularizer, gamma, z, samples, seed, backend, threads, batched))]
#[allow(clippy::too_many_arguments)]
fn relax_f64<'py>(
    py: Python<'py>,
    theta: PyReadonlyArray2<'py, f64>,
    capacity: PyReadonlyArray1<'py, i64>,
    weights: Option<PyReadonlyArray2<'py, i64>>,
    constraint: &str,
    regularizer: &str,
    gamma: PyReadonlyArray1<'py, f64>,
    z: Option<PyReadonlyArray2<'py, f64>>,
    samples: usize,
    seed: u64,
    backend: &str,
    threads: Option<usize>,
    batched: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let (rows, n) = theta.as_array().dim();
    let shape = Shape::new(rows, n, constraint, &capacity, weights.as_ref())?;
    let reg = reg_of(regularizer)?;
    let backend = Backend::parse(backend).map_err(|e| err(e.to_string()))?;
    let theta_s = contiguous(&theta, "theta")?;
    let gamma_s = contiguous(&gamma, "gamma")?;
    check_rows("gamma", gamma_s.len(), rows)?;
    let z_s = z_rows(z.as_ref(), n, rows)?;
    if samples > 1_000_000 {
        return Err(err("samples: must be at most 1000000"));
    }
    let sample_cells = (rows as u128) * (samples as u128) * (n.max(1) as u128);
    if sample_cells > 1 << 31 {
        return Err(err(format!(
            "samples: rows * samples * n = {sample_cells} is over the limit of 2^31 sampled entries"
        )));
    }
    let threads = threads.unwrap_or_else(default_threads).max(1);
    let results: Vec<diffknap::Result<Relaxed<f64>>> = py.detach(|| {
        let one = |ws: &mut Workspace, b: usize, plan: Option<&Plan>| {
            let inst = shape.instance(b, row_of(theta_s, rows, n, b).to_vec())?;
            let extras = Extras {
                z: z_s.map(|(z, zr)| row_of(z, zr, n, b).to_vec()),
                samples,
                seed: seed.wrapping_add(b as u64),
            };
            let g = per_row(gamma_s, b);
            match plan {
                None => ops::relax_f64(&inst, reg, g, &extras),
                Some(p) => backend::relax_in(ws, &inst, reg, g, &extras, p),
            }
        };
        if matches!(backend, Backend::Gpu | Backend::GpuF32) {
            return gpu_rows(
                backend,
                rows,
                |b| {
                    let inst = shape.instance(b, row_of(theta_s, rows, n, b).to_vec())?;
                    let extras = Extras {
                        z: z_s.map(|(z, zr)| row_of(z, zr, n, b).to_vec()),
                        samples,
                        seed: seed.wrapping_add(b as u64),
                    };
                    Ok((inst, extras, per_row(gamma_s, b)))
                },
                reg,
            );
        }
        match plan_of(backend) {
            // The reference runs one instance after another.
            None => par_rows(rows, 1, |ws, b| one(ws, b, None)),
            Some(mut plan) => {
                plan.par = match plan.par {
                    backend::Par::Seq => backend::Par::Seq,
                    backend::Par::Threads(t) => backend::Par::Threads(t.min(threads)),
                };
                let t = plan.par.threads();
                if t > 1 && shape.parallel_pays() {
                    // Rows spread over threads, each row on one thread.
                    let row_plan = Plan {
                        par: backend::Par::Seq,
                        ..plan
                    };
                    par_rows(rows, t, |ws, b| one(ws, b, Some(&row_plan)))
                } else {
                    par_rows(rows, 1, |ws, b| one(ws, b, Some(&plan)))
                }
            }
        }
    });
    let mut value = Vec::with_capacity(rows);
    let mut y = Vec::with_capacity(rows * n);
    let mut vjp = Vec::with_capacity(if z_s.is_some() { rows * n } else { 0 });
    let mut sel = Vec::with_capacity(rows * samples * n);
    let mut log_prob = Vec::with_capacity(rows * samples);
    for (b, r) in results.into_iter().enumerate() {
        let out = r.map_err(|e| row_err(batched, b, &e))?;
        value.push(out.value);
        y.extend_from_slice(&out.y);
        if let Some(v) = &out.vjp {
            vjp.extend_from_slice(v);
        }
        for s in &out.samples {
            sel.extend_from_slice(&s.selection);
            log_prob.push(s.log_prob);
        }
    }
    let d = PyDict::new(py);
    d.set_item("value", value.into_pyarray(py))?;
    d.set_item(
        "y",
        Array2::from_shape_vec((rows, n), y)
            .map_err(shape_err)?
            .into_pyarray(py),
    )?;
    if z_s.is_some() {
        d.set_item(
            "vjp",
            Array2::from_shape_vec((rows, n), vjp)
                .map_err(shape_err)?
                .into_pyarray(py),
        )?;
    }
    if samples > 0 {
        d.set_item(
            "samples",
            Array3::from_shape_vec((rows, samples, n), sel)
                .map_err(shape_err)?
                .into_pyarray(py),
        )?;
        d.set_item(
            "log_prob",
            Array2::from_shape_vec((rows, samples), log_prob)
                .map_err(shape_err)?
                .into_pyarray(py),
        )?;
    }
    Ok(d)
}

// ---------------------------------------------------------------------------------------
// Exact rationals

/// Exact numbers from Python: a float64 array (each f64 taken exactly) or nested lists of
/// (numerator, denominator) pairs of Python ints.
enum Exacts {
    Floats(Vec<f64>, usize, usize),
    Pairs(Vec<Vec<(BigInt, BigInt)>>),
}

impl Exacts {
    fn extract(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Self> {
        if let Ok(a) = obj.extract::<PyReadonlyArray2<f64>>() {
            let (r, n) = a.as_array().dim();
            return Ok(Exacts::Floats(a.as_array().iter().copied().collect(), r, n));
        }
        let pairs: Vec<Vec<(BigInt, BigInt)>> = obj.extract().map_err(|_| {
            err(format!(
                "{name}: must be a float64 array or rows of (numerator, denominator) pairs"
            ))
        })?;
        Ok(Exacts::Pairs(pairs))
    }

    fn rows(&self) -> usize {
        match self {
            Exacts::Floats(_, r, _) => *r,
            Exacts::Pairs(p) => p.len(),
        }
    }

    fn row_len(&self, b: usize) -> usize {
        match self {
            Exacts::Floats(_, _, n) => *n,
            Exacts::Pairs(p) => p.get(b).map_or(0, |r| r.len()),
        }
    }

    /// Row `b` (row 0 if there is one row), or the error naming `name[i]`.
    fn row(&self, b: usize, name: &str) -> diffknap::Result<Vec<Rational>> {
        let b = if self.rows() == 1 { 0 } else { b };
        match self {
            Exacts::Floats(v, _, n) => v[b * n..(b + 1) * n]
                .iter()
                .enumerate()
                .map(|(i, &x)| {
                    if x.is_finite() {
                        Ok(Rational::from_f64(x))
                    } else {
                        Err(diffknap::Error::NonFinite {
                            field: format!("{name}[{i}]"),
                        })
                    }
                })
                .collect(),
            Exacts::Pairs(p) => p[b]
                .iter()
                .enumerate()
                .map(|(i, (num, den))| {
                    if den.is_zero() {
                        Err(diffknap::Error::Invalid {
                            field: format!("{name}[{i}]"),
                            rule: "fraction has a zero denominator".into(),
                        })
                    } else {
                        Ok(Rational::new(num.clone(), den.clone()))
                    }
                })
                .collect(),
        }
    }
}

fn pair(r: &Rational) -> (BigInt, BigInt) {
    (r.numer().clone(), r.denom().clone())
}

/// The operators in exact rational arithmetic (hard and gini): value, y and optionally vjp
/// as (numerator, denominator) pairs.
#[pyfunction]
#[pyo3(signature = (theta, capacity, weights, constraint, regularizer, gamma, z, threads, batched))]
#[allow(clippy::too_many_arguments)]
fn relax_exact_pairs<'py>(
    py: Python<'py>,
    theta: Bound<'py, PyAny>,
    capacity: PyReadonlyArray1<'py, i64>,
    weights: Option<PyReadonlyArray2<'py, i64>>,
    constraint: &str,
    regularizer: &str,
    gamma: Vec<(BigInt, BigInt)>,
    z: Option<Bound<'py, PyAny>>,
    threads: Option<usize>,
    batched: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let theta = Exacts::extract(&theta, "theta")?;
    let rows = theta.rows();
    let n = theta.row_len(0);
    for b in 0..rows {
        if theta.row_len(b) != n {
            return Err(err(format!(
                "theta: every row must have {n} entries; row {b} has {}",
                theta.row_len(b)
            )));
        }
    }
    let shape = Shape::new(rows, n, constraint, &capacity, weights.as_ref())?;
    let reg = reg_of(regularizer)?;
    check_rows("gamma", gamma.len(), rows)?;
    let z = match z {
        Some(z) => {
            let z = Exacts::extract(&z, "z")?;
            check_rows("z", z.rows(), rows)?;
            Some(z)
        }
        None => None,
    };
    let threads = threads.unwrap_or_else(default_threads).max(1);
    let results = py.detach(|| {
        par_rows(rows, if rows >= 2 { threads } else { 1 }, |_, b| {
            let inst = shape.instance(b, theta.row(b, "theta")?)?;
            let (gn, gd) = &gamma[if gamma.len() == 1 { 0 } else { b }];
            if gd.is_zero() {
                return Err(diffknap::Error::Invalid {
                    field: "gamma".into(),
                    rule: "fraction has a zero denominator".into(),
                });
            }
            let g = Rational::new(gn.clone(), gd.clone());
            let extras = Extras {
                z: match &z {
                    Some(z) => Some(z.row(b, "z")?),
                    None => None,
                },
                samples: 0,
                seed: 0,
            };
            if let Some(zz) = &extras.z {
                inst.check_z(zz)?;
            }
            relax_exact(&inst, reg, &g, &extras)
        })
    });
    let mut value = Vec::with_capacity(rows);
    let mut y = Vec::with_capacity(rows);
    let mut vjp = Vec::new();
    for (b, r) in results.into_iter().enumerate() {
        let out = r.map_err(|e| row_err(batched, b, &e))?;
        value.push(pair(&out.value));
        y.push(out.y.iter().map(pair).collect::<Vec<_>>());
        if let Some(v) = &out.vjp {
            vjp.push(v.iter().map(pair).collect::<Vec<_>>());
        }
    }
    let d = PyDict::new(py);
    d.set_item("value", value)?;
    d.set_item("y", y)?;
    if z.is_some() {
        d.set_item("vjp", vjp)?;
    }
    Ok(d)
}

/// The hard problem exactly (the hard DP in rationals): value as f64 and as a pair, and one
/// optimal selection.
#[pyfunction]
#[pyo3(signature = (theta, capacity, weights, constraint, threads, batched))]
fn solve_exact<'py>(
    py: Python<'py>,
    theta: Bound<'py, PyAny>,
    capacity: PyReadonlyArray1<'py, i64>,
    weights: Option<PyReadonlyArray2<'py, i64>>,
    constraint: &str,
    threads: Option<usize>,
    batched: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let theta = Exacts::extract(&theta, "theta")?;
    let rows = theta.rows();
    let n = theta.row_len(0);
    for b in 0..rows {
        if theta.row_len(b) != n {
            return Err(err(format!(
                "theta: every row must have {n} entries; row {b} has {}",
                theta.row_len(b)
            )));
        }
    }
    let shape = Shape::new(rows, n, constraint, &capacity, weights.as_ref())?;
    let threads = threads.unwrap_or_else(default_threads).max(1);
    let results = py.detach(|| {
        par_rows(rows, if rows >= 2 { threads } else { 1 }, |_, b| {
            let inst = shape.instance(b, theta.row(b, "theta")?)?;
            diffknap::solve::hard_dp(&inst)
        })
    });
    let mut value = Vec::with_capacity(rows);
    let mut exact = Vec::with_capacity(rows);
    let mut sel = Vec::with_capacity(rows * n);
    for (b, r) in results.into_iter().enumerate() {
        let (v, s) = r.map_err(|e| row_err(batched, b, &e))?;
        value.push(rational_to_f64(&v));
        exact.push(pair(&v));
        sel.extend_from_slice(&s);
    }
    let d = PyDict::new(py);
    d.set_item("value", value.into_pyarray(py))?;
    d.set_item("value_exact", exact)?;
    d.set_item(
        "selection",
        Array2::from_shape_vec((rows, n), sel)
            .map_err(shape_err)?
            .into_pyarray(py),
    )?;
    Ok(d)
}

// ---------------------------------------------------------------------------------------
// Certified

/// Certified enclosures of value, y and optionally vjp, as outward-rounded f64 bounds (and
/// decimal strings when `strings`).
#[pyfunction]
#[pyo3(signature = (theta, capacity, weights, constraint, regularizer, gamma, z, digits, strings, threads, batched))]
#[allow(clippy::too_many_arguments)]
fn relax_certified_f64<'py>(
    py: Python<'py>,
    theta: PyReadonlyArray2<'py, f64>,
    capacity: PyReadonlyArray1<'py, i64>,
    weights: Option<PyReadonlyArray2<'py, i64>>,
    constraint: &str,
    regularizer: &str,
    gamma: PyReadonlyArray1<'py, f64>,
    z: Option<PyReadonlyArray2<'py, f64>>,
    digits: u32,
    strings: bool,
    threads: Option<usize>,
    batched: bool,
) -> PyResult<Bound<'py, PyDict>> {
    diffknap::request::certified::check_digits(digits).map_err(|e| err(e.to_string()))?;
    let (rows, n) = theta.as_array().dim();
    let shape = Shape::new(rows, n, constraint, &capacity, weights.as_ref())?;
    let reg = reg_of(regularizer)?;
    let theta_s = contiguous(&theta, "theta")?;
    let gamma_s = contiguous(&gamma, "gamma")?;
    check_rows("gamma", gamma_s.len(), rows)?;
    let z_s = z_rows(z.as_ref(), n, rows)?;
    let threads = threads.unwrap_or_else(default_threads).max(1);
    let target = Target::digits(digits);
    let results: Vec<diffknap::Result<Certified>> = py.detach(|| {
        par_rows(rows, if rows >= 2 { threads } else { 1 }, |_, b| {
            let inst = shape.instance(b, row_of(theta_s, rows, n, b).to_vec())?;
            let z = z_s.map(|(z, zr)| row_of(z, zr, n, b));
            relax_certified(&inst, reg, per_row(gamma_s, b), z, &target)
        })
    });
    let sig = digits as usize + 5;
    let mut v_lo = Vec::with_capacity(rows);
    let mut v_hi = Vec::with_capacity(rows);
    let mut y_lo = Vec::with_capacity(rows * n);
    let mut y_hi = Vec::with_capacity(rows * n);
    let mut j_lo = Vec::new();
    let mut j_hi = Vec::new();
    let mut bits = Vec::with_capacity(rows);
    let mut v_str = Vec::new();
    let mut y_str = Vec::new();
    let mut j_str = Vec::new();
    for (b, r) in results.into_iter().enumerate() {
        let c = r.map_err(|e| row_err(batched, b, &e))?;
        v_lo.push(c.value.lo_f64());
        v_hi.push(c.value.hi_f64());
        for x in &c.y {
            y_lo.push(x.lo_f64());
            y_hi.push(x.hi_f64());
        }
        if let Some(v) = &c.vjp {
            for x in v {
                j_lo.push(x.lo_f64());
                j_hi.push(x.hi_f64());
            }
        }
        bits.push(match c.method {
            Method::Exact => 0i64,
            Method::Interval(b) => b as i64,
        });
        if strings {
            v_str.push(interval_strings(&c.value, sig));
            y_str.push(
                c.y.iter()
                    .map(|x| interval_strings(x, sig))
                    .collect::<Vec<_>>(),
            );
            if let Some(v) = &c.vjp {
                j_str.push(
                    v.iter()
                        .map(|x| interval_strings(x, sig))
                        .collect::<Vec<_>>(),
                );
            }
        }
    }
    let arr2 = |v: Vec<f64>| -> PyResult<_> {
        Ok(Array2::from_shape_vec((rows, n), v)
            .map_err(shape_err)?
            .into_pyarray(py))
    };
    let d = PyDict::new(py);
    d.set_item("value_lo", v_lo.into_pyarray(py))?;
    d.set_item("value_hi", v_hi.into_pyarray(py))?;
    d.set_item("y_lo", arr2(y_lo)?)?;
    d.set_item("y_hi", arr2(y_hi)?)?;
    if z_s.is_some() {
        d.set_item("vjp_lo", arr2(j_lo)?)?;
        d.set_item("vjp_hi", arr2(j_hi)?)?;
    }
    d.set_item("precision_bits", bits.into_pyarray(py))?;
    if strings {
        d.set_item("value_str", v_str)?;
        d.set_item("y_str", y_str)?;
        if z_s.is_some() {
            d.set_item("vjp_str", j_str)?;
        }
    }
    Ok(d)
}

// ---------------------------------------------------------------------------------------
// Validation

/// Checks answers against certified truth, one (input, answers) pair of JSON texts per line,
/// with the library's validator ([`diffknap::validate`]): returns the per-line JSON reports,
/// the summary as JSON, and the text report, exactly as `diffknap validate` prints them.
#[pyfunction]
#[pyo3(signature = (lines, rtol, atol, threads))]
fn validate_lines(
    py: Python<'_>,
    lines: Vec<(String, Option<String>)>,
    rtol: f64,
    atol: f64,
    threads: Option<usize>,
) -> PyResult<(Vec<String>, String, String)> {
    use diffknap::validate::{
        HEADER, LineReport, Summary, Tolerance, check_line, summary_text, table_rows,
    };
    use serde_json::Value;
    for (name, x) in [("rtol", rtol), ("atol", atol)] {
        if !(x.is_finite() && x >= 0.0) {
            return Err(err(format!(
                "{name}: must be a finite number >= 0; got {x}"
            )));
        }
    }
    let tol = Tolerance { rtol, atol };
    let threads = threads.unwrap_or_else(default_threads).max(1);
    Ok(py.detach(|| {
        let reports = par_rows(lines.len(), threads, |_, k| {
            let (input, answers) = &lines[k];
            let parsed: std::result::Result<Value, _> = serde_json::from_str(input);
            let (id, outcome) = match parsed {
                Err(e) => (Value::Null, Err(format!("malformed JSON: {e}"))),
                Ok(v) => {
                    let id = v.get("id").cloned().unwrap_or(Value::Null);
                    let outcome = match answers {
                        None => check_line(&v, &v, tol).map_err(|e| e.to_string()),
                        Some(a) => match serde_json::from_str::<Value>(a) {
                            Err(e) => Err(format!("answers: malformed JSON: {e}")),
                            Ok(a) => check_line(&v, &a, tol).map_err(|e| e.to_string()),
                        },
                    };
                    (id, outcome)
                }
            };
            LineReport {
                line: k + 1,
                id,
                outcome,
            }
        });
        let mut summary = Summary::default();
        let mut text = format!("{HEADER}\n");
        for rep in &reports {
            summary.add(rep);
            for row in table_rows(rep) {
                text.push_str(&row);
                text.push('\n');
            }
        }
        text.push('\n');
        text.push_str(&summary_text(&summary, tol));
        (
            reports.iter().map(|r| r.to_json().to_string()).collect(),
            summary.to_json(tol).to_string(),
            text,
        )
    }))
}

// ---------------------------------------------------------------------------------------

/// The instruction set the fast kernels use on this CPU (scalar, avx2, avx512).
#[pyfunction]
fn isa() -> &'static str {
    backend::Isa::detect().name()
}

/// The module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("Error", m.py().get_type::<Error>())?;
    m.add_function(wrap_pyfunction!(relax_f64, m)?)?;
    m.add_function(wrap_pyfunction!(relax_exact_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(solve_exact, m)?)?;
    m.add_function(wrap_pyfunction!(relax_certified_f64, m)?)?;
    m.add_function(wrap_pyfunction!(validate_lines, m)?)?;
    m.add_function(wrap_pyfunction!(isa, m)?)?;
    Ok(())
}
