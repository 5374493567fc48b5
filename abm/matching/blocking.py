"""Candidate generation (blocking): which master companies each query is compared with.

Never all pairs. Company keys propose companies directly: 法人番号, corporate email domain, phone,
street address.
Name keys work on *distinct names* first (a master repeats names a lot) and are then expanded to
the companies bearing them:

- exact: normalised name, kana reading (kana-typed queries), English name (Latin-typed queries);
- fuzzy, only for queries without an exact name hit: the deletion neighbourhood (every name with
  one character removed — catches one typo, insertion, deletion or changed character) and, failing
  that, rare character bigrams (bigrams in few distinct names, within a postings budget); the
  ``fuzzy_names`` most similar names are kept.

Expanding a name to companies: all of them when the name is borne by at most ``max_key_companies``
companies; else those in the query's prefecture (at most that many); else, for a query without a
prefecture, a few — enough to show the ambiguity, which the score then reflects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from abm.matching.similarity import python_strings

# bit of each blocking key in ``via``
VIA = {"cn": 1, "domain": 2, "phone": 4, "name": 8, "kana": 16, "en": 32, "fuzzy": 64, "addr": 128}
NAME_BITS = VIA["name"] | VIA["kana"] | VIA["en"]
_WIDTH = 24  # code points of a name used for deletions and bigrams
_BASE = np.uint64(0x110000)
_AMBIGUOUS_SAMPLE = 3
_HASH_BASE = np.uint64(0x100000001B3)  # FNV's 64-bit prime
_CHUNK = 250_000


def _code_points(names: pl.Series) -> np.ndarray:
    """(rows, _WIDTH) uint64 matrix of each name's first code points, zero-padded."""
    arr = names.fill_null("").to_numpy().astype(f"<U{_WIDTH}")
    return arr.view(np.uint32).reshape(len(arr), _WIDTH).astype(np.uint64)


def _by_chunks(
    pairs_of: Callable[[pl.Series], tuple[np.ndarray, np.ndarray]], names: pl.Series
) -> tuple[np.ndarray, np.ndarray]:
    """``pairs_of(names)`` computed ``_CHUNK`` names at a time, each chunk's rows moved back to their
    place in ``names``: the same (row, value) pairs in the same order, with the per-name matrices
    held for one chunk only."""
    starts = range(0, len(names), _CHUNK)
    parts = [pairs_of(names.slice(start, _CHUNK)) for start in starts]
    return (
        np.concatenate([rows + np.uint32(start) for (rows, _), start in zip(parts, starts, strict=True)]),
        np.concatenate([values for _, values in parts]),
    )


