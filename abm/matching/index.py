"""The prepared master: keys, blocking tables, bigram index and the trained scoring model.

Building it is the expensive part of linking (normalising millions of names, training the model),
so the last one built is kept and reused while the same companies frame and settings are passed
again — the pipeline links sales customers and contacts against one master in one run.
"""

from __future__ import annotations

import pickle
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from abm.matching import blocking, english, features, synth
from abm.matching.keys import former_name_keys, master_keys, record_keys
from abm.matching.scoring import Model
from abm.matching.settings import MatchSettings

QUERY_KEYS = (
    "nname", "legal", "kana", "en", "roma", "pref", "phone", "domain", "cn", "addr", "address",
    *english.RECORD_KEYS,
)  # fmt: skip
# English names against the reading (abm.matching.english): query key (spellings "|"-joined) →
# master key tables, all reported under the "en" blocking bit
_ENGLISH_BLOCKS = (
    ("en_trs", "en_tr"), ("en_trs", "en_nrom"), ("en_stem", "en_stem"), ("en_stem", "en_tr"),
    ("en_skels", "en_skel"), ("en_loans", "en_loan"),
)  # fmt: skip
_MIN_SKELETON = 3  # consonants a skeleton needs to propose candidates (PN alone would match too many)
_DRAW_STRIDE = 1000  # draw k uses seed + 1000 k (synth uses seed + 1 for its own stream)


