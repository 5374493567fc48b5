"""End-to-end runs on the tiny hand-made inputs: every table's answer can be read off tests/helpers.py."""

from __future__ import annotations

import gc
import json
import os
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from helpers import settings_for, write_inputs

from abm.errors import AbmError, InputError
from abm.matching import index
from abm.published import file as published
from pipelines import project


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_published_tables(tiny_con):
    tables = {
        r[0] for r in rows(tiny_con, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'")
    }
    assert {
        "accounts",
        "matches",
        "match_review",
        "pareto",
        "deciles",
        "segments",
        "runs",
        "rejects",
    } <= tables
    assert rows(tiny_con, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'work'") == [(0,)]


def test_every_input_row_lands_or_is_rejected(tiny_con):
    # fixtures: 7 companies (1 bad 法人番号: lands without it), 11 sales lines (3 bad), 7 contacts (2 bad)
    landed = rows(
        tiny_con,
        "SELECT (SELECT count(*) FROM companies), (SELECT count(*) FROM sales), "
        "(SELECT count(*) FROM contacts)",
    )
    rejected = dict(
        rows(
            tiny_con,
            "SELECT source_file, count(DISTINCT row_number) FROM rejects WHERE severity = 'row' GROUP BY 1",
        )
    )
    assert landed == [(7, 8, 5)]
    assert rejected == {"sales.csv": 3, "contacts.xlsx#Sheet1": 2}
    nulled = rows(
        tiny_con, "SELECT source_file, row_number, \"column\" FROM rejects WHERE severity = 'value'"
    )
    assert nulled == [("companies.csv", 8, "corporate_number")]
    cn = rows(tiny_con, "SELECT corporate_number FROM companies WHERE company_id = '100000007'")
    assert cn == [(None,)]
    reasons = {r[0] for r in rows(tiny_con, "SELECT reason FROM rejects")}
    assert reasons == {
        "invalid corporate number",
        "unparseable date",
        "unparseable amount",
        "missing required value",
        "duplicate key",
        "malformed email",
    }


def test_pareto_and_deciles_hand_computed(tiny_con):
    # window 2025-10-01 … 2026-09-30: alpha 700-100+0 = 600, beta 250, gamma 100, epsilon 40, omega 10
    pareto = rows(
        tiny_con,
        "SELECT rank, name, revenue, round(cumulative_share, 4), abc_class, revenue_decile "
        "FROM pareto ORDER BY rank",
    )
    assert pareto == [
        (1, "株式会社アルファ商事", 600.0, 0.6, "A", 1),
        (2, "ベータ工業株式会社", 250.0, 0.85, "A", 2),  # 60% before it < 80%: still A
        (3, "有限会社ガンマ精機", 100.0, 0.95, "B", 3),  # 85% before it < 95%: B
        (4, "株式会社イプシロン", 40.0, 0.99, "C", 4),
        (5, "オメガ株式会社", 10.0, 1.0, "C", 5),
    ]
    deciles = rows(tiny_con, "SELECT decile, accounts, revenue, round(cumulative_share, 4) FROM deciles")
    assert deciles[0] == (1, 1, 600.0, 0.6) and deciles[-1] == (5, 1, 10.0, 1.0)
    delta = rows(tiny_con, "SELECT sales_amount, in_sales FROM accounts WHERE name = 'デルタ電機株式会社'")
    assert delta == [(0.0, False)]  # its only sale is outside the window


def test_accounts_cover_master_and_unmatched_companies(tiny_con):
    accounts = dict(rows(tiny_con, "SELECT name, in_master FROM accounts"))
    assert len(accounts) == 8  # 7 master companies + オメガ (in sales and contacts, not in the master)
    assert accounts["オメガ株式会社"] is False
    omega = rows(
        tiny_con, "SELECT account_id, in_sales, has_contacts, segment FROM accounts WHERE NOT in_master"
    )
    assert omega[0][0].startswith("X-") and omega[0][1:] == (True, True, "S+C")


def test_segments_agree_with_flags_and_contacts_rules(tiny_con):
    flags = rows(
        tiny_con, "SELECT name, in_sales, has_contacts, contact_count, segment FROM accounts ORDER BY name"
    )
    by_name = {r[0]: r[1:] for r in flags}
    assert by_name["デルタ電機株式会社"][1:3] == (True, 1)  # opted in by date
    assert by_name["ベータ工業株式会社"][1] is False  # opted out before as-of
    assert by_name["株式会社イプシロン"][1] is False  # opt-in 0
    for _, in_sales, has_contacts, _, segment in flags:
        assert ("S" in segment.split("+")) == in_sales
        assert ("C" in segment.split("+")) == has_contacts
    counts = dict(rows(tiny_con, "SELECT segment, accounts FROM segments"))
    assert sum(counts.values()) == 8 and len(counts) == 8


def test_runs_records_inputs_and_concentration(tiny_con):
    run = rows(
        tiny_con,
        "SELECT as_of, quarter, rows_rejected, customers, round(top20_share, 3), input_files FROM runs",
    )
    assert len(run) == 1
    as_of, quarter, rejected, customers, top20, files = run[0]
    assert (str(as_of), quarter, rejected, customers, top20) == ("2026-09-30", "FY2026Q2", 5, 5, 0.6)
    assert "sha256" in files and "cp932" in files
    assert json.loads(files)["companies"]["values_nulled"] == 1  # the bad 法人番号, its company landed


def test_second_run_keeps_history_and_a_failed_run_keeps_the_file(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    db = tmp_path / "abm.duckdb"
    first = project.run(settings_for(inputs, db))
    second = project.run(settings_for(inputs, db, **{"run.as_of": "2026-06-30"}))
    with duckdb.connect(str(db), read_only=True) as con:
        assert rows(con, "SELECT run_id FROM runs ORDER BY started_at") == [(first.run_id,), (second.run_id,)]
        assert {r[0] for r in rows(con, "SELECT DISTINCT quarter FROM account_history")} == {
            "FY2026Q2",
            "FY2026Q1",
        }
    before = db.read_bytes()
    (inputs / "sales.csv").write_text("受注日,取引先コード\n2026/04/01,C1\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing required column"):
        project.run(settings_for(inputs, db))
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if "building" in p.name] == []


def test_reader_holding_the_old_file_is_not_disturbed(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    db = tmp_path / "abm.duckdb"
    first = project.run(settings_for(inputs, db))
    reader = duckdb.connect(str(db), read_only=True)
    second = project.run(settings_for(inputs, db))
    assert rows(reader, "SELECT run_id FROM runs") == [(first.run_id,)]  # still the old, whole file
    reader.close()
    with duckdb.connect(str(db), read_only=True) as con:
        assert len(rows(con, "SELECT run_id FROM runs")) == 2 and second.run_id


def test_only_one_run_per_database(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    db = tmp_path / "abm.duckdb"
    with published.publish_lock(db), pytest.raises(AbmError, match="another abm run"):
        project.run(settings_for(inputs, db))
    assert not db.exists()
    assert set(os.listdir(tmp_path)) == {"in"}  # the lock file goes when its holder is done


def test_a_run_lets_go_of_the_master_index_after_linking(tmp_path: Path):
    """The national master's 名寄せ index is ~6 GiB: once the link step is done nothing may hold it,
    or it sits in memory through every later step (it did: a module-level memo kept it)."""
    index._CACHE.clear()  # what other tests' library calls memoised
    step_ends: list[int] = []

    def after_link(ctx) -> int:
        gc.collect()
        step_ends.append(sum(isinstance(o, index.MasterIndex) for o in gc.get_objects()))
        return 0

    steps = tuple(  # the step after link first counts the indexes still alive
        replace(s, run=lambda ctx, run=s.run: after_link(ctx) + run(ctx)) if s.name == "accounts" else s
        for s in project.STEPS
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(project, "STEPS", steps)
        project.run(settings_for(write_inputs(tmp_path / "in"), tmp_path / "abm.duckdb"))
    assert step_ends == [0]
