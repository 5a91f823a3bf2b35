//! Measured properties of a regularizer on random instances (docs/regularizers.md): the
//! engine of `diffknap study` and of the figures of `diffknap plot`.
//!
//! Every measurement runs the library's own `f64` operators ([`crate::ops::relax_f64`]) on
//! random small instances drawn with [`crate::rng::Rng`] from a seed, so a report is
//! reproducible from `(regularizer, trials, seed)`:
//!
//! - **Equivariance**: `y` of an instance against `y` of the same items in another order
//!   (theta and w permuted jointly); the largest deviation, and a witness shrunk by dropping
//!   items and rounding scores while the deviation stays above half of the largest one, given as
//!   two `relax` request lines that replay it.
//! - **Sparsity threshold**: the smallest `|p - s| / gamma` at which the two-way choice is
//!   exactly 0 or 1, by bisection on the `f64` implementation, against the theory
//!   ([`RegKind::sparsity_threshold`]).
//! - **Gap**: the worst `(V - V_hard) / (n gamma)` against `Hmax` (SPEC A.4 bounds it by Hmax).
//! - **Smoothness**: the Jacobian of y (n VJPs with the unit vectors) along random segments in
//!   theta at 100 and at 1000 steps; the largest entrywise jump between neighbouring steps. A
//!   continuous Jacobian's jump shrinks about tenfold with the step; a jump that stays is a
//!   discontinuity (the sparse regularizers' kinks).
//! - **Limits**: `max |y - y_hard|` as gamma -> 0 (and how many instances reach the hard
//!   indicator exactly), and `max |y - u|` as gamma -> infinity where u is the uniform
//!   distribution's marginals on the feasible sets (enumerated).

pub mod plot;

use crate::error::{Result, invalid};
use crate::instance::{Budget, Constraint, Instance};
use crate::ops::{Extras, relax_f64};
use crate::reg::{Gini, Hard, RegKind, Regularizer, Shannon, Tsallis, TsallisAlpha};
use crate::rng::Rng;
use serde_json::{Value, json};

/// Largest number of trials accepted (each trial is a handful of small DPs).
pub const MAX_TRIALS: usize = 1_000_000;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Random instances per measurement.
    pub trials: usize,
    /// Seed of the instance generator.
    pub seed: u64,
    /// Largest number of items of a random instance (at least 2).
    pub max_n: usize,
}

impl Default for Options {
    /// 200 trials, seed 0, up to 6 items.
    fn default() -> Self {
        Options {
            trials: 200,
            seed: 0,
            max_n: 6,
        }
    }
}

/// `(value, q)` of the two-way smoothed max of `kind` in f64 (the library's implementations).
pub fn two_way(kind: RegKind, s: f64, p: f64, gamma: f64) -> Result<(f64, f64)> {
    Ok(match kind {
        RegKind::Hard => Hard.smax(&s, &p, &gamma),
        RegKind::Shannon => Shannon.smax(&s, &p, &gamma),
        RegKind::Gini => Gini.smax(&s, &p, &gamma),
        RegKind::Tsallis => Tsallis.smax(&s, &p, &gamma),
        RegKind::Alpha(a) => TsallisAlpha::new(a).smax(&s, &p, &gamma),
        RegKind::Custom => {
            return Err(invalid(
                "regularizer",
                "custom regularizers are studied from Rust (reg::check_two_way)",
            ));
        }
    })
}

/// A random feasible instance: knapsack, exact or top-k, 2..=max_n items, weights 1..=3,
/// scores with two decimals in [-2, 2].
pub fn random_instance(rng: &mut Rng, max_n: usize) -> Instance<f64> {
    let n = 2 + rng.below(max_n.max(2) as u64 - 1) as usize;
    let theta: Vec<f64> = (0..n)
        .map(|_| (rng.below(401) as f64 - 200.0) / 100.0)
        .collect();
    let weights: Vec<u64> = (0..n).map(|_| 1 + rng.below(3)).collect();
    let total: u64 = weights.iter().sum();
    let built = match rng.below(3) {
        0 => Instance::knapsack(theta, weights, 1 + rng.below(total - 1)),
        1 => {
            let mut c: u64 = weights.iter().filter(|_| rng.below(2) == 1).sum();
            if c == 0 {
                c = weights[0];
            }
            Instance::exact(theta, weights, c)
        }
        _ => Instance::new(
            Constraint::TopK,
            theta,
            None,
            1 + rng.below(n as u64 - 1),
            Budget::default(),
        ),
    };
    built.expect("random_instance builds valid instances")
}

