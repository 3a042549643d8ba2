"""The synthetic generator: deterministic, and the CSV path equals the direct insert path.

Also a cross-check of the metric SQL against plain Python sums over the same facts.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.metrics import CATALOG, MetricSpec
from payplan.core.periods import parse_period
from payplan.facts.imports import import_facts
from payplan.facts.read import read_facts
from payplan.store import create_schema, load_inputs, make_engine
from payplan.store.synthetic import generate

MARCH = parse_period("2026-03")
SPECS = [MetricSpec(n) for n in CATALOG] + [MetricSpec("revenue", scope="subtree")]


def test_csv_and_direct_paths_agree(engine, tmp_path):
    with engine.begin() as conn:
        direct_counts = generate(conn, reps=60, facts=3000, seed=7)
    assert generate(tmp_path, reps=60, facts=3000, seed=7) == direct_counts
    facts = read_facts(tmp_path)
    other = make_engine("sqlite://")
    create_schema(other)
    with other.begin() as conn:
        import_facts(conn, facts)
    with engine.connect() as a, other.connect() as b:
        assert load_inputs(a, SPECS, MARCH, team_scope="subtree") == load_inputs(b, SPECS, MARCH, team_scope="subtree")


def test_revenue_matches_python_over_the_facts(tmp_path):
    generate(tmp_path, reps=40, facts=4000, seed=3)
    facts = read_facts(tmp_path)
    engine = make_engine("sqlite://")
    create_schema(engine)
    with engine.begin() as conn:
        import_facts(conn, facts)
        inputs = load_inputs(conn, [MetricSpec("revenue"), MetricSpec("deals_won")], MARCH)
    shares = {(c.deal_id, c.rep_id): c.share for c in facts.credits}
    split = {c.deal_id for c in facts.credits}
    expected: dict[str, Decimal] = {}
    for d in facts.deals:
        won = (d.status in ("won", "cancelled") and MARCH.contains(d.closed_at)
               and (d.cancelled_at is None or d.cancelled_at > MARCH.end))
        if not won:
            continue
        credited = [(r, s) for (deal, r), s in shares.items() if deal == d.deal_id] if d.deal_id in split else [(d.rep_id, 1)]
        for rep_id, share in credited:
            expected[rep_id] = expected.get(rep_id, Decimal(0)) + d.amount * share
    assert expected and {r: i.metrics["revenue"].value for r, i in inputs.items() if r in expected} == expected
    assert sum(i.metrics["deals_won"].value for i in inputs.values()) >= len(expected)
