"""Step buying_power: score every live (not closed) master company, decide the B circle, explain it.

Writes ``work.account_buying_power`` (account_id, buying_power_score, buying_power_decile,
has_buying_power, why: the traits that most raise it, abm.ranking.why), ``buying_power_traits``
(lift table of what top customers share) and
``model_report`` (how the score was made). The lookalike model is used when there are enough
linked top customers to learn from and the master has a column that tells companies apart;
otherwise the transparent rule, and the run says so. A score that is the same for every company
(a master with nothing to rank by) places nobody in the B circle, and the report says that plainly.
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl

from abm.ranking.bands import band_frame
from abm.ranking.buying_power import positives, rule_score, score_decile, usable_weights
from abm.ranking.lookalike import MASTER_COLUMNS, CannotTrain, LookalikeResult, fit_and_score
from abm.ranking.traits import lift_table
from abm.ranking.why import account_why
from pipelines.buying_power_cache import cached_lookalike
from pipelines.context import RunContext

REPORT_SCHEMA = {
    "run_id": pl.Utf8,
    "method": pl.Utf8,
    "algorithm": pl.Utf8,
    "label": pl.Utf8,
    "features": pl.Utf8,
    "features_dropped": pl.Utf8,
    "positives": pl.Int64,
    "negatives": pl.Int64,
    "cv_folds": pl.Int64,
    "cv_auc_mean": pl.Float64,
    "cv_auc_std": pl.Float64,
    "top_features": pl.Utf8,
    "scored": pl.Int64,
    "fit_seconds": pl.Float64,
    "score_seconds": pl.Float64,
    "distinct_scores": pl.Int64,
    "note": pl.Utf8,
}
UNINFORMATIVE = (
    "every company has the same score, so nobody is placed in the B circle "
    "(全社同じスコアのため、購買力の輪は空です)"
)


def live_master_query() -> str:
    """The live (not closed) master companies with their customer figures, for the model: a builder
    because the master columns are ``MASTER_COLUMNS``' (deciles rank live companies only)."""
    columns = ", ".join(f"b.{c}" for c in MASTER_COLUMNS)
    return (
        f"SELECT {columns}, b.industry_name, p.abc_class, p.revenue_decile, "
        "p.account_id IS NOT NULL AS customer FROM work.account_base b LEFT JOIN pareto p USING (account_id) "
        "WHERE b.in_master AND NOT b.closed ORDER BY b.account_id"
    )


def buying_power(ctx: RunContext) -> int:
    bp = ctx.settings.buying_power
    master = ctx.query(live_master_query())
    assert ctx.as_of is not None  # fixed by the load step
    top = positives(master, bp.label, bp.label_deciles)
    label = (
        "A-class customers" if bp.label == "abc_a" else f"customers in revenue deciles 1–{bp.label_deciles}"
    )
    n_pos = int(top.sum())

    bands = band_frame(master, ctx.as_of.year)
    lifts = lift_table(bands, top, master["customer"])
    ctx.write("buying_power_traits", lifts)
    reasons = account_why(bands, lifts, ctx.settings.ui.language)  # accounts.why, same order as master
    del bands

    report: dict[str, object] = {
        "run_id": ctx.run_id,
        "label": label,
        "positives": n_pos,
        "scored": master.height,
    }
    result: LookalikeResult | None = None
    if bp.method == "rule":
        why = "buying_power.method = rule"
    elif n_pos < bp.min_positives:
        why = f"only {n_pos:,} {label} linked to the master (< buying_power.min_positives {bp.min_positives})"
    else:
        as_of_year = ctx.as_of.year
        try:
            result = cached_lookalike(  # a re-run with the same training set reuses it
                ctx,
                master,
                top.to_numpy(),
                lambda: fit_and_score(
                    master,
                    top.to_numpy(),
                    as_of_year=as_of_year,
                    negatives=bp.negatives,
                    cv_folds=bp.cv_folds,
                    batch_size=bp.batch_size,
                    seed=bp.seed,
                    progress=ctx.progress,
                    lang=ctx.settings.ui.language,
                ),
            )
        except CannotTrain as e:
            why = f"lookalike not trained: {e.reason}" + (f" [{'; '.join(e.dropped)}]" if e.dropped else "")
        if result is not None and np.unique(result.scores).size <= 1:
            why = "the lookalike gave every company the same score (nothing learned / 学習結果に差なし)"
            result = None
    if result is not None:
        score = pl.Series("buying_power_score", result.scores)
        report |= {"method": "lookalike", **result.report, "note": f"trained on {n_pos:,} {label}"}
        method = "lookalike"
        ctx.say("run.bp.lookalike", features=result.report["top_features"])
    else:
        t0 = time.perf_counter()
        used, dropped = usable_weights(master, bp.rule_weights)
        score = rule_score(master, used)
        method = "rule" if bp.method == "rule" else "rule (fallback)"
        report |= {
            "method": method,
            "algorithm": "transparent rule: weighted mean of percentile ranks",
            "features": ", ".join(f"{c} × {w:g}" for c, w in used.items()),
            "features_dropped": "; ".join(dropped),
            "score_seconds": time.perf_counter() - t0,
            "note": why,
        }
        over = ", ".join(used) or "no column with values"
        ctx.say("run.bp.rule", over=over, why=why)
        if dropped:
            ctx.say("run.bp.weights_dropped", dropped="; ".join(dropped))
    distinct = score.n_unique()
    informative = distinct > 1
    report["distinct_scores"] = distinct
    if not informative:
        report["note"] = f"{report['note']}; {UNINFORMATIVE}"
        ctx.say("run.bp.uninformative")
    ctx.facts["buying_power_method"] = method
    ctx.write("model_report", pl.DataFrame([report], schema=REPORT_SCHEMA))

    scored = master.select("account_id").with_columns(score.alias("buying_power_score"))
    scored = scored.with_columns(score_decile(scored["buying_power_score"]))
    scored = scored.with_columns(
        ((pl.col("buying_power_decile") <= bp.threshold_decile) & informative).alias("has_buying_power")
    )
    n_b = int(scored["has_buying_power"].sum())
    white = int((scored["has_buying_power"] & ~master["customer"]).sum())
    ctx.say("run.bp.circle", decile=bp.threshold_decile, companies=n_b, whitespace=white)
    return ctx.write("work.account_buying_power", scored.with_columns(reasons["why"]))
