"""The run report: one self-contained HTML page (inline SVG, no CDN) beside the database.

Managers look at it instead of tables: Pareto curve, deciles, the three circles, tiers by
segment, territory balance, 名寄せ quality, rejects and the run's timings. Only aggregates are
shown (no contact, no person, no rejected value), so the page can be mailed around.
"""

from __future__ import annotations

from pathlib import Path

from abm.published.reader import reading
from abm.report.data import collect
from abm.report.page import render


def report_path(db: Path) -> Path:
    """Where a run writes its report: ``abm.duckdb`` → ``abm-report.html`` in the same folder."""
    return db.with_name(f"{db.stem}-report.html")


def write_report(db: Path, out: Path | None = None) -> Path:
    """Render the report of the published ``db`` to ``out`` (default: beside the database)."""
    out = out or report_path(db)
    with reading(db) as session:
        html = render(collect(session))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)  # readers of the report never see half a page either
    return out


__all__ = ["collect", "render", "report_path", "write_report"]
