//! The multilinear extension `F(x) = E[f(R(x))]`, where `R(x)` contains item `i`
//! independently with probability `x_i`.
//!
//! Closed forms ([`Multilinear`] implementations), all exact in exact arithmetic:
//! * weighted coverage: `F(x) = sum_u w_u (1 - prod_{i covers u} (1 - x_i))`;
//! * facility location: for each customer sort the items by value, decreasing
//!   (`v_(1) >= v_(2) >= ...`); then `E[max] = sum_k v_(k) x_(k) prod_{l < k} (1 - x_(l))`;
//! * concave over modular (integer weights): the law of `sum_i w_ig [i in R]` is a
//!   Poisson-binomial computed by a DP over integer sums; `F = sum_g E[phi(.)]`;
//! * budget-additive: the same DP over distinct capped sums;
//! * bipartite influence: `F = sum_u w_u (1 - prod_i (1 - x_i p_iu))` (independence);
//! * modular: `sum_i w_i x_i`; explicit table: [`multilinear_by_enumeration`].
//!
//! Generic fallbacks: [`multilinear_by_enumeration`] (exact, `2^k` value queries for `k`
//! fractional coordinates) and [`multilinear_sampled`] (Monte Carlo with a Hoeffding bound).

use super::error::{Result, SubmodError};
use super::function::{Counted, SetFunction};
use super::functions::{
    BipartiteInfluence, BudgetAdditive, ConcaveOverModular, ExplicitTable, FacilityLocation,
    Modular, WeightedCoverage,
};
use super::value::{Field, Value};
use crate::rng::Rng;

/// A set function whose multilinear extension can be evaluated (exactly, up to the
/// arithmetic of its value type).
///
/// `x` must have length [`SetFunction::ground_size`] with entries in `[0, 1]`
/// ([`check_point`] validates untrusted points).
pub trait Multilinear: SetFunction<Value: Field> {
    /// `F(x)`.
    fn multilinear(&self, x: &[Self::Value]) -> Self::Value;
    /// Whether [`Multilinear::multilinear`] runs in reasonable time and memory on every point
    /// (checked by the continuous algorithms before they start). Defaults to `Ok(())`.
    fn extension_supported(&self) -> Result<()> {
        Ok(())
    }
    /// Elementary operations one [`Multilinear::multilinear`] costs (an upper bound, used by
    /// the work estimates of [`super::work`]). Defaults to `(n + 1)` queries.
    fn extension_work(&self) -> u64 {
        (self.ground_size() as u64 + 1).saturating_mul(self.query_work())
    }
}

/// Largest support of the sum distributions the DP closed forms accept.
pub const MAX_DP_SUPPORT: f64 = 1.0e7;

/// Validate a point: length `n`, entries in `[0, 1]`.
pub fn check_point<V: Field>(n: usize, x: &[V]) -> Result<()> {
    if x.len() != n {
        return Err(SubmodError::LengthMismatch {
            what: "x".into(),
            expected: n,
            found: x.len(),
        });
    }
    for (i, v) in x.iter().enumerate() {
        if v.is_negative() || !v.le(&V::one()) || (!V::is_exact() && !v.to_f64().is_finite()) {
            return Err(SubmodError::InvalidParameter {
                name: format!("x[{i}]"),
                reason: "must be in [0, 1]".into(),
            });
        }
    }
    Ok(())
}

impl<F: Multilinear + ?Sized> Multilinear for Counted<'_, F> {
    fn multilinear(&self, x: &[Self::Value]) -> Self::Value {
        self.add_extension_queries(1);
        self.inner().multilinear(x)
    }
    fn extension_supported(&self) -> Result<()> {
        self.inner().extension_supported()
    }
    fn extension_work(&self) -> u64 {
        self.inner().extension_work()
    }
}

impl<V: Field> Multilinear for WeightedCoverage<V> {
    /// One product per (atom, covering item).
    fn extension_work(&self) -> u64 {
        let nonzeros: usize = self.covering().iter().map(Vec::len).sum();
        1 + (self.atom_weights().len() + nonzeros) as u64
    }
    fn multilinear(&self, x: &[V]) -> V {
        let mut total = V::zero();
        for (w, items) in self.atom_weights().iter().zip(self.covering()) {
            let mut miss = V::one();
            for &i in items {
                miss = miss.mul(&V::one().sub(&x[i]));
            }
            total = total.add(&w.mul(&V::one().sub(&miss)));
        }
        total
    }
}

