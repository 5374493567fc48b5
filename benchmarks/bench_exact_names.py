"""Benchmark: how safe is linking a record by a name the master holds once, without the model?

``abm.matching.exact`` links an activity record (a company name, perhaps a domain) whose normalised
name exactly one master company holds. This measures that rule where the truth is known:

- real public data (tests/data/real/): JPX short names and EDINET English names against the EDINET
  master; truth from 証券コード / 法人番号;
- generated data (``abm bench`` datasets): sales customers' and contacts' company names; truth from the
  generator. Its off-master companies often share a master company's name on purpose (a same-name
  company elsewhere), so this is a hard case for any name-only rule;
- agreement with the model: the same records with only their name (what an activity record carries)
  linked by ``abm.matching.link``; every rule link should be the model's auto link to the same company,
  and every bare name several master companies share (left unmatched by the rules) unmatched by it too.

    python benchmarks/bench_exact_names.py [--scale small] [--cache bench_cache] [--model-records 20000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import polars as pl

from abm.matching import MatchSettings, link
from abm.matching.exact import exact_links
from abm.matching.keys import master_keys
from pipelines.bench import dataset

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import real_data

NAME_ONLY = ("corporate_number", "prefecture", "phone", "email_domain", "address")


def _name_only(records: pl.DataFrame) -> pl.DataFrame:
    return records.select("source_key", "name").with_columns(
        pl.lit(None, pl.String).alias(c) for c in NAME_ONLY
    )


def rule_precision(label: str, master: pl.DataFrame, records: pl.DataFrame, truth: pl.DataFrame) -> None:
    t0 = time.perf_counter()
    m, _ = exact_links(master, _name_only(records), "bench", [])
    m = m.filter(pl.col("status") == "auto")
    seconds = time.perf_counter() - t0
    j = m.join(truth, on="source_key", how="left")
    right = int((j["company_id"] == j["truth"]).sum())
    in_master = int(truth["truth"].is_not_null().sum())
    print(
        f"{label:<28} records {records.height:>8,}  in master {in_master:>8,}  name links {m.height:>8,}  "
        f"precision {right / max(m.height, 1):.4f}  recall {right / max(in_master, 1):.4f}  ({seconds:.1f}s)"
    )


def model_agreement(companies: pl.DataFrame, master: pl.DataFrame, records: pl.DataFrame) -> None:
    """The model on the records the rules decide, with only their name: the same answer?"""
    recs = _name_only(records)
    rule, _ = exact_links(master, recs, "bench", [])
    t0 = time.perf_counter()
    decided = recs.filter(pl.col("source_key").is_in(rule["source_key"].implode()))
    model = link(companies, decided, source="bench", settings=MatchSettings()).matches
    seconds = time.perf_counter() - t0
    both = rule.join(model, on="source_key", suffix="_model")
    linked = both.filter(pl.col("status") == "auto")
    same = linked.filter(
        (pl.col("status_model") == "auto") & (pl.col("company_id") == pl.col("company_id_model"))
    )
    left = both.filter(pl.col("status") == "unmatched")
    also = left.filter(pl.col("status_model") == "unmatched")
    print(
        f"model on the same records (name only, {seconds:.1f}s): of {linked.height:,} name links "
        f"{same.height:,} auto-linked to the same company ({same.height / max(linked.height, 1):.2%}); "
        f"of {left.height:,} shared names left unmatched {also.height:,} unmatched too "
        f"({also.height / max(left.height, 1):.2%}, the rest: {left['status_model'].value_counts().rows()})"
    )


def _generated(folder: Path) -> tuple[pl.DataFrame, list[tuple[str, pl.DataFrame, pl.DataFrame]]]:
    columns = {
        "企業コード": "company_id", "商号": "name", "フリガナ": "name_kana", "英文商号": "name_en",
        "都道府県": "prefecture", "法人番号": "corporate_number", "ドメイン": "domain",
    }  # fmt: skip
    companies = pl.read_parquet(folder / "companies.parquet", columns=list(columns)).rename(columns)
    sales = pl.read_parquet(folder / "sales.parquet", columns=["取引先コード", "取引先名"]).unique(
        "取引先コード"
    )
    contacts = pl.read_parquet(folder / "contacts.parquet", columns=["コンタクトID", "会社名"])
    truth = folder / "truth"
    cases = [
        (
            "generated sales",
            sales.select(pl.col("取引先コード").alias("source_key"), pl.col("取引先名").alias("name")),
            pl.read_csv(truth / "customers.csv", infer_schema=False).select(
                pl.col("customer_code").alias("source_key"), pl.col("company_id").alias("truth")
            ),
        ),
        (
            "generated contacts",
            contacts.select(pl.col("コンタクトID").alias("source_key"), pl.col("会社名").alias("name")),
            pl.read_csv(truth / "contacts.csv", infer_schema=False).select(
                pl.col("contact_id").alias("source_key"), pl.col("company_id").alias("truth")
            ),
        ),
    ]
    return companies, cases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="small", help="abm bench dataset for the generated cases")
    ap.add_argument("--cache", type=Path, default=Path("bench_cache"), help="as abm bench --cache")
    ap.add_argument(
        "--model-records", type=int, default=20_000, help="records the model agreement check links"
    )
    args = ap.parse_args()
    real_master = real_data.master().drop("code4")
    rm = master_keys(real_master)
    for label, case in (
        ("real JPX short names", real_data.sales_case),
        ("real English names", real_data.english_case),
    ):
        records, truth = case()
        rule_precision(label, rm, records, truth)
    model_agreement(real_master, rm, real_data.sales_case()[0])
    companies, cases = _generated(dataset(args.scale, args.cache, progress=print))
    gm = master_keys(companies)
    for label, records, truth in cases:
        rule_precision(f"{label} ({args.scale})", gm, records, truth)
    contacts = cases[1][1].unique("name").sample(min(args.model_records, cases[1][1].height), seed=7)
    model_agreement(companies, gm, contacts)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
