"""Proof of no change: `abm run` on the shipped sample publishes the tables whose digest was stored.

Refactors (moving modules, merging steps, deriving columns from the contract) must not move a
single published value. The digest holds, for every published table and view, its columns and
types, its row count and a hash of its rows sorted; floats are rounded to 6 decimals so that
summation order on another machine cannot break it, and columns that change with every run
(run ids, clocks, timings, paths) are left out.

A deliberate change of published output: run ``ABM_UPDATE_GOLDEN=1 pytest tests/test_golden.py``,
and list the change in CHANGELOG (the digest diff in the commit shows which tables moved).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import digest, settings_for

from pipelines import project

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "sample_digest.json"


@pytest.fixture(scope="module")
def sample_digest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    root = tmp_path_factory.mktemp("golden")
    db = root / "abm.duckdb"
    project.run(settings_for(ROOT / "sample_data", db))
    return digest(db)


def test_sample_run_publishes_the_stored_digest(sample_digest: dict[str, dict[str, object]]):
    if os.environ.get("ABM_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(sample_digest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    stored = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(sample_digest) == sorted(stored), "published tables and views differ"
    moved = {
        name: [k for k in ("columns", "rows", "sha256") if sample_digest[name][k] != stored[name][k]]
        for name in stored
        if sample_digest[name] != stored[name]
    }
    assert not moved, f"published output changed: {moved}"
