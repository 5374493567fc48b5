"""An abm run: every step into a new DuckDB file, checked, then published with one atomic rename.

Readers (BI tools, the API) see either the old file or the new one, never a half-written state, and
a failed run leaves the published file untouched. The CLI and the tests call ``run``.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from abm.config.settings import Settings
from abm.errors import AbmError
from abm.messages import Lang, text
from abm.published.file import operational_error, publish_lock, remove_stale_builds, usable_previous
from pipelines.context import WORK, RunContext
from pipelines.run_cache import RunCache
from pipelines.runner import StepTiming, run_steps
from pipelines.steps import STEPS


@dataclass(frozen=True)
class RunResult:
    run_id: str
    db: Path
    seconds: float
    timings: list[StepTiming]
    segments: pl.DataFrame
    tiers: dict[int, int]
    rejected_rows: int
    quarter: str
    values_nulled: int = 0  # bad optional values left empty (their rows landed)


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def connect_for_build(path: Path, settings: Settings) -> duckdb.DuckDBPyConnection:
    """The connection a run builds its file with.

    Checkpoint vacuuming is off: the file is written once, appended a chunk at a time (each chunk leaves
    a partly filled row group) and never has rows deleted, so all a vacuum would do is merge those row
    groups, re-compressing every table at whichever automatic checkpoint comes next: ~10 s per 10M
    rows, paid inside an unrelated statement (a national re-run: 15 s in link's first query, the
    activities update 25 instead of 11 s). Readers see a few more, partly filled row groups."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": settings.duckdb.memory_limit,
        "max_vacuum_tasks": 0,
    }
    if settings.duckdb.storage_version != "latest":  # older BI drivers must be able to open the file
        config["storage_compatibility_version"] = settings.duckdb.storage_version
    if settings.duckdb.threads:
        config["threads"] = settings.duckdb.threads
    return duckdb.connect(str(path), config=config)


def run(
    settings: Settings, progress: Callable[[str], None] = lambda _m: None, *, full: bool = False
) -> RunResult:
    """Run every step into a new file and publish it atomically at ``settings.run.db``.

    What the last published run computed and is still valid is reused from ``<db>.cache/``
    (``pipelines.run_cache``); ``full`` recomputes everything (and writes a fresh cache)."""
    db = settings.run.db.resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    try:
        with publish_lock(db):
            return _run_locked(db, settings, started, progress, full)
    except AbmError:
        raise
    except Exception as exc:
        error = operational_error(exc, db)
        if error is None:
            raise
        raise error from None


def _run_locked(
    db: Path, settings: Settings, started: float, progress: Callable[[str], None], full: bool
) -> RunResult:
    """The run proper, under the publish lock: tidy what dead runs left, build, check, swap in."""
    lang = settings.ui.language
    remove_stale_builds(db, progress, lang)
    previous = usable_previous(db, progress, lang)
    run_id = new_run_id()
    building = db.with_name(f"{db.name}.building-{run_id}")
    cache = RunCache.open(db, run_id, progress, enabled=not full, lang=lang)
    con = connect_for_build(building, settings)
    try:
        ctx = RunContext(con, settings, run_id, started, progress=progress, previous_db=previous, cache=cache)
        ctx.execute(f"CREATE SCHEMA {WORK}")
        timings = run_steps(ctx, STEPS)
        segments = ctx.read_table("segments", ("segment", "accounts", "revenue", "contacts", "whitespace"))
        tiers = dict(ctx.sql_rows("tier_counts").iter_rows())
        ctx.execute(f"DROP SCHEMA {WORK} CASCADE")
        con.execute("CHECKPOINT")
        con.close()
        os.replace(building, db)  # the atomic publish
    except BaseException:
        con.close()
        cache.discard()
        for leftover in (building, building.with_name(building.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    try:
        cache.commit()  # only now: a failed run leaves the previous cache as it was
    except OSError as exc:  # the run is published; the next run then simply reuses less
        progress(text("run.cache.not_written", lang, why=exc))
    _write_report(db, progress, lang)
    rejected = sum(v["rejected"] for v in ctx.input_rows.values())
    nulled = sum(v.get("values_nulled", 0) for v in ctx.input_rows.values())
    return RunResult(
        run_id, db, time.time() - started, timings, segments, tiers, rejected, ctx.quarter or "", nulled
    )


def _write_report(db: Path, progress: Callable[[str], None], lang: Lang) -> None:
    """The HTML run report beside the published file; the database is already published, so a
    failure here is reported, not raised."""
    from abm.report import write_report

    t0 = time.perf_counter()
    try:
        out = write_report(db)
    except Exception as exc:  # the run itself succeeded
        progress(text("run.report.failed", lang, why=f"{type(exc).__name__}: {exc}"))
        return
    progress(text("run.report.done", lang, label="report", seconds=time.perf_counter() - t0, path=out))
