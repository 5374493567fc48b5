"""English / romaji names against a master without English names (abm/matching/english.py)."""

from __future__ import annotations

import polars as pl
import pytest

from abm.matching import MatchSettings, link, scoring
from abm.matching import english as E
from abm.matching.normalize import normalize_name
from abm.matching.romaji import romaji


def keys(*names: str) -> list[dict]:
    return E.record_keys(pl.Series(list(names), dtype=pl.String)).to_dicts()


def master_keys(name: str, kana: str) -> dict:
    f = pl.DataFrame({"name": [name], "kana": [kana]})
    f = f.select(normalize_name(pl.col("name")), romaji(pl.col("kana")))
    return E.master_keys(f["name"], f["kana"]).to_dicts()[0]


def test_dictionary_is_broad_and_well_formed():
    d = E.business_words()
    meaningful = d.filter(pl.col("japanese") != "")
    assert meaningful["token"].n_unique() >= 300
    assert meaningful.height >= 400
    # every meaningful entry has a reading that romanises, and no row is duplicated
    assert meaningful.filter(pl.col("reading") == "").height == 0
    assert d.select("token", "japanese", "reading").is_duplicated().sum() == 0
    pairs = set(zip(meaningful["token"], meaningful["japanese"], strict=True))
    expected = [
        ("SECURITIES", "証券"), ("INDUSTRIES", "工業"), ("INDUSTRIES", "産業"), ("CONSTRUCTION", "建設"),
        ("TRADING", "商事"), ("PHARMACEUTICAL", "製薬"), ("BANK", "銀行"), ("STEEL", "製鋼"),
        ("HEAVY_INDUSTRIES", "重工業"), ("NEWSPAPER", "新聞"), ("FLOUR_MILLING", "製粉"),
        ("BREWING", "酒造"), ("FEED", "飼料"), ("INSURANCE", "保険"), ("RAILWAY", "鉄道"),
    ]  # fmt: skip
    assert set(expected) <= pairs


def test_english_name_is_read_out_as_the_reading_of_its_business_words():
    (k,) = keys("Maruhachi Securities Co.,Ltd.")
    assert k["en_trs"] == "MARUHATISYOKEN" and k["en_stem"] == "MARUHATI" and k["en_biz"] == "証券"
    (heavy,) = keys("SUMITOMO HEAVY INDUSTRIES, LTD.")  # a phrase is one word, with its alternatives
    assert set(heavy["en_trs"].split("|")) == {"SUMITOMOJUKOGYO", "SUMITOMOJUKO"}
    assert heavy["en_stem"] == "SUMITOMO"
    # a word outside the dictionary stays in the proper part; Japanese names get no English keys
    out, ja = keys("Ferrotec Corporation"), keys("丸八証券株式会社")
    assert out[0]["en_trs"] == "FEROTEC" and out[0]["en_biz"] is None
    assert ja[0] == {"en_trs": None, "en_stem": None, "en_skels": None, "en_loans": None, "en_biz": None}


def test_record_keys_of_a_mixed_batch_are_each_names_own():
    """Only Latin names are tokenised (the rest are most records): in a batch mixing them with Japanese
    names, duplicates and nulls, every row still gets exactly the keys its name gets alone."""
    names = [
        "丸八証券株式会社", "Maruhachi Securities Co.,Ltd.", None, "Ferrotec Corporation", "ＡＢＣ商事",
        "Maruhachi Securities Co.,Ltd.", "SUMITOMO HEAVY INDUSTRIES, LTD.", "株式会社トヨタ",
    ]  # fmt: skip
    assert keys(*names) == [keys(n)[0] for n in names]


def test_spellings_in_written_and_japanese_order_whether_a_word_reads_one_way_or_several():
    """A name whose every word reads one way has one spelling per order (the pieces joined); a word with
    several readings (Industries: 工業 / 産業, Japan: ニホン / ニッポン) makes their product. In one
    batch each name still gets what it gets alone."""
    names = ("Ferrotec Tokyo Corporation", "Toyama Industries", "Micronics Japan Co., Ltd.", "Tokyo Ferrotec")
    one, several, japan, same_order = keys(*names)
    assert one["en_trs"].split("|") == ["FEROTECTOKYO", "TOKYOFEROTEC"]  # written, then place word first
    assert set(several["en_trs"].split("|")) == {"TOYAMAKOGYO", "TOYAMASANGYO"}
    assert set(japan["en_trs"].split("|")) == {
        "MICRONICSNIHON", "MICRONICSNIPON", "NIHONMICRONICS", "NIPONMICRONICS",
    }  # fmt: skip
    assert same_order["en_trs"] == "TOKYOFEROTEC"  # both orders give one spelling: kept once
    assert [one, several, japan, same_order] == [keys(n)[0] for n in names]