def deletion_hashes(names: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(row, hash) of each name and of every variant with one character removed (first ``_WIDTH``).

    A polynomial hash over the zero-padded code points, vectorised with prefix and suffix sums, so
    millions of names need no string building: deleting character i gives
    ``prefix(i) + B * suffix(i + 1)``. Equal variants get equal hashes; a 64-bit collision between
    different ones is rare and only proposes one more candidate to score.
    """
    if len(names) > _CHUNK:  # bounded memory: the matrices below are 25 x 8 bytes per name each
        return _by_chunks(deletion_hashes, names)
    cp = _code_points(names)
    n = len(cp)
    weights = _HASH_BASE ** np.arange(_WIDTH - 1, -1, -1, dtype=np.uint64)  # wraps mod 2**64 by design
    terms = cp * weights
    prefix = np.zeros((n, _WIDTH + 1), np.uint64)
    np.cumsum(terms, axis=1, out=prefix[:, 1:])
    suffix = np.zeros((n, _WIDTH + 1), np.uint64)
    suffix[:, :_WIDTH] = np.cumsum(terms[:, ::-1], axis=1)[:, ::-1]
    dropped = prefix[:, :_WIDTH] + _HASH_BASE * suffix[:, 1:]  # column i: character i deleted
    length = (cp > 0).sum(axis=1)
    valid = np.arange(_WIDTH)[None, :] < length[:, None]
    rows = np.broadcast_to(np.arange(n, dtype=np.uint32)[:, None], valid.shape)
    return (
        np.concatenate([np.arange(n, dtype=np.uint32), rows[valid]]),
        np.concatenate([prefix[:, _WIDTH], dropped[valid]]),
    )


def _bigrams(names: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(row, bigram id) of every adjacent code-point pair of each name (first ``_WIDTH`` characters)."""
    if len(names) > _CHUNK:  # bounded memory, as in deletion_hashes
        return _by_chunks(_bigrams, names)
    cp = _code_points(names)
    grams = cp[:, :-1] * _BASE + cp[:, 1:]
    ok = (cp[:, :-1] > 0) & (cp[:, 1:] > 0)
    rows = np.broadcast_to(np.arange(len(cp), dtype=np.uint32)[:, None], grams.shape)
    return rows[ok], grams[ok]


def _distinct_sorted(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(keys, values, run starts) of pairs sorted by key then value: duplicate pairs dropped, and where
    each key's run begins. Sorting and comparing neighbours is 2-5x faster than a hash-based unique on
    the tens of millions of pairs a national master's names give."""
    new_key = np.ones(len(keys), bool)
    np.not_equal(keys[1:], keys[:-1], out=new_key[1:])
    keep = new_key.copy()
    keep[1:] |= values[1:] != values[:-1]
    return keys[keep], values[keep], np.flatnonzero(new_key[keep])


@dataclass
class NameIndex:
    """Distinct master names with their deletion neighbourhood and bigram postings."""

    names: pl.Series  # distinct normalised names; position = name id
    dels: pl.DataFrame  # (d, nid) hashed deletion variant -> name id, common variants dropped
    grams: np.ndarray  # sorted unique bigram ids
    starts: np.ndarray
    counts: np.ndarray  # distinct names holding each bigram
    postings: np.ndarray  # name ids grouped by bigram

    @classmethod
    def build(cls, nname: pl.Series, del_cap: int) -> NameIndex:
        names = nname.drop_nulls().unique().sort()
        rows, hashes = deletion_hashes(names)
        pairs = pl.DataFrame({"d": hashes, "nid": rows})
        del rows, hashes  # the national readings give ~35M pairs: hold as few copies as the sort needs
        pairs = pairs.sort("d", "nid")
        d, nid, starts = _distinct_sorted(pairs["d"].to_numpy(), pairs["nid"].to_numpy())
        del pairs
        sizes = np.diff(np.append(starts, len(d)))
        common = np.repeat(sizes > del_cap, sizes)  # a variant of too many names proposes nothing
        dels = pl.DataFrame({"nid": nid[~common], "d": d[~common]})
        del d, nid, common
        rows, grams = _bigrams(names)
        # a stable sort by bigram: rows ascend already, so sorted by (bigram, name); polars sorts on
        # both cores and gathers the rows with it (national names: 1.84 → 0.61 s against NumPy's
        # argsort and two gathers, medians of 5, the same postings)
        by_gram = pl.DataFrame({"g": grams, "r": rows}).sort("g", maintain_order=True)
        del rows, grams
        grams, postings, starts = _distinct_sorted(by_gram["g"].to_numpy(), by_gram["r"].to_numpy())
        counts = np.diff(np.append(starts, len(grams)))
        return cls(names, dels, grams[starts], starts, counts, postings)

    def save(self, folder: Path) -> None:
        """Write the index to ``folder`` (Parquet frames, NumPy arrays) for ``load``."""
        folder.mkdir(parents=True, exist_ok=True)
        self.names.to_frame("name").write_parquet(folder / "names.parquet", compression="lz4")
        self.dels.write_parquet(folder / "dels.parquet", compression="lz4")
        np.savez(folder / "bigrams.npz", grams=self.grams, starts=self.starts, counts=self.counts,
                 postings=self.postings)  # fmt: skip

    @classmethod
    def load(cls, folder: Path) -> NameIndex:
        names = pl.read_parquet(folder / "names.parquet")["name"]
        with np.load(folder / "bigrams.npz") as a:
            grams, starts, counts, postings = a["grams"], a["starts"], a["counts"], a["postings"]
        return cls(names, pl.read_parquet(folder / "dels.parquet"), grams, starts, counts, postings)

    def by_deletion(self, q: pl.DataFrame) -> pl.DataFrame:
        """(qid, nid) for queries (qid, nname) within one deletion of a master name; a pair met through
        several variants is listed once each time (``fuzzy`` makes them distinct once, with the rest)."""
        rows, hashes = deletion_hashes(q["nname"])
        qd = pl.DataFrame({"qid": q["qid"].gather(rows), "d": hashes})
        return qd.join(self.dels, on="d").select("qid", "nid")

    def by_bigram(self, q: pl.DataFrame, *, cap: int, per_name: int, keep: int) -> pl.DataFrame:
        """(qid, nid) of the names sharing most of each query's rarest bigrams."""
        rows, grams = _bigrams(q["nname"])
        pos = np.minimum(np.searchsorted(self.grams, grams), max(len(self.grams) - 1, 0))
        found = self.grams[pos] == grams if len(self.grams) else np.zeros(len(grams), bool)
        rows, pos = rows[found], pos[found]
        usable = self.counts[pos] <= cap
        rows, pos = rows[usable], pos[usable]
        sel = pl.DataFrame({"r": rows, "p": pos, "n": self.counts[pos]}).unique(["r", "p"])
        sel = sel.sort(["r", "n", "p"])  # ties in ``n`` break the same way on every run
        sel = sel.filter(pl.int_range(pl.len()).over("r") < per_name)
        r, p = sel["r"].to_numpy(), sel["p"].to_numpy()
        n = self.counts[p].astype(np.int64)
        total = int(n.sum())
        if total == 0:
            return pl.DataFrame(schema={"qid": pl.UInt32, "nid": pl.UInt32})
        offs = np.repeat(self.starts[p].astype(np.int64) - (np.cumsum(n) - n), n) + np.arange(total)
        pairs = pl.DataFrame({"r": np.repeat(r, n), "nid": self.postings[offs]})
        # sorted so that ties in the ranks below break the same way on every run
        pairs = (
            pairs.lazy()
            .group_by(_packed("r", "nid"))
            .agg(pl.len().alias("shared"))
            .sort("key")
            .select(*_unpacked("r", "nid"), "shared")
            .collect()
        )
        pairs = pairs.filter(pl.col("shared").rank("ordinal", descending=True).over("r") <= keep)
        return pairs.select(q["qid"].gather(pairs["r"]).alias("qid"), pl.col("nid").cast(pl.UInt32))

    def fuzzy(self, q: pl.DataFrame, *, cap: int, per_name: int, keep: int) -> pl.DataFrame:
        """(qid, nname) of the ``keep`` most similar master names for queries (qid, nname)."""
        found = self.by_deletion(q)
        rest = q.join(found.select("qid").unique(), on="qid", how="anti")
        parts = [found]
        if rest.height:
            parts.append(self.by_bigram(rest, cap=cap, per_name=per_name, keep=keep * 3))
        pairs = _unique_pairs(pl.concat(parts), "qid", "nid")
        pairs = pairs.with_columns(m_nname=self.names.gather(pairs["nid"])).join(
            q, on="qid", maintain_order="left"
        )
        sim = process.cpdist(
            python_strings(pairs["nname"]), python_strings(pairs["m_nname"]), scorer=fuzz.ratio, workers=-1
        )
        pairs = pairs.with_columns(sim=pl.Series(sim, dtype=pl.Float32))
        pairs = pairs.filter(pl.col("sim") >= 50)
        pairs = pairs.filter(pl.col("sim").rank("ordinal", descending=True).over("qid") <= keep)
        return pairs.select("qid", pl.col("m_nname").alias("key"))


def name_table(master: pl.DataFrame, key: str, cap: int) -> dict[str, pl.DataFrame]:
    """Key → companies, split by how common the key is (see module doc)."""
    t = master.select("cidx", pl.col(key).alias("key"), "pref").drop_nulls("key")
    t = t.with_columns(shared_by("key").alias("freq"))
    common = t.filter(pl.col("freq") > cap)
    in_order = pl.int_range(pl.len()).over(_hashed("key"))  # each key's first rows
    return {
        "rare": t.filter(pl.col("freq") <= cap).select("key", "cidx"),
        "by_pref": common.drop_nulls("pref")
        .filter(shared_by("key", "pref") <= cap)
        .select("key", "pref", "cidx"),
        "sample": common.filter(in_order < _AMBIGUOUS_SAMPLE).select("key", "cidx"),
    }


def expand(qk: pl.DataFrame, table: dict[str, pl.DataFrame], bit: int) -> pl.DataFrame:
    """(qid, cidx, via) for query keys (qid, key, pref) through a ``name_table``."""
    qk = qk.drop_nulls("key")
    parts = [
        qk.join(table["rare"], on="key"),
        qk.drop_nulls("pref").join(table["by_pref"], on=["key", "pref"]),
        qk.filter(pl.col("pref").is_null()).join(table["sample"], on="key"),
    ]
    return pl.concat([p.select("qid", "cidx") for p in parts]).with_columns(via=pl.lit(bit, pl.UInt8))


def key_table(master: pl.DataFrame, key: str, cap: int) -> pl.DataFrame:
    """Company key → cidx, dropping values held by more than ``cap`` companies (shared phones, domains)."""
    t = master.select("cidx", pl.col(key).alias("key")).drop_nulls("key")
    return t.filter(shared_by("key") <= cap)


def shared_by(*columns: str) -> pl.Expr:
    """How many rows share the row's values of ``columns``, counted over one 64-bit hash of them:
    polars groups one integer about twice as fast as strings (national master, 5M names: 0.42 → 0.21 s a
    key; phones 0.34 → 0.18 s; the same counts). Two keys meeting in 64 bits (~1e-7 at 5M rows) would
    add up their counts, as in ``keys._group_sizes``: a key could only look commoner (fewer candidates,
    no exact-key link), never rarer."""
    return pl.len().over(_hashed(*columns))


def _hashed(*columns: str) -> pl.Expr:
    """One 64-bit hash of the row's values of ``columns``: the integer ``shared_by`` groups by."""
    return pl.col(columns[0]).hash(seed=0) if len(columns) == 1 else pl.struct(columns).hash(seed=0)


def merge(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Union candidate parts, OR-ing the ``via`` bits of duplicate pairs."""
    allp = pl.concat([p.select("qid", pl.col("cidx").cast(pl.UInt32), "via") for p in parts]).lazy()
    merged = allp.group_by(_packed("qid", "cidx")).agg(pl.col("via").bitwise_or()).sort("key")
    return merged.select(*_unpacked("qid", "cidx"), "via").collect()


_HIGH = 1 << 32


def _packed(high: str, low: str) -> pl.Expr:
    """Two UInt32 id columns as one UInt64 ``key`` that sorts like the pair. polars groups and sorts
    by one integer several times faster than by two columns (a medium batch's 1.9M candidate parts
    merged: 0.59 → 0.19 s; its bigram pairs counted: 0.85 → 0.52 s; medians of 7, the same pairs)."""
    return (pl.col(high).cast(pl.UInt64) * _HIGH + pl.col(low).cast(pl.UInt64)).alias("key")


def _unpacked(high: str, low: str) -> list[pl.Expr]:
    """The two UInt32 columns of a ``_packed`` key."""
    key = pl.col("key")
    return [(key // _HIGH).cast(pl.UInt32).alias(high), (key % _HIGH).cast(pl.UInt32).alias(low)]


def _unique_pairs(frame: pl.DataFrame, high: str, low: str) -> pl.DataFrame:
    """The distinct (``high``, ``low``) UInt32 pairs of ``frame``, sorted by both (a medium batch's
    2.7M fuzzy name pairs: 0.47 → 0.13 s against ``unique().sort(high, low)``, medians of 7)."""
    distinct = frame.lazy().select(_packed(high, low)).unique().sort("key")
    return distinct.select(*_unpacked(high, low)).collect()
