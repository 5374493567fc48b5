"""Formula-safe CSV: no cell the project writes can run as a spreadsheet formula (CSV injection).

Company names reach exports from web forms and hand-typed sales lines; a name such as ``=1+1`` or
``+cmd|' /C calc'!A0`` would run as a formula when sales opens the CSV in Excel. Following the OWASP
rule, every *text* cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
(or their full-width forms ＝＋－＠, as a precaution for Japanese input) gets a leading single quote,
which spreadsheets show as plain text.

Numbers stay numbers: numeric columns are written as numbers and never touched (a return of -500
is a number, not text); in a text column a cell that is just a signed decimal number (``-500``,
``+1.5``) is left as is too, because Excel reads it as that number and runs nothing.

XLSX exports need no prefix: polars writes text as text cells (never formulas), which
tests/test_export.py checks; the exact text is kept there.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import polars as pl

FORMULA_START = r"^'*[=+\-@\t\r＝＋－＠]"  # quotes before it too: "'=x" stays apart from a quoted "=x"
PLAIN_NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?$"
QUOTE = "'"


def formula_safe(text: pl.Expr) -> pl.Expr:
    """The text with a leading single quote wherever a spreadsheet would read it as a formula."""
    risky = text.str.contains(FORMULA_START) & ~text.str.contains(PLAIN_NUMBER)
    return pl.when(risky).then(pl.lit(QUOTE) + text).otherwise(text)


def formula_safe_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Every text (String) column of ``df`` made formula-safe; other columns untouched."""
    text = [name for name, dtype in df.schema.items() if dtype == pl.String]
    return df.with_columns(formula_safe(pl.col(name)).alias(name) for name in text) if text else df


def write_safe_csv(
    df: pl.DataFrame,
    out: Path | IO[bytes],
    *,
    bom: bool = False,
    header: bool = True,
    line_terminator: str = "\n",
) -> None:
    """The one way the project writes a CSV people open: formula-safe cells, UTF-8 (BOM for Excel)."""
    formula_safe_frame(df).write_csv(
        out, include_bom=bom, include_header=header, line_terminator=line_terminator
    )


def restore_text(text: pl.Expr) -> pl.Expr:
    """The original text of a cell :func:`formula_safe` quoted (for files people send back, e.g. the
    review sheet: a customer code ``=C1`` comes back as ``'=C1``)."""
    quoted = text.str.starts_with(QUOTE) & text.str.slice(1).str.contains(FORMULA_START)
    return pl.when(quoted).then(text.str.slice(1)).otherwise(text)
