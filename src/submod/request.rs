//! One `submod` request: parse a JSON line, estimate the work, run the algorithm, and build
//! the answer object (without `id`: the line driver puts it first).
//!
//! Each request is one instance:
//! `{"function": {"kind": ..., ...}, "costs": [c_0, ...], "budget": B}` (other fields, such as
//! `id`, are left to the driver). Function kinds and their fields (`n` = number of items =
//! length of `costs`):
//!
//! | kind | fields |
//! |---|---|
//! | `coverage` | `sets`: `n` lists of atom indices; `atom_weights`: one weight `>= 0` per atom |
//! | `facility_location` | `values`: `n` rows, one value `>= 0` per customer |
//! | `concave_over_modular` | `weights`: `n` rows of integers `>= 0` (one per feature); `concave`: `"sqrt"`, `"log1p"` or `"min"`; `cap` (integer, for `"min"`) |
//! | `budget_additive` | `weights`: `n` numbers `>= 0`; `cap`: number `>= 0` |
//! | `influence` | `probabilities`: `n` rows of numbers in `[0, 1]`, one per target; `target_weights` (optional, default all 1) |
//! | `modular` | `weights`: `n` numbers `>= 0` |
//! | `table` | `values`: `2^n` numbers, `values[mask] = f({i : bit i set})`, `n <= 16`; must be normalised, monotone and submodular (checked exhaustively) |
//!
//! Answer: `{"set", "value", "cost", "queries", "extension_queries"}` plus, with `opt`,
//! `"opt"` and `"ratio"` (`value / opt`, 1 if `opt = 0`), where `opt` comes from brute force
//! (`n <= 20`) or, above, from the ILP (coverage, facility location, up to 200 items and
//! 20,000 nonzeros). Otherwise `opt` reports instead `"upper_bound"` (the certificate
//! `f(S) + max {sum f(e|S) y_e : c.y <= B, 0 <= y <= 1}` at the returned set) and
//! `"ratio_lower_bound" = value / upper_bound`.
//!
//! Work: before any query, the worst-case work of the algorithm on the instance is estimated
//! ([`estimate`], [`super::work`]) and the request is refused with [`Error::Limit`] if it
//! exceeds [`Options::max_work`]; otherwise the run reports its progress to the given
//! [`Progress`].
//!
//! Arithmetic: if every number of a line is an integer of magnitude at most `2^40` and the
//! kind is not `concave_over_modular` or `influence`, the line is solved in exact `i128`
//! arithmetic (continuous algorithms run in `f64` and their set is re-scored exactly);
//! otherwise in `f64`.

use serde_json::{Map, Value as Json, json};

use super::continuous::{ContinuousGreedyOptions, continuous_greedy_with, query_bounds};
use super::ene_nguyen::{EneNguyenOptions, ene_nguyen_with, search_bound};
use super::enumeration::{
    enumeration, enumeration_query_bound, sviridenko, threshold_enumeration, threshold_query_bound,
};
use super::error::SubmodError;
use super::function::{Knapsack, SetFunction, Solution};
use super::functions::{
    BipartiteInfluence, BudgetAdditive, Concave, ConcaveOverModular, ExplicitTable,
    FacilityLocation, Modular, WeightedCoverage,
};
use super::greedy::{
    density_greedy, greedy_max, greedy_query_bound, greedy_singleton, lazy_density_greedy,
};
use super::multilinear::Multilinear;
use super::opt::{brute_force, certificate, ilp_coverage, ilp_facility_location};
use super::validate::check_exhaustive;
use super::value::Value;
use super::work::{DEFAULT_MAX_WORK, Estimate, Tracked, check};
use crate::error::Error;
use crate::progress::Progress;
use crate::rng::Rng;

/// The algorithms a request can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// [`density_greedy`].
    DensityGreedy,
    /// [`lazy_density_greedy`].
    LazyDensityGreedy,
    /// [`greedy_singleton`].
    GreedySingleton,
    /// [`greedy_max`].
    GreedyMax,
    /// [`enumeration`] with seeds of size 1.
    Enumeration1,
    /// [`enumeration`] with seeds of size 2.
    Enumeration2,
    /// [`sviridenko`].
    Sviridenko,
    /// [`threshold_enumeration`].
    ThresholdEnumeration,
    /// [`continuous_greedy_with`].
    ContinuousGreedy,
    /// [`ene_nguyen_with`].
    EneNguyen,
}

