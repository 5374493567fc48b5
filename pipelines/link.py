"""Step link: 名寄せ of sales customers, contacts and the companies of activities to the master (see
``abm.matching``).

It publishes ``matches`` (each record's link and its account: its master company, or the successor
a merger left, else its off-master group) and ``work.record_account`` straight from its frame of links,
which is never written itself (national: 4.9M records, ~5 s).

Activity records (rows no known contact accounts for, one per distinct company) never form an account
of their own: unlinked, they join the off-master group of a sales or contact record sharing their name
key or domain, else they stay unattributed."""

from __future__ import annotations

import time
from collections.abc import Callable

import polars as pl

from abm.matching import MASTER_COLUMNS, attach_groups, group_keys, is_linked, offmaster_groups
from abm.matching.decision_store import read_decisions
from abm.matching.exact import exact_links
from pipelines.context import RunContext
from pipelines.link_cache import ExactPass, Master, link_source

# where each source's records are, in linking order: a work table later steps read too, or a query
# only this step reads (pipelines/sql/<file>.sql) over the table it names, present when the input is
TABLES = {"sales": "work.sales_customers", "contacts": "work.contact_records"}
QUERIED = {"activities": ("activity_records", "work.activity_rows")}
SOURCES = (*TABLES, *QUERIED)
ATTACHING = ("activities",)  # sources whose unlinked records join existing groups only
# sources linked first by a 法人番号, domain or name the master holds once (abm.matching.exact)
EXACT_FIRST = ("activities",)


def _indented(ctx: RunContext) -> Callable[[str], None]:
    """Linking's progress lines, indented under the step (they already name their source)."""
    return lambda msg: ctx.progress(f"  {msg}")


def link(ctx: RunContext) -> int:
    ctx.sql("sales_customers")
    ctx.sql("contact_records")
    if ctx.exists("activities"):  # optional input
        ctx.sql("free_mail_domains")
        ctx.sql("activity_rows")
    decisions = read_decisions(ctx.settings.run.decisions)
    master = Master(
        ctx.read_table("companies", MASTER_COLUMNS),
        ctx.settings.match,
        ctx.cache,
        _indented(ctx),
        ctx.settings.ui.language,
    )
    matches, reviews, unlinked = [], [], []
    for source in SOURCES:
        records = _records(ctx, source)
        if records is None:
            continue
        decided = decisions.filter(pl.col("source") == source)
        exact = _exact_pass(ctx, source) if source in EXACT_FIRST else None
        # link_source names the source itself; unchanged records keep the previous run's link
        result = link_source(master, records, source, decided, _indented(ctx), exact)
        linked, stats = result.matches, result.stats
        status = linked["status"].value_counts().sort("status")
        summary = ", ".join(f"{row['status']} {row['count']:,}" for row in status.iter_rows(named=True))
        seconds = ", ".join(f"{k} {v:.1f}s" for k, v in stats.get("seconds", {}).items() if v >= 0.1)
        seconds = f" ({seconds})" if seconds else ""
        ctx.say("run.link.summary", source=source, records=records.height, statuses=summary, seconds=seconds)
        ctx.facts.setdefault("link", {})[source] = {
            **{row["status"]: row["count"] for row in status.iter_rows(named=True)},
            **{k: v for k, v in stats.items() if isinstance(v, int | float | str)},
        }
        matches.append(linked.with_columns(is_linked().alias("linked")))
        reviews.append(result.review)
        open_keys = linked.filter(~is_linked()).select("source_key")
        keys = group_keys(records.join(open_keys, on="source_key"), ctx.settings.match.free_mail_domains)
        unlinked.append(keys.select(pl.lit(source).alias("source"), pl.all()))
    master.keep_unused()
    del master  # the index (GiBs at national) goes before DuckDB sorts the matches below
    link_matches = pl.concat(matches, how="diagonal_relaxed")
    matches.clear()
    companies_unknown = pl.concat(unlinked)
    attaching = pl.col("source").is_in(ATTACHING)
    grouping = companies_unknown.filter(~attaching)
    grouped = grouping.with_columns(offmaster_groups(grouping))
    joining = companies_unknown.filter(attaching)
    attached = joining.select("source", "source_key", attach_groups(joining, grouped))
    ctx.write(
        "work.offmaster_groups", pl.concat([grouped.select("source", "source_key", "group_label"), attached])
    )
    ctx.write("match_review", pl.concat(reviews, how="diagonal_relaxed"))
    ctx.sql("successors")
    with ctx.registered("link_matches", link_matches):
        ctx.sql("matches")
        ctx.sql("record_account")
    return link_matches.height


def _records(ctx: RunContext, source: str) -> pl.DataFrame | None:
    """The records of ``source`` to link, None when its input was not given."""
    if source in TABLES:
        return ctx.read_table(TABLES[source]) if ctx.exists(TABLES[source]) else None
    query, reads = QUERIED[source]
    if not ctx.exists(reads):
        return None
    records = ctx.sql_rows(query)
    ctx.release_cache()  # as read_table does: the query's scanned blocks are not needed again here
    return records


def _exact_pass(ctx: RunContext, source: str) -> ExactPass:
    """The EXACT_FIRST pass for ``source``: the matches of the records an exact key (or a bare name
    several master companies share) decides, among the records given (``link_source`` gives it the
    records it did not reuse and no person decided on)."""

    def run(prepared: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
        t = time.perf_counter()
        exact, rest = exact_links(prepared, records, source, ctx.settings.match.free_mail_domains)
        seconds = time.perf_counter() - t
        ctx.say("run.link.exact", source=source, exact=exact.height, seconds=seconds, rest=rest.height)
        return exact

    return run
