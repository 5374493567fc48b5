"""The `abm` command as a user runs it: one clear line and exit code 2 for their mistakes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from helpers import write_inputs
from rich.cells import cell_len
from typer.testing import CliRunner

from abm import __version__
from abm.cli import main as cli
from abm.cli.console import friendly, h
from abm.config.settings import load_settings
from abm.config.toml import SECRET_PLACEHOLDER
from abm.messages import text


def abm(*args: str, cwd: Path, columns: int = 200, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "abm", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        # this checkout's code, not whichever abm the venv has installed
        env={
            "PATH": "/usr/bin:/bin",
            "COLUMNS": str(columns),
            "PYTHONPATH": str(Path(__file__).parents[1]),
            **env,
        },
    )


def _one_error_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_missing_input_folder_in_japanese_or_english(tmp_path: Path):
    _one_error_line(abm("run", "--input", "nowhere", cwd=tmp_path), "入力フォルダ nowhere が見つかりません")
    english = abm("run", "--input", "nowhere", cwd=tmp_path, ABM_UI__LANGUAGE="en")
    _one_error_line(english, "input folder nowhere not found")


def test_missing_required_column(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    (inputs / "contacts.xlsx").unlink()
    (inputs / "contacts.csv").write_text("コンタクトID,会社名,オプトイン\nL1,アルファ,1\n", encoding="utf-8")
    _one_error_line(
        abm("run", "--input", "in", cwd=tmp_path),
        text("error.input.missing_column", "ja", file="contacts.csv", column="email"),
    )
    assert not (tmp_path / "abm.duckdb").exists()


def test_missing_file(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    (inputs / "sales.csv").unlink()
    _one_error_line(abm("run", "--input", "in", cwd=tmp_path), "sales のファイルがありません")


def test_bad_config_key_and_bad_date(tmp_path: Path):
    (tmp_path / "abm.toml").write_text("[tiers]\ntier1_capacty = 5\n", encoding="utf-8")
    _one_error_line(abm("run", cwd=tmp_path), "abm.toml", "tiers.tier1_capacty")
    (tmp_path / "abm.toml").unlink()
    _one_error_line(abm("run", "--as-of", "yesterday", cwd=tmp_path), "--as-of", "yesterday")


def widest(text: str) -> int:
    """Terminal cells of the longest line (a kanji takes two)."""
    return max((cell_len(line) for line in text.splitlines()), default=0)


@pytest.mark.slow
def test_run_prints_progress_and_segments(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    (inputs / "reps.csv").write_text(
        "担当者コード,担当者名,エリア\nR1,営業一郎,関東\nR2,営業二郎,近畿\nR3,営業三郎,九州・沖縄\n",
        encoding="utf-8",
    )
    result = abm("run", "--input", "in", "--db", "out/abm.duckdb", cwd=tmp_path, columns=80)
    assert result.returncode == 0, result.stderr
    for step in ("load", "link", "accounts", "pareto", "buying_power", "flags", "decide"):
        assert any(line.startswith(step) and " 行 " in line for line in result.stderr.splitlines()), step
    assert "S+B+C" in result.stdout and "を公開しました" in result.stdout  # Japanese by default
    assert (tmp_path / "out" / "abm.duckdb").exists()
    # progress reads as sentences: no "sales: sales: …" and no Python dict such as {'auto': 1, …}
    for line in result.stderr.splitlines():
        assert not re.match(r"\s*(\w+): \1:", line), line
        assert not re.search(r"\{'\w+': ", line), line
    assert any(re.match(r"\s*sales: [\d,]+ 件 → auto", line) for line in result.stderr.splitlines())
    # an 80-column terminal: the segment table and result lines fit, wrapped rather than cut
    assert widest(result.stdout) <= 80, result.stdout
    assert "…" not in result.stdout
    territories = abm("territories", "--db", "out/abm.duckdb", cwd=tmp_path, columns=80)
    assert territories.returncode == 0, territories.stderr
    assert "営業一郎" in territories.stdout and "九州・沖縄" in territories.stdout
    assert widest(territories.stdout) <= 80, territories.stdout
    assert "…" not in territories.stdout


def test_messages_are_plain_text_not_markup(tmp_path: Path):
    """Error text and file contents are printed as written: brackets are not Rich markup."""
    inputs = write_inputs(tmp_path / "in")
    header = "受注日,[/red]取引先コード,売上金額\n"
    (inputs / "sales.csv").write_bytes((header + "2026/04/01,C1,100\n").encode("cp932"))
    result = abm("run", "--input", "in", cwd=tmp_path)
    _one_error_line(result, "設定の [columns.sales] で割り当てることもできます", "'customer_code'")
    # a header quoted back in the message: printed verbatim, not parsed as a closing tag (was a traceback)
    (tmp_path / "abm.toml").write_text('[columns.sales]\n"[/red]x" = "nonsense"\n', encoding="utf-8")
    _one_error_line(abm("run", "--input", "in", cwd=tmp_path), "設定 [columns.sales]: '[/red]x' の割り当て先")
    sheet = tmp_path / "review.csv"
    sheet.write_text("source,source_key,company_id,decision\nsales,C1,1,[/red][bold]\n", encoding="utf-8")
    _one_error_line(abm("review", "import", "review.csv", cwd=tmp_path), "判断 '[/red][bold]'")


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command and sub-command of the CLI, hidden ones included, with the words that call it."""
    found = []
    for name, command in group.commands.items():
        found.append(((*path, name), command))
        if hasattr(command, "commands"):  # a group (typer ships its own click)
            found += _commands(command, (*path, name))
    return found


