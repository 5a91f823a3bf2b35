#!/usr/bin/env python3
"""Compare diffknap's cost-aware density greedy with apricot-select's.

Usage:
    cargo run --release --example submod_bench -- --dump /tmp/sbench
    python3 scripts/submod_apricot.py /tmp/sbench

Needs `pip install apricot-select scikit-learn` (apricot imports sklearn). Uses apricot's
public API only: FacilityLocationSelection(metric='precomputed') on a square similarity
matrix and MaxCoverageSelection (threshold 1, i.e. unweighted coverage) on a sparse 0/1
matrix, both with `sample_cost` and `n_samples` = budget, with the 'naive' and 'lazy'
optimizers. Reports whether apricot selects the same set as our (naive == lazy) density
greedy, the values, and wall-clock times. The first fit of each kind runs on a small
instance to take numba's compilation out of the timings.
"""

import json
import sys
import time

import numpy
from scipy.sparse import csr_matrix

from apricot import FacilityLocationSelection, MaxCoverageSelection


def timed_fit(selector, X, costs):
    t = time.perf_counter()
    selector.fit(X, sample_cost=costs)
    return time.perf_counter() - t


def facility_value(values, chosen):
    if len(chosen) == 0:
        return 0.0
    return float(values[list(chosen)].max(axis=0).sum())


def coverage_value(sets, chosen):
    covered = set()
    for i in chosen:
        covered.update(sets[i])
    return float(len(covered))


def compare(name, ours, ranking, value, secs, optimizer):
    ours_set = sorted(ours["lazy_density_greedy"]["set"])
    theirs = sorted(int(i) for i in ranking)
    ours_t = ours["lazy_density_greedy"]["seconds"] if optimizer == "lazy" else ours["density_greedy"]["seconds"]
    same = ours_set == theirs
    print(
        f"{name:<16} apricot {optimizer:<5} {secs:8.4f} s  |S| {len(theirs):3d}  value {value:.6f}  "
        f"same set as ours: {same}  (ours {ours_t:.4f} s, value "
        f"{ours['lazy_density_greedy']['value']:.6f}; apricot/ours time {secs / max(ours_t, 1e-9):.1f}x)"
    )
    if not same:
        a, b = set(ours_set), set(theirs)
        print(f"{'':16} only ours: {sorted(a - b)}  only apricot: {sorted(b - a)}")


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/sbench"
    with open(f"{d}/ours.json") as fh:
        ours = json.load(fh)
    budget = ours["budget"]

    # Warm up numba on tiny instances of the same dtypes.
    rng = numpy.random.default_rng(0)
    small = rng.random((20, 20))
    for opt in ("naive", "lazy"):
        FacilityLocationSelection(3.0, metric="precomputed", optimizer=opt).fit(small, sample_cost=numpy.ones(20))
        MaxCoverageSelection(3.0, optimizer=opt).fit(csr_matrix((small > 0.5).astype("float64")), sample_cost=numpy.ones(20))

    costs = numpy.fromfile(f"{d}/facility_square.costs.f64", dtype="<f8")
    n = costs.shape[0]
    values = numpy.fromfile(f"{d}/facility_square.values.f64", dtype="<f8").reshape(n, n)
    for opt in ("naive", "lazy"):
        sel = FacilityLocationSelection(budget, metric="precomputed", optimizer=opt)
        secs = timed_fit(sel, values, costs)
        compare("facility_square", ours["facility_square"], sel.ranking, facility_value(values, sel.ranking), secs, opt)

    with open(f"{d}/coverage_unit.json") as fh:
        cov = json.load(fh)
    sets = [sorted(set(s)) for s in cov["sets"]]
    rows = numpy.repeat(numpy.arange(len(sets)), [len(s) for s in sets])
    cols = numpy.concatenate([numpy.array(s, dtype=numpy.int64) for s in sets])
    X = csr_matrix((numpy.ones(cols.shape[0]), (rows, cols)), shape=(len(sets), cov["atoms"]))
    ccosts = numpy.array(cov["costs"], dtype="float64")
    for opt in ("naive", "lazy"):
        sel = MaxCoverageSelection(budget, optimizer=opt)
        secs = timed_fit(sel, X, ccosts)
        compare("coverage_unit", ours["coverage_unit"], sel.ranking, coverage_value(sets, sel.ranking), secs, opt)


if __name__ == "__main__":
    main()
