"""Benchmark: does the buying-power score find the companies with the most hidden potential?

Accuracy (default): generates seeded sample data with ``abm.sample.generate`` (cached under
``--cache-dir``), runs the whole pipeline (``pipelines.project.run``), then compares
``buying_power_score`` with the generator's hidden potential (``truth/companies.csv``) over
master companies that are *not* customers (no sales in the window), the ones whitespace is about:

* Spearman rank correlation between score and potential;
* top-decile precision: share of the score's top 10% whose true potential is in the true top 10%
  (random ranking gives 0.10);

next to two baselines (rank by employees; rank by revenue, ties broken at random) and the
transparent rule used as fallback.

Speed (``--scoring-only``): loads the generated master into memory and times the lookalike
(training with cross-validation, then batch scoring every company) with its peak RSS.

    python benchmarks/bench_buying_power.py --companies 200000 --customers 3000
    python benchmarks/bench_buying_power.py --companies 1000000 --scoring-only
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from abm.config.settings import load_settings
from abm.inputs.readers import find_input, read_input
from abm.inputs.schema import COMPANIES
from abm.inputs.validate import validate
from abm.ranking.buying_power import rule_score
from abm.ranking.lookalike import MASTER_COLUMNS, fit_and_score
from abm.sample import generate
from pipelines import project


def sample_dir(args: argparse.Namespace) -> Path:
    """Generated inputs for these arguments, made once and reused from the cache."""
    name = f"n{args.companies}_c{args.customers}_k{args.contacts}_l{args.sales_lines}_s{args.seed}"
    folder = args.cache_dir / name
    if not (folder / "truth" / "companies.csv").exists():
        t0 = time.perf_counter()
        generate(
            folder, companies=args.companies, customers=args.customers, contacts=args.contacts,
            sales_lines=args.sales_lines, seed=args.seed, fmt="parquet",
        )  # fmt: skip
        print(f"generated {folder} in {time.perf_counter() - t0:.0f}s")
    return folder


def top_decile_precision(score: np.ndarray, truth: np.ndarray, rng: np.random.Generator) -> float:
    """Share of the top 10% by score that is in the top 10% by truth (ties broken at random)."""
    k = max(1, len(score) // 10)
    jitter = rng.random(len(score))
    by_score = np.lexsort((jitter, -score))[:k]
    by_truth = np.argsort(-truth, kind="stable")[:k]
    return len(np.intersect1d(by_score, by_truth)) / k


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    frame = pl.DataFrame({"a": a, "b": b})
    return float(frame.select(pl.corr("a", "b", method="spearman")).item())


def accuracy(args: argparse.Namespace, folder: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench_bp_"))
    paths = {"run.input_dir": folder, "run.db": work / "abm.duckdb", "run.decisions": work / "decisions.csv"}
    settings = load_settings(None, **paths)
    t0 = time.perf_counter()
    result = project.run(settings, progress=print if args.verbose else lambda _m: None)
    step = {t.step: t for t in result.timings}["buying_power"]
    print(f"pipeline {time.perf_counter() - t0:.0f}s; buying_power step {step.seconds:.1f}s")
    con = duckdb.connect(str(result.db), read_only=True)
    report = con.sql("FROM model_report").pl().row(0, named=True)
    print(f"method {report['method']}: {report['algorithm']}")
    if report["cv_auc_mean"] is not None:
        print(
            f"  positives {report['positives']:,} ({report['label']}), negatives {report['negatives']:,}, "
            f"CV AUC {report['cv_auc_mean']:.3f} ± {report['cv_auc_std']:.3f}"
        )
        print(f"  top features (AUC drop when shuffled): {report['top_features']}")
    accounts = con.sql(
        "SELECT a.company_id, a.buying_power_score, a.employees, a.revenue, c.capital "
        "FROM accounts a JOIN companies c USING (company_id) WHERE a.in_master AND NOT a.in_sales"
    ).pl()
    truth = pl.read_csv(folder / "truth" / "companies.csv", schema_overrides={"company_id": pl.Utf8})
    frame = accounts.join(truth, on="company_id", how="inner")
    frame = frame.with_columns(rule=rule_score(frame, settings.buying_power.rule_weights))
    potential = frame["potential"].to_numpy()
    rng = np.random.default_rng(0)
    rows = [
        ("buying_power_score", frame["buying_power_score"]),
        ("baseline: employees", frame["employees"]),
        ("baseline: revenue", frame["revenue"]),
        ("transparent rule (fallback)", frame["rule"]),
    ]
    print(f"\nover {frame.height:,} non-customer master companies (random top-decile precision = 0.10)")
    print(f"{'ranking':<30} {'Spearman':>9} {'top-decile precision':>21}")
    for name, values in rows:
        score = values.cast(pl.Float64).fill_null(-1.0).to_numpy()
        precision = top_decile_precision(score, potential, rng)
        print(f"{name:<30} {spearman(score, potential):>9.3f} {precision:>21.3f}")


def scoring_only(args: argparse.Namespace, folder: Path) -> None:
    """Time and peak memory of the lookalike at this master size (positives from the truth files)."""
    raw, _ = read_input(find_input(folder, COMPANIES), COMPANIES)
    master, _ = validate(raw, COMPANIES, "companies")
    master = master.rename({"company_id": "account_id"}).select(MASTER_COLUMNS)
    customers = pl.read_csv(folder / "truth" / "customers.csv", schema_overrides={"company_id": pl.Utf8})
    truth = pl.read_csv(folder / "truth" / "companies.csv", schema_overrides={"company_id": pl.Utf8})
    # positives: the fifth of linked customers with the highest potential (a stand-in for A class)
    linked = customers.drop_nulls("company_id").unique("company_id").join(truth, on="company_id")
    top = linked.sort("potential", descending=True).head(max(30, linked.height // 5))["company_id"]
    positive = master["account_id"].is_in(top.implode()).to_numpy()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    result = fit_and_score(master, positive, as_of_year=2026, batch_size=args.batch_size, progress=print)
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rep = result.report
    rate = master.height / max(rep["score_seconds"], 1e-9) / 1e6
    print(f"{master.height:,} companies, {rep['positives']:,} positives: total {seconds:.1f}s")
    print(f"  train + {rep['cv_folds']}-fold CV + importance: {rep['fit_seconds']:.1f}s")
    print(f"  scoring: {rep['score_seconds']:.1f}s = {rate:.2f}M rows/s (batches of {args.batch_size:,})")
    print(f"  peak RSS {rss:,.0f} MiB (after loading the master: {rss0:,.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=3_000)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--sales-lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache-dir", type=Path, default=Path("bench_cache"))
    parser.add_argument("--scoring-only", action="store_true", help="time the lookalike alone (no pipeline)")
    parser.add_argument("--batch-size", type=int, default=500_000)
    parser.add_argument("--verbose", action="store_true", help="print the pipeline's progress")
    args = parser.parse_args()
    folder = sample_dir(args)
    if args.scoring_only:
        scoring_only(args, folder)
    else:
        accuracy(args, folder)


if __name__ == "__main__":
    main()
