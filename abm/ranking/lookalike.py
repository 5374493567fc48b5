"""Lookalike buying-power model: which master companies look like our top customers?

Design, and why:

* **Label.** Positives are linked customers in the top of our own revenue (A class by default,
  or the top revenue deciles). We learn from *master* attributes only (industry, size, region,
  age, listing), because those exist for every company we want to score.
* **Negatives: the master, not the other customers.** Customers are a biased sample of the master:
  they found us through our channels, regions and industries, and small customers are often small
  because we sell little to them, not because they buy little. A model trained only inside the
  customer base learns "big A vs small C given that they already buy from us" and has never seen
  the rest of the master (regions or industries we do not serve get arbitrary scores). So the
  negatives are a random sample of *all* other master companies (customers and non-customers at
  their natural rate): the model learns top customer vs company at large. This is positive-
  unlabelled learning: the sample holds some unknown high-potential companies (the whitespace we
  are looking for), which lowers the probabilities but, if top customers are a fair draw from the
  high-potential companies, leaves the *ranking* by P(top customer | attributes) in place.
* **Model.** ``HistGradientBoostingClassifier``: it bins features once, handles missing values and
  categorical columns (industry, prefecture) natively, learns interactions (e.g. manufacturing ×
  Chubu) and non-linear effects (company age) that a linear model on one-hot features misses, and
  predicts 5M rows in seconds on 2 cores. Training uses ≤ ``negatives`` + positives rows.
* **As many trees as help.** On more than 10,000 training rows (scikit-learn's ``early_stopping="auto"``)
  trees stop being added when the loss on a seeded, stratified 10% of the training rows has not
  improved for 10 rounds, instead of always 200. Scoring 5M companies walks every tree, so this halved
  it (41 → 20 s for 94 trees), and fewer trees overfit the few hundred positives of a small customer
  base less: over 8 generated data sets (20k and 200k companies, seeds 7–10) the top-decile precision
  rose in all 8 (mean 0.466 → 0.500) and Spearman with the hidden potential in 5, by 0.016 on average.
* **Evidence.** Stratified k-fold cross-validated AUC (mean ± std) on that task, and permutation
  importance (drop in AUC when a feature is shuffled) for the top features. On ≥ ``BIG_TRAINING``
  training rows at most ``BIG_FOLDS`` folds: each test fold still holds thousands of rows, and 3 fits on
  2/3 of the rows are half the work of 5 fits on 4/5. Both are measured on a stratified seeded sample
  of at most ``CV_ROWS`` / ``IMPORTANCE_ROWS`` training rows (same positive share): with thousands of
  positives per test fold the AUC is as precise, and at 1M companies they were 60% of the step's time
  (permutation importance alone predicted 30 times over all 68k training rows). The model that scores
  the master is still fitted on every training row.
* **Thin masters.** The free 法人番号 master has names and addresses only; purchased ones often lack
  a column or two. A feature with no value, or the same value everywhere, among the training rows is
  dropped (and reported with why) before fitting: it carries nothing, and HistGradientBoosting cannot
  bin an all-missing column. The name word (工業, 商事, 銀行 ...) and legal form read from the official
  name keep something to learn from when nothing else is there. When nothing is left, or the positives
  or negatives are too few to cross-validate, ``CannotTrain`` says why and the caller uses the rule.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.model_selection import StratifiedKFold, cross_val_score
from threadpoolctl import threadpool_limits

from abm.geo import PREFECTURES
from abm.matching.legal_forms import LEGAL_FORM_NAMES
from abm.messages import DEFAULT_LANGUAGE, Lang, text
from abm.ranking.bands import NAME_WORDS, legal_form_of_name, master_prefecture, name_word

CATEGORICAL = ("industry_code", "prefecture", "legal_form", "name_word")
NUMERIC = ("log_employees", "log_revenue", "log_capital", "log_revenue_per_employee", "age", "listed")
FEATURES = CATEGORICAL + NUMERIC
# master column(s) each feature is made from, to say in the report what a dropped feature lacked
SOURCES = {
    "industry_code": "industry_code",
    "prefecture": "prefecture, address",
    "legal_form": "name",
    "name_word": "name",
    "log_employees": "employees",
    "log_revenue": "revenue",
    "log_capital": "capital",
    "log_revenue_per_employee": "revenue, employees",
    "age": "founded_year",
    "listed": "listed",
}
MAX_CATEGORIES = 250  # HistGradientBoosting allows < 255 categories; rarer values share one code
BIG_TRAINING = 20_000  # training rows from which CV uses at most BIG_FOLDS folds
BIG_FOLDS = 3
CV_ROWS = 30_000  # cross-validation runs on a stratified sample of at most this many training rows
IMPORTANCE_ROWS = 20_000  # permutation importance likewise
DISTINCT_SAMPLE = 100_000  # master rows looked at to judge whether few feature rows are distinct
DISTINCT_SHARE = 0.2  # scored once per distinct feature row when distinct rows are at most this share
MASTER_COLUMNS = (
    "account_id",
    "name",
    "industry_code",
    "prefecture",
    "address",
    "employees",
    "revenue",
    "capital",
    "founded_year",
    "listed",
)
ALGORITHM = "HistGradientBoostingClassifier (scikit-learn), top customers vs master sample"
_MASTER_TYPES = {
    "name": pl.Utf8,
    "industry_code": pl.Utf8,
    "prefecture": pl.Utf8,
    "address": pl.Utf8,
    "employees": pl.Int64,
    "revenue": pl.Float64,
    "capital": pl.Float64,
    "founded_year": pl.Int64,
    "listed": pl.Boolean,
}


class CannotTrain(Exception):
    """The lookalike has nothing to learn from here; ``reason`` says why (for the report), ``dropped``
    lists the features left out and why."""

    def __init__(self, reason: str, dropped: list[str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.dropped = dropped or []


def with_master_columns(master: pl.DataFrame) -> pl.DataFrame:
    """``master`` with every optional ``MASTER_COLUMNS`` column, absent ones as all-null of their type."""
    missing = [c for c in _MASTER_TYPES if c not in master.columns]
    return (
        master.with_columns(pl.lit(None, _MASTER_TYPES[c]).alias(c) for c in missing) if missing else master
    )


@dataclass(frozen=True)
class Vocabulary:
    """Integer codes of categorical values, built over the whole master so training and scoring agree."""

    codes: dict[str, dict[str, int]]

    @classmethod
    def build(cls, master: pl.DataFrame) -> Vocabulary:
        """Codes of the most common industry codes; prefectures (stated or from the address) and the
        name-derived features have fixed vocabularies (no pass over the master needed)."""
        codes = {
            "legal_form": {v: i for i, v in enumerate(LEGAL_FORM_NAMES)},
            "name_word": {v: i for i, v in enumerate(NAME_WORDS)},
            "prefecture": {v: i for i, v in enumerate(PREFECTURES)},
        }
        for col in ("industry_code",):
            counts = master[col].drop_nulls().value_counts(sort=True, name="n")
            values = counts.sort(["n", col], descending=[True, False])[col].head(MAX_CATEGORIES - 1).to_list()
            codes[col] = {v: i for i, v in enumerate(values)}
        return cls(codes)


def feature_frame(master: pl.DataFrame, as_of_year: int, vocab: Vocabulary) -> pl.DataFrame:
    """The model's features, one row per master company; missing stays NaN (the model handles it).

    Sizes are logged (they span six orders of magnitude); revenue per employee says how productive
    a company is for its size; age = as-of year − founded year.
    """

    def log_pos(col: str) -> pl.Expr:
        return pl.when(pl.col(col) > 0).then(pl.col(col).cast(pl.Float64).log())

    other = MAX_CATEGORIES - 1
    values = {
        "industry_code": pl.col("industry_code"),
        "prefecture": master_prefecture(),
        "legal_form": legal_form_of_name(),
        "name_word": name_word(),
    }
    cats = [
        pl.when(v.is_not_null())
        .then(v.replace_strict(vocab.codes[c], default=other, return_dtype=pl.Float64))
        .alias(c)
        for c, v in values.items()
    ]
    return master.select(
        *cats,
        pl.col("employees").cast(pl.Float64).log1p().alias("log_employees"),
        pl.col("revenue").cast(pl.Float64).log1p().alias("log_revenue"),
        pl.col("capital").cast(pl.Float64).log1p().alias("log_capital"),
        (log_pos("revenue") - log_pos("employees")).alias("log_revenue_per_employee"),
        (pl.lit(as_of_year) - pl.col("founded_year")).cast(pl.Float64).alias("age"),
        pl.col("listed").cast(pl.Float64).alias("listed"),
    ).fill_null(float("nan"))


def to_matrix(features: pl.DataFrame) -> np.ndarray:
    return features.select(FEATURES).to_numpy().astype(np.float64, copy=False)


def usable_features(x: np.ndarray) -> tuple[list[int], list[str]]:
    """Columns of ``x`` (``FEATURES`` order) that vary, and a reason for each one that does not.

    Missing is a value here: "listed or unknown" still splits companies; "all unknown" or "all the
    same" does not.
    """
    keep, dropped = [], []
    for i, feature in enumerate(FEATURES):
        col = x[:, i]
        present = col[~np.isnan(col)]
        label = feature if SOURCES[feature] == feature else f"{feature} ({SOURCES[feature]})"
        if present.size == 0:
            dropped.append(f"{label}: no values / 値なし")
        elif present.size == col.size and np.unique(present).size == 1:
            dropped.append(f"{label}: one value / 全社同じ値")
        else:
            keep.append(i)
    return keep, dropped


def new_model(
    seed: int, features: list[str] | None = None, rows: int | None = None
) -> HistGradientBoostingClassifier:
    """The model over ``features`` (default all); leaves need ≥ 40 rows, fewer on a tiny training set
    (1/20 of it, ≥ 2) so a small master can still split at all."""
    features = list(FEATURES) if features is None else features
    min_leaf = 40 if rows is None else max(2, min(40, rows // 20))
    return HistGradientBoostingClassifier(
        learning_rate=0.08,
        max_iter=200,
        max_leaf_nodes=15,
        min_samples_leaf=min_leaf,
        l2_regularization=1.0,
        categorical_features=[f in CATEGORICAL for f in features],
        class_weight="balanced",
        early_stopping="auto",  # on > 10,000 rows: stop when a held-out 10% stops improving
        random_state=seed,
    )


def stratified_sample(y: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Sorted row indices of a seeded sample of ≤ ``n`` rows of ``y`` with its positive share (every row
    when there are no more than ``n``); at least 2 rows of each class stay, so folds can still split."""
    if len(y) <= n:
        return np.arange(len(y))
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    n_pos = min(pos.size, max(2, round(n * pos.size / len(y))))
    n_neg = min(neg.size, n - n_pos)
    picked = [rng.choice(pos, n_pos, replace=False), rng.choice(neg, n_neg, replace=False)]
    return np.sort(np.concatenate(picked))


