"""Segments: accounts, revenue, contacts and whitespace per three-circle segment."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api import queries
from api.deps import SessionDep, require_read
from api.routes.common import ERRORS
from api.schemas import SegmentRow

router = APIRouter(tags=["analysis"], dependencies=[Depends(require_read)], responses=ERRORS)


@router.get(
    "/segments", response_model=list[SegmentRow], summary="Per segment: approach, accounts, revenue, tiers"
)
def segments(session: SessionDep) -> list[SegmentRow]:
    return [SegmentRow.model_validate(r) for r in queries.segments(session)]
