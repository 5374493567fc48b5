"""Workspace logins: a signed, HttpOnly, SameSite=Strict cookie instead of a key in every request.

The user pastes an API key once (``/w/login``); the app checks it against the same keyring as the
API and sets a cookie holding ``{key handle, session id, expiry}`` signed with HMAC-SHA256. The key
itself is never stored, put in a URL or logged: the handle is a digest of the key's digest
(:meth:`api.security.Keyring.handle`), and scopes are looked up again on every request, so a key
removed from the config ends its sessions. Every POST carries a CSRF token derived from the
session id (and, on the login form, from a short-lived pre-login cookie).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response

from abm.config.settings import WebSettings
from api.security import Caller, Keyring
from api.web.errors import LoginRequired, WebError

COOKIE = "abm_session"
LOGIN_COOKIE = "abm_login"  # pre-login CSRF nonce: login forms cannot be posted from another site


@dataclass(frozen=True)
class WebUser:
    """A logged-in person: the key's caller (name, scopes) and the session's CSRF token."""

    caller: Caller
    sid: str
    csrf: str

    def can(self, scope: str) -> bool:
        return scope in self.caller.scopes


class Sessions:
    """Signs and checks session cookies; remembers sessions logged out while this process runs."""

    def __init__(self, settings: WebSettings, keyring: Keyring) -> None:
        secret = settings.session_secret.get_secret_value() if settings.session_secret else None
        self._secret = secret.encode("utf-8") if secret else secrets.token_bytes(32)
        self._seconds = settings.session_hours * 3600
        self._secure = settings.secure_cookie
        self._keyring = keyring
        self._ended: set[str] = set()

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self._secret, payload, hashlib.sha256).hexdigest()

    def _token(self, value: dict[str, Any]) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode()
        return f"{payload}.{self._sign(payload.encode())}"

    def _read(self, token: str | None) -> dict[str, Any] | None:
        if not token or "." not in token:
            return None
        payload, signature = token.rsplit(".", 1)
        if not hmac.compare_digest(self._sign(payload.encode()), signature):
            return None
        try:
            value = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except ValueError:
            return None
        return value if isinstance(value, dict) and value.get("exp", 0) > time.time() else None

    def csrf_for(self, sid: str) -> str:
        return self._sign(f"csrf:{sid}".encode())

    def start(self, response: Response, caller: Caller) -> None:
        """Log ``caller`` in: set the session cookie (and drop the pre-login one)."""
        value: dict[str, Any] = {
            "k": self._keyring.handle(caller),
            "s": secrets.token_urlsafe(16),
            "exp": int(time.time() + self._seconds),
        }
        response.set_cookie(
            COOKIE,
            self._token(value),
            max_age=int(self._seconds),
            httponly=True,
            samesite="strict",
            secure=self._secure,
            path="/",
        )
        response.delete_cookie(LOGIN_COOKIE, path="/w/login")

    def user(self, request: Request) -> WebUser | None:
        value = self._read(request.cookies.get(COOKIE))
        if value is None or value.get("s") in self._ended:
            return None
        caller = self._keyring.by_handle(str(value.get("k", "")))
        if caller is None:
            return None
        sid = str(value["s"])
        return WebUser(caller, sid, self.csrf_for(sid))

    def end(self, response: Response, user: WebUser) -> None:
        self._ended.add(user.sid)
        response.delete_cookie(COOKIE, path="/")

    def login_form(self, request: Request) -> tuple[str, str]:
        """This browser's pre-login nonce (a new one when it has none) and the form's CSRF token for it."""
        nonce = request.cookies.get(LOGIN_COOKIE) or ""
        if not 16 <= len(nonce) <= 64:
            nonce = secrets.token_urlsafe(16)
        return nonce, self.csrf_for(f"login:{nonce}")

    def remember_login_form(self, response: Response, nonce: str) -> None:
        response.set_cookie(
            LOGIN_COOKIE,
            nonce,
            max_age=3600,
            httponly=True,
            samesite="strict",
            secure=self._secure,
            path="/w/login",
        )

    def login_form_ok(self, request: Request, token: str) -> bool:
        nonce = request.cookies.get(LOGIN_COOKIE)
        return bool(nonce) and hmac.compare_digest(self.csrf_for(f"login:{nonce}"), token)


def sessions(request: Request) -> Sessions:
    return request.app.state.web_sessions


def current_user(request: Request) -> WebUser:
    """The logged-in user, or :class:`LoginRequired` (answered with a redirect to the login page)."""
    user = sessions(request).user(request)
    if user is None:
        raise LoginRequired()
    request.state.caller = user.caller.name  # the access log names the key, never the key itself
    return user


async def checked_post(request: Request, user: Annotated[WebUser, Depends(current_user)]) -> WebUser:
    """A logged-in user whose form carries this session's CSRF token (every workspace POST)."""
    form = await request.form()
    token = form.get("csrf")
    if not isinstance(token, str) or not hmac.compare_digest(token, user.csrf):
        raise WebError(403, "error.csrf")
    return user


UserDep = Annotated[WebUser, Depends(current_user)]
PostUserDep = Annotated[WebUser, Depends(checked_post)]
