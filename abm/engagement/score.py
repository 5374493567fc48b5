"""Engagement score: points per activity, decayed at as-of, zeroed when unfit, summed per contact and
per account, with the account's decile, level and surging flag. Pure polars: frames in, frames out.

The method (domain.md, issue #16): MA practice scores behaviour (資料DL 3, ウェビナー参加 5, 問い合わせ 10),
decays old behaviour so past interest is not handed to sales (half-life ≈ 93 days = −20% per 30 days),
and zeroes opted-out people, competitors and students. An account's score is the sum over its contacts,
each capped (one busy person is not a buying committee), plus activity attributed to the company
itself. Surging compares the last 30 days with the account's own previous 90 days.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from abm.engagement.activity_types import type_codes
from abm.engagement.score_settings import EngagementSettings
from abm.ranking.buying_power import score_decile

# What the scorer reads of the `activities` table (the rows attributed to an account, dated ≤ as-of).
ACTIVITY_SCHEMA: dict[str, pl.DataType] = {
    "contact_id": pl.String(),
    "account_id": pl.String(),
    "attributed_by": pl.String(),
    "date": pl.Date(),
    "activity_type": pl.String(),
    "points": pl.Float64(),
}
CONTACT_ATTRIBUTION = ("contact_id", "email")  # rows attributed to a person; the others to the company

CONTACT_ENGAGEMENT: dict[str, pl.DataType] = {
    "contact_id": pl.String(),
    "account_id": pl.String(),
    "engagement_score": pl.Float64(),
    "raw_points": pl.Float64(),
    "activities": pl.Int64(),
    "last_activity_date": pl.Date(),
    "zeroed_reason": pl.String(),
}
ACCOUNT_ENGAGEMENT: dict[str, pl.DataType] = {
    "account_id": pl.String(),
    "engagement_score": pl.Float64(),
    "engagement_decile": pl.Int32(),
    "engagement_level": pl.String(),
    "surging": pl.Boolean(),
    "recent_points": pl.Float64(),
    "previous_points": pl.Float64(),
    "engaged_contacts": pl.Int64(),
    "last_activity_date": pl.Date(),
}


def decay(age_days: pl.Expr, half_life_days: float) -> pl.Expr:
    """Weight of an activity ``age_days`` old: 1 today, ½ after one half-life (exponential)."""
    return pl.lit(0.5).pow(age_days.cast(pl.Float64) / half_life_days)


def scored_activities(activities: pl.DataFrame, as_of: date, s: EngagementSettings) -> pl.DataFrame:
    """One row per attributed activity dated on or before as-of: its points (the input's `points` when
    given, else the type's configured points), decayed score, age, and the contact it belongs to
    (``contact_key``, null for activity attributed to the company only)."""
    codes = type_codes(activities["activity_type"], s.type_aliases).with_columns(
        pl.col("type_code").replace_strict(s.points, return_dtype=pl.Float64).alias("type_points")
    )
    age = (pl.lit(as_of) - pl.col("date")).dt.total_days()
    return (
        activities.filter(pl.col("account_id").is_not_null() & (pl.col("date") <= as_of))
        .join(codes, on="activity_type", how="left")
        .select(
            pl.when(pl.col("attributed_by").is_in(CONTACT_ATTRIBUTION))
            .then(pl.col("contact_id"))
            .alias("contact_key"),
            "account_id",
            "date",
            age.alias("age_days"),
            pl.coalesce("points", "type_points", pl.lit(s.points["other"])).alias("points"),
        )
        .with_columns((pl.col("points") * decay(pl.col("age_days"), s.half_life_days)).alias("score"))
    )


def _sums(s: EngagementSettings) -> list[pl.Expr]:
    """Per group: raw points, decayed score, count, last date, and the two surging windows' points."""
    recent = pl.col("age_days") < s.surge_recent_days
    previous = ~recent & (pl.col("age_days") < s.surge_recent_days + s.surge_previous_days)
    return [
        pl.col("points").sum().alias("raw_points"),
        pl.col("score").sum().alias("engagement_score"),
        pl.len().cast(pl.Int64).alias("activities"),
        pl.col("date").max().alias("last_activity_date"),
        pl.col("points").filter(recent).sum().alias("recent_points"),
        pl.col("points").filter(previous).sum().alias("previous_points"),
    ]


def contact_engagement(
    scored: pl.DataFrame, zeroed: pl.DataFrame, competitors: pl.Series, s: EngagementSettings
) -> pl.DataFrame:
    """One row per contact with an activity: decayed score (0 when zeroed), raw points, count, last
    date, the reason it was zeroed, and (for the account step) its recent and previous points.
    ``zeroed``: (contact_id, zeroed_reason) from ``contact_zeroing``; ``competitors``: account_ids."""
    reason = pl.coalesce(
        pl.when(pl.col("zeroed_reason") == "opted_out").then(pl.col("zeroed_reason")),
        pl.when(pl.col("account_id").is_in(competitors.implode())).then(pl.lit("competitor")),
        pl.col("zeroed_reason"),
    )
    zero = pl.col("zeroed_reason").is_not_null()
    return (
        scored.filter(pl.col("contact_key").is_not_null())
        .group_by("contact_key", "account_id")
        .agg(_sums(s))
        .rename({"contact_key": "contact_id"})
        .join(zeroed, on="contact_id", how="left")
        .with_columns(reason.alias("zeroed_reason"))
        .with_columns(
            pl.when(zero).then(0.0).otherwise(pl.col(c)).alias(c)
            for c in ("engagement_score", "recent_points", "previous_points")
        )
        .sort("contact_id")
    )


def account_engagement(
    scored: pl.DataFrame, contacts: pl.DataFrame, competitors: pl.Series, s: EngagementSettings
) -> pl.DataFrame:
    """One row per account with an activity: Σ of its contacts' scores each capped at ``contact_cap``
    plus its company-level activity (zeroed for a competitor), decile among accounts scoring > 0,
    level, surging, the points of the two surging windows, engaged contacts, last date."""
    company = (
        scored.filter(pl.col("contact_key").is_null())
        .group_by("account_id")
        .agg(_sums(s))
        .with_columns(
            pl.when(pl.col("account_id").is_in(competitors.implode())).then(0.0).otherwise(pl.col(c)).alias(c)
            for c in ("engagement_score", "recent_points", "previous_points")
        )
        .with_columns(pl.lit(0, pl.Int64).alias("engaged_contacts"))
    )
    people = contacts.select(
        "account_id",
        pl.col("engagement_score").clip(upper_bound=s.contact_cap),
        "last_activity_date",
        "recent_points",
        "previous_points",
        (pl.col("engagement_score") > 0).cast(pl.Int64).alias("engaged_contacts"),
    )
    columns = list(people.columns)
    summed = (
        pl.concat([company.select(columns), people])
        .group_by("account_id")
        .agg(
            pl.col("engagement_score", "recent_points", "previous_points", "engaged_contacts").sum(),
            pl.col("last_activity_date").max(),
        )
        .sort("account_id")
    )
    return with_levels(summed, s).select(list(ACCOUNT_ENGAGEMENT)).cast(ACCOUNT_ENGAGEMENT)


def with_levels(accounts: pl.DataFrame, s: EngagementSettings) -> pl.DataFrame:
    """Decile (1 = most engaged, among accounts scoring > 0; null at 0), level from it, and surging."""
    scored = pl.when(pl.col("engagement_score") > 0).then(pl.col("engagement_score"))
    decile = score_decile(accounts.select(scored).to_series()).cast(pl.Int32)
    out = accounts.with_columns(decile.alias("engagement_decile"))
    return out.with_columns(
        level(pl.col("engagement_decile"), s).alias("engagement_level"),
        surging(pl.col("recent_points"), pl.col("previous_points"), s).alias("surging"),
    )


def level(decile: pl.Expr, s: EngagementSettings) -> pl.Expr:
    """high / mid / low by decile (``level_high_max_decile``, ``level_mid_max_decile``); none at score 0."""
    return (
        pl.when(decile.is_null())
        .then(pl.lit("none"))
        .when(decile <= s.level_high_max_decile)
        .then(pl.lit("high"))
        .when(decile <= s.level_mid_max_decile)
        .then(pl.lit("mid"))
        .otherwise(pl.lit("low"))
    )


def surging(recent: pl.Expr, previous: pl.Expr, s: EngagementSettings) -> pl.Expr:
    """Recent points ≥ ``surge_ratio`` × the baseline's rate over the same span, and ≥ the noise floor.
    Compared as recent × previous_days ≥ ratio × previous × recent_days: no division, exact edges."""
    rate_ok = recent * s.surge_previous_days >= previous * (s.surge_ratio * s.surge_recent_days)
    return (rate_ok & (recent >= s.surge_min_points)).fill_null(False)


def engagement_frames(
    activities: pl.DataFrame,
    as_of: date,
    zeroed: pl.DataFrame,
    competitors: pl.Series,
    s: EngagementSettings,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(contact_engagement, account_engagement) of ``activities`` (``ACTIVITY_SCHEMA``) at ``as_of``."""
    scored = scored_activities(activities.cast(ACTIVITY_SCHEMA), as_of, s)  # type: ignore[arg-type]
    contacts = contact_engagement(scored, zeroed, competitors, s)
    accounts = account_engagement(scored, contacts, competitors, s)
    return contacts.select(list(CONTACT_ENGAGEMENT)).cast(CONTACT_ENGAGEMENT), accounts  # type: ignore[arg-type]
