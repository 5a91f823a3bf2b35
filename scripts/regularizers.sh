#!/usr/bin/env bash
# Regenerates the figures of docs/regularizers.md (docs/figures/*.svg and *.png) and prints
# the table of measured numbers (diffknap study, 500 trials, seed 0) as Markdown.
# Usage: scripts/regularizers.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/diffknap
mkdir -p docs/figures
for kind in sweep equivariance smax; do
  "$bin" plot "$kind" --out "docs/figures/$kind.svg" >/dev/null
  "$bin" plot "$kind" --out "docs/figures/$kind.png" >/dev/null
done
echo "| regularizer | sparse at \|p-s\|/gamma (measured / theory) | max equivariance deviation | worst (V-V_hard)/(n gamma) / Hmax | Jacobian jump 100 / 1000 steps | max \|y - y_hard\| at gamma 1e-2 | max \|y - uniform\| at gamma 1e4 |"
echo "|---|---|---|---|---|---|---|"
for r in shannon tsallis:1.1 tsallis:1.3 tsallis tsallis:1.8 gini tsallis:3 tsallis:5; do
  "$bin" study --regularizer "$r" --trials 500 --seed 0 --json --quiet | python3 -c '
import json, sys
v = json.load(sys.stdin)
f = lambda x: x if isinstance(x, str) else ("%.6g" % x)
e = lambda x: "%.2e" % x
sp, g, sm, l = v["sparsity"], v["gap"], v["smoothness"], v["limits"]
print("| %s | %s / %s | %s | %.4f / %.4f | %s / %s | %s | %s |" % (
    v["regularizer"], f(sp["measured"]), f(sp["theory"]), e(v["equivariance"]["max_deviation"]),
    g["worst_per_item_over_gamma"], g["h_max"], e(sm["jacobian_jump_100_steps"]), e(sm["jacobian_jump_1000_steps"]),
    e(l["gamma_to_0"][1]["max_abs_y_minus_hard"]), e(l["gamma_to_inf"][1]["max_abs_y_minus_uniform"])))
'
done
