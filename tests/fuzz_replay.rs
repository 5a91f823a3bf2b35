//! Replays every saved fuzz input (fuzz/regressions/TARGET/* and fuzz/seeds/TARGET/*) through
//! the same library check function the fuzz target calls.

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let mut count = 0;
    for dir in ["regressions", "seeds"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz")
            .join(dir)
            .join(target);
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for entry in entries {
            let file = entry.unwrap().path();
            if file.is_file() && file.file_name().is_some_and(|n| n != ".gitkeep") {
                check(&std::fs::read(&file).unwrap());
                count += 1;
            }
        }
    }
    count
}

#[test]
fn replay_jsonl() {
    assert!(replay("jsonl", diffknap::check::jsonl_never_panics) > 0);
}

#[test]
fn replay_f64_vs_exact() {
    assert!(replay("f64_vs_exact", diffknap::check::f64_matches_exact) > 0);
}

#[test]
fn replay_certified() {
    assert!(replay("certified", diffknap::check::certified_encloses) > 0);
}

#[test]
fn replay_submod() {
    assert!(replay("submod", diffknap::check::submod_within_ratios) > 0);
}

#[test]
fn replay_fast_vs_reference() {
    assert!(replay("fast_vs_reference", diffknap::check::fast_matches_reference) > 0);
}

proptest::proptest! {
    /// The check bodies hold on random bytes too (a cheap, always-on fuzzing pass).
    #[test]
    fn check_bodies_hold_on_random_bytes(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
        diffknap::check::f64_matches_exact(&data);
        diffknap::check::jsonl_never_panics(&data);
        diffknap::check::certified_encloses(&data);
        diffknap::check::submod_within_ratios(&data);
        diffknap::check::fast_matches_reference(&data);
    }
}
