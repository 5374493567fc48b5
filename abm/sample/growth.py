"""Inputs that grow without bound, written a chunk at a time: a multi-year sales history and an
activity log, for the benchmark's ``xl`` scale (50M sales lines, 100M activity rows beside the
national master). Nothing here holds more than one chunk of rows: the point of that scale is to
show that loading never holds a whole input, so neither may writing it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from abm.inputs.parsing import date as parse_date

ACTIVITY_TYPES = (
    "Webページ閲覧",
    "メール開封",
    "メールクリック",
    "資料ダウンロード",
    "ウェビナー参加",
    "問い合わせ",
)
ACTIVITY_WEIGHTS = (0.55, 0.22, 0.1, 0.07, 0.05, 0.01)  # inquiries rarer than page views


def _parquet_writer(path: Path, frame: pl.DataFrame) -> pq.ParquetWriter:
    """A Parquet file written a chunk (row group) at a time, with the first chunk's schema."""

    return pq.ParquetWriter(path, frame.to_arrow().schema, compression="zstd")


def _dates(text: pl.Series) -> pl.Series:
    """The dates of ``text``: the ERP's usual spellings by strptime (fast), the rest (wareki, a few
    percent) by the input parser, null where neither reads them."""
    fast = pl.select(
        pl.coalesce(
            *(text.str.strptime(pl.Date, f, strict=False) for f in ("%Y/%m/%d", "%Y-%m-%d", "%Y%m%d"))
        )
    ).to_series()
    rest = fast.is_null().arg_true()
    slow = text.gather(rest).to_frame("t").select(parse_date(pl.col("t"))).to_series()
    return fast.scatter(rest, slow) if len(rest) else fast


def write_sales_history(
    source: Path, out: Path, copies: int, years_apart: int = 2, rows: int = 1_000_000
) -> int:
    """``copies`` years-apart copies of the sales lines in ``source`` (Parquet, Japanese headers),
    oldest first, as one Parquet file: copy k's dates are moved back ``k * years_apart`` years
    (written 2024/04/01); dates that do not parse stay as they are, so bad rows stay bad. The same
    customer codes buy again over the years, as in a real ERP history. Returns the lines written."""
    date_col = "受注日"
    written = 0
    writer = None
    try:
        for k in reversed(range(copies)):
            with pq.ParquetFile(source) as file:
                for batch in file.iter_batches(batch_size=rows):
                    frame = pl.from_arrow(batch)
                    assert isinstance(frame, pl.DataFrame)
                    if k:
                        moved = _dates(frame[date_col]).dt.offset_by(f"-{k * years_apart}y")
                        frame = frame.with_columns(
                            pl.coalesce(moved.dt.strftime("%Y/%m/%d"), pl.col(date_col)).alias(date_col)
                        )
                    writer = writer or _parquet_writer(out, frame)
                    writer.write_table(frame.to_arrow())
                    written += frame.height
    finally:
        if writer is not None:
            writer.close()
    return written


def write_activities(
    contacts: Path,
    out: Path,
    n_rows: int,
    seed: int = 42,
    end_date: date = date(2026, 9, 30),
    rows: int = 2_000_000,
    progress: Callable[[str], None] = lambda _m: None,
) -> int:
    """``n_rows`` MA activity rows (web visits, mail, downloads, webinars, inquiries) over the 12
    months to ``end_date``, by the contacts of ``contacts`` (Parquet, Japanese headers), a chunk of
    ``rows`` at a time, each chunk in contact order. A few contacts are very active (a skewed pick);
    10% of rows carry only the company name (form fills without a known person), 5% an email no
    contact has.

    A stand-in for volume, in canonical column names: the `activities` input's own generator (hidden
    engagement, MA-tool headers) replaces it; keep this one function so the swap is one line."""
    people = pl.read_parquet(contacts, columns=["コンタクトID", "メールアドレス", "会社名"])
    ids, emails, names = (people[c] for c in people.columns)
    rng = np.random.default_rng(seed)
    first = end_date - timedelta(days=365)
    writer = None
    done = 0
    try:
        while done < n_rows:
            n = min(rows, n_rows - done)
            # skewed (a few contacts very active), in contact order: gathering text in order is 3x faster
            who = pl.Series(np.sort((rng.random(n) ** 3 * len(people)).astype(np.int64)))
            kind = pl.Series(rng.random(n))
            frame = pl.DataFrame(
                {
                    "day": rng.integers(0, 366, n),
                    "activity_type": pl.Series(ACTIVITY_TYPES).gather(
                        pl.Series(rng.choice(len(ACTIVITY_TYPES), n, p=ACTIVITY_WEIGHTS))
                    ),
                    "contact_id": ids.gather(who),
                    "email": emails.gather(who),
                    "company_name": names.gather(who),
                    "page": rng.integers(1, 200, n),
                    "campaign": rng.integers(1, 40, n),
                }
            ).select(
                (pl.lit(first) + pl.duration(days=pl.col("day"))).dt.strftime("%Y-%m-%d").alias("date"),
                "activity_type",
                pl.when(kind < 0.15).then(None).otherwise(pl.col("contact_id")).alias("contact_id"),
                pl.when(kind < 0.10)  # a form fill with the company only
                .then(None)
                .when(kind < 0.15)  # an email no contact has
                .then(pl.format("visitor{}@example.jp", pl.col("page")))
                .otherwise(pl.col("email"))
                .alias("email"),
                "company_name",
                pl.format("https://www.example.co.jp/p/{}", pl.col("page")).alias("url"),
                pl.format("CP{}", pl.col("campaign").cast(pl.Utf8).str.zfill(3)).alias("campaign"),
            )
            writer = writer or _parquet_writer(out, frame)
            writer.write_table(frame.to_arrow())
            done += n
            progress(f"activities: {done:,} / {n_rows:,} rows")
    finally:
        if writer is not None:
            writer.close()
    return done
