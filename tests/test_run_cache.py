"""pipelines.run_cache: entries are written on the cache's own thread while the run goes on; commit
waits for them, keeps what was written and drops, with a warning, what could not be."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from pipelines.run_cache import MANIFEST, RunCache


def test_put_returns_while_its_entry_is_written_and_commit_waits_for_it(tmp_path: Path) -> None:
    cache = RunCache.open(tmp_path / "abm.duckdb", "r1", lambda _m: None)
    started, release = threading.Event(), threading.Event()

    def write(folder: Path) -> None:
        started.set()
        assert release.wait(10), "the test never let the write finish"
        (folder / "part.txt").write_text("written", encoding="utf-8")

    cache.put("index", "k1", write)  # returns although the write is blocked
    assert started.wait(10)
    assert not (cache.staging / "index-k1" / "part.txt").exists()
    release.set()
    cache.commit()
    manifest = json.loads((cache.root / MANIFEST).read_text(encoding="utf-8"))
    assert manifest == {"index": {"key": "k1", "dir": "index-k1"}}
    assert (cache.root / "index-k1" / "part.txt").read_text(encoding="utf-8") == "written"
    assert not cache.staging.exists()


def test_a_failed_write_drops_only_its_entry_with_a_warning(tmp_path: Path) -> None:
    said: list[str] = []
    cache = RunCache.open(tmp_path / "abm.duckdb", "r1", said.append)

    def full_disk(folder: Path) -> None:
        (folder / "half.parquet").write_bytes(b"PAR1")
        raise OSError(28, "No space left on device")

    cache.put("links", "k2", full_disk)
    cache.put("index", "k1", lambda folder: (folder / "part.txt").write_text("ok", encoding="utf-8"))
    cache.commit()
    manifest = json.loads((cache.root / MANIFEST).read_text(encoding="utf-8"))
    assert list(manifest) == ["index"]
    assert sorted(p.name for p in cache.root.iterdir()) == ["index-k1", MANIFEST]
    assert any("links not written" in line and "No space left" in line for line in said), said
    # the next run finds the written entry and misses the dropped one
    again = RunCache.open(tmp_path / "abm.duckdb", "r2", said.append)
    assert again.get("index", "k1") is not None
    assert again.get("links", "k2") is None


def test_a_failed_run_waits_for_its_writes_before_removing_them(tmp_path: Path) -> None:
    cache = RunCache.open(tmp_path / "abm.duckdb", "r1", lambda _m: None)
    release = threading.Event()

    def slow(folder: Path) -> None:
        assert release.wait(10)
        (folder / "late.txt").write_text("late", encoding="utf-8")

    cache.put("index", "k1", slow)
    threading.Timer(0.2, release.set).start()
    cache.discard()
    assert not cache.staging.exists()  # nothing written after the discard
    assert not (cache.root / MANIFEST).exists()
