"""JAX wrapper: the smoothed knapsack operator as a differentiable JAX function.

    >>> import jax, jax.numpy as jnp
    >>> from diffknap.jax import relax
    >>> value, y = relax(jnp.array([1.0, 0.3, -0.2]), capacity=2, weights=[1, 1, 1],
    ...                  regularizer="shannon", gamma=0.5)

``value`` has gradient ``y``; ``y`` has Jacobian H (the Hessian of V, symmetric), applied by
the library's VJP. Works under ``jit``, ``vmap``, ``grad``, ``jvp``, ``jacfwd``/``jacrev``
and ``hessian`` of the value. Derivatives of order three (for example the Hessian of a loss
of ``y``) are not available and raise ``NotImplementedError``.

How: two JAX primitives, ``diffknap_relax`` (value, y) and ``diffknap_hvp`` (H t, linear in
t), whose evaluation is a host callback (``jax.pure_callback``) into the compiled library.
The JVP of ``diffknap_relax`` is ``(<y, dtheta>, hvp(dtheta))``; ``diffknap_hvp`` is its own
transpose because H is symmetric, which gives reverse mode. Batching rules move every
batch axis to the front: the library computes a batch of instances in one call (rows
spread over the cores). Inputs of any float dtype are computed in float64 and the results
are cast back to the dtype of ``theta``.
"""

from __future__ import annotations

from typing import Optional

import jax
import jax.numpy as jnp
import numpy as np
from jax.core import ShapedArray
from jax.extend.core import Primitive
from jax.interpreters import ad, batching, mlir

from . import Error, _native

__all__ = ["relax"]

# ----------------------------------------------------------------------------------------
# Host computation (numpy in, numpy out)


def _host_args(theta, weights, capacity):
    theta = np.asarray(theta)
    n = theta.shape[-1]
    th = np.ascontiguousarray(theta.reshape(-1, n), dtype=np.float64)
    # Negative integers are refused by the extension, naming the field.
    w = np.ascontiguousarray(np.asarray(weights).reshape(-1, n), dtype=np.int64)
    c = np.ascontiguousarray(np.asarray(capacity).reshape(-1), dtype=np.int64)
    return th, w, c


def _host_relax(theta, weights, capacity, *, constraint, regularizer, gamma, backend):
    shape, dtype = np.shape(theta), np.asarray(theta).dtype
    th, w, c = _host_args(theta, weights, capacity)
    out = _native.relax_f64(th, c, w, constraint, regularizer, np.array([gamma]), None, 0, 0,
                            backend, None, True)
    return (out["value"].reshape(shape[:-1]).astype(dtype),
            out["y"].reshape(shape).astype(dtype))


def _host_hvp(theta, t, weights, capacity, *, constraint, regularizer, gamma, backend):
    shape, dtype = np.shape(theta), np.asarray(theta).dtype
    th, w, c = _host_args(theta, weights, capacity)
    z = np.ascontiguousarray(np.asarray(t).reshape(th.shape), dtype=np.float64)
    out = _native.relax_f64(th, c, w, constraint, regularizer, np.array([gamma]), z, 0, 0,
                            backend, None, True)
    return out["vjp"].reshape(shape).astype(dtype)


# ----------------------------------------------------------------------------------------
# Primitives

relax_p = Primitive("diffknap_relax")
relax_p.multiple_results = True
hvp_p = Primitive("diffknap_hvp")


def _relax_abstract(theta, weights, capacity, **params):
    return (ShapedArray(theta.shape[:-1], theta.dtype), ShapedArray(theta.shape, theta.dtype))


def _hvp_abstract(theta, t, weights, capacity, **params):
    return ShapedArray(theta.shape, theta.dtype)


def _relax_callback(theta, weights, capacity, **params):
    shapes = (jax.ShapeDtypeStruct(theta.shape[:-1], theta.dtype),
              jax.ShapeDtypeStruct(theta.shape, theta.dtype))
    return jax.pure_callback(lambda a, b, c: _host_relax(a, b, c, **params), shapes,
                             theta, weights, capacity, vmap_method="sequential")


def _hvp_callback(theta, t, weights, capacity, **params):
    shape = jax.ShapeDtypeStruct(theta.shape, theta.dtype)
    return jax.pure_callback(lambda a, b, c, d: _host_hvp(a, b, c, d, **params), shape,
                             theta, t, weights, capacity, vmap_method="sequential")


relax_p.def_impl(lambda *args, **params: tuple(jnp.asarray(x) for x in
                                               _host_relax(*args, **params)))
hvp_p.def_impl(lambda *args, **params: jnp.asarray(_host_hvp(*args, **params)))
relax_p.def_abstract_eval(_relax_abstract)
hvp_p.def_abstract_eval(_hvp_abstract)
mlir.register_lowering(relax_p, mlir.lower_fun(_relax_callback, multiple_results=True))
mlir.register_lowering(hvp_p, mlir.lower_fun(_hvp_callback, multiple_results=False))


def _instantiate(t, like):
    if type(t) is ad.Zero:
        return jnp.zeros_like(like)
    return t


