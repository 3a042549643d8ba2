"""Fact days and periods bounded to the years a pay period may have (1900..9998, `payplan.core.periods`):
a day past them is a row problem naming file, row and column, never an error out of a later step."""

from __future__ import annotations

from pathlib import Path

import pytest

from payplan.facts.problems import FactError
from payplan.facts.read import read_facts

REPS = "rep_id,name,email,role,team,manager_id,hired_on,terminated_on,currency\nA1,Ann,,AE,EMEA,,2025-01-01,,EUR\n"
DEALS = "deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"


def problems(tmp_path: Path, **files: str) -> list[str]:
    (tmp_path / "reps.csv").write_text(REPS, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    with pytest.raises(FactError) as caught:
        read_facts(tmp_path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "0001-01-01T00:00:00+01:00",
                                 "9999-12-31T23:00:00-05:00"])
def test_a_deal_day_outside_the_years_is_a_row_problem(tmp_path, day):
    # a plain day takes the quick parser's path; a timestamp whose UTC day is no `date` the full one's
    found = problems(tmp_path, deals=DEALS + f"D1,A1,2026-03-01,{day},won,10.00,1.00,EUR,Core,\n")
    assert found == [f"deals.csv row 2, column closed_at: {day} is outside the years 1900 to 9998"]


def test_the_edge_days_are_accepted(tmp_path):
    (tmp_path / "reps.csv").write_text(REPS, encoding="utf-8")
    (tmp_path / "deals.csv").write_text(DEALS + "D1,A1,1900-01-01,9998-12-31,won,10.00,1.00,EUR,Core,\n")
    [deal] = read_facts(tmp_path).deals
    assert (deal.created_at.isoformat(), deal.closed_at.isoformat()) == ("1900-01-01", "9998-12-31")


@pytest.mark.parametrize("kind, text, place", [
    ("parameters", "rep_id,key,value,effective_from\nA1,ae_rate,0.5,9999-12-31\n", "row 2, column effective_from"),
    ("fx_rates", "date,from,to,rate\n0001-01-01,EUR,USD,1.1\n", "row 2, column date"),
    ("nps", "response_id,rep_id,answered_at,score\nN1,A1,9999-01-01,9\n", "row 2, column answered_at"),
])
def test_dates_of_other_kinds_are_bounded_too(tmp_path, kind, text, place):
    value = text.splitlines()[1].split(",")[{"parameters": 3, "fx_rates": 0, "nps": 2}[kind]]
    assert problems(tmp_path, **{kind: text}) == [f"{kind}.csv {place}: {value} is outside the years 1900 to 9998"]


@pytest.mark.parametrize("kind, text", [
    ("scores", "rep_id,period,kind,value\nA1,9999-12,crm_hygiene,0.5\n"),
    ("targets", "scope,scope_id,period,metric,target\nrep,A1,0000-01,revenue,100\n"),
])
def test_a_period_column_outside_the_years_is_a_row_problem(tmp_path, kind, text):
    period = "9999-12" if kind == "scores" else "0000-01"
    assert problems(tmp_path, **{kind: text}) == [
        f"{kind}.csv row 2, column period: '{period}': the year must be from 1900 to 9998"]
