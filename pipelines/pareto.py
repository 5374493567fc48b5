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
        ctx.progress(
            f"  {figures['customers']:,} customers; top 20% hold {figures['top20_share']:.1%} "
            f"of revenue (Gini {figures['gini']:.2f})"
        )
    return ctx.count("pareto")
