//! The hard problem (gamma = 0): max <theta, y> over feasible y, exactly.

use crate::dp;
use crate::error::{Error, Result};
use crate::instance::Instance;
use crate::num::Ordered;
use crate::reg::Hard;
use crate::rng::Rng;

/// The optimum of the hard problem and one optimal selection, by the hard DP (Algorithm 1
/// with gamma = 0) and its argmax path (Algorithm 3 with 0/1 choices). The selection is
/// re-scored and re-checked, so a returned pair is always consistent.
pub fn hard_dp<T: Ordered>(inst: &Instance<T>) -> Result<(T, Vec<bool>)> {
    let fwd = dp::forward(inst, Hard, &T::zero())?;
    // With 0/1 choice probabilities the sampler is deterministic: it follows the argmax path.
    let path = dp::sample(inst, &fwd, &mut Rng::seed(0)).selection;
    let score = inst
        .theta()
        .iter()
        .zip(&path)
        .filter(|(_, b)| **b)
        .fold(T::zero(), |acc, (t, _)| acc + t.clone());
    if !inst.is_feasible(&path) || score != fwd.value {
        return Err(Error::Solver {
            what: "internal: the hard DP's argmax path does not re-score to its value".into(),
        });
    }
    Ok((fwd.value, path))
}
