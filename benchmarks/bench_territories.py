"""Territories over two consecutive quarters on generated data: balance (CV) and accounts moved.

    python benchmarks/bench_territories.py [--companies 20000] [--cache bench_cache/territories]

Generates the sample once (``abm.sample.generate``, parquet, cached), takes the 30 reps of
``sample_data/reps.csv`` (8 areas) and runs the real pipeline three times:

* **Q1** (as-of 2026-06-30): the first assignment;
* **Q2 with churn** (as-of 2026-09-30, same reps): ``--churn`` of the customers stop buying and as
  many master companies become new customers, on top of the window moving on (tier changes);
* **Q2 with churn and a rep leaving** (same date, one 関東 rep marked 在籍 = 0);
* **Q2 with churn, a rep leaving and one joining** (the same leaver, plus a new full-time 関東 rep).

For each it prints, per area, the coefficient of variation (capacity-weighted) of buying power and
of account count across the area's reps, and the accounts that changed owner by reason. Goal: CV ≤ 5%
with ≤ 10% of last quarter's accounts moved, and no rebalancing move when the books were within
tolerance (only forced moves: new accounts, tier changes, the leaving rep's accounts).
The buying-power rule (``buying_power.method = rule``) keeps each run short; territories do not care
which scorer produced the scores.
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from abm.config.settings import BuyingPowerSettings, load_settings
from abm.sample import generate
from pipelines import project

ROOT = Path(__file__).resolve().parents[1]
LEAVER = "E1007"  # a 関東 rep
JOINER = ("E1031", "新人 太郎", "関東")  # 担当者コード, 担当者名, エリア of the rep who joins in Q2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=20_000)
    parser.add_argument("--churn", type=float, default=0.10, help="Share of customers lost and won in Q2.")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench_cache" / "territories")
    args = parser.parse_args()

    inputs = _inputs(args.cache, args.companies)
    q2_inputs = _quarter_two(inputs, args.cache / "in-q2", args.churn, leaver=None)
    leaver_inputs = _quarter_two(inputs, args.cache / "in-q2-leaver", args.churn, leaver=LEAVER)
    swap_inputs = _quarter_two(inputs, args.cache / "in-q2-swap", args.churn, leaver=LEAVER, joiner=JOINER)
    names = ("q1", "q2-quiet", "q2-leaver", "q2-swap")
    q1_db, quiet_db, leaver_db, swap_db = (args.cache / f"{n}.duckdb" for n in names)
    for db in (q1_db, quiet_db, leaver_db, swap_db):
        db.unlink(missing_ok=True)

    _run(inputs, q1_db, date(2026, 6, 30), args.cache)
    _report("Q1 (first assignment)", q1_db)
    shutil.copy(q1_db, quiet_db)
    shutil.copy(q1_db, leaver_db)
    shutil.copy(q1_db, swap_db)
    _run(q2_inputs, quiet_db, date(2026, 9, 30), args.cache)
    _report(f"Q2 with churn ({args.churn:.0%} of customers lost, as many new ones)", quiet_db)
    _run(leaver_inputs, leaver_db, date(2026, 9, 30), args.cache)
    _report(f"Q2 with churn and a rep leaving ({LEAVER})", leaver_db)
    _run(swap_inputs, swap_db, date(2026, 9, 30), args.cache)
    _report(f"Q2 with churn, {LEAVER} leaving and {JOINER[0]} joining", swap_db)


def _inputs(cache: Path, companies: int) -> Path:
    folder = cache / f"in-{companies}"
    if not (folder / "companies.parquet").exists():
        generate(
            folder,
            companies=companies,
            customers=companies // 10,
            contacts=companies // 2,
            sales_lines=companies * 5,
            fmt="parquet",
        )
    shutil.copy(ROOT / "sample_data" / "reps.csv", folder / "reps.csv")
    return folder


def _quarter_two(
    inputs: Path, folder: Path, churn: float, leaver: str | None, joiner: tuple[str, str, str] | None = None
) -> Path:
    """Q2's inputs: some customers stop buying (no sales in the last 12 months), new ones start
    (master companies that never bought, with sales in Jul–Sep 2026), optionally a rep leaves and
    one joins."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("companies.parquet", "contacts.parquet"):
        target = folder / name
        target.unlink(missing_ok=True)
        target.symlink_to((inputs / name).resolve())
    rng = np.random.default_rng(5)
    sales = pl.read_parquet(inputs / "sales.parquet")
    codes = sales["取引先コード"].unique().sort()
    lost = pl.Series(rng.choice(codes.to_numpy(), int(len(codes) * churn), replace=False))
    recent = pl.col("受注日").str.replace_all("-", "/") >= "2025/10/01"
    kept = sales.filter(~(pl.col("取引先コード").is_in(lost.implode()) & recent))
    companies = pl.read_parquet(inputs / "companies.parquet")
    prospects = companies.filter(~pl.col("商号").is_in(sales["取引先名"].implode())).sort("企業コード")
    won = prospects.sample(n=len(lost), seed=5)
    amounts = sales["売上金額"].sample(n=2 * won.height, seed=5, with_replacement=True)
    new_lines = pl.DataFrame(
        {
            "受注日": [f"2026/{m:02d}/15" for m in (7, 8)] * won.height,
            "取引先コード": [f"N{i:06d}" for i in range(won.height) for _ in range(2)],
            "取引先名": [n for n in won["商号"] for _ in range(2)],
            "売上金額": amounts,
            "都道府県": [p for p in won["都道府県"] for _ in range(2)],
        }
    )
    pl.concat([kept, new_lines], how="diagonal_relaxed").write_parquet(folder / "sales.parquet")
    reps = pl.read_csv(inputs / "reps.csv", infer_schema=False)
    if leaver:
        active = pl.when(pl.col("担当者コード") == leaver).then(pl.lit("0")).otherwise("在籍")
        reps = reps.with_columns(active.alias("在籍"))
    if joiner:
        code, name, area = joiner
        new = {"担当者コード": code, "担当者名": name, "エリア": area, "キャパシティ": "1", "在籍": "1"}
        reps = pl.concat([reps, pl.DataFrame({c: [new.get(c)] for c in reps.columns})], how="vertical")
    reps.write_csv(folder / "reps.csv")
    return folder


