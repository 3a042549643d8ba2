"""ASC 340-40 amortisation: what is capitalised and the straight-line schedule (hand-computed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from payplan.core.accounting import schedule
from payplan.core.engine import evaluate
from payplan.core.inputs import Deal, Rep, RepInputs
from payplan.core.plan import Accounting, Commission, Fixed, Plan


def _cents(value: D) -> D:
    return value.quantize(D("0.01"))


@pytest.mark.parametrize("amount, months, monthly, last", [
    ("3000", 60, "50.00", "50.00"),       # EX39
    ("22680", 48, "472.50", "472.50"),    # EX40
    ("31400", 48, "654.17", "654.01"),    # 47 × 654.17 = 30,745.99
    ("6000", 24, "250.00", "250.00"),     # journalentrieshub
    ("100", 3, "33.33", "33.34"),
])
def test_schedule_sums_exactly(amount, months, monthly, last):
    s = schedule(D(amount), months, _cents)
    assert (s.monthly, s.schedule[-1], len(s.schedule)) == (D(monthly), D(last), months)
    assert sum(s.schedule) == D(amount)


def test_schedule_refuses_zero_months():
    with pytest.raises(ValueError):
        schedule(D(100), 0, _cents)


def test_capitalises_commission_as_paid_after_its_cap_and_nothing_else():
    plan = Plan(id="p", version=1, name="p", effective_from=date(2026, 1, 1), period="month", currency="USD",
                accounting=Accounting(amortize_months=10),
                components=[Fixed(id="salary", amount=D(5000)), Commission(id="c", rate=D("0.1"), cap=D(2000))])
    deals = (Deal("d1", "won", D(15000), closed_at=date(2026, 3, 2)), Deal("d2", "won", D(15000), closed_at=date(2026, 3, 9)))
    result = evaluate(plan, RepInputs(Rep("r"), "2026-03", deals=deals))
    assert result.total == D(7000)  # 5,000 salary + 3,000 commission capped at 2,000
    assert result.amortization.capitalized == D(2000)
    assert result.amortization.monthly == D("200.00")
