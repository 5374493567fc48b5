"""Step history: append this run's accounts to `account_history` and their engagement to
`engagement_history` (both carried across runs by carry_over, which runs before this step)."""

from __future__ import annotations

from pipelines.context import RunContext, sql_select

HISTORY = "account_history"
ENGAGEMENT_HISTORY = "engagement_history"


def history(ctx: RunContext) -> int:
    ctx.append_select(HISTORY, sql_select("account_history_rows"))
    ctx.append_select(ENGAGEMENT_HISTORY, sql_select("engagement_history_rows"))
    return int(ctx.sql_rows("account_history_count").item())
