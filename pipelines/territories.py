"""Territories for the decide step: the owner (rep) of every account, when a reps file is given.

The assignment itself is ``abm.territories.assign.assign`` (pure polars/numpy). ``owners`` feeds it
the accounts in scope, the reps, the pins and last quarter's owners (from the carried
``account_history``), lists bad reps and pins in ``rejects``, and publishes ``territory_changes``,
``territory_balance`` (this run) and ``territory_areas`` (one row per area per run, kept across runs).
The territory itself (the area of the prefecture) is ``abm.geo.area_expr``, applied by the step.
"""

from __future__ import annotations

import duckdb
import polars as pl

from abm.inputs.validate import ROW_LEVEL
from abm.territories.assign import Assignment, assign
from abm.territories.reps import PROBLEM_SCHEMA, check_pins, prepare_reps
from pipelines.context import RunContext

CHANGES = "territory_changes"
BALANCE = "territory_balance"
AREAS = "territory_areas"  # carried across runs (pipelines.carry_over.CARRIED)
NO_OWNERS = pl.DataFrame(schema={"account_id": pl.Utf8, "owner": pl.Utf8})


def owners(ctx: RunContext, accounts: pl.DataFrame) -> pl.DataFrame:
    """account_id → owner; empty without a reps file (territories are then areas only).

    ``accounts``: account_id, name, prefecture, industry_code, segment, tier, buying_power_score,
    sales_amount (the decide step's frame)."""
    if not ctx.exists("reps"):
        return NO_OWNERS
    return _assign(ctx, accounts).accounts.select("account_id", "owner")


def _assign(ctx: RunContext, frame: pl.DataFrame) -> Assignment:
    settings = ctx.settings.territories
    reps_raw = ctx.read_table("reps", order_by="source_row")
    reps, rep_problems = prepare_reps(reps_raw)
    accounts = frame.select(
        "account_id",
        "name",
        "prefecture",
        "industry_code",
        "segment",
        "tier",
        "buying_power_score",
        "sales_amount",
    )
    pins = pl.DataFrame(schema={"account_id": pl.Utf8, "rep_id": pl.Utf8})
    if ctx.exists("pins"):
        pins, pin_problems = check_pins(
            ctx.read_table("pins", order_by="source_row"), reps, accounts["account_id"]
        )
        _reject(ctx, "pins", pin_problems)
    _reject(ctx, "reps", rep_problems)

    previous_run, previous_quarter, previous = _previous(ctx)
    result = assign(accounts, reps, settings, previous=previous, pins=pins)
    names = reps_raw.select(pl.col("rep_id").cast(pl.Utf8), pl.col("name").cast(pl.Utf8)).unique("rep_id")
    _publish(ctx, result, names, previous_run, previous_quarter)
    moved = int(result.areas["moved"].sum())
    before = int(result.areas["previously_owned"].sum())
    facts = {
        "reps": reps.filter("active").height,
        "owned": int(result.accounts["owner"].is_not_null().sum()),
        "moved": moved,
        "moved_share": moved / before if before else None,
        "changes": dict(result.changes.group_by("reason").len().sort("reason").iter_rows()),
    }
    ctx.facts["territories"] = facts
    since = previous_quarter or ctx.text("run.territories.no_previous")
    ctx.say("run.territories.owned", owned=facts["owned"], reps=facts["reps"], moved=moved, since=since)
    outside = result.balance.filter(~pl.col("within_tolerance"))
    facts["outside_tolerance"] = dict(outside.select("rep_id", "balance_note").iter_rows())
    for rep in outside.iter_rows(named=True):  # nothing silent: say who is off balance and why
        ctx.say(
            "run.territories.outside",
            area=rep["area"],
            rep=rep["rep_id"],
            tolerance=settings.tolerance,
            buying_power=_signed(rep["buying_power_deviation"]),
            accounts=_signed(rep["accounts_deviation"]),
            note=rep["balance_note"],
        )
    return result


def _signed(share: float | None) -> str:
    return "n/a" if share is None else f"{share:+.1%}"


def _publish(
    ctx: RunContext,
    result: Assignment,
    names: pl.DataFrame,
    previous_run: str | None,
    previous_quarter: str | None,
) -> None:
    stamp = [pl.lit(ctx.run_id).alias("run_id"), pl.lit(ctx.quarter, pl.Utf8).alias("quarter")]
    changes = (
        result.changes.join(
            names.rename({"rep_id": "from_owner", "name": "from_owner_name"}), on="from_owner", how="left"
        )
        .join(names.rename({"rep_id": "to_owner", "name": "to_owner_name"}), on="to_owner", how="left")
        .select(
            *stamp,
            pl.lit(previous_quarter, pl.Utf8).alias("previous_quarter"),
            "account_id",
            "name",
            "territory",
            "tier",
            "previous_tier",
            "from_owner",
            "from_owner_name",
            "to_owner",
            "to_owner_name",
            "reason",
        )
    )
    ctx.write(CHANGES, changes)
    ctx.write(BALANCE, result.balance.select(*stamp, pl.all()))
    areas = result.areas.select(*stamp, pl.lit(previous_run, pl.Utf8).alias("previous_run_id"), pl.all())
    ctx.append(AREAS, areas)


def _previous(ctx: RunContext) -> tuple[str | None, str | None, pl.DataFrame | None]:
    """Last quarter's run (the latest earlier run labelled with another quarter) and its owners.

    Re-running within a quarter compares with, and sticks to, the previous quarter's book, so the
    change list does not empty itself on a second run.
    """
    if ctx.missing(("runs", "account_history")):
        return None, None, None
    found = ctx.sql_rows("previous_quarter_run")
    if found.height == 0:
        return None, None, None
    run_id, quarter = found.row(0)
    previous = ctx.sql_rows("previous_owners", {"previous_run_id": run_id})
    return run_id, quarter, previous


def _reject(ctx: RunContext, source: str, problems: pl.DataFrame) -> None:
    """Add reps / pins problems to `rejects` (same columns and row numbers as the load step's)."""
    if problems.height == 0:
        return
    info = ctx.inputs.get(source)
    frame = problems.select(
        pl.lit(info.path.name if info else source).alias("source_file"),
        *PROBLEM_SCHEMA,
        pl.lit(ROW_LEVEL).alias("severity"),  # the rep / pin is not used
    )
    ctx.append("rejects", frame)
    if source in ctx.input_rows:
        rows = ctx.input_rows[source]
        bad = problems["row_number"].n_unique()
        rows["rejected"] += bad
        rows["loaded"] -= bad
    ctx.say("run.territories.rejected", source=source, rows=problems.height)


def read_report(con: duckdb.DuckDBPyConnection, limit: int = 20) -> dict[str, pl.DataFrame]:
    """The latest run's balance, area figures, change counts and first changes (for `abm territories`)."""
    have = {
        r[0]
        for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()
    }
    if not {BALANCE, CHANGES, AREAS} <= have:
        return {}
    latest = con.execute(f"SELECT max(run_id) FROM {BALANCE}").fetchall()[0]
    return {
        "balance": con.sql(f"FROM {BALANCE} ORDER BY area, rep_id").pl(),
        "areas": con.sql(
            f"FROM {AREAS} WHERE run_id = ? ORDER BY area", params=[latest[0] if latest else None]
        ).pl(),
        "reasons": con.sql(
            f"SELECT reason, count(*) AS accounts FROM {CHANGES} GROUP BY reason "
            "ORDER BY accounts DESC, reason"
        ).pl(),
        "changes": con.sql(f"FROM {CHANGES} ORDER BY reason, territory, account_id LIMIT {int(limit)}").pl(),
    }
