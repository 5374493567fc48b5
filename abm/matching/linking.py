"""``link``: records of one source (sales customers or contacts) to the company master."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from abm.matching import blocking, features
from abm.matching.decisions import check_decisions, latest_decisions
from abm.matching.index import QUERY_KEYS, MasterIndex, master_index
from abm.matching.keys import record_keys
from abm.matching.settings import MatchSettings
from abm.messages import DEFAULT_LANGUAGE, Lang, text

MATCH_SCHEMA = {
    "source": pl.String,
    "source_key": pl.String,
    "source_name": pl.String,
    "company_id": pl.String,
    "score": pl.Float64,
    "method": pl.String,
    "status": pl.String,
    "evidence": pl.String,
    "candidate_company_id": pl.String,
    "runner_up_company_id": pl.String,
    "runner_up_score": pl.Float64,
}
REVIEW_SCHEMA = {
    "source": pl.String,
    "source_key": pl.String,
    "source_name": pl.String,
    "company_id": pl.String,
    "company_name": pl.String,
    "score": pl.Float64,
    "evidence": pl.String,
    "runner_up_company_id": pl.String,
    "runner_up_company_name": pl.String,
    "runner_up_score": pl.Float64,
    "reason": pl.String,
}
BORDERLINE = "スコアが自動リンクの基準に届かない（境界）"
STALE_SHOWN = 5  # warning lines per source; the rest are counted (all are in match_review)


@dataclass
class LinkResult:
    """``matches``: one row per input record; ``review``: the borderline pairs; ``stats``: counts, timings."""

    matches: pl.DataFrame
    review: pl.DataFrame
    stats: dict = field(default_factory=dict)
    candidates: pl.DataFrame | None = None  # (source_key, company_id, score, via, fingerprint) if kept


def _best_two(pf: pl.DataFrame) -> pl.DataFrame:
    """Per query: the best pair (with its features) and the runner-up company and score.

    Only the columns deciding reads are kept: a gathered string column keeps its batch's whole string
    buffers alive, and the best pairs of every batch live until the source is decided (national
    contacts: ~1M best pairs)."""
    order = (
        pf.select("qid", "score", "cidx")
        .with_row_index("_row")
        .sort(["qid", "score", "cidx"], descending=[False, True, False])
    )
    first = order["qid"].is_first_distinct()
    second = first.shift(1, fill_value=False) & ~first  # the row right after a query's best
    ru = order.filter(second).select(
        "qid", pl.col("cidx").alias("ru_cidx"), pl.col("score").alias("runner_up_score")
    )
    best = pf.select(features.DECIDING)[order.filter(first)["_row"]]
    return best.join(ru, on="qid", how="left", maintain_order="left")


def _decide(best: pl.DataFrame, s: MatchSettings) -> pl.Expr:
    margin_ok = (pl.col("score") - pl.col("runner_up_score").fill_null(0.0)) >= s.margin
    return (
        pl.when((pl.col("score") >= s.auto) & margin_ok)
        .then(pl.lit("auto"))
        .when(pl.col("score") >= s.review)
        .then(pl.lit("review"))
        .otherwise(pl.lit("unmatched"))
    )


def is_linked() -> pl.Expr:
    """A record belongs to a master company: linked automatically or by a person (the one rule;
    ``matches`` and every account built from it follow it through the link step's ``linked`` column)."""
    return pl.col("status").is_in(["auto", "manual"]) & pl.col("company_id").is_not_null()


def link(
    companies: pl.DataFrame,
    records: pl.DataFrame,
    *,
    source: str,
    settings: MatchSettings,
    decisions: pl.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
    index: MasterIndex | None = None,
    lang: Lang = DEFAULT_LANGUAGE,
) -> LinkResult:
    """Link ``records`` (source_key, name, corporate_number, prefecture, phone, email_domain).

    Human ``decisions`` (source, source_key, company_id — null = not a match —, decided_at) are applied
    first and never overridden; the rest is blocked, scored and decided with ``settings``' thresholds.
    ``index``: the master's index when the caller already has it (a re-run's cache), else built here.
    ``progress`` hears what is done, in ``lang``.
    """
    emit = progress or (lambda _msg: None)

    def say(message: str, /, **fields: object) -> None:  # every line may name the source
        emit(text(message, lang, source=source, **fields))

    seconds: dict[str, float] = {}
    t = time.perf_counter()
    idx = index if index is not None else master_index(companies, settings)
    seconds["master"] = time.perf_counter() - t
    say("run.link.master_ready", companies=companies.height)

    t = time.perf_counter()
    recs = record_keys(records, settings.free_mail_domains)
    checked = check_decisions(latest_decisions(decisions, source), recs, companies["company_id"])
    stale = checked.filter(pl.col("stale").is_not_null())
    manual = checked.filter(pl.col("stale").is_null()).select("source_key", "company_id", "decided_at")
    for row in stale.head(STALE_SHOWN).iter_rows(named=True):
        say("run.link.stale", record=row["source_key"], why=row["stale"])
    if stale.height > STALE_SHOWN:
        say("run.link.stale_more", count=stale.height - STALE_SHOWN)
    todo = recs.join(manual.select("source_key"), on="source_key", how="anti")
    queries = todo.select(QUERY_KEYS).unique(maintain_order=True).with_row_index("qid")
    rid_qid = todo.join(queries, on=list(QUERY_KEYS), how="left", nulls_equal=True).select("rid", "qid")
    seconds["prepare"] = time.perf_counter() - t
    say("run.link.queries", records=recs.height, queries=queries.height)

    # blocking and scoring in batches of queries: memory stays bounded whatever the source's size
    seconds.update(blocking=0.0, scoring=0.0)
    bests, slim, via_counts, n_pairs = [], [], dict.fromkeys(blocking.VIA, 0), 0
    for start in range(0, max(queries.height, 1), settings.batch_size):
        batch = queries.slice(start, settings.batch_size)
        t = time.perf_counter()
        cands = idx.candidates(batch)
        seconds["blocking"] += time.perf_counter() - t
        t = time.perf_counter()
        pf = features.features(features.pair_frame(cands, batch, idx.master))
        pf = pf.with_columns(score=pl.Series(idx.score(pf), dtype=pl.Float64))
        bests.append(_best_two(pf))
        seconds["scoring"] += time.perf_counter() - t
        n_pairs += cands.height
        for k, bit in blocking.VIA.items():
            via_counts[k] += int(((cands["via"] & bit) > 0).sum())
        if settings.keep_candidates:
            slim.append(pf.select("qid", "cidx", "score", "via", features.fingerprint()))
        done = min(start + settings.batch_size, queries.height)
        say("run.link.batch", done=done, queries=queries.height, pairs=n_pairs)
    del cands, pf

    t = time.perf_counter()
    m = idx.master
    best = pl.concat(bests, how="diagonal_relaxed")
    best = best.with_columns(
        status=_decide(best, settings),
        method=features.method(best),
        evidence=features.evidence(best),
        candidate_company_id=m["company_id"][best["cidx"]],
        runner_up_company_id=m["company_id"].gather(best["ru_cidx"].fill_null(0)),
    ).with_columns(
        pl.when(pl.col("ru_cidx").is_null())
        .then(None)
        .otherwise(pl.col("runner_up_company_id"))
        .alias("runner_up_company_id"),
    )
    auto_rows = rid_qid.join(best, on="qid", how="left").select(
        "rid",
        pl.col("status").fill_null("unmatched"),
        pl.col("score").fill_null(0.0),
        pl.when(pl.col("status") == "auto").then(pl.col("candidate_company_id")).alias("company_id"),
        pl.when(pl.col("status") != "unmatched").then(pl.col("method")).otherwise(None).alias("method"),
        "evidence",
        "candidate_company_id",
        "runner_up_company_id",
        "runner_up_score",
        "cidx",
        "ru_cidx",
    )
    manual_rows = recs.join(manual, on="source_key").select(
        "rid",
        pl.lit("manual").alias("status"),
        pl.when(pl.col("company_id").is_null()).then(0.0).otherwise(1.0).alias("score"),  # "not a match": 0
        "company_id",
        pl.lit("manual").alias("method"),
        pl.format("人手判定 {}", pl.col("decided_at").cast(pl.String).fill_null("")).alias("evidence"),
        pl.col("company_id").alias("candidate_company_id"),
        pl.lit(None, pl.String).alias("runner_up_company_id"),
        pl.lit(None, pl.Float64).alias("runner_up_score"),
        pl.lit(None, pl.UInt32).alias("cidx"),
        pl.lit(None, pl.UInt32).alias("ru_cidx"),
    )
    decided = pl.concat([auto_rows, manual_rows], how="vertical_relaxed")
    out = recs.join(decided, on="rid", how="left", maintain_order="left")
    matches = out.select(
        pl.lit(source).alias("source"),
        "source_key",
        pl.col("name").alias("source_name"),
        "company_id",
        pl.col("score").round(4),
        "method",
        "status",
        "evidence",
        "candidate_company_id",
        "runner_up_company_id",
        pl.col("runner_up_score").round(4),
    ).cast(MATCH_SCHEMA)  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    names = m.select("name")["name"]
    rv = out.filter(pl.col("status") == "review")
    review = (
        rv.select(
            pl.lit(source).alias("source"),
            "source_key",
            pl.col("name").alias("source_name"),
            pl.col("candidate_company_id").alias("company_id"),
            names.gather(rv["cidx"]).alias("company_name"),
            pl.col("score").round(4),
            "evidence",
            "runner_up_company_id",
            names.gather(rv["ru_cidx"].fill_null(0)).alias("runner_up_company_name"),
            pl.col("runner_up_score").round(4),
            pl.lit(BORDERLINE).alias("reason"),
        )
        .with_columns(
            pl.when(pl.col("runner_up_company_id").is_null())
            .then(None)
            .otherwise(pl.col("runner_up_company_name"))
            .alias("runner_up_company_name")
        )
        .cast(REVIEW_SCHEMA)  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    )
    review = pl.concat([review, _stale_review(stale, source, m)], how="vertical")
    seconds["decide"] = time.perf_counter() - t

    stats = {
        "source": source,
        "records": recs.height,
        "queries": queries.height,
        "manual": manual.height,
        "manual_not_applied": stale.height,
        "candidate_pairs": n_pairs,
        "pairs_by_key": via_counts,
        "status": dict(matches.group_by("status").len().iter_rows()),
        "seconds": {
            **{f"master_{k}": round(v, 2) for k, v in idx.seconds.items()},
            **{k: round(v, 2) for k, v in seconds.items()},
        },
        "model_weights": idx.trained_model.weights(),
    }
    kept = None
    if settings.keep_candidates:
        kept = (
            rid_qid.join(pl.concat(slim), on="qid")
            .join(recs.select("rid", "source_key"), on="rid")
            .select("source_key", "cidx", "score", "via", "fingerprint")
        )
        kept = kept.with_columns(company_id=m["company_id"].gather(kept["cidx"])).drop("cidx")
    return LinkResult(matches, review, stats, kept)


def _stale_review(stale: pl.DataFrame, source: str, master: pl.DataFrame) -> pl.DataFrame:
    """Decisions that no longer fit, back in the review queue: the record (current name) and the
    company it was decided to be, with the reason; a person confirms or changes it."""
    names = master.select("company_id", pl.col("name").alias("company_name"))
    return (
        stale.join(names, on="company_id", how="left")
        .select(
            pl.lit(source).alias("source"),
            "source_key",
            pl.col("current_name").alias("source_name"),
            "company_id",
            "company_name",
            pl.lit(None, pl.Float64).alias("score"),
            pl.format("人手判定 {}", pl.col("decided_at").fill_null("")).alias("evidence"),
            pl.lit(None, pl.String).alias("runner_up_company_id"),
            pl.lit(None, pl.String).alias("runner_up_company_name"),
            pl.lit(None, pl.Float64).alias("runner_up_score"),
            pl.col("stale").alias("reason"),
        )
        .cast(REVIEW_SCHEMA)  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    )
