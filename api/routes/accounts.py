"""Accounts: the tiered target list (filtered, sorted, paged) and one account in full."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from api import queries
from api.deps import ContactsReaderDep, ReaderDep, SessionDep, require_read
from api.routes.common import ERRORS, NOT_FOUND
from api.schemas import (
    Account,
    AccountDetail,
    AccountPage,
    AccountQuery,
    Contact,
    HistoryRow,
    LinkedRecord,
    SalesPeriod,
)
from api.security import READ_CONTACTS

router = APIRouter(
    prefix="/accounts", tags=["accounts"], dependencies=[Depends(require_read)], responses=ERRORS
)

AccountId = Annotated[
    str, Path(min_length=1, max_length=100, description="account_id from `accounts`.", examples=["100000001"])
]


@router.get("", response_model=AccountPage, summary="Target accounts, filtered, sorted and paged")
def list_accounts(session: SessionDep, query: Annotated[AccountQuery, Query()]) -> AccountPage:
    total, rows = queries.accounts_page(session, query, query.limit, query.offset)
    end = query.offset + query.limit
    return AccountPage(
        run_id=session.run_id,
        total=total,
        limit=query.limit,
        offset=query.offset,
        next_offset=end if end < total else None,
        items=[Account.model_validate(r) for r in rows],
    )


@router.get(
    "/{account_id}",
    response_model=AccountDetail,
    responses=NOT_FOUND,
    summary="One account: master attributes, sales by quarter, linked records, contacts, history",
)
def get_account(session: SessionDep, caller: ReaderDep, account_id: AccountId) -> AccountDetail:
    row = queries.account(session, account_id)
    if row is None:
        raise HTTPException(404, f"account '{account_id}' not found in run {session.run_id}")
    records = [LinkedRecord.model_validate(r) for r in queries.linked_records(session, account_id)]
    has_contacts = any(r.source == "contacts" for r in records)
    allowed = READ_CONTACTS in caller.scopes
    return AccountDetail(
        run_id=session.run_id,
        account=Account.model_validate(row),
        sales_by_period=[SalesPeriod.model_validate(r) for r in queries.sales_by_period(session, account_id)],
        linked_records=records,
        contacts=[Contact.model_validate(r) for r in queries.contacts(session, account_id)]
        if allowed
        else None,
        contacts_withheld=has_contacts and not allowed,
        history=[HistoryRow.model_validate(r) for r in queries.history(session, account_id)],
    )


@router.get(
    "/{account_id}/contacts",
    response_model=list[Contact],
    responses=NOT_FOUND,
    summary="Contacts of one account with personal data (scope read:contacts)",
)
def get_contacts(session: SessionDep, _caller: ContactsReaderDep, account_id: AccountId) -> list[Contact]:
    if queries.account(session, account_id) is None:
        raise HTTPException(404, f"account '{account_id}' not found in run {session.run_id}")
    return [Contact.model_validate(r) for r in queries.contacts(session, account_id)]