/// The instance with its items in the order `perm` (item j of the result is item `perm[j]`).
pub fn permuted(inst: &Instance<f64>, perm: &[usize]) -> Instance<f64> {
    let theta = perm.iter().map(|&i| inst.theta()[i]).collect();
    let weights = perm.iter().map(|&i| inst.weights()[i] as u64).collect();
    Instance::new(
        inst.constraint(),
        theta,
        Some(weights),
        inst.capacity() as u64,
        Budget::default(),
    )
    .expect("a permutation of a valid instance is valid")
}

fn random_perm(rng: &mut Rng, n: usize) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        p.swap(i, j);
    }
    p
}

/// `max_j |y_b[j] - y_a[perm[j]]|` for the instance in its order (a) and in `perm` (b).
pub fn equivariance_deviation(
    inst: &Instance<f64>,
    perm: &[usize],
    kind: RegKind,
    gamma: f64,
) -> Result<(f64, Vec<f64>, Vec<f64>)> {
    let ya = relax_f64(inst, kind, gamma, &Extras::default())?.y;
    let yb = relax_f64(&permuted(inst, perm), kind, gamma, &Extras::default())?.y;
    let dev = perm
        .iter()
        .enumerate()
        .map(|(j, &i)| (yb[j] - ya[i]).abs())
        .fold(0.0, f64::max);
    Ok((dev, ya, yb))
}

/// A replayable equivariance witness: the same items in two orders, and their `y`.
#[derive(Debug, Clone, PartialEq)]
pub struct Witness {
    /// The instance in order a.
    pub instance: Instance<f64>,
    /// Order b: item j of b is item `perm[j]` of a.
    pub perm: Vec<usize>,
    /// The temperature.
    pub gamma: f64,
    /// y in order a.
    pub y_a: Vec<f64>,
    /// y in order b.
    pub y_b: Vec<f64>,
    /// `max_j |y_b[j] - y_a[perm[j]]|`.
    pub deviation: f64,
}

/// A `relax` request line for `inst` (replayable with `diffknap relax`).
pub fn relax_line(inst: &Instance<f64>, kind: RegKind, gamma: f64) -> Value {
    let mut v = json!({
        "constraint": inst.constraint().name(),
        "theta": inst.theta(),
    });
    let m = v.as_object_mut().expect("object");
    if inst.constraint() == Constraint::TopK {
        m.insert("k".into(), json!(inst.capacity()));
    } else {
        m.insert("weights".into(), json!(inst.weights()));
        m.insert("capacity".into(), json!(inst.capacity()));
    }
    m.insert("regularizer".into(), json!(kind.label()));
    m.insert("gamma".into(), json!(gamma));
    v
}

impl Witness {
    /// The two request lines (order a, order b).
    pub fn lines(&self, kind: RegKind) -> [Value; 2] {
        [
            relax_line(&self.instance, kind, self.gamma),
            relax_line(&permuted(&self.instance, &self.perm), kind, self.gamma),
        ]
    }
}

/// Shrinks a witness: drops items and rounds scores to one decimal while the deviation stays
/// at least `keep`.
fn shrink(mut w: Witness, kind: RegKind, keep: f64) -> Result<Witness> {
    let gamma = w.gamma;
    let try_inst = |inst: &Instance<f64>, perm: &[usize]| -> Option<Witness> {
        let (dev, ya, yb) = equivariance_deviation(inst, perm, kind, gamma).ok()?;
        (dev >= keep).then(|| Witness {
            instance: inst.clone(),
            perm: perm.to_vec(),
            gamma,
            y_a: ya,
            y_b: yb,
            deviation: dev,
        })
    };
    let mut changed = true;
    while changed {
        changed = false;
        let n = w.instance.n();
        for drop in 0..n {
            if n <= 2 {
                break;
            }
            let keep_items: Vec<usize> = (0..n).filter(|&i| i != drop).collect();
            let theta: Vec<f64> = keep_items.iter().map(|&i| w.instance.theta()[i]).collect();
            let weights: Vec<u64> = keep_items
                .iter()
                .map(|&i| w.instance.weights()[i] as u64)
                .collect();
            let perm: Vec<usize> = w
                .perm
                .iter()
                .filter(|&&i| i != drop)
                .map(|&i| if i > drop { i - 1 } else { i })
                .collect();
            // Keep the capacity, or lower it by the dropped item's weight (or by 1 for top-k).
            let cap = w.instance.capacity() as u64;
            let less = if w.instance.constraint() == Constraint::TopK {
                1
            } else {
                w.instance.weights()[drop] as u64
            };
            let found = [cap, cap.saturating_sub(less)].into_iter().find_map(|c| {
                let inst = Instance::new(
                    w.instance.constraint(),
                    theta.clone(),
                    Some(weights.clone()),
                    c,
                    Budget::default(),
                )
                .ok()?;
                try_inst(&inst, &perm)
            });
            if let Some(s) = found {
                w = s;
                changed = true;
                break;
            }
        }
    }
    let rounded: Vec<f64> = w
        .instance
        .theta()
        .iter()
        .map(|t| (t * 10.0).round() / 10.0)
        .collect();
    if let Ok(inst) = w.instance.with_theta(rounded)
        && let Some(s) = try_inst(&inst, &w.perm)
    {
        w = s;
    }
    Ok(w)
}

