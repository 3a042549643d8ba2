"""Periods' years: only those whose period, the period before and the period after all have dates."""

from __future__ import annotations

from datetime import date

import pytest

from payplan.core.periods import FIRST_YEAR, LAST_YEAR, PeriodError, parse_period, parse_range


@pytest.mark.parametrize("text", ["0000-01", "0000-12", "0001-01", "1899-12", "9999-12", "9999-01", "9999-Q4",
                                  "9999", "0000"])
def test_a_year_outside_1900_to_9998_is_a_period_error_naming_the_range(text):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert str(caught.value) == f"'{text}': the year must be from 1900 to 9998"
    assert caught.value.message == "%(text)r: the year must be from %(first)s to %(last)s"
    assert caught.value.fields == {"text": text, "first": 1900, "last": 9998}


def test_the_first_and_last_years_compute_their_neighbours():
    assert (FIRST_YEAR, LAST_YEAR) == (1900, 9998)
    first, last = parse_period("1900-01"), parse_period("9998-12")
    assert (first.start, first.end, first.previous().start) == (date(1900, 1, 1), date(1900, 1, 31), date(1899, 12, 1))
    assert (last.end, last.next().key, last.next().end) == (date(9998, 12, 31), "9999-01", date(9999, 1, 31))
    assert parse_period("9998-Q4").next().end == date(9999, 3, 31)
    assert parse_period("9998").next().end == date(9999, 12, 31)


def test_a_range_reaching_past_the_last_year_is_refused_by_its_end():
    with pytest.raises(PeriodError, match=r"^'9999-06': the year must be from 1900 to 9998$"):
        parse_range("9998-01..9999-06")
    assert [p.key for p in parse_range("9998-11..9998-12")] == ["9998-11", "9998-12"]


def test_the_other_period_errors_are_plain_sentences():
    with pytest.raises(PeriodError) as caught:
        parse_period("2026-13")
    assert str(caught.value) == "'2026-13': month must be 01..12" and caught.value.fields == {"text": "2026-13"}
