"""The published DuckDB file when it is damaged: recognise it and move it aside, never delete it.

Used before a run (a first look at the file) and while carrying history over from it (damage deep in
a table shows only when it is read). The damaged file is kept under a new name for a post-mortem.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

# What DuckDB says of a file that is not (or no longer) a database: garbage, truncated, bad checksum.
CORRUPT_SIGNS = ("not a valid DuckDB database", "Could not read enough bytes", "Corrupt database", "checksum")

# What DuckDB says when another process holds the file (a read-write connection somewhere else).
LOCKED = "Could not set lock on file"


def is_corrupt(error_text: str) -> bool:
    return any(sign in error_text for sign in CORRUPT_SIGNS)


def move_aside(db: Path, error_text: str, progress: Callable[[str], None]) -> Path:
    """Rename the damaged ``db`` to ``<db>.corrupt-<UTC timestamp>`` and say that history starts afresh."""
    aside = db.with_name(f"{db.name}.corrupt-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    os.replace(db, aside)
    db.with_name(db.name + ".wal").unlink(missing_ok=True)
    detail = next((ln for ln in error_text.splitlines() if is_corrupt(ln)), error_text.splitlines()[0])
    progress(
        f"warning: {db} is not a readable DuckDB database ({detail.strip()[:200]}); moved aside to "
        f"{aside.name}. History (runs, account_history, territory figures) starts afresh with this run"
    )
    return aside
