"""What the report shows, as small frames read from the published database (aggregates only)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from abm.engagement.roles import ROLES
from abm.published.contract import SEGMENTS
from abm.published.reader import Session

PARETO_POINTS = 200  # the curve is drawn from at most this many points, whatever the customer count
FIRST_CHANGES = 30  # the report lists this many territory changes; the rest are in territory_changes


@dataclass(frozen=True)
class ReportData:
    run: dict  # the latest row of `runs`, with abc_a and language (ui.language) from its config
    pareto: pl.DataFrame  # x = cumulative customer share, y = cumulative revenue share
    abc: pl.DataFrame  # abc_class, customers, revenue
    deciles: pl.DataFrame
    segments: pl.DataFrame  # v_segment_summary
    territories: pl.DataFrame  # v_territory_balance
    territory_reasons: pl.DataFrame  # reason, accounts (empty without a reps file)
    territory_changes: pl.DataFrame  # the first changes: account, area, tiers, rep ids, reason (no names)
    linking: pl.DataFrame  # source, auto, manual, review, unmatched, total
    rejects: pl.DataFrame  # source_file, severity, reason, rows, problems
    timings: pl.DataFrame  # this run's steps
    traits: pl.DataFrame  # buying_power_traits: the lift table behind accounts.why
    engagement: pl.DataFrame  # per segment: accounts, engaged, high / mid / low, surging, score
    actions: pl.DataFrame  # per next_action: accounts by tier
    coverage: pl.DataFrame  # per tier (targets): accounts, with a contact, missing each role


_SEGMENT_ORDER = "list_position([" + ", ".join(f"'{s}'" for s in SEGMENTS) + "], segment)"
_MISSING = ", ".join(
    f"count(*) FILTER (WHERE list_contains(string_split(roles_missing, ','), '{r}')) AS missing_{r}"
    for r in ROLES
)


def _engagement(session: Session) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Engagement by segment, next actions by tier, coverage gaps of the targets (from `accounts`);
    empty frames for a file published before engagement existed."""
    if not session.scalar(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'accounts' AND column_name = 'next_action'"
    ):
        return pl.DataFrame(), pl.DataFrame(), pl.DataFrame()
    q = session.frame
    engagement = q(
        "SELECT segment, count(*) AS accounts, count(*) FILTER (WHERE engagement_score > 0) AS engaged, "
        "count(*) FILTER (WHERE engagement_level = 'high') AS high, "
        "count(*) FILTER (WHERE engagement_level = 'mid') AS mid, "
        "count(*) FILTER (WHERE engagement_level = 'low') AS low, "
        "count(*) FILTER (WHERE surging) AS surging, sum(engagement_score) AS engagement_score "
        f"FROM accounts GROUP BY segment ORDER BY {_SEGMENT_ORDER}"
    )
    actions = q(
        "SELECT next_action, count(*) FILTER (WHERE tier = 1) AS tier1, "
        "count(*) FILTER (WHERE tier = 2) AS tier2, count(*) FILTER (WHERE tier = 3) AS tier3, "
        "count(*) FILTER (WHERE tier IS NULL) AS untiered, count(*) AS accounts "
        "FROM accounts WHERE next_action IS NOT NULL GROUP BY next_action ORDER BY accounts DESC, next_action"
    )
    coverage = q(
        "SELECT tier, count(*) AS accounts, count(*) FILTER (WHERE has_contacts) AS with_contacts, "
        f"{_MISSING} FROM accounts WHERE tier IS NOT NULL GROUP BY tier ORDER BY tier"
    )
    return engagement, actions, coverage


def collect(session: Session) -> ReportData:
    q = session.frame

    runs = q(
        "SELECT * EXCLUDE (config), CAST(json_extract(config, '$.abc.a') AS DOUBLE) AS abc_a, "
        "json_extract_string(config, '$.ui.language') AS language "
        "FROM runs ORDER BY finished_at DESC, run_id DESC LIMIT 1"
    )
    run = runs.row(0, named=True) if runs.height else {}
    pareto = q(
        "SELECT 0.0 AS x, 0.0 AS y UNION ALL "
        "SELECT cumulative_customer_share, cumulative_share FROM pareto "
        "WHERE rank % greatest(1, (SELECT count(*) FROM pareto) // $n) = 0 "
        "   OR rank = (SELECT count(*) FROM pareto) ORDER BY x",
        {"n": PARETO_POINTS},
    )
    abc = q(
        "SELECT abc_class, count(*) AS customers, sum(revenue) AS revenue, "
        "max(cumulative_customer_share) AS up_to FROM pareto GROUP BY abc_class ORDER BY abc_class"
    )
    linking = q(
        "PIVOT (SELECT source, status FROM matches) ON status IN ('auto', 'manual', 'review', 'unmatched') "
        "USING count(*) GROUP BY source ORDER BY source"
    ).with_columns(total=pl.sum_horizontal("auto", "manual", "review", "unmatched"))
    has_changes = session.has("territory_changes")
    reasons = (
        q("SELECT reason, count(*) AS accounts FROM territory_changes GROUP BY reason ORDER BY accounts DESC")
        if has_changes
        else pl.DataFrame(schema={"reason": pl.Utf8, "accounts": pl.Int64})
    )
    changes = (
        q(
            "SELECT account_id, territory, previous_tier, tier, from_owner, to_owner, reason "
            "FROM territory_changes ORDER BY reason, territory, account_id LIMIT $n",
            {"n": FIRST_CHANGES},
        )
        if has_changes
        else pl.DataFrame()
    )
    engagement, actions, coverage = _engagement(session)
    return ReportData(
        run=run,
        pareto=pareto,
        abc=abc,
        deciles=q("FROM deciles ORDER BY decile"),
        segments=q("FROM v_segment_summary"),
        territories=q("FROM v_territory_balance"),
        territory_reasons=reasons,
        territory_changes=changes,
        linking=linking,
        rejects=q(
            "SELECT source_file, severity, reason, count(DISTINCT row_number) AS rows, count(*) AS problems "
            "FROM rejects GROUP BY ALL ORDER BY source_file, severity, rows DESC, reason"
        ),
        traits=q("FROM buying_power_traits ORDER BY attribute, sort_order"),
        engagement=engagement,
        actions=actions,
        coverage=coverage,
        timings=q(
            "SELECT step, seconds, rows, peak_rss_mb FROM run_steps WHERE run_id = $r",
            {"r": run.get("run_id")},
        ),
    )
