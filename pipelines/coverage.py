"""Step coverage: each contact's buying-committee role, and per account the roles reached and missing.

Roles are classified once per distinct (title, department) pair in polars (``abm.engagement.roles``):
1M contacts share a few thousand titles, so the rules run on those and SQL joins them back.
"""

from __future__ import annotations

from abm.engagement.roles import classify
from pipelines.context import RunContext


def coverage(ctx: RunContext) -> int:
    ctx.write("work.title_roles", classify(ctx.sql_rows("contact_titles"), ctx.settings.roles))
    ctx.sql("contact_roles")
    ctx.sql("account_coverage")
    return ctx.count("account_coverage")
