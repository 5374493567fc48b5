"""Benchmark: how well do the default role rules read real-looking titles, and how fast?

Accuracy: ``tests/data/titles.csv`` holds 404 (title, department) pairs as Japanese business cards
and English LinkedIn-style profiles write them (兼務, 全角/半角, abbreviations, typos, blanks), each
labelled with the buying-committee role a B2B sales team would give it, written before the rules
(which were then tuned on it: an in-sample figure). ``tests/data/titles_holdout.csv`` holds 125 more,
written after the rules and never used to tune them: the honest figure. Prints accuracy, per-role
precision / recall and the misses of each.

Speed: the run classifies the distinct (title, department) pairs (``pipelines/coverage.py``); this
times ``classify`` on ``--rows`` contacts drawn from the test set, on the distinct pairs (what a run
does) and, with ``--row-by-row``, on every row (what it would cost without deduplication: ~60-80 s
per million on 2 busy cores, so off by default).

    python benchmarks/bench_roles.py --rows 1000000
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import polars as pl

from abm.engagement.roles import ROLES, classify

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = {
    "titles.csv (tuned on)": DATA / "titles.csv",
    "titles_holdout.csv (held out)": DATA / "titles_holdout.csv",
}


def accuracy_report(scored: pl.DataFrame) -> pl.DataFrame:
    """Per role: support, precision and recall of ``role`` against ``expected_role``."""
    rows = []
    for role in ROLES:
        predicted = scored.filter(pl.col("role") == role).height
        actual = scored.filter(pl.col("expected_role") == role).height
        hit = scored.filter((pl.col("role") == role) & (pl.col("expected_role") == role)).height
        rows.append(
            {
                "role": role,
                "support": actual,
                "precision": hit / predicted if predicted else float("nan"),
                "recall": hit / actual if actual else float("nan"),
            }
        )
    return pl.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="Contacts for the speed test.")
    parser.add_argument("--row-by-row", action="store_true", help="Also time classify on every row.")
    args = parser.parse_args()

    for name, path in SETS.items():
        scored = classify(pl.read_csv(path, infer_schema=False))
        hits = scored.filter(pl.col("role") == pl.col("expected_role")).height
        print(
            f"{name}: {scored.height} labelled pairs, "
            f"accuracy {hits / scored.height:.1%} ({hits}/{scored.height})"
        )
        with pl.Config(tbl_hide_dataframe_shape=True, float_precision=3, tbl_rows=40, fmt_str_lengths=40):
            print(accuracy_report(scored))
            misses = scored.filter(pl.col("role") != pl.col("expected_role"))
            if misses.height:
                print("misses:")
                print(misses.select("title", "department", "expected_role", "role", "role_rule"))

    labelled = pl.read_csv(SETS["titles.csv (tuned on)"], infer_schema=False)
    contacts = labelled.select("title", "department").sample(args.rows, with_replacement=True, seed=0)
    t0 = time.perf_counter()
    pairs = contacts.unique()
    joined = contacts.join(classify(pairs), on=["title", "department"], how="left", nulls_equal=True)
    dedup = time.perf_counter() - t0
    every = ""
    if args.row_by_row:
        t0 = time.perf_counter()
        classify(contacts)
        every = f", {time.perf_counter() - t0:.2f}s row by row"
    load = os.getloadavg()[0]
    print(
        f"speed: {joined.height:,} contacts, {pairs.height} distinct pairs: {dedup:.2f}s deduplicated "
        f"(as a run does){every}; load average {load:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
