"""examples/dfl_knapsack.py runs (its quick mode) and reports regrets in [0, 1]."""

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT


def test_dfl_example_quick(tmp_path):
    if os.environ.get("DIFFKNAP_REQUIRE_JAX") != "1":
        pytest.importorskip("jax")
    subprocess.run([sys.executable, str(ROOT / "examples" / "dfl_knapsack.py"), "--quick",
                    "--out", str(tmp_path)], check=True, capture_output=True, text=True)
    res = json.loads((tmp_path / "dfl_knapsack_ls.json").read_text())
    assert 0 <= res["two_stage_ls"] <= 1
    assert len(res["runs"]) == 2
    for r in res["runs"]:
        assert 0 <= r["final_regret"] <= 1 and len(r["curve"]) >= 2
