"""Why, per account: the two or three traits that most raise its buying power, in words.

"業種 39 情報サービス業: 上位顧客に 2.3 倍多い / 従業員 300–999人: 1.8 倍": the account's own
bands (abm.ranking.bands) joined to the lift table of what top customers share (abm.ranking.traits),
keeping the bands with lift ≥ ``MIN_LIFT`` that rest on at least ``MIN_SUPPORT`` top customers, best lift
first. The first trait says what the number means (上位顧客に 2.3 倍多い), the next ones only the number.
A marketer reads the reason in the terms of their own notes, and the same lift table backs every
account's reason, so the list and the lift table never disagree. ``不明`` (unknown) and ``該当語なし``
(no name word) never count as a reason: they say nothing about the company.

Vectorised for 5M companies: the (small) lift table is turned into phrases once; accounts are joined to
it per attribute on integer ids (row number, phrase id), the top ``TOP`` kept per account, and only then
are phrases looked up, so no Python runs per account and no long string frame is built.
"""

from __future__ import annotations

import polars as pl

from abm.messages import DEFAULT_LANGUAGE, Lang, text, text_expr
from abm.ranking.bands import ATTRIBUTES, NO_NAME_WORD, UNKNOWN

MIN_SUPPORT = 3  # a lift resting on fewer top customers than this is chance, not a reason
MIN_LIFT = 1.2  # below this a band is about as common among top customers as anywhere: no reason
TOP = 3  # traits per account


def trait_phrases(lifts: pl.DataFrame, lang: Lang = DEFAULT_LANGUAGE) -> pl.DataFrame:
    """attribute, value, lift, phrase_id, phrase, short: the rows of the lift table that can be a reason
    (``phrase`` says what the lift means, ``short`` only the number), strongest first."""
    reasons = lifts.filter(
        (pl.col("lift") >= MIN_LIFT)
        & (pl.col("support") >= MIN_SUPPORT)
        & ~pl.col("value").is_in([UNKNOWN, NO_NAME_WORD])
        & pl.col("value").is_not_null()
    )
    trait = pl.lit(None, pl.Utf8)
    for attribute in ATTRIBUTES:
        said = text_expr(f"why.attribute.{attribute}", lang, value=pl.col("value"))
        trait = pl.when(pl.col("attribute") == attribute).then(said).otherwise(trait)
    lift = pl.col("lift").round(1).cast(pl.Utf8)
    order = {a: i for i, a in enumerate(ATTRIBUTES)}
    return (
        reasons.select("attribute", "value", "lift")
        .with_columns(
            phrase=text_expr("why.trait", lang, trait=trait, lift=lift),
            short=text_expr("why.trait_short", lang, trait=trait, lift=lift),
        )
        .filter(pl.col("phrase").is_not_null())
        .sort([pl.col("lift"), pl.col("attribute").replace_strict(order, return_dtype=pl.Int32)],
              descending=[True, False])
        .with_columns(phrase_id=pl.int_range(pl.len(), dtype=pl.UInt32))
    )  # fmt: skip


def account_why(bands: pl.DataFrame, lifts: pl.DataFrame, lang: Lang = DEFAULT_LANGUAGE) -> pl.DataFrame:
    """account_id, why for every account of ``bands`` (abm.ranking.bands.band_frame); null when no trait
    of the account is more common among top customers than in the master.

    An account's reason is a function of its bands alone, and accounts share bands a lot (the national
    master: 466k distinct combinations in 5M companies, ~12k in a names-only one), so each combination
    is worded once and joined back to its accounts."""
    distinct = bands.select(ATTRIBUTES).unique()
    worded = distinct.with_columns(_why(distinct, lifts, lang))
    return (
        bands.select("account_id", *ATTRIBUTES)
        .join(worded, on=list(ATTRIBUTES), how="left", nulls_equal=True, maintain_order="left")
        .select("account_id", "why")
    )


def _why(bands: pl.DataFrame, lifts: pl.DataFrame, lang: Lang) -> pl.Series:
    """The reason of each row of ``bands`` (its ``ATTRIBUTES``), aligned with it."""
    phrases = trait_phrases(lifts, lang)
    rows = bands.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), *ATTRIBUTES)
    hits = []
    for attribute in ATTRIBUTES:
        ids = phrases.filter(pl.col("attribute") == attribute).select("value", "phrase_id")
        if ids.height:
            hits.append(
                rows.select("_row", pl.col(attribute).cast(pl.Utf8).alias("value"))
                .join(ids, on="value", how="inner")
                .select("_row", "phrase_id")
            )
    why = pl.Series("why", [None] * bands.height, dtype=pl.Utf8)
    if hits:
        # phrase ids are in lift order (best first), so the smallest ids are the strongest reasons
        top = (
            pl.concat(hits)
            .group_by("_row")
            .agg(pl.col("phrase_id").sort().head(TOP))
            .select("_row", _words(pl.col("phrase_id"), phrases, text("why.separator", lang)).alias("why"))
        )
        why = rows.select("_row").join(top, on="_row", how="left", maintain_order="left")["why"]
    return why.alias("why")


def _words(ids: pl.Expr, phrases: pl.DataFrame, separator: str) -> pl.Expr:
    """A list of phrase ids → 'first phrase in full / the next ones short'."""
    first = ids.list.first().replace_strict(phrases["phrase_id"], phrases["phrase"], return_dtype=pl.Utf8)
    rest = (
        ids.list.slice(1)
        .list.eval(pl.element().replace_strict(phrases["phrase_id"], phrases["short"], return_dtype=pl.Utf8))
        .list.join(separator)
    )
    return pl.when(ids.list.len() > 1).then(pl.concat_str([first, pl.lit(separator), rest])).otherwise(first)
