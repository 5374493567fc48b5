"""Step load: read every input file, validate it, land good rows and record the rest in `rejects`.

Also fixes the run's dates: as-of (config or the latest sales date), the look-back window and
the quarter label, because everything after this step depends on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from abm import periods
from abm.errors import ConfigError, InputError
from abm.inputs import houjin
from abm.inputs.chunks import read_input_chunks
from abm.inputs.readers import InputFile, Table, check_tables, find_input, list_tables, missing_columns
from abm.inputs.schema import INPUTS, InputSpec
from abm.inputs.validate import REJECT_SCHEMA, ROW_LEVEL, VALUE_LEVEL, validate
from pipelines.context import RunContext
from pipelines.load_cache import Part, load_input, validated_chunks


def load(ctx: RunContext) -> int:
    run = ctx.settings.run
    sheets = ctx.settings.inputs.sheets
    for table, keys in (("columns", ctx.settings.columns), ("inputs.sheets", sheets)):
        unknown = sorted(set(keys) - set(INPUTS))
        if unknown:
            raise ConfigError.keyed(
                "error.config.unknown_input", table=table, name=unknown[0], known=", ".join(INPUTS)
            )
    master = _houjin_master(ctx)  # the 法人番号 全件データ as downloaded, if that is the master
    found = {
        spec.name: find_input(run.input_dir, spec)
        for spec in INPUTS.values()
        if not (spec.name == "companies" and master is not None)
    }
    paths = {name: path for name, path in found.items() if path is not None}  # optional inputs absent
    tables = _check_headers(ctx, paths)
    ctx.write("rejects", pl.DataFrame(schema=REJECT_SCHEMA))
    landed_total = 0
    for name in INPUTS:
        spec = INPUTS[name]
        if name == "companies" and master is not None:
            parts, info = _validated(iter([master.raw]), spec, master.info, master), master.info
        elif name in paths and chunked(spec, paths[name]):  # grows without bound: a chunk at a time
            rows, columns = ctx.settings.inputs.chunk_rows, ctx.settings.columns.get(name)
            frames, info = read_input_chunks(paths[name], spec, tables[name], rows, columns)
            parts = read_ahead(validated_chunks(ctx, frames, spec, info))
        elif name in paths:  # unchanged files land from the run cache (pipelines.load_cache)
            good, bad, info, read = load_input(ctx, spec, paths[name], tables[name])
            parts = iter([(read, good, bad)])
        else:  # optional input (reps, pins, enrichment) not supplied
            continue
        landed_total += _land(ctx, name, parts, info)
    if "companies_enrich" in ctx.inputs:
        ctx.sql("enrich_companies")
        unmatched = ctx.sql_rows("enrich_unmatched").item()
        ctx.say("run.load.enrich_unmatched", rows=unmatched)
    _fix_dates(ctx)
    return landed_total


def chunked(spec: InputSpec, path: Path) -> bool:
    """Read in chunks: an input without a unique key (sales, activities: they grow without bound
    and every rule of theirs is row by row), unless it is an .xlsx (Excel's 1M-row cap keeps it small).

    Inputs with a key (companies, contacts...) are read whole: "the first row with a key lands, later
    ones are duplicates" needs every row, and stating that rule a second time in SQL is not worth it
    for files that stay a few million rows."""
    return spec.key is None and path.suffix.lower() != ".xlsx"


def _validated(
    frames: Iterator[pl.DataFrame], spec: InputSpec, info: InputFile, master: houjin.Master | None = None
) -> Iterator[Part]:
    """Each frame validated (and, for the 法人番号 master, its history relocated), one at a time."""
    for raw in frames:
        good, bad = validate(raw, spec, info.path.name)
        if master is not None:
            good, bad = houjin.relocate(master, good, bad)
        yield raw.height, good, bad
        del raw, good, bad


def read_ahead(parts: Iterator[Part]) -> Iterator[Part]:
    """``parts``, the next one read and validated in a worker thread while the caller lands this one:
    polars and DuckDB both release the GIL, so the two overlap (10M national activity rows 25 → 22 s).
    At most two parts are in memory; an error reading or validating is raised here, in order."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="abm-read") as pool:
        following = pool.submit(next, parts, None)
        while (part := following.result()) is not None:
            following = pool.submit(next, parts, None)
            yield part
            del part


def _land(ctx: RunContext, name: str, parts: Iterator[Part], info: InputFile) -> int:
    """Append each validated part of one input to table ``name`` and its problems to ``rejects``, so
    only one chunk is ever in memory; returns the rows landed."""
    read = landed = rejected = values = 0
    first_problem: dict | None = None
    for i, (n_read, good, bad) in enumerate(parts):
        rows = bad.filter(pl.col("severity") == ROW_LEVEL)
        if first_problem is None and rows.height:
            first_problem = rows.row(0, named=True)
        if i == 0:
            ctx.write(name, good)
        else:
            ctx.append(name, good)
        if bad.height:
            ctx.append("rejects", bad)
        read, landed = read + n_read, landed + good.height
        if rows.height:  # a row can have several problems
            rejected += rows.select(pl.struct("source_file", "row_number").n_unique()).item()
        values += bad.filter(pl.col("severity") == VALUE_LEVEL).height
        del good, bad, rows  # before the next chunk is read: one chunk in memory at a time
    if landed == 0 and read > 0 and first_problem is not None:
        raise InputError.keyed(
            "error.input.nothing_valid", path=info.path, rejected=rejected, row=first_problem["row_number"],
            column=first_problem["column"], reason=first_problem["reason"],
        )  # fmt: skip
    ctx.inputs[name] = info
    ctx.input_rows[name] = {
        **ctx.input_rows.get(name, {}),
        "read": read,
        "loaded": landed,
        "rejected": rejected,
        "values_nulled": values,
    }
    ctx.say(
        "run.load.file",
        file=info.path.name,
        landed=landed,
        rejected=rejected,
        nulled=values,
        encoding=info.encoding,
    )
    return landed


def _houjin_master(ctx: RunContext) -> houjin.Master | None:
    """The 法人番号 全件データ as downloaded, when the input folder holds it (abm.inputs.houjin)."""
    path = houjin.locate(ctx.settings.run.input_dir, ctx.settings.inputs.companies_format)
    if path is None:
        return None
    master = houjin.read_master(path)
    if master.history_rows:
        ctx.say("run.load.history", file=path.name, rows=master.history_rows)
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
        raise missing_columns(missing)
    return tables


def _fix_dates(ctx: RunContext) -> None:
    run = ctx.settings.run
    latest = ctx.sql_rows("latest_sale_date").item()
    as_of = run.as_of or latest
    if as_of is None:
        raise InputError.keyed("error.input.no_as_of")
    if run.window == "fiscal_year":
        start, end = periods.fiscal_year_window(as_of, run.fiscal_year_start_month)
    else:
        start, end = periods.rolling_window(as_of, run.lookback_months)
    ctx.as_of, ctx.window_start, ctx.window_end = as_of, start, end
    ctx.quarter = periods.quarter_label(as_of, run.quarter_calendar, run.fiscal_year_start_month)
    ctx.say("run.load.window", as_of=as_of, quarter=ctx.quarter, start=start, end=end)
