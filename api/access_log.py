"""The API's logs: server messages (``abm.api``) and one access line per request (``abm.api.access``).

An access line names the UTC time, the method, the path (never the query string, which carries
search text), the status, the milliseconds and the key's label (``key=crm``; ``-`` when no valid key
was given). Nothing else from a request is logged: no key, no query values, no response data, so
contact personal data cannot reach the logs. uvicorn's own access log stays off (``abm serve``):
it would print the query string.

``configure`` runs in :func:`api.main.create_app`; calling it again (tests build many apps) replaces
the handlers it installed instead of adding more.
"""

from __future__ import annotations

import logging
import sys
import time

from fastapi import FastAPI, Request

from abm.config.settings import ApiSettings

SERVER = logging.getLogger("abm.api")
ACCESS = logging.getLogger("abm.api.access")
MAX_PATH = 200  # a path longer than this is cut: the log is for people, not for replaying requests


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _formatter() -> logging.Formatter:
    fmt = logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%SZ")
    fmt.converter = time.gmtime
    return fmt


def _drop_ours(logger: logging.Logger) -> None:
    for handler in [h for h in logger.handlers if getattr(h, "abm_api", False)]:
        logger.removeHandler(handler)
        handler.close()


def _add(logger: logging.Logger, handler: logging.Handler) -> None:
    handler.abm_api = True  # type: ignore[attr-defined]
    handler.setFormatter(_formatter())
    logger.addHandler(handler)


def configure(settings: ApiSettings) -> None:
    """Server messages at INFO on stderr; access lines on stderr or ``api.access_log_file``, or none."""
    _drop_ours(SERVER)
    _drop_ours(ACCESS)
    SERVER.setLevel(logging.INFO)
    _add(SERVER, _Stderr())
    ACCESS.setLevel(logging.INFO)
    ACCESS.disabled = not settings.access_log
    ACCESS.propagate = settings.access_log_file is None  # to stderr through abm.api
    if settings.access_log_file is not None:
        settings.access_log_file.parent.mkdir(parents=True, exist_ok=True)
        _add(ACCESS, logging.FileHandler(settings.access_log_file, encoding="utf-8"))


def _path(request: Request) -> str:
    """The path as sent (percent-encoded, so no newline can forge a log line), without the query."""
    raw = request.scope.get("raw_path")
    if raw:
        path = raw.decode("ascii", "backslashreplace")
    else:
        path = request.url.path.encode("unicode_escape").decode("ascii")
    return path if len(path) <= MAX_PATH else path[:MAX_PATH] + "..."


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def access_log(request: Request, call_next):
        t0 = time.perf_counter()
        status = 500  # what the client gets when the handler raises
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            ACCESS.info(
                "%s %s %d %.1fms key=%s",
                request.method,
                _path(request),
                status,
                (time.perf_counter() - t0) * 1000,
                getattr(request.state, "caller", "-"),
            )
