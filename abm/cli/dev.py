"""`abm dev`: commands for people working on abm itself (README tables, the data dictionary), kept out
of the list users see in `abm --help`; `abm dev --help` lists them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from abm.cli.console import ConfigOpt, DbOpt, friendly, settings_from, tell
from abm.published import file as published

dev_app = typer.Typer(no_args_is_help=True, help="Developer commands: regenerate README tables and docs/.")


@dev_app.command()
@friendly
def docs(readme: Annotated[Path, typer.Option(help="README to update.")] = Path("README.md")) -> None:
    """Regenerate README's config and input tables from the code."""
    from abm.cli.docs import update

    tell(f"{readme}: {'updated' if update(readme) else 'already up to date'}")


@dev_app.command()
@friendly
def dictionary(
    db: DbOpt = None,
    config: ConfigOpt = None,
    out_file: Annotated[Path, typer.Option("--out", help="Markdown to write.")] = Path(
        "docs/data-dictionary.md"
    ),
) -> None:
    """Write the data dictionary (every published table, view, column) from the database's comments."""
    from abm.published.dictionary import differences, published_objects, render_markdown

    settings = settings_from(config, **{"run.db": db})
    con = published.connect_read_only(settings.run.db)
    try:
        objects = published_objects(con)
    finally:
        con.close()
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(render_markdown(objects), encoding="utf-8")
    drift = differences(objects)
    tell(
        f"Wrote {out_file}: {objects['name'].n_unique()} tables and views, {objects.height} columns"
        + (f"; {len(drift)} departures from abm/published/contract.py: {'; '.join(drift)}" if drift else ".")
    )