/// The equivariance measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Equivariance {
    /// The largest deviation found.
    pub max_deviation: f64,
    /// A shrunk witness, if the largest deviation exceeds 1e-9 (above round-off).
    pub witness: Option<Witness>,
}

/// The largest equivariance deviation over `trials` random instances, orders and gammas
/// (gamma with two decimals in [0.1, 2]), with a shrunk witness.
pub fn equivariance(
    kind: RegKind,
    opts: &Options,
    progress: &mut dyn FnMut(&str, usize),
) -> Result<Equivariance> {
    let mut rng = Rng::seed(opts.seed);
    let mut best: Option<Witness> = None;
    for t in 0..opts.trials {
        progress("equivariance", t);
        let inst = random_instance(&mut rng, opts.max_n);
        let perm = random_perm(&mut rng, inst.n());
        let gamma = (10 + rng.below(191)) as f64 / 100.0;
        let (dev, ya, yb) = equivariance_deviation(&inst, &perm, kind, gamma)?;
        if best.as_ref().is_none_or(|b| dev > b.deviation) {
            best = Some(Witness {
                instance: inst,
                perm,
                gamma,
                y_a: ya,
                y_b: yb,
                deviation: dev,
            });
        }
    }
    let max_deviation = best.as_ref().map_or(0.0, |b| b.deviation);
    let witness = match best {
        Some(w) if w.deviation > 1e-9 => Some(shrink(w, kind, 0.5 * max_deviation)?),
        _ => None,
    };
    Ok(Equivariance {
        max_deviation,
        witness,
    })
}

/// The largest equivariance deviation at each gamma in `gammas` (`trials` instances each, the
/// same instances and orders for every gamma).
pub fn equivariance_vs_gamma(
    kind: RegKind,
    gammas: &[f64],
    trials: usize,
    seed: u64,
) -> Result<Vec<f64>> {
    gammas
        .iter()
        .map(|&g| {
            let mut rng = Rng::seed(seed);
            let mut worst: f64 = 0.0;
            for _ in 0..trials {
                let inst = random_instance(&mut rng, 6);
                let perm = random_perm(&mut rng, inst.n());
                worst = worst.max(equivariance_deviation(&inst, &perm, kind, g)?.0);
            }
            Ok(worst)
        })
        .collect()
}

/// The sparsity measurement, in units of gamma.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sparsity {
    /// Smallest `|p - s| / gamma` at which q is exactly 0 and 1 in f64 (the larger of the two
    /// sides, worst over gamma in {0.3, 1, 3}); for shannon this is where f64 rounds the
    /// sigmoid to 1, not a property of the operator.
    pub measured: f64,
    /// The theory: `1 / (alpha - 1)`; infinite for shannon.
    pub theory: f64,
}

/// Smallest t (within 1e-12 relative) at which `pred(t)` holds on [0, hi], for a predicate
/// that is false at 0 and monotone.
fn threshold(pred: impl Fn(f64) -> bool, hi: f64) -> f64 {
    if !pred(hi) {
        return f64::INFINITY;
    }
    let (mut lo, mut hi) = (0.0f64, hi);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi || hi - lo <= 1e-13 * hi {
            break;
        }
        if pred(mid) { hi = mid } else { lo = mid }
    }
    hi
}

