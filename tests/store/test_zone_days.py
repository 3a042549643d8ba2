"""`sqlparts.within` in a plan's time zone: the days strictly inside a span count whatever the
instant (an index serves them), the days at its edges by their instant. Checked against each
fact's day in the zone computed in Python, for zones far east and west of UTC, on every backend."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from payplan.store.schema import activities, reps
from payplan.store.sqlparts import Days, within

START = datetime(2026, 2, 26)  # naive UTC; a fact every 5 hours up to early April
INSTANTS = [START + timedelta(hours=5 * n) for n in range(200)]
DAYS = [date(2026, 2, 27) + timedelta(days=n) for n in range(36)]  # facts given as a day only
ZONES = ["Europe/Kyiv", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/St_Johns"]
SPANS = [(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 3, 1), date(2026, 3, 1)),
         (date(2026, 3, 31), date(2026, 4, 1)), (date(2026, 3, 10), date(2026, 3, 12))]


@pytest.fixture
def facts(engine):
    with engine.begin() as conn:
        conn.execute(reps.insert().values(id="R1", name="R", role="AE", team="T", currency="EUR"))
        conn.execute(activities.insert(), [
            {"id": f"I{n:03d}", "rep_id": "R1", "kind": "call", "occurred_at": at.date(), "occurred_at_utc": at}
            for n, at in enumerate(INSTANTS)] + [
            {"id": f"D{n:03d}", "rep_id": "R1", "kind": "call", "occurred_at": day, "occurred_at_utc": None}
            for n, day in enumerate(DAYS)])
    return engine


def _local_days(zone: str) -> dict[str, date]:
    tz = ZoneInfo(zone)
    found = {f"I{n:03d}": at.replace(tzinfo=timezone.utc).astimezone(tz).date() for n, at in enumerate(INSTANTS)}
    return found | {f"D{n:03d}": day for n, day in enumerate(DAYS)}


@pytest.mark.parametrize("zone", ZONES)
def test_a_fact_falls_in_a_span_by_its_day_in_the_zone(facts, zone):
    days = _local_days(zone)
    with facts.connect() as conn:
        for start, end in SPANS:
            query = select(activities.c.id).where(within(activities.c, "occurred_at", Days(start, end, zone)))
            got = {i for (i,) in conn.execute(query)}
            assert got == {i for i, day in days.items() if start <= day <= end}, (zone, start, end)
            assert any(i.startswith("I") for i in got) and any(i.startswith("D") for i in got)
