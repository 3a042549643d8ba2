"""`plans check` on team mechanics: overrides on the members' commission, pools, SPIFF count tiers."""

from __future__ import annotations

import msgspec

from payplan.core.lint import check_plan
from payplan.core.plan import Plan

COMMISSION = {"kind": "commission", "id": "commission", "rate": "0.05"}


def _codes(*components: dict) -> list[str]:
    plan = msgspec.convert({"id": "p", "version": 1, "name": "P", "effective_from": "2026-01-01", "period": "month",
                            "currency": "USD", "components": list(components)}, Plan, strict=False)
    return [i.code for i in check_plan(plan) if i.severity == "error"]


def test_on_must_name_a_commission_of_the_plan() -> None:
    assert "override-on" in _codes(COMMISSION, {"kind": "override", "id": "o", "rate": "0.1", "on": "nope"})
    assert "override-on" not in _codes(COMMISSION, {"kind": "override", "id": "o", "rate": "0.1", "on": "commission"})


def test_on_a_gated_commission_or_with_min_attainment_is_rejected() -> None:
    gated = {**COMMISSION, "gates": [{"metric": "meetings", "min": "3"}]}
    assert "override-on" in _codes(gated, {"kind": "override", "id": "o", "rate": "0.1", "on": "commission"})
    assert "override-on" in _codes(COMMISSION, {"kind": "override", "id": "o", "rate": "0.1", "on": "commission",
                                                "min_attainment": "0.8", "team_quota": "1000"})


def test_a_pool_needs_amount_or_rate_not_both() -> None:
    assert "pool-amount" in _codes({"kind": "pool", "id": "p"})
    assert "pool-amount" in _codes({"kind": "pool", "id": "p", "amount": "100", "rate": "0.01"})
    assert "pool-amount" not in _codes({"kind": "pool", "id": "p", "amount": "100"})


def test_spiff_count_tiers_replace_per_deal() -> None:
    tiers = [{"from": "1", "to": "3", "rate": "100"}, {"from": "3", "rate": "150"}]
    assert "spiff-tiers" in _codes({"kind": "spiff", "id": "s", "per_deal": "50", "tiers": tiers})
    assert _codes({"kind": "spiff", "id": "s", "tiers": tiers}) == []
    assert "tiers-gap" in _codes({"kind": "spiff", "id": "s", "tiers": [tiers[0], {"from": "4", "rate": "150"}]})
