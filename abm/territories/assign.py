"""Quarterly territories: which rep owns each account in scope, balanced, sticky and explained.

Sales operations recalculate territories every quarter. They want balanced books (buying power and
workload per rep, weighted by capacity), few needless moves, and for every move a reason. The
assignment here is a pure function of the accounts, the reps, the pins and last quarter's owners,
so the same inputs always give the same owners:

1. **Fixed**: a pinned account goes to its pinned rep; a Tier 1 account keeps its incumbent while
   that rep is active (``keep_tier1``). Neither looks at the balance.
2. **Sticky**: any other account keeps last quarter's owner while that rep is active and still
   covers the account (area / prefectures and industries), unless keeping it would push the rep
   past ``1 + tolerance`` times its capacity share of the area; then the rep's smallest accounts
   (by buying power) are released first, so the big relationships stay.
3. **Greedy**: released, new and orphaned accounts go, largest buying power first, to the eligible
   rep whose weighted load (relative to its target) is lowest after taking it.
4. **Repair**: single accounts move until every rep is within a tight band (a third of the
   tolerance) using only free moves (accounts that change owner anyway), then, if a rep is still
   outside the tolerance (a rep joined, books shrank), kept accounts move too, the least disruptive
   first: lowest own revenue, then lowest buying power (open deals and the length of the
   relationship are not in the data). If single moves leave a rep outside the tolerance (account
   sizes too lumpy), its area is redone with stickiness capped at the target itself and repaired
   again. A rep that pins / Tier 1 or its coverage keep outside the tolerance gets a
   ``balance_note`` saying why.

Loads are vectors over the balanced metrics (summed buying-power score, account count, own
revenue) weighted by ``balance_weights``. Only the greedy step loops in Python, over the accounts
that actually need a rep (a few thousand a quarter, ≤ ~100k on a first run), with numpy arithmetic
over the handful of eligible reps.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from abm.config.settings import TerritorySettings
from abm.geo import area_expr
from abm.territories.balance import areas as area_figures
from abm.territories.balance import balance as rep_balance
from abm.territories.solver import Solver

REASONS = (
    "new account",
    "rep left",
    "rebalancing",
    "pin",
    "tier change",
    "left target list",
    "area change",
)


@dataclass(frozen=True)
class Assignment:
    """The result of one quarter's assignment (all polars frames)."""

    accounts: pl.DataFrame  # account_id, territory, owner, previous_owner, reason (in scope or owned before)
    changes: pl.DataFrame  # accounts whose owner differs from last quarter's, with the reason
    balance: pl.DataFrame  # per active rep: load, share of the area, deviation from the area mean
    areas: pl.DataFrame  # per area: reps, load, CV of each metric, accounts moved


def in_scope(accounts: pl.DataFrame, settings: TerritorySettings) -> pl.Series:
    """True for the accounts that get an owner: scope tiers, plus scope segments whatever the tier."""
    return accounts.select(
        (pl.col("tier").is_in(settings.scope_tiers) | pl.col("segment").is_in(settings.scope_segments))
        .fill_null(False)
        .alias("in_scope")
    ).to_series()


