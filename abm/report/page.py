"""The report page: sections of headings, inline SVG charts and small tables, one CSS block."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import polars as pl

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

SECTIONS = (
    "run",
    "pareto",
    "deciles",
    "circles",
    "tiers",
    "territories",
    "territory_changes",
    "linking",
    "rejects",
    "timings",
)
# territory_changes.reason (a contract, ASCII) -> the label sales ops read
REASON_LABELS = {
    "new account": "新規アカウント",
    "rep left": "担当者の退職・異動",
    "rebalancing": "負荷の再調整",
    "pin": "ピン留め",
    "tier change": "ティア変更（対象内）",
    "left target list": "ターゲット対象外になった",
    "area change": "エリア変更",
}
CHANGE_COLUMNS = {
    "account_id": "アカウントID",
    "territory": "エリア",
    "previous_tier": "前期ティア",
    "tier": "今期ティア",
    "from_owner": "前担当（コード）",
    "to_owner": "新担当（コード）",
    "reason": "理由",
}


def yen(v: Any) -> str:
    return "" if v is None else f"¥{float(v):,.0f}"


def pct(v: Any) -> str:
    return "" if v is None else f"{float(v) + 0.0:.1%}".replace("-0.0%", "0.0%")


def num(v: Any) -> str:
    if v is None:
        return ""
    return f"{v:,}" if isinstance(v, int) else f"{float(v):,.2f}"


def table(
    df: pl.DataFrame, formats: Mapping[str, Callable[[Any], str]] | None = None, css_class: str = ""
) -> str:
    """An HTML table of ``df``; numbers right-aligned, each column formatted by ``formats``."""
    formats = formats or {}
    head = "".join(f"<th>{escape(c)}</th>" for c in df.columns)
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


def _run(d: ReportData) -> str:
    r = d.run
    files = json.loads(r.get("input_files") or "{}")
    kpis = [
        ("as-of", str(r.get("as_of", ""))),
        ("quarter", str(r.get("quarter", ""))),
        ("customers", num(r.get("customers"))),
        ("top 20% share", pct(r.get("top20_share"))),
        ("Gini", num(r.get("gini"))),
        ("rows loaded", num(r.get("rows_loaded"))),
        ("rows rejected", num(r.get("rows_rejected"))),
        ("buying power", str(r.get("buying_power_method") or "")),
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
    return section(
        "run",
        "Run",
        [
            f'<p class="sub">Run {escape(str(r.get("run_id", "")))} · sales window {escape(window)}</p>',
            f'<div class="kpi">{cards}</div>',
            "<h3>Inputs</h3>" + table(inputs) if inputs.height else "",
        ],
    )


def _pareto(d: ReportData) -> str:
    a_share = d.run.get("abc_a") or 0.8
    chart = svg.pareto_curve(d.pareto["x"].to_list(), d.pareto["y"].to_list(), a_share)
    abc = d.abc.with_columns(share=pl.col("revenue") / pl.col("revenue").sum())
    return section(
        "pareto",
        "ABC / Pareto",
        [
            f'<div class="row"><div>{chart}</div><div>',
            table(abc, {"revenue": yen, "share": pct, "up_to": pct}),
            '<p class="note">up_to = cumulative share of customers at the end of the class.</p></div></div>',
        ],
    )


def _deciles(d: ReportData) -> str:
    df = d.deciles
    chart = svg.bar_chart(
        [f"decile {v}" for v in df["decile"]], df["share"].to_list(), [pct(v) for v in df["share"]]
    )
    fmts = {"revenue": yen, "min_revenue": yen, "max_revenue": yen, "share": pct, "cumulative_share": pct}
    return section(
        "deciles",
        "Deciles (デシル分析)",
        [f'<div class="row"><div>{table(df, fmts, "deciles")}</div><div>{chart}</div></div>'],
    )


def _circles(d: ReportData) -> str:
    seg = {r["segment"]: r for r in d.segments.iter_rows(named=True)}

    def second(s: str) -> str:
        return yen(seg[s]["revenue"]) if s in seg and seg[s]["revenue"] else ""

    regions = {s: (int(r["accounts"]), second(s)) for s, r in seg.items() if s != "none"}
    none = seg.get("none", {"accounts": 0})
    chart = svg.venn(regions, (int(none["accounts"]), ""))
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
        "Three circles (三つの輪)",
        [
            f'<div class="row"><div>{chart}</div><div>',
            table(d.segments.select(cols), fmts, "segments"),
            "</div></div>",
        ],
    )


def _tiers(d: ReportData) -> str:
    df = d.segments.select("segment", "tier1", "tier2", "tier3").with_columns(
        targets=pl.sum_horizontal("tier1", "tier2", "tier3")
    )
    totals = df.select(pl.lit("total").alias("segment"), pl.exclude("segment").sum())
    df = pl.concat([df, totals])
    chart = svg.bar_chart(
        df["segment"].to_list()[:-1],
        df["targets"].to_list()[:-1],
        [f"{v:,}" for v in df["targets"].to_list()[:-1]],
        color="#2ca02c",
    )
    return section(
        "tiers",
        "Tiers by segment",
        [f'<div class="row"><div>{table(df, css_class="tiers")}</div><div>{chart}</div></div>'],
    )


def _territories(d: ReportData) -> str:
    df = d.territories.drop("owner_name")  # rep ids only: the report carries no person's name
    df = df.select([c for c in df.columns if df[c].null_count() < df.height or c in ("territory", "owner")])
    if df["owner"].is_not_null().any():  # with reps the deviations say it all; shares would overflow the page
        df = df.drop([c for c in df.columns if c.endswith("_share")])
    if df.height == 0:
        return section("territories", "Territory balance", ["<p>No accounts in a circle.</p>"])
    pairs = zip(df["territory"], df["owner"], strict=True)
    label = [f"{t or '—'} / {o}" if o else (t or "—") for t, o in pairs]
    chart = svg.bar_chart(
        label, df["buying_power"].to_list(), [num(v) for v in df["buying_power"]], color="#9467bd"
    )
    fmts = {"revenue": yen, **{c: pct for c in df.columns if c.endswith(("_share", "_deviation"))}}
    note = (
        "Per rep (reps file given)."
        if df["owner"].is_not_null().any()
        else ("No reps file: load per territory (area) over accounts in a circle.")
    )
    return section(
        "territories",
        "Territory balance",
        [
            f'<p class="note">{note} Bars: summed buying-power score.</p>',
            f'<div class="row"><div>{table(df, fmts, "territories")}</div><div>{chart}</div></div>',
        ],
    )


def _territory_changes(d: ReportData) -> str:
    """Counts by reason and the first changes: rep codes and account ids only, no person's name."""
    title = "担当変更（前四半期比）"
    if d.territory_reasons.height == 0:
        return section(
            "territory_changes",
            title,
            ["<p>担当変更はありません（担当者ファイルなし、または初回の割り当て）。</p>"],
        )
    label = pl.col("reason").replace_strict(REASON_LABELS, default=pl.col("reason"))
    reasons = d.territory_reasons.select(
        label.alias("理由"), pl.col("reason").alias("コード"), pl.col("accounts").alias("件数")
    )
    chart = svg.bar_chart(
        reasons["理由"].to_list(),
        reasons["件数"].to_list(),
        [num(v) for v in reasons["件数"]],
        color="#17becf",
    )
    first = d.territory_changes.with_columns(label).rename(CHANGE_COLUMNS)
    total = int(reasons["件数"].sum())
    return section(
        "territory_changes",
        title,
        [
            f'<div class="row"><div>{table(reasons, css_class="territory-reasons")}</div>'
            f"<div>{chart}</div></div>",
            f'<p class="note">最初の {first.height:,} 件（全 {total:,} 件は表 territory_changes）。'
            "「ターゲット対象外になった」はティアも顧客区分もなくなり担当が外れたアカウント、"
            "「ティア変更（対象内）」は対象のままティアが変わったアカウントです。</p>",
            table(first, css_class="territory-changes"),
        ],
    )