CLI = typer.main.get_command(cli.app)


def test_version():
    result = CliRunner().invoke(cli.app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"abm {__version__}"


def test_every_command_takes_h_and_shows_flags_as_flags():
    runner = CliRunner()
    commands = _commands(CLI)
    assert {("run",), ("review", "import"), ("dev", "docs"), ("dev", "dictionary")} <= {
        p for p, _ in commands
    }
    for path, command in commands:
        short = runner.invoke(cli.app, [*path, "-h"])
        assert short.exit_code == 0, (path, short.output)
        assert short.output.startswith("Usage:"), path
        assert short.output == runner.invoke(cli.app, [*path, "--help"]).output
        assert "<bool>" not in short.output, path  # a flag takes no value
        for param in command.params:
            if isinstance(param.default, bool):  # a boolean option: --dev, not --dev true
                assert getattr(param, "is_flag", False), (path, param.name)
    serve = runner.invoke(cli.app, ["serve", "-h"]).output
    assert re.search(rf"^\s+--dev\s+{re.escape(h('serve.dev'))}", serve, re.MULTILINE), serve


HELP_TEXTS = """
import json, click, typer
from abm.cli.main import app
def walk(cmd, path):
    yield path, cmd.help or ""
    for p in cmd.params:
        yield f"{path} {p.name}", getattr(p, "help", None) or ""
    for name, sub in getattr(cmd, "commands", {}).items():
        if not sub.hidden:
            yield from walk(sub, f"{path} {name}")
print(json.dumps(dict(walk(typer.main.get_command(app), "abm")), ensure_ascii=False))
"""


def _help_texts(**env: str) -> dict[str, str]:
    """Every user command's and option's help as `abm --help` shows it, in a fresh interpreter (help is
    made when the CLI is imported)."""
    done = subprocess.run(
        [sys.executable, "-c", HELP_TEXTS], capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[1]), **env},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _japanese(s: str) -> bool:
    return re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", s) is not None


def test_help_is_japanese_by_default_and_english_on_request(tmp_path: Path):
    ja = _help_texts()
    en = _help_texts(ABM_UI__LANGUAGE="en")
    assert {"abm", "abm run", "abm run input", "abm export crm", "abm review import in_file"} <= set(ja)
    assert ja.keys() == en.keys()
    for where, help_text in ja.items():
        assert help_text and _japanese(help_text), where
        assert en[where] and en[where] != help_text, where
        ascii_share = sum(c.isascii() for c in en[where]) / len(en[where])
        assert ascii_share > 0.9, (where, en[where])  # English (名寄せ may stay as it is)
    (tmp_path / "abm.toml").write_text('[ui]\nlanguage = "en"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "abm", "export", "-h"], cwd=tmp_path, capture_output=True, text=True,
        timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[1])},
    )  # fmt: skip
    assert "Header names for: salesforce or hubspot." in done.stdout  # ./abm.toml's language


