"""`abm territories`: balance per rep and what changed since last quarter, for the latest run."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from abm.cli.console import ConfigOpt, DbOpt, friendly, h, settings_from, tell, tell_table
from abm.errors import AbmError
from abm.messages import text
from abm.published.reader import reading


@friendly
def territories_report(
    db: DbOpt = None,
    config: ConfigOpt = None,
    changes: Annotated[int, typer.Option(help=h("territories.changes"))] = 20,
) -> None:
    """Balance per rep and what changed since last quarter, for the latest run."""
    from pipelines.territories import read_report

    settings = settings_from(config, **{"run.db": db})
    with reading(settings.run.db) as session:
        report = read_report(session.cur, limit=changes)
    if not report:
        raise AbmError.keyed("error.territories.no_reps", db=settings.run.db)
    lang = settings.ui.language

    def columns(key: str) -> tuple[str, ...]:
        return tuple(text(f"cli.territories.{key}.columns", lang).split("|"))

    quarter = report["balance"]["quarter"][0] if report["balance"].height else "?"
    # reps' names and areas come from the user's file: Text, never read as markup
    tell_table(
        text("cli.territories.balance", lang, quarter=quarter),
        columns("balance"),
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
        text("cli.territories.areas", lang),
        columns("areas"),
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
    reasons = ", ".join(f"{reason}: {n:,}" for reason, n in report["reasons"].iter_rows())
    tell(text("cli.territories.reasons", lang, reasons=reasons or text("cli.territories.no_reasons", lang)))
    if report["changes"].height:
        headers = columns("first")
        tell_table(
            text("cli.territories.first", lang, n=report["changes"].height),
            headers,
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
            left=len(headers),
        )


def _pct(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.1%}" if signed else f"{value:.1%}"
