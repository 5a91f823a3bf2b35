"""Bad input raises diffknap.Error (a ValueError) naming the field and the rule."""

import numpy as np
import pytest

import diffknap

T = np.array([0.5, -0.2, 1.0])


def _raises(match, **kw):
    args = dict(theta=T, capacity=2, weights=[1, 1, 1], regularizer="shannon", gamma=0.5)
    args.update(kw)
    with pytest.raises(ValueError, match=match) as e:
        diffknap.relax(**args)
    assert isinstance(e.value, diffknap.Error)
    return str(e.value)


def test_error_is_a_value_error():
    assert issubclass(diffknap.Error, ValueError)


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(theta=np.array([0.5, np.nan, 1.0])), r"^theta\[1\]: must be a finite number"),
        (dict(theta=np.array([0.5, np.inf, 1.0])), r"^theta\[1\]"),
        (dict(theta=np.zeros((2, 2, 2))), r"^theta: must have shape"),
        (dict(theta=np.array(["a", "b", "c"])), r"^theta: must be an array of real numbers"),
        (dict(weights=[1, 1]), r"^weights: length must be 3"),
        (dict(weights=[1, -1, 1]), r"^weights: must be a non-negative integer"),
        (dict(weights=[1, 1.5, 1]), r"^weights: must be an integer"),
        (dict(capacity=-1), r"^capacity: must be a non-negative integer"),
        (dict(capacity=None), r"^capacity: is required"),
        (dict(capacity=2.5), r"^capacity: must be an integer"),
        (dict(capacity=10**13), r"^capacity: the table needs"),
        (dict(regularizer="entropic"), r"^regularizer: must be one of"),
        (dict(gamma=0.0), r"^gamma"),
        (dict(gamma=-1.0), r"^gamma"),
        (dict(gamma=np.nan), r"^gamma"),
        (dict(regularizer="hard", gamma=0.5), r"^gamma"),
        (dict(constraint="subset"), r"^constraint: must be one of"),
        (dict(constraint="top_k", weights=None, capacity=4), r"^capacity: top_k requires k <= n"),
        (dict(constraint="top_k", weights=[1, 2, 1]), r"^weights\[1\]: top_k requires unit weights"),
        (dict(constraint="knapsack", weights=None), r"^weights: is required"),
        (dict(constraint="exact", weights=[2, 4, 6], capacity=3), r"^capacity: no feasible set"),
        (dict(z=[1.0, 2.0]), r"^z: length must be 3"),
        (dict(z=[1.0, np.nan, 2.0]), r"^z\[1\]: must be a finite number"),
        (dict(samples=-1), r"^samples: must be a non-negative integer"),
        (dict(samples=2_000_000), r"^samples: must be at most"),
        (dict(seed=-3, samples=1), r"^seed"),
        (dict(backend="tpu"), r"^backend: must be one of"),
        (dict(precision="f128"), r"^precision: must be one of"),
        (dict(precision="exact"), r"^regularizer: shannon needs exp"),
        (dict(precision="exact", samples=2), r"^samples: sampling is not available"),
        (dict(precision="certified", samples=2), r"^samples: sampling is not available"),
        (dict(precision="certified", digits=0), r"^digits: must be an integer from 1 to 1000"),
        (dict(theta=np.array([1.5e308, 1.5e308, 1.5e308])), r"^(value|y|vjp): the result overflowed"),
    ],
)
def test_bad_input_names_the_field(kw, match):
    _raises(match, **kw)


def test_batch_errors_name_the_row():
    theta = np.array([[0.1, 0.2, 0.3], [0.4, np.nan, 0.6]])
    msg = _raises(r"^row 1: theta\[1\]: must be a finite number", theta=theta)
    assert "row 1" in msg
    _raises(r"^capacity: must be one integer or shape \(2,\)", theta=theta, capacity=[1, 2, 3])
    _raises(r"^weights: shape must be", theta=theta, weights=np.ones((3, 3), dtype=int))
    _raises(r"^row 0: capacity: no feasible set", theta=theta, constraint="exact",
            weights=[2, 2, 2], capacity=[3, 4])


def test_exact_and_solve_errors():
    with pytest.raises(diffknap.Error, match=r"^theta\[0\]: must be a number"):
        diffknap.relax(np.array(["x", "1"], dtype=object), 1, regularizer="gini", gamma=1,
                       precision="exact")
    with pytest.raises(diffknap.Error, match=r"^theta\[1\]: must be a finite number"):
        diffknap.solve([1.0, float("nan")], 1, [1, 1])
    with pytest.raises(diffknap.Error, match=r"^gamma"):
        diffknap.relax([1, 2], 1, regularizer="gini", gamma="0", precision="exact")


def test_certified_refuses_large_tables_quickly():
    with pytest.raises(diffknap.Error, match=r"^capacity: the table needs"):
        diffknap.relax(np.zeros(1000), 1000, np.ones(1000, dtype=int), regularizer="gini",
                       gamma=1.0, precision="certified")
