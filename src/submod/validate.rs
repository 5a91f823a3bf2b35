//! Validators: normalisation `f(empty) = 0`, monotonicity `f(S + e) >= f(S)`, and
//! submodularity in the local form `f(S + a) + f(S + b) >= f(S + a + b) + f(S)` (equivalent
//! to diminishing returns). Exhaustive for `n <= 10`, sampled above.

use super::function::SetFunction;
use super::functions::mask_to_set;
use super::value::Value;
use crate::rng::Rng;

/// Largest `n` checked exhaustively.
pub const EXHAUSTIVE_MAX_N: usize = 10;

/// A violated property, with a witness.
#[derive(Clone, Debug, PartialEq)]
pub enum Violation {
    /// `f(empty) != 0`.
    NotNormalised(f64),
    /// `f(set + item) < f(set)`.
    NotMonotone {
        /// The set `S`.
        set: Vec<usize>,
        /// The item `e`.
        item: usize,
    },
    /// `f(S + a) + f(S + b) < f(S + a + b) + f(S)`.
    NotSubmodular {
        /// The set `S`.
        set: Vec<usize>,
        /// Item `a`.
        a: usize,
        /// Item `b`.
        b: usize,
    },
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Violation::NotNormalised(v) => write!(f, "f(empty) = {v}, must be 0"),
            Violation::NotMonotone { set, item } => {
                write!(f, "not monotone: f({set:?} + {item}) < f({set:?})")
            }
            Violation::NotSubmodular { set, a, b } => write!(
                f,
                "not submodular: f(S+{a}) + f(S+{b}) < f(S+{a}+{b}) + f(S) for S = {set:?}"
            ),
        }
    }
}

fn check_at<F: SetFunction>(f: &F, set: &[usize], tol: f64) -> Result<(), Violation> {
    let n = f.ground_size();
    let s = f.state_of(set);
    let fs = f.state_value(&s);
    let outside: Vec<usize> = (0..n).filter(|e| !set.contains(e)).collect();
    let mut single = Vec::with_capacity(outside.len());
    for &e in &outside {
        let mut t = s.clone();
        f.insert(&mut t, e);
        let fe = f.state_value(&t);
        if !fe.ge_tol(&fs, tol) {
            return Err(Violation::NotMonotone {
                set: set.to_vec(),
                item: e,
            });
        }
        single.push((e, t, fe));
    }
    for (x, (a, ta, fa)) in single.iter().enumerate() {
        for (b, _, fb) in &single[x + 1..] {
            let mut tab = ta.clone();
            f.insert(&mut tab, *b);
            let lhs = fa.add(fb);
            let rhs = f.state_value(&tab).add(&fs);
            if !lhs.ge_tol(&rhs, tol) {
                return Err(Violation::NotSubmodular {
                    set: set.to_vec(),
                    a: *a,
                    b: *b,
                });
            }
        }
    }
    Ok(())
}

/// Check normalisation, monotonicity and submodularity of `f`.
///
/// For `n <= 10` every set is checked (exhaustive, `O(2^n n^2)` evaluations); above, `samples`
/// random sets (each item in with probability 1/2) drawn from `rng` are checked, so a pass
/// is evidence, not proof. `tol` is a relative tolerance used only for `f64` values; exact
/// types compare exactly.
pub fn check_function<F: SetFunction>(
    f: &F,
    samples: usize,
    tol: f64,
    rng: &mut Rng,
) -> Result<(), Violation> {
    let n = f.ground_size();
    let f0 = f.value(&[]);
    if !f0.ge_tol(&F::Value::zero(), tol) || !F::Value::zero().ge_tol(&f0, tol) {
        return Err(Violation::NotNormalised(f0.to_f64()));
    }
    if n <= EXHAUSTIVE_MAX_N {
        for mask in 0..1usize << n {
            check_at(f, &mask_to_set(mask), tol)?;
        }
    } else {
        for _ in 0..samples {
            let set: Vec<usize> = (0..n).filter(|_| rng.next_u64() & 1 == 1).collect();
            check_at(f, &set, tol)?;
        }
    }
    Ok(())
}

/// Exhaustive check of an [`super::functions::ExplicitTable`]-sized function regardless of
/// `n` (`n <= 20`): every mask, local submodularity on every pair.
pub fn check_exhaustive<F: SetFunction>(f: &F, tol: f64) -> Result<(), Violation> {
    let n = f.ground_size();
    let f0 = f.value(&[]);
    if !f0.ge_tol(&F::Value::zero(), tol) || !F::Value::zero().ge_tol(&f0, tol) {
        return Err(Violation::NotNormalised(f0.to_f64()));
    }
    for mask in 0..1usize << n.min(20) {
        check_at(f, &mask_to_set(mask), tol)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submod::functions::ExplicitTable;

    #[test]
    fn detects_violations() {
        let mut rng = Rng::seed(1);
        // f({0,1}) = 3 > f(0) + f(1): supermodular.
        let t = ExplicitTable::new(vec![0i128, 1, 1, 3]).unwrap();
        assert!(matches!(
            check_function(&t, 10, 0.0, &mut rng),
            Err(Violation::NotSubmodular { .. })
        ));
        let t = ExplicitTable::new(vec![0i128, 2, 1, 1]).unwrap();
        assert!(matches!(
            check_function(&t, 10, 0.0, &mut rng),
            Err(Violation::NotMonotone { .. })
        ));
        let t = ExplicitTable::new(vec![1i128, 2]).unwrap();
        assert!(matches!(
            check_function(&t, 10, 0.0, &mut rng),
            Err(Violation::NotNormalised(_))
        ));
        let t = ExplicitTable::new(vec![0i128, 2, 2, 3]).unwrap();
        assert_eq!(check_function(&t, 10, 0.0, &mut rng), Ok(()));
    }
}
