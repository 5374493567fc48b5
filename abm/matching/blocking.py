"""Candidate generation (blocking): which master companies each query is compared with.

Never all pairs. Exact keys first (法人番号, email domain, phone, normalised name — with the
prefecture when the name is common —, kana reading, English name), then rare character bigrams
of the normalised name for fuzzy candidates: each query takes its rarest bigrams (those in at most
``ngram_cap`` master names, within a postings budget) and keeps the ``max_fuzzy_candidates``
companies sharing most of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

# bit of each blocking key in ``via``
VIA = {"cn": 1, "domain": 2, "phone": 4, "name": 8, "kana": 16, "en": 32, "ngram": 64}
_WIDTH = 24  # code points of a name used for bigrams
_BASE = np.uint64(0x110000)


def _bigrams(names: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(row, bigram id) of every adjacent code-point pair of each name (first ``_WIDTH`` characters)."""
    arr = names.fill_null("").to_numpy().astype(f"<U{_WIDTH}")
    cp = arr.view(np.uint32).reshape(len(arr), _WIDTH).astype(np.uint64)
    grams = cp[:, :-1] * _BASE + cp[:, 1:]
    ok = (cp[:, :-1] > 0) & (cp[:, 1:] > 0)
    rows = np.broadcast_to(np.arange(len(arr), dtype=np.uint32)[:, None], grams.shape)
    return rows[ok], grams[ok]


@dataclass
class NgramIndex:
    grams: np.ndarray  # sorted unique bigram ids
    starts: np.ndarray  # offset of each gram's postings
    counts: np.ndarray  # postings per gram (= master names containing it)
    postings: np.ndarray  # cidx, grouped by gram
    lengths: np.ndarray  # length of each master nname

    @classmethod
    def build(cls, nname: pl.Series) -> NgramIndex:
        rows, grams = _bigrams(nname)
        frame = pl.DataFrame({"g": grams, "c": rows}).unique().sort("g")
        g = frame["g"].to_numpy()
        uniq, starts, counts = np.unique(g, return_index=True, return_counts=True)
        return cls(uniq, starts, counts, frame["c"].to_numpy(), nname.str.len_chars().fill_null(0).to_numpy())

    def candidates(
        self, qid: np.ndarray, names: pl.Series, *, cap: int, per_name: int, budget: int, keep: int
    ) -> pl.DataFrame:
        """(qid, cidx, shared) for the queries ``qid`` with names ``names`` (same length)."""
        rows, grams = _bigrams(names)
        pos = np.searchsorted(self.grams, grams)
        pos = np.minimum(pos, len(self.grams) - 1)
        found = self.grams[pos] == grams
        rows, pos = rows[found], pos[found]
        cnt = self.counts[pos]
        usable = cnt <= cap
        rows, pos, cnt = rows[usable], pos[usable], cnt[usable]
        sel = pl.DataFrame({"r": rows, "p": pos, "n": cnt}).unique(["r", "p"]).sort(["r", "n"])
        sel = sel.with_columns(
            pl.int_range(pl.len()).over("r").alias("k"), pl.col("n").cum_sum().over("r").alias("cum")
        ).filter((pl.col("k") < per_name) & ((pl.col("k") == 0) | (pl.col("cum") <= budget)))
        r = sel["r"].to_numpy()
        p = sel["p"].to_numpy()
        n = self.counts[p].astype(np.int64)
        total = int(n.sum())
        if total == 0:
            return pl.DataFrame(schema={"qid": pl.UInt32, "cidx": pl.UInt32, "shared": pl.UInt32})
        offs = np.repeat(self.starts[p].astype(np.int64) - (np.cumsum(n) - n), n) + np.arange(total)
        pairs = pl.DataFrame({"r": np.repeat(r, n), "cidx": self.postings[offs]})
        qlen = names.str.len_chars().fill_null(0).to_numpy()
        pairs = pairs.group_by("r", "cidx").agg(pl.len().cast(pl.UInt32).alias("shared"))
        lendiff = np.abs(
            self.lengths[pairs["cidx"].to_numpy()].astype(np.int64) - qlen[pairs["r"].to_numpy()]
        )
        pairs = pairs.with_columns(rank_key=pl.col("shared").cast(pl.Int64) * 1000 - pl.Series(lendiff))
        pairs = pairs.filter(pl.col("rank_key").rank("ordinal", descending=True).over("r") <= keep)
        return pairs.select(pl.Series("qid", qid)[pairs["r"]].cast(pl.UInt32), "cidx", "shared")


def key_table(master: pl.DataFrame, key: str, cap: int, with_pref: bool = False) -> pl.DataFrame:
    """Master key → cidx, dropping key values held by more than ``cap`` companies."""
    cols = [key, "pref"] if with_pref else [key]
    t = master.select("cidx", *cols).drop_nulls(cols)
    return t.filter(pl.len().over(cols) <= cap)


def exact_candidates(queries: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """(qid, cidx, via) from exact joins on every key table (``name_pref`` for common names)."""
    parts = []
    for key, table in tables.items():
        via = VIA["name" if key in ("name", "name_pref") else key]
        qcol = {"name": "nname", "name_pref": "nname"}.get(key, key)
        mcol = {"name": "nname", "name_pref": "nname", "kana": "kana", "en": "en"}.get(key, key)
        on = [mcol, "pref"] if key == "name_pref" else [mcol]
        q = queries.select("qid", pl.col(qcol).alias(mcol), *(["pref"] if key == "name_pref" else []))
        parts.append(
            q.drop_nulls(on).join(table, on=on).select("qid", "cidx", pl.lit(via, pl.UInt8).alias("via"))
        )
    # a kana-typed query also tries the master's name key (names written in katakana)
    q = queries.select("qid", pl.col("kana").alias("nname")).drop_nulls()
    parts.append(
        q.join(tables["name"], on="nname").select("qid", "cidx", pl.lit(VIA["kana"], pl.UInt8).alias("via"))
    )
    q = queries.select("qid", pl.col("en").alias("nname")).drop_nulls()
    parts.append(
        q.join(tables["name"], on="nname").select("qid", "cidx", pl.lit(VIA["en"], pl.UInt8).alias("via"))
    )
    return pl.concat(parts)


def merge(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Union candidate parts, OR-ing the ``via`` bits of duplicate pairs."""
    allp = pl.concat([p.select("qid", "cidx", "via") for p in parts])
    return allp.group_by("qid", "cidx").agg(pl.col("via").bitwise_or())
