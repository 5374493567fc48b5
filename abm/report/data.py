"""What the report shows, as small frames read from the published database (aggregates only)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

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


def collect(con: duckdb.DuckDBPyConnection) -> ReportData:
    def q(sql: str, params: dict | None = None) -> pl.DataFrame:
        return con.sql(sql, params=params or {}).pl()

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
    has_changes = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'territory_changes'"
    ).fetchall()[0][0]
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
        timings=q(
            "SELECT step, seconds, rows, peak_rss_mb FROM run_steps WHERE run_id = $r",
            {"r": run.get("run_id")},
        ),
    )
