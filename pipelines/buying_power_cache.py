"""Buying power in a re-run: the lookalike's result is reused when what it learns from and scores is
unchanged — the live master's model columns (in order), which companies are positives, the as-of year
(company age) and the buying-power settings. Training (cross-validated) is most of the step's time.

A month of sales appended usually moves a few customers across the A/B line, which changes the
positives: then the model is trained again (correctly), so this pays for re-runs whose sales
did not move the labels (a contacts-only or a config-only change further down the run).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from abm.ranking.lookalike import MASTER_COLUMNS, LookalikeResult
from pipelines.context import RunContext
from pipelines.run_cache import fingerprint, frame_fingerprint


def _read(folder: Path) -> LookalikeResult:
    scores = pl.read_parquet(folder / "scores.parquet")["score"].to_numpy()
    return LookalikeResult(scores, json.loads((folder / "report.json").read_text(encoding="utf-8")))


def _write(folder: Path, result: LookalikeResult) -> None:
    pl.DataFrame({"score": result.scores}).write_parquet(folder / "scores.parquet")
    (folder / "report.json").write_text(json.dumps(result.report, ensure_ascii=False), encoding="utf-8")


def cached_lookalike(
    ctx: RunContext, master: pl.DataFrame, positive: np.ndarray, train: Callable[[], LookalikeResult]
) -> LookalikeResult:
    """``train()``'s result, or the previous run's when its training set and master are unchanged."""
    assert ctx.as_of is not None
    columns = [c for c in MASTER_COLUMNS if c in master.columns]
    key = fingerprint(
        "lookalike",
        frame_fingerprint(master.select(columns)),
        hashlib.blake2b(np.asarray(positive, dtype=bool).tobytes(), digest_size=16).hexdigest(),
        ctx.as_of.year,
        ctx.settings.buying_power.model_dump(mode="json"),
    )
    result = ctx.cache.load("lookalike", key, _read)
    if result is not None and len(result.scores) == master.height:
        ctx.cache.note("lookalike", "reused")
        ctx.say("run.lookalike.reused")
        return result
    result = train()
    ctx.cache.put("lookalike", key, lambda folder: _write(folder, result))
    return result
