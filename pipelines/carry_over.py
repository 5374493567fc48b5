"""Step carry_over: the tables that span runs, copied from the previously published file.

The published file is rebuilt on every run, so `runs`, `run_steps`, `account_history`,
`engagement_history` and `territory_areas` are copied from the previous file first: they survive
the atomic swap.
"""

from __future__ import annotations

from abm.errors import AbmError
from abm.published.file import LOCKED, is_corrupt, move_aside
from pipelines.context import RunContext, StepError

CARRIED = ("runs", "run_steps", "account_history", "engagement_history", "territory_areas")
PREVIOUS = "previous"  # the previous file, attached read-only while copying


def carry_over(ctx: RunContext) -> int:
    """Copy the run-spanning tables from the previously published file, if there is one.

    Damage that only shows when a table is read (a truncated file) moves the file aside and the
    run goes on with history starting afresh, as for a file that cannot be opened at all.
    """
    previous = ctx.previous_db
    if previous is None or not previous.exists():
        return 0
    quoted = str(previous).replace("'", "''")
    try:
        ctx.execute(f"ATTACH '{quoted}' AS {PREVIOUS} (READ_ONLY)")
    except StepError as exc:
        if LOCKED not in str(exc):
            raise
        # a BI tool opened the file read-write since the run started: publishing would pull it away
        raise AbmError.keyed("error.file.previous_open", db=previous) from None
    try:
        have = set(ctx.sql_rows("previous_tables", {"database": PREVIOUS})["table_name"])
        rows = 0
        for table in CARRIED:
            if table in have:
                ctx.execute(f"CREATE TABLE {table} AS SELECT * FROM {PREVIOUS}.main.{table}")
                rows += ctx.count(table)
    except StepError as exc:
        if not is_corrupt(str(exc)):
            raise
        for table in CARRIED:
            ctx.execute(f"DROP TABLE IF EXISTS main.{table}")
        ctx.execute(f"DETACH {PREVIOUS}")
        move_aside(previous, str(exc), ctx.progress)
        ctx.previous_db = None
        return 0
    ctx.execute(f"DETACH {PREVIOUS}")
    return rows
