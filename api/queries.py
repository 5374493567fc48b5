"""Every SQL statement the API runs, in one place.

Values always travel as bound parameters (``$name``); the only text spliced into SQL comes from
constants in this module (column lists, the sort whitelist, placeholder names). Each function
takes a :class:`~abm.published.reader.Session` (one cursor on one published run) and returns plain dicts;
reads run through the session (``rows`` / ``scalar``), never on a connection of their own.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import PureWindowsPath
from typing import Any

import duckdb
import polars as pl

from abm.matching.normalize import normalize_name
from abm.published.contract import CONTRACT
from abm.published.csv_safety import write_safe_csv
from abm.published.export import export_frame
from abm.published.reader import Handle, Session
from api.schemas import AccountFilters, ExportQuery

ACCOUNT_COLUMNS = CONTRACT["accounts"].names  # every published column, as the Account model
_ACCOUNT_SELECT = ", ".join(ACCOUNT_COLUMNS)

# The sort whitelist: request value -> ORDER BY text. account_id last keeps pages stable.
SORTS = {
    "priority": "priority",  # published by the run (accounts.priority): one definition of the order
    "account_id": "account_id",
    "name": "name, account_id",
    "tier": "tier NULLS LAST, buying_power_score DESC NULLS LAST, account_id",
    "-tier": "tier DESC NULLS LAST, account_id",
}
for _col in ("buying_power_score", "sales_amount", "revenue", "employees"):
    SORTS[_col] = f"{_col} NULLS LAST, account_id"
    SORTS[f"-{_col}"] = f"{_col} DESC NULLS LAST, account_id"

# list filter -> column(s) it matches
_IN_FILTERS = {
    "tier": ("tier",),
    "segment": ("segment",),
    "territory": ("territory",),
    "abc_class": ("abc_class",),
    "revenue_decile": ("revenue_decile",),
    "buying_power_decile": ("buying_power_decile",),
    "prefecture": ("prefecture",),
    "industry": ("industry_code", "industry_name"),
    "engagement": ("engagement_level",),
    "next_action": ("next_action",),
}
_CORPORATE_NUMBER = re.compile(r"^\d{13}$")

# Helper tables built once per published file in the API's in-memory catalog (see Handle.derived).
RECORDS = "account_records"
ACCOUNTS = "accounts_serving"
HISTORY = "account_history_by_account"
CONTACTS = "account_contacts"


def _build_accounts(cur: duckdb.DuckDBPyConnection) -> None:
    """An uncompressed in-memory copy of `accounts` in priority order.

    Reading the published file, a filtered page of 100 spends most of its time decompressing the
    matching rows; in memory it is several times faster (benchmarks/bench_api.py)."""
    cur.execute(
        f"CREATE TABLE memory.main.{ACCOUNTS} AS SELECT {_ACCOUNT_SELECT} FROM accounts "
        f"ORDER BY {SORTS['priority']}"
    )
    # the account page looks one account up by id in a table kept in priority order: an ART index
    # makes that a probe (about 3 ms instead of a 12 ms scan at 1M accounts; builds in 0.6 s)
    cur.execute(f"CREATE INDEX {ACCOUNTS}_id ON memory.main.{ACCOUNTS} (account_id)")


def _accounts(session: Session) -> str:
    """The table account queries read: the in-memory copy when configured, else the file's."""
    if not session.handle.accounts_in_memory:
        return "accounts"
    return session.derived(ACCOUNTS, _build_accounts)


def warm(handle: Handle) -> None:
    """Build a newly published run's helper tables before requests need them (background thread)."""
    if handle.accounts_in_memory:
        handle.derived(ACCOUNTS, _build_accounts)
    handle.derived(RECORDS, _build_records)
    if "account_history" in handle.tables:
        handle.derived(HISTORY, _build_history)
    if "contacts" in handle.tables and "matches" in handle.tables:
        handle.derived(CONTACTS, _build_contacts)


