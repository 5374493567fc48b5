"""The scoring model: a logistic regression over pair features, trained on synthetic pairs.

Its probability is the score in 0..1 that the thresholds ``auto`` / ``review`` apply to. It is
trained on pairs made from the master being linked to (``synth``), so the weight of an exact
name follows how common names are in that master.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.linear_model import LogisticRegression

from abm.matching.features import FEATURES


@dataclass
class Model:
    coef: np.ndarray
    intercept: float

    @classmethod
    def fit(cls, feats: pl.DataFrame, labels: np.ndarray) -> Model:
        x = feats.select(FEATURES).to_numpy()
        lr = LogisticRegression(C=10.0, max_iter=2000)
        lr.fit(x, labels)
        return cls(lr.coef_[0].astype(np.float64), float(lr.intercept_[0]))

    def score(self, feats: pl.DataFrame) -> np.ndarray:
        x = feats.select(FEATURES).to_numpy().astype(np.float64)
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))

    def weights(self) -> dict[str, float]:
        return {f: round(float(w), 3) for f, w in zip(FEATURES, self.coef, strict=True)}
