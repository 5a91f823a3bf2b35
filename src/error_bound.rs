//! Proved f64 error bounds of the DP value, for the tests to use as tolerances.
//!
//! The bounds are the ones proved in `proofs/DPError.v` (Coq, with Flocq's model of binary64
//! round-to-nearest, subnormals included, no overflow):
//!
//! * per cell, the shannon two-way max as the fast kernels compute it
//!   (`shannon_kernel_cell`: p - s rounded, a rounded 1/gamma, exp and ln1p within
//!   [`KERNEL_ULPS`] ulps, a fused multiply-add at the end) and as the f64 reference of
//!   `src/reg/shannon.rs` computes it (`shannon_reference_cell`: a division by gamma, std exp
//!   and ln_1p within [`STD_ULPS`] ulps, a separate multiply and add) is within
//!   `u (|max(s, p)| + (2 ke + 2 kl + 4) gamma) + (2 ke + 2 kl + c) eta (1 + gamma)` of the
//!   exact value, `u = 2^-53`, `eta = 2^-1075`, `c = 5` (kernels) or `6` (reference);
//! * every two-way max is 1-Lipschitz in the max norm, so through the n rows
//!   (`shannon_kernel_dp_error`, `shannon_reference_dp_error`, `hard_dp_error`):
//!   `|V_f64 - V| <= n eps` for every `eps >= 0` with
//!   `k n (Theta + H + eps) + a eta + b + eta <= eps`, `k = a (1 + u) + u`, where
//!   `Theta = max |theta_i|`, `H = gamma ln 2` (shannon) or `0` (hard), `a = u` and `b` the
//!   per-cell constant above (shannon) or `a = b = 0` (hard). The smallest such eps is
//!   `(k n (Theta + H) + a eta + b + eta) / (1 - k n)`; the bound does not depend on the
//!   capacity.
//!
//! The functions below evaluate that closed form in f64 and then enlarge it by a relative
//! margin of `2^-40` (far above the rounding of the few operations used), so the returned
//! number is at least the exact real bound. Gini and tsallis have no proved per-cell bound:
//! their value tolerances stay empirical.

/// Unit roundoff of binary64, 2^-53.
pub const U: f64 = f64::EPSILON / 2.0;
/// An upper bound on the underflow unit 2^-1075 (the smallest subnormal, 2^-1074).
pub const ETA: f64 = f64::from_bits(1);
/// Accuracy of the kernels' own exp and ln_1p in ulps, as tested against a double-double
/// reference in `src/backend/math.rs`.
pub const KERNEL_ULPS: f64 = 2.0;
/// Accuracy assumed for `f64::exp` and `f64::ln_1p` in ulps: the tests of
/// `src/backend/math.rs` show the kernels' functions within 2 ulp of both std and a
/// double-double reference, hence std within 4 ulp of the truth on the ranges used.
pub const STD_ULPS: f64 = 4.0;

/// Which f64 evaluation of the DP a bound is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evaluation {
    /// The fast backends' shannon kernels (`src/backend/kernels.rs`).
    Kernel,
    /// The f64 reference DP with the generic shannon regularizer (`src/reg/shannon.rs`).
    Reference,
    /// The hard DP (gamma = 0): only the additions `V + theta` round.
    Hard,
}

/// Relative enlargement applied to every computed bound (covers the rounding of the bound's
/// own evaluation, a few dozen operations each within 2^-53).
const MARGIN: f64 = 1.0 + 1.0 / (1u64 << 40) as f64;

/// The proved per-cell bound of the shannon two-way max: `|v_f64 - smax(s, p)|` for inputs
/// with `max(s, p) = m`. `None` outside the hypotheses (gamma not in (0, 2^1022], m not
/// finite, or `eval` is [`Evaluation::Hard`], whose cells are exact).
pub fn shannon_cell_bound(eval: Evaluation, m: f64, gamma: f64) -> Option<f64> {
    let (k, c) = match eval {
        Evaluation::Kernel => (KERNEL_ULPS, 5.0),
        Evaluation::Reference => (STD_ULPS, 6.0),
        Evaluation::Hard => return None,
    };
    if !(gamma > 0.0 && gamma <= 2f64.powi(1022) && m.is_finite()) {
        return None;
    }
    let units = 2.0 * k + 2.0 * k;
    let b = U * (m.abs() + (units + 4.0) * gamma) + (units + c) * ETA * (1.0 + gamma);
    Some(b * MARGIN)
}

