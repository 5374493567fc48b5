"""The next quarter's inputs as they usually arrive: the same master, a month of sales appended, a few
new contacts and one changed: what an incremental re-run is measured and tested on."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from abm.sample.files import CONTACT_HEADERS, SALES_HEADERS

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")


@dataclass(frozen=True)
class Growth:
    sales_lines_added: int
    contacts_added: int
    contacts_changed: int


def _file(folder: Path, name: str) -> Path:
    for suffix in (".parquet", ".csv"):
        if (folder / f"{name}{suffix}").exists():
            return folder / f"{name}{suffix}"
    raise FileNotFoundError(f"{folder}: no {name}.parquet or {name}.csv (grow reads generated samples)")


def _read(path: Path) -> pl.DataFrame:
    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    return pl.read_csv(path, infer_schema=False)


def _write(df: pl.DataFrame, path: Path) -> None:
    if path.suffix == ".parquet":
        df.write_parquet(path, compression="zstd", statistics=False)
    else:
        df.write_csv(path)


def next_month(src: Path, dst: Path, seed: int = 0, new_contacts: float = 0.01) -> Growth:
    """Copy the generated inputs ``src`` to ``dst``, appending the last month's sales lines again one
    month later, ``new_contacts`` (share) new contacts copied from existing ones under new ids, and one
    contact whose company name changed. Every other input is copied as is (same bytes)."""
    dst.mkdir(parents=True, exist_ok=True)
    for path in src.iterdir():
        if path.is_dir():  # truth/: the generator's answers, for accuracy figures
            shutil.copytree(path, dst / path.name, dirs_exist_ok=True)
        elif path.stem not in ("sales", "contacts"):
            shutil.copy2(path, dst / path.name)
    sales_path = _file(src, "sales")
    sales = _read(sales_path)
    day_col = SALES_HEADERS["date"]
    day = pl.coalesce(pl.col(day_col).str.strptime(pl.Date, f, strict=False) for f in _DATE_FORMATS)
    dated = sales.with_columns(_day=day).drop_nulls("_day")
    last = dated["_day"].max()
    month = dated.filter(pl.col("_day").dt.truncate("1mo") == pl.lit(last).dt.truncate("1mo"))
    added = month.with_columns(
        pl.col("_day").dt.offset_by("1mo").dt.strftime("%Y-%m-%d").alias(day_col)
    ).drop("_day")
    _write(pl.concat([sales, added.select(sales.columns)]), dst / sales_path.name)

    contacts_path = _file(src, "contacts")
    contacts = _read(contacts_path)
    id_col, name_col = CONTACT_HEADERS["contact_id"], CONTACT_HEADERS["company_name"]
    rng = np.random.default_rng(seed)
    n_new = max(1, round(contacts.height * new_contacts))
    picked = np.sort(rng.choice(contacts.height, size=min(n_new, contacts.height), replace=False))
    new = contacts[picked].with_columns((pl.col(id_col) + "-N").alias(id_col))
    names = contacts[name_col].drop_nulls()
    changed = contacts.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit(names[len(names) // 2] if len(names) else "変更後株式会社"))
        .otherwise(pl.col(name_col))
        .alias(name_col)
    )
    _write(pl.concat([changed, new]), dst / contacts_path.name)
    return Growth(added.height, new.height, 1)
