"""Step record_run: append this run to `runs` and its step timings to `run_steps`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib.metadata import version

import polars as pl

from pipelines.context import RunContext


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
        "reused": json.dumps(ctx.cache.reused, ensure_ascii=False, sort_keys=True),
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
    ctx.append("runs", frame)
    ctx.append("run_steps", steps)
    return ctx.count("runs")
