"""Vectorised parsers for the messy values of Japanese business files.

Each parser maps a text column to a typed column, leaving null where the text cannot be read;
``abm.inputs.validate`` turns those nulls into rejects. Handled on purpose: full-width digits, thousands
separators, ¥/円, △▲ and (1,000) negatives, 2025/4/1, 2025-04-01, 20250401, 2025年4月1日,
令和7年4月1日 / R7.4.1 / 平成 / 昭和 / 大正 / 明治 (each only inside its own dates), years alone
(昭和30年, H2, 1955年4月), Excel serial day numbers, and yes/no in Japanese. Refused on purpose
(null, so a reject): European 1.234,56, 12円34, 12,34 and dates outside their era (平成31年5月1日).
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
# Era -> (year 1 of the era, first day, last day). An era date outside its range is not a date:
# 平成31年5月1日 never existed (that day is 令和元年5月1日).
ERAS = {
    "明治": (1868, (1868, 10, 23), (1912, 7, 29)),
    "大正": (1912, (1912, 7, 30), (1926, 12, 24)),
    "昭和": (1926, (1926, 12, 25), (1989, 1, 7)),
    "平成": (1989, (1989, 1, 8), (2019, 4, 30)),
    "令和": (2019, (2019, 5, 1), (2200, 12, 31)),
}
_ABBREVIATIONS = {"m": "明治", "t": "大正", "s": "昭和", "h": "平成", "r": "令和"}
_ERA_NAMES = {**{e: e for e in ERAS}, **_ABBREVIATIONS}
_ERA_OFFSET = {k: ERAS[e][0] - 1 for k, e in _ERA_NAMES.items()}
_ERA_FIRST = {k: ERAS[e][1][0] * 10000 + ERAS[e][1][1] * 100 + ERAS[e][1][2] for k, e in _ERA_NAMES.items()}
_ERA_LAST = {k: ERAS[e][2][0] * 10000 + ERAS[e][2][1] * 100 + ERAS[e][2][2] for k, e in _ERA_NAMES.items()}
_ERA = "(" + "|".join(_ERA_NAMES) + ")"
_EXCEL_EPOCH = pl.date(1899, 12, 30)


def _nfkc_series(s: pl.Series) -> pl.Series:
    wide = (s.str.len_bytes() != s.str.len_chars()).fill_null(False)
    if not wide.any():
        return s
    at = wide.arg_true()
    return s.scatter(at, s.gather(at).str.normalize("NFKC"))


def nfkc(col: pl.Expr) -> pl.Expr:
    """NFKC-normalised text. Only values holding a non-ASCII character go through the normaliser:
    ASCII text is NFKC already, and codes, numbers, domains and emails (millions of them at national
    scale) are mostly ASCII, so this skips most of what NFKC cost."""
    return col.map_batches(_nfkc_series, return_dtype=pl.String, is_elementwise=True)


def _folded(col: pl.Expr) -> pl.Expr:
    return nfkc(col).str.strip_chars().str.to_lowercase()


def text(col: pl.Expr) -> pl.Expr:
    """Trimmed text; blank becomes null."""
    stripped = col.str.strip_chars(" \t\r\n\u3000")
    return pl.when(stripped == "").then(None).otherwise(stripped)


def is_blank(col: pl.Expr) -> pl.Expr:
    return text(col).is_null()


# Sign mark, optional ¥ in front, digits (commas only between digits of the integer part), decimals,
# exponent, optional 円 at the end. Anything else (1.234,56 / 12円34 / 1,234.5,6) is refused, never guessed.
AMOUNT_PATTERN = r"^[△▲]?\(?[-+]?¥?(\d+(,\d+)*)?(\.\d+)?(e[-+]?\d+)?円?\)?$"


def _numbers(texts: pl.Series) -> pl.Series:
    """The staged parse behind ``number`` (each step materialised once, see ``_dates``)."""
    folded = _folded(pl.col("raw")).str.replace_all(r"\s", "")
    frame = texts.to_frame("raw").select(
        pl.when(folded.str.contains(AMOUNT_PATTERN)).then(folded.str.replace_all(r"[,¥円]", "")).alias("s")
    )
    frame = frame.select(
        (pl.col("s").str.contains(r"^[△▲]") | pl.col("s").str.contains(r"^\(.*\)$")).alias("negative"),
        pl.col("s").str.replace_all(r"^[△▲]|^\(|\)$", "").cast(pl.Float64, strict=False).alias("v"),
    )
    value = pl.when(pl.col("v").is_finite()).then(pl.col("v"))  # 'nan' / 'inf' are not amounts
    return frame.select(pl.when("negative").then(-value).otherwise(value).alias(texts.name)).to_series()


def number(col: pl.Expr) -> pl.Expr:
    """Float64 from '1,234', '1,234.5', '￥1,234円', '△500', '(500)', '1.2e6'; null when not a number
    (and for '1.234,56' or '12円34', whose meaning is a guess)."""
    return col.map_batches(_numbers, return_dtype=pl.Float64)


def is_unknown(col: pl.Expr) -> pl.Expr:
    """Blank or an explicit 'unknown' token (不明, -, 非公開 ...)."""
    return col.is_null() | _folded(col).is_in(UNKNOWN)


def _int32(col: pl.Expr) -> pl.Expr:
    """Int32 from text, null when the text is not an integer (never an error)."""
    return col.cast(pl.Int32, strict=False)


def _ymd(year: str, month: str, day: str) -> pl.Expr:
    """Date from integer year / month / day columns, null when the day does not exist (2025-02-30)."""
    y, m, d = pl.col(year), pl.col(month), pl.col(day)
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    days = pl.when(m == 2).then(28 + leap.cast(pl.Int32)).when(m.is_in([4, 6, 9, 11])).then(30).otherwise(31)
    ok = y.is_between(1868, 2200) & m.is_between(1, 12) & d.is_between(1, days)
    first = pl.date(y.clip(1868, 2200), m.clip(1, 12), 1)
    return pl.when(ok).then(first + pl.duration(days=d - 1))


def _era_year(era: pl.Expr, year: pl.Expr) -> pl.Expr:
    """Western year of era year ``year`` (元 = 1); null for an unknown era or a year past its end."""
    n = _int32(year.replace("元", "1"))
    western = era.replace_strict(_ERA_OFFSET, default=None, return_dtype=pl.Int32) + n
    last = era.replace_strict(_ERA_LAST, default=None, return_dtype=pl.Int32) // 10000
    return pl.when((n >= 1) & (western <= last)).then(western)


def _in_era(era: pl.Expr, day: pl.Expr) -> pl.Expr:
    """The date when it lies inside the era's own range (平成31年5月1日 does not), else null."""
    key = day.dt.year() * 10000 + day.dt.month().cast(pl.Int32) * 100 + day.dt.day().cast(pl.Int32)
    first = era.replace_strict(_ERA_FIRST, default=None, return_dtype=pl.Int32)
    last = era.replace_strict(_ERA_LAST, default=None, return_dtype=pl.Int32)
    return pl.when(key.is_between(first, last)).then(day)


