"""Buying power (購買力): a 0..1 score for every master company, and its decile.

The transparent rule scores a company by the weighted mean of the percentile ranks of its size
columns (employees, revenue, capital by default); a missing value ranks at the bottom. It is the
fallback whenever a lookalike model cannot be trained, and what a marketer can check by hand.
"""

from __future__ import annotations

import polars as pl


def percentile_rank(col: str) -> pl.Expr:
    """Share of non-null values at or below this one (0 < p ≤ 1); null becomes 0."""
    n = pl.col(col).count()
    return (pl.col(col).rank("max") / n).fill_null(0.0)


def rule_score(master: pl.DataFrame, weights: dict[str, float]) -> pl.Series:
    """Weighted mean of percentile ranks over the columns named in ``weights``."""
    unknown = [c for c in weights if c not in master.columns]
    if unknown:
        raise KeyError(f"buying_power.rule_weights: unknown column '{unknown[0]}'")
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("buying_power.rule_weights must have a positive sum")
    expr = pl.sum_horizontal(percentile_rank(c) * w for c, w in weights.items()) / total
    return master.select(expr.alias("buying_power_score")).to_series()


def score_decile(score: pl.Series) -> pl.Series:
    """Decile of each score, 1 = the top 10%; ties share the better decile; null stays null."""
    n = score.count()
    rank_desc = score.rank("min", descending=True)
    return ((rank_desc - 1) * 10 // max(n, 1) + 1).cast(pl.Int8).alias("buying_power_decile")


def positives(master: pl.DataFrame, label: str, label_deciles: int = 2) -> pl.Series:
    """Which master companies are positives for the lookalike: A-class customers (``abc_a``), or
    customers in revenue deciles 1..``label_deciles`` (``top_deciles``). Non-customers are never positive."""
    if label == "abc_a":
        flag = pl.col("abc_class") == "A"
    elif label == "top_deciles":
        flag = pl.col("revenue_decile") <= label_deciles
    else:
        raise ValueError(f"buying_power.label: unknown label '{label}'")
    return master.select(flag.fill_null(False).alias("positive")).to_series()
