"""Exact keys first: records that carry a 法人番号 or a company domain the master holds once.

MA activity exports name companies by exactly such keys (a form's 法人番号, the domain an IP-to-company
service or a business email gives) and come by the million, so scoring each of them with the 名寄せ
model would cost minutes for an answer the key already gives. A record whose 法人番号 is a master
company's, or whose domain belongs to exactly one master company, is linked here (status ``auto``,
score 1); every other record goes on to ``abm.matching.link``. The keys are normalised by the same
functions 名寄せ uses (``abm.matching.keys``), so a key that links here would also block there.
"""

from __future__ import annotations

import polars as pl

from abm.matching.keys import corporate_number, is_free_mail, registered_domain
from abm.matching.linking import MATCH_SCHEMA

EVIDENCE = {"corporate_number": "法人番号=一致", "domain": "ドメイン=一致(マスターで一社)"}


def _unique_key(companies: pl.DataFrame, key: pl.Expr) -> pl.DataFrame:
    """key → company_id for keys held by exactly one master company."""
    keyed = companies.select(key.alias("key"), pl.col("company_id").cast(pl.String)).drop_nulls("key")
    return keyed.filter(pl.len().over("key") == 1)


def exact_links(
    companies: pl.DataFrame, records: pl.DataFrame, source: str, free_mail: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(matches of the records an exact key links, the records left for 名寄せ).

    ``records``: source_key, name, corporate_number, email_domain (as for ``link``); ``companies``:
    company_id, corporate_number, domain. A 法人番号 wins over a domain."""
    by_cn = _unique_key(companies, corporate_number(pl.col("corporate_number")))
    by_domain = _unique_key(companies, registered_domain(pl.col("domain")))
    domain = pl.col("email_domain")
    keys = records.select(
        "source_key",
        "name",
        corporate_number(pl.col("corporate_number")).alias("cn"),
        pl.when(is_free_mail(domain, free_mail)).then(None).otherwise(registered_domain(domain)).alias("dom"),
    )
    found = (
        keys.join(by_cn.rename({"company_id": "cn_company"}), left_on="cn", right_on="key", how="left")
        .join(by_domain.rename({"company_id": "dom_company"}), left_on="dom", right_on="key", how="left")
        .with_columns(
            pl.coalesce("cn_company", "dom_company").alias("company_id"),
            pl.when(pl.col("cn_company").is_not_null())
            .then(pl.lit("corporate_number"))
            .when(pl.col("dom_company").is_not_null())
            .then(pl.lit("domain"))
            .alias("method"),
        )
        .filter(pl.col("company_id").is_not_null())
    )
    matches = found.select(
        pl.lit(source).alias("source"),
        "source_key",
        pl.col("name").alias("source_name"),
        "company_id",
        pl.lit(1.0).alias("score"),
        "method",
        pl.lit("auto").alias("status"),
        pl.col("method").replace_strict(EVIDENCE).alias("evidence"),
        pl.col("company_id").alias("candidate_company_id"),
        pl.lit(None, pl.String).alias("runner_up_company_id"),
        pl.lit(None, pl.Float64).alias("runner_up_score"),
    ).cast(MATCH_SCHEMA)  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    rest = records.join(found.select("source_key"), on="source_key", how="anti")
    return matches, rest
