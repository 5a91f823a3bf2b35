//! Instance generators that reach the hard cases on purpose, and the flags that name what an
//! instance exercises.
//!
//! Each case is a `relax` request (a JSON object). Hard cases are drawn with fixed
//! probabilities: ties between scores, gini and tsallis kinks (a first item with
//! theta = +-gamma, resp. +-2 gamma, so that |p - s| sits exactly on the kink in row 1),
//! states at -inf (every `exact` and `top_k` instance has them), zero weights, weights above
//! the capacity, k = 0 and k = n, gamma from 1e-4 to 1e4, large score ranges, n = 0 and 1.
//!
//! Conditioning: scores are drawn at most 1000 gamma apart for the smooth regularizers (the
//! same bound as the conformance vectors), so that a correct f64 implementation meets the
//! default tolerance; the hard regularizer has no such limit.

use crate::instance::Constraint;
use crate::reg::RegKind;
use crate::rng::Rng;
use serde_json::{Map, Value, json};

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenOptions {
    /// Constraints drawn from (uniformly).
    pub constraints: Vec<Constraint>,
    /// Regularizers drawn from (uniformly).
    pub regularizers: Vec<RegKind>,
    /// Largest number of items.
    pub max_n: usize,
    /// Largest weight of an item that fits (weights above the capacity are drawn too).
    pub max_weight: u64,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            constraints: vec![Constraint::Knapsack, Constraint::Exact, Constraint::TopK],
            regularizers: RegKind::ALL.to_vec(),
            max_n: 8,
            max_weight: 4,
        }
    }
}

fn chance(rng: &mut Rng, p: f64) -> bool {
    rng.uniform() < p
}

fn log_uniform(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    let e = lo.log10() + (hi.log10() - lo.log10()) * rng.uniform();
    // Three significant digits keep the printed instances readable.
    let x = 10f64.powf(e);
    let m = 10f64.powi(2 - x.log10().floor() as i32);
    (x * m).round() / m
}

/// Case `i` of a stream: a `relax` request with `"id": i`.
pub fn case(i: u64, rng: &mut Rng, opts: &GenOptions) -> Value {
    let constraint = opts.constraints[rng.below(opts.constraints.len() as u64) as usize];
    let reg = opts.regularizers[rng.below(opts.regularizers.len() as u64) as usize];
    let n = if chance(rng, 0.1) {
        rng.below(2) as usize
    } else {
        1 + rng.below(opts.max_n.max(1) as u64) as usize
    };
    let gamma = if reg == RegKind::Hard {
        0.0
    } else if chance(rng, 0.5) {
        1.0
    } else {
        log_uniform(rng, 1e-4, 1e4)
    };
    // Score range: up to 1000 gamma for the smooth regularizers, up to 1e6 for hard.
    let range = if reg == RegKind::Hard {
        [1.0, 10.0, 1e6][rng.below(3) as usize]
    } else {
        gamma * [1e-4, 0.5, 3.0, 3.0, 1e3][rng.below(5) as usize]
    };
    let mut theta: Vec<f64> = (0..n)
        .map(|_| {
            let x = (2.0 * rng.uniform() - 1.0) * range;
            if chance(rng, 0.3) {
                (x * 4.0 / range.max(1e-300)).round() * range / 4.0
            } else {
                let m = 10f64.powi(3 - x.abs().max(1e-300).log10().floor() as i32);
                (x * m).round() / m
            }
        })
        .collect();
    // Ties.
    if n >= 2 && chance(rng, 0.3) {
        let a = rng.below(n as u64) as usize;
        let b = rng.below(n as u64) as usize;
        theta[a] = theta[b];
    }
    // Kinks in row 1.
    if n >= 1 && chance(rng, 0.3) {
        let k = match reg {
            RegKind::Gini => gamma,
            RegKind::Tsallis => 2.0 * gamma,
            _ => 0.0,
        };
        theta[0] = if chance(rng, 0.5) { k } else { -k };
    }
    let mut weights: Vec<u64> = (0..n)
        .map(|_| {
            if chance(rng, 0.15) {
                0
            } else {
                1 + rng.below(opts.max_weight.max(1))
            }
        })
        .collect();
    if constraint == Constraint::TopK {
        weights = vec![1; n];
    }
    let total: u64 = weights.iter().sum();
    let capacity = match constraint {
        Constraint::Knapsack => {
            let c = rng.below(total + 2);
            // Some weight above the capacity.
            if n >= 1 && chance(rng, 0.2) {
                let j = rng.below(n as u64) as usize;
                weights[j] = c + 1 + rng.below(3);
            }
            c
        }
        Constraint::Exact => {
            // The weight of a random subset: always feasible.
            weights.iter().filter(|_| rng.uniform() < 0.5).sum()
        }
        Constraint::TopK => match rng.below(4) {
            0 => 0,
            1 => n as u64,
            _ => rng.below(n as u64 + 1),
        },
    };
    let z: Vec<f64> = (0..n)
        .map(|_| {
            if chance(rng, 0.2) {
                0.0
            } else {
                ((2.0 * rng.uniform() - 1.0) * 100.0).round() / 100.0
            }
        })
        .collect();
    let mut m = Map::new();
    m.insert("id".into(), json!(i));
    m.insert("constraint".into(), constraint.name().into());
    m.insert("regularizer".into(), reg.name().into());
    if reg != RegKind::Hard {
        m.insert("gamma".into(), json!(gamma));
    }
    m.insert("capacity".into(), json!(capacity));
    m.insert("theta".into(), json!(theta));
    if constraint != Constraint::TopK {
        m.insert("weights".into(), json!(weights));
    }
    m.insert("z".into(), json!(z));
    Value::Object(m)
}

