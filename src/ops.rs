//! The operators as one call with a runtime choice of regularizer: forward value, relaxed
//! selection y, optional VJP and samples. One `match` turns the runtime choice into a
//! monomorphised call of the generic DP in [`crate::dp`].

use crate::dp::{self, Sample};
use crate::error::{Error, Result};
use crate::instance::Instance;
use crate::num::rational::Rational;
use crate::num::{Num, Ordered};
use crate::reg::{Gini, Hard, RegKind, Regularizer, Shannon, Tsallis};
use crate::rng::Rng;

/// What to compute besides the value and y.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extras<T> {
    /// If set, also compute the VJP H z.
    pub z: Option<Vec<T>>,
    /// Number of samples to draw (0 for none).
    pub samples: usize,
    /// Seed of the sampler's RNG.
    pub seed: u64,
}

/// The operators' outputs for one instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Relaxed<T> {
    /// The smoothed optimum V.
    pub value: T,
    /// The relaxed selection y = dV/dtheta.
    pub y: Vec<T>,
    /// H z, if `z` was given.
    pub vjp: Option<Vec<T>>,
    /// The samples, if any were asked for.
    pub samples: Vec<Sample>,
}

/// Runs Algorithms 1-4 for one regularizer type.
pub fn relax_with<T: Ordered, R: Regularizer<T>>(
    inst: &Instance<T>,
    reg: R,
    gamma: &T,
    extras: &Extras<T>,
) -> Result<Relaxed<T>> {
    R::KIND.check_gamma(gamma)?;
    let fwd = dp::forward(inst, reg, gamma)?;
    let marg = dp::marginals(inst, &fwd);
    let vjp = match &extras.z {
        Some(z) => Some(dp::vjp(inst, &fwd, &marg, reg, gamma, z)?.vjp),
        None => None,
    };
    let mut rng = Rng::seed(extras.seed);
    let samples = (0..extras.samples)
        .map(|_| dp::sample(inst, &fwd, &mut rng))
        .collect();
    Ok(Relaxed {
        value: fwd.value,
        y: marg.y,
        vjp,
        samples,
    })
}

/// All operators in f64, any regularizer. Fails rather than return a non-finite number.
pub fn relax_f64(
    inst: &Instance<f64>,
    kind: RegKind,
    gamma: f64,
    extras: &Extras<f64>,
) -> Result<Relaxed<f64>> {
    let out = match kind {
        RegKind::Hard => relax_with(inst, Hard, &gamma, extras),
        RegKind::Shannon => relax_with(inst, Shannon, &gamma, extras),
        RegKind::Gini => relax_with(inst, Gini, &gamma, extras),
        RegKind::Tsallis => relax_with(inst, Tsallis, &gamma, extras),
    }?;
    check_finite(&out)?;
    Ok(out)
}

/// All operators in exact rational arithmetic: `hard` and `gini` only.
pub fn relax_exact(
    inst: &Instance<Rational>,
    kind: RegKind,
    gamma: &Rational,
    extras: &Extras<Rational>,
) -> Result<Relaxed<Rational>> {
    match kind {
        RegKind::Hard => relax_with(inst, Hard, gamma, extras),
        RegKind::Gini => relax_with(inst, Gini, gamma, extras),
        RegKind::Shannon | RegKind::Tsallis => Err(Error::Unsupported {
            what: format!(
                "regularizer: {} needs exp/ln/sqrt and has no exact rational form; \
                 exact precision serves hard and gini (use f64, or certified precision for guaranteed enclosures)",
                kind.name()
            ),
        }),
    }
}

/// Fails with a typed error if any output is not finite (an f64 overflow): no NaN or
/// infinity ever leaves the library.
pub(crate) fn check_finite<T: Num>(out: &Relaxed<T>) -> Result<()> {
    let bad = |field: &str, why: &str| Error::Invalid {
        field: field.into(),
        rule: format!("the result overflowed f64 ({why})"),
    };
    if !out.value.is_finite() {
        return Err(bad(
            "value",
            "a partial value of the DP passed 1.8e308; V lies between the best total score and \
             that plus n * gamma * Hmax; scale theta and gamma down by the same factor",
        ));
    }
    if out.y.iter().any(|x| !x.is_finite()) {
        return Err(bad(
            "y",
            "an intermediate of the marginals overflowed; scale theta and gamma down by the same factor",
        ));
    }
    if let Some(v) = &out.vjp
        && v.iter().any(|x| !x.is_finite())
    {
        return Err(bad(
            "vjp",
            "H z grows like |z| / gamma; scale z down or theta and gamma up by the same factor",
        ));
    }
    Ok(())
}
