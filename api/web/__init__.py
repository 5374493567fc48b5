"""The marketers' workspace served by ``abm serve`` at ``/``: server-rendered Japanese pages over the
published run (target list, account, whitespace, 名寄せ review, territories, run history).

Offline by design: templates, CSS and the little JS there is are files of this package served by
the app (``/w/static``); no CDN, no inline script. Logins are signed cookies (api.web.session)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from abm.published.reader import Handle, PublishedFile
from api.security import Keyring
from api.web import auth, pages, reads, render, review
from api.web.session import Sessions


def install(app: FastAPI, keyring: Keyring) -> None:
    """Add the workspace to the API app: sessions, pages, static files, and its warm-up after a publish."""
    app.state.web_sessions = Sessions(app.state.settings.web, keyring)
    db: PublishedFile = app.state.db
    api_warm = db.warm

    def warm(handle: Handle) -> None:
        if api_warm is not None:
            api_warm(handle)
        reads.warm(handle)

    db.warm = warm
    render.install(app)
    app.mount("/w/static", StaticFiles(directory=render.STATIC), name="web-static")
    for module in (auth, pages, review):
        app.include_router(module.router)
