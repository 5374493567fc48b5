"""名寄せ linking: each kind of evidence, the runner-up margin, decisions, grouping, invariants.

The master here is tiny, so scores come from the reference model trained on a generated master
(built once per session, a few seconds).
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.matching import (
    MATCH_SCHEMA,
    REVIEW_SCHEMA,
    MatchSettings,
    blocking,
    latest_decisions,
    link,
    offmaster_groups,
    record_keys,
    scoring,
)
from abm.matching import features as F
from abm.matching.blocking import NameIndex, deletion_hashes
from abm.matching.index import MasterIndex
from abm.matching.keys import (
    address_key,
    company_domain,
    company_phone,
    corporate_number,
    group_keys,
    master_keys,
    phone_digits,
    place_prefecture,
    prefecture_from_address,
    prefecture_key,
    registered_domain,
)
from abm.matching.similarity import python_strings

# 法人番号 with valid check digits (9 - Σ mod 9 over the 12 base digits)
CN_MITSUI = "5010001008771"
CN_OTHER = "7010001008844"

COMPANIES = pl.DataFrame(
    [
        (
            "C01",
            "三井物産株式会社",
            CN_MITSUI,
            "ミツイブッサン",
            "MITSUI & CO., LTD.",
            "東京都",
            "千代田区",
            "03-3285-1111",
            "https://www.mitsui.com/",
        ),
        (
            "C02",
            "三井不動産株式会社",
            None,
            "ミツイフドウサン",
            "Mitsui Fudosan Co., Ltd.",
            "東京都",
            "中央区",
            "03-3246-3131",
            "mitsuifudosan.co.jp",
        ),
        ("C03", "株式会社エービーシー", None, "エービーシー", None, "大阪府", "大阪市", "06-6123-4567", None),
        ("C04", "髙島屋株式会社", None, "タカシマヤ", None, "大阪府", "大阪市", None, "takashimaya.co.jp"),
        ("C05", "有限会社山田商店", None, "ヤマダショウテン", None, "北海道", "札幌市", None, None),
        ("C06", "有限会社山田商店", None, "ヤマダショウテン", None, "沖縄県", "那覇市", None, None),
        (
            "C07",
            "株式会社さくら精機",
            CN_OTHER,
            "サクラセイキ",
            "Sakura Seiki Co., Ltd.",
            "愛知県",
            "名古屋市",
            "052-111-2222",
            "sakura-seiki.co.jp",
        ),
        (
            "C08",
            "北海道物流株式会社",
            None,
            "ホッカイドウブツリュウ",
            None,
            "北海道",
            "札幌市",
            "011-222-3333",
            "hokkaido-butsuryu.jp",
        ),
        (
            "C09",
            "合同会社ミライテック",
            None,
            "ミライテック",
            "Miraitech LLC",
            "福岡県",
            "福岡市",
            "092-333-4444",
            None,
        ),
        (
            "C10",
            "株式会社渡辺製作所",
            None,
            "ワタナベセイサクショ",
            None,
            "埼玉県",
            "川口市",
            "048-444-5555",
            None,
        ),
        ("C11", "有限会社山田商店", None, "ヤマダショウテン", None, "北海道", "札幌市", None, None),
        (
            "C12",
            "関西貿易株式会社",
            None,
            "カンサイボウエキ",
            None,
            "東京都",
            "港区",
            None,
            "kansai-boeki.co.jp",
        ),
        ("C13", "株式会社関貿易", None, "セキボウエキ", None, "東京都", "港区", None, None),
    ],
    schema=[
        "company_id",
        "name",
        "corporate_number",
        "name_kana",
        "name_en",
        "prefecture",
        "city",
        "phone",
        "domain",
    ],
    orient="row",
).with_columns(
    address=pl.col("company_id").replace_strict(
        {"C05": "北海道札幌市中央区北1条西2丁目1", "C11": "北海道札幌市北区北7条西5-8 山田ビル2F"},
        default=None,
    )
)
LOOSE = MatchSettings(auto=0.9, review=0.5)


def records(rows: list[dict]) -> pl.DataFrame:
    cols = ["source_key", "name", "corporate_number", "prefecture", "phone", "email_domain", "address"]
    return pl.DataFrame([{c: r.get(c) for c in cols} for r in rows], schema=dict.fromkeys(cols, pl.String))


def one(rec: dict, s: MatchSettings = LOOSE, **kw) -> dict:
    res = link(COMPANIES, records([{"source_key": "k", **rec}]), source="contacts", settings=s, **kw)
    return res.matches.row(0, named=True)


# --- keys --------------------------------------------------------------------------------------


def test_keys() -> None:
    df = pl.DataFrame(
        {
            "cn": [CN_MITSUI, "1010001008771", "5-0100-0100-8771", None],
            "phone": ["03-3285-1111", "+81 3 3285 1111", "(03)3285-1111", "110"],
            "dom": ["https://www.mitsui.com/ja/", "mail.mitsui.com", "abc.co.jp", "WWW.ABC.CO.JP"],
            "pref": ["東京都", "京都府", "北海道", "大阪"],
        }
    )
    out = df.select(
        corporate_number(pl.col("cn")).alias("cn"),
        phone_digits(pl.col("phone")).alias("phone"),
        registered_domain(pl.col("dom")).alias("dom"),
        prefecture_key(pl.col("pref")).alias("pref"),
    )
    assert out["cn"].to_list() == [CN_MITSUI, None, CN_MITSUI, None]  # check digit validated
    assert out["phone"].to_list() == ["0332851111"] * 3 + [None]
    assert out["dom"].to_list() == ["mitsui.com", "mitsui.com", "abc.co.jp", "abc.co.jp"]
    assert out["pref"].to_list() == ["東京", "京都", "北海道", "大阪"]


def test_name_frequencies_count_the_companies_sharing_each_key() -> None:
    yamada = ["株式会社山田製作所", "山田製作所株式会社", "有限会社山田製作所", "株式会社山田製作所"]
    companies = pl.DataFrame(
        {
            "company_id": ["A", "B", "C", "D", "E", "F"],
            "name": [*yamada, "株式会社川村商店", "株式会社川村商店"],
            "prefecture": ["東京都", "東京都", "東京都", "大阪府", None, None],
            "city": ["千代田区", "千代田区", "港区", "大阪市", None, "横浜市"],
        }
    )
    m = master_keys(companies).sort("company_id")
    assert m["f_n"].to_list() == [4, 4, 4, 4, 2, 2]  # the name without its legal form
    assert m["f_nl"].to_list() == [3, 3, 1, 3, 2, 2]  # with it: 株式会社 before or after the name alike
    assert m["f_np"].to_list() == [3, 3, 3, 1, 2, 2]  # no prefecture: those without one count together
    assert m["f_npc"].to_list() == [2, 2, 1, 1, 1, 1]
    assert m["f_nlpc"].to_list() == [2, 2, 1, 1, 1, 1]
    assert m["name_freq"].equals(m["f_n"])


def test_master_keys_keep_each_company_once_and_drop_rows_without_an_id() -> None:
    companies = pl.DataFrame(
        {
            "company_id": ["A", "B", "A", None],
            "name": ["株式会社山田製作所", "田中商事株式会社", "有限会社佐藤工業", "株式会社鈴木電機"],
        }
    )
    m = master_keys(companies)
    assert m["company_id"].to_list() == ["A", "B"]
    assert m["name"].to_list() == ["株式会社山田製作所", "田中商事株式会社"]  # the first row of A
    assert m["cidx"].to_list() == [0, 1]
    assert m["f_n"].to_list() == [1, 1]  # counted over the companies kept


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("東京都千代田区丸の内1-2-3", "千代田区丸の内1-2-3"),
        ("千代田区丸の内1-2-3", "千代田区丸の内1-2-3"),  # prefecture left out
        ("東京都千代田区丸の内１丁目２番３号", "千代田区丸の内1-2-3"),  # 丁目/番/号, full-width digits
        ("東京都千代田区丸の内1-2-3 丸の内ビル5F", "千代田区丸の内1-2-3"),  # building dropped
        ("東京都 千代田区 丸の内 1ー2ー3", "千代田区丸の内1-2-3"),  # blanks, long-vowel dashes
        ("大阪府大阪市北区梅田2−4−9", "大阪市北区梅田2-4-9"),  # minus signs
        ("北海道札幌市中央区北1条西2丁目1", "札幌市中央区北1条西2-1"),  # 札幌's 条
        ("神奈川県横浜市西区みなとみらい", None),  # no block number: not a street address
    ],
)
def test_address_key(typed: str, key: str | None) -> None:
    assert pl.select(address_key(pl.lit(typed))).item() == key


def test_prefecture_from_address_and_mobile_phones() -> None:
    addr = pl.Series(
        ["東京都港区1-1", "京都府京都市1", "北海道札幌市1", "鹿児島県鹿児島市1", "港区1-1", None]
    )
    assert pl.select(prefecture_from_address(pl.lit(addr))).to_series().to_list() == [
        "東京", "京都", "北海道", "鹿児島", None, None,
    ]  # fmt: skip
    # the stated prefecture wins; the address is read only where none (or a blank) is stated
    places = pl.DataFrame(
        {
            "prefecture": ["大阪府", None, " ", None, "東京都", "大阪府"],
            "address": ["東京都港区1-1", "京都府京都市1", "北海道札幌市1", "港区1-1", None, "大阪府大阪市1"],
        }
    )
    assert place_prefecture(places).to_list() == ["大阪", "京都", "北海道", None, "東京", "大阪"]
    phones = pl.Series(["03-3285-1111", "090-1234-5678", "080 1234 5678", "070-1234-5678", "050-1234-5678"])
    assert pl.select(company_phone(pl.lit(phones))).to_series().to_list() == ["0332851111"] + [None] * 4


# --- each kind of evidence ---------------------------------------------------------------------


def test_corporate_number_links_even_with_a_garbled_name() -> None:
    m = one({"name": "ミツイ", "corporate_number": CN_MITSUI})
    assert (m["company_id"], m["status"], m["method"]) == ("C01", "auto", "corporate_number")
    assert "法人番号=一致" in m["evidence"]


def test_corporate_email_domain_links_but_free_mail_never_does() -> None:
    m = one({"name": "三井ふどうさん", "email_domain": "mitsuifudosan.co.jp"})
    assert (m["company_id"], m["method"]) == ("C02", "domain")
    free = one({"name": "ぜんぜん別の会社", "email_domain": "gmail.com"})
    assert free["company_id"] is None
    assert "domain" not in (free["evidence"] or "")


_DOMAIN_PIECES = st.sampled_from(
    ["gmail.com", "docomo.ne.jp", "i.softbank.jp", "yahoo.co.jp", "alpha-shoji.co.jp", "Taro", "www.",
     "mail.", "https://", "@", "＠", "ＧＭＡＩＬ．ＣＯＭ", "/", ":", "?", "#", " ", "\u3000", "."]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_DOMAIN_PIECES, max_size=6).map("".join), min_size=1, max_size=30))
def test_company_domain_is_never_a_free_mail_domain(values: list[str]) -> None:
    # whatever an email, host or URL looks like (full-width, a scheme, a port, junk after the domain),
    # the key it yields is not a free-mail domain: x@gmail.com:// once came out as gmail.com
    free = ["gmail.com", "docomo.ne.jp", "i.softbank.jp", "yahoo.co.jp"]
    keys = pl.DataFrame({"email_domain": values}).lazy().select(company_domain(free)).collect().to_series()
    assert not keys.is_in(free).any(), [v for v, k in zip(values, keys, strict=True) if k in free]


def test_company_domain_of_a_url_after_the_address() -> None:
    def key(value: str) -> str | None:
        return pl.DataFrame({"email_domain": [value]}).select(company_domain(["gmail.com"])).item()

    assert key("x@gmail.com://") is None  # came out as gmail.com when the host's domain was tested
    assert key("Taro@Alpha-Shoji.co.jp") == "alpha-shoji.co.jp"


def test_phone_links() -> None:
    m = one({"name": "さくら精機", "phone": "052 111 2222"})
    assert (m["company_id"], m["method"]) == ("C07", "phone")


def test_name_and_prefecture_choose_among_namesakes() -> None:
    m = one({"name": "(有)山田商店", "prefecture": "沖縄"})
    assert (m["company_id"], m["method"]) == ("C06", "name+prefecture")
    # without the prefecture two companies fit equally: never an automatic link
    amb = one({"name": "山田商店"})
    assert amb["status"] != "auto" and amb["company_id"] is None
    assert amb["runner_up_score"] == pytest.approx(amb["score"])


def test_street_address_tells_namesakes_in_one_city_apart() -> None:
    # C05 and C11 are both 有限会社山田商店 in 札幌: only the street address tells them apart
    m = one({"name": "(有)山田商店", "address": "札幌市中央区北１条西２丁目１番"})
    assert (m["company_id"], m["method"]) == ("C05", "address")
    assert "所在地=一致" in m["evidence"]
    other = one({"name": "山田商店", "address": "北海道札幌市北区北7条西5丁目8番 山田ビル"})
    assert other["company_id"] == "C11"
    # a prefecture read from the address narrows the namesakes like a stated one
    naha = one({"name": "(有)山田商店", "address": "沖縄県那覇市泉崎1-2-3"})
    assert naha["company_id"] == "C06"


def test_a_mobile_number_is_no_evidence_against_a_company() -> None:
    with_mobile = one({"name": "株式会社さくら精機", "phone": "090-1234-5678"})
    without = one({"name": "株式会社さくら精機"})
    assert "電話" not in with_mobile["evidence"]
    assert with_mobile["score"] == pytest.approx(without["score"])


def test_a_key_held_by_one_candidate_beats_an_exact_name_of_another() -> None:
    # 関貿易 is a typo of 関西貿易 (whose domain the record carries) and the exact name of another company
    m = one({"name": "関貿易株式会社", "email_domain": "kansai-boeki.co.jp"})
    assert (m["company_id"], m["status"]) == ("C12", "auto")
    assert m["runner_up_company_id"] == "C13"


def test_fuzzy_name_with_a_typo() -> None:
    m = one({"name": "株式会社渡辺製作書", "prefecture": "埼玉県", "phone": "048-444-5555"})
    assert m["company_id"] == "C10"
    fuzzy = link(
        COMPANIES, records([{"source_key": "k", "name": "株式会社渡辺製作書"}]), source="s", settings=LOOSE
    )
    assert fuzzy.matches["candidate_company_id"][0] == "C10"
    assert fuzzy.stats["pairs_by_key"]["fuzzy"] >= 1


def test_kana_reading_and_english_name() -> None:
    kana = one({"name": "ｶ)ﾐﾗｲﾃｯｸ", "prefecture": "福岡県"})
    assert kana["candidate_company_id"] == "C09"
    assert "kana=1.0" in kana["evidence"]
    en = one({"name": "Sakura Seiki Co., Ltd.", "prefecture": "愛知県"})
    assert en["candidate_company_id"] == "C07"
    assert "en=1.0" in en["evidence"]


def test_variant_kanji_and_branch_suffix() -> None:
    m = one({"name": "高島屋 大阪支店", "email_domain": "takashimaya.co.jp"})
    assert m["company_id"] == "C04"


# --- margin ------------------------------------------------------------------------------------


def test_mitsui_bussan_never_links_to_mitsui_fudosan() -> None:
    names = [
        "三井物産株式会社",
        "三井物産(株)",
        "ミツイブッサン",
        "三井不動産",
        "三井不動産(株) 東京支店",
        "三井",
        "三井物",
    ]
    res = link(
        COMPANIES,
        records([{"source_key": str(i), "name": n} for i, n in enumerate(names)]),
        source="s",
        settings=LOOSE,
    )
    m = dict(zip(names, res.matches.iter_rows(named=True), strict=True))
    for n in names[:3]:
        assert m[n]["company_id"] in ("C01", None)
    for n in names[3:5]:
        assert m[n]["company_id"] in ("C02", None)
    assert m["三井"]["company_id"] is None  # ambiguous: never linked automatically
    assert res.matches.filter(pl.col("status") == "auto").height >= 2


def test_margin_sends_close_calls_to_review() -> None:
    tight = MatchSettings(auto=0.0, review=0.0, margin=1.0)
    m = one({"name": "三井物産"}, tight)
    assert m["status"] == "review"  # however good, a runner-up within the margin means review
    assert m["company_id"] is None and m["candidate_company_id"] == "C01"


# --- decisions ---------------------------------------------------------------------------------


def test_decisions_link_and_reject_and_survive_reruns() -> None:
    recs = records(
        [
            {"source_key": "a", "name": "まったく別名"},
            {"source_key": "b", "name": "三井物産", "corporate_number": CN_MITSUI},
            {"source_key": "c", "name": "三井不動産"},
        ]
    )
    decisions = pl.DataFrame(
        {
            "source": ["contacts", "contacts", "contacts", "sales"],
            "source_key": ["a", "b", "c", "c"],
            "company_id": ["C03", None, "C09", "C05"],
            "decided_at": ["2026-01-01", "2026-01-02", "2025-01-01", "2026-01-01"],
        }
    )
    later = pl.DataFrame(
        {"source": ["contacts"], "source_key": ["c"], "company_id": ["C02"], "decided_at": ["2026-02-01"]}
    )
    decisions = pl.concat([decisions, later])
    for _ in range(2):  # the same decisions give the same result on every run
        res = link(COMPANIES, recs, source="contacts", settings=LOOSE, decisions=decisions)
        m = {r["source_key"]: r for r in res.matches.iter_rows(named=True)}
        assert (m["a"]["status"], m["a"]["company_id"]) == ("manual", "C03")  # manual link
        assert (m["b"]["status"], m["b"]["company_id"]) == (
            "manual",
            None,
        )  # manual "not a match" beats 法人番号
        assert (m["c"]["status"], m["c"]["company_id"]) == ("manual", "C02")  # latest decision wins
    assert latest_decisions(decisions, "sales").height == 1


def test_unlinked_records_of_one_company_form_one_group() -> None:
    recs = records(
        [
            {"source_key": "1", "name": "三井物産(株)", "corporate_number": CN_MITSUI},
            {"source_key": "2", "name": "三井物産株式会社 大阪支店", "corporate_number": CN_MITSUI},
            {"source_key": "3", "name": "株式会社ノット・イン・マスター", "prefecture": "東京都"},
            {"source_key": "4", "name": "ﾉｯﾄｲﾝﾏｽﾀｰ(株)", "prefecture": "東京都"},
            {"source_key": "5", "name": "ノットインマスター", "email_domain": "notin.example.jp"},
            {"source_key": "6", "name": "全然違う商会", "email_domain": "notin.example.jp"},
            {"source_key": "7", "name": "また別の商会"},
        ]
    )
    matches = link(COMPANIES, recs, source="contacts", settings=LOOSE).matches
    linked = dict(matches.select("source_key", "company_id").iter_rows())
    assert linked["1"] == linked["2"] == "C01"
    open_keys = matches.filter(pl.col("company_id").is_null()).select("source_key")
    keys = record_keys(recs.join(open_keys, on="source_key"), LOOSE.free_mail_domains)
    unlinked = keys.select(pl.lit("contacts").alias("source"), "source_key", "nname", "pref", "domain")
    grouped = unlinked.select("source_key", offmaster_groups(unlinked))
    g = dict(grouped.iter_rows())
    assert set(g) == {"3", "4", "5", "6", "7"}  # linked records are their company's, never grouped here
    assert g["3"] == g["4"]  # same normalised name + prefecture, not in the master
    assert g["5"] == g["6"]  # same corporate email domain
    assert g["7"] not in (g["3"], g["5"])


def test_one_row_per_record_and_schemas() -> None:
    recs = records(
        [
            {"source_key": str(i), "name": n}
            for i, n in enumerate(["三井物産", "三井物産", None, "", "株式会社"])
        ]
    )
    res = link(COMPANIES, recs, source="sales", settings=LOOSE)
    assert res.matches.height == 5
    assert res.matches["source_key"].to_list() == ["0", "1", "2", "3", "4"]
    assert dict(res.matches.schema) == MATCH_SCHEMA
    assert dict(res.review.schema) == REVIEW_SCHEMA
    assert set(res.matches["status"]) <= {"auto", "review", "manual", "unmatched"}
    assert res.matches["score"].is_between(0, 1).all()
    assert res.stats["candidate_pairs"] < recs.height * COMPANIES.height
    assert {"blocking", "scoring"} <= set(res.stats["seconds"])


def test_review_queue_has_both_names_and_evidence() -> None:
    res = link(
        COMPANIES,
        records([{"source_key": "k", "name": "三井物産"}]),
        source="s",
        settings=MatchSettings(auto=1.0, review=0.0),
    )
    r = res.review.row(0, named=True)
    assert (r["source_name"], r["company_id"], r["company_name"]) == ("三井物産", "C01", "三井物産株式会社")
    assert r["evidence"] and r["score"] > 0


# --- blocking and symmetry -----------------------------------------------------------------------


def test_deletion_neighbourhood_finds_one_edit() -> None:
    idx = NameIndex.build(pl.Series(["渡辺製作所", "山田商店", "三井物産"]), del_cap=50)
    q = pl.DataFrame({"qid": [0, 1, 2, 3], "nname": ["渡辺製作書", "山田商", "三井物産X", "全然違う"]})
    found = idx.by_deletion(q.with_columns(pl.col("qid").cast(pl.UInt32)))
    got = dict(zip(found["qid"].to_list(), idx.names.gather(found["nid"]).to_list(), strict=True))
    assert got == {0: "渡辺製作所", 1: "山田商店", 2: "三井物産"}


_TEXT = st.text(alphabet=st.sampled_from(list("三井物産不動山田商店アイウエオABC髙高ー 株")), max_size=10)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=30))
def test_name_similarity_is_symmetric(pairs: list[tuple[str, str]]) -> None:
    a = pl.Series([p[0] for p in pairs])
    b = pl.Series([p[1] for p in pairs])
    assert (F.similarity(a, b) == F.similarity(b, a)).all()
    assert ((F.similarity(a, a) == 1) | (a == "").to_numpy()).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["三井物産", "山田商店", "ABC", "", None]), max_size=40))
def test_python_strings_repeat_runs_as_the_same_strings(values: list[str | None]) -> None:
    """Runs of equal neighbours become one string object each, in place: what rapidfuzz reads is
    the column, element by element."""
    got = python_strings(pl.Series(values, dtype=pl.String))
    assert list(got) == values
    runs = sum(1 for i, v in enumerate(values) if i == 0 or v != values[i - 1])
    assert len({id(x) for x in got}) <= runs or runs == len(values)


@settings(max_examples=50, deadline=None)
@given(st.lists(_TEXT, min_size=2, max_size=6, unique=True))
def test_scores_symmetric_between_two_name_only_records(names: list[str]) -> None:
    """Linking name X against a master holding Y scores as Y against a master holding X."""

    def master(ns: list[str]) -> pl.DataFrame:
        return pl.DataFrame({"company_id": [f"M{i}" for i in range(len(ns))], "name": ns})

    x, y = names[0], names[1]
    s = MatchSettings()
    a = link(master([y]), records([{"source_key": "k", "name": x}]), source="s", settings=s).matches["score"][
        0
    ]
    b = link(master([x]), records([{"source_key": "k", "name": y}]), source="s", settings=s).matches["score"][
        0
    ]
    assert a == pytest.approx(b)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet="株式会社三井物産山田ABCｱｲｳ-ー", min_size=1, max_size=12), min_size=1, max_size=20
    )
)
def test_deletion_hashes_equal_the_hash_of_the_shortened_name(names: list[str]) -> None:
    rows, hashes = deletion_hashes(pl.Series(names))
    got = set(zip(rows.tolist(), hashes.tolist(), strict=True))
    shortened = [(row, n[:i] + n[i + 1 :]) for row, n in enumerate(names) for i in range(len(n))]
    _, own = deletion_hashes(pl.Series([v for _, v in shortened]))
    # a name's own hash comes first: deleting character i must give the shortened name's own hash
    for (row, _), h in zip(shortened, own[: len(shortened)].tolist(), strict=True):
        assert (row, h) in got
    other = deletion_hashes(pl.Series(["全然違う会社名"]))[1][0]
    assert other not in set(hashes.tolist())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="山田三井商店ABAB", min_size=1, max_size=8), min_size=1, max_size=25),
    st.integers(1, 4),
)
def test_name_index_holds_each_deletion_and_bigram_once(names: list[str], cap: int) -> None:
    """The index, stated plainly: each (variant, name) pair once, variants of more than ``cap`` names
    dropped; each bigram's postings the distinct names holding it, in name order."""
    idx = NameIndex.build(pl.Series(names), del_cap=cap)
    distinct = idx.names.to_list()
    rows, hashes = deletion_hashes(idx.names)
    pairs = set(zip(hashes.tolist(), rows.tolist(), strict=True))
    per_variant = Counter(h for h, _ in pairs)
    assert sorted(zip(idx.dels["d"].to_list(), idx.dels["nid"].to_list(), strict=True)) == sorted(
        p for p in pairs if per_variant[p[0]] <= cap
    )
    postings: dict[tuple[str, str], set[int]] = {}
    for nid, name in enumerate(distinct):
        for a, b in itertools.pairwise(name):
            postings.setdefault((a, b), set()).add(nid)
    got = {}
    for g, start, count in zip(idx.grams.tolist(), idx.starts.tolist(), idx.counts.tolist(), strict=True):
        first, second = divmod(g, 0x110000)
        got[(chr(first), chr(second))] = idx.postings[start : start + count].tolist()
    assert got == {k: sorted(v) for k, v in postings.items()}
    assert idx.grams.tolist() == sorted(idx.grams.tolist())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="山田三井商店ABAB", min_size=0, max_size=8), min_size=1, max_size=25))
