"""`abm run`, `abm sample`, `abm config`, `abm report`: make inputs, publish a run, look at it."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from abm.cli.console import ConfigOpt, DbOpt, friendly, h, out, say, settings_from, tell, tell_table
from abm.errors import AbmError
from abm.messages import labels, text
from pipelines import project


@friendly
def run(
    input: Annotated[Path | None, typer.Option("--input", "-i", help=h("run.input"))] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=h("run.as_of"))] = None,
    full: Annotated[
        bool,
        typer.Option("--full", help=h("run.full")),
    ] = False,
) -> None:
    """Load, link, rank, segment and tier; publish the DuckDB file atomically.

    A re-run reuses what the last published run computed and is still valid (README "Incremental re-runs")."""
    when = _parse_date(as_of) if as_of else None
    settings = settings_from(config, **{"run.input_dir": input, "run.db": db, "run.as_of": when})
    say(f"abm run: {settings.run.input_dir} → {settings.run.db}")
    result = project.run(settings, progress=say, full=full)
    lang = settings.ui.language
    header = labels("column", lang)
    tell_table(
        text("run.summary.segments", lang, quarter=result.quarter),
        [header[c] for c in ("segment", "accounts", "revenue", "contacts", "whitespace")],
        ((r[0], f"{r[1]:,}", f"¥{r[2]:,.0f}", f"{r[3]:,}", f"{r[4]:,}") for r in result.segments.iter_rows()),
    )
    tiers = ", ".join(
        text("run.summary.tier", lang, tier=k, accounts=v) for k, v in sorted(result.tiers.items())
    )
    rows = {"rejected": result.rejected_rows, "nulled": result.values_nulled}
    tell(text("run.summary.rows", lang, tiers=tiers or text("run.summary.no_tiers", lang), **rows))
    tell(text("run.summary.published", lang, db=result.db, run_id=result.run_id, seconds=result.seconds))


@friendly
def sample(
    out_dir: Annotated[Path, typer.Option("--out", help=h("sample.out"))] = Path("sample_data"),
    companies: Annotated[int, typer.Option(help=h("sample.companies"))] = 20_000,
    customers: Annotated[int, typer.Option(help=h("sample.customers"))] = 2_000,
    contacts: Annotated[int, typer.Option(help=h("sample.contacts"))] = 10_000,
    sales_lines: Annotated[int, typer.Option("--sales-lines", help=h("sample.sales_lines"))] = 100_000,
    seed: Annotated[int, typer.Option(help=h("sample.seed"))] = 42,
    fmt: Annotated[str, typer.Option("--format", help=h("sample.format"))] = "sample",
) -> None:
    """Write realistic, seeded Japanese sample inputs plus their ground truth (in OUT/truth)."""
    from abm.sample import generate

    if fmt not in ("sample", "parquet", "csv"):
        raise AbmError.keyed("error.option.format", value=fmt)
    summary = generate(
        out_dir,
        companies=companies,
        customers=customers,
        contacts=contacts,
        sales_lines=sales_lines,
        seed=seed,
        fmt=fmt,
        progress=say,
    )
    out.print(summary)  # a dataclass: Rich pretty-prints it (no markup parsing)


@friendly
def show_config(config: ConfigOpt = None) -> None:
    """Print the effective configuration (file + environment + defaults) as TOML for abm.toml.

    Plain API keys are shown as a placeholder, never in clear."""
    from abm.config.toml import settings_toml

    sys.stdout.write(settings_toml(settings_from(config)))  # as is: no wrapping, no markup


@friendly
def report(
    db: DbOpt = None,
    config: ConfigOpt = None,
    out_file: Annotated[Path | None, typer.Option("--out", help=h("report.out"))] = None,
) -> None:
    """Write the self-contained HTML run report (charts as inline SVG; opens offline)."""
    from abm.report import write_report

    settings = settings_from(config, **{"run.db": db})
    tell(text("cli.report.wrote", settings.ui.language, path=write_report(settings.run.db, out_file)))


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AbmError.keyed("error.option.as_of", value=text) from None