impl Algorithm {
    /// Every algorithm, in the order of the documentation.
    pub const ALL: [Algorithm; 10] = [
        Self::DensityGreedy,
        Self::LazyDensityGreedy,
        Self::GreedySingleton,
        Self::GreedyMax,
        Self::Enumeration1,
        Self::Enumeration2,
        Self::Sviridenko,
        Self::ThresholdEnumeration,
        Self::ContinuousGreedy,
        Self::EneNguyen,
    ];

    /// The algorithm called `name` (as on the command line), if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Self::DensityGreedy => "density_greedy",
            Self::LazyDensityGreedy => "lazy_density_greedy",
            Self::GreedySingleton => "greedy_singleton",
            Self::GreedyMax => "greedy_max",
            Self::Enumeration1 => "enumeration1",
            Self::Enumeration2 => "enumeration2",
            Self::Sviridenko => "sviridenko",
            Self::ThresholdEnumeration => "threshold_enumeration",
            Self::ContinuousGreedy => "continuous_greedy",
            Self::EneNguyen => "ene_nguyen",
        }
    }

    /// Whether it needs the multilinear extension (runs in `f64`).
    pub fn needs_extension(self) -> bool {
        matches!(self, Self::ContinuousGreedy | Self::EneNguyen)
    }

    /// The default accuracy parameter.
    pub fn default_epsilon(self) -> f64 {
        match self {
            Self::ThresholdEnumeration => 0.1,
            _ => 0.5,
        }
    }
}

/// How to answer requests.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Accuracy parameter (threshold, continuous and Ene-Nguyen algorithms), in `(0, 1)`.
    pub epsilon: f64,
    /// RNG seed for randomised algorithms.
    pub seed: u64,
    /// Ene-Nguyen large-value picks per step (default: the faithful `ceil(1/eps^3)`).
    pub large_guesses: Option<usize>,
    /// Also compute the optimum (or an upper bound) and the ratio.
    pub opt: bool,
    /// Refuse requests whose estimated work exceeds this ([`super::work`]).
    pub max_work: u64,
    /// Ene-Nguyen: refuse searches that may exceed this many nodes.
    pub max_nodes: u64,
}

impl Options {
    /// Defaults for `algorithm`: its default epsilon, seed 0, no `opt`, default limits.
    pub fn new(algorithm: Algorithm) -> Self {
        Self {
            algorithm,
            epsilon: algorithm.default_epsilon(),
            seed: 0,
            large_guesses: None,
            opt: false,
            max_work: DEFAULT_MAX_WORK,
            max_nodes: EneNguyenOptions::DEFAULT_MAX_NODES,
        }
    }
}

/// Answer one request (see the module documentation). Never panics on bad input.
pub fn answer(
    line: &Json,
    opts: &Options,
    progress: &dyn Progress,
) -> crate::Result<Map<String, Json>> {
    solve_line(line, opts, progress).map_err(into_error)
}

/// Internal errors are `"field: rule"` strings or [`SubmodError`]s.
enum Fail {
    Msg(String),
    Submod(SubmodError),
}

impl From<String> for Fail {
    fn from(s: String) -> Self {
        Fail::Msg(s)
    }
}
impl From<&str> for Fail {
    fn from(s: &str) -> Self {
        Fail::Msg(s.to_string())
    }
}
impl From<SubmodError> for Fail {
    fn from(e: SubmodError) -> Self {
        Fail::Submod(e)
    }
}

fn into_error(f: Fail) -> Error {
    match f {
        Fail::Submod(e) => e.into(),
        Fail::Msg(m) => match m.split_once(": ") {
            Some((field, rule)) => Error::Invalid {
                field: field.to_string(),
                rule: rule.to_string(),
            },
            None => Error::Invalid {
                field: "input line".into(),
                rule: m,
            },
        },
    }
}

// ---------- parsing helpers ----------

fn field<'a>(obj: &'a Map<String, Json>, name: &str, path: &str) -> Result<&'a Json, String> {
    obj.get(name)
        .ok_or_else(|| format!("{path}{name}: missing field"))
}

fn number(v: &Json, path: &str) -> Result<f64, String> {
    let x = v
        .as_f64()
        .ok_or_else(|| format!("{path}: must be a number"))?;
    if !x.is_finite() {
        return Err(format!("{path}: must be finite"));
    }
    Ok(x)
}