impl<V: Field> Multilinear for FacilityLocation<V> {
    /// A sort of the support per customer.
    fn extension_work(&self) -> u64 {
        let n = self.ground_size() as u64 + 1;
        let log = 64 - n.leading_zeros() as u64;
        1 + (self.customers() as u64).saturating_mul(n.saturating_mul(log + 1))
    }
    fn multilinear(&self, x: &[V]) -> V {
        let support: Vec<usize> = (0..x.len()).filter(|&i| x[i].is_positive()).collect();
        let mut total = V::zero();
        let mut order = support.clone();
        for j in 0..self.customers() {
            let vals = self.values();
            order.sort_by(|&a, &b| vals[b][j].cmp_value(&vals[a][j]).then(a.cmp(&b)));
            let mut none_better = V::one();
            for &i in &order {
                total = total.add(&vals[i][j].mul(&x[i]).mul(&none_better));
                none_better = none_better.mul(&V::one().sub(&x[i]));
            }
        }
        total
    }
}

impl Multilinear for ConcaveOverModular {
    /// The Poisson-binomial DP: `n (W_g + 1)` per feature `g` of total weight `W_g`.
    fn extension_work(&self) -> u64 {
        let n = self.ground_size() as u64;
        (0..self.features())
            .map(|g| {
                let total: u64 = self
                    .weights()
                    .iter()
                    .map(|r| r[g])
                    .fold(0u64, u64::saturating_add);
                n.saturating_mul(total.saturating_add(1))
            })
            .fold(1u64, u64::saturating_add)
    }
    fn extension_supported(&self) -> Result<()> {
        for g in 0..self.features() {
            let total: u64 = self.weights().iter().map(|r| r[g]).sum();
            if total as f64 > MAX_DP_SUPPORT {
                return Err(SubmodError::TooLarge(format!(
                    "multilinear extension of concave over modular: feature {g} has total \
                     weight {total} > {MAX_DP_SUPPORT} (the Poisson-binomial DP is O(total))"
                )));
            }
        }
        Ok(())
    }
    /// Poisson-binomial DP, `O(n W)` time and `O(W)` memory for feature total `W`
    /// (see [`Multilinear::extension_supported`]).
    fn multilinear(&self, x: &[f64]) -> f64 {
        let w = self.weights();
        let phi = self.concave();
        let mut total = 0.0;
        for g in 0..self.features() {
            let max: u64 = (0..x.len()).filter(|&i| x[i] > 0.0).map(|i| w[i][g]).sum();
            // dist[s] = P(sum = s), Poisson-binomial over the items with x_i > 0.
            let mut dist = vec![0.0f64; max as usize + 1];
            dist[0] = 1.0;
            let mut reach = 0usize;
            for i in 0..x.len() {
                let wi = w[i][g] as usize;
                if x[i] <= 0.0 || wi == 0 {
                    continue;
                }
                let p = x[i];
                for s in (0..=reach).rev() {
                    let m = dist[s];
                    if m != 0.0 {
                        dist[s + wi] += m * p;
                        dist[s] = m * (1.0 - p);
                    }
                }
                reach += wi;
            }
            total += dist
                .iter()
                .enumerate()
                .map(|(s, &pr)| pr * phi.apply(s as u64))
                .sum::<f64>();
        }
        total
    }
}

