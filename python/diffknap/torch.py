"""PyTorch wrapper (experimental: see docs/python.md for where it is tested).

    >>> import torch
    >>> from diffknap.torch import relax
    >>> theta = torch.tensor([1.0, 0.3, -0.2], dtype=torch.float64, requires_grad=True)
    >>> value, y = relax(theta, capacity=2, weights=[1, 1, 1], regularizer="shannon", gamma=0.5)
    >>> value.backward()          # theta.grad == y

``value`` has gradient ``y``; the backward pass of ``y`` is the library's VJP (the Hessian of
V times the incoming gradient). Second derivatives of the value (``create_graph=True``,
``torch.autograd.gradgradcheck``) go through the same VJP; third derivatives raise. The
computation runs on the CPU in float64 (tensors on another device are copied to the host
and the results copied back); results have the dtype and device of ``theta``.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import torch

from . import Error, _native

__all__ = ["relax"]


def _host(theta: torch.Tensor, weights, capacity):
    t = theta.detach().to("cpu", torch.float64).contiguous().numpy()
    n = t.shape[-1]
    return (np.ascontiguousarray(t.reshape(-1, n)),
            np.ascontiguousarray(np.broadcast_to(weights, t.shape).reshape(-1, n)),
            np.ascontiguousarray(np.broadcast_to(capacity, t.shape[:-1]).reshape(-1)))


def _call(theta, weights, capacity, params, z=None):
    th, w, c = _host(theta, weights, capacity)
    zz = None
    if z is not None:
        zz = np.ascontiguousarray(z.detach().to("cpu", torch.float64).numpy().reshape(th.shape))
    constraint, regularizer, gamma, backend = params
    return _native.relax_f64(th, c, w, constraint, regularizer, np.array([gamma]), zz, 0, 0,
                             backend, None, True)


def _back(a: np.ndarray, like: torch.Tensor, shape) -> torch.Tensor:
    return torch.from_numpy(a.reshape(shape)).to(device=like.device, dtype=like.dtype)


class _Hvp(torch.autograd.Function):
    """H t, linear in t; its own transpose (H is symmetric)."""

    @staticmethod
    def forward(ctx, theta, t, weights, capacity, params):
        ctx.save_for_backward(theta)
        ctx.extra = (weights, capacity, params)
        out = _call(theta, weights, capacity, params, z=t)
        return _back(out["vjp"], theta, theta.shape)

    @staticmethod
    def backward(ctx, ct):
        (theta,) = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError(
                "diffknap.torch: third derivatives of the knapsack value are not available "
                "(the derivative of the VJP of y with respect to theta)")
        weights, capacity, params = ctx.extra
        return None, _Hvp.apply(theta, ct, weights, capacity, params), None, None, None


class _Relax(torch.autograd.Function):
    @staticmethod
    def forward(ctx, theta, weights, capacity, params):
        # An output that the loss does not use gets None, not zeros: no HVP is computed (or
        # recorded for higher derivatives) for it.
        ctx.set_materialize_grads(False)
        out = _call(theta, weights, capacity, params)
        value = _back(out["value"], theta, theta.shape[:-1])
        y = _back(out["y"], theta, theta.shape)
        ctx.save_for_backward(theta, y)
        ctx.extra = (weights, capacity, params)
        return value, y

    @staticmethod
    def backward(ctx, gvalue, gy):
        theta, y = ctx.saved_tensors
        weights, capacity, params = ctx.extra
        grad = None
        if gvalue is not None:
            grad = gvalue.unsqueeze(-1) * y
        if gy is not None:
            h = _Hvp.apply(theta, gy, weights, capacity, params)
            grad = h if grad is None else grad + h
        return grad, None, None, None


def relax(
    theta: torch.Tensor,
    capacity,
    weights=None,
    constraint: Optional[str] = None,
    regularizer: str = "shannon",
    gamma: Optional[float] = None,
    backend: str = "auto",
):
    """``(value, y)`` of the smoothed knapsack operator, differentiable in ``theta``.

    ``theta`` has shape ``(..., n)``; ``capacity`` is an integer or an integer array
    broadcasting to ``theta.shape[:-1]``; ``weights`` non-negative integers broadcasting to
    ``theta.shape`` (omit for top_k). The other arguments are as for
    :func:`diffknap.relax`.
    """
    if not isinstance(theta, torch.Tensor):
        raise Error("theta: must be a torch.Tensor")
    if not theta.is_floating_point():
        raise Error(f"theta: must be a floating-point tensor; got {theta.dtype}")
    if theta.ndim < 1:
        raise Error(f"theta: must have shape (..., n); got shape {tuple(theta.shape)}")
    if constraint is None:
        constraint = "knapsack" if weights is not None else "top_k"
    if gamma is None:
        gamma = 0.0 if regularizer in ("hard", "none") else 1.0
    for name, x in (("constraint", constraint), ("regularizer", regularizer),
                    ("backend", backend)):
        if not isinstance(x, str):
            raise Error(f"{name}: must be a string")
    if isinstance(gamma, torch.Tensor):
        gamma = gamma.item()
    gamma = float(gamma)
    if weights is None:
        weights = np.ones(theta.shape[-1], dtype=np.int64)
    if isinstance(weights, torch.Tensor):
        weights = weights.detach().cpu().numpy()
    if isinstance(capacity, torch.Tensor):
        capacity = capacity.detach().cpu().numpy()
    w = _ints(weights, "weights")
    c = _ints(capacity, "capacity")
    try:
        np.broadcast_to(w, tuple(theta.shape))
    except ValueError:
        raise Error(f"weights: shape {w.shape} does not broadcast to theta's "
                    f"{tuple(theta.shape)}") from None
    try:
        np.broadcast_to(c, tuple(theta.shape[:-1]))
    except ValueError:
        raise Error(f"capacity: shape {c.shape} does not broadcast to "
                    f"{tuple(theta.shape[:-1])}") from None
    return _Relax.apply(theta, w, c, (constraint, regularizer, gamma, backend))


def _ints(x, name: str) -> np.ndarray:
    a = np.asarray(x)
    if a.dtype.kind not in "iu":
        raise Error(f"{name}: must be non-negative integers; got dtype {a.dtype}")
    if a.size and a.min() < 0:
        raise Error(f"{name}: must be a non-negative integer; got {a.min()}")
    return a.astype(np.int64)
