"""The front of abm: what the CLI, the API and the tests call to run and read a project.

A run builds a brand-new DuckDB file beside the published one and swaps it in with one atomic
rename, so readers (BI tools, the API) see either the old file or the new one, never a half-written
state, and a failed run leaves the published file untouched.
"""

from __future__ import annotations

import errno
import fcntl
import glob
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
from abm.published import LOCKED, is_corrupt, move_aside
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
    """One run at a time per database file; the OS drops the lock if the process dies.

    The lock file is removed when the run ends, so a finished run leaves nothing behind. A run
    that opened the file just before its holder removed it would lock a name nobody sees any
    more: it checks that the locked file is still the one at the path and otherwise tries again.
    """
    lock_path = db.with_name(db.name + ".lock")
    while True:
        fh = lock_path.open("a")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise AbmError(
                f"another abm run is publishing {db} (lock {lock_path}); wait for it to finish"
            ) from None
        try:
            current = os.stat(lock_path).st_ino == os.fstat(fh.fileno()).st_ino
        except FileNotFoundError:
            current = False
        if current:
            break
        fh.close()  # its holder finished and removed it: lock the new file instead
    try:
        yield
    finally:
        lock_path.unlink(missing_ok=True)  # removed while still held: no other run can own it yet
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def remove_stale_builds(db: Path, progress: Callable[[str], None]) -> list[Path]:
    """Delete the half-written ``<db>.building-*`` files (and their ``.wal``) that runs killed before
    they could clean up left behind. Only called while holding the publish lock, so none of them
    belongs to a live run."""
    stale = sorted(db.parent.glob(f"{glob.escape(db.name)}.building-*"))
    for path in stale:
        path.unlink(missing_ok=True)
    if stale:
        progress(
            f"removed {len(stale)} leftover file(s) of interrupted runs: {', '.join(p.name for p in stale)}"
        )
    return stale


def usable_previous(db: Path, progress: Callable[[str], None]) -> Path | None:
    """The published file to carry history from, or None when there is none.

    A file another program holds open for writing (a BI tool's read-write connection) stops the
    run: publishing over it would pull the file from under that program. A file that is not a
    DuckDB database at all (garbage bytes, a truncated copy) is moved aside so the run can go on;
    history then starts afresh, and the run says so.
    """
    if not db.exists():
        return None
    try:
        duckdb.connect(str(db), read_only=True).close()
    except duckdb.Error as exc:
        text = str(exc)
        if LOCKED in text:
            holder = text.split("Conflicting lock is held in", 1)[-1].split(". See also")[0].strip()
            raise AbmError(
                f"{db} is open for writing by another program ({holder}); close that connection "
                "(e.g. the BI tool's read-write connection; open it read-only) and run again. "
                f"{db} was left as it was"
            ) from None
        if not is_corrupt(text):
            return db  # e.g. this process already holds it with another configuration: not ours to judge
        move_aside(db, text, progress)
        return None
    return db


def operational_message(exc: BaseException, db: Path) -> str | None:
    """One line for failures of the machine rather than of the data (disk full, no permission),
    or None when ``exc`` is not one of those."""
    text = str(exc)
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left on device" in text:
        where = getattr(exc, "filename", None) or db.parent
        return f"disk full while writing {where}: free some space and run again; {db} was left as it was"
    if isinstance(exc, OSError):
        where = exc.filename or db
        return f"{where}: {exc.strerror or type(exc).__name__}; {db} was left as it was"
    return None


def connect_for_build(path: Path, settings: Settings) -> duckdb.DuckDBPyConnection:
    config: dict[str, str | bool | int | float | list[str]] = {"memory_limit": settings.duckdb.memory_limit}
    if settings.duckdb.storage_version != "latest":  # older BI drivers must be able to open the file
        config["storage_compatibility_version"] = settings.duckdb.storage_version
    if settings.duckdb.threads:
        config["threads"] = settings.duckdb.threads
    return duckdb.connect(str(path), config=config)


def run(settings: Settings, progress: Callable[[str], None] = lambda _m: None) -> RunResult:
    """Run every step into a new file and publish it atomically at ``settings.run.db``."""
    db = settings.run.db.resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    try:
        with publish_lock(db):
            return _run_locked(db, settings, started, progress)
    except AbmError:
        raise
    except Exception as exc:
        message = operational_message(exc, db)
        if message is None:
            raise
        raise AbmError(message) from None


def _run_locked(db: Path, settings: Settings, started: float, progress: Callable[[str], None]) -> RunResult:
    """The run proper, under the publish lock: tidy what dead runs left, build, check, swap in."""
    remove_stale_builds(db, progress)
    previous = usable_previous(db, progress)
    run_id = new_run_id()
    building = db.with_name(f"{db.name}.building-{run_id}")
    con = connect_for_build(building, settings)
    try:
        ctx = RunContext(con, settings, run_id, started, progress=progress, previous_db=previous)
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
    """A read-only connection to the run published *now* (never blocks or is blocked by a run).

    ``duckdb.connect(path)`` reuses one cached database instance per path within a process, so a
    process that keeps any connection to the file open would go on reading the previous run after a
    publish renamed a new file over it. Attaching the file to a fresh in-memory instance binds to the
    file the path names at this moment: call this again (and close the old connection) to see a new run.
    """
    if not db.exists():
        raise AbmError(f"database {db} not found: run `abm run` first")
    con = duckdb.connect(":memory:")
    quoted = str(db.resolve()).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS published (READ_ONLY)")
    con.execute("USE published")
    return con