@dataclass
class MasterIndex:
    master: pl.DataFrame
    tables: dict[str, pl.DataFrame]
    names: dict[str, dict[str, pl.DataFrame]]
    name_index: blocking.NameIndex
    settings: MatchSettings
    reading_index: blocking.NameIndex | None = None  # romaji of the readings, for English names
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
            "addr": blocking.key_table(m, "addr", cap),
        }
        names = {
            k: blocking.name_table(m, col, cap)
            for k, col in (("name", "nname"), ("kana", "kana"), ("en", "en"), ("roma", "roma"))
        }
        names["former"] = blocking.name_table(former_name_keys(m), "former", cap)
        names.update({k: blocking.name_table(m, k, cap) for k in {t for _, t in _ENGLISH_BLOCKS}})
        # the two name indexes side by side: each is mostly single-threaded NumPy (hashing, sorting
        # runs) that releases the GIL, so the second core takes the other (national: 21.5 → 13-15 s)
        with ThreadPoolExecutor(2) as pool:
            names_built = pool.submit(blocking.NameIndex.build, m["nname"], settings.deletion_cap)
            readings_built = pool.submit(blocking.NameIndex.build, m["en_tr"], settings.deletion_cap)
            name_index, reading_index = names_built.result(), readings_built.result()
        t2 = time.perf_counter()
        idx = cls(
            m, tables, names, name_index, settings, reading_index,
            seconds={"master_keys": t1 - t0, "master_index": t2 - t1},
        )  # fmt: skip
        small = m.height < settings.min_training_master
        idx.model = reference_model(settings) if small else idx._train()
        idx.seconds["train"] = time.perf_counter() - t2
        return idx

    def save(self, folder: Path) -> None:
        """Write the index to ``folder`` for ``load``: its frames as Parquet, the model pickled. At 5M
        companies that is 1.9 GiB on disk instead of ~5 GB, written in half the time pickling the object
        took and read in a third (9.7 vs 18.7 s, 3.3 vs 11.1 s)."""
        frames = {
            "master": self.master,
            **{f"tables/{k}": t for k, t in self.tables.items()},
            **{f"names/{k}/{part}": t for k, parts in self.names.items() for part, t in parts.items()},
        }
        for name, frame in frames.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            frame.write_parquet(folder / f"{name}.parquet", compression="lz4")
        self.name_index.save(folder / "name_index")
        if self.reading_index is not None:
            self.reading_index.save(folder / "reading_index")
        layout = {"tables": list(self.tables), "names": {k: list(parts) for k, parts in self.names.items()}}
        with (folder / "model.pkl").open("wb") as fh:
            pickle.dump({"model": self.model, "seconds": self.seconds, "layout": layout}, fh)

    @classmethod
    def load(cls, folder: Path, settings: MatchSettings) -> MasterIndex:
        """The index ``save`` wrote, with the run's ``settings`` (thresholds may differ from the build's)."""
        with (folder / "model.pkl").open("rb") as fh:
            rest = pickle.load(fh)  # our own file, written by save
        layout = rest["layout"]

        def read(name: str) -> pl.DataFrame:
            return pl.read_parquet(folder / f"{name}.parquet")

        reading = folder / "reading_index"
        return cls(
            read("master"),
            {k: read(f"tables/{k}") for k in layout["tables"]},
            {k: {part: read(f"names/{k}/{part}") for part in parts} for k, parts in layout["names"].items()},
            blocking.NameIndex.load(folder / "name_index"),
            settings,
            blocking.NameIndex.load(reading) if reading.exists() else None,
            rest["model"],
            rest["seconds"],
        )

    @property
    def trained_model(self) -> Model:
        """The scoring model; ``model`` is None only while ``build`` trains it."""
        assert self.model is not None, "MasterIndex.build sets the model before returning"
        return self.model

    def candidates(self, queries: pl.DataFrame) -> pl.DataFrame:
        """(qid, cidx, via) for prepared queries (``qid`` + QUERY_KEYS columns)."""
        s, v = self.settings, blocking.VIA
        q = queries
        parts = [
            q.select("qid", pl.col(k).alias("key"))
            .drop_nulls("key")
            .join(t, on="key")
            .select("qid", "cidx", via=pl.lit(v[k], pl.UInt8))
            for k, t in self.tables.items()
        ]
        for qcol, table, bit in (
            ("nname", "name", "name"),
            ("kana", "kana", "kana"),
            ("kana", "name", "kana"),
            ("en", "en", "en"),
            ("en", "name", "en"),
            ("roma", "roma", "en"),
            ("nname", "former", "name"),  # a record under a former name (旧商号): an exact name hit
        ):
            parts.append(
                blocking.expand(q.select("qid", pl.col(qcol).alias("key"), "pref"), self.names[table], v[bit])
            )
        for qcol, table in _ENGLISH_BLOCKS:
            qk = q.select("qid", pl.col(qcol).str.split(english.SEP).alias("key"), "pref").explode("key")
            if qcol == "en_skels":
                qk = qk.filter(pl.col("key").str.len_chars() >= _MIN_SKELETON)
            parts.append(blocking.expand(qk, self.names[table], v["en"]))
        exact = pl.concat(parts)
        named = exact.filter((pl.col("via") & blocking.NAME_BITS) > 0).select("qid").unique()
        todo = (
            q.filter(pl.col("nname").is_not_null()).join(named, on="qid", how="anti").select("qid", "nname")
        )
        if todo.height:
            near = self.name_index.fuzzy(
                todo, cap=s.ngram_cap, per_name=s.ngrams_per_name, keep=s.fuzzy_names
            )
            near = near.join(q.select("qid", "pref"), on="qid")
            parts.append(blocking.expand(near, self.names["name"], v["fuzzy"]))
            # English names found nothing exact: the readings' romaji nearest to their spellings
            en = todo.select("qid").join(q.select("qid", "en_trs"), on="qid").drop_nulls("en_trs")
            en = en.select("qid", nname=pl.col("en_trs").str.split(english.SEP).list.first())
            if en.height and self.reading_index is not None:
                near = self.reading_index.fuzzy(
                    en, cap=s.ngram_cap, per_name=s.ngrams_per_name, keep=s.fuzzy_names
                )
                near = near.join(q.select("qid", "pref"), on="qid")
                parts.append(blocking.expand(near, self.names["en_tr"], v["en"]))
        return blocking.merge(parts)

    def score(self, pf: pl.DataFrame) -> np.ndarray:
        """Match probability of each featured pair: the model's, except that the 法人番号 (valid check
        digit) is the national registry's identity and decides whatever the name says: equal links,
        different never links (a group company named after its parent has its own number)."""
        cn_eq, cn_ne = pf["cn_eq"].to_numpy() > 0, pf["cn_ne"].to_numpy() > 0
        p = np.where(cn_eq, 1.0, np.where(cn_ne, 0.0, self.trained_model.score(pf)))
        return np.where(_shared_address_only(pf), np.minimum(p, np.nextafter(self.settings.auto, 0)), p)

    def _train(self) -> Model:
        """The model, averaged over ``training_draws`` synthetic draws (seeds derived from ``seed``)."""
        s = self.settings
        seeds = [s.seed + _DRAW_STRIDE * k for k in range(s.training_draws)]
        return Model.bagged([Model.fit(*self._train_draw(seed)) for seed in seeds])

    def _train_draw(self, seed: int) -> tuple[pl.DataFrame, np.ndarray]:
        """Features and labels of one draw of synthetic queries made from the master."""
        s = self.settings
        tq = synth.training_queries(self.master, s.training_companies, seed, s.unmatched_share)
        r = record_keys(tq, s.free_mail_domains).rename({"rid": "qid"})
        r = r.with_columns(tq.select("true_cidx", "outside", "group_company"))
        queries = r.select("qid", *QUERY_KEYS)
        pf = features.pair_frame(self.candidates(queries), queries, self.master)
        pf = pf.join(r.select("qid", "true_cidx", "outside", "group_company"), on="qid")
        pf = pf.filter(~(pl.col("outside") & (pl.col("cidx") == pl.col("true_cidx"))))
        pf = features.features(_without_true_company(pf, self.master))
        # a group company's query teaches one thing — its pair with the parent, where the added word is
        # seen, is another company — and nothing about other look-alikes or hidden words (typing noise),
        # which the other queries teach already
        parent = (pl.col("cidx") == pl.col("true_cidx")) & (pl.col("group_word") > 0)
        pf = pf.filter(~pl.col("group_company") | parent)
        # joins and unique() return rows in any order; the model (its early-stopping split) must not
        # depend on it, or the same inputs would link differently from run to run
        pf = pf.sort("qid", "cidx")
        # a group company's record is made from its parent (true_cidx) but is another company
        labels = (pl.col("cidx") == pl.col("true_cidx")) & ~pl.col("outside") & ~pl.col("group_company")
        y = pf.select(labels).to_series().to_numpy().astype(np.int8)
        return pf.select(features.FEATURES), y


