"""Property-based checking of your own implementation against the certified truth.

Hypothesis strategies for valid ``relax`` instances, and :func:`check_operator`, which calls
your function on generated instances and fails with Hypothesis's shrunk example, the field,
the index, the certified enclosure of the truth and the error in ulps::

    from diffknap.testing import check_operator

    def test_my_port():
        check_operator(my_relax)   # my_relax(instance: dict) -> {"value", "y", "vjp"}

The instances reach the hard cases on purpose (ties, gini and tsallis kinks, states at
-inf in the exact and top-k constraints, zero weights, weights above the capacity, k = 0
and k = n, n = 0 and 1). Scores are drawn in units of gamma within +-1000 gamma for the
smooth regularizers (the conditioning every f64 code can meet at the default tolerance).

Where y (hard) or its Jacobian (gini) jumps, an input within rounding distance of the jump
is ill-conditioned for every f64 code: the certified truth is taken at the exact input, which
sits a hair to one side, while any f64 evaluation may land on the other. So for hard and gini
the scores are quarter-integer multiples of a power-of-two gamma (every sum is exact in f64,
so a tie or kink is either exact or at least gamma / 4 away), and only shannon and tsallis
(whose y and VJP are continuous) also get arbitrary floats. Requires ``hypothesis``.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Optional, Sequence

import numpy as np

from . import relax as _relax
from . import validate as _validate

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError as e:  # pragma: no cover - a clear message instead of a NameError
    raise ImportError("diffknap.testing needs hypothesis (pip install hypothesis)") from e

__all__ = ["instances", "check_operator", "CONSTRAINTS", "REGULARIZERS"]

CONSTRAINTS = ("knapsack", "exact", "top_k")
REGULARIZERS = ("hard", "shannon", "gini", "tsallis")

# Scores in units of gamma: small integers and halves make ties and kinks (|p - s| = gamma
# for gini, 2 gamma for tsallis) frequent; quarter-integers up to 1000 cover the range
# exactly; arbitrary floats only where y and the VJP are continuous (see the module docs).
_GRID = st.one_of(
    st.sampled_from([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0]),
    st.integers(-4000, 4000).map(lambda k: k / 4.0),
)
_UNITS = st.one_of(_GRID, st.floats(-1000.0, 1000.0, allow_nan=False, allow_infinity=False))


@st.composite
def instances(draw, constraints: Sequence[str] = CONSTRAINTS,
              regularizers: Sequence[str] = REGULARIZERS, max_n: int = 6,
              max_weight: int = 4, gamma_range: tuple = (1e-3, 1e3),
              with_z: bool = True) -> dict:
    """A strategy for valid ``relax`` instances (dicts with ``constraint``, ``regularizer``,
    ``gamma`` (absent for hard), ``capacity``, ``theta``, ``weights`` (absent for top_k) and,
    with ``with_z``, ``z``). Every drawn instance is accepted by :func:`diffknap.relax`."""
    constraint = draw(st.sampled_from(list(constraints)))
    reg = draw(st.sampled_from(list(regularizers)))
    n = draw(st.integers(0, max_n))
    lo, hi = gamma_range
    if reg == "hard":
        gamma = None
        unit = 1.0
    elif reg == "gini":
        # A power of two in the range: quarter-integer multiples stay exact.
        k_lo, k_hi = math.ceil(math.log2(lo)), math.floor(math.log2(hi))
        gamma = draw(st.one_of(st.just(1.0), st.integers(k_lo, k_hi).map(lambda k: 2.0 ** k)))
        unit = gamma
    else:
        gamma = draw(st.one_of(st.just(1.0), st.floats(lo, hi, allow_nan=False)))
        unit = gamma
    units = _GRID if reg in ("hard", "gini") else _UNITS
    theta = [float(u * unit) for u in draw(st.lists(units, min_size=n, max_size=n))]
    inst = {"constraint": constraint, "regularizer": reg}
    if gamma is not None:
        inst["gamma"] = gamma
    if constraint == "top_k":
        inst["capacity"] = draw(st.integers(0, n))
    else:
        weights = draw(st.lists(st.integers(0, max_weight), min_size=n, max_size=n))
        if constraint == "exact":
            # The weight of a drawn subset: always feasible.
            chosen = draw(st.lists(st.booleans(), min_size=n, max_size=n))
            capacity = sum(w for w, c in zip(weights, chosen) if c)
        else:
            capacity = draw(st.integers(0, sum(weights) + 2))
            # Some weight above the capacity.
            if n and draw(st.booleans()):
                weights[draw(st.integers(0, n - 1))] = capacity + 1 + draw(st.integers(0, 2))
        inst["weights"] = weights
        inst["capacity"] = capacity
    inst["theta"] = theta
    if with_z:
        inst["z"] = draw(st.lists(st.floats(-1.0, 1.0, allow_nan=False), min_size=n, max_size=n))
    return inst


def _answers(fn: Callable, inst: dict, fields: Iterable[str]) -> dict:
    out = fn(dict(inst))
    get = (lambda k: out.get(k)) if isinstance(out, dict) else (lambda k: getattr(out, k, None))
    ans = {}
    for f in fields:
        v = get(f)
        if v is None:
            raise AssertionError(f"{f}: the function's answer has no {f} for instance {inst}")
        ans[f] = float(np.asarray(v, dtype=np.float64)) if f == "value" else \
            np.asarray(v, dtype=np.float64).reshape(-1).tolist()
    return ans


def _explain(inst: dict, ans: dict, report) -> str:
    rep = report.lines[0]
    if rep["verdict"] == "error":
        return f"{rep['error']}\ninstance: {inst}"
    lines = []
    cert = _relax(np.asarray(inst["theta"], dtype=np.float64), inst["capacity"],
                  weights=inst.get("weights"), constraint=inst["constraint"],
                  regularizer=inst["regularizer"], gamma=inst.get("gamma"),
                  z=np.asarray(inst["z"]) if "z" in inst and "vjp" in ans else None,
                  precision="certified", digits=20)
    for field, f in rep["fields"].items():
        if f["pass"]:
            continue
        idx = f["first_nonfinite"] if f["first_nonfinite"] is not None else f["first_failure"]
        enc = getattr(cert, field)
        if field == "value":
            where, got, lo, hi = "value", ans["value"], enc.lo, enc.hi
        else:
            where, got = f"{field}[{idx}]", ans[field][idx]
            lo, hi = np.asarray(enc.lo)[idx], np.asarray(enc.hi)[idx]
        lines.append(
            f"{where} = {got!r}, expected in [{float(lo)!r}, {float(hi)!r}] (certified); "
            f"{f['failures']} entries over tolerance, largest error {f['max_ulps']:.3g} ulps "
            f"({f['max_scale_ulps']:.3g} ulps of the field's scale)")
    return "\n".join(lines) + f"\ninstance: {inst}"


def check_operator(fn: Callable[[dict], dict], *, constraints: Sequence[str] = CONSTRAINTS,
                   regularizers: Sequence[str] = REGULARIZERS, max_n: int = 6,
                   fields: Sequence[str] = ("value", "y", "vjp"), rtol: float = 1e-9,
                   atol: float = 1e-12, max_examples: int = 200,
                   seed: Optional[int] = None) -> None:
    """Calls ``fn(instance) -> {"value", "y", "vjp"}`` on generated instances (see
    :func:`instances`) and raises ``AssertionError`` with the shrunk failing instance, the
    field, the index, the certified enclosure and the error in ulps if any answer is off by
    more than ``atol + rtol * scale`` (the rule of ``diffknap validate``; a gini VJP between
    the one-sided derivatives at a kink is accepted). ``fn`` may return a dict or an object
    with those attributes; arrays of any float type are read as float64. Deterministic for a
    ``seed``."""
    fields = tuple(fields)

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=seed is None,
              suppress_health_check=list(HealthCheck))
    @given(instances(constraints=constraints, regularizers=regularizers, max_n=max_n,
                     with_z="vjp" in fields))
    def run(inst):
        ans = _answers(fn, inst, fields)
        report = _validate([inst], [ans], rtol=rtol, atol=atol)
        if not report.ok:
            raise AssertionError(_explain(inst, ans, report))

    if seed is not None:
        from hypothesis import seed as _seed
        run = _seed(seed)(run)
    run()
