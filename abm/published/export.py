"""``abm export``: accounts as a file a CRM account import takes as is.

Two kinds of file, one set of columns:

- ``targets``: the tiered target list (v_target_accounts), in priority order, for the ABM team;
- ``assignments``: every account with an owner, tiered or not, one row per account, for sales ops
  and the CRM admin who sets the account owner. ``changed_since`` narrows it to the accounts whose
  owner, tier or segment changed since an earlier run (read from ``account_history``), with the old
  values and the reason, so a quarterly re-assignment imports only what moved.

Salesforce (Data Import Wizard, Accounts) and HubSpot (Import, Companies) map columns by header, so
standard fields keep the CRM's own labels (Account Name, Company owner...), and abm's facts become
custom fields with Japanese labels, which both CRMs allow. The owner is what each import matches a
user on: Salesforce's Record Owner takes the User ID (reps column ``crm_user_id``), HubSpot's Company
owner the user's email (reps column ``email``). HubSpot dedupes companies on the domain, so the
domain comes from the master, else from the most common corporate email domain of the account's
consenting contacts (never a free-mail domain). CSV is UTF-8 with a BOM so Excel opens Japanese
right, and formula-safe (abm.published.csv_safety): a company name like ``=1+1`` cannot run in Excel.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from abm.errors import AbmError
from abm.matching.keys import is_free_mail, registered_domain
from abm.matching.settings import FREE_MAIL_DOMAINS
from abm.messages import DEFAULT_LANGUAGE, Lang, labels, language, text, text_expr
from abm.published.contract import CONTRACT
from abm.published.csv_safety import write_safe_csv
from abm.published.reader import reading

CRMS = ("salesforce", "hubspot")
KINDS = ("targets", "assignments")
LAST = "last"  # changed_since: the run before the latest one

CUSTOM = "custom"  # a custom field: its label is the catalogue's column header (abm.messages) in ui.language
# column of the export frame -> header per CRM (the README's mapping table is this dict). Standard
# fields carry the CRM's label; CUSTOM ones are fields to create first, labelled from the catalogue.
COLUMNS: dict[str, dict[str, str]] = {
    "name": {"salesforce": "Account Name", "hubspot": "Company name"},
    "corporate_number": {"salesforce": CUSTOM, "hubspot": CUSTOM},
    "prefecture": {"salesforce": "Billing State/Province", "hubspot": "State/Region"},
    "city": {"salesforce": "Billing City", "hubspot": "City"},
    "address": {"salesforce": "Billing Street", "hubspot": "Street Address"},
    "postal_code": {"salesforce": "Billing Zip/Postal Code", "hubspot": "Postal Code"},
    "country": {"salesforce": "Billing Country", "hubspot": "Country/Region"},
    "industry_name": {"salesforce": "Industry", "hubspot": "Industry"},
    "employees": {"salesforce": "Employees", "hubspot": "Number of Employees"},
    "domain": {"salesforce": "Website", "hubspot": "Company Domain Name"},
    "tier": {"salesforce": CUSTOM, "hubspot": CUSTOM},
    "tier_reason": {"salesforce": CUSTOM, "hubspot": CUSTOM},
    "segment": {"salesforce": CUSTOM, "hubspot": CUSTOM},
    "approach": {"salesforce": CUSTOM, "hubspot": CUSTOM},
    "buying_power_score": {"salesforce": CUSTOM, "hubspot": CUSTOM},
    "why": {"salesforce": CUSTOM, "hubspot": CUSTOM},
    "territory": {"salesforce": CUSTOM, "hubspot": CUSTOM},
    "owner_crm": {"salesforce": "Account Owner ID", "hubspot": "Company owner"},
    "owner": {"salesforce": CUSTOM, "hubspot": CUSTOM},
    "owner_name": {"salesforce": CUSTOM, "hubspot": CUSTOM},
    "owner_email": {"salesforce": CUSTOM, "hubspot": CUSTOM},
    "account_id": {"salesforce": "ABM Account ID", "hubspot": "ABM Account ID"},
}
# Export columns made here, not published: the country, the CRM owner (Salesforce user id or HubSpot
# email), the owner's name and email from reps, and the domain with its contacts fallback. Every other
# column is a published one, selected by its contract name (tests/test_bi_contract.py checks it).
MADE_HERE = ("country", "owner_crm", "owner_name", "owner_email", "domain")


def _published_columns() -> str:
    """The export's published columns, each from the table publishing it: ``accounts``, else the
    master (``companies``) for the address fields the accounts table leaves out."""
    accounts = CONTRACT["accounts"].names
    return ", ".join(f"a.{c}" if c in accounts else f"c.{c}" for c in COLUMNS if c not in MADE_HERE)


# changed_since adds what the account was in the run compared with, and why it changed (custom fields)
CHANGE_COLUMNS = (
    "changed",
    "previous_owner",
    "previous_owner_name",
    "previous_tier",
    "previous_segment",
    "change_reason",
    "compared_run_id",
)


def headers(crm: str, lang: Lang = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Export column → header for ``crm``: the CRM's own label, or the catalogue's for a custom field."""
    column = labels("column", lang)
    return {c: column[c] if h[crm] == CUSTOM else h[crm] for c, h in COLUMNS.items()}