def test_name_index_built_in_chunks_is_the_same_index(names: list[str]) -> None:
    """A national master's names are hashed and cut into bigrams a chunk of rows at a time (bounded
    memory): chunks of 2 names must give exactly the index one chunk gives."""
    whole = NameIndex.build(pl.Series(names), del_cap=3)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(blocking, "_CHUNK", 2)
        chunked = NameIndex.build(pl.Series(names), del_cap=3)
    assert chunked.names.equals(whole.names) and chunked.dels.equals(whole.dels)
    for field in ("grams", "starts", "counts", "postings"):
        assert np.array_equal(getattr(chunked, field), getattr(whole, field)), field


def test_group_keys_are_the_record_keys_grouping_reads():
    """Off-master grouping of millions of unlinked records reads only name key, prefecture and
    domain: ``group_keys`` must give exactly what ``record_keys`` gives for them."""
    records = pl.DataFrame(
        {
            "source_key": ["a", "b", "c", "d", "e"],
            "name": ["株式会社アルファ 大阪支店", "ＡＬＰＨＡ Co., Ltd.", None, "(株)ベータ", "㈱ガンマ"],
            "prefecture": ["大阪府", None, "東京", None, None],
            "email_domain": ["mail.alpha.co.jp", "gmail.com", None, "BETA.CO.JP", "example.com"],
            "address": [None, "神奈川県横浜市西区1-1", None, None, "北海道札幌市"],
        }
    )
    free = ["gmail.com"]
    expected = record_keys(records, free).select("source_key", "nname", "pref", "domain")
    assert group_keys(records, free).equals(expected)
    assert expected["domain"].to_list() == ["alpha.co.jp", None, None, "beta.co.jp", "example.com"]


