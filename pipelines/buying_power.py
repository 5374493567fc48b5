"""Step buying_power: score every master company and decide the buying-power (B) circle."""

from __future__ import annotations

import polars as pl

from abm.buying_power import rule_score, score_decile
from pipelines.context import RunContext


def buying_power(ctx: RunContext) -> int:
    bp = ctx.settings.buying_power
    master = ctx.query(
        "SELECT account_id, employees, revenue, capital FROM work.account_base WHERE in_master ORDER BY account_id"
    )
    score = rule_score(master, bp.rule_weights)
    scored = master.select("account_id").with_columns(score, score_decile(score))
    scored = scored.with_columns((pl.col("buying_power_decile") <= bp.threshold_decile).alias("has_buying_power"))
    ctx.facts["buying_power_method"] = "rule"
    ctx.progress(f"  method: transparent rule over {', '.join(bp.rule_weights)}; "
                 f"B circle = decile ≤ {bp.threshold_decile}")
    return ctx.write("work.account_buying_power", scored)
