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
            a.filter(mask).to_list(), b.filter(mask).to_list(), scorer=fuzz.ratio, workers=-1
        )
        sim[both] = np.asarray(got, dtype=np.float32) / 100.0
    return sim
