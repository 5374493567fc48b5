"""Buying power: bands, the traits lift table, the rule, the lookalike model and the step's fallback."""

from __future__ import annotations

import time
from datetime import date

import duckdb
import numpy as np
import polars as pl
import pytest

from abm.bands import (
    ATTRIBUTES,
    UNKNOWN,
    age_band,
    area_band,
    band_frame,
    capital_band,
    employee_band,
    listed_band,
    revenue_band,
)
from abm.buying_power import positives, rule_score, score_decile
from abm.config import load_settings
from abm.lookalike import fit_and_score
from abm.traits import lift_table
from pipelines.buying_power import buying_power
from pipelines.context import RunContext


def test_bands_have_readable_labels():
    frame = pl.DataFrame({
        "employees": [None, 0, 4, 5, 99, 100, 299, 300, 5000],
        "revenue": [None, 5e7, 1e8, 9.99e8, 1e9, 5e9, 9e10, 1e12, 1e11],
        "capital": [None, 0.0, 9_999_999.0, 1e7, 5e7, 1e8, 9.99e8, 1e9, 1e6],
        "founded_year": [None, 2026, 2022, 2021, 1997, 1977, 1976, 1900, 2016],
        "prefecture": [None, "東京都", "愛知県", "大阪府", "北海道", "沖縄県", "福岡県", "どこか", "宮城県"],
        "listed": [None, True, False, None, True, False, True, False, True],
    })  # fmt: skip
    out = frame.select(
        employee_band(), revenue_band(), capital_band(), age_band(2026), area_band(), listed_band()
    )
    assert out["employees"].to_list() == [
        UNKNOWN, "1–4人", "1–4人", "5–9人", "30–99人", "100–299人", "100–299人", "300–999人", "5,000人以上"
    ]  # fmt: skip
    assert out["revenue"].to_list()[:6] == [
        UNKNOWN,
        "1億円未満",
        "1–10億円",
        "1–10億円",
        "10–100億円",
        "10–100億円",
    ]
    assert out["revenue"].to_list()[6:] == ["100–1,000億円", "1,000億円以上", "1,000億円以上"]
    assert out["capital"].to_list() == [
        UNKNOWN, "資本金なし", "1千万円未満", "1千万–5千万円", "5千万–1億円",
        "1–10億円", "1–10億円", "10億円以上", "1千万円未満",
    ]  # fmt: skip
    assert out["founded_year"].to_list() == [
        UNKNOWN, "業歴5年未満", "業歴5年未満", "業歴5–9年", "業歴10–29年",
        "業歴30–49年", "業歴50年以上", "業歴50年以上", "業歴10–29年",
    ]  # fmt: skip
    assert out["prefecture"].to_list() == [
        UNKNOWN,
        "関東",
        "中部",
        "近畿",
        "北海道",
        "九州・沖縄",
        "九州・沖縄",
        UNKNOWN,
        "東北",
    ]
    assert out["listed"].to_list() == [
        UNKNOWN,
        "上場",
        "非上場",
        UNKNOWN,
        "上場",
        "非上場",
        "上場",
        "非上場",
        "上場",
    ]


MASTER = pl.DataFrame({
    "account_id": ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10"],
    "industry_code": ["24", "24", "24", "58", "58", "58", "58", "58", "58", "58"],
    "industry_name": ["金属製品製造業"] * 3 + ["飲食料品小売業"] * 7,
    "prefecture": ["愛知県", "愛知県", "東京都", "東京都", "大阪府", "大阪府", "北海道", "沖縄県", "東京都",
                   None],
    "employees": [500, 350, 120, 40, 8, 3, 2, 15, 60, None],
    "revenue": [2e10, 9e9, 3e9, 4e8, 9e7, 3e7, 2e7, 2e8, 6e8, None],
    "capital": [3e8, 1e8, 5e7, 1e7, 3e6, 3e6, 1e6, 1e7, 2e7, None],
    "founded_year": [1960, 1975, 1990, 2001, 2015, 2020, 2023, 2010, 1999, None],
    "listed": [True, False, False, False, False, False, False, False, False, None],
    "abc_class": ["A", "A", "B", "C", None, None, None, None, None, None],
    "revenue_decile": [1, 2, 3, 4, None, None, None, None, None, None],
    "customer": [True, True, True, True, False, False, False, False, False, False],
})  # fmt: skip


