"""Human decisions on review pairs: the latest per record wins and is applied before automatic linking."""

from __future__ import annotations

import polars as pl

DECISION_SCHEMA = {
    "source": pl.String,
    "source_key": pl.String,
    "company_id": pl.String,
    "decided_at": pl.String,
}


def latest_decisions(decisions: pl.DataFrame | None, source: str) -> pl.DataFrame:
    """(source_key, company_id, decided_at): the latest decision per record of ``source``.

    ``company_id`` null means "not a match": the record stays unlinked and is not proposed again.
    """
    if decisions is None or decisions.height == 0:
        return pl.DataFrame(
            schema={"source_key": pl.String, "company_id": pl.String, "decided_at": pl.String}
        )
    d = decisions.with_columns(
        pl.col("source").cast(pl.String),
        pl.col("source_key").cast(pl.String),
        pl.col("company_id").cast(pl.String).replace("", None),
        pl.col("decided_at").cast(pl.String),
    )
    d = d.filter(pl.col("source") == source).with_row_index("_order")
    d = d.sort(["decided_at", "_order"], nulls_last=False).unique(
        "source_key", keep="last", maintain_order=True
    )
    return d.select("source_key", "company_id", "decided_at")
