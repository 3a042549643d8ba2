"""The attainment chart: one horizontal bar per KPI, as inline SVG built on the server.

No JavaScript and no external files, so it prints the same in a browser and in
WeasyPrint. Every text is escaped here, because the SVG is inserted as markup.
Must not compute attainment: it draws the view model's figures.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

from payplan.statements.i18n import Formatter
from payplan.statements.view import KpiRow

WIDTH = 640
ROW = 22
LABEL_W = 190
BAR_W = 360
MIN_SCALE = Decimal("1.5")
COLOURS = {"below": "#c9a227", "met": "#2f6f5e", "zero": "#b0483c"}


def attainment_chart(kpis: list[KpiRow], fmt: Formatter) -> Markup:
    """An SVG of attainment per KPI with the 100% target line; empty without KPIs."""
    if not kpis:
        return Markup("")
    scale = max([MIN_SCALE, *(k.attainment for k in kpis)])
    height = ROW * len(kpis) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
             f'width="{WIDTH}" height="{height}" font-family="DejaVu Sans, Noto Sans, sans-serif" role="img" aria-label="{escape(fmt.t("chart"))}">']
    for i, kpi in enumerate(kpis):
        parts.append(_bar(i, kpi, scale, fmt))
    parts += _axis(scale, height, fmt)
    parts.append("</svg>")
    return Markup("".join(parts))


def _x(ratio: Decimal, scale: Decimal) -> int:
    return LABEL_W + int(BAR_W * min(ratio, scale) / scale)


def _bar(i: int, kpi: KpiRow, scale: Decimal, fmt: Formatter) -> str:
    y = i * ROW + 4
    colour = COLOURS["zero" if kpi.attainment <= 0 else "met" if kpi.attainment >= 1 else "below"]
    width = max(_x(kpi.attainment, scale) - LABEL_W, 1)
    label = kpi.label if len(kpi.label) <= 30 else kpi.label[:29] + "…"
    return (f'<text x="{LABEL_W - 8}" y="{y + 12}" text-anchor="end" font-size="11" fill="#2b3440">{escape(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{BAR_W}" height="15" fill="#eef1f4"/>'
            f'<rect x="{LABEL_W}" y="{y}" width="{width}" height="15" fill="{colour}"/>')


def _axis(scale: Decimal, height: int, fmt: Formatter) -> list[str]:
    base = height - 20
    out = []
    for tick in (Decimal(0), Decimal("0.5"), Decimal(1), scale):
        x = _x(tick, scale)
        stroke = 'stroke="#1d3557" stroke-width="1.2" stroke-dasharray="3 2"' if tick == 1 else 'stroke="#d3d8de"'
        out.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{base}" {stroke}/>')
        out.append(f'<text x="{x}" y="{base + 14}" text-anchor="middle" font-size="9.5" fill="#6b7683">{escape(fmt.pct(tick, 0))}</text>')
    return out
