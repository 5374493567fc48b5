"""名寄せ on real public data: the EDINET code list as master, JPX short names and English names as records.

    python benchmarks/bench_real.py [--misses N] [--seeds 7,1,2,3] [--training-draws N]

Case ``sales``: the exchange's short names (銘柄名, no legal form; 2024 list against a 2026 master, so
renamed companies are in it) as sales customer names. Case ``english``: EDINET's English names as
contact company names, the master WITHOUT English names (as with the free national master). Prints
precision / recall / review share per case (per seed with ``--seeds``: the model is trained on synthetic
draws, so the seed moves the figures), and with ``--misses`` a sample of the true pairs missed.
The data and its provenance: tests/data/real/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import polars as pl

from abm.matching import MatchSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from real_data import run_case


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", type=int, default=0, help="print this many missed true pairs per case")
    ap.add_argument("--seeds", default="7", help="comma-separated match.seed values (default 7)")
    ap.add_argument("--training-draws", type=int, default=1, help="match.training_draws")
    args = ap.parse_args()
    for seed in (int(x) for x in args.seeds.split(",")):
        settings = MatchSettings(seed=seed, training_draws=args.training_draws)
        for case in ("sales", "english"):
            _case(case, settings, args.misses)
    print(f"load average {os.getloadavg()[0]:.2f}")


def _case(case: str, settings: MatchSettings, misses: int) -> None:
    t = time.perf_counter()
    figures, joined = run_case(case, settings)
    print(f"== {case} seed {settings.seed} ({time.perf_counter() - t:.1f}s): {figures}")
    if misses:
        missed = joined.filter(
            pl.col("truth").is_not_null(),
            (pl.col("status") != "auto") | (pl.col("company_id") != pl.col("truth")),
        )
        with pl.Config(tbl_rows=misses, fmt_str_lengths=50, tbl_width_chars=200):
            print(missed.select("source_name", "status", "score", "truth", "candidate_company_id")
                  .head(misses))  # fmt: skip


if __name__ == "__main__":
    main()
