"""Step territories: the sales area of every account (owners come with reps assignment)."""

from __future__ import annotations

import polars as pl

from abm.geo import AREA_OF
from pipelines.context import RunContext


def territories(ctx: RunContext) -> int:
    areas = pl.DataFrame({"prefecture": list(AREA_OF), "area": list(AREA_OF.values())})
    ctx.write("work.prefecture_areas", areas)
    ctx.sql("territories")
    return ctx.count("work.account_territory WHERE territory IS NOT NULL")
