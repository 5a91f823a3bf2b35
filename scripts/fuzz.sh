#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 45 s each) with libFuzzer on stable Rust
# (--sanitizer none). Fails on any crash; the crashing input is left in fuzz/artifacts/TARGET/.
# To keep it as a regression test, copy it into fuzz/regressions/TARGET/ (cargo test replays it).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-45}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
targets=$(sed -n 's/^name = "\(.*\)"/\1/p' fuzz/Cargo.toml | grep -v diffknap-fuzz)
for t in $targets; do
  mkdir -p "fuzz/corpus/$t"
  echo "== fuzz $t for ${secs}s"
  cargo fuzz run --sanitizer none "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
    -max_total_time="$secs" -max_len=4096 -rss_limit_mb=8192 -timeout=60 -print_final_stats=1 2>&1 | tail -n 12
done
