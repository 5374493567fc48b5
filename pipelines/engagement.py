"""Step engagement: score web and MA behaviour per contact and per account (abm.engagement.score).

Reads the attributed `activities` (optional input: without it both tables are written empty, so
readers never need to ask whether they exist), the contacts zeroing needs, and — only when
``[engagement] competitors`` is set — the engaged accounts' corporate numbers and names. The heavy
grouping (10M rows) is vectorised polars over the few columns the score needs.
"""

from __future__ import annotations

import polars as pl

from abm.engagement.score import ACTIVITY_SCHEMA, engagement_frames
from abm.engagement.zeroing import competitor_accounts, contact_zeroing
from pipelines.context import RunContext

ACTIVITIES = "activities"
CONTACT_ENGAGEMENT = "contact_engagement"
ACCOUNT_ENGAGEMENT = "account_engagement"


def engagement(ctx: RunContext) -> int:
    s = ctx.settings.engagement
    assert ctx.as_of is not None  # fixed by the load step
    if ctx.exists(ACTIVITIES):
        activities = ctx.sql_rows("engagement_activities")
        zeroed = contact_zeroing(ctx.sql_rows("engagement_contacts"), ctx.settings.match.free_mail_domains)
        accounts = ctx.sql_rows("engagement_accounts") if s.competitors else None
    else:
        activities = pl.DataFrame(schema=ACTIVITY_SCHEMA)
        zeroed = pl.DataFrame(schema={"contact_id": pl.String, "zeroed_reason": pl.String})
        accounts = None
    competitors = (
        competitor_accounts(accounts, s.competitors)
        if accounts is not None
        else pl.Series([], dtype=pl.String)
    )
    contacts, account_rows = engagement_frames(activities, ctx.as_of, zeroed, competitors, s)
    del activities
    ctx.write(CONTACT_ENGAGEMENT, contacts)
    n = ctx.write(ACCOUNT_ENGAGEMENT, account_rows)
    if n:
        surging = int(account_rows["surging"].sum())
        ctx.progress(f"  engagement: {n:,} accounts, {contacts.height:,} contacts, {surging:,} surging")
    return n
