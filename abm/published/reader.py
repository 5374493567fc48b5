"""The one read side of the published DuckDB file: read-only, and following each atomic publish.

Every reader of the file goes through here: the API, the HTML report, the CRM and review exports,
``abm bench``, ``abm territories`` and ``abm dev dictionary``. Modelled on Datasette's ``Database``
(one object per file, reads run through its methods), kept small:

- :class:`PublishedFile` is one published file. ``session()`` gives one :class:`Session`: a cursor
  on the run published when it started, with ``execute`` / ``frame`` / ``rows`` / ``scalar``.
  Long-lived readers (the API) keep one ``PublishedFile`` and open a session per request;
  commands that read once use :func:`reading`.

``abm run`` publishes by renaming a new file over the old one (``os.replace``). Two DuckDB traits
shape this module:

- ``duckdb.connect(path)`` reuses a cached database instance per path inside one process, so it
  would keep serving the *old* file after a publish while any connection to it is alive. We
  therefore open our own in-memory instance and ``ATTACH`` the file ``READ_ONLY``: each instance
  binds to the inode the path names at that moment.
- A read-only attach takes a shared lock on that inode only; the pipeline writes a different file
  and its ``carry_over`` step attaches the published one read-only too, so nothing here blocks a run.

One :class:`Handle` is cached per file identity (device, inode, mtime, size). Every session
``stat``\\s the path (microseconds); when the identity changed, the next session opens a new handle
and the old one closes once its in-flight sessions finish. A session runs all of its queries on
one cursor of one handle, so it sees one run, never a mix and never a half-published one.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from abm.errors import AbmError

log = logging.getLogger("abm.published")

Identity = tuple[int, int, int, int]
CATALOG = "db"  # the name the published file is attached under; queries may filter duckdb_tables() on it


# Messages name the file, never its folder: the API returns them to callers who need not know server paths.


class DatabaseMissing(AbmError):
    """The published file does not exist (yet): nothing to read."""


class DatabaseUnreadable(AbmError):
    """The published path holds something DuckDB cannot open (corrupt, truncated, not a database)."""


def identity(path: Path) -> Identity:
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(eq=False)
class Handle:
    """One read-only DuckDB instance bound to one published file (one run)."""

    path: Path
    ident: Identity
    con: duckdb.DuckDBPyConnection
    tables: frozenset[str]
    run_id: str | None
    as_of: date | None = None  # the run's reference date: the API judges consent against it
    quarter: str | None = None  # the run's quarter label (runs.quarter), in the run's calendar
    users: int = 0
    retired: bool = False
    built: set[str] = field(default_factory=set)
    accounts_in_memory: bool = False  # the API serves `accounts` from an in-memory copy (api.queries)
    _lock: threading.RLock = field(default_factory=threading.RLock)  # builds may derive others

    @classmethod
    def open(cls, path: Path, threads: int | None = None, memory_limit: str | None = None) -> Handle:
        ident = identity(path)
        config: dict[str, Any] = {}
        if threads is not None:
            config["threads"] = threads
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        con = duckdb.connect(":memory:", config=config)
        quoted = str(path).replace("'", "''")  # a configured path, never request input
        try:
            con.execute(f"ATTACH '{quoted}' AS {CATALOG} (READ_ONLY)")
        except duckdb.Error as exc:
            con.close()
            log.error("cannot open %s: %s", path.name, type(exc).__name__)
            raise DatabaseUnreadable.keyed("error.file.unreadable", db=path.name) from None
        con.execute(f"USE {CATALOG}")
        tables = frozenset(
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = $db AND schema_name = 'main'",
                {"db": CATALOG},
            ).fetchall()
        )
        run_id = as_of = quarter = None
        if "runs" in tables:
            row = con.execute(
                "SELECT run_id, as_of, quarter FROM runs ORDER BY finished_at DESC LIMIT 1"
            ).fetchone()
            run_id, as_of, quarter = row if row else (None, None, None)
        return cls(path, ident, con, tables, run_id, as_of, quarter)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self.con.cursor()
        cur.execute(f"USE {CATALOG}")
        return cur

    def derived(self, name: str, build: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
        """Build the in-memory helper table ``memory.main.<name>`` once per published file.

        ``build`` creates it from this file's tables (lookups the published layout does not make
        fast, e.g. the API's records per account). It lives in this handle's in-memory catalog, so
        it is dropped with the handle when a new run lands.
        """
        if name in self.built:
            return
        with self._lock:
            if name in self.built:
                return
            cur = self.cursor()
            try:
                build(cur)
            finally:
                cur.close()
            self.built.add(name)

    def close(self) -> None:
        self.con.close()


@dataclass
class Session:
    """One reader's view of one run: the handle (tables present, run id) and its cursor."""

    handle: Handle
    cur: duckdb.DuckDBPyConnection

    @property
    def run_id(self) -> str | None:
        return self.handle.run_id

    @property
    def run_as_of(self) -> date | None:
        return self.handle.as_of

    @property
    def run_quarter(self) -> str | None:
        return self.handle.quarter

    def has(self, table: str) -> bool:
        """Whether the run published ``table`` (older files lack the newer tables)."""
        return table in self.handle.tables

    def execute(
        self, sql: str, params: dict[str, Any] | list[Any] | None = None
    ) -> duckdb.DuckDBPyConnection:
        """Run one statement; values always travel as bound parameters, never in ``sql``. Fetch its
        whole result before the next statement (DuckDB refuses work on a cursor with one pending)."""
        return self.cur.execute(sql, params or {})

    def frame(self, sql: str, params: dict[str, Any] | list[Any] | None = None) -> pl.DataFrame:
        return self.cur.sql(sql, params=params or {}).pl()

    def rows(self, sql: str, params: dict[str, Any] | list[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: dict[str, Any] | list[Any] | None = None) -> Any:
        """The first value of the first row (None when there is no row). Fetches the whole result:
        DuckDB refuses the cursor's next query while a result is left unfinished."""
        rows = self.execute(sql, params).fetchall()
        return rows[0][0] if rows else None

    def batches(
        self, sql: str, params: dict[str, Any] | list[Any] | None = None, size: int = 10_000
    ) -> Iterator[pl.DataFrame]:
        """The result in frames of at most ``size`` rows: a large result streamed, never held whole."""
        for batch in self.cur.sql(sql, params=params or {}).to_arrow_reader(size):
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame), "a record batch converts to a frame"
            yield frame

    def columns(self, table: str) -> list[str]:
        """The columns ``table`` has in this run's file (older files may lack newer ones)."""
        return self.frame(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = $db AND schema_name = 'main' "
            "AND table_name = $t ORDER BY column_index",
            {"db": CATALOG, "t": table},
        )["column_name"].to_list()

    def derived(self, name: str, build: Callable[[duckdb.DuckDBPyConnection], None]) -> str:
        """Build ``memory.main.<name>`` once for this run (see :meth:`Handle.derived`); its table name."""
        self.handle.derived(name, build)
        return f"memory.main.{name}"


