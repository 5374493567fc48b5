"""Write files in the exact layout of the 法人番号公表サイト 全件データ (for tests and the benchmark).

Headerless, 30 columns in リソース定義書 order, text quoted as the NTA does; UTF-8 (Unicode
edition) or CP932 (Shift-JIS edition), optionally zipped as downloaded. ``synthesize`` makes a
national-size file vectorised (no Python loop over rows).
"""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import numpy as np
import polars as pl

from abm.inputs.houjin import COLUMNS
from abm.sample.companies import corporate_check_digits

_CHUNK = 1 << 22
PREFECTURES = ("東京都", "大阪府", "愛知県", "福岡県", "北海道", "神奈川県", "宮城県", "広島県")
CITIES = ("千代田区", "北区", "中央区", "港区", "西区", "南区")
WORDS = ("アルファ", "ベータ", "ガンマ", "山田", "日本", "東洋", "中央", "大和", "富士", "桜")
KIND_FORMS = (("301", "株式会社"), ("302", "有限会社"), ("305", "合同会社"), ("399", "一般社団法人"))


def corporate_numbers(base: np.ndarray) -> pl.Series:
    """13-digit 法人番号 strings with valid check digits from 12-digit int bases."""
    numbers = corporate_check_digits(base) * 10**12 + base
    return pl.Series("corporate_number", numbers).cast(pl.Utf8)


def houjin_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """All 30 columns, in order, as text: the given ones (abm.inputs.houjin.COLUMNS names), the rest empty.

    ``sequence_number`` defaults to the row number, ``latest`` to 1 and ``hihyoji`` to 0, as in the
    全件データ.
    """
    rows = rows.with_columns(pl.all().cast(pl.Utf8))
    if "sequence_number" not in rows.columns:
        rows = rows.with_row_index("sequence_number", offset=1).with_columns(
            pl.col("sequence_number").cast(pl.Utf8)
        )
    if "latest" not in rows.columns:
        rows = rows.with_columns(pl.lit("1").alias("latest"))
    if "hihyoji" not in rows.columns:
        rows = rows.with_columns(pl.lit("0").alias("hihyoji"))
    unknown = set(rows.columns) - set(COLUMNS)
    if unknown:
        raise ValueError(f"not a 法人番号 column: {sorted(unknown)}")
    return rows.select(pl.col(c) if c in rows.columns else pl.lit(None, pl.Utf8).alias(c) for c in COLUMNS)


def write_houjin(frame: pl.DataFrame, path: Path, encoding: str = "utf-8", zip_as: str | None = None) -> Path:
    """Write ``frame`` (30 text columns) headerless in ``encoding``; inside ``path`` (a .zip) as
    ``zip_as`` when given. CP932 is transcoded in chunks, never held twice."""
    utf8 = path.with_suffix(".utf8.tmp")
    frame.write_csv(utf8, include_header=False, quote_style="non_numeric")
    target = path.with_suffix(".csv.tmp") if zip_as else path
    if encoding == "utf-8":
        utf8.replace(target)
    else:
        decoder = codecs.getincrementaldecoder("utf-8")()
        with utf8.open("rb") as src, target.open("wb") as out:
            while chunk := src.read(_CHUNK):
                out.write(decoder.decode(chunk).encode(encoding))
        utf8.unlink()
    if zip_as:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.write(target, zip_as)
        target.unlink()
    return path


def synthesize(n: int, seed: int = 0) -> pl.DataFrame:
    """``n`` invented corporations in the 全件データ layout, ~1% closed and ~0.3% merged away."""
    rng = np.random.default_rng(seed)
    base = 10**11 + np.arange(n, dtype=np.int64) * 7_919  # distinct 12-digit bases
    cn = corporate_numbers(base)
    form = rng.integers(0, len(KIND_FORMS), n)
    word = rng.integers(0, len(WORDS), (n, 2))
    pref = rng.integers(0, len(PREFECTURES), n)
    closed = rng.random(n) < 0.01
    merged = closed & (rng.random(n) < 0.3)
    frame = pl.DataFrame(
        {
            "corporate_number": cn,
            "process": np.where(merged, "71", np.where(closed, "21", "01")),
            "_closed": closed,
            "_merged": merged,
            "update_date": "2026-10-30",
            "change_date": "2015-10-05",
            "w1": pl.Series(WORDS).gather(word[:, 0]),
            "w2": pl.Series(WORDS).gather(word[:, 1]),
            "no": pl.Series(rng.integers(1, 999, n)).cast(pl.Utf8),
            "form": pl.Series([f for _, f in KIND_FORMS]).gather(form),
            "kind": pl.Series([k for k, _ in KIND_FORMS]).gather(form),
            "prefecture_name": pl.Series(PREFECTURES).gather(pref),
            "prefecture_code": pl.Series(pref + 1).cast(pl.Utf8).str.zfill(2),
            "city_name": pl.Series(CITIES).gather(rng.integers(0, len(CITIES), n)),
            "street_number": pl.Series(rng.integers(1, 9, n)).cast(pl.Utf8) + "丁目1番1号",
            "post_code": pl.Series(rng.integers(1_000_000, 9_999_999, n)).cast(pl.Utf8),
            "assignment_date": "2015-10-05",
        }
    )
    frame = frame.with_columns(
        pl.concat_str(["form", "w1", "w2", "no"]).alias("name"),
        pl.concat_str(["w1", "w2"]).alias("furigana"),
        pl.when("_closed").then(pl.lit("2025-03-31")).alias("close_date"),
        pl.when("_merged").then(pl.lit("11")).when("_closed").then(pl.lit("01")).alias("close_cause"),
        pl.when("_merged").then(pl.col("corporate_number").shift(1)).alias("successor_corporate_number"),
        pl.lit("0").alias("hihyoji"),
    ).drop("w1", "w2", "no", "form", "_closed", "_merged")
    return houjin_frame(frame)
