"""What every step gets: the connection, the settings, the run's dates, and the one place SQL runs.

Steps never call ``con.execute`` themselves: ``ctx.sql`` runs a named file from ``pipelines/sql``,
``ctx.sql_rows`` returns the rows of one, ``ctx.read_table`` reads a whole table and ``ctx.write`` /
``ctx.append`` move frames in, so every statement is logged and every failure names the step and
the SQL file. The few statements built here (table names as identifiers) are clearly named builders.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from abm.config.settings import Settings
from abm.inputs.readers import InputFile
from abm.messages import text
from pipelines.run_cache import RunCache

log = logging.getLogger("abm.pipeline")
WORK = "work"  # schema of intermediate tables, dropped before publishing


class StepError(RuntimeError):
    """A step failed for a reason that is not the user's input: carries step and SQL file names."""


@dataclass
class RunContext:
    con: duckdb.DuckDBPyConnection
    settings: Settings
    run_id: str
    started_at: float
    progress: Callable[[str], None] = lambda _msg: None
    inputs: dict[str, InputFile] = field(default_factory=dict)
    input_rows: dict[str, dict[str, int]] = field(default_factory=dict)
    as_of: date | None = None
    window_start: date | None = None
    window_end: date | None = None
    quarter: str | None = None
    previous_db: Path | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # figures steps report into `runs`
    cache: RunCache = field(default_factory=RunCache.off)  # what a re-run may reuse (pipelines.run_cache)
    step: str = ""

    def say(self, key: str, /, indent: str = "  ", **fields: Any) -> None:
        """A progress line from the message catalogue (``abm.messages.run``), in the run's
        ``ui.language``; indented under its step's line unless ``indent`` says otherwise."""
        self.progress(indent + self.text(key, **fields))

    def text(self, key: str, **fields: Any) -> str:
        """The catalogue's message ``key`` in the run's ``ui.language``."""
        return text(key, self.settings.ui.language, **fields)

    def params(self) -> dict[str, Any]:
        """Named parameters every SQL file may use ($as_of, $window_start, ...)."""
        return {
            "run_id": self.run_id,
            "as_of": self.as_of,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "quarter": self.quarter,
            "abc_a": self.settings.abc.a,
            "abc_b": self.settings.abc.b,
            "history_segments_only": self.settings.run.history_segments_only,
            "half_life_days": self.settings.engagement.half_life_days,
            "surge_recent_days": self.settings.engagement.surge_recent_days,
            "surge_previous_days": self.settings.engagement.surge_previous_days,
            "other_points": self.settings.engagement.points["other"],
            "free_mail_domains": [d.lower() for d in self.settings.match.free_mail_domains],
        }

    def sql(self, name: str, params: dict[str, Any] | None = None) -> None:
        """Run ``pipelines/sql/<name>.sql``: statements separated by ';' at a line end; ``params``
        adds named parameters to the run's own ($as_of ...)."""
        text = _sql_text(name)
        for statement in (s.strip() for s in text.split(";\n")):
            if not statement or all(line.strip().startswith("--") for line in statement.splitlines()):
                continue
            self._execute(statement, {**self._used_params(statement), **(params or {})}, where=f"{name}.sql")

    def sql_rows(self, name: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
        """The rows of ``pipelines/sql/<name>.sql``, a file holding one SELECT (e.g. a check);
        ``params`` adds named parameters to the run's own ($as_of ...)."""
        text = sql_select(name)
        return self.query(text, {**self._used_params(text), **(params or {})})

    def read_table(self, table: str, columns: tuple[str, ...] = ("*",), order_by: str = "") -> pl.DataFrame:
        """A whole table (or ``columns`` of it) as a frame, in ``order_by`` order when given. The frame
        is the step's copy of the data now, so DuckDB's cached blocks are let go (``release_cache``)."""
        order = f" ORDER BY {order_by}" if order_by else ""
        frame = self.query(f"SELECT {', '.join(columns)} FROM {table}{order}")
        self.release_cache()
        return frame

    def release_cache(self) -> None:
        """Let DuckDB drop the table blocks it keeps after reading or writing them (up to its
        ``memory_limit``): a step works on polars frames, and the cache held the same data a second
        time (national: ~1.2 GiB after the load step, most of the link step's margin). Lowering the
        limit evicts every unpinned block at once; the configured limit then applies again. A query
        that needs the blocks reads them back from the file. Best effort: while a query still pins
        blocks (a result not yet read to the end), DuckDB refuses the low limit and the cache stays."""
        try:
            self.con.execute("SET memory_limit = '1MB'")
        except duckdb.OutOfMemoryException:
            pass  # nothing evictable enough: the cache stays, the run goes on
        finally:
            self.con.execute(f"SET memory_limit = '{self.settings.duckdb.memory_limit}'")

    def execute(self, statement: str) -> None:
        """Run one statement; the run's named parameters it mentions ($as_of ...) are bound."""
        self._execute(statement, self._used_params(statement), where="inline")

    def _used_params(self, statement: str) -> dict[str, Any]:
        return {k: v for k, v in self.params().items() if f"${k}" in statement}

    def query(self, statement: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
        t0 = time.perf_counter()
        try:
            df = self.con.sql(statement, params=params or {}).pl()
        except duckdb.Error as exc:
            raise StepError(f"step '{self.step}': query failed: {exc}\n{statement}") from exc
        log.debug("%s: query %.2fs %s", self.step, time.perf_counter() - t0, statement[:200])
        return df

    @contextmanager
    def registered(self, name: str, frame: pl.DataFrame) -> Iterator[None]:
        """``frame`` readable by SQL as ``name`` inside the block: DuckDB scans it in place, unwritten."""
        self.con.register(name, frame)
        try:
            yield
        finally:
            self.con.unregister(name)

    def write(self, table: str, df: pl.DataFrame) -> int:
        """Create or replace ``table`` from a polars frame; returns its row count."""
        with self.registered("_frame", df):
            self._execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _frame", {}, where=f"write {table}"
            )
        return df.height

    def scalar(self, statement: str) -> Any:
        """First value of a one-row query (e.g. a max or a count)."""
        rows = self.con.execute(statement, self._used_params(statement)).fetchall()
        return rows[0][0] if rows else None

    def count(self, table: str) -> int:
        return int(self.scalar(f"SELECT count(*) FROM {table}"))

    def exists(self, table: str) -> bool:
        """True when ``table`` (``name`` or ``schema.name``) is a table or view of this file."""
        return not self.missing((table,))

    def append(self, table: str, frame: pl.DataFrame) -> None:
        """Append a frame to a run-spanning table, creating it, or adding the columns older files lack."""
        with self.registered("_new_rows", frame):
            self.append_select(table, "SELECT * FROM _new_rows")

    def append_select(self, table: str, select: str) -> None:
        """Append the rows of ``select`` to ``table`` by column name (creating the table the first
        time); a file written by an older abm may lack columns added since: they are added, NULL
        for the old runs."""
        if not self.exists(table):
            self.execute(f"CREATE TABLE {table} AS {select}")
            return
        have = set(self.query(f"SELECT * FROM {table} LIMIT 0").columns)
        new = self.query(f"DESCRIBE {select}", self._used_params(select))
        for name, dtype in new.select("column_name", "column_type").iter_rows():
            if name not in have:
                self.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {dtype}')
        self.execute(f"INSERT INTO {table} BY NAME {select}")

    def missing(self, tables: tuple[str, ...]) -> list[str]:
        """The names in ``tables`` (``name`` or ``schema.name``) that are no table or view of this file."""
        if not tables:
            return []
        present = {
            name if schema == "main" else f"{schema}.{name}"
            for schema, name in self.query(_sql_text("existing_tables"), {})
            .select("schema_name", "table_name")
            .iter_rows()
        }
        return [t for t in tables if t not in present]

    def _execute(self, statement: str, params: dict[str, Any], where: str) -> None:
        t0 = time.perf_counter()
        try:
            self.con.execute(statement, params)
        except duckdb.Error as exc:
            raise StepError(f"step '{self.step}' ({where}): {exc}\n{statement}") from exc
        log.debug("%s (%s): %.2fs %s", self.step, where, time.perf_counter() - t0, statement[:200])


def _sql_text(name: str) -> str:
    return resources.files("pipelines").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def sql_select(name: str) -> str:
    """The one SELECT held by ``pipelines/sql/<name>.sql`` (comments kept), without its ';'."""
    return _sql_text(name).strip().rstrip(";")