fn numbers(v: &Json, path: &str) -> Result<Vec<f64>, String> {
    let arr = v
        .as_array()
        .ok_or_else(|| format!("{path}: must be an array of numbers"))?;
    arr.iter()
        .enumerate()
        .map(|(i, x)| number(x, &format!("{path}[{i}]")))
        .collect()
}

fn matrix(v: &Json, path: &str) -> Result<Vec<Vec<f64>>, String> {
    let arr = v
        .as_array()
        .ok_or_else(|| format!("{path}: must be an array of arrays"))?;
    arr.iter()
        .enumerate()
        .map(|(i, r)| numbers(r, &format!("{path}[{i}]")))
        .collect()
}

fn nonneg_int(x: f64, path: &str) -> Result<u64, String> {
    if x < 0.0 || x.fract() != 0.0 || x > 9.0e15 {
        return Err(format!("{path}: must be a nonnegative integer"));
    }
    Ok(x as u64)
}

const EXACT_LIMIT: f64 = (1u64 << 40) as f64;

fn all_exact(xs: &[f64]) -> bool {
    xs.iter()
        .all(|x| x.fract() == 0.0 && x.abs() <= EXACT_LIMIT)
}

/// A function definition with its raw numbers.
enum Spec {
    Coverage {
        sets: Vec<Vec<usize>>,
        atom_weights: Vec<f64>,
    },
    Facility(Vec<Vec<f64>>),
    Concave(Vec<Vec<u64>>, Concave),
    BudgetAdditive(Vec<f64>, f64),
    Influence(Vec<Vec<f64>>, Vec<f64>),
    Modular(Vec<f64>),
    Table(Vec<f64>),
}

impl Spec {
    fn n(&self) -> usize {
        match self {
            Spec::Coverage { sets, .. } => sets.len(),
            Spec::Facility(v) | Spec::Influence(v, _) => v.len(),
            Spec::Concave(w, _) => w.len(),
            Spec::BudgetAdditive(w, _) | Spec::Modular(w) => w.len(),
            Spec::Table(v) => v.len().trailing_zeros() as usize,
        }
    }
    fn numbers(&self) -> Option<Vec<f64>> {
        Some(match self {
            Spec::Coverage { atom_weights, .. } => atom_weights.clone(),
            Spec::Facility(v) => v.concat(),
            Spec::BudgetAdditive(w, c) => {
                let mut x = w.clone();
                x.push(*c);
                x
            }
            Spec::Modular(w) | Spec::Table(w) => w.clone(),
            Spec::Concave(..) | Spec::Influence(..) => return None,
        })
    }
}

