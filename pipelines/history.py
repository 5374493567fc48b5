"""Steps history and runs: keep every earlier run's record and append this one.

The published file is rebuilt on every run, so the tables that span runs (`runs`, `run_steps`,
`account_history`) are copied from the previous file first: they survive the atomic swap.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib.metadata import version

import polars as pl

from abm.errors import AbmError
from abm.published.file import LOCKED, is_corrupt, move_aside
from pipelines.context import RunContext, StepError

CARRIED = ("runs", "run_steps", "account_history", "territory_areas")


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
        ctx.execute(f"ATTACH '{quoted}' AS previous (READ_ONLY)")
    except StepError as exc:
        if LOCKED not in str(exc):
            raise
        # a BI tool opened the file read-write since the run started: publishing would pull it away
        raise AbmError(
            f"{previous} is open for writing by another program; close that connection (open it "
            f"read-only) and run again. {previous} was left as it was"
        ) from None
    try:
        have = set(
            ctx.query("SELECT table_name FROM duckdb_tables() WHERE database_name = 'previous'")["table_name"]
        )
        rows = 0
        for table in CARRIED:
            if table in have:
                ctx.execute(f"CREATE TABLE {table} AS SELECT * FROM previous.main.{table}")
                rows += ctx.count(table)
    except StepError as exc:
        if not is_corrupt(str(exc)):
            raise
        for table in CARRIED:
            ctx.execute(f"DROP TABLE IF EXISTS main.{table}")
        ctx.execute("DETACH previous")
        move_aside(previous, str(exc), ctx.progress)
        ctx.previous_db = None
        return 0
    ctx.execute("DETACH previous")
    return rows


def history(ctx: RunContext) -> int:
    # owned accounts stay in the history whatever their segment (a pinned one may be in no circle)
    keep = "WHERE segment <> 'none' OR owner IS NOT NULL" if ctx.settings.run.history_segments_only else ""
    select = f"""
        SELECT $run_id AS run_id, $as_of AS as_of, $quarter AS quarter, account_id, name, segment, tier,
               abc_class, buying_power_score, buying_power_decile, sales_amount, contact_count,
               territory, owner
        FROM accounts {keep}"""
    if _exists(ctx, "account_history"):
        _add_missing_columns(ctx, "account_history", select)
        ctx.execute(f"INSERT INTO account_history BY NAME {select}")
    else:
        ctx.execute(f"CREATE TABLE account_history AS {select}")
    return ctx.count(f"account_history WHERE run_id = '{ctx.run_id}'")


def record_run(ctx: RunContext) -> int:
    """Append this run to `runs` and its step timings to `run_steps`."""
    conc = ctx.facts.get("concentration", {})
    row = {
        "run_id": ctx.run_id,
        "started_at": datetime.fromtimestamp(ctx.started_at, UTC).replace(tzinfo=None),
        "finished_at": datetime.now(UTC).replace(tzinfo=None),
        "as_of": ctx.as_of,
        "quarter": ctx.quarter,
        "quarter_calendar": ctx.settings.run.quarter_calendar,
        "window_start": ctx.window_start,
        "window_end": ctx.window_end,
        "input_files": json.dumps(
            {
                k: {"file": str(v.path), "sha256": v.sha256, "format": v.encoding, **ctx.input_rows[k]}
                for k, v in ctx.inputs.items()
            },
            ensure_ascii=False,
        ),
        "rows_loaded": sum(v["loaded"] for v in ctx.input_rows.values()),
        "rows_rejected": sum(v["rejected"] for v in ctx.input_rows.values()),
        "customers": conc.get("customers"),
        "top10_share": conc.get("top10_share"),
        "top20_share": conc.get("top20_share"),
        "gini": conc.get("gini"),
        "buying_power_method": ctx.facts.get("buying_power_method"),
        "link_summary": json.dumps(ctx.facts.get("link", {}), ensure_ascii=False, default=str),
        "config": ctx.settings.model_dump_json(exclude={"api"}),  # API keys never go into the BI file
        "abm_version": version("abm"),
    }
    frame = pl.DataFrame(
        [row],
        schema_overrides={
            "customers": pl.Int64,
            "top10_share": pl.Float64,
            "top20_share": pl.Float64,
            "gini": pl.Float64,
        },
    )
    steps = pl.DataFrame(
        [
            {
                "run_id": ctx.run_id,
                "step": t.step,
                "seconds": t.seconds,
                "rows": t.rows,
                "peak_rss_mb": t.peak_rss_mb,
            }
            for t in ctx.facts.get("step_timings", [])
        ],
        schema={
            "run_id": pl.Utf8,
            "step": pl.Utf8,
            "seconds": pl.Float64,
            "rows": pl.Int64,
            "peak_rss_mb": pl.Float64,
        },
    )
    _append(ctx, "runs", frame)
    _append(ctx, "run_steps", steps)
    return ctx.count("runs")


def _append(ctx: RunContext, table: str, frame: pl.DataFrame) -> None:
    append(ctx, table, frame)


def append(ctx: RunContext, table: str, frame: pl.DataFrame) -> None:
    """Append a frame to a run-spanning table, creating it, or adding the columns older files lack."""
    ctx.con.register("_new_rows", frame)
    try:
        if _exists(ctx, table):
            _add_missing_columns(ctx, table, "SELECT * FROM _new_rows")
            ctx.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _new_rows")
        else:
            ctx.execute(f"CREATE TABLE {table} AS SELECT * FROM _new_rows")
    finally:
        ctx.con.unregister("_new_rows")


def _exists(ctx: RunContext, table: str) -> bool:
    return bool(ctx.count(f"duckdb_tables() WHERE table_name = '{table}' AND schema_name = 'main'"))


def _add_missing_columns(ctx: RunContext, table: str, select: str) -> None:
    """A file written by an older abm may lack columns added since: add them (NULL for old runs)."""
    have = set(
        ctx.query(
            f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{table}' AND schema_name = 'main'"
        )["column_name"]
    )
    params = {k: v for k, v in ctx.params().items() if f"${k}" in select}
    new = ctx.query(f"DESCRIBE {select}", params)
    for name, dtype in new.select("column_name", "column_type").iter_rows():
        if name not in have:
            ctx.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {dtype}')
