"""Splink baseline on the same data (optional: ``pip install splink``, the ``bench`` extra).

Splink gets the same cleaned keys our linker computes (normalised name, kana reading, prefecture,
phone digits, corporate email domain vs master domain, validated 法人番号, street address key):
the comparison is of blocking + scoring, not of normalisation. Fellegi–Sunter with u from random
sampling, m from EM, Jaro-Winkler on the name (DuckDB's, which works on UTF-8 bytes). A record
links to its best candidate when that candidate's match probability is at least ``threshold``.
"""

from __future__ import annotations

import logging
import time

import polars as pl

from abm.matching import MatchSettings
from abm.matching.keys import master_keys, record_keys

COLS = ("nname", "kana", "pref", "phone", "domain", "cn", "addr", "legal")


def _side(df: pl.DataFrame, source: str, uid: str) -> pl.DataFrame:
    return df.select(pl.lit(source).alias("source_dataset"), pl.col(uid).cast(pl.String).alias("uid"), *COLS)


def _link(
    companies: pl.DataFrame, records: pl.DataFrame, thresholds: tuple[float, ...]
) -> tuple[dict, float]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t = time.perf_counter()
    m = master_keys(companies)
    r = record_keys(records, MatchSettings().free_mail_domains)
    left = _side(r, "records", "source_key").to_arrow()
    right = _side(m, "master", "company_id").to_arrow()
    db = DuckDBAPI()
    dfs = [db.register(left, table_name="recs"), db.register(right, table_name="master")]
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="uid",
        comparisons=[
            cl.JaroWinklerAtThresholds("nname", [0.95, 0.88, 0.8]).configure(term_frequency_adjustments=True),
            cl.ExactMatch("kana").configure(term_frequency_adjustments=True),
            cl.ExactMatch("pref"),
            cl.ExactMatch("legal"),
            # keys this source never has would leave EM with m = 0 (sales have no email, contacts no 法人番号)
            *(cl.ExactMatch(k) for k in ("phone", "domain", "cn", "addr") if r[k].is_not_null().any()),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("nname"), block_on("kana"), block_on("phone"), block_on("domain"), block_on("cn"),
            block_on("addr"),
            block_on("substr(nname, 1, 3)", "pref"),
        ],
        retain_intermediate_calculation_columns=False,
    )  # fmt: skip
    linker = Linker(dfs, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nname", "pref"), block_on("phone")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    for rule in (block_on("nname"), block_on("phone")):  # EM on small blocks (pref alone is ~n²/47 pairs)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError as err:  # a level never observed in this block: keep the other estimates
            print(f"   splink EM on {rule} skipped: {str(err)[:80]}")
    pred = pl.from_arrow(
        linker.inference.predict(threshold_match_probability=min(thresholds)).as_duckdbpyrelation().arrow()
    )
    secs = time.perf_counter() - t
    rec_col = "uid_l" if (pred["source_dataset_l"] == "records").all() else "uid_r"
    com_col = "uid_r" if rec_col == "uid_l" else "uid_l"
    best = (
        pred.select(
            pl.col(rec_col).alias("source_key"), pl.col(com_col).alias("company_id"), "match_probability"
        )
        .sort("match_probability", descending=True)
        .unique("source_key", keep="first")
    )
    return {th: best.filter(pl.col("match_probability") >= th) for th in thresholds}, secs


def run_splink(companies: pl.DataFrame, customers: pl.DataFrame, contacts: pl.DataFrame, truth: dict) -> dict:
    out = {}
    thresholds = (0.5, 0.9, 0.99)
    for source, records in (("sales", customers), ("contacts", contacts)):
        links, secs = _link(companies, records, thresholds)
        t_df, key = truth[source]
        t_df = t_df.select(pl.col(key).alias("source_key"), pl.col("company_id").alias("truth"))
        in_master = t_df["truth"].is_not_null().sum()
        res = {"seconds": round(secs, 1)}
        for th, best in links.items():
            j = best.join(t_df, on="source_key", how="left")
            ok = (j["company_id"] == j["truth"]).fill_null(False).sum()
            p = ok / j.height if j.height else 1.0
            rc = ok / in_master if in_master else 1.0
            res[f"p>={th}"] = {"precision": round(p, 4), "recall": round(rc, 4),
                               "f1": round(2 * p * rc / (p + rc), 4) if p + rc else 0.0}  # fmt: skip
        out[source] = res
        print(f"== splink {source}: {res}")
    return out