def _run(inputs: Path, db: Path, as_of: date, cache: Path) -> None:
    overrides = {
        "run.input_dir": inputs,
        "run.db": db,
        "run.as_of": as_of,
        "run.decisions": cache / "none.csv",
    }
    if "method" in BuyingPowerSettings.model_fields:
        overrides["buying_power.method"] = "rule"
    t0 = time.perf_counter()
    project.run(load_settings(None, **overrides))
    print(f"\n[{db.name}] run as-of {as_of} in {time.perf_counter() - t0:.0f}s")


def _report(title: str, db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        run_id = con.execute("SELECT max(run_id) FROM territory_balance").fetchall()[0][0]
        areas = con.sql("FROM territory_areas WHERE run_id = ? ORDER BY accounts DESC", params=[run_id]).pl()
        reasons = con.sql(
            "SELECT reason, count(*) AS n FROM territory_changes GROUP BY ALL ORDER BY n DESC"
        ).pl()
        outside = con.sql(
            "SELECT area, rep_id, buying_power_deviation, accounts_deviation FROM territory_balance "
            "WHERE NOT within_tolerance ORDER BY area, rep_id"
        ).pl()
    finally:
        con.close()
    print(f"== {title}")
    print(
        f"{'area':<10} {'reps':>4} {'accounts':>8} {'CV bp':>7} {'CV n':>7} "
        f"{'moved':>6} {'rebal':>6} {'new':>5}"
    )
    for r in areas.iter_rows(named=True):
        print(
            f"{r['area']:<10} {r['reps']:>4} {r['accounts']:>8} {r['cv_buying_power']:>7.2%} "
            f"{r['cv_accounts']:>7.2%} {r['moved']:>6} {r['rebalanced']:>6} {r['new_accounts']:>5}"
        )
    multi = areas.filter(pl.col("reps") > 1)
    before = int(areas["previously_owned"].sum())
    moved, rebalanced = int(areas["moved"].sum()), int(areas["rebalanced"].sum())
    print(
        f"max CV over areas with ≥ 2 reps: buying power {multi['cv_buying_power'].max():.2%}, "
        f"accounts {multi['cv_accounts'].max():.2%}; reps outside ±tolerance: "
        f"{int(areas['reps_outside_tolerance'].sum())}"
    )
    if before:
        print(
            f"moved {moved:,} of {before:,} previously owned accounts ({moved / before:.1%}); "
            f"of which rebalancing (unforced) {rebalanced:,} ({rebalanced / before:.1%})"
        )
    for r in outside.iter_rows(named=True):
        print(
            f"  outside tolerance: {r['area']} {r['rep_id']} "
            f"buying power {r['buying_power_deviation']:+.1%}, accounts {r['accounts_deviation']:+.1%}"
        )
    print("changes by reason: " + ", ".join(f"{r}: {n:,}" for r, n in reasons.iter_rows()))


if __name__ == "__main__":
    main()
