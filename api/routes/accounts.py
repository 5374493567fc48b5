"""Accounts: the tiered target list (filtered, sorted, paged) and one account in full."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response

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

NO_STORE = "no-store"  # responses that may carry personal data are never cached (browsers, proxies)
WITHHELD_HEADER = "X-Contacts-Withheld-No-Consent"

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
def get_account(
    session: SessionDep, caller: ReaderDep, account_id: AccountId, response: Response
) -> AccountDetail:
    response.headers["Cache-Control"] = NO_STORE  # may carry contact personal data
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
        contacts_withheld_no_consent=queries.contacts_withheld_no_consent(session, account_id),
        history=[HistoryRow.model_validate(r) for r in queries.history(session, account_id)],
    )


@router.get(
    "/{account_id}/contacts",
    response_model=list[Contact],
    responses={
        **NOT_FOUND,
        200: {
            "headers": {
                WITHHELD_HEADER: {
                    "description": "Linked contacts not returned for lack of consent (opt-in / opt-out).",
                    "schema": {"type": "integer"},
                }
            }
        },
    },
    summary="Consenting contacts of one account with personal data (scope read:contacts)",
)
def get_contacts(
    session: SessionDep, _caller: ContactsReaderDep, account_id: AccountId, response: Response
) -> list[Contact]:
    response.headers["Cache-Control"] = NO_STORE
    if queries.account(session, account_id) is None:
        raise HTTPException(404, f"account '{account_id}' not found in run {session.run_id}")
    withheld = queries.contacts_withheld_no_consent(session, account_id)
    response.headers[WITHHELD_HEADER] = str(withheld)
    return [Contact.model_validate(r) for r in queries.contacts(session, account_id)]