def _build_history(cur: duckdb.DuckDBPyConnection) -> None:
    """`account_history` sorted by account: the file's rows come in run and priority order, so one
    account's history was a scan of every run's rows; sorted, DuckDB's zone maps skip all but a row
    group or two (benchmarks/bench_web.py, アカウント詳細)."""
    cur.execute(f"""
        CREATE TABLE memory.main.{HISTORY} AS
        SELECT account_id, {_HISTORY_COLUMNS} FROM account_history ORDER BY account_id, as_of, run_id
    """)


def _build_contacts(cur: duckdb.DuckDBPyConnection) -> None:
    """Each linked contact with its account, sorted by account: the account page's contacts were an
    ``IN`` lookup over the whole `contacts` table per request. Consent is not decided here: it
    depends on today's date, so each request applies it (``_CONSENT``)."""
    cur.execute(f"""
        CREATE TABLE memory.main.{CONTACTS} AS
        SELECT m.account_id, c.*
        FROM contacts c JOIN matches m ON m.source = 'contacts' AND m.source_key = c.contact_id
        WHERE m.account_id IS NOT NULL
        ORDER BY m.account_id, c.contact_id
    """)


def _build_records(cur: duckdb.DuckDBPyConnection) -> None:
    """Each source record with its account (matches.account_id, set by the pipeline), sorted by account."""
    cur.execute(f"""
        CREATE TABLE memory.main.{RECORDS} AS
        SELECT
            account_id, source, source_key, source_name, score, method, status, evidence
        FROM matches
        ORDER BY account_id, source DESC, source_key
    """)


def normalise_query(q: str) -> str:
    """The search text folded exactly like company names are for 名寄せ."""
    return pl.select(normalize_name(pl.lit(q, dtype=pl.String))).item() or ""


def account_where(session: Session, f: AccountFilters) -> tuple[str, dict[str, Any]]:
    """WHERE clause and parameters for the account filters (placeholders only, never values)."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for name, columns in _IN_FILTERS.items():
        values = getattr(f, name)
        if not values:
            continue
        names = [f"{name}_{i}" for i in range(len(values))]
        params.update(zip(names, values, strict=True))
        marks = ", ".join(f"${n}" for n in names)
        clauses.append("(" + " OR ".join(f"{col} IN ({marks})" for col in columns) + ")")
    for name, sql in (
        ("approach", "approach = $approach"),
        ("owner", "owner = $owner"),
        ("min_score", "buying_power_score >= $min_score"),
        ("surging", "surging = $surging"),
    ):
        if getattr(f, name) is not None:
            clauses.append(sql)
            params[name] = getattr(f, name)
    if f.missing_role:  # roles_missing is a comma-separated list of role codes (no LIST columns)
        names = [f"missing_role_{i}" for i in range(len(f.missing_role))]
        params.update(zip(names, f.missing_role, strict=True))
        missing = " OR ".join(f"list_contains(string_split(roles_missing, ','), ${n})" for n in names)
        clauses.append(f"({missing})")
    if f.q is not None:
        params["q"] = normalise_query(f.q)
        search = "contains(name_norm, $q)"  # accounts.name_norm: folded by the run like 名寄せ folds
        if _CORPORATE_NUMBER.match(f.q.strip()):
            params["q_cn"] = f.q.strip()
            search = f"({search} OR corporate_number = $q_cn)"
        clauses.append(search)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def accounts_page(
    session: Session, f: AccountFilters, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    where, params = account_where(session, f)
    table = _accounts(session)
    total = session.scalar(f"SELECT count(*) FROM {table}{where}", params)
    order = SORTS[f.sort]
    # two phases: pick the page's rowids reading only the filter and sort columns, then fetch
    # the full rows of just those (2-3x faster than a Top-N carrying every column)
    rows = session.rows(
        f"SELECT {_ACCOUNT_SELECT} FROM {table} WHERE rowid IN "
        f"(SELECT rowid FROM {table}{where} ORDER BY {order} LIMIT $limit OFFSET $offset) ORDER BY {order}",
        {**params, "limit": limit, "offset": offset},
    )
    return int(total), rows


def account(session: Session, account_id: str) -> dict[str, Any] | None:
    rows = session.rows(
        f"SELECT {_ACCOUNT_SELECT} FROM {_accounts(session)} WHERE account_id = $id",
        {"id": account_id},
    )
    return rows[0] if rows else None


def linked_records(session: Session, account_id: str) -> list[dict[str, Any]]:
    session.handle.derived(RECORDS, _build_records)
    return session.rows(
        "SELECT source, source_key, source_name, score, method, status, evidence "
        f"FROM memory.main.{RECORDS} WHERE account_id = $id ORDER BY source DESC, source_key",
        {"id": account_id},
    )


def sales_by_period(session: Session, account_id: str) -> list[dict[str, Any]]:
    """The account's net sales per quarter, as the run published them (empty for files without them)."""
    if not session.has("account_sales_quarters"):
        return []
    return session.rows(
        "SELECT quarter AS period, first_sale_date AS period_start, amount, lines "
        "FROM account_sales_quarters WHERE account_id = $id ORDER BY first_sale_date",
        {"id": account_id},
    )


