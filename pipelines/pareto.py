"""Step pareto: own revenue per account, ABC / Pareto classes and deciles, concentration figures."""

from __future__ import annotations

from abm.ranking.concentration import concentration
from pipelines.context import RunContext


def pareto(ctx: RunContext) -> int:
    ctx.sql("account_sales")
    ctx.sql("pareto")
    ctx.sql("deciles")
    figures = concentration(ctx.read_table("pareto", ("revenue",))["revenue"])
    ctx.facts["concentration"] = figures
    if figures["top20_share"] is not None:
        ctx.say(
            "run.pareto", customers=figures["customers"], share=figures["top20_share"], gini=figures["gini"]
        )
    return ctx.count("pareto")
