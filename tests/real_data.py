"""The real-data cases (tests/data/real/, cut by make_slices.py): the master, the records, the truth.

Shared by tests/test_real_data.py and benchmarks/bench_real.py so both measure the same thing. Truth
comes only from shared keys: 証券コード (JPX short name → EDINET filer) and 法人番号 (English name →
filer); a record whose key is not in the master is truly absent (its right answer is "unmatched").
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from abm.matching import MatchSettings, link

REAL = Path(__file__).parent / "data" / "real"


def master(with_english: bool = False) -> pl.DataFrame:
    """The EDINET slice as a master: 法人番号 as company_id; ``with_english`` keeps 英文商号 (off: like
    the free national master, which has no English names)."""
    m = pl.read_csv(REAL / "master.csv", infer_schema=False)
    return m.select(
        pl.col("法人番号").alias("company_id"),
        pl.col("商号").alias("name"),
        pl.col("フリガナ").alias("name_kana"),
        (pl.col("英文商号") if with_english else pl.lit(None, pl.String)).alias("name_en"),
        pl.col("所在地").alias("address"),
        pl.col("法人番号").alias("corporate_number"),
        pl.col("証券コード").str.slice(0, 4).alias("code4"),
    )


def _records(keys: pl.Series, names: pl.Series, prefix: str) -> pl.DataFrame:
    return pl.DataFrame({"source_key": prefix + keys, "name": names}).with_columns(
        *(
            pl.lit(None, pl.String).alias(c)
            for c in ("corporate_number", "prefecture", "phone", "email_domain")
        )
    )


def sales_case() -> tuple[pl.DataFrame, pl.DataFrame]:
    """JPX short names (銘柄名) as sales customer names; truth by 証券コード."""
    s = pl.read_csv(REAL / "sales_names.csv", infer_schema=False)
    truth = s.join(master().select("code4", "company_id"), left_on="証券コード", right_on="code4", how="left")
    return _records(s["証券コード"], s["銘柄名"], "S"), truth.select(
        ("S" + pl.col("証券コード")).alias("source_key"), pl.col("company_id").alias("truth")
    )


def english_case() -> tuple[pl.DataFrame, pl.DataFrame]:
    """EDINET English names (提出者名（英字）) as contact company names; truth by 法人番号."""
    e = pl.read_csv(REAL / "contacts_en.csv", infer_schema=False)
    ids = master()["company_id"]
    truth = e.select(
        ("E" + pl.col("法人番号")).alias("source_key"),
        pl.when(pl.col("法人番号").is_in(ids.implode())).then(pl.col("法人番号")).alias("truth"),
    )
    return _records(e["法人番号"], e["英文商号"], "E"), truth


def evaluate(matches: pl.DataFrame, truth: pl.DataFrame) -> dict:
    """Precision and recall of the automatic links, and the share of records sent to review."""
    m = matches.join(truth, on="source_key", how="left")
    auto = m.filter(pl.col("status") == "auto")
    correct = auto.filter(pl.col("company_id") == pl.col("truth")).height
    in_master = m["truth"].is_not_null().sum()
    return {
        "records": m.height,
        "in_master": int(in_master),
        "auto": auto.height,
        "wrong": auto.height - correct,
        "precision": round(correct / auto.height, 4) if auto.height else 1.0,
        "recall": round(correct / in_master, 4) if in_master else 1.0,
        "review_share": round((m["status"] == "review").sum() / m.height, 4),
    }


def run_case(case: str, settings: MatchSettings | None = None) -> tuple[dict, pl.DataFrame]:
    """Link one case ("sales" or "english") against the master without English names."""
    records, truth = sales_case() if case == "sales" else english_case()
    res = link(master().drop("code4"), records, source=case, settings=settings or MatchSettings())
    joined = res.matches.join(truth, on="source_key", how="left")
    return evaluate(res.matches, truth), joined
