"""The `abm` command as a user runs it: one clear line and exit code 2 for their mistakes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import write_inputs


def abm(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "abm", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        # this checkout's code, not whichever abm the venv has installed
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "PYTHONPATH": str(Path(__file__).parents[1])},
    )


def _one_error_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_missing_input_folder(tmp_path: Path):
    _one_error_line(abm("run", "--input", "nowhere", cwd=tmp_path), "input folder nowhere not found")


def test_missing_required_column(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    (inputs / "contacts.xlsx").unlink()
    (inputs / "contacts.csv").write_text("コンタクトID,会社名,オプトイン\nL1,アルファ,1\n", encoding="utf-8")
    _one_error_line(
        abm("run", "--input", "in", cwd=tmp_path), "contacts.csv", "missing required column 'email'"
    )
    assert not (tmp_path / "abm.duckdb").exists()


def test_missing_file(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    (inputs / "sales.csv").unlink()
    _one_error_line(abm("run", "--input", "in", cwd=tmp_path), "no sales file")


def test_bad_config_key_and_bad_date(tmp_path: Path):
    (tmp_path / "abm.toml").write_text("[tiers]\ntier1_capacty = 5\n", encoding="utf-8")
    _one_error_line(abm("run", cwd=tmp_path), "abm.toml", "tiers.tier1_capacty")
    (tmp_path / "abm.toml").unlink()
    _one_error_line(abm("run", "--as-of", "yesterday", cwd=tmp_path), "--as-of", "yesterday")


@pytest.mark.slow
def test_run_prints_progress_and_segments(tmp_path: Path):
    write_inputs(tmp_path / "in")
    result = abm("run", "--input", "in", "--db", "out/abm.duckdb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for step in ("load", "link", "pareto", "buying_power", "circles", "tiers"):
        assert any(line.startswith(step) and "rows" in line for line in result.stderr.splitlines()), step
    assert "S+B+C" in result.stdout and "Published" in result.stdout
    assert (tmp_path / "out" / "abm.duckdb").exists()


def test_messages_are_plain_text_not_markup(tmp_path: Path):
    """Error text and file contents are printed as written: brackets are not Rich markup."""
    inputs = write_inputs(tmp_path / "in")
    header = "受注日,[/red]取引先コード,売上金額\n"
    (inputs / "sales.csv").write_bytes((header + "2026/04/01,C1,100\n").encode("cp932"))
    result = abm("run", "--input", "in", cwd=tmp_path)
    _one_error_line(result, "or map yours in [columns.sales] of the config", "'customer_code'")
    # a header quoted back in the message: printed verbatim, not parsed as a closing tag (was a traceback)
    (tmp_path / "abm.toml").write_text('[columns.sales]\n"[/red]x" = "nonsense"\n', encoding="utf-8")
    _one_error_line(abm("run", "--input", "in", cwd=tmp_path), "config [columns.sales]: '[/red]x' maps")
    sheet = tmp_path / "review.csv"
    sheet.write_text("source,source_key,company_id,decision\nsales,C1,1,[/red][bold]\n", encoding="utf-8")
    _one_error_line(abm("review", "import", "review.csv", cwd=tmp_path), "decision '[/red][bold]'")
