"""Time and memory of the 名寄せ name indexes (names and readings) on a published master.

    python benchmarks/bench_name_index.py --db bench_cache/national-seed42.duckdb

Reads ``companies`` from a file `abm run` or `abm bench` published and computes the master's comparison
keys once, in a child process (kept beside the file as ``<db>.names.parquet``), so that this process
starts from the names alone; then builds the name index (normalised names) and the reading index
(romaji of readings) one after the other, printing for each the seconds, the process's RSS before and
its peak during the build (sampled every 20 ms), and the index's size. The builds are the link
step's largest transient allocations at national scale (see README, National scale).
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl

from abm.config.settings import Settings
from abm.matching import MASTER_COLUMNS
from abm.matching.blocking import NameIndex
from abm.matching.keys import master_keys
from abm.memory import PeakRss, current_rss_mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="a published abm DuckDB file")
    ap.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)  # the child's job
    args = ap.parse_args()
    names = args.db.with_name(args.db.name + ".names.parquet")
    if args.prepare:
        with duckdb.connect(str(args.db), read_only=True) as con:
            companies = con.sql(f"SELECT {', '.join(MASTER_COLUMNS)} FROM companies").pl()
        master_keys(companies).select("nname", "en_tr").write_parquet(names)
        return
    if not names.exists():
        subprocess.run([sys.executable, __file__, "--db", str(args.db), "--prepare"], check=True)
    keys = pl.read_parquet(names)
    cap = Settings().match.deletion_cap
    for label, column in (("name index", "nname"), ("reading index", "en_tr")):
        base = current_rss_mb()
        t = time.perf_counter()
        with PeakRss() as peak:
            index = NameIndex.build(keys[column], cap)
        seconds = time.perf_counter() - t
        print(
            f"{label:>13}: {seconds:5.1f} s, RSS {base / 1024:.2f} GiB before, peak {peak.mb / 1024:.2f} GiB "
            f"(+{(peak.mb - base) / 1024:.2f}); {len(index.names):,} names, {index.dels.height:,} deletion "
            f"pairs, {len(index.postings):,} bigram postings"
        )
        del index
        gc.collect()


if __name__ == "__main__":
    main()
