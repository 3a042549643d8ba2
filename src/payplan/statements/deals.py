"""A commission's deal lines, tier slices and tier schedule as aligned lines of text.

Each deal line reads "credited base = share of the base before the share"; its tier
slices follow on lines of their own, indented under it, each naming its band (label,
range, the plan's rate, marginal or retroactive) with its part of the base, the rate
paid and what that slice pays, so the slices add up to the line. Then the plan's
tier schedule and, when a retroactive tier was reached, the re-rate in words.
Must not compute pay: a slice's pay is its base × rate as the engine applied it,
shown to the currency's places, the line's rounding residue on its largest slice.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from payplan.statements.columns import Columns
from payplan.statements.i18n import Formatter
from payplan.statements.listing import LISTING_PT, ListingRow
from payplan.statements.tiers import Rerate, TierRow
from payplan.statements.view import DealRow, SliceRow

# deal, credited base, "= share of base", tier band, rate, amount (mm of the 180 mm column)
DEALS = Columns([18, 28, 34, 62, 14, 24], "lrllrr", LISTING_PT)
BAND = 3  # the tier band column
# band, from, to, rate, mode
TIERS = Columns([44, 30, 30, 20, 56], "lrrrl", LISTING_PT)
SLICE_MARK = "↳ "


def deal_head(fmt: Formatter) -> str:
    _ = fmt.gettext
    return DEALS.line([_("Deal"), _("Credited base"), _("Share of the deal"), _("Tier band"), _("Rate"),
                       _("Amount")])


def deal_listing(deals: list[DealRow], fmt: Formatter, unit: str = "money") -> list[ListingRow]:
    """Each deal: its line, then one line per tier slice when it has several (or a long one)."""
    rows = []
    for d in deals:
        share = fmt.gettext("= %(share)s of %(base)s", share=fmt.pct(d.share, 0), base=fmt.amount(d.before_share))
        single = d.slices[0] if len(d.slices) == 1 else None
        band = band_text(single, fmt, unit) if single else ""
        inline = single is not None and DEALS.fits(BAND, band)
        cells = [d.deal_id, fmt.amount(d.base), "\u2002" + share if d.share is not None else "",
                 band if inline else "", fmt.rate(single.rate) if inline else "", fmt.amount(d.amount)]
        more = [] if inline else [slice_line(s, paid, fmt, unit) for s, paid in zip(d.slices, slice_pays(d, fmt))]
        if d.conversion:  # a deal in another currency: its original amount, the rate and its date
            more.insert(0, SLICE_MARK + d.conversion)
        rows.append(ListingRow(DEALS.line(cells), more="\n".join(more)))
    return rows


def slice_pays(d: DealRow, fmt: Formatter) -> list[Decimal]:
    """What each slice pays, to the currency's places, adding up to the deal line exactly:
    each is its base × rate rounded, and the cent or so the line's single rounding leaves
    over goes to the slice that pays most (so a reader's sum is the printed line)."""
    cent = Decimal(1).scaleb(-fmt.places)
    pays = [(s.amount * s.rate).quantize(cent, rounding=ROUND_HALF_UP) for s in d.slices]
    if pays:
        biggest = max(range(len(pays)), key=lambda i: abs(pays[i]))
        pays[biggest] += d.amount - sum(pays, Decimal(0))
    return pays


def slice_line(s: SliceRow, paid: Decimal, fmt: Formatter, unit: str) -> str:
    """A slice under its deal: its base, its band, the rate paid and what it pays. A band
    too long for its column (a long name, a re-rate, a language with longer words) gets a
    line of its own above the slice's figures, so it never runs into the rate."""
    band = SLICE_MARK + band_text(s, fmt, unit)
    figures = [fmt.rate(s.rate), fmt.amount(paid)]
    if DEALS.fits(BAND, band):
        return DEALS.line(["", fmt.amount(s.amount), "", band, *figures])
    return DEALS.line(["", "", "", band, "", ""]) + "\n" + DEALS.line(["", fmt.amount(s.amount), "", "", *figures])


def band_text(s: SliceRow, fmt: Formatter, unit: str) -> str:
    """"Target 15,000.00–30,000.00, retroactive"; a re-rated band says its own rate."""
    name = tier_name(s.tier, s.index, fmt)
    if s.band is None:
        return name
    text = f"{name} {band_range(s.band, fmt)}"
    if s.band.rate != s.rate:
        return fmt.gettext("%(band)s, %(rate)s re-rated", band=text, rate=fmt.rate(s.band.rate))
    return f"{text}, {mode_word(s.band.mode, fmt)}"


def band_range(t: TierRow, fmt: Formatter) -> str:
    def show(x: Decimal) -> str:
        return fmt.amount(x) if t.unit == "money" else fmt.pct(x, 2)

    return f"{show(t.start)}–{show(t.stop)}" if t.stop is not None else fmt.gettext("from %(n)s", n=show(t.start))


def tier_name(name: str, index: int, fmt: Formatter) -> str:
    """A tier's own name, else "Tier 2" in the statement's language."""
    return name or fmt.gettext("Tier %(n)s", n=index + 1)


def mode_word(mode: str, fmt: Formatter) -> str:
    return fmt.gettext("retroactive") if mode == "retroactive" else fmt.gettext("marginal")


def tier_lines(tiers: list[TierRow], fmt: Formatter) -> tuple[str, list[str]]:
    """The tier schedule: its head and one line per band (open-ended: "and above")."""
    _ = fmt.gettext
    head = TIERS.line([_("Tier band"), _("From"), _("Up to"), _("Rate"), _("Applies")])

    def show(x: Decimal, unit: str) -> str:
        return fmt.amount(x) if unit == "money" else fmt.pct(x, 2)

    return head, [TIERS.line([tier_name(t.label, t.index, fmt), show(t.start, t.unit),
                              show(t.stop, t.unit) if t.stop is not None else _("and above"), fmt.rate(t.rate),
                              _("to the whole base below it once reached") if t.mode == "retroactive"
                              else _("to the part inside the band")]) for t in tiers]


def rerate_text(r: Rerate, fmt: Formatter) -> str:
    """A retroactive re-rate in words."""
    return fmt.gettext("This period's base totals %(total)s: it crossed %(start)s, so the whole base below "
                       "%(start)s was re-rated at %(rate)s (%(tier)s, retroactive).",
                       total=fmt.amount(r.total), start=fmt.amount(r.start), rate=fmt.rate(r.rate),
                       tier=tier_name(r.label, r.index, fmt))