fn parse_spec(v: &Json) -> Result<Spec, String> {
    let obj = v
        .as_object()
        .ok_or("function: must be an object with a \"kind\" field")?;
    let kind = field(obj, "kind", "function.")?
        .as_str()
        .ok_or("function.kind: must be a string")?;
    let p = "function.";
    Ok(match kind {
        "coverage" => {
            let sets_json = field(obj, "sets", p)?
                .as_array()
                .ok_or("function.sets: must be an array of arrays of atom indices")?;
            let mut sets = Vec::with_capacity(sets_json.len());
            for (i, s) in sets_json.iter().enumerate() {
                let path = format!("function.sets[{i}]");
                let atoms = numbers(s, &path)?;
                let mut out = Vec::with_capacity(atoms.len());
                for (k, a) in atoms.into_iter().enumerate() {
                    out.push(nonneg_int(a, &format!("{path}[{k}]"))? as usize);
                }
                sets.push(out);
            }
            let atom_weights = numbers(field(obj, "atom_weights", p)?, "function.atom_weights")?;
            Spec::Coverage { sets, atom_weights }
        }
        "facility_location" => Spec::Facility(matrix(field(obj, "values", p)?, "function.values")?),
        "concave_over_modular" => {
            let w = field(obj, "weights", p)?;
            let rows = if w.as_array().is_some_and(|a| a.iter().all(Json::is_number)) {
                numbers(w, "function.weights")?
                    .into_iter()
                    .map(|x| vec![x])
                    .collect()
            } else {
                matrix(w, "function.weights")?
            };
            let mut weights = Vec::with_capacity(rows.len());
            for (i, r) in rows.iter().enumerate() {
                let mut out = Vec::with_capacity(r.len());
                for (g, &x) in r.iter().enumerate() {
                    out.push(nonneg_int(x, &format!("function.weights[{i}][{g}]"))?);
                }
                weights.push(out);
            }
            let concave = match field(obj, "concave", p)?.as_str() {
                Some("sqrt") => Concave::Sqrt,
                Some("log1p") => Concave::Log1p,
                Some("min") => {
                    let cap = number(field(obj, "cap", p)?, "function.cap")?;
                    Concave::Min(nonneg_int(cap, "function.cap")?)
                }
                _ => {
                    return Err("function.concave: must be \"sqrt\", \"log1p\" or \"min\"".into());
                }
            };
            Spec::Concave(weights, concave)
        }
        "budget_additive" => Spec::BudgetAdditive(
            numbers(field(obj, "weights", p)?, "function.weights")?,
            number(field(obj, "cap", p)?, "function.cap")?,
        ),
        "influence" | "bipartite_influence" => {
            let probs = matrix(field(obj, "probabilities", p)?, "function.probabilities")?;
            let tw = match obj.get("target_weights") {
                Some(t) => numbers(t, "function.target_weights")?,
                None => vec![1.0; probs.first().map_or(0, Vec::len)],
            };
            Spec::Influence(probs, tw)
        }
        "modular" => Spec::Modular(numbers(field(obj, "weights", p)?, "function.weights")?),
        "table" => {
            let values = numbers(field(obj, "values", p)?, "function.values")?;
            if values.len() > 1 << 16 || !values.len().is_power_of_two() {
                return Err("function.values: length must be 2^n with n <= 16".into());
            }
            Spec::Table(values)
        }
        other => return Err(format!("function.kind: unknown kind {other:?}")),
    })
}

fn fn_err(e: SubmodError) -> String {
    match e {
        SubmodError::InvalidFunction { field, reason } => format!("function.{field}: {reason}"),
        other => other.to_string(),
    }
}

/// The worst-case estimate of running `opts.algorithm` on `f` (combinatorial algorithms).
pub fn estimate_combinatorial<F: SetFunction>(
    f: &F,
    knap: &Knapsack<F::Value>,
    opts: &Options,
) -> Estimate {
    let n = f.ground_size();
    let queries = match opts.algorithm {
        Algorithm::DensityGreedy
        | Algorithm::LazyDensityGreedy
        | Algorithm::GreedySingleton
        | Algorithm::GreedyMax => greedy_query_bound(n),
        Algorithm::Enumeration1 => enumeration_query_bound(n, 1),
        Algorithm::Enumeration2 => enumeration_query_bound(n, 2),
        Algorithm::Sviridenko => enumeration_query_bound(n, 3),
        Algorithm::ThresholdEnumeration => {
            let c_min = knap
                .costs()
                .iter()
                .map(Value::to_f64)
                .fold(f64::INFINITY, f64::min);
            let ratio = if c_min.is_finite() && c_min > 0.0 {
                knap.budget().to_f64() / c_min
            } else {
                0.0
            };
            threshold_query_bound(n, opts.epsilon, ratio)
        }
        Algorithm::ContinuousGreedy | Algorithm::EneNguyen => u64::MAX,
    };
    Estimate::queries(f, queries)
}

/// The worst-case estimate of running `opts.algorithm` on `f` (any algorithm).
pub fn estimate<F: Multilinear>(
    f: &F,
    knap: &Knapsack<F::Value>,
    opts: &Options,
) -> Result<Estimate, SubmodError> {
    let n = f.ground_size();
    Ok(match opts.algorithm {
        Algorithm::ContinuousGreedy => {
            let (q, e) = query_bounds(n, ContinuousGreedyOptions::new(opts.epsilon)?);
            Estimate::with_extension(f, q, e)
        }
        Algorithm::EneNguyen => {
            let b = search_bound(knap, ene_options(opts)?)?;
            Estimate::with_extension(f, b.queries, b.extension_evaluations)
        }
        _ => estimate_combinatorial(f, knap, opts),
    })
}

fn ene_options(opts: &Options) -> Result<EneNguyenOptions, SubmodError> {
    let mut o = EneNguyenOptions::new(opts.epsilon)?;
    if let Some(t) = opts.large_guesses {
        o.large_guesses = t;
    }
    o.max_nodes = opts.max_nodes;
    Ok(o)
}

