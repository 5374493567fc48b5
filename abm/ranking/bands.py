"""Readable bands over master attributes (従業員数, 売上高, 資本金, 業歴, 地域, 上場, 社名の語, 法人格).

A marketer agrees with a model when its reasons read like their own notes: "100–299人, 10億円以上,
中部, 業歴30–49年". Each band is a pure polars expression with labels in the bands' natural order;
a missing value is labelled ``不明`` so it stays visible instead of vanishing from the shares.

The name word (工業, 商事, 建設, 銀行 ...) and the legal form (株式会社, 合同会社, 医療法人 ...) come from
the official name alone, so they exist even in the free 法人番号 master, which has no size or industry:
there they are the main hint of what a company does and how big it is likely to be.
"""

from __future__ import annotations

import itertools

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from abm.geo import AREA_OF, prefecture_expr
from abm.matching.legal_forms import LEGAL_FORM_NAMES

UNKNOWN = "不明"
OKU = 100_000_000  # 億 = 10^8 yen

# (lower bound inclusive, label); each band runs up to the next bound
EMPLOYEE_BANDS: tuple[tuple[float, str], ...] = (
    (0, "1–4人"),
    (5, "5–9人"),
    (10, "10–29人"),
    (30, "30–99人"),
    (100, "100–299人"),
    (300, "300–999人"),
    (1000, "1,000–4,999人"),
    (5000, "5,000人以上"),
)
REVENUE_BANDS: tuple[tuple[float, str], ...] = (
    (0, "1億円未満"),
    (1 * OKU, "1–10億円"),
    (10 * OKU, "10–100億円"),
    (100 * OKU, "100–1,000億円"),
    (1000 * OKU, "1,000億円以上"),
)
CAPITAL_BANDS: tuple[tuple[float, str], ...] = (
    (0, "1千万円未満"),
    (10_000_000, "1千万–5千万円"),
    (50_000_000, "5千万–1億円"),
    (1 * OKU, "1–10億円"),
    (10 * OKU, "10億円以上"),
)
AGE_BANDS: tuple[tuple[float, str], ...] = (
    (0, "業歴5年未満"),
    (5, "業歴5–9年"),
    (10, "業歴10–29年"),
    (30, "業歴30–49年"),
    (50, "業歴50年以上"),
)

# Business words in company names, read as "what the company does" (業態). When a name holds several
# (東海建設工業), the last one wins: it is the suffix that says the trade.
NAME_WORDS: tuple[str, ...] = (
    "工業", "製作所", "製造", "電機", "電気", "電子", "機械", "精機", "精工", "化学", "製薬", "薬品", "食品",
    "酒造", "繊維", "鉄鋼", "金属", "建設", "工務店", "土木", "設備", "工事", "住宅", "不動産", "商事",
    "商会", "商店", "物産", "産業", "興業", "貿易", "運輸", "運送", "物流", "倉庫", "交通", "自動車", "銀行",
    "信用金庫", "証券", "保険", "リース", "電力", "ガス", "石油", "エネルギー", "通信", "システム", "ソフト",
    "情報", "設計", "コンサルティング", "企画", "広告", "印刷", "出版", "ホテル", "旅館", "観光", "病院",
    "クリニック", "介護", "福祉", "薬局", "学園", "農園", "水産", "開発", "サービス", "ホールディングス",
)  # fmt: skip
_NAME_WORD_RE = ".*(" + "|".join(sorted(NAME_WORDS, key=len, reverse=True)) + ")"
_LEGAL_FORM_RE = "(" + "|".join(sorted(LEGAL_FORM_NAMES, key=len, reverse=True)) + ")"


def name_word(col: str = "name") -> pl.Expr:
    """Last business word of the name (``NAME_WORDS``), or null; one regex pass, no Python per row."""
    return pl.col(col).str.extract(_NAME_WORD_RE, 1)


def legal_form_of_name(col: str = "name") -> pl.Expr:
    """Legal form written in an official name (株式会社, 有限会社, 医療法人 ...), or null.

    Official names spell the form out, so a plain search is enough; it is ~4× cheaper than
    ``abm.matching.normalize.legal_form``, which also reads (株), K.K. and English forms in hand-typed names.
    """
    return pl.col(col).str.extract(_LEGAL_FORM_RE, 1)


def band_labels(bands: tuple[tuple[float, str], ...]) -> list[str]:
    """Labels in natural order, ``不明`` last."""
    return [label for _, label in bands] + [UNKNOWN]


