"""Workspace pages that read: the target list (and its downloads), one account, whitespace,
territories, run history. Thin: parse, call api.queries / api.web.reads, render."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from markupsafe import Markup

from abm.published.xlsx import write_xlsx
from abm.report.svg import bar_chart
from api import queries
from api.schemas import SEGMENTS, AccountFilters
from api.security import READ, READ_CONTACTS
from api.web.errors import WebError
from api.web.filters import parse_filters, query_string
from api.web.reads import WebSessionDep, facets, rejects_by_reason
from api.web.render import page
from api.web.session import UserDep, WebUser

router = APIRouter(include_in_schema=False)

XLSX_MAX = 100_000  # rows: an XLSX is built in memory; bigger lists go to the (streamed) CSV
SORT_CHOICES = ("priority", "-buying_power_score", "-sales_amount", "-revenue", "-employees", "name")
WHITESPACE = ["B", "B+C"]  # non-customers with buying power (three circles: B without S)


def _reader(user: WebUser) -> WebUser:
    if not user.can(READ):
        raise WebError(403, "login.no_scope")
    return user


def _list_page(
    request: Request, session: WebSessionDep, user: WebUser, f: AccountFilters, template: str
) -> HTMLResponse:
    """A page of the filtered accounts; the download links carry the same filters (and sort)."""
    size = request.app.state.settings.web.page_size
    try:
        number = max(1, int(request.query_params.get("page") or 1))
    except ValueError:
        number = 1
    total, rows = queries.accounts_page(session, f, size, (number - 1) * size)
    params = request.query_params
    return page(
        request,
        template,
        user,
        rows=rows,
        total=total,
        first=(number - 1) * size + 1,
        number=number,
        pages=max(1, -(-total // size)),
        f=f,
        facets=facets(session),
        segments=SEGMENTS,
        sorts=SORT_CHOICES,
        prev_qs=query_string(params, page=number - 1) if number > 1 else None,
        next_qs=query_string(params, page=number + 1) if number * size < total else None,
        download_qs=query_string(params, page=None, segment=f.segment or None, sort=f.sort),
        run_id=session.run_id,
    )


@router.get("/", response_class=HTMLResponse)
def targets(request: Request, session: WebSessionDep, user: UserDep) -> HTMLResponse:
    return _list_page(request, session, _reader(user), parse_filters(request.query_params), "targets.html")


@router.get("/w/whitespace", response_class=HTMLResponse)
def whitespace(request: Request, session: WebSessionDep, user: UserDep) -> HTMLResponse:
    sort = request.query_params.get("sort") or "-buying_power_score"
    f = parse_filters(request.query_params, segment=WHITESPACE, sort=sort)
    return _list_page(request, session, _reader(user), f, "whitespace.html")


@router.get("/w/export.csv")
def export_csv(request: Request, session: WebSessionDep, user: UserDep) -> Response:
    """Exactly the filtered rows, formula-safe UTF-8 with a BOM for Excel (api.queries.export_csv)."""
    _reader(user)
    body = b"".join(queries.export_csv(session, parse_filters(request.query_params), excel=True))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="targets-{session.run_id or "latest"}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/w/export.xlsx")
def export_xlsx(request: Request, session: WebSessionDep, user: UserDep) -> Response:
    _reader(user)
    frame = queries.accounts_frame(session, parse_filters(request.query_params), limit=XLSX_MAX + 1)
    if frame.height > XLSX_MAX:
        raise WebError(400, "download.too_many", limit=XLSX_MAX)
    buf = io.BytesIO()
    write_xlsx(frame, buf, sheet="targets")
    return StreamingResponse(
        iter([buf.getvalue()]),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="targets-{session.run_id or "latest"}.xlsx"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/w/account/{account_id}", response_class=HTMLResponse)
def account(
    request: Request,
    session: WebSessionDep,
    user: UserDep,
    account_id: Annotated[str, Path(min_length=1, max_length=100)],
) -> HTMLResponse:
    _reader(user)
    row = queries.account(session, account_id)
    if row is None:
        raise WebError(404, "account.not_found")
    sales = queries.sales_by_period(session, account_id)
    chart = (
        Markup(  # abm.report.svg escapes every label it draws
            bar_chart(
                [s["period"] for s in sales],
                [float(s["amount"] or 0) for s in sales],
                [f"¥{(s['amount'] or 0):,.0f}" for s in sales],
            )
        )
        if sales
        else None
    )
    allowed = user.can(READ_CONTACTS)
    return page(
        request,
        "account.html",
        user,
        a=row,
        chart=chart,
        records=queries.linked_records(session, account_id),
        contacts=queries.contacts(session, account_id) if allowed else None,
        no_consent=queries.contacts_withheld_no_consent(session, account_id),
        history=queries.history(session, account_id),
        run_id=session.run_id,
    )


@router.get("/w/territories", response_class=HTMLResponse)
def territories(request: Request, session: WebSessionDep, user: UserDep) -> HTMLResponse:
    _reader(user)
    return page(
        request,
        "territories.html",
        user,
        balance=queries.territory_table(session, "territory_balance"),
        changes=queries.territory_table(session, "territory_changes"),
        run_id=session.run_id,
    )


@router.get("/w/runs", response_class=HTMLResponse)
def runs(request: Request, session: WebSessionDep, user: UserDep) -> HTMLResponse:
    _reader(user)
    return page(
        request,
        "runs.html",
        user,
        runs=queries.runs(session, limit=20),
        rejects=rejects_by_reason(session),
        run_id=session.run_id,
    )
