"""名寄せレビュー: borderline pairs side by side, and the reviewer's decision recorded in the same
lasting store as ``abm review import`` (abm.matching.decision_store: file-locked appends, who and
when recorded). The next ``abm run`` applies it, like every decision in the store."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from abm.matching.decision_store import record_decisions
from api.security import READ, READ_CONTACTS, REVIEW
from api.web.errors import WebError
from api.web.reads import (
    WebSessionDep,
    company_exists,
    decision_frame,
    review_left,
    review_page,
    review_record,
)
from api.web.render import page
from api.web.session import PostUserDep, UserDep

router = APIRouter(prefix="/w/review", include_in_schema=False)

PAIRS_PER_PAGE = 20


@router.get("", response_class=HTMLResponse)
def review(request: Request, session: WebSessionDep, user: UserDep, done: int = 0) -> HTMLResponse:
    if not user.can(READ):
        raise WebError(403, "login.no_scope")
    store = request.app.state.settings.run.decisions
    return page(
        request,
        "review.html",
        user,
        left=review_left(session, store),
        pairs=review_page(session, store, PAIRS_PER_PAGE, personal=user.can(READ_CONTACTS)),
        can_decide=user.can(REVIEW),
        done=bool(done),
        run_id=session.run_id,
    )


@router.post("")
def decide(
    request: Request,
    session: WebSessionDep,
    user: PostUserDep,
    source: Annotated[Literal["sales", "contacts"], Form()],
    source_key: Annotated[str, Form(min_length=1, max_length=200)],
    action: Annotated[Literal["link", "not", "runner_up", "other"], Form()],
    company_id: Annotated[str, Form(max_length=100)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Record one decision: link to the candidate, to the runner-up, to another company id, or not."""
    if not user.can(REVIEW):
        raise WebError(403, "review.no_scope")
    record = review_record(session, source, source_key)
    if record is None:
        raise WebError(404, "review.unknown_pair")
    target = {
        "link": record["company_id"],
        "runner_up": record["runner_up_company_id"],
        "other": company_id.strip(),
        "not": None,
    }[action]
    if action != "not" and (not target or not company_exists(session, target)):
        raise WebError(400, "review.unknown_company", company_id=target or "")
    store = request.app.state.settings.run.decisions
    record_decisions(store, decision_frame(record, target, note.strip() or None), decided_by=user.caller.name)
    return RedirectResponse("/w/review?done=1", status_code=303)