class PublishedFile:
    """The published file as readers see it: the current handle, swapped when the file changes."""

    def __init__(
        self,
        path: Path,
        threads: int | None = None,
        memory_limit: str | None = None,
        warm: Callable[[Handle], None] | None = None,
        accounts_in_memory: bool = False,
    ) -> None:
        self.path = Path(path).resolve()
        self.threads = threads
        self.memory_limit = memory_limit
        self.warm = warm  # builds a new handle's helper tables in the background
        self.accounts_in_memory = accounts_in_memory
        self._current: Handle | None = None
        self._lock = threading.Lock()

    def _acquire(self) -> Handle:
        try:
            now = identity(self.path)
        except FileNotFoundError:
            raise DatabaseMissing.keyed("error.file.missing", db=self.path.name) from None
        with self._lock:
            current = self._current
            if current is None or current.ident != now:
                fresh = Handle.open(self.path, self.threads, self.memory_limit)
                fresh.accounts_in_memory = self.accounts_in_memory
                if current is not None:
                    current.retired = True
                    self._release_if_idle(current)
                self._current = current = fresh
                log.info("reading %s (run %s)", self.path.name, fresh.run_id)
                if self.warm is not None:
                    fresh.users += 1  # the warm-up counts as a user: the handle stays open for it
                    # not a daemon: the interpreter waits for it at exit instead of tearing DuckDB down
                    # under a running query (seconds at 1M accounts)
                    threading.Thread(target=self._warm_up, args=(self.warm, fresh), daemon=False).start()
            current.users += 1
            return current

    def _warm_up(self, warm: Callable[[Handle], None], handle: Handle) -> None:
        try:
            warm(handle)
        except Exception as exc:  # a request will build what is missing, and report a real error
            log.warning("warm-up of run %s failed: %s", handle.run_id, type(exc).__name__)
        finally:
            self._release(handle)

    def _release(self, handle: Handle) -> None:
        with self._lock:
            handle.users -= 1
            self._release_if_idle(handle)

    @staticmethod
    def _release_if_idle(handle: Handle) -> None:
        if handle.retired and handle.users == 0:
            handle.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One reader's view: a cursor on the handle current when the session started."""
        handle = self._acquire()
        cur = None
        try:
            cur = handle.cursor()
            yield Session(handle, cur)
        finally:
            if cur is not None:
                cur.close()
            self._release(handle)

    def frame(self, sql: str, params: dict[str, Any] | list[Any] | None = None) -> pl.DataFrame:
        """One query on the run published now (its own session)."""
        with self.session() as s:
            return s.frame(sql, params)

    def rows(self, sql: str, params: dict[str, Any] | list[Any] | None = None) -> list[dict[str, Any]]:
        """One query on the run published now (its own session), as dicts."""
        with self.session() as s:
            return s.rows(sql, params)

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                self._release_if_idle(self._current)
                self._current = None


@contextmanager
def reading(db: Path) -> Iterator[Session]:
    """One session on the run published at ``db`` now, for commands that read once and exit."""
    published = PublishedFile(db)
    try:
        with published.session() as session:
            yield session
    finally:
        published.close()
