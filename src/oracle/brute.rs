//! Brute-force enumeration of all feasible sets.

use crate::error::{Result, invalid};
use crate::instance::Instance;
use crate::num::{Num, Ordered};

/// Largest n that enumeration accepts (2^22 sets).
pub const MAX_ITEMS: usize = 22;

/// Every feasible 0/1 vector, in increasing order of its bit pattern (item 0 = lowest bit).
pub fn feasible_sets<T: Num>(inst: &Instance<T>) -> Result<Vec<Vec<bool>>> {
    let n = inst.n();
    if n > MAX_ITEMS {
        return Err(invalid(
            "theta",
            format!("brute force needs n <= {MAX_ITEMS}; got {n}"),
        ));
    }
    let mut out = Vec::new();
    for mask in 0u64..(1u64 << n) {
        let y: Vec<bool> = (0..n).map(|i| mask >> i & 1 == 1).collect();
        // Feasibility recomputed here from the raw definition, not via Instance::is_feasible.
        let total: usize = (0..n).filter(|&i| y[i]).map(|i| inst.weights()[i]).sum();
        let ok = if inst.constraint().is_equality() {
            total == inst.capacity()
        } else {
            total <= inst.capacity()
        };
        if ok {
            out.push(y);
        }
    }
    Ok(out)
}

/// <theta, y>.
pub fn score<T: Num>(theta: &[T], y: &[bool]) -> T {
    theta
        .iter()
        .zip(y)
        .filter(|(_, b)| **b)
        .fold(T::zero(), |a, (t, _)| a + t.clone())
}

/// The hard optimum and all its maximisers.
pub fn hard_optimum<T: Ordered>(inst: &Instance<T>) -> Result<(T, Vec<Vec<bool>>)> {
    let sets = feasible_sets(inst)?;
    let mut best: Option<T> = None;
    let mut argmax = Vec::new();
    for y in sets {
        let s = score(inst.theta(), &y);
        match &best {
            Some(b) if s < *b => {}
            Some(b) if s == *b => argmax.push(y),
            _ => {
                best = Some(s);
                argmax = vec![y];
            }
        }
    }
    best.map(|b| (b, argmax))
        .ok_or_else(|| invalid("capacity", "no feasible set"))
}

/// The Gibbs distribution p(y) proportional to exp(<theta, y>/gamma) over feasible sets.
#[derive(Debug, Clone)]
pub struct Gibbs {
    /// gamma ln sum_y exp(<theta,y>/gamma): the shannon operator's value.
    pub value: f64,
    /// E(y): the shannon marginals.
    pub mean: Vec<f64>,
    /// Cov(y) / gamma: the Hessian of the value, i.e. the Jacobian of the marginals.
    pub hessian: Vec<Vec<f64>>,
    /// The feasible sets and their probabilities.
    pub law: Vec<(Vec<bool>, f64)>,
}

/// The Gibbs law by enumeration (f64, log-sum-exp shifted by the max score).
pub fn gibbs(inst: &Instance<f64>, gamma: f64) -> Result<Gibbs> {
    let sets = feasible_sets(inst)?;
    let n = inst.n();
    let scores: Vec<f64> = sets
        .iter()
        .map(|y| score(inst.theta(), y) / gamma)
        .collect();
    let m = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let ws: Vec<f64> = scores.iter().map(|s| (s - m).exp()).collect();
    let z: f64 = ws.iter().sum();
    let value = gamma * (m + z.ln());
    let law: Vec<(Vec<bool>, f64)> = sets.into_iter().zip(ws.iter().map(|w| w / z)).collect();
    let mut mean = vec![0.0; n];
    for (y, p) in &law {
        for i in 0..n {
            if y[i] {
                mean[i] += p;
            }
        }
    }
    let mut hessian = vec![vec![0.0; n]; n];
    for (y, p) in &law {
        for i in 0..n {
            for j in 0..n {
                let a = y[i] as u8 as f64 - mean[i];
                let b = y[j] as u8 as f64 - mean[j];
                hessian[i][j] += p * a * b / gamma;
            }
        }
    }
    Ok(Gibbs {
        value,
        mean,
        hessian,
        law,
    })
}
