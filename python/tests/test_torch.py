"""The PyTorch wrapper: gradcheck in float64, gradients equal to the library's y and VJP."""

import os

import numpy as np
import pytest

# The test command sets DIFFKNAP_REQUIRE_TORCH=1 so that a missing torch fails, not skips.
if os.environ.get("DIFFKNAP_REQUIRE_TORCH") == "1":
    import torch
else:
    torch = pytest.importorskip("torch")

import diffknap  # noqa: E402
import diffknap.torch as dkt  # noqa: E402

REGS = [("shannon", 0.4), ("gini", 0.6), ("tsallis", 0.5)]


def _instance(seed, n=6):
    rng = np.random.default_rng(seed)
    return rng.normal(size=n), rng.integers(1, 4, size=n), int(rng.integers(2, 2 * n)), \
        rng.normal(size=n)


@pytest.mark.parametrize("reg, gamma", REGS)
@pytest.mark.parametrize("seed", range(3))
def test_gradcheck(reg, gamma, seed):
    theta, w, cap, _ = _instance(seed)
    t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda x: dkt.relax(x, cap, w, regularizer=reg, gamma=gamma), (t,), eps=1e-6, atol=1e-5)
    # Second derivatives of the value, through the library's VJP.
    assert torch.autograd.gradgradcheck(
        lambda x: dkt.relax(x, cap, w, regularizer=reg, gamma=gamma)[0], (t,), eps=1e-6,
        atol=1e-5)


@pytest.mark.parametrize("reg, gamma", REGS)
def test_gradients_equal_the_library(reg, gamma):
    theta, w, cap, z = _instance(7)
    t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    v, y = dkt.relax(t, cap, w, regularizer=reg, gamma=gamma)
    (gv,) = torch.autograd.grad(v, t, retain_graph=True)
    ref = diffknap.relax(theta, cap, w, regularizer=reg, gamma=gamma, z=z)
    np.testing.assert_allclose(gv.numpy(), ref.y, rtol=0, atol=1e-15)
    (gy,) = torch.autograd.grad(y, t, grad_outputs=torch.tensor(z))
    np.testing.assert_allclose(gy.numpy(), ref.vjp, rtol=0, atol=1e-15)


def test_batches_dtypes_and_errors():
    rng = np.random.default_rng(1)
    theta = torch.tensor(rng.normal(size=(4, 5)), dtype=torch.float32, requires_grad=True)
    v, y = dkt.relax(theta, [1, 2, 3, 4], regularizer="shannon", gamma=0.5)
    assert v.shape == (4,) and y.shape == (4, 5) and y.dtype == torch.float32
    (v.sum() + (y ** 2).sum()).backward()
    assert theta.grad.shape == (4, 5)
    with pytest.raises(diffknap.Error, match=r"^row 0: theta\[1\]: must be a finite number"):
        dkt.relax(torch.tensor([[0.0, float("nan")]]), 1)
    with pytest.raises(diffknap.Error, match="^weights"):
        dkt.relax(torch.zeros(3), 1, weights=[1.5, 1, 1])
    t = torch.tensor([0.1, 0.5, 0.2], dtype=torch.float64, requires_grad=True)
    _, y = dkt.relax(t, 1, regularizer="shannon", gamma=1.0)
    (g,) = torch.autograd.grad((y ** 2).sum(), t, create_graph=True)
    with pytest.raises(NotImplementedError, match="third derivatives"):
        g.sum().backward()
