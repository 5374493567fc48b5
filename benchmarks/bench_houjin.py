"""Benchmark: load the national 法人番号 全件データ (~5.5M rows) as the company master.

Writes a synthetic file in exactly the downloaded layout (headerless, 30 columns, Shift-JIS
edition, zipped as ``00_zenkoku_all_<date>.zip``; cached under ``--cache-dir``), then, in a fresh
process so the peak RSS is the load's own, times what the load step does with it: stream the zip
member through the CP932 decoder to a UTF-8 temp file, parse, fold history, map to the companies
contract, validate, and land the rows in a DuckDB file.

    python benchmarks/bench_houjin.py --rows 5500000
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def generate(rows: int, encoding: str, cache: Path) -> Path:
    from abm.sample.houjin import synthesize, write_houjin

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"houjin_{rows}_{encoding}.zip"
    if not path.exists():
        t0 = time.perf_counter()
        write_houjin(synthesize(rows), path, encoding, zip_as="00_zenkoku_all_20261031.csv")
        print(f"generated {path} ({path.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - t0:.1f}s")
    return path


def load(path: Path) -> None:
    import duckdb

    from abm.inputs import houjin
    from abm.inputs.schema import COMPANIES
    from abm.inputs.validate import validate

    t0 = time.perf_counter()
    master = houjin.read_master(path)
    t_read = time.perf_counter() - t0
    landed, rejects = validate(master.raw, COMPANIES, path.name)
    landed, rejects = houjin.relocate(master, landed, rejects)
    t_valid = time.perf_counter() - t0 - t_read
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        con.register("_frame", landed)
        con.execute("CREATE TABLE companies AS SELECT * FROM _frame")
        closed = con.execute("SELECT count(*) FILTER (WHERE closed) FROM companies").fetchall()[0][0]
        con.close()
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"{landed.height:,} companies landed ({closed:,} closed), {rejects.height:,} rejects; "
        f"read+map {t_read:.1f}s, validate {t_valid:.1f}s, total {wall:.1f}s wall, "
        f"{usage.ru_utime + usage.ru_stime:.1f}s CPU; peak RSS {usage.ru_maxrss / 1024**2:.2f} GiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_500_000)
    parser.add_argument("--encoding", default="cp932", choices=("cp932", "utf-8"))
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "abm-bench-houjin")
    parser.add_argument("--load", type=Path, help=argparse.SUPPRESS)  # the measured child process
    args = parser.parse_args()
    if args.load:
        load(args.load)
        return
    path = generate(args.rows, args.encoding, args.cache_dir)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    subprocess.run([sys.executable, __file__, "--load", str(path)], check=True)


if __name__ == "__main__":
    main()
