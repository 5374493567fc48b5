"""Every SQL statement the API runs, in one place.

Values always travel as bound parameters (``$name``); the only text spliced into SQL comes from
constants in this module (column lists, the sort whitelist, placeholder names). Each function
takes a :class:`~api.db.Session` (one cursor on one published run) and returns plain dicts.
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
from abm.published.contract import CONTRACT, priority_sql
from abm.published.csv_safety import write_safe_csv
from abm.published.export import export_frame
from api.db import Published, Session
from api.schemas import AccountFilters, ExportQuery

ACCOUNT_COLUMNS = CONTRACT["accounts"].names  # every published column, as the Account model
_ACCOUNT_SELECT = ", ".join(ACCOUNT_COLUMNS)

# The sort whitelist: request value -> ORDER BY text. account_id last keeps pages stable.
SORTS = {
    "priority": priority_sql(),
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
}
_CORPORATE_NUMBER = re.compile(r"^\d{13}$")

# Helper tables built once per published file in the API's in-memory catalog (see Published.derived).
NAMES, RECORDS, SALES_PERIODS = "account_names", "account_records", "account_sales_periods"
ACCOUNTS = "accounts_serving"


def _build_accounts(cur: duckdb.DuckDBPyConnection) -> None:
    """An uncompressed in-memory copy of `accounts` in priority order, with the normalised name.

    Reading the published file, a filtered page of 100 spends most of its time decompressing the
    matching rows; in memory it is several times faster (benchmarks/bench_api.py)."""
    _build_names(cur)
    cur.execute(
        f"CREATE TABLE memory.main.{ACCOUNTS} AS SELECT {_ACCOUNT_SELECT} "
        f"FROM accounts ORDER BY {SORTS['priority']}"
    )


def _accounts(session: Session) -> str:
    """The table account queries read: the in-memory copy when configured, else the file's."""
    if not session.handle.accounts_in_memory:
        return "accounts"
    session.handle.derived(ACCOUNTS, _build_accounts)
    session.handle.built.add(NAMES)  # _build_accounts made it
    return f"memory.main.{ACCOUNTS}"


def warm(handle: Published) -> None:
    """Build a newly published run's helper tables before requests need them (background thread)."""
    if handle.accounts_in_memory:
        handle.derived(ACCOUNTS, _build_accounts)
        handle.built.add(NAMES)
    handle.derived(RECORDS, _build_records)
    handle.derived(SALES_PERIODS, _build_sales_periods)
    handle.derived(NAMES, _build_names)


def _build_names(cur: duckdb.DuckDBPyConnection) -> None:
    """account_id -> the name folded like 名寄せ folds it (published as accounts.name_norm)."""
    cur.execute(f"CREATE TABLE memory.main.{NAMES} AS SELECT account_id, name_norm FROM accounts")


def _build_records(cur: duckdb.DuckDBPyConnection) -> None:
    """Each source record with its account (matches.account_id, set by the pipeline), sorted by account."""
    cur.execute(f"""
        CREATE TABLE memory.main.{RECORDS} AS
        SELECT
            account_id, source, source_key, source_name, score, method, status, evidence
        FROM matches
        ORDER BY account_id, source DESC, source_key
    """)


