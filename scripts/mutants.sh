#!/usr/bin/env bash
# Mutation testing of the core modules (docs/assurance.md records the score it produced).
# Needs `cargo install cargo-mutants`. Takes about 15-20 s per mutant on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
files=(src/reg/mod.rs src/reg/gini.rs src/reg/hard.rs src/reg/shannon.rs src/reg/tsallis.rs
       src/dp/mod.rs src/dp/table.rs "$@")
args=()
for f in "${files[@]}"; do args+=(-f "$f"); done
cargo mutants --profile mutants -j 1 --minimum-test-timeout 60 "${args[@]}" -- --test integration
