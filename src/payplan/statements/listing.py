"""The statement's long listings (deal lines, KPI scorecard) as aligned lines of text.

Each row is one preformatted line (see `payplan.statements.columns`), which
WeasyPrint lays out about four times faster than a table row of six cells.
Widths are millimetres of the 180 mm A4 text column at `LISTING_PT`; the CSS
prints `.lh`, `.dl` and `.kl` lines at that size. Must not compute figures.
"""

from __future__ import annotations

import msgspec

from payplan.statements.columns import Columns
from payplan.statements.i18n import Formatter
from payplan.statements.view import DealRow, KpiRow

LISTING_PT = 7.6
# deal, base, share, (gap), tier slices, rate, amount
DEALS = Columns([22, 24, 14, 4, 70, 20, 26], "lrrllrr", LISTING_PT)
SLICES = 4
# KPI, weight, target, actual, attainment, points
KPIS = Columns([72, 18, 24, 24, 22, 20], "lrrrrr", LISTING_PT)


class ListingRow(msgspec.Struct, frozen=True):
    """One row as text: `lead` (printed bold when given), the aligned rest, an extra line."""

    line: str
    lead: str = ""
    more: str = ""


def deal_head(fmt: Formatter) -> str:
    t = fmt.t
    return DEALS.line([t("deal"), t("base"), t("share"), "", t("tiers"), t("rate"), t("amount")])


def deal_listing(deals: list[DealRow], fmt: Formatter) -> list[ListingRow]:
    """Each deal line: tier slices inline, or on a line of their own when too long."""
    rows = []
    for d in deals:
        slices = " · ".join(f"{s.tier or fmt.t('tier', n=s.index + 1)} {fmt.amount(s.amount)} × {fmt.rate(s.rate)}"
                            for s in d.slices)
        inline = DEALS.fits(SLICES, slices)
        cells = [d.deal_id, fmt.amount(d.base), fmt.pct(d.share, 0), "", slices if inline else "",
                 fmt.rate(d.rate), fmt.amount(d.amount)]
        more = "" if inline else DEALS.line(["", "", "", "", slices, "", ""])
        rows.append(ListingRow(DEALS.line(cells), more=more))
    return rows


def kpi_head(fmt: Formatter) -> str:
    t = fmt.t
    return KPIS.line([t("metric"), t("weight"), t("target"), t("actual"), t("attainment"), t("points")])


def kpi_listing(kpis: list[KpiRow], fmt: Formatter) -> list[ListingRow]:
    """Each KPI: its label in bold, then weight, target, actual, attainment and points."""
    rows = []
    for k in kpis:
        target = fmt.measure(k.target, k.unit) if k.target is not None else fmt.t("none")
        figures = [fmt.pct(k.weight, 0), target, fmt.measure(k.actual, k.unit), fmt.pct(k.attainment),
                   fmt.pct(k.points, 2)]
        if KPIS.fits(0, k.label, bold=True):
            line = KPIS.line([k.label, *figures], bold_first=True)
            rows.append(ListingRow(line[len(k.label):], lead=k.label))
        else:
            rows.append(ListingRow(KPIS.line(["", *figures]), more=k.label))
    return rows
