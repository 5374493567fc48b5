"""名寄せ in a re-run: reuse the master's index and model, and the link of every unchanged record.

Why it is safe (checked in abm/matching): a record's link depends only on the record, the master, the
match settings, the model trained on that master and the human decisions. Queries are blocked and
scored one by one (features that compare a candidate with the query's other candidates are per query,
``over("qid")``; batches only bound memory), so linking a subset of the records gives each of them the
result the whole set would. What depends on the whole batch — the off-master grouping of unlinked
records — is not cached: the link step re-runs it on every unlinked record.

Entries (see ``pipelines.run_cache``):
- ``master_index``: the prepared master (keys, blocking tables, bigram index) and its trained model,
  keyed by the master's content and every match setting the build reads (not the thresholds);
- ``link_<source>``: per source, each record's match row and review rows with the record's
  fingerprint, keyed by the master, all match settings and that source's decisions. Records with a
  human decision are always linked again (cheap: few), so stale-decision warnings stay the run's own.
  For a source linked by exact keys first (activities), the exact pass is part of a record's link and
  is reused with it: it too reads only the record, the master and the match settings (its unique-key
  tables are the master's), and it was most of a national re-run's activity linking (23 s).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

import polars as pl

from abm.matching import MATCH_SCHEMA, REVIEW_SCHEMA, LinkResult, MatchSettings, latest_decisions
from abm.matching import link as link_records
from abm.matching.index import MasterIndex
from abm.matching.linking import BORDERLINE
from abm.messages import DEFAULT_LANGUAGE, Lang, text
from pipelines.run_cache import RunCache, fingerprint, frame_fingerprint, record_fingerprints

# match settings that only decide between scored pairs: the index and model do not depend on them
THRESHOLDS = {"auto", "review", "margin", "keep_candidates"}
INDEX_FORMAT = 2  # MasterIndex.save's layout: a cache written in another one is a miss, not a warning
LINKS_FORMAT = 2  # the link entries' columns (2: the ``exact`` flag); another layout is a miss
# (prepared master, records) -> the matches of the records an exact key decides (pipelines.link)
ExactPass: TypeAlias = Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]


class Master:
    """The master to link against, its fingerprint, and its index, loaded or built only when needed;
    ``say`` hears progress lines in ``lang``."""

    def __init__(
        self,
        companies: pl.DataFrame,
        settings: MatchSettings,
        cache: RunCache,
        say: Callable[[str], None],
        lang: Lang = DEFAULT_LANGUAGE,
    ) -> None:
        self.companies, self.settings, self.cache, self.say, self.lang = companies, settings, cache, say, lang
        self.fingerprint = frame_fingerprint(companies)
        settings_json = settings.model_dump(mode="json", exclude=THRESHOLDS)
        self.index_key = fingerprint("master_index", INDEX_FORMAT, self.fingerprint, settings_json)
        self._index: MasterIndex | None = None

    def index(self) -> MasterIndex:
        if self._index is None:
            idx = self.cache.load(
                "master_index", self.index_key, lambda p: MasterIndex.load(p, self.settings)
            )
            if idx is not None:
                self.cache.note("master_index", "reused")
                self.say(text("run.link.reused_index", self.lang))
            else:
                # built, not memoised (abm.matching.index.master_index): the run must not hold the
                # national index (GiBs) in a module global through the steps after link
                idx = MasterIndex.build(self.companies, self.settings)
                self.cache.put("master_index", self.index_key, idx.save)
            self._index = idx
            # linking reads the master through its index from here on (its keys frame holds company_id
            # and name, sharing their buffers): the raw frame (0.8 GiB at 5M companies) is let go
            self.companies = idx.master
        return self._index

    def keep_unused(self) -> None:
        """No record needed linking: keep the cached index (unread) for the next run."""
        if self._index is None:
            self.cache.load("master_index", self.index_key, lambda _p: True)


def _read_links(folder: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    return pl.read_parquet(folder / "matches.parquet"), pl.read_parquet(folder / "review.parquet")


def _write_links(folder: Path, matches: pl.DataFrame, review: pl.DataFrame) -> None:
    matches.write_parquet(folder / "matches.parquet")
    review.write_parquet(folder / "review.parquet")


def link_source(
    master: Master,
    records: pl.DataFrame,
    source: str,
    decisions: pl.DataFrame,
    say: Callable[[str], None],
    exact: ExactPass | None = None,
) -> LinkResult:
    """Link one source's records, reusing the cached link of each unchanged record when the master,
    the match settings and the decisions are unchanged; the result is the full link's, row for row.
    ``exact``: the source's exact-key pass, run before the model on the records not reused (a record a
    person decided on skips it: 名寄せ applies the decision). ``stats["exact_key"]`` counts the
    records an exact key decided, reused or not."""
    cache = master.cache
    key = fingerprint(
        f"link_{source}",
        LINKS_FORMAT,
        master.fingerprint,
        master.settings.model_dump(mode="json"),
        frame_fingerprint(decisions),  # in order: the latest decision per record wins
    )
    fps = records.select("source_key", record_fingerprints(records, "source_key"))
    decided = latest_decisions(decisions, source).select("source_key")
    reuse = pl.DataFrame(schema={**MATCH_SCHEMA, "record_fp": pl.UInt64, "exact": pl.Boolean})
    old_review = pl.DataFrame(schema=REVIEW_SCHEMA)
    cached = (
        None
        if records["source_key"].is_duplicated().any()
        else cache.load(f"link_{source}", key, _read_links)
    )
    if cached is not None:
        old, old_review = cached
        reuse = _without(old.join(fps, on=["source_key", "record_fp"], how="semi"), decided)
    todo = _without(records, reuse)
    if reuse.height:
        say(text("run.link.reused", master.lang, source=source, reused=reuse.height, todo=todo.height))
        cache.note(f"link_{source}", {"reused": reuse.height, "linked": todo.height})
    by_key, fresh = _link_fresh(master, todo, source, decisions, decided, say, exact)
    order = records.select("source_key").with_row_index("_pos")
    flagged = (
        order.join(
            pl.concat(
                [
                    reuse.drop("record_fp"),
                    by_key.with_columns(exact=pl.lit(True)),
                    fresh.matches.with_columns(exact=pl.lit(False)),
                ],
                how="vertical_relaxed",
            ),
            on="source_key",
            how="left",
            maintain_order="left",
        )
        .drop("_pos")
        .select(*MATCH_SCHEMA, "exact")
    )
    matches = flagged.select(list(MATCH_SCHEMA))
    borderline = pl.concat(
        [
            old_review.join(reuse.select("source_key"), on="source_key", how="semi"),
            fresh.review,
        ],
        how="vertical_relaxed",
    ).filter(pl.col("reason") == BORDERLINE)
    borderline = (
        borderline.join(order, on="source_key", how="left").sort("_pos", maintain_order=True).drop("_pos")
    )
    review = pl.concat(
        [borderline, fresh.review.filter(pl.col("reason") != BORDERLINE)], how="vertical_relaxed"
    )
    cache.put(
        f"link_{source}",
        key,
        lambda p: _write_links(
            p, flagged.join(fps, on="source_key", how="left", maintain_order="left"), review
        ),
    )
    stats = {**fresh.stats, "records": records.height, "reused": reuse.height}
    if exact is not None:
        stats["exact_key"] = int(flagged["exact"].sum())
    return LinkResult(matches, review.select(list(REVIEW_SCHEMA)), stats)


def _link_fresh(
    master: Master,
    todo: pl.DataFrame,
    source: str,
    decisions: pl.DataFrame,
    decided: pl.DataFrame,
    say: Callable[[str], None],
    exact: ExactPass | None,
) -> tuple[pl.DataFrame, LinkResult]:
    """(matches an exact key decided, the model's link of the rest) for the records not reused."""
    by_key = pl.DataFrame(schema=MATCH_SCHEMA)
    if exact is not None and todo.height:
        by_key = exact(master.index().master, _without(todo, decided))
        todo = _without(todo, by_key)
    if todo.height:
        index = master.index()
        fresh = link_records(
            index.master, todo, source=source, settings=master.settings, decisions=decisions,
            progress=say, index=index, lang=master.lang,
        )  # fmt: skip
    else:
        fresh = LinkResult(
            pl.DataFrame(schema=MATCH_SCHEMA), pl.DataFrame(schema=REVIEW_SCHEMA), {"records": 0}
        )
    return by_key, fresh


def _without(records: pl.DataFrame, drop: pl.DataFrame) -> pl.DataFrame:
    """``records`` less those whose ``source_key`` is in ``drop``, in order; ``records`` itself when
    there is nothing to drop (a first run reuses nothing, most runs have no decisions): an anti join
    copies every column even then (national activity records: ~0.5 GiB a copy, two of them alive at
    the link step's peak, in the exact pass)."""
    if drop.height == 0:
        return records
    return records.join(drop.select("source_key"), on="source_key", how="anti", maintain_order="left")
