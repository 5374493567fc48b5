"""Step contract (the last one): the BI views, then a description on every table, view and column.

It runs after ``record_run`` so every published table exists (including the ones carried over from
the previous file), and applies ``abm/published/contract.py`` with ``COMMENT ON`` so DBeaver / Metabase show
the descriptions. Columns without an entry stay uncommented; the BI tests fail on them.
"""

from __future__ import annotations

import logging

from abm.published.contract import OBJECTS_SQL, comment_statements, undocumented
from pipelines.context import RunContext

log = logging.getLogger("abm.pipeline")


def contract(ctx: RunContext) -> int:
    ctx.sql("views")
    with_reps = _has_rows(ctx, "territory_balance")
    ctx.sql("views_territory_balance_table" if with_reps else "views_territory_balance")
    objects = ctx.query(OBJECTS_SQL)
    for statement in comment_statements(objects):
        ctx.execute(statement)
    missing = undocumented(ctx.query(OBJECTS_SQL))
    if missing:  # a developer's omission, not the user's: say it once, do not fail the run
        log.warning("no description in abm/published/contract.py for: %s", ", ".join(missing))
    return objects["name"].n_unique()


def _has_rows(ctx: RunContext, table: str) -> bool:
    """True when ``table`` is published and not empty (territory_balance is empty without reps)."""
    if not ctx.count(f"duckdb_tables() WHERE table_name = '{table}' AND schema_name = 'main'"):
        return False
    return ctx.count(table) > 0
