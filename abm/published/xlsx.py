"""Write a polars frame to .xlsx with xlsxwriter: text stays text, numbers stay numbers."""

from __future__ import annotations

from pathlib import Path
from typing import IO

import polars as pl


def write_xlsx(df: pl.DataFrame, path: Path | IO[bytes], sheet: str = "Sheet1") -> None:
    df.write_excel(path, worksheet=sheet, autofit=False, float_precision=4)
