"""Three circles: the segment always agrees with the three flags; the playbook decides the approach."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abm.config.settings import SEGMENTS, load_settings
from abm.errors import ConfigError
from abm.messages import playbook
from abm.targeting.circles import classify

DEFAULT_PLAYBOOK = playbook("ja")

flag = st.one_of(st.booleans(), st.none())


@given(st.lists(st.tuples(flag, flag, flag), min_size=1, max_size=40))
def test_segment_always_agrees_with_the_three_flags(rows):
    frame = pl.DataFrame(rows, schema=["in_sales", "has_buying_power", "has_contacts"], orient="row")
    out = classify(frame, DEFAULT_PLAYBOOK)
    for (s, b, c), segment, approach in zip(rows, out["segment"], out["approach"], strict=True):
        letters = [letter for on, letter in ((s, "S"), (b, "B"), (c, "C")) if on]  # None counts as no
        assert segment == ("+".join(letters) or "none")
        assert segment in SEGMENTS
        assert approach == DEFAULT_PLAYBOOK[segment]


def test_each_segment_gets_its_default_approach_in_english_on_request():
    cases = {
        (True, True, True): ("S+B+C", "1:1 ABM"),
        (True, True, False): ("S+B", "Field sales"),
        (False, True, True): ("B+C", "Inside sales + targeted nurture"),
        (False, True, False): ("B", "Outbound to acquire contacts"),
        (True, False, True): ("S+C", "Low-touch retention"),
        (True, False, False): ("S", "Low-touch, keep via inside sales"),
        (False, False, True): ("C", "MA nurture"),
        (False, False, False): ("none", "Not targeted"),
    }
    frame = pl.DataFrame(list(cases), schema=["in_sales", "has_buying_power", "has_contacts"], orient="row")
    out = classify(frame, load_settings(**{"ui.language": "en"}).circles.playbook)
    for (segment, approach_start), got_segment, got_approach in zip(
        cases.values(), out["segment"], out["approach"], strict=True
    ):
        assert got_segment == segment
        assert got_approach.startswith(approach_start)
    assert sorted(out["segment"]) == sorted(SEGMENTS)


def test_default_playbook_is_japanese_and_follows_ui_language():
    ja = load_settings().circles.playbook
    assert ja["S+B+C"].startswith("1:1 ABM: アカウントプラン") and ja["none"] == "対象外"
    assert list(ja) == list(SEGMENTS)
    assert load_settings(**{"ui.language": "en"}).circles.playbook["B"].startswith("Outbound")


def test_playbook_is_overridden_from_the_config(tmp_path: Path):
    playbook = dict(DEFAULT_PLAYBOOK, B="展示会で名刺を獲得する")
    lines = "\n".join(f'"{k}" = "{v}"' for k, v in playbook.items())
    config = tmp_path / "abm.toml"
    config.write_text(f"[circles.playbook]\n{lines}\n", encoding="utf-8")
    settings = load_settings(config, **{"ui.language": "en"})  # the user's own playbook wins in any language
    out = classify(
        pl.DataFrame({"in_sales": [False], "has_buying_power": [True], "has_contacts": [False]}),
        settings.circles.playbook,
    )
    assert out.row(0, named=True)["approach"] == "展示会で名刺を獲得する"


def test_playbook_missing_a_segment_is_a_one_line_config_error(tmp_path: Path):
    config = tmp_path / "abm.toml"
    config.write_text('[circles.playbook]\n"S+B+C" = "1:1"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"circles\.playbook.*missing") as exc:
        load_settings(config)
    assert "\n" not in str(exc.value)