def _count(cur: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> int:
    """The single number a ``SELECT count(*)`` answers (it always returns exactly one row)."""
    row = cur.execute(sql, params).fetchone()
    assert row is not None, "count(*) always returns a row"
    return int(row[0])


def _build_sales_periods(cur: duckdb.DuckDBPyConnection) -> None:
    """Net sales per account and quarter, labelled in the latest run's calendar (FY2026Q2 or 2026Q3)."""
    calendar, start = "fiscal", 4
    has_runs = _count(
        cur, "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'db' AND table_name = 'runs'"
    )
    if has_runs:
        row = cur.execute(
            "SELECT quarter_calendar, "
            "coalesce(try_cast(json_extract_string(config, '$.run.fiscal_year_start_month') AS INTEGER), 4) "
            "FROM runs ORDER BY finished_at DESC LIMIT 1"
        ).fetchone()
        if row:
            calendar, start = row[0] or calendar, row[1]
    cur.execute(
        f"""
        CREATE TABLE memory.main.{SALES_PERIODS} AS
        WITH lines AS (
            SELECT r.account_id, s.date, s.amount, s.date - to_months(CAST($start AS INTEGER) - 1) AS shifted
            FROM sales s
            JOIN memory.main.{RECORDS} r ON r.source = 'sales' AND s.customer_code = r.source_key
        )
        SELECT
            account_id,
            CASE WHEN $calendar = 'calendar' THEN year(date) || 'Q' || quarter(date)
                 ELSE 'FY' || year(shifted) || 'Q' || quarter(shifted) END AS period,
            min(date) AS period_start,
            sum(amount) AS amount,
            count(*) AS lines
        FROM lines
        GROUP BY ALL
        ORDER BY account_id, period_start
        """,
        {"calendar": calendar, "start": start},
    )


def _rows(session: Session, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    cur = session.cur.execute(sql, params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


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
    ):
        if getattr(f, name) is not None:
            clauses.append(sql)
            params[name] = getattr(f, name)
    if f.q is not None:
        params["q"] = normalise_query(f.q)
        if session.handle.accounts_in_memory:  # the serving copy carries name_norm
            search = "contains(name_norm, $q)"
        else:
            session.handle.derived(NAMES, _build_names)
            search = (
                f"account_id IN (SELECT account_id FROM memory.main.{NAMES} WHERE contains(name_norm, $q))"
            )
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
    total = _count(session.cur, f"SELECT count(*) FROM {table}{where}", params)
    order = SORTS[f.sort]
    # two phases: pick the page's rowids reading only the filter and sort columns, then fetch
    # the full rows of just those (2-3x faster than a Top-N carrying every column)
    rows = _rows(
        session,
        f"SELECT {_ACCOUNT_SELECT} FROM {table} WHERE rowid IN "
        f"(SELECT rowid FROM {table}{where} ORDER BY {order} LIMIT $limit OFFSET $offset) ORDER BY {order}",
        {**params, "limit": limit, "offset": offset},
    )
    return int(total), rows


def account(session: Session, account_id: str) -> dict[str, Any] | None:
    rows = _rows(
        session,
        f"SELECT {_ACCOUNT_SELECT} FROM {_accounts(session)} WHERE account_id = $id",
        {"id": account_id},
    )
    return rows[0] if rows else None


def linked_records(session: Session, account_id: str) -> list[dict[str, Any]]:
    session.handle.derived(RECORDS, _build_records)
    return _rows(
        session,
        "SELECT source, source_key, source_name, score, method, status, evidence "
        f"FROM memory.main.{RECORDS} WHERE account_id = $id ORDER BY source DESC, source_key",
        {"id": account_id},
    )


def sales_by_period(session: Session, account_id: str) -> list[dict[str, Any]]:
    session.handle.derived(RECORDS, _build_records)
    session.handle.derived(SALES_PERIODS, _build_sales_periods)
    return _rows(
        session,
        f"SELECT period, period_start, amount, lines FROM memory.main.{SALES_PERIODS} "
        "WHERE account_id = $id ORDER BY period_start",
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
    session.handle.derived(RECORDS, _build_records)
    return f"""
        SELECT {select}
        FROM contacts c
        WHERE c.contact_id IN (
            SELECT source_key FROM memory.main.{RECORDS}
            WHERE account_id = $account_id AND source = 'contacts'
        ) AND {"" if consent else "NOT "}coalesce({_CONSENT}, FALSE)
    """


def contacts(session: Session, account_id: str) -> list[dict[str, Any]]:
    """Personal data of the account's consenting contacts; callers must have checked ``read:contacts``."""
    have = {
        r[0]
        for r in session.cur.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'db' AND table_name = 'contacts'"
        ).fetchall()
    }
    wanted = ("person_name", "email", "phone", "department", "title", "opt_in", "opted_out_at")
    cols = ", ".join(f"c.{c}" if c in have else f"NULL AS {c}" for c in wanted)
    return _rows(
        session,
        _linked_contacts(session, f"c.contact_id, {cols}", consent=True) + " ORDER BY c.contact_id",
        {"account_id": account_id, "as_of": session.run_as_of},
    )


def contacts_withheld_no_consent(session: Session, account_id: str) -> int:
    """How many linked contacts are withheld for lack of consent (a count: no personal data)."""
    sql = _linked_contacts(session, "count(*)", consent=False)
    return _count(session.cur, sql, {"account_id": account_id, "as_of": session.run_as_of})


def history(session: Session, account_id: str) -> list[dict[str, Any]]:
    if not session.has("account_history"):
        return []
    return _rows(
        session,
        """
        SELECT run_id, as_of, quarter, segment, tier, abc_class, buying_power_score, buying_power_decile,
               sales_amount, contact_count, territory, owner
        FROM account_history WHERE account_id = $id ORDER BY as_of, run_id
        """,
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
        for r in _rows(
            session, f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY finished_at DESC LIMIT $n", {"n": limit}
        )
    ]


def latest_run(session: Session) -> dict[str, Any] | None:
    rows = runs(session, limit=1)
    return rows[0] if rows else None


def segments(session: Session) -> list[dict[str, Any]]:
    return _rows(session, "SELECT * FROM segments")


def pareto(session: Session, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    total = _count(session.cur, "SELECT count(*) FROM pareto")
    rows = _rows(
        session,
        f"SELECT {', '.join(CONTRACT['pareto'].names)} FROM pareto ORDER BY rank LIMIT $limit OFFSET $offset",
        {"limit": limit, "offset": offset},
    )
    return int(total), rows


def deciles(session: Session) -> list[dict[str, Any]]:
    return _rows(
        session,
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
    return _rows(session, f"SELECT * FROM {table}")


def export_csv(session: Session, f: AccountFilters, excel: bool, batch: int = 10_000) -> Iterator[bytes]:
    """The filtered accounts as CSV, streamed in batches (UTF-8; with a BOM for Excel).

    Each batch goes through :func:`abm.published.csv_safety.write_safe_csv`, so a company name typed into a
    web form as ``=1+1`` reaches the file as ``'=1+1`` (text, never a formula)."""
    where, params = account_where(session, f)
    reader = session.cur.sql(
        f"SELECT {_ACCOUNT_SELECT} FROM {_accounts(session)}{where} ORDER BY {SORTS[f.sort]}", params=params
    ).to_arrow_reader(batch)
    end = "\r\n" if excel else "\n"
    yield (("\ufeff" if excel else "") + ",".join(ACCOUNT_COLUMNS) + end).encode("utf-8")
    for chunk in reader:
        buf = io.BytesIO()
        frame = pl.from_arrow(chunk)
        assert isinstance(frame, pl.DataFrame), "a record batch converts to a frame"
        write_safe_csv(frame, buf, header=False, line_terminator=end)
        yield buf.getvalue()


def crm_export_csv(session: Session, q: ExportQuery) -> bytes:
    """The CRM import file of ``abm export`` (same builder, same headers) as formula-safe CSV bytes;
    the account filters other than ``tier`` narrow it through the accounts they match."""
    where, params = account_where(session, q.model_copy(update={"tier": []}))
    only = (
        session.cur.sql(f"SELECT account_id FROM {_accounts(session)}{where}", params=params).pl()[
            "account_id"
        ]
        if where
        else None
    )
    frame = export_frame(
        session.cur, q.kind or "targets", q.crm or "salesforce", q.tier or None, q.changed_since, only=only
    )
    buf = io.BytesIO()
    write_safe_csv(frame, buf, bom=q.excel, line_terminator="\r\n" if q.excel else "\n")
    return buf.getvalue()
