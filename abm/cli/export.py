"""`abm export`: accounts with the columns a Salesforce / HubSpot account import expects."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from abm.cli.console import ConfigOpt, DbOpt, friendly, settings_from, tell


@friendly
def export(
    db: DbOpt = None,
    config: ConfigOpt = None,
    out_file: Annotated[Path, typer.Option("--out", help="targets.csv (UTF-8 with BOM) or .xlsx.")] = Path(
        "targets.csv"
    ),
    tier: Annotated[list[int] | None, typer.Option("--tier", help="Only these tiers (repeatable).")] = None,
    crm: Annotated[str, typer.Option(help="Header names for: salesforce or hubspot.")] = "salesforce",
    kind: Annotated[
        str,
        typer.Option(help="targets (tiered accounts) or assignments (every account with an owner)."),
    ] = "targets",
    changed_since: Annotated[
        str | None,
        typer.Option(
            help="Only accounts whose owner, tier or segment changed since this run id, or 'last' "
            "(the run before the latest), with the old values and the reason."
        ),
    ] = None,
) -> None:
    """Write accounts with the columns a Salesforce / HubSpot account import expects."""
    from abm.published.export import export_accounts

    settings = settings_from(config, **{"run.db": db})
    n = export_accounts(
        settings.run.db, out_file, kind, crm, tier or None, changed_since, settings.match.free_mail_domains
    )
    what = (
        "changed accounts" if changed_since else "target accounts" if kind == "targets" else "owned accounts"
    )
    tell(f"Wrote {n:,} {what} to {out_file} ({crm} headers).")