def _linking(d: ReportData) -> str:
    df = d.linking.with_columns(linked_share=(pl.col("auto") + pl.col("manual")) / pl.col("total"))
    return section(
        "linking",
        "名寄せ quality",
        [
            table(df, {"linked_share": pct}, "linking"),
            '<p class="note">auto = linked by the model, manual = human decision, '
            "review = waiting in match_review, unmatched = no master company (kept as its own account).</p>",
        ],
    )


def _rejects(d: ReportData) -> str:
    if d.rejects.height == 0:
        return section("rejects", "Rejected input rows", ["<p>No input row was rejected.</p>"])
    return section(
        "rejects",
        "Rejected input rows",
        [
            table(d.rejects, css_class="rejects"),
            '<p class="note">Values are not shown here (they may be personal data): see table rejects.</p>',
        ],
    )


def _timings(d: ReportData) -> str:
    df = d.timings
    chart = svg.bar_chart(
        df["step"].to_list(), df["seconds"].to_list(), [f"{v:.2f}s" for v in df["seconds"]], color="#8c564b"
    )
    total = f"{df['seconds'].sum():.1f}s" if df.height else ""
    return section(
        "timings",
        f"Run timings ({total})",
        [f'<div class="row"><div>{table(df, {"seconds": "{:.2f}".format})}</div><div>{chart}</div></div>'],
    )


def render(d: ReportData) -> str:
    parts = [
        _run(d),
        _pareto(d),
        _deciles(d),
        _circles(d),
        _tiers(d),
        _territories(d),
        _territory_changes(d),
        _linking(d),
        _rejects(d),
        _timings(d),
    ]
    title = f"abm run report {d.run.get('quarter', '')}"
    return (
        f'<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>"
        f'<p class="sub">Target accounts from sales × buying power × contacts. Aggregates only.</p>'
        + "".join(parts)
        + "</body></html>\n"
    )
