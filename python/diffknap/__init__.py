"""diffknap: differentiable knapsack and top-k operators by smoothed dynamic programming.

The reference implementation (Rust) as a NumPy API, with JAX (``diffknap.jax``) and
PyTorch (``diffknap.torch``) gradients. See docs/python.md in the repository.

    >>> import numpy as np, diffknap
    >>> out = diffknap.relax(np.array([1.0, 0.3, -0.2, 0.8, 0.1]), capacity=5,
    ...                      weights=[2, 1, 3, 2, 1], regularizer="shannon", gamma=0.7)
    >>> round(float(out.value), 9)
    3.245790049

Shapes: ``theta`` is ``(n,)`` for one instance or ``(B, n)`` for a batch; ``capacity`` is
one integer or one per row; ``weights`` is ``(n,)`` (shared) or ``(B, n)``; ``z`` is ``(n,)``
or ``(B, n)``. Results of a batch have a leading ``B`` axis; a 1-D ``theta`` gives unbatched
results. float32 (or integer) inputs are computed in float64; results are float64.

Every error is a :class:`diffknap.Error` (a subclass of ``ValueError``) whose message names
the field and the rule, the same message as the command line (prefixed by ``row b:`` in a
batch).
"""

from __future__ import annotations

import dataclasses
import json
import math
import secrets
from fractions import Fraction
from typing import Any, Optional

import numpy as np

from . import _native
from ._native import Error

__all__ = [
    "Certified",
    "Enclosure",
    "Error",
    "Relaxed",
    "Solution",
    "ValidationReport",
    "isa",
    "relax",
    "solve",
    "validate",
]

__version__ = "0.1.0"

_PRECISIONS = ("f64", "exact", "certified")


def isa() -> str:
    """The instruction set of the fast kernels on this CPU: scalar, avx2 or avx512."""
    return _native.isa()


# ----------------------------------------------------------------------------------------
# Results


@dataclasses.dataclass
class Relaxed:
    """Outputs of :func:`relax` at f64 or exact precision.

    ``value`` is V (the smoothed optimum), ``y`` = dV/dtheta (the relaxed selection),
    ``vjp`` = H z (the Hessian of V times ``z``, i.e. the VJP of y) when ``z`` was given.
    ``samples`` (0/1, shape ``(..., samples, n)``) and ``log_prob`` when samples were asked
    for, with the ``seed`` that drew them. At exact precision the numbers are
    :class:`fractions.Fraction` (object arrays).
    """

    value: Any
    y: np.ndarray
    vjp: Optional[np.ndarray] = None
    samples: Optional[np.ndarray] = None
    log_prob: Optional[np.ndarray] = None
    seed: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class Enclosure:
    """Guaranteed bounds ``lo <= truth <= hi`` (float64, rounded outward), and with
    ``strings=True`` the decimal bounds ``lo_str``, ``hi_str`` (also rounded outward, to
    ``digits + 5`` significant digits)."""

    lo: Any
    hi: Any
    lo_str: Any = None
    hi_str: Any = None

    def contains(self, x) -> bool:
        """Whether every entry of ``x`` lies inside its enclosure."""
        x = np.asarray(x, dtype=np.float64)
        return bool(np.all((self.lo <= x) & (x <= self.hi)))

    @property
    def width(self):
        """``hi - lo`` (in float64)."""
        return np.asarray(self.hi) - np.asarray(self.lo)


@dataclasses.dataclass(frozen=True)
class Certified:
    """Outputs of :func:`relax` at certified precision: each an :class:`Enclosure` of the
    exact real result for the given float64 inputs. ``precision_bits`` is the working
    precision that met the width target (0 where exact rational arithmetic was used)."""

    value: Enclosure
    y: Enclosure
    vjp: Optional[Enclosure]
    precision_bits: Any


@dataclasses.dataclass(frozen=True)
class Solution:
    """The hard problem's optimum: ``value`` (float64), ``value_exact`` (the exact sum of
    the selected float64 scores, a :class:`fractions.Fraction`), and one optimal
    ``selection`` (bool)."""

    value: Any
    value_exact: Any
    selection: np.ndarray


# ----------------------------------------------------------------------------------------
# Argument normalisation


def _real_array(x, name: str) -> np.ndarray:
    a = np.asarray(x)
    if a.dtype.kind not in "fiu":
        raise Error(f"{name}: must be an array of real numbers; got dtype {a.dtype}")
    return a


