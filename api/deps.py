"""Dependencies routes declare with ``Annotated`` aliases: settings, the database session, the caller."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyHeader
from pydantic import BaseModel

from abm.config.settings import Settings
from abm.published.reader import PublishedFile, Session
from api.security import READ, READ_CONTACTS, Caller, Keyring

API_KEY_HEADER = "X-API-Key"
_api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="An API key from [[api.keys]].")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> PublishedFile:
    return request.app.state.db


def get_session(request: Request) -> Iterator[Session]:
    """One cursor on the run that is published when the request starts, for the whole request."""
    with request.app.state.db.session() as session:
        yield session


def current_caller(request: Request, key: Annotated[str | None, Security(_api_key)] = None) -> Caller:
    keyring: Keyring = request.app.state.keyring
    caller = keyring.identify(key)
    if caller is None:
        raise HTTPException(
            401,
            f"missing or unknown API key (header {API_KEY_HEADER})",
            headers={"WWW-Authenticate": "APIKey"},
        )
    request.state.caller = caller.name  # for the access log: the key's label, never the key
    return caller


def _takes_many(annotation: Any) -> bool:
    """Whether a query parameter's type accepts repeats (``list[...]``, possibly Annotated / Optional)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _takes_many(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_takes_many(a) for a in typing.get_args(annotation))
    return origin in (list, set, tuple, frozenset)


def _scalar_params(dependant: Any) -> set[str]:
    """Names of the single-valued query parameters of a route (fields of query models included)."""
    names: set[str] = set()
    for param in dependant.query_params:
        kind = param.field_info.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            names |= {f.alias or n for n, f in kind.model_fields.items() if not _takes_many(f.annotation)}
        elif not _takes_many(kind):
            names.add(param.alias)
    for sub in dependant.dependencies:
        names |= _scalar_params(sub)
    return names


def single_valued(request: Request) -> None:
    """Reject a repeated single-valued parameter (``?owner=a&owner=b``) instead of silently taking one.

    Installed on the whole app; list filters (``tier=1&tier=2``) may repeat."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    repeated = [
        k for k in dict.fromkeys(request.query_params.keys()) if len(request.query_params.getlist(k)) > 1
    ]
    scalars = _scalar_params(dependant) if repeated else set()
    bad = [k for k in repeated if k in scalars]
    if bad:
        raise RequestValidationError(
            [
                {"loc": ("query", k), "msg": "given more than once; it takes one value", "type": "repeated"}
                for k in bad
            ]
        )


def _scope(scope: str):
    def check(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
        if scope not in caller.scopes:
            raise HTTPException(403, f"API key '{caller.name}' lacks scope '{scope}'")
        return caller

    return check


require_read = _scope(READ)
require_contacts = _scope(READ_CONTACTS)

SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[PublishedFile, Depends(get_db)]
SessionDep = Annotated[Session, Depends(get_session)]
ReaderDep = Annotated[Caller, Depends(require_read)]
ContactsReaderDep = Annotated[Caller, Depends(require_contacts)]
