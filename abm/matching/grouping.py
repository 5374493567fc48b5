"""Within-source grouping: records of the same company share a ``group_key``.

A linked record's group is its company (``c:<company_id>``). A record left unlinked joins the
company of linked records it shares a name key (normalised name + prefecture) or a corporate email
domain with, when those point to exactly one company; otherwise unlinked records are grouped by
connected components over those keys, named by the smallest key in the component
(``n:<name>|<prefecture>`` or ``d:<domain>``), so the key is stable from run to run.
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


def group_keys(df: pl.DataFrame) -> pl.Series:
    """``group_key`` for a frame with rid, company_id (linked only), nname, pref, domain (one row per rid)."""
    edges = _keys(df)
    linked = df.filter(pl.col("company_id").is_not_null()).select("rid", "company_id")
    # keys that point to exactly one linked company
    key_company = (
        edges.join(linked, on="rid")
        .group_by("key")
        .agg(pl.col("company_id").unique())
        .filter(pl.col("company_id").list.len() == 1)
        .with_columns(pl.col("company_id").list.first())
    )
    open_edges = edges.join(linked, on="rid", how="anti")
    adopt = (
        open_edges.join(key_company, on="key")
        .group_by("rid")
        .agg(pl.col("company_id").unique())
        .filter(pl.col("company_id").list.len() == 1)
        .select("rid", pl.format("c:{}", pl.col("company_id").list.first()).alias("adopted"))
    )
    comps = _components(open_edges.join(adopt, on="rid", how="anti"))
    out = (
        df.select("rid", "company_id", "source_key")
        .join(adopt, on="rid", how="left", maintain_order="left")
        .join(comps, on="rid", how="left", maintain_order="left")
        .select(
            pl.coalesce(pl.format("c:{}", "company_id"), "adopted", "label", pl.format("r:{}", "source_key"))
        )
    )
    return out.to_series().alias("group_key")


def offmaster_groups(records: pl.DataFrame) -> pl.Series:
    """One label per company for records that linked to no master company, across sources.

    ``records`` holds source, source_key, nname, pref and domain (corporate email domain, free mail
    already dropped). Records sharing a name key (normalised name + prefecture) or a domain form one
    company, so a customer code and the contacts of the same unknown company become one account.
    Unlike ``group_keys`` nothing is adopted into a master company: a record 名寄せ did not link is
    never silently treated as linked. A record with neither key stands alone.
    """
    df = records.with_row_index("rid")
    comps = _components(_keys(df))
    return (
        df.join(comps, on="rid", how="left", maintain_order="left")
        .select(pl.coalesce("label", pl.format("r:{}:{}", "source", "source_key")))
        .to_series()
        .alias("group_label")
    )
