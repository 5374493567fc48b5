"""``generate``: write a seeded, realistic sample of the three inputs plus the truth behind them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from abm.sample.activities import make_activities
from abm.sample.bad_rows import bad_companies, bad_contacts, bad_list, bad_sales
from abm.sample.companies import make_companies, unique_ints
from abm.sample.contacts import make_contacts
from abm.sample.dirty import CONTACT_MIX, CUSTOMER_MIX, address_variants, dirty_names, phone_variants
from abm.sample.files import ACTIVITY_HEADERS, COMPANY_HEADERS, CONTACT_HEADERS, SALES_HEADERS, write_frame
from abm.sample.sales import make_sales

FORMATS = ("sample", "parquet", "csv")


@dataclass(frozen=True)
class SampleSummary:
    """What ``generate`` wrote: file paths, row counts, bad rows, time and the revenue concentration."""

    out_dir: Path
    fmt: str
    seed: int
    files: dict[str, Path]
    rows: dict[str, int]
    bad_rows: dict[str, int]
    seconds: float
    top20_share: float  # share of last-12-month revenue held by the top 20% of customer codes
    variants: dict[str, dict[str, int]]  # name variant counts for "customers" and "contacts"


def generate(
    out_dir: Path,
    companies: int = 20_000,
    customers: int = 2_000,
    contacts: int = 10_000,
    sales_lines: int = 100_000,
    seed: int = 42,
    fmt: str = "sample",
    end_date: date = date(2026, 9, 30),
    progress: Callable[[str], None] | None = None,
    activities: int | None = None,
) -> SampleSummary:
    """Write companies / sales / contacts input files and ``truth/`` into ``out_dir``.

    ``fmt``: "sample" (companies.parquet, CP932 sales.csv, contacts.xlsx, CP932 activities.csv), "parquet" or
    "csv" (UTF-8). ``activities``: web / MA activity rows, 10 per contact by default (national
    proportions: 10M rows at 1M contacts), with the hidden interest behind them in truth/engagement.csv.
    Same arguments give byte-identical files.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    if companies < 10 or customers < 1 or contacts < 0 or customers > companies // 2:
        raise ValueError("need companies >= 10, 1 <= customers <= companies / 2, contacts >= 0")
    t0 = time.perf_counter()
    say = progress or (lambda _msg: None)
    out_dir = Path(out_dir)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    streams = np.random.SeedSequence(seed).spawn(8)  # the 8th (activities) leaves the first 7 as they were
    rng_co, rng_cu, rng_sa, rng_ct, rng_nm, rng_bad, rng_vis, rng_act = (
        np.random.default_rng(s) for s in streams
    )

    # --- customer entity structure, off-master companies needed
    n_multi = round(0.05 * customers / 1.075)
    extra = rng_cu.choice([1, 2], n_multi)
    n_ent = customers - int(extra.sum())
    n_ent_off = round(0.10 * n_ent)
    n_ent_m = n_ent - n_ent_off
    n_off = n_ent_off + max(n_ent_off, round(0.15 * contacts / 2.5), 1)

    t = time.perf_counter()
    ents = make_companies(rng_co, companies + n_off, end_date.year)
    ents = ents.with_columns(
        entity_id=pl.when(pl.int_range(pl.len()) < companies)
        .then(pl.col("company_id"))
        .otherwise(pl.lit("X") + (pl.int_range(pl.len()) - companies + 1).cast(pl.String).str.zfill(8))
    )
    master = ents.head(companies)
    vis = {c: rng_vis.random(companies) for c in COMPANY_HEADERS}
    emp = master["employees"].to_numpy()
    size = np.log10(emp + 1)
    show = {
        "corporate_number": vis["corporate_number"] < 0.95,
        "name_kana": vis["name_kana"] < 0.97,
        "name_en": vis["name_en"] < np.clip(0.2 + 0.18 * size, 0, 0.98),
        "domain": vis["domain"] < np.clip(0.35 + 0.2 * size, 0, 0.98),
        "address": vis["address"] < 0.97,
        "postal_code": vis["postal_code"] < 0.95,
        "phone": vis["phone"] < 0.92,
        "employees": vis["employees"] < 0.93,
        "revenue": vis["revenue"] < np.clip(0.6 + 0.12 * size, 0, 0.99),
        "capital": (vis["capital"] < 0.9) & (master["capital"].to_numpy() > 0),
        "founded_year": vis["founded_year"] < 0.96,
    }
    co = (
        master.select(
            "company_id",
            "name",
            "corporate_number",
            pl.col("kana").alias("name_kana"),
            "name_en",
            "prefecture",
            pl.col("city_name").alias("city"),
            "address",
            "postal_code",
            "phone",
            "domain",
            "industry_code",
            "industry_name",
            "employees",
            "revenue",
            "capital",
            "founded_year",
            "listed",
        )
        .with_columns(**{c: pl.when(pl.Series(m)).then(pl.col(c)) for c, m in show.items()})
        .sort("company_id")
    )
    truth_companies = co.select("company_id").join(
        master.select("company_id", pl.col("potential").round_sig_figs(6)),
        on="company_id",
        how="left",
        maintain_order="left",
    )
    co = bad_companies(rng_bad, co)
    say(f"companies: {len(co):,} rows in {time.perf_counter() - t:.1f}s")

    # --- customers: master companies chosen by potential (Gumbel top-k), plus off-master companies
    t = time.perf_counter()
    key = np.log(master["potential"].to_numpy()) + rng_cu.gumbel(size=companies)
    pick = np.argpartition(-key, n_ent_m - 1)[:n_ent_m] if n_ent_m else np.empty(0, np.int64)
    pick = pick[np.argsort(-key[pick], kind="stable")]
    ent_list = np.concatenate([pick, companies + np.arange(n_ent_off)])[rng_cu.permutation(n_ent)]
    counts = np.ones(n_ent, np.int64)
    counts[rng_cu.choice(n_ent, n_multi, replace=False)] += extra
    code_ent = np.repeat(ent_list, counts)
    first = np.ones(customers, bool)
    first[1:] = code_ent[1:] != code_ent[:-1]
    width = max(6, len(str(customers * 5)))
    code_str = pl.Series(unique_ints(rng_cu, 1, 10**width, customers)).cast(pl.String).str.zfill(width)
    code_str = "C" + code_str
    cname, cvariant = dirty_names(ents, code_ent, rng_nm, CUSTOMER_MIX, not_exact=~first)
    ce = ents[code_ent]
    r = rng_cu.random((6, customers))
    cust = pl.DataFrame(
        {
            "customer_code": code_str,
            "customer_name": cname,
            "corporate_number": ce["corporate_number"].to_numpy(),
            "prefecture": ce["prefecture"].to_numpy(),
            "address": ce["address"].to_numpy(),
            "phone": ce["phone"].to_numpy(),
        }
    ).with_columns(
        corporate_number=pl.when(pl.Series(r[0] < 0.3)).then(pl.col("corporate_number")),
        prefecture=pl.when(pl.Series(r[1] < 0.5)).then(pl.col("prefecture")),
        # the ERP's billing address: most customer codes have one
        address=pl.when(pl.Series(r[4] < 0.7)).then(address_variants(pl.col("address"), pl.Series(r[5]))),
        phone=pl.when(pl.Series(r[2] < 0.35)).then(phone_variants(pl.col("phone"), pl.Series(r[3]))),
    )
    lines, share = make_sales(rng_sa, ents, code_ent, sales_lines, end_date)
    line_code = lines["code_idx"].to_numpy()
    sales = cust[line_code].select(
        lines["date_text"].alias("date"),
        "customer_code",
        "customer_name",
        lines["amount_text"].alias("amount"),
        "corporate_number",
        "prefecture",
        "address",
        "phone",
        lines["product"].alias("product"),
    )
    sales = bad_sales(rng_bad, sales, line_code)
    truth_customers = (
        pl.DataFrame(
            {
                "customer_code": code_str,
                "company_id": ce["company_id"].to_numpy(),
                "entity_id": ce["entity_id"].to_numpy(),
                "variant": cvariant,
            }
        )
        .with_columns(company_id=pl.when(pl.Series(code_ent < companies)).then(pl.col("company_id")))
        .sort("customer_code")
    )
    say(
        f"sales: {len(sales):,} lines, {customers:,} customer codes in {time.perf_counter() - t:.1f}s "
        f"(top 20% of customers = {share:.1%} of last-12-month revenue)"
    )

    # --- contacts
    t = time.perf_counter()
    ct = make_contacts(rng_ct, ents, companies, ent_list, contacts, end_date)
    ct_ent = ct["ent"].to_numpy()
    ctname, ctvariant = dirty_names(ents, ct_ent, rng_nm, CONTACT_MIX)
    ids = "L" + pl.Series(np.arange(1, contacts + 1)).cast(pl.String).str.zfill(max(7, len(str(contacts))))
    cte = ents[ct_ent]
    truth_contacts = pl.DataFrame(
        {
            "contact_id": ids,
            "company_id": cte["company_id"].to_numpy(),
            "entity_id": cte["entity_id"].to_numpy(),
            "variant": ctvariant,
        }
    ).with_columns(company_id=pl.when(pl.Series(ct_ent < companies)).then(pl.col("company_id")))
    ct = ct.with_columns(contact_id=ids, company_name=ctname).select(list(CONTACT_HEADERS))
    clean_contacts = ct.select("contact_id", "email", "company_name").with_columns(
        truth_contacts["company_id"]
    )
    ct = bad_contacts(rng_bad, ct)
    say(f"contacts: {len(ct):,} rows in {time.perf_counter() - t:.1f}s")

    # --- activities, drawn from a hidden interest per company
    t = time.perf_counter()
    n_act = 10 * contacts if activities is None else activities
    act, truth_engagement = make_activities(
        rng_act,
        master.select("company_id", "name", "corporate_number", "domain", "potential"),
        clean_contacts,
        n_act,
        end_date,
    )
    say(f"activities: {len(act):,} rows in {time.perf_counter() - t:.1f}s")

    # --- write
    t = time.perf_counter()
    kinds = {
        "sample": ("parquet", "cp932", "xlsx", "cp932"),  # activities as SATORI writes them: Shift_JIS
        "parquet": ("parquet",) * 4,
        "csv": ("csv",) * 4,
    }[fmt]
    ext = {"parquet": "parquet", "cp932": "csv", "csv": "csv", "xlsx": "xlsx"}
    files: dict[str, Path] = {}
    bad_parts = []
    for (name, df, headers), kind in zip(
        (
            ("companies", co, COMPANY_HEADERS),
            ("sales", sales, SALES_HEADERS),
            ("contacts", ct, CONTACT_HEADERS),
            ("activities", act, ACTIVITY_HEADERS),
        ),
        kinds,
        strict=True,
    ):
        path = out_dir / f"{name}.{ext[kind]}"
        write_frame(df.drop("_bad").rename(headers), path, kind)
        files[name] = path
        bad_parts.append(bad_list(df, path.name))
    bad = pl.concat(bad_parts)
    for name, df in (
        ("companies", truth_companies),
        ("customers", truth_customers),
        ("contacts", truth_contacts),
        ("engagement", truth_engagement),
        ("bad_rows", bad),
    ):
        path = out_dir / "truth" / f"{name}.csv"
        df.write_csv(path)
        files[f"truth_{name}"] = path
    say(f"write: {fmt} files in {time.perf_counter() - t:.1f}s")

    seconds = time.perf_counter() - t0
    variants = {
        "customers": dict(sorted(zip(*np.unique(cvariant, return_counts=True), strict=True))),
        "contacts": dict(sorted(zip(*np.unique(ctvariant, return_counts=True), strict=True))),
    }
    variants = {k: {str(a): int(b) for a, b in v.items()} for k, v in variants.items()}
    summary = SampleSummary(
        out_dir=out_dir,
        fmt=fmt,
        seed=seed,
        files=files,
        rows={
            "companies": len(co),
            "sales": len(sales),
            "contacts": len(ct),
            "customers": customers,
            "activities": len(act),
        },
        bad_rows={f: int(c) for f, c in bad.group_by("file").len().sort("file").iter_rows()},
        seconds=seconds,
        top20_share=share,
        variants=variants,
    )
    say(f"done: {out_dir} in {seconds:.1f}s")
    return summary