/// Measures the sparsity threshold of `kind`.
pub fn sparsity(kind: RegKind) -> Result<Sparsity> {
    two_way(kind, 0.0, 0.0, 1.0)?;
    let mut measured: f64 = 0.0;
    for gamma in [0.3, 1.0, 3.0] {
        let one = threshold(
            |t| two_way(kind, 0.0, t * gamma, gamma).is_ok_and(|(_, q)| q == 1.0),
            1e4,
        );
        let zero = threshold(
            |t| two_way(kind, t * gamma, 0.0, gamma).is_ok_and(|(_, q)| q == 0.0),
            1e4,
        );
        measured = measured.max(one).max(zero);
    }
    Ok(Sparsity {
        measured,
        theory: kind.sparsity_threshold(),
    })
}

/// The gap measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gap {
    /// The worst `(V - V_hard) / (n gamma)` found.
    pub worst: f64,
    /// The bound Hmax.
    pub h_max: f64,
}

/// The worst `(V - V_hard) / (n gamma)` over random instances and gammas in [0.1, 2].
pub fn gap(kind: RegKind, opts: &Options, progress: &mut dyn FnMut(&str, usize)) -> Result<Gap> {
    let mut rng = Rng::seed(opts.seed ^ 0x6a70);
    let mut worst: f64 = 0.0;
    for t in 0..opts.trials {
        progress("gap", t);
        let inst = random_instance(&mut rng, opts.max_n);
        let gamma = (10 + rng.below(191)) as f64 / 100.0;
        let v = relax_f64(&inst, kind, gamma, &Extras::default())?.value;
        let h = relax_f64(&inst, RegKind::Hard, 0.0, &Extras::default())?.value;
        worst = worst.max((v - h) / (inst.n() as f64 * gamma));
    }
    Ok(Gap {
        worst,
        h_max: kind.h_max(),
    })
}

/// The Jacobian of y at `inst` (n VJPs with the unit vectors; row i is J e_i).
pub fn jacobian(inst: &Instance<f64>, kind: RegKind, gamma: f64) -> Result<Vec<Vec<f64>>> {
    let n = inst.n();
    (0..n)
        .map(|i| {
            let mut z = vec![0.0; n];
            z[i] = 1.0;
            let ex = Extras {
                z: Some(z),
                samples: 0,
                seed: 0,
            };
            Ok(relax_f64(inst, kind, gamma, &ex)?.vjp.unwrap_or_default())
        })
        .collect()
}

/// The smoothness measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Smoothness {
    /// Segments walked.
    pub segments: usize,
    /// Largest entrywise jump of the Jacobian between neighbouring points, 100 steps a segment.
    pub jump_100: f64,
    /// The same at 1000 steps a segment (about a tenth of `jump_100` if the Jacobian is
    /// continuous).
    pub jump_1000: f64,
}

fn largest_jump(
    inst: &Instance<f64>,
    dir: &[f64],
    kind: RegKind,
    gamma: f64,
    steps: usize,
) -> Result<f64> {
    let mut prev: Option<Vec<Vec<f64>>> = None;
    let mut worst: f64 = 0.0;
    for k in 0..=steps {
        let tau = k as f64 / steps as f64;
        let theta = inst
            .theta()
            .iter()
            .zip(dir)
            .map(|(t, d)| t + tau * d)
            .collect();
        let j = jacobian(&inst.with_theta(theta)?, kind, gamma)?;
        if let Some(p) = &prev {
            for (a, b) in p.iter().zip(&j) {
                for (x, y) in a.iter().zip(b) {
                    worst = worst.max((x - y).abs());
                }
            }
        }
        prev = Some(j);
    }
    Ok(worst)
}

/// The largest Jacobian jump along `segments` random segments of length about 1 (gamma 0.5).
pub fn smoothness(
    kind: RegKind,
    segments: usize,
    seed: u64,
    progress: &mut dyn FnMut(&str, usize),
) -> Result<Smoothness> {
    let mut rng = Rng::seed(seed ^ 0x5300);
    let (mut j100, mut j1000): (f64, f64) = (0.0, 0.0);
    for s in 0..segments {
        progress("smoothness", s);
        let inst = random_instance(&mut rng, 5);
        let dir: Vec<f64> = (0..inst.n()).map(|_| rng.uniform() - 0.5).collect();
        j100 = j100.max(largest_jump(&inst, &dir, kind, 0.5, 100)?);
        j1000 = j1000.max(largest_jump(&inst, &dir, kind, 0.5, 1000)?);
    }
    Ok(Smoothness {
        segments,
        jump_100: j100,
        jump_1000: j1000,
    })
}