def _dates(texts: pl.Series) -> pl.Series:
    """The staged parse behind ``date``: each step is materialised once, so the regexes run once
    per row instead of once per use (expressions are not shared between uses: 4x slower)."""
    frame = texts.to_frame("raw").select(
        _folded(pl.col("raw"))
        .str.replace(r"[ t]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?( ?([ap]m|z|[+\-]\d{2}:?\d{2}))?$", "")
        .alias("s")
    )
    frame = frame.select(
        pl.col("s").str.extract_groups(r"^(\d{4})[/\-.年]?(\d{1,2})[/\-.月]?(\d{1,2})日?$").alias("w"),
        pl.col("s").str.extract_groups(ERA_PATTERN).alias("e"),
        _int32(pl.col("s")).alias("serial"),
    )
    frame = frame.select(
        *(_int32(pl.col("w").struct.field(k)).alias(f"w{k}") for k in "123"),
        pl.col("e").struct.field("1").alias("era"),
        _era_year(pl.col("e").struct.field("1"), pl.col("e").struct.field("2")).alias("e1"),
        *(_int32(pl.col("e").struct.field(k)).alias(f"e{int(k) - 1}") for k in "34"),
        "serial",
    )
    serial = pl.col("serial")
    excel = pl.when(serial.is_between(20000, 80000)).then(_EXCEL_EPOCH + pl.duration(days=serial))
    frame = frame.with_columns(_ymd("e1", "e2", "e3").alias("era_date"))
    return frame.select(
        pl.coalesce(
            _ymd("w1", "w2", "w3"), _in_era(pl.col("era"), pl.col("era_date")), excel.cast(pl.Date)
        ).alias(texts.name)
    ).to_series()


ERA_PATTERN = rf"^{_ERA}(\d{{1,2}}|元)[/\-.年](\d{{1,2}})[/\-.月](\d{{1,2}})日?$"
YEAR_PATTERN = (
    rf"^(?:{_ERA}(\d{{1,2}}|元)|(\d{{4}}))(?:[/\-.年](\d{{1,2}})月?(?:[/\-.]?(\d{{1,2}})日?)?|年)?$"
)


def _years(texts: pl.Series) -> pl.Series:
    """The staged parse behind ``year`` (see ``_dates``)."""
    frame = texts.to_frame("raw").select(_folded(pl.col("raw")).str.extract_groups(YEAR_PATTERN).alias("g"))
    g = pl.col("g").struct
    frame = frame.select(
        _era_year(g.field("1"), g.field("2")).alias("era_year"),
        g.field("3").cast(pl.Int32, strict=False).alias("western"),
        g.field("4").cast(pl.Int32, strict=False).alias("month"),
    )
    year = pl.coalesce("era_year", "western")
    ok = year.is_between(1868, 2200) & (pl.col("month").is_null() | pl.col("month").is_between(1, 12))
    return frame.select(pl.when(ok).then(year).cast(pl.Int64).alias(texts.name)).to_series()


def year(col: pl.Expr) -> pl.Expr:
    """Year from '1955', '1955年4月', '1955/4/1', '昭和30年', 'S30', 'H2', '令和元年'; null otherwise.

    For columns that hold a year (設立年): company masters write the founding year in all of these ways.
    """
    return col.map_batches(_years, return_dtype=pl.Int64)


def date(col: pl.Expr) -> pl.Expr:
    """Date from the usual Japanese and ISO spellings, Japanese eras and Excel serials; null otherwise."""
    return col.map_batches(_dates, return_dtype=pl.Date)


_DATE_AND_TIME = (
    r"^(\d{4}[/\-.]\d{1,2}[/\-.]\d{1,2})[ Tt]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?: ?(?:[AaPp][Mm]|[Zz]|[+\-]\d{2}:?\d{2}))?$"
)


def date_part(col: pl.Expr) -> pl.Expr:
    """The date of a plain ASCII date-and-time (``2026-09-12 10:15:00``, ``2026/09/12T10:15Z``), else
    the text as it is. ``date`` gives both the same date (it drops the time of day), and an MA export's
    10M timestamps hold only a few hundred dates: parsing those once each is what makes validating
    on distinct values pay (``abm.inputs.validate``). Anything less plain is left to ``date`` whole."""
    return pl.coalesce(col.str.extract(_DATE_AND_TIME, 1), col)


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
