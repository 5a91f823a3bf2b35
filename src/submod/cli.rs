//! The `diffknap submod` command: JSON Lines in, JSON Lines out.
//!
//! ```text
//! diffknap submod --algorithm NAME [--epsilon E] [--seed S] [--large-guesses T] [--opt] [--input FILE]
//! ```
//!
//! Each non-blank input line is one instance:
//! `{"id": ..., "function": {"kind": ..., ...}, "costs": [c_0, ...], "budget": B}`.
//! Function kinds and their fields (`n` = number of items = length of `costs`):
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
//! Output, one line per input line in order: `{"id", "set", "value", "cost", "queries",
//! "extension_queries"}` plus, with `--opt`, `"opt"` and `"ratio"` (`value / opt`, 1 if
//! `opt = 0`), where `opt` comes from brute force (`n <= 20`) or, above, from the ILP
//! (coverage, facility location, up to 200 items and 20,000 nonzeros). Otherwise `--opt`
//! reports instead `"upper_bound"` (the certificate
//! `f(S) + max {sum f(e|S) y_e : c.y <= B, 0 <= y <= 1}` at the returned set) and
//! `"ratio_lower_bound" = value / upper_bound`. A bad line gets `{"id", "error"}` naming the
//! field and the rule; the other lines are still answered. Exit status 0 if every line succeeded, 1 if some line failed,
//! 2 for bad command-line usage.
//!
//! Arithmetic: if every number of a line is an integer of magnitude at most `2^40` and the
//! kind is not `concave_over_modular` or `influence`, the line is solved in exact `i128`
//! arithmetic (continuous algorithms run in `f64` and their set is re-scored exactly);
//! otherwise in `f64`.

use std::io::{BufRead, BufReader, Write};

use serde_json::{Map, Value as Json, json};

use super::continuous::{ContinuousGreedyOptions, continuous_greedy_with};
use super::ene_nguyen::{EneNguyenOptions, ene_nguyen_with};
use super::enumeration::{enumeration, sviridenko, threshold_enumeration};
use super::error::SubmodError;
use super::function::{Knapsack, SetFunction, Solution};
use super::functions::{
    BipartiteInfluence, BudgetAdditive, Concave, ConcaveOverModular, ExplicitTable,
    FacilityLocation, Modular, WeightedCoverage,
};
use super::greedy::{density_greedy, greedy_max, greedy_singleton, lazy_density_greedy};
use super::multilinear::Multilinear;
use super::opt::{brute_force, certificate, ilp_coverage, ilp_facility_location};
use super::validate::check_exhaustive;
use super::value::Value;
use crate::rng::Rng;

const USAGE: &str = "usage: diffknap submod --algorithm NAME [--epsilon E] [--seed S] \
[--large-guesses T] [--opt] [--input FILE]
algorithms: density_greedy lazy_density_greedy greedy_singleton greedy_max enumeration1 \
enumeration2 sviridenko threshold_enumeration continuous_greedy ene_nguyen";

/// The algorithms the CLI can run.
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
    /// Parse a CLI name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "density_greedy" => Self::DensityGreedy,
            "lazy_density_greedy" => Self::LazyDensityGreedy,
            "greedy_singleton" => Self::GreedySingleton,
            "greedy_max" => Self::GreedyMax,
            "enumeration1" => Self::Enumeration1,
            "enumeration2" => Self::Enumeration2,
            "sviridenko" => Self::Sviridenko,
            "threshold_enumeration" => Self::ThresholdEnumeration,
            "continuous_greedy" => Self::ContinuousGreedy,
            "ene_nguyen" => Self::EneNguyen,
            _ => return None,
        })
    }
    fn needs_extension(self) -> bool {
        matches!(self, Self::ContinuousGreedy | Self::EneNguyen)
    }
    fn default_epsilon(self) -> f64 {
        match self {
            Self::ThresholdEnumeration => 0.1,
            _ => 0.5,
        }
    }
}

/// Parsed command-line options.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Accuracy parameter (threshold, continuous and Ene-Nguyen algorithms).
    pub epsilon: f64,
    /// RNG seed for randomised algorithms.
    pub seed: u64,
    /// Ene-Nguyen large-value picks per step (default: the faithful `ceil(1/eps^3)`).
    pub large_guesses: Option<usize>,
    /// Also compute the optimum and the ratio.
    pub opt: bool,
    /// Input file (stdin if `None`).
    pub input: Option<String>,
}