def _relax_jvp(primals, tangents, **params):
    theta, weights, capacity = primals
    value, y = relax_p.bind(theta, weights, capacity, **params)
    dtheta = _instantiate(tangents[0], theta)
    dvalue = jnp.sum(y * dtheta, axis=-1)
    dy = hvp_p.bind(theta, dtheta, weights, capacity, **params)
    return (value, y), (dvalue, dy)


def _hvp_jvp(primals, tangents, **params):
    theta, t, weights, capacity = primals
    if type(tangents[0]) is not ad.Zero:
        raise NotImplementedError(
            "diffknap.jax: third derivatives of the knapsack value are not available "
            "(the derivative of the VJP of y with respect to theta)"
        )
    out = hvp_p.bind(theta, t, weights, capacity, **params)
    dt = _instantiate(tangents[1], t)
    return out, hvp_p.bind(theta, dt, weights, capacity, **params)


def _hvp_transpose(ct, theta, t, weights, capacity, **params):
    if ad.is_undefined_primal(theta) or not ad.is_undefined_primal(t):
        raise NotImplementedError("diffknap.jax: hvp is linear in its second argument only")
    ct = _instantiate(ct, theta)
    return None, hvp_p.bind(theta, ct, weights, capacity, **params), None, None


ad.primitive_jvps[relax_p] = _relax_jvp
ad.primitive_jvps[hvp_p] = _hvp_jvp
ad.primitive_transposes[hvp_p] = _hvp_transpose


def _to_front(args, dims):
    size = next(a.shape[d] for a, d in zip(args, dims) if d is not None)
    out = []
    for a, d in zip(args, dims):
        if d is None:
            out.append(jnp.broadcast_to(a, (size,) + a.shape))
        else:
            out.append(jnp.moveaxis(a, d, 0))
    return out


def _relax_batch(args, dims, **params):
    return relax_p.bind(*_to_front(args, dims), **params), (0, 0)


def _hvp_batch(args, dims, **params):
    return hvp_p.bind(*_to_front(args, dims), **params), 0


batching.primitive_batchers[relax_p] = _relax_batch
batching.primitive_batchers[hvp_p] = _hvp_batch


# ----------------------------------------------------------------------------------------
# Public function


def relax(
    theta,
    capacity,
    weights=None,
    constraint: Optional[str] = None,
    regularizer: str = "shannon",
    gamma: Optional[float] = None,
    backend: str = "auto",
):
    """``(value, y)`` of the smoothed knapsack operator, differentiable in ``theta``.

    Args:
        theta: scores, shape ``(..., n)`` (any leading batch axes), a float JAX array.
        capacity: an integer, or an integer array of shape ``theta.shape[:-1]``.
        weights: non-negative integers of shape ``(n,)`` or ``(..., n)``; omit for top_k.
        constraint: knapsack, exact or top_k (default: knapsack with weights, else top_k).
        regularizer: hard, shannon, gini or tsallis.
        gamma: temperature (a Python number, not traced; default 1, 0 for hard).
        backend: as for :func:`diffknap.relax`.

    Returns:
        ``value`` of shape ``theta.shape[:-1]`` and ``y`` of shape ``theta.shape``.
    """
    if constraint is None:
        constraint = "knapsack" if weights is not None else "top_k"
    for name, x in (("constraint", constraint), ("regularizer", regularizer),
                    ("backend", backend)):
        if not isinstance(x, str):
            raise Error(f"{name}: must be a string")
    if gamma is None:
        gamma = 0.0 if regularizer in ("hard", "none") else 1.0
    try:
        gamma = float(gamma)
    except (TypeError, jax.errors.ConcretizationTypeError):
        raise Error("gamma: must be a Python number (it is not differentiated or traced)") \
            from None
    theta = jnp.asarray(theta)
    if not jnp.issubdtype(theta.dtype, jnp.floating):
        theta = theta.astype(jnp.result_type(float))
    if theta.ndim < 1:
        raise Error(f"theta: must have shape (..., n); got shape {theta.shape}")
    if weights is None:
        weights = jnp.ones(theta.shape, dtype=jnp.int32)
    weights = jnp.asarray(weights)
    capacity = jnp.asarray(capacity)
    for name, a in (("weights", weights), ("capacity", capacity)):
        if not jnp.issubdtype(a.dtype, jnp.integer):
            raise Error(f"{name}: must be an integer array; got dtype {a.dtype}")
    try:
        weights = jnp.broadcast_to(weights, theta.shape)
    except ValueError:
        raise Error(f"weights: shape {weights.shape} does not broadcast to theta's "
                    f"{theta.shape}") from None
    try:
        capacity = jnp.broadcast_to(capacity, theta.shape[:-1])
    except ValueError:
        raise Error(f"capacity: shape {capacity.shape} does not broadcast to "
                    f"{theta.shape[:-1]}") from None
    value, y = relax_p.bind(theta, weights, capacity, constraint=constraint,
                            regularizer=regularizer, gamma=gamma, backend=backend)
    return value, y
