//! An exact big-integer count of feasible sets, |Y|.

use crate::instance::Instance;
use crate::num::Num;
use num_bigint::BigUint;

/// |Y|: the number of feasible sets, counted exactly (subset-count DP over weights).
pub fn count_feasible<T: Num>(inst: &Instance<T>) -> BigUint {
    let cap = inst.capacity();
    // ways[c] = number of subsets of the items seen so far with total weight exactly c.
    let mut ways = vec![BigUint::from(0u32); cap + 1];
    ways[0] = BigUint::from(1u32);
    for &w in inst.weights() {
        if w > cap {
            continue;
        }
        for c in (w..=cap).rev() {
            let add = ways[c - w].clone();
            ways[c] += add;
        }
    }
    if inst.constraint().is_equality() {
        ways[cap].clone()
    } else {
        ways.iter().sum()
    }
}

/// ln |Y| in f64 (via the bit length for huge counts).
pub fn ln_count(count: &BigUint) -> f64 {
    let bits = count.bits();
    if bits < 1000 {
        let x: f64 = count.to_string().parse().unwrap_or(f64::INFINITY);
        x.ln()
    } else {
        let shift = bits - 64;
        let top: f64 = (count >> shift)
            .to_string()
            .parse()
            .unwrap_or(f64::INFINITY);
        top.ln() + shift as f64 * std::f64::consts::LN_2
    }
}
