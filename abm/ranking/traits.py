"""What the top customers have in common: a lift table over banded master attributes.

For every attribute value (e.g. employees = '100–299人') it compares three shares: among the top
customers (the lookalike's positives, A class by default), among all linked customers, and in the
whole master. ``lift`` = share among top customers ÷ share in the master: 3.0 means the value is
three times as common among top customers as among companies at large. ``support`` is how many
top customers carry the value, so a lift resting on two companies is read with care.
"""

from __future__ import annotations

import polars as pl

from abm.ranking.bands import ATTRIBUTES, ORDERED

TRAITS_SCHEMA = {
    "attribute": pl.Utf8,
    "value": pl.Utf8,
    "sort_order": pl.Int32,
    "support": pl.Int64,
    "customers": pl.Int64,
    "master_companies": pl.Int64,
    "share_top": pl.Float64,
    "share_customers": pl.Float64,
    "share_master": pl.Float64,
    "lift": pl.Float64,
}


def lift_table(bands: pl.DataFrame, top: pl.Series, customer: pl.Series) -> pl.DataFrame:
    """One row per (attribute, value) over the master companies in ``bands``.

    ``top`` and ``customer`` are boolean masks aligned with ``bands`` (top implies customer).
    Ordinal attributes keep their natural band order; industry and area are listed by lift.
    """
    flags = bands.with_columns(_top=top.fill_null(False), _cust=customer.fill_null(False))
    n_top = int(flags["_top"].sum())
    n_cust = int(flags["_cust"].sum())
    n_master = flags.height
    # companies share their bands a lot (national: 466k combinations in 5M), so they are counted per
    # combination once and each attribute's counts summed from those, not grouped over every company
    combos = flags.group_by(*ATTRIBUTES).agg(
        support=pl.col("_top").sum().cast(pl.Int64),
        customers=pl.col("_cust").sum().cast(pl.Int64),
        master_companies=pl.len().cast(pl.Int64),
    )
    parts = []
    for attribute in ATTRIBUTES:
        counts = (
            combos.group_by(pl.col(attribute).cast(pl.Utf8).alias("value"))
            .agg(pl.sum("support"), pl.sum("customers"), pl.sum("master_companies"))
            .with_columns(
                share_top=pl.col("support") / max(n_top, 1) if n_top else pl.lit(None, pl.Float64),
                share_customers=pl.col("customers") / max(n_cust, 1) if n_cust else pl.lit(None, pl.Float64),
                share_master=pl.col("master_companies") / n_master,
            )
            .with_columns(lift=pl.col("share_top") / pl.col("share_master"))
        )
        if attribute in ORDERED:
            order = {v: i for i, v in enumerate(ORDERED[attribute])}
            counts = counts.sort(
                pl.col("value").replace_strict(order, default=len(order), return_dtype=pl.Int32)
            )
        else:
            counts = counts.sort([pl.col("lift").fill_null(-1.0), "value"], descending=[True, False])
        parts.append(
            counts.with_columns(attribute=pl.lit(attribute), sort_order=pl.int_range(1, pl.len() + 1))
        )
    if not parts:
        return pl.DataFrame(schema=TRAITS_SCHEMA)
    return pl.concat(parts).select([pl.col(k).cast(v) for k, v in TRAITS_SCHEMA.items()])
