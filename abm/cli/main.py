"""The `abm` command: the Typer app and its commands, in the order `abm --help` lists them.

Each command lives in a module named after it (abm/cli/run.py, review.py, export.py, serve.py,
territories.py, bench.py, dev.py); they parse options, call ``pipelines`` / ``api`` / ``abm`` and
print through abm/cli/console.py. This module only wires them into one app.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from abm import __version__
from abm.cli.bench import bench
from abm.cli.console import HELP, h, tell
from abm.cli.dev import dev_app
from abm.cli.export import export
from abm.cli.review import review_app
from abm.cli.run import report, run, sample, show_config
from abm.cli.serve import serve
from abm.cli.territories import territories_report

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=h("app"),
    context_settings=HELP,
    rich_markup_mode=None,
)
app.add_typer(review_app, name="review", help=h("review"))
app.add_typer(dev_app, name="dev", hidden=True)
# each command's help is the catalogue's, in the help language (its docstring says why, for developers)
app.command(help=h("run"))(run)
app.command(help=h("sample"))(sample)
app.command("config", help=h("config"))(show_config)
app.command(help=h("bench"))(bench)
app.command(help=h("serve"))(serve)
app.command(help=h("report"))(report)
app.command("export", help=h("export"))(export)
app.command("territories", help=h("territories"))(territories_report)


def _show_version(value: bool) -> None:
    if value:
        tell(f"abm {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_show_version, is_eager=True, help=h("version")),
    ] = False,
) -> None:
    """Pick the B2B accounts to target."""


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
