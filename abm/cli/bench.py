"""`abm bench`: the whole pipeline on generated data at a named scale, timed step by step; with
``--splink`` also abm's linker against Splink on the same records, with ``--curve`` several scales."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from abm.cli.console import ConfigOpt, friendly, h, out, say, settings_from, tell, tell_table
from abm.errors import AbmError


@friendly
def bench(
    scale: Annotated[str | None, typer.Option(help=h("bench.scale"))] = None,
    cache: Annotated[Path, typer.Option(help=h("bench.cache"))] = Path("bench_cache"),
    config: ConfigOpt = None,
    seed: Annotated[int, typer.Option(help=h("bench.seed"))] = 42,
    incremental: Annotated[bool, typer.Option("--incremental", help=h("bench.incremental"))] = False,
    splink: Annotated[bool, typer.Option(help=h("bench.splink"))] = False,
    activities: Annotated[bool, typer.Option(help=h("bench.activities"))] = True,
    curve: Annotated[str | None, typer.Option(help=h("bench.curve"))] = None,
) -> None:
    """Run the whole pipeline on generated data at a named scale; print time, memory and accuracy per step."""
    from pipelines.bench import SCALES, dataset, run_bench

    clash = conflicting_options(
        scale=scale is not None, curve=curve is not None, incremental=incremental, splink=splink,
        no_activities=not activities,
    )  # fmt: skip
    if clash:
        mode, also = clash
        raise AbmError.keyed("error.option.clash", option=mode, also=", ".join(also))
    scale = scale or "tiny"
    scales = [s.strip() for s in curve.split(",") if s.strip()] if curve is not None else [scale]
    option = "--curve" if curve is not None else "--scale"
    for name in scales:
        if name not in SCALES:
            raise AbmError.keyed("error.option.scale", option=option, scales=", ".join(SCALES), value=name)
    settings = settings_from(config)
    if curve is not None:
        _curve(scales, cache, settings, seed)
        return
    if incremental:
        _incremental(scale, cache, config, seed)
        return
    figures = run_bench(scale, cache, settings, seed, progress=say, activities=activities)
    size = figures["size"]
    tell(
        f"scale {scale}: {size.companies:,} companies, {size.customers:,} customers, "
        f"{size.contacts:,} contacts, {size.sales_lines:,} sales lines"
        + ("" if activities else ", no activities")
    )
    tell_table(
        "Where the time goes",
        ("step", "seconds", "share", "user CPU s", "system CPU s", "rows", "peak RSS MiB"),
        (
            (
                r["step"],
                f"{r['seconds']:.1f}",
                f"{r['share']:.0%}",
                f"{r['user_s']:.1f}",
                f"{r['system_s']:.1f}",
                f"{r['rows']:,}",
                f"{r['peak_rss_mb']:,.0f}",
            )
            for r in figures["steps"].sort("seconds", descending=True).iter_rows(named=True)
        ),
    )
    cpu = figures["steps"].select("user_s", "system_s").sum().row(0)
    tell(
        f"total {figures['seconds']:.1f}s, peak RSS {figures['peak_rss_mb']:,.0f} MiB; "
        f"CPU in the steps {cpu[0]:.0f}s user, {cpu[1]:.0f}s system"
    )
    out.print(str(figures["accuracy"]), markup=False, soft_wrap=True)  # a polars frame: its own layout
    recovery = figures["engagement"]
    if not activities:
        tell("engagement: run without activities (--no-activities), hidden interest not compared")
    elif figures["size"].activities:
        tell("engagement: this scale's activity rows stand in for volume, no hidden interest to compare")
    elif recovery is None:
        tell("engagement: no account_engagement table in this run, hidden interest not compared")
    else:
        tell(
            f"engagement vs hidden interest over {recovery['accounts']:,} accounts with activity: "
            f"Spearman {recovery['spearman']:.3f}; surging precision "
            f"{_share(recovery['surging_precision'])}, recall {_share(recovery['surging_recall'])}"
        )
    if splink:
        _side_by_side(dataset(scale, cache, seed), settings)


def conflicting_options(**given: bool) -> tuple[str, list[str]] | None:
    """(the option, the options it cannot go with) or None. ``--curve`` and ``--incremental`` each
    replace the one run by runs of their own, which none of the one-run options reach (``--curve`` has
    its own scales); before this check such an option was silently ignored."""
    flag = {name: "--" + name.replace("_", "-") for name in given}
    for mode, excluded in (
        ("curve", ("scale", "incremental", "splink", "no_activities")),
        ("incremental", ("splink", "no_activities")),
    ):
        clash = [flag[name] for name in excluded if given.get(name)]
        if given.get(mode) and clash:
            return flag[mode], clash
    return None


def _share(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def _incremental(scale: str, cache: Path, config: Path | None, seed: int) -> None:
    from pipelines.bench import run_incremental_bench

    figures = run_incremental_bench(scale, cache, settings_from(config), seed, progress=say)
    tell_table(
        f"Re-run vs full run on the same inputs ({scale})",
        ("step", "full s", "re-run s"),
        (
            (r["step"], f"{r['full']:.1f}", f"{r['rerun']:.1f}" if r["rerun"] is not None else "—")
            for r in figures["steps"].iter_rows(named=True)
        ),
    )
    share = figures["rerun"] / figures["full"] if figures["full"] else 0.0
    tell(f"full {figures['full']:.1f}s, re-run {figures['rerun']:.1f}s ({share:.0%} of full)")


def _side_by_side(folder: Path, settings) -> None:
    from pipelines.bench_compare import side_by_side, verdict

    result = side_by_side(folder, settings, progress=say)
    table = result["table"]
    tell_table(
        "名寄せ side by side (same records and keys, each engine in its own process)",
        (
            "engine",
            "source",
            "seconds",
            "CPU s (both)",
            "peak RSS MiB",
            "precision",
            "recall",
            "F1",
            "links at",
        ),
        (
            (
                r["engine"],
                r["source"],
                f"{r['seconds']:.1f}",
                f"{r['cpu_s']:.0f}",
                f"{r['peak_rss_mb']:,}",
                f"{r['precision']:.3f}",
                f"{r['recall']:.3f}",
                f"{r['f1']:.3f}",
                r["note"],
            )
            for r in table.drop_nulls("source").iter_rows(named=True)
        ),
        left=2,
    )
    for r in table.filter(table["source"].is_null()).iter_rows(named=True):  # an engine that could not run
        tell(f"{r['engine']}: {r['note']}")
    tell(verdict(table))
    tell(f"load average before {result['load'][0]}, after {result['load'][1]}")


def _curve(scales: list[str], cache: Path, settings, seed: int) -> None:
    from pipelines.bench_compare import curve, markdown

    table = curve(scales, cache, settings, seed, progress=say)
    tell("Scaling curve (whole pipeline, each scale in its own process; seconds, peak RSS in GiB):")
    out.print(markdown(table), markup=False, soft_wrap=True)