def assign(
    accounts: pl.DataFrame,
    reps: pl.DataFrame,
    settings: TerritorySettings,
    previous: pl.DataFrame | None = None,
    pins: pl.DataFrame | None = None,
) -> Assignment:
    """Owners for this quarter.

    ``accounts``: account_id, name, prefecture, industry_code, segment, tier, buying_power_score,
    sales_amount. ``reps``: from ``prepare_reps``. ``previous``: last quarter's account_id, owner,
    tier, territory (``None`` on a first run). ``pins``: valid account_id → rep_id.
    """
    prev = _previous(previous)
    pins = pins if pins is not None else pl.DataFrame(schema={"account_id": pl.Utf8, "rep_id": pl.Utf8})
    active = (
        reps.filter("active")
        .sort("rep_id")
        .with_row_index("rep_idx")
        .with_columns(pl.col("rep_idx").cast(pl.Int64))
    )
    rep_idx = dict(zip(active["rep_id"], active["rep_idx"], strict=True))

    base = (
        accounts.with_columns(
            pl.col("account_id").cast(pl.Utf8),
            pl.col("tier").cast(pl.Int64),
            area_expr(pl.col("prefecture")).alias("territory"),
            pl.col("buying_power_score").cast(pl.Float64).fill_null(0.0).alias("x_buying_power"),
            pl.lit(1.0).alias("x_accounts"),
            pl.col("sales_amount").cast(pl.Float64).fill_null(0.0).clip(0).alias("x_revenue"),
            in_scope(accounts, settings),
        )
        .join(pins.rename({"rep_id": "pin"}), on="account_id", how="left")
        .with_columns((pl.col("in_scope") | pl.col("pin").is_not_null()).alias("in_scope"))
        .join(prev, on="account_id", how="left")
    )

    scope = base.filter("in_scope").with_columns(
        pl.col("pin").replace_strict(rep_idx, default=None, return_dtype=pl.Int64).alias("pin_idx"),
        pl.col("previous_owner")
        .replace_strict(rep_idx, default=None, return_dtype=pl.Int64)
        .alias("prev_idx"),
    )
    eligible = _eligibility(scope, active)
    scope = scope.join(eligible, on=["prefecture", "industry_code"], how="left", nulls_equal=True)
    keep_t1 = (
        pl.lit(settings.keep_tier1) & (pl.col("tier") == 1) & pl.col("prev_idx").is_not_null()
    ).fill_null(False)
    scope = (
        scope.with_columns(
            pl.col("eligible").list.contains(pl.col("prev_idx")).fill_null(False).alias("prev_covers"),
            pl.when(pl.col("pin_idx").is_not_null())
            .then("pin_idx")
            .when(keep_t1)
            .then("prev_idx")
            .alias("fixed_idx"),
        )
        .with_columns(
            (pl.col("fixed_idx").is_null() & pl.col("prev_covers")).alias("sticky"),
        )
        .sort(  # the greedy order: largest buying power first; account_id makes ties deterministic
            "x_buying_power", "x_revenue", "account_id", descending=[True, True, False]
        )
    )
    solver = Solver(scope, active, settings)
    owner_idx = solver.solve()
    active = active.with_columns(pl.Series("balance_note", solver.notes, dtype=pl.Utf8))
    rep_ids = active["rep_id"].to_list()
    scope = scope.with_columns(
        pl.Series("owner_idx", owner_idx, dtype=pl.Int64),
        pl.Series("owner", [rep_ids[i] if i >= 0 else None for i in owner_idx], dtype=pl.Utf8),
    )
    rows = _with_reasons(base, scope, prev, active)
    balance = rep_balance(scope, active, settings)
    areas = area_figures(balance, rows, scope, settings)
    changes = (
        rows.filter(pl.col("reason").is_not_null())
        .select(
            "account_id",
            "name",
            "territory",
            "tier",
            "previous_tier",
            pl.col("previous_owner").alias("from_owner"),
            pl.col("owner").alias("to_owner"),
            "reason",
        )
        .sort("territory", "account_id", nulls_last=True)
    )
    out_rows = rows.select("account_id", "territory", "owner", "previous_owner", "reason").sort("account_id")
    return Assignment(out_rows, changes, balance, areas)


def _previous(previous: pl.DataFrame | None) -> pl.DataFrame:
    schema = {
        "account_id": pl.Utf8,
        "previous_owner": pl.Utf8,
        "previous_tier": pl.Int64,
        "previous_territory": pl.Utf8,
        "previous_name": pl.Utf8,
        "seen_before": pl.Boolean,
    }
    if previous is None or previous.height == 0:
        return pl.DataFrame(schema=schema)
    return (
        previous.select(
            pl.col("account_id").cast(pl.Utf8),
            pl.col("owner").cast(pl.Utf8).alias("previous_owner"),
            pl.col("tier").cast(pl.Int64).alias("previous_tier"),
            pl.col("territory").cast(pl.Utf8).alias("previous_territory"),
            (pl.col("name") if "name" in previous.columns else pl.lit(None))
            .cast(pl.Utf8)
            .alias("previous_name"),
            pl.lit(True).alias("seen_before"),
        )
        .unique("account_id", keep="first", maintain_order=True)
        .cast(schema)  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    )


