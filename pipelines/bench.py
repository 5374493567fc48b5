"""`abm bench`: generate data at a named scale (cached), run the whole pipeline, print where time
and memory go, how accurate linking was against the generator's ground truth, and how well the
published engagement score recovers the generator's hidden interest.

Scales keep the national proportions (5M companies : 100k customers : 1M contacts : 10M sales
lines), so time can be compared across them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

from abm.config.settings import Settings, load_settings
from abm.matching import is_linked
from abm.published.reader import reading
from pipelines import project


@dataclass(frozen=True)
class Scale:
    companies: int
    customers: int
    contacts: int
    sales_lines: int
    activities: int = 0  # activity rows (only `xl` writes its own; see growth_dataset)


def proportional(companies: int) -> Scale:
    f = companies / 5_000_000
    return Scale(companies, int(100_000 * f), int(1_000_000 * f), int(10_000_000 * f))


SCALES: dict[str, Scale] = {
    "micro": proportional(20_000),  # the test suite's: keeps the benchmark working
    "sample": Scale(20_000, 2_000, 10_000, 100_000),
    "tiny": proportional(50_000),
    "small": proportional(500_000),
    "medium": proportional(1_000_000),
    "large": proportional(2_000_000),
    "national": proportional(5_000_000),
    # inputs that grow: the national master and contacts beside 10 years of sales and a year of activity
    "xl": Scale(5_000_000, 100_000, 1_000_000, 50_000_000, activities=100_000_000),
}


def dataset(
    scale: str, cache: Path, seed: int = 42, progress: Callable[[str], None] = lambda _m: None
) -> Path:
    """The generated inputs for ``scale``, made once and kept under ``cache``."""
    from abm.sample import generate
    from abm.sample.activities import add_activities

    size = SCALES[scale]
    folder = cache / f"{scale}-seed{seed}"
    done = folder / ".complete"
    if not done.exists() and size.activities:
        growth_dataset(folder, dataset("national", cache, seed, progress), size, seed, progress)
    elif not done.exists():
        t0 = time.perf_counter()
        generate(
            folder,
            companies=size.companies,
            customers=size.customers,
            contacts=size.contacts,
            sales_lines=size.sales_lines,
            seed=seed,
            fmt="parquet",
            progress=progress,
        )
        done.write_text(f"{time.perf_counter() - t0:.1f}s\n")
        progress(f"generated {scale} in {time.perf_counter() - t0:.1f}s → {folder}")
    if not any((folder / f"activities.{ext}").exists() for ext in ("parquet", "csv")):
        t0 = time.perf_counter()  # a dataset cached before activities existed: add them to it
        add_activities(folder, seed)
        progress(f"added activities to {scale} in {time.perf_counter() - t0:.1f}s")
    return folder


def growth_dataset(
    folder: Path, national: Path, size: Scale, seed: int, progress: Callable[[str], None]
) -> None:
    """The `xl` inputs, written a chunk at a time: the national master, contacts and truth (hard
    links, no copy), the national sales lines as a history of ``sales_lines`` (copies two years
    apart) and ``activities`` activity rows by the national contacts."""
    from abm.sample.growth import write_activities, write_sales_history

    t0 = time.perf_counter()
    (folder / "truth").mkdir(parents=True, exist_ok=True)
    for name in (
        "companies.parquet",
        "contacts.parquet",
        *(f"truth/{p.name}" for p in (national / "truth").iterdir()),
    ):
        if not (folder / name).exists():
            (folder / name).hardlink_to(national / name)
    national_lines = SCALES["national"].sales_lines
    lines = write_sales_history(
        national / "sales.parquet", folder / "sales.parquet", size.sales_lines // national_lines
    )
    progress(f"sales: {lines:,} lines in {time.perf_counter() - t0:.1f}s")
    write_activities(
        folder / "contacts.parquet", folder / "activities.parquet", size.activities, seed, progress=progress
    )
    (folder / ".complete").write_text(f"{time.perf_counter() - t0:.1f}s\n")
    progress(f"generated xl in {time.perf_counter() - t0:.1f}s → {folder}")


def link_accuracy(db: Path, truth: Path) -> pl.DataFrame:
    """Per source: precision and recall of auto + manual links, and the review rate, against truth."""
    with reading(db) as session:
        matches = session.frame("SELECT source, source_key, company_id, status FROM matches")
    rows = []
    for source, key in (("sales", "customer_code"), ("contacts", "contact_id")):
        true = pl.read_csv(
            truth / f"{'customers' if source == 'sales' else 'contacts'}.csv", infer_schema=False
        )
        joined = matches.filter(pl.col("source") == source).join(
            true.select(pl.col(key).alias("source_key"), pl.col("company_id").alias("true_id")),
            on="source_key",
            how="left",
        )
        linked = joined.filter(is_linked())
        correct = int((linked["company_id"] == linked["true_id"]).sum())
        in_master = int(joined["true_id"].is_not_null().sum())
        rows.append(
            {
                "source": source,
                "records": joined.height,
                "linked": linked.height,
                "precision": correct / linked.height if linked.height else None,
                "recall": correct / in_master if in_master else None,
                "review_rate": float(joined.select((pl.col("status") == "review").mean()).item()),
            }
        )
    return pl.DataFrame(rows)


def engagement_recovery(db: Path, truth: Path) -> dict[str, float | int | None] | None:
    """Spearman rank correlation of ``account_engagement.engagement_score`` with the generator's hidden
    interest, over master accounts with at least one activity, and precision / recall of ``surging``.
    None while the run publishes no engagement scores."""
    with reading(db) as session:
        if not session.has("account_engagement"):
            return None
        scores = session.frame("SELECT account_id, engagement_score, surging FROM account_engagement")
    hidden = pl.read_csv(truth / "engagement.csv", schema_overrides={"company_id": pl.String})
    both = scores.join(
        hidden.rename({"company_id": "account_id", "surging": "truly_surging"}), on="account_id"
    )
    flagged, truly = both["surging"].fill_null(False), both["truly_surging"]
    hits = int((flagged & truly).sum())
    return {
        "accounts": both.height,
        "spearman": both.select(pl.corr("engagement_score", "interest", method="spearman")).item(),
        "surging_precision": hits / int(flagged.sum()) if flagged.any() else None,
        "surging_recall": hits / int(truly.sum()) if truly.any() else None,
    }


def _on(settings: Settings | None, folder: Path, db: Path, cache: Path) -> Settings:
    """``settings`` (default: the defaults) reading ``folder`` and publishing ``db``, without human
    decisions (the benchmark measures the linker against the generator's truth)."""
    settings = settings or load_settings(None)
    run = settings.run.model_copy(
        update={"input_dir": folder, "db": db, "decisions": cache / "no-decisions.csv"}
    )
    return settings.model_copy(update={"run": run})


def without_activities(folder: Path) -> Path:
    """A sibling of a generated data set holding the same inputs and truth but no activities file
    (links, not copies): the same run without activities, to see what they add."""
    bare = folder.with_name(f"{folder.name}-without-activities")
    bare.mkdir(exist_ok=True)
    for path in folder.iterdir():
        link = bare / path.name
        if path.stem != "activities" and not link.exists():
            link.symlink_to(path.resolve())
    return bare


def run_bench(
    scale: str,
    cache: Path,
    settings: Settings | None = None,
    seed: int = 42,
    progress: Callable[[str], None] = lambda _m: None,
    activities: bool = True,
) -> dict:
    """Generate (or reuse) the scale's data, run the pipeline into ``cache``, return the figures;
    ``activities=False`` runs the same data without its activities file."""
    folder, size = dataset(scale, cache, seed, progress), SCALES[scale]
    if not activities:
        folder = without_activities(folder)
    db = cache / f"{folder.name}.duckdb"
    # a first run: the previous bench run's cache beside ``db`` must not make this one a re-run, and
    # its published file must not hand this one its history (carry_over would grow with every bench)
    db.unlink(missing_ok=True)
    result = project.run(_on(settings, folder, db, cache), progress=progress, full=True)
    steps = pl.DataFrame([asdict(t) for t in result.timings])
    steps = steps.with_columns((pl.col("seconds") / pl.col("seconds").sum()).alias("share"))
    return {
        "scale": scale,
        "size": size,
        "seconds": result.seconds,
        "steps": steps,
        "peak_rss_mb": max(t.peak_rss_mb for t in result.timings),
        "accuracy": link_accuracy(db, folder / "truth"),
        # xl's activity rows stand in for volume (abm.sample.growth): no hidden interest to recover
        "engagement": (
            engagement_recovery(db, folder / "truth") if activities and not size.activities else None
        ),
    }


def grown_dataset(scale: str, cache: Path, seed: int = 42) -> Path:
    """The scale's inputs one month later (abm.sample.grow: a month of sales, 1% new contacts, one
    changed contact), made once beside the generated data and kept."""
    from abm.sample.grow import next_month

    folder = cache / f"{scale}-seed{seed}-next-month"
    done = folder / ".complete"
    if not done.exists():
        growth = next_month(dataset(scale, cache, seed), folder, seed=seed)
        done.write_text(f"{growth}\n")
    return folder


def run_incremental_bench(
    scale: str,
    cache: Path,
    settings: Settings | None = None,
    seed: int = 42,
    progress: Callable[[str], None] = lambda _m: None,
) -> dict:
    """Time a re-run against a full run on the same grown inputs: run the scale's data (which leaves
    the run cache), re-run on next month's inputs with the cache, then run those inputs in full."""
    before, after = dataset(scale, cache, seed, progress), grown_dataset(scale, cache, seed)

    def timed(folder: Path, db: Path, full: bool) -> project.RunResult:
        return project.run(_on(settings, folder, db, cache), progress=progress, full=full)

    db = cache / f"{scale}-seed{seed}-incremental.duckdb"
    full_db = cache / f"{scale}-seed{seed}-incremental-full.duckdb"
    # as in run_bench: the previous bench's files must not hand this one their history (carry_over and
    # history grew with every bench run into them: a national re-run's carry_over 3.6 s → 10.5 s)
    for stale in (db, full_db):
        stale.unlink(missing_ok=True)
    timed(before, db, full=True)  # the previous quarter: writes the cache the re-run reads
    rerun = timed(after, db, full=False)
    full = timed(after, full_db, full=True)
    steps = pl.DataFrame([{"step": t.step, "full": t.seconds} for t in full.timings]).join(
        pl.DataFrame([{"step": t.step, "rerun": t.seconds} for t in rerun.timings]), on="step", how="left"
    )
    return {
        "scale": scale,
        "size": SCALES[scale],
        "full": full.seconds,
        "rerun": rerun.seconds,
        "steps": steps,
    }
