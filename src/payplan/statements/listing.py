"""The statement's rows (KPI scorecard, pay lines, gates, summary,
headings, subtotals, the trace) as aligned, pre-broken lines of text.

Each row is one preformatted line (see `payplan.statements.columns`), which
WeasyPrint lays out about four times faster than a table row of six cells.
Widths are millimetres of the 180 mm A4 text column at `LISTING_PT`; the CSS
prints `.lh`, `.dl` and `.kl` lines at that size. Must not compute figures.
"""

from __future__ import annotations

import msgspec

from payplan.statements.columns import MM_PER_PT, UNITS_PER_EM, Columns, text_units
from payplan.statements.i18n import Formatter
from payplan.statements.view import KpiRow

LISTING_PT = 7.6
# KPI, weight, target, actual, attainment, points
KPIS = Columns([72, 18, 24, 24, 22, 20], "lrrrrr", LISTING_PT)


class ListingRow(msgspec.Struct, frozen=True):
    """One row as text: `lead` (printed bold when given), the aligned rest, an extra line."""

    line: str
    lead: str = ""
    more: str = ""


def kpi_head(fmt: Formatter) -> str:
    _ = fmt.gettext
    return KPIS.line([_("Metric"), _("Weight"), _("Target"), _("Actual"), _("Attainment"), _("Points")])


def kpi_listing(kpis: list[KpiRow], fmt: Formatter) -> list[ListingRow]:
    """Each KPI: its label in bold, then weight, target, actual, attainment and points."""
    rows = []
    for k in kpis:
        target = fmt.measure(k.target, k.unit) if k.target is not None else "—"
        figures = [fmt.pct(k.weight, 0), target, fmt.measure(k.actual, k.unit), fmt.pct(k.attainment),
                   fmt.pct(k.points, 2)]
        if KPIS.fits(0, k.label, bold=True):
            line = KPIS.line([k.label, *figures], bold_first=True)
            rows.append(ListingRow(line[len(k.label):], lead=k.label))
        else:
            rows.append(ListingRow(KPIS.line(["", *figures]), more=k.label))
    return rows


# The statement's other aligned lines (headings, subtotals, the summary, the letterhead
# facts, the score strip): one text block each instead of a table or a float.
TEXT_MM = 180  # the A4 text column
CELL_MM = 1.2  # statement.css: the padding of .grid cells, kept by .sub and .sum-rows


def heading_line(label: str, amount: str, pt: float = 10) -> str:
    """A section heading: its label on the left, its amount ending at the right margin (bold)."""
    return _label_amount(Columns([TEXT_MM - 50, 50], "lr", pt, gap_mm=4), label, amount, bold=True)


def total_line(label: str, amount: str, width_mm: float = TEXT_MM, pt: float = 8) -> str:
    """A bold subtotal or total line: label left, amount right-aligned, `width_mm` wide."""
    return _label_amount(Columns([width_mm - 2 * CELL_MM - 26, 26], "lr", pt), label, amount, bold=True)


def amount_line(label: str, amount: str, width_mm: float, pt: float = 8) -> str:
    """A regular line of a short listing: label left, amount right-aligned."""
    return _label_amount(Columns([width_mm - 2 * CELL_MM - 26, 26], "lr", pt), label, amount)


def _label_amount(cols: Columns, label: str, amount: str, bold: bool = False) -> str:
    """Label and amount on one line; a label too long for its column goes on as more lines."""
    if cols.fits(0, label, bold):
        return cols.line([label, amount], bold=bold)
    unit_mm = cols.font_pt * MM_PER_PT / UNITS_PER_EM
    parts = wrap(label, (cols.widths[0] - cols.gap) * unit_mm, cols.font_pt, bold=bold)
    return "\n".join([cols.line([parts[0], amount], bold=bold), *parts[1:]])


FACT_MM, FACT_PT = 24, 7.6


def fact_label(label: str) -> str:
    """A letterhead fact's label padded to the value column (the value follows it)."""
    return Columns([FACT_MM, 1], "ll", FACT_PT).line([label, ""])


def fact_value(value: str, width_mm: float = 92) -> str:
    """A letterhead fact's value broken to fit beside the labels, continuation lines
    indented to the value column."""
    return ("\n" + fact_label("")).join(wrap(value, width_mm - FACT_MM - 1, FACT_PT))


STRIP = Columns([45, 45, 45, 45], "rrrr", 8.6, gap_mm=2)
STRIP_HEAD = Columns([45, 45, 45, 45], "rrrr", 6.8, gap_mm=2)


def strip_lines(heads: list[str], values: list[str]) -> tuple[str, str]:
    """The score strip (score × payout ratio × target incentive = bonus) as two aligned lines."""
    return STRIP_HEAD.line([h.upper() for h in heads]), STRIP.line(values)


def wrap(text: str, width_mm: float, pt: float, indent_units: int = 0, bold: bool = False) -> list[str]:
    """`text` broken at spaces into lines no wider than `width_mm` at `pt` (a word longer
    than a line stands alone). `indent_units`: width already used on the first line.

    The trace prints these lines with `white-space: pre`: WeasyPrint then lays out each
    line once instead of searching for break points.
    """
    limit = round(width_mm / (pt * MM_PER_PT / UNITS_PER_EM))
    space = text_units(" ", bold)
    lines, words, used = [], [], indent_units
    for word in text.split(" "):
        size = text_units(word, bold)
        if words and used + space + size > limit:
            lines.append(" ".join(words))
            words, used = [word], size
        else:
            used += (space if words else 0) + size
            words.append(word)
    lines.append(" ".join(words))
    return lines


# Pay lines and gates: a block of aligned lines per row (the detail column broken to fit).
LINES = Columns([62, TEXT_MM - 2 * CELL_MM - 62 - 24, 24], "llr", 8)
GATES = Columns([40, TEXT_MM - 2 * CELL_MM - 40 - 24, 24], "llr", 8)
LINES_HEAD = Columns([62, TEXT_MM - 2 * CELL_MM - 62 - 24, 24], "llr", LISTING_PT)
GATES_HEAD = Columns([40, TEXT_MM - 2 * CELL_MM - 40 - 24, 24], "llr", LISTING_PT)


def _column_lines(cols: Columns, index: int, parts: list[str], pt: float = 8) -> list[str]:
    width_mm = (cols.widths[index] - cols.gap) * pt * MM_PER_PT / UNITS_PER_EM
    return [line for part in parts if part for line in wrap(part, width_mm, pt)] or [""]


def row_lines(cols: Columns, label: str, details: list[str], last: str) -> list[str]:
    """One row as lines: label, the first detail line and `last` on the first line,
    further detail lines under the detail column."""
    detail = _column_lines(cols, 1, details)
    labels = _column_lines(cols, 0, [label])
    out = []
    for i in range(max(len(detail), len(labels))):
        cells = [labels[i] if i < len(labels) else "", detail[i] if i < len(detail) else "", last if i == 0 else ""]
        out.append(cols.line(cells).rstrip())
    return out


def gate_lines(label: str, condition: str, status: str) -> tuple[str, str]:
    """A gate's first line split before its status (printed in colour): (text, status)."""
    line = row_lines(GATES, label, [condition], status)[0]
    return line[: len(line) - len(status)], status
