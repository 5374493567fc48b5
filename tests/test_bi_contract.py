"""The BI contract: a published file is exactly the declared contract (names, order, types), views
answer the common questions, and docs/data-dictionary.md is what `abm dev dictionary` generates."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import duckdb
import polars as pl
import pytest
from helpers import settings_for, write_inputs

from abm.config import settings as config_settings
from abm.config.settings import TierSettings
from abm.published.contract import CONTRACT, PRIORITY, SEGMENTS
from abm.published.dictionary import comment_statements, differences, published_objects, render_markdown
from abm.published.export import COLUMNS as EXPORT_COLUMNS
from abm.published.export import MADE_HERE
from abm.targeting.actions import with_priority_score
from abm.targeting.tiers import assign_tiers
from api import queries, schemas
from pipelines import project

ROOT = Path(__file__).parent.parent
DICTIONARY = ROOT / "docs" / "data-dictionary.md"
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
def test_describe_of_a_published_file_is_the_contract(which, request):
    """Names, column order and DuckDB types of every table and view equal the declaration, and
    every column carries its description."""
    objects = _objects(request.getfixturevalue(which))
    assert set(VIEWS) <= set(objects["name"])
    assert differences(objects) == [], "declare the change in abm/published/contract.py"
    uncommented = objects.filter(pl.col("comment").is_null() | pl.col("table_comment").is_null())
    assert uncommented.height == 0


def test_a_column_added_in_sql_without_the_contract_is_caught(tiny_db, tmp_path):
    copy = tmp_path / "drift.duckdb"
    copy.write_bytes(tiny_db.read_bytes())
    con = duckdb.connect(str(copy))
    try:
        con.execute("ALTER TABLE accounts ADD COLUMN surprise INTEGER")
        con.execute("CREATE VIEW v_surprise AS SELECT 1 AS x")
        drift = differences(published_objects(con))
    finally:
        con.close()
    assert any(d.startswith("accounts: columns") and "surprise INTEGER" in d for d in drift)
    assert "v_surprise: published but not in the contract" in drift


def test_contract_declares_grain_and_personal_data():
    assert all(t.grain and t.description and all(c.description for c in t.columns) for t in CONTRACT.values())
    personal = {(t.name, c.name) for t in CONTRACT.values() for c in t.columns if c.personal}
    assert {("contacts", "person_name"), ("contacts", "email"), ("contacts", "phone")} <= personal
    assert not any(name.startswith("v_") or name == "accounts" for name, _ in personal)


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
    assert "Grain: one row per account." in statements[0]


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
    assert (
        view["segment"].to_list() == list(SEGMENTS) == ["S+B+C", "S+B", "B+C", "B", "S+C", "S", "C", "none"]
    )
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


@pytest.mark.parametrize("model", list(schemas.PUBLISHED_MODELS), ids=lambda m: m.__name__)
def test_api_models_are_the_contract_columns_they_expose(model):
    """Each API row model carries columns of its published table: same names, contract order, the
    contract's description, a Python type matching the DuckDB type."""
    table = CONTRACT[schemas.PUBLISHED_MODELS[model]]
    fields = model.model_fields
    assert list(fields) == [n for n in table.names if n in fields], f"{model.__name__}: not in contract order"
    python = {"VARCHAR": str, "BIGINT": int, "TINYINT": int, "DOUBLE": float, "BOOLEAN": bool}
    for name, field in fields.items():
        column = table.column(name)
        assert field.description == column.description
        if column.type in python and name not in ("input_files", "link_summary"):
            assert python[column.type] in (get_args(field.annotation) or (field.annotation,)), name


def test_account_model_and_queries_serve_every_accounts_column():
    names = CONTRACT["accounts"].names
    assert tuple(schemas.Account.model_fields) == names == tuple(queries.ACCOUNT_COLUMNS)
    assert "whitespace" in schemas.Account.model_fields  # published but once missing from /accounts


def test_account_example_is_a_real_row_with_the_current_tier_reason():
    example = schemas.ACCOUNT_EXAMPLE
    assert tuple(example) == CONTRACT["accounts"].names
    schemas.Account.model_validate(example)
    alone = pl.DataFrame(
        {k: [example[k]] for k in ("account_id", "segment", "buying_power_score", "sales_amount")}
    )
    # the example is #1 of the default 50 Tier 1 places
    tiered = assign_tiers(with_priority_score(alone, 0.0), TierSettings())
    assert tiered["tier"].to_list() == [example["tier"]]
    assert tiered["tier_reason"].to_list() == [example["tier_reason"]]


def test_account_filters_are_accounts_columns():
    accounts = CONTRACT["accounts"].names
    filters = schemas.AccountFilters.model_fields
    assert set(schemas.COLUMN_FILTERS) <= set(accounts) & set(filters)
    for name in schemas.COLUMN_FILTERS:
        assert CONTRACT["accounts"].column(name).description in (filters[name].description or "")
    sorts = {s.lstrip("-") for s in get_args(schemas.SortKey)} - {"priority"}
    assert sorts <= set(accounts)


def test_segments_are_listed_once():
    assert config_settings.SEGMENTS is SEGMENTS
    assert get_args(schemas.Segment) == SEGMENTS
    views = (ROOT / "pipelines" / "sql" / "views.sql").read_text(encoding="utf-8")
    assert "[" + ", ".join(f"'{s}'" for s in SEGMENTS) + "]" in views


def test_priority_order_is_one_rule(tiny_con):
    """v_target_accounts.priority, accounts.priority (the API's `priority` sort) and the contract's
    PRIORITY agree."""
    views = (ROOT / "pipelines" / "sql" / "views.sql").read_text(encoding="utf-8")
    assert "a.priority," in views  # the view carries the published column, no second ORDER BY
    assert queries.SORTS["priority"] == "priority"  # the API sorts by the published column
    everyone = tiny_con.sql("FROM accounts").pl()
    published = everyone.sort("priority")["account_id"].to_list()
    rule = everyone.sort([name for name, _ in PRIORITY], descending=[d for _, d in PRIORITY], nulls_last=True)
    assert published == rule["account_id"].to_list()
    view = tiny_con.sql("SELECT account_id FROM v_target_accounts ORDER BY priority").pl()
    accounts = tiny_con.sql("FROM accounts WHERE tier IS NOT NULL").pl()
    by_rule = accounts.sort(
        [name for name, _ in PRIORITY], descending=[d for _, d in PRIORITY], nulls_last=True
    )
    assert view["account_id"].to_list() == by_rule["account_id"].to_list()


def test_personal_columns_reach_the_api_only_in_contacts():
    personal: dict[str, Any] = {
        name: {c.name for c in t.columns if c.personal} for name, t in CONTRACT.items()
    }
    for model, table in schemas.PUBLISHED_MODELS.items():
        exposed = set(model.model_fields) & personal[table]
        assert not exposed or model is schemas.Contact, f"{model.__name__} exposes {exposed}"
    assert {"person_name", "email", "phone"} <= set(schemas.Contact.model_fields)


def test_export_columns_are_published_columns_or_made_by_the_export():
    published = set(CONTRACT["accounts"].names) | set(CONTRACT["companies"].names)
    assert set(MADE_HERE) <= set(EXPORT_COLUMNS)
    assert set(EXPORT_COLUMNS) - set(MADE_HERE) <= published
    assert set(EXPORT_COLUMNS) - set(MADE_HERE) <= set(CONTRACT["v_target_accounts"].names)