def test_lift_table_hand_computed():
    top = positives(MASTER, "abc_a")
    traits = lift_table(band_frame(MASTER, 2026), top, MASTER["customer"])
    assert set(traits["attribute"]) == set(ATTRIBUTES)
    metal = traits.filter(pl.col("value") == "24 金属製品製造業").row(0, named=True)
    # 2 of 2 top customers, 3 of 4 customers, 3 of 10 master companies → lift 1.0 / 0.3
    assert (metal["support"], metal["customers"], metal["master_companies"]) == (2, 3, 3)
    assert metal["share_top"] == 1.0 and metal["share_customers"] == 0.75
    assert metal["share_master"] == pytest.approx(0.3)
    assert metal["lift"] == pytest.approx(1 / 0.3)
    chubu = traits.filter((pl.col("attribute") == "area") & (pl.col("value") == "中部")).row(0, named=True)
    assert (chubu["support"], chubu["share_master"], chubu["lift"]) == (
        2,
        pytest.approx(0.2),
        pytest.approx(5.0),
    )
    employees = traits.filter(pl.col("attribute") == "employees")
    assert employees["value"].to_list() == [
        "1–4人",
        "5–9人",
        "10–29人",
        "30–99人",
        "100–299人",
        "300–999人",
        UNKNOWN,
    ]
    assert employees["sort_order"].to_list() == list(range(1, 8))
    assert traits.group_by("attribute").agg(pl.col("share_master").sum())[
        "share_master"
    ].to_list() == pytest.approx([1.0] * len(ATTRIBUTES))


def test_positives_by_label():
    assert positives(MASTER, "abc_a").to_list()[:5] == [True, True, False, False, False]
    assert positives(MASTER, "top_deciles", 3).sum() == 3
    assert positives(MASTER, "top_deciles", 1).to_list()[:2] == [True, False]


