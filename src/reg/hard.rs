use super::{RegKind, Regularizer};
use crate::num::Ordered;

/// gamma = 0: `max(s, p)`, q = 1 if p > s else 0 (ties go to skip).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hard;

impl<T: Ordered> Regularizer<T> for Hard {
    const KIND: RegKind = RegKind::Hard;
    fn smax(&self, s: &T, p: &T, _gamma: &T) -> (T, T) {
        if p > s {
            (p.clone(), T::one())
        } else {
            (s.clone(), T::zero())
        }
    }
    fn dq(&self, _q: &T, _gamma: &T) -> T {
        T::zero()
    }
}
