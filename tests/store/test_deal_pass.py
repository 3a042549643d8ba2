"""Stage 1 reads a period's deals once (`payplan.store.deal_pass`) and gets what the two
earlier set-based queries got (`tests.store.deal_oracle`: a GROUP BY with a window function
for the totals and medians, a second query for the credited deals): every deal metric of
the catalog in every scope with and without a product filter, SPIFF windows, a plan version
in force for part of the period (`days`), the plan's time zone and converted amounts, on the
test company, the demo company and synthetic data, on every backend."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import select, update

from payplan.core.fx import Converted, FxRate
from payplan.core.metrics import DEAL_METRICS, MetricSpec
from payplan.core.periods import parse_period
from payplan.facts.imports import import_facts
from payplan.facts.read import read_facts
from payplan.store import load_inputs
from payplan.store.fx import FxAmounts
from payplan.store.metric_totals import DEAL_VALUES, empty_value, median
from payplan.store.metrics import facts_span, window_of
from payplan.store.rows import period_deals
from payplan.store.schema import credits, deals
from payplan.store.synthetic import generate
from tests.fact_db import DATA
from tests.store import deal_oracle

DEMO = Path(__file__).parents[2] / "examples" / "demo"
SCOPES = ("self", "team", "subtree")
# (period, zone, days of a partial version): whole months in UTC and in Kyiv, a version from the 10th
CASES = [("2026-03", "UTC", None), ("2026-03", "Europe/Kyiv", None), ("2026-02", "UTC", None),
         ("2026-03", "Europe/Kyiv", (date(2026, 3, 10), date(2026, 3, 31)))]


@pytest.fixture(params=["company", "demo", "synthetic"])
def facts(request, engine):
    """The engine holding one company's facts, and a product its deals have."""
    with engine.begin() as conn:
        if request.param == "synthetic":
            generate(conn, reps=300, facts=12_000, period="2026-03")
            _vary(conn)
        else:
            import_facts(conn, read_facts(DATA / "company" if request.param == "company" else DEMO))
        product = conn.execute(select(deals.c.product).where(deals.c.product != "").order_by(deals.c.id)).first()
    return engine, product[0] if product else ""


def _vary(conn) -> None:
    """Gives the synthetic deals what the generator leaves out: instants late in the UTC day
    (another day in Kyiv) and credits counting for quota or commission only."""
    d = deals.c
    rows = conn.execute(select(d.id, d.closed_at, d.created_at, d.cancelled_at).order_by(d.id)).all()
    late = lambda day: None if day is None else datetime.combine(day, time(22, 30))  # noqa: E731
    for deal_id, closed, created, cancelled in rows[::5]:
        conn.execute(update(deals).where(d.id == deal_id).values(
            closed_at_utc=late(closed), created_at_utc=late(created), cancelled_at_utc=late(cancelled)))
    split = conn.execute(select(credits.c.deal_id, credits.c.rep_id).order_by(credits.c.deal_id, credits.c.rep_id)).all()
    for n, (deal_id, rep_id) in enumerate(split[:40]):
        conn.execute(update(credits).where(credits.c.deal_id == deal_id, credits.c.rep_id == rep_id)
                     .values(counts_for=("quota", "commission")[n % 2]))
    whole = conn.execute(select(d.id, d.rep_id).where(d.status == "won", ~d.id.in_(select(credits.c.deal_id)))
                         .order_by(d.id).limit(6)).all()
    reps = [r for (r,) in conn.execute(select(d.rep_id).distinct().order_by(d.rep_id).limit(3))]
    for n, (deal_id, owner) in enumerate(whole):  # credits for quota only: commission goes whole to the owner
        conn.execute(credits.insert().values(deal_id=deal_id, rep_id=reps[n % 3] if reps[n % 3] != owner else reps[0],
                                             share=Decimal("0.5"), counts_for="quota" if n % 2 else "commission"))


