"""Human 名寄せ decisions that last: a CSV store the pipeline reads and never writes.

Reviewers decide borderline pairs once (``abm review export`` → edit → ``abm review import``);
every later run applies the decisions before automatic linking. The store is a plain CSV
(source, source_key, company_id, decided_at, decided_by, note, source_name) so it can be versioned
and read by people; an empty company_id means "not a match". The latest decision per record wins.
``source_name`` is the record's company name when it was decided: a run that finds the name now very
different (the customer code was reused for another company) does not apply the decision blindly.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from abm.errors import InputError

COLUMNS = {
    "source": pl.Utf8,
    "source_key": pl.Utf8,
    "company_id": pl.Utf8,
    "decided_at": pl.Utf8,
    "decided_by": pl.Utf8,
    "note": pl.Utf8,
    "source_name": pl.Utf8,  # added later: older stores lack it (read as null, rewritten on next import)
}
SOURCES = ("sales", "contacts")


def read_decisions(path: Path) -> pl.DataFrame:
    """Every decision in the store, in the order made; empty when there is no store yet."""
    if not path.exists():
        return pl.DataFrame(schema=COLUMNS)
    try:
        df = pl.read_csv(path, schema_overrides=COLUMNS, infer_schema=False)
    except Exception as exc:
        detail = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError.keyed("error.decisions.unreadable", path=path, detail=detail) from None
    missing = [c for c in ("source", "source_key", "company_id") if c not in df.columns]
    if missing:
        raise InputError.keyed("error.decisions.missing_column", path=path, column=missing[0])
    df = df.with_columns(
        pl.col(c).cast(pl.Utf8) if c in df.columns else pl.lit(None, pl.Utf8).alias(c) for c in COLUMNS
    )
    return df.select(list(COLUMNS))  # every decision, oldest first; 名寄せ applies the latest per record


def record_decisions(path: Path, decisions: pl.DataFrame, decided_by: str = "") -> int:
    """Append decisions (source, source_key, company_id[, note, source_name]) to the store; returns how
    many. A store written before a column was added is rewritten once with the full header."""
    bad = decisions.filter(~pl.col("source").is_in(SOURCES) | pl.col("source_key").is_null())
    if bad.height:
        raise InputError.keyed(
            "error.decisions.bad_source", source=bad["source"][0], key=bad["source_key"][0]
        )
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows = decisions.select(
        pl.col("source").cast(pl.Utf8),
        pl.col("source_key").cast(pl.Utf8),
        pl.col("company_id").cast(pl.Utf8),
        pl.lit(now).alias("decided_at"),
        pl.lit(decided_by).alias("decided_by"),
        *(
            (pl.col(c).cast(pl.Utf8) if c in decisions.columns else pl.lit(None, pl.Utf8)).alias(c)
            for c in ("note", "source_name")
        ),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(path):
        if path.exists() and _header(path) != list(COLUMNS):
            _rewrite(path, pl.concat([read_decisions(path), rows]))
            return rows.height
        header = not path.exists()
        with path.open("a", encoding="utf-8", newline="") as fh:
            fh.write(rows.write_csv(include_header=header))  # one write: a reader never sees half a row
    return rows.height


@contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    """One writer at a time (two reviewers in the workspace, an ``abm review import``): the second
    waits for the first, so neither the header nor a row is written twice or interleaved. The OS
    drops the lock if the process dies; the small ``.lock`` file stays beside the store."""
    with path.with_name(path.name + ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig") as fh:
        return fh.readline().rstrip("\r\n").split(",")


def _rewrite(path: Path, decisions: pl.DataFrame) -> None:
    """Replace the store atomically: a crash mid-write never loses earlier decisions."""
    tmp = path.with_name(path.name + ".tmp")
    decisions.select(list(COLUMNS)).write_csv(tmp)
    tmp.replace(path)
