"""pipelines.run_cache: an entry that cannot be written (a full disk) is dropped with a warning; the
run and the entries that were written are kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.run_cache import MANIFEST, RunCache


def test_a_failed_write_drops_only_its_entry_with_a_warning(tmp_path: Path) -> None:
    said: list[str] = []
    cache = RunCache.open(tmp_path / "abm.duckdb", "r1", said.append)

    def full_disk(folder: Path) -> None:
        (folder / "half.parquet").write_bytes(b"PAR1")
        raise OSError(28, "No space left on device")

    cache.put("links", "k2", full_disk)  # does not raise: the run goes on
    cache.put("index", "k1", lambda folder: (folder / "part.txt").write_text("ok", encoding="utf-8"))
    cache.commit()
    manifest = json.loads((cache.root / MANIFEST).read_text(encoding="utf-8"))
    assert manifest == {"index": {"key": "k1", "dir": "index-k1"}}
    assert sorted(p.name for p in cache.root.iterdir()) == ["index-k1", MANIFEST]  # no half entry left
    assert any("links を書けませんでした" in line and "No space left" in line for line in said), said
    # the next run finds the written entry and misses the dropped one
    again = RunCache.open(tmp_path / "abm.duckdb", "r2", said.append)
    assert again.get("index", "k1") is not None
    assert again.get("links", "k2") is None


def test_a_bug_in_a_write_is_not_taken_for_a_full_disk(tmp_path: Path) -> None:
    cache = RunCache.open(tmp_path / "abm.duckdb", "r1", lambda _m: None)

    def buggy(_folder: Path) -> None:
        raise KeyError("model")

    with pytest.raises(KeyError):  # a programming error fails the run instead of hiding as a warning
        cache.put("lookalike", "k3", buggy)
