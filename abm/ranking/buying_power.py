"""Buying power (購買力): a 0..1 score for every master company, and its decile.

The transparent rule scores a company by the weighted mean of the percentile ranks of its size
columns (employees, revenue, capital by default); a missing value ranks at the bottom. It is the
fallback whenever a lookalike model cannot be trained, and what a marketer can check by hand.

A thin master (the free 法人番号 master has no size at all) leaves some weighted columns empty:
the rule uses the ones with values and says which it dropped. With none left every company gets
the same score, and a score that is the same everywhere says nothing: its deciles put ties in the
*lower* decile, so nobody reaches the B circle instead of everybody.
"""

from __future__ import annotations

import polars as pl

from abm.errors import ConfigError


def percentile_rank(col: str) -> pl.Expr:
    """Share of non-null values at or below this one (0 < p ≤ 1); null becomes 0."""
    n = pl.col(col).count()
    return (pl.col(col).rank("max") / n).fill_null(0.0)


def usable_weights(master: pl.DataFrame, weights: dict[str, float]) -> tuple[dict[str, float], list[str]]:
    """The weights whose column tells companies apart, and why each other one was dropped.

    A column with no values, or one value for every company, ranks every company the same: it
    cannot move the score, so reporting it as "used" would mislead. A column with some values and
    some blanks still separates "known" from "unknown" and is kept.
    """
    unknown = [c for c in weights if c not in master.columns]
    if unknown:
        raise ConfigError.keyed("error.config.rule_column", column=unknown[0])
    if weights and sum(weights.values()) <= 0:
        raise ConfigError.keyed("error.config.rule_sum")
    stats = master.select(
        *(pl.col(c).count().alias(f"n_{c}") for c in weights),
        *(pl.col(c).drop_nulls().n_unique().alias(f"u_{c}") for c in weights),
    ).row(0, named=True)
    used, dropped = {}, []
    for col, weight in weights.items():
        if weight <= 0:
            dropped.append(f"{col}: weight {weight:g}")
        elif stats[f"n_{col}"] == 0:
            dropped.append(f"{col}: no values / 値なし")
        elif stats[f"n_{col}"] == master.height and stats[f"u_{col}"] == 1:
            dropped.append(f"{col}: one value / 全社同じ値")
        else:
            used[col] = weight
    return used, dropped


def rule_score(master: pl.DataFrame, weights: dict[str, float]) -> pl.Series:
    """Weighted mean of percentile ranks over the columns named in ``weights``; 0 for all without any."""
    unknown = [c for c in weights if c not in master.columns]
    if unknown:
        raise ConfigError.keyed("error.config.rule_column", column=unknown[0])
    total = sum(weights.values())
    if not weights:
        return master.select(
            pl.repeat(0.0, pl.len(), dtype=pl.Float64).alias("buying_power_score")
        ).to_series()
    if total <= 0:
        raise ConfigError.keyed("error.config.rule_sum")
    expr = pl.sum_horizontal(percentile_rank(c) * w for c, w in weights.items()) / total
    return master.select(expr.alias("buying_power_score")).to_series()


def score_decile(score: pl.Series) -> pl.Series:
    """Decile of each score, 1 = the top 10%; null stays null.

    Ties share the *lower* decile: a block of equal scores is in decile d only if all of it fits in
    the top d × 10%. So a block straddling the B-circle threshold stays out rather than flooding it,
    and a score equal for every company puts them all in decile 10 (it ranks nobody above anybody).
    """
    n = score.count()
    if score.drop_nulls().n_unique() <= 1:  # on a tiny master the formula alone would say 8 or 9
        bottom = pl.when(pl.lit(score).is_not_null()).then(pl.lit(10, pl.Int8))
        return pl.select(bottom.alias("buying_power_decile")).to_series()
    rank_desc = score.rank("max", descending=True)
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
