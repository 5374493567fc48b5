"""What workspace pages raise instead of JSON errors: a redirect to the login form, or an error page."""

from __future__ import annotations


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the login form."""


class WebError(Exception):
    """A workspace failure shown as a page in Japanese (status and a ``web.*`` key of abm.messages)."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values


class Label(str):
    """A value of a :class:`WebError` that is itself a text key (``web.<key>``), shown translated."""
