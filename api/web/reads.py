"""What workspace pages read beyond the API's queries (api.queries): the filter choices, the 名寄せ
review queue side by side, rejects by reason. Same rules as api.queries: values travel as bound
parameters, only constants are spliced into SQL, one cursor of one published run per request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import duckdb
import polars as pl
from fastapi import Depends, Request

from abm.matching.decision_store import read_decisions
from abm.published.reader import DatabaseMissing, DatabaseUnreadable, Handle, Session
from api.web.errors import WebError

FACETS, PAIRS = "web_facets", "web_review_pairs"  # helper tables built once per published run
FACET_COLUMNS = ("prefecture", "industry_name", "owner", "approach", "segment", "territory")


def web_session(request: Request) -> Iterator[Session]:
    """The request's view of the published run; no database is an error page, not JSON."""
    try:
        cm = request.app.state.db.session()
        session = cm.__enter__()
    except (DatabaseMissing, DatabaseUnreadable):
        raise WebError(503, "error.no_db") from None
    try:
        yield session
    finally:
        cm.__exit__(None, None, None)


WebSessionDep = Annotated[Session, Depends(web_session)]


def _build_facets(cur: duckdb.DuckDBPyConnection) -> None:
    """Each filter's choices with its account count, once per published run (a scan of `accounts`)."""
    parts = " UNION ALL ".join(
        f"SELECT '{c}' AS facet, CAST({c} AS VARCHAR) AS value, count(*) AS n FROM accounts "
        f"WHERE {c} IS NOT NULL GROUP BY {c}"
        for c in FACET_COLUMNS
    )
    cur.execute(f"CREATE TABLE memory.main.{FACETS} AS {parts} ORDER BY facet, n DESC, value")


def warm(handle: Handle) -> None:
    """Build a newly published run's filter choices before the first page needs them (background)."""
    handle.derived(FACETS, _build_facets)
    if "match_review" in handle.tables:
        handle.derived(PAIRS, _build_review_pairs)


def facets(session: Session) -> dict[str, list[str]]:
    """Filter choices: prefectures, industries, owners, approaches, segments (most accounts first)."""
    table = session.derived(FACETS, _build_facets)
    out: dict[str, list[str]] = {c: [] for c in FACET_COLUMNS}
    for row in session.rows(f"SELECT facet, value FROM {table}"):
        out[row["facet"]].append(row["value"])
    return out


def _with_decided(session: Session, store: Path) -> None:
    """Register the store's decided records as ``_web_decided`` on this request's cursor."""
    decided = read_decisions(store).select("source", "source_key").unique()
    session.cur.register("_web_decided", decided)  # a frame as a view: the reader has no verb for it


_QUEUE = """
    SELECT r.* FROM match_review r
    WHERE NOT EXISTS (
        SELECT 1 FROM _web_decided d WHERE d.source = r.source AND d.source_key = r.source_key
    )
"""


def review_left(session: Session, store: Path) -> int:
    """Pairs of the published run nobody has decided yet (decisions made since count as done)."""
    if not session.has("match_review"):
        return 0
    _with_decided(session, store)
    return int(session.scalar(f"SELECT count(*) FROM ({_QUEUE})"))


def _build_review_pairs(cur: duckdb.DuckDBPyConnection) -> None:
    """The run's review queue with both sides' address and phone, once per published run: the
    lookups into `sales` (every line) and `companies` run here, in the background after a publish,
    not in each page request."""
    cur.execute(f"""
        CREATE TABLE memory.main.{PAIRS} AS
        WITH rec AS (
            SELECT 'sales' AS source, customer_code AS source_key, any_value(prefecture) AS prefecture,
                   any_value(address) AS address, any_value(phone) AS phone
            FROM sales WHERE customer_code IN (SELECT source_key FROM match_review WHERE source = 'sales')
            GROUP BY customer_code
            UNION ALL
            SELECT 'contacts', contact_id, prefecture, address, phone
            FROM contacts WHERE contact_id IN (SELECT source_key FROM match_review WHERE source = 'contacts')
        )
        SELECT r.*,
            rec.prefecture AS record_prefecture, rec.address AS record_address, rec.phone AS record_phone,
            c.corporate_number AS company_corporate_number,
            concat_ws(' ', c.prefecture, c.city, c.address) AS company_address, c.phone AS company_phone,
            concat_ws(' ', u.prefecture, u.city, u.address) AS runner_up_address, u.phone AS runner_up_phone
        FROM match_review r
        LEFT JOIN rec USING (source, source_key)
        LEFT JOIN companies c ON c.company_id = r.company_id
        LEFT JOIN companies u ON u.company_id = r.runner_up_company_id
        ORDER BY r.source, r.score DESC, r.source_key
    """)


def review_page(session: Session, store: Path, limit: int, personal: bool) -> list[dict[str, Any]]:
    """The next undecided pairs with both sides' address and phone. A contact record's address and
    phone are personal data: without ``personal`` (scope read:contacts) they stay empty."""
    if not session.has("match_review"):
        return []
    pairs = session.derived(PAIRS, _build_review_pairs)
    _with_decided(session, store)
    return session.rows(
        f"""
        SELECT * REPLACE (
            CASE WHEN $personal OR source <> 'contacts' THEN record_address END AS record_address,
            CASE WHEN $personal OR source <> 'contacts' THEN record_phone END AS record_phone
        )
        FROM {pairs} p
        WHERE NOT EXISTS (
            SELECT 1 FROM _web_decided d WHERE d.source = p.source AND d.source_key = p.source_key
        )
        ORDER BY source, score DESC, source_key
        LIMIT $limit
        """,
        {"limit": limit, "personal": personal},
    )


def review_record(session: Session, source: str, source_key: str) -> dict[str, Any] | None:
    """The pair of the published run's queue for this record (with its name as linked), or None."""
    if not session.has("match_review"):
        return None
    rows = session.rows(
        "SELECT source, source_key, source_name, company_id, runner_up_company_id FROM match_review "
        "WHERE source = $source AND source_key = $key",
        {"source": source, "key": source_key},
    )
    return rows[0] if rows else None


def company_exists(session: Session, company_id: str) -> bool:
    return bool(session.scalar("SELECT count(*) FROM companies WHERE company_id = $id", {"id": company_id}))


def rejects_by_reason(session: Session) -> list[dict[str, Any]]:
    """The published run's rejected rows counted per file, column and reason."""
    if not session.has("rejects"):
        return []
    return session.rows(
        'SELECT source_file, "column", reason, count(*) AS n FROM rejects GROUP BY ALL ORDER BY n DESC, '
        'source_file, "column", reason',
    )


def decision_frame(record: dict[str, Any], company_id: str | None, note: str | None) -> pl.DataFrame:
    """One decision in the store's shape (abm.matching.decision_store): company_id None = not a match."""
    return pl.DataFrame(
        {
            "source": [record["source"]],
            "source_key": [record["source_key"]],
            "company_id": [company_id],
            "note": [note],
            "source_name": [record["source_name"]],
        },
        schema={c: pl.Utf8 for c in ("source", "source_key", "company_id", "note", "source_name")},
    )