# APPI consent: a contact's personal data leaves the API only while the person agrees: opted in,
# and not opted out on or before the run's as-of date, nor on or before today (an opt-out that
# arrived after the run still stops delivery). The C circle counts the same people by as-of
# (pipelines/sql/account_flags.sql). Unknown opt-in (NULL) counts as no consent.
_CONSENT = (
    "(c.opt_in IS TRUE AND "
    "(c.opted_out_at IS NULL OR c.opted_out_at > greatest(CAST($as_of AS DATE), current_date)))"
)


def _linked_contacts(session: Session, select: str, consent: bool) -> str:
    """SQL over the account's linked contacts, those with consent or those without."""
    table = session.derived(CONTACTS, _build_contacts)
    return f"""
        SELECT {select}
        FROM {table} c
        WHERE c.account_id = $account_id AND {"" if consent else "NOT "}coalesce({_CONSENT}, FALSE)
    """


def contacts(session: Session, account_id: str) -> list[dict[str, Any]]:
    """Personal data of the account's consenting contacts; callers must have checked ``read:contacts``."""
    have = set(session.columns("contacts"))
    wanted = ("person_name", "email", "phone", "department", "title", "opt_in", "opted_out_at")
    cols = ", ".join(f"c.{c}" if c in have else f"NULL AS {c}" for c in wanted)
    return session.rows(
        _linked_contacts(session, f"c.contact_id, {cols}", consent=True) + " ORDER BY c.contact_id",
        {"account_id": account_id, "as_of": session.run_as_of},
    )


def contacts_withheld_no_consent(session: Session, account_id: str) -> int:
    """How many linked contacts are withheld for lack of consent (a count: no personal data)."""
    sql = _linked_contacts(session, "count(*)", consent=False)
    return int(session.scalar(sql, {"account_id": account_id, "as_of": session.run_as_of}))


_HISTORY_COLUMNS = (
    "run_id, as_of, quarter, segment, tier, abc_class, buying_power_score, buying_power_decile, "
    "sales_amount, contact_count, territory, owner"
)


def history(session: Session, account_id: str) -> list[dict[str, Any]]:
    if not session.has("account_history"):
        return []
    table = session.derived(HISTORY, _build_history)
    return session.rows(
        f"SELECT {_HISTORY_COLUMNS} FROM {table} WHERE account_id = $id ORDER BY as_of, run_id",
        {"id": account_id},
    )


_RUN_COLUMNS = (
    "run_id, started_at, finished_at, as_of, quarter, quarter_calendar, window_start, window_end, "
    "rows_loaded, rows_rejected, customers, top10_share, top20_share, gini, buying_power_method, "
    "abm_version, input_files, link_summary"
)


