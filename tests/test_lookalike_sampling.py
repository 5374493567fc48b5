"""The lookalike's evidence (CV AUC, permutation importance) on a capped sample: cheaper, still honest,
and the scores come from the model fitted on every training row."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from abm.ranking import lookalike
from abm.ranking.lookalike import fit_and_score, stratified_sample


def test_stratified_sample_keeps_the_positive_share_and_is_seeded():
    y = np.zeros(10_000, dtype=bool)
    y[::40] = True  # 250 positives, 2.5%
    picked = stratified_sample(y, 2_000, seed=7)
    assert len(picked) == 2_000 and np.all(np.diff(picked) > 0)  # sorted, no repeats
    assert int(y[picked].sum()) == 50  # 2.5% of 2,000
    assert np.array_equal(picked, stratified_sample(y, 2_000, seed=7))
    assert not np.array_equal(picked, stratified_sample(y, 2_000, seed=8))
    assert np.array_equal(stratified_sample(y, 20_000, seed=7), np.arange(10_000))  # small: every row
    rare = np.zeros(10_000, dtype=bool)
    rare[[3, 5, 9]] = True
    assert int(rare[stratified_sample(rare, 100, seed=0)].sum()) == 2  # folds can still split


def _master(n: int, seed: int = 0) -> tuple[pl.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    word = rng.choice(["工業", "製作所", "商店", "企画", "サービス", ""], n)
    employees = rng.lognormal(3, 1.2, n).astype(int)
    odds = np.isin(word, ["工業", "製作所"]) * 2.0 + np.log1p(employees) * 0.8 + rng.normal(0, 0.7, n)
    top = odds > np.quantile(odds, 0.9)
    frame = pl.DataFrame(
        {
            "account_id": [f"m{i:05d}" for i in range(n)],
            "name": [f"株式会社テスト{i}{word[i]}" for i in range(n)],
            "employees": employees,
        }
    )
    return frame, top


def test_capped_evidence_moves_only_the_report_never_the_scores(monkeypatch: pytest.MonkeyPatch):
    frame, top = _master(4_000)
    kw = {"as_of_year": 2026, "negatives": 3_000, "cv_folds": 3, "seed": 0}
    full = fit_and_score(frame, top, **kw)
    monkeypatch.setattr(lookalike, "CV_ROWS", 1_000)
    monkeypatch.setattr(lookalike, "IMPORTANCE_ROWS", 800)
    capped = fit_and_score(frame, top, **kw)
    assert np.array_equal(full.scores, capped.scores)  # the scoring model saw every training row
    assert full.report["cv_auc_mean"] > 0.8 and capped.report["cv_auc_mean"] > 0.8
    assert abs(full.report["cv_auc_mean"] - capped.report["cv_auc_mean"]) < 0.05
    assert capped.report["cv_auc_mean"] != full.report["cv_auc_mean"]  # measured on other rows
    assert capped.report["top_features"].split(" (")[0] in {"name_word", "log_employees"}
