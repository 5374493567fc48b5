"""Readers are never blocked: a real second process queries the published file in a loop while a
run publishes, and only ever sees the old complete state or the new complete state."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from helpers import settings_for, write_inputs

from abm.published import file as published
from pipelines import project

READER = textwrap.dedent(
    """
    import json, os, sys, time
    import duckdb

    db, mode, stop = sys.argv[1:4]
    # "held": one connection opened before the publish and kept; "fresh": a new connection per
    # query, like a BI tool's refresh. (Separate processes: within one process DuckDB reuses an
    # open database instance for the same path.)
    held = duckdb.connect(db, read_only=True) if mode == "held" else None
    print(json.dumps({"ready": True}), flush=True)
    deadline, after_stop = time.time() + 300, 0
    while time.time() < deadline and after_stop < 10:
        after_stop += os.path.exists(stop)
        t0 = time.perf_counter()
        try:
            con = held or duckdb.connect(db, read_only=True)
            runs, history_runs, targets, tiered = con.execute(
                "SELECT (SELECT count(*) FROM runs), (SELECT count(DISTINCT run_id) FROM account_history), "
                "(SELECT count(*) FROM v_target_accounts), "
                "(SELECT count(*) FROM accounts WHERE tier IS NOT NULL)"
            ).fetchone()
            if held is None:
                con.close()
            row = {"runs": runs, "history_runs": history_runs, "targets": targets, "tiered": tiered,
                   "seconds": time.perf_counter() - t0}
        except Exception as exc:
            row = {"error": f"{type(exc).__name__}: {exc}", "seconds": time.perf_counter() - t0}
        print(json.dumps(row), flush=True)
        time.sleep(0.005)
    """
)


def _start(db: Path, mode: str, stop: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), mode, str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert json.loads(proc.stdout.readline()) == {"ready": True}
    return proc


def _rows(proc: subprocess.Popen) -> list[dict]:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    errors = [r["error"] for r in rows if "error" in r]
    assert not errors, errors[:3]
    assert max(r["seconds"] for r in rows) < 5, "a reader waited on the run"
    assert all(r["targets"] == r["tiered"] > 0 for r in rows)  # the views are complete in every state
    return rows


def test_a_reader_in_another_process_is_never_blocked_during_a_publish(tiny_db: Path, tmp_path: Path):
    db = tmp_path / "abm.duckdb"
    shutil.copy(tiny_db, db)  # one run already published
    stop = tmp_path / "stop"
    fresh, held = _start(db, "fresh", stop), _start(db, "held", stop)
    try:
        project.run(settings_for(tiny_db.parent / "in", db))  # publishes run 2 while they read
        stop.touch()
        fresh_rows, held_rows = _rows(fresh), _rows(held)
    finally:
        fresh.kill()
        held.kill()
    states = [(r["runs"], r["history_runs"]) for r in fresh_rows]
    assert set(states) == {(1, 1), (2, 2)}, set(states)  # old or new complete state, never a mix
    assert states == sorted(states)  # once the new file is seen, never the old one again
    assert {(r["runs"], r["history_runs"]) for r in held_rows} == {(1, 1)}  # keeps the file it opened


def _storage_version(con) -> str:
    sql = "SELECT tags['storage_version'] FROM duckdb_databases() WHERE NOT internal"
    return con.execute(sql).fetchone()[0]


def test_published_file_uses_a_storage_format_older_bi_drivers_read(tiny_con):
    # DuckDB 1.1+ (bundled by BI drivers) reads v1.0.0+ storage; DuckDB 2.0's own format would be refused.
    # CI also opens the sample's published file with duckdb 1.1.3 in a throwaway venv (.ci/run).
    assert _storage_version(tiny_con) == "v1.0.0+"


def test_storage_version_latest_writes_the_installed_format(tmp_path: Path):
    import duckdb

    db = tmp_path / "abm.duckdb"
    project.run(settings_for(write_inputs(tmp_path / "in"), db, **{"duckdb.storage_version": "latest"}))
    with duckdb.connect(str(db), read_only=True) as con:
        assert _storage_version(con) != "v1.0.0+"


def test_a_long_lived_python_reader_sees_the_new_run_on_reconnect(tmp_path: Path):
    # DuckDB caches one database instance per path in a process: a plain duckdb.connect(path) made while
    # another connection is still open would keep reading the old run. connect_read_only does not.

    db = tmp_path / "abm.duckdb"
    settings = settings_for(write_inputs(tmp_path / "in"), db)
    project.run(settings)
    keep = published.connect_read_only(db)  # e.g. a notebook or BI pool holding a connection
    first = keep.execute("SELECT run_id FROM runs").fetchall()
    project.run(settings)
    again = published.connect_read_only(db)
    assert len(again.execute("SELECT run_id FROM runs").fetchall()) == len(first) + 1
    assert keep.execute("SELECT count(*) FROM runs").fetchone()[0] == len(first)  # the old file, intact
    keep.close()
    again.close()