fn describe(opts: &Options, n: usize) -> String {
    format!("{} on n = {n} items", opts.algorithm.name())
}

/// The kinds that exist for every value type.
enum Generic<V> {
    Coverage(WeightedCoverage<V>),
    Facility(FacilityLocation<V>),
    BudgetAdditive(BudgetAdditive<V>),
    Modular(Modular<V>),
    Table(ExplicitTable<V>),
}

fn build_generic<V: Value>(spec: &Spec, conv: fn(f64) -> V) -> Result<Option<Generic<V>>, String> {
    let vec = |x: &[f64]| x.iter().map(|&v| conv(v)).collect::<Vec<V>>();
    Ok(Some(match spec {
        Spec::Coverage { sets, atom_weights } => Generic::Coverage(
            WeightedCoverage::new(sets.clone(), vec(atom_weights)).map_err(fn_err)?,
        ),
        Spec::Facility(v) => Generic::Facility(
            FacilityLocation::new(v.iter().map(|r| vec(r)).collect()).map_err(fn_err)?,
        ),
        Spec::BudgetAdditive(w, c) => {
            Generic::BudgetAdditive(BudgetAdditive::new(vec(w), conv(*c)).map_err(fn_err)?)
        }
        Spec::Modular(w) => Generic::Modular(Modular::new(vec(w)).map_err(fn_err)?),
        Spec::Table(v) => {
            let t = ExplicitTable::new(vec(v)).map_err(fn_err)?;
            check_exhaustive(&t, 1e-9).map_err(|e| format!("function.values: {e}"))?;
            Generic::Table(t)
        }
        Spec::Concave(..) | Spec::Influence(..) => return Ok(None),
    }))
}

macro_rules! with_generic {
    ($g:expr, $f:ident => $body:expr) => {
        match $g {
            Generic::Coverage($f) => $body,
            Generic::Facility($f) => $body,
            Generic::BudgetAdditive($f) => $body,
            Generic::Modular($f) => $body,
            Generic::Table($f) => $body,
        }
    };
}

