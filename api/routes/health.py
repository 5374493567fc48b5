"""Liveness without a key: is the server up, and is there a published database to serve."""

from __future__ import annotations

from fastapi import APIRouter

from abm.published.reader import DatabaseMissing
from api.deps import DbDep
from api.schemas import ErrorBody, Health

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=Health,
    summary="Server and database status (no key needed)",
    responses={503: {"model": ErrorBody, "description": "The published file is corrupt or unreadable"}},
)
def health(db: DbDep) -> Health:
    """``database: missing`` before the first run; a file that cannot be opened answers 503 (it
    propagates as :class:`~abm.published.reader.DatabaseUnreadable`) so monitoring sees the server
    cannot serve."""
    try:
        with db.session() as session:
            return Health(status="ok", database="ok", run_id=session.run_id)
    except DatabaseMissing:
        return Health(status="ok", database="missing", run_id=None)
