"""Why, per account: top traits by lift among those that stand out, in words, vectorised."""

from __future__ import annotations

import polars as pl

from abm.ranking.traits import TRAITS_SCHEMA
from abm.ranking.why import account_why, trait_phrases

BANDS = pl.DataFrame(
    {
        "account_id": ["a", "b", "c", "d"],
        "industry": ["39 情報サービス業", "39 情報サービス業", "24 金属製品製造業", "不明"],
        "employees": ["300–999人", "1–4人", "300–999人", "不明"],
        "revenue": ["10–100億円", "不明", "1億円未満", "不明"],
        "capital": ["1–10億円", "不明", "不明", "不明"],
        "area": ["関東", "関東", "近畿", "不明"],
        "age": ["業歴30–49年", "不明", "不明", "不明"],
        "listed": ["上場", "非上場", "非上場", "不明"],
        "name_word": ["情報", "該当語なし", "金属", "該当語なし"],
        "legal_form": ["株式会社", "株式会社", "株式会社", "不明"],
    }
).with_columns(pl.exclude("account_id").cast(pl.Categorical))


def lifts(rows: list[tuple[str, str, int, float]]) -> pl.DataFrame:
    """attribute, value, support, lift; the other lift-table columns do not matter to why."""
    frame = pl.DataFrame(rows, schema=["attribute", "value", "support", "lift"], orient="row")
    return frame.with_columns(
        pl.lit(None).cast(t).alias(c) for c, t in TRAITS_SCHEMA.items() if c not in frame.columns
    ).select([pl.col(c).cast(t) for c, t in TRAITS_SCHEMA.items()])


LIFTS = lifts(
    [
        ("industry", "39 情報サービス業", 40, 2.31),
        ("employees", "300–999人", 25, 1.84),
        ("revenue", "10–100億円", 12, 1.5),
        ("capital", "1–10億円", 9, 1.3),  # a's 4th trait: only the top 3 are said
        ("area", "関東", 50, 1.1),  # below 1.2: about as common anywhere, no reason
        ("listed", "上場", 2, 9.0),  # on 2 top customers only: chance, no reason
        ("industry", "不明", 30, 4.0),  # unknown says nothing about the company
        ("name_word", "該当語なし", 30, 4.0),
        ("name_word", "金属", 5, 0.7),  # less common among top customers
        ("legal_form", "株式会社", 80, 1.27),
    ]
)


def test_top_three_traits_by_lift_in_japanese():
    got = dict(account_why(BANDS, LIFTS).iter_rows())
    assert got["a"] == (
        "業種 39 情報サービス業: 上位顧客に 2.3 倍多い / 従業員 300–999人: 1.8 倍 / 売上高 10–100億円: 1.5 倍"
    )
    assert got["b"] == "業種 39 情報サービス業: 上位顧客に 2.3 倍多い / 法人格 株式会社: 1.3 倍"
    assert got["c"] == "従業員 300–999人: 上位顧客に 1.8 倍多い / 法人格 株式会社: 1.3 倍"
    assert got["d"] is None  # nothing known that stands out: no made-up reason


def test_english_on_request_and_order_kept():
    out = account_why(BANDS, LIFTS, "en")
    assert out["account_id"].to_list() == ["a", "b", "c", "d"]
    assert (
        out["why"][1]
        == "Industry 39 情報サービス業: 2.3× as common among top customers; Legal form 株式会社: 1.3×"
    )


def test_only_traits_that_stand_out_become_phrases():
    phrases = trait_phrases(LIFTS)
    assert phrases["attribute"].to_list() == ["industry", "employees", "revenue", "capital", "legal_form"]
    assert phrases["phrase_id"].to_list() == [0, 1, 2, 3, 4]  # strongest first


def test_no_trait_stands_out_gives_empty_why():
    out = account_why(BANDS, lifts([("area", "関東", 50, 1.0)]))
    assert out["why"].null_count() == 4 and out.height == 4


def test_accounts_with_the_same_bands_get_the_same_reason_in_their_own_order():
    twice = pl.concat([BANDS, BANDS.with_columns(pl.col("account_id") + "2")])
    shuffled = twice.sample(fraction=1.0, shuffle=True, seed=3)
    got = account_why(shuffled, LIFTS)
    assert got["account_id"].to_list() == shuffled["account_id"].to_list()
    once = dict(account_why(BANDS, LIFTS).iter_rows())
    assert [once[a[0]] for a in got["account_id"]] == got["why"].to_list()
    assert got["why"].null_count() == 2  # d and d2: nothing stands out
