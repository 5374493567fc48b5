"""Operating a run: invariants checked before publishing, leftovers of dead runs, a corrupt or locked
published file, a full disk, an unreadable input. Failures are one `error:` line, exit code 2, and the
published file stays byte-identical."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from helpers import settings_for, write_inputs
from typer.testing import CliRunner

from abm.cli.main import app
from abm.errors import AbmError, RunCheckError
from abm.published.file import publish_lock
from pipelines import project
from pipelines.runner import Step
from pipelines.steps import STEPS


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path]:
    """Inputs and a database published once from them (the 'previous' file of the next run)."""
    inputs = write_inputs(tmp_path / "in")
    db = tmp_path / "abm.duckdb"
    project.run(settings_for(inputs, db))
    return inputs, db


def cli_run(inputs: Path, db: Path):
    result = CliRunner().invoke(app, ["run", "--input", str(inputs), "--db", str(db)])
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    return result, errors


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".building-" in p.name or p.name.endswith(".lock"))


def test_invariants_hold_and_the_run_checks_them(tiny_con):
    revenue_in_window = tiny_con.execute(
        """SELECT sum(amount) FROM sales, (SELECT window_start, window_end FROM runs) r
           WHERE date BETWEEN r.window_start AND r.window_end"""
    ).fetchone()[0]
    assert revenue_in_window == 1000
    assert tiny_con.execute("SELECT sum(sales_amount) FROM accounts").fetchone()[0] == revenue_in_window
    for table, key, source in (("sales", "customer_code", "sales"), ("contacts", "contact_id", "contacts")):
        reach = tiny_con.execute(
            f"""SELECT t.rowid, count(a.account_id) FROM {table} t
                LEFT JOIN matches m ON m.source = '{source}' AND m.source_key = t.{key}
                LEFT JOIN accounts a ON a.account_id = m.account_id
                GROUP BY t.rowid HAVING count(a.account_id) <> 1"""
        ).fetchall()
        assert reach == [], table
    assert [s.name for s in STEPS][-1] == "check"


def test_a_broken_invariant_fails_the_run_and_publishes_nothing(published, monkeypatch):
    inputs, db = published
    before = db.read_bytes()

    def lose_an_account(ctx) -> int:  # the kind of bug the check exists for: revenue silently dropped
        ctx.execute("DELETE FROM accounts WHERE account_id = '100000002'")
        return 0

    steps = (*STEPS[:-1], Step("bug", lose_an_account), STEPS[-1])
    monkeypatch.setattr(project, "STEPS", steps)
    lost = r"revenue: window revenue 1000\S* in sales but 750\S* .*difference 250"
    with pytest.raises(RunCheckError, match=lost) as info:
        project.run(settings_for(inputs, db))
    assert "sales_reach: 1 sales lines (amount 250" in str(info.value)
    assert "contacts_reach: 1 contacts" in str(info.value)  # ベータ's contact L3
    assert db.read_bytes() == before
    assert leftovers(db.parent) == []


def test_stale_build_files_of_dead_runs_are_removed(published):
    inputs, db = published
    dead = [
        db.with_name("abm.duckdb.building-20260101T000000-dead01"),
        db.with_name("abm.duckdb.building-x.wal"),
    ]
    for path in dead:
        path.write_bytes(b"half-written")
    spill = db.with_name("abm.duckdb.building-20260101T000000-dead01.tmp")  # DuckDB's spill folder
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"spilled blocks")
    dead.append(spill)
    # while another run holds the lock nothing is touched: those files might be its own
    with publish_lock(db), pytest.raises(AbmError, match="another abm run"):
        project.run(settings_for(inputs, db))
    assert all(p.exists() for p in dead)
    lines: list[str] = []
    project.run(settings_for(inputs, db), progress=lines.append)
    assert not any(p.exists() for p in dead)
    assert any("中断された実行の残りのファイル 3 個を削除しました" in ln for ln in lines)
    assert leftovers(db.parent) == []  # no lock file left after the run either


def test_corrupt_published_file_is_moved_aside_and_the_run_goes_on(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    db = tmp_path / "abm.duckdb"
    garbage = os.urandom(4096) + b"[/red]"
    db.write_bytes(garbage)
    result, _ = cli_run(inputs, db)
    assert result.exit_code == 0, result.stderr
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("abm.duckdb.corrupt-")]
    assert len(aside) == 1 and aside[0].read_bytes() == garbage  # kept for a post-mortem, not deleted
    assert f"{aside[0].name} に退避しました" in result.stderr and "この実行から始まります" in result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    assert leftovers(tmp_path) == []
    # a truncated copy (a disk that filled up while someone copied the file back) is no better
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    lines: list[str] = []
    project.run(settings_for(inputs, db), progress=lines.append)
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("abm.duckdb.corrupt-")]) >= 1
    assert any("Could not read enough bytes" in ln and "この実行から始まります" in ln for ln in lines)
    # a bad checksum ("... in block at location 4096": not a lock, though the word is in it)
    data = bytearray(db.read_bytes())
    data[5000:5100] = os.urandom(100)
    db.write_bytes(bytes(data))
    lines.clear()
    project.run(settings_for(inputs, db), progress=lines.append)
    assert any("checksum" in ln and "に退避しました" in ln for ln in lines)


def test_file_held_read_write_by_another_program_is_one_error_line(published):
    inputs, db = published
    before = db.read_bytes()
    holder = subprocess.Popen(  # a BI tool with a read-write connection on the published file
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
         "print('ok', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ok"
        result, errors = cli_run(inputs, db)
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr and len(errors) == 1
    assert "書き込み用に開いています" in errors[0] and str(db) in errors[0]  # error.file.open_for_writing
    assert db.read_bytes() == before
    assert leftovers(db.parent) == []


def test_file_opened_read_write_while_the_run_goes_is_one_error_line(published, monkeypatch):
    """The BI tool connects after the run's first look at the file, just before carry_over attaches it."""
    inputs, db = published
    before = db.read_bytes()
    monkeypatch.setattr(
        project, "usable_previous", lambda path, progress, lang: path
    )  # the first look passed
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
         "print('ok', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(AbmError, match="is open for writing by another program"):
            project.run(settings_for(inputs, db))
    finally:
        holder.kill()
        holder.wait()
    assert db.read_bytes() == before
    assert leftovers(db.parent) == []


def test_disk_full_is_one_error_line_and_keeps_the_file(published, monkeypatch):
    inputs, db = published
    before = db.read_bytes()

    def no_space(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(project.os, "replace", no_space)
    result, errors = cli_run(inputs, db)
    assert result.exit_code == 2, result.stderr
    assert len(errors) == 1 and "ディスクがいっぱいになりました" in errors[0], result.stderr
    assert db.read_bytes() == before
    assert leftovers(db.parent) == []


def test_unreadable_input_is_one_error_line(published, monkeypatch):
    inputs, db = published
    before = db.read_bytes()
    sales = inputs / "sales.csv"
    real_open = Path.open

    def denied(self, *args, **kwargs):  # what the OS answers for a file without read permission
        if self == sales:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    result, errors = cli_run(inputs, db)
    assert result.exit_code == 2, result.stderr
    assert len(errors) == 1 and "sales.csv" in errors[0] and "Permission denied" in errors[0]
    assert db.read_bytes() == before
    assert leftovers(db.parent) == []
