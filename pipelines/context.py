"""What every step gets: the connection, the settings, the run's dates, and the one place SQL runs.

Steps never call ``con.execute`` themselves: ``ctx.sql`` runs a named file from ``pipelines/sql``
and ``ctx.query`` / ``ctx.write`` move frames in and out, so every statement is logged and every
failure names the step and the SQL file.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from abm.config.settings import Settings
from abm.inputs.readers import InputFile

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
    step: str = ""

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
        }

    def sql(self, name: str) -> None:
        """Run ``pipelines/sql/<name>.sql``: statements separated by ';' at a line end."""
        text = _sql_text(name)
        for statement in (s.strip() for s in text.split(";\n")):
            if not statement or all(line.strip().startswith("--") for line in statement.splitlines()):
                continue
            self._execute(statement, self._used_params(statement), where=f"{name}.sql")

    def sql_rows(self, name: str) -> pl.DataFrame:
        """The rows of ``pipelines/sql/<name>.sql``, a file holding one SELECT (e.g. a check)."""
        text = _sql_text(name).strip().rstrip(";")
        return self.query(text, self._used_params(text))

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

    def write(self, table: str, df: pl.DataFrame) -> int:
        """Create or replace ``table`` from a polars frame; returns its row count."""
        self.con.register("_frame", df)
        try:
            self._execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _frame", {}, where=f"write {table}"
            )
        finally:
            self.con.unregister("_frame")
        return df.height

    def scalar(self, statement: str) -> Any:
        """First value of a one-row query (e.g. a max or a count)."""
        rows = self.con.execute(statement, self._used_params(statement)).fetchall()
        return rows[0][0] if rows else None

    def count(self, table: str) -> int:
        return int(self.scalar(f"SELECT count(*) FROM {table}"))

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
