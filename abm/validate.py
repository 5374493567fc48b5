"""Validate an all-text input frame: typed rows that land, and rejects with their reasons.

Pure polars, no I/O. A row lands only when every column passes; otherwise every problem of the
row is listed in the rejects frame (source file, row number, column, value, reason), so nothing is
lost and nothing is silent. The reason strings are a contract: BI and tests read them.
"""

from __future__ import annotations

import polars as pl

from abm import parsing
from abm.corporate_number import clean_expr, valid_expr
from abm.geo import prefecture_expr
from abm.readers import ROW
from abm.schema import Column, InputSpec

MISSING = "missing required value"
BAD_DATE = "unparseable date"
BAD_AMOUNT = "unparseable amount"
BAD_NUMBER = "unparseable number"
BAD_BOOL = "unparseable boolean"
BAD_OPT_IN = "unparseable opt-in"
DUPLICATE = "duplicate key"
BAD_CORPORATE_NUMBER = "invalid corporate number"
BAD_EMAIL = "malformed email"

REJECT_SCHEMA = {
    "source_file": pl.Utf8,
    "row_number": pl.Int64,
    "column": pl.Utf8,
    "value": pl.Utf8,
    "reason": pl.Utf8,
}


def _parse(column: Column) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, reason or null) for one column."""
    raw = pl.col(column.name)
    blank = parsing.is_blank(raw)
    match column.kind:
        case "date":
            value = parsing.date(raw)
            bad = ~blank & value.is_null()
            reason = BAD_DATE
        case "number" | "int":
            value = parsing.number(raw)
            bad = ~parsing.is_unknown(raw) & value.is_null()
            if column.kind == "int":
                bad = bad | (value.is_not_null() & (value != value.round(0)))
                value = value.cast(pl.Int64, strict=False)
            reason = BAD_AMOUNT if column.name == "amount" else BAD_NUMBER
        case "bool":
            value = parsing.boolean(raw)
            bad = ~parsing.is_unknown(raw) & value.is_null()
            reason = BAD_BOOL
        case "opt_in":
            value = parsing.opt_in(raw)
            bad = ~blank & value.is_null()
            reason = BAD_OPT_IN
        case "corporate_number":
            value = parsing.text(clean_expr(raw))
            bad = value.is_not_null() & ~valid_expr(value)
            reason = BAD_CORPORATE_NUMBER
        case "email":
            value = parsing.email(raw)
            bad = ~blank & value.is_null()
            reason = BAD_EMAIL
        case _:
            value = parsing.text(raw)
            if column.name == "prefecture":
                value = prefecture_expr(value)
            elif column.name == "domain":
                value = parsing.domain(value)
            bad = pl.lit(False)
            reason = ""
    if column.required:
        problem = pl.when(blank).then(pl.lit(MISSING)).when(bad).then(pl.lit(reason))
    else:
        problem = pl.when(bad).then(pl.lit(reason))
    return value.alias(column.name), problem.cast(pl.Utf8).alias(column.name)


def validate(raw: pl.DataFrame, spec: InputSpec, source_file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split ``raw`` (text columns named as in ``spec``, plus ``_row``) into (landed rows, rejects)."""
    parsed = [_parse(c) for c in spec.columns]
    values = raw.select(pl.col(ROW).cast(pl.Int64).alias("source_row"), *[v for v, _ in parsed])
    problems = raw.select(pl.col(ROW).cast(pl.Int64).alias("row_number"), *[p for _, p in parsed])
    bad_row = pl.any_horizontal(pl.col(c.name).is_not_null() for c in spec.columns)
    row_is_bad = problems.select(bad_row).to_series()

    if spec.key is not None:
        duplicate = _later_duplicates(values, spec.key, row_is_bad)
        problems = problems.with_columns(
            pl.when(duplicate).then(pl.lit(DUPLICATE)).otherwise(pl.col(spec.key)).alias(spec.key)
        )
        row_is_bad = row_is_bad | duplicate

    landed = values.filter(~row_is_bad)
    rejects = _rejects(raw.filter(row_is_bad), problems.filter(row_is_bad), spec, source_file)
    return landed, rejects


def _later_duplicates(values: pl.DataFrame, key: str, row_is_bad: pl.Series) -> pl.Series:
    """True for a good row whose key already appeared on an earlier good row (the first one lands)."""
    good = values.select(pl.col(key), ~row_is_bad.alias("good")).with_row_index("i").filter("good")
    later = good.filter(pl.col(key).is_not_null() & ~pl.col(key).is_first_distinct())["i"]
    return pl.repeat(False, values.height, eager=True).scatter(later, True)


def _rejects(raw: pl.DataFrame, problems: pl.DataFrame, spec: InputSpec, source_file: str) -> pl.DataFrame:
    if problems.height == 0:
        return pl.DataFrame(schema=REJECT_SCHEMA)
    long = problems.unpivot(index="row_number", variable_name="column", value_name="reason").drop_nulls(
        "reason"
    )
    raw_long = raw.select(
        pl.col(ROW).cast(pl.Int64).alias("row_number"), *[pl.col(c.name).cast(pl.Utf8) for c in spec.columns]
    ).unpivot(index="row_number", variable_name="column", value_name="value")
    return (
        long.join(raw_long, on=["row_number", "column"], how="left")
        .select(pl.lit(source_file).alias("source_file"), "row_number", "column", "value", "reason")
        .sort("row_number", "column")
        .cast(REJECT_SCHEMA)
    )
