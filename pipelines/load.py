"""Step load: read every input file, validate it, land good rows and record the rest in `rejects`.

Also fixes the run's dates: as-of (config or the latest sales date), the look-back window and
the quarter label, because everything after this step depends on them.
"""

from __future__ import annotations

import polars as pl

from abm import houjin, periods
from abm.errors import ConfigError, InputError
from abm.readers import find_input, read_input
from abm.schema import INPUTS
from abm.validate import REJECT_SCHEMA, validate
from pipelines.context import RunContext


def load(ctx: RunContext) -> int:
    run = ctx.settings.run
    unknown = sorted(set(ctx.settings.columns) - set(INPUTS))
    if unknown:
        raise ConfigError(f"config [columns.{unknown[0]}]: unknown input (known: {', '.join(INPUTS)})")
    rejects = [pl.DataFrame(schema=REJECT_SCHEMA)]
    landed_total = 0
    for spec in INPUTS.values():
        master = _houjin_master(ctx) if spec.name == "companies" else None
        if master is not None:
            raw, info = master.raw, master.info
        else:
            path = find_input(run.input_dir, spec)
            if path is None:  # optional input (reps, pins) not supplied
                continue
            raw, info = read_input(path, spec, ctx.settings.columns.get(spec.name))
        landed, rejected = validate(raw, spec, info.path.name)
        if master is not None:
            landed, rejected = houjin.relocate(master, landed, rejected)
        if landed.height == 0 and raw.height > 0:
            raise InputError(
                f"{info.path}: no row passed validation ({rejected.height} problems; first: "
                f"row {rejected['row_number'][0]}, {rejected['column'][0]}: {rejected['reason'][0]})"
            )
        ctx.write(spec.name, landed)
        ctx.inputs[spec.name] = info
        n_rejected = rejected["row_number"].n_unique()
        ctx.input_rows[spec.name] = {
            **ctx.input_rows.get(spec.name, {}),
            "read": raw.height,
            "loaded": landed.height,
            "rejected": n_rejected,
        }
        ctx.progress(
            f"  {info.path.name}: {landed.height:,} rows loaded, {n_rejected:,} rejected ({info.encoding})"
        )
        rejects.append(rejected)
        landed_total += landed.height
    ctx.write("rejects", pl.concat(rejects))
    if "companies_enrich" in ctx.inputs:
        ctx.sql("enrich_companies")
        unmatched = ctx.scalar(
            "SELECT count(*) FROM companies_enrich e ANTI JOIN companies c USING (corporate_number)"
        )
        ctx.progress(
            f"  companies_enrich: {unmatched:,} rows match no master 法人番号 (kept in companies_enrich)"
        )
    _fix_dates(ctx)
    return landed_total


def _houjin_master(ctx: RunContext) -> houjin.Master | None:
    """The 法人番号 全件データ as downloaded, when the input folder holds it (abm.houjin)."""
    path = houjin.locate(ctx.settings.run.input_dir, ctx.settings.inputs.companies_format)
    if path is None:
        return None
    master = houjin.read_master(path)
    if master.history_rows:
        ctx.progress(
            f"  {path.name}: {master.history_rows:,} history rows (最新履歴 = 0) folded into former_names"
        )
    ctx.input_rows["companies"] = {"history": master.history_rows}
    return master


def _fix_dates(ctx: RunContext) -> None:
    run = ctx.settings.run
    latest = ctx.scalar("SELECT max(date) FROM sales")
    as_of = run.as_of or latest
    if as_of is None:
        raise InputError(
            "sales: no valid sales line, so there is no as-of date; set run.as_of or pass --as-of"
        )
    if run.window == "fiscal_year":
        start, end = periods.fiscal_year_window(as_of, run.fiscal_year_start_month)
    else:
        start, end = periods.rolling_window(as_of, run.lookback_months)
    ctx.as_of, ctx.window_start, ctx.window_end = as_of, start, end
    ctx.quarter = periods.quarter_label(as_of, run.quarter_calendar, run.fiscal_year_start_month)
    ctx.progress(f"  as-of {as_of} ({ctx.quarter}), sales window {start} … {end}")