def test_master_reading_stem_drops_trailing_business_words():
    m = master_keys("丸八証券株式会社", "マルハチショウケンカブシキガイシャ")
    assert m["en_tr"] == "MARUHATISYOKEN" and m["en_stem"] == "MARUHATI" and m["en_word"] == "Securities"
    # Latin letters in a Japanese name, business words read out
    assert (
        master_keys("ＪＦＥホールディングス株式会社", "ジェイエフイーホールディングス")["en_nrom"]
        == "JFEHORUDINGUSU"
    )
    # no business word: no stem
    assert master_keys("株式会社コセル", "コセル")["en_stem"] is None


@pytest.mark.parametrize(
    ("a", "b"),
    [("MARUHACHI", "MARUHATI"), ("SHOUKEN", "SYOKEN"), ("TSUTSUMI", "TUTUMI"), ("OHNO", "ONO"),
     ("SHIMBASHI", "SINBASI"), ("FUJI", "HUZI"), ("KOUGYOU", "KOGYO")],
)  # fmt: skip
def test_hepburn_variants_meet(a, b):
    out = pl.select(E.phonetic_romaji(pl.lit(a)).alias("a"), E.phonetic_romaji(pl.lit(b)).alias("b")).row(0)
    assert out[0] == out[1]


@pytest.mark.parametrize(
    ("english", "katakana_romaji"),
    [("SUNTORY", "SANTORI"), ("ROLAND", "RORANDO"), ("COSEL", "KOSERU"), ("YONEX", "YONEKUSU"),
     ("FERROTEC", "FEROTEKU"), ("VALUEGOLF", "BARYUGORUHU"), ("LASERTEC", "REZATEKU")],
)  # fmt: skip
def test_loanwords_share_a_skeleton(english, katakana_romaji):
    f = E.phonetic_romaji
    out = pl.select(E.skeleton(f(pl.lit(english))), E.skeleton(f(pl.lit(katakana_romaji))).alias("k")).row(0)
    assert out[0] == out[1] and out[0] is not None


def test_loan_key_keeps_vowels_that_tell_loanwords_apart():
    f = E.phonetic_romaji
    same = pl.select(E.loan_key(f(pl.lit("COSEL"))), E.loan_key(f(pl.lit("KOSERU"))).alias("k")).row(0)
    assert same[0] == same[1]
    other = pl.select(E.loan_key(f(pl.lit("KASAR"))), E.loan_key(f(pl.lit("KOSERU"))).alias("k")).row(0)
    assert other[0] != other[1]


def test_margin_tells_a_lone_reading_from_namesakes():
    pf = pl.DataFrame(
        {
            "qid": [1, 1, 1, 2, 2, 3],
            "en_sim": [0.95, 0.6, 0.3, 0.9, 0.9, 0.8],
            "q_en_trs": ["A", "A", "A", "B", "B", None],
        }
    )
    got = E.margin(pf).round(2).to_list()
    # the leader by 0.35, the others behind it; two equal readings: no margin; a Japanese name: 0
    assert got == [0.35, -0.35, -0.65, 0.0, 0.0, 0.0]


def test_coverage_is_not_diluted_by_extra_words():
    english = pl.Series(["MARUHATISYOKENINTANASYONARU", "MARUHATI", None])
    reading = pl.Series(["MARUHATISYOKEN", "MARUHATISYOKEN", "MARUHATISYOKEN"])
    cover = E.coverage(english, reading)
    assert cover[0] == 1.0 and abs(cover[1] - 8 / 14) < 1e-6 and cover[2] == 0.0


def test_synthetic_english_names_are_written_as_companies_write_theirs():
    import random

    from abm.matching.synth import _english

    made = [
        _english("MARUHATI", "Securities", "丸八証券", "MARUHATISYOKEN", random.Random(i)) for i in range(400)
    ]
    assert all(made)
    low = [m.lower() for m in made]
    assert sum("securities" in m for m in low) > 200  # mostly translated
    assert any("syoken" in m for m in low)  # now and then left in romaji
    assert any(m.startswith("the ") for m in low)
    assert any(m.isupper() for m in made) and any(m.endswith("Co., Ltd.") for m in made)
    # Latin letters stay letters (ＶＭＱ技術 → VMQ ...), katakana names are respelt as loanwords
    latin = [
        _english("BUIEMUKYU", "Technology", "VMQ技術", "BUIEMUKYUGIJUTU", random.Random(i)) for i in range(50)
    ]
    assert sum(m.upper().startswith("VMQ") for m in latin) > 25
    loan = {_english(None, None, "コセル", "KOSERU", random.Random(i)) for i in range(50)}
    assert any(m and m.upper().startswith("COSEL") for m in loan)
    # a name with no business word and no reading gets no English variant
    assert _english(None, None, "丸八", None, random.Random(0)) is None


