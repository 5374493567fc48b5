"""The one read side (abm.published.reader) and the per-quarter sales it serves from the run."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from conftest import settings_for
from fixtures import write_inputs

from abm.errors import AbmError
from abm.published.reader import DatabaseMissing, DatabaseUnreadable, PublishedFile, reading
from pipelines import project


def test_sales_quarters_add_up_to_every_sales_line_per_account(tiny_db: Path):
    with reading(tiny_db) as s:
        quarters = s.frame("FROM account_sales_quarters")
        lines = s.frame(
            "SELECT m.account_id, sum(s.amount) AS amount, count(*) AS lines FROM sales s "
            "JOIN matches m ON m.source = 'sales' AND m.source_key = s.customer_code GROUP BY ALL"
        )
        total_lines = s.scalar("SELECT count(*) FROM sales")
        run_quarter = s.run_quarter
        latest_line = s.scalar("SELECT max(date) FROM sales")
    assert quarters.height and quarters["quarter"].null_count() == 0
    assert quarters.select("account_id", "quarter").is_duplicated().sum() == 0  # one row per quarter
    assert int(quarters["lines"].sum()) == total_lines  # every line counted once, returns included
    per_account = quarters.group_by("account_id").agg(pl.col("amount").sum(), pl.col("lines").sum())
    joined = lines.join(per_account, on="account_id", suffix="_q", how="full", coalesce=True)
    assert joined.filter(pl.col("lines") != pl.col("lines_q")).height == 0
    assert ((joined["amount"] - joined["amount_q"]).abs() < 1e-6).all()
    # as-of defaults to the latest sales date: that line's quarter is labelled like runs.quarter
    assert run_quarter.startswith("FY")
    assert quarters.filter(pl.col("first_sale_date") <= latest_line)["quarter"].max() == run_quarter


def test_sales_quarters_follow_the_configured_calendar(tmp_path: Path):
    db = tmp_path / "abm.duckdb"
    project.run(settings_for(write_inputs(tmp_path / "in"), db, **{"run.quarter_calendar": "calendar"}))
    with reading(db) as s:
        labels = s.frame("SELECT DISTINCT quarter FROM account_sales_quarters")["quarter"].to_list()
        assert s.run_quarter in labels
    assert labels and all(q[:4].isdigit() and q[4] == "Q" for q in labels)


def test_a_missing_or_damaged_file_is_one_clear_error(tmp_path: Path):
    missing = pytest.raises(DatabaseMissing, match=r"abm\.duckdb not found: run `abm run` first")
    with missing, reading(tmp_path / "abm.duckdb"):
        pass
    garbage = tmp_path / "abm.duckdb"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseUnreadable, match="cannot be read") as caught, reading(garbage):
        pass
    assert isinstance(caught.value, AbmError)  # the CLI prints it as one `error:` line
    assert str(tmp_path) not in str(caught.value)  # the API returns it: no server folder in it


def test_session_reads_only_and_streams(tiny_db: Path):
    reader = PublishedFile(tiny_db)
    with reader.session() as s:
        assert s.has("accounts") and not s.has("no_such_table")
        assert s.columns("account_sales_quarters") == [
            "account_id",
            "quarter",
            "first_sale_date",
            "amount",
            "lines",
        ]
        total = s.scalar("SELECT count(*) FROM accounts")
        sizes = [f.height for f in s.batches("SELECT account_id FROM accounts ORDER BY account_id", size=3)]
        assert sum(sizes) == total and max(sizes) <= 3
        with pytest.raises(Exception, match=r"read-only|read only"):
            s.execute("DELETE FROM accounts")
    assert reader.rows("SELECT count(*) AS n FROM accounts") == [{"n": total}]
    reader.close()
