"""Action, not only score (issue #16 point 4): the next thing to do with an account, and why.

Rules over one frame holding ``segment``, ``tier``, ``engagement_level``, ``surging`` and
``has_decision_maker`` (nulls read as: no engagement, not surging, no decision maker, as for an
account absent from account_engagement / account_coverage). One precedence, first rule wins:

1. ``inside_sales_now``: whitespace (segment B or B+C) whose engagement is surging. A surge is the
   most perishable signal (days, not quarters), so it outranks everything else.
2. ``follow_up_offline``: a Tier 1 or 2 account with low or no engagement. The method's ABM rule:
   a target that shows little web activity is followed up *now* by telesales or visits.
3. ``reach_decision_maker``: any tiered account (a target) without a consented decision-maker
   contact: coverage of the buying committee starts with 決裁者.
4. NULL: nothing beyond the segment's playbook (``approach`` stays the playbook's text).

When an action is set, ``approach`` says the action and ``tier_reason`` says why (the tier's own
reason first when tiered), in ``ui.language``. The priority weight lives here too: it makes the
``priority_score`` that ``abm.published.contract.PRIORITY`` orders targets by.
"""

from __future__ import annotations

import polars as pl

from abm.engagement.roles import ROLES
from abm.messages import DEFAULT_LANGUAGE, Lang, text, text_expr, texts_where

NEXT_ACTIONS: tuple[str, ...] = ("inside_sales_now", "follow_up_offline", "reach_decision_maker")
WHITESPACE_SEGMENTS: tuple[str, ...] = ("B", "B+C")
FOLLOW_UP_TIERS: tuple[int, ...] = (1, 2)
LOW_LEVELS: tuple[str, ...] = ("low", "none")
LEVELS: tuple[str, ...] = ("high", "mid", "low", "none")


def with_defaults(frame: pl.DataFrame) -> pl.DataFrame:
    """Fill what an account absent from account_engagement / account_coverage means (the interface):
    score 0, level none, not surging, no decision maker, every role missing."""
    return frame.with_columns(
        pl.col("engagement_score").fill_null(0.0),
        pl.col("engagement_level").fill_null("none"),
        pl.col("surging").fill_null(False),
        pl.col("has_decision_maker").fill_null(False),
        pl.col("roles_missing").fill_null(",".join(ROLES)),
    )


def _level() -> pl.Expr:
    return pl.col("engagement_level").fill_null("none")


def next_action_expr() -> pl.Expr:
    """The next_action code by the module's precedence (first rule wins), NULL = the playbook."""
    surging = pl.col("surging").fill_null(False)
    tiered = pl.col("tier").is_not_null()
    no_decision_maker = ~pl.col("has_decision_maker").fill_null(False)
    return (
        pl.when(pl.col("segment").is_in(WHITESPACE_SEGMENTS) & surging)
        .then(pl.lit("inside_sales_now"))
        .when(pl.col("tier").is_in(FOLLOW_UP_TIERS) & _level().is_in(LOW_LEVELS))
        .then(pl.lit("follow_up_offline"))
        .when(tiered & no_decision_maker)
        .then(pl.lit("reach_decision_maker"))
        .otherwise(pl.lit(None, pl.Utf8))
    )


def priority_score_expr(weight: float) -> pl.Expr:
    """buying_power_score + weight × engagement, engagement = (11 − engagement_decile) / 10 (0 without).

    The engagement term is a rank (decile), not the raw score, so the weight means the same at any
    scale and next to a 0..1 buying power. With weight 0 the result *is* buying_power_score, NULLs
    included, so the order is exactly the one before engagement existed. An account without a
    buying power score (off-master) keeps a NULL score unless engagement lifts it.
    """
    engagement = ((11 - pl.col("engagement_decile")) / 10).fill_null(0.0)
    boost = pl.lit(float(weight)) * engagement
    score = pl.col("buying_power_score")
    lifted = score.fill_null(0.0) + boost
    return pl.when(score.is_null() & (boost == 0)).then(None).otherwise(lifted).alias("priority_score")


def with_priority_score(frame: pl.DataFrame, weight: float) -> pl.DataFrame:
    """``frame`` with ``priority_score``; a frame without engagement columns counts as not engaged."""
    if "engagement_decile" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.Int32).alias("engagement_decile"))
    return frame.with_columns(priority_score_expr(weight))


def _reason(lang: Lang) -> pl.Expr:
    """Why the action, in ``lang``: the facts the rule looked at."""
    levels = {level: text(f"action.level.{level}", lang) for level in LEVELS}
    score = pl.col("engagement_score").fill_null(0.0).round(1).cast(pl.Utf8)
    level = _level().replace_strict(levels, default=_level(), return_dtype=pl.Utf8)
    action = pl.col("next_action")
    return (
        pl.when(action == "inside_sales_now")
        .then(text_expr("action.why.inside_sales_now", lang, segment=pl.col("segment"), score=score))
        .when(action == "follow_up_offline")
        .then(
            text_expr(
                "action.why.follow_up_offline",
                lang,
                tier=pl.col("tier").cast(pl.Utf8).fill_null(""),
                level=level,
                score=score,
            )
        )
        .when(action == "reach_decision_maker")
        .then(text_expr("action.why.reach_decision_maker", lang))
    )


def apply_actions(frame: pl.DataFrame, lang: Lang = DEFAULT_LANGUAGE) -> pl.DataFrame:
    """``frame`` with ``next_action``, and ``approach`` / ``tier_reason`` saying the action and why.

    ``frame`` holds segment, tier, tier_reason, approach, engagement_level, engagement_score, surging
    and has_decision_maker. Accounts without an action keep their approach and tier_reason untouched.
    """
    labels = {code: text(f"action.do.{code}", lang) for code in NEXT_ACTIONS}
    with_action = frame.with_columns(next_action_expr().alias("next_action"))
    action = pl.col("next_action")
    sentence = text_expr(
        "action.reason",
        lang,
        action=action.replace_strict(labels, default=None, return_dtype=pl.Utf8),
        why=_reason(lang),
    )
    [reason] = texts_where(with_action, action.is_not_null(), reason=sentence)
    joined = pl.concat_str([pl.col("tier_reason"), pl.lit(text("action.separator", lang)), pl.lit(reason)])
    return with_action.with_columns(
        pl.when(action.is_null())
        .then(pl.col("approach"))
        .otherwise(action.replace_strict(labels, default=None, return_dtype=pl.Utf8))
        .alias("approach"),
        pl.when(action.is_null())
        .then(pl.col("tier_reason"))
        .when(pl.col("tier_reason").is_null())
        .then(pl.lit(reason))
        .otherwise(joined)
        .alias("tier_reason"),
    )
