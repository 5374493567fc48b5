"""Revenue concentration (売上偏在性): how much of revenue the top customers hold, and the Gini."""

from __future__ import annotations

import math

import polars as pl


def concentration(revenue: pl.Series) -> dict[str, float | None]:
    """Top-10% and top-20% revenue share and Gini coefficient over positive revenues.

    The top k% are the ceil(k% × n) largest customers. Gini uses the sorted-values formula
    G = 2·Σ i·x_i / (n·Σx) − (n + 1) / n with x ascending and i = 1..n.
    """
    x = revenue.filter(revenue > 0).sort()
    n, total = x.len(), float(x.sum()) if x.len() else 0.0
    if n == 0 or total <= 0:
        return {"customers": 0, "top10_share": None, "top20_share": None, "gini": None}
    descending = x.reverse()

    def top(share: float) -> float:
        return float(descending.head(math.ceil(share * n)).sum()) / total

    ranks = pl.Series(range(1, n + 1), dtype=pl.Float64)
    gini = 2.0 * float((ranks * x).sum()) / (n * total) - (n + 1) / n
    return {"customers": n, "top10_share": top(0.10), "top20_share": top(0.20), "gini": gini}
