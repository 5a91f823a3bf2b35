"""Shared fixtures: the command-line binary (built if missing) and its conformance vectors."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _binary() -> pathlib.Path:
    override = os.environ.get("DIFFKNAP_CLI")
    if override:
        return pathlib.Path(override)
    exe = ROOT / "target" / "release" / "diffknap"
    if not exe.exists():
        subprocess.run(
            ["cargo", "build", "--release", "--quiet", "--bin", "diffknap"], cwd=ROOT, check=True
        )
    return exe


class Cli:
    """Runs `diffknap ARGS` on JSON Lines and parses its output lines."""

    def __init__(self, exe: pathlib.Path):
        self.exe = exe

    def text(self, args, stdin: str = "") -> str:
        p = subprocess.run(
            [str(self.exe), *args], input=stdin, capture_output=True, text=True, check=False
        )
        if p.returncode not in (0, 1):
            raise RuntimeError(f"diffknap {' '.join(args)} failed: {p.stderr}")
        return p.stdout

    def lines(self, args, lines, parse_float=float):
        stdin = "".join(json.dumps(x) + "\n" for x in lines)
        out = self.text(args, stdin)
        return [json.loads(s, parse_float=parse_float) for s in out.splitlines() if s.strip()]


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli(_binary())


@pytest.fixture(scope="session")
def vectors_text(cli) -> str:
    """120 conformance vectors: every (constraint, regularizer, special case) combination."""
    return cli.text(["vectors", "--count", "120", "--seed", "11"])


@pytest.fixture(scope="session")
def vectors(vectors_text):
    return [json.loads(s) for s in vectors_text.splitlines() if s.strip()]


def relax_args(line: dict) -> dict:
    """The keyword arguments of diffknap.relax for one relax input line."""
    import numpy as np

    return dict(
        theta=np.asarray(line["theta"], dtype=np.float64),
        capacity=line["capacity"],
        weights=line.get("weights"),
        constraint=line["constraint"],
        regularizer=line["regularizer"],
        gamma=line.get("gamma"),
        z=line.get("z"),
    )