/// Run a combinatorial algorithm (not the continuous ones), after checking its estimate, with
/// progress.
fn run_combinatorial<F: SetFunction>(
    f: &F,
    knap: &Knapsack<F::Value>,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Solution<F::Value>, SubmodError> {
    let n = f.ground_size();
    knap.check_len(n)?;
    let est = estimate_combinatorial(f, knap, opts);
    check(&describe(opts, n), &est, opts.max_work)?;
    let tracked = Tracked::new(f, progress, est.work, opts.algorithm.name());
    combinatorial(&tracked, knap, opts)
}

fn combinatorial<F: SetFunction>(
    f: &F,
    knap: &Knapsack<F::Value>,
    opts: &Options,
) -> Result<Solution<F::Value>, SubmodError> {
    match opts.algorithm {
        Algorithm::DensityGreedy => density_greedy(f, knap),
        Algorithm::LazyDensityGreedy => lazy_density_greedy(f, knap),
        Algorithm::GreedySingleton => greedy_singleton(f, knap),
        Algorithm::GreedyMax => greedy_max(f, knap),
        Algorithm::Enumeration1 => enumeration(f, knap, 1),
        Algorithm::Enumeration2 => enumeration(f, knap, 2),
        Algorithm::Sviridenko => sviridenko(f, knap),
        Algorithm::ThresholdEnumeration => threshold_enumeration(f, knap, opts.epsilon),
        Algorithm::ContinuousGreedy | Algorithm::EneNguyen => Err(SubmodError::InvalidParameter {
            name: "algorithm".into(),
            reason: "needs the multilinear extension".into(),
        }),
    }
}

/// Run any algorithm on a function with a multilinear extension, after checking its
/// estimate, with progress.
fn run_any<F: Multilinear>(
    f: &F,
    knap: &Knapsack<F::Value>,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Solution<F::Value>, SubmodError> {
    let n = f.ground_size();
    knap.check_len(n)?;
    if !opts.algorithm.needs_extension() {
        return run_combinatorial(f, knap, opts, progress);
    }
    f.extension_supported()?;
    let est = estimate(f, knap, opts)?;
    check(&describe(opts, n), &est, opts.max_work)?;
    let tracked = Tracked::new(f, progress, est.work, opts.algorithm.name());
    let mut rng = Rng::seed(opts.seed);
    match opts.algorithm {
        Algorithm::ContinuousGreedy => continuous_greedy_with(
            &tracked,
            knap,
            ContinuousGreedyOptions::new(opts.epsilon)?,
            &mut rng,
        ),
        _ => ene_nguyen_with(&tracked, knap, ene_options(opts)?, &mut rng),
    }
}

fn json_number<V: Value>(v: &V, what: &str) -> Result<Json, String> {
    let x = v.to_f64();
    if !x.is_finite() {
        return Err(format!("{what}: result is not finite"));
    }
    if V::is_exact() && x.fract() == 0.0 && x.abs() < 9.0e15 {
        return Ok(json!(x as i64));
    }
    Ok(json!(x))
}

/// What `--opt` reports: the exact optimum, or a certified upper bound when no exact method
/// applies.
enum Reference<V> {
    Exact(V),
    Bound(f64),
}

/// Brute force for `n <= 20`; else the ILP if `ilp` provides one; else the certificate
/// `f(S) + fractional knapsack of gains` at the returned set.
fn reference<F: SetFunction>(
    f: &F,
    knap: &Knapsack<F::Value>,
    set: &[usize],
    ilp: impl FnOnce() -> Option<Result<F::Value, SubmodError>>,
) -> Result<Reference<F::Value>, String> {
    if f.ground_size() <= 20 {
        let o = brute_force(f, knap).map_err(|e| format!("--opt: {e}"))?;
        return Ok(Reference::Exact(o.value));
    }
    if let Some(r) = ilp() {
        return r.map(Reference::Exact).map_err(|e| format!("--opt: {e}"));
    }
    let b = certificate(f, knap, set)
        .map_err(|e| format!("--opt: {e}"))?
        .ok_or("--opt: upper bound is not finite")?;
    Ok(Reference::Bound(b.to_f64()))
}

/// Largest instances `--opt` sends to the ILP solver (items, and nonzeros of the
/// coverage/assignment structure); larger ones get the certified upper bound instead, so
/// `--opt` never starts an unbounded MILP.
const ILP_MAX_ITEMS: usize = 200;
const ILP_MAX_NONZEROS: usize = 20_000;

fn generic_reference<V: Value>(
    g: &Generic<V>,
    knap: &Knapsack<V>,
    set: &[usize],
) -> Result<Reference<V>, String> {
    let n = knap.len();
    match g {
        Generic::Coverage(f) => reference(f, knap, set, || {
            let nonzeros: usize = f.sets().iter().map(Vec::len).sum();
            (n <= ILP_MAX_ITEMS && nonzeros <= ILP_MAX_NONZEROS)
                .then(|| ilp_coverage(f, knap).map(|o| o.value))
        }),
        Generic::Facility(f) => reference(f, knap, set, || {
            (n <= ILP_MAX_ITEMS && n * f.customers() <= ILP_MAX_NONZEROS)
                .then(|| ilp_facility_location(f, knap).map(|o| o.value))
        }),
        Generic::BudgetAdditive(f) => reference(f, knap, set, || None),
        Generic::Modular(f) => reference(f, knap, set, || None),
        Generic::Table(f) => reference(f, knap, set, || None),
    }
}

fn finish<V: Value>(
    sol: &Solution<V>,
    reference: Option<Reference<V>>,
) -> Result<Map<String, Json>, String> {
    let mut m = Map::new();
    m.insert("set".into(), json!(sol.set));
    m.insert("value".into(), json_number(&sol.value, "value")?);
    m.insert("cost".into(), json_number(&sol.cost, "cost")?);
    m.insert("queries".into(), json!(sol.queries));
    m.insert("extension_queries".into(), json!(sol.extension_queries));
    let ratio = |value: f64, reference: f64| -> Result<f64, String> {
        let r = if reference > 0.0 {
            value / reference
        } else {
            1.0
        };
        if r.is_finite() {
            Ok(r)
        } else {
            Err("ratio: not finite".into())
        }
    };
    match reference {
        None => {}
        Some(Reference::Exact(o)) => {
            m.insert("opt".into(), json_number(&o, "opt")?);
            m.insert(
                "ratio".into(),
                json!(ratio(sol.value.to_f64(), o.to_f64())?),
            );
        }
        Some(Reference::Bound(b)) => {
            m.insert("upper_bound".into(), json_number(&b, "upper_bound")?);
            m.insert(
                "ratio_lower_bound".into(),
                json!(ratio(sol.value.to_f64(), b)?),
            );
        }
    }
    Ok(m)
}

fn solve_line(
    v: &Json,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Map<String, Json>, Fail> {
    let obj = v.as_object().ok_or("input line: must be a JSON object")?;
    let spec = parse_spec(field(obj, "function", "")?)?;
    let costs = numbers(field(obj, "costs", "")?, "costs")?;
    let budget = number(field(obj, "budget", "")?, "budget")?;
    let n = spec.n();
    if costs.len() != n {
        return Err(format!(
            "costs: has length {}, but the function has {n} items",
            costs.len()
        )
        .into());
    }
    let exact = spec
        .numbers()
        .is_some_and(|x| all_exact(&x) && all_exact(&costs) && all_exact(&[budget]));
    let float_knap = Knapsack::new(costs.clone(), budget)?;
    if exact {
        let conv: fn(f64) -> i128 = |x| x as i128;
        let knap = float_knap.map(|&c| conv(c))?;
        let g = build_generic(&spec, conv)?.ok_or("internal: exact kind expected")?;
        let sol = if opts.algorithm.needs_extension() {
            let gf = build_generic(&spec, |x| x)?.ok_or("internal: kind expected")?;
            let fsol = with_generic!(&gf, f => run_any(f, &float_knap, opts, progress))?;
            // Re-score the set exactly.
            let value = with_generic!(&g, f => f.value(&fsol.set));
            Solution {
                cost: knap.cost_of(&fsol.set),
                set: fsol.set,
                value,
                queries: fsol.queries,
                extension_queries: fsol.extension_queries,
            }
        } else {
            with_generic!(&g, f => run_combinatorial(f, &knap, opts, progress))?
        };
        let opt = if opts.opt {
            Some(generic_reference(&g, &knap, &sol.set)?)
        } else {
            None
        };
        return Ok(finish(&sol, opt)?);
    }
    let knap = float_knap;
    match &spec {
        Spec::Concave(w, c) => {
            let f = ConcaveOverModular::new(w.clone(), *c).map_err(fn_err)?;
            let sol = run_any(&f, &knap, opts, progress)?;
            let opt = if opts.opt {
                Some(reference(&f, &knap, &sol.set, || None)?)
            } else {
                None
            };
            Ok(finish(&sol, opt)?)
        }
        Spec::Influence(p, tw) => {
            let f = BipartiteInfluence::new(p.clone(), tw.clone()).map_err(fn_err)?;
            let sol = run_any(&f, &knap, opts, progress)?;
            let opt = if opts.opt {
                Some(reference(&f, &knap, &sol.set, || None)?)
            } else {
                None
            };
            Ok(finish(&sol, opt)?)
        }
        _ => {
            let g = build_generic(&spec, |x| x)?.ok_or("internal: kind expected")?;
            let sol = with_generic!(&g, f => run_any(f, &knap, opts, progress))?;
            let opt = if opts.opt {
                Some(generic_reference(&g, &knap, &sol.set)?)
            } else {
                None
            };
            Ok(finish(&sol, opt)?)
        }
    }
}

/// Answers one input line without progress (never panics on bad input): `{"id", ...answer}`
/// or `{"id", "error"}`, with `id` first (`null` if the line has none or is not JSON).
pub fn process_line(line: &str, opts: &Options) -> serde_json::Value {
    process_line_with(line, opts, &crate::progress::NoProgress)
}

/// [`process_line`] with a progress sink.
pub fn process_line_with(
    line: &str,
    opts: &Options,
    progress: &dyn crate::progress::Progress,
) -> serde_json::Value {
    use crate::jsonl;
    let (m, _) = match jsonl::parse_line(1, line.as_bytes()) {
        jsonl::Line::Object { value, .. } => {
            let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
            jsonl::reply(id, answer(&value, opts, progress))
        }
        jsonl::Line::Bad { id, error, .. } => {
            jsonl::reply(id, Err(crate::Error::Input { what: error }))
        }
    };
    serde_json::Value::Object(m)
}
