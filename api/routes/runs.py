"""Runs: what was computed when, from which files, with which concentration figures."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from api import queries
from api.deps import SessionDep, require_read
from api.routes.common import ERRORS
from api.schemas import Run

router = APIRouter(prefix="/runs", tags=["runs"], dependencies=[Depends(require_read)], responses=ERRORS)


@router.get("", response_model=list[Run], summary="Every run kept in the database, newest first")
def runs(session: SessionDep) -> list[Run]:
    return [Run.model_validate(r) for r in queries.runs(session)]


@router.get("/latest", response_model=Run, summary="The run being served")
def latest(session: SessionDep) -> Run:
    row = queries.latest_run(session)
    if row is None:
        raise HTTPException(404, "no run recorded in this database")
    return Run.model_validate(row)
