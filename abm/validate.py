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


def _raw(name: str) -> str:
    return f"_raw_{name}"


def _parse(column: Column) -> tuple[pl.Expr, pl.Expr]:
    """(typed value from the raw text, reason or null from the typed value and the raw text).

    The reason expression reads the already parsed column instead of parsing again: parsing
    (NFKC, regexes) is the expensive part, and some checks use the value many times.
    """
    raw, value = pl.col(column.name), pl.col(column.name)
    text, blank = pl.col(_raw(column.name)), parsing.is_blank(pl.col(_raw(column.name)))
    match column.kind:
        case "date":
            parse, bad, reason = parsing.date(raw), ~blank & value.is_null(), BAD_DATE
        case "number" | "int":
            parse, bad = parsing.number(raw), ~parsing.is_unknown(text) & value.is_null()
            if column.kind == "int":
                parse = parse.cast(pl.Int64, strict=False)
                number = parsing.number(text)
                bad = ~parsing.is_unknown(text) & (number.is_null() | (number != number.round(0)))
            reason = BAD_AMOUNT if column.name == "amount" else BAD_NUMBER
        case "bool":
            parse, bad, reason = parsing.boolean(raw), ~parsing.is_unknown(text) & value.is_null(), BAD_BOOL
        case "opt_in":
            parse, bad, reason = parsing.opt_in(raw), ~blank & value.is_null(), BAD_OPT_IN
        case "corporate_number":
            parse = parsing.text(clean_expr(raw))
            bad, reason = value.is_not_null() & ~valid_expr(value), BAD_CORPORATE_NUMBER
        case "email":
            parse, bad, reason = parsing.email(raw), ~blank & value.is_null(), BAD_EMAIL
        case _:
            parse = parsing.text(raw)
            if column.name == "prefecture":
                parse = prefecture_expr(parse)
            elif column.name == "domain":
                parse = parsing.domain(parse)
            bad, reason = pl.lit(False), ""
    if column.required:
        problem = pl.when(blank).then(pl.lit(MISSING)).when(bad).then(pl.lit(reason))
    else:
        problem = pl.when(bad).then(pl.lit(reason))
    return parse.alias(column.name), problem.cast(pl.Utf8).alias(column.name)


def validate(raw: pl.DataFrame, spec: InputSpec, source_file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split ``raw`` (text columns named as in ``spec``, plus ``_row``) into (landed rows, rejects)."""
    parsed = [_parse(c) for c in spec.columns]
    values = raw.select(pl.col(ROW).cast(pl.Int64).alias("source_row"), *[v for v, _ in parsed])
    texts = raw.select(pl.col(c.name).alias(_raw(c.name)) for c in spec.columns)
    problems = pl.concat([values, texts], how="horizontal").select(
        pl.col("source_row").alias("row_number"), *[p for _, p in parsed]
    )
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