impl<V: Field> Multilinear for BudgetAdditive<V> {
    /// The DP over capped sums: at most `min(cap + 1, 2^n)` support points (`cap + 1` for
    /// integer weights) per item, times a sort.
    fn extension_work(&self) -> u64 {
        let n = self.ground_size() as u64;
        let integral = self.weights().iter().all(|w| w.to_f64().fract() == 0.0)
            && self.cap().to_f64().fract() == 0.0;
        let by_cap = if integral {
            (self.cap().to_f64().clamp(0.0, 1e18) as u64).saturating_add(1)
        } else {
            u64::MAX
        };
        let by_n = 1u64.checked_shl(n.min(63) as u32).unwrap_or(u64::MAX);
        let support = by_cap.min(by_n);
        1 + n.saturating_mul(support.saturating_mul(2 + (64 - support.leading_zeros() as u64)))
    }
    /// The DP support is at most `cap + 1` for integer weights, and at most `2^n` otherwise.
    fn extension_supported(&self) -> Result<()> {
        let integral = self
            .weights()
            .iter()
            .all(|w| w.to_f64().fract() == 0.0 && w.to_f64().abs() <= MAX_DP_SUPPORT);
        let small_cap = self.cap().to_f64() <= MAX_DP_SUPPORT;
        if (integral && small_cap) || self.weights().len() <= 20 {
            Ok(())
        } else {
            Err(SubmodError::TooLarge(
                "multilinear extension of budget-additive: needs integer weights and cap <= \
                 10^7, or n <= 20"
                    .into(),
            ))
        }
    }
    fn multilinear(&self, x: &[V]) -> V {
        // Law of min(cap, sum) as a sorted list of (capped sum, probability).
        let cap = self.cap().clone();
        let mut dist: Vec<(V, V)> = vec![(V::zero(), V::one())];
        for (i, xi) in x.iter().enumerate() {
            if !xi.is_positive() {
                continue;
            }
            let wi = &self.weights()[i];
            let mut next: Vec<(V, V)> = Vec::with_capacity(dist.len() * 2);
            for (s, p) in &dist {
                next.push((s.clone(), p.mul(&V::one().sub(xi))));
                next.push((s.add(wi).min_value(cap.clone()), p.mul(xi)));
            }
            next.sort_by(|a, b| a.0.cmp_value(&b.0));
            let mut merged: Vec<(V, V)> = Vec::with_capacity(next.len());
            for (s, p) in next {
                match merged.last_mut() {
                    Some(last) if last.0 == s => last.1 = last.1.add(&p),
                    _ => merged.push((s, p)),
                }
            }
            dist = merged;
        }
        V::sum(
            dist.iter()
                .map(|(s, p)| s.mul(p))
                .collect::<Vec<_>>()
                .iter(),
        )
    }
}

impl<V: Field> Multilinear for BipartiteInfluence<V> {
    /// One product per (target, item).
    fn extension_work(&self) -> u64 {
        1 + (self.target_weights().len() as u64).saturating_mul(self.ground_size() as u64)
    }
    fn multilinear(&self, x: &[V]) -> V {
        let mut total = V::zero();
        for (u, w) in self.target_weights().iter().enumerate() {
            let mut miss = V::one();
            for (i, xi) in x.iter().enumerate() {
                miss = miss.mul(&V::one().sub(&xi.mul(&self.probabilities()[i][u])));
            }
            total = total.add(&w.mul(&V::one().sub(&miss)));
        }
        total
    }
}

impl<V: Field> Multilinear for Modular<V> {
    fn multilinear(&self, x: &[V]) -> V {
        V::sum(
            self.weights()
                .iter()
                .zip(x)
                .map(|(w, xi)| w.mul(xi))
                .collect::<Vec<_>>()
                .iter(),
        )
    }
}

impl<V: Field> Multilinear for ExplicitTable<V> {
    /// Enumeration of the `2^n` sets (`n <= 20`).
    fn extension_work(&self) -> u64 {
        let n = self.ground_size() as u64;
        (1u64 << n.min(62)).saturating_mul(n + 1)
    }
    fn multilinear(&self, x: &[V]) -> V {
        // n <= 20, so enumeration always runs.
        enumerate_exact(self, x)
    }
}

/// Largest number of fractional coordinates [`multilinear_by_enumeration`] accepts.
pub const MAX_FRACTIONAL: usize = 20;

fn enumerate_exact<F: SetFunction<Value: Field> + ?Sized>(f: &F, x: &[F::Value]) -> F::Value {
    let ones: Vec<usize> = (0..x.len()).filter(|&i| x[i] == F::Value::one()).collect();
    let frac: Vec<usize> = (0..x.len())
        .filter(|&i| x[i].is_positive() && x[i] != F::Value::one())
        .collect();
    let mut total = F::Value::zero();
    for mask in 0..1usize << frac.len() {
        let mut p = F::Value::one();
        let mut set = ones.clone();
        for (b, &i) in frac.iter().enumerate() {
            if mask >> b & 1 == 1 {
                p = p.mul(&x[i]);
                set.push(i);
            } else {
                p = p.mul(&F::Value::one().sub(&x[i]));
            }
        }
        total = total.add(&p.mul(&f.value(&set)));
    }
    total
}

/// `F(x)` exactly by enumerating the subsets of the fractional coordinates:
/// `sum_{T subset of frac} prod_{i in T} x_i prod_{i in frac \ T} (1 - x_i) f(ones + T)`.
/// Uses `2^k` value queries for `k` fractional coordinates (`k <= 20`).
pub fn multilinear_by_enumeration<F: SetFunction<Value: Field> + ?Sized>(
    f: &F,
    x: &[F::Value],
) -> Result<F::Value> {
    check_point(f.ground_size(), x)?;
    let k = x
        .iter()
        .filter(|v| v.is_positive() && **v != F::Value::one())
        .count();
    if k > MAX_FRACTIONAL {
        return Err(SubmodError::TooLarge(format!(
            "{k} fractional coordinates > {MAX_FRACTIONAL}"
        )));
    }
    Ok(enumerate_exact(f, x))
}