def _theta64(theta) -> tuple[np.ndarray, bool]:
    a = _real_array(theta, "theta")
    if a.ndim == 1:
        return np.ascontiguousarray(a, dtype=np.float64).reshape(1, -1), False
    if a.ndim == 2:
        return np.ascontiguousarray(a, dtype=np.float64), True
    raise Error(f"theta: must have shape (n,) or (B, n); got shape {a.shape}")


def _nonneg_ints(x, name: str) -> np.ndarray:
    """Integers as int64 (negative ones are refused by the extension, naming the field)."""
    a = np.asarray(x)
    kind = a.dtype.kind
    if kind == "i":
        return a.astype(np.int64, copy=False)
    if kind == "u":
        if a.size and a.max() > np.iinfo(np.int64).max:
            raise Error(f"{name}: is too large; got {a.max()}")
        return a.astype(np.int64)
    if kind == "f":
        if not np.all(np.isfinite(a)):
            raise Error(f"{name}: must be a finite number")
        if a.size and a.min() < 0:
            raise Error(f"{name}: must be a non-negative integer; got {a.min()}")
        if np.any(a != np.floor(a)):
            raise Error(f"{name}: must be an integer")
        if a.size and a.max() > 2.0**53:
            raise Error(f"{name}: is too large; got {a.max()}")
        return a.astype(np.int64)
    raise Error(f"{name}: must be a non-negative integer; got dtype {a.dtype}")


def _capacity(capacity, rows: int, batched: bool) -> np.ndarray:
    if capacity is None:
        raise Error("capacity: is required but missing")
    c = _nonneg_ints(capacity, "capacity")
    if c.ndim == 0:
        return c.reshape(1)
    if c.ndim == 1 and batched and c.shape[0] in (1, rows):
        return np.ascontiguousarray(c)
    want = f"one integer or shape ({rows},)" if batched else "one integer"
    raise Error(f"capacity: must be {want}; got shape {c.shape}")


def _weights(weights, rows: int, n: int, batched: bool) -> Optional[np.ndarray]:
    if weights is None:
        return None
    w = _nonneg_ints(weights, "weights")
    if w.ndim == 1:
        if w.shape[0] != n:
            raise Error(
                f"weights: length must be {n} (the number of items), found {w.shape[0]}"
            )
        return np.ascontiguousarray(w).reshape(1, n)
    if w.ndim == 2 and batched and w.shape[1] == n and w.shape[0] in (1, rows):
        return np.ascontiguousarray(w)
    want = f"({n},) or ({rows}, {n})" if batched else f"({n},)"
    raise Error(f"weights: shape must be {want}; got {w.shape}")


def _rows64(x, name: str, rows: int, n: int, batched: bool) -> Optional[np.ndarray]:
    if x is None:
        return None
    a = _real_array(x, name)
    if a.ndim == 1:
        if a.shape[0] != n:
            raise Error(
                f"{name}: length must be {n} (the number of items), found {a.shape[0]}"
            )
        return np.ascontiguousarray(a, dtype=np.float64).reshape(1, n)
    if a.ndim == 2 and batched and a.shape[1] == n and a.shape[0] in (1, rows):
        return np.ascontiguousarray(a, dtype=np.float64)
    want = f"({n},) or ({rows}, {n})" if batched else f"({n},)"
    raise Error(f"{name}: shape must be {want}; got {a.shape}")


def _gamma64(gamma, regularizer: str, rows: int, batched: bool) -> np.ndarray:
    if gamma is None:
        gamma = 0.0 if regularizer in ("hard", "none") else 1.0
    g = _real_array(gamma, "gamma")
    if g.ndim == 0:
        return g.astype(np.float64).reshape(1)
    if g.ndim == 1 and batched and g.shape[0] in (1, rows):
        return np.ascontiguousarray(g, dtype=np.float64)
    want = f"one number or shape ({rows},)" if batched else "one number"
    raise Error(f"gamma: must be {want}; got shape {g.shape}")


def _constraint(constraint, weights) -> str:
    if constraint is None:
        return "knapsack" if weights is not None else "top_k"
    if not isinstance(constraint, str):
        raise Error("constraint: must be a string (knapsack, exact, top_k)")
    return constraint


def _check_str(x, name: str) -> str:
    if not isinstance(x, str):
        raise Error(f"{name}: must be a string; got {type(x).__name__}")
    return x


