"""Group companies are other companies (issue #12 part 6) and former names link (part 4).

The master is tiny, so scores come from the reference model trained on a generated master — which
has learnt from synthetic group companies that a parent's name plus a region or business word is
another company.
"""

from __future__ import annotations

import random

import polars as pl
import pytest

from abm.inputs.corporate_number import check_digit
from abm.inputs.schema import COMPANIES as COMPANIES_SPEC
from abm.inputs.schema import alias_map, header_key
from abm.matching import MatchSettings, link
from abm.matching.groupnames import extra_group_word
from abm.matching.keys import master_keys, record_keys
from abm.matching.normalize import normalize_name
from abm.matching.synth import group_company_name, training_queries


def cn(base12: str) -> str:
    return f"{check_digit(base12)}{base12}"


CN_PARENT, CN_SUB, CN_OFF = cn("010001000001"), cn("010001000002"), cn("010001000099")
ADDRESS = "東京都千代田区丸の内1-2-3"

MASTER = pl.DataFrame(
    [
        ("P1", "株式会社ニコン園", CN_PARENT, "東京都", "千代田区", ADDRESS, "03-1111-2222", "nikonen.co.jp",
         None),
        ("P2", "日本アプライド開発株式会社", None, "神奈川県", "横浜市", None, "045-111-2222", "apd.co.jp",
         None),
        ("P3", "太陽社株式会社", None, "愛知県", "名古屋市", None, "052-333-4444", "taiyosha.co.jp", None),
        # a subsidiary that IS in the master, with its own 法人番号
        ("S1", "ニコン園サービス株式会社", CN_SUB, "東京都", "千代田区", ADDRESS, "03-1111-3333", None, None),
        # renamed: formerly 有限会社北斗電装 and 北斗産業
        ("R1", "株式会社ホクトテクノ", None, "宮城県", "仙台市", None, "022-555-6666", None,
         "有限会社北斗電装;北斗産業株式会社"),
        # renamed away from 旭光商会; another company bears that name today
        ("R2", "株式会社アサヒライト", None, "大阪府", "大阪市", None, "06-1234-0000", None,
         "旭光商会株式会社"),
        ("N2", "旭光商会株式会社", None, "大阪府", "大阪市", None, "06-9876-0000", None, None),
        # 有限会社 → 株式会社: the former name's key is the current one's, only the legal form changed
        ("R3", "株式会社新正商店", None, "福岡県", "福岡市", None, None, None, "有限会社新正商店"),
    ],
    schema=["company_id", "name", "corporate_number", "prefecture", "city", "address", "phone", "domain",
            "former_names"],
    orient="row",
)  # fmt: skip
LOOSE = MatchSettings(auto=0.9, review=0.5)


def link_one(rec: dict) -> dict:
    cols = ["source_key", "name", "corporate_number", "prefecture", "phone", "email_domain", "address"]
    df = pl.DataFrame(
        [{c: {"source_key": "k", **rec}.get(c) for c in cols}], schema=dict.fromkeys(cols, pl.String)
    )
    return link(MASTER, df, source="sales", settings=LOOSE).matches.row(0, named=True)


# --- the near-name test itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "candidate", "flag"),
    [
        ("関西ニコン園株式会社", "株式会社ニコン園", True),  # region before
        ("ニコン園サービス株式会社", "株式会社ニコン園", True),  # business word after (ー folded)
        ("日本関東アプライド開発株式会社", "日本アプライド開発株式会社", True),  # region inserted
        ("東海太陽社工業株式会社", "太陽社株式会社", True),  # both
        ("株式会社ニコン園 東京支店", "株式会社ニコン園", False),  # a branch is the same company
        ("㈱ニコン園本社", "株式会社ニコン園", False),
        ("ニコン園", "関西ニコン園株式会社", False),  # the record names the parent: not this check
        ("三井不動産", "三井物産", False),  # a word changed, not added
        ("株式会社ニコン圏", "株式会社ニコン園", False),  # a typo
    ],
)
def test_extra_group_word(record: str, candidate: str, flag: bool) -> None:
    df = pl.DataFrame({"q": [record], "m": [candidate]}).select(
        normalize_name(pl.col("q")).alias("q"), normalize_name(pl.col("m")).alias("m")
    )
    assert df.select(extra_group_word("q", "m")).item() is flag


def test_synthetic_group_companies_carry_the_added_word_and_are_labelled_other() -> None:
    rng = random.Random(3)
    names = [group_company_name("株式会社ニコン園", rng) for _ in range(40)]
    keys = pl.DataFrame({"q": names}).select(normalize_name(pl.col("q")).alias("q"), m=pl.lit("ニコン園"))
    assert keys.select(extra_group_word("q", "m").mean()).item() >= 0.9  # typing noise may hide a few
    m = master_keys(MASTER.with_columns(name=pl.col("name") + pl.int_range(pl.len()).cast(pl.String)))
    tq = training_queries(
        pl.concat([m] * 200).with_columns(cidx=pl.int_range(pl.len(), dtype=pl.UInt32)), 1400, 0
    )
    groups = tq.filter("group_company")
    assert 0 < groups.height < tq.height * 0.1
    assert not groups["outside"].any()  # the parent stays a candidate, as a negative