def _file_names(value: Any) -> Any:
    """``input_files`` with each ``file`` reduced to its name: server paths are not for API keys."""
    if isinstance(value, dict):
        return {
            k: PureWindowsPath(v).name if k == "file" and isinstance(v, str) else _file_names(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_file_names(v) for v in value]
    return value


def _run(row: dict[str, Any]) -> dict[str, Any]:
    for col in ("input_files", "link_summary"):
        row[col] = json.loads(row[col]) if row[col] else None
    row["input_files"] = _file_names(row["input_files"])
    return row


def runs(session: Session, limit: int | None = None) -> list[dict[str, Any]]:
    if not session.has("runs"):
        return []
    return [
        _run(r)
        for r in session.rows(
            f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY finished_at DESC LIMIT $n", {"n": limit}
        )
    ]


def latest_run(session: Session) -> dict[str, Any] | None:
    rows = runs(session, limit=1)
    return rows[0] if rows else None


def segments(session: Session) -> list[dict[str, Any]]:
    return session.rows("SELECT * FROM segments")


def pareto(session: Session, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    total = session.scalar("SELECT count(*) FROM pareto")
    rows = session.rows(
        f"SELECT {', '.join(CONTRACT['pareto'].names)} FROM pareto ORDER BY rank LIMIT $limit OFFSET $offset",
        {"limit": limit, "offset": offset},
    )
    return int(total), rows


def deciles(session: Session) -> list[dict[str, Any]]:
    return session.rows(
        "SELECT decile, accounts, revenue, share, cumulative_share, min_revenue, max_revenue "
        "FROM deciles ORDER BY decile",
    )


TERRITORY_TABLES = ("territory_balance", "territory_changes")


def territory_table(session: Session, table: str) -> list[dict[str, Any]] | None:
    """All rows of a territory table, or None when this database has none (older runs)."""
    if table not in TERRITORY_TABLES:
        raise ValueError(table)
    if not session.has(table):
        return None
    return session.rows(f"SELECT * FROM {table}")


def export_csv(session: Session, f: AccountFilters, excel: bool, batch: int = 10_000) -> Iterator[bytes]:
    """The filtered accounts as CSV, streamed in batches (UTF-8; with a BOM for Excel).

    Each batch goes through :func:`abm.published.csv_safety.write_safe_csv`, so a company name typed into a
    web form as ``=1+1`` reaches the file as ``'=1+1`` (text, never a formula)."""
    where, params = account_where(session, f)
    frames = session.batches(
        f"SELECT {_ACCOUNT_SELECT} FROM {_accounts(session)}{where} ORDER BY {SORTS[f.sort]}", params, batch
    )
    end = "\r\n" if excel else "\n"
    yield (("\ufeff" if excel else "") + ",".join(ACCOUNT_COLUMNS) + end).encode("utf-8")
    for frame in frames:
        buf = io.BytesIO()
        write_safe_csv(frame, buf, header=False, line_terminator=end)
        yield buf.getvalue()


def accounts_frame(session: Session, f: AccountFilters, limit: int | None = None) -> pl.DataFrame:
    """The filtered accounts (the columns of ``/accounts``), sorted, as one frame: the workspace's
    XLSX download, which must hold exactly the rows its list shows."""
    where, params = account_where(session, f)
    return session.frame(
        f"SELECT {_ACCOUNT_SELECT} FROM {_accounts(session)}{where} ORDER BY {SORTS[f.sort]} LIMIT $limit",
        {**params, "limit": limit},
    )


def crm_export_csv(session: Session, q: ExportQuery) -> bytes:
    """The CRM import file of ``abm export`` (same builder, same headers) as formula-safe CSV bytes;
    the account filters other than ``tier`` narrow it through the accounts they match."""
    where, params = account_where(session, q.model_copy(update={"tier": []}))
    only = (
        session.frame(f"SELECT account_id FROM {_accounts(session)}{where}", params)["account_id"]
        if where
        else None
    )
    frame = export_frame(
        session.cur, q.kind or "targets", q.crm or "salesforce", q.tier or None, q.changed_since, only=only
    )
    buf = io.BytesIO()
    write_safe_csv(frame, buf, bom=q.excel, line_terminator="\r\n" if q.excel else "\n")
    return buf.getvalue()