def _fraction(x, name: str) -> Fraction:
    if isinstance(x, (bool, np.bool_)):
        raise Error(f"{name}: must be a number; got a bool")
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        raise Error(f"{name}: must be a finite number")
    try:
        return Fraction(x)
    except (TypeError, ValueError, ZeroDivisionError):
        raise Error(
            f'{name}: must be a number, a Fraction or a string "p/q"; got {x!r}'
        ) from None


def _exact_rows(x, name: str, rows_hint: Optional[int] = None):
    """float64 2-D array (taken exactly) or rows of (numerator, denominator) pairs."""
    a = np.asarray(x, dtype=object if not isinstance(x, np.ndarray) else None)
    if a.dtype.kind in "f" and a.ndim in (1, 2):
        a64 = np.ascontiguousarray(a, dtype=np.float64)
        return (a64.reshape(1, -1) if a.ndim == 1 else a64), a.ndim == 2
    if a.ndim not in (1, 2):
        raise Error(f"{name}: must have shape (n,) or (B, n); got shape {a.shape}")
    batched = a.ndim == 2
    a2 = a.reshape(1, -1) if not batched else a
    pairs = []
    for r in range(a2.shape[0]):
        row = []
        for i in range(a2.shape[1]):
            f = _fraction(a2[r, i], f"{name}[{i}]")
            row.append((f.numerator, f.denominator))
        pairs.append(row)
    return pairs, batched


def _unbatch(x, batched: bool):
    if batched or x is None:
        return x
    return x[0]


def _fractions(pairs) -> np.ndarray:
    """Nested (p, q) pairs to an object array of Fractions."""
    if pairs and isinstance(pairs[0], tuple):
        out = np.empty(len(pairs), dtype=object)
        for i, (p, q) in enumerate(pairs):
            out[i] = Fraction(p, q)
        return out
    out = np.empty((len(pairs), len(pairs[0]) if pairs else 0), dtype=object)
    for r, row in enumerate(pairs):
        for i, (p, q) in enumerate(row):
            out[r, i] = Fraction(p, q)
    return out


# ----------------------------------------------------------------------------------------
# The operators


def relax(
    theta,
    capacity,
    weights=None,
    constraint: Optional[str] = None,
    regularizer: str = "shannon",
    gamma=None,
    z=None,
    samples: int = 0,
    seed: Optional[int] = None,
    backend: str = "auto",
    precision: str = "f64",
    digits: int = 30,
    strings: bool = False,
    threads: Optional[int] = None,
):
    """The smoothed knapsack operator: V(theta), y = dV/dtheta and optionally H z.

    Args:
        theta: scores, ``(n,)`` or ``(B, n)``. At ``precision="exact"`` also Fractions,
            ints or ``"p/q"`` strings (floats are taken exactly).
        capacity: C (k for top_k): a non-negative integer, or one per row.
        weights: non-negative integers, ``(n,)`` or ``(B, n)``; omit for top_k.
        constraint: ``knapsack`` (weight <= C), ``exact`` (weight == C), ``top_k``
            (exactly k items). Default: knapsack when weights are given, else top_k.
        regularizer: ``hard``, ``shannon``, ``gini`` or ``tsallis`` (alpha = 1.5).
        gamma: temperature > 0 (0 for hard); one number or one per row. Default 1 (0 for
            hard).
        z: cotangent for the VJP ``vjp = H z`` (H the Hessian of V), ``(n,)`` or ``(B, n)``.
        samples: number of exact samples of the Gibbs/sparse distribution per row (f64 only).
        seed: seed of the sampler; row b uses ``seed + b``. None draws a fresh seed (returned
            in the result).
        backend: ``auto`` (SIMD kernels, rows spread over the cores), ``reference`` (the
            readable reference DP), ``scalar``, ``simd``, ``parallel``, ``gpu`` (an extension
            built with the ``gpu`` feature and a Vulkan adapter with f64 shaders), ``gpu-f32``
            (the same in single precision).
        precision: ``f64``; ``exact`` (hard and gini in rational arithmetic: Fractions);
            ``certified`` (every output as guaranteed float64 bounds, all regularizers).
        digits: certified only: the target width of every enclosure is 10**-digits
            (absolute or relative).
        strings: certified only: also return the decimal bounds.
        threads: at most this many threads (default: all cores).

    Returns:
        :class:`Relaxed` (f64, exact) or :class:`Certified`.
    """
    if precision == "f64":
        return _relax_f64(
            theta, capacity, weights, constraint, regularizer, gamma, z, samples, seed,
            backend, threads,
        )
    if precision not in _PRECISIONS:
        raise Error(f"precision: must be one of f64, exact, certified; got {precision!r}")
    if samples:
        raise Error(
            f"samples: sampling is not available at {precision} precision (use precision='f64')"
        )
    if precision == "exact":
        return _relax_exact(theta, capacity, weights, constraint, regularizer, gamma, z, threads)
    return _relax_certified(
        theta, capacity, weights, constraint, regularizer, gamma, z, digits, strings, threads
    )


