"""`abm territories`: balance per rep and what changed since last quarter, for the latest run."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from abm.cli.console import ConfigOpt, DbOpt, friendly, settings_from, tell, tell_table
from abm.errors import AbmError
from abm.published import file as published


@friendly
def territories_report(
    db: DbOpt = None,
    config: ConfigOpt = None,
    changes: Annotated[int, typer.Option(help="How many changed accounts to list.")] = 20,
) -> None:
    """Balance per rep and what changed since last quarter, for the latest run."""
    from pipelines.territories import read_report

    settings = settings_from(config, **{"run.db": db})
    con = published.connect_read_only(settings.run.db)
    try:
        report = read_report(con, limit=changes)
    finally:
        con.close()
    if not report:
        raise AbmError(
            f"{settings.run.db} has no territories: add a reps file "
            "(担当者コード, 担当者名, エリア) to the input folder and run `abm run`"
        )
    quarter = report["balance"]["quarter"][0] if report["balance"].height else "?"
    # reps' names and areas come from the user's file: Text, never read as markup
    tell_table(
        f"Territory balance ({quarter})",
        (
            "rep",
            "name",
            "area",
            "cap.",
            "accounts",
            "buying power",
            "revenue",
            "bp share",
            "dev. bp",
            "dev. n",
        ),
        (
            (
                Text(r["rep_id"] or ""),
                Text(r["name"] or ""),
                Text(r["area"] or ""),
                f"{r['capacity']:g}",
                f"{r['accounts']:,}",
                f"{r['buying_power']:,.1f}",
                f"¥{r['revenue']:,.0f}",
                _pct(r["buying_power_share"]),
                Text.assemble(
                    _pct(r["buying_power_deviation"], signed=True),
                    "" if r["within_tolerance"] else (" !", "red"),
                ),
                _pct(r["accounts_deviation"], signed=True),
            )
            for r in report["balance"].iter_rows(named=True)
        ),
        left=3,
    )
    tell_table(
        "Per area: coefficient of variation across reps, and moves since last quarter",
        ("area", "reps", "accounts", "CV buying power", "CV accounts", "moved", "rebalanced", "unassigned"),
        (
            (
                Text(r["area"] or ""),
                str(r["reps"]),
                f"{r['accounts']:,}",
                _pct(r["cv_buying_power"]),
                _pct(r["cv_accounts"]),
                f"{r['moved']:,}",
                f"{r['rebalanced']:,}",
                f"{r['unassigned']:,}",
            )
            for r in report["areas"].iter_rows(named=True)
        ),
    )
    reasons = ", ".join(f"{reason}: {n:,}" for reason, n in report["reasons"].iter_rows()) or "none"
    tell(f"Owner changes by reason: {reasons} (table territory_changes).")
    if report["changes"].height:
        fields = ("account_id", "name", "territory", "from", "to", "reason")
        tell_table(
            f"First {report['changes'].height} changes",
            ("account", "name", "territory", "from", "to", "reason"),
            (
                tuple(
                    Text(v or "—")
                    for v in (
                        r["account_id"],
                        r["name"],
                        r["territory"],
                        r["from_owner_name"] or r["from_owner"],
                        r["to_owner_name"] or r["to_owner"],
                        r["reason"],
                    )
                )
                for r in report["changes"].iter_rows(named=True)
            ),
            left=len(fields),
        )


def _pct(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.1%}" if signed else f"{value:.1%}"
