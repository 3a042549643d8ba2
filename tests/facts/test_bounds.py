"""Fact numbers bounded to what a 64-bit integer column stores exactly; JSON nesting bounded.

2^63 = 9,223,372,036,854,775,808, so the largest amount stored in cents is
92,233,720,368,547,758.07 and the largest score/share/target in millionths is
9,223,372,036,854.775807. Anything past them is refused naming file, row, column.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from payplan.facts.imports import import_facts
from payplan.facts.problems import FactError
from payplan.facts.read import read_facts
from payplan.store import schema

REPS = "rep_id,name,email,role,team,manager_id,hired_on,terminated_on,currency\nA1,Ann,,AE,EMEA,,2025-01-01,,EUR\n"
DEALS = "deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"
SCORES = "rep_id,period,kind,value\n"
MAX_CENTS = 2**63 - 1


def folder(tmp_path: Path, deals: str = "", scores: str = "", json_deals: str | None = None) -> Path:
    (tmp_path / "reps.csv").write_text(REPS, encoding="utf-8")
    if json_deals is not None:
        (tmp_path / "deals.json").write_text(json_deals, encoding="utf-8")
    elif deals:
        (tmp_path / "deals.csv").write_text(DEALS + deals, encoding="utf-8")
    if scores:
        (tmp_path / "scores.csv").write_text(SCORES + scores, encoding="utf-8")
    return tmp_path


def problems(path: Path) -> list[str]:
    with pytest.raises(FactError) as caught:
        read_facts(path)
    return [str(p) for p in caught.value.problems]


def deal(amount: str, cost: str = "1.00") -> str:
    return f"D1,A1,2026-03-01,2026-03-02,won,{amount},{cost},EUR,Core,\n"


@pytest.mark.parametrize("amount", ["100000000000000000000", "-100000000000000000000",
                                    "92233720368547758.08", "9223372036854775808"])
def test_amounts_past_64_bit_cents_are_refused_with_file_row_and_column(tmp_path, amount):
    # 1e20 written out, and 2^63 cents (…758.08), and 2^63 itself as an amount
    [message] = problems(folder(tmp_path, deal(amount)))
    assert message.startswith("deals.csv row 2, column amount: ")
    assert "out of range" in message and "92,233,720,368,547,758.07" in message


def test_cost_and_score_limits(tmp_path):
    found = problems(folder(tmp_path, deal("1.00", "-92233720368547758.08"),
                            "A1,2026-03,cost_audit,9223372036854.775808\n"))
    assert [m.split(":")[0] for m in found] == ["deals.csv row 2, column cost", "scores.csv row 2, column value"]


def test_a_long_digit_run_is_shown_shortened(tmp_path):
    [message] = problems(folder(tmp_path, deal("9" * 100_000)))
    assert len(message) < 200 and "…" in message


def test_json_fact_file_nested_10000_deep_is_refused(tmp_path):
    [message] = problems(folder(tmp_path, json_deals="[" * 10_000 + "]" * 10_000))
    assert message == "deals.json: is nested more than 32 levels deep; a fact file is an array of flat objects"


def test_the_largest_storable_amounts_round_trip(engine, tmp_path):
    # exactly 2^63 - 1 cents and 2^63 - 1 millionths: accepted, stored and read back unchanged
    amount = Decimal(MAX_CENTS).scaleb(-2)
    facts = read_facts(folder(tmp_path, deal(str(amount), str(-amount)),
                              f"A1,2026-03,cost_audit,{Decimal(MAX_CENTS).scaleb(-6)}\n"))
    with engine.begin() as conn:
        import_facts(conn, facts)
    with engine.connect() as conn:
        stored = conn.execute(select(schema.deals.c.amount, schema.deals.c.cost)).one()
        score = conn.execute(select(schema.scores.c.value)).scalar_one()
    assert stored == (Decimal("92233720368547758.07"), Decimal("-92233720368547758.07"))
    assert score == Decimal("9223372036854.775807")
