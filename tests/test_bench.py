"""The national-scale benchmark, run at its smallest scale so that it keeps working."""

from __future__ import annotations

from pathlib import Path

from pipelines.bench import SCALES, run_bench


def test_bench_reports_every_step_and_linking_accuracy(tmp_path: Path):
    figures = run_bench("micro", tmp_path)
    steps = figures["steps"]
    assert {"load", "link", "buying_power", "decide", "assemble"} <= set(steps["step"])
    assert abs(steps["share"].sum() - 1) < 1e-9
    assert (steps["peak_rss_mb"] > 0).all() and figures["peak_rss_mb"] == steps["peak_rss_mb"].max()
    load = steps.filter(steps["step"] == "load")["rows"][0]
    size = SCALES["micro"]
    inputs = size.companies + size.sales_lines + size.contacts
    assert 0.99 * inputs <= load <= inputs  # a few bad rows are rejected, nothing else is lost
    accuracy = figures["accuracy"]
    assert accuracy["source"].to_list() == ["sales", "contacts"]
    assert (accuracy["precision"] > 0.95).all() and (accuracy["recall"] > 0.3).all()
    # the generated data is marked complete, so the next call reuses it
    assert (tmp_path / "micro-seed42" / ".complete").exists()
