"""Log in (paste an API key once) and log out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.security import READ
from api.web.render import page, safe_next
from api.web.session import PostUserDep, sessions

router = APIRouter(prefix="/w", include_in_schema=False)


def _form(request: Request, status: int, target: str, problem: str | None = None) -> Response:
    web = sessions(request)
    nonce, token = web.login_form(request)
    response = page(request, "login.html", None, status, next=target, csrf=token, problem=problem)
    web.remember_login_form(response, nonce)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return _form(request, 200, safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    key: Annotated[str, Form(max_length=500)],
    csrf: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    web = sessions(request)
    target = safe_next(next)
    if not web.login_form_ok(request, csrf):
        return _form(request, 403, target, "error.csrf")
    caller = request.app.state.keyring.identify(key.strip())
    if caller is None:
        return _form(request, 401, target, "login.bad_key")
    if READ not in caller.scopes:
        return _form(request, 403, target, "login.no_scope")
    request.state.caller = caller.name  # the access log names the key, never the key itself
    response = RedirectResponse(target, status_code=303)
    web.start(response, caller)
    return response


@router.post("/logout")
def logout(request: Request, user: PostUserDep) -> Response:
    response = RedirectResponse("/w/login", status_code=303)
    sessions(request).end(response, user)
    return response
