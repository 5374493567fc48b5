"""Tiny inline-SVG charts drawn by hand: no plotting library, no fonts or scripts to fetch.

Their words (axes, circle names) come from the message catalogue in the report's language.
"""

from __future__ import annotations

from html import escape

from abm.messages import DEFAULT_LANGUAGE, Lang, text

FONT = 'font-family="sans-serif"'


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">' + "".join(body) + "</svg>"
    )


def pareto_curve(
    xs: list[float],
    ys: list[float],
    a_share: float = 0.8,
    width: int = 520,
    height: int = 340,
    lang: Lang = DEFAULT_LANGUAGE,
) -> str:
    """Cumulative revenue share (y) against cumulative customer share (x), with the diagonal and A line."""
    left, top, w, h = 50, 15, width - 70, height - 60

    def px(x: float, y: float) -> str:
        return f"{left + x * w:.1f},{top + (1 - y) * h:.1f}"

    body = [f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="#fafafa" stroke="#ccc"/>']
    ay = top + (1 - a_share) * h
    for t in (0.2, 0.4, 0.6, 0.8, 1.0):
        ty = top + (1 - t) * h
        body.append(f'<line x1="{left}" x2="{left + w}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#eee"/>')
        body.append(
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" {FONT}>{t:.0%}</text>'
        )
        body.append(
            f'<text x="{left + t * w:.1f}" y="{top + h + 16}" text-anchor="middle" font-size="11" '
            f"{FONT}>{t:.0%}</text>"
        )
    body.append(
        f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top}" stroke="#bbb" stroke-dasharray="4 4"/>'
    )
    body.append(
        f'<line x1="{left}" x2="{left + w}" y1="{ay:.1f}" y2="{ay:.1f}" stroke="#d62728" '
        'stroke-dasharray="6 3"/>'
    )
    body.append(
        f'<text x="{left + w - 4}" y="{ay - 5:.1f}" text-anchor="end" font-size="11" '
        f'fill="#d62728" {FONT}>{escape(text("report.pareto.a_line", lang, share=f"{a_share:.0%}"))}</text>'
    )
    points = " ".join(px(x, y) for x, y in zip(xs, ys, strict=True))
    body.append(
        f'<polyline class="pareto" points="{points}" fill="none" stroke="#1f77b4" stroke-width="2.5"/>'
    )
    body.append(
        f'<text x="{left + w / 2}" y="{height - 8}" text-anchor="middle" font-size="12" {FONT}>'
        f"{escape(text('report.pareto.x_axis', lang))}</text>"
    )
    body.append(
        f'<text x="14" y="{top + h / 2}" text-anchor="middle" font-size="12" {FONT} '
        f'transform="rotate(-90 14 {top + h / 2})">{escape(text("report.pareto.y_axis", lang))}</text>'
    )
    return _svg(width, height, body, "Pareto curve")


def bar_chart(
    labels: list[str],
    values: list[float],
    texts: list[str],
    width: int = 520,
    bar: int = 22,
    color: str = "#1f77b4",
) -> str:
    """Horizontal bars with a label on the left and the value's text on the right."""
    label_w, text_w = 150, 110
    w = width - label_w - text_w
    top = max(values, default=0) or 1
    body = []
    for i, (label, value, said) in enumerate(zip(labels, values, texts, strict=True)):
        y = 5 + i * (bar + 6)
        length = max(0.0, value) / top * w
        ty = y + bar * 0.7
        body.append(
            f'<text x="{label_w - 8}" y="{ty:.1f}" text-anchor="end" font-size="12" {FONT}>'
            f"{escape(label)}</text>"
        )
        body.append(
            f'<rect class="bar" x="{label_w}" y="{y}" width="{length:.1f}" height="{bar}" fill="{color}"/>'
        )
        body.append(
            f'<text x="{label_w + length + 6:.1f}" y="{y + bar * 0.7:.1f}" font-size="12" {FONT}>'
            f"{escape(said)}</text>"
        )
    return _svg(width, 10 + len(labels) * (bar + 6), body, "bar chart")


# Region label positions for circles S (left), B (right), C (bottom) of radius 120.
_CIRCLES = {"S": (215, 175, "#1f77b4"), "B": (345, 175, "#2ca02c"), "C": (280, 285, "#ff7f0e")}
_REGIONS = {
    "S": (150, 145),
    "B": (410, 145),
    "C": (280, 355),
    "S+B": (280, 125),
    "S+C": (200, 265),
    "B+C": (360, 265),
    "S+B+C": (280, 210),
}


def venn(
    regions: dict[str, tuple[int, str]],
    none: tuple[int, str],
    width: int = 560,
    height: int = 440,
    lang: Lang = DEFAULT_LANGUAGE,
) -> str:
    """The three circles with, in every region, its account count and a second line (e.g. revenue)."""
    body = []
    for cx, cy, color in _CIRCLES.values():
        body.append(
            f'<circle class="circle" cx="{cx}" cy="{cy}" r="120" fill="{color}" fill-opacity="0.16" '
            f'stroke="{color}" stroke-width="2"/>'
        )
    for name, (cx, cy, color) in _CIRCLES.items():
        lx, ly = {"S": (cx - 120, cy - 128), "B": (cx + 120, cy - 128), "C": (cx, cy + 145)}[name]
        anchor = {"S": "start", "B": "end", "C": "middle"}[name]
        body.append(
            f'<text x="{lx}" y="{ly}" text-anchor="{anchor}" font-size="14" font-weight="bold" '
            f'fill="{color}" {FONT}>{name} · {escape(text(f"report.circles.{name}", lang))}</text>'
        )
    for segment, (x, y) in _REGIONS.items():
        count, second = regions.get(segment, (0, ""))
        body.append(
            f'<text class="region" data-segment="{segment}" x="{x}" y="{y}" text-anchor="middle" '
            f'font-size="13" font-weight="bold" {FONT}>{segment}: {count:,}</text>'
        )
        if second:
            body.append(
                f'<text x="{x}" y="{y + 15}" text-anchor="middle" font-size="11" fill="#444" {FONT}>'
                f"{escape(second)}</text>"
            )
    body.append(
        f'<text class="region" data-segment="none" x="{width - 10}" y="{height - 10}" '
        f'text-anchor="end" font-size="12" fill="#666" {FONT}>'
        f"{escape(text('report.circles.none', lang))}: {none[0]:,} {escape(none[1])}</text>"
    )
    return _svg(width, height, body, "three circles")
