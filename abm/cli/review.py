"""`abm review export` / `abm review import`: the human review of borderline 名寄せ pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from abm.cli.console import ConfigOpt, DbOpt, friendly, h, settings_from, tell
from abm.messages import text

review_app = typer.Typer(no_args_is_help=True, help=h("review"))


@review_app.command("export", help=h("review.export"))
@friendly
def review_export(
    out_file: Annotated[Path, typer.Option("--out", help=h("review.export.out"))] = Path("match_review.xlsx"),
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Write the review queue to a file; fill in `decision` (link / not) and import it back."""
    from abm.matching.review import export_review

    settings = settings_from(config, **{"run.db": db})
    n = export_review(settings.run.db, out_file)
    tell(text("cli.review.exported", settings.ui.language, n=n, path=out_file))


@review_app.command("import", help=h("review.import"))
@friendly
def review_import(
    in_file: Annotated[Path, typer.Argument(help=h("review.import.file"), metavar="FILE")],
    db: DbOpt = None,
    config: ConfigOpt = None,
    by: Annotated[str, typer.Option(help=h("review.import.by"))] = "",
) -> None:
    """Record reviewed decisions (checked against the published file); later runs apply them."""
    from abm.matching.review import import_review

    settings = settings_from(config, **{"run.db": db})
    counts = import_review(in_file, settings.run.decisions, settings.run.db, decided_by=by)
    lang = settings.ui.language
    tell(
        text(
            "cli.review.imported", lang, link=counts["link"], not_=counts["not"], blank=counts["blank"],
            decisions=settings.run.decisions,
        )
    )  # fmt: skip
