"""Human decisions on review pairs: the latest per record wins and is applied before automatic linking,
unless it no longer fits the data (its company left the master, or the record now names another company)."""

from __future__ import annotations

import polars as pl

from abm.matching.normalize import normalize_name
from abm.matching.similarity import similarity

DECISION_SCHEMA = {
    "source": pl.String,
    "source_key": pl.String,
    "company_id": pl.String,
    "decided_at": pl.String,
}
LATEST_SCHEMA = {
    "source_key": pl.String,
    "company_id": pl.String,
    "decided_at": pl.String,
    "source_name": pl.String,
}
# Below this similarity of the normalised names (then vs now) a customer code is taken to name another
# company: 株式会社アルファ商事 → アルファ商事(株) stays 1.0, ガンマ精機 → オメガ drops to ~0.
NAME_STILL_SAME = 0.5


def latest_decisions(decisions: pl.DataFrame | None, source: str) -> pl.DataFrame:
    """(source_key, company_id, decided_at, source_name): the latest decision per record of ``source``.

    ``company_id`` null means "not a match": the record stays unlinked and is not proposed again.
    ``source_name`` is the record's name when decided (null in stores written before it was kept).
    """
    if decisions is None or decisions.height == 0:
        return pl.DataFrame(schema=LATEST_SCHEMA)
    d = decisions.with_columns(
        pl.col("source").cast(pl.String),
        pl.col("source_key").cast(pl.String),
        pl.col("company_id").cast(pl.String).replace("", None),
        pl.col("decided_at").cast(pl.String),
        (pl.col("source_name") if "source_name" in decisions.columns else pl.lit(None))
        .cast(pl.String)
        .alias("source_name"),
    )
    d = d.filter(pl.col("source") == source).with_row_index("_order")
    d = d.sort(["decided_at", "_order"], nulls_last=False).unique(
        "source_key", keep="last", maintain_order=True
    )
    return d.select(list(LATEST_SCHEMA))


def check_decisions(manual: pl.DataFrame, records: pl.DataFrame, company_ids: pl.Series) -> pl.DataFrame:
    """The decisions on present ``records`` (source_key, name, nname) with ``current_name`` and
    ``stale``: null while the decision still fits, else the people-facing reason it is not applied.

    Applying a link to a company that left the master would give the record an account with no row
    (its revenue would vanish); applying any decision to a code that now names another company
    would link the wrong customer. Such records go through automatic linking instead.
    """
    d = manual.join(
        records.select("source_key", pl.col("name").alias("current_name"), pl.col("nname").alias("now_key")),
        on="source_key",
        how="inner",
    ).with_columns(normalize_name(pl.col("source_name")).alias("then_key"))
    sim = pl.Series("name_sim", similarity(d["then_key"], d["now_key"]), dtype=pl.Float64)
    # the master's ids that decisions name, found by probing the master's ids against the few decided
    # ones: ``is_in`` over all of them hashed the whole master (national: ~1 s per source, decisions or not)
    named = d.select(pl.col("company_id").drop_nulls().unique())
    present = company_ids.to_frame("company_id").join(named, on="company_id", how="semi")["company_id"]
    known = pl.col("company_id").is_in(present.implode())
    renamed = pl.col("then_key").is_not_null() & pl.col("now_key").is_not_null() & (sim < NAME_STILL_SAME)
    return d.with_columns(
        pl.when(pl.col("company_id").is_not_null() & ~known)
        .then(pl.format("人手判定の企業 {} が企業マスタにない（判定 {}）", "company_id", _text("decided_at")))
        .when(renamed)
        .then(
            pl.format(
                "取引先名が判定時と大きく異なる（判定時「{}」→ 現在「{}」、判定 {}）",
                _text("source_name"),
                _text("current_name"),
                _text("decided_at"),
            )
        )
        .alias("stale")
    ).drop("then_key", "now_key")


def _text(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String).fill_null("?")  # pl.format turns a null argument into a null text
