"""Buying power: bands, the traits lift table, the rule, the lookalike model and the step's fallback,
and that a thin master (columns absent, empty or constant) never stops `abm run`."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from helpers import COMPANY_ROWS, settings_for, write_inputs
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from abm.config.settings import load_settings
from abm.errors import ConfigError
from abm.messages import text
from abm.ranking import lookalike
from abm.ranking.bands import (
    ATTRIBUTES,
    NO_NAME_WORD,
    UNKNOWN,
    age_band,
    area_band,
    band_frame,
    capital_band,
    employee_band,
    legal_form_of_name,
    listed_band,
    name_word,
    revenue_band,
)
from abm.ranking.buying_power import positives, rule_score, score_decile, usable_weights
from abm.ranking.lookalike import CannotTrain, fit_and_score
from abm.ranking.traits import lift_table
from pipelines import project
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
    "name": ["東海精機工業株式会社", "中部金属株式会社", "関東製作所有限会社", "株式会社東京商事",
             "大阪商店合同会社", "株式会社なにわ", "札幌食品株式会社", "医療法人沖縄会", "株式会社ミナト商事",
             None],
    "industry_code": ["24", "24", "24", "58", "58", "58", "58", "58", "58", "58"],
    "industry_name": ["金属製品製造業"] * 3 + ["飲食料品小売業"] * 7,
    "address": [None] * 9 + ["福岡県福岡市中央区天神1-1"],
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
    with pytest.raises(ConfigError, match="unknown column 'staff'"):
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
        "name": [f"株式会社テスト{i}" for i in range(n)],
    })  # fmt: skip
    top = potential > np.quantile(potential, 0.97)
    return frame.with_columns(address=pl.lit(None, pl.Utf8)), potential, top


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
    assert any("透明なルール" in m and "min_positives" in m for m in messages)
    scored = ctx.query("SELECT * FROM work.account_buying_power ORDER BY buying_power_score DESC")
    assert scored["account_id"][0] == "m1"  # the largest company by every size column
    assert scored.columns == [
        "account_id", "buying_power_score", "buying_power_decile", "has_buying_power", "why"
    ]  # fmt: skip
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
    # why: every high-buying-power company says why, in Japanese, naming rows of the lift table
    why = ctx.query("SELECT why FROM work.account_buying_power WHERE has_buying_power")["why"]
    assert why.null_count() == 0
    traits = ctx.query("SELECT attribute, value, lift, support FROM buying_power_traits")
    reasons = {
        (r["attribute"], r["value"])
        for r in traits.iter_rows(named=True)
        if r["lift"] >= 1.2 and r["support"] >= 3
    }
    for said in why.head(50):
        parts = said.split(" / ")
        assert 1 <= len(parts) <= 3 and "上位顧客に" in parts[0] and parts[0].endswith("倍多い")
        for part in parts:
            assert any(part.startswith(_said(a, v)) for a, v in reasons), part
    assert any("業種 24" in t or "業種 26" in t or "地域 中部" in t for t in why)  # the hidden pattern


def _said(attribute: str, value: str) -> str:
    return text(f"why.attribute.{attribute}", value=value)


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


# --- thin masters ------------------------------------------------------------------------------


def test_name_word_and_legal_form_come_from_the_official_name():
    names = pl.DataFrame(
        {"name": ["東海建設工業株式会社", "株式会社みずほ銀行", "合同会社ABC", "医療法人社団緑会", None]}
    )
    out = names.select(name_word().alias("word"), legal_form_of_name().alias("form"))
    assert out["word"].to_list() == ["工業", "銀行", None, None, None]  # the last business word wins
    assert out["form"].to_list() == ["株式会社", "株式会社", "合同会社", "医療法人", None]
    traits = lift_table(band_frame(MASTER, 2026), positives(MASTER, "abc_a"), MASTER["customer"])
    words = dict(traits.filter(pl.col("attribute") == "name_word").select("value", "support").iter_rows())
    assert words["工業"] == 1 and words["金属"] == 1 and words[NO_NAME_WORD] == 0


def test_rule_uses_only_weights_with_values_and_says_why():
    frame = pl.DataFrame(
        {"employees": [None, None, None], "revenue": [5.0, 5.0, 5.0], "capital": [1.0, None, 3.0]},
        schema={"employees": pl.Int64, "revenue": pl.Float64, "capital": pl.Float64},
    )
    used, dropped = usable_weights(frame, {"employees": 1.0, "revenue": 1.0, "capital": 0.5})
    assert used == {"capital": 0.5}
    assert dropped == ["employees: no values / 値なし", "revenue: one value / 全社同じ値"]
    assert rule_score(frame, used).to_list() == [0.5, 0.0, 1.0]  # capital percentile; blank ranks last
    none = rule_score(frame, {})
    assert none.to_list() == [0.0, 0.0, 0.0]
    assert score_decile(none).to_list() == [10, 10, 10]  # a uniform score ranks nobody into decile 1
    with pytest.raises(ConfigError, match="positive sum"):
        usable_weights(frame, {"capital": 0.0})


def test_tied_scores_share_the_lower_decile():
    # 10 companies: one top, then a block of 5 equal scores straddling the top-20% line
    deciles = score_decile(pl.Series([9.0, 5, 5, 5, 5, 5, 1, 1, 1, 0])).to_list()
    assert deciles == [1, 6, 6, 6, 6, 6, 9, 9, 9, 10]


def name_only_master(n: int, seed: int = 0) -> tuple[pl.DataFrame, np.ndarray]:
    """法人番号-style master: names only. Top customers are mostly 工業/製作所 株式会社."""
    rng = np.random.default_rng(seed)
    word = rng.choice(["工業", "製作所", "商店", "企画", "サービス", ""], n)
    form = rng.choice(["株式会社", "有限会社", "合同会社"], n)
    names = [f"{form[i]}テスト{i}{word[i]}" for i in range(n)]
    odds = np.isin(word, ["工業", "製作所"]) * 3.0 + (form == "株式会社") * 1.0 + rng.normal(0, 0.7, n)
    top = odds > np.quantile(odds, 0.95)
    frame = pl.DataFrame({"account_id": [f"m{i:05d}" for i in range(n)], "name": names})
    return frame, top


def test_lookalike_on_a_name_only_master_learns_from_name_words():
    frame, top = name_only_master(3000)
    result = fit_and_score(frame, top, as_of_year=2026, negatives=2000, cv_folds=3, seed=0)
    assert result.report["features"] == "legal_form, name_word"
    dropped = result.report["features_dropped"]
    assert "log_employees (employees): no values" in dropped and "industry_code: no values" in dropped
    assert result.report["cv_auc_mean"] > 0.8
    scores = pl.DataFrame({"s": result.scores, "t": top})
    assert scores.filter("t")["s"].mean() > 3 * scores.filter(~pl.col("t"))["s"].mean()


def test_a_thin_master_is_scored_once_per_distinct_feature_row_with_the_same_scores(monkeypatch):
    frame, top = name_only_master(6000)  # legal form × name word: 18 distinct feature rows
    frame = frame.with_columns(prefecture=pl.Series(np.random.default_rng(1).choice(["東京都", None], 6000)))
    scored_rows: list[int] = []
    predict = lookalike.HistGradientBoostingClassifier.predict_proba

    def counting(model, x):
        scored_rows.append(len(x))
        return predict(model, x)

    monkeypatch.setattr(lookalike.HistGradientBoostingClassifier, "predict_proba", counting)
    kw = {"as_of_year": 2026, "negatives": 2000, "cv_folds": 3, "seed": 0}
    once = fit_and_score(frame, top, **kw)
    assert scored_rows[-1] <= 3 * 6 * 3  # the master's scoring call: distinct rows, not 6,000
    monkeypatch.setattr(lookalike, "DISTINCT_SHARE", 0.0)  # every row, in batches
    every = fit_and_score(frame, top, batch_size=2500, **kw)
    assert scored_rows[-1] == 6000 - 2 * 2500
    np.testing.assert_array_equal(once.scores, every.scores)


def test_lookalike_drops_a_constant_column_and_refuses_what_it_cannot_learn():
    frame, _, top = synthetic_master(1500, seed=3)
    frame = frame.with_columns(industry_code=pl.lit("24"), employees=pl.lit(None, pl.Int64)).drop("revenue")
    result = fit_and_score(frame, top, as_of_year=2026, negatives=1000, cv_folds=3)
    assert "industry_code: one value" in result.report["features_dropped"]
    assert "log_revenue (revenue): no values" in result.report["features_dropped"]
    assert "prefecture" in result.report["features"].split(", ")
    with pytest.raises(CannotTrain, match="at least 2"):
        fit_and_score(frame, np.arange(frame.height) == 0, as_of_year=2026)
    with pytest.raises(CannotTrain, match="nothing to compare"):
        fit_and_score(frame, np.ones(frame.height, dtype=bool), as_of_year=2026)
    blank = frame.select("account_id", pl.lit("同じ名前").alias("name"))
    with pytest.raises(CannotTrain, match="no master column") as info:
        fit_and_score(blank, top, as_of_year=2026)
    assert any(d.startswith("name_word (name): no values") for d in info.value.dropped)


def test_fewer_positives_than_folds_and_a_tiny_master_still_score():
    frame, _, _ = synthetic_master(10, seed=4)
    top = np.zeros(10, dtype=bool)
    top[[0, 1]] = True
    result = fit_and_score(frame, top, as_of_year=2026, cv_folds=5)
    assert result.report["cv_folds"] == 2 and result.scores.shape == (10,)


def thin_master(columns: dict[str, str]) -> pl.DataFrame:
    """MASTER with each optional column kept, dropped ("absent") or blanked ("empty")."""
    out = MASTER
    for col, state in columns.items():
        if state == "absent":
            out = out.drop(col)
        elif state == "empty":
            out = out.with_columns(pl.lit(None, out[col].dtype).alias(col))
    return out


def test_name_only_master_with_few_positives_leaves_b_empty_and_says_so():
    # work.account_base always has every master column (blank when the file lacked it)
    thin = ("industry_code", "industry_name", "prefecture", "address", "employees", "revenue", "capital")
    master = thin_master(dict.fromkeys((*thin, "founded_year", "listed"), "empty"))
    master = master.with_columns(name=pl.lit("株式会社同名"))
    ctx, messages = step_context(master)
    assert buying_power(ctx) == 10
    report = ctx.query("SELECT * FROM model_report").row(0, named=True)
    assert report["method"] == "rule (fallback)" and report["features"] == ""
    assert report["features_dropped"] == (
        "employees: no values / 値なし; revenue: no values / 値なし; capital: no values / 値なし"
    )
    assert report["distinct_scores"] == 1 and "購買力の輪は空" in report["note"]
    assert ctx.query("SELECT count(*) FROM work.account_buying_power WHERE has_buying_power").item() == 0
    assert any("全社同じスコア" in m for m in messages)


def test_capital_only_master_ranks_by_capital():
    master = thin_master({"employees": "empty", "revenue": "empty", "industry_code": "empty"})
    ctx, _ = step_context(master, **{"buying_power.min_positives": 2})
    buying_power(ctx)
    report = ctx.query("SELECT * FROM model_report").row(0, named=True)
    assert report["distinct_scores"] > 1
    scored = ctx.query("SELECT account_id FROM work.account_buying_power WHERE has_buying_power")
    assert scored.height >= 1


def test_every_master_company_a_top_customer_falls_back_to_the_rule():
    master = MASTER.with_columns(abc_class=pl.lit("A"), customer=pl.lit(True), revenue_decile=pl.lit(1))
    ctx, _ = step_context(master, **{"buying_power.min_positives": 2})
    buying_power(ctx)
    report = ctx.query("SELECT method, note FROM model_report").row(0)
    assert report[0] == "rule (fallback)" and "nothing to compare" in report[1]
    assert ctx.query("SELECT count(*) FROM work.account_buying_power WHERE has_buying_power").item() == 2


OPTIONAL = {  # master header → how the column is made empty (blank cells)
    "法人番号": "corporate_number",
    "都道府県": "prefecture",
    "業種コード": "industry_code",
    "業種名": "industry_name",
    "従業員数": "employees",
    "売上高": "revenue",
    "資本金": "capital",
    "設立年": "founded_year",
    "上場区分": "listed",
    "ドメイン": "domain",
}


def write_thin_inputs(folder: Path, states: dict[str, str]) -> Path:
    """The tiny inputs, the master rewritten with the optional columns present / absent / blank."""
    write_inputs(folder)
    headers = ["企業コード", "商号", "法人番号", "都道府県", "従業員数", "売上高", "資本金", "ドメイン"]
    rows = [dict(zip(headers, r, strict=True)) for r in COMPANY_ROWS]
    master = pl.DataFrame(rows).with_columns(
        業種コード=pl.Series(["24", "26", "24", "58", "76", "06"]),
        業種名=pl.Series(["金属製品", "生産用機械", "金属製品", "飲食料品小売", "飲食店", "総合工事"]),
        設立年=pl.Series(["1950", "1972", "1990", "1935", "2015", "1980"]),
        上場区分=pl.Series(["1", "0", "0", "1", "0", "0"]),
    )  # fmt: skip
    for header, state in states.items():
        if state == "absent":
            master = master.drop(header)
        elif state == "empty":
            master = master.with_columns(pl.lit("").alias(header))
    master.write_csv(folder / "companies.csv")
    return folder


# each example is a whole `abm run` (~2–5 s): few examples, and no shrinking (it would re-run dozens)
@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    states=st.fixed_dictionaries({h: st.sampled_from(["present", "absent", "empty"]) for h in OPTIONAL}),
    label=st.sampled_from(["abc_a", "top_deciles"]),
)
@example(states=dict.fromkeys(OPTIONAL, "absent"), label="top_deciles")  # the 法人番号 master: names only
def test_run_always_publishes_whatever_optional_master_columns_exist(tmp_path_factory, states, label):
    root = tmp_path_factory.mktemp("thin")
    inputs = write_thin_inputs(root / "in", states)
    overrides = {
        "buying_power.min_positives": 2,
        "buying_power.label": label,
        "buying_power.label_deciles": 5,
    }
    result = project.run(settings_for(inputs, root / "abm.duckdb", **overrides))
    con = duckdb.connect(str(result.db), read_only=True)
    report = con.sql("FROM model_report").pl().row(0, named=True)
    in_master, in_b = con.execute(
        "SELECT count(*) FILTER (in_master), count(*) FILTER (has_buying_power) FROM accounts"
    ).fetchone()
    con.close()
    assert in_master == 6 and report["scored"] == 6
    if report["distinct_scores"] == 1:
        assert in_b == 0 and "購買力の輪は空" in report["note"]
    else:
        assert in_b <= 2  # top 20% of 6 companies at most: a tied block crossing the line stays out
    for header, column in OPTIONAL.items():
        if states[header] != "present" and column in ("employees", "revenue", "capital"):
            dropped = report["features_dropped"]  # rule "employees: …", model "log_employees (employees): …"
            assert f"{column}: no values" in dropped or f"({column}): no values" in dropped
