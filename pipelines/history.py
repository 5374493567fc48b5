"""Step history: append this run's accounts to `account_history` (carried across runs)."""

from __future__ import annotations

from pipelines.context import RunContext, sql_select

HISTORY = "account_history"


def history(ctx: RunContext) -> int:
    ctx.append_select(HISTORY, sql_select("account_history_rows"))
    return int(ctx.sql_rows("account_history_count").item())
