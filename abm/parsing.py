"""Vectorised parsers for the messy values of Japanese business files.

Each parser maps a text column to a typed column, leaving null where the text cannot be read;
``abm.validate`` turns those nulls into rejects. Handled on purpose: full-width digits, thousands
separators, ¥/円, △▲ and (1,000) negatives, 2025/4/1, 2025-04-01, 20250401, 2025年4月1日,
令和7年4月1日 / R7.4.1 / 平成, Excel serial day numbers, and yes/no in Japanese.
"""

from __future__ import annotations

import polars as pl

UNKNOWN = ("", "-", "ー", "―", "不明", "非公開", "n/a", "na", "null", "none", "?")
TRUE_WORDS = ("true", "t", "1", "yes", "y", "はい", "有", "あり", "○", "◯", "〇", "済", "許諾", "同意", "on")
FALSE_WORDS = (
    "false",
    "f",
    "0",
    "no",
    "n",
    "いいえ",
    "無",
    "なし",
    "×",
    "未",
    "拒否",
    "off",
    "非上場",
    "未上場",
)
LISTED_PATTERN = r"上場|東証|名証|札証|福証|プライム|スタンダード|グロース|jasdaq|マザーズ"
_ERAS = {"令和": 2018, "r": 2018, "平成": 1988, "h": 1988, "昭和": 1925, "s": 1925}
_EXCEL_EPOCH = pl.date(1899, 12, 30)


def _folded(col: pl.Expr) -> pl.Expr:
    return col.str.normalize("NFKC").str.strip_chars().str.to_lowercase()


def text(col: pl.Expr) -> pl.Expr:
    """Trimmed text; blank becomes null."""
    stripped = col.str.strip_chars(" \t\r\n\u3000")
    return pl.when(stripped == "").then(None).otherwise(stripped)


def is_blank(col: pl.Expr) -> pl.Expr:
    return text(col).is_null()


def number(col: pl.Expr) -> pl.Expr:
    """Float64 from '1,234', '￥1,234円', '△500', '(500)', '1.2e6'; null when not a number."""
    s = _folded(col).str.replace_all(r"[,\s¥円]", "")
    negative = s.str.contains(r"^[△▲]") | s.str.contains(r"^\(.*\)$")
    s = s.str.replace_all(r"^[△▲]|^\(|\)$", "")
    value = s.cast(pl.Float64, strict=False)
    value = pl.when(value.is_finite()).then(value)  # 'nan' / 'inf' are not amounts
    return pl.when(negative).then(-value).otherwise(value)


def is_unknown(col: pl.Expr) -> pl.Expr:
    """Blank or an explicit 'unknown' token (不明, -, 非公開 ...)."""
    return col.is_null() | _folded(col).is_in(UNKNOWN)


def date(col: pl.Expr) -> pl.Expr:
    """Date from the usual Japanese and ISO spellings, Japanese eras and Excel serials; null otherwise."""
    s = _folded(col).str.replace(r"[ t]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "")
    ymd = s.str.extract_groups(r"^(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?$")
    compact = s.str.extract_groups(r"^(\d{4})(\d{2})(\d{2})$")
    era = s.str.extract_groups(r"^(令和|平成|昭和|r|h|s)(\d{1,2}|元)[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?$")
    era_base = era.struct.field("1").replace_strict(_ERAS, default=None, return_dtype=pl.Int32)
    era_year = era.struct.field("2").replace("元", "1").cast(pl.Int32, strict=False)

    def build(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
        y, m, d = (v.cast(pl.Int32, strict=False) for v in (y, m, d))
        ok = m.is_between(1, 12) & d.is_between(1, 31) & y.is_between(1900, 2200)
        # pl.date raises on 2025-02-30; go through a string with strict=False to get null instead
        as_text = pl.format("{}-{}-{}", y, m.cast(pl.Utf8).str.zfill(2), d.cast(pl.Utf8).str.zfill(2))
        return pl.when(ok).then(as_text.str.to_date("%Y-%m-%d", strict=False))

    serial = s.cast(pl.Int32, strict=False)
    excel = pl.when(serial.is_between(20000, 80000)).then(_EXCEL_EPOCH + pl.duration(days=serial))
    return pl.coalesce(
        build(ymd.struct.field("1"), ymd.struct.field("2"), ymd.struct.field("3")),
        build(compact.struct.field("1"), compact.struct.field("2"), compact.struct.field("3")),
        build(era_base + era_year, era.struct.field("3"), era.struct.field("4")),
        excel.cast(pl.Date),
    )


def boolean(col: pl.Expr) -> pl.Expr:
    """True / False from English and Japanese words and exchange names (上場区分); null otherwise."""
    s = _folded(col)
    return (
        pl.when(s.is_in(FALSE_WORDS))
        .then(False)
        .when(s.is_in(TRUE_WORDS) | s.str.contains(LISTED_PATTERN))
        .then(True)
    )


def opt_in(col: pl.Expr) -> pl.Expr:
    """Opt-in given as a boolean word or as the opt-in date (a date means yes)."""
    return pl.coalesce(boolean(col), pl.when(date(col).is_not_null()).then(True))


EMAIL_PATTERN = r"^[a-z0-9!#$%&'*+/=?^_`{|}~.\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)+$"


def email(col: pl.Expr) -> pl.Expr:
    """Lower-cased email; null when malformed."""
    s = _folded(col)
    return pl.when(s.str.contains(EMAIL_PATTERN)).then(s)


def domain(col: pl.Expr) -> pl.Expr:
    """Bare lower-case host from 'https://www.example.co.jp/about' or 'example.co.jp'."""
    s = _folded(col).str.replace(r"^[a-z]+://", "").str.replace(r"^www\.", "").str.replace(r"[/:?#].*$", "")
    return pl.when(s.str.contains(r"^[a-z0-9\-]+(\.[a-z0-9\-]+)+$")).then(s)
