#!/usr/bin/env python3
"""Times, in one Python process, the paper's public Numba code against the diffknap Python
package on the same arrays: the whole pipeline (value, marginals y and the VJP) at the
issue's sizes, shannon and gini, after warm-up, median of several interleaved runs each.
Also times the per-call overhead of diffknap.relax on a tiny instance (n = 10, C = 10).

The paper's code is not part of this repository: give the path of its `diff_knapsack.py`
(the module with `dp_value`, `dp_layer`, `dp_vjp`), and run with a Python that has numba,
numpy and this package installed:

    python benchmarks/python_vs_official.py --paper /path/to/diff_knapsack.py

Instances follow `diffknap bench` (docs/benchmarks.md): knapsack, theta and z uniform in
[-1, 1], integer weights uniform in 1..=2C/n, gamma = 0.5. Both sides get the same numpy
arrays; the paper's code is called through its public API exactly as its docstrings say.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

import diffknap

SIZES = [(1000, 10000, 1), (100, 1000, 64)]  # (n, C, batch)
REGULARIZERS = ["shannon", "gini"]
GAMMA = 0.5


def load_paper(path: str):
    spec = importlib.util.spec_from_file_location("paper_diff_knapsack", path)
    if spec is None or spec.loader is None:
        sys.exit(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for name in ("dp_value", "dp_layer", "dp_vjp"):
        if not hasattr(mod, name):
            sys.exit(f"{path} has no function {name}")
    return mod


def instance(n: int, cap: int, batch: int, seed: int):
    rng = np.random.default_rng(seed)
    theta = rng.uniform(-1, 1, size=(batch, n))
    weights = rng.integers(1, max(1, 2 * cap // n) + 1, size=(batch, n)).astype(np.int64)
    z = rng.uniform(-1, 1, size=(batch, n))
    return theta, weights, z


def paper_pipeline(mod, theta, cap, weights, z, reg):
    value, v, q = mod.dp_value(theta, cap, GAMMA, weights, "knapsack", reg)
    y, e = mod.dp_layer(v, q, weights)
    g = mod.dp_vjp(z, v, q, e, GAMMA, weights, reg)
    return value, y, g


def ours_pipeline(theta, cap, weights, z, reg):
    out = diffknap.relax(theta, cap, weights, constraint="knapsack", regularizer=reg,
                         gamma=GAMMA, z=z)
    return out.value, out.y, out.vjp


def interleaved(fa, fb, reps: int, min_seconds: float):
    """Alternates the two calls so that both see the same machine load; returns both lists
    of wall-clock times."""
    ta, tb = [], []
    t0 = time.perf_counter()
    while len(ta) < reps or time.perf_counter() - t0 < min_seconds:
        t = time.perf_counter()
        fa()
        ta.append(time.perf_counter() - t)
        t = time.perf_counter()
        fb()
        tb.append(time.perf_counter() - t)
    return ta, tb


def max_rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(1.0, float(np.max(np.abs(b)))))


def overhead(reps: int = 7, calls: int = 20000):
    rng = np.random.default_rng(0)
    theta = rng.normal(size=10)
    w = rng.integers(1, 4, size=10)
    z = rng.normal(size=10)
    out = {}
    for name, f in [
        ("relax value+y", lambda: diffknap.relax(theta, 10, w, regularizer="shannon",
                                                 gamma=0.5)),
        ("relax value+y+vjp", lambda: diffknap.relax(theta, 10, w, regularizer="shannon",
                                                     gamma=0.5, z=z)),
    ]:
        f()
        per_call = []
        for _ in range(reps):
            t = time.perf_counter()
            for _ in range(calls):
                f()
            per_call.append((time.perf_counter() - t) / calls)
        out[name] = statistics.median(per_call) * 1e6
    return out


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paper", required=True, help="path of the paper's diff_knapsack.py")
    ap.add_argument("--reps", type=int, default=7, help="timed runs per side (default 7)")
    ap.add_argument("--min-seconds", type=float, default=2.0,
                    help="keep repeating until each case took this long (default 2)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()

    mod = load_paper(args.paper)
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    rows = []
    for n, cap, batch in SIZES:
        theta, weights, z = instance(n, cap, batch, seed=n + cap + batch)
        for reg in REGULARIZERS:
            # Warm-up: Numba compiles on the first call; our pools allocate theirs.
            pv, py_, pg = paper_pipeline(mod, theta, cap, weights, z, reg)
            ov, oy, og = ours_pipeline(theta, cap, weights, z, reg)
            agree = {"value": max_rel(ov, pv), "y": max_rel(oy, py_), "vjp": max_rel(og, pg)}
            tp, to = interleaved(lambda: paper_pipeline(mod, theta, cap, weights, z, reg),
                                 lambda: ours_pipeline(theta, cap, weights, z, reg),
                                 args.reps, args.min_seconds)
            mp, mo = statistics.median(tp), statistics.median(to)
            rows.append({"n": n, "capacity": cap, "batch": batch, "regularizer": reg,
                         "runs": len(tp), "paper_median_s": mp, "ours_median_s": mo,
                         "ratio": mp / mo, "max_rel_diff": agree})
            if not args.json:
                print(f"({n}, {cap}, {batch}) {reg:8s} paper {mp * 1e3:9.2f} ms  "
                      f"diffknap {mo * 1e3:8.2f} ms  ratio {mp / mo:6.1f}x  "
                      f"(runs {len(tp)}, max rel diff {max(agree.values()):.1e})", flush=True)
    ovh = overhead()
    result = {
        "date_utc": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "isa": diffknap.isa(),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": getattr(sys.modules.get("numba"), "__version__", None),
        "cases": rows,
        "overhead_us": ovh,
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for k, v in ovh.items():
            print(f"overhead n=10 C=10 {k}: {v:.1f} us per call (median of 7 x 20000 calls)")
        print(f"cpu {result['cpu']} ({result['cores']} cores, {result['isa']}); load average "
              f"before {load_before[0]:.1f}, after {result['loadavg_after'][0]:.1f}")


if __name__ == "__main__":
    main()
