"""Step engagement: score web and MA behaviour per contact and per account (abm.engagement.score).

Reads the attributed `activities` (published by the attribute step, empty without an activities file:
then both tables are written empty, so readers never need to ask whether they exist), the contacts
zeroing needs, and — only when
``[engagement] competitors`` is set — the engaged accounts' corporate numbers and names. The one pass
over every activity row (10M at national scale) is DuckDB SQL (engagement_sums.sql); the rest is
polars over one row per contact or account.
"""

from __future__ import annotations

import polars as pl

from abm.engagement.score import engagement_frames, type_points
from abm.engagement.zeroing import competitor_accounts, contact_zeroing
from pipelines.context import RunContext

CONTACT_ENGAGEMENT = "contact_engagement"
ACCOUNT_ENGAGEMENT = "account_engagement"


def activity_sums(ctx: RunContext) -> pl.DataFrame:
    """Points, decay and surging windows of every attributed activity, summed per contact and per
    company-level account (``ACTIVITY_SUMS``)."""
    given = ctx.sql_rows("activity_types_given")["activity_type"]
    ctx.write("work.activity_type_points", type_points(given, ctx.settings.engagement))
    ctx.sql("engagement_sums")
    return ctx.read_table("work.engagement_sums")


def engagement(ctx: RunContext) -> int:
    s = ctx.settings.engagement
    sums = activity_sums(ctx)
    zeroed = pl.DataFrame(schema={"contact_id": pl.String, "zeroed_reason": pl.String})
    competitors = pl.Series([], dtype=pl.String)
    if sums.height:
        zeroed = contact_zeroing(ctx.sql_rows("engagement_contacts"), ctx.settings.match.free_mail_domains)
        if s.competitors:
            competitors = competitor_accounts(ctx.sql_rows("engagement_accounts"), s.competitors)
    contacts, accounts = engagement_frames(sums, zeroed, competitors, s)
    ctx.write(CONTACT_ENGAGEMENT, contacts)
    n = ctx.write(ACCOUNT_ENGAGEMENT, accounts)
    if n:
        surging = int(accounts["surging"].sum())
        ctx.say("run.engagement", accounts=n, contacts=contacts.height, surging=surging)
    return n
