//! Conformance vectors (`diffknap vectors --count N --seed S [--profile small|stress]`).
//!
//! Each output line is a valid `relax` input (`id`, `case`, `constraint`, `regularizer`,
//! `gamma`, `capacity`, `theta`, `weights`, `z`) plus `expected`: the certified enclosures of
//! `value`, `y` and `vjp` as `["lo", "hi"]` decimal strings (as printed by
//! `relax --precision certified`). The stream is a pure function of (count, seed, profile).
//!
//! Line `i` uses constraint `i mod 3` (knapsack, exact, top_k), regularizer `(i / 3) mod 4`
//! (hard, shannon, gini, tsallis) and case `(i / 12) mod 10` of [`CASES`], so the first 120
//! lines cover every combination. Numbers are `f64`s written in their shortest round-trip
//! form, so every reader gets exactly the inputs the expected values were computed for.
//!
//! Conditioning: for the smooth regularizers gamma is kept >= max |theta| / 1000, since
//! `f64` relative errors in y grow like (rounding error of V) / gamma and no `f64`
//! implementation could then meet `validate`'s default tolerance. The hard regularizer has no
//! such limit and gets score ranges up to 1e6.

use crate::error::{Result, invalid};
use crate::instance::{Constraint, Instance};
use crate::reg::RegKind;
use crate::request::certified::DEFAULT_DIGITS;
use crate::rng::Rng;
use serde_json::{Map, Value, json};

/// The special cases cycled through.
pub const CASES: [&str; 10] = [
    "random",
    "ties",
    "zero_weights",
    "heavy_item",
    "capacity_zero",
    "full",
    "large_range",
    "gamma_small",
    "gamma_large",
    "random_large",
];

/// Size profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// n <= 8, capacity <= 12: fast, readable.
    Small,
    /// n <= 40, capacity <= 60.
    Stress,
}

impl Profile {
    fn max_n(self) -> u64 {
        match self {
            Profile::Small => 8,
            Profile::Stress => 40,
        }
    }
    fn max_c(self) -> u64 {
        match self {
            Profile::Small => 12,
            Profile::Stress => 60,
        }
    }
}

/// Largest max |theta| / gamma generated for the smooth regularizers.
pub const MAX_SCORE_OVER_GAMMA: f64 = 1e3;

fn log_uniform(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    let e = lo + (hi - lo) * rng.uniform();
    // Three significant digits, so that the inputs stay readable.
    let x = 10f64.powf(e);
    let m = 10f64.powi(2 - x.log10().floor() as i32);
    (x * m).round() / m
}

fn signed(rng: &mut Rng) -> f64 {
    2.0 * rng.uniform() - 1.0
}

