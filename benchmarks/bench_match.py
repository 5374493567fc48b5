"""名寄せ benchmark: link generated sales customers and contacts to a generated master.

    python benchmarks/bench_match.py --companies 100000 --customers 10000 --contacts 100000 [--splink]

(``abm bench --scale NAME --splink`` runs the same Splink model side by side with abm, each in its
own process; this script's ``--splink`` runs it after abm in this one.)

Generates the data with ``abm.sample.generate`` (parquet, cached under ``--cache``) in a child
process, so the peak RSS printed is the linker's own. Prints per source: precision / recall / F1
of automatic links against the truth files, review rate, candidate pairs and pair completeness
(share of true in-master pairs among the candidates), the share of records tied with a namesake
(another candidate with exactly the same evidence, so no matcher can choose) and the recall
ceiling these two leave, seconds per stage and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from abm.matching import MatchSettings, link
from pipelines.bench_records import link_inputs, link_scores, read_truth

DEFAULT_CACHE = Path("/tmp/abm-bench-cache")


def dataset(args: argparse.Namespace) -> Path:
    out = args.cache / f"co{args.companies}_cu{args.customers}_ct{args.contacts}_s{args.seed}"
    if not (out / "truth" / "contacts.csv").exists():
        code = (
            "import sys; from pathlib import Path; from abm.sample import generate; "
            f"generate(Path({str(out)!r}), companies={args.companies}, customers={args.customers}, "
            f"contacts={args.contacts}, sales_lines={args.customers * 3}, seed={args.seed}, "
            "fmt='parquet', progress=lambda m: print('  gen:', m, file=sys.stderr))"
        )
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        print(f"generated {out} in {time.perf_counter() - t:.1f}s")
    return out


def with_former_names(companies: pl.DataFrame, customers, contacts, truth: dict) -> pl.DataFrame:
    """The master with ``former_names``: the old names the generator typed records under (its renamed
    companies' registered former names, the same strings), joined with ';' per company."""
    old = []
    for records, (t, key) in ((customers, truth["sales"]), (contacts, truth["contacts"])):
        t = t.filter(pl.col("variant") == "old_name").select(pl.col(key).alias("source_key"), "company_id")
        old.append(records.join(t, on="source_key").select("company_id", "name"))
    former = (
        pl.concat(old)
        .unique()
        .group_by("company_id")
        .agg(pl.col("name").sort().str.join(";").alias("former_names"))
    )
    former = former.with_columns(pl.col("company_id").cast(companies.schema["company_id"]))
    return companies.join(former, on="company_id", how="left", maintain_order="left")


def evaluate(res, truth: pl.DataFrame, key: str) -> dict:
    t = truth.select(
        pl.col(key).cast(pl.String).alias("source_key"),
        pl.col("company_id").cast(pl.String).alias("truth"),
        "variant",
    )
    m = res.matches.join(t, on="source_key", how="left")
    auto = m.filter(pl.col("status") == "auto")
    correct = auto.filter(pl.col("company_id") == pl.col("truth")).height
    in_master = m.filter(pl.col("truth").is_not_null()).height
    precision = correct / auto.height if auto.height else 1.0
    recall = correct / in_master if in_master else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out = {
        "records": m.height,
        "in_master": in_master,
        "auto": auto.height,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "review_rate": round(m.filter(pl.col("status") == "review").height / m.height, 4),
        "wrong_auto": auto.height - correct,
    }
    if res.candidates is not None:
        pairs = res.candidates.select("source_key", pl.col("company_id").alias("truth")).unique()
        hit = t.drop_nulls("truth").join(pairs, on=["source_key", "truth"], how="semi").height
        out["pair_completeness"] = round(hit / in_master, 4) if in_master else 1.0
        # records whose evidence cannot single out their company: another candidate has exactly the
        # same features (namesakes with nothing else to tell them apart)
        c = res.candidates.join(t.drop_nulls("truth"), on="source_key")
        true_fp = c.filter(pl.col("company_id") == pl.col("truth")).select("source_key", "fingerprint")
        tied = c.join(true_fp, on=["source_key", "fingerprint"]).filter(
            pl.col("company_id") != pl.col("truth")
        )
        n_tied = tied["source_key"].n_unique()
        out["tied_with_namesake"] = round(n_tied / in_master, 4) if in_master else 0.0
        out["recall_ceiling"] = round((hit - n_tied) / in_master, 4) if in_master else 1.0
    # calibration: the share of best candidates that are right, per score band (a calibrated score
    # has each band's share inside the band)
    edges = [0.5, 0.7, 0.8, 0.9, 0.95, 0.99]
    bands = (
        m.filter(pl.col("score") >= edges[0], pl.col("status") != "manual")
        .with_columns(band=pl.col("score").cut(edges, left_closed=True))
        .group_by("band")
        .agg(pl.len().alias("n"), (pl.col("candidate_company_id") == pl.col("truth")).fill_null(False).mean())
        .sort("band")
    )
    out["calibration"] = {str(b): f"n={n} right={r:.3f}" for b, n, r in bands.iter_rows()}
    by = (
        m.group_by("variant")
        .agg(
            pl.len().alias("n"),
            ((pl.col("status") == "auto") & (pl.col("company_id") == pl.col("truth"))).sum().alias("ok"),
            ((pl.col("status") == "auto") & (pl.col("company_id") != pl.col("truth")).fill_null(True))
            .sum()
            .alias("wrong"),
            (pl.col("status") == "review").sum().alias("review"),
            pl.col("truth").is_not_null().sum().alias("in_master"),
        )
        .sort("n", descending=True)
    )
    out["by_variant"] = {
        str(
            r["variant"]
        ): f"n={r['n']} in={r['in_master']} ok={r['ok']} wrong={r['wrong']} review={r['review']}"
        for r in by.iter_rows(named=True)
    }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--customers", type=int, default=10_000)
    ap.add_argument("--contacts", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument(
        "--splink", action="store_true", help="also run Splink (pip install splink) on the same data"
    )
    ap.add_argument(
        "--former-names",
        action="store_true",
        help="give the master the names the generator renamed companies from (former_names, as the "
        "national file's change history would): measures linking records typed under an old name",
    )
    ap.add_argument("--json", type=Path, help="write the figures to this JSON file")
    ap.add_argument(
        "--dump", type=Path, help="write each source's matches joined with the truth here (parquet)"
    )
    args = ap.parse_args()

    path = dataset(args)
    t = time.perf_counter()
    companies, customers, contacts = link_inputs(path)
    print(
        f"read {companies.height:,} companies, {customers.height:,} customers, {contacts.height:,} contacts "
        f"in {time.perf_counter() - t:.1f}s"
    )
    truth = read_truth(path)
    if args.former_names:
        companies = with_former_names(companies, customers, contacts, truth)
    settings = MatchSettings(keep_candidates=True)
    report: dict = {"companies": companies.height}
    t_all = time.perf_counter()
    cpu0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    for source, records in (("sales", customers), ("contacts", contacts)):
        t = time.perf_counter()
        res = link(
            companies,
            records,
            source=source,
            settings=settings,
            progress=lambda msg: print("  ", msg, file=sys.stderr),
        )
        secs = time.perf_counter() - t
        ev = evaluate(res, *truth[source])
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            t_df, key = truth[source]
            res.matches.join(
                t_df.rename({key: "source_key", "company_id": "truth"}), on="source_key", how="left"
            ).write_parquet(args.dump / f"{source}.parquet")
        ev.update(
            seconds=round(secs, 1),
            candidate_pairs=res.stats["candidate_pairs"],
            stages=res.stats["seconds"],
            pairs_by_key=res.stats["pairs_by_key"],
        )
        report[source] = ev
        print(
            f"== {source}: "
            + json.dumps(
                {k: v for k, v in ev.items() if k not in ("by_variant", "calibration")}, ensure_ascii=False
            )
        )
        print("   score band → share of best candidates that are right:")
        for k, v in ev["calibration"].items():
            print(f"     {k:16s} {v}")
        for k, v in ev["by_variant"].items():
            print(f"     {k:16s} {v}")
    report["total_seconds"] = round(time.perf_counter() - t_all, 1)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    report["peak_rss_gib"] = round(usage.ru_maxrss / 2**20, 2)
    report["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime - cpu0, 1)  # robust to a busy machine
    with open("/proc/loadavg") as f:
        report["load_average"] = f.read().split()[0]
    print(
        f"== total linking {report['total_seconds']}s wall, {report['cpu_seconds']}s CPU, "
        f"peak RSS {report['peak_rss_gib']} GiB, load average {report['load_average']}"
    )
    if args.splink:  # the same model `abm bench --splink` runs (pipelines.bench_splink), in this process
        from pipelines.bench_splink import THRESHOLDS, splink_links

        found = splink_links(companies, {"sales": customers, "contacts": contacts}, progress=print)
        report["splink"] = {}
        for source, (best, secs) in found.items():
            res = {"seconds": round(secs, 1)} | {
                f"p>={th}": link_scores(best.filter(pl.col("match_probability") >= th), *truth[source])
                for th in THRESHOLDS
            }
            report["splink"][source] = res
            print(f"== splink {source}: {res}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
