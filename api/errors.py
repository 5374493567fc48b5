"""Errors as JSON (``{"status", "message"}``) and one access-log line per request.

The access log names the method, the path (never the query string), the status, the time and the
key's label. Nothing else from a request is logged: no key, no query values, no response data,
so contact personal data cannot reach the logs.
"""

from __future__ import annotations

import logging
import time

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.db import DatabaseMissing, DatabaseUnreadable

log = logging.getLogger("abm.api")


def error(
    status: int, message: str, errors: list[dict] | None = None, headers: dict | None = None
) -> JSONResponse:
    body: dict = {"status": status, "message": message}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers)


async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))


async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
    details = [{"parameter": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in exc.errors()]
    first = details[0] if details else {"parameter": "?", "problem": "invalid"}
    return error(422, f"invalid parameter '{first['parameter']}': {first['problem']}", details)


async def _missing(_request: Request, exc: DatabaseMissing | DatabaseUnreadable) -> JSONResponse:
    return error(503, str(exc))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # the type only: exception text may quote data
    log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__)
    return error(500, "internal error (see the server log)")


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(DatabaseMissing, _missing)
    app.add_exception_handler(DatabaseUnreadable, _missing)
    app.add_exception_handler(Exception, _unexpected)

    @app.middleware("http")
    async def access_log(request: Request, call_next):
        t0 = time.perf_counter()
        response = await call_next(request)
        log.info(
            "%s %s %d %.1fms key=%s",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - t0) * 1000,
            getattr(request.state, "caller", "-"),
        )
        return response
