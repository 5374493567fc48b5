"""Deciles (デシル分析): ten equal-count customer groups by own revenue."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api import queries
from api.deps import SessionDep, require_read
from api.routes.common import ERRORS
from api.schemas import DecileRow

router = APIRouter(tags=["analysis"], dependencies=[Depends(require_read)], responses=ERRORS)


@router.get("/deciles", response_model=list[DecileRow], summary="Revenue deciles (1 = top) with shares")
def deciles(session: SessionDep) -> list[DecileRow]:
    return [DecileRow.model_validate(r) for r in queries.deciles(session)]
