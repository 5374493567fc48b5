"""Engagement score: points per activity, decayed at as-of, zeroed when unfit, summed per contact and
per account, with the account's decile, level and surging flag. Pure polars: frames in, frames out.

The method (domain.md, issue #16): MA practice scores behaviour (資料DL 3, ウェビナー参加 5, 問い合わせ 10),
decays old behaviour so past interest is not handed to sales (half-life ≈ 93 days = −20% per 30 days),
and zeroes opted-out people, competitors and students. An account's score is the sum over its contacts,
each capped (one busy person is not a buying committee), plus activity attributed to the company
itself. Surging compares the last 30 days with the account's own previous 90 days.

The one pass over every activity row (10M at national scale: points, decay, the surging windows,
summed per contact and account) is DuckDB SQL, ``pipelines/sql/engagement_sums.sql``, fed by
``type_points`` below; everything after works on those sums, one row per contact or account.
"""

from __future__ import annotations

import polars as pl

from abm.engagement.activity_types import type_codes
from abm.engagement.score_settings import EngagementSettings
from abm.ranking.buying_power import score_decile

# The sums per contact (contact_key) and per company-level account (contact_key null) that
# pipelines/sql/engagement_sums.sql makes of the attributed activities dated on or before as-of.
ACTIVITY_SUMS: dict[str, pl.DataType] = {
    "contact_key": pl.String(),
    "account_id": pl.String(),
    "raw_points": pl.Float64(),
    "engagement_score": pl.Float64(),
    "activities": pl.Int64(),
    "last_activity_date": pl.Date(),
    "recent_points": pl.Float64(),
    "previous_points": pl.Float64(),
}

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


def type_points(values: pl.Series, s: EngagementSettings) -> pl.DataFrame:
    """(activity_type, type_code, type_points) for each distinct value as given: the configured points of
    its code. An input `points` value wins over these (coalesce in engagement_sums.sql)."""
    return type_codes(values, s.type_aliases).with_columns(
        pl.col("type_code").replace_strict(s.points, return_dtype=pl.Float64).alias("type_points")
    )


def contact_engagement(sums: pl.DataFrame, zeroed: pl.DataFrame, competitors: pl.Series) -> pl.DataFrame:
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
        sums.filter(pl.col("contact_key").is_not_null())
        .rename({"contact_key": "contact_id"})
        .join(zeroed, on="contact_id", how="left")
        .with_columns(reason.alias("zeroed_reason"))
        .with_columns(
            pl.when(zero).then(0.0).otherwise(pl.col(c)).alias(c)
            for c in ("engagement_score", "recent_points", "previous_points")
        )
    )


def account_engagement(
    sums: pl.DataFrame, contacts: pl.DataFrame, competitors: pl.Series, s: EngagementSettings
) -> pl.DataFrame:
    """One row per account with an activity: Σ of its contacts' scores each capped at ``contact_cap``
    plus its company-level activity (zeroed for a competitor), decile among accounts scoring > 0,
    level, surging, the points of the two surging windows, engaged contacts, last date."""
    company = (
        sums.filter(pl.col("contact_key").is_null())
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
        .with_columns(pl.col("engagement_score").round(9))  # summation order must not move a decile edge
    )
    return with_levels(summed, s).select(list(ACCOUNT_ENGAGEMENT)).cast(ACCOUNT_ENGAGEMENT)  # type: ignore[arg-type]  # polars stub: Mapping key invariant


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
    sums: pl.DataFrame, zeroed: pl.DataFrame, competitors: pl.Series, s: EngagementSettings
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(contact_engagement, account_engagement) from the activity sums (``ACTIVITY_SUMS``)."""
    contacts = contact_engagement(sums.cast(ACTIVITY_SUMS), zeroed, competitors)  # type: ignore[arg-type]
    accounts = account_engagement(sums.cast(ACTIVITY_SUMS), contacts, competitors, s)  # type: ignore[arg-type]
    return contacts.select(list(CONTACT_ENGAGEMENT)).cast(CONTACT_ENGAGEMENT), accounts  # type: ignore[arg-type]
