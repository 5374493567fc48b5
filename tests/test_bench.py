"""The national-scale benchmark, run at its smallest scale so that it keeps working."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl
from typer.testing import CliRunner

from abm.cli import main as cli
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


def test_side_by_side_and_curve_report_without_splink(tmp_path: Path, monkeypatch):
    """`abm bench --splink` prints abm's linking figures and, where Splink cannot be imported (the
    test suite runs without the bench extra), one clear line saying so instead of a traceback; the
    curve prints a README-ready table. Splink is hidden by a package that fails to import, put
    first on the child processes' path, so this holds whether or not Splink is installed here."""
    hidden = tmp_path / "hide"
    (hidden / "splink").mkdir(parents=True)
    (hidden / "splink" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'splink'\", name='splink')\n"
    )
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(hidden), os.environ.get("PYTHONPATH")]))
    )
    cache = tmp_path / "cache"
    result = CliRunner().invoke(cli.app, ["bench", "--scale", "micro", "--cache", str(cache), "--splink"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())  # the table may wrap
    assert "splink: Splink is not installed" in out and "pip install 'abm[bench]'" in out
    assert "no comparison: Splink is not installed" in out
    assert "Traceback" not in result.output
    rows = {line.split()[1]: line.split() for line in result.output.splitlines() if line.startswith("abm ")}
    assert set(rows) == {"sales", "contacts"}
    for cells in rows.values():
        seconds, cpu, peak, precision, recall, f1 = (float(c.replace(",", "")) for c in cells[2:8])
        assert (
            seconds > 0 and cpu > 0 and peak > 100
        )  # an interpreter with polars loaded is well over 100 MiB
        assert precision > 0.95 and recall > 0.3 and min(precision, recall) <= f1 <= max(precision, recall)

    curve = CliRunner().invoke(cli.app, ["bench", "--curve", "micro", "--cache", str(cache)])
    assert curve.exit_code == 0, curve.output
    table = [line for line in curve.output.splitlines() if line.startswith("|")]
    assert table[0].startswith("| scale | companies | total_s | load_s | link_s |")
    cells = [c.strip() for c in table[2].strip("|").split("|")]
    assert cells[:2] == ["micro", f"{SCALES['micro'].companies:,}"]
    steps = [float(c) for c in cells[3:9]]
    assert float(cells[2]) >= sum(steps) - 0.5  # the total covers the steps (each rounded)
    assert float(cells[9]) > 0  # peak RSS, GiB


def test_bench_rejects_an_unknown_curve_scale(tmp_path: Path):
    result = CliRunner().invoke(cli.app, ["bench", "--curve", "small,huge", "--cache", str(tmp_path)])
    assert result.exit_code == 2
    assert "--curve must name scales among" in result.output and "'huge'" in result.output
