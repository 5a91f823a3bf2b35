"""diffknap.validate: the same reports as `diffknap validate --json`, and it catches one
perturbed number among a thousand."""

import json

import numpy as np
from conftest import relax_args

import diffknap


def _answers(lines):
    out = []
    for line in lines:
        r = diffknap.relax(**relax_args(line))
        out.append({"id": line["id"], "value": float(r.value), "y": r.y.tolist(),
                    "vjp": r.vjp.tolist()})
    return out


def test_reports_equal_the_cli(cli, vectors, tmp_path):
    inputs = [{k: v for k, v in l.items() if k != "expected"} for l in vectors[:48]]
    answers = _answers(inputs)
    answers[5]["y"][0] += 1e-5  # one failure
    answers[7] = {"id": answers[7]["id"], "value": "oops"}  # one error
    ins, ans = tmp_path / "in.jsonl", tmp_path / "ans.jsonl"
    ins.write_text("".join(json.dumps(x) + "\n" for x in inputs))
    ans.write_text("".join(json.dumps(x) + "\n" for x in answers))
    out = cli.text(["validate", "--json", "--input", str(ins), "--answers", str(ans)])
    cli_lines = [json.loads(s) for s in out.splitlines() if s.strip()]
    rep = diffknap.validate(inputs, answers)
    assert rep.lines == cli_lines[:-1]
    assert {"summary": rep.summary} == cli_lines[-1]
    assert not rep.ok and rep.summary["failed"] == 1 and rep.summary["errors"] == 1
    text = cli.text(["validate", "--input", str(ins), "--answers", str(ans)])
    assert str(rep) == text.rstrip("\n")


def test_catches_one_perturbed_number_among_a_thousand():
    rng = np.random.default_rng(8)
    B, n = 100, 10
    theta = rng.normal(size=(B, n))
    w = rng.integers(1, 5, size=(B, n))
    cap = rng.integers(5, 20, size=B)
    # tsallis: certified through interval arithmetic (shannon is the same path, ~10x slower).
    r = diffknap.relax(theta, cap, w, regularizer="tsallis", gamma=0.5)
    inst = dict(constraint="knapsack", regularizer="tsallis", gamma=0.5, capacity=cap,
                theta=theta, weights=w)
    good = diffknap.validate(inst, {"y": r.y})
    assert good.ok and good.summary["lines"] == B
    y = r.y.copy()
    y[63, 4] += 1e-6  # y is in [0, 1]: far over atol + rtol |y| <= 1.001e-9
    bad = diffknap.validate(inst, {"y": y})
    assert not bad.ok
    fails = bad.failures()
    assert len(fails) == 1 and fails[0]["line"] == 64
    f = fails[0]["fields"]["y"]
    assert f["failures"] == 1 and f["first_failure"] == 4 and f["worst_index"] == 4
    assert "verdict: FAIL" in str(bad)


def test_nan_answers_are_failed_numbers_named_by_index():
    line = dict(constraint="top_k", regularizer="gini", gamma=0.5, capacity=2,
                theta=[2, 1.5, 0.25, -1])
    good = diffknap.relax(np.array(line["theta"]), 2, regularizer="gini", gamma=0.5)
    y = good.y.copy()
    y[2] = np.nan
    rep = diffknap.validate([line], [{"y": y, "value": np.inf}])
    rep_line = rep.lines[0]
    assert rep_line["verdict"] == "fail"
    fy, fv = rep_line["fields"]["y"], rep_line["fields"]["value"]
    assert fy["nonfinite"] == 1 and fy["first_nonfinite"] == 2 and fy["failures"] == 1
    assert fv["nonfinite"] == 1 and fv["failures"] == 1
    assert rep.summary["nonfinite"] == 2
    assert diffknap.validate([line], [{"y": good.y, "value": good.value}]).ok


def test_answers_inside_the_instances_and_json_output():
    line = dict(id="a", constraint="top_k", regularizer="gini", gamma=0.5, capacity=2,
                theta=[2, 1.5, 0.2, -1, 1.4, 0], value=3.58, y=[1, 0.6, 0, 0, 0.4, 0])
    rep = diffknap.validate(line)
    assert rep.ok, str(rep)
    last = json.loads(rep.to_json().splitlines()[-1])
    assert last["summary"]["verdict"] == "pass"
    assert rep.lines[0]["id"] == "a"


def test_bad_arguments():
    import pytest

    with pytest.raises(diffknap.Error, match="^rtol"):
        diffknap.validate([{}], rtol=-1)
    with pytest.raises(diffknap.Error, match="^answers: must have one entry per instance"):
        diffknap.validate([{}, {}], [{}])
    rep = diffknap.validate([{"theta": [1]}])
    assert rep.lines[0]["verdict"] == "error" and rep.lines[0]["error"].startswith("constraint")
