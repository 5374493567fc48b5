"""Errors as JSON (``{"status", "message"}``); unexpected ones are logged by exception type only."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from abm.published.reader import DatabaseMissing, DatabaseUnreadable

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
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]  # Starlette types handlers as taking Exception; it dispatches by class
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]  # Starlette types handlers as taking Exception; it dispatches by class
    app.add_exception_handler(DatabaseMissing, _missing)  # type: ignore[arg-type]  # Starlette types handlers as taking Exception; it dispatches by class
    app.add_exception_handler(DatabaseUnreadable, _missing)  # type: ignore[arg-type]  # Starlette types handlers as taking Exception; it dispatches by class
    app.add_exception_handler(Exception, _unexpected)
