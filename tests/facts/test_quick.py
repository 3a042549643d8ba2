"""The quick row parsers accept only what the full parser accepts, and build the very same row."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from payplan.facts.problems import FactProblem
from payplan.facts.quick import quick_activity, quick_deal
from payplan.facts.cells import Cells
from payplan.facts.read import SPECS, parse_file

DAYS = ["2026-03-01", "2026-03-15", " 2026-03-20 ", "2026-02-30", "2026-3-01", "20260301", "2026-03-01T10:00:00+02:00",
        "2026-03-01 23:30", "", "  ", "01.03.2026"]
NUMBERS = ["100", "100.5", "100.50", "100.505", "-3.20", "+7", "1e3", "", " 12.00 ", "1,5", "١٢", "99999999999999999",
           "9999999999999999.99", ".5", "5.", "NaN", "0"]
IDS = ["D1", " D2 ", "", "D\x01", "Ünï", "a b", "D\u00a0"]
STATUSES = ["won", "lost", "open", "cancelled", " won ", "Won", ""]


def slow(kind: str, values: dict[str, str], extras: tuple[str, ...] = ()):
    problems: list[FactProblem] = []
    cells = Cells("x.csv", 7, values, problems)
    cells.extras = extras
    return SPECS[kind].parse(cells), problems


@given(st.fixed_dictionaries({
    "deal_id": st.sampled_from(IDS), "rep_id": st.sampled_from(IDS), "status": st.sampled_from(STATUSES),
    "created_at": st.sampled_from(DAYS), "closed_at": st.sampled_from(DAYS), "cancelled_at": st.sampled_from(DAYS),
    "amount": st.sampled_from(NUMBERS), "cost": st.sampled_from(NUMBERS), "discount": st.sampled_from(NUMBERS),
    "currency": st.sampled_from(["EUR", " UAH", ""]), "product": st.sampled_from(["", " Core ", "x"])}))
@settings(max_examples=3000, deadline=None)
def test_a_quick_deal_is_the_full_parsers_deal(values):
    quick = quick_deal(values, 7, ("discount",))
    full, problems = slow("deals", values, ("discount",))
    if quick is not None:  # accepted: the full parser accepts it too, with every value the same
        assert problems == [] and quick == full
        assert [type(v) for v in (quick.amount, quick.cost)] == [type(full.amount), type(full.cost)]
        assert str(quick.amount) == str(full.amount) and quick.fields == full.fields


@given(st.fixed_dictionaries({"activity_id": st.sampled_from(IDS), "rep_id": st.sampled_from(IDS),
                              "kind": st.sampled_from(["call", " demo ", ""]), "occurred_at": st.sampled_from(DAYS)}))
@settings(max_examples=500, deadline=None)
def test_a_quick_activity_is_the_full_parsers_activity(values):
    quick = quick_activity(values, 7, ())
    full, problems = slow("activities", values)
    if quick is not None:
        assert problems == [] and quick == full


def test_the_quick_parser_takes_the_plain_rows_and_leaves_the_rest_to_the_full_one():
    plain = {"deal_id": "D1", "rep_id": "A1", "created_at": "2026-03-01", "closed_at": "2026-03-09", "status": "won",
             "amount": "10.50", "currency": "EUR"}
    assert quick_deal(plain, 2, ()) is not None
    for column, value in (("closed_at", "2026-03-01T10:00:00+02:00"), ("amount", "1e3"), ("closed_at", "")):
        assert quick_deal(plain | {column: value}, 2, ()) is None
    header = list(plain)
    rows = [(2, plain), (3, plain | {"deal_id": "D2", "closed_at": ""})]
    problems: list[FactProblem] = []
    assert [d.deal_id for d in parse_file("deals.csv", (header, rows), SPECS["deals"], problems)] == ["D1"]
    assert [str(p) for p in problems] == ["deals.csv row 3, column closed_at: a won deal needs closed_at"]
