"""Every entry point loads numpy before polars (abm/__init__.py says why): polars then binds numpy
itself, not its lazy proxy, which once loaded answers a lookup it cannot resolve with
"TypeError: 'module' object does not support item assignment" (two threads touching it first at once
crashed a national run that way). Checked in a fresh interpreter per entry point, as a user starts it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENTRY_POINTS = ("abm.cli.main", "api.main", "pipelines.project", "abm.matching.index")
PROBE = """
import {module}
import polars._dependencies as dependencies
numpy = dependencies.numpy
numpy.ndarray  # loads numpy through the proxy, if polars holds one
try:
    numpy.no_such_attribute
except AttributeError:
    print("AttributeError")
except TypeError as exc:
    print("TypeError", exc)
"""


@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_polars_binds_numpy_itself(module):
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "AttributeError"