def _fx(conn, period) -> FxAmounts:
    """Every third won or cancelled deal of the period as if converted at 1.5 (cost at 0.5)."""
    d = deals.c
    found = conn.execute(select(d.id, d.currency, d.amount, d.cost).where(
        d.status.in_(("won", "cancelled")), d.closed_at <= period.end).order_by(d.id)).all()[::3]
    rate = FxRate(Decimal("1.5"), period.end)
    notes = {i: Converted(currency, amount, cost or Decimal(0), rate) for i, currency, amount, cost in found}
    cents = {i: (int(amount * 150), int((cost or 0) * 50)) for i, _, amount, cost in found}
    return FxAmounts("XTS", notes, cents)


def _specs(product: str, period) -> list[MetricSpec]:
    found = [MetricSpec(name, product=p, scope=scope) for name in sorted(DEAL_METRICS) for scope in SCOPES
             for p in ("", product)]
    window = {"starts": period.start.replace(day=5).isoformat(), "ends": period.start.replace(day=20).isoformat()}
    return found + [MetricSpec("revenue", **window), MetricSpec("cycle_days_median", scope="team", **window),
                    MetricSpec("deals_won", product=product, scope="subtree", **window)]


def _expected(conn, spec, period, zone, days, fx) -> dict:
    """owner → MetricValue of `spec` from the oracle's totals."""
    span = window_of(spec, period, zone, days) if spec.starts else facts_span(period, zone, days)
    if span is None:
        return {}
    totals = deal_oracle.deal_totals(conn, span, spec.scope, spec.product, None, fx.table if fx else None)
    if spec.name == "cycle_days_median":
        return {o: median(t) for o, t in totals.items() if t.median_count}
    return {o: DEAL_VALUES[spec.name](t) for o, t in totals.items()}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{'days' if c[2] else 'whole'}")
@pytest.mark.parametrize("converted", [False, True], ids=["stored", "fx"])
def test_one_read_equals_the_two_queries(facts, case, converted):
    engine, product = facts
    key, zone, days = case
    period = parse_period(key)
    with engine.connect() as conn:
        fx = _fx(conn, period) if converted else None
        specs = _specs(product, period)
        got = load_inputs(conn, specs, period, team_scope="subtree", zone=zone, fx=fx, days=days)
        listed = deal_oracle.period_deals(conn, facts_span(period, zone, days), None, fx)
        assert got and (any(listed.values()) or key != "2026-03")  # March always has some
        for spec in specs:
            expected, empty = _expected(conn, spec, period, zone, days, fx), empty_value(spec)
            assert {r: i.metrics[spec.key] for r, i in got.items()} == {r: expected.get(r, empty) for r in got}, spec.key
        for rep, inputs in got.items():
            assert inputs.deals == listed.get(rep, ()), rep
            assert {m.rep.id: m.deals for m in inputs.team} == {
                m.rep.id: tuple(d for d in listed.get(m.rep.id, ()) if d.status == "won") for m in inputs.team}
        # a few reps (an explanation, a statement) read only their rows and get the same
        some = sorted(got)[::7][:5]
        few = load_inputs(conn, specs, period, rep_ids=some, team_scope="subtree", zone=zone, fx=fx, days=days)
        assert few == {r: got[r] for r in some}


def test_fields_are_left_out_only_when_asked(facts):
    engine, _ = facts
    march = parse_period("2026-03")
    with engine.connect() as conn:
        listed = period_deals(conn, march, None)
        specs = [MetricSpec("revenue")]
        without = load_inputs(conn, specs, march, fields=False)
        full = load_inputs(conn, specs, march)
    assert {r: i.deals for r, i in full.items() if i.deals} == listed
    assert {r: i.deals for r, i in without.items() if i.deals} == {
        r: tuple(msgspec.structs.replace(d, fields={}) for d in found) for r, found in listed.items()}


def test_a_window_outside_the_days_counts_nothing(company):
    spec = MetricSpec("revenue", starts="2026-03-01", ends="2026-03-05")
    with company.connect() as conn:
        found = load_inputs(conn, [spec], parse_period("2026-03"), days=(date(2026, 3, 10), date(2026, 3, 31)))
    assert found and all(i.metrics[spec.key] == empty_value(spec) for i in found.values())