def training_rows(positive: np.ndarray, negatives: int, seed: int) -> np.ndarray:
    """Row indices: every positive plus a seeded random sample of ≤ ``negatives`` other master rows."""
    rng = np.random.default_rng(seed)
    pos = np.flatnonzero(positive)
    neg = np.flatnonzero(~positive)
    if neg.size > negatives:
        neg = np.sort(rng.choice(neg, size=negatives, replace=False))
    return np.concatenate([pos, neg])


@dataclass
class LookalikeResult:
    scores: np.ndarray  # P(looks like a top customer), aligned with the master frame
    report: dict[str, Any] = field(default_factory=dict)


def fit_and_score(
    master: pl.DataFrame,
    positive: np.ndarray,
    *,
    as_of_year: int,
    negatives: int = 50_000,
    cv_folds: int = 5,
    batch_size: int = 500_000,
    seed: int = 0,
    threads: int = 1,
    progress: Callable[[str], None] = lambda _m: None,
    lang: Lang = DEFAULT_LANGUAGE,
) -> LookalikeResult:
    """Train on positives vs a master sample, cross-validate, then score every row of ``master`` in batches.

    ``master`` has ``MASTER_COLUMNS``; ``positive`` is a boolean array aligned with it. ``threads`` caps
    the OpenMP threads of scikit-learn while fitting: on a shared 2-core machine its spinning threads made
    a 20k-row fit 15× slower with 2 threads than with 1 (160 s vs 11 s), so one thread is the safe default.
    Scoring uses every core: each batch is half a million independent rows (at 5M companies one thread
    spent about a minute there; at 1M two threads take 7.7 s instead of 13.8 s). ``progress`` hears the
    cross-validation's figures in ``lang``.
    """
    with threadpool_limits(threads):
        return _fit_and_score(
            master, positive, as_of_year, negatives, cv_folds, batch_size, seed, progress, lang
        )