def band_expr(value: pl.Expr, bands: tuple[tuple[float, str], ...]) -> pl.Expr:
    """Label of the band a number falls in; null or negative → ``不明``."""
    expr: Then | ChainedThen = pl.when(value.is_null() | (value < bands[0][0])).then(pl.lit(UNKNOWN))
    for (_low, label), (high, _) in itertools.pairwise(bands):
        expr = expr.when(value < high).then(pl.lit(label))
    return expr.otherwise(pl.lit(bands[-1][1]))


def employee_band(col: str = "employees") -> pl.Expr:
    return band_expr(pl.col(col), EMPLOYEE_BANDS).alias(col)


def revenue_band(col: str = "revenue") -> pl.Expr:
    return band_expr(pl.col(col), REVENUE_BANDS).alias(col)


def capital_band(col: str = "capital") -> pl.Expr:
    """資本金 band; 0 (non-profit corporations have none) reads ``資本金なし``."""
    capital = pl.col(col)
    return (
        pl.when(capital == 0)
        .then(pl.lit("資本金なし"))
        .otherwise(band_expr(capital, CAPITAL_BANDS))
        .alias(col)
    )


def age_band(as_of_year: int, col: str = "founded_year") -> pl.Expr:
    """業歴 (years since founding) band at the run's as-of year."""
    return band_expr(pl.lit(as_of_year) - pl.col(col), AGE_BANDS).alias(col)


# a master address starts with its prefecture (東京都千代田区…); kanji need no NFKC, which keeps this
# ~6× cheaper than matching's prefecture_from_address() (it NFKC-folds the address first)
_PREFECTURE_AT_START = r"^\s*(東京都|北海道|京都府|大阪府|\p{Han}{2,3}県)"


def master_prefecture() -> pl.Expr:
    """Canonical prefecture (東京都) of a master company: the stated one, else the one its address starts
    with — masters such as EDINET's code list give only the address (所在地)."""
    from_address = pl.col("address").str.extract(_PREFECTURE_AT_START, 1)
    return prefecture_expr(pl.coalesce(pl.col("prefecture"), from_address))


def area_band(col: str = "prefecture") -> pl.Expr:
    """Sales area (関東, 中部 ...) of a prefecture; unknown prefecture → ``不明``."""
    return pl.col(col).replace_strict(AREA_OF, default=UNKNOWN, return_dtype=pl.Utf8)


def listed_band(col: str = "listed") -> pl.Expr:
    return (
        pl.when(pl.col(col).is_null())
        .then(pl.lit(UNKNOWN))
        .when(pl.col(col))
        .then(pl.lit("上場"))
        .otherwise(pl.lit("非上場"))
        .alias(col)
    )


def industry_band(code: str = "industry_code", name: str = "industry_name") -> pl.Expr:
    """'24 金属製品製造業' (code and name, so codes sort and names read); missing → ``不明``."""
    joined = pl.concat_str([pl.col(code), pl.col(name)], separator=" ", ignore_nulls=True)
    return pl.when(joined.is_null() | (joined == "")).then(pl.lit(UNKNOWN)).otherwise(joined)


NO_NAME_WORD = "該当語なし"
ATTRIBUTES = (
    "industry",
    "employees",
    "revenue",
    "capital",
    "area",
    "age",
    "listed",
    "name_word",
    "legal_form",
)
ORDERED = {
    "employees": band_labels(EMPLOYEE_BANDS),
    "revenue": band_labels(REVENUE_BANDS),
    "capital": ["資本金なし", *band_labels(CAPITAL_BANDS)],
    "age": band_labels(AGE_BANDS),
    "listed": ["上場", "非上場", UNKNOWN],
}


def band_frame(master: pl.DataFrame, as_of_year: int) -> pl.DataFrame:
    """account_id plus one band column per attribute in ``ATTRIBUTES`` (categorical, to stay small at 5M)."""
    exprs = {
        "industry": industry_band(),
        "employees": employee_band(),
        "revenue": revenue_band(),
        "capital": capital_band(),
        "area": master_prefecture().replace_strict(AREA_OF, default=UNKNOWN, return_dtype=pl.Utf8),
        "age": age_band(as_of_year),
        "listed": listed_band(),
        "name_word": name_word().fill_null(NO_NAME_WORD),
        "legal_form": legal_form_of_name().fill_null(UNKNOWN),
    }
    return master.select("account_id", *(e.cast(pl.Categorical).alias(k) for k, e in exprs.items()))
