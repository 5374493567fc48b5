"""The scoring model: gradient-boosted trees over pair features, trained on synthetic pairs.

Its probability is the score in 0..1 that the thresholds ``auto`` / ``review`` apply to. It is
trained on pairs made from the master being linked to (``synth``), so the weight of an exact
name follows how common names are in that master. Trees rather than a linear model because the
evidence interacts (an exact name is strong when it is rare and the prefecture agrees, weak
otherwise); log-loss keeps the probabilities calibrated on the synthetic prior.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from abm.matching.features import FEATURES

# All max_iter rounds, no early stopping: sklearn stops on a 10% split of the synthetic pairs when there
# are over 10k, and where it stopped moved with the draw (real English recall 0.49-0.63 over four
# seeds; 0.57-0.63 without, at the same precision); 100 rounds stay bounded by min_samples_leaf and l2.
# Training and scoring on every core. Scoring: each pair's probability is its own walk down the trees
# (no sums across threads), so the same with any thread count; 300k national contacts' pairs 5.0 → 3.4 s
# with 2 threads instead of 1, identical matches. Training: the trees came out identical on 1 and 2
# threads (every probability of 120k synthetic pairs equal; the test checks it too), and the 120k pairs
# of a 1M master train in 1.7 s instead of 3.1 s (three alternations). It ran on one thread since
# 2026-11-22, when one was found as fast (OpenMP's spinning threads on a busy box, smaller training sets).
_THREADS = os.cpu_count() or 1


def _rounded(feats: pl.DataFrame) -> pl.DataFrame:
    """Features rounded to 2 decimals: many pairs then share one row, scored once."""
    return feats.select(pl.col(f).round(2) for f in FEATURES)


def _distinct_rows(x: pl.DataFrame) -> tuple[np.ndarray, pl.DataFrame]:
    """(each row's position in ``uniq``, ``uniq``: the distinct rows of ``x``), so each is scored once.

    Found through one 64-bit hash per row rather than a join on all the feature columns (national
    contacts, 6.4M pairs: their whole scoring 10.6 → 6.4 s). Rows the hash would wrongly merge (a
    collision) are caught by comparing every row with the one it was mapped to, and then the rows are
    matched on their values."""
    h = x.hash_rows(seed=0)
    first = h.is_first_distinct()
    uniq = x.filter(first)
    ids = pl.DataFrame({"h": h.filter(first), "row": np.arange(uniq.height, dtype=np.int64)})
    row = pl.DataFrame({"h": h}).join(ids, on="h", how="left", maintain_order="left")["row"].to_numpy()
    if uniq[row].equals(x):
        return row, uniq
    uniq = x.unique(maintain_order=True).with_row_index("_row")
    on = list(x.columns)
    row = x.join(uniq, on=on, how="left", maintain_order="left", nulls_equal=True)["_row"].to_numpy()
    return row.astype(np.int64), uniq.drop("_row")


@dataclass
class Model:
    """One classifier, or several trained on different synthetic draws whose probabilities are
    averaged (``bagged``): one draw's noise moves a single model's scores near the thresholds."""

    clfs: list[HistGradientBoostingClassifier]

    @classmethod
    def fit(cls, feats: pl.DataFrame, labels: np.ndarray, seed: int = 0) -> Model:
        clf = HistGradientBoostingClassifier(
            max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=40, l2_regularization=1.0,
            random_state=seed, early_stopping=False,
        )  # fmt: skip
        with threadpool_limits(_THREADS):
            clf.fit(_rounded(feats).to_numpy(), labels)
        return cls([clf])

    @classmethod
    def bagged(cls, models: list[Model]) -> Model:
        """The models' classifiers as one model scoring their mean probability."""
        return cls([c for m in models for c in m.clfs])

    def score(self, feats: pl.DataFrame) -> np.ndarray:
        """Match probability of each pair (distinct feature rows are scored once)."""
        if feats.height == 0:
            return np.zeros(0)
        x = _rounded(feats)
        row, uniq = _distinct_rows(x)
        with threadpool_limits(_THREADS):
            x_u = uniq.to_numpy()
            p = np.mean([c.predict_proba(x_u)[:, 1] for c in self.clfs], axis=0)
        return p[row]

    def weights(self) -> dict[str, float]:
        """Not coefficients (trees): the number of splits on each feature, as a rough importance."""
        counts = dict.fromkeys(FEATURES, 0)
        for clf in self.clfs:
            for trees in clf._predictors:
                for node in trees[0].nodes:
                    if not node["is_leaf"]:
                        counts[FEATURES[node["feature_idx"]]] += 1
        return {k: float(v) for k, v in counts.items()}
