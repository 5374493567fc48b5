"""The prepared master: keys, blocking tables, bigram index and the trained scoring model.

Building it is the expensive part of linking (normalising millions of names, training the model),
so the last one built is kept and reused while the same companies frame and settings are passed
again — the pipeline links sales customers and contacts against one master in one run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from abm.matching import blocking, features, synth
from abm.matching.keys import master_keys, record_keys
from abm.matching.scoring import Model
from abm.matching.settings import MatchSettings

QUERY_KEYS = ("nname", "legal", "kana", "en", "pref", "phone", "domain", "cn")


@dataclass
class MasterIndex:
    master: pl.DataFrame
    tables: dict[str, pl.DataFrame]
    ngrams: blocking.NgramIndex
    settings: MatchSettings
    model: Model | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @classmethod
    def build(cls, companies: pl.DataFrame, settings: MatchSettings) -> MasterIndex:
        t0 = time.perf_counter()
        m = master_keys(companies)
        t1 = time.perf_counter()
        cap = settings.max_key_companies
        tables = {
            "cn": blocking.key_table(m, "cn", 1),
            "domain": blocking.key_table(m, "domain", cap),
            "phone": blocking.key_table(m, "phone", cap),
            "name": blocking.key_table(m, "nname", cap),
            "name_pref": blocking.key_table(
                m.filter(pl.col("name_freq") > cap), "nname", cap, with_pref=True
            ),
            "kana": blocking.key_table(m, "kana", cap),
            "en": blocking.key_table(m, "en", cap),
        }
        ngrams = blocking.NgramIndex.build(m["nname"])
        t2 = time.perf_counter()
        idx = cls(m, tables, ngrams, settings, seconds={"master_keys": t1 - t0, "master_index": t2 - t1})
        idx.model = idx._train()
        idx.seconds["train"] = time.perf_counter() - t2
        return idx

    def candidates(self, queries: pl.DataFrame) -> pl.DataFrame:
        """(qid, cidx, via) for prepared queries (``qid`` + QUERY_KEYS columns)."""
        s = self.settings
        exact = blocking.exact_candidates(queries, self.tables)
        named = exact.filter(
            (pl.col("via") & (blocking.VIA["name"] | blocking.VIA["kana"] | blocking.VIA["en"])) > 0
        )
        todo = queries.filter(~pl.col("qid").is_in(named["qid"].unique()) & pl.col("nname").is_not_null())
        fuzzy = self.ngrams.candidates(
            todo["qid"].to_numpy(),
            todo["nname"],
            cap=s.ngram_cap,
            per_name=s.ngrams_per_name,
            budget=s.ngram_cap * 2,
            keep=s.max_fuzzy_candidates,
        ).select("qid", "cidx", pl.lit(blocking.VIA["ngram"], pl.UInt8).alias("via"))
        return blocking.merge([exact, fuzzy])

    def scored(self, queries: pl.DataFrame) -> pl.DataFrame:
        """Scored candidate pairs of prepared queries, with their features."""
        pf = features.features(features.pair_frame(self.candidates(queries), queries, self.master))
        if self.model is not None:
            pf = pf.with_columns(score=pl.Series(self.model.score(pf), dtype=pl.Float64))
        return pf

    def _train(self) -> Model:
        s = self.settings
        tq = synth.training_queries(self.master, s.training_companies, s.seed)
        r = record_keys(tq, s.free_mail_domains).rename({"rid": "qid"})
        r = r.with_columns(tq.select("true_cidx", "outside"))
        pf = self.scored(r.select("qid", *QUERY_KEYS))
        pf = pf.join(r.select("qid", "true_cidx", "outside"), on="qid")
        pf = pf.filter(~(pl.col("outside") & (pl.col("cidx") == pl.col("true_cidx"))))
        labels = (pl.col("cidx") == pl.col("true_cidx")) & ~pl.col("outside")
        y = pf.select(labels).to_series().to_numpy().astype(np.int8)
        return Model.fit(pf, y)


_CACHE: list[tuple[pl.DataFrame, str, MasterIndex]] = []


def master_index(companies: pl.DataFrame, settings: MatchSettings) -> MasterIndex:
    """The index of ``companies``, reusing the last one built for the same frame and settings."""
    key = settings.model_dump_json(exclude={"auto", "review", "margin", "keep_candidates"})
    for frame, k, idx in _CACHE:
        if frame is companies and k == key:
            return idx
    idx = MasterIndex.build(companies, settings)
    _CACHE[:] = [(companies, key, idx)]
    return idx