/// The uniform distribution's marginals on the feasible sets (enumerated; n <= 20).
pub fn uniform_marginals(inst: &Instance<f64>) -> Vec<f64> {
    let n = inst.n();
    let mut count = 0u64;
    let mut hits = vec![0u64; n];
    for mask in 0u64..(1 << n) {
        let w: usize = (0..n)
            .filter(|i| mask >> i & 1 == 1)
            .map(|i| inst.weights()[i])
            .sum();
        let ok = if inst.constraint().is_equality() {
            w == inst.capacity()
        } else {
            w <= inst.capacity()
        };
        if ok {
            count += 1;
            for (i, h) in hits.iter_mut().enumerate() {
                *h += mask >> i & 1;
            }
        }
    }
    hits.iter()
        .map(|&h| h as f64 / count.max(1) as f64)
        .collect()
}

/// The limits measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// `(gamma, max |y - y_hard|, instances with y exactly the hard indicator)` for small gammas.
    pub small: Vec<(f64, f64, usize)>,
    /// `(gamma, max |y - u|)` for large gammas, u the uniform marginals on the feasible sets.
    pub large: Vec<(f64, f64)>,
    /// Instances used.
    pub instances: usize,
}

/// The gamma -> 0 and gamma -> infinity limits over `trials` random instances whose hard
/// optimum is unique (by a margin of 1e-6).
pub fn limits(kind: RegKind, trials: usize, seed: u64) -> Result<Limits> {
    let mut rng = Rng::seed(seed ^ 0x11);
    let small_g = [1e-1, 1e-2, 1e-3];
    let large_g = [1e2, 1e4];
    let mut small = small_g.map(|g| (g, 0.0f64, 0usize)).to_vec();
    let mut large = large_g.map(|g| (g, 0.0f64)).to_vec();
    let mut used = 0;
    let mut tries = 0;
    while used < trials && tries < 20 * trials.max(1) {
        tries += 1;
        let inst = random_instance(&mut rng, 6);
        // Unique hard optimum: every item's hard choice is decided with a margin.
        let hard = relax_f64(&inst, RegKind::Hard, 0.0, &Extras::default())?;
        let unique = (0..inst.n()).all(|i| {
            let mut th = inst.theta().to_vec();
            th[i] += if hard.y[i] > 0.5 { -1e-6 } else { 1e-6 };
            inst.with_theta(th)
                .and_then(|x| relax_f64(&x, RegKind::Hard, 0.0, &Extras::default()))
                .is_ok_and(|o| o.y == hard.y)
        });
        if !unique {
            continue;
        }
        used += 1;
        for s in small.iter_mut() {
            let y = relax_f64(&inst, kind, s.0, &Extras::default())?.y;
            let d = y
                .iter()
                .zip(&hard.y)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            s.1 = s.1.max(d);
            if d == 0.0 {
                s.2 += 1;
            }
        }
        let u = uniform_marginals(&inst);
        for l in large.iter_mut() {
            let y = relax_f64(&inst, kind, l.0, &Extras::default())?.y;
            let d = y
                .iter()
                .zip(&u)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            l.1 = l.1.max(d);
        }
    }
    Ok(Limits {
        small,
        large,
        instances: used,
    })
}

/// Everything `diffknap study` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The regularizer.
    pub regularizer: RegKind,
    /// The options.
    pub options: Options,
    /// Equivariance.
    pub equivariance: Equivariance,
    /// Sparsity threshold.
    pub sparsity: Sparsity,
    /// Smoothing gap.
    pub gap: Gap,
    /// Smoothness of y.
    pub smoothness: Smoothness,
    /// gamma -> 0 and gamma -> infinity.
    pub limits: Limits,
}

/// Runs every measurement. `progress(phase, done)` is called before each trial.
pub fn study(
    kind: RegKind,
    opts: &Options,
    progress: &mut dyn FnMut(&str, usize),
) -> Result<Report> {
    if matches!(kind, RegKind::Hard | RegKind::Custom) {
        return Err(invalid(
            "regularizer",
            "study needs a smoothing regularizer (shannon, gini, tsallis, tsallis:ALPHA)",
        ));
    }
    if opts.trials == 0 || opts.trials > MAX_TRIALS {
        return Err(invalid(
            "trials",
            format!("must be in 1..={MAX_TRIALS}; got {}", opts.trials),
        ));
    }
    if opts.max_n < 2 || opts.max_n > 12 {
        return Err(invalid("max_n", "must be in 2..=12"));
    }
    let equivariance = equivariance(kind, opts, progress)?;
    let sparsity = sparsity(kind)?;
    let gap = gap(kind, opts, progress)?;
    let segments = (opts.trials / 10).clamp(1, 20);
    let smoothness = smoothness(kind, segments, opts.seed, progress)?;
    progress("limits", 0);
    let limits = limits(kind, opts.trials.min(50), opts.seed)?;
    Ok(Report {
        regularizer: kind,
        options: opts.clone(),
        equivariance,
        sparsity,
        gap,
        smoothness,
        limits,
    })
}