def test_a_bug_or_an_interrupt_is_one_line_in_the_help_language(monkeypatch):
    monkeypatch.delenv("ABM_DEBUG", raising=False)
    app = typer.Typer()

    @app.command()
    @friendly
    def fails(interrupt: bool = False) -> None:
        raise KeyboardInterrupt if interrupt else RuntimeError("boom\nsecond line")

    bug = CliRunner().invoke(app, [])
    assert bug.exit_code == 1 and "Traceback" not in bug.output
    assert bug.stderr.strip() == f"internal error: RuntimeError: boom {h('internal_error')}"
    stopped = CliRunner().invoke(app, ["--interrupt"])
    assert stopped.exit_code == 130 and stopped.stderr.strip() == h("interrupted")


def test_developer_commands_are_under_dev_and_not_listed():
    runner = CliRunner()
    listed = runner.invoke(cli.app, ["-h"]).output
    commands = re.findall(r"^  (\w+)\s", listed.split("Commands:")[1], re.MULTILINE)
    assert "run" in commands and "config" in commands
    assert not {"docs", "dictionary", "dev"} & set(commands), commands
    assert runner.invoke(cli.app, ["docs"]).exit_code == 2  # gone from the top level
    dev = runner.invoke(cli.app, ["dev", "-h"]).output
    assert "docs" in dev and "dictionary" in dev
    assert "abm dev docs" in (Path(__file__).parents[1] / "Makefile").read_text(encoding="utf-8")


def test_config_prints_toml_that_reads_back_to_the_same_settings(tmp_path: Path, monkeypatch):
    secret = "plain-secret-key-0123"
    (tmp_path / "in.toml").write_text(
        "[run]\nas_of = 2026-03-31\nlookback_months = 6\n"
        '[columns.sales]\n"得意先名称" = "customer_name"\n"金額(税抜)" = "amount"\n'
        '[inputs.sheets]\ncontacts = "名刺"\n'
        "[tiers]\ntier3_capacity = 900\n"
        '[circles.playbook]\n"S+B+C" = "1:1 ABM \\"重点\\" 顧客"\n'
        + "".join(f'"{s}" = "x"\n' for s in ("S+B", "B+C", "B", "S+C", "S", "C", "none")),
        encoding="utf-8",
    )
    env = {
        "ABM_API__KEYS": json.dumps(
            [
                {"name": "crm", "key": secret, "scopes": ["read", "read:contacts"]},
                {"name": "bi", "sha256": "a" * 64},
            ]
        ),
        "ABM_DUCKDB__THREADS": "2",
    }
    result = CliRunner().invoke(cli.app, ["config", "--config", str(tmp_path / "in.toml")], env=env)
    assert result.exit_code == 0, result.output
    assert secret not in result.output
    assert SECRET_PLACEHOLDER in result.output
    (tmp_path / "abm.toml").write_text(result.stdout, encoding="utf-8")

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    effective = load_settings(tmp_path / "in.toml").model_dump()
    for name in env:
        monkeypatch.delenv(name)
    pasted = load_settings(tmp_path / "abm.toml").model_dump()  # the printed TOML alone, no environment
    assert pasted["api"]["keys"][0].pop("key").get_secret_value() == SECRET_PLACEHOLDER
    assert effective["api"]["keys"][0].pop("key").get_secret_value() == secret
    assert pasted == effective
    assert effective["columns"]["sales"]["得意先名称"] == "customer_name"
    assert effective["duckdb"]["threads"] == 2 and effective["tiers"]["tier3_capacity"] == 900


def test_config_defaults_read_back(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./abm.toml
    result = CliRunner().invoke(cli.app, ["config"])
    assert result.exit_code == 0, result.output
    (tmp_path / "printed.toml").write_text(result.stdout, encoding="utf-8")
    assert load_settings(tmp_path / "printed.toml") == load_settings(None)
