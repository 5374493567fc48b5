"""`abm bench`: the whole pipeline on generated data at a named scale, timed step by step."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from abm.cli.console import ConfigOpt, friendly, out, say, settings_from, tell, tell_table
from abm.errors import AbmError


@friendly
def bench(
    scale: Annotated[
        str,
        typer.Option(
            help="sample, tiny, small (0.5M), medium (1M), large (2M), national (5M), "
            "xl (national + 50M sales lines + 100M activity rows)."
        ),
    ] = "tiny",
    cache: Annotated[Path, typer.Option(help="Where generated data and the bench database are kept.")] = Path(
        "bench_cache"
    ),
    config: ConfigOpt = None,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 42,
) -> None:
    """Run the whole pipeline on generated data at a named scale; print time, memory and accuracy per step."""
    from pipelines.bench import SCALES, run_bench

    if scale not in SCALES:
        raise AbmError(f"--scale must be one of {', '.join(SCALES)} (got '{scale}')")
    figures = run_bench(scale, cache, settings_from(config), seed, progress=say)
    size = figures["size"]
    tell(
        f"scale {scale}: {size.companies:,} companies, {size.customers:,} customers, "
        f"{size.contacts:,} contacts, {size.sales_lines:,} sales lines"
    )
    tell_table(
        "Where the time goes",
        ("step", "seconds", "share", "rows", "peak RSS MiB"),
        (
            (
                r["step"],
                f"{r['seconds']:.1f}",
                f"{r['share']:.0%}",
                f"{r['rows']:,}",
                f"{r['peak_rss_mb']:,.0f}",
            )
            for r in figures["steps"].sort("seconds", descending=True).iter_rows(named=True)
        ),
    )
    tell(f"total {figures['seconds']:.1f}s, peak RSS {figures['peak_rss_mb']:,.0f} MiB")
    out.print(str(figures["accuracy"]), markup=False, soft_wrap=True)  # a polars frame: its own layout
