"""The one line a user's problem is told in: the catalogue's (abm/messages/errors.py) in the user's
language, English as ``str()``; every key the code raises exists, with the fields its call gives."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from abm.errors import AbmError, ConfigError, InputError
from abm.messages import LANGUAGES, MESSAGES, fields_of

ROOT = Path(__file__).resolve().parents[1]


def test_a_keyed_error_says_its_line_in_each_language_and_is_english_as_a_string():
    exc = InputError.keyed("error.input.no_folder", folder="in")
    assert str(exc) == "input folder in not found" == exc.says("en")
    assert exc.says("ja") == "入力フォルダ in が見つかりません"
    with pytest.raises(InputError, match="input folder in not found"):
        raise exc
    plain = ConfigError("composed elsewhere")
    assert plain.says("ja") == plain.says("en") == str(plain) == "composed elsewhere"
    both = AbmError.in_languages({"ja": "一行", "en": "one line"})
    assert (str(both), both.says("ja")) == ("one line", "一行")


def _keyed_calls() -> list[tuple[str, str, set[str]]]:
    """(where, key, keyword names) of every ``X.keyed("key", ...)`` call in abm, pipelines and api."""
    calls = []
    for folder in ("abm", "pipelines", "api"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "keyed"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    calls.append((where, node.args[0].value, {k.arg for k in node.keywords if k.arg}))
    return calls


def test_every_keyed_error_is_in_the_catalogue_with_the_fields_its_call_gives():
    calls = _keyed_calls()
    assert len(calls) >= 50  # the input, config, option, export, review and file errors
    for where, key, given in calls:
        assert key in MESSAGES, where
        for lang in LANGUAGES:
            assert fields_of(MESSAGES[key][lang]) == given, (where, lang)


def test_every_error_line_of_the_catalogue_is_raised_somewhere():
    raised = {key for _, key, _ in _keyed_calls()}
    readers = (ROOT / "abm/inputs/readers.py").read_text(encoding="utf-8")  # the missing-columns pieces
    unused = [k for k in MESSAGES if k.startswith("error.") and k not in raised and f'"{k}"' not in readers]
    assert unused == []