def _fit_and_score(
    master: pl.DataFrame,
    positive: np.ndarray,
    as_of_year: int,
    negatives: int,
    cv_folds: int,
    batch_size: int,
    seed: int,
    progress: Callable[[str], None],
    lang: Lang,
) -> LookalikeResult:
    t0 = time.perf_counter()
    positive = np.asarray(positive, dtype=bool)
    master = with_master_columns(master)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos < 2:
        raise CannotTrain(f"{n_pos} positive(s): at least 2 are needed to cross-validate / 正例が2社未満")
    if n_neg < 2:
        raise CannotTrain(
            f"{n_neg} master companies besides the positives: nothing to compare them with / 比較対象なし"
        )
    vocab = Vocabulary.build(master)
    rows = training_rows(positive, negatives, seed)
    x = to_matrix(feature_frame(master[rows], as_of_year, vocab))
    y = positive[rows]
    keep, dropped = usable_features(x)
    if not keep:
        raise CannotTrain("no master column with usable values / 使える企業属性なし", dropped)
    used = [FEATURES[i] for i in keep]
    x = x[:, keep]
    n_folds = min(cv_folds, BIG_FOLDS if len(y) >= BIG_TRAINING else cv_folds, int(y.sum()), int((~y).sum()))
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    cv = stratified_sample(y, CV_ROWS, seed)
    auc = cross_val_score(new_model(seed, used, len(cv)), x[cv], y[cv], cv=folds, scoring="roc_auc")
    sample = text("run.lookalike.sample", lang, used=len(cv), rows=len(y)) if len(cv) < len(y) else ""
    figures = {"positives": int(y.sum()), "sampled": int((~y).sum()), "auc": auc.mean(), "sd": auc.std()}
    progress("  " + text("run.lookalike.trained", lang, **figures, folds=folds.n_splits, sample=sample))
    if dropped:
        progress("  " + text("run.lookalike.dropped", lang, dropped="; ".join(dropped)))
    model = new_model(seed, used, len(y)).fit(x, y)
    with threadpool_limits(os.cpu_count() or 1):  # predictions only, like the scoring below
        top = _top_features(model, x, y, used, seed)
    t_fit = time.perf_counter() - t0

    with threadpool_limits(os.cpu_count() or 1):  # inside fit_and_score's limit for the fit
        scores = _score_master(model, master, as_of_year, vocab, used, batch_size)
    report = {
        "algorithm": ALGORITHM,
        "features": ", ".join(used),
        "features_dropped": "; ".join(dropped),
        "positives": int(y.sum()),
        "negatives": int((~y).sum()),
        "cv_folds": folds.n_splits,
        "cv_auc_mean": float(auc.mean()),
        "cv_auc_std": float(auc.std()),
        "top_features": ", ".join(f"{name} ({drop:+.3f})" for name, drop in top),
        "scored": master.height,
        "fit_seconds": t_fit,
        "score_seconds": time.perf_counter() - t0 - t_fit,
    }
    return LookalikeResult(scores, report)


