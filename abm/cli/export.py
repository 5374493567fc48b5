"""`abm export`: accounts with the columns a Salesforce / HubSpot account import expects."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from abm.cli.console import ConfigOpt, DbOpt, friendly, h, settings_from, tell
from abm.messages import text


@friendly
def export(
    db: DbOpt = None,
    config: ConfigOpt = None,
    out_file: Annotated[Path, typer.Option("--out", help=h("export.out"))] = Path("targets.csv"),
    tier: Annotated[list[int] | None, typer.Option("--tier", help=h("export.tier"))] = None,
    crm: Annotated[str, typer.Option(help=h("export.crm"))] = "salesforce",
    kind: Annotated[str, typer.Option(help=h("export.kind"))] = "targets",
    changed_since: Annotated[str | None, typer.Option(help=h("export.changed_since"))] = None,
) -> None:
    """Write accounts with the columns a Salesforce / HubSpot account import expects."""
    from abm.published.export import export_accounts

    settings = settings_from(config, **{"run.db": db})
    n = export_accounts(
        settings.run.db, out_file, kind, crm, tier or None, changed_since, settings.match.free_mail_domains
    )
    what = "changed" if changed_since else kind  # export_accounts checked kind: targets or assignments
    tell(text(f"cli.export.wrote.{what}", settings.ui.language, n=n, path=out_file, crm=crm))
