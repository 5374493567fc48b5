"""Grouping of the records 名寄せ left unlinked: records of the same unknown company, one account.

A linked record's account is its master company (``matches.account_id``, pipelines/sql/matches.sql).
Unlinked records are grouped, across sources, by connected components over their name key
(normalised name + prefecture) and corporate email domain, each group named by the smallest key in
it (``n:<name>|<prefecture>`` or ``d:<domain>``), so the account id derived from it is stable from
run to run. This is the only grouping: ``matches.account_id`` publishes it.
"""

from __future__ import annotations

import polars as pl


def _keys(df: pl.DataFrame) -> pl.DataFrame:
    """(rid, key) edges: name key and domain key of each record."""
    name = df.select(
        "rid",
        pl.format("n:{}|{}", "nname", pl.col("pref").fill_null("")).alias("key"),
        pl.col("nname").is_not_null().alias("ok"),
    )
    dom = df.select(
        "rid", pl.format("d:{}", "domain").alias("key"), pl.col("domain").is_not_null().alias("ok")
    )
    return pl.concat([name, dom]).filter("ok").drop("ok")


def _components(edges: pl.DataFrame, max_iter: int = 50) -> pl.DataFrame:
    """(rid, label): connected components of records through shared keys, label = smallest key."""
    label = edges.group_by("rid").agg(pl.col("key").min().alias("label"))
    for _ in range(max_iter):
        key_label = edges.join(label, on="rid").group_by("key").agg(pl.col("label").min())
        new = edges.join(key_label, on="key").group_by("rid").agg(pl.col("label").min())
        changed = (
            new.join(label, on="rid", suffix="_old").filter(pl.col("label") != pl.col("label_old")).height
        )
        label = new
        if changed == 0:
            break
    return label


def offmaster_groups(records: pl.DataFrame) -> pl.Series:
    """One label per company for records that linked to no master company, across sources.

    ``records`` holds source, source_key, nname, pref and domain (corporate email domain, free mail
    already dropped). Records sharing a name key (normalised name + prefecture) or a domain form one
    company, so a customer code and the contacts of the same unknown company become one account.
    Nothing is adopted into a master company: a record 名寄せ did not link is never silently treated
    as linked. A record with neither key stands alone.
    """
    df = records.with_row_index("rid")
    comps = _components(_keys(df))
    return (
        df.join(comps, on="rid", how="left", maintain_order="left")
        .select(pl.coalesce("label", pl.format("r:{}:{}", "source", "source_key")))
        .to_series()
        .alias("group_label")
    )


def attach_groups(records: pl.DataFrame, grouped: pl.DataFrame) -> pl.Series:
    """The group label of each of ``records`` that shares a key with an already grouped record, else null.

    For sources that must not create accounts of their own nor merge existing ones (activities: a web
    visit from an unknown company is no account): the groups stay as the other sources formed them.
    ``records`` and ``grouped`` hold source, source_key, nname, pref and domain; ``grouped`` also
    group_label. A record touching several groups takes the smallest label, so the result is stable.
    """
    df = records.with_row_index("rid")
    base = grouped.with_row_index("rid")
    key_label = (
        _keys(base)
        .join(base.select("rid", "group_label"), on="rid")
        .group_by("key")
        .agg(pl.col("group_label").min())
    )
    found = _keys(df).join(key_label, on="key").group_by("rid").agg(pl.col("group_label").min())
    return df.join(found, on="rid", how="left", maintain_order="left")["group_label"].alias("group_label")
