"""Read-only access to the published DuckDB file that follows each atomic publish.

``abm run`` publishes by renaming a new file over the old one (``os.replace``). Two DuckDB traits
shape this module:

- ``duckdb.connect(path)`` reuses a cached database instance per path inside one process, so it
  would keep serving the *old* file after a publish while any connection to it is alive. We
  therefore open our own in-memory instance and ``ATTACH`` the file ``READ_ONLY``: each instance
  binds to the inode the path names at that moment.
- A read-only attach takes a shared lock on that inode only; the pipeline writes a different file
  and its ``carry_over`` step attaches the published one read-only too, so nothing here blocks a run.

One :class:`Published` handle is cached per file identity (device, inode, mtime, size). Every
request ``stat``\\s the path (microseconds); when the identity changed, the next request opens a
new handle and the old one closes once its in-flight requests finish. A request runs all of its
queries on one cursor of one handle, so it sees one run, never a mix and never a half-published one.
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

import duckdb

log = logging.getLogger("abm.api")

Identity = tuple[int, int, int, int]


class DatabaseMissing(RuntimeError):
    """The published file does not exist (yet): nothing to serve."""


class DatabaseUnreadable(RuntimeError):
    """The published path holds something DuckDB cannot open (corrupt, truncated, not a database)."""


def identity(path: Path) -> Identity:
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(eq=False)
class Published:
    """One read-only DuckDB instance bound to one published file (one run)."""

    path: Path
    ident: Identity
    con: duckdb.DuckDBPyConnection
    tables: frozenset[str]
    run_id: str | None
    as_of: date | None = None  # the run's reference date: consent is judged against it (api.queries)
    users: int = 0
    retired: bool = False
    built: set[str] = field(default_factory=set)
    accounts_in_memory: bool = False  # serve `accounts` from an in-memory copy (see api.queries)
    _lock: threading.RLock = field(default_factory=threading.RLock)  # builds may derive others

    @classmethod
    def open(cls, path: Path, threads: int, memory_limit: str) -> Published:
        ident = identity(path)
        con = duckdb.connect(":memory:", config={"threads": threads, "memory_limit": memory_limit})
        quoted = str(path).replace("'", "''")  # a configured path, never request input
        try:
            con.execute(f"ATTACH '{quoted}' AS db (READ_ONLY)")
        except duckdb.Error as exc:
            con.close()
            log.error("cannot open %s: %s", path.name, type(exc).__name__)
            raise DatabaseUnreadable(
                f"database {path.name} cannot be read (corrupt or not a DuckDB file): "
                "publish it again with `abm run`"
            ) from None
        con.execute("USE db")
        tables = frozenset(
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'db' AND schema_name = 'main'"
            ).fetchall()
        )
        run_id = as_of = None
        if "runs" in tables:
            row = con.execute("SELECT run_id, as_of FROM runs ORDER BY finished_at DESC LIMIT 1").fetchone()
            run_id, as_of = row if row else (None, None)
        return cls(path, ident, con, tables, run_id, as_of)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self.con.cursor()
        cur.execute("USE db")
        return cur

    def derived(self, name: str, build: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
        """Build the in-memory helper table ``memory.main.<name>`` once per published file.

        ``build`` (from ``api.queries``) creates it from this file's tables: lookups the published
        layout does not make fast (normalised names, records and sales per account). They live
        in this handle's in-memory catalog, so they are dropped with the handle when a new run lands.
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


class PublishedDb:
    """The published file as the API sees it: the current handle, swapped when the file changes."""

    def __init__(
        self,
        path: Path,
        threads: int = 2,
        memory_limit: str = "4GB",
        warm: Callable[[Published], None] | None = None,
        accounts_in_memory: bool = False,
    ) -> None:
        self.path = path
        self.threads = threads
        self.memory_limit = memory_limit
        self.warm = warm  # builds a new handle's helper tables in the background
        self.accounts_in_memory = accounts_in_memory
        self._current: Published | None = None
        self._lock = threading.Lock()

    def _acquire(self) -> Published:
        try:
            now = identity(self.path)
        except FileNotFoundError:
            raise DatabaseMissing(f"database {self.path.name} not found: run `abm run` first") from None
        with self._lock:
            current = self._current
            if current is None or current.ident != now:
                fresh = Published.open(self.path, self.threads, self.memory_limit)
                fresh.accounts_in_memory = self.accounts_in_memory
                if current is not None:
                    current.retired = True
                    self._release_if_idle(current)
                self._current = current = fresh
                log.info("serving %s (run %s)", self.path.name, fresh.run_id)
                if self.warm is not None:
                    fresh.users += 1  # the warm-up counts as a user: the handle stays open for it
                    threading.Thread(target=self._warm_up, args=(self.warm, fresh), daemon=True).start()
            current.users += 1
            return current

    def _warm_up(self, warm: Callable[[Published], None], handle: Published) -> None:
        try:
            warm(handle)
        except Exception as exc:  # a request will build what is missing, and report a real error
            log.warning("warm-up of run %s failed: %s", handle.run_id, type(exc).__name__)
        finally:
            self._release(handle)

    def _release(self, handle: Published) -> None:
        with self._lock:
            handle.users -= 1
            self._release_if_idle(handle)

    @staticmethod
    def _release_if_idle(handle: Published) -> None:
        if handle.retired and handle.users == 0:
            handle.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One request's view: a cursor on the handle current when the request started."""
        handle = self._acquire()
        cur = None
        try:
            cur = handle.cursor()
            yield Session(handle, cur)
        finally:
            if cur is not None:
                cur.close()
            self._release(handle)

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                self._release_if_idle(self._current)
                self._current = None


@dataclass
class Session:
    """What queries get: the handle (tables present, run id) and its cursor."""

    handle: Published
    cur: duckdb.DuckDBPyConnection

    @property
    def run_id(self) -> str | None:
        return self.handle.run_id

    @property
    def run_as_of(self) -> date | None:
        return self.handle.as_of

    def has(self, table: str) -> bool:
        return table in self.handle.tables