def _eligibility(scope: pl.DataFrame, active: pl.DataFrame) -> pl.DataFrame:
    """Per (prefecture, industry_code): key id and sorted indices of the active reps that may own it.

    A rep covers its listed prefectures, or else its whole area; a rep with industries covers only
    those (JSIC code prefixes). If no covering rep takes the industry, any rep covering the place does.
    """
    keys = (
        scope.select("prefecture", "industry_code")
        .unique()
        .sort("prefecture", "industry_code", nulls_last=True)
    )
    keys = keys.with_row_index("key_id").with_columns(area_expr(pl.col("prefecture")).alias("_area"))
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "prefecture": pl.Utf8,
        "industry_code": pl.Utf8,
        "key_id": pl.Int64,
        "eligible": pl.List(pl.Int64),
    }
    if active.height == 0 or keys.height == 0:
        return pl.DataFrame(schema=schema)
    pairs = (
        keys.join(active.select("rep_idx", "area", "prefectures", "industries"), how="cross")
        .with_columns(
            pl.when(pl.col("prefectures").list.len() > 0)
            .then(pl.col("prefectures").list.contains(pl.col("prefecture")))
            .otherwise(pl.col("area") == pl.col("_area"))
            .fill_null(False)
            .alias("place_ok"),
        )
        .with_row_index("_pair")
    )
    industry_hits = (
        pairs.select("_pair", "industry_code", "industries")
        .explode("industries")
        .filter(pl.col("industry_code").str.starts_with(pl.col("industries")).fill_null(False))
        .select("_pair")
        .unique()
    )
    pairs = (
        pairs.with_columns(
            (
                (pl.col("industries").list.len() == 0)
                | pl.col("_pair").is_in(industry_hits["_pair"].implode())
            ).alias("industry_ok")
        )
        .with_columns((pl.col("place_ok") & pl.col("industry_ok")).alias("both_ok"))
        .with_columns(
            pl.when(pl.col("both_ok").any().over("key_id")).then("both_ok").otherwise("place_ok").alias("ok")
        )
    )
    return (
        pairs.filter("ok")
        .group_by("prefecture", "industry_code", "key_id")
        .agg(pl.col("rep_idx").sort().alias("eligible"))
        .cast(schema)  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    )


def _with_reasons(
    base: pl.DataFrame, scope: pl.DataFrame, prev: pl.DataFrame, active: pl.DataFrame
) -> pl.DataFrame:
    """Every account in scope or owned last quarter, with its owner and, when that changed, why.

    First that applies: ``pin`` (went to its pinned rep), ``new account`` (not in last quarter's
    history), ``left target list`` (out of scope now: no scope tier, not a customer, or gone from
    the data; it loses its owner), ``tier change`` (entered the scope with another tier), ``rep left`` (the
    last owner is inactive or gone), ``area change`` (the last owner no longer covers its place or
    industry), ``rebalancing`` (released because the last owner was past the tolerance).
    """
    current = base.join(scope.select("account_id", "owner", "prev_covers"), on="account_id", how="left")
    gone = prev.filter(pl.col("previous_owner").is_not_null()).join(
        base.select("account_id"), on="account_id", how="anti"
    )
    rows = pl.concat(
        [
            current.filter(pl.col("in_scope") | pl.col("previous_owner").is_not_null()).select(
                "account_id",
                "name",
                "territory",
                "tier",
                "in_scope",
                "pin",
                "owner",
                "previous_owner",
                "previous_tier",
                "previous_territory",
                pl.col("seen_before").fill_null(False),
                "prev_covers",
            ),
            gone.select(
                "account_id",
                pl.col("previous_name").alias("name"),
                pl.col("previous_territory").alias("territory"),
                pl.lit(None, pl.Int64).alias("tier"),
                pl.lit(False).alias("in_scope"),
                pl.lit(None, pl.Utf8).alias("pin"),
                pl.lit(None, pl.Utf8).alias("owner"),
                "previous_owner",
                "previous_tier",
                "previous_territory",
                "seen_before",
                pl.lit(False).alias("prev_covers"),
            ),
        ],
        how="vertical_relaxed",
    )
    left = pl.col("previous_owner").is_not_null() & ~pl.col("previous_owner").is_in(
        active["rep_id"].implode()
    )
    reason = (
        pl.when(~pl.col("owner").ne_missing(pl.col("previous_owner")))
        .then(pl.lit(None, pl.Utf8))
        .when(pl.col("pin").is_not_null() & (pl.col("owner") == pl.col("pin")))
        .then(pl.lit("pin"))
        .when(~pl.col("seen_before"))
        .then(pl.lit("new account"))
        .when(~pl.col("in_scope"))  # not tiered, not a customer (or gone from the data): no owner
        .then(pl.lit("left target list"))
        .when(left)
        .then(pl.lit("rep left"))
        .when(pl.col("previous_owner").is_null())
        .then(
            pl.when(pl.col("tier").ne_missing(pl.col("previous_tier")))
            .then(pl.lit("tier change"))
            .otherwise(pl.lit("new account"))
        )
        .when(
            pl.col("territory").ne_missing(pl.col("previous_territory"))
            | ~pl.col("prev_covers").fill_null(False)
        )
        .then(pl.lit("area change"))
        .otherwise(pl.lit("rebalancing"))
    )
    return rows.with_columns(reason.alias("reason"))
