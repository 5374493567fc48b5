"""Exact keys first: a 法人番号, a domain or a company name the master holds once links a record; a
bare name many master companies hold is left unmatched.

MA activity exports name companies by exactly such keys (a form's 法人番号, the domain an IP-to-company
service or a business email gives, the company name as the service or the form wrote it) and come by
the million, so scoring each of them with the 名寄せ model would cost minutes for an answer the key
already gives. Linked here (status ``auto``, score 1), in this order:

1. ``corporate_number``: the record's 法人番号 is a master company's;
2. ``domain``: the record's domain (not free mail) belongs to exactly one master company;
3. ``name``: the record has no 法人番号, its domain (if any) is no master company's, and its
   normalised name (legal form and branch dropped) is held by exactly one master company, counting
   former names (旧商号) too, and is at least three characters long (the model sends a two-character
   name alone to review); a legal form the record writes agrees with that company's. Such a record
   carries nothing else the model could weigh, and on name-only records the model auto-links exactly
   these to the same company (``benchmarks/bench_exact_names.py`` measures both).

And a record with nothing but a name that two or more master companies hold (its legal form, if
written, does not single one out) is ``unmatched`` here: the model, given the same record, finds the
same-name companies, scores them alike and leaves it unmatched too (on the medium benchmark all
152,832 such records). Every other record goes on to ``abm.matching.link``. The keys are the prepared master's
(``abm.matching.keys.master_keys``), so a key that links here would also block there.
"""

from __future__ import annotations

import polars as pl

from abm.matching.blocking import shared_by
from abm.matching.keys import company_domain, corporate_number, former_name_keys
from abm.matching.linking import MATCH_SCHEMA
from abm.matching.normalize import legal_form, normalize_name

MIN_NAME_CHARS = 3  # a shorter normalised name is not telling alone
EVIDENCE = {
    "corporate_number": "法人番号=一致",
    "domain": "ドメイン=一致(マスターで一社)",
    "name": "社名=一致(マスターで一社)",
}
AMBIGUOUS = "社名=一致(マスターで同名{}社: 決め手なし)"


def _unique(master: pl.DataFrame, key: str) -> pl.DataFrame:
    """key → company_id for keys held by exactly one master company."""
    keyed = master.select(pl.col(key).alias("key"), "company_id").drop_nulls("key")
    return keyed.filter(shared_by("key") == 1)


def _unique_names(master: pl.DataFrame) -> pl.DataFrame:
    """(key, company_id, legal) for normalised names one master company holds, as name or former name."""
    held = pl.concat(
        [
            master.select("cidx", pl.col("nname").alias("key")),
            former_name_keys(master).select("cidx", pl.col("former").alias("key")),
        ]
    ).filter(pl.col("key").str.len_chars() >= MIN_NAME_CHARS)
    once = held.unique().filter(shared_by("key") == 1)
    return once.join(master.select("cidx", "company_id", "nname", "legal"), on="cidx").filter(
        pl.col("key") == pl.col("nname")  # held once, as the current name (a former name links by the model)
    )


