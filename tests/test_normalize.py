"""Each normalisation rule of abm.matching.normalize, plus idempotence (hypothesis)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.matching.normalize import (
    branch,
    english_key,
    fold_kana,
    kana_key,
    legal_form,
    normalize_name,
)
from abm.matching.romaji import fold_romaji, romaji


def run(fn, values: list[str | None]) -> list[str | None]:
    return pl.DataFrame({"v": values}, schema={"v": pl.String}).select(fn(pl.col("v")))["v"].to_list()


def one(fn, value: str | None) -> str | None:
    return run(fn, [value])[0]


@pytest.mark.parametrize(
    ("raw", "form"),
    [
        ("株式会社ABC", "株式会社"),
        ("ABC株式会社", "株式会社"),
        ("㈱ABC", "株式会社"),
        ("(株)ABC", "株式会社"),
        ("（株）ABC", "株式会社"),
        ("ABC（株）", "株式会社"),
        ("ABC ( 株 )", "株式会社"),
        ("ｶ)ABC", "株式会社"),
        ("ABC(ｶ", "株式会社"),
        ("ｶﾌﾞｼｷｶﾞｲｼｬ ABC", "株式会社"),
        ("カブシキカイシャABC", "株式会社"),
        ("ABC KK", "株式会社"),
        ("ABC K.K.", "株式会社"),
        ("ABC Co., Ltd.", "株式会社"),
        ("ABC Co.,Ltd.", "株式会社"),
        ("ABC CO LTD", "株式会社"),
        ("ABC Inc.", "株式会社"),
        ("ABC Corporation", "株式会社"),
        ("ABC Corp.", "株式会社"),
        ("ABC Kabushiki Kaisha", "株式会社"),
        ("有限会社ABC", "有限会社"),
        ("(有)ABC", "有限会社"),
        ("㈲ABC", "有限会社"),
        ("ﾕ)ABC", "有限会社"),
        ("ABC Y.K.", "有限会社"),
        ("合同会社ABC", "合同会社"),
        ("(同)ABC", "合同会社"),
        ("ABC LLC", "合同会社"),
        ("ABC G.K.", "合同会社"),
        ("ﾄﾞ)ABC", "合同会社"),
        ("合資会社ABC", "合資会社"),
        ("(資)ABC", "合資会社"),
        ("ABC & Co.", "合資会社"),
        ("合名会社ABC", "合名会社"),
        ("一般社団法人ABC", "一般社団法人"),
        ("(一社)ABC", "一般社団法人"),
        ("一般財団法人ABC", "一般財団法人"),
        ("公益社団法人ABC", "公益社団法人"),
        ("公益財団法人ABC", "公益財団法人"),
        ("医療法人社団ABC", "医療法人"),
        ("医療法人ABC", "医療法人"),
        ("(医)ABC", "医療法人"),
        ("ABC Medical Corporation", "医療法人"),
        ("学校法人ABC", "学校法人"),
        ("社会福祉法人ABC", "社会福祉法人"),
        ("(福)ABC", "社会福祉法人"),
        ("特定非営利活動法人ABC", "特定非営利活動法人"),
        ("NPO法人ABC", "特定非営利活動法人"),
        ("税理士法人ABC", "税理士法人"),
        ("監査法人ABC", "監査法人"),
        ("ABC", None),
    ],
)
def test_legal_forms_extracted_and_removed(raw: str, form: str | None) -> None:
    assert one(legal_form, raw) == form
    assert one(normalize_name, raw) == "ABC"


@pytest.mark.parametrize(
    ("raw", "core", "office"),
    [
        ("株式会社ABC 東京支店", "ABC", "東京支店"),
        ("株式会社ABC東京支店", "ABC", "東京支店"),
        ("ABC株式会社本社", "ABC", "本社"),
        ("ABC株式会社 大阪営業所", "ABC", "大阪営業所"),
        ("ABC株式会社　第二工場", "ABC", "第二工場"),
        ("ABC株式会社 横浜事業所", "ABC", "横浜事業所"),
        ("ABC株式会社 営業部", "ABC", "営業部"),
        ("株式会社ABC営業本部", "ABC", "営業本部"),
        ("ABC株式会社 本店", "ABC", "本店"),
        ("株式会社山田鉄工場", "山田鉄工場", None),
        ("山田保険事務所", "山田保険事務所", None),
        ("株式会社東京", "東京", None),
    ],
)
def test_branch_suffixes(raw: str, core: str, office: str | None) -> None:
    assert one(normalize_name, raw) == core
    assert one(branch, raw) == office


@pytest.mark.parametrize(
    "variants",
    [
        ["髙島屋", "高島屋"],
        ["﨑陽軒", "崎陽軒"],
        ["渡邊商事", "渡邉商事", "渡辺商事"],
        ["澤田工業", "沢田工業"],
        ["齋藤商事", "斎藤商事", "齊藤商事", "斉藤商事"],
        ["濱田建設", "浜田建設"],
        ["霞ヶ関商事", "霞ケ関商事", "霞ヵ関商事"],
        ["ヴィクトリア", "ビクトリア"],
        ["ヴァンガード", "バンガード"],
        ["コンピューター", "コンピュ－タ－", "コンピュ-タ-", "コンピュ―タ―"],
        ["三井 物産", "三井物産", "三井　物産", "三 井 物 産"],
        ["ＡＢＣ", "ABC", "abc", "Ａｂｃ"],
        ["キヤノン", "キャノン"],
        ["ABC・ホールディングス", "ABCホールディングス"],
    ],
)
def test_character_folding(variants: list[str]) -> None:
    keys = run(normalize_name, variants)
    assert len(set(keys)) == 1, keys


def test_different_names_stay_different() -> None:
    keys = run(normalize_name, ["三井物産", "三井不動産", "三菱商事", "株式会社", None])
    assert keys[:3] == ["三井物産", "三井不動産", "三菱商事"]
    assert keys[3] is None  # nothing left but the legal form
    assert keys[4] is None


def test_fold_kana() -> None:
    assert one(fold_kana, "ｶﾌﾞｼｷｶﾞｲｼｬ ｴｰﾋﾞｰｼｰ") == "カブシキガイシヤエビシ"
    assert one(fold_kana, "えーびーしー") == one(fold_kana, "エービーシー") == "エビシ"
    assert one(fold_kana, "ヴァイオリン") == "バイオリン"
    assert one(fold_kana, "キャノン") == one(fold_kana, "キヤノン")
    assert one(fold_kana, "ヂヅヲ") == "ジズオ"


def test_kana_and_english_keys() -> None:
    assert one(kana_key, "ｶ)ﾔﾏﾀﾞｾｲｷ") == "ヤマダセイキ"
    assert one(kana_key, "山田精機") is None  # not typed in kana
    assert one(english_key, "Yamada Seiki Co., Ltd.") == "YAMADASEIKI"
    assert one(english_key, "ＹＡＭＡＤＡ　ＳＥＩＫＩ　ＩＮＣ．") == "YAMADASEIKI"
    assert one(english_key, "山田精機") is None


def test_romaji_of_readings_meets_english_names() -> None:
    assert one(romaji, "キョウエイショウテン") == one(fold_romaji, "Kyoei Shoten") == "KYOEISHOTEN"
    assert one(romaji, "ニッポンセイキ") == one(fold_romaji, "Nippon Seiki")
    assert one(romaji, "カブシキガイシャシンバシ") == one(fold_romaji, "Shimbashi")


_ALPHABET = st.sampled_from(
    list("株式会社有限合同山田高髙崎﨑辺邊沢澤斎齋東京大阪支店営業所本社第二工場製作所商事")
    + list("アイウエオカキクケコサシスセソヴァィゥェォャュョッーヶヵケ・ｱｲｳｴｵｶﾞｯｰ")
    + list("ABCabcＡＢＣ0123 　-－‐―.,()（）&㈱㈲")
)
_NAME = st.lists(_ALPHABET, min_size=0, max_size=16).map("".join)
_PARTS = st.tuples(
    st.sampled_from(["", "株式会社", "㈱", "(株)", "（有）", "合同会社", "ｶ)"]),
    st.lists(
        st.sampled_from(list("山田高髙崎﨑辺邊澤斎齋東西製作所商事アイウエオヴァーヶABCＡＢＣ 　-")),
        max_size=10,
    ).map("".join),
    st.sampled_from(["", "株式会社", " Co., Ltd.", "(株)"]),
    st.sampled_from(["", " 東京支店", "本社", " 大阪営業所", " 第二工場", " 営業部"]),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PARTS, min_size=1, max_size=20))
def test_normalize_name_idempotent_on_company_names(names: list[str]) -> None:
    once = run(normalize_name, names)
    assert run(normalize_name, once) == once


@settings(max_examples=300, deadline=None)
@given(st.lists(_NAME, min_size=1, max_size=20))
def test_fold_kana_idempotent(names: list[str]) -> None:
    once = run(fold_kana, names)
    assert run(fold_kana, once) == once