def test_a_saved_index_loads_equal_and_links_the_same(tmp_path: Path) -> None:
    """The run cache keeps the master's index between runs: what ``load`` returns must be what was built."""
    idx = MasterIndex.build(COMPANIES, LOOSE)
    idx.save(tmp_path)
    back = MasterIndex.load(tmp_path, LOOSE)
    assert back.master.equals(idx.master)
    assert back.tables.keys() == idx.tables.keys()
    assert all(back.tables[k].equals(t) for k, t in idx.tables.items())
    assert {k: list(v) for k, v in back.names.items()} == {k: list(v) for k, v in idx.names.items()}
    assert all(back.names[k][p].equals(t) for k, parts in idx.names.items() for p, t in parts.items())
    assert idx.reading_index is not None and back.reading_index is not None
    for built, loaded in ((idx.name_index, back.name_index), (idx.reading_index, back.reading_index)):
        assert loaded.names.equals(built.names) and loaded.dels.equals(built.dels)
        for field in ("grams", "starts", "counts", "postings"):
            a, b = getattr(built, field), getattr(loaded, field)
            assert a.dtype == b.dtype and np.array_equal(a, b)
    queries = records(
        [
            {"source_key": "a", "name": "三井物産"},
            {"source_key": "b", "name": "ヤマダショウテン", "prefecture": "北海道"},
            {"source_key": "c", "name": "Sakura Seiki", "phone": "052-111-2222"},
            {"source_key": "d", "name": "渡辺製作書"},
        ]
    )
    again, first = (link(COMPANIES, queries, source="s", settings=LOOSE, index=i) for i in (back, idx))
    assert again.matches.equals(first.matches)


def test_each_distinct_feature_row_is_scored_once_and_mapped_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pairs with equal features get the score of their one distinct row, found by row hash; were two
    different rows ever to share a hash, the rows are matched on their values instead."""
    rng = np.random.default_rng(7)
    rows = pl.DataFrame({f: rng.choice(np.array([0.0, 0.5, 1.0], dtype=np.float32), 50) for f in F.FEATURES})
    x = rows[rng.integers(0, 50, 2_000)]
    row, uniq = scoring._distinct_rows(x)
    assert uniq.height == x.unique().height
    assert uniq[row].equals(x)
    # every hash equal: a collision between all rows; the mapping must still be by value
    monkeypatch.setattr(
        pl.DataFrame, "hash_rows", lambda self, seed=0: pl.Series([1] * self.height, dtype=pl.UInt64)
    )
    row, uniq = scoring._distinct_rows(x)
    assert uniq.height == x.unique().height
    assert uniq[row].equals(x)
