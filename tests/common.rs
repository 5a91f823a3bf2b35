//! Shared generators for the property suites.

use diffknap::{Budget, Constraint, Instance, RegKind};
use proptest::prelude::*;

/// A generated f64 instance with its constraint.
pub fn instance(max_n: usize, max_w: u64) -> impl Strategy<Value = Instance<f64>> {
    (
        prop_oneof![
            Just(Constraint::Knapsack),
            Just(Constraint::Exact),
            Just(Constraint::TopK)
        ],
        1..=max_n,
    )
        .prop_flat_map(move |(constraint, n)| {
            (
                Just(constraint),
                proptest::collection::vec(-3.0f64..3.0, n),
                proptest::collection::vec(0..=max_w, n),
                proptest::collection::vec(any::<bool>(), n),
                0u64..=(max_w * n as u64 / 2 + 1),
            )
        })
        .prop_map(|(constraint, theta, weights, subset, cap)| {
            let n = theta.len();
            match constraint {
                Constraint::Knapsack => Instance::knapsack(theta, weights, cap).unwrap(),
                // Capacity = weight of a random subset: always feasible.
                Constraint::Exact => {
                    let c: u64 = weights
                        .iter()
                        .zip(&subset)
                        .filter(|(_, b)| **b)
                        .map(|(w, _)| w)
                        .sum();
                    Instance::exact(theta, weights, c).unwrap()
                }
                Constraint::TopK => {
                    let k = subset.iter().filter(|b| **b).count() as u64;
                    Instance::new(
                        Constraint::TopK,
                        theta,
                        None,
                        k.min(n as u64),
                        Budget::default(),
                    )
                    .unwrap()
                }
            }
        })
}

/// A smoothing regularizer.
pub fn smooth_reg() -> impl Strategy<Value = RegKind> {
    prop_oneof![
        Just(RegKind::Shannon),
        Just(RegKind::Gini),
        Just(RegKind::Tsallis)
    ]
}

/// Any regularizer with a matching gamma (0 for hard).
pub fn reg_gamma() -> impl Strategy<Value = (RegKind, f64)> {
    prop_oneof![Just((RegKind::Hard, 0.0)), (smooth_reg(), 0.05f64..5.0),]
}

/// max |a - b| / max(1, |b|).
pub fn rel_err(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs() / y.abs().max(1.0))
        .fold(0.0, f64::max)
}

/// Runs the `diffknap` binary with `args` on `input` (written from another thread, so large
/// inputs cannot deadlock); returns (exit code, stdout, stderr).
pub fn run_bin(args: &[&str], input: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_diffknap"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
