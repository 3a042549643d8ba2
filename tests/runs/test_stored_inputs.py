"""A run stores each rep's scored inputs, compactly, and they decode to what was scored."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from sqlalchemy import select

from payplan.core.engine import evaluate
from payplan.core.inputs import CarriedState, Deal, MetricValue, Rep, RepInputs
from payplan.plans.versions import get_plan, load
from payplan.runs import lifecycle as runs
from payplan.runs.stored_inputs import decode_inputs, encode_inputs
from payplan.store.service_schema import run_results

from .test_runs import MARCH

INPUTS = RepInputs(Rep("Б/1", name="Богдан"), "2026-03",
                   metrics={"revenue": MetricValue(Decimal("12345678901234567.89"), 2, ("D1", "D2"))},
                   deals=(Deal("D1", "won", Decimal("0.01")),))


def test_round_trip_exact_and_compressed_only_when_smaller():
    state = CarriedState(draw_balance=Decimal("50.00"))
    blob = encode_inputs("h" * 64, INPUTS, state)
    back = decode_inputs(blob)
    assert (back.inputs, back.state_in, back.plan_hash) == (INPUTS, state, "h" * 64)
    assert back.inputs.metrics["revenue"].value == Decimal("12345678901234567.89")
    for value in (INPUTS, RepInputs(Rep("x"), "2026-03")):
        stored = encode_inputs("h" * 64, value, state)
        plain = msgspec.json.encode(decode_inputs(stored))  # the same document, never compressed
        assert plain[:1] == b"{" and len(stored) <= len(plain)
        assert stored[:1] == (b"L" if len(stored) < len(plain) else b"{")
    for bad in (b"garbage", b"Z not zlib", b"L not lz4", b"{not json"):
        with pytest.raises(ValueError):
            decode_inputs(bad)


def test_every_row_of_a_run_stores_what_reproduces_its_result(tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    plan = tx(lambda conn: load(conn, get_plan(conn, "svc@1")))
    rows = tx(lambda conn: conn.execute(select(run_results.c.rep_id, run_results.c.total, run_results.c.inputs)
                                        .where(run_results.c.run_id == run.id)).all())
    assert {r.rep_id: str(r.total) for r in rows} == MARCH
    for rep_id, total, blob in rows:
        stored = decode_inputs(blob)
        assert stored.plan_hash == run.plan_hash and stored.inputs.rep.id == rep_id
        assert evaluate(plan, stored.inputs, stored.state_in).total == total
