"""The front of abm: what the CLI, the API and the tests call to run and read a project.

A run builds a brand-new DuckDB file beside the published one and swaps it in with one atomic
rename, so readers (BI tools, the API) see either the old file or the new one, never a half-written
state, and a failed run leaves the published file untouched.
"""

from __future__ import annotations

import fcntl
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from abm.config import Settings
from abm.errors import AbmError
from pipelines.context import WORK, RunContext
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


@contextmanager
def publish_lock(db: Path) -> Iterator[None]:
    """One run at a time per database file; the OS drops the lock if the process dies."""
    lock_path = db.with_name(db.name + ".lock")
    with lock_path.open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AbmError(
                f"another abm run is publishing {db} (lock {lock_path}); wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def connect_for_build(path: Path, settings: Settings) -> duckdb.DuckDBPyConnection:
    config: dict[str, str | int] = {"memory_limit": settings.duckdb.memory_limit}
    if settings.duckdb.threads:
        config["threads"] = settings.duckdb.threads
    return duckdb.connect(str(path), config=config)


def run(settings: Settings, progress: Callable[[str], None] = lambda _m: None) -> RunResult:
    """Run every step into a new file and publish it atomically at ``settings.run.db``."""
    db = settings.run.db.resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    with publish_lock(db):
        run_id = new_run_id()
        building = db.with_name(f"{db.name}.building-{run_id}")
        con = connect_for_build(building, settings)
        try:
            ctx = RunContext(
                con, settings, run_id, started, progress=progress, previous_db=db if db.exists() else None
            )
            ctx.execute(f"CREATE SCHEMA {WORK}")
            timings = run_steps(ctx, STEPS)
            segments = ctx.query("SELECT segment, accounts, revenue, contacts, whitespace FROM segments")
            tiers = dict(
                ctx.query(
                    "SELECT tier, count(*) AS n FROM accounts WHERE tier IS NOT NULL GROUP BY tier"
                ).iter_rows()
            )
            ctx.execute(f"DROP SCHEMA {WORK} CASCADE")
            con.execute("CHECKPOINT")
            con.close()
            os.replace(building, db)  # the atomic publish
        except BaseException:
            con.close()
            for leftover in (building, building.with_name(building.name + ".wal")):
                leftover.unlink(missing_ok=True)
            raise
        _write_report(db, progress)
    rejected = sum(v["rejected"] for v in ctx.input_rows.values())
    nulled = sum(v.get("values_nulled", 0) for v in ctx.input_rows.values())
    return RunResult(
        run_id, db, time.time() - started, timings, segments, tiers, rejected, ctx.quarter or "", nulled
    )


def _write_report(db: Path, progress: Callable[[str], None]) -> None:
    """The HTML run report beside the published file; the database is already published, so a
    failure here is reported, not raised."""
    from abm.report import write_report

    t0 = time.perf_counter()
    try:
        out = write_report(db)
    except Exception as exc:  # the run itself succeeded
        progress(f"report: not written ({type(exc).__name__}: {exc}); retry with `abm report`")
        return
    progress(f"{'report':<13} {time.perf_counter() - t0:7.2f}s  {out} (self-contained HTML)")


def connect_read_only(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published file (never blocks or is blocked by a run)."""
    if not db.exists():
        raise AbmError(f"database {db} not found: run `abm run` first")
    return duckdb.connect(str(db), read_only=True)
