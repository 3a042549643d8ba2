"""A metric over a date window inside the period (a metric SPIFF's): only facts dated in
the window count, on every backend (the test company, tests/store/data/company)."""

from __future__ import annotations

from decimal import Decimal

from payplan.core.metrics import MetricSpec
from payplan.core.periods import parse_period
from payplan.store import load_inputs
from payplan.store.metrics import list_evidence

MARCH = parse_period("2026-03")
CALLS = MetricSpec("calls", starts="2026-03-02", ends="2026-03-03")
WON = MetricSpec("deals_won", starts="2026-03-06", ends="2026-03-15")
REVENUE = MetricSpec("revenue", starts="2026-03-06", ends="2026-03-15")
LATER = MetricSpec("meetings", starts="2026-04-10")


def test_windowed_metrics_count_only_the_days_of_their_window(company):
    specs = [MetricSpec("calls"), CALLS, WON, REVENUE, LATER]
    with company.connect() as conn:
        inputs = load_inputs(conn, specs, MARCH)["A1"].metrics
        evidence = list_evidence(conn, "A1", CALLS, MARCH)
    # A1's March calls: C1 (2nd), C2 (3rd), C6 (31st UTC); the window holds the first two
    assert inputs["calls"].value == 3
    assert (inputs[CALLS.key].value, evidence) == (2, ["C1", "C2"])
    # closed 6–15 March and not cancelled by the 15th: D4 (10th, cancelled 5 April),
    # D6 (8th, cancelled 28 March: after the window) and D7 (15th, credited 75%)
    assert inputs[WON.key].evidence == ("D4", "D6", "D7")
    assert inputs[REVENUE.key].value == Decimal("2000.00") + Decimal("700.00") + Decimal("900.00")
    # a window after the period: nothing counted
    assert inputs[LATER.key].value == 0
    assert CALLS.key == "calls[from=2026-03-02,to=2026-03-03]"