def change_headers(lang: Lang = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The ``--changed-since`` columns → their header in ``lang``."""
    column = labels("column", lang)
    return {c: column[c] for c in CHANGE_COLUMNS}


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "UNION SELECT view_name FROM duckdb_views() WHERE database_name = current_database()"
    ).fetchall()
    return {r[0] for r in rows}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND table_name = ?",
        [table],
    ).fetchall()
    return {r[0] for r in rows}


def _latest_run(con: duckdb.DuckDBPyConnection) -> tuple[str | None, object]:
    """(run_id, as_of) of the run that built the published tables."""
    if "runs" not in _tables(con):
        return None, None
    rows = con.execute(  # fetchall: a half-read result would block the next query on this connection
        "SELECT run_id, as_of FROM runs ORDER BY finished_at DESC, run_id DESC LIMIT 1"
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else (None, None)


def run_free_mail(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The free-mail domains of the latest run's config (``match.free_mail_domains``), else the defaults."""
    if "runs" in _tables(con):
        rows = con.execute(
            "SELECT json_extract(config, '$.match.free_mail_domains')::VARCHAR[] FROM runs "
            "ORDER BY finished_at DESC, run_id DESC LIMIT 1"
        ).fetchall()
        if rows and rows[0][0] is not None:
            return list(rows[0][0])
    return list(FREE_MAIL_DOMAINS)


def run_language(con: duckdb.DuckDBPyConnection) -> Lang:
    """The ``ui.language`` of the latest run (Japanese for a file written before the setting existed)."""
    if "runs" in _tables(con):
        rows = con.execute(
            "SELECT json_extract_string(config, '$.ui.language') FROM runs "
            "ORDER BY finished_at DESC, run_id DESC LIMIT 1"
        ).fetchall()
        if rows:
            return language(rows[0][0])
    return DEFAULT_LANGUAGE


def _free_mail(free_mail: list[str] | None) -> list[str]:
    return sorted({d.lower() for d in (FREE_MAIL_DOMAINS if free_mail is None else free_mail)})


def contact_domains(
    con: duckdb.DuckDBPyConnection, as_of: object, free_mail: list[str] | None = None
) -> pl.DataFrame:
    """account_id -> the most common corporate email domain of its consenting linked contacts.

    Only contacts that count for the C circle (opted in, not opted out by as-of) lend their domain;
    free-mail and carrier domains say nothing about the company and are never used. Ties go to the
    alphabetically first domain, so the export is the same on every run.
    """
    empty = pl.DataFrame(schema={"account_id": pl.Utf8, "contact_domain": pl.Utf8})
    if not {"contacts", "matches"} <= _tables(con):
        return empty
    emails = con.sql(
        "SELECT m.account_id, c.email FROM contacts c "
        "JOIN matches m ON m.source = 'contacts' AND m.source_key = c.contact_id "
        "WHERE m.account_id IS NOT NULL AND c.email IS NOT NULL AND c.opt_in "
        "AND (c.opted_out_at IS NULL OR $as_of IS NULL OR c.opted_out_at > $as_of)",
        params={"as_of": as_of},
    ).pl()
    if emails.height == 0:
        return empty
    return (
        emails.lazy()
        .filter(~is_free_mail(pl.col("email"), _free_mail(free_mail)))
        .select("account_id", registered_domain(pl.col("email")).alias("contact_domain"))
        .drop_nulls("contact_domain")
        .group_by("account_id", "contact_domain")
        .len()
        .sort(["account_id", "len", "contact_domain"], descending=[False, True, False])
        .unique("account_id", keep="first", maintain_order=True)
        .select("account_id", "contact_domain")
        .collect()
    )


def _account_sql(con: duckdb.DuckDBPyConnection, kind: str, since_run: str | None = None) -> str:
    """Accounts of ``kind`` with company, playbook and owner facts (reps columns an older file lacks
    come out empty)."""
    have = _tables(con)
    rep_cols = _columns(con, "reps") if "reps" in have else set()
    rep = {
        c: f"r.{c}" if c in rep_cols else "CAST(NULL AS VARCHAR)" for c in ("name", "email", "crm_user_id")
    }
    first = "QUALIFY row_number() OVER (PARTITION BY rep_id ORDER BY source_row) = 1"
    reps = f"LEFT JOIN (SELECT * FROM reps {first}) r ON r.rep_id = a.owner" if "reps" in have else ""
    where = "t.priority IS NOT NULL" if kind == "targets" else "a.owner IS NOT NULL"
    order = "t.priority" if kind == "targets" else "a.owner, t.priority NULLS LAST, a.account_id"
    if since_run is not None:  # any account that may have changed: one that lost its owner included
        run = since_run.replace("'", "''")
        where = (
            "a.owner IS NOT NULL OR a.tier IS NOT NULL OR a.segment <> 'none' OR a.account_id IN "
            f"(SELECT account_id FROM account_history WHERE run_id = '{run}')"
        )
        order = "a.owner, a.account_id"
    return f"""
        SELECT {_published_columns()}, 'Japan' AS country, c.domain AS master_domain,
               {rep["name"]} AS owner_name, {rep["email"]} AS owner_email,
               {rep["crm_user_id"]} AS owner_crm_user_id
        FROM accounts a
        LEFT JOIN companies c USING (company_id)
        LEFT JOIN v_target_accounts t USING (account_id)
        {reps}
        WHERE {where}
        ORDER BY {order}"""


def with_domain(
    frame: pl.DataFrame, domains: pl.DataFrame, free_mail: list[str] | None = None
) -> pl.DataFrame:
    """``domain``: the master's (unless it is free mail), else the contacts' most common one."""
    master = pl.col("master_domain")
    master_ok = pl.when(is_free_mail(master, _free_mail(free_mail))).then(None).otherwise(master)
    return (
        frame.join(domains, on="account_id", how="left")
        .with_columns(pl.coalesce(master_ok, pl.col("contact_domain")).alias("domain"))
        .drop("master_domain", "contact_domain")
    )


def resolve_run(con: duckdb.DuckDBPyConnection, changed_since: str) -> str:
    """The run id ``changed_since`` names: ``last`` = the latest earlier run kept in account_history."""
    if "account_history" not in _tables(con):
        raise AbmError.keyed("error.export.no_history")
    latest, _ = _latest_run(con)
    runs = [
        r[0]
        for r in con.execute(
            "SELECT h.run_id FROM (SELECT DISTINCT run_id FROM account_history) h "
            "LEFT JOIN runs USING (run_id) ORDER BY runs.finished_at DESC NULLS LAST, h.run_id DESC"
        ).fetchall()
    ]
    earlier = [r for r in runs if r != latest]
    if changed_since == LAST:
        if not earlier:
            raise AbmError.keyed("error.export.no_last")
        return earlier[0]
    if changed_since not in earlier:
        if not earlier:
            raise AbmError.keyed("error.export.no_such_run.none", run=changed_since)
        raise AbmError.keyed("error.export.no_such_run", run=changed_since, known=", ".join(earlier[:5]))
    return changed_since


def changes(
    con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, run_id: str, lang: Lang = DEFAULT_LANGUAGE
) -> pl.DataFrame:
    """The accounts of ``frame`` (every account, current values) whose owner, tier or segment differs
    from run ``run_id``'s, with the old values, what changed and why.

    An account absent from a run counts as segment none, no tier, no owner there (history may keep
    only accounts in a circle). The owner reason is territory_changes' when it describes the same
    move; a tier or segment change gives its from → to.
    """
    old = con.sql(
        "SELECT h.account_id, h.owner AS previous_owner, h.tier AS previous_tier, "
        "h.segment AS previous_segment FROM account_history h WHERE h.run_id = ?",
        params=[run_id],
    ).pl()
    names = (
        con.sql("SELECT rep_id, any_value(name) AS n FROM reps GROUP BY rep_id").pl()
        if "reps" in _tables(con)
        else pl.DataFrame(schema={"rep_id": pl.Utf8, "n": pl.Utf8})
    )
    moved = (
        con.sql("SELECT account_id, from_owner, to_owner, reason AS owner_reason FROM territory_changes").pl()
        if "territory_changes" in _tables(con)
        else pl.DataFrame(
            schema={k: pl.Utf8 for k in ("account_id", "from_owner", "to_owner", "owner_reason")}
        )
    )
    seg = pl.col("segment").fill_null("none")
    prev_seg = pl.col("previous_segment").fill_null("none")
    nothing = text("export.none", lang)
    tier_text = pl.col("tier").cast(pl.Utf8).fill_null(nothing)
    prev_tier_text = pl.col("previous_tier").cast(pl.Utf8).fill_null(nothing)
    owner_changed = pl.col("owner").ne_missing(pl.col("previous_owner"))
    tier_changed = pl.col("tier").cast(pl.Int64).ne_missing(pl.col("previous_tier").cast(pl.Int64))
    seg_changed = seg != prev_seg
    same_move = pl.col("from_owner").eq_missing(pl.col("previous_owner")) & pl.col("to_owner").eq_missing(
        pl.col("owner")
    )
    owner_reason = pl.col("owner_reason").replace(labels("reason", lang))
    reasons = pl.concat_list(
        pl.when(owner_changed).then(
            text_expr(
                "export.owner_change",
                lang,
                reason=pl.when(same_move & pl.col("owner_reason").is_not_null())
                .then(owner_reason)
                .otherwise(pl.lit(text("export.owner_changed", lang))),
                before=pl.col("previous_owner").fill_null(nothing),
                after=pl.col("owner").fill_null(nothing),
            )
        ),
        pl.when(tier_changed).then(
            text_expr("export.tier_change", lang, before=prev_tier_text, after=tier_text)
        ),
        pl.when(seg_changed).then(text_expr("export.segment_change", lang, before=prev_seg, after=seg)),
    ).list.drop_nulls()
    what = pl.concat_list(
        pl.when(owner_changed).then(pl.lit("owner")),
        pl.when(tier_changed).then(pl.lit("tier")),
        pl.when(seg_changed).then(pl.lit("segment")),
    ).list.drop_nulls()
    return (
        frame.join(old, on="account_id", how="left")
        .join(moved, on="account_id", how="left")
        .join(
            names.rename({"rep_id": "previous_owner", "n": "previous_owner_name"}),
            on="previous_owner",
            how="left",
        )
        .filter(owner_changed | tier_changed | seg_changed)
        .with_columns(
            what.list.join(", ").alias("changed"),
            reasons.list.join("; ").alias("change_reason"),
            pl.lit(run_id).alias("compared_run_id"),
            prev_seg.alias("previous_segment"),  # absent from that run = in no circle
        )
        .drop("from_owner", "to_owner", "owner_reason")
    )


def _gone(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """Accounts owned in run ``run_id`` that are no longer in ``accounts`` at all: the CRM must hear
    that their owner is gone too."""
    return con.sql(
        "SELECT h.account_id, h.name FROM account_history h WHERE h.run_id = ? AND h.owner IS NOT NULL "
        "AND h.account_id NOT IN (SELECT account_id FROM accounts)",
        params=[run_id],
    ).pl()


def export_frame(
    con: duckdb.DuckDBPyConnection,
    kind: str = "targets",
    crm: str = "salesforce",
    tiers: list[int] | None = None,
    changed_since: str | None = None,
    free_mail: list[str] | None = None,
    only: pl.Series | None = None,
) -> pl.DataFrame:
    """The accounts of ``kind`` with ``crm`` headers (the one builder the CLI and the API share).

    ``only``: account ids to keep (the API's account filters); ``changed_since`` keeps the accounts
    whose owner, tier or segment changed since that run: for ``targets`` those tiered then or now."""
    if crm not in CRMS:
        raise AbmError.keyed("error.option.crm", choices=", ".join(CRMS), value=crm)
    if kind not in KINDS:
        raise AbmError.keyed("error.option.kind", choices=", ".join(KINDS), value=kind)
    bad = [t for t in tiers or [] if t not in (1, 2, 3)]
    if bad:
        raise AbmError.keyed("error.option.tier", value=bad[0])
    if kind == "assignments" and "reps" not in _tables(con):
        raise AbmError.keyed("error.export.no_reps")
    _, as_of = _latest_run(con)
    lang = run_language(con)
    free_mail = run_free_mail(con) if free_mail is None else free_mail
    since_run = None if changed_since is None else resolve_run(con, changed_since)
    frame = con.sql(_account_sql(con, kind, since_run)).pl()
    if tiers:
        frame = frame.filter(pl.col("tier").is_in(tiers))
    if only is not None:
        frame = frame.filter(pl.col("account_id").is_in(only.implode()))
    frame = with_domain(frame, contact_domains(con, as_of, free_mail), free_mail)
    owner_crm = "owner_crm_user_id" if crm == "salesforce" else "owner_email"
    frame = frame.with_columns(pl.col(owner_crm).alias("owner_crm"))
    select = [pl.col(col).alias(h) for col, h in headers(crm, lang).items()]
    if since_run is None:
        return frame.select(select)
    # an account gone from `accounts` altogether has lost its owner, tier and segment too
    current = pl.concat([frame, _gone(con, since_run)], how="diagonal_relaxed")
    changed = changes(con, current, since_run, lang)
    if kind == "targets":
        changed = changed.filter(pl.col("tier").is_not_null() | pl.col("previous_tier").is_not_null())
    return changed.sort("owner", "account_id", nulls_last=True).select(
        *select, *(pl.col(c).alias(h) for c, h in change_headers(lang).items())
    )


def target_frame(
    con: duckdb.DuckDBPyConnection, tiers: list[int] | None = None, crm: str = "salesforce"
) -> pl.DataFrame:
    """The target list with CRM headers, in v_target_accounts priority order."""
    return export_frame(con, "targets", crm, tiers)


def write_export(frame: pl.DataFrame, out: Path, sheet: str) -> None:
    """``frame`` to ``out``: CSV (UTF-8 with BOM, formula-safe) or XLSX (text cells are never formulas)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        write_safe_csv(frame, out, bom=True)  # names may come from web forms: no formulas
    else:
        frame.write_excel(out, worksheet=sheet, autofit=True)


def export_accounts(
    db: Path,
    out: Path,
    kind: str = "targets",
    crm: str = "salesforce",
    tiers: list[int] | None = None,
    changed_since: str | None = None,
    free_mail: list[str] | None = None,
) -> int:
    """Write the export to ``out`` (.csv with BOM, or .xlsx); returns the number of accounts."""
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise AbmError.keyed("error.export.suffix", path=out)
    with reading(db) as session:
        frame = export_frame(session.cur, kind, crm, tiers, changed_since, free_mail)
    write_export(frame, out, kind)
    return frame.height


def export_targets(db: Path, out: Path, tiers: list[int] | None = None, crm: str = "salesforce") -> int:
    """Write the target list to ``out`` (.csv with BOM, or .xlsx); returns the number of accounts."""
    return export_accounts(db, out, "targets", crm, tiers)
