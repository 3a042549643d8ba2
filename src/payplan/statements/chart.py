"""The attainment chart: one horizontal bar per KPI, built on the server.

Laid out for WeasyPrint's speed: the labels and the axis figures are lines of
HTML text (a `white-space: pre` block each), and the SVG holds only shapes
(bars, the 100% target line, ticks). Text inside an SVG costs WeasyPrint a
Pango layout per `<text>`, about a millisecond each; here the whole chart is two
text blocks and ~20 shapes. The SVG is drawn in 0.1 mm units and its rows have the
labels' line height (`ROW_MM`, set in statement.css as `.chart-labels`), so each
label sits on its bar. No JavaScript and no external files, so it prints the
same in a browser and in WeasyPrint. Every text is escaped here, because the
chart is inserted as markup. Must not compute attainment: it draws the view
model's figures.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from payplan.statements.columns import UNITS_PER_EM, MM_PER_PT, spaces, text_units
from payplan.statements.i18n import Formatter
from payplan.statements.view import KpiRow

ROW_MM = Decimal("3.8")  # one label line = one bar row (statement.css: .chart-labels line-height)
BAR_MM = Decimal("2.6")
PLOT_MM = 120  # width of the bar area; the label column is 44 mm (statement.css: .w-chart-label)
AXIS_PT = 6.5  # statement.css: .chart-axis font-size
MIN_SCALE = Decimal("1.5")
LABEL_CHARS = 34
COLOURS = {"below": "#c9a227", "met": "#2f6f5e", "zero": "#b0483c"}


def attainment_chart(kpis: list[KpiRow], fmt: Formatter) -> Markup:
    """The chart of attainment per KPI with the 100% target line; empty without KPIs."""
    if not kpis:
        return Markup("")
    scale = max([MIN_SCALE, *(k.attainment for k in kpis)])
    ticks = (Decimal(0), Decimal("0.5"), Decimal(1), scale)
    labels = "\n".join(k.label if len(k.label) <= LABEL_CHARS else k.label[:LABEL_CHARS - 1] + "…" for k in kpis)
    return Markup(
        '<table class="chart" role="img" aria-label="{title}"><colgroup><col class="w-chart-label"/><col/></colgroup>'
        '<tr><td class="chart-labels">{labels}</td><td>{svg}<div class="chart-axis">{axis}</div></td></tr></table>'
    ).format(title=fmt.gettext("Attainment per KPI"), labels=labels, svg=_svg(kpis, scale, ticks),
             axis=_axis_line([fmt.pct(t, 0) for t in ticks], [_x(t, scale) for t in ticks]))


def _x(ratio: Decimal, scale: Decimal) -> int:
    """Position of `ratio` on the bar area, in 0.1 mm."""
    return int(PLOT_MM * 10 * min(max(ratio, Decimal(0)), scale) / scale)


def _svg(kpis: list[KpiRow], scale: Decimal, ticks: tuple[Decimal, ...]) -> Markup:
    row, bar = int(ROW_MM * 10), int(BAR_MM * 10)
    width, height = PLOT_MM * 10 + 10, row * len(kpis)
    top = (row - bar) // 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-bars" viewBox="0 0 {width} {height}" '
             f'width="{width / 10}mm" height="{height / 10}mm">']
    for i, kpi in enumerate(kpis):
        colour = COLOURS["zero" if kpi.attainment <= 0 else "met" if kpi.attainment >= 1 else "below"]
        parts.append(f'<rect x="0" y="{i * row + top}" width="{PLOT_MM * 10}" height="{bar}" fill="#eef1f4"/>'
                     f'<rect x="0" y="{i * row + top}" width="{max(_x(kpi.attainment, scale), 3)}" '
                     f'height="{bar}" fill="{colour}"/>')
    for tick in ticks:
        x = _x(tick, scale)
        stroke = ('stroke="#1d3557" stroke-width="3" stroke-dasharray="8 5"' if tick == 1
                  else 'stroke="#c3c9d0" stroke-width="2"')
        parts.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" {stroke}/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _axis_line(texts: list[str], xs: list[int]) -> str:
    """The tick figures as one line of text, each centred under its tick (0.1 mm)."""
    unit_mm = AXIS_PT * MM_PER_PT / UNITS_PER_EM
    out, used = [], 0
    for i, (text, x) in enumerate(zip(texts, xs)):
        size = text_units(text)
        start = round(x / 10 / unit_mm) - (0 if i == 0 else size if i == len(texts) - 1 else size // 2)
        pad = spaces(max(start - used, 0 if i == 0 else 400))
        out.append(pad + text)
        used += text_units(pad) + size
    return "".join(out)