def _count(x, name: str, upper: int, rule: str) -> int:
    if type(x) is int and 0 <= x < upper:
        return x
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)) \
            or not 0 <= x < upper:
        raise Error(f"{name}: must be {rule}; got {x!r}")
    return int(x)


_F64 = np.float64
_ONE_GAMMA = np.ones(1)
_ZERO_GAMMA = np.zeros(1)


def _relax_f64(theta, capacity, weights, constraint, regularizer, gamma, z, samples, seed,
               backend, threads):
    # The common case (one float64 instance, scalar arguments) takes the shortest path:
    # this function is most of the per-call overhead for small instances.
    th, batched = _theta64(theta)
    rows, n = th.shape
    if type(regularizer) is not str:
        raise Error("regularizer: must be a string")
    if type(backend) is not str:
        raise Error("backend: must be a string")
    if type(capacity) is int and capacity >= 0:
        cap = np.array((capacity,), dtype=np.int64) if capacity < 2**63 else \
            _capacity(capacity, rows, batched)
    else:
        cap = _capacity(capacity, rows, batched)
    w = _weights(weights, rows, n, batched)
    if gamma is None:
        g = _ZERO_GAMMA if regularizer in ("hard", "none") else _ONE_GAMMA
    elif type(gamma) is float:
        g = np.array((gamma,))
    else:
        g = _gamma64(gamma, regularizer, rows, batched)
    zz = None if z is None else _rows64(z, "z", rows, n, batched)
    samples = _count(samples, "samples", 2**63, "a non-negative integer")
    if seed is None:
        seed = secrets.randbits(63) if samples else 0
    else:
        seed = _count(seed, "seed", 2**64, "an integer in [0, 2^64)")
    if constraint is None:
        constraint = "knapsack" if weights is not None else "top_k"
    elif type(constraint) is not str:
        raise Error("constraint: must be a string (knapsack, exact, top_k)")
    out = _native.relax_f64(th, cap, w, constraint, regularizer, g, zz, samples, seed,
                            backend, threads, batched)
    if batched:
        return Relaxed(out["value"], out["y"], out.get("vjp"), out.get("samples"),
                       out.get("log_prob"), seed if samples else None)
    vjp = out.get("vjp")
    if not samples:
        return Relaxed(out["value"][0], out["y"][0], None if vjp is None else vjp[0])
    return Relaxed(out["value"][0], out["y"][0], None if vjp is None else vjp[0],
                   out["samples"][0], out["log_prob"][0], seed)


def _gamma_pairs(gamma, regularizer, rows, batched):
    if gamma is None:
        gamma = 0 if regularizer in ("hard", "none") else 1
    g = np.asarray(gamma, dtype=object)
    if g.ndim == 0:
        items = [g.item()]
    elif g.ndim == 1 and batched and g.shape[0] in (1, rows):
        items = list(g)
    else:
        raise Error(f"gamma: must be one number or one per row; got shape {g.shape}")
    out = []
    for x in items:
        f = _fraction(x, "gamma")
        out.append((f.numerator, f.denominator))
    return out


def _relax_exact(theta, capacity, weights, constraint, regularizer, gamma, z, threads):
    regularizer = _check_str(regularizer, "regularizer")
    th, batched = _exact_rows(theta, "theta")
    rows = th.shape[0] if isinstance(th, np.ndarray) else len(th)
    n = th.shape[1] if isinstance(th, np.ndarray) else (len(th[0]) if th else 0)
    cap = _capacity(capacity, rows, batched)
    w = _weights(weights, rows, n, batched)
    g = _gamma_pairs(gamma, regularizer, rows, batched)
    zz = None
    if z is not None:
        zz, zb = _exact_rows(z, "z")
        if zb and not batched:
            raise Error(f"z: shape must be ({n},)")
    out = _native.relax_exact_pairs(
        th, cap, w, _constraint(constraint, weights), regularizer, g, zz, threads, batched
    )
    value = _fractions(out["value"])
    y = _fractions(out["y"])
    vjp = _fractions(out["vjp"]) if "vjp" in out else None
    return Relaxed(_unbatch(value, batched), _unbatch(y, batched), _unbatch(vjp, batched))


