"""pareto.sql through a real DuckDB run, on hand-made sales whose answers can be read off.

The tables the SQL reads (sales, work.record_account, work.account_base) are built by hand, so
these tests do not depend on 名寄せ: two customer codes of one account must be summed together.
"""

from __future__ import annotations

import time
from datetime import date

import duckdb
import polars as pl
import pytest

from abm import periods
from abm.config.settings import load_settings
from pipelines.context import RunContext

# account A1 has two customer codes (C1, C1b): revenue is grouped by account, not by code
SALES = [
    # date, customer_code, amount
    (date(2026, 4, 1), "C1", 500.0),
    (date(2026, 5, 10), "C1", -100.0),  # a return, netted
    (date(2026, 6, 1), "C1b", 200.0),  # same account as C1: A1 = 600
    (date(2026, 6, 1), "C2", 250.0),
    (date(2025, 10, 1), "C3", 100.0),  # first day of the rolling window: in
    (date(2025, 9, 30), "C3", 777.0),  # one day before the rolling window: out
    (date(2026, 7, 15), "C4", 40.0),
    (date(2026, 8, 1), "C5", 10.0),
    (date(2026, 8, 2), "C6", 30.0),
    (date(2026, 8, 3), "C6", -30.0),  # nets to 0: not a customer
    (date(2026, 9, 30), "C1", 0.0),  # as-of
]
ACCOUNT_OF = {"C1": "A1", "C1b": "A1", "C2": "A2", "C3": "A3", "C4": "A4", "C5": "A5", "C6": "A6"}


def build(window: tuple[date, date], **settings) -> RunContext:
    con = duckdb.connect()
    ctx = RunContext(con, load_settings(None, **settings), "test", time.time())
    ctx.execute("CREATE SCHEMA work")
    ctx.write("sales", pl.DataFrame(SALES, schema=["date", "customer_code", "amount"], orient="row"))
    ctx.write(
        "work.record_account",
        pl.DataFrame(
            {"source": "sales", "source_key": list(ACCOUNT_OF), "account_id": list(ACCOUNT_OF.values())}
        ),
    )
    accounts = sorted(set(ACCOUNT_OF.values()))
    ctx.write(
        "work.account_base", pl.DataFrame({"account_id": accounts, "name": [f"name {a}" for a in accounts]})
    )
    ctx.as_of = date(2026, 9, 30)
    ctx.window_start, ctx.window_end = window
    ctx.sql("account_sales")
    ctx.sql("pareto")
    ctx.sql("deciles")
    return ctx


ROLLING = periods.rolling_window(date(2026, 9, 30), 12)


def test_rolling_window_is_the_12_months_ending_on_as_of():
    assert (date(2025, 10, 1), date(2026, 9, 30)) == ROLLING
    assert periods.rolling_window(date(2024, 2, 29), 12) == (date(2023, 3, 1), date(2024, 2, 29))
    assert periods.rolling_window(date(2026, 3, 31), 1) == (date(2026, 3, 1), date(2026, 3, 31))