/// Parse the arguments that follow the `submod` word. `Ok(None)` means `--help`.
pub fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut algorithm = None;
    let mut epsilon = None;
    let mut seed = 0u64;
    let mut large_guesses = None;
    let mut opt = false;
    let mut input = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match a.as_str() {
            "--help" | "-h" => return Ok(None),
            "--algorithm" => {
                let v = value("--algorithm")?;
                algorithm = Some(
                    Algorithm::from_name(&v).ok_or_else(|| format!("unknown algorithm {v:?}"))?,
                );
            }
            "--epsilon" => {
                let v = value("--epsilon")?;
                let e: f64 = v
                    .parse()
                    .map_err(|_| format!("--epsilon: not a number: {v:?}"))?;
                if !(e > 0.0 && e < 1.0) {
                    return Err(format!("--epsilon must be in (0, 1), got {v}"));
                }
                epsilon = Some(e);
            }
            "--seed" => {
                let v = value("--seed")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not a nonnegative integer: {v:?}"))?;
            }
            "--large-guesses" => {
                let v = value("--large-guesses")?;
                let t: usize = v
                    .parse()
                    .map_err(|_| format!("--large-guesses: not a nonnegative integer: {v:?}"))?;
                large_guesses = Some(t);
            }
            "--opt" => opt = true,
            "--input" => input = Some(value("--input")?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let algorithm = algorithm.ok_or("--algorithm is required")?;
    Ok(Some(Options {
        algorithm,
        epsilon: epsilon.unwrap_or(algorithm.default_epsilon()),
        seed,
        large_guesses,
        opt,
        input,
    }))
}

/// Entry point: `args` are the arguments after the `submod` word. Returns the exit status.
pub fn cli_main(args: &[String]) -> i32 {
    let opts = match parse_args(args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{USAGE}");
            return 0;
        }
        Err(msg) => {
            eprintln!("diffknap submod: {msg}\n{USAGE}");
            return 2;
        }
    };
    let reader: Box<dyn BufRead> = match &opts.input {
        None => Box::new(BufReader::new(std::io::stdin())),
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => Box::new(BufReader::new(f)),
            Err(e) => {
                eprintln!("diffknap submod: cannot open --input {path:?}: {e}");
                return 2;
            }
        },
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = false;
    for line in reader.lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                failed = true;
                let _ = writeln!(
                    out,
                    "{}",
                    json!({"error": format!("unreadable input line: {e}")})
                );
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let answer = process_line(&line, &opts);
        if answer.get("error").is_some() {
            failed = true;
        }
        if writeln!(out, "{answer}").is_err() {
            return 1;
        }
    }
    i32::from(failed)
}

/// Answer one input line (never panics on bad input): the result object or
/// `{"id", "error"}`.
pub fn process_line(line: &str, opts: &Options) -> Json {
    let parsed: Json = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return json!({"error": format!("malformed JSON: {e}")}),
    };
    let id = parsed.get("id").cloned();
    let mut obj = match solve_line(&parsed, opts) {
        Ok(m) => m,
        Err(msg) => {
            let mut m = Map::new();
            m.insert("error".into(), Json::String(msg));
            m
        }
    };
    if let Some(id) = id {
        obj.insert("id".into(), id);
    }
    Json::Object(obj)
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

/// Run a combinatorial algorithm (not the continuous ones).
fn run_combinatorial<F: SetFunction>(
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

/// Run any algorithm on a function with a multilinear extension.
fn run_any<F: Multilinear>(
    f: &F,
    knap: &Knapsack<F::Value>,
    opts: &Options,
) -> Result<Solution<F::Value>, SubmodError> {
    let mut rng = Rng::seed(opts.seed);
    match opts.algorithm {
        Algorithm::ContinuousGreedy => continuous_greedy_with(
            f,
            knap,
            ContinuousGreedyOptions::new(opts.epsilon)?,
            &mut rng,
        ),
        Algorithm::EneNguyen => {
            let mut o = EneNguyenOptions::new(opts.epsilon)?;
            if let Some(t) = opts.large_guesses {
                o.large_guesses = t;
            }
            ene_nguyen_with(f, knap, o, &mut rng)
        }
        _ => run_combinatorial(f, knap, opts),
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

fn solve_line(v: &Json, opts: &Options) -> Result<Map<String, Json>, String> {
    let obj = v.as_object().ok_or("input line: must be a JSON object")?;
    let spec = parse_spec(field(obj, "function", "")?)?;
    let costs = numbers(field(obj, "costs", "")?, "costs")?;
    let budget = number(field(obj, "budget", "")?, "budget")?;
    let n = spec.n();
    if costs.len() != n {
        return Err(format!(
            "costs: has length {}, but the function has {n} items",
            costs.len()
        ));
    }
    let exact = spec
        .numbers()
        .is_some_and(|x| all_exact(&x) && all_exact(&costs) && all_exact(&[budget]));
    let float_knap = Knapsack::new(costs.clone(), budget).map_err(|e| e.to_string())?;
    if exact {
        let conv: fn(f64) -> i128 = |x| x as i128;
        let knap = float_knap.map(|&c| conv(c)).map_err(|e| e.to_string())?;
        let g = build_generic(&spec, conv)?.ok_or("internal: exact kind expected")?;
        let sol = if opts.algorithm.needs_extension() {
            let gf = build_generic(&spec, |x| x)?.ok_or("internal: kind expected")?;
            let fsol = with_generic!(&gf, f => run_any(f, &float_knap, opts))
                .map_err(|e| e.to_string())?;
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
            with_generic!(&g, f => run_combinatorial(f, &knap, opts)).map_err(|e| e.to_string())?
        };
        let opt = if opts.opt {
            Some(generic_reference(&g, &knap, &sol.set)?)
        } else {
            None
        };
        return finish(&sol, opt);
    }
    let knap = float_knap;
    match &spec {
        Spec::Concave(w, c) => {
            let f = ConcaveOverModular::new(w.clone(), *c).map_err(fn_err)?;
            let sol = run_any(&f, &knap, opts).map_err(|e| e.to_string())?;
            let opt = if opts.opt {
                Some(reference(&f, &knap, &sol.set, || None)?)
            } else {
                None
            };
            finish(&sol, opt)
        }
        Spec::Influence(p, tw) => {
            let f = BipartiteInfluence::new(p.clone(), tw.clone()).map_err(fn_err)?;
            let sol = run_any(&f, &knap, opts).map_err(|e| e.to_string())?;
            let opt = if opts.opt {
                Some(reference(&f, &knap, &sol.set, || None)?)
            } else {
                None
            };
            finish(&sol, opt)
        }
        _ => {
            let g = build_generic(&spec, |x| x)?.ok_or("internal: kind expected")?;
            let sol = with_generic!(&g, f => run_any(f, &knap, opts)).map_err(|e| e.to_string())?;
            let opt = if opts.opt {
                Some(generic_reference(&g, &knap, &sol.set)?)
            } else {
                None
            };
            finish(&sol, opt)
        }
    }
}
