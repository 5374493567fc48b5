"""`abm review export` / `abm review import`: the human review of borderline 名寄せ pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from abm.cli.console import ConfigOpt, DbOpt, friendly, settings_from, tell

review_app = typer.Typer(no_args_is_help=True, help="Human review of borderline 名寄せ pairs.")


@review_app.command("export")
@friendly
def review_export(
    out_file: Annotated[Path, typer.Option("--out", help="CSV or XLSX to write.")] = Path(
        "match_review.xlsx"
    ),
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Write the review queue to a file; fill in `decision` (link / not) and import it back."""
    from abm.matching.review import export_review

    settings = settings_from(config, **{"run.db": db})
    n = export_review(settings.run.db, out_file)
    tell(
        f"Wrote {n:,} pairs to review to {out_file}. Fill the `decision` column "
        "(link = same company, not = different), then run `abm review import`."
    )


@review_app.command("import")
@friendly
def review_import(
    in_file: Annotated[Path, typer.Argument(help="The edited CSV or XLSX.", metavar="FILE")],
    db: DbOpt = None,
    config: ConfigOpt = None,
    by: Annotated[str, typer.Option(help="Who decided (kept with each decision).")] = "",
) -> None:
    """Record reviewed decisions (checked against the published file); later runs apply them."""
    from abm.matching.review import import_review

    settings = settings_from(config, **{"run.db": db})
    counts = import_review(in_file, settings.run.decisions, settings.run.db, decided_by=by)
    tell(
        f"Recorded {counts['link']:,} links and {counts['not']:,} non-matches in {settings.run.decisions} "
        f"({counts['blank']:,} rows left undecided). They apply from the next `abm run`."
    )
