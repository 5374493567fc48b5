"""Step check: the run's invariants, verified on the finished tables before the file is published.

A bug or a data case nobody foresaw must not publish a file where revenue silently went missing:
the run stops with one line naming the broken rule, and the previously published file stays.
"""

from __future__ import annotations

from abm.errors import RunCheckError
from pipelines.context import RunContext


def check(ctx: RunContext) -> int:
    """Every input row landed or rejected; revenue and records all reach exactly one account."""
    broken = [
        f"{kind}: {n['read']:,} rows read but {n['loaded']:,} loaded + {n['rejected']:,} rejected"
        for kind, n in ctx.input_rows.items()
        if n["read"] != n["loaded"] + n["rejected"]
    ]
    broken += [f"{rule}: {detail}" for rule, detail in ctx.sql_rows("invariants").iter_rows()]
    if broken:
        raise RunCheckError.keyed("error.run.check_failed", broken="; ".join(broken))
    return len(ctx.input_rows)