def _score_master(
    model: HistGradientBoostingClassifier,
    master: pl.DataFrame,
    as_of_year: int,
    vocab: Vocabulary,
    used: list[str],
    batch_size: int,
) -> np.ndarray:
    """P(looks like a top customer) of every master row, aligned with ``master``.

    A row's score is a function of its features alone, so rows with the same features are scored once
    when few are distinct: a thin master (the 法人番号 file has names and addresses only) gives ~12k
    distinct feature rows in 5M (the national master without its size, industry and age columns:
    10.0 → 3.5 s). Whether they are few is judged on a sample first, so a rich master (4.6M distinct rows
    in 5M) pays ~0.1 s for the look and is scored in batches of ``batch_size`` rows as before. Missing
    stays NaN for the model; to group and join rows, it is null (NaN ≠ NaN)."""

    def scored(features: pl.DataFrame) -> np.ndarray:
        x = features.fill_null(float("nan")).to_numpy().astype(np.float64, copy=False)
        return model.predict_proba(x)[:, 1]

    features = feature_frame(master, as_of_year, vocab).select(used).fill_nan(None)
    sample = features.gather_every(max(1, features.height // DISTINCT_SAMPLE))
    if sample.height > 1 and sample.n_unique() <= DISTINCT_SHARE * sample.height:
        distinct = features.unique()
        if distinct.height <= DISTINCT_SHARE * features.height:
            distinct = distinct.with_columns(pl.Series("_score", scored(distinct)))
            back = features.join(distinct, on=used, how="left", nulls_equal=True, maintain_order="left")
            return back["_score"].to_numpy()
    scores = np.empty(master.height, dtype=np.float64)
    for start in range(0, features.height, batch_size):
        batch = features.slice(start, batch_size)
        scores[start : start + batch.height] = scored(batch)
    return scores


def _top_features(
    model: HistGradientBoostingClassifier,
    x: np.ndarray,
    y: np.ndarray,
    names: list[str],
    seed: int,
    k: int = 5,
) -> list[tuple[str, float]]:
    """Features whose shuffling costs the most AUC (on ≤ ``IMPORTANCE_ROWS`` training rows, 3 repeats)."""
    keep = stratified_sample(y, IMPORTANCE_ROWS, seed)
    x, y = x[keep], y[keep]
    imp = permutation_importance(model, x, y, scoring="roc_auc", n_repeats=3, random_state=seed, n_jobs=1)
    order = np.argsort(-imp.importances_mean)[:k]
    return [(names[i], float(imp.importances_mean[i])) for i in order]
