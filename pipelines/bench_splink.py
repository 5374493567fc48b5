"""Splink on the records abm links, for the side-by-side benchmark (optional: the ``bench`` extra).

Splink gets the cleaned keys abm's linker computes (``abm.matching.keys``: normalised name, legal
form, kana reading, prefecture, company phone digits, corporate email domain against the master's
domain, validated 法人番号, street address key), so the comparison is of blocking + scoring, not of
normalisation. The model follows Splink's documentation (topic guide "training rationale" and the
tutorial "Estimating model parameters"; the business-matching example for the address):

- comparisons: ``NameComparison`` on the normalised name (exact with term-frequency adjustment,
  Jaro-Winkler ≥ 0.92 / 0.88 / 0.7), exact kana reading (term frequencies), exact prefecture,
  exact legal form, the street address exact / same town with another block number / other (the
  generated records carry no postcode, so the documented postcode comparison has nothing to
  compare), and exact phone, email domain and 法人番号 — each only where the source has it at all:
  a key a source never carries would leave EM with m = 0 (sales have no email, contacts no 法人番号);
- blocking for prediction: each exact key, and the name's first three characters within a
  prefecture (fuzzy names only meet there);
- training: ``probability_two_random_records_match`` from deterministic rules (name + prefecture,
  phone) at a guessed recall of 0.7, u from random sampling (``max_pairs`` 1e7, the documented
  minimum for large data), m by EM in two sessions (blocked on the name, then on the phone, so each
  comparison is estimated in at least one).

A record links to its best candidate when that candidate's match probability reaches a threshold;
the benchmark scores several thresholds and shows the one with the best F1 (chosen with the truth, an
advantage abm does not get: its threshold is its default `match.auto`), since Splink has no default.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import polars as pl

from abm.matching import MatchSettings
from abm.matching.keys import master_keys, record_keys

COLS = ("nname", "kana", "pref", "phone", "domain", "cn", "addr", "legal")
THRESHOLDS = (0.1, 0.3, 0.5, 0.7, 0.9, 0.99)
U_PAIRS = 1e7
INSTALL_HINT = "pip install 'abm[bench]' (or pip install splink)"


def splink_missing() -> str | None:
    """Why Splink cannot run here (not installed, or broken), else None."""
    try:
        import splink  # noqa: F401
        from splink import DuckDBAPI  # noqa: F401  (its backend is imported lazily)
    except ImportError as err:
        return f"Splink is not installed ({err}): {INSTALL_HINT}"
    return None


def _side(df: pl.DataFrame, source: str, uid: str) -> pl.DataFrame:
    return df.select(pl.lit(source).alias("source_dataset"), pl.col(uid).cast(pl.String).alias("uid"), *COLS)


def _address():
    """The street address key: exact, same town with another block number, other (Splink's business
    example compares the first number of the address and the postcode the same way)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    town = "regexp_extract({side}, '^[^0-9]+')"
    return cl.CustomComparison(
        output_column_name="addr",
        comparison_levels=[
            cll.NullLevel("addr"),
            cll.ExactMatchLevel("addr"),
            cll.CustomLevel(f"{town.format(side='addr_l')} = {town.format(side='addr_r')}", "same town"),
            cll.ElseLevel(),
        ],
    )


def link_with_splink(
    master: pl.DataFrame,
    records: pl.DataFrame,
    seed: int = 42,
    progress: Callable[[str], None] = lambda _m: None,
) -> pl.DataFrame:
    """Train Splink on ``records`` (with abm's record keys) against ``master`` (abm's master keys) and
    return each record's best candidate: source_key, company_id, match_probability."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    db = DuckDBAPI()
    dfs = [
        db.register(_side(records, "records", "source_key").to_arrow(), table_name="recs"),
        db.register(_side(master, "master", "company_id").to_arrow(), table_name="master"),
    ]
    present = [k for k in ("phone", "domain", "cn") if records[k].is_not_null().any()]
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="uid",
        comparisons=[
            cl.NameComparison("nname").configure(term_frequency_adjustments=True),
            cl.ExactMatch("kana").configure(term_frequency_adjustments=True),
            cl.ExactMatch("pref"),
            cl.ExactMatch("legal"),
            _address(),
            *(cl.ExactMatch(k) for k in present),
        ],
        blocking_rules_to_generate_predictions=[
            *(block_on(k) for k in ("nname", "kana", "phone", "domain", "cn", "addr")),
            block_on("substr(nname, 1, 3)", "pref"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(dfs, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nname", "pref"), block_on("phone")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=seed)
    for rule in (block_on("nname"), block_on("phone")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError as err:  # a level never observed in this block: keep the other estimates
            progress(f"splink EM on {rule} skipped: {str(err)[:80]}")
    arrow = (
        linker.inference.predict(threshold_match_probability=min(THRESHOLDS)).as_duckdbpyrelation().arrow()
    )
    pred = pl.DataFrame(pl.from_arrow(arrow))
    if pred.is_empty():
        return pl.DataFrame(
            schema={"source_key": pl.String, "company_id": pl.String, "match_probability": pl.Float64}
        )
    records_left = pred["source_dataset_l"] == "records"
    return (
        pred.select(
            pl.when(records_left).then("uid_l").otherwise("uid_r").alias("source_key"),
            pl.when(records_left).then("uid_r").otherwise("uid_l").alias("company_id"),
            "match_probability",
        )
        .sort("match_probability", "company_id", descending=[True, False])
        .unique("source_key", keep="first", maintain_order=True)
    )


def splink_links(
    companies: pl.DataFrame,
    sources: dict[str, pl.DataFrame],
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, tuple[pl.DataFrame, float]]:
    """Per source: Splink's best candidate per record and the seconds it took (master keys, built once
    for all sources, are counted in the first source)."""
    out = {}
    t = time.perf_counter()
    master = master_keys(companies)
    free_mail = MatchSettings().free_mail_domains
    for source, records in sources.items():
        best = link_with_splink(master, record_keys(records, free_mail), progress=progress)
        out[source] = (best, time.perf_counter() - t)
        progress(f"splink {source}: {best.height:,} records with a candidate ≥ {min(THRESHOLDS)}")
        t = time.perf_counter()
    return out
