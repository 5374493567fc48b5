"""The BI contract: views answer the common questions, every published column is described, and
docs/data-dictionary.md is what `abm dev dictionary` generates (no run ids or dates in it)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from helpers import settings_for, write_inputs

from abm.published.contract import (
    CATALOG,
    comment_statements,
    published_objects,
    render_markdown,
    undocumented,
)
from pipelines import project

DICTIONARY = Path(__file__).parent.parent / "docs" / "data-dictionary.md"
VIEWS = ("v_target_accounts", "v_whitespace", "v_account_360", "v_segment_summary", "v_territory_balance")


@pytest.fixture(scope="session")
def reps_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny inputs plus a reps file, like the shipped sample (which has reps.csv)."""
    root = tmp_path_factory.mktemp("tiny_reps")
    inputs = write_inputs(root / "in")
    (inputs / "reps.csv").write_text(
        "担当者コード,担当者名,エリア\nR1,営業一郎,関東\nR2,営業二郎,近畿\nR3,営業三郎,九州・沖縄\n",
        encoding="utf-8",
    )
    db = root / "abm.duckdb"
    project.run(settings_for(inputs, db))
    return db


def _objects(db: Path) -> pl.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return published_objects(con)
    finally:
        con.close()


@pytest.mark.parametrize("which", ["tiny_db", "reps_db"])
def test_every_published_table_view_and_column_has_a_description(which, request):
    objects = _objects(request.getfixturevalue(which))
    assert set(VIEWS) <= set(objects["name"])
    assert undocumented(objects) == [], "add descriptions to abm/published/contract.py"


def test_work_tables_are_not_published(tiny_con):
    schemas = {r[0] for r in tiny_con.execute("SELECT DISTINCT schema_name FROM duckdb_tables()").fetchall()}
    assert schemas == {"main"}


def test_dictionary_is_generated_and_fresh(reps_db):
    text = render_markdown(_objects(reps_db))
    assert "run_id" in text and "2026" not in text.split("## ")[0]  # no run id or date in the header
    assert DICTIONARY.exists(), "run `abm dev dictionary` after `abm run` on the shipped sample"
    assert DICTIONARY.read_text(encoding="utf-8") == text, (
        "docs/data-dictionary.md is stale: run `abm run && abm dev dictionary`"
    )


def test_comment_statements_cover_only_existing_objects_and_quote():
    objects = pl.DataFrame(
        {"name": ["accounts", "unknown_table"], "kind": ["TABLE", "TABLE"], "column_name": ["tier", "x"]}
    )
    statements = comment_statements(objects)
    assert statements[0].startswith('COMMENT ON TABLE "accounts" IS')
    assert any(s.startswith('COMMENT ON COLUMN "accounts"."tier"') for s in statements)
    assert not any("unknown_table" in s for s in statements)
    bodies = [s.split(" IS ", 1)[1][1:-1] for s in statements]
    assert all("'" not in body.replace("''", "") for body in bodies)  # quotes are doubled
    assert "accounts" in CATALOG and all(e.description for e in CATALOG.values())


def test_target_accounts_are_the_tiered_accounts_in_priority_order(tiny_con):
    view = tiny_con.sql("FROM v_target_accounts").pl()
    tiered = tiny_con.execute("SELECT count(*) FROM accounts WHERE tier IS NOT NULL").fetchone()[0]
    assert view.height == tiered > 0
    assert view["priority"].to_list() == list(range(1, view.height + 1))
    assert view["tier"].is_sorted()
    assert view.filter(pl.col("tier").is_null()).height == 0


def test_whitespace_is_buying_power_without_sales_best_first(tiny_con):
    view = tiny_con.sql("FROM v_whitespace").pl()
    sql = "SELECT count(*) FROM accounts WHERE has_buying_power AND NOT in_sales"
    expected = tiny_con.execute(sql).fetchone()[0]
    assert view.height == expected
    assert view["buying_power_score"].is_sorted(descending=True)
    # デルタ電機 (5,000 employees, the largest company) only bought outside the window (2024)
    assert "100000004" in view["account_id"].to_list()


def test_account_360_accounts_for_every_record_once(tiny_con):
    view = tiny_con.sql("FROM v_account_360").pl()
    tables = ("accounts", "matches", "sales", "contacts")
    n = {t: tiny_con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    assert view.height == n["accounts"]
    assert view["linked_records"].sum() == n["matches"]
    assert view["sales_lines"].sum() == n["sales"]
    assert view["contacts_total"].sum() == n["contacts"]
    total = tiny_con.execute("SELECT sum(amount) FROM sales").fetchone()[0]
    assert view["lifetime_amount"].sum() == pytest.approx(total)  # 700 - 100 + 250 + 100 + 40 + 10 + 999 + 0
    assert (view["contacts_total"] >= view["contact_count"]).all()
    omega = view.filter(pl.col("name") == "オメガ株式会社").row(0, named=True)  # not in the master
    assert omega["company_id"] is None and omega["sales_lines"] == 1 and omega["linked_records"] >= 1


def test_segment_summary_adds_up(tiny_con):
    view = tiny_con.sql("FROM v_segment_summary").pl()
    assert view["segment"].to_list() == ["S+B+C", "S+B", "B+C", "B", "S+C", "S", "C", "none"]
    assert view["accounts"].sum() == tiny_con.execute("SELECT count(*) FROM accounts").fetchone()[0]
    assert view["account_share"].sum() == pytest.approx(1.0)
    assert view["revenue"].sum() == pytest.approx(1000)  # 600 + 250 + 100 + 40 + 10


def test_territory_balance_without_reps_is_per_area(tiny_con):
    view = tiny_con.sql("FROM v_territory_balance").pl()
    in_circle = tiny_con.execute("SELECT count(*) FROM accounts WHERE segment <> 'none'").fetchone()[0]
    assert view["accounts"].sum() == in_circle
    assert view["owner"].is_null().all() and view["within_tolerance"].is_null().all()


def test_territory_balance_with_reps_has_the_same_columns(tiny_con, reps_db):
    con = duckdb.connect(str(reps_db), read_only=True)
    try:
        with_reps = con.sql("FROM v_territory_balance").pl()
        balance = con.execute("SELECT count(*) FROM territory_balance").fetchone()[0]
    finally:
        con.close()
    assert with_reps.columns == tiny_con.sql("FROM v_territory_balance").pl().columns
    assert with_reps.height == balance == 3
    assert set(with_reps["owner"]) == {"R1", "R2", "R3"}