/// A Monte Carlo estimate of `F(x)` with its Hoeffding confidence interval.
#[derive(Clone, Debug, PartialEq)]
pub struct SampledEstimate {
    /// Sample mean of `f(R(x))`.
    pub mean: f64,
    /// With probability at least `1 - delta`, `|mean - F(x)| <= half_width`.
    pub half_width: f64,
    /// Number of samples.
    pub samples: usize,
}

/// Estimate `F(x)` from `samples` independent draws of `R(x)`.
///
/// Every `f(R(x))` lies in `[0, M]` with `M = f(support of x)` (monotonicity), so by
/// Hoeffding's inequality `P(|mean - F(x)| >= t) <= 2 exp(-2 samples t^2 / M^2)`; the
/// returned `half_width = M sqrt(ln(2 / delta) / (2 samples))` holds with probability
/// `>= 1 - delta`. Costs `samples + 1` value queries.
pub fn multilinear_sampled<F: SetFunction + ?Sized>(
    f: &F,
    x: &[f64],
    samples: usize,
    delta: f64,
    rng: &mut Rng,
) -> Result<SampledEstimate> {
    check_point(f.ground_size(), x)?;
    if samples == 0 {
        return Err(SubmodError::InvalidParameter {
            name: "samples".into(),
            reason: "must be >= 1".into(),
        });
    }
    if !(delta > 0.0 && delta < 1.0) {
        return Err(SubmodError::InvalidParameter {
            name: "delta".into(),
            reason: "must be in (0, 1)".into(),
        });
    }
    let support: Vec<usize> = (0..x.len()).filter(|&i| x[i] > 0.0).collect();
    let m = f.value(&support).to_f64();
    let mut sum = 0.0;
    for _ in 0..samples {
        let set: Vec<usize> = support
            .iter()
            .copied()
            .filter(|&i| rng.uniform() < x[i])
            .collect();
        sum += f.value(&set).to_f64();
    }
    Ok(SampledEstimate {
        mean: sum / samples as f64,
        half_width: m * ((2.0 / delta).ln() / (2.0 * samples as f64)).sqrt(),
        samples,
    })
}

/// Any set function with field values, given the exact multilinear extension by enumeration
/// of the fractional coordinates ([`multilinear_by_enumeration`]); `n <= 20` is required
/// ([`Multilinear::extension_supported`]). This is the accounting of Ene and Nguyen: with `k`
/// fractional coordinates one evaluation of `F` costs `2^k` value queries (made on the wrapped
/// function, so they are not in the caller's [`Counted`] total, which counts the extension
/// evaluation once).
#[derive(Clone, Debug)]
pub struct ByEnumeration<F>(pub F);

impl<F: SetFunction> SetFunction for ByEnumeration<F> {
    type Value = F::Value;
    type State = F::State;
    fn ground_size(&self) -> usize {
        self.0.ground_size()
    }
    fn empty_state(&self) -> Self::State {
        self.0.empty_state()
    }
    fn state_value(&self, state: &Self::State) -> Self::Value {
        self.0.state_value(state)
    }
    fn gain(&self, state: &Self::State, e: usize) -> Self::Value {
        self.0.gain(state, e)
    }
    fn insert(&self, state: &mut Self::State, e: usize) {
        self.0.insert(state, e)
    }
    fn state_of(&self, set: &[usize]) -> Self::State {
        self.0.state_of(set)
    }
    fn value(&self, set: &[usize]) -> Self::Value {
        self.0.value(set)
    }
    fn query_work(&self) -> u64 {
        self.0.query_work()
    }
}

impl<F: SetFunction<Value: Field>> Multilinear for ByEnumeration<F> {
    /// `2^n` value queries of up to `n` insertions each.
    fn extension_work(&self) -> u64 {
        let n = self.0.ground_size() as u64;
        (1u64 << n.min(62))
            .saturating_mul(n + 1)
            .saturating_mul(self.0.query_work())
    }
    fn multilinear(&self, x: &[Self::Value]) -> Self::Value {
        enumerate_exact(&self.0, x)
    }
    fn extension_supported(&self) -> Result<()> {
        let n = self.0.ground_size();
        if n > MAX_FRACTIONAL {
            return Err(SubmodError::TooLarge(format!(
                "extension by enumeration needs n <= {MAX_FRACTIONAL}, got {n}"
            )));
        }
        Ok(())
    }
}
