"""`make check` is what CI runs: .ci/run installs, then calls `make check`, and the Makefile's check is
ruff, ruff format --check, mypy and pytest. One list of checks, so a developer's green is CI's green."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ["ruff check .", "ruff format --check .", "mypy", "pytest"]


def commands(script: str) -> list[str]:
    """The command lines of a shell script: no blanks, no comments."""
    lines = (line.strip() for line in script.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def test_ci_runs_make_check_and_no_check_of_its_own():
    run = commands((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    assert "make check" in run
    own = [c for c in run if c.split()[0] in ("pytest", "ruff", "mypy")]
    assert own == [], "add the check to the Makefile's `check`, not to .ci/run"


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_check_runs_lint_types_and_tests():
    # under CI this test itself runs inside `make check`: a nested make would add "Entering directory"
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    steps = [part.strip() for line in commands(dry.stdout) for part in line.split("&&")]
    assert steps == CHECKS
