"""What every `abm` command shares: one `error:` line for user mistakes, output that prints names as
written, tables that fit the terminal, and the --config / --db options.

Problems with the user's files or config end with one `error:` line and exit code 2; a bug ends
with one line and exit code 1 (set ABM_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from abm.config.settings import Settings, load_settings
from abm.errors import AbmError
from abm.messages import DEFAULT_LANGUAGE, Lang, text

HELP = {"help_option_names": ["-h", "--help"]}  # inherited by every command and sub-command
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def help_language() -> Lang:
    """The language of `abm --help` and of the lines the CLI says without a run's settings (interrupted,
    internal error): ``ui.language`` from the environment (``ABM_UI__LANGUAGE=en``) or
    ./abm.toml, as a run reads it; Japanese when neither says or the config has a problem (the command
    itself then names the problem). Help is made when the CLI is imported, before any option is read,
    so a ``--config`` file's language applies to what the command prints, not to its help."""
    try:
        return load_settings().ui.language
    except Exception:
        return DEFAULT_LANGUAGE


HELP_LANGUAGE = help_language()
# the language of the lines a command ends with (its error line, interrupted): the help language until
# the command has read its settings (``settings_from``), then theirs
speaking: Lang = HELP_LANGUAGE


def h(key: str) -> str:
    """Text ``cli.<key>`` of the message catalogue (abm/messages/cli.py) in the help language."""
    return text(f"cli.{key}", HELP_LANGUAGE)


ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help=h("config_file"))]
DbOpt = Annotated[Path | None, typer.Option("--db", help=h("db_file"))]


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn AbmError into one clear line and exit 2; hide tracebacks of bugs unless ABM_DEBUG=1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        global speaking
        speaking = HELP_LANGUAGE  # a command before this one may have read other settings
        try:
            return fn(*args, **kwargs)
        except AbmError as exc:
            err.print(Text.assemble(("error:", "bold red"), f" {exc.says(speaking)}"), soft_wrap=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            say(text("cli.interrupted", speaking))
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("ABM_DEBUG"):
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            err.print(
                Text.assemble(
                    ("internal error:", "bold red"),
                    f" {type(exc).__name__}: {first} {text('cli.internal_error', speaking)}",
                ),
                soft_wrap=True,
            )
            raise typer.Exit(1) from None

    return wrapper


def say(line: str) -> None:
    """A progress or status line on stderr, printed as written: file names, headers and values may
    contain brackets such as ``[columns.sales]`` that Rich would otherwise read as markup."""
    err.print(line, markup=False, soft_wrap=True)


def tell(line: str) -> None:
    """A result line on stdout, printed as written (no markup)."""
    out.print(line, markup=False)  # wrapped at the terminal's width, between words


def tell_table(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[str | Text]], left: int = 1
) -> None:
    """A result table on stdout that fits the terminal (80 columns included): no outer frame, one
    space between columns, headers may break at their spaces, and a cell too long for its column
    wraps onto a second line rather than being cut with "…" (a cut number would be a wrong number).
    The first ``left`` columns are text, left-aligned; the others are figures, right-aligned."""
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=0)
    for i, col in enumerate(columns):
        figure = i >= left
        table.add_column(
            col.replace(" ", "\n") if figure else col,
            justify="right" if figure else "left",
            overflow="fold",
            no_wrap=figure,
        )
    for row in rows:
        table.add_row(*row)
    out.print(table)


def settings_from(config: Path | None, **overrides: Any) -> Settings:
    """The effective settings: ``config`` file, environment, defaults, then the command's options; the
    command speaks their ``ui.language`` from here on."""
    global speaking
    settings = load_settings(config, **overrides)
    speaking = settings.ui.language
    return settings
