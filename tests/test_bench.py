"""The national-scale benchmark, run at its smallest scale so that it keeps working."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from abm.cli import main as cli
from pipelines.bench import SCALES, dataset


@pytest.fixture(scope="module")
def micro_bench(tmp_path_factory) -> tuple[Path, str]:
    """(cache, output) of one `abm bench --scale micro --splink`: the whole pipeline at the smallest
    scale, then abm's linking side by side with Splink. Splink is hidden by a package that fails to
    import, put first on the child processes' path, so the one-line "not installed" path is what
    runs whether or not Splink is installed here (the test suite runs without the bench extra)."""
    tmp = tmp_path_factory.mktemp("bench")
    hidden = tmp / "hide"
    (hidden / "splink").mkdir(parents=True)
    (hidden / "splink" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'splink'\", name='splink')\n"
    )
    cache = tmp / "cache"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(hidden), os.environ.get("PYTHONPATH")])))
        result = CliRunner().invoke(cli.app, ["bench", "--scale", "micro", "--cache", str(cache), "--splink"])
    assert result.exit_code == 0, result.output
    return cache, result.output


def test_bench_reports_every_step_and_linking_accuracy(micro_bench: tuple[Path, str]):
    cache, output = micro_bench
    lines = [line.split() for line in output.splitlines()]
    steps = {cells[0]: cells for cells in lines if len(cells) == 7 and cells[2].endswith("%")}
    assert {"load", "link", "buying_power", "decide", "assemble"} <= set(steps)
    assert 0.97 <= sum(float(c[2].rstrip("%")) for c in steps.values()) / 100 <= 1.03  # shares, rounded
    assert all(float(c[6].replace(",", "")) > 100 for c in steps.values())  # peak RSS MiB of a real run
    # each step's CPU seconds: the process's own threads, so never more than the cores over its wall time
    cores = os.cpu_count() or 1
    for _step, seconds, _share, user, system, *_ in steps.values():
        assert 0 <= float(user) + float(system) <= cores * float(seconds) + 0.2  # rounded to 0.1
    assert float(steps["link"][3]) > 0  # linking works: it cannot take no CPU time
    load = int(steps["load"][5].replace(",", ""))
    size = SCALES["micro"]
    inputs = size.companies + size.sales_lines + size.contacts + 10 * size.contacts  # + activities
    assert 0.99 * inputs <= load <= inputs  # a few bad rows are rejected, nothing else is lost
    total = next(c for c in lines if c[:1] == ["total"])
    assert float(total[1].rstrip("s,")) >= sum(float(c[1]) for c in steps.values()) - 1
    frame = [line.strip("│ ").split("┆") for line in output.splitlines() if line.startswith("│")]
    accuracy = {cells[0].strip(): [c.strip() for c in cells] for cells in frame}  # the printed polars frame
    assert {"sales", "contacts"} <= set(accuracy)
    for source in ("sales", "contacts"):
        precision, recall = float(accuracy[source][3]), float(accuracy[source][4])
        assert precision > 0.95 and recall > 0.3
    # the generated data is marked complete, so the next call reuses it
    folder = cache / "micro-seed42"
    assert (folder / ".complete").exists()
    # activities recover the hidden interest: until engagement scores exist, a plain count per account
    with duckdb.connect(str(cache / "micro-seed42.duckdb"), read_only=True) as con:
        counts = con.sql(
            "SELECT account_id, count(*) AS n FROM activities WHERE account_id IS NOT NULL GROUP BY 1"
        ).pl()
    hidden = pl.read_csv(folder / "truth" / "engagement.csv", schema_overrides={"company_id": pl.String})
    both = counts.join(hidden.rename({"company_id": "account_id"}), on="account_id")
    assert both.height > 1000
    assert both.select(pl.corr("n", "interest", method="spearman")).item() > 0.4
    assert "engagement vs hidden interest over" in " ".join(output.split())


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


def test_side_by_side_reports_without_splink(micro_bench: tuple[Path, str]):
    """`abm bench --splink` prints abm's linking figures and, where Splink cannot be imported, one
    clear line saying so instead of a traceback."""
    _, output = micro_bench
    out = " ".join(output.split())  # the table may wrap
    assert "splink: Splink is not installed" in out and "pip install 'abm[bench]'" in out
    assert "no comparison: Splink is not installed" in out
    assert "Traceback" not in output
    rows = {line.split()[1]: line.split() for line in output.splitlines() if line.startswith("abm ")}
    assert set(rows) == {"sales", "contacts"}
    for cells in rows.values():
        seconds, cpu, peak, precision, recall, f1 = (float(c.replace(",", "")) for c in cells[2:8])
        assert seconds > 0 and cpu > 0 and peak > 100  # an interpreter with polars loaded: > 100 MiB
        assert precision > 0.95 and recall > 0.3 and min(precision, recall) <= f1 <= max(precision, recall)


def test_curve_prints_a_readme_ready_table(micro_bench: tuple[Path, str]):
    cache, _ = micro_bench
    curve = CliRunner().invoke(cli.app, ["bench", "--curve", "micro", "--cache", str(cache)])
    assert curve.exit_code == 0, curve.output
    table = [line for line in curve.output.splitlines() if line.startswith("|")]
    assert table[0].startswith("| scale | companies | total_s | load_s | link_s |")
    cells = [c.strip() for c in table[2].strip("|").split("|")]
    assert cells[:2] == ["micro", f"{SCALES['micro'].companies:,}"]
    steps = [float(c) for c in cells[3:9]]
    assert float(cells[2]) >= sum(steps) - 0.5  # the total covers the steps (each rounded)
    assert float(cells[9]) > 0  # peak RSS, GiB
    # the curve's run is a first run like the bench's before it: it does not carry that one's history
    with duckdb.connect(str(cache / "micro-seed42.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (1,)


def test_bench_rejects_an_unknown_curve_scale(tmp_path: Path):
    result = CliRunner().invoke(cli.app, ["bench", "--curve", "small,huge", "--cache", str(tmp_path)])
    assert result.exit_code == 2
    assert "--curve の規模は" in result.output and "'huge'" in result.output


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--curve", "micro", "--scale", "micro"], ("--curve", "--scale")),
        (["--curve", "micro", "--splink", "--no-activities"], ("--curve", "--splink", "--no-activities")),
        (["--curve", "micro", "--incremental"], ("--curve", "--incremental")),
        (["--incremental", "--splink"], ("--incremental", "--splink")),
        (["--scale", "micro", "--incremental", "--no-activities"], ("--incremental", "--no-activities")),
    ],
)
def test_bench_refuses_options_that_would_be_ignored(tmp_path: Path, args: list[str], named: tuple[str, ...]):
    """--curve and --incremental make runs of their own; an option only the single run reads used to be
    silently dropped (a --no-activities figure that still had activities in it)."""
    result = CliRunner().invoke(cli.app, ["bench", "--cache", str(tmp_path), *args])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "と一緒に使えません" in line and "\n" not in line  # Japanese by default, like every error
    assert all(option in line for option in named)
    assert not any(tmp_path.iterdir())  # refused before generating or running anything


def test_no_activities_runs_the_same_inputs_without_the_activities_file(micro_bench: tuple[Path, str]):
    cache, _ = micro_bench
    result = CliRunner().invoke(
        cli.app, ["bench", "--scale", "micro", "--cache", str(cache), "--no-activities"]
    )
    assert result.exit_code == 0, result.output
    assert "no activities" in result.output and "run without activities" in result.output
    counts = "SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in ("sales", "contacts", "activities"))
    with duckdb.connect(str(cache / "micro-seed42-without-activities.duckdb"), read_only=True) as con:
        without = con.execute(counts).fetchone()
    with duckdb.connect(str(cache / "micro-seed42.duckdb"), read_only=True) as con:
        full = con.execute(counts).fetchone()
    assert without is not None and full is not None
    assert without[:2] == full[:2]  # the same sales and contacts landed
    assert without[2] == 0 < full[2]  # and no activity rows
    assert (cache / "micro-seed42" / "activities.parquet").exists()  # the data set itself is untouched


def test_incremental_bench_starts_each_time_from_a_first_run(micro_bench: tuple[Path, str]):
    # the re-run's file holds two runs (the previous quarter, the re-run) and the full run's file one,
    # however often the bench ran into the same cache: leftover history made carry_over slower every time
    cache, _ = micro_bench
    for _ in range(2):
        result = CliRunner().invoke(
            cli.app, ["bench", "--scale", "micro", "--cache", str(cache), "--incremental"]
        )
        assert result.exit_code == 0, result.output
        for name, runs in (("incremental", 2), ("incremental-full", 1)):
            with duckdb.connect(str(cache / f"micro-seed42-{name}.duckdb"), read_only=True) as con:
                assert con.execute("SELECT count(*) FROM runs").fetchone() == (runs,)
