"""A statement a rep can check by hand: read back from the PDF's text, every number adds up.

AE03 in March 2026 (the demo): five won deals on the margin commission, D9004 split 70/30
with SDR01, the month's base crossing the retroactive Target tier and the marginal
Accelerator, so two deals carry two tier slices each. Everything below is read from
`pdftotext -layout` of the PDF, never from the engine's result: the slices of each deal
add up to its line, the credited base is its share of the base before the share, the
deal lines add up to the component's subtotal, the components to the total, and the tier
table is the plan's.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from payplan.core.plan import Commission
from payplan.plans.files import load_plan
from payplan.statements import calculation

from .conftest import AE_PLAN, DEMO, needs_poppler, pdftotext

AMOUNT = r"-?[\d,]+\.\d\d"
DEAL = re.compile(rf"^(D\d+)\s+({AMOUNT}) = (\d+)% of ({AMOUNT})\s+(?:.*?\s+)?({AMOUNT})$")
SLICE = re.compile(rf"^({AMOUNT})\s+↳ (.+?)\s+(\d+(?:\.\d+)?)%\s+({AMOUNT})$")
TIER = re.compile(rf"^(\w+)\s+({AMOUNT})\s+({AMOUNT}|and above)\s+(\d+(?:\.\d+)?)% (to the .*)$")


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@pytest.fixture(scope="module")
def text(renderer, tmp_path_factory) -> str:
    calc = calculation.from_files(AE_PLAN, DEMO, "2026-03", ["AE03"])[0]
    path = tmp_path_factory.mktemp("checkable") / "ae03.pdf"
    path.write_bytes(renderer.statement(calc, "en"))
    return pdftotext(path)


def deals(text: str) -> dict[str, dict]:
    """Each deal line with the slice lines under it, as printed."""
    found: dict[str, dict] = {}
    current = None
    for line in (raw.strip() for raw in text.splitlines()):
        if m := DEAL.match(line):
            current = found[m[1]] = {"credited": money(m[2]), "share": Decimal(m[3]) / 100,
                                     "before": money(m[4]), "amount": money(m[5]), "slices": []}
        elif (m := SLICE.match(line)) and current is not None:
            current["slices"].append((money(m[1]), m[2], Decimal(m[3]) / 100, money(m[4])))
        elif line.startswith("Subtotal"):
            current = None
    return found


def printed(text: str, label: str) -> Decimal:
    """The amount printed after `label` at the end of a line; every such line must agree
    (the summary, the section's heading and its subtotal print the same figure)."""
    found = {money(m) for m in re.findall(rf"(?:^|\s{{2,}}){re.escape(label)}\s+\$?({AMOUNT})\s*$", text, re.M)}
    assert len(found) == 1, (label, found)
    return found.pop()


@needs_poppler
def test_every_deals_slices_add_up_to_its_line_and_its_base_is_its_share(text):
    found = deals(text)
    assert set(found) == {"D0073", "D0074", "D0075", "D0076", "D9004"}
    assert found["D9004"]["share"] == Decimal("0.7")  # the split deal, 70% credited to AE03
    for deal_id, d in found.items():
        assert d["credited"] == (d["before"] * d["share"]).quantize(Decimal("0.01")), deal_id
        if d["slices"]:
            assert sum(base for base, *_ in d["slices"]) == d["credited"], deal_id
            assert sum(paid for *_, paid in d["slices"]) == d["amount"], deal_id
            for base, _, rate, paid in d["slices"]:
                assert abs(base * rate - paid) <= Decimal("0.01"), (deal_id, base, rate, paid)
    crossing = [deal_id for deal_id, d in found.items() if len(d["slices"]) == 2]
    assert "D9004" in crossing and "D0074" in crossing  # both cross a tier edge


@needs_poppler
def test_lines_add_up_to_the_component_and_components_to_the_total(text):
    lines = sum(d["amount"] for d in deals(text).values())
    commission = printed(text, "Subtotal · Margin commission")
    assert lines == commission == printed(text, "Margin commission")
    bonus = printed(text, "Subtotal · KPI bonus")
    assert bonus == printed(text, "KPI bonus")
    assert bonus + commission == printed(text, "Total payable") == money(re.search(rf"\$({AMOUNT})", text)[1])


@needs_poppler
def test_the_tier_table_is_the_plans(text):
    (commission,) = [c for c in load_plan(AE_PLAN).components if isinstance(c, Commission)]
    rows = [m.groups() for line in text.splitlines() if (m := TIER.match(line.strip()))]
    assert [(label, money(start), None if stop == "and above" else money(stop), Decimal(rate) / 100)
            for label, start, stop, rate, _ in rows] == [
        (t.label, t.from_, t.to, t.rate) for t in commission.tiers]
    modes = [how for *_, how in rows]
    assert modes == ["to the part inside the band", "to the whole base below it once reached",
                     "to the part inside the band"]  # marginal, retroactive, marginal as the plan says
    total = sum(d["credited"] for d in deals(text).values())
    assert f"This period's base totals {total:,.2f}: it crossed 15,000.00" in " ".join(text.split())


@needs_poppler
def test_money_in_the_calculation_has_the_currencys_places_and_no_backtick_prints(text):
    calculation_part = text.split("How this was calculated", 1)[1]
    for label in ("KPI bonus", "Target incentive", "Bonus before gates", "Margin commission",
                  "Commissionable base", "Deal lines"):
        assert re.search(rf"{label}: {AMOUNT} —", calculation_part), label
    assert "`" not in text