MASTER = pl.DataFrame(
    {
        "company_id": ["A", "B", "C", "D", "E"],
        "name": [
            "丸八証券株式会社",
            "丸八倉庫株式会社",
            "サントリー食品株式会社",
            "ＮＤＳ株式会社",
            "東武鉄道株式会社",
        ],
        "name_kana": [
            "マルハチショウケン",
            "マルハチソウコ",
            "サントリーショクヒン",
            "エヌディーエス",
            "トウブテツドウ",
        ],
        "prefecture": ["愛知県", "愛知県", "東京都", "愛知県", "東京都"],
    }
)


def test_english_names_find_their_company_and_not_its_namesake():
    recs = pl.DataFrame(
        {
            "source_key": ["1", "2", "3", "4", "5"],
            "name": [
                "Maruhachi Securities Co., Ltd.",
                "MARUHACHI WAREHOUSE CO.,LTD.",
                "Suntory Foods Limited",
                "NDS Corporation",
                "TOBU RAILWAY CO.,LTD.",
            ],
        }
    )
    res = link(MASTER, recs, source="contacts", settings=MatchSettings(review=0.3))
    got = dict(zip(res.matches["source_key"], res.matches["candidate_company_id"], strict=True))
    assert got == {"1": "A", "2": "B", "3": "C", "4": "D", "5": "E"}
    # the securities firm is never the warehouse: the runner-up is the namesake, well below
    row = res.matches.filter(pl.col("source_key") == "1").row(0, named=True)
    assert row["runner_up_company_id"] in (None, "B") and (row["runner_up_score"] or 0) < row["score"]


def test_blocking_stays_bounded_for_common_stems():
    # 60 companies share the stem ニッポン: an English name with only that stem proposes at most the cap
    n = 60
    master = pl.DataFrame(
        {
            "company_id": [f"C{i}" for i in range(n)],
            "name": [f"日本{w}株式会社" for w in ["証券", "倉庫", "製粉"] * (n // 3)],
            "name_kana": [f"ニッポン{k}" for k in ["ショウケン", "ソウコ", "セイフン"] * (n // 3)],
        }
    )
    s = MatchSettings()
    recs = pl.DataFrame({"source_key": ["x"], "name": ["Nippon Co., Ltd."]})
    res = link(master, recs, source="contacts", settings=s)
    assert res.stats["candidate_pairs"] <= 3 * s.max_key_companies + 10


def test_training_queries_respell_katakana_names_as_loanwords():
    from abm.matching.keys import master_keys as prepared
    from abm.matching.synth import training_queries

    companies = pl.DataFrame(
        {
            "company_id": [str(i) for i in range(400)],
            "name": ["株式会社コセル"] * 400,
            "name_kana": ["コセル"] * 400,
            "prefecture": ["富山県"] * 400,
        }
    )
    names = training_queries(prepared(companies), 400, seed=0)["name"].str.to_uppercase()
    # the reading reaches the English variants: COSEL as the loanword is spelt, not only KOSERU
    assert names.str.starts_with("COSE").any() and names.str.starts_with("KOSERU").any()


def test_training_draws_average_models_trained_on_different_synthetic_draws(monkeypatch):
    """match.training_draws: the model is the mean of one model per draw (seed, seed + 1000, ...),
    so the links depend less on one draw's noise, and the same settings still give the same model."""
    import numpy as np

    from abm.matching.index import MasterIndex
    from abm.sample.companies import make_companies

    companies = make_companies(np.random.default_rng(3), 1500, 2025).select(
        "company_id", "name", "corporate_number", pl.col("kana").alias("name_kana"), "name_en",
        "prefecture", pl.col("city_name").alias("city"), "address", "phone", "domain",
    )  # fmt: skip
    base = MatchSettings(min_training_master=0, training_companies=600, seed=5)

    def build(**kw) -> MasterIndex:
        return MasterIndex.build(companies, base.model_copy(update=kw))

    bagged = build(training_draws=2)
    first, second = build(seed=5), build(seed=1005)
    pairs, _ = bagged._train_draw(11)  # pairs from a third draw, seen by none of the models
    p, p1, p2 = (i.trained_model.score(pairs) for i in (bagged, first, second))
    assert len(bagged.trained_model.clfs) == 2
    assert np.abs(p1 - p2).max() > 0.01  # the draws teach different models
    np.testing.assert_allclose(p, (p1 + p2) / 2, rtol=1e-6)
    np.testing.assert_array_equal(p, build(training_draws=2).trained_model.score(pairs))
    # training and scoring run on every core: the model and its probabilities are the same on one thread
    with monkeypatch.context() as m:
        m.setattr(scoring, "_THREADS", 1)
        np.testing.assert_array_equal(p, bagged.trained_model.score(pairs))
        np.testing.assert_array_equal(p, build(training_draws=2).trained_model.score(pairs))
