"""The report page: sections of headings, inline SVG charts and small tables, one CSS block.

Every word comes from the message catalogue (abm.messages) in the language of the run that wrote the
file (``ui.language``, Japanese by default); table headers are the catalogue's column labels, with the
column code kept as a tooltip for BI analysts; codes in cells (segments, reason codes) stay codes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import polars as pl

from abm.messages import DEFAULT_LANGUAGE, Lang, labels, language, text
from abm.ranking.why import MIN_LIFT, MIN_SUPPORT, trait_phrases
from abm.report import svg
from abm.report.data import ReportData

CSS = """
body{font-family:-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP",sans-serif;margin:24px auto;
max-width:1180px;color:#222;padding:0 16px}
h1{font-size:24px;margin-bottom:4px}h2{font-size:18px;border-bottom:2px solid #1f77b4;padding-bottom:4px;
margin-top:28px}.sub{color:#666;margin-top:0}.row{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ddd;padding:4px 8px}
th{background:#f3f6fa;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.kpi{display:flex;gap:16px;flex-wrap:wrap}.kpi div{background:#f3f6fa;border-radius:6px;padding:8px 14px}
.kpi b{display:block;font-size:20px}.note{color:#666;font-size:12px}.scroll{overflow-x:auto;max-width:100%}
"""

WHY_TRAITS = 12  # traits listed in the report's why section

SECTIONS = (
    "run",
    "pareto",
    "deciles",
    "circles",
    "tiers",
    "why",
    "engagement",
    "coverage",
    "territories",
    "territory_changes",
    "linking",
    "rejects",
    "timings",
)


def yen(v: Any) -> str:
    return "" if v is None else f"¥{float(v):,.0f}"


def pct(v: Any) -> str:
    return "" if v is None else f"{float(v) + 0.0:.1%}".replace("-0.0%", "0.0%")


def num(v: Any) -> str:
    if v is None:
        return ""
    return f"{v:,}" if isinstance(v, int) else f"{float(v):,.2f}"


def table(
    df: pl.DataFrame,
    formats: Mapping[str, Callable[[Any], str]] | None = None,
    css_class: str = "",
    lang: Lang = DEFAULT_LANGUAGE,
) -> str:
    """An HTML table of ``df``; headers in ``lang`` (code as tooltip), numbers right-aligned, each column
    formatted by ``formats``."""
    formats = formats or {}
    said = labels("column", lang)
    head = "".join(f'<th title="{escape(c)}">{escape(said.get(c, c))}</th>' for c in df.columns)
    rows = []
    for row in df.iter_rows(named=True):
        cells = []
        for col, value in row.items():
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            text = "" if value is None else formats.get(col, num if numeric else str)(value)
            cells.append(f'<td class="n">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="scroll"><table class="{css_class}"><tr>{head}</tr>{"".join(rows)}</table></div>'


def section(key: str, title: str, body: Sequence[str]) -> str:
    return f'<section id="{key}"><h2>{escape(title)}</h2>{"".join(body)}</section>'


def _run(d: ReportData, lang: Lang) -> str:
    r = d.run
    files = json.loads(r.get("input_files") or "{}")
    kpis = [
        (text("report.kpi.as_of", lang), str(r.get("as_of", ""))),
        (text("report.kpi.quarter", lang), str(r.get("quarter", ""))),
        (text("report.kpi.customers", lang), num(r.get("customers"))),
        (text("report.kpi.top20_share", lang), pct(r.get("top20_share"))),
        (text("report.kpi.gini", lang), num(r.get("gini"))),
        (text("report.kpi.rows_loaded", lang), num(r.get("rows_loaded"))),
        (text("report.kpi.rows_rejected", lang), num(r.get("rows_rejected"))),
        (text("report.kpi.buying_power", lang), str(r.get("buying_power_method") or "")),
    ]
    inputs = (
        pl.DataFrame(
            [
                {
                    "input": k,
                    "file": Path(v.get("file", "")).name,
                    "format": v.get("format"),
                    "read": v.get("read"),
                    "loaded": v.get("loaded"),
                    "rejected": v.get("rejected"),
                }
                for k, v in files.items()
            ]
        )
        if files
        else pl.DataFrame()
    )
    window = f"{r.get('window_start', '')} … {r.get('window_end', '')}"
    cards = "".join(f"<div>{escape(k)}<b>{escape(v)}</b></div>" for k, v in kpis)
    sub = text("report.run.sub", lang, run_id=r.get("run_id", ""), window=window)
    return section(
        "run",
        text("report.run.title", lang),
        [
            f'<p class="sub">{escape(sub)}</p>',
            f'<div class="kpi">{cards}</div>',
            f"<h3>{escape(text('report.run.inputs', lang))}</h3>" + table(inputs, lang=lang)
            if inputs.height
            else "",
        ],
    )


def _pareto(d: ReportData, lang: Lang) -> str:
    a_share = d.run.get("abc_a") or 0.8
    chart = svg.pareto_curve(d.pareto["x"].to_list(), d.pareto["y"].to_list(), a_share, lang=lang)
    abc = d.abc.with_columns(share=pl.col("revenue") / pl.col("revenue").sum())
    return section(
        "pareto",
        text("report.pareto.title", lang),
        [
            f'<div class="row"><div>{chart}</div><div>',
            table(abc, {"revenue": yen, "share": pct, "up_to": pct}, lang=lang),
            f'<p class="note">{escape(text("report.pareto.note", lang))}</p></div></div>',
        ],
    )


def _deciles(d: ReportData, lang: Lang) -> str:
    df = d.deciles
    chart = svg.bar_chart(
        [text("report.deciles.label", lang, decile=v) for v in df["decile"]],
        df["share"].to_list(),
        [pct(v) for v in df["share"]],
    )
    fmts = {"revenue": yen, "min_revenue": yen, "max_revenue": yen, "share": pct, "cumulative_share": pct}
    return section(
        "deciles",
        text("report.deciles.title", lang),
        [f'<div class="row"><div>{table(df, fmts, "deciles", lang)}</div><div>{chart}</div></div>'],
    )


def _circles(d: ReportData, lang: Lang) -> str:
    seg = {r["segment"]: r for r in d.segments.iter_rows(named=True)}

    def second(s: str) -> str:
        return yen(seg[s]["revenue"]) if s in seg and seg[s]["revenue"] else ""

    regions = {s: (int(r["accounts"]), second(s)) for s, r in seg.items() if s != "none"}
    none = seg.get("none", {"accounts": 0})
    chart = svg.venn(regions, (int(none["accounts"]), ""), lang=lang)
    cols = [
        "segment",
        "approach",
        "accounts",
        "revenue",
        "contacts",
        "whitespace",
        "account_share",
        "revenue_share",
    ]
    fmts = {"revenue": yen, "account_share": pct, "revenue_share": pct}
    return section(
        "circles",
        text("report.circles.title", lang),
        [
            f'<div class="row"><div>{chart}</div><div>',
            table(d.segments.select(cols), fmts, "segments", lang),
            "</div></div>",
        ],
    )


def _tiers(d: ReportData, lang: Lang) -> str:
    df = d.segments.select("segment", "tier1", "tier2", "tier3").with_columns(
        targets=pl.sum_horizontal("tier1", "tier2", "tier3")
    )
    totals = df.select(pl.lit(text("report.tiers.total", lang)).alias("segment"), pl.exclude("segment").sum())
    df = pl.concat([df, totals])
    chart = svg.bar_chart(
        df["segment"].to_list()[:-1],
        df["targets"].to_list()[:-1],
        [f"{v:,}" for v in df["targets"].to_list()[:-1]],
        color="#2ca02c",
    )
    return section(
        "tiers",
        text("report.tiers.title", lang),
        [f'<div class="row"><div>{table(df, css_class="tiers", lang=lang)}</div><div>{chart}</div></div>'],
    )


def _why(d: ReportData, lang: Lang) -> str:
    """What top customers share: the traits behind every account's ``why``, strongest first."""
    phrases = trait_phrases(d.traits, lang).head(WHY_TRAITS)
    shown = phrases.join(d.traits, on=["attribute", "value"], how="left").select(
        pl.col("phrase").alias("why"), "lift", "support", "master_companies"
    )
    body = (
        table(shown, {"lift": "{:.1f}".format}, "why", lang)
        if shown.height
        else f"<p>{escape(text('report.why.none', lang))}</p>"
    )
    note = text("report.why.note", lang, min_lift=MIN_LIFT, min_support=MIN_SUPPORT)
    return section(
        "why",
        text("report.why.title", lang),
        [
            body,
            f'<p class="note">{escape(note)}</p>',
        ],
    )


def _engagement(d: ReportData, lang: Lang) -> str:
    """Engagement by segment (accounts_engagement's levels and surges) and what the next actions ask."""
    title = text("report.engagement.title", lang)
    if d.engagement.height == 0 or not d.engagement["engaged"].sum():
        return section("engagement", title, [f"<p>{escape(text('report.engagement.none', lang))}</p>"])
    chart = svg.bar_chart(
        d.engagement["segment"].to_list(),
        d.engagement["engaged"].to_list(),
        [f"{v:,}" for v in d.engagement["engaged"]],
        color="#ff7f0e",
    )
    actions = d.actions.with_columns(
        pl.col("next_action").replace_strict(labels("action.do", lang), default=pl.col("next_action"))
    )
    note = text("report.engagement.note", lang)
    by_segment = table(d.engagement, {"engagement_score": "{:,.1f}".format}, "engagement", lang)
    return section(
        "engagement",
        title,
        [
            f'<div class="row"><div>{by_segment}</div><div>{chart}</div></div>',
            f"<h3>{escape(text('report.engagement.actions', lang))}</h3>",
            table(actions, css_class="actions", lang=lang),
            f'<p class="note">{escape(note)}</p>',
        ],
    )


def _coverage(d: ReportData, lang: Lang) -> str:
    """Coverage gaps of the targets: per tier, accounts missing each buying-committee role."""
    title = text("report.coverage.title", lang)
    if d.coverage.height == 0:
        return section("coverage", title, [f"<p>{escape(text('report.coverage.none', lang))}</p>"])
    note = text("report.coverage.note", lang)
    return section(
        "coverage",
        title,
        [table(d.coverage, css_class="coverage", lang=lang), f'<p class="note">{escape(note)}</p>'],
    )


def _territories(d: ReportData, lang: Lang) -> str:
    df = d.territories.drop("owner_name")  # rep ids only: the report carries no person's name
    df = df.select([c for c in df.columns if df[c].null_count() < df.height or c in ("territory", "owner")])
    if df["owner"].is_not_null().any():  # with reps the deviations say it all; shares would overflow the page
        df = df.drop([c for c in df.columns if c.endswith("_share")])
    if df.height == 0:
        empty = escape(text("report.territories.empty", lang))
        return section("territories", text("report.territories.title", lang), [f"<p>{empty}</p>"])
    pairs = zip(df["territory"], df["owner"], strict=True)
    label = [f"{t or '—'} / {o}" if o else (t or "—") for t, o in pairs]
    chart = svg.bar_chart(
        label, df["buying_power"].to_list(), [num(v) for v in df["buying_power"]], color="#9467bd"
    )
    fmts = {"revenue": yen, **{c: pct for c in df.columns if c.endswith(("_share", "_deviation"))}}
    note = text(
        "report.territories.per_rep" if df["owner"].is_not_null().any() else "report.territories.per_area",
        lang,
    )
    bars = text("report.territories.bars", lang)
    return section(
        "territories",
        text("report.territories.title", lang),
        [
            f'<p class="note">{escape(note)} {escape(bars)}</p>',
            f'<div class="row"><div>{table(df, fmts, "territories", lang)}</div><div>{chart}</div></div>',
        ],
    )


def _territory_changes(d: ReportData, lang: Lang) -> str:
    """Counts by reason and the first changes: rep codes and account ids only, no person's name."""
    title = text("report.changes.title", lang)
    if d.territory_reasons.height == 0:
        return section("territory_changes", title, [f"<p>{escape(text('report.changes.none', lang))}</p>"])
    label = pl.col("reason").replace_strict(labels("reason", lang), default=pl.col("reason"))
    reasons = d.territory_reasons.select(label.alias("reason"), pl.col("reason").alias("code"), "accounts")
    chart = svg.bar_chart(
        reasons["reason"].to_list(),
        reasons["accounts"].to_list(),
        [num(v) for v in reasons["accounts"]],
        color="#17becf",
    )
    first = d.territory_changes.with_columns(label)
    total = int(reasons["accounts"].sum())
    note = text("report.changes.note", lang, first=f"{first.height:,}", total=f"{total:,}")
    return section(
        "territory_changes",
        title,
        [
            f'<div class="row"><div>{table(reasons, css_class="territory-reasons", lang=lang)}</div>'
            f"<div>{chart}</div></div>",
            f'<p class="note">{escape(note)}</p>',
            table(first, css_class="territory-changes", lang=lang),
        ],
    )


def _linking(d: ReportData, lang: Lang) -> str:
    df = d.linking.with_columns(linked_share=(pl.col("auto") + pl.col("manual")) / pl.col("total"))
    return section(
        "linking",
        text("report.linking.title", lang),
        [
            table(df, {"linked_share": pct}, "linking", lang),
            f'<p class="note">{escape(text("report.linking.note", lang))}</p>',
        ],
    )


def _rejects(d: ReportData, lang: Lang) -> str:
    title = text("report.rejects.title", lang)
    if d.rejects.height == 0:
        return section("rejects", title, [f"<p>{escape(text('report.rejects.none', lang))}</p>"])
    return section(
        "rejects",
        title,
        [
            table(d.rejects, css_class="rejects", lang=lang),
            f'<p class="note">{escape(text("report.rejects.note", lang))}</p>',
        ],
    )


def _timings(d: ReportData, lang: Lang) -> str:
    df = d.timings
    chart = svg.bar_chart(
        df["step"].to_list(), df["seconds"].to_list(), [f"{v:.2f}s" for v in df["seconds"]], color="#8c564b"
    )
    total = f"{df['seconds'].sum():.1f}s" if df.height else ""
    return section(
        "timings",
        text("report.timings.title", lang, total=total),
        [
            f'<div class="row"><div>{table(df, {"seconds": "{:.2f}".format}, lang=lang)}</div>'
            f"<div>{chart}</div></div>"
        ],
    )


SECTION_RENDERERS = (
    _run,
    _pareto,
    _deciles,
    _circles,
    _tiers,
    _why,
    _engagement,
    _coverage,
    _territories,
    _territory_changes,
    _linking,
    _rejects,
    _timings,
)


def render(d: ReportData) -> str:
    """The whole page, in the language of the run that wrote the file (``runs.config`` ui.language)."""
    lang = language(d.run.get("language"))
    parts = [draw(d, lang) for draw in SECTION_RENDERERS]
    title = text("report.title", lang, quarter=d.run.get("quarter", ""))
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>"
        f'<p class="sub">{escape(text("report.subtitle", lang))}</p>' + "".join(parts) + "</body></html>\n"
    )
