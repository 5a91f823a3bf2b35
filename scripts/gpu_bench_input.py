#!/usr/bin/env python3
"""Writes a batch of `relax` requests as JSON Lines (standard library only), for timing
`diffknap relax --backend gpu` against the CPU backends on the same input.

    python3 scripts/gpu_bench_input.py BATCH N CAPACITY [REGULARIZER] [SEED] > batch.jsonl

Scores uniform in [-1, 1], integer weights uniform in 1..max(1, 2C/N), a cotangent z (so the
whole pipeline runs: forward, marginals, VJP), knapsack constraint, gamma 0.5 (0 for hard).
"""
import json
import random
import sys


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    batch, n, cap = (int(a) for a in sys.argv[1:4])
    reg = sys.argv[4] if len(sys.argv) > 4 else "shannon"
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 14)
    wmax = max(1, 2 * cap // max(n, 1))
    out = sys.stdout
    for b in range(batch):
        line = {
            "id": b,
            "constraint": "knapsack",
            "regularizer": reg,
            "gamma": 0.0 if reg == "hard" else 0.5,
            "capacity": cap,
            "theta": [round(rng.uniform(-1, 1), 6) for _ in range(n)],
            "weights": [rng.randint(1, wmax) for _ in range(n)],
            "z": [round(rng.uniform(-1, 1), 6) for _ in range(n)],
        }
        out.write(json.dumps(line, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
