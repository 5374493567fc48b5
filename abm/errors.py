"""User-facing errors.

An ``AbmError`` carries one clear line for the user (which file, row or key, and what is wrong).
The CLI prints it without a traceback and exits non-zero; anything else is a bug.
"""

from __future__ import annotations


class AbmError(Exception):
    """A problem with the user's files, config or environment, explained in one line."""


class InputError(AbmError):
    """An input file is missing, unreadable, or lacks a required column."""


class ConfigError(AbmError):
    """The config file or an environment variable has a bad key or value."""


class RunCheckError(AbmError):
    """The finished run broke an invariant (e.g. revenue not fully counted): it is not published."""
