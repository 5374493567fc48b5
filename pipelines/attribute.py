"""Step attribute: publish `activities`, each row with the contact and account it belongs to.

Runs after `accounts`: a row's account is its contact's (matched by contact_id, else by email) or the
account 名寄せ gave its company fields (pipelines/sql/activities*.sql: the landed rows are copied,
attributed and in file order, a batch of rows at a time, and the copy replaces the landed table).
Without an activities file the table is still published, empty, so every reader (engagement, BI) can
rely on it.
"""

from __future__ import annotations

import polars as pl

from abm.published.contract import ACTIVITIES
from pipelines.context import RunContext

# landed rows attributed per statement: it sorts this many rows, which fits DuckDB's memory at the
# default limit (an UPDATE of all 100M rows of the `xl` scale at once spilled 18 GB to disk)
BATCH_ROWS = 10_000_000
_POLARS = {"VARCHAR": pl.Utf8, "BIGINT": pl.Int64, "DATE": pl.Date, "DOUBLE": pl.Float64}


def attribute(ctx: RunContext) -> int:
    published = pl.DataFrame(schema={c.name: _POLARS[c.type] for c in ACTIVITIES.columns})
    if not ctx.exists("work.activity_rows"):  # no activities file: an empty table, same columns
        ctx.write("activities", published)
        return 0
    ctx.write("activities_attributed", published)
    first, last = ctx.sql_rows("activity_rowids").row(0)
    for start in range(first or 0, (last or -1) + 1, BATCH_ROWS):
        ctx.sql("activities_attributed", {"first_row": start, "last_row": start + BATCH_ROWS - 1})
    ctx.sql("activities")
    by = dict(ctx.sql_rows("activity_attribution").iter_rows())
    unattributed = by.pop(None, 0)
    ctx.input_rows["activities"] = {
        **ctx.input_rows.get("activities", {}),
        "unattributed": unattributed,
        **{f"attributed_by_{how}": n for how, n in by.items()},
    }
    total = unattributed + sum(by.values())
    how = ", ".join(ctx.text("run.attribute.by", how=k, rows=n) for k, n in by.items())
    ctx.say(
        "run.attribute", total=total, how=how or ctx.text("run.attribute.none"), unattributed=unattributed
    )
    return total
