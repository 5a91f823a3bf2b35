"""The README's Python example runs as written (it needs JAX and PyTorch)."""

import os
import re

import pytest
from conftest import ROOT


def test_readme_python_example_runs():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"^## Python\n.*?```python\n(.*?)```", text, flags=re.S | re.M)
    assert len(blocks) == 1
    if os.environ.get("DIFFKNAP_REQUIRE_TORCH") != "1":
        pytest.importorskip("torch")
    if os.environ.get("DIFFKNAP_REQUIRE_JAX") != "1":
        pytest.importorskip("jax")
    exec(compile(blocks[0], "README.md", "exec"), {})