def _relax_certified(theta, capacity, weights, constraint, regularizer, gamma, z, digits,
                     strings, threads):
    th, batched = _theta64(theta)
    rows, n = th.shape
    regularizer = _check_str(regularizer, "regularizer")
    cap = _capacity(capacity, rows, batched)
    w = _weights(weights, rows, n, batched)
    g = _gamma64(gamma, regularizer, rows, batched)
    zz = _rows64(z, "z", rows, n, batched)
    if isinstance(digits, (bool, np.bool_)) or not isinstance(digits, (int, np.integer)) \
            or not 1 <= digits <= 1000:
        raise Error(f"digits: must be an integer from 1 to 1000; got {digits!r}")
    out = _native.relax_certified_f64(
        th, cap, w, _constraint(constraint, weights), regularizer, g, zz, int(digits),
        bool(strings), threads, batched,
    )

    def enc(key):
        if key + "_lo" not in out:
            return None
        lo = _unbatch(out[key + "_lo"], batched)
        hi = _unbatch(out[key + "_hi"], batched)
        if not strings:
            return Enclosure(lo, hi)
        s = out[key + "_str"]
        if key == "value":
            lo_s = np.array([p[0] for p in s], dtype=object)
            hi_s = np.array([p[1] for p in s], dtype=object)
        else:
            lo_s = np.array([[p[0] for p in row] for row in s], dtype=object).reshape(rows, n)
            hi_s = np.array([[p[1] for p in row] for row in s], dtype=object).reshape(rows, n)
        return Enclosure(lo, hi, _unbatch(lo_s, batched), _unbatch(hi_s, batched))

    return Certified(
        enc("value"), enc("y"), enc("vjp"), _unbatch(out["precision_bits"], batched)
    )


def solve(theta, capacity, weights=None, constraint: Optional[str] = None,
          threads: Optional[int] = None) -> Solution:
    """The hard problem max <theta, y> over feasible 0/1 vectors y, solved exactly (the
    hard DP in rational arithmetic on the exact values of the scores).

    ``theta`` as for :func:`relax` (floats are taken exactly; Fractions, ints and ``"p/q"``
    strings are accepted too). Returns a :class:`Solution`.
    """
    th, batched = _exact_rows(theta, "theta")
    rows = th.shape[0] if isinstance(th, np.ndarray) else len(th)
    n = th.shape[1] if isinstance(th, np.ndarray) else (len(th[0]) if th else 0)
    cap = _capacity(capacity, rows, batched)
    w = _weights(weights, rows, n, batched)
    out = _native.solve_exact(th, cap, w, _constraint(constraint, weights), threads, batched)
    exact = np.empty(rows, dtype=object)
    for i, (p, q) in enumerate(out["value_exact"]):
        exact[i] = Fraction(p, q)
    return Solution(
        _unbatch(out["value"], batched), _unbatch(exact, batched),
        _unbatch(out["selection"], batched),
    )


# ----------------------------------------------------------------------------------------
# Validation


def _jsonable(x, path: str = ""):
    """Plain JSON values; non-finite floats become the strings "NaN", "inf", "-inf" (read
    back as non-finite: the validator counts them as failed numbers, by field and index)."""
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, np.generic):
        return _jsonable(x.item())
    if isinstance(x, float):
        if math.isfinite(x):
            return x
        return "NaN" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, (bool, int, str)) or x is None:
        return x
    if isinstance(x, Fraction):
        return str(x)
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "__array__"):  # JAX and PyTorch arrays
        return _jsonable(np.asarray(x))
    raise Error(f"{path or 'input'}: cannot be written as JSON ({type(x).__name__})")


