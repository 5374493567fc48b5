"""Step sales_quarters: own net sales per account and quarter, so readers never re-derive them.

The API's account detail and BI tools read ``account_sales_quarters``; quarters carry the same labels
as ``runs.quarter`` because both come from :func:`abm.periods.quarter_label` (the rule is stated
once: here it labels each distinct sales date, a few thousand at most, never each line).
"""

from __future__ import annotations

import polars as pl

from abm.periods import quarter_label
from pipelines.context import RunContext


def sales_quarters(ctx: RunContext) -> int:
    run = ctx.settings.run
    days = ctx.query("SELECT DISTINCT date FROM sales WHERE date IS NOT NULL")
    labelled = days.with_columns(
        pl.col("date")
        .map_elements(
            lambda day: quarter_label(day, run.quarter_calendar, run.fiscal_year_start_month),
            return_dtype=pl.String,
        )
        .alias("quarter")
    )
    ctx.write("work.quarter_of_day", labelled)
    ctx.sql("account_sales_quarters")
    return ctx.count("account_sales_quarters")
