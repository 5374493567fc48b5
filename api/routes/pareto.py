"""Pareto / ABC: customers by own revenue with cumulative share, paged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api import queries
from api.deps import SessionDep, require_read
from api.routes.common import ERRORS
from api.schemas import MAX_LIMIT, ParetoPage, ParetoRow

router = APIRouter(tags=["analysis"], dependencies=[Depends(require_read)], responses=ERRORS)


@router.get("/pareto", response_model=ParetoPage, summary="Customers ranked by own revenue (ABC classes)")
def pareto(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
) -> ParetoPage:
    total, rows = queries.pareto(session, limit, offset)
    return ParetoPage(
        run_id=session.run_id,
        total=total,
        limit=limit,
        offset=offset,
        next_offset=offset + limit if offset + limit < total else None,
        items=[ParetoRow.model_validate(r) for r in rows],
    )
