"""Reps and pins for territories: the reps file read into coverage and capacity, pins checked.

Problems (unknown area, duplicate rep, a pin to an unknown account or rep) come back as rows for
``rejects`` with the file's row numbers: the rep or pin is not used, nothing is silent.
"""

from __future__ import annotations

import polars as pl

from abm.geo import AREA_OF, AREAS, prefecture_expr

# Area names as people type them -> canonical area of abm.geo.
AREA_ALIASES = {
    **{a: a for a in AREAS},
    "九州": "九州・沖縄",
    "九州沖縄": "九州・沖縄",
    "沖縄": "九州・沖縄",
    "北海道地方": "北海道",
    "東北地方": "東北",
    "関東地方": "関東",
    "首都圏": "関東",
    "中部地方": "中部",
    "東海": "中部",
    "近畿地方": "近畿",
    "関西": "近畿",
    "中国地方": "中国",
    "四国地方": "四国",
}
_SPLIT = r"[;；,，、/|\s]+"

PROBLEM_SCHEMA = {"row_number": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8}
REP_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "rep_id": pl.Utf8,
    "name": pl.Utf8,
    "area": pl.Utf8,
    "prefectures": pl.List(pl.Utf8),
    "industries": pl.List(pl.Utf8),
    "capacity": pl.Float64,
    "active": pl.Boolean,
}


def prepare_reps(reps: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(usable reps, problems) from the landed ``reps`` table.

    Splits the prefecture and industry lists, canonicalises the area, defaults capacity to 1 and
    active to true, and derives the area of a rep given only prefectures (its first prefecture's).
    A rep whose area or prefectures are unknown, or with neither, or with a capacity ≤ 0 is a
    problem row and is left out, so the accounts it held are released as 'rep left'.
    """
    if reps.height == 0:
        return pl.DataFrame(schema=REP_SCHEMA), pl.DataFrame(schema=PROBLEM_SCHEMA)
    optional = {
        "area": pl.Utf8,
        "prefectures": pl.Utf8,
        "industries": pl.Utf8,
        "capacity": pl.Float64,
        "active": pl.Boolean,
    }
    frame = (
        reps.with_columns(
            _source_row(reps),
            *[pl.lit(None, dtype).alias(c) for c, dtype in optional.items() if c not in reps.columns],
        )
        .with_columns(
            pl.col("area").cast(pl.Utf8).str.normalize("NFKC").str.strip_chars().alias("area_raw"),
            _split(pl.col("prefectures")).list.eval(prefecture_expr(pl.element())).alias("pref_list"),
            _split(pl.col("industries")).alias("ind_list"),
        )
        .with_columns(
            pl.col("area_raw")
            .replace_strict(AREA_ALIASES, default=None, return_dtype=pl.Utf8)
            .alias("area_ok"),
            pl.col("pref_list")
            .list.eval(pl.element().filter(~pl.element().is_in(list(AREA_OF))))
            .list.first()
            .alias("bad_pref"),
        )
    )

    def problem(mask: pl.Expr, column: str, value: pl.Expr, reason: str) -> pl.DataFrame:
        return frame.filter(mask).select(
            pl.col("source_row").alias("row_number"),
            pl.lit(column).alias("column"),
            value.cast(pl.Utf8).alias("value"),
            pl.lit(reason).alias("reason"),
        )

    problems = pl.concat(
        [
            problem(
                pl.col("area_raw").is_not_null() & pl.col("area_ok").is_null(),
                "area",
                pl.col("area_raw"),
                f"unknown area (expected one of {', '.join(AREAS)})",
            ),
            problem(
                pl.col("bad_pref").is_not_null(), "prefectures", pl.col("bad_pref"), "unknown prefecture"
            ),
            problem(
                pl.col("area_raw").is_null() & (pl.col("pref_list").list.len() == 0),
                "area",
                pl.lit(None),
                "missing area or prefectures",
            ),
            problem(
                (pl.col("capacity") <= 0).fill_null(False),
                "capacity",
                pl.col("capacity"),
                "capacity must be positive",
            ),
        ]
    ).cast(PROBLEM_SCHEMA)  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    good = frame.filter(~pl.col("source_row").is_in(problems["row_number"].implode()))
    first_pref_area = (
        pl.col("pref_list").list.first().replace_strict(AREA_OF, default=None, return_dtype=pl.Utf8)
    )
    usable = good.select(
        pl.col("rep_id").cast(pl.Utf8),
        pl.col("name").cast(pl.Utf8),
        pl.coalesce("area_ok", first_pref_area).alias("area"),
        pl.col("pref_list").alias("prefectures"),
        pl.col("ind_list").alias("industries"),
        pl.col("capacity").cast(pl.Float64).fill_null(1.0),
        pl.col("active").cast(pl.Boolean).fill_null(True),
    ).sort("rep_id")
    return usable.cast(REP_SCHEMA), problems.sort("row_number")  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]


def check_pins(
    pins: pl.DataFrame, reps: pl.DataFrame, account_ids: pl.Series
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(valid pins, problems): a pin to an unknown account, an unknown rep or an inactive rep is a problem."""
    empty = pl.DataFrame(schema={"account_id": pl.Utf8, "rep_id": pl.Utf8})
    if pins.height == 0:
        return empty, pl.DataFrame(schema=PROBLEM_SCHEMA)
    frame = pins.with_columns(
        _source_row(pins), pl.col("account_id").cast(pl.Utf8), pl.col("rep_id").cast(pl.Utf8)
    )
    active = reps.filter("active")["rep_id"]
    reason = (
        pl.when(~pl.col("account_id").is_in(account_ids.implode()))
        .then(pl.lit("unknown account"))
        .when(~pl.col("rep_id").is_in(reps["rep_id"].implode()))
        .then(pl.lit("unknown rep"))
        .when(~pl.col("rep_id").is_in(active.implode()))
        .then(pl.lit("pinned rep is not active"))
    )
    frame = frame.with_columns(reason.alias("reason"))
    on_account = pl.col("reason") == "unknown account"
    problems = frame.filter(pl.col("reason").is_not_null()).select(
        pl.col("source_row").alias("row_number"),
        pl.when(on_account).then(pl.lit("account_id")).otherwise(pl.lit("rep_id")).alias("column"),
        pl.when(on_account).then("account_id").otherwise("rep_id").alias("value"),
        "reason",
    )
    return frame.filter(pl.col("reason").is_null()).select("account_id", "rep_id"), problems.cast(
        PROBLEM_SCHEMA  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    )


def _source_row(frame: pl.DataFrame) -> pl.Expr:
    if "source_row" in frame.columns:
        return pl.col("source_row").cast(pl.Int64)
    return pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias("source_row")


def _split(col: pl.Expr) -> pl.Expr:
    """'東京都;神奈川県' / '09、16' -> ['東京都', '神奈川県'] (NFKC, blanks dropped)."""
    return (
        col.cast(pl.Utf8)
        .str.normalize("NFKC")
        .fill_null("")
        .str.replace_all(_SPLIT, ";")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars().filter(pl.element().str.len_chars() > 0))
    )
