"""Steps circles and tiers: place every account in the three circles, then tier the targets."""

from __future__ import annotations

import polars as pl

from abm.config.settings import SEGMENTS
from abm.targeting.circles import classify
from abm.targeting.tiers import assign_tiers
from pipelines.context import RunContext


def circles(ctx: RunContext) -> int:
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
    ctx.sql("account_flags")
    flags = ctx.query("SELECT * FROM work.account_flags")
    segmented = classify(flags, playbook)
    return ctx.write("work.account_segments", segmented.select("account_id", "segment", "approach"))


def tiers(ctx: RunContext) -> int:
    frame = ctx.query(
        "SELECT f.account_id, s.segment, f.buying_power_score, f.sales_amount "
        "FROM work.account_flags f JOIN work.account_segments s USING (account_id)"
    )
    tiered = assign_tiers(frame, ctx.settings.tiers, ctx.settings.ui.language)
    ctx.write("work.account_tiers", tiered.filter(tiered["tier"].is_not_null()))
    return int(tiered["tier"].is_not_null().sum())
