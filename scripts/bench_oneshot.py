#!/usr/bin/env python3
"""One-shot `diffknap relax` against a Python module with the paper's API, side by side.

For each case (n, C, batch) and regularizer it writes one JSON Lines file of `batch`
knapsack instances (theta and z uniform in [-1, 1], integer weights uniform in
1..max(1, 2C/n), gamma 1) and alternates, `--reps` times:

  A: `diffknap relax --input FILE` as a fresh process (start, parse, compute, print), wall
     clock around the whole process (started directly: no wrapper process is timed);
  B: the module's dp_value + dp_layer + dp_vjp on the same instances (one call each, the
     whole batch at once), in this process, after one untimed warm-up (JIT compilation).

Our peak resident memory is read in one more, untimed run per case, through GNU time
(/usr/bin/time) when present, else wait4(). (Until 2026-12-03 every timed run went through
GNU time, whose own start, about a millisecond, was counted as ours.)

It reports the median of each side, the median of the per-round ratios B/A, our peak
memory in bytes per cell (cells = batch n (C + 1)), and the load average around each case.
The first instance's value and y are checked against the module's.

The module is loaded from the path given with --paper (it is not part of this repository).
Set NUMBA_NUM_THREADS in the environment to fix its threads (default: the cores).

Usage:
  NUMBA_NUM_THREADS=2 python scripts/bench_oneshot.py --paper /path/to/diff_knapsack.py \\
      [--diffknap target/release/diffknap] [--cases "1000,10000,1;100,1000,64"] \\
      [--regularizers shannon,gini] [--reps 7] [--json]
"""

import argparse
import datetime
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def make_case(n, cap, batch, seed):
    rng = random.Random(seed)
    wmax = max(1, 2 * cap // n)
    insts = []
    for _ in range(batch):
        theta = [2.0 * rng.random() - 1.0 for _ in range(n)]
        weights = [1 + rng.randrange(wmax) for _ in range(n)]
        z = [2.0 * rng.random() - 1.0 for _ in range(n)]
        insts.append((theta, weights, z))
    return insts


def run_ours(exe, path, peak=False):
    """Wall seconds, peak RSS bytes (only with `peak`, else None) and the first answer line
    of one `relax` process.

    With `peak` the process runs under GNU time (/usr/bin/time) when present (the resource
    usage of a child forked from this large Python process would count the memory it
    inherited before exec), and its wall time then includes GNU time's own start: such runs
    are not timed by the caller.
    """
    timed = peak and os.path.exists("/usr/bin/time")
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as mem:
        cmd = [exe, "relax", "--input", path]
        if timed:
            cmd = ["/usr/bin/time", "-f", "%M", "-o", mem.name] + cmd
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)
        secs = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{exe} relax exited with {proc.returncode}")
        peak_kb = None
        if peak:
            peak_kb = int(mem.read().split()[-1]) if timed else usage.ru_maxrss
        out.seek(0)
        first = json.loads(out.readline())
    return secs, None if peak_kb is None else peak_kb * 1024, first


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paper", required=True, help="path of the Python module (paper's API)")
    ap.add_argument("--diffknap", default="target/release/diffknap")
    ap.add_argument("--cases", default="1000,10000,1;100,1000,64")
    ap.add_argument("--regularizers", default="shannon,gini")
    ap.add_argument("--gamma", type=float, default=1.0)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--pause", type=float, default=0.2, help="seconds of rest between runs")
    ap.add_argument("--json", action="store_true", help="one JSON object per case")
    args = ap.parse_args()

    import numpy as np

    spec = importlib.util.spec_from_file_location("paper_module", args.paper)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)

    cores = os.cpu_count()
    print(
        f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}, {cpu_model()}, "
        f"{cores} cores, NUMBA_NUM_THREADS={os.environ.get('NUMBA_NUM_THREADS', 'unset')}, "
        f"gamma {args.gamma}, {args.reps} rounds A B",
        flush=True,
    )
    if not args.json:
        print(
            f"{'(n, C, batch)':>18} {'reg':>8} {'relax s':>9} {'paper s':>9} "
            f"{'ratio':>7} {'B/cell':>7} {'load':>11}"
        )
    for case in args.cases.split(";"):
        n, cap, batch = (int(x) for x in case.split(","))
        insts = make_case(n, cap, batch, seed=n * 1_000_003 + cap * 101 + batch)
        theta = np.array([i[0] for i in insts])
        weights = np.array([i[1] for i in insts], dtype=np.int64)
        z = np.array([i[2] for i in insts])
        cells = batch * n * (cap + 1)
        for reg in args.regularizers.split(","):
            fd, path = tempfile.mkstemp(suffix=".jsonl")
            with os.fdopen(fd, "w") as f:
                for k, (t, w, zz) in enumerate(insts):
                    f.write(json.dumps({
                        "id": k, "constraint": "knapsack", "regularizer": reg,
                        "gamma": args.gamma, "capacity": cap, "theta": t,
                        "weights": w, "z": zz,
                    }) + "\n")

            def paper():
                val, v, q = mod.dp_value(theta, cap, args.gamma, weights, "knapsack", reg)
                y, e = mod.dp_layer(v, q, weights)
                g = mod.dp_vjp(z, v, q, e, args.gamma, weights, reg)
                return val, y, g

            val, y, _ = paper()  # warm-up: JIT compilation is not timed
            load0 = os.getloadavg()[0]
            ours, theirs = [], []
            _, peak_bytes, first = run_ours(args.diffknap, path, peak=True)
            for _ in range(args.reps):
                time.sleep(args.pause)
                s, _, first = run_ours(args.diffknap, path)
                ours.append(s)
                time.sleep(args.pause)
                t0 = time.perf_counter()
                paper()
                theirs.append(time.perf_counter() - t0)
            load1 = os.getloadavg()[0]
            os.unlink(path)
            agree = abs(first["value"] - val[0]) <= 1e-8 * max(1.0, abs(val[0])) and max(
                abs(a - b) for a, b in zip(first["y"], y[0])
            ) <= 1e-8
            ratios = [b / a for a, b in zip(ours, theirs)]
            row = {
                "n": n, "capacity": cap, "batch": batch, "regularizer": reg,
                "relax_median_s": statistics.median(ours),
                "paper_median_s": statistics.median(theirs),
                "ratio_median": statistics.median(ratios),
                "ratio_min": min(ratios), "ratio_max": max(ratios),
                "peak_bytes_per_cell": peak_bytes / cells,
                "load_before": load0, "load_after": load1,
                "answers_agree": agree,
            }
            if args.json:
                print(json.dumps(row), flush=True)
            else:
                print(
                    f"{str((n, cap, batch)):>18} {reg:>8} {row['relax_median_s']:9.4f} "
                    f"{row['paper_median_s']:9.4f} {row['ratio_median']:6.1f}x "
                    f"{row['peak_bytes_per_cell']:7.1f} {load0:5.1f}-{load1:<5.1f}"
                    + ("" if agree else "  ANSWERS DIFFER"),
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