/// The proved bound on `|V_f64 - V|` for a DP over `n` items with `max |theta_i| <= max_abs_theta`
/// at temperature `gamma` (ignored for [`Evaluation::Hard`]), at every cell, for every
/// capacity and constraint. `None` outside the hypotheses of the theorems (gamma not in
/// (0, 2^1022] for shannon, non-finite inputs, or `n` so large that `k n >= 1/2`).
pub fn value_error_bound(
    eval: Evaluation,
    n: usize,
    gamma: f64,
    max_abs_theta: f64,
) -> Option<f64> {
    if !max_abs_theta.is_finite() || max_abs_theta < 0.0 {
        return None;
    }
    let nf = n as f64;
    let (a, b, h) = match eval {
        Evaluation::Hard => (0.0, 0.0, 0.0),
        Evaluation::Kernel | Evaluation::Reference => {
            // b: the per-cell constant with |m| removed (it enters through a = u).
            let b = shannon_cell_bound(eval, 0.0, gamma)?;
            // gamma ln 2, rounded up.
            (U, b, gamma * std::f64::consts::LN_2 * MARGIN)
        }
    };
    let k = (a * (1.0 + U) + U) * MARGIN;
    if k * nf >= 0.5 {
        return None;
    }
    let r = a * ETA + b + ETA;
    let eps = (k * nf * (max_abs_theta + h) + r) * MARGIN / ((1.0 - k * nf) / MARGIN);
    let bound = nf * eps * MARGIN;
    bound.is_finite().then_some(bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The closed form satisfies the fixed-point inequality of the theorem, with room to spare.
    #[test]
    fn closed_form_satisfies_the_hypothesis() {
        for eval in [Evaluation::Kernel, Evaluation::Reference, Evaluation::Hard] {
            for &(n, gamma, th) in &[
                (1, 1.0, 0.0),
                (50, 1e-7, 2.0),
                (40, 1e6, 100.0),
                (1000, 0.3, 1e3),
            ] {
                let bound = value_error_bound(eval, n, gamma, th).unwrap();
                let eps = bound / n as f64;
                let (a, b, h) = match eval {
                    Evaluation::Hard => (0.0, 0.0, 0.0),
                    _ => (
                        U,
                        shannon_cell_bound(eval, 0.0, gamma).unwrap(),
                        gamma * std::f64::consts::LN_2,
                    ),
                };
                let lhs = (a * (1.0 + U) + U) * (n as f64 * (th + h + eps)) + a * ETA + b + ETA;
                assert!(
                    lhs <= eps,
                    "{eval:?} n={n} gamma={gamma}: {lhs:e} > {eps:e}"
                );
            }
        }
    }

    #[test]
    fn refuses_outside_the_hypotheses() {
        assert!(value_error_bound(Evaluation::Kernel, 3, 0.0, 1.0).is_none());
        assert!(value_error_bound(Evaluation::Kernel, 3, f64::MAX, 1.0).is_none());
        assert!(value_error_bound(Evaluation::Reference, 3, f64::NAN, 1.0).is_none());
        assert!(value_error_bound(Evaluation::Hard, 3, 0.0, f64::INFINITY).is_none());
        assert!(value_error_bound(Evaluation::Hard, usize::MAX, 0.0, 1.0).is_none());
        assert!(shannon_cell_bound(Evaluation::Hard, 1.0, 1.0).is_none());
        // The hard bound needs no gamma.
        assert!(value_error_bound(Evaluation::Hard, 3, 0.0, 1.0).unwrap() < 1e-14);
    }
}
