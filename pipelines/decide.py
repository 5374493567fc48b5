"""Step decide: every account's decisions in one frame, written once.

The account frame (base attributes, the three circle flags, engagement and buying-committee
coverage) is read once; segment and approach (``abm.targeting.circles``), priority_score and the
next action (``abm.targeting.actions``), tier, tier_reason and priority (``abm.targeting.tiers``), the
normalised name (``abm.matching.normalize``), territory (``abm.geo``) and owner
(``abm.territories``, when a reps file is given) are added in polars, and the result is written
once as ``work.account_decisions``. The rules stay pure functions in ``abm``; this step only feeds
them and keeps their results together.
"""

from __future__ import annotations

import polars as pl

from abm.config.settings import SEGMENTS
from abm.geo import area_expr
from abm.matching.normalize import normalize_name
from abm.targeting.actions import apply_actions, with_defaults, with_priority_score
from abm.targeting.circles import classify
from abm.targeting.tiers import assign_tiers
from pipelines.context import RunContext
from pipelines.territories import owners

DECISIONS = (
    "account_id",
    "name_norm",
    "segment",
    "approach",
    "tier",
    "tier_reason",
    "priority",
    "territory",
    "owner",
    "priority_score",
    "engagement_score",
    "engagement_level",
    "surging",
    "roles_missing",
    "next_action",
)


def decide(ctx: RunContext) -> int:
    playbook = ctx.settings.circles.playbook
    ctx.write(
        "work.playbook",
        pl.DataFrame(
            {
                "segment": list(SEGMENTS),
                "approach": [playbook[s] for s in SEGMENTS],
                "sort_order": range(1, 9),
            }
        ),
    )
    lang = ctx.settings.ui.language
    frame = with_defaults(classify(ctx.sql_rows("account_frame"), playbook))
    frame = with_priority_score(frame, ctx.settings.engagement.priority_weight)
    tiers = assign_tiers(frame, ctx.settings.tiers, lang)
    frame = apply_actions(frame.join(tiers, on="account_id", how="left"), lang)
    frame = frame.join(owners(ctx, frame), on="account_id", how="left").with_columns(
        normalize_name(pl.col("name")).alias("name_norm"),
        area_expr(pl.col("prefecture")).alias("territory"),
    )
    ctx.write("work.account_decisions", frame.select(DECISIONS))
    return frame.height
