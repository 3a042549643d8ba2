"""Fact timestamps fall on the days of the plan's time zone, on every backend.

The test company's activities C6 (2026-04-01T00:30+02:00 = 31 March 22:30 UTC) and C7
(2026-03-01T01:00+02:00 = 28 February 23:00 UTC): in Europe/Kyiv (EET +02:00 until 29
March 2026 03:00, then EEST +03:00) C6 is 1 April 01:30 and C7 is 1 March 01:00."""

from __future__ import annotations

from payplan.core.metrics import MetricSpec
from payplan.core.periods import parse_period
from payplan.facts.cells import utc_instant
from payplan.store import load_inputs
from payplan.store.metrics import list_evidence

MARCH, APRIL, FEBRUARY = parse_period("2026-03"), parse_period("2026-04"), parse_period("2026-02")
CALLS = MetricSpec("calls")
FIRST_OF_MARCH = MetricSpec("calls", starts="2026-03-01", ends="2026-03-01")


def _calls(company, period, zone, spec=CALLS):
    with company.connect() as conn:
        found = load_inputs(conn, [spec], period, activity_ids=True, zone=zone).get("A1")
        listed = list_evidence(conn, "A1", spec, period, zone)
    evidence = found.metrics[spec.key].evidence if found else ()
    assert list(evidence) == listed
    return evidence


def test_activities_fall_on_the_plan_zone_days(company):
    assert _calls(company, MARCH, "UTC") == ("C1", "C2", "C6")
    assert _calls(company, MARCH, "Europe/Kyiv") == ("C1", "C2", "C7")
    assert _calls(company, APRIL, "Europe/Kyiv") == ("C6",)
    assert _calls(company, FEBRUARY, "UTC") == ("C5", "C7")
    assert _calls(company, FEBRUARY, "Europe/Kyiv") == ("C5",)


def test_a_window_is_counted_in_the_plan_zone_days_too(company):
    assert _calls(company, MARCH, "UTC", FIRST_OF_MARCH) == ()
    assert _calls(company, MARCH, "Europe/Kyiv", FIRST_OF_MARCH) == ("C7",)


def test_only_a_time_with_an_offset_has_an_instant():
    assert str(utc_instant("2026-03-31T22:30:00Z")) == "2026-03-31 22:30:00"
    assert str(utc_instant("2026-03-31T23:30:00-04:00")) == "2026-04-01 03:30:00"
    assert utc_instant("2026-03-31T23:30:00") is None
    assert utc_instant("2026-03-31") is None
