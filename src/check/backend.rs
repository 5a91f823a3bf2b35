//! Every fast backend against the reference DP.

use super::{Bytes, constraint_of, instance_of};
use crate::ops::{Extras, relax_f64};
use crate::reg::RegKind;

/// Every fast backend (each instruction set of this CPU, one and two threads with the row
/// split forced, full, checkpointed and compact memory, garbage-filled buffers) against the
/// reference DP on an instance decoded from bytes: value within 1e-12 of
/// max(|V|, max|theta|, gamma), y and vjp within 1e-12 normwise (floors 1 and
/// max(1, max|theta|)), and the same samples for the same seed.
pub fn fast_matches_reference(data: &[u8]) {
    use crate::backend::{self, Isa, Memory, Par, Plan};
    let mut b = Bytes::new(data);
    let n = 1 + b.below(12) as usize;
    let constraint = constraint_of(&mut b);
    let spread = [1.0, 0.01, 100.0][b.below(3) as usize];
    // Coarse scores make ties common.
    let inst = instance_of(&mut b, n, constraint, 7, 40, |b| {
        f64::from(b.u8() as i8 / 8) * spread
    });
    let kind = RegKind::ALL[b.below(4) as usize];
    let gamma = if kind == RegKind::Hard {
        0.0
    } else {
        10f64.powf(f64::from(b.below(64)) / 8.0 - 4.0)
    };
    let z: Vec<f64> = (0..n).map(|_| f64::from(b.u8() as i8) / 64.0).collect();
    let seed = u64::from(b.u8());
    let extras = Extras {
        z: Some(z),
        samples: 3,
        seed,
    };
    let Ok(want) = relax_f64(&inst, kind, gamma, &extras) else {
        return; // an f64 overflow is a typed error of the reference; nothing to compare
    };
    let max_abs = |v: &[f64]| v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let close = |what: &str, got: &[f64], want: &[f64], floor: f64| {
        let scale = max_abs(want).max(floor);
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-12 * scale,
                "{what}[{i}]: fast {g:e}, reference {w:e}"
            );
        }
    };
    for isa in Isa::available() {
        for par in [Par::Seq, Par::Threads(2)] {
            for memory in [Memory::Full, Memory::Checkpointed, Memory::Compact] {
                let plan = Plan {
                    isa,
                    par,
                    memory,
                    min_cols_per_thread: 1,
                    poison: true,
                    auto_split: false,
                };
                let ex = if memory == Memory::Checkpointed {
                    Extras {
                        samples: 0,
                        ..extras.clone()
                    }
                } else {
                    extras.clone()
                };
                let got = backend::relax(&inst, kind, gamma, &ex, &plan)
                    .expect("a fast backend fails where the reference succeeds");
                let what = format!("{} {par:?} {memory:?} {}", isa.name(), kind.name());
                let vscale = want.value.abs().max(max_abs(inst.theta())).max(gamma);
                assert!(
                    (got.value - want.value).abs() <= 1e-12 * vscale,
                    "{what}: value"
                );
                close(&format!("{what}: y"), &got.y, &want.y, 1.0);
                let floor = max_abs(inst.theta()).max(1.0);
                close(
                    &format!("{what}: vjp"),
                    got.vjp.as_deref().expect("vjp"),
                    want.vjp.as_deref().expect("vjp"),
                    floor,
                );
                for (g, w) in got.samples.iter().zip(&want.samples) {
                    assert_eq!(g.selection, w.selection, "{what}: samples differ");
                }
                assert_eq!(got.samples.len(), ex.samples, "{what}: sample count");
            }
        }
    }
}