def exact_links(
    master: pl.DataFrame, records: pl.DataFrame, source: str, free_mail: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(matches of the records an exact key links or a shared bare name leaves unmatched, the records
    left for 名寄せ).

    ``master``: the prepared master (``master_keys``: cidx, company_id, nname, legal, cn, domain,
    former, f_n, f_nl); ``records``: source_key, name, corporate_number, email_domain (as for ``link``)."""
    keys = _record_keys(master, records, free_mail)
    by_cn = _unique(master, "cn").rename({"key": "cn", "company_id": "cn_company"})
    by_domain = _unique(master, "domain").rename({"key": "dom", "company_id": "dom_company"})
    by_name = _unique_names(master).select(
        pl.col("key").alias("nname"), pl.col("company_id").alias("name_company"), "legal"
    )
    name_agrees = pl.col("name_only") & (pl.col("rlegal").is_null() | (pl.col("rlegal") == pl.col("legal")))
    found = (
        keys.join(by_cn, on="cn", how="left")
        .join(by_domain, on="dom", how="left")
        .join(by_name, on="nname", how="left")
        .with_columns(name_company=pl.when(name_agrees).then("name_company"))
        .with_columns(
            pl.coalesce("cn_company", "dom_company", "name_company").alias("company_id"),
            pl.when(pl.col("cn_company").is_not_null())
            .then(pl.lit("corporate_number"))
            .when(pl.col("dom_company").is_not_null())
            .then(pl.lit("domain"))
            .when(pl.col("name_company").is_not_null())
            .then(pl.lit("name"))
            .alias("method"),
        )
        .filter(pl.col("company_id").is_not_null())
    )
    linked = found.select(
        "source_key",
        "name",
        "company_id",
        pl.lit(1.0).alias("score"),
        "method",
        pl.lit("auto").alias("status"),
        pl.col("method").replace_strict(EVIDENCE).alias("evidence"),
        pl.col("company_id").alias("candidate_company_id"),
    )
    ambiguous = _ambiguous(master, keys.join(found, on="source_key", how="anti")).select(
        "source_key",
        "name",
        pl.lit(0.0).alias("score"),
        pl.lit("unmatched").alias("status"),
        pl.format(AMBIGUOUS, "holders").alias("evidence"),
    )
    decided = pl.concat([linked, ambiguous], how="diagonal_relaxed")
    rows = decided.select(
        pl.lit(source).alias("source"), pl.col("name").alias("source_name"), pl.exclude("name")
    )
    matches = pl.concat([pl.DataFrame(schema=MATCH_SCHEMA), rows], how="diagonal_relaxed").select(
        list(MATCH_SCHEMA)
    )
    rest = records.join(decided, on="source_key", how="anti", maintain_order="left")
    return matches, rest


def _record_keys(master: pl.DataFrame, records: pl.DataFrame, free_mail: list[str]) -> pl.DataFrame:
    """source_key, name, its keys (cn, dom, nname, rlegal) and ``name_only``: no 法人番号 and no domain
    a master company holds, so the name is all there is to weigh. Only those records' names are
    normalised (``nname`` and ``rlegal`` are null on the others): nothing reads a name a 法人番号 or a
    domain outranks (national activity records: 1.56M of 2.16M distinct names, 7.4 → 6.5 s)."""
    known_domains = master.select(pl.col("domain").alias("dom"), dom_known=pl.lit(True)).drop_nulls().unique()
    keys = (
        records.lazy()  # lazy: corporate_number's check reads the cleaned digits once, not 14 times
        .select(
            "source_key",
            "name",
            corporate_number(pl.col("corporate_number")).alias("cn"),
            company_domain(free_mail).alias("dom"),
        )
        .collect()
        .join(known_domains, on="dom", how="left", maintain_order="left")
        .with_columns(name_only=pl.col("cn").is_null() & pl.col("dom_known").is_null())
    )
    names = keys.filter("name_only").select(pl.col("name").unique()).drop_nulls()
    names = names.with_columns(nname=normalize_name(pl.col("name")), rlegal=legal_form(pl.col("name")))
    return keys.join(names, on="name", how="left", maintain_order="left").with_columns(
        pl.when("name_only").then(pl.col(c)).alias(c) for c in ("nname", "rlegal")
    )


def _ambiguous(master: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """The name-only records whose name two or more master companies hold, the legal form written (if
    any) holding for two or more as well; ``holders``: how many hold the name. The prepared master
    counts both already (``f_n``: companies per name, ``f_nl``: per name and legal form)."""
    shared = master.select("nname", "legal", "f_n", "f_nl").filter(pl.col("f_n") >= 2)  # not all 39 columns
    holders = shared.select("nname", holders="f_n").unique("nname")
    with_legal = shared.select("nname", rlegal="legal", with_legal="f_nl").unique(["nname", "rlegal"])
    return (
        keys.filter("name_only")
        .join(holders, on="nname")
        .join(with_legal, on=["nname", "rlegal"], how="left")
        .filter(pl.col("rlegal").is_null() | (pl.col("with_legal").fill_null(0) >= 2))
    )
