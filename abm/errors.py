"""User-facing errors.

An ``AbmError`` carries one clear line for the user (which file, row or key, and what is wrong).
The CLI prints it without a traceback and exits non-zero; anything else is a bug.

Made with ``keyed``, the line is the message catalogue's (abm/messages/errors.py) and ``says(lang)``
gives it in the user's language, as the CLI prints it; ``str()`` is the English line (logs, tests,
the API's details). Made with a plain message, both are that message.
"""

from __future__ import annotations

from typing import Self


class AbmError(Exception):
    """A problem with the user's files, config or environment, explained in one line."""

    def __init__(self, message: str = "", said: dict[str, str] | None = None) -> None:
        self.said = said or {}
        super().__init__(self.said.get("en", message))

    @classmethod
    def keyed(cls, message: str, /, **fields: object) -> Self:
        """The error whose line is the catalogue's ``message`` key with ``fields``, in every language."""
        from abm.messages import LANGUAGES, text

        return cls(said={lang: text(message, lang, **fields) for lang in LANGUAGES})

    @classmethod
    def in_languages(cls, said: dict[str, str]) -> Self:
        """The error whose line, composed by the caller, is ``said[lang]`` in each language."""
        return cls(said=said)

    def says(self, lang: str) -> str:
        """The line in ``lang`` (the English one, or the plain message, when there is none)."""
        return self.said.get(lang, str(self))


class InputError(AbmError):
    """An input file is missing, unreadable, or lacks a required column."""


class ConfigError(AbmError):
    """The config file or an environment variable has a bad key or value."""


class RunCheckError(AbmError):
    """The finished run broke an invariant (e.g. revenue not fully counted): it is not published."""
