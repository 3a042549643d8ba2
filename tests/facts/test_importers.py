"""Which days a fact file covers, for the importer-may-not-approve rule (payplan.facts.importers)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from payplan.facts.importers import OPEN_END, days_of
from payplan.facts.rows import (ActivityRow, CreditRow, DealRow, FactSet, FxRateRow, ParameterRow, RepRow, ScoreRow,
                                TargetRow)


def deal(created: date, closed: date | None, cancelled: date | None = None) -> DealRow:
    return DealRow("D", "A1", created, closed, "won", Decimal("1"), None, "EUR", "Core", cancelled)


def test_deals_span_their_created_closed_and_cancelled_days():
    facts = FactSet(deals=(deal(date(2026, 2, 27), date(2026, 3, 4)),
                           deal(date(2026, 3, 1), None, cancelled=date(2026, 4, 2))))
    assert days_of(facts, "deals") == (date(2026, 2, 27), date(2026, 4, 2))


def test_periods_of_scores_and_targets_count_from_their_first_to_their_last_day():
    scores = FactSet(scores=(ScoreRow("A1", "2026-Q2", "csat", Decimal("1")),))
    assert days_of(scores, "scores") == (date(2026, 4, 1), date(2026, 6, 30))
    targets = FactSet(targets=(TargetRow("rep", "A1", "2026-02", "revenue", Decimal("1")),
                               TargetRow("rep", "A1", "2026", "revenue", Decimal("1"))))
    assert days_of(targets, "targets") == (date(2026, 1, 1), date(2026, 12, 31))


def test_activities_count_their_day_and_undated_kinds_none():
    activities = FactSet(activities=(ActivityRow("X", "A1", "demo", date(2026, 5, 9)),))
    assert days_of(activities, "activities") == (date(2026, 5, 9), date(2026, 5, 9))
    assert days_of(FactSet(credits=(CreditRow("D", "A1", Decimal("1")),)), "credits") is None  # credited_days
    assert days_of(FactSet(), "deals") is None


def test_what_stays_in_effect_until_replaced_covers_every_later_day():
    """A parameter or a rate set before a period still pays in it: its importer is an interested party."""
    params = FactSet(parameters=(ParameterRow("A1", "ae_rate", Decimal("0.9"), date(2026, 1, 1)),))
    assert days_of(params, "parameters") == (date(2026, 1, 1), OPEN_END)
    rates = FactSet(fx_rates=(FxRateRow(date(2026, 4, 15), "EUR", "USD", Decimal("1.1")),))
    assert days_of(rates, "fx_rates") == (date(2026, 4, 15), OPEN_END)


def test_a_rep_covers_their_employment_open_at_an_end_not_given():
    hired = RepRow("A1", "Ann", None, "AE", "T", None, date(2026, 3, 16), None, "EUR", None)
    assert days_of(FactSet(reps=(hired,)), "reps") == (date(2026, 3, 16), OPEN_END)
    always = RepRow("A2", "Bo", None, "AE", "T", None, None, date(2026, 4, 15), "EUR", None)
    assert days_of(FactSet(reps=(always,)), "reps") == (date(1, 1, 1), date(2026, 4, 15))