/// One instance (without expected outputs) as a `relax` input object.
pub fn instance_json(i: usize, seed: u64, profile: Profile, rng: &mut Rng) -> Map<String, Value> {
    let constraint = [Constraint::Knapsack, Constraint::Exact, Constraint::TopK][i % 3];
    let reg = RegKind::ALL[(i / 3) % 4];
    let case = CASES[(i / 12) % CASES.len()];
    let mut n = 1 + rng.below(profile.max_n()) as usize;
    if case == "random_large" || case == "full" {
        n = n.max(profile.max_n() as usize / 2);
    }
    // Scores.
    let scale = if case == "large_range" {
        if reg == RegKind::Hard { 1e6 } else { 1e3 }
    } else {
        log_uniform(rng, -1.0, 1.0)
    };
    let theta: Vec<f64> = (0..n)
        .map(|_| match case {
            "ties" => (rng.below(5) as f64 - 2.0) * 0.5,
            "large_range" => {
                let mag = log_uniform(rng, -6.0, 0.0) * scale;
                if rng.below(2) == 0 { mag } else { -mag }
            }
            _ => {
                let x = signed(rng) * scale;
                (x * 1e6).round() / 1e6
            }
        })
        .collect();
    let max_abs = theta.iter().fold(0.0f64, |a, t| a.max(t.abs()));
    // Temperature.
    let gamma = match (reg, case) {
        (RegKind::Hard, _) => 0.0,
        (_, "gamma_small") => 1e-3,
        (_, "gamma_large") => 1e3,
        _ => log_uniform(rng, -3.0, 3.0),
    };
    let theta: Vec<f64> = if reg != RegKind::Hard && max_abs > gamma * MAX_SCORE_OVER_GAMMA {
        // Rescale the scores rather than the temperature, so gamma keeps its case's value.
        let f = gamma * MAX_SCORE_OVER_GAMMA / max_abs;
        theta.iter().map(|t| t * f).collect()
    } else {
        theta
    };
    // Weights and capacity.
    let max_w = match profile {
        Profile::Small => 4,
        Profile::Stress => 8,
    };
    let mut weights: Vec<u64> = match constraint {
        Constraint::TopK => vec![1; n],
        _ => (0..n)
            .map(|_| {
                if case == "zero_weights" && rng.below(3) == 0 {
                    0
                } else {
                    1 + rng.below(max_w)
                }
            })
            .collect(),
    };
    let total: u64 = weights.iter().sum();
    let mut capacity = match case {
        "capacity_zero" => 0,
        "full" => total.min(profile.max_c()),
        _ => rng.below(total.min(profile.max_c()) + 1),
    };
    let mut used = vec![false; n];
    if constraint == Constraint::Exact && case != "capacity_zero" {
        // A capacity that some subset reaches: the weight of a random subset, kept small.
        let mut c = 0;
        for (j, &w) in weights.iter().enumerate() {
            if rng.below(2) == 0 && c + w <= profile.max_c() {
                c += w;
                used[j] = true;
            }
        }
        capacity = c;
    }
    if case == "heavy_item" && constraint != Constraint::TopK {
        // One item heavier than the capacity (never one of the exact subset).
        let free: Vec<usize> = (0..n).filter(|&j| !used[j]).collect();
        if !free.is_empty() {
            let j = free[rng.below(free.len() as u64) as usize];
            weights[j] = capacity + 1 + rng.below(5);
        }
    }
    let z: Vec<f64> = (0..n).map(|_| (signed(rng) * 1e6).round() / 1e6).collect();
    let mut m = Map::new();
    m.insert("id".into(), format!("s{seed}-{i}").into());
    m.insert("case".into(), case.into());
    m.insert("constraint".into(), constraint.name().into());
    m.insert("regularizer".into(), reg.name().into());
    m.insert("gamma".into(), json!(gamma));
    m.insert("capacity".into(), capacity.into());
    m.insert("theta".into(), json!(theta));
    if constraint != Constraint::TopK {
        m.insert("weights".into(), json!(weights));
    }
    m.insert("z".into(), json!(z));
    m
}

/// The certified expected outputs of an instance object (as printed by
/// `relax --precision certified`).
pub fn expected(obj: &Value) -> Result<Map<String, Value>> {
    crate::request::certified::answer_certified(obj, DEFAULT_DIGITS)
}

/// `count` vectors for `seed` and `profile`, as JSON objects.
pub fn generate(count: usize, seed: u64, profile: Profile) -> Result<Vec<Value>> {
    let mut rng = Rng::seed(seed);
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let mut m = instance_json(i, seed, profile, &mut rng);
        let obj = Value::Object(m.clone());
        // Validate through the same parser as relax, then certify.
        let exp = expected(&obj)?;
        m.insert("expected".into(), Value::Object(exp));
        out.push(Value::Object(m));
    }
    Ok(out)
}

/// Builds the f64 instance of a vector line (for tests and tools).
pub fn parse_instance(v: &Value) -> Result<Instance<f64>> {
    Ok(crate::request::relax::parse_request(v, crate::request::json::f64_of)?.instance)
}

impl Profile {
    /// Parses `small` or `stress`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "small" => Ok(Profile::Small),
            "stress" => Ok(Profile::Stress),
            other => Err(invalid(
                "profile",
                format!("must be small or stress; got {other:?}"),
            )),
        }
    }
}
