"""Step contract (the last one): the BI views, then a description on every table, view and column.

It runs after ``record_run`` so every published table exists (including the ones carried over from
the previous file), and applies ``abm/published/contract.py`` with ``COMMENT ON`` so DBeaver / Metabase show
the descriptions. What departs from the contract is logged; the BI tests fail on it.
"""

from __future__ import annotations

import logging

from abm.published.dictionary import OBJECTS_SQL, comment_statements, differences
from pipelines.context import RunContext

log = logging.getLogger("abm.pipeline")


def contract(ctx: RunContext) -> int:
    ctx.sql("views")
    ctx.sql("views_next_actions")
    with_reps = _has_rows(ctx, "territory_balance")
    ctx.sql("views_territory_balance_table" if with_reps else "views_territory_balance")
    objects = ctx.query(OBJECTS_SQL)
    for statement in comment_statements(objects):
        ctx.execute(statement)
    drift = differences(objects)
    if drift:  # a developer's omission, not the user's: say it once, do not fail the run
        log.warning("published tables depart from abm/published/contract.py: %s", "; ".join(drift))
    return objects["name"].n_unique()


def _has_rows(ctx: RunContext, table: str) -> bool:
    """True when ``table`` is published and not empty (territory_balance is empty without reps)."""
    if not ctx.count(f"duckdb_tables() WHERE table_name = '{table}' AND schema_name = 'main'"):
        return False
    return ctx.count(table) > 0