def test_rule_score_and_deciles():
    frame = pl.DataFrame({"employees": [10, 20, 30, None], "revenue": [1.0, 3.0, 2.0, 4.0]})
    score = rule_score(frame, {"employees": 1.0, "revenue": 1.0})
    # percentile ranks: employees 1/3, 2/3, 1, 0 (missing); revenue 1/4, 3/4, 2/4, 1
    assert score.to_list() == pytest.approx([(1 / 3 + 1 / 4) / 2, (2 / 3 + 3 / 4) / 2, (1 + 2 / 4) / 2, 0.5])
    deciles = score_decile(pl.Series([float(v) for v in range(20)]))
    assert deciles.to_list() == [10, 10, 9, 9, 8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    with pytest.raises(KeyError, match="unknown column 'staff'"):
        rule_score(frame, {"staff": 1.0})


def synthetic_master(n: int, seed: int = 0) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    """Companies whose hidden potential is manufacturing, 愛知県 and size; positives = top 3% potential."""
    rng = np.random.default_rng(seed)
    industry = rng.choice(["24", "26", "58", "76"], n)
    pref = rng.choice(["愛知県", "東京都", "北海道", "大阪府"], n)
    employees = np.floor(3 * rng.random(n) ** -1.1).astype(np.int64)
    potential = (
        np.log1p(employees) + 1.5 * np.isin(industry, ["24", "26"]) + 1.0 * (pref == "愛知県")
        + rng.normal(0, 0.5, n)
    )  # fmt: skip
    frame = pl.DataFrame({
        "account_id": [f"m{i:06d}" for i in range(n)], "industry_code": industry, "industry_name": industry,
        "prefecture": pref, "employees": employees,
        "revenue": employees * 2e7 * np.exp(rng.normal(0, 0.3, n)),
        "capital": employees * 1e6, "founded_year": rng.integers(1950, 2024, n), "listed": employees > 300,
    })  # fmt: skip
    top = potential > np.quantile(potential, 0.97)
    return frame, potential, top


def test_lookalike_learns_the_pattern_and_batches_do_not_change_scores():
    frame, potential, top = synthetic_master(4000)
    kw = {"as_of_year": 2026, "negatives": 1500, "cv_folds": 3, "seed": 1}
    result = fit_and_score(frame, top, batch_size=4000, **kw)
    assert result.report["positives"] == int(top.sum()) and result.report["negatives"] == 1500
    assert result.report["cv_auc_mean"] > 0.85 and 0 <= result.report["cv_auc_std"] < 0.1
    assert result.report["top_features"].split(" (")[0] in {"industry_code", "log_employees", "prefecture"}
    assert ((result.scores >= 0) & (result.scores <= 1)).all()
    rank_corr = pl.DataFrame({"s": result.scores, "p": potential}).select(
        pl.corr("s", "p", method="spearman")
    )
    assert rank_corr.item() > 0.6
    batched = fit_and_score(frame, top, batch_size=1000, **kw)
    np.testing.assert_allclose(batched.scores, result.scores)


def step_context(master: pl.DataFrame, **settings) -> tuple[RunContext, list[str]]:
    con = duckdb.connect()
    messages: list[str] = []
    ctx = RunContext(con, load_settings(None, **settings), "run-1", time.time(), progress=messages.append)
    ctx.as_of = date(2026, 9, 30)
    ctx.execute("CREATE SCHEMA work")
    base = master.drop("abc_class", "revenue_decile", "customer").with_columns(
        in_master=pl.lit(True), closed=pl.lit(False)
    )
    ctx.write("work.account_base", base)
    ctx.write("pareto", master.filter("customer").select("account_id", "abc_class", "revenue_decile"))
    return ctx, messages


def test_too_few_positives_falls_back_to_the_rule_and_says_so():
    ctx, messages = step_context(MASTER)  # 2 A-class customers < min_positives 30
    assert buying_power(ctx) == 10
    assert ctx.facts["buying_power_method"] == "rule (fallback)"
    report = ctx.query("SELECT method, positives, note FROM model_report").row(0)
    assert report[:2] == ("rule (fallback)", 2)
    assert "only 2 A-class customers" in report[2] and "min_positives 30" in report[2]
    assert any("transparent rule" in m and "min_positives" in m for m in messages)
    scored = ctx.query("SELECT * FROM work.account_buying_power ORDER BY buying_power_score DESC")
    assert scored["account_id"][0] == "m1"  # the largest company by every size column
    assert scored.columns == ["account_id", "buying_power_score", "buying_power_decile", "has_buying_power"]
    assert scored["has_buying_power"].sum() == 2  # deciles 1–2 of 10 companies
    assert ctx.count("buying_power_traits") > 0


def test_enough_positives_trains_the_lookalike():
    frame, _, top = synthetic_master(3000, seed=2)
    master = frame.with_columns(
        abc_class=pl.when(pl.Series(top)).then(pl.lit("A")), revenue_decile=pl.lit(None, pl.Int64),
        customer=pl.Series(top),
    )  # fmt: skip
    settings = {
        "buying_power.negatives": 1000,
        "buying_power.cv_folds": 3,
        "buying_power.threshold_decile": 1,
    }
    ctx, messages = step_context(master, **settings)
    buying_power(ctx)
    assert ctx.facts["buying_power_method"] == "lookalike"
    report = ctx.query("SELECT * FROM model_report").row(0, named=True)
    assert report["positives"] == int(top.sum()) and report["cv_folds"] == 3 and report["cv_auc_mean"] > 0.8
    assert report["algorithm"].startswith("HistGradientBoostingClassifier") and report["top_features"]
    assert any("CV AUC" in m for m in messages)
    scored = ctx.query("SELECT count(*) AS n, sum(has_buying_power::INT) AS b FROM work.account_buying_power")
    assert scored.row(0) == (3000, 300)


def test_rule_method_can_be_forced():
    frame, _, top = synthetic_master(500)
    master = frame.with_columns(
        abc_class=pl.when(pl.Series(top)).then(pl.lit("A")),
        revenue_decile=pl.lit(None, pl.Int64),
        customer=pl.Series(top),
    )
    ctx, _ = step_context(master, **{"buying_power.method": "rule", "buying_power.min_positives": 2})
    buying_power(ctx)
    assert ctx.facts["buying_power_method"] == "rule"
