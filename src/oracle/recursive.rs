//! The smoothed recursion evaluated top-down from its definition, with the two-way max
//! solved from the variational problem itself (no closed forms), and its gradient by the
//! envelope theorem. Exponential in n (2^n paths): for n up to about 14.

use crate::error::{Result, invalid};
use crate::instance::Instance;
use crate::num::Num;
use crate::num::rational::Rational;
use crate::reg::RegKind;

/// Largest n accepted.
pub const MAX_ITEMS: usize = 16;

/// H'(q) from the definition of each H (used only to locate the maximiser).
fn h_prime(kind: RegKind, q: f64) -> f64 {
    match kind {
        RegKind::Hard => 0.0,
        RegKind::Shannon => ((1.0 - q) / q).ln(),
        RegKind::Gini => 1.0 - 2.0 * q,
        RegKind::Tsallis => 2.0 * ((1.0 - q).sqrt() - q.sqrt()),
        RegKind::Alpha(a) => {
            let b = a.get() - 1.0;
            ((1.0 - q).powf(b) - q.powf(b)) / b
        }
        // Unknown H: no maximiser (the oracle is for the built-in regularizers).
        RegKind::Custom => f64::NAN,
    }
}

/// argmax over q in `[0,1]` of q p + (1-q) s + gamma H(q), by bisection on the decreasing
/// derivative (p - s) + gamma H'(q); the objective is then evaluated from its definition.
pub fn two_way(kind: RegKind, s: f64, p: f64, gamma: f64) -> (f64, f64) {
    let obj = |q: f64| q * p + (1.0 - q) * s + gamma * kind.entropy(q);
    if kind == RegKind::Hard {
        return if p > s { (p, 1.0) } else { (s, 0.0) };
    }
    let g = |q: f64| (p - s) + gamma * h_prime(kind, q);
    let q = if g(0.0) <= 0.0 {
        0.0
    } else if g(1.0) >= 0.0 {
        1.0
    } else {
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if g(mid) > 0.0 { lo = mid } else { hi = mid }
        }
        0.5 * (lo + hi)
    };
    (obj(q), q)
}

/// (V, dV/dtheta) of the smoothed DP, evaluated top-down from the definition in f64.
pub fn value_and_grad(inst: &Instance<f64>, kind: RegKind, gamma: f64) -> Result<(f64, Vec<f64>)> {
    top_down(inst, &|s: &f64, p: &f64| two_way(kind, *s, *p, gamma))
}

/// The top-down recursion over all paths: V_i(c) from V_{i-1}(c) and V_{i-1}(c - w_i) with
/// `two_way(s, p) -> (value, q)`, and dV by the envelope theorem dV = q dp + (1 - q) ds.
fn top_down<T: Num>(inst: &Instance<T>, two_way: &dyn Fn(&T, &T) -> (T, T)) -> Result<(T, Vec<T>)> {
    let n = inst.n();
    if n > MAX_ITEMS {
        return Err(invalid(
            "theta",
            format!("the recursive oracle needs n <= {MAX_ITEMS}"),
        ));
    }
    type Vg<T> = (T, Vec<T>);
    // None stands for -inf.
    fn go<T: Num>(
        inst: &Instance<T>,
        two_way: &dyn Fn(&T, &T) -> (T, T),
        i: usize,
        c: usize,
    ) -> Option<Vg<T>> {
        if i == 0 {
            let ok = !inst.constraint().is_equality() || c == 0;
            return ok.then(|| (T::zero(), vec![T::zero(); inst.n()]));
        }
        let w = inst.weights()[i - 1];
        let skip = go(inst, two_way, i - 1, c);
        let pick = if c >= w {
            go(inst, two_way, i - 1, c - w).map(|(v, mut g)| {
                g[i - 1] = g[i - 1].clone() + T::one();
                (v + inst.theta()[i - 1].clone(), g)
            })
        } else {
            None
        };
        match (skip, pick) {
            (None, None) => None,
            (Some(s), None) => Some(s),
            (None, Some(p)) => Some(p),
            (Some((s, gs)), Some((p, gp))) => {
                let (v, q) = two_way(&s, &p);
                let g = gs
                    .iter()
                    .zip(&gp)
                    .map(|(a, b)| q.clone() * b.clone() + (T::one() - q.clone()) * a.clone())
                    .collect();
                Some((v, g))
            }
        }
    }
    go(inst, two_way, n, inst.capacity()).ok_or_else(|| invalid("capacity", "no feasible set"))
}

/// The gini two-way max in rationals from its definition: the concave quadratic
/// q p + (1-q) s + gamma q (1 - q) is maximised at a candidate among q = 0, q = 1 and its
/// vertex (if inside [0, 1]); each candidate's objective is evaluated and the best kept.
pub fn gini_two_way_exact(s: &Rational, p: &Rational, gamma: &Rational) -> (Rational, Rational) {
    let obj = |q: &Rational| q * p + (Rational::one() - q) * s + gamma * q * (Rational::one() - q);
    let two = Rational::from_integer(2.into());
    let mut cands = vec![Rational::zero(), Rational::one()];
    let vertex = (p - s + gamma) / (&two * gamma);
    if vertex > Rational::zero() && vertex < Rational::one() {
        cands.push(vertex);
    }
    cands
        .into_iter()
        .map(|q| (obj(&q), q))
        .fold(
            None,
            |best: Option<(Rational, Rational)>, (v, q)| match best {
                Some((bv, bq)) if bv >= v => Some((bv, bq)),
                _ => Some((v, q)),
            },
        )
        .unwrap_or_else(|| (s.clone(), Rational::zero()))
}

/// (V, dV/dtheta) in exact rationals for `gini` (gamma > 0) or `hard` (gamma = 0), top-down.
pub fn value_and_grad_exact(
    inst: &Instance<Rational>,
    kind: RegKind,
    gamma: &Rational,
) -> Result<(Rational, Vec<Rational>)> {
    match kind {
        RegKind::Gini => top_down(inst, &|s, p| gini_two_way_exact(s, p, gamma)),
        RegKind::Hard => top_down(inst, &|s: &Rational, p: &Rational| {
            if p > s {
                (p.clone(), Rational::one())
            } else {
                (s.clone(), Rational::zero())
            }
        }),
        _ => Err(invalid(
            "regularizer",
            "the exact recursive oracle serves gini and hard",
        )),
    }
}
