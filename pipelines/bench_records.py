"""What 名寄せ benchmarks link and how they are scored: the generated master, one record per sales
customer and per contact, and the generator's truth.

One loader and one scorer, so that abm and Splink (``pipelines.bench_compare``) and
``benchmarks/bench_match.py`` see the very same rows and are judged by the very same rule.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from abm.inputs.schema import COMPANIES, CONTACTS, SALES, alias_map, header_key
from abm.matching import MASTER_COLUMNS

# source → (truth file under truth/, the key column it and the generated inputs share)
TRUTH = {"sales": ("customers.csv", "customer_code"), "contacts": ("contacts.csv", "contact_id")}


def canonical(df: pl.DataFrame, spec) -> pl.DataFrame:
    """``df`` with its (Japanese or English) headers renamed to the schema's canonical names."""
    amap = alias_map(spec)
    return df.rename({c: amap[header_key(c)] for c in df.columns if header_key(c) in amap})


def link_inputs(folder: Path) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(companies, sales customers, contacts) of a generated data set (parquet), as ``link`` takes them.

    A customer is one customer code with its most frequent spelling and first known attributes, as
    the pipeline's ``sales_customers`` builds it; a contact is one row of the contacts file."""
    co = canonical(pl.read_parquet(folder / "companies.parquet"), COMPANIES)
    co = co.select(c for c in MASTER_COLUMNS if c in co.columns)  # optional ones (former_names) may be absent
    co = co.filter(pl.col("company_id").is_not_null() & pl.col("name").is_not_null()).unique(
        "company_id", keep="first", maintain_order=True
    )
    sales = canonical(pl.read_parquet(folder / "sales.parquet"), SALES)
    cust = sales.group_by("customer_code").agg(
        pl.col("customer_name").drop_nulls().mode().sort().first().alias("name"),
        *(pl.col(c).drop_nulls().first() for c in ("corporate_number", "prefecture", "phone", "address")),
    )
    cust = (
        cust.rename({"customer_code": "source_key"})
        .with_columns(email_domain=pl.lit(None, pl.String))
        .sort("source_key")
    )
    ct = canonical(pl.read_parquet(folder / "contacts.parquet"), CONTACTS)
    contacts = ct.select(
        pl.col("contact_id").cast(pl.String).alias("source_key"),
        pl.col("company_name").alias("name"),
        pl.col("corporate_number") if "corporate_number" in ct.columns else pl.lit(None, pl.String),
        "prefecture",
        pl.col("address") if "address" in ct.columns else pl.lit(None, pl.String),
        "phone",
        pl.col("email").str.extract(r"@([^@\s]+)$", 1).str.to_lowercase().alias("email_domain"),
    )
    return co, cust, contacts


def read_truth(folder: Path) -> dict[str, tuple[pl.DataFrame, str]]:
    """Per source: the generator's truth (its key column, company_id — null when the record's
    company is not in the master —, variant) and the name of the key column."""
    return {
        source: (pl.read_csv(folder / "truth" / file, infer_schema=False), key)
        for source, (file, key) in TRUTH.items()
    }


def link_scores(links: pl.DataFrame, truth: pl.DataFrame, key: str) -> dict:
    """Precision, recall and F1 of ``links`` (source_key, company_id: one row per linked record)
    against ``truth``: a link is right when it names the record's true company; recall is over the
    records whose company is in the master."""
    t = truth.select(
        pl.col(key).cast(pl.String).alias("source_key"), pl.col("company_id").cast(pl.String).alias("truth")
    )
    joined = links.select(pl.col("source_key").cast(pl.String), pl.col("company_id").cast(pl.String)).join(
        t, on="source_key", how="left"
    )
    correct = int((joined["company_id"] == joined["truth"]).fill_null(False).sum())
    in_master = int(t["truth"].is_not_null().sum())
    precision = correct / joined.height if joined.height else 1.0
    recall = correct / in_master if in_master else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records": t.height,
        "in_master": in_master,
        "linked": joined.height,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }
