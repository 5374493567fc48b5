"""Settings: TOML + environment, clear errors naming the key, README documents every key."""

from __future__ import annotations

from pathlib import Path

import pytest

from abm.cli.docs import render
from abm.config.settings import Settings, describe, load_settings
from abm.errors import ConfigError

README = Path(__file__).resolve().parents[1] / "README.md"


def test_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cfg = tmp_path / "abm.toml"
    cfg.write_text(
        '[run]\nlookback_months = 6\n[abc]\na = 0.7\n[columns.sales]\n"得意先名称" = "customer_name"\n',
        encoding="utf-8",
    )
    s = load_settings(cfg)
    assert (s.run.lookback_months, s.abc.a, s.columns["sales"]["得意先名称"]) == (6, 0.7, "customer_name")
    monkeypatch.setenv("ABM_RUN__LOOKBACK_MONTHS", "3")
    assert load_settings(cfg).run.lookback_months == 3


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[run]\nlookback_mnths = 6\n", "key 'run.lookback_mnths'"),
        ("[abc]\na = 0.99\n", "abc.a must be below abc.b"),
        ("[abc]\na = 2\n", "key 'abc.a'"),
        ("[circles.playbook]\n'S' = 'x'\n", "circles.playbook needs exactly the segments"),
        ("[run\n", "not valid TOML"),
    ],
)
def test_bad_config_is_one_line_naming_the_key(tmp_path: Path, toml: str, message: str):
    cfg = tmp_path / "abm.toml"
    cfg.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(cfg)
    assert str(cfg) in str(info.value) and "\n" not in str(info.value)


def test_missing_config_file():
    with pytest.raises(ConfigError, match="not found"):
        load_settings(Path("/nonexistent/abm.toml"))


def test_every_key_has_a_description():
    assert all(text for _, _, text in describe(Settings)), [k for k, _, t in describe(Settings) if not t]


def test_readme_generated_blocks_are_current():
    text = README.read_text(encoding="utf-8")
    assert render(text) == text, "README is stale: run `abm dev docs`"
    for key, _, _ in describe(Settings):
        assert f"`{key}`" in text
