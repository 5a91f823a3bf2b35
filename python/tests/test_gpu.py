"""backend="gpu": the same answers as "auto" on a batch (every regularizer and constraint,
with a VJP and samples), when the extension was built with the `gpu` feature.

CI builds the extension with the feature and runs this on Mesa's software Vulkan driver
(lavapipe), with DIFFKNAP_REQUIRE_GPU=1 so that a missing feature or driver fails instead
of skipping (docs/python.md)."""

import os

import numpy as np
import pytest

import diffknap

# The tolerance the Rust suite holds every backend to (docs/backends.md).
RTOL, ATOL = 1e-12, 1e-12


def _gpu_or_skip():
    try:
        diffknap.relax(np.array([0.5, 0.2]), 1, backend="gpu", regularizer="gini", gamma=0.5)
    except diffknap.Error as e:
        if os.environ.get("DIFFKNAP_REQUIRE_GPU") == "1":
            raise
        pytest.skip(f"no GPU backend here: {e}")


def _close(a, b, scale=1.0):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    assert np.all(np.abs(a - b) <= ATOL * scale + RTOL * np.abs(b)), (a, b)


@pytest.mark.parametrize("regularizer", ["hard", "shannon", "gini", "tsallis"])
@pytest.mark.parametrize("constraint", ["knapsack", "exact", "top_k"])
def test_gpu_matches_auto_on_a_batch(regularizer, constraint):
    _gpu_or_skip()
    rng = np.random.default_rng(11)
    rows, n = 7, 23
    theta = rng.normal(size=(rows, n))
    z = rng.normal(size=(rows, n))
    if constraint == "top_k":
        weights, capacity = None, np.array([3, 5, 7, 1, 11, 0, 23])
    else:
        weights = rng.integers(0, 6, size=(rows, n))
        capacity = np.array([17, 30, 9, 0, 41, 25, 12])
        if constraint == "exact":
            weights[:, 0] = 1  # every capacity up to the total weight is reachable
    gamma = 0.0 if regularizer == "hard" else np.linspace(0.05, 2.0, rows)
    args = dict(weights=weights, constraint=constraint, regularizer=regularizer, gamma=gamma,
                z=z, samples=4, seed=3)
    want = diffknap.relax(theta, capacity, backend="auto", **args)
    got = diffknap.relax(theta, capacity, backend="gpu", **args)
    scale = max(1.0, float(np.max(np.abs(theta))))
    _close(got.value, want.value, scale)
    _close(got.y, want.y)
    _close(got.vjp, want.vjp, scale)
    # Samples walk the device's Q with the same draws as the CPU.
    assert np.array_equal(np.asarray(got.samples), np.asarray(want.samples))
