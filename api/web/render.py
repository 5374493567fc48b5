"""Jinja2 pages: one environment (autoescaped), the common page context, HTML errors for the workspace."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from abm.messages import MESSAGES, Lang
from abm.messages import text as message
from api.web.errors import Label, LoginRequired, WebError
from api.web.session import WebUser

HERE = Path(__file__).parent
STATIC = HERE / "static"

# Pages run no inline script and load nothing from elsewhere: every asset comes from /w/static.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",  # pages may show contact personal data
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _yen(value: float | None) -> str:
    return "—" if value is None else f"¥{value:,.0f}"


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
ENV.filters.update(yen=_yen, num=_num, pct=_pct, q=lambda s: quote(str(s), safe=""))


def translator(lang: Lang) -> Callable[..., str]:
    """``t(key, **fields)``: the workspace text ``web.<key>`` in ``lang`` (abm.messages); a
    :class:`Label` field is itself a key, shown translated (or as the code when there is none)."""

    def t(key: str, **fields: object) -> str:
        filled = {
            k: (message(f"web.{v}", lang) if f"web.{v}" in MESSAGES else str(v))
            if isinstance(v, Label)
            else v
            for k, v in fields.items()
        }
        return message(f"web.{key}", lang, **filled)

    return t


def page(
    request: Request, template: str, user: WebUser | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """A rendered page with the context every page needs (user, CSRF token, current path, the
    words in ``ui.language``)."""
    lang = request.app.state.settings.ui.language
    html = ENV.get_template(template).render(
        request=request, user=user, path=request.url.path, t=translator(lang), lang=lang, **context
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def safe_next(path: str) -> str:
    """Only a path of this site (never ``//other.host``) to return to after logging in."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


async def _login_required(request: Request, _exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/w/login?next={quote(safe_next(target), safe='')}", status_code=303)


async def _web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    user = request.app.state.web_sessions.user(request)
    lang = request.app.state.settings.ui.language
    return page(request, "error.html", user, exc.status, message=translator(lang)(exc.key, **exc.values))


def install(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(WebError, _web_error)
