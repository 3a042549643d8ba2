"""Team pools: the shares add up to the pool to the cent, and every member computes the same division.

The rules in words (docs/plan-format.md, "Team pool"): each member's exact share is
pool × weight / total weight; shares are rounded down to the cent, and the cents left go
one each to the members whose exact shares lost the most, ties to the lower rep id.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from payplan.core.engine import evaluate
from payplan.core.inputs import Deal, Rep, RepInputs, Target, TeamMember
from payplan.core.periods import parse_period
from payplan.core.plan import Plan
from payplan.core.pool import divide

CENT = Decimal("0.01")
POOLS = st.decimals(min_value=Decimal(0), max_value=Decimal("100000"), places=2)
WEIGHTS = st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3),
                          st.decimals(min_value=Decimal(0), max_value=Decimal("1000"), places=4),
                          min_size=1, max_size=9)


@given(POOLS, WEIGHTS)
def test_shares_add_up_to_the_pool(pool: Decimal, weights: dict[str, Decimal]) -> None:
    shares = divide(pool, weights, CENT)
    assert set(shares) == set(weights)
    if sum(weights.values()) == 0:
        assert all(s == 0 for s in shares.values())
        return
    assert sum(shares.values()) == pool
    whole = sum(Fraction(w) for w in weights.values())
    for k, share in shares.items():
        exact = Fraction(pool) * Fraction(weights[k]) / whole
        assert share == share.quantize(CENT) and abs(Fraction(share) - exact) < Fraction(1, 100)


@given(POOLS, WEIGHTS)
def test_the_division_does_not_depend_on_the_members_order(pool: Decimal, weights: dict[str, Decimal]) -> None:
    assert divide(pool, dict(reversed(list(weights.items()))), CENT) == divide(pool, weights, CENT)


def test_the_cent_left_goes_to_the_lowest_id_on_a_tie() -> None:
    assert divide(Decimal("1000.00"), dict.fromkeys(["c", "a", "b"], Decimal(1)), CENT) == {
        "a": Decimal("333.34"), "b": Decimal("333.33"), "c": Decimal("333.33")}


def _plan(split: str) -> Plan:
    return msgspec.convert({"id": "p", "version": 1, "name": "P", "effective_from": "2026-01-01", "period": "month",
                            "currency": "USD", "components": [{"kind": "pool", "id": "pool", "rate": "0.03",
                                                               "split": split, "quota": "5000"}]},
                           Plan, strict=False)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["equal", "attainment", "revenue"]),
       st.lists(st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("90000"), places=2), max_size=3),
                min_size=1, max_size=6),
       st.lists(st.none() | st.decimals(min_value=Decimal("1000"), max_value=Decimal("50000"), places=0), min_size=6,
                max_size=6))
def test_every_members_statement_divides_the_same_pool(split, amounts, quotas) -> None:
    plan, period = _plan(split), parse_period("2026-03")
    members = tuple(TeamMember(Rep(f"r{i}", role="AE", team="T"),
                               tuple(Deal(f"d{i}-{j}", "won", a, closed_at=date(2026, 3, 10), rep_id=f"r{i}")
                                     for j, a in enumerate(deals)),
                               {"quota": Target(quotas[i], "test")} if quotas[i] else {})
                    for i, deals in enumerate(amounts))
    # rounded as the plan rounds (its default: half up); 0.03 × 54,143.50 = 1,624.305 is 1,624.31
    pool = (Decimal("0.03") * sum((a for deals in amounts for a in deals), Decimal(0))).quantize(CENT, ROUND_HALF_UP)
    paid = Decimal(0)
    for m in members:
        result = evaluate(plan, RepInputs(m.rep, "2026-03", deals=m.deals, pool=members), None, period)
        paid += result.total
    assert paid == pool
