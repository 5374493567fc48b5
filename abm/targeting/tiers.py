"""Tiers: 1 (1:1), 2 (1:few), 3 (1:many), filled by priority within each tier's capacity.

Accounts are ordered by the published priority order (``abm.published.contract.PRIORITY`` without
the tier: priority_score — buying power lifted by engagement, ``abm.targeting.actions`` — then own
revenue, then account id, so the result is deterministic).
Tier 1 takes the first ``tier1_capacity`` accounts whose segment is eligible for it; Tier 2 the
next eligible ones not yet tiered; Tier 3 likewise. Each tiered account gets a ``tier_reason`` a
marketer can read (in ``ui.language``, words from abm.messages), and every account a ``priority``:
its place in the target list (Tier 1 first, then 2, 3, then the untiered, each in that order). This
is the only place the order is applied: the published ``accounts.priority`` carries it to the
views, the API and exports.
"""

from __future__ import annotations

import polars as pl

from abm.config.settings import TierSettings
from abm.messages import DEFAULT_LANGUAGE, Lang, text, text_expr, texts_where
from abm.published.contract import PRIORITY


def _yen(amount: pl.Expr) -> pl.Expr:
    """1234567.0 -> '1,234,567' (thousands separators, as people read amounts)."""
    digits = amount.round(0).cast(pl.Int64).abs().cast(pl.Utf8)
    grouped = digits.str.reverse().str.replace_all(r"(\d{3})", "${1},").str.strip_chars_end(",").str.reverse()
    return pl.when(amount < 0).then(pl.lit("-") + grouped).otherwise(grouped)


# Within a tier (and when filling tiers): the published priority order without the tier being decided.
WITHIN_TIER = tuple((name, descending) for name, descending in PRIORITY if name != "tier")


def _sorted_by(frame: pl.DataFrame, keys: tuple[tuple[str, bool], ...]) -> pl.DataFrame:
    """``frame`` in the order of ``keys`` ((column, descending), most significant first; nulls last),
    as one stable one-column sort per key from the least significant up: the same order as polars'
    sort on all keys at once, which is slow when the first keys tie a lot (most accounts share a
    priority_score and have no revenue, leaving millions of ties for the string account_id to break:
    5.2M national accounts, 3.9 → 0.7 s)."""
    for name, descending in reversed(keys):
        frame = frame.sort(name, descending=descending, nulls_last=True, maintain_order=True)
    return frame


def assign_tiers(
    accounts: pl.DataFrame, settings: TierSettings, lang: Lang = DEFAULT_LANGUAGE
) -> pl.DataFrame:
    """account_id, tier, tier_reason, priority from account_id, segment, priority_score
    (``abm.targeting.actions.with_priority_score``), buying_power_score and sales_amount; rows come
    back in priority order (1 first)."""
    ordered = _sorted_by(accounts, WITHIN_TIER)
    rules = (
        (1, settings.tier1_segments, settings.tier1_capacity),
        (2, settings.tier2_segments, settings.tier2_capacity),
        (3, settings.tier3_segments, settings.tier3_capacity),
    )
    tier = pl.lit(None, pl.Int8)
    position = pl.lit(None, pl.UInt32)
    capacity_of = pl.lit(None, pl.Int64)
    frame = ordered.with_columns(tier.alias("tier"), position.alias("_pos"), capacity_of.alias("_cap"))
    for number, segments, capacity in rules:
        eligible = pl.col("tier").is_null() & pl.col("segment").is_in(segments)
        frame = frame.with_columns(eligible.cum_sum().alias("_rank"), eligible.alias("_eligible"))
        take = pl.col("_eligible") & ((pl.col("_rank") <= capacity) if capacity is not None else pl.lit(True))
        frame = frame.with_columns(
            pl.when(take).then(pl.lit(number, pl.Int8)).otherwise(pl.col("tier")).alias("tier"),
            pl.when(take).then(pl.col("_rank")).otherwise(pl.col("_pos")).alias("_pos"),
            pl.when(take).then(pl.lit(capacity, pl.Int64)).otherwise(pl.col("_cap")).alias("_cap"),
        )
    names = {n: text(f"tier.name.{n}", lang) for n in (1, 2, 3)}
    name = pl.col("tier").replace_strict(names, default=None, return_dtype=pl.Utf8)
    limit = (
        pl.when(pl.col("_cap").is_not_null())
        .then(text_expr("tier.capacity", lang, capacity=pl.col("_cap")))
        .otherwise(pl.lit(""))
    )
    score = pl.col("buying_power_score").round(2).cast(pl.Utf8).fill_null(text("tier.no_score", lang))
    reason = text_expr(
        "tier.reason",
        lang,
        tier=pl.col("tier"),
        name=name,
        segment=pl.col("segment"),
        position=pl.col("_pos"),
        capacity=limit,
        score=score,
        sales=_yen(pl.col("sales_amount").fill_null(0)),
    )
    tiered = frame.select("account_id", "tier").with_columns(
        texts_where(frame, pl.col("tier").is_not_null(), tier_reason=reason)
    )
    # stable sort: within a tier (and among the untiered) the rows keep WITHIN_TIER
    by_tier = tiered.sort("tier", nulls_last=True, maintain_order=True)
    return by_tier.with_columns(pl.int_range(1, by_tier.height + 1, dtype=pl.Int64).alias("priority"))