def _split_rows(obj, name: str):
    """A list of per-line dicts from a list of dicts, one dict, or a dict of batched arrays
    (theta of shape (B, n) and the other fields shared or with a leading B axis)."""
    if obj is None:
        return None
    if isinstance(obj, (list, tuple)):
        return [dict(o) if isinstance(o, dict) else o for o in obj]
    if not isinstance(obj, dict):
        raise Error(f"{name}: must be a dict or a list of dicts")
    lead = None
    for key in ("theta", "y", "marginals", "vjp", "jvp", "value", "values"):
        if key in obj and obj[key] is not None:
            a = np.asarray(obj[key])
            batched_ndim = 1 if key in ("value", "values") else 2
            if a.ndim == batched_ndim:
                lead = a.shape[0]
            break
    if lead is None:
        return [obj]
    rows = []
    for b in range(lead):
        row = {}
        for k, v in obj.items():
            a = np.asarray(v) if not isinstance(v, str) and v is not None else None
            per_row_ndim = {"theta": 2, "y": 2, "marginals": 2, "vjp": 2, "jvp": 2, "z": 2,
                            "weights": 2, "value": 1, "values": 1, "capacity": 1, "k": 1,
                            "gamma": 1, "id": 1, "seed": 1, "samples": 1}.get(k)
            if a is not None and per_row_ndim is not None and a.ndim == per_row_ndim:
                row[k] = a[b]
            else:
                row[k] = v
        rows.append(row)
    return rows


@dataclasses.dataclass(frozen=True)
class ValidationReport:
    """The validator's report: one entry per line (``lines``, each the JSON object that
    ``diffknap validate --json`` prints) and the ``summary``. ``ok`` is True iff every line
    passed; ``str(report)`` is the command line's text report; :meth:`to_json` its JSON
    Lines output."""

    lines: list
    summary: dict
    text: str

    @property
    def ok(self) -> bool:
        return self.summary["verdict"] == "pass"

    def __bool__(self) -> bool:
        return self.ok

    def failures(self) -> list:
        """The lines that did not pass (verdict ``fail`` or ``error``; ``acceptable`` lines,
        a gini VJP between the one-sided derivatives at a kink, pass)."""
        return [rep for rep in self.lines if rep["verdict"] not in ("pass", "acceptable")]

    def to_json(self) -> str:
        """JSON Lines: one report per line, then ``{"summary": ...}`` (as ``validate --json``)."""
        out = [json.dumps(rep) for rep in self.lines]
        out.append(json.dumps({"summary": self.summary}))
        return "\n".join(out) + "\n"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        s = self.summary
        return (f"ValidationReport(lines={s['lines']}, passed={s['passed']}, "
                f"failed={s['failed']}, errors={s['errors']})")


def validate(instances, answers=None, rtol: float = 1e-9, atol: float = 1e-12,
             threads: Optional[int] = None) -> ValidationReport:
    """Checks another implementation's answers against certified truth (the same logic as
    ``diffknap validate``).

    Args:
        instances: relax inputs (``constraint``, ``regularizer``, ``gamma``, ``capacity``,
            ``theta``, ``weights``, ``z``) as a list of dicts, one dict, or one dict of
            batched arrays (``theta`` of shape ``(B, n)``). May carry the answers too.
        answers: the answers to check (``value``, ``y`` and/or ``vjp``; the paper's names
            ``values``, ``marginals``, ``jvp`` are accepted), in the same forms, matched by
            position. NaN and infinite answers are failed numbers, named by field and index.
        rtol, atol: a number passes iff its distance to the enclosure of the truth is at
            most ``atol + rtol * scale`` (scale: |truth| for value and y, max |vjp| for vjp).

    Returns:
        :class:`ValidationReport`.
    """
    for name, x in (("rtol", rtol), ("atol", atol)):
        if not isinstance(x, (int, float, np.integer, np.floating)) or isinstance(x, bool) \
                or not (math.isfinite(x) and x >= 0):
            raise Error(f"{name}: must be a finite number >= 0; got {x!r}")
    ins = _split_rows(instances, "instances")
    ans = _split_rows(answers, "answers")
    if ans is not None and len(ans) != len(ins):
        raise Error(
            f"answers: must have one entry per instance ({len(ins)}); found {len(ans)}"
        )
    lines = []
    for k, inst in enumerate(ins):
        a = None if ans is None else json.dumps(_jsonable(ans[k], "answers"), allow_nan=False)
        lines.append((json.dumps(_jsonable(inst, "instances"), allow_nan=False), a))
    reports, summary, text = _native.validate_lines(lines, float(rtol), float(atol), threads)
    return ValidationReport([json.loads(r) for r in reports], json.loads(summary)["summary"],
                            text)