/// A JSON number, or a string for a non-finite one ("inf").
fn num(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else if x > 0.0 {
        json!("inf")
    } else {
        json!("-inf")
    }
}

impl Report {
    /// The report as one JSON object.
    pub fn to_json(&self) -> Value {
        let k = self.regularizer;
        let witness = self.equivariance.witness.as_ref().map(|w| {
            let [a, b] = w.lines(k);
            json!({"deviation": w.deviation, "perm": w.perm, "relax_a": a, "relax_b": b,
                   "y_a": w.y_a, "y_b": w.y_b})
        });
        json!({
            "regularizer": k.label(),
            "alpha": self.regularizer.alpha(),
            "trials": self.options.trials,
            "seed": self.options.seed,
            "equivariance": {"max_deviation": self.equivariance.max_deviation, "witness": witness},
            "sparsity": {"measured": num(self.sparsity.measured), "theory": num(self.sparsity.theory)},
            "gap": {"worst_per_item_over_gamma": self.gap.worst, "h_max": self.gap.h_max},
            "smoothness": {"segments": self.smoothness.segments, "gamma": 0.5,
                           "jacobian_jump_100_steps": self.smoothness.jump_100,
                           "jacobian_jump_1000_steps": self.smoothness.jump_1000},
            "limits": {
                "instances": self.limits.instances,
                "gamma_to_0": self.limits.small.iter().map(|(g, d, e)| json!({"gamma": g, "max_abs_y_minus_hard": d, "exactly_hard": e})).collect::<Vec<_>>(),
                "gamma_to_inf": self.limits.large.iter().map(|(g, d)| json!({"gamma": g, "max_abs_y_minus_uniform": d})).collect::<Vec<_>>(),
            },
        })
    }

    /// The report as text for a person.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let k = self.regularizer;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "study of {} ({} trials, seed {})",
            k.label(),
            self.options.trials,
            self.options.seed
        );
        let e = &self.equivariance;
        let _ = writeln!(s, "equivariance: largest deviation {:.3e}", e.max_deviation);
        match &e.witness {
            Some(w) => {
                let [a, b] = w.lines(k);
                let _ = writeln!(
                    s,
                    "  witness (deviation {:.3e}; item j of b is item perm[j] of a, perm = {:?}):\n  a: {a}\n  b: {b}\n  y_a = {:?}\n  y_b = {:?}",
                    w.deviation, w.perm, w.y_a, w.y_b
                );
            }
            None => {
                let _ = writeln!(s, "  at round-off level: no witness (equivariant)");
            }
        }
        let sp = &self.sparsity;
        let _ = writeln!(
            s,
            "sparsity threshold |p - s| / gamma: measured {:.6}, theory {}",
            sp.measured,
            if sp.theory.is_finite() {
                format!("{:.6}", sp.theory)
            } else {
                "never (the measured value is where f64 rounds q to 0 or 1)".into()
            }
        );
        let _ = writeln!(
            s,
            "gap: worst (V - V_hard) / (n gamma) = {:.6} <= Hmax = {:.6}",
            self.gap.worst, self.gap.h_max
        );
        let sm = &self.smoothness;
        let _ = writeln!(
            s,
            "smoothness (gamma 0.5, {} segments): largest Jacobian jump {:.3e} at 100 steps, {:.3e} at 1000 steps ({})",
            sm.segments,
            sm.jump_100,
            sm.jump_1000,
            if sm.jump_100 <= 1e-12 && sm.jump_1000 <= 1e-12 {
                "no jump found on these segments"
            } else if sm.jump_1000 < 0.2 * sm.jump_100 {
                "shrinks with the step: continuous"
            } else {
                "stays: a discontinuous Jacobian"
            }
        );
        let l = &self.limits;
        for (g, d, ex) in &l.small {
            let _ = writeln!(
                s,
                "gamma -> 0: gamma {g:e}: max |y - y_hard| = {d:.3e}, exactly hard on {ex}/{}",
                l.instances
            );
        }
        for (g, d) in &l.large {
            let _ = writeln!(
                s,
                "gamma -> inf: gamma {g:e}: max |y - uniform marginals on Y| = {d:.3e}"
            );
        }
        s
    }
}
