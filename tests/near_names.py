"""The real near-name case: listed companies whose name contains another listed company's name.

From the EDINET slice (tests/data/real/master.csv, see its README): every company whose normalised
name contains another's and is longer (イオン九州 ⊃ イオン, 富士電機Ｅ＆Ｃ ⊃ 富士電機, サンコーテクノ ⊃
サンコー) is held out of the master and given as a record, half of them with their own 法人番号.
Truth is by shared key only: the held-out company is not in the master, so every automatic link is
wrong, and a link to the company whose name it contains is the group-company mistake.
Shared by tests/test_groupnames.py and benchmarks/bench_near_names.py.
"""

from __future__ import annotations

import polars as pl
from real_data import master

from abm.matching import MatchSettings, link
from abm.matching.normalize import normalize_name


def near_name_case() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(master without the held-out companies, their records, (child, parent) pairs)."""
    m = master().drop("code4").with_columns(nname=normalize_name(pl.col("name")))
    kids = m.select(pl.col("company_id").alias("child"), pl.col("nname").alias("cn"))
    parents = m.select(pl.col("company_id").alias("parent"), pl.col("nname").alias("pn"))
    pairs = kids.join(parents, how="cross").filter(
        pl.col("cn").str.contains(pl.col("pn"), literal=True),
        pl.col("cn") != pl.col("pn"),
        pl.col("pn").str.len_chars() >= 2,
    )
    held = pairs["child"].unique()
    pairs = pairs.filter(~pl.col("parent").is_in(held.implode())).select("child", "parent")
    held = pairs["child"].unique().sort()
    rec = m.filter(pl.col("company_id").is_in(held.implode())).sort("company_id").with_row_index("i")
    records = rec.select(
        pl.col("company_id").alias("source_key"),
        "name",
        # every other one carries its own 法人番号, as an ERP with the number would
        pl.when(pl.col("i") % 2 == 0).then(pl.col("corporate_number")).alias("corporate_number"),
        *(pl.lit(None, pl.String).alias(c) for c in ("prefecture", "phone", "email_domain")),
        "address",
    )
    rest = m.filter(~pl.col("company_id").is_in(held.implode())).drop("nname")
    return rest, records, pairs


def run_near_names(settings: MatchSettings | None = None) -> tuple[dict, pl.DataFrame]:
    """Link the held-out companies; count automatic links (all wrong) and those to a contained name."""
    rest, records, pairs = near_name_case()
    res = link(rest, records, source="sales", settings=settings or MatchSettings())
    m = res.matches
    auto = m.filter(pl.col("status") == "auto")
    to_parent = auto.join(
        pairs, left_on=["source_key", "company_id"], right_on=["child", "parent"], how="semi"
    )
    with_cn = records.filter(pl.col("corporate_number").is_not_null())["source_key"]
    figures = {
        "records": records.height,
        "pairs": pairs.height,
        "auto": auto.height,
        "auto_to_parent": to_parent.height,
        "auto_with_own_number": auto.filter(pl.col("source_key").is_in(with_cn.implode())).height,
        "review": int((m["status"] == "review").sum()),
    }
    return figures, m
