"""The published DuckDB file: one writer at a time, readers that follow each publish, damage kept aside.

A run builds a brand-new file beside the published one and swaps it in with one atomic rename
(``pipelines.project``), so readers (BI tools, the API) see either the old file or the new one. This
module holds what both sides need of the file itself: the publish lock, the leftovers of killed runs,
a damaged file recognised and moved aside (never deleted: kept for a post-mortem), failures of the
machine rather than of the data. Reading the file is :mod:`abm.published.reader`'s job.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from abm.errors import AbmError
from abm.messages import DEFAULT_LANGUAGE, Lang, text

# What DuckDB says of a file that is not (or no longer) a database: garbage, truncated, bad checksum.
CORRUPT_SIGNS = ("not a valid DuckDB database", "Could not read enough bytes", "Corrupt database", "checksum")

# What DuckDB says when another process holds the file (a read-write connection somewhere else).
LOCKED = "Could not set lock on file"


def is_corrupt(error_text: str) -> bool:
    return any(sign in error_text for sign in CORRUPT_SIGNS)


def move_aside(
    db: Path, error_text: str, progress: Callable[[str], None], lang: Lang = DEFAULT_LANGUAGE
) -> Path:
    """Rename the damaged ``db`` to ``<db>.corrupt-<UTC timestamp>`` and say that history starts afresh."""
    aside = db.with_name(f"{db.name}.corrupt-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    os.replace(db, aside)
    db.with_name(db.name + ".wal").unlink(missing_ok=True)
    detail = next((ln for ln in error_text.splitlines() if is_corrupt(ln)), error_text.splitlines()[0])
    progress(text("run.file.moved_aside", lang, db=db, detail=detail.strip()[:200], aside=aside.name))
    return aside


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
            raise AbmError.keyed("error.file.publishing", db=db, lock=lock_path) from None
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


def remove_stale_builds(
    db: Path, progress: Callable[[str], None], lang: Lang = DEFAULT_LANGUAGE
) -> list[Path]:
    """Delete the half-written ``<db>.building-*`` files (and their ``.wal``, and the ``.tmp`` folder
    DuckDB spills to) that runs killed before they could clean up left behind. Only called while
    holding the publish lock, so none of them belongs to a live run."""
    stale = sorted(db.parent.glob(f"{glob.escape(db.name)}.building-*"))
    for path in stale:
        if path.is_dir():  # the spill folder of a killed run that had spilled
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if stale:
        progress(
            text("run.file.stale_removed", lang, count=len(stale), files=", ".join(p.name for p in stale))
        )
    return stale


def usable_previous(db: Path, progress: Callable[[str], None], lang: Lang = DEFAULT_LANGUAGE) -> Path | None:
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
        error = str(exc)
        if LOCKED in error:
            holder = error.split("Conflicting lock is held in", 1)[-1].split(". See also")[0].strip()
            raise AbmError.keyed("error.file.open_for_writing", db=db, holder=holder) from None
        if not is_corrupt(error):
            return db  # e.g. this process already holds it with another configuration: not ours to judge
        move_aside(db, error, progress, lang)
        return None
    return db


def operational_error(exc: BaseException, db: Path) -> AbmError | None:
    """One line for failures of the machine rather than of the data (disk full, no permission),
    or None when ``exc`` is not one of those."""
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left on device" in str(exc):
        where = getattr(exc, "filename", None) or db.parent
        return AbmError.keyed("error.file.disk_full", where=where, db=db)
    if isinstance(exc, OSError):
        detail = exc.strerror or type(exc).__name__
        return AbmError.keyed("error.file.os", where=exc.filename or db, detail=detail, db=db)
    return None
