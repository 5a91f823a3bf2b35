"""Exact rationals, certified enclosures and the hard solver: agreement with the command
line on its conformance vectors, and the f64 results inside the enclosures."""

import json
from fractions import Fraction

import numpy as np
import pytest
from conftest import relax_args

import diffknap


def _as_written(vectors_text):
    """The vectors with every JSON number kept as the decimal string it was written as."""
    return [json.loads(s, parse_float=str, parse_int=str)
            for s in vectors_text.splitlines() if s.strip()]


def test_exact_agrees_with_cli(cli, vectors_text):
    lines = [l for l in _as_written(vectors_text) if l["regularizer"] in ("hard", "gini")]
    assert len(lines) == 60
    inputs = []
    for l in lines:
        l = {k: v for k, v in l.items() if k != "expected"}
        for key in ("capacity", "weights"):
            if key in l:
                l[key] = json.loads(json.dumps(l[key]).replace('"', ""))
        inputs.append(l)
    answers = cli.lines(["relax", "--precision", "exact"], inputs)
    for l, ans in zip(inputs, answers):
        out = diffknap.relax(np.array(l["theta"], dtype=object), l["capacity"], l.get("weights"),
                             constraint=l["constraint"], regularizer=l["regularizer"],
                             gamma=l["gamma"], z=np.array(l["z"], dtype=object),
                             precision="exact")
        assert isinstance(out.value, Fraction)
        assert str(out.value) == ans["value"]
        assert [str(x) for x in out.y] == ans["y"]
        assert [str(x) for x in out.vjp] == ans["vjp"]


def test_exact_batch_and_float_inputs():
    theta = np.array([[2, 1.5, 0.25, -1], [0.5, 0.5, 0.5, 0.5]])
    out = diffknap.relax(theta, 2, regularizer="gini", gamma=0.5, precision="exact")
    assert out.value.shape == (2,) and out.y.shape == (2, 4)
    # Ties: by symmetry every item gets k/n.
    assert list(out.y[1]) == [Fraction(1, 2)] * 4
    one = diffknap.relax(theta[0], 2, regularizer="gini", gamma=Fraction(1, 2), precision="exact")
    assert list(one.y) == list(out.y[0])
    # Every row's y sums to k exactly (top_k).
    assert all(sum(row) == 2 for row in out.y)


def test_certified_agrees_with_cli_vectors(vectors):
    for line in vectors:
        exp = line["expected"]
        out = diffknap.relax(**relax_args(line), precision="certified", strings=True)
        assert [out.value.lo_str, out.value.hi_str] == exp["value"]
        assert [[a, b] for a, b in zip(out.y.lo_str, out.y.hi_str)] == exp["y"]
        assert [[a, b] for a, b in zip(out.vjp.lo_str, out.vjp.hi_str)] == exp["vjp"]
        assert out.precision_bits == exp["precision_bits"]
        assert out.value.lo <= out.value.hi and np.all(out.y.lo <= out.y.hi)


@pytest.mark.parametrize("backend", ["reference", "auto"])
def test_f64_results_lie_within_the_documented_error_of_the_enclosures(vectors, backend):
    u = np.finfo(float).eps / 2
    for line in vectors:
        args = relax_args(line)
        cert = diffknap.relax(**args, precision="certified")
        f = diffknap.relax(**args, backend=backend)
        theta = np.asarray(line["theta"])
        n, s = len(theta), float(np.abs(theta).sum())
        k = n + 2
        gamma = line["gamma"]
        cond = 1.0 if line["regularizer"] == "hard" else 1.0 + s / gamma
        vmax = float(np.max(np.abs(f.vjp), initial=0.0))
        # The error model of the Rust suite's certified check (src/check.rs), plus the 1e-12
        # normwise agreement of the fast kernels with the reference (docs/assurance.md).
        fast = 0.0 if backend == "reference" else 1e-12
        tv = 8 * k * u * (abs(f.value) + s) + fast * max(abs(f.value), float(np.max(np.abs(theta))), gamma, 1)
        ty = 64 * k * u * cond + fast
        tj = 64 * k * u * (cond * vmax + 1) + fast * max(1, float(np.max(np.abs(theta))))

        def dist(enc, x):
            return np.maximum(0, np.maximum(enc.lo - x, x - enc.hi))

        assert dist(cert.value, f.value) <= tv, line["id"]
        assert np.all(dist(cert.y, f.y) <= ty), line["id"]
        assert np.all(dist(cert.vjp, f.vjp) <= tj), line["id"]


def test_certified_batch_shapes_and_tolerance():
    rng = np.random.default_rng(1)
    theta = rng.normal(size=(3, 6))
    w = rng.integers(1, 3, size=6)
    out = diffknap.relax(theta, 3, w, regularizer="shannon", gamma=0.5, z=theta,
                         precision="certified", digits=12)
    assert out.value.lo.shape == (3,) and out.y.lo.shape == (3, 6) and out.vjp.hi.shape == (3, 6)
    assert out.value.lo_str is None
    # Width target 1e-12 (absolute or relative), plus the outward rounding to float64.
    assert np.all(out.y.width <= 1e-12 + 4e-16 * np.maximum(1, np.abs(out.y.hi)))
    f = diffknap.relax(theta, 3, w, regularizer="shannon", gamma=0.5, z=theta)
    assert out.y.contains(f.y) or np.all(np.abs(f.y - out.y.lo) <= 1e-12)


def test_solve_agrees_with_cli(cli, vectors_text):
    lines = []
    for l in _as_written(vectors_text):
        l = {k: v for k, v in l.items() if k in ("id", "constraint", "capacity", "theta", "weights")}
        for key in ("capacity", "weights"):
            if key in l:
                l[key] = json.loads(json.dumps(l[key]).replace('"', ""))
        lines.append(l)
    answers = cli.lines(["solve"], lines)
    for l, ans in zip(lines, answers):
        sol = diffknap.solve(np.array(l["theta"], dtype=object), l["capacity"], l.get("weights"),
                             l["constraint"])
        assert str(sol.value_exact) == ans["value_exact"]
        assert sol.selection.astype(int).tolist() == ans["selection"]
        assert sol.value == ans["value"]


def test_solve_batch_matches_brute_force():
    rng = np.random.default_rng(4)
    theta = rng.normal(size=(20, 8))
    w = rng.integers(0, 5, size=(20, 8))
    cap = rng.integers(0, 15, size=20)
    sol = diffknap.solve(theta, cap, w)
    for b in range(20):
        best = max(
            sum(Fraction(theta[b, i]) for i in range(8) if m >> i & 1)
            for m in range(256)
            if sum(int(w[b, i]) for i in range(8) if m >> i & 1) <= cap[b]
        )
        assert sol.value_exact[b] == best
        assert sum(Fraction(theta[b, i]) for i in range(8) if sol.selection[b, i]) == best


def test_hard_relax_y_is_the_exact_optimal_selection():
    # The f64 fast path at gamma = 0 against the exact rational DP (continuous scores: no
    # ties, so the optimal selection is unique).
    rng = np.random.default_rng(9)
    theta = rng.normal(size=(200, 15))
    w = rng.integers(1, 9, size=15)
    y = diffknap.relax(theta, 30, w, regularizer="hard").y
    assert set(np.unique(y)) <= {0.0, 1.0}
    assert np.array_equal(y.astype(bool), diffknap.solve(theta, 30, w).selection)
