"""The three circles (三つの輪): sales (S) × buying power (B) × contacts (C) → segment → approach."""

from __future__ import annotations

import polars as pl

from abm.config.settings import SEGMENTS


def segment_expr(in_sales: pl.Expr, has_buying_power: pl.Expr, has_contacts: pl.Expr) -> pl.Expr:
    """'S+B+C', 'S+B', 'S+C', 'B+C', 'S', 'B', 'C' or 'none' from the three flags (null = false)."""
    parts = [
        pl.when(flag.fill_null(False)).then(pl.lit(letter))
        for flag, letter in ((in_sales, "S"), (has_buying_power, "B"), (has_contacts, "C"))
    ]
    joined = pl.concat_str(parts, separator="+", ignore_nulls=True)
    return pl.when(joined == "").then(pl.lit("none")).otherwise(joined).cast(pl.Enum(SEGMENTS))


def classify(flags: pl.DataFrame, playbook: dict[str, str]) -> pl.DataFrame:
    """Add ``segment`` and ``approach`` to a frame holding in_sales, has_buying_power, has_contacts."""
    segment = segment_expr(pl.col("in_sales"), pl.col("has_buying_power"), pl.col("has_contacts"))
    return flags.with_columns(segment.alias("segment")).with_columns(
        pl.col("segment").cast(pl.Utf8).replace_strict(playbook, return_dtype=pl.Utf8).alias("approach"),
        pl.col("segment").cast(pl.Utf8),
    )
