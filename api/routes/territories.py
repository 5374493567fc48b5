"""Territories: each rep's book and balance, and the accounts that changed owner since last quarter.

Served from ``territory_balance`` / ``territory_changes`` when the run produced them; a database
without them (no reps file, or an older run) answers 404 with the reason.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from api import queries
from api.deps import SessionDep, require_read
from api.routes.common import ERRORS, NOT_FOUND
from api.schemas import TerritoryBalanceRow, TerritoryChange

router = APIRouter(
    prefix="/territories",
    tags=["territories"],
    dependencies=[Depends(require_read)],
    responses={**ERRORS, **NOT_FOUND},
)


def _absent(table: str, run_id: str | None) -> HTTPException:
    return HTTPException(
        404,
        f"table {table} is not in the published database (run {run_id}): "
        "territories are assigned when the input folder has a reps file",
    )


@router.get(
    "", response_model=list[TerritoryBalanceRow], summary="Per rep: accounts, buying power, share, deviation"
)
def balance(session: SessionDep) -> list[TerritoryBalanceRow]:
    rows = queries.territory_table(session, "territory_balance")
    if rows is None:
        raise _absent("territory_balance", session.run_id)
    return [TerritoryBalanceRow.model_validate(r) for r in rows]


@router.get(
    "/changes",
    response_model=list[TerritoryChange],
    summary="Accounts whose owner changed since the previous quarter, with the reason",
)
def changes(session: SessionDep) -> list[TerritoryChange]:
    rows = queries.territory_table(session, "territory_changes")
    if rows is None:
        raise _absent("territory_changes", session.run_id)
    return [TerritoryChange.model_validate(r) for r in rows]
