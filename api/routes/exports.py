"""Exports: the filtered target list as one streamed CSV (UTF-8, or UTF-8 with BOM for Excel)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response, StreamingResponse

from abm.errors import AbmError
from api import queries
from api.deps import DbDep, require_read
from api.routes.common import ERRORS, NOT_FOUND
from api.schemas import ExportQuery

router = APIRouter(
    prefix="/exports", tags=["exports"], dependencies=[Depends(require_read)], responses=ERRORS
)


@router.get(
    "/targets.csv",
    response_class=StreamingResponse,
    summary="The filtered accounts as CSV, streamed (same filters and sort as /accounts)",
    responses={
        **NOT_FOUND,
        200: {
            "content": {"text/csv": {"example": "account_id,company_id,...\r\n100000001,100000001,...\r\n"}}
        },
    },
)
def targets_csv(db: DbDep, query: Annotated[ExportQuery, Query()]) -> Response:
    if query.crm or query.kind or query.changed_since:
        return _crm_csv(db, query)
    stack = ExitStack()
    session = stack.enter_context(db.session())  # held until the last byte is sent
    try:
        first = queries.export_csv(session, query, query.excel)
        head = next(first)  # runs the query now, so errors still become JSON responses
    except BaseException:
        stack.close()
        raise

    def body() -> Iterator[bytes]:
        with stack:
            yield head
            yield from first

    name = f"targets-{session.run_id or 'latest'}.csv"
    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _crm_csv(db: DbDep, query: ExportQuery) -> Response:
    """The ``abm export`` file for a CRM import (whole file at once: it is one CRM upload)."""
    with db.session() as session:
        try:
            body = queries.crm_export_csv(session, query)
        except AbmError as exc:  # no reps (no owners), no earlier run, unknown run id
            raise HTTPException(404, str(exc).replace("--", "")) from None
        run = session.run_id or "latest"
    changed = "-changed" if query.changed_since else ""
    name = f"{query.kind or 'targets'}-{query.crm or 'salesforce'}{changed}-{run}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
