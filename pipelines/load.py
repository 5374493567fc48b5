"""Step load: read every input file, validate it, land good rows and record the rest in `rejects`.

Also fixes the run's dates: as-of (config or the latest sales date), the look-back window and
the quarter label, because everything after this step depends on them.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from abm import periods
from abm.errors import ConfigError, InputError
from abm.inputs import houjin
from abm.inputs.readers import Table, check_tables, find_input, list_tables, missing_message
from abm.inputs.schema import INPUTS
from abm.inputs.validate import REJECT_SCHEMA, ROW_LEVEL, VALUE_LEVEL, validate
from pipelines.context import RunContext
from pipelines.load_cache import load_input


def load(ctx: RunContext) -> int:
    run = ctx.settings.run
    sheets = ctx.settings.inputs.sheets
    for table, keys in (("columns", ctx.settings.columns), ("inputs.sheets", sheets)):
        unknown = sorted(set(keys) - set(INPUTS))
        if unknown:
            raise ConfigError(f"config [{table}] {unknown[0]}: unknown input (known: {', '.join(INPUTS)})")
    master = _houjin_master(ctx)  # the 法人番号 全件データ as downloaded, if that is the master
    found = {
        spec.name: find_input(run.input_dir, spec)
        for spec in INPUTS.values()
        if not (spec.name == "companies" and master is not None)
    }
    paths = {name: path for name, path in found.items() if path is not None}  # optional inputs absent
    tables = _check_headers(ctx, paths)
    rejects = [pl.DataFrame(schema=REJECT_SCHEMA)]
    landed_total = 0
    for name in INPUTS:
        spec = INPUTS[name]
        if name == "companies" and master is not None:
            raw, info = master.raw, master.info
            landed, rejected = houjin.relocate(master, *validate(raw, spec, info.path.name))
            read = raw.height
        elif name in paths:  # unchanged files land from the run cache (pipelines.load_cache)
            landed, rejected, info, read = load_input(ctx, spec, paths[name], tables[name])
        else:  # optional input (reps, pins, enrichment) not supplied
            continue
        rows = rejected.filter(pl.col("severity") == ROW_LEVEL)
        if landed.height == 0 and read > 0:
            raise InputError(
                f"{info.path}: no row passed validation ({rows.height} problems; first: "
                f"row {rows['row_number'][0]}, {rows['column'][0]}: {rows['reason'][0]})"
            )
        ctx.write(name, landed)
        ctx.inputs[name] = info
        n_rejected = (
            rows.select(pl.struct("source_file", "row_number").n_unique()).item() if rows.height else 0
        )
        n_values = rejected.filter(pl.col("severity") == VALUE_LEVEL).height
        ctx.input_rows[name] = {
            **ctx.input_rows.get(name, {}),
            "read": read,
            "loaded": landed.height,
            "rejected": n_rejected,
            "values_nulled": n_values,
        }
        ctx.progress(
            f"  {info.path.name}: {landed.height:,} rows loaded, {n_rejected:,} rejected, "
            f"{n_values:,} bad optional values left empty ({info.encoding})"
        )
        rejects.append(rejected)
        landed_total += landed.height
    ctx.write("rejects", pl.concat(rejects))
    if "companies_enrich" in ctx.inputs:
        ctx.sql("enrich_companies")
        unmatched = ctx.sql_rows("enrich_unmatched").item()
        ctx.progress(
            f"  companies_enrich: {unmatched:,} rows match no master 法人番号 (kept in companies_enrich)"
        )
    _fix_dates(ctx)
    return landed_total


def _houjin_master(ctx: RunContext) -> houjin.Master | None:
    """The 法人番号 全件データ as downloaded, when the input folder holds it (abm.inputs.houjin)."""
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


def _check_headers(ctx: RunContext, paths: dict[str, Path]) -> dict[str, list[Table]]:
    """Read only the headers of every input first, so one message lists every missing column of
    every file (with the config to paste) before minutes are spent reading any data."""
    missing: dict[str, tuple[str, list[str]]] = {}
    tables = {name: list_tables(path, ctx.settings.inputs.sheets.get(name)) for name, path in paths.items()}
    for name in paths:
        maps = check_tables(tables[name], INPUTS[name], ctx.settings.columns.get(name))
        if maps and maps[0].missing:
            missing[name] = (tables[name][0].label, maps[0].missing)
    if missing:
        raise InputError(missing_message(missing))
    return tables


def _fix_dates(ctx: RunContext) -> None:
    run = ctx.settings.run
    latest = ctx.sql_rows("latest_sale_date").item()
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