# --- linking --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rec",
    [
        {"name": "関西ニコン園株式会社", "address": ADDRESS, "prefecture": "東京都"},  # parent's building
        {"name": "ニコン園リース株式会社", "email_domain": "nikonen-lease.co.jp"},  # own domain
        {"name": "日本関東アプライド開発株式会社", "prefecture": "神奈川県"},
        {"name": "東海太陽社工業株式会社", "prefecture": "愛知県"},
    ],
)
def test_a_group_company_never_links_automatically_to_its_parent(rec: dict) -> None:
    m = link_one(rec)
    assert m["status"] != "auto", m
    assert m["company_id"] is None


def test_real_variants_of_the_parent_still_link() -> None:
    for name in ("株式会社ニコン園", "㈱ニコン園", "ニコン園 東京支店", "(株)ニコン園本社", "ﾆｺﾝ園"):
        m = link_one({"name": name, "prefecture": "東京都"})
        assert (m["company_id"], m["status"]) == ("P1", "auto"), (name, m)


def test_a_subsidiary_in_the_master_is_chosen_over_its_parent() -> None:
    m = link_one({"name": "ニコン園サービス株式会社", "address": ADDRESS})
    assert m["company_id"] == "S1"


def test_a_different_corporate_number_is_decisive() -> None:
    # the parent's exact name but another company's valid 法人番号 that the master lacks: off-master
    m = link_one({"name": "株式会社ニコン園", "corporate_number": CN_OFF, "address": ADDRESS})
    assert m["status"] == "unmatched" and m["company_id"] is None
    assert m["candidate_company_id"] == "P1" and m["score"] == 0.0
    assert "法人番号≠" in m["evidence"] and "マスターに無い" in m["evidence"]
    # the subsidiary's own number finds the subsidiary whatever the name says
    sub = link_one({"name": "株式会社ニコン園", "corporate_number": CN_SUB})
    assert (sub["company_id"], sub["method"]) == ("S1", "corporate_number")
    # an invalid number (bad check digit) is no evidence at all
    bad = link_one({"name": "株式会社ニコン園", "corporate_number": "1" + CN_OFF[1:]})
    assert bad["company_id"] == "P1"


# --- former names (旧商号) -------------------------------------------------------------------------


def test_former_names_header_aliases() -> None:
    amap = alias_map(COMPANIES_SPEC)
    for header in ("旧商号", "旧社名", "former name", "former_names"):
        assert amap[header_key(header)] == "former_names"


def test_a_record_under_a_former_name_links_to_the_renamed_company() -> None:
    for name in ("有限会社北斗電装", "(有)北斗電装", "北斗電装株式会社", "北斗産業(株)"):
        m = link_one({"name": name, "prefecture": "宮城県"})
        assert (m["company_id"], m["status"], m["method"]) == ("R1", "auto", "former_name"), (name, m)
        assert "former_name" in m["evidence"]


def test_a_legal_form_conversion_is_a_former_name_too() -> None:
    m = link_one({"name": "有限会社新正商店", "prefecture": "福岡県"})
    assert (m["company_id"], m["status"], m["method"]) == ("R3", "auto", "former_name")
    assert "法人格≠" not in m["evidence"]
    today = link_one({"name": "㈱新正商店", "prefecture": "福岡県"})  # the current name: no former_name
    assert (today["company_id"], today["method"]) == ("R3", "name+prefecture")


def test_the_company_bearing_the_name_today_is_preferred_over_the_one_that_bore_it() -> None:
    m = link_one({"name": "旭光商会株式会社", "prefecture": "大阪府"})
    assert m["company_id"] == "N2"
    assert m["runner_up_company_id"] in (None, "R2")


def test_former_names_are_split_and_normalised() -> None:
    k = master_keys(MASTER)
    former = dict(zip(k["company_id"], k["former"].to_list(), strict=True))
    assert former["R1"] == ["北斗電装", "北斗産業"]
    assert former["P1"] is None
    assert record_keys(pl.DataFrame({"name": ["(有)北斗電装"]}), [])["nname"].item() == "北斗電装"


# --- the real near-name case (EDINET slice, truth by shared keys) ---------------------------------


def test_real_listed_companies_named_after_another_never_link_to_it() -> None:
    from near_names import run_near_names

    figures, _ = run_near_names()
    assert figures["records"] >= 40 and figures["pairs"] >= figures["records"]
    assert figures["auto_to_parent"] == 0  # before: 2 (イオン九州 → イオン, 富士電機Ｅ＆Ｃ → 富士電機)
    assert figures["auto"] <= 1  # every held-out company is off-master: any automatic link is wrong
    assert figures["auto_with_own_number"] == 0  # their own 法人番号 is decisive
