"""String similarity of two aligned columns, the one comparison every 名寄せ feature builds on."""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process


def similarity(a: pl.Series, b: pl.Series) -> np.ndarray:
    """Element-wise Indel similarity (0..1) of two string columns; 0 where either is null or empty."""
    both = (a.is_not_null() & b.is_not_null() & (a != "") & (b != "")).fill_null(False).to_numpy()
    sim = np.zeros(len(a), dtype=np.float32)
    if both.any():  # only the pairs where both sides have the key (kana / English are sparse)
        mask = pl.Series(both)
        got = process.cpdist(
            python_strings(a.filter(mask)), python_strings(b.filter(mask)), scorer=fuzz.ratio, workers=-1
        )
        sim[both] = np.asarray(got, dtype=np.float32) / 100.0
    return sim


def python_strings(s: pl.Series) -> list[str] | np.ndarray:
    """``s`` as the Python strings rapidfuzz reads, one string object per run of equal neighbours.

    Candidate pairs come grouped by query, so a query's name stands beside each of its candidates
    (and a name several candidates share often beside each of them): making a Python string costs
    more than rapidfuzz's comparison of it, so each run is made once and repeated by reference
    (1.25M medium contact pairs: making both sides' strings 0.38 → 0.22 s, their features 3.73 →
    3.53 s, medians of 7; the same scores)."""
    if s.len() == 0:
        return []
    new = s.ne_missing(s.shift(1)).scatter(0, True)  # the first starts a run (a leading null too)
    heads = s.filter(new)
    if heads.len() == s.len():
        return s.to_list()
    return np.asarray(heads.to_list(), dtype=object)[(new.cum_sum() - 1).to_numpy()]
