"""No module in abm/, pipelines/ or api/ over 400 lines of code, so each stays readable in one sitting.

Lines of code: lines that are neither blank nor only a comment (docstrings count: they are read too).
Data tables are exempt: word lists, and the published contract, which is one ``Column(...)``
declaration per published column (its few lines of logic are the ``Column`` / ``Table`` types).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 400
# data tables, not logic: long by nature, read by lookup
DATA_TABLES = {"abm/sample/lexicon.py", "abm/published/contract.py"}


def lines_of_code(text: str) -> int:
    """Lines that are neither blank nor a whole-line comment."""
    return sum(1 for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def modules() -> dict[str, int]:
    """Every module of the product, by path relative to the repository, with its lines of code."""
    return {
        path.relative_to(ROOT).as_posix(): lines_of_code(path.read_text(encoding="utf-8"))
        for layer in ("abm", "pipelines", "api")
        for path in sorted((ROOT / layer).rglob("*.py"))
    }


def test_no_module_over_the_limit():
    over = {path: n for path, n in modules().items() if n > LIMIT and path not in DATA_TABLES}
    assert over == {}, f"split these into modules named after what they do (≤ {LIMIT} lines of code)"


def test_the_lists_name_existing_modules():
    """An entry left behind after a rename or a split would silently exempt nothing (or a new file)."""
    known = modules()
    assert sorted(DATA_TABLES - set(known)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x = 1\n\n# a comment\n    # indented comment\ny = 2  # trailing comment counts\n", 2),
        ('"""Docstring\n\ncounts."""\n', 2),
        ("\n\n   \n", 0),
    ],
)
def test_lines_of_code_counts_code_and_docstrings_not_blanks_or_comments(text: str, expected: int):
    assert lines_of_code(text) == expected
