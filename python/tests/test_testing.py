"""diffknap.testing: the strategies produce only valid instances; check_operator passes a
correct implementation and fails a wrong one with a shrunk instance, the field and index."""

import numpy as np
import pytest
from hypothesis import given, settings

import diffknap
from diffknap.testing import check_operator, instances


@settings(max_examples=300, deadline=None, database=None)
@given(instances())
def test_strategies_produce_only_valid_instances(inst):
    out = diffknap.relax(np.asarray(inst["theta"], dtype=np.float64), inst["capacity"],
                         weights=inst.get("weights"), constraint=inst["constraint"],
                         regularizer=inst["regularizer"], gamma=inst.get("gamma"),
                         z=np.asarray(inst["z"]))
    assert np.all(np.isfinite(out.y))


def reference(inst):
    out = diffknap.relax(np.asarray(inst["theta"], dtype=np.float64), inst["capacity"],
                         weights=inst.get("weights"), constraint=inst["constraint"],
                         regularizer=inst["regularizer"], gamma=inst.get("gamma"),
                         z=np.asarray(inst["z"]))
    return {"value": out.value, "y": out.y, "vjp": out.vjp}


def test_check_operator_passes_the_reference():
    check_operator(reference, max_examples=150, seed=1)


def test_check_operator_fails_a_wrong_port_with_a_shrunk_instance():
    def wrong(inst):
        ans = reference(inst)
        theta = list(inst["theta"])
        # y off by 1e-7 on the first item whose score ties with another's.
        for i, t in enumerate(theta):
            if theta.count(t) > 1:
                ans["y"] = np.array(ans["y"], dtype=np.float64)
                ans["y"][i] += 1e-7
                break
        return ans

    with pytest.raises(AssertionError) as e:
        check_operator(wrong, regularizers=("shannon", "gini"), max_examples=400, seed=2)
    msg = str(e.value)
    assert "y[" in msg and "expected in [" in msg and "ulps" in msg, msg
    inst = eval(msg.split("instance: ")[-1].splitlines()[0])
    assert len(inst["theta"]) <= 3, msg
    t = inst["theta"]
    assert len(set(t)) < len(t), "the tie the bug needs is kept: " + msg


def test_check_operator_reports_nan_and_missing_fields():
    def nan_value(inst):
        ans = reference(inst)
        ans["value"] = float("nan")
        return ans

    with pytest.raises(AssertionError, match=r"value = nan"):
        check_operator(nan_value, max_examples=20, seed=3)

    def no_vjp(inst):
        ans = reference(inst)
        del ans["vjp"]
        return ans

    with pytest.raises(AssertionError, match="has no vjp"):
        check_operator(no_vjp, max_examples=5, seed=4)
