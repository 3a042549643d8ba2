"""The fx conversion path (`payplan.store.fx`) on every fact store: SQLite in memory and in a file, and
PostgreSQL when PAYPLAN_TEST_DATABASE_URL is set. The EX-fx-* examples, a missing-rate policy and the
converted cents, figured by hand in the examples' notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from payplan.core.periods import parse_period
from payplan.core.plan import Fx
from payplan.errors import Invalid
from payplan.facts.imports import import_facts
from payplan.facts.read import read_facts
from payplan.store.fx import load_rates, period_conversions
from tests.examples.harness import run_on
from tests.fact_db import engine  # noqa: F401 - the fixture: every backend

HERE = Path(__file__).parent
MARCH = parse_period("2026-03")


@pytest.mark.parametrize("example", ["EX-fx-close-date-last-earlier", "EX-fx-period-average"])
def test_the_fx_examples_on_every_database(engine, example):
    run_on(HERE / example, engine)


def stored(engine, example: str) -> None:
    with engine.begin() as conn:
        import_facts(conn, read_facts(HERE / example / "facts"))


def test_rates_and_period_average_cents_on_every_database(engine):
    stored(engine, "EX-fx-period-average")
    with engine.connect() as conn:
        rates = load_rates(conn, {"USD", "EUR"}, "UAH")
        fx = period_conversions(conn, MARCH, "UAH", Fx(rate_date="period_average", missing="error"))
    assert rates[("USD", "UAH")] == [(date(2026, 3, 10), Decimal("41.2345")), (date(2026, 3, 27), Decimal("41.5012")),
                                     (date(2026, 3, 31), Decimal("41.6789"))]
    # the note of EX-fx-period-average: D1 49,765.84; D2 38,553.45; D4 13,823.71 (D3 is in UAH already);
    # costs are 0 in deals.csv
    assert fx.cents == {"D1": (4976584, 0), "D2": (3855345, 0), "D4": (1382371, 0)}
    assert fx.notes["D2"].currency == "EUR" and fx.notes["D2"].amount == Decimal("850.50")


def test_a_missing_rate_names_the_deal_on_every_database(engine):
    stored(engine, "EX-fx-close-date-last-earlier")
    with engine.connect() as conn, pytest.raises(Invalid) as caught:
        period_conversions(conn, MARCH, "UAH", Fx(rate_date="close_date", missing="error"))
    assert str(caught.value) == ("deal D4: no USD/UAH rate for 2026-03-29 in fx_rates.csv "
                                 "(the plan's fx.missing is error)")