def test_fiscal_year_window_is_the_last_complete_april_year():
    assert periods.fiscal_year_window(date(2026, 9, 30)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert periods.fiscal_year_window(date(2026, 3, 30)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert periods.fiscal_year_window(date(2026, 3, 31)) == (date(2025, 4, 1), date(2026, 3, 31))
    # an October start: the fiscal year ending on as-of itself is complete
    assert periods.fiscal_year_window(date(2026, 9, 30), start_month=10) == (
        date(2025, 10, 1),
        date(2026, 9, 30),
    )
    assert periods.fiscal_year_window(date(2026, 9, 29), start_month=10) == (
        date(2024, 10, 1),
        date(2025, 9, 30),
    )


def test_pareto_hand_computed_with_default_thresholds():
    ctx = build(ROLLING)
    got = ctx.query(
        "SELECT rank, account_id, revenue, round(share, 4) AS s, round(cumulative_share, 4) AS cs, "
        "abc_class, revenue_decile FROM pareto ORDER BY rank"
    ).rows()
    # revenue 600 / 250 / 100 / 40 / 10 = 1000; A6 nets to 0 and is no customer
    assert got == [
        (1, "A1", 600.0, 0.6, 0.6, "A", 1),
        (2, "A2", 250.0, 0.25, 0.85, "A", 2),  # 60% before it < 80%: the customer crossing 80% is A
        (3, "A3", 100.0, 0.1, 0.95, "B", 3),  # 85% before it < 95%
        (4, "A4", 40.0, 0.04, 0.99, "C", 4),  # 95% before it: not < 95%
        (5, "A5", 10.0, 0.01, 1.0, "C", 5),
    ]
    sales = dict(ctx.query("SELECT account_id, sales_amount FROM work.account_sales").rows())
    assert sales["A1"] == 600.0 and sales["A3"] == 100.0 and sales["A6"] == 0.0


def test_abc_thresholds_come_from_the_config():
    ctx = build(ROLLING, **{"abc.a": 0.5, "abc.b": 0.9})
    classes = ctx.query("SELECT abc_class FROM pareto ORDER BY rank")["abc_class"].to_list()
    # before-shares 0, .60, .85, .95, .99 → A (<.5), B (<.9), B, C, C
    assert classes == ["A", "B", "B", "C", "C"]


def test_deciles_table_hand_computed():
    ctx = build(ROLLING)
    got = ctx.query(
        "SELECT decile, accounts, revenue, round(share, 4), round(cumulative_share, 4), "
        "min_revenue, max_revenue "
        "FROM deciles ORDER BY decile"
    ).rows()
    # 5 customers → deciles 1..5 with one customer each (ntile never leaves a group empty before a later one)
    assert got == [
        (1, 1, 600.0, 0.6, 0.6, 600.0, 600.0),
        (2, 1, 250.0, 0.25, 0.85, 250.0, 250.0),
        (3, 1, 100.0, 0.1, 0.95, 100.0, 100.0),
        (4, 1, 40.0, 0.04, 0.99, 40.0, 40.0),
        (5, 1, 10.0, 0.01, 1.0, 10.0, 10.0),
    ]


def test_fiscal_year_window_through_duckdb():
    window = periods.fiscal_year_window(date(2026, 9, 30))  # FY2025: 2025-04-01 … 2026-03-31
    ctx = build(window)
    got = dict(ctx.query("SELECT account_id, revenue FROM pareto").rows())
    # only C3's two lines fall in FY2025 (2025-09-30 and 2025-10-01)
    assert got == {"A3": 877.0}


@pytest.mark.parametrize("n", [20, 23])
def test_deciles_are_equal_count_groups(n):
    con = duckdb.connect()
    ctx = RunContext(con, load_settings(None), "test", time.time())
    ctx.execute("CREATE SCHEMA work")
    codes = [f"C{i:02d}" for i in range(n)]
    ctx.write(
        "sales",
        pl.DataFrame(
            {
                "date": [date(2026, 1, 1)] * n,
                "customer_code": codes,
                "amount": [float(i + 1) for i in range(n)],
            }
        ),
    )
    ctx.write(
        "work.record_account", pl.DataFrame({"source": "sales", "source_key": codes, "account_id": codes})
    )
    ctx.write("work.account_base", pl.DataFrame({"account_id": codes, "name": codes}))
    ctx.as_of, ctx.window_start, ctx.window_end = date(2026, 9, 30), *ROLLING
    ctx.sql("account_sales")
    ctx.sql("pareto")
    ctx.sql("deciles")
    sizes = ctx.query("SELECT accounts FROM deciles ORDER BY decile")["accounts"].to_list()
    assert sum(sizes) == n and len(sizes) == 10 and max(sizes) - min(sizes) <= 1
    top = ctx.query("SELECT min_revenue, max_revenue, cumulative_share FROM deciles WHERE decile = 1").row(0)
    assert top[1] == float(n) and top[0] == float(n - sizes[0] + 1)
    assert ctx.scalar("SELECT max(cumulative_share) FROM deciles") == pytest.approx(1.0)
