"""API keys and scopes.

Keys come from ``[[api.keys]]`` in the config or ``ABM_API__KEYS`` (JSON), plain or as SHA-256
digests. Only digests are kept in memory; a presented key is hashed and compared in constant time
against each. Keys are never logged: logs name the key by its label.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from abm.config.settings import ApiKey, ApiSettings
from abm.errors import ConfigError

READ = "read"
READ_CONTACTS = "read:contacts"
REVIEW = "review"  # record 名寄せ decisions in the workspace (api.web)


@dataclass(frozen=True)
class Caller:
    """Who is calling: the key's label and its scopes."""

    name: str
    scopes: frozenset[str]


def digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def _key_digest(k: ApiKey) -> bytes:
    """The key's SHA-256 digest, from the configured digest or the plain key."""
    if k.sha256:
        return bytes.fromhex(k.sha256)
    assert k.key is not None, "ApiKey's validator requires exactly one of key / sha256"
    return digest(k.key.get_secret_value())


class Keyring:
    def __init__(self, settings: ApiSettings) -> None:
        self.dev = settings.dev_no_keys and not settings.keys
        if not settings.keys and not settings.dev_no_keys:
            raise ConfigError.keyed("error.config.no_api_keys")
        self._keys = [
            (
                _key_digest(k),
                Caller(k.name, frozenset(k.scopes)),
            )
            for k in settings.keys
        ]

    def identify(self, presented: str | None) -> Caller | None:
        """The caller a presented key belongs to, or None. Dev mode: anyone may read (not contacts)."""
        if self.dev:
            return Caller("dev", frozenset({READ}))
        if not presented:
            return None
        d = digest(presented)
        found = None
        for stored, caller in self._keys:  # no early exit: same time whichever key matches
            if hmac.compare_digest(stored, d):
                found = caller
        return found

    def handle(self, caller: Caller) -> str:
        """A stable id of the key a caller came with, for workspace sessions (api.web): derived from
        the key's digest, so the key itself never travels in a cookie and cannot be recovered from it."""
        if self.dev:
            return "dev"
        stored = next(d for d, c in self._keys if c is caller)
        return hashlib.sha256(b"abm-web-session:" + stored).hexdigest()[:32]

    def by_handle(self, handle: str) -> Caller | None:
        """The caller of a session's key handle; None once that key is gone from the config."""
        if self.dev:
            return self.identify(None) if handle == "dev" else None
        return next((c for _, c in self._keys if hmac.compare_digest(self.handle(c), handle)), None)