/// The flags of a request: what it exercises. Computed from the instance alone:
/// `n_zero`, `n_one`, `tie` (two equal scores), `kink` (a gini or tsallis first-row cell on
/// its kink, |theta_1| = gamma resp. 2 gamma with the item fitting), `infeasible_state`
/// (exact and top-k tables hold -inf cells), `zero_weight`, `weight_over_capacity`, `k_zero`,
/// `k_n`, `capacity_zero`, `gamma_small` (gamma < 1e-3 max(1, max|theta|)),
/// `gamma_large` (gamma > 1e3 max(1, max|theta|)), `large_range` (max|theta| >= 1e3 max(1,
/// gamma)), `hard`.
pub fn flags(v: &Value) -> Vec<&'static str> {
    let mut f = Vec::new();
    let nums = |k: &str| -> Vec<f64> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let theta = nums("theta");
    let weights = nums("weights");
    let n = theta.len();
    let cap = v
        .get("capacity")
        .or_else(|| v.get("k"))
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let gamma = v.get("gamma").and_then(Value::as_f64).unwrap_or(0.0);
    let reg = v.get("regularizer").and_then(Value::as_str).unwrap_or("");
    let constraint = v.get("constraint").and_then(Value::as_str).unwrap_or("");
    let top_k = constraint == "top_k" || constraint == "topk";
    let max_abs = theta.iter().fold(0.0f64, |a, t| a.max(t.abs()));
    if n == 0 {
        f.push("n_zero");
    }
    if n == 1 {
        f.push("n_one");
    }
    let mut sorted = theta.clone();
    sorted.sort_by(f64::total_cmp);
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        f.push("tie");
    }
    let w0 = if top_k {
        1.0
    } else {
        weights.first().copied().unwrap_or(0.0)
    };
    let kink_at = match reg {
        "gini" => gamma,
        "tsallis" => 2.0 * gamma,
        _ => f64::NAN,
    };
    // Row 1: s = V_0(c), p = V_0(c - w_1) + theta_1. Both are finite (and 0 + theta_1 apart)
    // for knapsack when w_1 <= C, and for exact / top-k only at c = 0 with w_1 = 0.
    let row1_both_finite = if top_k || constraint == "exact" {
        w0 == 0.0
    } else {
        w0 <= cap
    };
    if n >= 1 && theta[0].abs() == kink_at && row1_both_finite {
        f.push("kink");
    }
    if (top_k || constraint == "exact") && (cap > 0.0 || n > 0) {
        f.push("infeasible_state");
    }
    if !top_k && weights.contains(&0.0) {
        f.push("zero_weight");
    }
    if !top_k && weights.iter().any(|&w| w > cap) {
        f.push("weight_over_capacity");
    }
    if top_k && cap == 0.0 {
        f.push("k_zero");
    }
    if top_k && cap == n as f64 && n > 0 {
        f.push("k_n");
    }
    if !top_k && cap == 0.0 {
        f.push("capacity_zero");
    }
    if reg == "hard" {
        f.push("hard");
    } else {
        if gamma < 1e-3 * max_abs.max(1.0) {
            f.push("gamma_small");
        }
        if gamma > 1e3 * max_abs.max(1.0) {
            f.push("gamma_large");
        }
    }
    if max_abs >= 1e3 * gamma.max(1.0) {
        f.push("large_range");
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::json::f64_of;
    use crate::request::relax::parse_request;

    /// Every generated case is a valid request, and the hard cases appear.
    #[test]
    fn generated_cases_are_valid_and_reach_the_hard_cases() {
        let mut rng = Rng::seed(7);
        let opts = GenOptions::default();
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..3000 {
            let v = case(i, &mut rng, &opts);
            parse_request(&v, f64_of).unwrap_or_else(|e| panic!("{v}: {e}"));
            seen.extend(flags(&v));
        }
        for f in [
            "n_zero",
            "n_one",
            "tie",
            "kink",
            "infeasible_state",
            "zero_weight",
            "weight_over_capacity",
            "k_zero",
            "k_n",
            "capacity_zero",
            "gamma_small",
            "gamma_large",
            "large_range",
            "hard",
        ] {
            assert!(seen.contains(f), "never generated: {f}");
        }
    }
}
