"""Validation parses a repetitive column once per distinct value: the result must be the row-by-row one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from abm.inputs import parsing
from abm.inputs import validate as v
from abm.inputs.readers import read_input
from abm.inputs.schema import COMPANIES, SALES

DATES = ["2026/04/01", "令和8年4月2日", "２０２６年４月３日", "2026-02-30", "", "昨日"]
AMOUNTS = ["1,200", "△300", "1.234,56", "", "￥5,000円", "abc"]
CODES = ["C001", "Ｃ００２", "C003", " C004 "]


def _sales_file(tmp_path: Path, rows: int) -> Path:
    """A CP932 sales file whose columns repeat a handful of values, bad ones included."""
    lines = ["受注日,取引先コード,取引先名,売上金額,法人番号"]
    for i in range(rows):
        cn = "7000012050002" if i % 3 else "1234567890123"  # valid / bad check digit
        lines.append(f'{DATES[i % 6]},{CODES[i % 4]},株式会社アルファ{i % 7},"{AMOUNTS[i % 5]}",{cn}')
    lines.append("2026/04/01,C9,ラグ")  # a ragged line stays one whole-row problem
    path = tmp_path / "sales.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp932"))
    return path


def test_distinct_value_parsing_gives_the_row_by_row_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    raw, _ = read_input(_sales_file(tmp_path, 12_000), SALES)
    assert raw.height >= v.DISTINCT_MIN_ROWS
    landed, rejects = v.validate(raw, SALES, "sales.csv")
    monkeypatch.setattr(v, "DISTINCT_MIN_ROWS", 10**9)  # every row parsed on its own
    landed_rows, rejects_rows = v.validate(raw, SALES, "sales.csv")
    assert_frame_equal(landed, landed_rows)
    assert_frame_equal(rejects, rejects_rows)
    # and the shared result is right row by row, not only equal: rows 2.. are lines 0..
    by_row = {(r["row_number"], r["column"]): r for r in rejects.iter_rows(named=True)}
    assert by_row[(5, "date")]["reason"] == v.BAD_DATE  # 2026-02-30 on line 3
    assert by_row[(5, "date")]["value"] == "2026-02-30"
    assert by_row[(6, "date")]["reason"] == v.MISSING
    assert by_row[(4, "amount")]["reason"] == v.BAD_AMOUNT  # 1.234,56 on line 2
    assert by_row[(2, "corporate_number")]["severity"] == v.VALUE_LEVEL  # line 0: bad check digit
    assert by_row[(12_002, "(row)")]["reason"] == v.RAGGED
    first = landed.filter(pl.col("source_row") <= 8).sort("source_row")  # rows 4-7: bad required value
    assert first["source_row"].to_list() == [2, 3, 8]
    assert first["date"].to_list() == [date(2026, 4, 1), date(2026, 4, 2), date(2026, 4, 1)]
    assert first["amount"].to_list() == [1200.0, -300.0, -300.0]
    assert first["corporate_number"].to_list() == [None, "7000012050002", None]


def test_a_master_of_unique_values_is_parsed_row_by_row_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
):
    n = 12_000
    raw = pl.DataFrame(
        {
            "\x00row": range(2, n + 2),
            **{c.name: [None] * n for c in COMPANIES.columns},
        },
        schema={"\x00row": pl.Int64, **{c.name: pl.Utf8 for c in COMPANIES.columns}},
    ).with_columns(
        company_id=pl.format("Ｋ{}", pl.int_range(n)),
        name=pl.format("株式会社{}", pl.int_range(n)),
        employees=pl.when(pl.int_range(n) % 10 == 0).then(pl.lit("多数")).otherwise(pl.lit("12")),
        prefecture=pl.lit("東京"),
    )
    landed, rejects = v.validate(raw, COMPANIES, "companies.csv")
    monkeypatch.setattr(v, "DISTINCT_MIN_ROWS", 10**9)
    landed_rows, rejects_rows = v.validate(raw, COMPANIES, "companies.csv")
    assert_frame_equal(landed, landed_rows)
    assert_frame_equal(rejects, rejects_rows)
    assert landed["company_id"][:2].to_list() == ["K0", "K1"]
    assert landed["prefecture"].unique().to_list() == ["東京都"]
    assert rejects.height == n // 10 and set(rejects["reason"]) == {v.BAD_NUMBER}


def test_nfkc_only_changes_what_nfkc_changes():
    texts = pl.Series(["ABC-123", "ＡＢＣ－１２３", None, "㈱テスト", "ｶﾅ", "plain ascii", ""])
    expected = texts.str.normalize("NFKC")
    assert pl.select(parsing.nfkc(pl.lit(texts))).to_series().to_list() == expected.to_list()
    ascii_only = pl.Series(["a", "b", None])
    assert pl.select(parsing.nfkc(pl.lit(ascii_only))).to_series().to_list() == ["a", "b", None]


_TIME_TEXT = st.text(alphabet="0123456789 -/:.TtZzAPMapm+年月日令和", max_size=26)
_STAMPS = st.builds(
    lambda d, sep, t, zone: f"{d}{sep}{t}{zone}",
    st.sampled_from(
        ["2026-09-12", "2026/9/1", "2026.02.30", "1999-12-31", "２０２６-09-12", "令和8年9月12日"]
    ),
    st.sampled_from([" ", "T", "t", "  ", ""]),
    st.sampled_from(["10:15", "9:05:07", "23:59:59.123", "25:99", "10:15 10:15", "", "1015"]),
    st.sampled_from(["", "Z", " PM", "am", "+09:00", "+0900", " ", "x"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_STAMPS, _TIME_TEXT), min_size=1, max_size=40))
def test_the_date_part_of_a_timestamp_parses_to_the_date_the_timestamp_does(texts: list[str]):
    """Dates are validated once per ``date_part`` (10M timestamps, a few hundred dates): it must never
    change what ``date`` makes of the text, nor whether the text is blank."""
    s = pl.Series(texts, dtype=pl.String)
    whole = pl.select(parsing.date(pl.lit(s))).to_series()
    part = pl.select(parsing.date_part(pl.lit(s))).to_series()
    assert pl.select(parsing.date(pl.lit(part))).to_series().to_list() == whole.to_list()
    blank = pl.select(parsing.is_blank(pl.lit(s))).to_series()
    assert pl.select(parsing.is_blank(pl.lit(part))).to_series().to_list() == blank.to_list()
    plain = pl.Series(["2026-09-12 10:15:00", "2026/09/12T10:15Z", "2026-9-1 9:05 PM", "2026-09-12 10:15 "])
    assert pl.select(parsing.date_part(pl.lit(plain))).to_series().to_list() == [
        "2026-09-12", "2026/09/12", "2026-9-1", "2026-09-12 10:15 "  # a trailing blank: left whole
    ]  # fmt: skip
