"""Dependencies routes declare with ``Annotated`` aliases: settings, the database session, the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from abm.config import Settings
from api.db import PublishedDb, Session
from api.security import READ, READ_CONTACTS, Caller, Keyring

API_KEY_HEADER = "X-API-Key"
_api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="An API key from [[api.keys]].")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> PublishedDb:
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


def _scope(scope: str):
    def check(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
        if scope not in caller.scopes:
            raise HTTPException(403, f"API key '{caller.name}' lacks scope '{scope}'")
        return caller

    return check


require_read = _scope(READ)
require_contacts = _scope(READ_CONTACTS)

SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[PublishedDb, Depends(get_db)]
SessionDep = Annotated[Session, Depends(get_session)]
ReaderDep = Annotated[Caller, Depends(require_read)]
ContactsReaderDep = Annotated[Caller, Depends(require_contacts)]
