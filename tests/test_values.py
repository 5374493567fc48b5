"""Parsers of messy values, the 法人番号 check digit, periods and revenue concentration."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abm.inputs import parsing
from abm.inputs.corporate_number import check_digit, is_valid, valid_expr
from abm.periods import add_months, fiscal_year_window, quarter_label, rolling_window
from abm.ranking.concentration import concentration


def _apply(fn, values):
    return pl.DataFrame({"x": values}, schema={"x": pl.Utf8}).select(fn(pl.col("x"))).to_series().to_list()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/04/01", date(2026, 4, 1)),
        ("2026-4-1", date(2026, 4, 1)),
        ("20260401", date(2026, 4, 1)),
        ("2026年4月1日", date(2026, 4, 1)),
        ("令和8年4月1日", date(2026, 4, 1)),
        ("R8.4.1", date(2026, 4, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("２０２６／０４／０１", date(2026, 4, 1)),
        ("2026-04-01 12:30:00", date(2026, 4, 1)),
        ("46113", date(2026, 4, 1)),  # Excel serial day number
        ("2026/02/30", None),
        ("2026/13/45", None),
        ("TBD", None),
        ("", None),
    ],
)
def test_dates(text, expected):
    assert _apply(parsing.date, [text]) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234", 1234.0),
        ("￥1,234円", 1234.0),
        ("△500", -500.0),
        ("▲500", -500.0),
        ("(500)", -500.0),
        ("１２３４", 1234.0),
        ("-30", -30.0),
        ("abc", None),
        ("12-34", None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_amounts(text, expected):
    assert _apply(parsing.number, [text]) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("はい", True),
        ("いいえ", False),
        ("TRUE", True),
        ("0", False),
        ("○", True),
        ("×", False),
        ("東証プライム", True),
        ("非上場", False),
        ("maybe", None),
    ],
)
def test_booleans(text, expected):
    assert _apply(parsing.boolean, [text]) == [expected]


def test_opt_in_date_means_yes():
    assert _apply(parsing.opt_in, ["2025/04/01", "0", "はい", "someday"]) == [True, False, True, None]


def test_emails_and_domains():
    assert _apply(parsing.email, ["Taro@Alpha.CO.JP", "taro@", "taro.example.com", "a@b"]) == [
        "taro@alpha.co.jp",
        None,
        None,
        None,
    ]
    assert _apply(parsing.domain, ["https://www.alpha.co.jp/x", "ALPHA.jp", "not a domain"]) == [
        "alpha.co.jp",
        "alpha.jp",
        None,
    ]


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_check_digit_vectorised_matches_reference(base):
    good = f"{check_digit(base)}{base}"
    bad = f"{(check_digit(base) + 1) % 10}{base}"
    assert is_valid(good) and not is_valid(bad)
    assert _apply(valid_expr, [good, bad]) == [True, False]


def test_known_corporate_number():
    assert is_valid("7000012050002")  # 国税庁
    assert not is_valid("700001205000")


def test_periods():
    assert rolling_window(date(2026, 9, 30), 12) == (date(2025, 10, 1), date(2026, 9, 30))
    assert fiscal_year_window(date(2026, 9, 30)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert fiscal_year_window(date(2027, 3, 31)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert fiscal_year_window(date(2026, 9, 30), start_month=1) == (date(2025, 1, 1), date(2025, 12, 31))
    assert quarter_label(date(2026, 9, 30)) == "FY2026Q2"
    assert quarter_label(date(2027, 1, 5)) == "FY2026Q4"
    assert quarter_label(date(2026, 9, 30), "calendar") == "2026Q3"
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_concentration_hand_computed():
    figures = concentration(pl.Series([600.0, 250.0, 100.0, 40.0, 10.0, 0.0, -5.0]))
    assert figures["customers"] == 5
    assert figures["top10_share"] == pytest.approx(0.6)  # ceil(0.5) = 1 customer
    assert figures["top20_share"] == pytest.approx(0.6)  # ceil(1.0) = 1 customer
    # ascending x = 10, 40, 100, 250, 600; Σ i·x = 10 + 80 + 300 + 1000 + 3000 = 4390
    assert figures["gini"] == pytest.approx(2 * 4390 / (5 * 1000) - 6 / 5)


@given(st.lists(st.floats(min_value=1, max_value=1e9), min_size=1, max_size=50))
def test_gini_bounds_and_equality(values):
    g = concentration(pl.Series(values))["gini"]
    assert -1e-9 <= g < 1
    if max(values) == min(values):
        assert math.isclose(g, 0, abs_tol=1e-9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成31年5月1日", None),  # 平成 ended on 2019-04-30: that day is 令和元年5月1日
        ("H31.5.1", None),
        ("令和元年4月30日", None),  # 令和 began on 2019-05-01
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("昭和64年1月8日", None),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("S30.4.1", date(1955, 4, 1)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("T15.12.25", None),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("M45.7.30", None),
        ("明治元年10月23日", date(1868, 10, 23)),
        ("明治元年10月22日", None),
    ],
)
def test_era_dates_only_inside_their_era(text, expected):
    assert _apply(parsing.date, [text]) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昭和30年", 1955),
        ("H2", 1990),
        ("h2年", 1990),
        ("1955年4月", 1955),
        ("1955", 1955),
        ("１９５５年", 1955),
        ("1955/04/01", 1955),
        ("S30.4.1", 1955),
        ("令和元年", 2019),
        ("平成31年", 2019),
        ("平成32年", None),  # 平成 has no 32nd year
        ("M45", 1912),
        ("T16", None),
        ("1955年13月", None),
        ("30", None),  # two digits: which century?
        ("不明", None),
    ],
)
def test_years_alone(text, expected):
    assert _apply(parsing.year, [text]) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", None),  # European: guessing 1.23456 or 1234.56 would be wrong either way
        ("12円34", None),
        ("1,234", 1234.0),
        ("1,234.5", 1234.5),
        ("1,234.5,6", None),
        ("¥", None),
        ("1,234円", 1234.0),
    ],
)
def test_amounts_refuse_guesses(text, expected):
    assert _apply(parsing.number, [text]) == [expected]
