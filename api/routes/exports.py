"""Exports: the filtered target list as one streamed CSV (UTF-8, or UTF-8 with BOM for Excel)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from api import queries
from api.deps import DbDep, require_read
from api.routes.common import ERRORS
from api.schemas import ExportQuery

router = APIRouter(
    prefix="/exports", tags=["exports"], dependencies=[Depends(require_read)], responses=ERRORS
)


@router.get(
    "/targets.csv",
    response_class=StreamingResponse,
    summary="The filtered accounts as CSV, streamed (same filters and sort as /accounts)",
    responses={
        200: {
            "content": {"text/csv": {"example": "account_id,company_id,...\r\n100000001,100000001,...\r\n"}}
        }
    },
)
def targets_csv(db: DbDep, query: Annotated[ExportQuery, Query()]) -> StreamingResponse:
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
