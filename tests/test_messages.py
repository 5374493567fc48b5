"""The message catalogue: every key in both languages with the same fields, Japanese by default."""

from __future__ import annotations

import polars as pl
import pytest

from abm.config.settings import SEGMENTS, load_settings
from abm.errors import ConfigError
from abm.messages import LANGUAGES, MESSAGES, fields_of, labels, playbook, text, text_expr, texts_where


def test_every_key_has_every_language_with_the_same_fields():
    assert LANGUAGES == ("ja", "en")
    for key, by_lang in MESSAGES.items():
        assert set(by_lang) == set(LANGUAGES), key
        assert all(by_lang[lang].strip() for lang in LANGUAGES), key
        assert fields_of(by_lang["ja"]) == fields_of(by_lang["en"]), key


def test_japanese_is_the_default_and_english_on_request():
    assert load_settings().ui.language == "ja"
    assert text("column.tier") == "ティア"
    assert text("column.tier", "en") == "Tier"
    assert load_settings(**{"ui.language": "en"}).ui.language == "en"


def test_unknown_language_is_a_one_line_config_error():
    with pytest.raises(ConfigError, match=r"ui\.language"):
        load_settings(**{"ui.language": "fr"})


def test_playbook_has_exactly_the_segment_codes():
    for lang in LANGUAGES:
        assert list(playbook(lang)) == list(SEGMENTS)  # codes stay codes, in domain.md order


def test_text_expr_says_what_text_says_for_every_row():
    frame = pl.DataFrame({"trait": ["業種 39 情報サービス業", "従業員 300–999人"], "lift": ["2.3", "1.8"]})
    for lang in LANGUAGES:
        got = frame.select(text_expr("why.trait", lang, trait=pl.col("trait"), lift=pl.col("lift")))
        expected = [text("why.trait", lang, trait=t, lift=v) for t, v in frame.iter_rows()]
        assert got.to_series().to_list() == expected
    assert (
        text("why.trait", trait="業種 39 情報サービス業", lift="2.3")
        == "業種 39 情報サービス業: 上位顧客に 2.3 倍多い"
    )


def test_labels_strip_the_prefix():
    assert labels("column", "ja")["buying_power_score"] == "購買力スコア"
    assert labels("reason", "en")["rep left"] == "Rep left"


def test_texts_where_makes_texts_for_the_masked_rows_only_in_frame_order():
    frame = pl.DataFrame({"tier": [None, 2, None, 1], "n": ["x", "20", "y", "5"]})
    seen: list[str] = []
    made = pl.format("#{}", pl.col("n").map_elements(lambda v: seen.append(v) or v, return_dtype=pl.String))
    [reason] = texts_where(frame, pl.col("tier").is_not_null(), reason=made)
    assert reason.to_list() == [None, "#20", None, "#5"]
    assert sorted(seen) == ["20", "5"]  # the other rows' values were never read
