"""The `xl` benchmark's growing inputs, written a chunk at a time: a sales history and an activity log."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from abm.inputs.readers import read_input
from abm.inputs.schema import SALES
from abm.inputs.validate import validate
from abm.sample.growth import ACTIVITY_TYPES, write_activities, write_sales_history


def test_sales_history_moves_each_copy_back_and_keeps_bad_rows_bad(tmp_path: Path):
    lines = pl.DataFrame(
        {
            "受注日": ["2026/04/01", "令和8年4月2日", "20260403", "いつか"],
            "取引先コード": ["C1", "C2", "C3", "C4"],
            "取引先名": ["株式会社A", "株式会社B", "株式会社C", "株式会社D"],
            "売上金額": ["100", "200", "300", "400"],
        }
    )
    lines.write_parquet(tmp_path / "src.parquet")
    out = tmp_path / "sales.parquet"
    written = write_sales_history(tmp_path / "src.parquet", out, copies=3, rows=3)  # chunks of 3 rows
    history = pl.read_parquet(out)
    assert written == history.height == 12
    assert history["受注日"].to_list() == [
        *("2022/04/01", "2022/04/02", "2022/04/03", "いつか"),  # oldest copy first, four years back
        *("2024/04/01", "2024/04/02", "2024/04/03", "いつか"),
        *lines["受注日"],  # the newest copy as it was
    ]
    assert history.drop("受注日").equals(pl.concat([lines.drop("受注日")] * 3))
    landed, rejects = validate(read_input(out, SALES)[0], SALES, out.name)
    assert landed.height == 9 and set(rejects["row_number"]) == {5, 9, 13}


def test_activities_come_in_chunks_from_known_contacts(tmp_path: Path):
    contacts = pl.DataFrame(
        {
            "コンタクトID": [f"L{i}" for i in range(50)],
            "メールアドレス": [f"p{i}@c{i}.co.jp" for i in range(50)],
            "会社名": [f"株式会社{i}" for i in range(50)],
        }
    )
    contacts.write_parquet(tmp_path / "contacts.parquet")
    out = tmp_path / "activities.parquet"
    assert write_activities(tmp_path / "contacts.parquet", out, 2_500, rows=1_000) == 2_500
    rows = pl.read_parquet(out)
    assert rows.height == 2_500
    dates = rows["date"].str.to_date()
    assert dates.min() >= date(2025, 9, 30) and dates.max() <= date(2026, 9, 30)
    assert set(rows["activity_type"]) <= set(ACTIVITY_TYPES)
    assert set(rows["contact_id"].drop_nulls()) <= set(contacts["コンタクトID"])
    company_only = rows.filter(pl.col("contact_id").is_null() & pl.col("email").is_null())
    assert 0.05 < company_only.height / rows.height < 0.15 and company_only["company_name"].null_count() == 0
    known = rows.filter(pl.col("contact_id").is_not_null())
    assert (
        known.join(
            contacts, left_on=["contact_id", "email"], right_on=["コンタクトID", "メールアドレス"]
        ).height
        == known.height
    )
