"""Shared fixtures: a published database built once from the tiny hand-made inputs."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import numpy  # noqa: F401  (before helpers imports polars: abm/__init__.py says why)
import pytest
from helpers import settings_for, write_inputs
from hypothesis import settings as hypothesis_settings

from pipelines import project

# CI runs the same examples every time (a failure found there is reproducible); locally they vary.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`abm run` on the tiny inputs of tests/helpers.py; read-only for tests."""
    root = tmp_path_factory.mktemp("tiny")
    inputs = write_inputs(root / "in")
    db = root / "abm.duckdb"
    project.run(settings_for(inputs, db))
    return db


@pytest.fixture
def tiny_con(tiny_db: Path):
    con = duckdb.connect(str(tiny_db), read_only=True)
    yield con
    con.close()