def _shared_address_only(pf: pl.DataFrame) -> np.ndarray:
    """Pairs whose only company key is an address several master companies share (a group's or a
    multi-tenant building) and whose names differ: weak evidence, so at most the review queue. The
    synthetic training pairs rarely hold such buildings, so the model alone over-trusts them."""
    keys = pl.col("cn_eq") + pl.col("dom_eq") + pl.col("ph_eq")
    names = (pl.col("name_exact") > 0) | (pl.col("contain") > 0) | (pl.col("best_sim") >= 0.8)
    weak = (pl.col("addr_common") > 0) & (keys == 0) & ~names
    return pf.select(weak).to_series().to_numpy()


_TRUE_KEYS = (
    "nname", "legal", "pref", "city", "kana", "en", "roma", "addr", "en_tr", "en_stem", "en_skel", "en_loan",
)  # fmt: skip


def _without_true_company(pf: pl.DataFrame, master: pl.DataFrame) -> pl.DataFrame:
    """For "outside" training queries, count name keys as if their company were not in the master.

    An outside query is made from a master company that is then hidden; the companies sharing its
    name must not count it, or a name unique outside the hidden company would never be seen.
    """
    t = master.select(pl.col(c).alias(f"t_{c}") for c in _TRUE_KEYS)[pf["true_cidx"]]
    pf = pl.concat([pf, t], how="horizontal")

    def same(*cols: str) -> pl.Expr:
        return pl.all_horizontal((pl.col(f"m_{c}") == pl.col(f"t_{c}")).fill_null(False) for c in cols)

    keys = {"f_n": ("nname",), "f_nl": ("nname", "legal"), "f_np": ("nname", "pref"),
            "f_nlp": ("nname", "legal", "pref"), "f_npc": ("nname", "pref", "city"),
            "f_nlpc": ("nname", "legal", "pref", "city"), "f_k": ("kana",), "f_kp": ("kana", "pref"),
            "f_e": ("en",), "f_ep": ("en", "pref"), "f_r": ("roma",), "f_rp": ("roma", "pref"),
            "f_a": ("addr",), "f_tr": ("en_tr",), "f_st": ("en_stem",), "f_sk": ("en_skel",),
            "f_lo": ("en_loan",)}  # fmt: skip
    return pf.with_columns(
        pl.when(pl.col("outside") & same(*cols))
        .then(pl.col(f"m_{k}") - 1)
        .otherwise(pl.col(f"m_{k}"))
        .alias(f"m_{k}")
        for k, cols in keys.items()
    ).drop(f"t_{c}" for c in _TRUE_KEYS)


_REFERENCE: dict[str, Model] = {}


def reference_model(settings: MatchSettings) -> Model:
    """A model trained on a generated master, for masters too small to train on (tests, tiny samples)."""
    key = settings.model_dump_json(
        include={"training_companies", "training_draws", "seed", "unmatched_share", "free_mail_domains"}
    )
    if key not in _REFERENCE:
        from abm.sample.companies import make_companies  # the project's seeded generator

        ref = make_companies(np.random.default_rng(settings.seed), 12_000, 2025).select(
            "company_id", "name", "corporate_number", pl.col("kana").alias("name_kana"), "name_en",
            "prefecture", pl.col("city_name").alias("city"), "address", "phone", "domain",
        )  # fmt: skip
        # half without an English name, as in the national master: the model must also learn to
        # link English names through the reading alone (abm.matching.english)
        ref = ref.with_columns(
            name_en=pl.when(pl.int_range(pl.len()) % 4 == 0).then("name_en").otherwise(None)
        )
        s = settings.model_copy(update={"min_training_master": 0, "training_companies": 12_000})
        _REFERENCE[key] = MasterIndex.build(ref, s).trained_model
    return _REFERENCE[key]


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
