"""The national-scale benchmark, run at its smallest scale so that it keeps working."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from pipelines.bench import SCALES, dataset, run_bench


def test_bench_reports_every_step_and_linking_accuracy(tmp_path: Path):
    figures = run_bench("micro", tmp_path)
    steps = figures["steps"]
    assert {"load", "link", "buying_power", "decide", "assemble"} <= set(steps["step"])
    assert abs(steps["share"].sum() - 1) < 1e-9
    assert (steps["peak_rss_mb"] > 0).all() and figures["peak_rss_mb"] == steps["peak_rss_mb"].max()
    load = steps.filter(steps["step"] == "load")["rows"][0]
    size = SCALES["micro"]
    inputs = size.companies + size.sales_lines + size.contacts + 10 * size.contacts  # + activities
    assert 0.99 * inputs <= load <= inputs  # a few bad rows are rejected, nothing else is lost
    accuracy = figures["accuracy"]
    assert accuracy["source"].to_list() == ["sales", "contacts"]
    assert (accuracy["precision"] > 0.95).all() and (accuracy["recall"] > 0.3).all()
    # the generated data is marked complete, so the next call reuses it
    assert (tmp_path / "micro-seed42" / ".complete").exists()
    # activities recover the hidden interest: until engagement scores exist, a plain count per account
    folder = tmp_path / "micro-seed42"
    with duckdb.connect(str(tmp_path / "micro-seed42.duckdb"), read_only=True) as con:
        counts = con.sql(
            "SELECT account_id, count(*) AS n FROM activities WHERE account_id IS NOT NULL GROUP BY 1"
        ).pl()
    hidden = pl.read_csv(folder / "truth" / "engagement.csv", schema_overrides={"company_id": pl.String})
    both = counts.join(hidden.rename({"company_id": "account_id"}), on="account_id")
    assert both.height > 1000
    assert both.select(pl.corr("n", "interest", method="spearman")).item() > 0.4


def test_a_cached_dataset_without_activities_gets_them(tmp_path: Path):
    folder = dataset("micro", tmp_path)
    first = pl.read_parquet(folder / "activities.parquet")
    bad = pl.read_csv(folder / "truth" / "bad_rows.csv")
    (folder / "activities.parquet").unlink()  # as generated before activities existed
    (folder / "truth" / "engagement.csv").unlink()
    assert dataset("micro", tmp_path) == folder
    again = pl.read_parquet(folder / "activities.parquet")
    assert again.columns == first.columns and 0.9 * first.height <= again.height <= 1.1 * first.height
    assert (folder / "truth" / "engagement.csv").exists()
    rebuilt = pl.read_csv(folder / "truth" / "bad_rows.csv")
    others = pl.col("file") != "activities.parquet"
    assert rebuilt.filter(others).equals(bad.filter(others))  # other files' bad rows untouched, once
    assert rebuilt.filter(~others).height > 0
